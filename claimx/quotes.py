"""Quotation spans found in the raw text, robust to unbalanced and curly marks.

Quotes never cross a paragraph break, except the news convention: a paragraph that
opens a quote and does not close it continues in the next paragraph, which reopens
it. Marks that cannot be paired are ignored rather than guessed at.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# mark -> the marks that may close it; '' and `` are the doubled marks of some wires
_DOUBLE_PAIRS = {
    '"': ('"',),
    "“": ("”", '"'),
    "„": ("“", "”"),
    "«": ("»",),
    "»": ("«",),
    "''": ("''",),
    "``": ("''",),
}
_DOUBLE_MARKS = frozenset('"“”„«»')
#: Every mark that opens or closes a quote (a token that is one is a quote mark).
QUOTE_MARKS = _DOUBLE_MARKS | frozenset("'‘’")
_SINGLE_PAIRS = {"'": "'", "‘": "’'", "‚": "‘’"}
_OPEN_CONTEXT = " \t\n\r([{—–-/:;,"
#: The characters a quote can open or close at ('' and `` start with ' and `).
_MARK = re.compile(
    "[" + re.escape("".join(sorted(_DOUBLE_MARKS | set(_SINGLE_PAIRS) | {"`"}))) + "]"
)
_PARAGRAPH = re.compile(r"\n[ \t\r]*")


@dataclass(frozen=True)
class Quote:
    """A quoted stretch ``text[start:end]``, marks included.

    ``group`` is shared by the pieces of one quote continued over several paragraphs.
    """

    start: int
    end: int
    group: int

    @property
    def inner(self) -> tuple[int, int]:
        """The span without its opening (and closing, if present) marks."""
        return self.start + 1, self.end - 1


class QuoteIndex:
    """Quotes by position, so that a long article's every cue, word and pronoun does not
    scan them all: the quotes :func:`find_quotes` returns are in order and never overlap,
    so their starts and their ends are both sorted and a bisection finds them."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = list(quotes)
        if any(a.end > b.start for a, b in pairwise(self.quotes)):
            raise ValueError("quotes must be in order and must not overlap")
        self._starts = [q.start for q in self.quotes]
        self._ends = [q.end for q in self.quotes]
        self._groups: dict[int, list[Quote]] = {}
        for q in self.quotes:
            self._groups.setdefault(q.group, []).append(q)

    def around(self, offset: int) -> Quote | None:
        """The quote with ``offset`` strictly inside (not on its first mark), if any."""
        i = bisect_left(self._starts, offset) - 1
        return self.quotes[i] if i >= 0 and offset < self._ends[i] else None

    def overlapping(self, start: int, end: int) -> list[Quote]:
        """The quotes sharing a character with ``text[start:end]``, in order."""
        return self.quotes[bisect_right(self._ends, start) : bisect_left(self._starts, end)]

    def group(self, group: int) -> list[Quote]:
        """The pieces of one quote, in order."""
        return self._groups.get(group, [])


def find_quotes(text: str) -> list[Quote]:
    """All quotes in ``text``, in order; single-quoted ones only outside double quotes."""
    quotes: list[Quote] = []
    run: list[tuple[int, int]] = []  # pieces of a quote running over paragraphs
    for start, end in _paragraph_spans(text):
        pieces, open_at = _scan_paragraph(text, start, end)
        if run:
            reopened = _double_mark(text, start, end) is not None
            if reopened and open_at == start and not pieces:
                run.append((start, _rstrip(text, start, end)))
                continue
            if reopened and pieces and pieces[0][0] == start:
                run.append(pieces.pop(0))
                _add_group(quotes, run)
            run = []  # otherwise never reopened: an unbalanced mark, dropped
        for piece in pieces:
            _add_group(quotes, [piece])
        if open_at is not None:
            run = [(open_at, _rstrip(text, start, end))]
    return sorted(quotes, key=lambda q: q.start)


def _add_group(quotes: list[Quote], pieces: list[tuple[int, int]]) -> None:
    group = quotes[-1].group + 1 if quotes else 0
    quotes.extend(Quote(s, e, group) for s, e in pieces)


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _double_mark(text: str, i: int, end: int) -> str | None:
    """The double quote mark starting at ``i`` ("''" counts as one), if any."""
    pair = text[i : min(i + 2, end)]
    if pair in ("''", "``"):
        return pair
    return text[i] if text[i] in _DOUBLE_MARKS else None


def _is_opening(text: str, i: int, start: int, end: int, width: int = 1) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + width] if i + width < end else " "
    return (before in _OPEN_CONTEXT or before in _DOUBLE_PAIRS) and not after.isspace()


def _is_closing(text: str, i: int, start: int) -> bool:
    before = text[i - 1] if i > start else " "
    return not before.isspace()


def _scan_paragraph(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed double quotes in one paragraph, and where an unclosed one opened."""
    pieces: list[tuple[int, int]] = []
    open_at: int | None = None
    closers: tuple[str, ...] = ()
    # closers -> where a search for them that found none stopped: an opening before that
    # finds none either, so a paragraph of stray apostrophes is not searched again each time
    unclosed: dict[str, int] = {}
    i = start
    while i < end:
        # only a mark can open or close a quote: go straight to the next one
        found = _MARK.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        mark = _double_mark(text, i, end)
        width = len(mark) if mark else 1
        if open_at is None:
            if mark in _DOUBLE_PAIRS and mark != "»" and _is_opening(text, i, start, end, width):
                open_at, closers = i, _DOUBLE_PAIRS[mark]
            elif ch in _SINGLE_PAIRS and _is_opening(text, i, start, end):
                wanted = _SINGLE_PAIRS[ch]
                close = None
                if i >= unclosed.get(wanted, start):
                    close, stop = _find_single_close(text, i, end, wanted)
                    if close is None:
                        unclosed[wanted] = stop
                if close is not None:
                    pieces.append((i, close + 1))
                    i = close
        elif mark in closers and _is_closing(text, i, start):
            pieces.append((open_at, i + width))
            open_at = None
        i += width
    return pieces, open_at


def _find_single_close(text: str, i: int, end: int, closers: str) -> tuple[int | None, int]:
    """The closing single mark for an opening at ``i``: not an apostrophe inside a word.

    With none, also where the search stopped (a double mark, or ``end``): any opening
    between ``i`` and there sees the same marks, so it finds none either.
    """
    j = i + 1
    while j < end:
        ch = text[j]
        if ch in _DOUBLE_MARKS:
            return None, j  # a double mark first: too tangled to be a single-quoted phrase
        if ch in closers:
            after = text[j + 1] if j + 1 < end else " "
            before = text[j - 1]
            if not after.isalnum() and not before.isspace():
                return j, j
        j += 1
    return None, end
