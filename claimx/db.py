"""SQLite output: an ``articles`` table and a ``claims`` table keyed to it.

Each article goes in with its claims in one transaction, so that however a run ends (Ctrl-C,
SIGKILL, a full disk) every article is either wholly in the database or absent; a re-run
skips the articles already in and so resumes where the last one stopped. Runs may write one
database at once, even while one of them creates it: each waits for the other's transaction.
While it writes, the database is in WAL mode; closed, it is one file again, without ``-wal``
or ``-shm``. It is what sqlite-utils and Datasette read: indexes on speaker and target, and
full-text search on quotes (``claims_fts``, an FTS5 index kept in step by triggers).

Each article's claims also go into the quote bank (:mod:`claimx.quotebank`: the ``quotes``
table and its own full-text index ``quotes_fts``) in the same transaction. An article that
is a copy of one already in (the same URL, or the same text up to whitespace) is stored once:
the copy is a row of ``duplicates`` naming the original, unless ``keep_duplicates``.
A database of schema 1 (before the quote bank) is brought up to date when opened for writing.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from . import quotebank
from .columns import SPAN_FIELDS, flat_columns, span_columns
from .errors import ClaimxError, duplicate_id
from .facts import article_outlet, article_time, article_url, fingerprint
from .types import ARTICLE_FIELD, FIELDS, Article

#: Bumped whenever the tables change; a database of another version is refused, except an
#: older one that :data:`UPGRADES` brings up to date.
SCHEMA_VERSION = 2
_JSON = ("quote_spans", "targets")
#: What the articles table keeps of each article's metadata and text, beside it.
_FACTS = ("url", "outlet", "date", "fingerprint")
_TYPES = {"stance_score": "REAL"}
#: Seconds a run waits for another that writes the same database to let go of it (one
#: article's transaction, or the tables being created) before it fails as locked.
BUSY_TIMEOUT = 30.0
#: Seconds a closing writer tries to fold in a log that another one, closing at the same
#: moment, left (a reader that stays open keeps it, and it is folded in when that one closes).
_CLOSING = 1.0


def claim_columns() -> tuple[str, ...]:
    """The ``claims`` table's columns for a record's keys (after ``claim`` and ``article``):
    ``FIELDS``, each span as ``<name>_start`` and ``<name>_end``, ``quote_spans`` and
    ``targets`` as JSON text (``json_each`` reads them). The spans expand as CSV's do
    (:func:`claimx.columns.flat_columns`)."""
    return flat_columns(FIELDS, split_quotes=False)


CLAIM_COLUMNS = claim_columns()


def _schema() -> str:
    def sql_type(column: str) -> str:
        if column.endswith(("_start", "_end")):
            return "INTEGER"
        return _TYPES.get(column, "TEXT")

    claims = ",\n    ".join(f"{c} {sql_type(c)}" for c in CLAIM_COLUMNS)
    return f"""
CREATE TABLE articles (
    article INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    metadata TEXT,
    text TEXT NOT NULL,
    claims INTEGER NOT NULL,
    url TEXT,
    outlet TEXT,
    date TEXT,
    fingerprint TEXT,
    UNIQUE (source, id)
);
CREATE TABLE claims (
    claim INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles (article),
    {claims}
);
CREATE INDEX claims_article ON claims (article);
CREATE INDEX claims_speaker ON claims (speaker);
CREATE INDEX claims_target ON claims (target);
CREATE VIRTUAL TABLE claims_fts USING fts5 (quote, content="claims", content_rowid="claim");
CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, quote) VALUES (new.claim, new.quote);
END;
CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, quote) VALUES ('delete', old.claim, old.quote);
END;
CREATE TRIGGER claims_au AFTER UPDATE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, quote) VALUES ('delete', old.claim, old.quote);
    INSERT INTO claims_fts (rowid, quote) VALUES (new.claim, new.quote);
END;
{_ARTICLE_INDEXES}
{_DUPLICATES}
{quotebank.SCHEMA}
PRAGMA user_version = {SCHEMA_VERSION};
"""


_ARTICLE_INDEXES = """
CREATE INDEX articles_url ON articles (url);
CREATE INDEX articles_fingerprint ON articles (fingerprint);
CREATE INDEX articles_date ON articles (date);
"""
_DUPLICATES = """
CREATE TABLE duplicates (
    duplicate INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    metadata TEXT,
    of_source TEXT NOT NULL,
    of_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (source, id)
);
"""
#: What brings a database of an older schema (the key) up to date: its statements, then
#: every article's url, outlet, date and fingerprint filled and its claims put in the
#: quote bank (``ClaimsDatabase._upgrade``).
UPGRADES = {
    1: "\n".join(
        [
            *(f"ALTER TABLE articles ADD COLUMN {c} TEXT;" for c in _FACTS),
            _ARTICLE_INDEXES,
            _DUPLICATES,
            quotebank.SCHEMA,
        ]
    )
}


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one at a time (a trigger's body whole), so that they
    run in the transaction open (``executescript`` would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
    if statement.strip():
        yield statement.strip()


class DatabaseError(ClaimxError):
    """The database cannot be opened or written: not SQLite, another schema, locked, full."""


class ClaimsDatabase:
    """Articles and claims written into the SQLite file ``path`` (created if missing).

    force: replace articles already in the database, instead of skipping them.
    """

    def __init__(self, path: str | Path, *, force: bool = False) -> None:
        self.path = str(path)
        self.force = force
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open the database {self.path}: {exc}") from exc
        try:
            self._prepare()
        except sqlite3.Error as exc:
            self.conn.close()
            raise DatabaseError(f"cannot use {self.path} as claimx's database: {exc}") from exc
        except DatabaseError:
            self.conn.close()
            raise
        # The last article written before this run: one found later was added by this run.
        row = self.conn.execute("SELECT max(article) FROM articles").fetchone()
        self.first_new = (row[0] or 0) + 1

    def _prepare(self) -> None:
        # Another run may write the same file, and may be creating it now: each waits for
        # the other's lock (BUSY_TIMEOUT), and the tables are created under the write lock,
        # by the first to take it.
        version = self._check()  # read first: another program's file is left as it is
        # WAL: a commit is one append, cheap enough for one per article, and a killed run
        # leaves the file whole (the next open rolls the log forward or drops the tail).
        # Set on every open, since close goes back to the rollback journal.
        self._set_wal()
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if version == SCHEMA_VERSION:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._check()  # again under the lock: another run may have done it
            if version == 0:
                for statement in _statements(_schema()):
                    self.conn.execute(statement)
            elif version != SCHEMA_VERSION:
                self._upgrade(version)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _upgrade(self, version: int) -> None:
        """Bring a database of schema ``version`` up to date (in the open transaction)."""
        for statement in _statements(UPGRADES[version]):
            self.conn.execute(statement)
        rows = self.conn.execute("SELECT article, id, metadata, text FROM articles").fetchall()
        for key, ident, metadata, text in rows:
            article = Article("", ident, text, json.loads(metadata) if metadata else None)
            self.conn.execute(
                "UPDATE articles SET url = ?, outlet = ?, date = ?, fingerprint = ? "
                "WHERE article = ?",
                (*_facts(article), key),
            )
        self.rebuild_quotes()
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _set_wal(self) -> None:
        """WAL mode, tried again while another connection holds a lock that keeps SQLite
        from switching: it answers "locked" then without waiting out the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if str(exc) != "database is locked" or time.monotonic() > deadline:
                    raise
            time.sleep(0.005)

    def _check(self) -> int:
        """The schema version of claimx's tables in the file (0: it is empty); another
        program's database, or one of a version this claimx cannot bring up to date, is
        refused."""
        tables = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master")}
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if tables and "articles" not in tables:
            raise DatabaseError(
                f"{self.path} is a database of something else (no articles table); "
                "give --db a new file"
            )
        if tables and version != SCHEMA_VERSION and version not in UPGRADES:
            raise DatabaseError(
                f"{self.path} was written by another version of claimx (schema {version}, "
                f"this one writes {SCHEMA_VERSION}); give --db a new file"
            )
        return int(version) if tables else 0

    def done(self, source: str, ident: str, where: str | None = None) -> bool:
        """Whether the article is in the database from an earlier run, so to be skipped
        (never with ``force``). One added by this run is a second article with its id:
        :class:`InputError`, naming the article as ``where``."""
        row = self.conn.execute(
            "SELECT article FROM articles WHERE source = ? AND id = ?", (source, ident)
        ).fetchone()
        if row is None:  # a copy noted as a duplicate by an earlier run is done too
            copy = "SELECT 1 FROM duplicates WHERE source = ? AND id = ?"
            return (
                not self.force and self.conn.execute(copy, (source, ident)).fetchone() is not None
            )
        if row[0] >= self.first_new:
            raise duplicate_id(source, ident, where)
        return not self.force

    def original(
        self, article: Article, keys: list[tuple[str, str]] | None = None
    ) -> tuple[str, str, str] | None:
        """The article already in the database that ``article`` is a copy of (the same
        URL, or the same text up to whitespace): its source, its id and ``url`` or
        ``text``; None if it is none's. ``keys``: its :func:`copy_keys`, if known."""
        for reason, value in copy_keys(article) if keys is None else keys:
            column = "url" if reason == "url" else "fingerprint"
            row = self.conn.execute(
                f"SELECT source, id FROM articles WHERE {column} = ? "
                "AND NOT (source = ? AND id = ?) ORDER BY article LIMIT 1",
                (value, article.source, article.id),
            ).fetchone()
            if row is not None:
                return row[0], row[1], reason
        return None

    def add_duplicate(self, article: Article, of: tuple[str, str], reason: str) -> None:
        """Record ``article`` as a copy of the article ``of`` (its source and id), not
        stored again; ``reason``: ``url`` or ``text``."""
        metadata = None if article.metadata is None else _json(dict(article.metadata))
        try:
            self.conn.execute(
                "INSERT OR REPLACE INTO duplicates (source, id, metadata, of_source, of_id, "
                "reason) VALUES (?, ?, ?, ?, ?, ?)",
                (article.source, article.id, metadata, *of, reason),
            )
        except sqlite3.Error as exc:
            where = article.label or article.source
            raise DatabaseError(f"cannot write {where} to {self.path}: {exc}") from exc

    def rebuild_quotes(self) -> int:
        """Build the quote bank again from every article's claims, in the order they were
        added (as the runs that added them built it); the number of articles. Runs in the
        caller's transaction if one is open, else in its own."""
        own = not self.conn.in_transaction
        if own:
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            bank = quotebank.QuoteBank(self.conn)
            bank.clear()
            keys = [
                row[0] for row in self.conn.execute("SELECT article FROM articles ORDER BY article")
            ]
            for key in keys:
                (text,) = self.conn.execute(
                    "SELECT text FROM articles WHERE article = ?", (key,)
                ).fetchone()
                bank.add_article(key, text)
        except BaseException:
            if own:
                self.conn.execute("ROLLBACK")
            raise
        if own:
            self.conn.execute("COMMIT")
        return len(keys)

    def add(self, article: Article, records: list[dict[str, Any]]) -> None:
        """Write an article and its claim records (``Claim.to_dict()``) in one transaction;
        with ``force``, replacing the article if an earlier run wrote it."""
        where = article.label or article.source
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self._replace_old(article)
                key = self._insert_article(article, len(records))
                self._insert_claims(key, records)
                quotebank.QuoteBank(self.conn).add_article(key, article.text)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            raise duplicate_id(article.source, article.id, where) from exc
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot write {where} to {self.path}: {exc}") from exc

    def _replace_old(self, article: Article) -> None:
        row = self.conn.execute(
            "SELECT article FROM articles WHERE source = ? AND id = ?",
            (article.source, article.id),
        ).fetchone()
        if row is None:
            return
        if row[0] >= self.first_new or not self.force:
            raise duplicate_id(article.source, article.id, article.label)
        quotebank.QuoteBank(self.conn).remove_article(row[0])
        self.conn.execute("DELETE FROM claims WHERE article = ?", row)
        self.conn.execute("DELETE FROM articles WHERE article = ?", row)

    def _insert_article(self, article: Article, claims: int) -> int:
        metadata = None if article.metadata is None else _json(dict(article.metadata))
        cursor = self.conn.execute(
            "INSERT INTO articles (source, id, metadata, text, claims, url, outlet, date, "
            "fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.source, article.id, metadata, article.text, claims, *_facts(article)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _insert_claims(self, key: int, records: list[dict[str, Any]]) -> None:
        columns = ", ".join(("article", *CLAIM_COLUMNS))
        marks = ", ".join("?" * (len(CLAIM_COLUMNS) + 1))
        self.conn.executemany(
            f"INSERT INTO claims ({columns}) VALUES ({marks})",
            [(key, *claim_row(record)) for record in records],
        )

    def close(self) -> None:
        """Close the database, its write-ahead log folded into the file and removed.

        Leaving WAL mode for the rollback journal deletes ``-wal`` and ``-shm`` now, and a
        reader that opens the file read-only later (``claimx summary``, Datasette) creates
        neither, as it would for a file in WAL mode. It needs the file to itself: while
        another connection has it open, the log stays for that one to fold in.
        """
        with suppress(sqlite3.Error):
            self.conn.execute("PRAGMA busy_timeout = 0")  # another reader: do not wait
            self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.close()
        # another writer closing at the same moment may have kept the log for us: the last
        # one out, alone at last, folds it in; a random pause breaks a tie between two
        deadline = time.monotonic() + _CLOSING
        while self._log_left() and time.monotonic() < deadline:
            with suppress(sqlite3.Error):
                last = sqlite3.connect(self.path, isolation_level=None, timeout=0.05)
                try:
                    last.execute("PRAGMA journal_mode = DELETE")
                finally:
                    last.close()
            time.sleep(random.uniform(0.005, 0.05))

    def _log_left(self) -> bool:
        return any(Path(f"{self.path}{end}").exists() for end in ("-wal", "-shm"))

    def __enter__(self) -> ClaimsDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_read_only(path: str | Path) -> tuple[sqlite3.Connection, set[str], int]:
    """The database ``path`` opened read-only (no ``-wal`` or ``-shm`` made beside it), with
    its tables' names and its schema version; :class:`DatabaseError` if it is no SQLite."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read {path} as claimx's database: {exc}") from exc
    return conn, tables, version


def claim_row(record: dict[str, Any]) -> list[Any]:
    """A claim record as the values of ``CLAIM_COLUMNS``."""
    values: list[Any] = []
    for key in FIELDS:
        value = record[key]
        if key in SPAN_FIELDS:
            values += [None, None] if value is None else [value[0], value[1]]
        elif key in _JSON:
            values.append(_json(value))
        else:
            values.append(value)
    return values


def claim_record(values: Sequence[Any]) -> dict[str, Any]:
    """The values of ``CLAIM_COLUMNS`` back to the record :func:`claim_row` was given."""
    row = dict(zip(CLAIM_COLUMNS, values, strict=True))
    record: dict[str, Any] = {}
    for key in FIELDS:
        if key in SPAN_FIELDS:
            start_column, end_column = span_columns(key)
            start, end = row[start_column], row[end_column]
            record[key] = None if start is None else [start, end]
        elif key in _JSON:
            record[key] = json.loads(row[key])
        else:
            record[key] = row[key]
    return record


def _facts(article: Article) -> tuple[str | None, str | None, str | None, str]:
    """What the articles table keeps beside an article: its url, outlet, date (as the
    views read them from its metadata; with the time, in UTC, where it gives one) and its
    text's fingerprint."""
    record = {ARTICLE_FIELD: article.to_dict()} if article.metadata else {}
    return (
        article_url(record),
        article_outlet(record),
        article_time(record),
        fingerprint(article.text),
    )


def copy_keys(article: Article) -> list[tuple[str, str]]:
    """What tells a copy of ``article``: ``("url", its URL)`` if it has one, and
    ``("text", its text's fingerprint)``."""
    url, _, _, digest = _facts(article)
    return [*([("url", url)] if url else []), ("text", digest)]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
