"""Frames from cues: each cue outside quotes, with its speaker (the subject, passive agent
or "according to" object, or the speaker a participle inherits) and its content tokens."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from spacy.tokens import Token

from ..cues import CueMatch
from ..quotes import QUOTE_MARKS
from ..speakers import Resolver, Speaker
from .article import Frame, ParsedArticle, cue_tokens
from .content import content_tokens, when_asked

_INHERITING_DEPS = {"advcl", "conj"}
_EMBEDDED_DEPS = {"xcomp", "pcomp"}
_RELATIVE = {"who", "that", "which"}
_GENERIC_SUBJECTS = {"one", "you"}
#: Sources that measure their subject rather than being written by it: "In a new poll, …".
_MEASURES = {"poll", "survey", "study", "analysis", "data", "datum", "figures", "statistics"}
#: Nouns for words, whose "refers to" gives a meaning: "The term refers to …".
_WORD_NOUNS = {"term", "word", "phrase", "expression", "name", "label", "acronym", "title"}


def cue_frames(art: ParsedArticle) -> dict[int, Frame]:
    """A frame for each cue outside quotes that has a speaker (or, passive, has content),
    keyed by the index of the cue's verb."""
    cues, sources = art.lexicons.cues, art.lexicons.source_nouns
    matches = [
        m
        for t in art.doc
        if (m := cues.match(t, sources)) is not None and not art.resolver.in_quote(t.idx)
    ]
    by_verb = {m.verb.i: m for m in matches}
    # "said in a statement": the verb is the cue, the statement only its channel; but
    # "according to X" names a source of its own ("The company plans to cut jobs, according
    # to three people familiar with the talks")
    # a cue inside a reporter's question ("Asked whether she would [support] Trump, Haley
    # said …") is no claim of the one who answers; the question is a claim with no speaker
    asked = {t.i for m in matches if when_asked(m.verb) for t in m.verb.subtree if t.i != m.verb.i}
    matches = [
        m
        for m in matches
        if (m.source is None or m.entry.lemma == "according" or m.verb.head.i not in by_verb)
        and m.verb.i not in asked
    ]
    frames: dict[int, Frame] = {}
    covered: set[int] = set()  # the tokens of every frame's content so far
    # ancestors first, so that participles can inherit their head cue's speaker
    for m in sorted(matches, key=lambda m: sum(1 for _ in m.verb.ancestors)):
        frame = _frame(m, by_verb, frames, covered, art.resolver, art.sent_of[m.verb.i])
        if frame is not None:
            frames[m.verb.i] = frame
            covered |= frame.tokens
    _carve_sources(frames)
    return frames


def _carve_sources(frames: dict[int, Frame]) -> None:
    """ "X said the plan fails, according to a memo": the memo sources the words, and its
    phrase is no part of what X said."""
    phrases = [
        {t.i for t in f.cue.verb.subtree}
        for f in frames.values()
        if f.cue is not None and f.cue.source is not None and f.cue.entry.lemma == "according"
    ]
    for frame in frames.values():
        for phrase in phrases:
            if frame.cue is not None and frame.cue.verb.i not in phrase:
                frame.tokens -= phrase


def _frame(
    m: CueMatch,
    by_verb: dict[int, CueMatch],
    frames: dict[int, Frame],
    covered: set[int],
    resolver: Resolver,
    sent: int,
) -> Frame | None:
    lexicons = resolver.lexicons
    subject, parent = _subject(m, by_verb, frames, covered, lexicons.roles, lexicons.source_nouns)
    cue_span = cue_tokens(m)
    tokens = content_tokens(m, resolver.doc, lexicons) - {t.i for t in cue_span}
    if when_asked(m.verb):  # "When asked about X, Smith said …": asked by someone
        return _sourceless(m, tokens, sent)
    if parent is not None:
        head = frames[parent]
        return Frame(
            m, head.subject, head.speaker, tokens, inherited=True, sent=sent, anchor=m.verb.idx
        )
    if subject is None and m.entry.pos == "NOUN":  # "faced criticism for …": from someone
        return _sourceless(m, tokens, sent)
    if subject is None and _agentless_passive(m.verb):
        # "It was announced that …", "X is expected to …": a claim with no source
        if not any(
            c.dep_ in ("ccomp", "xcomp") or (m.entry.lemma, c.lower_) in lexicons.prep_content
            for c in m.verb.children
        ):
            return None
        return _sourceless(m, tokens, sent)
    if subject is None or (subject.pos_ == "PRON" and subject.lower_ in _GENERIC_SUBJECTS):
        return None
    if _referring_word(m, subject):
        return None
    if _impression(m):  # the writer's: a claim with no source
        return _sourceless(m, tokens, sent)
    # a relative clause's speaker is its head noun, whose subtree holds the clause itself
    tokens -= {t.i for t in subject.subtree} - {t.i for t in m.verb.subtree}
    if (
        m.source is None
        and subject.i > m.verb.i
        and subject.head.i != m.verb.i
        and _after_quote(m.verb)
    ):
        # '"…," said the woman, who …' parsed as the woman's clause: the quote is the content
        tokens = set()
    speaker = resolver.speakers(subject)
    relative = [c for c in m.verb.children if c.dep_ == "nsubj" and c.lower_ in _RELATIVE]
    if relative and subject.i == m.verb.head.i:
        # "Smith, who said …": the mention in the clause is "who", the name is Smith's
        who = relative[0]
        speaker = replace(speaker, span=(who.idx, who.idx + len(who)))
    if m.entry.cls == "evidence" and speaker.type == "person":
        # "a poll shows a tight race" is a finding; "he has shown no sign" is not
        tokens -= {t.i for c in m.verb.children if c.dep_ == "dobj" for t in c.subtree}
    return Frame(m, subject, speaker, tokens, sent=sent, anchor=m.verb.idx)


def _sourceless(m: CueMatch, tokens: set[int], sent: int) -> Frame:
    """A claim whose source the article does not name."""
    speaker = Speaker((), (), "unknown", None)
    return Frame(m, None, speaker, tokens, sent=sent, anchor=m.verb.idx)


def _agentless_passive(verb: Token) -> bool:
    deps = {c.dep_ for c in verb.children}
    return ("nsubjpass" in deps or "auxpass" in deps) and "agent" not in deps


def _subject(
    m: CueMatch,
    by_verb: dict[int, CueMatch],
    frames: dict[int, Frame],
    covered: set[int],
    roles: Collection[str],
    sources: Collection[str],
) -> tuple[Token | None, int | None]:
    """The speaker's head token, or the verb index of the cue whose speaker it inherits."""
    verb = m.verb
    if m.source is not None:
        # "In a letter released Monday, [Sanders] rips …"; but "In a new poll, Clinton leads"
        if m.entry.lemma == "in" and m.source.lemma_.lower() not in _MEASURES:
            author = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
            if author is not None and _speaker_like(author, roles):
                return author, None
        return m.source, None
    # the subject nearest before the cue: "If it cannot yet, [it] will soon, [analysts] say"
    # hangs both "it" and "analysts" on "say"
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    before = [c for c in subjects if c.i < verb.i]
    nearest = before[-1] if before else (subjects[0] if subjects else None)
    if nearest is not None:
        if nearest.lower_ in _RELATIVE and verb.dep_ == "relcl":
            return verb.head, None
        return nearest, None
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    if not passive and m.entry.cls == "speech" and (after := _name_after(verb)) is not None:
        return after, None  # '"The risk," said [Edward Leamer], …, "is …"' parsed apart
    if passive:
        for child in verb.children:
            if child.dep_ == "agent":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                return (objs[0], None) if objs else (None, None)
        return None, None
    if verb.dep_ in _EMBEDDED_DEPS:
        return _controller(verb, frames, covered, roles), None
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        holder = _participle_holder(verb.head, sources)
        return (
            (holder, None) if holder is not None and _speaker_like(holder, roles) else (None, None)
        )
    if verb.dep_ not in _INHERITING_DEPS:
        return None, None
    for node in verb.ancestors:  # the cue this participle hangs on ...
        if node.i in frames:
            return None, node.i
    for node in verb.ancestors:  # ... else the nearest subject above
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass") and node.i not in by_verb:
                return child, None
    return None, None


def _referring_word(m: CueMatch, subject: Token) -> bool:
    """ "The term refers to …": a word's meaning, not an attribution."""
    return m.entry.lemma == "refer" and subject.lemma_.lower() in _WORD_NOUNS


def _impression(m: CueMatch) -> bool:
    """ "The court appears skeptical": how the subject looks to the writer, with no clause
    that the subject holds true ("seemed hopeful that …" has one)."""
    if m.entry.lemma not in ("appear", "seem"):
        return False
    clauses = ("ccomp", "xcomp", "advcl")
    return not any(
        c.dep_ in clauses or any(g.dep_ in clauses for g in c.children) for c in m.verb.children
    )


def _name_after(verb: Token) -> Token | None:
    """The person named right after a subjectless speech verb ("said Edward Leamer"), which
    the parse hung elsewhere: the head of the name."""
    doc = verb.doc
    if verb.i + 1 >= len(doc) or verb.tag_ not in ("VBD", "VBZ") or verb.dep_ in _INHERITING_DEPS:
        return None
    first = doc[verb.i + 1]
    if first.ent_type_ != "PERSON" or first.ent_iob_ != "B":
        return _noun_after_quote(verb)
    end = first.i
    while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
        end += 1
    # not the cue's own object: "…, and criticized [Obama] for …"
    return None if doc[end].head.i == verb.i else doc[end]


def _after_quote(verb: Token) -> bool:
    """Whether ``verb`` follows a quote that a comma, "!" or "?" closes: '"…," said'."""
    before = [t.text for t in verb.doc[max(0, verb.i - 3) : verb.i] if not t.is_space]
    marks = {"!", "?", ",", "—"}
    return len(before) >= 2 and (
        (before[-1] in QUOTE_MARKS and before[-2][-1:] in marks)
        or (before[-1] in marks and before[-2] in QUOTE_MARKS)
    )


def _noun_after_quote(verb: Token) -> Token | None:
    """The speaker of '"…," said [the woman]' or '"…," said [Skelly]' (a name the tagger
    missed): the last word of the noun phrase after the cue, right after a quote."""
    doc = verb.doc
    if not _after_quote(verb):
        return None
    j = verb.i + 1
    while j < len(doc) and doc[j].pos_ in ("DET", "ADJ", "NUM"):
        j += 1
    start = j
    while j < len(doc) and (
        doc[j].pos_ in ("NOUN", "PROPN")
        or (doc[j].is_title and doc[j].is_alpha and not doc[j].is_stop)
    ):
        j += 1
    return doc[j - 1] if j > start and doc[j - 1].dep_ != "dobj" else None


def _participle_holder(noun: Token, sources: Collection[str]) -> Token | None:
    """Who a participle on a noun speaks for: "[a Democrat] supporting Clinton" (but not
    "those supporting deportation", no one in particular), and for a document, its author:
    "[Rubio's campaign] sent out a press release saying …"."""
    if noun.lemma_.lower() not in sources:
        return noun if noun.lower_ != "those" else None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None and noun.dep_ == "dobj":
        owner = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    return owner


def _controller(
    verb: Token, frames: dict[int, Frame], covered: set[int], roles: Collection[str]
) -> Token | None:
    """Who "refrained from endorsing" or "was reluctant to endorse": the subject of the
    governing clause, when that is a speaker and the clause is not another claim's content
    (``covered``: the tokens of every frame's content; ``roles``: nouns that name a speaker)."""
    node = verb
    while node.dep_ in _EMBEDDED_DEPS or node.dep_ in ("prep", "acomp"):
        node = node.head
        if node.i in frames or node.i in covered:
            return None
    for child in node.children:
        if child.dep_ == "nsubj" and _speaker_like(child, roles):
            return child
    return None


def _speaker_like(token: Token, roles: Collection[str]) -> bool:
    if token.pos_ == "PRON":
        return token.lower_ in ("he", "she", "they", "i", "we")
    return token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or token.lemma_ in roles
