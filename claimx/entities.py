"""Who is who across a corpus: one name for each person, organisation or country.

An article already names its people as it introduces them ("Peskov" is "Dmitry Peskov",
:mod:`claimx.speakers`). A corpus names them in more ways, and :class:`Identities` maps each
name its claims give to one canonical name, the key under which ``claimx network``,
``claimx summary`` and the database views count it:

1. :func:`tidy`: a possessive, a leading "the", spaces and a date or time glued to the front
   ("6, 2016 9:12PMTrump") are dropped;
2. the alias table (``claimx/data/aliases.tsv``, and ``--aliases FILE``): "GOP" and
   "Republican party" are "Republican Party", "the Fed" is "Federal Reserve";
3. a person's full names that differ only by a middle name or initial are one
   ("Donald J. Trump" is "Donald Trump"), unless the corpus holds two different middles for
   the same first name and surname ("George W. Bush", "George H. W. Bush"): then none merge;
4. a full name with words before it that are not a name ("Billionaire Donald Trump") is that
   full name;
5. the spellings of one name that differ only in case are one, the most frequent
   ("Obama Administration"), and a person's campaign or administration is named after the
   person ("Sanders' campaign" is "Bernie Sanders campaign");
6. a surname alone is the full name of the corpus that ends with it ("Trump" is "Donald
   Trump"); where people share it, the one named in full at least four times in five
   (:data:`DOMINANT`), counting mentions; else it stays as it is ("Bush" beside "George W.
   Bush" and "Jeb Bush" named about as often).

A person's full name is two words or more of which the first is a known first name, or a
name its claims type as a person; its node is a person's whatever type NER gave a surname
("Trump" as an organisation). Any other node's type is decided over all the names merged
into it. The mapping is built from the names and their counts alone, so it costs memory in
the number of distinct names, never in the number of claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import InputError
from .lexicons import Lexicons

#: What a person's name before it makes an organisation of, named after the person's key:
#: "Obama administration" and "Barack Obama Administration" are "Barack Obama administration".
_OF_PERSON = frozenset({"administration", "campaign", "camp", "team"})
#: What follows a name as part of it ("Brent Bozell III").
SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
_ALIAS_FIX = "give a UTF-8 TSV file with the header alias<TAB>name<TAB>type"
#: The share of a surname's full-name mentions that one person needs for the surname alone
#: to be that person ("Clinton" in a corpus that names Hillary Clinton far more than Bill).
DOMINANT = 0.8

# A possessive at the end of a name, in any apostrophe ("Obama's", "Obama\u2018s", "Sanders'").
_POSSESSIVE = re.compile(r"(?:['’‘`]s|s['’‘`])$")
# A date or time run into a name's front by a page's layout: "6, 2016 9:12PMTrump".
_GLUED = re.compile(r"^(?:[\d,.:/\s-]+(?:[AaPp]\.?[Mm]\.?)?\s*)+(?=[A-Z])")
_WORD = re.compile(r"[A-Z][\w'’.-]*")


def tidy(name: str) -> str:
    """``name`` without what never belongs to it: a possessive ("Sanders'", "Obama\u2018s"), a
    leading "the", spaces doubled or at the ends, a date or time glued to its front."""
    text = unicodedata.normalize("NFC", " ".join(name.split()))
    text = _GLUED.sub("", text)
    if text[:4].lower() == "the " and len(text) > 4:
        text = text[4:]
    if text.endswith("s'") or text.endswith("s’"):
        return text[:-1]
    return _POSSESSIVE.sub("", text) or text


def read_aliases(path: str | Path) -> dict[str, tuple[str, str]]:
    """The aliases of the TSV file ``path`` (columns ``alias``, ``name``, ``type``, as
    ``claimx/data/aliases.tsv``): alias, case-folded -> (name, type); :class:`InputError`
    naming the file if it cannot be read or is not such a table."""
    lexicons = Lexicons.default()
    try:
        text = Path(path).read_text(encoding="utf-8")
        texts = lexicons.to_texts() | {"aliases.tsv": text}
        return dict(Lexicons.from_texts(texts, str(path)).aliases)
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(str(path), f"cannot be read ({reason})", _ALIAS_FIX) from exc
    except ValueError as exc:
        raise InputError(str(path), f"is not an alias table: {exc}", _ALIAS_FIX) from exc


class Identities:
    """The canonical name of every name a corpus gives: :meth:`add` each name (with its
    speaker type, or None for a name only ever targeted), then :meth:`key`.

    ``aliases``: alias (case-folded) -> (canonical name, type), :attr:`Lexicons.aliases`;
    ``first_names``: the first names that make a person's name (:attr:`Lexicons.first_names`).
    """

    def __init__(
        self,
        aliases: Mapping[str, tuple[str, str]] | None = None,
        first_names: Mapping[str, str] | Iterable[str] | None = None,
    ) -> None:
        lexicons = Lexicons.default()
        self.aliases = lexicons.aliases if aliases is None else aliases
        self.first_names = frozenset(lexicons.first_names if first_names is None else first_names)
        self._types: dict[str, Counter[str]] = {}
        self._keys: dict[str, str] | None = None
        self._people: set[str] = set()

    @classmethod
    def of(cls, lexicons: Lexicons) -> Identities:
        """Identities with ``lexicons``' aliases and first names."""
        return cls(lexicons.aliases, lexicons.first_names)

    @classmethod
    def with_file(cls, path: str | Path | None) -> Identities:
        """Identities with the packaged aliases and those of the TSV file ``path`` (columns
        ``alias``, ``name``, ``type``, as ``claimx/data/aliases.tsv``), which win."""
        lexicons = Lexicons.default()
        if path is None:
            return cls.of(lexicons)
        return cls({**lexicons.aliases, **read_aliases(path)}, lexicons.first_names)

    def add(self, name: str, type: str | None = None, n: int = 1) -> None:
        """Count ``n`` mentions of ``name`` (as a speaker of ``type``; None: as a target)."""
        self._types.setdefault(name, Counter())[type or "target"] += n
        self._keys = None
        self._people = set()

    def alias(self, name: str) -> tuple[str, str | None]:
        """The tidied name after the alias table, and the table's type for it (or None)."""
        tidied = tidy(name)
        found = self.aliases.get(tidied.casefold())
        return found if found is not None else (tidied, None)

    def key(self, name: str) -> str:
        """The canonical name of ``name`` (itself, tidied, if nothing merges it)."""
        if self._keys is None:
            self._keys = self._build()
        return self._keys.get(name) or self.alias(name)[0]

    def is_person(self, key: str) -> bool:
        """Whether canonical name ``key`` is a person's full name: its node is a person's,
        whatever type NER gave its other names ("Trump" as an organisation)."""
        if self._keys is None:
            self._keys = self._build()
        return key in self._people

    def spoken_types(self) -> dict[str, Counter[str]]:
        """Each key's speaker types, over all the names merged into it (empty for a key that
        never speaks); a person's key (:meth:`is_person`) that speaks is a person's only."""
        out: dict[str, Counter[str]] = {}
        for name, counts in self._types.items():
            spoken = {t: n for t, n in counts.items() if t != "target"}
            out.setdefault(self.key(name), Counter()).update(spoken)
        for key, counts in out.items():
            if counts and self.is_person(key):
                out[key] = Counter(person=counts.total())
        return out

    def _build(self) -> dict[str, str]:
        first: dict[str, str] = {}
        types: dict[str, Counter[str]] = {}
        aliased = {raw: self.alias(raw) for raw in self._types}
        spelled: dict[str, Counter[str]] = {}  # case apart: "Obama Administration"
        for raw, counts in self._types.items():
            name = aliased[raw][0]
            spelled.setdefault(name.casefold(), Counter())[name] += counts.total()
        usual = {key: forms.most_common(1)[0][0] for key, forms in spelled.items()}
        for raw, counts in self._types.items():
            name, table_type = aliased[raw]
            name = usual[name.casefold()]
            first[raw] = name
            merged = types.setdefault(name, Counter())
            merged.update({table_type: counts.total()} if table_type else counts)
        full = [name for name, counts in types.items() if self._is_full_name(name, counts)]
        known = {tuple(name.split()) for name in full}
        # not a name of its own, but words before one: "Billionaire Donald Trump"
        full = [n for n in full if not _ends_with(n.split(), known)]
        onto = self._variants(full, types)
        people = {onto.get(name, name) for name in full}
        self._people = people
        mentions: Counter[str] = Counter()
        for name in full:
            mentions[onto.get(name, name)] += types[name].total()
        by_words = {tuple(name.split()): name for name in people}
        by_surname: dict[str, set[str]] = {}
        for name in people:
            by_surname.setdefault(surname(name.split()), set()).add(name)
        for name, counts in types.items():
            if name in onto or name in people:
                continue
            words = name.split()
            if len(words) == 1 and _personish(counts):
                found = Counter({p: mentions[p] for p in by_surname.get(words[0], ())})
                best = found.most_common(1)
                if best and best[0][1] >= DOMINANT * found.total():
                    onto[name] = best[0][0]
            elif len(words) > 2:
                for k in range(1, len(words) - 1):  # the longest full name it ends with
                    person = by_words.get(tuple(words[k:]))
                    before = words[:k]
                    # words that are no name ("Billionaire"), or a headline that names
                    # someone else first ("Hillary Clinton Slams Donald Trump")
                    if person is not None and (
                        not any(w in self.first_names for w in before)
                        or any(tuple(before[i : i + 2]) in by_words for i in range(k - 1))
                    ):
                        onto[name] = person
                        break
        for name in types:  # "Sanders' campaign", "Obama administration": whose it is
            words = name.split()
            if len(words) >= 2 and words[-1].lower() in _OF_PERSON and name not in onto:
                owner = tidy(" ".join(words[:-1]))
                person = onto.get(owner, owner)
                if person in people:
                    onto[name] = f"{person} {words[-1].lower()}"
        return {raw: onto.get(name, name) for raw, name in first.items()}

    def _is_full_name(self, name: str, counts: Counter[str]) -> bool:
        words = name.split()
        if len(words) < 2 or not all(_WORD.fullmatch(w) for w in words):
            return False
        kind = counts.most_common(1)[0][0]
        return kind == "person" or (words[0] in self.first_names and _personish(counts))

    def _variants(self, full: list[str], types: Mapping[str, Counter[str]]) -> dict[str, str]:
        """Full names that differ by a middle name or initial, onto the most frequent."""
        groups: dict[tuple[str, str], list[str]] = {}
        for name in full:
            words = name.split()
            groups.setdefault((words[0], words[-1]), []).append(name)
        onto: dict[str, str] = {}
        for names in groups.values():
            middles = {" ".join(n.split()[1:-1]).replace(".", "").replace(" ", "") for n in names}
            middles.discard("")
            if len(names) < 2 or len(middles) > 1:
                continue  # one form, or two people (George W. Bush, George H. W. Bush)
            best = max(names, key=lambda n: (types[n].total(), -len(n), n))
            onto.update({n: best for n in names if n != best})
        return onto


def surname(words: list[str]) -> str:
    """The surname of a name's words: the last, but a suffix ("Bozell" of "Brent Bozell
    III")."""
    return words[-2] if len(words) > 2 and words[-1] in SUFFIXES else words[-1]


def _ends_with(words: list[str], known: set[tuple[str, ...]]) -> bool:
    """Whether ``words`` end with a shorter name of ``known``, of two words or more."""
    return any(tuple(words[k:]) in known for k in range(1, len(words) - 1))


def _personish(counts: Counter[str]) -> bool:
    """A name whose claims mostly type it as a person, or that says nothing against it
    (an organisation NER made of a surname counts: "Trump" tagged ORG)."""
    places = counts["place"]
    return places * 2 <= counts.total()
