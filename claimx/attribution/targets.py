"""What a claim is about: the main target (the object of an attitude cue, else the content's
main named entity or object) and every other person, group or organisation the content
names, with pronouns and titles resolved like speakers.

This module owns finding them: the main target and the others a claim's content names
(:func:`find_targets`), and the wider net of :func:`more_targets`. Naming a target from its
phrase is left to :mod:`~claimx.attribution.phrases`, and the speaker's own act on one to
:mod:`~claimx.attribution.acts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..cues import CueMatch
from ..speakers import Resolver, Speaker, pronoun_sex
from .acts import PERSON_PRONOUNS, speaker_act, speaker_pronoun
from .article import Frame
from .phrases import (
    TARGET_LABELS,
    ent_span,
    is_placed,
    name_key,
    name_of,
    names_overlap,
    noun_phrase,
    phrase_start,
    relation_phrase,
)

_OBJECT_DEPS = {"dobj", "pobj", "attr", "oprd", "nsubjpass"}
#: Where a title that names a person can be a target: "the president", "the speaker".
_MENTION_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "poss", "attr", "conj"}


@dataclass(frozen=True)
class Mention:
    """One target of a claim: its resolved name, the span its stance is read at, and whether
    the cue governs it (the main target, or the cue's object: "accused [X] of"; not whom it
    addresses: "urged [X] to …"), so that the cue's own stance applies to it."""

    name: str
    span: tuple[int, int]
    governed: bool
    #: a person, organisation, group or place (the stance model's domain), not a topic
    entity: bool = True
    #: the polarity of the speaker's own act on it: "supporting [Ukraine]", "to block [his]
    #: nomination" (0: none)
    act: float = 0.0


def find_targets(
    frame: Frame, doc: Doc, resolver: Resolver, content: list[Token], speaker: Speaker
) -> list[Mention]:
    """The main target (:func:`find_target`) first, then each other person, organisation or
    group the content names, by name, title ("the president") or pronoun ("she"), once per
    resolved name and never the speaker; in text order."""
    own = {name.casefold() for name in speaker.names}
    name, span = find_target(frame, doc, resolver, content, speaker)
    found: list[Mention] = []
    seen: set[str] = set(own)
    governed: set[int] = set()
    addressees: set[int] = set()
    if frame.cue is not None:
        for obj in _objects(frame.cue, frame):
            governed.update(c.i for c in (obj, *obj.conjuncts))
        if any(c.dep_ == "xcomp" for c in frame.cue.verb.children):
            addressees, governed = governed, set()  # "urged [Boehner] to bring up …"
    if name is not None and span is not None:
        mention = doc.char_span(*span, alignment_mode="expand")
        head = mention.root if mention is not None else None
        # named ("Putin", "European leaders"), a pronoun, or a title the article gave someone
        entity = mention is not None and (
            any(t.ent_type_ in TARGET_LABELS for t in mention)
            or mention.root.pos_ == "PRON"
            or resolver.by_title(mention) is not None
        )
        act = speaker_act(head, frame, speaker, resolver)
        # the cue's stance is toward the main target, unless that is whom the cue addresses
        main_governed = head is None or head.i not in addressees
        found.append(Mention(name, span, main_governed, entity, act))
        seen.add(name_key(name))
    covered = span or (0, 0)
    content_ids = {t.i for t in content}
    candidates = _mentions(content, content_ids, resolver, speaker)
    if frame.cue is not None:  # "said of [Spencer]: …", "spoke about [Iran]"
        about = [
            t
            for p in frame.cue.verb.children
            if p.dep_ == "prep" and p.lower_ in ("of", "about")
            for c in p.children
            if c.dep_ == "pobj"
            for t in c.subtree
        ]
        candidates[:0] = _mentions(about, {c.i for c in about}, resolver, speaker)
    for at, cand_name, cand_span in candidates:
        key = name_key(cand_name)
        if key in seen or any(names_overlap(key, o) for o in own):
            continue
        if covered[0] <= cand_span[0] < covered[1]:
            continue
        seen.add(key)
        act = speaker_act(doc[at], frame, speaker, resolver)
        found.append(Mention(cand_name, cand_span, at in governed, True, act))
    return found


def _mentions(
    content: list[Token], content_ids: set[int], resolver: Resolver, speaker: Speaker
) -> list[tuple[int, str, tuple[int, int]]]:
    """Candidate targets in the content, in text order: (head token, name, span)."""
    doc = resolver.doc
    out: list[tuple[int, str, tuple[int, int]]] = []
    done: set[int] = set()
    for tok in content:
        if tok.i in done:
            continue
        ent = resolver.ent_at(tok.i)
        if ent is not None:
            done.update(range(ent.start, ent.end))
            if ent.label_ not in TARGET_LABELS or ent.start not in content_ids:
                continue
            if ent.root.pos_ in ("PROPN", "NOUN") and not is_placed(ent):
                out.append((ent.root.i, name_of(ent, resolver), ent_span(ent)))
            else:
                for group in _groups({ent.start, ent.root.head.i} & content_ids, resolver):
                    out.append((group.root.i, group.text, (group.start_char, group.end_char)))
            continue
        if tok.lower_ in PERSON_PRONOUNS and tok.pos_ == "PRON":
            if not speaker_pronoun(tok, speaker, resolver):
                ent = resolver.antecedent(tok, skip=speaker.names)
                if ent is not None:
                    out.append((tok.i, name_of(ent, resolver), (tok.idx, tok.idx + len(tok))))
        elif tok.pos_ == "NOUN" and tok.dep_ in _MENTION_DEPS and tok.tag_ == "NN":
            phrase = doc[phrase_start(tok) : tok.i + 1]
            if phrase[0].lower_ == "the":
                person = resolver.by_title(phrase)
                if person is not None:
                    out.append((tok.i, person, (phrase.start_char, phrase.end_char)))
    return out


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
        return noun_phrase(objects[0], doc, resolver)
    content_ids = {t.i for t in content}
    first, last = (min(content_ids), max(content_ids)) if content_ids else (0, -1)
    ents = [
        e
        for e in resolver.ents_starting(first, last + 1)
        if e.label_ in TARGET_LABELS
        and e.start in content_ids
        and e.root.pos_ in ("PROPN", "NOUN")  # not "Russian" in "the Russian president"
        and not any(name_of(e, resolver) in name for name in speaker.names)
    ]
    ents += _groups(content_ids, resolver)
    ents.sort(key=lambda e: e.start)
    ents.sort(key=is_placed)  # stable: places last, the rest in text order
    chosen = [e for e in ents if e.root.dep_ in _OBJECT_DEPS] or ents
    if chosen:
        relation = relation_phrase(chosen[0], content_ids)
        if relation is not None:
            return relation.text, (relation.start_char, relation.end_char)
        return name_of(chosen[0], resolver), ent_span(chosen[0])
    objects = [o for o in objects if o.pos_ != "PRON"]
    if objects:
        return noun_phrase(objects[0], doc, resolver)
    subjects = [t for t in content if t.dep_ in ("nsubj", "nsubjpass")]
    nouns = [t for t in subjects if t.pos_ in ("NOUN", "PROPN")]
    if nouns:
        return noun_phrase(nouns[0], doc, resolver)
    if subjects and subjects[0].lower_ in ("he", "she"):  # "it" and "they" too often misled
        return _pronoun_target(subjects[0], doc, resolver, speaker)
    return None, None


def _groups(content_ids: set[int], resolver: Resolver) -> list[Span]:
    """People named by a nationality or party and a plural noun: "European leaders"."""
    out = []
    for i in sorted(content_ids):
        ent = resolver.ent_at(i)
        if ent is None or ent.start != i or ent.label_ != "NORP":
            continue
        head = ent.root.head
        if ent.root.dep_ == "amod" and head.tag_ == "NNS" and head.i in content_ids:
            out.append(resolver.doc[ent.start : head.i + 1])
    return out


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
        return noun_phrase(head, doc, resolver)[0], mention
    if _may_be_speaker(pron, speaker, resolver):
        return None, None
    ent = resolver.antecedent(pron, skip=own)
    if ent is None or name_of(ent, resolver) in own:
        return None, None
    group = [ent]
    if pron.lower_ in ("they", "them", "their"):  # "Germany and France … condemned them"
        rooted = [resolver.ent_at(c.i) for c in ent.root.conjuncts]
        group += sorted(
            (e for c, e in zip(ent.root.conjuncts, rooted, strict=True) if e and e.root == c),
            key=lambda e: e.start,
        )
    return "; ".join(dict.fromkeys(name_of(e, resolver) for e in group)), mention


def _may_be_speaker(pron: Token, speaker: Speaker, resolver: Resolver) -> bool:
    """A reported subject agreeing with the speaker is the speaker ("Trump signaled that he
    …"); "Clinton says he …" is someone else, and so is "he" in a quote (the speaker is "I")."""
    if pron.dep_ not in ("nsubj", "nsubjpass") or resolver.in_quote(pron.idx):
        return False
    if speaker.type != "person" or not speaker.names:
        return False
    return resolver.gender(speaker.names[0]) in (pronoun_sex(pron.lower_), None)


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


def more_targets(
    frame: Frame,
    sents: list[Span],
    resolver: Resolver,
    speaker: Speaker,
    found: list[Mention],
    theirs: Sequence[tuple[int, int]] = (),
) -> list[Mention]:
    """What a wider net catches beyond :func:`find_targets`: every other named entity of the
    content's sentences ``sents`` (places after "in" too, and outside the content: "Democrats
    denounced Bush and cheered Obama"). The stance model decides them, and a claim keeps only
    those it finds the speaker for or against: most are mere mentions. Never the speaker, nor
    what describes the speaker ("a spokesman for [the FBI]"), nor a name already found, nor
    what falls in ``theirs`` (other speakers' content).

    Topics (the content's other subjects and objects) were tried too: on SEESAW dev they
    found 293 more annotated pairs but cost 5,500 more stances where no triple is annotated
    (triple F1 0.109 against 0.121) and 1.7 times the model's calls."""
    own = {name.casefold() for name in speaker.names}
    taken = [m.span for m in found] + list(theirs)
    if speaker.span is not None:
        taken.append(speaker.span)
    seen = {name_key(m.name) for m in found}
    out: list[Mention] = []

    def add(at: Token, name: str, span: tuple[int, int], entity: bool) -> None:
        key = name_key(name)
        if key in seen or any(names_overlap(key, o) for o in own):
            return  # one target a name, never the speaker
        if any(span[0] < e and s < span[1] for s, e in taken):
            return
        if speaker.span is not None and any(
            speaker.span[0] <= a.idx < speaker.span[1] for a in at.ancestors
        ):
            return
        taken.append(span)
        seen.add(key)
        out.append(Mention(name, span, False, entity, speaker_act(at, frame, speaker, resolver)))

    for sent in sents:
        for ent in resolver.ents_starting(sent.start, sent.end):
            if ent.label_ in TARGET_LABELS and ent.root.pos_ in ("PROPN", "NOUN"):
                add(ent.root, name_of(ent, resolver), ent_span(ent), True)
    return out
