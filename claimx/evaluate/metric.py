"""The metric of ``claimx evaluate``: matching claims to gold claims, and the figures.

Metric
------
*Tokens.* The tokens of an article are the matches of ``\\w+`` in its text. The token set of a
character span is the set of tokens that overlap it, so punctuation, quotation marks and
spaces never count. A gold claim's content is the union of the token sets of its
``content_fragments``; a predicted claim's, of its ``quote_spans``.

*Matching,* per article. Content Dice is ``2|G ∩ P| / (|G| + |P|)``. Every (gold, predicted)
pair whose Dice is at least the threshold (0.5) is a candidate; candidates are taken greedily,
highest Dice first, using each gold and each predicted claim at most once. Ties in Dice go to
the pair whose speaker is correct, then to the earlier gold claim, then to the earlier
prediction. Claims with no content tokens match nothing. The comparison with the threshold is
exact (fractions, not floats).

*Speaker and cue.* A gold claim has a speaker when its ``speaker_span`` is a non-empty span. A
matched pair's speaker is correct when the gold claim has a speaker, the prediction has one
too, and their token sets intersect; when either span holds no token (a cue such as ``:``),
the character ranges must overlap instead. Cues are judged the same way.

*Figures.*

* ``content``: a match is a true positive; P = matches / predictions, R = matches / gold.
* ``content_exact``: matches with Dice 1 (identical token sets).
* ``claim`` (the headline): matches whose speaker is correct or whose gold claim has no speaker.
* ``speaker`` / ``cue`` accuracy: correct / matched pairs whose gold claim has a speaker / cue.
* *By gold kind*: the recall-type figures and the accuracies over gold claims of that kind;
  no precision, since an unmatched prediction has no gold kind.
* *Speech subset*: gold claims whose lower-cased cue contains one of the communication verb
  forms of ``claimx/data/speech_cues.tsv`` as whole words. Matching is still done against
  all gold claims. Recall counts subset gold claims; precision counts, as predictions, those
  matched to a subset gold claim plus those matched to none, leaving out predictions matched
  to gold claims outside the subset.
* *By predicted kind*: the share of claimx's predictions of each kind that match a gold claim.
* *Resolved speaker* (only where the gold gives ``speaker_name``): over matched pairs whose
  gold claim has a name, the share whose predicted ``speaker`` is the same name: compared
  after Unicode normalisation, case folding, dropping initials ("Donald J. Trump"), a
  possessive, punctuation and a leading "the"; several names (``; ``) as a set. Also for the
  gold claims whose speaker span is a pronoun ("he", "they", "who": :data:`PRONOUNS`).
  Reported twice: the speaker as the claim gives it, and after the corpus's merge of names
  (:mod:`claimx.entities`, over every predicted speaker of the run), as ``network`` and
  ``summary`` count it ("Trump" in an article that never names him in full is "Donald
  Trump" where the corpus does).

A ratio with a zero denominator is 0.0 for P, R and F1, and ``None`` for an accuracy.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

from ..datafiles import packaged_text, read_table
from ..entities import Identities
from ..types import Claim, Span
from .gold import GoldArticle, GoldClaim

DEFAULT_THRESHOLD = 0.5
#: Gold kinds in report order; any other kind follows, alphabetically.
GOLD_KINDS = ("direct", "mixed", "indirect")
#: claimx's own kinds in report order (``partial`` is what the gold calls ``mixed``).
PRED_KINDS = ("direct", "partial", "indirect")

_TOKEN = re.compile(r"\w+")
_SPAN_KEYS = ("speaker_span", "cue_span")
#: Speaker spans that the resolved-speaker accuracy reports apart: personal, possessive and
#: relative pronouns.
PRONOUNS = frozenset(
    [
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "they",
        "them",
        "their",
        "it",
        "its",
        "who",
        "whom",
        "whose",
        "which",
        "that",
    ]
)


# Tokens, mentions and matching -----------------------------------------------------------------


class Tokens:
    """The ``\\w+`` tokens of one text, to turn character spans into token sets."""

    def __init__(self, text: str) -> None:
        matches = list(_TOKEN.finditer(text))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]

    def overlapping(self, span: Span) -> range:
        """Indices of the tokens that overlap ``span``."""
        start, end = span
        if end <= start:
            return range(0)
        first = bisect.bisect_right(self.ends, start)  # tokens ending at or before start are out
        stop = bisect.bisect_left(self.starts, end)  # so are those starting at or after end
        return range(first, max(first, stop))

    def of(self, spans: Iterable[Span]) -> frozenset[int]:
        """The token set of several spans together."""
        return frozenset(i for span in spans for i in self.overlapping(span))


@dataclass(frozen=True)
class Mention:
    """A speaker or cue: its character span and the tokens it overlaps."""

    span: Span
    tokens: frozenset[int]

    def agrees_with(self, other: Mention) -> bool:
        """Shared tokens; overlapping characters when either side has no token (``:``)."""
        if self.tokens and other.tokens:
            return not self.tokens.isdisjoint(other.tokens)
        return self.span[0] < other.span[1] and other.span[0] < self.span[1]


def _mention(span: Span | None, tokens: Tokens) -> Mention | None:
    """The mention at ``span``; an absent or empty span is no mention."""
    if span is None or span[0] >= span[1]:
        return None
    return Mention(span, tokens.of([span]))


@dataclass(frozen=True)
class Side:
    """A gold or predicted claim reduced to what the metric reads."""

    content: frozenset[int]
    speaker: Mention | None
    cue: Mention | None
    kind: str
    name: frozenset[str] | None = None  # the speaker's name(s), normalised (:func:`names`)
    pronoun: bool = False  # the speaker span is a pronoun
    speaker_text: str | None = None  # a prediction's speaker field as it stands


def gold_side(claim: GoldClaim, tokens: Tokens, text: str = "") -> Side:
    """What the metric reads of a gold claim (``text``: the article, to spot pronouns)."""
    span = claim.speaker_span
    return Side(
        tokens.of(claim.content_fragments),
        _mention(span, tokens),
        _mention(claim.cue_span, tokens),
        claim.kind,
        names(claim.speaker_name),
        span is not None and text[span[0] : span[1]].strip().casefold() in PRONOUNS,
    )


def pred_side(claim: Claim, tokens: Tokens) -> Side:
    """What the metric reads of a claimx prediction."""
    return Side(
        tokens.of(claim.quote_spans),
        _mention(claim.speaker_span, tokens),
        _mention(claim.cue_span, tokens),
        claim.kind,
        names(claim.speaker),
        speaker_text=claim.speaker,
    )


def names(value: str | None) -> frozenset[str] | None:
    """The names in a speaker field, normalised for comparison ("The New York Post's" ->
    "new york post", "Donald J. Trump" -> "donald trump"); None for none."""
    if not value:
        return None
    out = set()
    for name in value.split("; "):
        key = unicodedata.normalize("NFKC", name).casefold().replace("\u2019", "'")
        key = re.sub(r"'s?$", "", key.strip())
        key = re.sub(r"\b\w\.", " ", key)  # initials
        words = _TOKEN.findall(key)
        if words[:1] == ["the"]:
            words = words[1:]
        if words:
            out.add(" ".join(words))
    return frozenset(out) or None


def speaker_correct(gold: Side, pred: Side) -> bool:
    """The gold claim has a speaker and the prediction names it."""
    return (
        gold.speaker is not None
        and pred.speaker is not None
        and gold.speaker.agrees_with(pred.speaker)
    )


def cue_correct(gold: Side, pred: Side) -> bool:
    """The gold claim has a cue and the prediction's cue agrees with it."""
    return gold.cue is not None and pred.cue is not None and gold.cue.agrees_with(pred.cue)


def dice(a: frozenset[int], b: frozenset[int]) -> Fraction:
    """``2|a ∩ b| / (|a| + |b|)``, exactly; 0 when both are empty."""
    total = len(a) + len(b)
    return Fraction(2 * len(a & b), total) if total else Fraction(0)


@dataclass(frozen=True)
class Pair:
    """A matched gold and predicted claim (indices within their article) and their Dice."""

    gold: int
    pred: int
    dice: Fraction

    @property
    def exact(self) -> bool:
        """Identical token sets."""
        return self.dice == 1


def match(golds: Sequence[Side], preds: Sequence[Side], threshold: Fraction) -> list[Pair]:
    """Greedy one-to-one matching of one article's claims by content Dice.

    threshold: the least Dice a pair needs (exact fraction, in (0, 1]).
    """
    candidates = []
    for g, gold in enumerate(golds):
        for p, pred in enumerate(preds):
            value = dice(gold.content, pred.content)
            if value and value >= threshold:
                # Sorting ascending: higher Dice first, then speaker right, then gold, then pred.
                candidates.append((-value, not speaker_correct(gold, pred), g, p))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for neg_value, _, g, p in candidates:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            pairs.append(Pair(g, p, -neg_value))
    return pairs


# Speech subset ---------------------------------------------------------------------------------


@cache
def speech_cues() -> tuple[frozenset[str], re.Pattern[str]]:
    """The forms in ``data/speech_cues.tsv``: single words, and a pattern for the phrases."""
    rows = read_table(packaged_text("speech_cues.tsv"), "claimx/data/speech_cues.tsv", ["forms"])
    forms = {form.strip().lower() for (line,) in rows for form in line.split(",")}
    words = frozenset(f for f in forms if _TOKEN.fullmatch(f))
    # Phrases ("according to") are matched as written, between non-word characters.
    phrases = sorted(forms - words - {""})
    pattern = "|".join(re.escape(f) for f in phrases) or "(?!)"
    return words, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


def is_speech_cue(cue: str | None) -> bool:
    """Whether a cue text contains a communication verb form or phrase as whole words."""
    if not cue:
        return False
    words, phrases = speech_cues()
    lowered = cue.lower()
    return not words.isdisjoint(_TOKEN.findall(lowered)) or phrases.search(lowered) is not None


# Report ----------------------------------------------------------------------------------------


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
    """Everything ``claimx evaluate`` reports; see the module docstring for the metric."""

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
            keyed = "; ".join(self.who.key(n) for n in (speaker or "").split("; ") if n)
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


def check_threshold(threshold: float) -> Fraction:
    """The threshold as an exact fraction (0.5 -> 1/2), if it lies in (0, 1]."""
    # Via str, so that 0.1 means one tenth and not the binary float nearest to it.
    value = Fraction(str(threshold))
    if not 0 < value <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    return value


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
