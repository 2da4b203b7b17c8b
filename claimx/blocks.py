"""Blocks: headline, headings and paragraphs are separated by line breaks.

Line breaks may be CRLF: :func:`read_crlf_as_lf` makes the models see a CRLF copy of an
article exactly as they see its LF copy, so both give the same claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from spacy.attrs import SENT_START
from spacy.tokens import Doc

if TYPE_CHECKING:
    from thinc.types import Ints2d


def mark_block_starts(doc: Doc) -> None:
    """Set ``is_sent_start`` on the first word after any line break.

    A line break is either a whitespace token containing ``\\n`` or a newline in the
    trailing whitespace of the previous token. Other boundaries are left to the parser.

    The starts are written as one array: ``Token.is_sent_start = True`` checks the whole
    doc for a parse each time, which made a long article's cost grow with its length
    squared.
    """
    starts = []
    after_break = False
    for token in doc:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break and token.i > 0:
            starts.append(token.i)
        after_break = "\n" in token.whitespace_
    if not starts:
        return
    if doc.has_annotation("DEP"):  # what the setter would refuse: sentences come from the parse
        doc[starts[0]].is_sent_start = True
    values = doc.to_array([SENT_START])
    values[starts] = 1
    doc.from_array([SENT_START], cast("Ints2d", values))  # uint64; spaCy's stub says float64


def read_crlf_as_lf(doc: Doc) -> None:
    """Give each whitespace token holding ``\\r\\n`` the features of its LF form.

    The statistical components read a token through its lexeme's NORM, PREFIX, SUFFIX and
    SHAPE; ``"\\r\\n"`` has its own, unseen in training, so the parse and the entities of a
    CRLF file drifted from those of its LF copy (and claims were lost). A lexeme is
    shared by the vocab, so each one is set once; this must run before the first model.
    """
    if "\r\n" not in doc.text:  # most articles: no token to look at
        return
    vocab = doc.vocab
    for token in doc:
        if token.is_space and "\r\n" in token.text:
            lexeme = vocab[token.text]
            like = vocab[token.text.replace("\r\n", "\n")]
            if lexeme.shape != like.shape:
                lexeme.norm_ = like.norm_
                lexeme.prefix_ = like.prefix_
                lexeme.suffix_ = like.suffix_
                lexeme.shape_ = like.shape_
