"""Mentions: the name-level facts of one article that resolving its speakers rests on.

The article's entities with people's names cut as a reader would (:func:`tidy_names`), the
spans where it names its own newsroom (:func:`credit_spans`), the words of a noun phrase
(:func:`mention_tokens`, :func:`strip_det`), a pronoun's sex (:func:`pronoun_sex`), and
mentions in text order for finding the last one before a token (:class:`Mentions`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .entities import SUFFIXES
from .lexicons import Lexicons

#: The dependencies of a clause's subject.
SUBJECT_DEPS = ("nsubj", "nsubjpass")
#: Labels NER gives a person's name by mistake often enough to check the first name.
_RELABEL = {"ORG", "GPE", "NORP", "PRODUCT", "FAC", "WORK_OF_ART", "LOC"}
#: Those a surname alone may be given, where the article names the person in full; not the
#: places ("Jordan" the country beside "Jim Jordan").
_RELABEL_SURNAME = {"ORG", "PRODUCT", "FAC", "WORK_OF_ART"}
#: How many tokens back a person known to agree with a pronoun still beats a nearer one of
#: unknown sex.
RECENT = 120
#: A cue NER takes into the name after it: "Said Whitman:".
_SAID = {"said", "says"}
#: An abbreviated title before a name: "Dr.", "Sen.", "Gov.", "Lt." (two letters or more).
_ABBREVIATED_TITLE = re.compile(r"[A-Z][a-z]{1,4}\.")


def strip_det(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the determiners and punctuation before them, nor the punctuation,
    spaces and possessive after."""
    while tokens and (tokens[0].dep_ in ("det", "punct") or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].tag_ == "POS"):
        tokens = tokens[:-1]
    return tokens


def tokens_text(tokens: list[Token]) -> str | None:
    """The text from the first of ``tokens`` to the last, None for none."""
    if not tokens:
        return None
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text


def pronoun_sex(word: str) -> str | None:
    """ "male" for he/him/his, "female" for she/her, None for any other word."""
    if word in ("he", "him", "his", "himself"):
        return "male"
    return "female" if word in ("she", "her", "hers", "herself") else None


def tidy_names(doc: Doc, lexicons: Lexicons) -> list[Span]:
    """The doc's entities with people's names as a reader would cut them: a role word NER
    took in left out ("[Spokeswoman] Rebecca Hill"), a first name it left out between a
    title and the name taken in ("Defense Minister [Rustem] Umerov"), and two halves of one
    name joined ("Prince [Abdulaziz][bin Salman]")."""
    out: list[Span] = []
    for ent in _persons_by_first_name(doc, lexicons):
        if out and ent.start < out[-1].end:
            continue  # taken into an organisation's name below
        if ent.label_ == "ORG":
            out.append(_org_with_of(ent))
            continue
        if ent.label_ != "PERSON":
            out.append(ent)
            continue
        start, end = ent.start, ent.end
        while end - start > 1 and (_is_title(doc[start], lexicons) or doc[start].lower_ in _SAID):
            start += 1  # "[Said] Whitman:" too
        # words NER took in before a first name: "[Billionaire] Donald Trump", "[McCain
        # Challenger] Kelli Ward" (a first name the list lacks is taken for one: "Billie")
        names = [k for k in range(start, end - 1) if doc[k].text in lexicons.first_names]
        if names and names[0] > start:
            start = names[0]
        if end < len(doc) and doc[end].text in SUFFIXES:  # "Brent Bozell [III]"
            end += 1
        first = start - 1
        title = doc[first - 1] if first >= 1 else None  # "Minister [Rustem] Umerov"
        if (
            title is not None
            and (lexicons.roles.get(title.lower_) == "person" or title.text in lexicons.honorifics)
            and start == ent.start
            and doc[first].pos_ == "PROPN"
            and doc[first].ent_type_ == ""
            and doc[first].text[:1].isupper()
            and not _is_title(doc[first], lexicons)
            and doc[first].lower_ not in lexicons.roles
            and (not out or out[-1].end <= first)
        ):
            start = first
        if out and out[-1].label_ == "PERSON" and out[-1].end == start:
            start = out.pop().start
        out.append(Span(doc, start, end, label="PERSON"))
    return out


_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)*"
#: A byline on a line of its own: "By LISA MASCARO and KEVIN FREKING", "By Jane Doe, Reuters".
_BYLINE = re.compile(
    rf"^[ \t]*By[ \t]+{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME})*(?:[ \t]*,[^\n]{{0,40}})?[ \t]*$",
    re.M,
)
#: A dateline at a paragraph's start: "WASHINGTON (AP) —", "LONDON, March 3 (Reuters) -".
_DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Z .'’]{2,}?(?:,[^\n(—–]{0,20})?(?:\([A-Za-z .]+\))?[ \t]+[—–-]{1,2}[ \t]",
    re.M,
)
#: A credit line: "Associated Press writer Kevin Freking contributed to this report."
_CREDIT = re.compile(r"^[^\n]{0,200}\bcontributed (?:to this report|reporting)[^\n]*$", re.M)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names its own newsroom: bylines, datelines and credit lines."""
    return [m.span() for rx in (_BYLINE, _DATELINE, _CREDIT) for m in rx.finditer(text)]


def _is_title(tok: Token, lexicons: Lexicons) -> bool:
    """A word before a name that is no part of it: a role ("Spokeswoman"), an honorific
    ("Mr.") or an abbreviated title ("Dr.", "Sen.", "Gov.", not an initial "J.")."""
    return (
        lexicons.roles.get(tok.lower_) == "person"
        or tok.text in lexicons.honorifics
        or _ABBREVIATED_TITLE.fullmatch(tok.text) is not None
    )


def _org_with_of(ent: Span) -> Span:
    """An organisation's name with the "of …" NER cut off: "[The American College] of
    Cardiology", "[Bank] of Portugal"."""
    doc, end = ent.doc, ent.end
    if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].is_title:
        k = end + 1
        while k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].is_title:
            k += 1
        if k > end + 1:
            return Span(doc, ent.start, k, label="ORG")
    return ent


def _persons_by_first_name(doc: Doc, lexicons: Lexicons) -> list[Span]:
    """The doc's entities, a name NER took for an organisation or a place made a person's
    when it starts with a known first name ("[Nikki Haley]" tagged ORG), and so is each
    later mention of that surname alone ("[Haley] said")."""
    ents = list(doc.ents)
    # the surname of a person the article names in full: "[Trump]" alone tagged ORG (not a
    # place: "Jordan" beside "Jim Jordan")
    named = {
        words[-1].text
        for ent in ents
        if ent.label_ == "PERSON"
        and len(words := [t for t in ent if t.is_alpha and t.is_title]) >= 2
    }
    surnames: set[str] = set()
    for n, ent in enumerate(ents):
        words = [t for t in ent if not t.is_punct]
        if (
            ent.label_ in _RELABEL
            and 2 <= len(words) <= 3
            and all(t.pos_ == "PROPN" and t.is_title for t in words)
            and words[0].text in lexicons.first_names
        ):
            ents[n] = Span(doc, ent.start, ent.end, label="PERSON")
            surnames.add(words[-1].text)
    if surnames or named:
        ents = [
            Span(doc, e.start, e.end, label="PERSON")
            if (e.label_ in _RELABEL and len(e) == 1 and e.text in surnames)
            or (e.label_ in _RELABEL_SURNAME and _surname_of(e) in named)
            else e
            for e in ents
        ]
    return ents


def main_subject(ent: Span) -> bool:
    """Whether ``ent`` is the subject of its sentence's main verb, or of one joined to it
    ("Cox says …", "Cox arrived and said …"), not of a clause inside ("… says Obama is")."""
    head = ent.root.head
    while head.dep_ == "conj":
        head = head.head
    return ent.root.dep_ in SUBJECT_DEPS and head.dep_ == "ROOT"


def _surname_of(ent: Span) -> str | None:
    """The one word of a name ("Trump", "Trump's"), else None."""
    words = [t for t in ent if t.tag_ != "POS" and not t.is_punct]
    return words[0].text if len(words) == 1 else None


def bare_name(span: Span) -> str:
    """A name's words without "the" or a possessive (all of them where that leaves none)."""
    tokens = strip_det(list(span))
    return tokens_text(tokens) or span.text


class Mentions:
    """Mentions in text order, for finding the last one before a token whose name is not to
    be skipped without walking back over every earlier one."""

    def __init__(self, ents: list[Span], name: Callable[[Span], str]) -> None:
        self.ents = ents
        self._ends = [e.end for e in ents]  # sorted: entities never overlap
        self._name = name
        self._names: list[str] = []
        self._run: list[int] = []  # where the run of mentions of the same name begins

    def last_before(self, i: int, skip: Collection[str]) -> Span | None:
        """The last mention ending at or before token ``i`` whose name is not in ``skip``."""
        k = bisect_right(self._ends, i) - 1
        if skip and not self._names and self.ents:  # names are only needed to skip some
            self._names = [self._name(e) for e in self.ents]
            for n, name in enumerate(self._names):
                same = n > 0 and self._names[n - 1] == name
                self._run.append(self._run[n - 1] if same else n)
        while skip and k >= 0 and self._names[k] in skip:
            k = self._run[k] - 1  # past the whole run of that name at once
        return self.ents[k] if k >= 0 else None

    def recent(self, i: int) -> Iterator[Span]:
        """The mentions ending at or before token ``i``, nearest first, as far back as
        :data:`RECENT` tokens."""
        k = bisect_right(self._ends, i) - 1
        while k >= 0 and i - self.ents[k].end <= RECENT:
            yield self.ents[k]
            k -= 1


@dataclass(frozen=True)
class Candidates:
    """What a kind of pronoun can refer to: the subjects among them, and all."""

    subjects: Mentions
    all: Mentions


def mention_tokens(subject: Token) -> list[int]:
    """Token indices of a subject's noun phrase up to its head, without determiners."""
    first = subject.left_edge.i
    doc = subject.doc
    while first < subject.i and (doc[first].dep_ in ("det", "punct") or doc[first].is_space):
        first += 1
    return list(range(first, subject.i + 1))
