"""The cue lexicon: which words mark an attribution, and the stance each carries."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .datafiles import read_table, write_table

if TYPE_CHECKING:
    from spacy.tokens import Token

CueClass = Literal["speech", "belief", "evidence", "attitude"]
_CLASSES = ("speech", "belief", "evidence", "attitude")
_POS = ("VERB", "NOUN", "ADP")
_COLUMNS = ("cue", "class", "prior", "pos")
#: Verbs whose subject receives what a nominal cue object says: "faced [criticism]".
_RECEIVING = frozenset(
    [
        "attract",
        "draw",
        "earn",
        "endure",
        "face",
        "get",
        "meet",
        "receive",
        "spark",
        "prompt",
        "provoke",
        "trigger",
        "weather",
    ]
)
#: Verbs whose subject voices what a nominal cue object says: "voiced [concerns] about".
_VOICING = frozenset(
    [
        "air",
        "express",
        "file",
        "give",
        "issue",
        "level",
        "lodge",
        "make",
        "offer",
        "raise",
        "register",
        "renew",
        "share",
        "voice",
    ]
)
_PARTICLE_DEPS = {"prt", "prep", "mark", "dobj"}  # dobj: "put [it]"


@dataclass(frozen=True)
class CueEntry:
    """One lexicon row: ``lemma`` plus an optional particle ("call" + "for").

    ``pos`` is the cue word's part of speech: VERB ("said"), NOUN ("his claim that …", with
    the possessor as speaker) or ADP ("according to X", "in <a poll>", the object as speaker).
    """

    lemma: str
    particle: str | None
    cls: CueClass
    prior: float
    pos: str = "VERB"


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a doc: its head word, the particle token if any, the entry.

    ``source`` is set for prepositional cues ("according to X", "in a new poll"), whose
    object is the speaker.
    """

    verb: Token
    particle: Token | None
    entry: CueEntry
    source: Token | None = None

    @property
    def tokens(self) -> list[Token]:
        return [self.verb] if self.particle is None else [self.verb, self.particle]


class CueLexicon:
    """Cue lemmas and multiword cues, read from a reviewed TSV file."""

    def __init__(self, entries: list[CueEntry]) -> None:
        self.entries = entries
        self._single = {e.lemma: e for e in entries if e.particle is None and e.pos == "VERB"}
        self._multi = {(e.lemma, e.particle): e for e in entries if e.particle is not None}
        self._nouns = {e.lemma: e for e in entries if e.pos == "NOUN"}
        # prepositional cues by their first word: "according" (to X), "in" (a new poll)
        self._preps = {e.lemma: e for e in entries if e.pos == "ADP"}

    def attitude(self, lemma: str) -> float:
        """The stance prior of a one-word attitude verb ("praise" +0.8), 0 for any other."""
        entry = self._single.get(lemma)
        return entry.prior if entry is not None and entry.cls == "attitude" else 0.0

    def is_speech(self, lemma: str) -> bool:
        """Whether a one-word verb cue reports words ("say", "tell", "add")."""
        entry = self._single.get(lemma)
        return entry is not None and entry.cls == "speech"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CueLexicon) and other.entries == self.entries

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_tsv(cls, path: Path) -> CueLexicon:
        return cls.from_text(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def from_text(cls, text: str, where: str) -> CueLexicon:
        entries = []
        for cue, klass, prior, pos in read_table(text, where, _COLUMNS, optional=1):
            if klass not in _CLASSES:
                raise ValueError(f"{where}: unknown cue class {klass!r} for {cue!r}")
            word = pos or "VERB"
            if word not in _POS:
                raise ValueError(f"{where}: unknown part of speech {word!r} for {cue!r}")
            lemma, _, particle = cue.partition(" ")
            entries.append(CueEntry(lemma, particle or None, klass, float(prior), word))  # type: ignore[arg-type]
        return cls(entries)

    def to_text(self) -> str:
        rows = [
            (e.lemma if e.particle is None else f"{e.lemma} {e.particle}", e.cls, e.prior, e.pos)
            for e in self.entries
        ]
        return write_table(_COLUMNS, rows)

    def to_tsv(self, path: Path) -> None:
        path.write_text(self.to_text(), encoding="utf-8")

    def match(self, token: Token, source_nouns: Set[str]) -> CueMatch | None:
        """The cue headed by ``token``, preferring a multiword cue ("call for" over "call").

        ``source_nouns`` make a one-word prepositional cue a source ("in a new poll").
        """
        prep = self._preps.get(token.lower_)
        if prep is not None:
            return self._match_source(token, prep, source_nouns)
        if token.pos_ == "NOUN":
            return self._match_noun(token)
        if token.pos_ not in ("VERB", "AUX"):
            return None
        lemma = token.lemma_.lower()
        for child in token.children:
            if child.dep_ in _PARTICLE_DEPS and child.i > token.i:
                entry = self._multi.get((lemma, child.lower_))
                if entry is not None:
                    return CueMatch(token, child, entry)
        entry = self._single.get(lemma)
        return None if entry is None else CueMatch(token, None, entry)

    def _match_source(
        self, token: Token, entry: CueEntry, source_nouns: Set[str]
    ) -> CueMatch | None:
        """ "according to X" (a two-word cue: the object of its second word is the source)
        and "in <poll, statement …>" (a one-word cue: its object is the source when it is one
        of ``source_nouns`` and the cue comes before the verb), attached to a clause."""
        prep = (
            token
            if entry.particle is None
            else next(
                (c for c in token.children if c.lower_ == entry.particle and c.dep_ == "prep"),
                None,
            )
        )
        if prep is None:
            return None
        # "according to X" names a source wherever the parse hangs it ("One of the decisions,
        # according to a person close to the process, is …"; a sentence-initial one as root)
        attached = token.dep_ == "prep" and token.head.pos_ in ("VERB", "AUX")
        if not attached and (entry.particle is None or token.dep_ not in ("prep", "ROOT")):
            return None
        source = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if source is None:
            return None
        # "In a new poll, X leads" names a source; "slid in the polls" does not
        one_word = entry.particle is None
        if one_word and (source.lemma_.lower() not in source_nouns or token.i > token.head.i):
            return None
        return CueMatch(token, None if prep is token else prep, entry, source)

    def _match_noun(self, token: Token) -> CueMatch | None:
        """ "his claim that …", "Trump's support for …": the possessor is the speaker."""
        entry = self._nouns.get(token.lemma_.lower())
        if entry is None:
            return None
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None:
            return CueMatch(token, None, entry, owner)
        head = token.head
        if token.dep_ != "dobj" or head.lemma_.lower() in self._single:
            return None
        if head.lemma_.lower() in _RECEIVING:  # "Trump faced criticism for …": from someone
            return CueMatch(token, None, entry)
        if head.lemma_.lower() not in _VOICING:
            return None
        # "voiced concerns about X", "expressed hope that …": the one who voices them
        owner = next((c for c in head.children if c.dep_ == "nsubj"), None)
        return None if owner is None else CueMatch(token, None, entry, owner)
