"""--db: articles and claims in SQLite, read back with sqlite3; re-runs resume, even after
SIGKILL, to exactly the claims of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FAKE_CLI_SCRIPT, check_offsets, fake_claims
from test_cli import LEE, SMITH, articles, jsonl

from claimx.cli import cli
from claimx.db import CLAIM_COLUMNS, SCHEMA_VERSION, ClaimsDatabase
from claimx.types import FIELDS, Article

TESTS = Path(__file__).resolve().parent

FEED = [
    {"id": "a1", "url": "https://example.com/a1", "outlet": "The Daily", "text": SMITH},
    {"id": "a2", "url": "https://example.com/a2", "outlet": "The Daily", "text": LEE},
    {"id": "a3", "url": "https://example.com/a3", "outlet": "Wire", "text": "No claims."},
]


def extract(*args: str | Path) -> Any:
    result = CliRunner().invoke(cli, ["extract", *map(str, args)])
    return result


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def contents(path: Path) -> tuple[list[Any], list[Any]]:
    """Everything a database holds but its row ids: articles, and claims by their article."""
    articles = sorted(rows(path, "SELECT source, id, metadata, text, claims FROM articles"))
    columns = ", ".join(f"c.{column}" for column in CLAIM_COLUMNS)
    claims = sorted(
        rows(
            path, f"SELECT a.source, a.id, {columns} FROM claims c JOIN articles a USING (article)"
        )
    )
    return articles, claims


def test_articles_and_claims_read_back_with_sqlite3(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.jsonl": jsonl(FEED), "one.txt": SMITH})
    db = tmp_path / "claims.db"
    # one.txt has a1's text: stored as well, not as a copy
    result = extract("--db", db, "--keep-duplicates", paths["feed.jsonl"], paths["one.txt"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "claimx: 4 articles, 4 claims\n"
    assert rows(db, "SELECT source, id, metadata, claims FROM articles ORDER BY article") == [
        (
            str(paths["feed.jsonl"]),
            "a1",
            '{"url":"https://example.com/a1","outlet":"The Daily"}',
            1,
        ),
        (
            str(paths["feed.jsonl"]),
            "a2",
            '{"url":"https://example.com/a2","outlet":"The Daily"}',
            2,
        ),
        (str(paths["feed.jsonl"]), "a3", '{"url":"https://example.com/a3","outlet":"Wire"}', 0),
        (str(paths["one.txt"]), str(paths["one.txt"]), None, 1),
    ]
    # every claim's offsets index its article's text, as stored
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        joined = conn.execute(
            "SELECT claims.*, articles.text AS text FROM claims JOIN articles USING (article)"
        ).fetchall()
    for row in joined:
        record = {key: row[key] for key in FIELDS if key in row.keys()}  # noqa: SIM118 (in row: its values)
        record["quote_spans"] = json.loads(row["quote_spans"])
        record["targets"] = json.loads(row["targets"])
        for name in ("speaker", "cue", "target"):
            start, end = row[f"{name}_start"], row[f"{name}_end"]
            record[f"{name}_span"] = None if start is None else [start, end]
        check_offsets(row["text"], record)
    assert [row["speaker"] for row in joined] == ["Jane Smith", "Tom Lee", "Ann Wu", "Jane Smith"]
    # the same claims as the JSON output, joined to their article's metadata in SQL
    speakers = rows(
        db,
        "SELECT speaker, json_extract(a.metadata, '$.outlet') FROM claims "
        "JOIN articles a USING (article) WHERE speaker = 'Tom Lee'",
    )
    assert speakers == [("Tom Lee", "The Daily")]
    # full-text search on quotes, and the indexes Datasette and sqlite-utils use
    assert rows(db, "SELECT quote FROM claims_fts WHERE claims_fts MATCH 'late'") == [
        ("It is too late.",)
    ]
    indexes = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"claims_speaker", "claims_target", "claims_article"} <= indexes
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_a_rerun_skips_what_is_in_and_force_redoes_it(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.jsonl": jsonl(FEED)})
    db = tmp_path / "claims.db"
    assert extract("--db", db, paths["feed.jsonl"]).exit_code == 0
    whole = contents(db)
    with sqlite3.connect(db) as conn:  # as if the run had stopped before a2
        conn.execute("DELETE FROM claims WHERE article = 2")
        conn.execute("DELETE FROM articles WHERE article = 2")
    again = extract("--db", db, paths["feed.jsonl"])
    assert again.stderr == "claimx: 1 article, 2 claims, 2 already done\n"
    assert contents(db) == whole
    forced = extract("--db", db, "--force", paths["feed.jsonl"])
    assert forced.stderr == "claimx: 3 articles, 3 claims\n"
    assert contents(db) == whole
    assert rows(db, "SELECT rowid FROM claims_fts WHERE claims_fts MATCH 'time'") == rows(
        db, "SELECT claim FROM claims WHERE quote = 'It is on time.'"
    )


def test_a_file_that_is_not_claimx_s_database_is_refused(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH, "junk.db": "not a database " * 100})
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    for db, problem in (
        (paths["junk.db"], f"cannot use {paths['junk.db']} as claimx's database: file is not a"),
        (other, f"{other} is a database of something else (no articles table); give --db a"),
    ):
        result = extract("--db", db, paths["a.txt"])
        assert (result.exit_code, result.stdout) == (1, "")
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"claimx: error: {problem}")


def test_an_article_is_wholly_in_or_absent(tmp_path: Path) -> None:
    database = ClaimsDatabase(tmp_path / "c.db")
    article = Article("feed.jsonl", "x", SMITH, {"url": "u"}, "feed.jsonl:1")
    records = [claim.to_dict() | {"source": "feed.jsonl"} for claim in fake_claims(SMITH)]
    broken = [*records, {**records[0], "kind": object()}]  # the second claim cannot be stored
    with pytest.raises(Exception):  # noqa: B017 (whatever sqlite3 raises)
        database.add(article, broken)
    assert not database.done("feed.jsonl", "x")
    database.add(article, records)
    database.close()
    assert rows(tmp_path / "c.db", "SELECT count(*) FROM articles") == [(1,)]
    assert rows(tmp_path / "c.db", "SELECT count(*) FROM claims") == [(1,)]


# claimx extract --db in a process of its own, the fake extractor in place; KILL_AT=N
# SIGKILLs it inside the Nth article's transaction, its claims written, its COMMIT not.
KILLABLE = (
    FAKE_CLI_SCRIPT
    + """
kill_at = int(os.environ.get("KILL_AT", "0"))
insert = db.ClaimsDatabase._insert_claims
written = [0]

def killing(self, key, records):
    insert(self, key, records)
    written[0] += 1
    if written[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

db.ClaimsDatabase._insert_claims = killing
sys.argv = ["claimx", "extract", *sys.argv[2:]]
main()
"""
)


def run_killable(*args: str | Path, kill_at: int = 0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLABLE, str(TESTS), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "KILL_AT": str(kill_at)},
        timeout=120,
    )


def test_a_run_killed_mid_write_resumes_to_exactly_the_whole_run(tmp_path: Path) -> None:
    feed = [
        {"id": f"n{i}", "desk": i % 3, "text": (SMITH, LEE, "Nothing.")[i % 3] + f" Item {i}."}
        for i in range(12)
    ]
    paths = articles(tmp_path, {"feed.jsonl": jsonl(feed), "one.txt": LEE})
    inputs = (paths["feed.jsonl"], paths["one.txt"])
    whole = run_killable("--db", tmp_path / "whole.db", "-q", *inputs)
    assert whole.returncode == 0, whole.stderr
    part = tmp_path / "part.db"
    killed = run_killable("--db", part, *inputs, kill_at=5)
    assert killed.returncode == -signal.SIGKILL
    # four articles in, the fifth (whose claims were written) not at all
    assert rows(part, "SELECT id FROM articles ORDER BY article") == [
        ("n0",),
        ("n1",),
        ("n2",),
        ("n3",),
    ]
    assert rows(part, "SELECT count(*) FROM claims") == [(4,)]
    resumed = run_killable("--db", part, *inputs)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stderr == "claimx: 9 articles, 10 claims, 4 already done\n"
    assert contents(part) == contents(tmp_path / "whole.db")
    assert rows(part, "SELECT count(*) FROM claims") == [(14,)]  # none twice, none lost
    bank = "SELECT quote, text, speakers, articles, claims FROM quotes ORDER BY quote"
    assert rows(part, bank) == rows(tmp_path / "whole.db", bank)
