"""Attribution: from a parsed ``Doc`` to claims (speaker, cue, content, target, stance).

A claim starts at a cue (a verb from the cue lexicon, or "according to") outside
quotation marks. Its speaker is the cue's subject, passive agent or "according to"
object; participles ("…, arguing that …") inherit the speaker of the cue they hang on.
Its content is the cue's complement clause, object or quoted words, widened to whole
quotes. Quotes that no cue claims go to the speaker of the neighbouring sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import islice

from spacy.tokens import Doc, Span, Token

from . import stance
from .cues import CueLexicon, CueMatch, source_nouns
from .lexicons import role_types
from .quotes import Quote, QuoteIndex, find_quotes
from .speakers import Resolver, Speaker
from .stance_model import StanceModel, marked_doc
from .types import Claim, Kind

_CONTENT_DEPS = {"ccomp", "xcomp", "oprd"}
# cues whose direct object is the addressee, not the content ("told reporters that …")
_ADDRESSEE_CUES = {"tell", "ask", "warn", "remind", "assure", "inform"}
# prepositional complements that carry content: "described X as Y", "blamed X for Y"
_PREP_CONTENT = {("accuse", "of"), ("warn", "of"), ("warn", "about"), ("talk", "about")}
_PREP_CONTENT |= {("ask", "about"), ("speak", "about"), ("comment", "on"), ("testify", "about")}
_CONTENT_PREPS = {
    "speech": {"as"},
    "attitude": {"as", "for", "by", "with"},
    "belief": {"as"},
    "evidence": {"with"},
}
_NOMINAL_PREPS = {"of", "for", "to", "on", "about", "against", "over", "with"}
_INHERITING_DEPS = {"advcl", "conj"}
_EMBEDDED_DEPS = {"xcomp", "pcomp"}
_RELATIVE = {"who", "that", "which"}
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
#: Nouns of an act on something, whose "of" object is what a claim about them is about:
#: "called for the appointment of [an envoy]".
_ACT_NOUNS = frozenset(
    [
        "appointment",
        "continuation",
        "resumption",
        "establishment",
        "creation",
        "release",
        "removal",
        "withdrawal",
        "lifting",
        "extension",
        "expansion",
        "suspension",
        "restoration",
        "introduction",
        "adoption",
    ]
)
_WORD = re.compile(r"\w+")
#: A blank line, with Windows line endings too: "\r\n\r\n" holds no "\n\n".
_BLANK_LINE = re.compile(r"\n\r?\n")
_NON_SPACE = re.compile(r"\S")
_MIN_QUOTE_WORDS = 4
_GENERIC_SUBJECTS = {"one", "you"}
_CLOSING_MARKS = set("\"”’'»“")
JOINER = " … "


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
class Article:
    """One parsed article and what every rule needs of it, computed once."""

    doc: Doc
    text: str
    quotes: list[Quote]
    sents: list[Span]
    sent_of: dict[int, int]  # token index -> sentence number
    resolver: Resolver
    index: QuoteIndex
    _roots: dict[int, Token] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Doc) -> Article:
        text = doc.text  # Doc.text rebuilds the string on every access
        sents = list(doc.sents)
        sent_of = {t.i: n for n, s in enumerate(sents) for t in s}
        quotes = find_quotes(text)
        resolver = Resolver(doc, quotes)
        return cls(doc, text, quotes, sents, sent_of, resolver, resolver.quotes)

    def root(self, tok: Token) -> Token:
        """The root of ``tok``'s sentence (``tok.sent.root``, which walks the sentence)."""
        n = self.sent_of[tok.i]
        if n not in self._roots:
            self._roots[n] = self.sents[n].root
        return self._roots[n]


def find_claims(
    doc: Doc, lexicon: CueLexicon, stance_model: StanceModel | None = None
) -> list[Claim]:
    """All attributed claims of ``doc`` in text order.

    With ``stance_model``, the stance toward each target comes from it (and the cue's prior);
    without, from rules alone.
    """
    art = Article.of(doc)
    resolver, sent_of = art.resolver, art.sent_of
    matches = [
        m for t in doc if (m := lexicon.match(t)) is not None and art.index.around(t.idx) is None
    ]
    by_verb = {m.verb.i: m for m in matches}
    # "said in a statement": the verb is the cue, the statement only its channel
    matches = [m for m in matches if m.source is None or m.verb.head.i not in by_verb]
    frames: dict[int, Frame] = {}
    covered: set[int] = set()  # the tokens of every frame's content so far
    # ancestors first, so that participles can inherit their head cue's speaker
    for m in sorted(matches, key=lambda m: sum(1 for _ in m.verb.ancestors)):
        frame = _frame(m, by_verb, frames, covered, resolver)
        if frame is not None:
            frame.sent = sent_of[m.verb.i]
            frames[m.verb.i] = frame
            covered |= frame.tokens
    _merge_pronoun_participles(frames, doc)
    _drop_reported_attitudes(frames)
    _carve_nested(frames)
    for frame in frames.values():
        _trim_trailing_participle(frame, doc)
        frame.spans = _to_spans(frame.tokens, doc)
    _attach_quotes(frames, art)
    found = [f for f in frames.values() if f.spans]
    found += _colon_frames(art, found)
    found += _orphan_quote_frames(found, art)
    claims = [_claim(f, art) for f in found]
    if stance_model is not None:
        claims = _model_stance(claims, found, art, stance_model)
    claims.sort(key=lambda c: c.quote_spans[0])
    return _dedupe(claims)


# ---------------------------------------------------------------- speakers and content


def _frame(
    m: CueMatch,
    by_verb: dict[int, CueMatch],
    frames: dict[int, Frame],
    covered: set[int],
    resolver: Resolver,
) -> Frame | None:
    subject, parent = _subject(m, by_verb, frames, covered)
    cue_span = _cue_tokens(m)
    tokens = _content_tokens(m, resolver.doc) - {t.i for t in cue_span}
    if parent is not None:
        head = frames[parent]
        return Frame(m, head.subject, head.speaker, tokens, inherited=True, anchor=m.verb.idx)
    if subject is None and _agentless_passive(m.verb):
        # "It was announced that …", "X is expected to …": a claim with no source
        if not any(
            c.dep_ in ("ccomp", "xcomp") or (m.entry.lemma, c.lower_) in _PREP_CONTENT
            for c in m.verb.children
        ):
            return None
        return Frame(m, None, Speaker(None, None, "unknown", None), tokens, anchor=m.verb.idx)
    if subject is None or (subject.pos_ == "PRON" and subject.lower_ in _GENERIC_SUBJECTS):
        return None
    # a relative clause's speaker is its head noun, whose subtree holds the clause itself
    tokens -= {t.i for t in subject.subtree} - {t.i for t in m.verb.subtree}
    speaker = resolver.speakers(subject)
    relative = [c for c in m.verb.children if c.dep_ == "nsubj" and c.lower_ in _RELATIVE]
    if relative and subject.i == m.verb.head.i:
        # "Smith, who said …": the mention in the clause is "who", the name is Smith's
        who = relative[0]
        speaker = replace(speaker, span=(who.idx, who.idx + len(who)))
    if m.entry.cls == "evidence" and speaker.type == "person":
        # "a poll shows a tight race" is a finding; "he has shown no sign" is not
        tokens -= {t.i for c in m.verb.children if c.dep_ == "dobj" for t in c.subtree}
    return Frame(m, subject, speaker, tokens, anchor=m.verb.idx)


def _agentless_passive(verb: Token) -> bool:
    deps = {c.dep_ for c in verb.children}
    return ("nsubjpass" in deps or "auxpass" in deps) and "agent" not in deps


def _subject(
    m: CueMatch, by_verb: dict[int, CueMatch], frames: dict[int, Frame], covered: set[int]
) -> tuple[Token | None, int | None]:
    """The speaker's head token, or the verb index of the cue whose speaker it inherits."""
    verb = m.verb
    if m.source is not None:
        return m.source, None
    passive = False
    for child in verb.children:
        if child.dep_ == "nsubj":
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return verb.head, None
            return child, None
        if child.dep_ == "nsubjpass":
            passive = True
    if passive:
        for child in verb.children:
            if child.dep_ == "agent":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                return (objs[0], None) if objs else (None, None)
        return None, None
    if verb.dep_ in _EMBEDDED_DEPS:
        return _controller(verb, frames, covered), None
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


def _controller(verb: Token, frames: dict[int, Frame], covered: set[int]) -> Token | None:
    """Who "refrained from endorsing" or "was reluctant to endorse": the subject of the
    governing clause, when that is a speaker and the clause is not another claim's content
    (``covered``: the tokens of every frame's content)."""
    node = verb
    while node.dep_ in _EMBEDDED_DEPS or node.dep_ in ("prep", "acomp"):
        node = node.head
        if node.i in frames or node.i in covered:
            return None
    for child in node.children:
        if child.dep_ == "nsubj" and _speaker_like(child):
            return child
    return None


def _speaker_like(token: Token) -> bool:
    if token.pos_ == "PRON":
        return token.lower_ in ("he", "she", "they", "i", "we")
    return token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or token.lemma_ in role_types()


def _content_tokens(m: CueMatch, doc: Doc) -> set[int]:
    """Token indices of what the cue attributes, before quotes widen it."""
    verb, entry = m.verb, m.entry
    if entry.pos == "NOUN":  # "his claim that …", "her support for …"
        return _nominal_content(verb)
    if m.source is not None:  # "according to X, <content>"
        return _clause_without(verb.head, verb)
    parts: list[Token] = []
    if m.particle is not None and m.particle.dep_ == "prep" and entry.particle != "as":
        parts += [c for c in m.particle.children if c.dep_ in ("pobj", "pcomp")]
    for child in verb.children:
        if child.dep_ == "dobj":
            if _object_is_content(entry.lemma, entry.cls, child):
                parts.append(child)
        elif (
            child.dep_ in _CONTENT_DEPS
            or (entry.lemma, child.lower_) in _PREP_CONTENT
            or (child.dep_ == "prep" and child.lower_ in _CONTENT_PREPS.get(entry.cls, ()))
        ):
            parts.append(child)
    if not parts or any(c.dep_ == "xcomp" for c in parts):
        # "The closure was announced by …", "X is expected to …": the passive subject is
        # (part of) the content; expletive "it" is not
        parts += [c for c in verb.children if c.dep_ == "nsubjpass" and c.lower_ != "it"]
    if not parts:  # "said in a statement that …": the clause hangs on the statement
        parts += [
            clause
            for prep in verb.children
            if prep.dep_ == "prep"
            for obj in prep.children
            if obj.dep_ == "pobj" and obj.lemma_.lower() in source_nouns()
            for clause in obj.children
            if clause.dep_ in ("acl", "ccomp")
        ]
    if not parts and verb.dep_ == "parataxis" and verb.head.i != verb.i:
        return _clause_without(verb.head, verb)  # "The plan, she said, will fail."
    return {t.i for p in parts for t in p.subtree}


def _nominal_content(noun: Token) -> set[int]:
    """What a nominal cue is about: its clause ("that …", "to …") or its object ("for X")."""
    parts = [c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > noun.i]
    parts = [c for c in parts if c.dep_ != "relcl" or c.lower_ == "that"]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in _NOMINAL_PREPS:
            parts += [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    return {t.i for p in parts for t in p.subtree}


def _object_is_content(lemma: str, cls: str, obj: Token) -> bool:
    """ "confirmed [the plan]" yes; "told [reporters]", "showed [no sign]", "said [so]" no."""
    if cls == "belief" or obj.lower_ in ("so", "this"):
        return False
    return lemma not in _ADDRESSEE_CUES


def _clause_without(head: Token, cue: Token) -> set[int]:
    skip = {t.i for t in cue.subtree}
    return {t.i for t in head.subtree if t.i not in skip}


def _merge_pronoun_participles(frames: dict[int, Frame], doc: Doc) -> None:
    """ "criticized X, describing it as Y" is one claim: fold the participle into its head."""
    for i, frame in list(frames.items()):
        head = doc[i].head
        if not frame.inherited or head.i not in frames or doc[i].tag_ != "VBG":
            continue
        objs = [c for c in doc[i].children if c.dep_ == "dobj"]
        if objs and objs[0].lower_ in ("it", "them", "him", "her"):
            parent = frames[head.i]
            parent.tokens |= {t.i for t in doc[i].subtree}
            del frames[i]


def _drop_reported_attitudes(frames: dict[int, Frame]) -> None:
    """ "X said he would support Y": the support is what X said, not a claim of its own.
    Reported speech inside reported speech stays ("X said Y told her …")."""
    holding = Counter(i for frame in frames.values() for i in frame.tokens)  # frames per token
    for i, frame in list(frames.items()):
        attitude = frame.cue is not None and frame.cue.entry.cls != "speech"
        reported = holding[i] > (1 if i in frame.tokens else 0)  # in another frame's content
        if attitude and reported and not frame.inherited:
            del frames[i]
            holding.subtract(frame.tokens)


def _carve_nested(frames: dict[int, Frame]) -> None:
    """A participial cue inside another claim's content is its own claim: cut it out."""
    inherited = {i for i, frame in frames.items() if frame.inherited}
    for key, frame in frames.items():
        for i in frame.tokens & (inherited - {key}):
            other = frames[i]
            assert other.cue is not None
            frame.tokens -= {t.i for t in other.cue.verb.subtree}


def _trim_trailing_participle(frame: Frame, doc: Doc) -> None:
    """Drop a closing ", reflecting …" clause: the writer's gloss, not the speaker's words."""
    if not frame.tokens:
        return
    last = max(frame.tokens)
    for i in sorted(frame.tokens):
        tok = doc[i]
        if (
            tok.tag_ == "VBG"
            and tok.dep_ in ("advcl", "acl")
            and tok.i > 0
            and doc[tok.i - 1].text == ","
            and max(t.i for t in tok.subtree) >= last - 1
            and tok.i - 1 in frame.tokens
        ):
            frame.tokens -= {t.i for t in tok.subtree} | {tok.i - 1}
            return


def _to_spans(tokens: Iterable[int], doc: Doc) -> list[tuple[int, int]]:
    """Contiguous runs of tokens as char spans, without edge punctuation or space."""
    runs: list[list[Token]] = []
    for i in sorted(tokens):
        tok = doc[i]
        if runs and _contiguous(doc, runs[-1][-1].i, i):
            runs[-1].append(tok)
        else:
            runs.append([tok])
    spans = []
    for run in runs:
        while run and ((run[0].is_punct and not _is_quote_mark(run[0])) or run[0].is_space):
            run = run[1:]
        while run and ((run[-1].is_punct and not _is_quote_mark(run[-1])) or run[-1].is_space):
            run = run[:-1]
        if run and any(_WORD.search(t.text) for t in run):
            spans.append((run[0].idx, run[-1].idx + len(run[-1])))
    return spans


def _contiguous(doc: Doc, a: int, b: int) -> bool:
    """Only space or punctuation (not quote marks) between tokens ``a`` and ``b``."""
    return all(
        doc[k].is_space or (doc[k].is_punct and not _is_quote_mark(doc[k])) for k in range(a + 1, b)
    )


def _is_quote_mark(tok: Token) -> bool:
    return tok.text in {'"', "“", "”", "‘", "’", "'", "«", "»", "„"} or tok.tag_ in ("``", "''")


# ---------------------------------------------------------------------------- quotes


def _attach_quotes(frames: dict[int, Frame], art: Article) -> None:
    """Widen content to whole quotes; give quote-less cues the quote they introduce."""
    index, text = art.index, art.text
    free = _FreeQuotes(index.quotes)  # the quotes no claim has yet
    for frame in frames.values():
        frame.spans = _widen(frame.spans, index)
        free.take(_overlapping(index, frame.spans))
    for frame in sorted(frames.values(), key=lambda f: f.anchor):
        if frame.cue is None:
            continue
        sent = art.sents[frame.sent]
        verb = frame.cue.verb
        if not frame.spans:
            q = _introduced_quote(free, verb, sent, text)
            if q is not None:
                frame.spans = _group_spans(q, index)
        elif _overlapping(index, frame.spans):
            # "…," she said, "…": the second half of a split quote
            after = free.first_after(max(verb.idx, max(frame.spans)[0]))
            before_cue = min(frame.spans)[1] <= verb.idx
            if (
                after is not None
                and after.start < sent.end_char + 1
                and before_cue
                and _only_attribution_between(text, frame, after)
            ):
                frame.spans = sorted(frame.spans + _group_spans(after, index))
        free.take(_overlapping(index, frame.spans))


class _FreeQuotes:
    """The quotes not yet claimed, in order, each found by bisection."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = list(quotes)
        self._starts = [q.start for q in quotes]
        self._ends = [q.end for q in quotes]  # sorted too: quotes never overlap

    def take(self, quotes: Iterable[Quote]) -> None:
        for q in quotes:
            k = bisect_left(self._starts, q.start)
            if k < len(self.quotes) and self.quotes[k] == q:
                del self.quotes[k], self._starts[k], self._ends[k]

    def last_ending_by(self, offset: int) -> Quote | None:
        """The last quote ending at or before ``offset``."""
        k = bisect_right(self._ends, offset)
        return self.quotes[k - 1] if k else None

    def ending_within(self, start: int, end: int) -> list[Quote]:
        """The quotes ending in ``[start, end]``, in order."""
        return self.quotes[bisect_left(self._ends, start) : bisect_right(self._ends, end)]

    def first_after(self, offset: int, *, at: bool = False) -> Quote | None:
        """The first quote starting after ``offset`` (or at it, with ``at``)."""
        k = (bisect_left if at else bisect_right)(self._starts, offset)
        return self.quotes[k] if k < len(self.quotes) else None


def _widen(spans: list[tuple[int, int]], index: QuoteIndex) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        for q in index.overlapping(s, e):
            s, e = min(s, q.start), max(e, q.end)
        out.append((s, e))
    groups = {q.group for q in _overlapping(index, out)}
    extra = [
        (q.start, q.end)
        for group in groups
        for q in index.group(group)
        if not _overlaps_any(q, out)
    ]
    return _merge(sorted(out + extra))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _overlaps_any(q: Quote, spans: list[tuple[int, int]]) -> bool:
    return any(q.start < e and s < q.end for s, e in spans)


def _overlapping(index: QuoteIndex, spans: list[tuple[int, int]]) -> list[Quote]:
    """The quotes sharing a character with any of ``spans`` (once each, in no set order)."""
    return list({q: None for s, e in spans for q in index.overlapping(s, e)})


def _group_spans(q: Quote, index: QuoteIndex) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in index.group(q.group)]


def _introduced_quote(free: _FreeQuotes, verb: Token, sent: Span, text: str) -> Quote | None:
    """The quote a bare cue attributes: right before it ("…," she said) or after it."""
    if len(_WORD.findall(sent.text)) <= 5:  # a paragraph of its own: "Trump said."
        ending = free.last_ending_by(sent.start_char)
        if ending and not _NON_SPACE.search(text, ending.end, sent.start_char):
            return ending
    for q in reversed(free.ending_within(sent.start_char, verb.idx)):
        if not _few_words(text, q.end, verb.idx, 4) or "\n" in text[q.end : verb.idx]:
            break  # an earlier quote's gap holds this one's
        lead = text[sent.start_char : q.start] if q.start > sent.start_char else ""
        if len(_WORD.findall(lead)) <= 2:
            return q
    following = free.first_after(verb.idx, at=True)
    if following is not None:
        gap = (verb.idx + len(verb), following.start)
        if _few_words(text, *gap, 4) and not _BLANK_LINE.search(text, *gap):
            return following
    return None


def _few_words(text: str, start: int, end: int, most: int) -> bool:
    """Whether ``text[start:end]`` has at most ``most`` words; only the first ``most + 1``
    are looked for, however long the stretch."""
    return next(islice(_WORD.finditer(text, start, end), most, None), None) is None


def _only_attribution_between(text: str, frame: Frame, q: Quote) -> bool:
    start = min(frame.spans)[1]
    return _few_words(text, start, q.start, 6) and text.find("\n", start, q.start) < 0


# ---------------------------------------------------------------------------- claims


def _claim(frame: Frame, art: Article) -> Claim:
    doc, text, resolver = art.doc, art.text, art.resolver
    speaker = frame.speaker or Speaker(None, None, "unknown", None)
    cue_text, cue_span = _cue(frame.cue, doc)
    if frame.mark is not None:
        cue_text, cue_span = text[frame.mark[0] : frame.mark[1]], frame.mark
    content = _tokens_in(doc, frame.spans)
    target, target_span = _target(frame, doc, resolver, content, speaker)
    prior, negated = _prior(frame)
    polarity = sum(
        stance.word_polarity(t, art.root(t) if frame.cue is None else _content_root(t, frame))
        for t in content
    )
    label, score = stance.rule_stance(prior, negated, max(-1.0, min(1.0, polarity)))
    return Claim(
        speaker=speaker.name,
        speaker_role=speaker.role,
        speaker_type=speaker.type,
        speaker_span=speaker.span,
        cue=cue_text,
        cue_span=cue_span,
        quote=JOINER.join(text[s:e] for s, e in frame.spans),
        quote_spans=tuple(frame.spans),
        kind=_kind(text, frame.spans, art.index),
        target=target,
        target_span=target_span,
        stance=label,
        stance_score=score,
    )


def _prior(frame: Frame) -> tuple[float, bool]:
    """The cue's stance prior (0: none) and whether the cue is negated."""
    if frame.cue is None:
        return 0.0, False
    return frame.cue.entry.prior, stance.is_negated(frame.cue.verb)


def _model_stance(
    claims: list[Claim], frames: list[Frame], art: Article, model: StanceModel
) -> list[Claim]:
    """Re-decide the stance of the claims with a target: the model reads the target's
    sentence with the target marked, and the cue's prior is combined with it."""
    todo, inputs = [], []
    for i, claim in enumerate(claims):
        if claim.target_span is None:
            continue
        span = art.doc.char_span(*claim.target_span, alignment_mode="expand")
        if span is None:
            continue
        sent = art.sents[art.sent_of[span.start]]
        todo.append(i)
        inputs.append(marked_doc(model.nlp.vocab, sent, span))
    out = list(claims)
    for i, probs in zip(todo, model.probabilities(inputs), strict=True):
        label, score = stance.combine(*_prior(frames[i]), probs)
        out[i] = replace(claims[i], stance=label, stance_score=score)
    return out


def _content_root(tok: Token, frame: Frame) -> Token:
    """The highest ancestor of ``tok`` still inside the content."""
    node = tok
    while node.head.i != node.i and node.head.i in frame.tokens:
        node = node.head
    return node


def _tokens_in(doc: Doc, spans: list[tuple[int, int]]) -> list[Token]:
    out: list[Token] = []
    for s, e in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        out.extend(span if span is not None else ())
    return out


def _cue_tokens(m: CueMatch) -> list[Token]:
    """The cue's words as one contiguous stretch: "called for", but "described" (… as)."""
    if m.particle is not None and m.particle.i == m.verb.i + 1:
        return [m.verb, m.particle]
    return [m.verb]


def _cue(m: CueMatch | None, doc: Doc) -> tuple[str | None, tuple[int, int] | None]:
    if m is None:
        return None, None
    tokens = _cue_tokens(m)
    span = doc[tokens[0].i : tokens[-1].i + 1]
    return span.text, (span.start_char, span.end_char)


def _kind(text: str, spans: list[tuple[int, int]], index: QuoteIndex) -> Kind:
    words = [(m.start() + s, m.end() + s) for s, e in spans for m in _WORD.finditer(text[s:e])]
    quoted = sum(1 for ws, we in words if (q := index.around(ws)) is not None and we < q.end)
    if words and quoted == len(words):
        return "direct"
    return "partial" if quoted else "indirect"


def _target(
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
        and not (speaker.name and _name_of(e, resolver) in speaker.name)
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
    own = set(speaker.name.split("; ")) if speaker.name else set()
    if pron.lower_ == "it":
        head = _thing_antecedent(pron)
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
    if speaker.type != "person" or not speaker.name:
        return False
    sex = "male" if pron.lower_ == "he" else "female"
    return resolver.gender(speaker.name.split("; ")[0]) in (sex, None)


def _thing_antecedent(pron: Token) -> Token | None:
    """The nearest subject or object before ``pron`` in its sentence or the one before that
    "it" can stand for: a singular common noun that is not a person's role, or an
    organisation or place ("The plan was published. Critics attacked it.")."""
    sent = pron.sent
    start = pron.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    roles = role_types()
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
    if head.lemma_.lower() in _ACT_NOUNS:
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


def _orphan_quote_frames(frames: list[Frame], art: Article) -> list[Frame]:
    """Quotes no cue claims: a continuation of the previous quote in the paragraph joins
    its claim; any other goes to the speaker of the neighbouring sentence."""
    text = art.text
    claimed = _Spans([s for f in frames for s in f.spans])
    groups: dict[int, list[Quote]] = {}
    for q in art.quotes:
        groups.setdefault(q.group, []).append(q)
    named: dict[int, list[tuple[int, Frame]]] = {}  # sentence -> the claims there with a speaker
    for k, f in enumerate(frames):
        if f.spans and f.speaker is not None and f.speaker.name:
            named.setdefault(f.sent, []).append((k, f))
    ends = _LastSpans(frames)
    out: list[Frame] = []
    for pieces in groups.values():
        if any(claimed.overlap(q.start, q.end) for q in pieces):
            continue
        spans = [(q.start, q.end) for q in pieces]
        previous = _continued_quote(ends, pieces[0], text)
        if previous is not None:  # "…," she said. "…"
            ends.extend(previous, spans)
            continue
        if sum(len(_WORD.findall(text[q.start : q.end])) for q in pieces) < _MIN_QUOTE_WORDS:
            continue
        first = art.doc.char_span(pieces[0].start, pieces[0].end, alignment_mode="expand")
        if first is None:
            continue
        n = art.sent_of[first.start]
        neighbour = _neighbour(named, n)
        if neighbour is None or not _is_mostly_quote(art.sents[n], pieces[0], text):
            continue
        tokens = {t.i for t in _tokens_in(art.doc, spans)}
        out.append(Frame(None, neighbour.subject, neighbour.speaker, tokens, spans, sent=n))
        ends.add(out[-1])
    return out


class _Spans:
    """Fixed spans, asked whether any overlaps a stretch, without a scan of them all."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self._starts = [s for s, _ in spans]
        self._reach: list[int] = []  # the furthest end of the spans up to each
        for _, e in spans:
            self._reach.append(max(e, self._reach[-1]) if self._reach else e)

    def overlap(self, start: int, end: int) -> bool:
        """Whether a span shares a character with ``[start, end)``, as _overlaps_any asks."""
        k = bisect_left(self._starts, end)  # the spans starting before ``end``
        return k > 0 and self._reach[k - 1] > start


class _LastSpans:
    """Claims by where their last span ends, for finding the claim a quote continues."""

    def __init__(self, frames: list[Frame]) -> None:
        self.frames = list(frames)
        self._order = {id(f): k for k, f in enumerate(self.frames)}
        self._keys = sorted((f.spans[-1][1], k) for k, f in enumerate(self.frames) if f.spans)

    def add(self, frame: Frame) -> None:
        self._order[id(frame)] = len(self.frames)
        self.frames.append(frame)
        insort(self._keys, (frame.spans[-1][1], self._order[id(frame)]))

    def extend(self, frame: Frame, spans: list[tuple[int, int]]) -> None:
        """Add ``spans`` to a claim's, moving it to where it now ends."""
        key = (frame.spans[-1][1], self._order[id(frame)])
        del self._keys[bisect_left(self._keys, key)]
        frame.spans += spans
        insort(self._keys, (frame.spans[-1][1], key[1]))

    def last_by(self, offset: int) -> Frame | None:
        """The claim ending last at or before ``offset``; of several, the first listed."""
        k = bisect_right(self._keys, offset, key=lambda key: key[0])
        if not k:
            return None
        first = bisect_left(self._keys, self._keys[k - 1][0], key=lambda key: key[0])
        return self.frames[self._keys[first][1]]


def _continued_quote(ends: _LastSpans, q: Quote, text: str) -> Frame | None:
    """The claim whose quote ends just before ``q`` in the same paragraph, if any."""
    frame = ends.last_by(q.start)
    if frame is None:
        return None
    end = frame.spans[-1][1]
    if (
        text.find("\n", end, q.start) >= 0
        or not _few_words(text, end, q.start, 25)
        or text[end - 1] not in _CLOSING_MARKS
    ):
        return None
    return frame if frame.speaker is not None and frame.speaker.name else None


def _is_mostly_quote(sent: Span, q: Quote, text: str) -> bool:
    words = _WORD.findall(sent.text)
    inside = _WORD.findall(text[max(q.start, sent.start_char) : min(q.end, sent.end_char)])
    return bool(words) and len(inside) >= 0.6 * len(words)


def _neighbour(named: dict[int, list[tuple[int, Frame]]], n: int) -> Frame | None:
    """The claim with a named speaker nearest before sentence ``n`` (in it or the two before),
    else the first in the sentence after."""
    before = sorted(named.get(n - 2, []) + named.get(n - 1, []), key=lambda kf: kf[0])
    if before:
        return max((f for _, f in before), key=lambda f: f.anchor)
    after = [f for _, f in named.get(n + 1, [])]
    return min(after, key=lambda f: f.anchor) if after else None


_COLON_LINE = re.compile(r"^[ \t]*([^:\n]{2,80}?):[ \t]+(\S[^\n]*?)[ \t\r]*$", re.M)
_COLON_SPEAKERS = {"PERSON", "ORG", "NORP", "GPE"}


def _colon_frames(art: Article, found: list[Frame]) -> list[Frame]:
    """A line "Name: words" attributes the words to the name (headlines, transcripts)."""
    claimed = _Spans([s for f in found for s in f.spans])
    frames = []
    for m in _COLON_LINE.finditer(art.text):
        head = art.doc.char_span(m.start(1), m.end(1), alignment_mode="contract")
        content = (m.start(2), m.end(2))
        if head is None or len(head) > 8 or claimed.overlap(*content):
            continue
        ents = [
            e
            for e in art.resolver.ents_starting(head.start, head.end)
            if e.end == head.end and e.label_ in _COLON_SPEAKERS
        ]
        if not ents or art.index.around(m.end(1)) is not None:
            continue
        speaker = art.resolver.entity_speaker(ents[0], (head.start_char, head.end_char))
        frame = Frame(None, ents[0].root, speaker, set(), [content], anchor=m.end(1))
        frame.mark = (m.end(1), m.end(1) + 1)
        frame.sent = art.sent_of[ents[0].start]
        frame.spans = _widen(frame.spans, art.index)
        frames.append(frame)
    return frames


def _dedupe(claims: list[Claim]) -> list[Claim]:
    seen: set[tuple[tuple[tuple[int, int], ...], tuple[int, int] | None]] = set()
    out = []
    for c in claims:
        key = (c.quote_spans, c.cue_span)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
