"""Issue 32: files of records that are cut short, and record fields that no output can write
(NaN, Infinity, lone surrogates, NUL), named in one line each and never written broken."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from test_corpora import PAGE, warc

from claimx.cli import cli

SMITH = 'Jane Smith said \\"The bridge will reopen in May.\\"'
LEE = 'Tom Lee said \\"It is too late.\\"'
URLS = [f"https://example.com/p{n}" for n in range(3)]
PAGES = [PAGE, PAGE.replace("Jane Smith", "Ann Brown"), PAGE.replace("Jane Smith", "Max Hill")]
CUT_FIX = "check that the file is complete (a cut download?) and read it again"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def lines(text: str) -> list[str]:
    return text.splitlines()


def strict(text: str) -> Any:
    """JSON as a strict reader (a database's json_extract, jq) takes it: no NaN, no Infinity."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def ids(stdout: str) -> list[str]:
    """The article ids of ``-f jsonl`` output, once each, in order."""
    found = [json.loads(line)["article"]["id"] for line in lines(stdout)]
    return list(dict.fromkeys(found))


# 2. Truncated inputs: a cut record is named, never read as an article, and never stored


def crawl(compress: bool) -> tuple[bytes, list[int]]:
    """A WARC of three pages (records 2 to 4, after its warcinfo) and where each record
    starts, as warcio reads them."""
    from warcio.archiveiterator import ArchiveIterator

    html = "200 OK|text/html; charset=utf-8"
    data = warc(
        [("response", url, html, p.encode()) for url, p in zip(URLS, PAGES, strict=True)], compress
    )
    archive = ArchiveIterator(io.BytesIO(data))
    starts = [archive.get_record_offset() for _ in archive]
    return data, [*starts, len(data)]


def cut_in_payload(compress: bool) -> bytes:
    """The crawl cut two thirds into record 3, in the page that it holds."""
    data, starts = crawl(compress)
    return data[: starts[2] + (starts[3] - starts[2]) * 2 // 3]


@pytest.mark.parametrize("compress", [False, True])
def test_a_warc_cut_inside_a_record_names_it_and_fails(
    tmp_path: Path, fake_library: dict[str, Any], compress: bool
) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(cut_in_payload(compress))
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert ids(result.stdout) == URLS[:1]  # the record before the cut, and no more
    error, summary = lines(result.stderr)
    head = f"claimx: error: {path} record 3 ({URLS[1]}) is cut short ("
    assert error.startswith(head), error
    assert error.endswith(f" bytes): the file ends inside it, so it is not read; {CUT_FIX}")
    assert summary.endswith(", 1 failed")


@pytest.mark.parametrize("compress", [False, True])
def test_a_warc_cut_in_a_records_headers_names_it_and_fails(
    tmp_path: Path, fake_library: dict[str, Any], compress: bool
) -> None:
    data, starts = crawl(compress)
    # uncompressed: before its WARC-Date; gzipped: a few bytes into its gzip member
    end = data.index(b"WARC-Date", starts[2]) if not compress else starts[2] + 20
    path = tmp_path / "crawl.warc"
    path.write_bytes(data[:end])
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert ids(result.stdout) == URLS[:1]
    assert lines(result.stderr)[0] == (
        f"claimx: error: {path} record 3 is cut short in its headers: the file ends inside "
        f"it, so it is not read; {CUT_FIX}"
    )


def stored(sink: str, where: Path) -> dict[str, str]:
    """What a run wrote: its database's articles (id: metadata, claims, text) or its files."""
    if sink == "-o":
        return {str(p.relative_to(where)): p.read_text() for p in where.rglob("*") if p.is_file()}
    with sqlite3.connect(where) as conn:
        rows = conn.execute("SELECT id, metadata, text, claims FROM articles").fetchall()
    return {ident: f"{metadata} {claims} {text}" for ident, metadata, text, claims in rows}


def rerun(tmp_path: Path, sink: str, name: str, cut: bytes, whole: bytes) -> None:
    """A run on the cut file and one on the intact file store what one on the intact file
    alone does: the cut record was not stored as done."""
    where = tmp_path / ("out" if sink == "-o" else "claims.db")
    reference = tmp_path / ("reference" if sink == "-o" else "reference.db")
    path = tmp_path / name
    path.write_bytes(whole)
    assert run("extract", path, sink, reference).exit_code == 0
    path.write_bytes(cut)
    first = run("extract", path, sink, where)
    assert first.exit_code == 1 and "is cut short" in first.stderr
    path.write_bytes(whole)
    second = run("extract", path, sink, where)
    assert second.exit_code == 0, second.stderr
    assert ", 1 already done" in lines(second.stderr)[-1]
    assert stored(sink, where) == stored(sink, reference)


@pytest.mark.parametrize("sink", ["--db", "-o"])
@pytest.mark.parametrize("compress", [False, True])
def test_a_cut_warc_record_is_not_stored_so_a_rerun_reads_it(
    tmp_path: Path, fake_library: dict[str, Any], sink: str, compress: bool
) -> None:
    whole = crawl(compress)[0]
    rerun(tmp_path, sink, "crawl.warc", cut_in_payload(compress), whole)


# the text last: a cell cut short there leaves the row as many cells as the header
CSV = (
    "id,desk,text\n"
    'a,wire,"Jane Smith said ""The bridge will reopen in May."""\n'
    'b,city,"Tom Lee said ""It is too late.""\nResidents have waited for more than a year."\n'
)


@pytest.mark.parametrize("name", ["feed.csv", "feed.csv.gz"])
def test_a_csv_cut_inside_a_quoted_cell_names_the_row_and_fails(
    tmp_path: Path, fake_library: dict[str, Any], name: str
) -> None:
    cut = CSV[: CSV.index("Residents")].encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(cut) if name.endswith(".gz") else cut)
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert ids(result.stdout) == ["a"]
    assert lines(result.stderr) == [
        f"claimx: error: {path}:3 is cut short: a quoted cell runs on to the end of the file; "
        "check that the file is complete (a cut download?) and that its quotes close",
        "claimx: 1 article, 1 claim, 1 failed",
    ]


def test_a_csv_cut_in_its_header_is_named(tmp_path: Path, fake_library: dict[str, Any]) -> None:
    path = tmp_path / "feed.csv"
    path.write_text('id,"text')
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert lines(result.stderr)[0] == (
        f"claimx: error: {path} is cut short: a quoted cell of its header runs on to the end "
        "of the file; check that the file is complete (a cut download?) and that its quotes close"
    )


@pytest.mark.parametrize("sink", ["--db", "-o"])
def test_a_cut_csv_row_is_not_stored_so_a_rerun_reads_it(
    tmp_path: Path, fake_library: dict[str, Any], sink: str
) -> None:
    rerun(tmp_path, sink, "feed.csv", CSV[: CSV.index("Residents")].encode(), CSV.encode())


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz"])
def test_a_cut_json_lines_file_is_still_reported(
    tmp_path: Path, fake_library: dict[str, Any], name: str
) -> None:
    data = f'{{"id": "a", "text": "{SMITH}"}}\n{{"id": "b", "text": "{LEE}'.encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data)[:-12] if name.endswith(".gz") else data)
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert ids(result.stdout) == ["a"]
    assert lines(result.stderr)[0].startswith(f"claimx: error: {path}")


# 3. NaN and Infinity in record fields: read as null, with a warning; the output is strict JSON

NAN_FEED = (
    f'{{"id": "a", "text": "{SMITH}", "n": 1e999, "x": NaN, "y": -Infinity, "desk": "wire"}}\n'
    f'{{"id": "b", "text": "{LEE}", "n": 2}}\n'
)
NAN_WARNING = (
    "claimx: warning: {path}:1 has NaN or an infinite number in its fields 'n', 'x', 'y', "
    "which JSON cannot hold; read as null"
)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_nan_and_infinity_are_read_as_null_with_a_warning(
    tmp_path: Path, fake_library: dict[str, Any], fmt: str
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(NAN_FEED)
    result = run("extract", path, "-f", fmt)
    assert result.exit_code == 0
    assert lines(result.stderr) == [
        NAN_WARNING.format(path=path),
        "claimx: 2 articles, 2 claims",
    ]
    text = result.stdout
    records = strict(text) if fmt == "json" else [strict(line) for line in lines(text)]
    assert [record["article"] for record in records] == [
        {"id": "a", "n": None, "x": None, "y": None, "desk": "wire"},
        {"id": "b", "n": 2},
    ]
    assert [record["speaker"] for record in records] == ["Jane Smith", "Tom Lee"]


def test_nan_and_infinity_leave_valid_json_in_the_database(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(NAN_FEED)
    db = tmp_path / "claims.db"
    result = run("extract", path, "--db", db)
    assert result.exit_code == 0
    assert lines(result.stderr)[0] == NAN_WARNING.format(path=path)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, json_valid(metadata), json_extract(metadata, '$.n') FROM articles "
            "ORDER BY id"
        ).fetchall()
    assert rows == [("a", 1, None), ("b", 1, 2)]


# 4. Lone surrogates in record fields: replaced by U+FFFD, with a warning; nothing crashes

SURROGATE_FEED = (
    f'{{"id": "a", "text": "{SMITH}", "title": "T\\udc00", "t\\ud800": "k"}}\n'
    f'{{"id": "b", "text": "{LEE}", "title": "fine"}}\n'
)


def surrogate_warning(where: str) -> str:
    return (
        f"claimx: warning: {where} has a lone surrogate (half of a UTF-16 pair, not text) in "
        "its fields 'title', 't\\ud800'; replaced by U+FFFD"
    )


@pytest.mark.parametrize(
    "args",
    [("-f", "json"), ("-f", "jsonl"), ("-o", "out", "-f", "jsonl"), ("--db", "claims.db")],
    ids=["json", "jsonl", "folder", "db"],
)
def test_a_lone_surrogate_in_a_field_is_replaced_with_a_warning(
    tmp_path: Path, fake_library: dict[str, Any], args: tuple[str, ...]
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(SURROGATE_FEED)
    argv = [tmp_path / a if a in ("out", "claims.db") else a for a in args]
    result = run("extract", path, *argv)
    assert result.exit_code == 0, result.stderr
    assert lines(result.stderr)[0] == surrogate_warning(f"{path}:1")
    if "--db" in args:
        with sqlite3.connect(tmp_path / "claims.db") as conn:
            rows = conn.execute("SELECT id, metadata FROM articles ORDER BY id").fetchall()
        articles = [{"id": ident, **strict(metadata)} for ident, metadata in rows]
    else:
        if "-o" in args:
            folder = tmp_path / "out" / "feed.jsonl"
            text = "".join((folder / f"{ident}.jsonl").read_text() for ident in "ab")
        else:
            text = result.stdout
        records = strict(text) if "json" in args else [strict(line) for line in lines(text)]
        articles = [record["article"] for record in records]
    assert articles == [
        {"id": "a", "title": "T\ufffd", "t\ufffd": "k"},
        {"id": "b", "title": "fine"},
    ]


def test_a_lone_surrogate_in_a_csv_cell_is_replaced_with_a_warning(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    # The one line that is not UTF-8 (its é) is decoded with --encoding, which reads the
    # escape as half of a UTF-16 pair.
    path = tmp_path / "feed.csv"
    path.write_bytes(
        b"id,text,title\n"
        b'a,"Jane Smith said ""The bridge will reopen in May.""",T\\udc00 caf\xe9\n'
        b'b,"Tom Lee said ""It is too late.""",fine\n'
    )
    result = run("extract", path, "-f", "jsonl", "--encoding", "raw_unicode_escape")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stderr) == [
        f"claimx: warning: {path}:2 has a lone surrogate (half of a UTF-16 pair, not text) in "
        "its field 'title'; replaced by U+FFFD",
        "claimx: 2 articles, 2 claims",
    ]
    articles = [strict(line)["article"] for line in lines(result.stdout)]
    assert articles == [{"id": "a", "title": "T\ufffd café"}, {"id": "b", "title": "fine"}]


# Minor: NUL in a record's text is refused, as in a text file


def test_nul_in_a_records_text_is_refused_as_in_a_file(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        f'{{"id": "a", "text": "Jane\\u0000 said so."}}\n{{"id": "b", "text": "{LEE}"}}\n'
    )
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert ids(result.stdout) == ["b"]
    assert lines(result.stderr)[0] == (
        f"claimx: error: {path}:1 has a NUL character in its 'text' field (character 4), "
        "not article text; remove it from the record"
    )


def test_a_number_too_long_for_python_is_named_not_a_crash(
    tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(f'{{"id": "a", "text": "x", "n": {"1" * 5000}}}\n{{"text": "{LEE}"}}\n')
    result = run("extract", path, "-f", "jsonl")
    assert result.exit_code == 1
    assert ids(result.stdout) == ["2"]
    assert lines(result.stderr)[0] == (
        f"claimx: error: {path}:1 cannot be read as JSON (Exceeds the limit (4300 digits) for "
        "integer string conversion); fix or remove the line"
    )
