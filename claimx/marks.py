"""The marked spans of claims in their article, as a tree that nests however they overlap.

Shared by the terminal view (:mod:`claimx.show`) and the HTML page (:mod:`claimx.page`):
each claim's speaker, cue, quote fragments and targets become :class:`Mark` objects, and
:func:`nest` cuts the article into :class:`Piece` trees in which tags can be opened and
closed in order. Spans may nest (a target inside a quote) or cross (two claims' quotes);
a mark that crosses another is split into several pieces, so that every piece lies inside
the one around it. Offsets are never shifted: the leaves are slices of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from .types import Claim, Span, Stance, Target

Role = Literal["speaker", "cue", "quote", "target"]
#: The roles, outermost first when two marks cover the same characters.
ROLES: tuple[Role, ...] = ("speaker", "cue", "quote", "target")


@dataclass(frozen=True)
class Mark:
    """One span marked in one role: ``claims`` are the numbers (from 1, in the order given)
    of the claims that have this span in this role (two claims of one speaker share the
    speaker's span), ``stance`` their stance toward a target (None for other roles)."""

    claims: tuple[int, ...]
    role: Role
    start: int
    end: int
    stance: Stance | None = None

    def sort_key(self) -> tuple[int, int, int, tuple[int, ...], str]:
        """Outer marks first: earlier start, then longer, then role, then claims."""
        return (self.start, -self.end, ROLES.index(self.role), self.claims, self.stance or "")


@dataclass
class Piece:
    """The part of a mark from ``start`` to ``end``: a whole mark, or one piece of a mark
    that crosses another. ``children`` are text slices and pieces, in order; ``numbers``
    the claims this piece is the first of, in reading order (where their numbers go)."""

    mark: Mark
    start: int
    end: int = -1
    children: list[str | Piece] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    @property
    def first(self) -> bool:
        """Whether this piece begins its mark."""
        return self.start == self.mark.start

    @property
    def last(self) -> bool:
        """Whether this piece ends its mark."""
        return self.end == self.mark.end


def targets(claim: Claim) -> tuple[Target, ...]:
    """A claim's targets; a claim read from a record without ``targets`` has its main one."""
    if claim.targets:
        return claim.targets
    if claim.target is not None and claim.target_span is not None:
        return (Target(claim.target, claim.target_span, claim.stance, claim.stance_score),)
    return ()


def claim_spans(claim: Claim, length: int) -> list[tuple[Role, int, int, Stance | None]]:
    """The spans of one claim with their roles (and stances, for targets), clipped to a text
    of ``length`` characters; empty spans and spans outside the text are left out."""
    spans: list[tuple[Role, Span | None, Stance | None]] = [
        ("speaker", claim.speaker_span, None),
        ("cue", claim.cue_span, None),
        *(("quote", span, None) for span in claim.quote_spans),
        *(("target", t.target_span, t.stance) for t in targets(claim)),
    ]
    marks: list[tuple[Role, int, int, Stance | None]] = []
    for role, span, stance in spans:
        if span is None:
            continue
        start, end = max(span[0], 0), min(span[1], length)
        if start < end:
            marks.append((role, start, end, stance))
    return marks


def all_marks(text: str, claims: Sequence[Claim]) -> list[Mark]:
    """The marks of all claims (numbered from 1), outer ones first; a span that several
    claims have in one role (and with one stance) is one mark."""
    owners: dict[tuple[Role, int, int, Stance | None], list[int]] = {}
    for number, claim in enumerate(claims, 1):
        for key in claim_spans(claim, len(text)):
            numbers = owners.setdefault(key, [])
            if number not in numbers:
                numbers.append(number)
    marks = [Mark(tuple(n), *key) for key, n in owners.items()]
    return sorted(marks, key=Mark.sort_key)


def nest(text: str, marks: Sequence[Mark]) -> list[str | Piece]:
    """The article as text slices and properly nested pieces of ``marks``.

    The text is cut at every mark's start and end; over each cut, the marks covering it are
    ordered outer first (:meth:`Mark.sort_key`). From one cut to the next, the pieces open
    above the first difference are closed and the marks from there on opened anew, so that
    only marks that cross another are split. Joining the leaves gives ``text`` back. Each
    claim's number goes to its first piece (:attr:`Piece.numbers`).
    """
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    waiting = sorted(marks, key=Mark.sort_key, reverse=True)  # the next to start last
    covering: list[Mark] = []
    top: list[str | Piece] = []
    stack: list[Piece] = []
    for start, end in pairwise(bounds):
        covering = [m for m in covering if m.end > start]
        while waiting and waiting[-1].start == start:
            covering.append(waiting.pop())
        covering.sort(key=Mark.sort_key)
        keep = 0
        while keep < min(len(stack), len(covering)) and stack[keep].mark == covering[keep]:
            keep += 1
        for piece in stack[keep:]:
            piece.end = start
        del stack[keep:]
        for mark in covering[keep:]:
            piece = Piece(mark, start)
            (stack[-1].children if stack else top).append(piece)
            stack.append(piece)
        (stack[-1].children if stack else top).append(text[start:end])
    for piece in stack:
        piece.end = len(text)
    _number(top)
    return top


def _number(tree: Sequence[str | Piece]) -> None:
    """Give each claim's first piece in reading order the claim's number."""
    seen: set[int] = set()

    def visit(nodes: Sequence[str | Piece]) -> None:
        for node in nodes:
            if isinstance(node, Piece):
                node.numbers = [n for n in node.mark.claims if n not in seen]
                seen.update(node.numbers)
                visit(node.children)

    visit(tree)
