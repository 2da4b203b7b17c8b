"""Blocks: headline, headings and paragraphs are separated by line breaks."""

from __future__ import annotations

from spacy.tokens import Doc


def mark_block_starts(doc: Doc) -> None:
    """Set ``is_sent_start`` on the first word after any line break.

    A line break is either a whitespace token containing ``\\n`` or a newline in the
    trailing whitespace of the previous token. Other boundaries are left to the parser.
    """
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and token.i > 0:
            token.is_sent_start = True
        after_break = "\n" in token.whitespace_
