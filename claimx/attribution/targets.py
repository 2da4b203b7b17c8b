"""What a claim is about: the object of an attitude cue, else the content's main named
entity or object, with pronouns resolved like speakers."""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Doc, Span, Token

from ..cues import CueMatch
from ..speakers import Resolver, Speaker
from .article import Frame

_TARGET_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"}
_OBJECT_DEPS = {"dobj", "pobj", "attr", "oprd", "nsubjpass"}
#: Prepositions that make an entity the other side of a relation a claim is about: "dialogue
#: with Russia" (not "voices in Paris", "the mayor of London"; and not "attacks against
#: Obama", where a stance toward the relation is the opposite of one toward the entity).
_RELATION_PREPS = {"with"}
#: A place an entity names after one of these prepositions ("voices in Paris", "a rally at
#: the Capitol") is where the claim is set: a target only when nothing else is named.
_PLACE_PREPS = {"in", "at", "across", "inside", "throughout", "near"}
_PLACE_LABELS = {"GPE", "LOC", "FAC"}


def find_target(
    frame: Frame, doc: Doc, resolver: Resolver, content: list[Token], speaker: Speaker
) -> tuple[str | None, tuple[int, int] | None]:
    """The object of an attitude cue, else the content's main named entity or object.

    A pronoun ("criticized it", "praised him", "said she would …") is resolved like a
    speaker: the target names what it refers to and ``target_span`` is the pronoun.
    """
    m = frame.cue
    objects = _objects(m, frame) if m is not None else []
    if objects and m is not None and (m.entry.cls == "attitude" or m.entry.particle == "as"):
        if objects[0].pos_ == "PRON":
            return _pronoun_target(objects[0], doc, resolver, speaker)
        return _noun_phrase(objects[0], doc, resolver)
    content_ids = {t.i for t in content}
    first, last = (min(content_ids), max(content_ids)) if content_ids else (0, -1)
    ents = [
        e
        for e in resolver.ents_starting(first, last + 1)
        if e.label_ in _TARGET_LABELS
        and e.start in content_ids
        and e.root.pos_ in ("PROPN", "NOUN")  # not "Russian" in "the Russian president"
        and not any(_name_of(e, resolver) in name for name in speaker.names)
    ]
    ents.sort(key=_is_placed)  # stable: places last, the rest in text order
    chosen = [e for e in ents if e.root.dep_ in _OBJECT_DEPS] or ents
    if chosen:
        relation = _relation(chosen[0], content_ids)
        if relation is not None:
            return relation.text, (relation.start_char, relation.end_char)
        return _name_of(chosen[0], resolver), (chosen[0].start_char, chosen[0].end_char)
    objects = [o for o in objects if o.pos_ != "PRON"]
    if objects:
        return _noun_phrase(objects[0], doc, resolver)
    subjects = [t for t in content if t.dep_ in ("nsubj", "nsubjpass")]
    nouns = [t for t in subjects if t.pos_ in ("NOUN", "PROPN")]
    if nouns:
        return _noun_phrase(nouns[0], doc, resolver)
    if subjects and subjects[0].lower_ in ("he", "she"):  # "it" and "they" too often misled
        return _pronoun_target(subjects[0], doc, resolver, speaker)
    return None, None


def _pronoun_target(
    pron: Token, doc: Doc, resolver: Resolver, speaker: Speaker
) -> tuple[str | None, tuple[int, int] | None]:
    """What a pronoun target refers to, with the pronoun as the span; (None, None) if that is
    unknown or is the speaker ("he said he would run").

    The speaker is never a candidate: an object pronoun cannot be its own clause's subject
    ("she praised him"), and a reported subject that can be the speaker is left out.
    """
    mention = (pron.idx, pron.idx + len(pron))
    own = set(speaker.names)
    if pron.lower_ == "it":
        head = _thing_antecedent(pron, resolver.lexicons.roles)
        if head is None or (speaker.span and speaker.span[0] <= head.idx < speaker.span[1]):
            return None, None
        return _noun_phrase(head, doc, resolver)[0], mention
    if _may_be_speaker(pron, speaker, resolver):
        return None, None
    ent = resolver.antecedent(pron, skip=own)
    if ent is None or _name_of(ent, resolver) in own:
        return None, None
    group = [ent]
    if pron.lower_ in ("they", "them", "their"):  # "Germany and France … condemned them"
        rooted = [resolver.ent_at(c.i) for c in ent.root.conjuncts]
        group += sorted(
            (e for c, e in zip(ent.root.conjuncts, rooted, strict=True) if e and e.root == c),
            key=lambda e: e.start,
        )
    return "; ".join(dict.fromkeys(_name_of(e, resolver) for e in group)), mention


def _may_be_speaker(pron: Token, speaker: Speaker, resolver: Resolver) -> bool:
    """A reported subject agreeing with the speaker is the speaker ("Trump signaled that he
    …"); "Clinton says he …" is someone else, and so is "he" in a quote (the speaker is "I")."""
    if pron.dep_ not in ("nsubj", "nsubjpass") or resolver.in_quote(pron.idx):
        return False
    if speaker.type != "person" or not speaker.names:
        return False
    sex = "male" if pron.lower_ == "he" else "female"
    return resolver.gender(speaker.names[0]) in (sex, None)


def _thing_antecedent(pron: Token, roles: Mapping[str, str]) -> Token | None:
    """The nearest subject or object before ``pron`` in its sentence or the one before that
    "it" can stand for: a singular common noun that is not a person's role, or an
    organisation or place ("The plan was published. Critics attacked it.")."""
    sent = pron.sent
    start = pron.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    for tok in reversed(pron.doc[start : pron.i]):
        if tok.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        if tok.tag_ == "NN" and roles.get(tok.lemma_.lower()) != "person":
            return tok
        if tok.ent_type_ in ("ORG", "GPE") and tok.tag_ == "NNP":
            return tok
    return None


def _objects(m: CueMatch, frame: Frame) -> list[Token]:
    """Nominal objects of the cue inside the content ("welcomed [the directions]")."""
    objs = [c for c in m.verb.children if c.dep_ == "dobj" and c.i in frame.tokens]
    if m.particle is not None:
        objs += [c for c in m.particle.children if c.dep_ == "pobj" and c.i in frame.tokens]
    return [o for o in objs if not o.lower_.endswith(("self", "selves"))]  # "described himself"


def _name_of(ent: Span, resolver: Resolver) -> str:
    if ent.label_ == "PERSON":
        return resolver.canonical(ent)
    text = ent.text
    return text[4:] if text.lower().startswith("the ") else text


def _is_placed(ent: Span) -> bool:
    """Is ``ent`` a place named as the object of a preposition of place ("in Paris")?"""
    return (
        ent.label_ in _PLACE_LABELS
        and ent.root.dep_ == "pobj"
        and ent.root.head.lower_ in _PLACE_PREPS
    )


def _relation(ent: Span, content_ids: set[int]) -> Span | None:
    """The noun phrase an entity completes as the other side of a relation ("[dialogue with
    Russia]"): what a claim mentioning it is about, rather than the entity alone."""
    noun = ent.root.head.head
    if ent.root.dep_ != "pobj" or noun.pos_ != "NOUN" or noun.i not in content_ids:
        return None
    if _relation_object(noun) != ent.root:
        return None
    return noun.doc[_phrase_start(noun) : ent.end]


def _relation_object(noun: Token) -> Token | None:
    """The other side of the relation ``noun`` names, if any: "talks with [Iran]"."""
    for prep in noun.children:
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if prep.dep_ == "prep" and prep.lower_ in _RELATION_PREPS and prep.i > noun.i and objs:
            return objs[0]
    return None


def _phrase_start(head: Token) -> int:
    """Where the phrase ``head`` heads begins, leading punctuation and spaces left out."""
    start = head.left_edge.i
    while start < head.i and (head.doc[start].is_punct or head.doc[start].is_space):
        start += 1
    return start


def _noun_phrase(head: Token, doc: Doc, resolver: Resolver) -> tuple[str, tuple[int, int]]:
    """The head noun with its left modifiers ("the British position") and the other side of
    a relation ("talks with Iran"), or its entity.

    A title ("the Russian president") resolves to the person the article gave it; an act on
    something ("the appointment of an envoy") gives way to what it acts on.
    """
    if head.lemma_.lower() in resolver.lexicons.act_nouns:
        of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
        objs = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
        if objs:
            return _noun_phrase(objs[0], doc, resolver)
    ent = resolver.ent_at(head.i)
    if ent is not None and ent.label_ in _TARGET_LABELS:
        return _name_of(ent, resolver), (ent.start_char, ent.end_char)
    other = _relation_object(head)  # "talks [with Iran]": the relation is the target
    span = doc[_phrase_start(head) : (other.right_edge if other else head).i + 1]
    # the target names the phrase without the marks of a quote it cuts through ("regular"
    # contacts); its span still covers the mention
    kept = (
        t.whitespace_ if t.is_quote and t.text not in ("'", "’") else t.text_with_ws  # "countries'"
        for t in span
    )
    words = " ".join("".join(kept).split())
    return resolver.by_title(span) or words or span.text, (span.start_char, span.end_char)
