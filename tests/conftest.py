"""Shared fixtures."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

# The build scripts in models/ are tested as the namespace package ``models``. The checkout
# goes last on the path, so that ``claimx`` is the installed package (make install's strict
# editable install, which also maps claimx.stance_pipeline to models/stance), not the folder.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from claimx import api
from claimx.types import FIELDS, Claim
from claimx.writers import CSV_COLUMNS

Record = dict[str, Any]

#: A claim with no speaker, cue or target; tests override what they look at.
_CLAIM_DEFAULTS: dict[str, Any] = {
    "speaker": None,
    "speaker_role": None,
    "speaker_type": "unknown",
    "speaker_span": None,
    "cue": None,
    "cue_span": None,
    "quote": "",
    "quote_spans": (),
    "kind": "indirect",
    "target": None,
    "target_span": None,
    "stance": "neutral",
    "stance_score": 0.0,
    "source": None,
    "targets": (),
}


def make_claim(**overrides: Any) -> Claim:
    """A :class:`~claimx.types.Claim` with a default for every field; give only what matters."""
    unknown = overrides.keys() - _CLAIM_DEFAULTS.keys()
    assert not unknown, f"Claim has no field {sorted(unknown)}"
    return Claim(**(_CLAIM_DEFAULTS | overrides))


# A text cell that starts with apostrophes and then a formula character had one ``'`` added
# (claimx.writers.csv_row); numbers and spans are never prefixed.
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r\uff1d\uff20]")
_SPANS = {"speaker_span": "speaker", "cue_span": "cue", "target_span": "target"}


def _text(cell: str) -> str:
    """A CSV text cell back to the text: drop the ``'`` claimx put before a formula."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def _ints(cell: str) -> list[int]:
    """``"3;15"`` back to ``[3, 15]``; the empty cell to ``[]``."""
    return [int(n) for n in cell.split(";")] if cell else []


def _record_from_csv(row: dict[str, str]) -> Record:
    """A CSV row back to the structure ``Claim.to_dict()`` returns."""
    record: Record = {}
    for key in FIELDS:
        if key in _SPANS:
            start, end = row[f"{_SPANS[key]}_start"], row[f"{_SPANS[key]}_end"]
            assert bool(start) == bool(end), (key, start, end)
            record[key] = [int(start), int(end)] if start else None
        elif key == "quote_spans":
            starts, ends = _ints(row["quote_starts"]), _ints(row["quote_ends"])
            assert len(starts) == len(ends)
            record[key] = [[s, e] for s, e in zip(starts, ends, strict=True)]
        elif key == "quote":
            record[key] = _text(row[key])
        elif key == "stance_score":
            record[key] = float(row[key])
        elif key == "targets":
            record[key] = json.loads(row[key])  # compact JSON, never prefixed
        else:
            record[key] = _text(row[key]) or None
    return record


def _parse(fmt: str, text: str) -> list[Record]:
    """Claim records back from yaml, json, jsonl or csv output."""
    if fmt == "yaml":
        return list(yaml.safe_load(text) or [])  # no claims: an empty document, None
    if fmt == "json":
        return list(json.loads(text))
    if fmt == "jsonl":
        return [json.loads(line) for line in text.split("\n") if line]
    rows = csv.DictReader(io.StringIO(text, newline=""))
    columns = tuple(rows.fieldnames or ())
    assert columns[: len(CSV_COLUMNS)] == CSV_COLUMNS
    extra = columns[len(CSV_COLUMNS) :]  # article_<key>: the article's id and metadata, as text
    assert all(column.startswith("article_") for column in extra), extra
    records = []
    for row in rows:
        record = _record_from_csv(row)
        if extra:
            keys = [column.removeprefix("article_") for column in extra]
            record["article"] = {key: _text(row[f"article_{key}"]) for key in keys}
        records.append(record)
    return records


@pytest.fixture
def parse() -> Callable[[str, str], list[Record]]:
    """Parse claimx output in a machine format back into records (CSV cells included)."""
    return _parse


def check_offsets(text: str, record: Record) -> None:
    """Offsets are sacred: every span lies in ``text`` and spells the text it reports.

    The one offset check of the suite: the component's output (below), the CLI's printed
    records (tests/test_cli.py) and the ``offsets`` fixture all use it.
    """
    for key in ("speaker_span", "cue_span", "target_span"):
        span = record[key]
        if span is not None:
            assert 0 <= span[0] < span[1] <= len(text), (key, span)
    if record["cue"] is not None:
        assert text[record["cue_span"][0] : record["cue_span"][1]] == record["cue"]
    targets = record.get("targets") or []
    for item in targets:  # each target's mention lies in the text, inside the content
        s, e = item["target_span"]
        assert 0 <= s < e <= len(text) and text[s:e].strip(), ("targets", item)
    main = {k: record[k] for k in ("target", "target_span", "stance", "stance_score")}
    assert (targets[0] if targets else None) == (main if record["target"] is not None else None)
    parts = [text[s:e] for s, e in record["quote_spans"]]
    assert parts and all(0 <= s < e <= len(text) for s, e in record["quote_spans"])
    assert " … ".join(parts) == record["quote"], (parts, record["quote"])


@pytest.fixture
def offsets() -> Callable[[str, Record], None]:
    """:func:`check_offsets`, for tests that get claims without the component's call."""
    return check_offsets


@pytest.fixture(autouse=True, scope="session")
def _offsets_checked_everywhere() -> Any:
    """Check offsets on every claim the component produces anywhere in the suite."""
    from claimx.component import ClaimExtractor

    original = ClaimExtractor.__call__

    def checked(self: ClaimExtractor, doc: Any) -> Any:
        doc = original(self, doc)
        for record in doc._.claimx_records:
            check_offsets(doc.text, record)
        return doc

    ClaimExtractor.__call__ = checked  # type: ignore[method-assign]
    yield
    ClaimExtractor.__call__ = original  # type: ignore[method-assign]


@pytest.fixture
def deny_folder(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make folders of a name unreadable to os.walk; tests may run as root, who can read a
    chmod 000 folder, so the refusal is faked."""
    import os

    scandir = os.scandir

    def deny(name: str) -> None:
        def denied(path: Any) -> Any:
            if os.path.basename(path) == name:
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path)

        monkeypatch.setattr(os, "scandir", denied)

    return deny


# The CLI's tests swap the library for a tiny regex extractor, so that they test the shell and
# not the linguistics.
SAID = re.compile(r'(?P<speaker>[A-Z]\w+(?: [A-Z]\w+)*) (?P<cue>said) "(?P<quote>[^"]*)"')


def fake_claims(text: str) -> list[Claim]:
    """Claims for ``Name said "…"``, with true offsets: enough to exercise the shell."""
    return [
        make_claim(
            speaker=m["speaker"],
            speaker_type="person",
            speaker_span=m.span("speaker"),
            cue=m["cue"],
            cue_span=m.span("cue"),
            quote=m["quote"],
            quote_spans=(m.span("quote"),),
            kind="direct",
        )
        for m in SAID.finditer(text)
    ]


@pytest.fixture
def fake_library(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace model loading and extraction; returns what the CLI asked for."""
    calls: dict[str, Any] = {}

    def load(model: str | None = None, stance: str = "rules", aliases: str | None = None) -> None:
        calls["model"] = model

    def extract_many(texts: Iterable[Any], **options: Any) -> Iterator[Any]:
        calls.update(options)
        for text, context in texts:
            yield fake_claims(text), context

    monkeypatch.setattr(api, "load", load)
    monkeypatch.setattr(api, "extract_many", extract_many)
    return calls


#: The start of a script that runs ``claimx`` in a process of its own with the fake
#: extractor in place (``sys.argv[1]``: this folder); a test appends its own patches and
#: ``main()``.
FAKE_CLI_SCRIPT = """
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from conftest import fake_claims
from claimx import api, db
from claimx.cli import main

def extract_many(texts, **options):
    for text, context in texts:
        yield fake_claims(text), context

api.load = lambda model=None, stance="model", aliases=None: None
api.extract_many = extract_many
"""
