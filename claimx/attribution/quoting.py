"""Quotes and cues: content widened to whole quotes, a bare cue given the quote it
introduces, and the second half of a split quote joined to the first."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from spacy.tokens import Span, Token

from ..quotes import Quote, QuoteIndex
from .article import WORD, Frame, ParsedArticle, few_words

#: A blank line, with Windows line endings too: "\r\n\r\n" holds no "\n\n".
_BLANK_LINE = re.compile(r"\n\r?\n")
_NON_SPACE = re.compile(r"\S")


def attach_quotes(frames: dict[int, Frame], art: ParsedArticle) -> None:
    """Widen content to whole quotes; give quote-less cues the quote they introduce."""
    index, text = art.index, art.text
    free = _FreeQuotes(index.quotes)  # the quotes no claim has yet
    for frame in frames.values():
        frame.spans = widen(frame.spans, index)
        free.take(_overlapping(index, frame.spans))
    for frame in sorted(frames.values(), key=lambda f: f.anchor):
        if frame.cue is None:
            continue
        sent = art.sents[frame.sent]
        verb = frame.cue.verb
        if not frame.spans:
            q = _introduced_quote(free, verb, sent, text)
            if q is not None:
                frame.spans = _group_spans(q, index)
        elif _overlapping(index, frame.spans):
            # "…," she said, "…": the second half of a split quote
            after = free.first_after(max(verb.idx, max(frame.spans)[0]))
            before_cue = min(frame.spans)[1] <= verb.idx
            if (
                after is not None
                and after.start < sent.end_char + 1
                and before_cue
                and _only_attribution_between(text, frame, after)
            ):
                frame.spans = sorted(frame.spans + _group_spans(after, index))
        free.take(_overlapping(index, frame.spans))


class _FreeQuotes:
    """The quotes not yet claimed, in order, each found by bisection."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = list(quotes)
        self._starts = [q.start for q in quotes]
        self._ends = [q.end for q in quotes]  # sorted too: quotes never overlap

    def take(self, quotes: Iterable[Quote]) -> None:
        for q in quotes:
            k = bisect_left(self._starts, q.start)
            if k < len(self.quotes) and self.quotes[k] == q:
                del self.quotes[k], self._starts[k], self._ends[k]

    def last_ending_by(self, offset: int) -> Quote | None:
        """The last quote ending at or before ``offset``."""
        k = bisect_right(self._ends, offset)
        return self.quotes[k - 1] if k else None

    def ending_within(self, start: int, end: int) -> list[Quote]:
        """The quotes ending in ``[start, end]``, in order."""
        return self.quotes[bisect_left(self._ends, start) : bisect_right(self._ends, end)]

    def first_after(self, offset: int, *, at: bool = False) -> Quote | None:
        """The first quote starting after ``offset`` (or at it, with ``at``)."""
        k = (bisect_left if at else bisect_right)(self._starts, offset)
        return self.quotes[k] if k < len(self.quotes) else None


def widen(spans: list[tuple[int, int]], index: QuoteIndex) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        for q in index.overlapping(s, e):
            s, e = min(s, q.start), max(e, q.end)
        out.append((s, e))
    groups = {q.group for q in _overlapping(index, out)}
    extra = [
        (q.start, q.end)
        for group in groups
        for q in index.group(group)
        if not _overlaps_any(q, out)
    ]
    return _merge(sorted(out + extra))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _overlaps_any(q: Quote, spans: list[tuple[int, int]]) -> bool:
    return any(q.start < e and s < q.end for s, e in spans)


def _overlapping(index: QuoteIndex, spans: list[tuple[int, int]]) -> list[Quote]:
    """The quotes sharing a character with any of ``spans`` (once each, in no set order)."""
    return list({q: None for s, e in spans for q in index.overlapping(s, e)})


def _group_spans(q: Quote, index: QuoteIndex) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in index.group(q.group)]


def _introduced_quote(free: _FreeQuotes, verb: Token, sent: Span, text: str) -> Quote | None:
    """The quote a bare cue attributes: right before it ("…," she said) or after it."""
    if len(WORD.findall(sent.text)) <= 5:  # a paragraph of its own: "Trump said."
        ending = free.last_ending_by(sent.start_char)
        if ending and not _NON_SPACE.search(text, ending.end, sent.start_char):
            return ending
    for q in reversed(free.ending_within(sent.start_char, verb.idx)):
        gap_ok = few_words(text, q.end, verb.idx, 4) or _only_speaker_between(verb, q.end)
        if not gap_ok or "\n" in text[q.end : verb.idx]:
            break  # an earlier quote's gap holds this one's
        lead = text[sent.start_char : q.start] if q.start > sent.start_char else ""
        if len(WORD.findall(lead)) <= 2:
            return q
    following = free.first_after(verb.idx, at=True)
    if following is not None:
        gap = (verb.idx + len(verb), following.start)
        if few_words(text, *gap, 4) and not _BLANK_LINE.search(text, *gap):
            return following
    return None


def _only_speaker_between(verb: Token, start: int) -> bool:
    """Whether only the cue's subject (with its apposition) lies between ``start`` and the
    cue: '"…," [Steve Moody, a small-business owner,] said'."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return False
    words = {t.i for t in subject.subtree}
    between = verb.doc.char_span(start, verb.idx, alignment_mode="expand")
    return between is not None and all(t.i in words or t.is_punct or t.is_space for t in between)


def _only_attribution_between(text: str, frame: Frame, q: Quote) -> bool:
    start = min(frame.spans)[1]
    return few_words(text, start, q.start, 6) and text.find("\n", start, q.start) < 0
