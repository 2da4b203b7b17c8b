"""The claim record: a plain dataclass, no spaCy objects inside."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

Span = tuple[int, int]
Kind = Literal["direct", "partial", "indirect"]
Stance = Literal["support", "oppose", "neutral"]
#: The stance classes, in a fixed order (the stance model's too).
STANCES: tuple[Stance, ...] = get_args(Stance)
SpeakerType = Literal["person", "organization", "place", "group", "unknown"]

#: How the stance toward a target is decided: the trained model with the rules (the
#: default), or the rules alone (cue priors and a polarity lexicon).
STANCE_MODES: tuple[str, ...] = ("model", "rules")
DEFAULT_STANCE = "model"

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

    def to_dict(self) -> dict[str, Any]:
        """The one place a claim becomes a dict: keys in ``FIELDS`` order, spans as lists."""

        def span(s: Span | None) -> list[int] | None:
            return None if s is None else [s[0], s[1]]

        return {
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
