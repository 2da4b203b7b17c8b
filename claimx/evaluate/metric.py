"""The metric of ``claimx evaluate``, defined below, and matching claims to gold claims.

This module owns the definition and what a pair is judged by: tokens, content Dice, the
greedy matching, speaker and cue agreement, resolved names, the speech subset and the
threshold. Counting the pairs into figures is :mod:`~claimx.evaluate.report`'s.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from ..datafiles import packaged_text, read_table
from ..types import Claim, Span
from .gold import GoldClaim

DEFAULT_THRESHOLD = 0.5

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


# Threshold -------------------------------------------------------------------------------------


def check_threshold(threshold: float) -> Fraction:
    """The threshold as an exact fraction (0.5 -> 1/2), if it lies in (0, 1]."""
    # Via str, so that 0.1 means one tenth and not the binary float nearest to it.
    value = Fraction(str(threshold))
    if not 0 < value <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    return value
