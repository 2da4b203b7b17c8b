"""Blocks: headline, headings and paragraphs are separated by line breaks, and a wire
dateline ("BERLIN, Jan 12 (Reuters) -") is a block of its own.

Line breaks may be CRLF: :func:`read_crlf_as_lf` makes the models see a CRLF copy of an
article exactly as they see its LF copy, so both give the same claims.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from spacy.attrs import SENT_START
from spacy.tokens import Doc

from .quotes import QUOTE_MARKS

if TYPE_CHECKING:
    from thinc.types import Ints2d


#: A dateline at the start of a block: a place in capitals ("CONCORD", "SAN JOSE", "ST.
#: LOUIS"), or in any case when an agency in brackets follows ("Washington (CNN)"); then
#: optionally a state or country ("N.H.", "Calif."), a date ("Jan 12", "March 3, 2024"),
#: the agency ("(Reuters)", "/PRNewswire/"), and a dash (em, en, "--" or "-").
DATELINE = re.compile(
    r"""
    (?P<place> [A-Z][A-Z.'’-]+ (?:[ ][A-Z][A-Z.'’-]+){0,3}
      | [A-Z][a-z]+ (?:[ ][A-Z][a-z]+){0,2} (?=[ ]\([A-Za-z]{2,12}\)) )
    (?P<more>
      (?:,[ ][A-Z][A-Za-z.]*\.?(?:[ ][A-Z][A-Za-z.]*\.?){0,2})?
      (?:,?[ ](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?[ ]\d{1,2}
         (?:,[ ]\d{4})?)?
      (?:[ ]?\([A-Za-z .&-]{2,30}\))?
      (?:[ ]?/[A-Za-z .&-]{2,30}/)? )
    [ ]*(?:—|–|--|-)[ ]+
    """,
    re.VERBOSE,
)


def dateline_end(text: str, start: int) -> int | None:
    """Where the body begins after a dateline at ``text[start:]``, or None if there is none."""
    m = DATELINE.match(text, start)
    if m is None:
        return None
    first = text[m.end() : m.end() + 1]
    if not first or not (first.isupper() or first in QUOTE_MARKS):
        return None  # the body begins a sentence: "— The president", "— “We will …”"
    if not m["more"] and not m["place"].replace(" ", "").isalpha():
        return None  # a bare "U.S. - China talks" is not one; "WASHINGTON - " is
    return m.end()


def mark_block_starts(doc: Doc) -> None:
    """Set ``is_sent_start`` on the first word after any line break, and on the first word
    after a dateline at the start of a block, which is never part of a claim.

    A line break is either a whitespace token containing ``\\n`` or a newline in the
    trailing whitespace of the previous token. Other boundaries are left to the parser.

    The starts are written as one array: ``Token.is_sent_start = True`` checks the whole
    doc for a parse each time, which made a long article's cost grow with its length
    squared.
    """
    starts = []
    after_break = True  # the doc's first word starts a block too
    text: str | None = None
    tokens = iter(doc)
    for token in tokens:
        if token.is_space:
            after_break = after_break or "\n" in token.text
            continue
        if after_break:
            if token.i > 0:
                starts.append(token.i)
            if token.text[:1].isupper():
                text = doc.text if text is None else text
                end = dateline_end(text, token.idx)
                if end is not None:  # "BERLIN, Jan 12 (Reuters) - [Germany's] economy …"
                    body = next((t for t in tokens if t.idx >= end), None)
                    if body is None:
                        break
                    starts.append(body.i)
                    token = body
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
