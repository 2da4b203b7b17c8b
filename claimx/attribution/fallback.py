"""Claims with no cue verb: "Name: words" lines, and quotes no cue claims, which continue
the claim before them or go to the speaker of the neighbouring sentence."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort

from spacy.tokens import Span

from ..quotes import Quote
from .article import WORD, Frame, ParsedArticle, few_words, tokens_in
from .quoting import widen

_MIN_QUOTE_WORDS = 4
_CLOSING_MARKS = set("\"”’'»“")
_COLON_LINE = re.compile(r"^[ \t]*([^:\n]{2,80}?):[ \t]+(\S[^\n]*?)[ \t\r]*$", re.M)
_COLON_SPEAKERS = {"PERSON", "ORG", "NORP", "GPE"}


def colon_frames(art: ParsedArticle, found: list[Frame]) -> list[Frame]:
    """A line "Name: words" attributes the words to the name (headlines, transcripts)."""
    claimed = _Spans([s for f in found for s in f.spans])
    frames = []
    for m in _COLON_LINE.finditer(art.text):
        head = art.doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
        content = (m.start(2), m.end(2))
        if head is None or len(head) > 8 or claimed.overlap(*content):
            continue
        ents = [
            e
            for e in art.resolver.ents_starting(head.start, head.end)
            if e.end == head.end and e.label_ in _COLON_SPEAKERS and e[0].tag_ != "POS"
        ]  # not the piece NER cuts from "Editor['s Note]:"
        if not ents or art.resolver.in_quote(m.end(1)):
            continue
        speaker = art.resolver.entity_speaker(ents[0], (head.start_char, head.end_char))
        spans = widen([content], art.index)
        sent = art.sent_of[ents[0].start]
        mark = (m.end(1), m.end(1) + 1)
        frames.append(
            Frame(None, ents[0].root, speaker, set(), spans, sent=sent, anchor=m.end(1), mark=mark)
        )
    return frames


def orphan_quote_frames(frames: list[Frame], art: ParsedArticle) -> list[Frame]:
    """Quotes no cue claims: a continuation of the previous quote in the paragraph joins
    its claim; any other goes to the speaker of the neighbouring sentence."""
    text = art.text
    claimed = _Spans([s for f in frames for s in f.spans])
    groups: dict[int, list[Quote]] = {}
    for q in art.quotes:
        groups.setdefault(q.group, []).append(q)
    named: dict[int, list[tuple[int, Frame]]] = {}  # sentence -> the claims there with a speaker
    for k, f in enumerate(frames):
        if f.spans and f.speaker is not None and f.speaker.names:
            named.setdefault(f.sent, []).append((k, f))
    ends = _LastSpans(frames)
    out: list[Frame] = []
    for pieces in groups.values():
        if any(claimed.overlap(q.start, q.end) for q in pieces):
            continue
        spans = [(q.start, q.end) for q in pieces]
        previous = _continued_quote(ends, pieces[0], text)
        if previous is not None:  # "…," she said. "…"
            ends.extend(previous, spans)
            continue
        if sum(len(WORD.findall(text[q.start : q.end])) for q in pieces) < _MIN_QUOTE_WORDS:
            continue
        first = art.doc.char_span(pieces[0].start, pieces[0].end, alignment_mode="expand")
        if first is None:
            continue
        n = art.sent_of[first.start]
        neighbour = _neighbour(named, n)
        if neighbour is None or not _is_mostly_quote(art.sents[n], pieces[0], text):
            continue
        tokens = {t.i for t in tokens_in(art.doc, spans)}
        out.append(Frame(None, neighbour.subject, neighbour.speaker, tokens, spans, sent=n))
        ends.add(out[-1])
    return out


class _Spans:
    """Fixed spans, asked whether any overlaps a stretch, without a scan of them all."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self._starts = [s for s, _ in spans]
        self._reach: list[int] = []  # the furthest end of the spans up to each
        for _, e in spans:
            self._reach.append(max(e, self._reach[-1]) if self._reach else e)

    def overlap(self, start: int, end: int) -> bool:
        """Whether a span shares a character with ``[start, end)``, as ``_overlaps_any`` (in
        quoting) asks."""
        k = bisect_left(self._starts, end)  # the spans starting before ``end``
        return k > 0 and self._reach[k - 1] > start


class _LastSpans:
    """Claims by where their last span ends, for finding the claim a quote continues."""

    def __init__(self, frames: list[Frame]) -> None:
        self.frames = list(frames)
        self._order = {id(f): k for k, f in enumerate(self.frames)}
        self._keys = sorted((f.spans[-1][1], k) for k, f in enumerate(self.frames) if f.spans)

    def add(self, frame: Frame) -> None:
        self._order[id(frame)] = len(self.frames)
        self.frames.append(frame)
        insort(self._keys, (frame.spans[-1][1], self._order[id(frame)]))

    def extend(self, frame: Frame, spans: list[tuple[int, int]]) -> None:
        """Add ``spans`` to a claim's, moving it to where it now ends."""
        key = (frame.spans[-1][1], self._order[id(frame)])
        del self._keys[bisect_left(self._keys, key)]
        frame.spans += spans
        insort(self._keys, (frame.spans[-1][1], key[1]))

    def last_by(self, offset: int) -> Frame | None:
        """The claim ending last at or before ``offset``; of several, the first listed."""
        k = bisect_right(self._keys, offset, key=lambda key: key[0])
        if not k:
            return None
        first = bisect_left(self._keys, self._keys[k - 1][0], key=lambda key: key[0])
        return self.frames[self._keys[first][1]]


def _continued_quote(ends: _LastSpans, q: Quote, text: str) -> Frame | None:
    """The claim whose quote ends just before ``q`` in the same paragraph, if any."""
    frame = ends.last_by(q.start)
    if frame is None:
        return None
    end = frame.spans[-1][1]
    if (
        text.find("\n", end, q.start) >= 0
        or not few_words(text, end, q.start, 25)
        or text[end - 1] not in _CLOSING_MARKS
    ):
        return None
    return frame if frame.speaker is not None and frame.speaker.names else None


def _is_mostly_quote(sent: Span, q: Quote, text: str) -> bool:
    words = WORD.findall(sent.text)
    inside = WORD.findall(text[max(q.start, sent.start_char) : min(q.end, sent.end_char)])
    return bool(words) and len(inside) >= 0.6 * len(words)


def _neighbour(named: dict[int, list[tuple[int, Frame]]], n: int) -> Frame | None:
    """The claim with a named speaker nearest before sentence ``n`` (in it or the two before),
    else the first in the sentence after."""
    before = sorted(named.get(n - 2, []) + named.get(n - 1, []), key=lambda kf: kf[0])
    if before:
        return max((f for _, f in before), key=lambda f: f.anchor)
    after = [f for _, f in named.get(n + 1, [])]
    return min(after, key=lambda f: f.anchor) if after else None
