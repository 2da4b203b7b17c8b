"""Naming a target from the phrase that mentions it: the entity, title or noun phrase a
target is called by, and the span its stance is read at.

This module owns how a phrase becomes a target's name: an entity's resolved name and span
(a possessive left out), a place set by a preposition ("in Paris"), the other side of a
relation ("talks with Iran"), an act noun giving way to what it acts on ("the appointment of
an envoy"), a holder noun to whose position it is ("the British position") and a rival noun
to the other side ("a fight with Trump"), and the keys names are compared by.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from ..speakers import Resolver

TARGET_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"}
#: Who may hold a position or fight: people, organisations, countries and peoples.
_HOLDER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
#: Prepositions that make an entity the other side of a relation a claim is about: "dialogue
#: with Russia" (not "voices in Paris", "the mayor of London"; and not "attacks against
#: Obama", where a stance toward the relation is the opposite of one toward the entity).
_RELATION_PREPS = {"with"}
#: A place an entity names after one of these prepositions ("voices in Paris", "a rally at
#: the Capitol", "a prosecutor from New York") is where the claim or someone in it is set: a
#: target only when nothing else is named.
_PLACE_PREPS = {"in", "at", "across", "inside", "throughout", "near", "from"}
_PLACE_LABELS = {"GPE", "LOC", "FAC"}


def name_key(name: str) -> str:
    return name.casefold().removeprefix("the ")


def names_overlap(a: str, b: str) -> bool:
    """Do two names share all the words of the shorter ("obama" and "barack obama")?"""
    wa, wb = set(a.split()), set(b.split())
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def name_of(ent: Span, resolver: Resolver) -> str:
    return resolver.entity_name(ent)


def ent_span(ent: Span) -> tuple[int, int]:
    """An entity's offsets without a possessive ending NER took in ("Jones's")."""
    named = ent[:-1] if len(ent) > 1 and ent[-1].tag_ == "POS" else ent
    return named.start_char, named.end_char


def is_placed(ent: Span) -> bool:
    """Is ``ent`` a place named as the object of a preposition of place ("in Paris")?"""
    return (
        ent.label_ in _PLACE_LABELS
        and ent.root.dep_ == "pobj"
        and ent.root.head.lower_ in _PLACE_PREPS
    )


def relation_phrase(ent: Span, content_ids: set[int]) -> Span | None:
    """The noun phrase an entity completes as the other side of a relation ("[dialogue with
    Russia]"): what a claim mentioning it is about, rather than the entity alone."""
    noun = ent.root.head.head
    if ent.root.dep_ != "pobj" or noun.pos_ != "NOUN" or noun.i not in content_ids:
        return None
    if _relation_object(noun) != ent.root:
        return None
    return noun.doc[phrase_start(noun) : ent.end]


def _relation_object(noun: Token) -> Token | None:
    """The other side of the relation ``noun`` names, if any: "talks with [Iran]"."""
    for prep in noun.children:
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if prep.dep_ == "prep" and prep.lower_ in _RELATION_PREPS and prep.i > noun.i and objs:
            return objs[0]
    return None


def phrase_start(head: Token) -> int:
    """Where the phrase ``head`` heads begins, leading punctuation and spaces left out."""
    start = head.left_edge.i
    while start < head.i and (head.doc[start].is_punct or head.doc[start].is_space):
        start += 1
    return start


def noun_phrase(head: Token, doc: Doc, resolver: Resolver) -> tuple[str, tuple[int, int]]:
    """The head noun with its left modifiers ("the British position") and the other side of
    a relation ("talks with Iran"), or its entity.

    A title ("the Russian president") resolves to the person the article gave it; an act on
    something ("the appointment of an envoy") gives way to what it acts on.
    """
    lexicons, lemma = resolver.lexicons, head.lemma_.lower()
    if lemma in lexicons.act_nouns:
        of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
        objs = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
        if objs:
            return noun_phrase(objs[0], doc, resolver)
    holder = _holder(head, resolver)
    if holder is not None:  # "[the British position]", "[a fight with Trump]": its holder
        end = holder.end if holder.start > head.i else head.i + 1
        span = doc[phrase_start(head) : end]
        return resolver.entity_name(holder), (span.start_char, span.end_char)
    ent = resolver.ent_at(head.i)
    if ent is not None and ent.label_ in TARGET_LABELS:
        return name_of(ent, resolver), ent_span(ent)
    other = _relation_object(head)  # "talks [with Iran]": the relation is the target
    span = doc[phrase_start(head) : (other.right_edge if other else head).i + 1]
    # the target names the phrase without the marks of a quote it cuts through ("regular"
    # contacts); its span still covers the mention
    kept = (
        t.whitespace_ if t.is_quote and t.text not in ("'", "’") else t.text_with_ws  # "countries'"
        for t in span
    )
    words = " ".join("".join(kept).split())
    return resolver.by_title(span) or words or span.text, (span.start_char, span.end_char)


def _holder(head: Token, resolver: Resolver) -> Span | None:
    """The person, organisation or country whose position or act ``head`` is ("[Trump]'s
    decision", "the [British] position", lexicon ``holder_noun``), or the other side of a
    conflict ("a fight with [Trump]", ``rival_noun``)."""
    lexicons, lemma = resolver.lexicons, head.lemma_.lower()
    if lemma in lexicons.holder_nouns:
        kids = [c for c in head.children if c.dep_ in ("poss", "amod", "compound") and c.i < head.i]
    elif lemma in lexicons.rival_nouns:
        withs = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "with"]
        kids = [c for w in withs for c in w.children if c.dep_ == "pobj"]
    else:
        return None
    for kid in kids:
        ent = resolver.ent_at(kid.i)
        if ent is not None and ent.label_ in _HOLDER_LABELS:
            return ent
    return None
