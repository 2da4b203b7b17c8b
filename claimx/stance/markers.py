"""The stance model's input: one sentence with its target wrapped in marker tokens.

``The senator praised TGTSTART Jones TGTEND for her courage.`` :func:`marked_doc` builds it
from a parsed sentence at inference; the build marks its training text by character span
(``mark_target`` in ``models/build_stance.py``), and ``tests/test_target_marking.py`` checks
that the two give the same tokens. :func:`target_token_span` is how the model's pooling layer
(:mod:`claimx.stance.layers`) finds the target again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc, Span

#: Marker tokens. Single alphabetic tokens so that spaCy's tokenizer never splits them.
OPEN = "TGTSTART"
CLOSE = "TGTEND"


def check_target(text: str, target: tuple[int, int]) -> None:
    """Raise ValueError unless ``target`` is a non-blank character span of ``text``."""
    start, end = target
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        raise ValueError(f"target {target!r} is not a non-empty span of a {len(text)}-char text")


def marked_doc(vocab: Any, sent: Span, target: Span) -> Doc:
    """A new Doc of ``sent``'s words with markers around ``target``, a span of the same doc
    that starts in ``sent`` (cut at the sentence's end if it runs past it)."""
    start, end = target.start, min(target.end, sent.end)
    words: list[str] = []
    for tok in sent:
        if tok.i == start:
            words.append(OPEN)
        if tok.i == end:
            words.append(CLOSE)
        if not tok.is_space:
            words.append(tok.text)
    if end >= sent.end:
        words.append(CLOSE)
    return Doc(vocab, words=words)


def target_token_span(words: Sequence[str]) -> tuple[int, int]:
    """Token range [start, end) of the marked target, markers included (all: not found)."""
    words = list(words)
    start = words.index(OPEN) if OPEN in words else 0
    end = words.index(CLOSE, start) + 1 if CLOSE in words[start:] else len(words)
    return start, end
