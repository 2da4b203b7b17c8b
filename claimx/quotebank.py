"""The quote bank: every claim of a claims database in a cluster of the claims that report
the same statement, across articles and outlets, with who said it and who carried it first.

A claim's *quotation* is what it reports: the words inside its quote marks for a direct or
partial quote (fragments joined by " … "), its content for an indirect claim. Quotations
are compared *normalised* (lower-cased, punctuation dropped, as Quotebank does) and join a
cluster when

* they are the same after normalisation (any two claims, of any kind; see below);
* one direct quotation is a contiguous part of another, of at least :data:`MIN_PART` words
  (a partial quote of a longer one; :data:`MIN_NAMED_PART` when both speakers are named);
* two direct quotations share at least :data:`NEAR` of the longer one's words, both having
  at least :data:`MIN_NEAR`, and as many negations (a near-duplicate: other punctuation, a
  word changed, but not "not");
* a fragment of one direct quotation, of at least :data:`MIN_PIECE` words, is a contiguous
  part of another (outlets cut and combine the fragments of one statement differently).

The words that show it (the shorter quotation's, or the fragment's) decide how much the
speakers must agree (the same name or surname, suffixes apart; a speaker of type unknown,
such as "a statement", counts as none): from :data:`CAREFUL` words on, not at all; under
it, two named speakers must agree, and with one unknown :data:`MIN_PART` words suffice.
The same words join by the same rule, with all their words as evidence: "it" or "zero
tolerance" (under :data:`MIN_PART` words) only when both are direct and named speakers
agree, and any under :data:`CAREFUL` words only when named speakers agree: short phrases
recur in unrelated reports ("This is so unnecessary", tweeted by one and replied by
another). An indirect claim joins a direct quote only when the words are the same, never on
overlap alone. A quotation that joins several clusters merges them, unless it holds quote
marks itself: a quote run on over the narration must not bridge two statements.

The clusters live in the database beside the claims (tables ``quotes``, ``quote_claims``,
``quote_grams``), built claim by claim as articles are added, so memory does not grow with
the corpus: candidates are found through an index of each cluster's word trigrams.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .entities import SUFFIXES, Identities
from .quotes import QuoteIndex, find_quotes
from .types import SPEAKER_JOINER

#: A direct quotation of at least this many words that is a contiguous part of another
#: joins its cluster (one of :data:`MIN_NAMED_PART` words, when both speakers are named and
#: agree: "a business model" of "This was not a one-off. It was a business model.").
MIN_PART = 4
MIN_NAMED_PART = 3
#: Near-duplicates: the share of the longer quotation's words the shorter one has too.
NEAR = 0.8
#: Near-duplicates need at least this many words each.
MIN_NEAR = 5
#: Under this many words of evidence (the same words, a part, a near-duplicate, a fragment),
#: two named speakers must agree for a quotation to join a cluster (:func:`joins`).
CAREFUL = 10
#: A fragment of a quotation with at least this many words that is a contiguous part of
#: another one joins them: outlets cut and combine the fragments of one statement
#: differently (``"X," he said. "Y."`` against ``"Y," he said, "Z."``).
MIN_PIECE = 5
#: Candidate clusters looked at for a quotation: those sharing the most trigrams.
CANDIDATES = 20
#: How a quotation's fragments are joined for reading (they are compared as one).
FRAGMENT_JOINER = " … "

_WORD = re.compile(r"\w+")
#: Words whose presence in one quotation and not the other makes two statements of near
#: duplicates ("we will not raise taxes", "we will raise taxes"), after normalising.
_NEGATION_WORDS = """not no never nor cannot cant dont doesnt didnt wont wouldnt isnt arent
wasnt werent havent hasnt hadnt shouldnt couldnt mustnt neither nobody nothing none nowhere"""
NEGATIONS = frozenset(_NEGATION_WORDS.split())
_DIRECT = frozenset({"direct", "partial"})
_DOUBLE_MARKS = '"“”„«»'


@dataclass(frozen=True)
class Quotation:
    """What one claim reports: ``text`` as the article wrote it, ``words`` normalised."""

    text: str
    words: tuple[str, ...]
    direct: bool

    @property
    def norm(self) -> str:
        return " ".join(self.words)

    @property
    def run_on(self) -> bool:
        """Whether the words hold a double quote mark: a direct quote whose marks were
        paired wrongly, run on over the narration ("winning," Trump said. "And soon …")."""
        return self.direct and any(mark in self.text for mark in _DOUBLE_MARKS)

    @property
    def pieces(self) -> tuple[tuple[str, ...], ...]:
        """The words of each fragment (one for a quotation of one)."""
        return tuple(p for p in map(normalise, self.text.split(FRAGMENT_JOINER)) if p)


@lru_cache(maxsize=4096)  # the forms of candidate clusters recur from claim to claim
def normalise(text: str) -> tuple[str, ...]:
    """The words of ``text``, case-folded, in Unicode's compatibility form, without
    punctuation or apostrophes: ``"We won't," she said`` and ``we wont she said`` are one."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"['’‘`ʼ]", "", folded)  # won't -> wont, Peskov's -> peskovs
    return tuple(_WORD.findall(folded.replace("_", " ")))


def quotations(text: str, records: Sequence[dict[str, Any]]) -> list[Quotation | None]:
    """The quotation of each claim record of the article ``text`` (None where it reports
    no words: an empty content)."""
    index = QuoteIndex(find_quotes(text))
    out: list[Quotation | None] = []
    for record in records:
        spans = [(int(a), int(b)) for a, b in record.get("quote_spans") or ()]
        direct = record.get("kind") in _DIRECT
        pieces: list[str] = []
        if direct:
            for start, end in spans:
                for quote in index.overlapping(start, end):
                    inner_start, inner_end = quote.inner
                    piece = text[max(inner_start, start) : min(inner_end, end)]
                    piece = piece.strip().rstrip(",;:").rstrip()  # the sentence's, not its
                    if piece:
                        pieces.append(piece)
        if not pieces:  # an indirect claim, or a direct one whose marks were not found
            pieces = [text[a:b].strip() for a, b in spans if text[a:b].strip()]
        words = normalise(" ".join(pieces))
        out.append(Quotation(FRAGMENT_JOINER.join(pieces), words, direct) if words else None)
    return out


def trigrams(words: Sequence[str]) -> set[int]:
    """The word trigrams of a quotation, each as a 63-bit integer (SQLite's INTEGER)."""
    grams = set()
    for i in range(len(words) - 2):
        digest = hashlib.blake2b(" ".join(words[i : i + 3]).encode(), digest_size=8).digest()
        grams.add(int.from_bytes(digest, "big") >> 1)
    return grams


def contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """Whether ``shorter`` is a contiguous run of ``longer``'s words."""
    return f" {' '.join(shorter)} " in f" {' '.join(longer)} "


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """The share of the longer quotation's words (with repeats) the other one has too."""
    common = (Counter(a) & Counter(b)).total()
    return common / max(len(a), len(b), 1)


def related(a: Sequence[str], b: Sequence[str]) -> str | None:
    """How two direct quotations are one (``part``, ``near``), or None."""
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= MIN_NAMED_PART and contains(longer, shorter):
        return "part"
    near = len(shorter) >= MIN_NEAR and len(shorter) >= NEAR * len(longer)  # else it can't be
    if near and overlap(a, b) >= NEAR and not negated(a, b):
        return "near"
    return None


def negated(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether one quotation negates what the other says: their negations differ in
    number ("cannot" and "can't" are one; "will not" and "will" are not)."""
    return sum(w in NEGATIONS for w in a) != sum(w in NEGATIONS for w in b)


def evidence(a: Quotation, b: Quotation) -> int:
    """How many words show that two direct quotations report one statement (0: none): the
    shorter one's, when it is a part or a near-duplicate of the other (:func:`related`);
    else the longest fragment of one, of :data:`MIN_PIECE` words at least, that is a
    contiguous part of the other."""
    if related(a.words, b.words):
        return min(len(a.words), len(b.words))
    best = 0
    for one, other in ((a, b), (b, a)):
        pieces = one.pieces
        for piece in pieces if len(pieces) > 1 else ():
            if len(piece) >= max(MIN_PIECE, best + 1) and contains(other.words, piece):
                best = len(piece)
    return best


_SUFFIXES = frozenset(s.casefold().rstrip(".") for s in SUFFIXES)


def same_speaker(a: str | None, b: str | None) -> bool:
    """Whether two speaker names may be one person: either unknown, the same name, or one
    name's last word the other's (``Ruiz`` and ``Elena Ruiz``; ``Donald F. McGahn II`` and
    ``Don McGahn``)."""
    if not a or not b:
        return True

    def words(name: str) -> list[str]:
        found = name.casefold().split()
        while len(found) > 1 and found[-1].rstrip(".,") in _SUFFIXES:
            found.pop()
        return found

    x, y = words(a), words(b)
    return x == y or x[-1:] == y[-1:]


def joins(evidence: int, mine: Sequence[str], theirs: Sequence[str]) -> bool:
    """Whether a quotation with ``evidence`` words of one statement with a cluster joins
    it, given the named speakers of each (none: unknown)."""
    if evidence >= CAREFUL:
        return True
    if mine and theirs:
        return evidence >= MIN_NAMED_PART and _agree(mine, theirs)
    return evidence >= MIN_PART


def _agree(mine: Sequence[str], theirs: Sequence[str]) -> bool:
    """Whether two lists of named speakers may name one (either empty: yes)."""
    return not mine or not theirs or any(same_speaker(a, b) for a in mine for b in theirs)


def speaker_shares(
    speakers: Iterable[tuple[str | None, str | None]],
) -> list[tuple[str, str | None, float]]:
    """The canonical speakers of a cluster's claims (name, speaker type) with the share of
    its claims each speaks, largest first: ``Ruiz`` and ``Elena Ruiz`` are one. A claim
    that several speakers share counts for each; one with none counts for nobody."""
    pairs = list(speakers)
    who = Identities()
    for names, kind in pairs:
        for name in _names(names):
            who.add(name, kind)
    if len({name for names, _ in pairs for name in _names(names)}) > 1:
        canonical = who.key
    else:  # one name (most clusters): nothing to merge, only the alias table to apply
        canonical = lambda name: who.alias(name)[0]  # noqa: E731
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {}
    for names, kind in pairs:
        for key in {canonical(name) for name in _names(names)}:
            counts[key] += 1
            kinds.setdefault(key, Counter())[kind or "unknown"] += 1
    total = len(pairs) or 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(key, kinds[key].most_common(1)[0][0], n / total) for key, n in ranked]


def _names(names: str | None) -> list[str]:
    return [n.strip() for n in (names or "").split(SPEAKER_JOINER) if n.strip()]


def _named(names: str | None, kind: str | None) -> list[str]:
    """A claim's speakers as the bank compares them: none when their type is unknown (a
    "statement", a "letter" as the speaker says nothing of who)."""
    return [] if kind in (None, "unknown") else _names(names)


SCHEMA = """
CREATE TABLE quotes (
    quote INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT,
    speaker_type TEXT,
    speakers TEXT NOT NULL,
    first_date TEXT,
    first_article INTEGER,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    claims INTEGER NOT NULL
);
CREATE INDEX quotes_speaker ON quotes (speaker);
CREATE INDEX quotes_first_date ON quotes (first_date);
CREATE INDEX quotes_reach ON quotes (articles);
CREATE TABLE quote_claims (
    claim INTEGER PRIMARY KEY REFERENCES claims (claim),
    quote INTEGER NOT NULL REFERENCES quotes (quote),
    article INTEGER NOT NULL REFERENCES articles (article),
    direct INTEGER NOT NULL,
    text TEXT NOT NULL,
    norm TEXT NOT NULL
);
CREATE INDEX quote_claims_quote ON quote_claims (quote);
CREATE INDEX quote_claims_norm ON quote_claims (norm);
CREATE TABLE quote_grams (
    gram INTEGER NOT NULL,
    quote INTEGER NOT NULL,
    PRIMARY KEY (gram, quote)
) WITHOUT ROWID;
CREATE INDEX quote_grams_quote ON quote_grams (quote);
CREATE VIRTUAL TABLE quotes_fts USING fts5 (text, content="quotes", content_rowid="quote");
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.quote, new.text);
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.quote, old.text);
END;
CREATE TRIGGER quotes_au AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.quote, old.text);
    INSERT INTO quotes_fts (rowid, text) VALUES (new.quote, new.text);
END;
"""
#: The quote bank's tables, emptied by :meth:`QuoteBank.clear`.
TABLES = ("quote_grams", "quote_claims", "quotes")


class QuoteBank:
    """The clusters of a claims database, kept in step as articles come and go. Every
    method runs inside the caller's transaction (``conn`` in autocommit mode, as
    :class:`claimx.db.ClaimsDatabase` holds it)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add_article(self, article: int, text: str) -> None:
        """Put the claims of the database's article ``article`` (whose text is ``text``)
        into clusters."""
        rows = self.conn.execute(
            "SELECT claim, kind, quote_spans, speaker, speaker_type FROM claims "
            "WHERE article = ? ORDER BY claim",
            (article,),
        ).fetchall()
        records = [{"kind": row[1], "quote_spans": json.loads(row[2])} for row in rows]
        if rows:  # claims of an article deleted by hand may have left their rows here
            self._remove("claim BETWEEN ? AND ?", (rows[0][0], rows[-1][0]))
        touched = set()
        for (claim, _, _, *speaker), found in zip(rows, quotations(text, records), strict=True):
            if found is not None:
                touched.add(self._add(claim, article, _named(*speaker), found))
        for quote in sorted(touched):  # recounted once, those not merged into another
            if self._exists_claims(quote):
                self._refresh(quote)

    def remove_article(self, article: int) -> None:
        """Take the claims of ``article`` out of their clusters (before it is deleted)."""
        self._remove("article = ?", (article,))

    def _remove(self, where: str, args: Sequence[Any]) -> None:
        """Take the claims ``where`` picks out of their clusters, which are recounted
        (their trigrams again those of the forms left) or, left empty, deleted."""
        quotes = [
            row[0]
            for row in self.conn.execute(
                f"SELECT DISTINCT quote FROM quote_claims WHERE {where}", args
            )
        ]
        self.conn.execute(f"DELETE FROM quote_claims WHERE {where}", args)
        for quote in quotes:
            self.conn.execute("DELETE FROM quote_grams WHERE quote = ?", (quote,))
            if not self._exists_claims(quote):
                self.conn.execute("DELETE FROM quotes WHERE quote = ?", (quote,))
                continue
            left = self.conn.execute(
                "SELECT DISTINCT norm FROM quote_claims WHERE quote = ? AND direct", (quote,)
            )
            for (norm,) in left.fetchall():
                self._index(quote, norm.split())
            self._refresh(quote)

    def clear(self) -> None:
        """Empty the bank (before :meth:`add_article` rebuilds it)."""
        for table in TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild')")

    def _add(self, claim: int, article: int, speakers: list[str], found: Quotation) -> int:
        quote = self._cluster(found, speakers)
        if quote is None:
            quote = self._new_cluster(found)
        self.conn.execute(
            "INSERT INTO quote_claims (claim, quote, article, direct, text, norm) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (claim, quote, article, found.direct, found.text, found.norm),
        )
        if found.direct:
            self._index(quote, found.words)
        return quote

    def _cluster(self, found: Quotation, speakers: list[str]) -> int | None:
        """The cluster ``found`` joins (merging several it joins), or None for a new one."""
        same = self.conn.execute(
            "SELECT DISTINCT quote FROM quote_claims WHERE norm = ? ORDER BY quote", (found.norm,)
        ).fetchall()
        # the same words join as a part would: "it" never, "zero tolerance" or "this is
        # so unnecessary" only when named speakers agree, ten words and more always
        joinable = found.direct or len(found.words) >= MIN_PART
        joined = {
            q: len(found.words)
            for (q,) in same
            if joinable and joins(len(found.words), speakers, self._named(q))
        }
        if found.direct and len(found.words) >= MIN_NAMED_PART:
            for q, words in self._related(found, speakers).items():
                joined.setdefault(q, words)
        if not joined:
            return None
        # a quotation that holds quote marks has run on over the narration between two
        # quotes: it joins the cluster it shares most words with, and bridges no others
        best = max(sorted(joined), key=joined.__getitem__)
        merged = [best] if found.run_on else sorted(joined)
        first, *others = merged
        for other in others:
            self._merge(other, into=first)
        return first

    def _related(self, found: Quotation, speakers: list[str]) -> dict[int, int]:
        """The clusters ``found`` joins beyond the same words, each with how many words show
        it (:func:`evidence`, :func:`joins`); candidates are those sharing most trigrams."""
        grams = sorted(trigrams(found.words))
        if not grams:
            return {}
        marks = ",".join("?" * len(grams))
        rows = self.conn.execute(
            f"SELECT quote FROM quote_grams WHERE gram IN ({marks}) "
            "GROUP BY quote ORDER BY count(*) DESC, quote LIMIT ?",
            (*grams, CANDIDATES),
        )
        candidates = [q for (q,) in rows.fetchall()]
        if not candidates:
            return {}
        marks = ",".join("?" * len(candidates))
        forms = self.conn.execute(
            f"SELECT DISTINCT quote, text, norm FROM quote_claims WHERE direct AND quote IN "
            f"({marks})",
            candidates,
        )
        best: dict[int, int] = {}
        for quote, text, norm in forms.fetchall():
            words = evidence(Quotation(text, tuple(norm.split()), True), found)
            best[quote] = max(words, best.get(quote, 0))
        unsure = [q for q, words in best.items() if 0 < words < CAREFUL]
        named = self._named_many(unsure) if unsure else {}
        return {
            q: words
            for q, words in best.items()
            if words >= CAREFUL or (words and joins(words, speakers, named.get(q, [])))
        }

    def _named_many(self, quotes: list[int]) -> dict[int, list[str]]:
        """:meth:`_named` of several clusters, in one query."""
        marks = ",".join("?" * len(quotes))
        rows = self.conn.execute(
            "SELECT DISTINCT r.quote, c.speaker, c.speaker_type FROM quote_claims r "
            f"JOIN claims c USING (claim) WHERE r.quote IN ({marks})",
            quotes,
        )
        out: dict[int, list[str]] = {}
        for quote, names, kind in rows.fetchall():
            out.setdefault(quote, []).extend(_named(names, kind))
        return out

    def _named(self, quote: int) -> list[str]:
        """The named speakers of a cluster's claims (not those of type unknown)."""
        return self._named_many([quote]).get(quote, [])

    def _merge(self, quote: int, *, into: int) -> None:
        self.conn.execute("UPDATE quote_claims SET quote = ? WHERE quote = ?", (into, quote))
        self.conn.execute(
            "INSERT OR IGNORE INTO quote_grams (gram, quote) "
            "SELECT gram, ? FROM quote_grams WHERE quote = ?",
            (into, quote),
        )
        self.conn.execute("DELETE FROM quote_grams WHERE quote = ?", (quote,))
        self.conn.execute("DELETE FROM quotes WHERE quote = ?", (quote,))

    def _new_cluster(self, found: Quotation) -> int:
        cursor = self.conn.execute(
            "INSERT INTO quotes (kind, text, speakers, articles, outlets, claims) "
            "VALUES (?, ?, '[]', 0, 0, 0)",
            ("direct" if found.direct else "indirect", found.text),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _index(self, quote: int, words: Sequence[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO quote_grams (gram, quote) VALUES (?, ?)",
            [(gram, quote) for gram in trigrams(words)],
        )

    def _exists_claims(self, quote: int) -> bool:
        row = self.conn.execute("SELECT 1 FROM quote_claims WHERE quote = ? LIMIT 1", (quote,))
        return row.fetchone() is not None

    def _refresh(self, quote: int) -> None:
        """Recount a cluster from its claims: its longest form, speakers, first report and
        reach."""
        rows = self.conn.execute(
            "SELECT q.text, q.norm, q.direct, c.speaker, c.speaker_type, a.article, a.date, "
            "a.outlet FROM quote_claims q JOIN claims c USING (claim) "
            "JOIN articles a ON a.article = q.article WHERE q.quote = ? ORDER BY q.claim",
            (quote,),
        ).fetchall()
        direct = [row for row in rows if row[2]] or rows
        longest = max(direct, key=lambda row: len(row[1].split()))  # the first of the longest
        shares = speaker_shares((row[3], row[4]) for row in rows)
        dated = sorted((row[6], row[5]) for row in rows if row[6])
        first_date, first_article = dated[0] if dated else (None, min(row[5] for row in rows))
        # the text apart, and only when it changes: its full-text index is updated then
        self.conn.execute(
            "UPDATE quotes SET text = ? WHERE quote = ? AND text IS NOT ?",
            (longest[0], quote, longest[0]),
        )
        self.conn.execute(
            "UPDATE quotes SET kind = ?, speaker = ?, speaker_type = ?, speakers = ?, "
            "first_date = ?, first_article = ?, articles = ?, outlets = ?, claims = ? "
            "WHERE quote = ?",
            (
                "direct" if any(row[2] for row in rows) else "indirect",
                shares[0][0] if shares else None,
                shares[0][1] if shares else None,
                json.dumps(
                    [{"speaker": s, "share": round(share, 3)} for s, _, share in shares],
                    ensure_ascii=False,
                ),
                first_date,
                first_article,
                len({row[5] for row in rows}),
                len({row[7] for row in rows if row[7]}),
                len(rows),
                quote,
            ),
        )
