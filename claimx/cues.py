"""The cue lexicon: which words mark an attribution, and the stance each carries."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from spacy.tokens import Token

CueClass = Literal["speech", "belief", "evidence", "attitude"]
_CLASSES = ("speech", "belief", "evidence", "attitude")
_POS = ("VERB", "NOUN", "ADP")
#: prepositional cues and the preposition that introduces their source
_SOURCE_PREPOSITIONS = {"according": "to", "in": "in"}
_PARTICLE_DEPS = {"prt", "prep", "mark"}


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
        self._preps = {e.lemma: e for e in entries if e.pos == "ADP"}

    @classmethod
    def default(cls) -> CueLexicon:
        """The lexicon shipped with claimx (``claimx/data/cues.tsv``)."""
        with resources.files("claimx").joinpath("data/cues.tsv").open(encoding="utf-8") as fh:
            return cls._parse(fh.read().splitlines(), "claimx/data/cues.tsv")

    @classmethod
    def from_tsv(cls, path: Path) -> CueLexicon:
        return cls._parse(path.read_text(encoding="utf-8").splitlines(), str(path))

    @classmethod
    def _parse(cls, lines: list[str], where: str) -> CueLexicon:
        rows = csv.reader((ln for ln in lines if ln and not ln.startswith("#")), delimiter="\t")
        entries = []
        for row in list(rows)[1:]:  # header
            cue, klass, prior, *pos = row
            if klass not in _CLASSES:
                raise ValueError(f"{where}: unknown cue class {klass!r} for {cue!r}")
            word = pos[0] if pos else "VERB"
            if word not in _POS:
                raise ValueError(f"{where}: unknown part of speech {word!r} for {cue!r}")
            lemma, _, particle = cue.partition(" ")
            entries.append(CueEntry(lemma, particle or None, klass, float(prior), word))  # type: ignore[arg-type]
        return cls(entries)

    def to_tsv(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(["cue", "class", "prior", "pos"])
            for e in self.entries:
                cue = e.lemma if e.particle is None else f"{e.lemma} {e.particle}"
                writer.writerow([cue, e.cls, e.prior, e.pos])

    def match(self, token: Token) -> CueMatch | None:
        """The cue headed by ``token``, preferring a multiword cue ("call for" over "call")."""
        if token.lower_ in _SOURCE_PREPOSITIONS:
            return self._match_source(token)
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

    def _match_source(self, token: Token) -> CueMatch | None:
        """ "according to X" and "in <poll, statement …>" attached to a clause."""
        word = token.lower_
        prep = (
            token
            if word == "in"
            else next((c for c in token.children if c.lower_ == "to" and c.dep_ == "prep"), None)
        )
        if prep is None or token.dep_ != "prep" or token.head.pos_ not in ("VERB", "AUX"):
            return None
        source = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if source is None:
            return None
        # "In a new poll, X leads" names a source; "slid in the polls" does not
        if word == "in" and (source.lemma_.lower() not in source_nouns() or token.i > token.head.i):
            return None
        entry = self._multi.get((word, "to")) if word == "according" else self._preps.get(word)
        if entry is None:
            return None
        return CueMatch(token, None if prep is token else prep, entry, source)

    def _match_noun(self, token: Token) -> CueMatch | None:
        """ "his claim that …", "Trump's support for …": the possessor is the speaker."""
        entry = self._nouns.get(token.lemma_.lower())
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if entry is None or owner is None:
            return None
        return CueMatch(token, None, entry, owner)


@cache
def source_nouns() -> frozenset[str]:
    """Nouns that make "in …" a source ("in a statement", "in a new poll")."""
    text = resources.files("claimx").joinpath("data/source_nouns.txt").read_text("utf-8")
    return frozenset(ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#")
