"""The claim record: a plain dataclass, no spaCy objects inside."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any, Literal, get_args

Span = tuple[int, int]
Kind = Literal["direct", "partial", "indirect"]
Stance = Literal["support", "oppose", "neutral"]
#: The stance classes, in a fixed order (the stance model's too).
STANCES: tuple[Stance, ...] = get_args(Stance)
SpeakerType = Literal["person", "organization", "place", "group", "unknown"]

#: How the stance toward a target is decided: the trained model with the rules (the
#: default), or the rules alone (cue priors and a polarity lexicon).
StanceMode = Literal["model", "rules"]
STANCE_MODES: tuple[StanceMode, ...] = get_args(StanceMode)
DEFAULT_STANCE: StanceMode = "model"

#: A claim as every output writes it (:meth:`Claim.to_dict`): the keys of :data:`FIELDS`.
Record = dict[str, Any]
#: How a claim writes the names (and roles) of several speakers sharing a cue, and how
#: readers of its records split them again ("Smith; Lee").
SPEAKER_JOINER = "; "

#: The keys of a serialized claim, in output order. Every format uses exactly these (CSV
#: as ``writers.CSV_COLUMNS``: each span as a start and an end column).
FIELDS: tuple[str, ...] = (
    "source",
    "speaker",
    "speaker_role",
    "speaker_type",
    "speaker_span",
    "cue",
    "cue_span",
    "quote",
    "quote_spans",
    "kind",
    "target",
    "target_span",
    "stance",
    "stance_score",
    "targets",
)
#: The keys of each item of a claim's ``targets`` list, in output order.
TARGET_FIELDS: tuple[str, ...] = ("target", "target_span", "stance", "stance_score")
#: The key a claim gets after ``FIELDS`` when its article came with metadata (a record of a
#: JSON Lines or CSV corpus, a saved page, a WARC record): the article's id and metadata.
ARTICLE_FIELD = "article"

#: A metadata value: what a JSON or CSV cell holds other than lists and objects.
Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Target:
    """One entity or topic a claim's content takes a position toward, with the speaker's
    stance toward it. ``target_span`` is the mention the stance was read at."""

    target: str
    target_span: Span
    stance: Stance
    stance_score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_span": [self.target_span[0], self.target_span[1]],
            "stance": self.stance,
            "stance_score": round(self.stance_score, 3),
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Target:
        start, end = record["target_span"]
        return cls(
            record["target"],
            (int(start), int(end)),
            record["stance"],
            float(record["stance_score"]),
        )


@dataclass(frozen=True)
class Claim:
    """One attributed claim. Spans are ``[start, end)`` character offsets into the article.

    ``targets`` lists everything the content takes a position toward, the main one first;
    ``target``, ``target_span``, ``stance`` and ``stance_score`` repeat that first one (all
    None, and the stance the content's, when there is no target).
    """

    speaker: str | None
    speaker_role: str | None
    speaker_type: SpeakerType
    speaker_span: Span | None
    cue: str | None
    cue_span: Span | None
    quote: str
    quote_spans: tuple[Span, ...]
    kind: Kind
    target: str | None
    target_span: Span | None
    stance: Stance
    stance_score: float
    source: str | None = None
    targets: tuple[Target, ...] = ()

    def to_dict(self, article: Article | None = None) -> dict[str, Any]:
        """The one place a claim becomes a dict: keys in ``FIELDS`` order, spans as lists.

        article: the article the claim was found in; one with metadata adds its mapping
            (:meth:`Article.to_dict`) under ``ARTICLE_FIELD``, after the others.
        """

        def span(s: Span | None) -> list[int] | None:
            return None if s is None else [s[0], s[1]]

        record: dict[str, Any] = {
            "source": self.source,
            "speaker": self.speaker,
            "speaker_role": self.speaker_role,
            "speaker_type": self.speaker_type,
            "speaker_span": span(self.speaker_span),
            "cue": self.cue,
            "cue_span": span(self.cue_span),
            "quote": self.quote,
            "quote_spans": [[s, e] for s, e in self.quote_spans],
            "kind": self.kind,
            "target": self.target,
            "target_span": span(self.target_span),
            "stance": self.stance,
            "stance_score": round(self.stance_score, 3),
            "targets": [t.to_dict() for t in self.targets],
        }
        if article is not None and article.metadata is not None:
            record[ARTICLE_FIELD] = article.to_dict()
        return record

    def shifted(self, by: int) -> Claim:
        """The same claim with every span moved ``by`` characters: a claim found in a piece
        of an article, placed in the whole."""

        def move(s: Span | None) -> Span | None:
            return None if s is None else (s[0] + by, s[1] + by)

        return replace(
            self,
            speaker_span=move(self.speaker_span),
            cue_span=move(self.cue_span),
            quote_spans=tuple((s + by, e + by) for s, e in self.quote_spans),
            target_span=move(self.target_span),
            targets=tuple(
                replace(t, target_span=(t.target_span[0] + by, t.target_span[1] + by))
                for t in self.targets
            ),
        )

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Claim:
        """Inverse of :meth:`to_dict` (lists back to tuples)."""

        def span(s: Any) -> Span | None:
            return None if s is None else (int(s[0]), int(s[1]))

        return cls(
            speaker=record["speaker"],
            speaker_role=record["speaker_role"],
            speaker_type=record["speaker_type"],
            speaker_span=span(record["speaker_span"]),
            cue=record["cue"],
            cue_span=span(record["cue_span"]),
            quote=record["quote"],
            quote_spans=tuple((int(s), int(e)) for s, e in record["quote_spans"]),
            kind=record["kind"],
            target=record["target"],
            target_span=span(record["target_span"]),
            stance=record["stance"],
            stance_score=float(record["stance_score"]),
            source=record.get("source"),
            targets=tuple(Target.from_dict(t) for t in record.get("targets") or ()),
        )


_NO_PATH = PurePath("article")


@dataclass(frozen=True)
class Article:
    """One article read from an input: its text, which every offset indexes, and what came
    with it.

    source: the input as given (a path, ``-`` for stdin), as claims carry it.
    id: the record's id (``--id-field``, else its line number), a WARC record's URL, or
        ``source`` for an input that is one article.
    text: the article's text: the file's, the record's text field as is, or the text
        claimx derived from HTML (``claimx text`` prints it).
    metadata: the record's other scalar fields, or what a page says of itself (title,
        date, url); None for a plain text file, whose claims then carry no ``article``.
    label: how messages name it (``feed.jsonl:12``, ``crawl.warc record 3``).
    relpath: where its output goes below ``-o``'s folder, without the extension.
    """

    source: str
    id: str
    text: str
    metadata: Mapping[str, Scalar] | None = None
    label: str = ""
    relpath: PurePath = _NO_PATH

    def to_dict(self) -> dict[str, Any]:
        """The ``article`` mapping of its claims: ``id`` first, then the metadata as read
        (a metadata field named ``id`` gives way to the article's id)."""
        rest = {key: value for key, value in (self.metadata or {}).items() if key != "id"}
        return {"id": self.id, **rest}
