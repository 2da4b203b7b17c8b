"""The speaker's own act on a target: "supporting [Ukraine]", "to block [her] nomination".

This module owns the polarity of a word in the content that acts on a target, and who the
one acting is: the speaker, "I" or "we", or nobody named count; someone else does not. It
also decides when a pronoun outside quotes stands for the speaker (:func:`speaker_pronoun`).
"""

from __future__ import annotations

from spacy.tokens import Token

from ..speakers import Resolver, Speaker, pronoun_sex
from ..stance.rules import polarity_sign
from .article import Frame
from .phrases import TARGET_LABELS, name_key, name_of, names_overlap

#: Pronouns that stand for a person the content takes a position toward ("she's qualified",
#: "held up her nomination"). "They" is left out: resolved to the nearest group, it named
#: the wrong one more often than the right one.
PERSON_PRONOUNS = {"he", "him", "his", "she", "her"}
#: Pronouns an agent can stand for the speaker's group with ("they want to block …").
_GROUP_PRONOUNS = {"they", "them", "their"}


def speaker_act(target: Token | None, frame: Frame, speaker: Speaker, resolver: Resolver) -> float:
    """The polarity of a word in the content that acts on ``target`` (its object, or the
    owner of its object: "block [X's] nomination"), where the one acting is the speaker, "I"
    or "we", or nobody named ("supporting Ukraine"); flipped by negation up to the content's
    top ("no intention of engaging with Putin"). 0 when there is none, or when someone else
    acts ("Republicans held up [her] nomination" says nothing of the speaker's stance)."""
    if target is None:
        return 0.0
    tok = target.head if target.dep_ == "poss" else target
    if tok.dep_ == "pobj":
        tok = tok.head
    if tok.dep_ not in ("dobj", "prep") or tok.head.i not in frame.tokens:
        return 0.0
    act = tok.head
    lexicons = resolver.lexicons
    lemma = act.lemma_.lower()
    value = lexicons.polarity.get(lemma) or lexicons.cues.attitude(lemma)  # "I commend X"
    if not value or not _speakers_act(act, frame, speaker, resolver):
        return 0.0
    top = act
    while top.head.i != top.i and top.head.i in frame.tokens:
        top = top.head
    return polarity_sign(act, top, lexicons) * value


def _speakers_act(act: Token, frame: Frame, speaker: Speaker, resolver: Resolver) -> bool:
    """Is the agent of ``act`` the speaker (or unnamed)? Climbs through controlled clauses
    ("wants to block"); an object controls a clause under a preposition ("blasted
    [Republicans] for preventing …")."""
    node, came_by_prep = act, False
    while True:
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            return _is_speaker(subject, speaker, resolver)
        if came_by_prep:
            obj = next((c for c in node.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return _is_speaker(obj, speaker, resolver)
        if frame.cue is not None and node.i == frame.cue.verb.i:
            return True
        if node.head.i == node.i or node.dep_ not in ("xcomp", "pcomp", "pobj", "prep", "advcl"):
            return node.dep_ != "ccomp" or node.head.i not in frame.tokens
        came_by_prep = node.dep_ in ("pcomp", "pobj") or came_by_prep
        node = node.head


def _is_speaker(tok: Token, speaker: Speaker, resolver: Resolver) -> bool:
    """Does ``tok`` (an agent) stand for the speaker, or for nobody in particular?"""
    if tok.lower_ in ("i", "we"):
        return True
    if tok.pos_ == "PRON":
        if tok.lower_ in PERSON_PRONOUNS or tok.lower_ in _GROUP_PRONOUNS:
            return speaker_pronoun(tok, speaker, resolver)
        return True
    if speaker.span is not None and speaker.span[0] <= tok.idx < speaker.span[1]:
        return True
    ent = resolver.ent_at(tok.i)
    if ent is None or ent.label_ not in TARGET_LABELS:
        # someone else ("the government would back …"), or nobody ("the priority lies in
        # supporting Ukraine")
        return tok.ent_type_ == "" and tok.lemma_.lower() not in resolver.lexicons.roles
    name = name_key(name_of(ent, resolver))
    return any(names_overlap(name, o.casefold()) for o in speaker.names)


def speaker_pronoun(pron: Token, speaker: Speaker, resolver: Resolver) -> bool:
    """Outside quotes, a pronoun agreeing with a person speaker is the speaker ("Trump said
    the media treated him unfairly", "defended her record"); inside, the speaker is "I"."""
    if resolver.in_quote(pron.idx) or speaker.type != "person":
        return False
    if not speaker.names:
        return True
    # a group pronoun ("they") is checked as "she" was before: kept, and noted for review
    sex = pronoun_sex(pron.lower_) or "female"
    return resolver.gender(speaker.names[0]) in (sex, None)
