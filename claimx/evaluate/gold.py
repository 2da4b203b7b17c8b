"""Reading and checking the gold file of ``claimx evaluate``.

Gold file
---------
JSON Lines, one article per line: ``{"id": str, "text": str, "claims": [...]}``; each claim has
``content_fragments`` (a non-empty list of ``[start, end]``), ``speaker_span`` and ``cue_span``
(``[start, end]`` or null), ``cue`` (the cue text or null) and ``kind`` (``direct``, ``mixed``
or ``indirect``; other values get their own row), and optionally ``speaker_name``: the
canonical name of the person or organisation the speaker is (several joined with ``; ``), which
the resolved-speaker accuracy scores; null or absent, the claim is not scored by name.
Offsets are Python ``str`` indices into ``text``, end exclusive. Any other key is ignored.
This is the format of the PolNeAR-derived evaluation data that claimx is developed against.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ClaimxError, InputError
from ..types import Span

_SPAN_KEYS = ("speaker_span", "cue_span")


class GoldError(ClaimxError):
    """A gold file line that is not an annotated article in the documented format."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class GoldClaim:
    """One annotated attribution: content fragments, speaker, cue and kind."""

    content_fragments: tuple[Span, ...]
    speaker_span: Span | None
    cue: str | None
    cue_span: Span | None
    kind: str
    speaker_name: str | None = None


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: its id, its full text and its claims in file order."""

    id: str
    text: str
    claims: tuple[GoldClaim, ...]


class _Malformed(Exception):
    """A problem in one gold record; :func:`read_gold` adds the file and line."""


def read_gold(path: Path | str) -> list[GoldArticle]:
    """Every article in a gold JSON Lines file, in file order.

    path: the gold file (UTF-8, one JSON object per line; blank lines are skipped).
    Raises GoldError naming the file and line of the first malformed record, or InputError
    when the file cannot be read at all.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InputError(
            name, f"cannot be read ({reason})", "check that it exists and that you may read it"
        ) from exc
    articles = []
    # Lines are split as bytes so that a decoding error can still name its line.
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            articles.append(_parse_article(_json_object(raw)))
        except _Malformed as exc:
            raise GoldError(name, number, str(exc)) from None
    if not articles:
        raise GoldError(name, None, "holds no articles (expected one JSON object per line)")
    return articles


def _json_object(raw: bytes) -> dict[str, Any]:
    """One line decoded as a JSON object."""
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _Malformed(f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    except json.JSONDecodeError as exc:
        raise _Malformed(f"is not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise _Malformed(f"is a JSON {type(obj).__name__}, not an object")
    return obj


def _parse_article(obj: dict[str, Any]) -> GoldArticle:
    """A gold article from its JSON object, checking every field the metric reads."""
    for key in ("id", "text"):
        if not isinstance(obj.get(key), str):
            hint = " (is this a predictions file?)" if "quote_spans" in obj else ""
            raise _Malformed(f"has no string {key!r}; not a gold article{hint}")
    raw_claims = obj.get("claims")
    if not isinstance(raw_claims, list):
        raise _Malformed(f"article {obj['id']!r} has no 'claims' list")
    text: str = obj["text"]
    claims = []
    for i, raw in enumerate(raw_claims, 1):
        try:
            claims.append(_parse_claim(raw, len(text)))
        except _Malformed as exc:
            raise _Malformed(f"article {obj['id']!r}, claim {i}: {exc}") from None
    return GoldArticle(id=obj["id"], text=text, claims=tuple(claims))


def _parse_claim(raw: Any, length: int) -> GoldClaim:
    """A gold claim from its JSON object; spans are checked against the text length."""
    if not isinstance(raw, dict):
        raise _Malformed("is not a JSON object")
    fragments = raw.get("content_fragments")
    if not isinstance(fragments, list) or not fragments:
        raise _Malformed("needs a non-empty 'content_fragments' list")
    content = tuple(_span(f, length, "content_fragments") for f in fragments)
    spans = {}
    for key in _SPAN_KEYS:
        value = raw.get(key)
        spans[key] = None if value is None else _span(value, length, key)
    cue = raw.get("cue")
    if cue is not None and not isinstance(cue, str):
        raise _Malformed("'cue' must be a string or null")
    kind = raw.get("kind", "unknown")
    if not isinstance(kind, str):
        raise _Malformed("'kind' must be a string")
    name = raw.get("speaker_name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise _Malformed("'speaker_name' must be a non-empty string or null")
    return GoldClaim(content, spans["speaker_span"], cue, spans["cue_span"], kind, name)


def _span(value: Any, length: int, key: str) -> Span:
    """``[start, end]`` as a tuple, if it is a pair of ints inside a text of ``length``."""
    # bool is an int subclass, but true/false in a span is a mistake, not an offset.
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(type(v) is int for v in value)
        or not 0 <= value[0] <= value[1] <= length
    ):
        raise _Malformed(f"{key} {json.dumps(value)} is not [start, end] within the text")
    return value[0], value[1]
