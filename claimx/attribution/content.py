"""What a cue attributes: the tokens of its clause, object or prepositional complement, the
passes that settle which frame holds which of them, and their character spans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Set

from spacy.tokens import Doc, Token

from ..cues import CueMatch
from ..lexicons import Lexicons
from ..quotes import QUOTE_MARKS
from .article import WORD, Frame

_CONTENT_DEPS = {"ccomp", "xcomp", "oprd"}
_CONTENT_PREPS = {
    "speech": {"as"},
    "attitude": {"as", "for", "by", "with"},
    "belief": {"as"},
    "evidence": {"with"},
}
_NOMINAL_PREPS = {"of", "for", "to", "on", "about", "against", "over", "with"}
#: What a cue's own complement after it can be: "warns [against premature cuts]" (not when
#: or where: "…, she said [on Monday]").
_AFTER_DEPS = {"dobj", "ccomp", "xcomp"}
_AFTER_PREPS = {"against", "about", "of", "for", "over"}
#: What only sets the scene of a cue: "[On Tuesday], he said", "[In a statement], …".
_SETTING_DEPS = {"prep", "advmod", "npadvmod", "advcl", "mark", "cc", "intj", "punct"}


def content_tokens(m: CueMatch, doc: Doc, lexicons: Lexicons) -> set[int]:
    """Token indices of what the cue attributes, before quotes widen it.

    Word facts come from ``lexicons``: cues whose object is the addressee ("told reporters
    that …"), verb + preposition pairs whose object is the content ("accused X of Y") and
    the nouns that make "in …" a source ("said in a statement that …").
    """
    verb, entry = m.verb, m.entry
    if entry.pos == "NOUN":  # "his claim that …", "her support for …"
        return _nominal_content(verb)
    if m.source is not None:  # "according to X, <content>"
        if _attached_to_its_clause(verb):
            return _clause_without(verb.head, verb)
        return _sentence_without_source(verb, m.source)
    if m.particle is not None and m.particle.dep_ == "dobj":  # "As X put it, <content>"
        return _clause_without(verb.head, verb) if verb.dep_ == "advcl" else set()
    parts: list[Token] = []
    if m.particle is not None and m.particle.dep_ == "prep" and entry.particle != "as":
        parts += [c for c in m.particle.children if c.dep_ in ("pobj", "pcomp")]
    for child in verb.children:
        if child.dep_ == "dobj":
            if _object_is_content(entry.lemma, entry.cls, child, lexicons.addressee_cues):
                parts.append(child)
        elif (
            child.dep_ in _CONTENT_DEPS
            or (entry.lemma, child.lower_) in lexicons.prep_content
            or (child.dep_ == "prep" and child.lower_ in _CONTENT_PREPS.get(entry.cls, ()))
        ):
            parts.append(child)
    after = [
        c
        for c in verb.children
        if c.i > verb.i
        and (c.dep_ in _AFTER_DEPS or (c.dep_ == "prep" and c.lower_ in _AFTER_PREPS))
        and (c.dep_ != "dobj" or c in parts)  # not whom it addresses: "…, he told [reporters]"
    ]
    if after and any(p.i < verb.i and p.dep_ == "ccomp" for p in parts) and _headline(verb):
        # "ECB holds rates, Lagarde warns against premature cuts": in a headline, a cue with
        # words of its own after it does not report the clause before it ("…, WHO says")
        parts = [p for p in parts if p.i > verb.i] or after
    if when_asked(verb):  # "said when asked about X that Y": Y is what was said
        answer = _answer_in(verb)
        return {t.i for p in parts for t in p.subtree} - answer
    if not parts:
        parts += [verb.doc[i] for i in _answer_roots(verb)]
    before = _before_reporting_clause(verb)
    if before and not any(p.i > verb.i for p in parts):
        return before  # "People like Scott, he said.": the parse hangs them off the cue
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
            if obj.dep_ == "pobj" and obj.lemma_.lower() in lexicons.source_nouns
            for clause in obj.children
            if clause.dep_ in ("acl", "ccomp")
        ]
    if not parts and verb.dep_ == "parataxis" and verb.head.i != verb.i:
        # "The plan, she said, will fail."; '"The risk," said X, "is …"' with "The risk"
        # hung on the cue
        left = [c for c in verb.lefts if c.dep_ in ("dep", "ccomp")]
        return _clause_without(verb.head, verb) | {t.i for c in left for t in c.subtree}
    return {t.i for p in parts for t in p.subtree}


def when_asked(verb: Token) -> bool:
    """Is ``verb`` the "asked" of a reporter's question: "…, when asked about X, …", or
    fronted, "Asked whether she would support Trump, Haley said …"?"""
    if verb.lemma_.lower() != "ask" or verb.tag_ != "VBN":  # not "when the AP asked Bennett"
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return False  # "she was asked": her question
    if verb.dep_ == "advcl" and any(c.lower_ in ("when", "if") for c in verb.children):
        return True
    first = verb.doc[verb.left_edge.i]  # fronted: the clause opens its sentence
    return verb.dep_ in ("advcl", "ccomp", "dep", "npadvmod") and bool(first.is_sent_start)


def _answer_roots(verb: Token) -> list[int]:
    """The "that …" clauses the parse hung inside a "when asked" on ``verb``."""
    return [
        t.i
        for c in verb.children
        if when_asked(c)
        for t in c.subtree
        if t.dep_ == "ccomp" and any(m.lower_ == "that" and m.dep_ == "mark" for m in t.children)
    ]


def _answer_in(asked: Token) -> set[int]:
    """The tokens of the answers hung inside ``asked``: the head cue's content, not its."""
    return {t.i for i in _answer_roots(asked.head) for t in asked.doc[i].subtree}


def _attached_to_its_clause(cue: Token) -> bool:
    """Whether "according to X" hangs on the verb of the clause it sources, not on a noun,
    on nothing (the root) or on a clause after it: "…, according to X, where …"."""
    head = cue.head
    if cue.dep_ != "prep" or head.pos_ not in ("VERB", "AUX"):
        return False
    return not (head.i > cue.i and cue.i > 0 and cue.doc[cue.i - 1].text == ",")


def _sentence_without_source(cue: Token, source: Token) -> set[int]:
    """The sentence but the "according to X" phrase, which ends at the punctuation after X."""
    sent, doc = cue.sent, cue.doc
    end = source.i + 1
    while end < sent.end and not doc[end].is_punct:
        if doc[end].dep_ in ("relcl", "acl") and doc[end].head.i != source.i:
            break
        end += 1
    rest = end + 1 if end < sent.end and doc[end].text == "," else end
    if rest < sent.end and doc[rest].tag_ in ("WDT", "WP", "WRB"):
        end = sent.end  # "…, according to X, where …": the relative clause is the writer's
    return {i for i in range(sent.start, sent.end) if not cue.i <= i < end}


def _before_reporting_clause(verb: Token) -> set[int]:
    """The tokens before a sentence-final ", X said": all the sentence up to the comma, when
    the cue heads its sentence and what comes before is more than when or where it was said
    ("On Tuesday, he said." attributes nothing)."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i]
    if verb.dep_ != "ROOT" or not subjects:
        return set()
    comma = subjects[-1].left_edge.i - 1
    start = verb.sent.start
    if comma <= start or verb.doc[comma].text != ",":
        return set()
    region = set(range(start, comma))
    tops = [verb.doc[i] for i in region if verb.doc[i].head.i not in region]
    if all(_sets_the_scene(t) or t.is_punct or t.is_space for t in tops):
        return set()
    return region


def _sets_the_scene(tok: Token) -> bool:
    """A prepositional phrase, adverb or subordinate clause ("When asked, …"); a clause
    with no subordinator is a misparse of content ("Harbour bridge to close, council says")."""
    if tok.dep_ == "advcl":
        return any(c.dep_ in ("mark", "advmod") and c.i < tok.i for c in tok.children)
    return tok.dep_ in _SETTING_DEPS


def _headline(tok: Token) -> bool:
    """Is ``tok``'s sentence a headline: a line that ends without a full stop or a quote?"""
    words = [t for t in tok.sent if not t.is_space]
    return bool(words) and not (words[-1].is_punct or words[-1].is_quote)


def _nominal_content(noun: Token) -> set[int]:
    """What a nominal cue is about: its clause ("that …", "to …") or its object ("for X")."""
    parts = [c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > noun.i]
    parts = [c for c in parts if c.dep_ != "relcl" or c.lower_ == "that"]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in _NOMINAL_PREPS:
            parts += [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    return {t.i for p in parts for t in p.subtree}


def _object_is_content(lemma: str, cls: str, obj: Token, addressee_cues: Set[str]) -> bool:
    """ "confirmed [the plan]" yes; "told [reporters]", "showed [no sign]", "said [so]" no."""
    if cls == "belief" or obj.lower_ in ("so", "this"):
        return False
    return lemma not in addressee_cues


def _clause_without(head: Token, cue: Token) -> set[int]:
    skip = {t.i for t in cue.subtree}
    return {t.i for t in head.subtree if t.i not in skip}


def merge_pronoun_participles(frames: dict[int, Frame], doc: Doc) -> None:
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


def drop_reported_attitudes(frames: dict[int, Frame]) -> None:
    """ "X said he would support Y": the support is what X said, not a claim of its own.
    Reported speech inside reported speech stays ("X said Y told her …")."""
    holding = Counter(i for frame in frames.values() for i in frame.tokens)  # frames per token
    for i, frame in list(frames.items()):
        attitude = frame.cue is not None and frame.cue.entry.cls != "speech"
        reported = holding[i] > (1 if i in frame.tokens else 0)  # in another frame's content
        if attitude and reported and not frame.inherited:
            del frames[i]
            holding.subtract(frame.tokens)


def carve_nested(frames: dict[int, Frame]) -> None:
    """A participial cue inside another claim's content is its own claim: cut it out."""
    inherited = {i for i, frame in frames.items() if frame.inherited}
    for key, frame in frames.items():
        for i in frame.tokens & (inherited - {key}):
            other = frames[i]
            assert other.cue is not None
            frame.tokens -= {t.i for t in other.cue.verb.subtree}


def trim_trailing_participle(frame: Frame, doc: Doc) -> None:
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


def to_spans(tokens: Iterable[int], doc: Doc) -> list[tuple[int, int]]:
    """Contiguous runs of tokens as char spans, without edge punctuation, space or a
    dangling conjunction."""
    runs: list[list[Token]] = []
    for i in sorted(tokens):
        tok = doc[i]
        if runs and _contiguous(doc, runs[-1][-1].i, i):
            runs[-1].append(tok)
        else:
            runs.append([tok])
    spans = []
    for run in runs:
        while run and (_edge_punct(run[0]) or run[0].is_space):
            run = run[1:]
        while run and (
            _edge_punct(run[-1])
            or run[-1].is_space
            or run[-1].pos_ == "CCONJ"  # "… unlawfully and" [the rest is another clause]
        ):
            run = run[:-1]
        if run and any(WORD.search(t.text) for t in run):
            spans.append((run[0].idx, run[-1].idx + len(run[-1])))
    return spans


def _edge_punct(tok: Token) -> bool:
    """Punctuation a span does not begin or end with: not a quote mark, not "12[%]"."""
    return tok.is_punct and not _is_quote_mark(tok) and tok.text != "%"


def _contiguous(doc: Doc, a: int, b: int) -> bool:
    """Only space or punctuation (not quote marks) between tokens ``a`` and ``b``."""
    return all(
        doc[k].is_space or (doc[k].is_punct and not _is_quote_mark(doc[k])) for k in range(a + 1, b)
    )


def _is_quote_mark(tok: Token) -> bool:
    return tok.text in QUOTE_MARKS or tok.tag_ in ("``", "''")
