"""Every word list claimx extracts with, in one :class:`Lexicons` object.

The lists are reviewed data files in ``claimx/data`` (each says what it holds in its
comments and header row), all read by :func:`claimx.datafiles.read_table`. The ``claimx``
component owns a ``Lexicons`` and saves it with the pipeline; ``initialize(lexicons=DIR)``
replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .cues import CueLexicon
from .datafiles import packaged_text, read_table, write_table

#: the kinds of word in ``words.tsv``
WORD_KINDS = (
    "addressee_cue",
    "prep_content",
    "source_noun",
    "act_noun",
    "holder_noun",
    "rival_noun",
    "shifter",
)


@dataclass(frozen=True)
class Lexicons:
    """The word lists: cue lexicon, word polarity, speaker roles, first names, honorifics,
    the word facts of ``words.tsv`` (see its comments for each kind) and the aliases of
    people, organisations and countries (:mod:`claimx.entities`)."""

    cues: CueLexicon
    polarity: Mapping[str, float]  # lemma -> polarity in [-1, 1]
    roles: Mapping[str, str]  # head noun -> speaker type ("spokesperson" -> "person")
    first_names: Mapping[str, str]  # first name -> "male" / "female", a hint for he/she
    honorifics: Mapping[str, str]  # "Mr." -> "male"
    addressee_cues: frozenset[str]
    prep_content: frozenset[tuple[str, str]]  # (verb lemma, preposition)
    source_nouns: frozenset[str]
    act_nouns: frozenset[str]
    holder_nouns: frozenset[str]
    rival_nouns: frozenset[str]
    shifters: frozenset[str]
    aliases: Mapping[str, tuple[str, str]]  # alias, case-folded -> (canonical name, type)

    FILES = (
        "cues.tsv",
        "polarity.tsv",
        "roles.tsv",
        "first_names.tsv",
        "honorifics.tsv",
        "words.tsv",
        "aliases.tsv",
    )
    #: The types an alias may give its name.
    ALIAS_TYPES = ("person", "organization", "group", "place")

    @classmethod
    def default(cls) -> Lexicons:
        """The lists shipped in ``claimx/data`` (read once per process)."""
        return _packaged()

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], where: str) -> Lexicons:
        """Lexicons from the text of each of :attr:`FILES`."""

        def table(name: str, *columns: str) -> list[list[str]]:
            return read_table(texts[name], f"{where}/{name}", columns)

        words: dict[str, set[str]] = {kind: set() for kind in WORD_KINDS}
        for word, kind in table("words.tsv", "word", "kind"):
            if kind not in words:
                raise ValueError(f"{where}/words.tsv: unknown kind {kind!r} for {word!r}")
            words[kind].add(word)
        pairs = [tuple(w.split(" ")) for w in words["prep_content"]]
        if odd := [" ".join(p) for p in pairs if len(p) != 2]:
            raise ValueError(
                f"{where}/words.tsv: prep_content {odd[0]!r} is not 'verb preposition'"
            )
        aliases: dict[str, tuple[str, str]] = {}
        for alias, name, kind in table("aliases.tsv", "alias", "name", "type"):
            if kind not in cls.ALIAS_TYPES or not alias.strip() or not name.strip():
                raise ValueError(
                    f"{where}/aliases.tsv: {alias!r} -> {name!r}: want a name and a type of "
                    f"{', '.join(cls.ALIAS_TYPES)}, not {kind!r}"
                )
            aliases[alias.strip().casefold()] = (name.strip(), kind)
        return cls(
            cues=CueLexicon.from_text(texts["cues.tsv"], f"{where}/cues.tsv"),
            polarity={w: float(v) for w, v in table("polarity.tsv", "lemma", "polarity")},
            roles={k: v for k, v in table("roles.tsv", "noun", "type")},
            first_names={k: v for k, v in table("first_names.tsv", "name", "gender")},
            honorifics={k: v for k, v in table("honorifics.tsv", "honorific", "gender")},
            addressee_cues=frozenset(words["addressee_cue"]),
            prep_content=frozenset((p[0], p[1]) for p in pairs),
            source_nouns=frozenset(words["source_noun"]),
            act_nouns=frozenset(words["act_noun"]),
            holder_nouns=frozenset(words["holder_noun"]),
            rival_nouns=frozenset(words["rival_noun"]),
            shifters=frozenset(words["shifter"]),
            aliases=aliases,
        )

    def to_texts(self) -> dict[str, str]:
        """The text of each of :attr:`FILES` (without the packaged files' comments)."""
        kinds = {
            "addressee_cue": self.addressee_cues,
            "prep_content": {f"{verb} {prep}" for verb, prep in self.prep_content},
            "source_noun": self.source_nouns,
            "act_noun": self.act_nouns,
            "holder_noun": self.holder_nouns,
            "rival_noun": self.rival_nouns,
            "shifter": self.shifters,
        }
        words = [(w, kind) for kind, ws in kinds.items() for w in sorted(ws)]
        return {
            "cues.tsv": self.cues.to_text(),
            "polarity.tsv": write_table(("lemma", "polarity"), self.polarity.items()),
            "roles.tsv": write_table(("noun", "type"), self.roles.items()),
            "first_names.tsv": write_table(("name", "gender"), self.first_names.items()),
            "honorifics.tsv": write_table(("honorific", "gender"), self.honorifics.items()),
            "words.tsv": write_table(("word", "kind"), words),
            "aliases.tsv": write_table(
                ("alias", "name", "type"), ((a, n, t) for a, (n, t) in self.aliases.items())
            ),
        }

    @classmethod
    def from_disk(cls, path: str | Path, base: Lexicons | None = None) -> Lexicons:
        """Lexicons from the files in directory ``path``; a file it lacks is an error, or,
        given ``base``, that list is kept from ``base``."""
        path = Path(path)
        texts = {} if base is None else base.to_texts()
        for name in cls.FILES:
            if (path / name).is_file() or base is None:
                texts[name] = (path / name).read_text(encoding="utf-8")
        return cls.from_texts(texts, str(path))

    def to_disk(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, text in self.to_texts().items():
            (path / name).write_text(text, encoding="utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Lexicons:
        import srsly  # spaCy's, imported when a pipeline is serialised, not to read aliases

        return cls.from_texts(srsly.msgpack_loads(data), "<bytes>")

    def to_bytes(self) -> bytes:
        import srsly

        return srsly.msgpack_dumps(self.to_texts())


@cache
def _packaged() -> Lexicons:
    return Lexicons.from_texts(
        {name: packaged_text(name) for name in Lexicons.FILES}, "claimx/data"
    )
