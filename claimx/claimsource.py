"""Claims read back for the corpus views (``claimx network``, ``claimx summary``): from JSON
Lines as ``claimx extract -f jsonl`` writes them (gzipped or not), from a claims database
(``claimx extract --db``), or from the JSON or YAML files of ``extract -o``, as one stream
of claim records.

A record is what :meth:`Claim.to_dict` makes, the ``article`` mapping included where the
article came with metadata: a database gives back exactly the records that ``-f jsonl``
prints for the same run. Both are read record by record (the database through one cursor),
so memory does not grow with the number of claims.

:class:`ClaimFilter` picks claims by speaker type and by their article's date and outlet,
which news exports name in many ways: see :data:`DATE_KEYS` and :data:`OUTLET_KEYS`.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .db import (
    CLAIM_COLUMNS,
    SCHEMA_VERSION,
    UPGRADES,
    DatabaseError,
    claim_record,
    open_read_only,
)
from .errors import InputError
from .facts import article_date, article_outlet, is_iso_date
from .inputs import Problem, printable
from .types import ARTICLE_FIELD, SPEAKER_JOINER, Article, Record

#: Files of one article's claims that ``extract -o`` writes, by extension, and their kind.
DOCUMENT_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
#: The first bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
_GZIP = b"\x1f\x8b"
#: The keys every claim record has and an article record (JSON Lines of articles) has not:
#: how a JSON Lines file of claims is told from one of articles.
CLAIM_KEYS = frozenset({"speaker", "speaker_type", "cue", "quote", "kind", "targets"})
_FIX = (
    "give claims as `claimx extract -f jsonl` writes them (gzipped or not), a database of "
    "`claimx extract --db`, or articles"
)


def claims_kind(path: str | Path) -> str | None:
    """What a file holds, by its first bytes: ``"db"`` (a claims database), ``"jsonl"``
    (JSON Lines of claim records, gzipped or not), ``"json"`` or ``"yaml"`` (one article's
    claims as ``extract -o`` writes them in those formats, found by the file's extension),
    or None (anything else, such as articles, which are to be extracted first; or a file
    that cannot be read)."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix in DOCUMENT_SUFFIXES:
            _document(path, DOCUMENT_SUFFIXES[suffix])
            return DOCUMENT_SUFFIXES[suffix]
        with open(path, "rb") as raw:
            head = raw.read(len(SQLITE_HEADER))
            if head == SQLITE_HEADER:
                return "db"
            raw.seek(0)
            for line in _unzipped(raw):
                if line.strip():
                    record = json.loads(line)
                    is_claim = isinstance(record, dict) and record.keys() >= CLAIM_KEYS
                    return "jsonl" if is_claim else None
    except (OSError, EOFError, ValueError, zlib.error, InputError):  # ValueError: not JSON
        return None
    return None


def iter_claims(path: str | Path, *, on_problem: Problem | None = None) -> Iterator[Record]:
    """The claim records in ``path``, in the order they were written: a claims database,
    JSON Lines of claims (gzipped or not), or one article's claims in JSON or YAML.

    on_problem: told of a line that is not a claim record (as an :class:`InputError`, with
        ``skipped=False``); the rest is read on. Without it, the first such line raises.
        A database that is not claimx's raises :class:`~claimx.db.DatabaseError`.
    """
    kind = DOCUMENT_SUFFIXES.get(Path(path).suffix.lower())
    if kind is not None:
        yield from _document(path, kind)
        return
    with open(path, "rb") as raw:
        head = raw.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        yield from iter_database(path)
    else:
        yield from iter_jsonl(path, on_problem=on_problem)


def _document(path: str | Path, kind: str) -> list[Record]:
    """The claim records of one JSON or YAML file that ``extract -o`` wrote: a list of
    records (empty for an article without claims); :class:`InputError` if it is not."""
    label = printable(str(path))
    with open(path, encoding="utf-8") as f:
        try:
            if kind == "json":
                value = json.load(f)
            else:
                value = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (ValueError, yaml.YAMLError) as exc:  # ValueError: not JSON or UTF-8
            raise InputError(label, f"is not valid {kind.upper()} ({exc})", _FIX) from exc
    records = value if isinstance(value, list) else None
    if records is None or not all(isinstance(r, dict) and r.keys() >= CLAIM_KEYS for r in records):
        raise InputError(label, "is not a list of claim records", _FIX)
    return records


def iter_jsonl(path: str | Path, *, on_problem: Problem | None = None) -> Iterator[Record]:
    """The claim records of a JSON Lines file, gzipped or not (see :func:`iter_claims`)."""
    label = printable(str(path))
    with open(path, "rb") as raw:
        for number, line in enumerate(_unzipped(raw), 1):
            if not line.strip():
                continue
            try:
                yield _claim_record(line, f"{label}:{number}")
            except InputError as exc:
                if on_problem is None:
                    raise
                exc.origin = label
                on_problem(exc, False)


def _unzipped(raw: io.BufferedReader) -> io.BufferedIOBase:
    """``raw`` (at its start), gunzipped if it is gzip."""
    zipped = raw.peek(2)[:2] == _GZIP
    return gzip.GzipFile(fileobj=raw, mode="rb") if zipped else raw


def _claim_record(line: bytes, where: str) -> Record:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        if where.endswith(":1") and line.lstrip().startswith(b"["):
            raise InputError(
                where, "is one JSON array, not JSON Lines", "write claims with -f jsonl"
            ) from exc
        raise InputError(where, f"is not valid JSON ({exc})", _FIX) from exc
    if not isinstance(record, dict) or not record.keys() >= CLAIM_KEYS:
        raise InputError(where, "is not a claim record", _FIX)
    return record


def iter_database(path: str | Path) -> Iterator[Record]:
    """The claim records of a claims database, as ``-f jsonl`` prints them, read through
    one cursor; the database is opened read-only."""
    conn = _open(path)
    try:
        columns = ", ".join(f"c.{column}" for column in CLAIM_COLUMNS)
        cursor = conn.execute(
            f"SELECT c.article, a.id, a.metadata, {columns} "
            "FROM claims c JOIN articles a USING (article) ORDER BY c.claim"
        )
        last: tuple[int, Record | None] = (-1, None)
        for key, ident, metadata, *values in cursor:
            if key != last[0]:  # claims come article by article: one mapping each
                last = (key, _article(ident, metadata))
            record = claim_record(values)
            if last[1] is not None:
                record[ARTICLE_FIELD] = last[1]
            yield record
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read claims from {path}: {exc}") from exc
    finally:
        conn.close()


def _open(path: str | Path) -> sqlite3.Connection:
    conn, tables, version = open_read_only(path)
    if not {"articles", "claims"} <= tables:
        conn.close()
        raise DatabaseError(
            f"{path} is a database of something else (no claims table); give one that "
            "claimx extract --db wrote"
        )
    if version != SCHEMA_VERSION and version not in UPGRADES:  # an older one's claims read
        conn.close()
        raise DatabaseError(
            f"{path} was written by another version of claimx (schema {version}, this one "
            f"reads {SCHEMA_VERSION}); extract its articles again with --db"
        )
    return conn


def _article(ident: str, metadata: str | None) -> Record | None:
    """An article's ``article`` mapping, as its claims carried it when written."""
    if metadata is None:
        return None
    return Article("", ident, "", json.loads(metadata)).to_dict()


def article_facts(article: Article) -> dict[str, str]:
    """What the article views show of an article besides its text: the ``title``,
    ``outlet`` and ``date`` its metadata gives (those it gives), in that order."""
    record = {ARTICLE_FIELD: article.to_dict()} if article.metadata else {}
    title = (article.metadata or {}).get("title")
    facts = {
        "title": title.strip() if isinstance(title, str) else None,
        "outlet": article_outlet(record),
        "date": article_date(record),
    }
    return {key: value for key, value in facts.items() if value}


def article_key(record: Mapping[str, Any]) -> tuple[str, str]:
    """What tells a claim's article from others: its input and its id (the input alone
    for an article without metadata, which is the whole input)."""
    source = record.get("source") or ""
    article = record.get(ARTICLE_FIELD) or {}
    return source, str(article.get("id", source))


def speakers(record: Mapping[str, Any]) -> list[str]:
    """The named speakers of a claim: several who share a cue (``Smith; Jones``) each;
    none for a claim with no named speaker."""
    speaker = record.get("speaker")
    if not speaker:
        return []
    return [name for name in (part.strip() for part in speaker.split(SPEAKER_JOINER)) if name]


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a view counts; every condition given must hold.

    speaker_types: the claim's ``speaker_type`` is one of these.
    since, until: its article's date (:func:`article_date`) is on or after ``since`` and on
        or before ``until``, each an ISO date or a prefix of one (``2016``, ``2016-03``),
        compared on as many characters as it has: ``until="2016-03"`` takes all of March.
        A claim whose article has no date is left out by either.
    outlets: its article's outlet (:func:`article_outlet`) is one of these, in any case.
    """

    speaker_types: Collection[str] = ()
    since: str | None = None
    until: str | None = None
    outlets: Collection[str] = ()

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not is_iso_date(value):
                raise ValueError(f"{name} must be an ISO date or a prefix (2016, 2016-03)")

    def __call__(self, record: Mapping[str, Any]) -> bool:
        """Whether ``record`` passes."""
        if self.speaker_types and record.get("speaker_type") not in self.speaker_types:
            return False
        if self.since is not None or self.until is not None:
            date = article_date(record)
            if date is None:
                return False
            if self.since is not None and date[: len(self.since)] < self.since:
                return False
            if self.until is not None and date[: len(self.until)] > self.until:
                return False
        if self.outlets:
            outlet = article_outlet(record)
            wanted = {name.casefold() for name in self.outlets}
            if outlet is None or outlet.casefold() not in wanted:
                return False
        return True
