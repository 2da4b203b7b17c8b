"""Issue 31's papercuts: read_articles on a path, --db leaving one file, Dask's leftover
temporary files and Ctrl-C, a saved page's outlet, and stdin's source in CSV."""

from __future__ import annotations

import csv
import gzip
import io
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Record, make_claim

from claimx.claimsource import iter_database
from claimx.corpora import detect_format, html_article, read_articles
from claimx.db import ClaimsDatabase
from claimx.facts import article_outlet
from claimx.inputs import expand
from claimx.types import Article
from claimx.writers import make_writer, write_records

TEXT = "Mayor Jane Smith said on Monday that the bridge would reopen in May.\n"
BODY = "<p>" + "The mayor said the bridge would reopen in May, officials said on Monday. " * 5
HEADLINE = "Bridge to reopen in May"
# schema.org's WebPage names the page by its headline, which trafilatura took for the site
WEB_PAGE = (
    '<script type="application/ld+json">'
    '{"@context": "https://schema.org", "@type": "WebPage", "name": "Bridge to reopen in May"}'
    "</script>"
)


def page(head: str, title: str = HEADLINE) -> str:
    """A saved page; its headline is its ``<title>`` up to a `` | ``."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head>"
        f"<body><article><h1>{title.split(' | ')[0]}</h1>{BODY}</p></article></body></html>"
    )


# 1. read_articles on a path


@pytest.mark.parametrize("kind", [str, Path])
def test_read_articles_takes_a_path(tmp_path: Path, kind: type[Any]) -> None:
    path = tmp_path / "news" / "a.txt"
    path.parent.mkdir()
    path.write_text(TEXT, encoding="utf-8")
    [article] = read_articles(kind(path))
    assert (article.source, article.id, article.text, article.metadata) == (
        str(path),
        str(path),
        TEXT,
        None,
    )
    # the very article the CLI's inputs give
    assert [article] == list(read_articles(expand(str(path))[0]))


def test_read_articles_takes_a_pages_path(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(page('<meta property="og:site_name" content="The Daily">'), encoding="utf-8")
    [article] = read_articles(path)
    assert article.metadata == {
        "title": HEADLINE,
        "date": None,
        "url": None,
        "sitename": "The Daily",
    }


def test_read_articles_takes_a_dash_for_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    [article] = read_articles("-")
    assert (article.source, article.text, article.label) == ("-", TEXT, "stdin")


# 2. --db: one file once closed


def test_a_closed_database_is_one_file(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    database = ClaimsDatabase(path)
    # while it writes: WAL, whose commits survive a killed run
    assert database.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    database.add(Article("a.txt", "a.txt", TEXT), [make_claim(source="a.txt").to_dict()])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.db", "c.db-shm", "c.db-wal"]
    database.close()
    assert [p.name for p in tmp_path.iterdir()] == ["c.db"]
    # what it wrote is in the file; reading it, read-only, leaves no -wal or -shm either
    assert [record["source"] for record in iter_database(path)] == ["a.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["c.db"]
    # and the next run writes in WAL mode again
    with ClaimsDatabase(path) as again:
        assert again.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert again.done("a.txt", "a.txt")
    assert [p.name for p in tmp_path.iterdir()] == ["c.db"]


def test_a_reader_keeps_the_log_until_it_closes(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    database = ClaimsDatabase(path)
    database.add(Article("a.txt", "a.txt", TEXT), [])
    reader = sqlite3.connect(path)  # Datasette, say, with the database open
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    database.close()  # cannot leave WAL mode now; nothing lost, and no error
    assert (tmp_path / "c.db-wal").exists()
    assert reader.execute("SELECT id FROM articles").fetchall() == [("a.txt",)]
    reader.close()  # the last connection folds the log in
    assert [p.name for p in tmp_path.iterdir()] == ["c.db"]


# 3. Dask: a resumed run removes the temporary files of an interrupted one


def test_a_resumed_run_removes_an_interrupted_runs_temporary_files(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from claimx import cluster as on_dask

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (corpus / name).write_text(TEXT, encoding="utf-8")
    (corpus / "feed.jsonl").write_text(
        "".join(f'{{"id": "r{i}", "text": "Officer Ames said so."}}\n' for i in range(3)),
        encoding="utf-8",
    )
    items = expand(str(corpus), ("*.txt", "*.jsonl"))
    parts = on_dask.plan(items, [detect_format(item) for item in items], size=2)
    out = tmp_path / "out"
    for part in parts:  # every partition done, as an interrupted run and its re-run left them
        target = on_dask.output_file(out, part)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(gzip.compress(b""))
    assert sorted(str(part.name) for part in parts) == [
        "a.txt+1",
        "c.txt",
        "feed.jsonl/000000-000001",
        "feed.jsonl/000002-000002",
    ]
    left = [
        out / ".a.txt+1.jsonl.gz.0123456789ab.tmp",  # what a killed task left
        out / ".c.txt.jsonl.gz.ba9876543210.tmp",
        out / "feed.jsonl" / ".000002-000002.jsonl.gz.00ff00ff00ff.tmp",
        out / "feed.jsonl" / ".000002-000003.jsonl.gz.00ff00ff00ff.tmp",  # a 2nd layout's
    ]
    kept = [
        out / ".z.txt.jsonl.gz.0123456789ab.tmp",  # no input of this run is named z.txt
        out / ".a.txt+1.jsonl.gz.draft.tmp",  # not the writer's name for a temporary file
        out / "notes.tmp",
    ]
    for path in left + kept:
        path.write_bytes(b"\x1f\x8b partial")

    client: Any = None  # every partition is done: no task, no cluster
    done = list(on_dask.extract_partitions(client, parts, out))

    assert [(d.name, d.skipped) for d in done] == [(str(part.name), True) for part in parts]
    assert [path for path in left + kept if path.exists()] == kept
    assert all(on_dask.output_file(out, part).exists() for part in parts)


def test_local_workers_leave_ctrl_c_to_the_client() -> None:
    pytest.importorskip("distributed")
    from claimx import cluster as on_dask

    before = signal.getsignal(signal.SIGINT)
    try:
        on_dask.dask_setup(None)  # as each worker of a local:N cluster runs it on start
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


# 4. A saved page's outlet is its site, never its headline


@pytest.mark.parametrize(
    ("head", "title", "sitename"),
    [
        # trafilatura's site name was the WebPage's name: the headline
        (WEB_PAGE, HEADLINE, None),
        # ... or a part of the <title> with a dot in it
        ("", "U.S. bridge to reopen in May | Daily", None),
        # then the page's own og:site_name
        (WEB_PAGE + '<meta property="og:site_name" content="The Daily">', HEADLINE, "The Daily"),
        # else the host of its canonical URL
        (
            WEB_PAGE + '<link rel="canonical" href="https://www.example-news.com/2024/bridge">',
            HEADLINE,
            "example-news.com",
        ),
        # a site name that is not the headline stays as trafilatura found it
        ('<meta property="og:site_name" content="The Daily Planet">', HEADLINE, "The Daily Planet"),
    ],
)
def test_a_pages_sitename_is_never_its_headline(
    head: str, title: str, sitename: str | None
) -> None:
    text, metadata = html_article(page(head, title))
    headline = title.split(" | ")[0]
    assert text.startswith(f"{headline}\nThe mayor said")
    assert metadata["title"] == headline
    assert metadata["sitename"] == sitename
    # what --outlet and the summary's "By outlet" go by: the site, or the URL's host
    outlet = article_outlet({"article": metadata})
    assert outlet == sitename


# 6. CSV: stdin's source, and negative numbers, are no formulas


def test_csv_leaves_a_lone_dash_and_negative_numbers_alone(parse: Any) -> None:
    texts = ["-", "-12", "-0.5", "-x", "-2+3", "- item", "'-", "=1", "@a"]
    article = Article("-", "1", TEXT, {"section": "-", "rank": "-3", "note": "-cmd"})
    records: list[Record] = [
        make_claim(source="-", speaker=text, quote=text).to_dict(article) for text in texts
    ]
    out = io.StringIO(newline="")
    write_records(make_writer("csv", out), records)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert {row["source"] for row in rows} == {"-"}
    expected = ["-", "-12", "-0.5", "'-x", "'-2+3", "'- item", "''-", "'=1", "'@a"]
    assert [row["quote"] for row in rows] == expected
    assert [row["speaker"] for row in rows] == expected
    assert {(row["article_section"], row["article_rank"], row["article_note"]) for row in rows} == {
        ("-", "-3", "'-cmd")
    }
    # and the documented rule (drop the first ' of a cell matching '+[=+\-@\t\r]) reads the
    # very records back
    assert parse("csv", out.getvalue()) == records
