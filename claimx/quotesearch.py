"""Reading the quote bank of a claims database (``claimx quotes``): clusters found by their
words (full-text search), speaker, target, outlet and dates, sorted by reach or date; and
one cluster's reports side by side, each outlet's wording, cue and stance.

The database is opened read-only; every filter is one SQL query over indexed tables, so a
search answers at once however large the database (``bench/quotes_bench.py``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from .db import SCHEMA_VERSION, DatabaseError, open_read_only
from .entities import Identities

Sort = Literal["reach", "date", "recent"]
SORTS: tuple[Sort, ...] = get_args(Sort)
_ORDER: dict[Sort, str] = {
    "reach": "q.articles DESC, q.outlets DESC, q.claims DESC, q.quote",
    "date": "q.first_date IS NULL, q.first_date, q.quote",
    "recent": "q.first_date IS NULL, q.first_date DESC, q.quote",
}
#: The keys of a cluster's record, in output order.
QUOTE_FIELDS = (
    "quote",
    "text",
    "kind",
    "speaker",
    "speaker_type",
    "speakers",
    "first_date",
    "first_outlet",
    "first_article",
    "articles",
    "outlets",
    "claims",
)
#: The keys of one report of a cluster (:func:`reports`), in output order.
REPORT_FIELDS = (
    "quote",
    "claim",
    "source",
    "article",
    "outlet",
    "date",
    "title",
    "speaker",
    "cue",
    "kind",
    "wording",
    "target",
    "stance",
    "stance_score",
)
_WORD = re.compile(r"\w+")
#: The columns :func:`_cluster` makes a record of: the cluster's, its first article's.
_CLUSTER = (
    "q.quote, q.text, q.kind, q.speaker, q.speaker_type, q.speakers, q.first_date, "
    "a.outlet, a.source, a.id, q.articles, q.outlets, q.claims"
)


@dataclass(frozen=True)
class QuoteQuery:
    """What to look for: every field None (or 0) matches all clusters.

    words: words the cluster's longest form holds, all of them (``tax cuts``).
    speaker: its speaker, by name, surname or alias (``Ruiz``, ``GOP``).
    target: a target of one of its claims, by name or its last word.
    outlet: an outlet that carried it (as ``claimx summary`` names outlets).
    since, until: a report dated in this range (``2016``, ``2016-03``, ``2016-03-05``); with
        ``outlet``, that outlet's report.
    min_articles: carried by at least this many articles.
    """

    words: str | None = None
    speaker: str | None = None
    target: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    min_articles: int = 0
    sort: Sort = "reach"
    limit: int | None = None


def open_bank(path: str | Path) -> sqlite3.Connection:
    """The database ``path``, read-only, checked to hold a quote bank."""
    conn, tables, version = open_read_only(path)
    if "claims" not in tables:
        conn.close()
        raise DatabaseError(
            f"{path} is not a database of claimx extract --db (no claims table); give one"
        )
    if "quotes" not in tables or version != SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(
            f"{path} has no quote bank (an older claimx wrote it); run claimx quotes build {path}"
        )
    return conn


def fts_query(words: str) -> str | None:
    """An FTS5 query for all of ``words`` (each a quoted term, so that none is an
    operator); None if they hold no word."""
    found = _WORD.findall(words)
    return " ".join(f'"{word}"' for word in found) if found else None


def search(conn: sqlite3.Connection, query: QuoteQuery) -> Iterator[dict[str, Any]]:
    """The clusters ``query`` matches, as records of :data:`QUOTE_FIELDS`."""
    where: list[str] = []
    args: list[Any] = []
    source = "quotes q"
    if query.words is not None:
        match = fts_query(query.words)
        if match is None:
            return
        source = "quotes_fts f JOIN quotes q ON q.quote = f.rowid"
        where.append("quotes_fts MATCH ?")
        args.append(match)
    if query.speaker:
        name = _canonical(query.speaker)
        where.append("(q.speaker = ? COLLATE NOCASE OR q.speaker LIKE ? ESCAPE '\\')")
        args += [name, f"% {_like(name)}"]
    if query.target:
        name = _canonical(query.target)
        where.append(
            "EXISTS (SELECT 1 FROM quote_claims r JOIN claims c USING (claim), "
            "json_each(c.targets) t WHERE r.quote = q.quote AND "
            "(json_extract(t.value, '$.target') = ? COLLATE NOCASE OR "
            "json_extract(t.value, '$.target') LIKE ? ESCAPE '\\'))"
        )
        args += [name, f"% {_like(name)}"]
    if query.outlet or query.since or query.until:
        dated = ["r.quote = q.quote"]
        if query.outlet:
            dated.append("a.outlet = ? COLLATE NOCASE")
            args.append(query.outlet.strip())
        if query.since:
            dated.append("a.date >= ?")
            args.append(query.since)
        if query.until:
            dated.append("substr(a.date, 1, ?) <= ?")
            args += [len(query.until), query.until]
        where.append(
            "EXISTS (SELECT 1 FROM quote_claims r JOIN articles a ON a.article = r.article "
            f"WHERE {' AND '.join(dated)})"
        )
    if query.min_articles > 1:
        where.append("q.articles >= ?")
        args.append(query.min_articles)
    sql = f"SELECT {_CLUSTER} FROM {source} LEFT JOIN articles a ON a.article = q.first_article"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {_ORDER[query.sort]}"
    if query.limit:
        sql += " LIMIT ?"
        args.append(query.limit)
    try:
        for row in conn.execute(sql, args):
            yield _cluster(row)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot search the quote bank: {exc}") from exc


def cluster(conn: sqlite3.Connection, quote: int) -> dict[str, Any] | None:
    """The cluster ``quote`` as a record of :data:`QUOTE_FIELDS`; None if there is none."""
    row = conn.execute(
        f"SELECT {_CLUSTER} FROM quotes q LEFT JOIN articles a ON a.article = q.first_article "
        "WHERE q.quote = ?",
        (quote,),
    ).fetchone()
    return None if row is None else _cluster(row)


def reports(conn: sqlite3.Connection, quote: int) -> Iterator[dict[str, Any]]:
    """Each claim of the cluster ``quote``, earliest first, as a record of
    :data:`REPORT_FIELDS`: its outlet, the words it quotes, its cue and the stance it
    carries toward its main target."""
    rows = conn.execute(
        "SELECT r.quote, r.claim, a.source, a.id, a.outlet, a.date, a.metadata, c.speaker, "
        "c.cue, c.kind, r.text, c.target, c.stance, c.stance_score "
        "FROM quote_claims r JOIN claims c USING (claim) JOIN articles a ON a.article = "
        "r.article WHERE r.quote = ? ORDER BY a.date IS NULL, a.date, r.claim",
        (quote,),
    )
    for row in rows:
        metadata = json.loads(row[6]) if row[6] else {}
        title = metadata.get("title") if isinstance(metadata, dict) else None
        values = [*row[:6], title if isinstance(title, str) else None, *row[7:]]
        yield dict(zip(REPORT_FIELDS, values, strict=True))


def _cluster(row: tuple[Any, ...]) -> dict[str, Any]:
    (quote, text, kind, speaker, kind_of_speaker, speakers, date, outlet, source, ident) = row[:10]
    first = None if source is None else {"source": source, "id": ident}
    return dict(
        zip(
            QUOTE_FIELDS,
            (
                quote,
                text,
                kind,
                speaker,
                kind_of_speaker,
                json.loads(speakers),
                date,
                outlet,
                first,
                *row[10:],
            ),
            strict=True,
        )
    )


def _canonical(name: str) -> str:
    """The name a speaker or target goes by in the bank: the alias table's (``GOP`` is
    the Republican Party), else the name as given."""
    return Identities().alias(name.strip())[0]


def _like(text: str) -> str:
    """``text`` as a LIKE pattern's literal part (``%`` and ``_`` are data)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
