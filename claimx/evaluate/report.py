"""The figures of ``claimx evaluate``: tallies of matched pairs, and the report.

:mod:`~claimx.evaluate.metric` defines the metric (its docstring) and matches claims to gold
claims; this module counts the matches article by article, for all gold claims, the speech
subset and each gold kind (:class:`Tally`) and each predicted kind (:class:`KindMatch`), turns
the counts into P, R, F1 and accuracies, and gathers them in the :class:`Report` that
:func:`score` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..entities import Identities
from ..types import SPEAKER_JOINER, Claim
from .gold import GoldArticle
from .metric import (
    DEFAULT_THRESHOLD,
    Pair,
    Side,
    Tokens,
    check_threshold,
    cue_correct,
    gold_side,
    is_speech_cue,
    match,
    names,
    pred_side,
    speaker_correct,
)

#: Gold kinds in report order; any other kind follows, alphabetically.
GOLD_KINDS = ("direct", "mixed", "indirect")
#: claimx's own kinds in report order (``partial`` is what the gold calls ``mixed``).
PRED_KINDS = ("direct", "partial", "indirect")


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 for one figure; precision and F1 are None where undefined."""

    tp: int
    precision: float | None
    recall: float
    f1: float | None

    def to_dict(self) -> dict[str, Any]:
        """``{"tp", "p", "r", "f1"}`` as fractions in [0, 1]."""
        return {"tp": self.tp, "p": self.precision, "r": self.recall, "f1": self.f1}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _prf(tp: int, gold: int, pred: int | None) -> PRF:
    recall = _ratio(tp, gold)
    if pred is None:
        return PRF(tp, None, recall, None)
    precision = _ratio(tp, pred)
    total = precision + recall
    return PRF(tp, precision, recall, 2 * precision * recall / total if total else 0.0)


@dataclass
class Tally:
    """Counts for one slice of the gold (all, speech subset, one kind) and its figures.

    pred: predictions counted against precision; None where precision is undefined (by kind).
    """

    gold: int = 0
    pred: int | None = 0
    content_tp: int = 0
    exact_tp: int = 0
    claim_tp: int = 0
    speaker_correct: int = 0
    speaker_total: int = 0
    cue_correct: int = 0
    cue_total: int = 0
    name_correct: int = 0
    name_total: int = 0
    pronoun_correct: int = 0
    pronoun_total: int = 0
    corpus_correct: int = 0  # right after the corpus's merge of names (claimx.entities)
    corpus_pronoun_correct: int = 0

    def add_pair(self, gold: Side, pred: Side, pair: Pair) -> None:
        """Count one matched pair."""
        self.content_tp += 1
        self.exact_tp += pair.exact
        speaker_ok = speaker_correct(gold, pred)
        if gold.speaker is not None:
            self.speaker_total += 1
            self.speaker_correct += speaker_ok
        if gold.cue is not None:
            self.cue_total += 1
            self.cue_correct += cue_correct(gold, pred)
        if speaker_ok or gold.speaker is None:
            self.claim_tp += 1
        if gold.name is not None:
            right = gold.name == pred.name
            self.name_total += 1
            self.name_correct += right
            self.pronoun_total += gold.pronoun
            self.pronoun_correct += gold.pronoun and right

    @property
    def claim(self) -> PRF:
        """The headline figure: content matched and speaker right (or no gold speaker)."""
        return _prf(self.claim_tp, self.gold, self.pred)

    @property
    def content(self) -> PRF:
        """Content matched at the Dice threshold."""
        return _prf(self.content_tp, self.gold, self.pred)

    @property
    def content_exact(self) -> PRF:
        """Content matched with identical token sets."""
        return _prf(self.exact_tp, self.gold, self.pred)

    @property
    def speaker_accuracy(self) -> float | None:
        """Right speakers over matched pairs whose gold claim has one."""
        return self.speaker_correct / self.speaker_total if self.speaker_total else None

    @property
    def cue_accuracy(self) -> float | None:
        """Right cues over matched pairs whose gold claim has one."""
        return self.cue_correct / self.cue_total if self.cue_total else None

    @property
    def name_accuracy(self) -> float | None:
        """Right resolved speakers over matched pairs whose gold claim has a name."""
        return self.name_correct / self.name_total if self.name_total else None

    @property
    def pronoun_accuracy(self) -> float | None:
        """The same, over those whose gold speaker is a pronoun."""
        return self.pronoun_correct / self.pronoun_total if self.pronoun_total else None

    @property
    def corpus_accuracy(self) -> float | None:
        """Right resolved speakers after the corpus's merge of names, as the views count."""
        return self.corpus_correct / self.name_total if self.name_total else None

    @property
    def corpus_pronoun_accuracy(self) -> float | None:
        """The same, where the gold speaker is a pronoun."""
        return self.corpus_pronoun_correct / self.pronoun_total if self.pronoun_total else None

    def to_dict(self) -> dict[str, Any]:
        """Counts and figures as plain JSON values."""
        return {
            "gold": self.gold,
            "pred": self.pred,
            "claim": self.claim.to_dict(),
            "content": self.content.to_dict(),
            "content_exact": self.content_exact.to_dict(),
            "speaker": {
                "correct": self.speaker_correct,
                "total": self.speaker_total,
                "acc": self.speaker_accuracy,
            },
            "cue": {"correct": self.cue_correct, "total": self.cue_total, "acc": self.cue_accuracy},
            "speaker_name": {
                "correct": self.name_correct,
                "total": self.name_total,
                "acc": self.name_accuracy,
                "pronoun": {
                    "correct": self.pronoun_correct,
                    "total": self.pronoun_total,
                    "acc": self.pronoun_accuracy,
                },
                "corpus": {"correct": self.corpus_correct, "acc": self.corpus_accuracy},
                "corpus_pronoun": {
                    "correct": self.corpus_pronoun_correct,
                    "acc": self.corpus_pronoun_accuracy,
                },
            },
        }


@dataclass
class KindMatch:
    """How many predictions of one claimx kind there are and how many match a gold claim."""

    pred: int = 0
    matched: int = 0

    @property
    def match_rate(self) -> float:
        """Matched share of the predictions."""
        return _ratio(self.matched, self.pred)

    def to_dict(self) -> dict[str, Any]:
        """Counts and share as plain JSON values."""
        return {"pred": self.pred, "matched": self.matched, "match_rate": self.match_rate}


@dataclass(frozen=True)
class Report:
    """Everything ``claimx evaluate`` reports; see :mod:`~claimx.evaluate.metric` for the metric."""

    articles: int
    threshold: float
    overall: Tally
    speech: Tally
    by_kind: dict[str, Tally]
    by_pred_kind: dict[str, KindMatch]
    gold_file: str | None = None
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON values (``-f json``); figures are fractions in [0, 1]."""
        return {
            "gold_file": self.gold_file,
            "model": self.model,
            "threshold": self.threshold,
            "articles": self.articles,
            "all": self.overall.to_dict(),
            "speech": self.speech.to_dict(),
            "by_kind": {kind: tally.to_dict() for kind, tally in self.by_kind.items()},
            "by_pred_kind": {kind: km.to_dict() for kind, km in self.by_pred_kind.items()},
        }


@dataclass
class _Scorer:
    """Accumulates the tallies article by article."""

    threshold: Fraction
    articles: int = 0
    predictions: int = 0
    speech_predictions: int = 0
    overall: Tally = field(default_factory=Tally)
    speech: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_pred_kind: dict[str, KindMatch] = field(default_factory=dict)
    # every predicted speaker's name, and the (gold name, predicted speaker, pronoun) of
    # each matched pair with a gold name: the corpus's merge needs all names first
    who: Identities = field(default_factory=Identities)
    named: list[tuple[frozenset[str], str | None, bool]] = field(default_factory=list)

    def add(self, article: GoldArticle, claims: Sequence[Claim]) -> None:
        """Match one article's predictions against its gold claims and count the result."""
        tokens = Tokens(article.text)
        golds = [gold_side(c, tokens, article.text) for c in article.claims]
        speech = [is_speech_cue(c.cue) for c in article.claims]
        preds = [pred_side(c, tokens) for c in claims]
        pairs = match(golds, preds, self.threshold)
        matched_preds = {pair.pred for pair in pairs}

        self.articles += 1
        self.overall.gold += len(golds)
        self.predictions += len(preds)
        for gold, in_speech in zip(golds, speech, strict=True):
            self.by_kind.setdefault(gold.kind, Tally(pred=None)).gold += 1
            self.speech.gold += in_speech
        for claim in claims:
            for name in (claim.speaker or "").split("; "):
                if name:
                    self.who.add(name, claim.speaker_type)
        for pair in pairs:
            gold, pred = golds[pair.gold], preds[pair.pred]
            self.overall.add_pair(gold, pred, pair)
            if gold.name is not None:
                self.named.append((gold.name, pred.speaker_text, gold.pronoun))
            self.by_kind[gold.kind].add_pair(gold, pred, pair)
            if speech[pair.gold]:
                self.speech.add_pair(gold, pred, pair)
        # Subset precision counts predictions matched into the subset and those matched nowhere.
        in_subset = sum(speech[pair.gold] for pair in pairs)
        self.speech_predictions += in_subset + len(preds) - len(pairs)
        for p, pred in enumerate(preds):
            km = self.by_pred_kind.setdefault(pred.kind, KindMatch())
            km.pred += 1
            km.matched += p in matched_preds

    def report(self, gold_file: str | None, model: str | None) -> Report:
        """The finished report, kinds in their usual order."""
        for gold, speaker, pronoun in self.named:
            names_given = (speaker or "").split(SPEAKER_JOINER)
            keyed = SPEAKER_JOINER.join(self.who.key(n) for n in names_given if n)
            right = gold == names(keyed)
            self.overall.corpus_correct += right
            self.overall.corpus_pronoun_correct += pronoun and right
        self.overall.pred = self.predictions
        self.speech.pred = self.speech_predictions
        return Report(
            articles=self.articles,
            threshold=float(self.threshold),
            overall=self.overall,
            speech=self.speech,
            by_kind={k: self.by_kind[k] for k in sorted(self.by_kind, key=_order(GOLD_KINDS))},
            by_pred_kind={
                k: self.by_pred_kind[k] for k in sorted(self.by_pred_kind, key=_order(PRED_KINDS))
            },
            gold_file=gold_file,
            model=model,
        )


def _order(known: tuple[str, ...]) -> Callable[[str], tuple[int, str]]:
    """Sort key: the known kinds in their order, then any other kind alphabetically."""
    return lambda kind: (known.index(kind), "") if kind in known else (len(known), kind)


def score(
    articles: Iterable[GoldArticle],
    predictions: Iterable[Sequence[Claim]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    gold_file: str | None = None,
    model: str | None = None,
) -> Report:
    """Score predicted claims against gold articles, without running any model.

    articles: the gold articles, e.g. from :func:`read_gold`.
    predictions: one list of claims per article, in the same order (consumed lazily).
    threshold: the least content Dice for a match.
    gold_file, model: recorded in the report as given.
    """
    scorer = _Scorer(check_threshold(threshold))
    for article, claims in zip(articles, predictions, strict=True):
        scorer.add(article, claims)
    return scorer.report(gold_file, model)
