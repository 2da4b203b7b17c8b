"""What every attribution pass shares: the parsed article, the frame a claim is built in,
and the measures of text and cue they all take."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from spacy.tokens import Doc, Span, Token

from ..cues import CueMatch
from ..lexicons import Lexicons
from ..quotes import Quote, QuoteIndex, find_quotes
from ..speakers import Resolver, Speaker

WORD = re.compile(r"\w+")


@dataclass
class Frame:
    """A claim under construction: token-level facts before they become offsets."""

    cue: CueMatch | None
    subject: Token | None
    speaker: Speaker | None
    tokens: set[int]
    spans: list[tuple[int, int]] = field(default_factory=list)
    inherited: bool = False
    sent: int = 0
    anchor: int = 0  # char offset used to order claims
    mark: tuple[int, int] | None = None  # a punctuation cue (the colon of "Trump: …")


@dataclass
class ParsedArticle:
    """One parsed article and what every rule needs of it, computed once."""

    doc: Doc
    text: str
    quotes: list[Quote]
    sents: list[Span]
    sent_of: dict[int, int]  # token index -> sentence number
    resolver: Resolver
    index: QuoteIndex
    lexicons: Lexicons
    _roots: dict[int, Token] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Doc, lexicons: Lexicons) -> ParsedArticle:
        text = doc.text  # Doc.text rebuilds the string on every access
        sents = list(doc.sents)
        sent_of = {t.i: n for n, s in enumerate(sents) for t in s}
        quotes = find_quotes(text)
        resolver = Resolver(doc, lexicons, quotes)
        return cls(doc, text, quotes, sents, sent_of, resolver, resolver.quotes, lexicons)

    def root(self, tok: Token) -> Token:
        """The root of ``tok``'s sentence (``tok.sent.root``, which walks the sentence)."""
        n = self.sent_of[tok.i]
        if n not in self._roots:
            self._roots[n] = self.sents[n].root
        return self._roots[n]


def few_words(text: str, start: int, end: int, most: int) -> bool:
    """Whether ``text[start:end]`` has at most ``most`` words; only the first ``most + 1``
    are looked for, however long the stretch."""
    return next(islice(WORD.finditer(text, start, end), most, None), None) is None


def tokens_in(doc: Doc, spans: list[tuple[int, int]]) -> list[Token]:
    out: list[Token] = []
    for s, e in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        out.extend(span if span is not None else ())
    return out


def cue_tokens(m: CueMatch) -> list[Token]:
    """The cue's words as one contiguous stretch: "called for", but "described" (… as)."""
    if m.particle is not None and m.particle.i == m.verb.i + 1:
        return [m.verb, m.particle]
    return [m.verb]
