"""Property test: hostile records never lose a good one (issue 32).

Hypothesis builds JSON Lines and CSV feeds whose records have hostile ids and metadata (lone
surrogates, NaN and infinities, control characters, quotes, formula starts), and WARC crawls
whose records have hostile URLs, dates, titles and headers, and cuts a small feed or crawl at
any byte. For every feed, through ``claimx extract -f jsonl``:
- every good record is written exactly once;
- every bad or cut record is named in one line on stderr, and the exit code is 1 if and only
  if there is one.
The library is swapped for the tiny regex extractor (``fake_library``): this tests the
readers and the shell, not the linguistics.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FAKE_CLI_SCRIPT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claimx.cli import cli

TESTS = Path(__file__).resolve().parent

TEXT = 'Tom Lee said "it was fine today".'
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(["\udc00", "\ud800", "\x00", "\x1b", '"', "=", "@", "\n", "\r", "-"]),
    ),
    max_size=12,
)
hostile_value = st.one_of(
    hostile_text,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.none(),
    st.booleans(),
)


def has_surrogate(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def extract(path: Path) -> tuple[int, list[dict[str, Any]], list[str]]:
    result = CliRunner().invoke(cli, ["extract", str(path), "-f", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # lines as a terminal shows them: a NEL or U+2028 in a name does not end one
    err = result.stderr.removesuffix("\n").split("\n") if result.stderr else []
    return result.exit_code, records, err


@SETTINGS
@given(
    st.lists(
        st.tuples(hostile_text, st.dictionaries(st.sampled_from("abc"), hostile_value)),
        min_size=1,
        max_size=6,
    )
)
def test_every_good_json_lines_record_is_written_once_and_every_bad_one_named(
    fake_library: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, rows: list[Any]
) -> None:
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    lines = []
    for n, (ident, fields) in enumerate(rows):
        record = {"id": f"{n}-{ident}", **fields, "text": TEXT}
        lines.append(json.dumps(record))  # NaN as NaN, a lone surrogate as \\udc00
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = extract(path)
    bad = {n + 1 for n, (ident, _) in enumerate(rows) if has_surrogate(ident)}
    good = [n for n in range(len(rows)) if n + 1 not in bad]
    written = [int(r["article"]["id"].split("-", 1)[0]) for r in out]
    assert sorted(written) == good  # each good record once, in order
    errors = [e for e in err if e.startswith("claimx: error:")]
    assert len(errors) == len(bad)
    assert all(any(f"feed.jsonl:{n} " in e for e in errors) for n in bad)
    assert code == (1 if bad else 0)
    for r in out:  # what was mended is strict JSON
        for value in r["article"].values():
            assert not (isinstance(value, float) and not math.isfinite(value))


@SETTINGS
@given(st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=5), st.data())
def test_a_csv_feed_cut_anywhere_keeps_each_whole_row_once_and_names_the_cut(
    fake_library: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str]],
    data: st.DataObject,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "title", "text"])
    clean = [(f"{n}-{i}", t) for n, (i, t) in enumerate(rows)]
    clean = [(i, t) for i, t in clean if not has_surrogate(i + t) and "\x00" not in i + t]
    for ident, title in clean:
        writer.writerow([ident, title, TEXT])
    whole = buffer.getvalue().encode("utf-8")
    cut = data.draw(st.integers(min_value=len(whole) // 2, max_value=len(whole)))
    path = tmp_path_factory.mktemp("feed") / "feed.csv"
    path.write_bytes(whole[:cut])
    code, out, err = extract(path)
    written = [r["article"]["id"] for r in out]
    assert len(written) == len(set(written))  # none twice
    expected = [i for i, _ in clean]
    assert written == expected[: len(written)]  # the rows before the cut, in order
    if cut == len(whole):
        assert written == expected and code == 0
    errors = [e for e in err if e.startswith("claimx: error:")]
    assert len(errors) <= 1
    assert code == (1 if errors else 0)


# WARC: the id of an article is its record's WARC-Target-URI. A URL carries its record's
# number (``https://example.com/3-…``), then hostile text: anything a header line can hold
# (a CR or LF would end the line; warcio strips the value's ends and turns spaces into %20).
# It is an http(s) URL: warcio reads a response's HTTP headers for no other scheme.
WARC_KINDS = {
    # kind: (WARC-Type, HTTP status line and Content-Type, written: good, bad or passed over)
    "page": ("response", "200 OK|text/html; charset=utf-8", "good"),
    "resource": ("resource", "text/html", "good"),
    "pdf": ("response", "200 OK|application/pdf", "bad"),  # not a page: an error, alone
    "redirect": ("response", "301 Moved Permanently|text/html", "over"),
    "request": ("request", "", "over"),
}
header_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n"),
        st.sampled_from(["\x00", "\x1b", '"', "=", "@", "-", " ", "%", "<", ">", "\t", "\x85"]),
    ),
    max_size=12,
)
url_text = st.one_of(header_text, st.builds("{} {}".format, header_text, header_text))
warc_record = st.tuples(
    st.sampled_from(sorted(WARC_KINDS)), url_text, header_text, hostile_text, header_text
)


def warc_page(title: str) -> bytes:
    """A page whose article text is TEXT, under a hostile title (a lone surrogate as the
    bytes that would encode it: not UTF-8)."""
    page = (
        f"<html><head><title>{html.escape(title)}</title></head><body><article>"
        f"<h1>Report</h1><p>{TEXT}</p></article></body></html>"
    )
    return page.encode("utf-8", "surrogatepass")


def hostile_warc(records: list[tuple[str, str, str, str, str]], compress: bool) -> bytes:
    """A warcinfo record, then one record for each of ``records`` (kind, URL text, WARC-Date,
    page title, a header's value); the same bytes on every run."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    info = {"WARC-Record-ID": "<urn:uuid:0>", "WARC-Date": "2024-03-05T00:00:00Z"}
    fields = io.BytesIO(b"software: test\r\n")
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=fields,
            warc_content_type="application/warc-fields",
            warc_headers_dict=info,
        )
    )
    for n, (kind, ident, date, title, value) in enumerate(records):
        url = f"https://example.com/{n}-{ident}"
        # a WARC-Date of its own (an empty one would get the time now)
        headers = {"WARC-Record-ID": f"<urn:uuid:{n + 1}>", "WARC-Date": f"2024{date}"}
        headers["X-Note"] = value
        rec_type, head, _ = WARC_KINDS[kind]
        http = None
        if rec_type == "request":
            payload = f"GET /{n} HTTP/1.1\r\n\r\n".encode()
        else:
            payload = warc_page(title) if "html" in head else b"%PDF-1.4"
        if rec_type == "response":
            status, content_type = head.split("|")
            pairs = [("Content-Type", content_type), ("X-Note", value)]
            http = StatusAndHeaders(status, pairs, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            rec_type,
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_content_type=head if rec_type == "resource" else "",
            warc_headers_dict=headers,
        )
        writer.write_record(record)
    return out.getvalue()


def record_spans(data: bytes, compress: bool) -> list[tuple[int, int, int]]:
    """For each record of a whole WARC: where it starts, where its content ends (the first
    cut that leaves its headers and Content-Length bytes of content whole) and where it ends
    (its two blank lines and, gzipped, its member's trailer follow its content)."""
    from warcio.archiveiterator import ArchiveIterator

    archive = ArchiveIterator(io.BytesIO(data))
    starts = [archive.get_record_offset() for _ in archive]
    spans = []
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        chunk = data[start:end]
        raw = zlib.decompress(chunk, wbits=31) if compress else chunk
        head = raw.index(b"\r\n\r\n") + 4
        length = re.search(rb"\r\nContent-Length: (\d+)\r\n", raw[:head])
        assert length is not None
        content = head + int(length[1])
        if not compress:
            spans.append((start, start + content, end))
            continue
        done = next(
            cut
            for cut in range(1, len(chunk) + 1)
            if len(zlib.decompressobj(wbits=31).decompress(chunk[:cut])) >= content
        )
        spans.append((start, start + done, end))
    return spans


@settings(SETTINGS, max_examples=80)
@given(st.lists(warc_record, min_size=1, max_size=4), st.booleans(), st.data())
def test_a_warc_cut_anywhere_keeps_each_whole_page_once_and_names_the_cut_and_the_bad(
    fake_library: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    records: list[tuple[str, str, str, str, str]],
    compress: bool,
    data: st.DataObject,
) -> None:
    whole = hostile_warc(records, compress)
    spans = record_spans(whole, compress)
    cut = data.draw(st.integers(min_value=0, max_value=len(whole)), label="cut")
    # A cut past a record's content, in its two blank lines (or, gzipped, the end of its
    # member: the last bits of the deflate stream, the CRC and length), leaves every byte
    # the record says it has: neither warcio nor claimx can tell it from a whole record, so
    # such a cut is no test of either. Every other cut is.
    assume(not any(done <= cut < end for _, done, end in spans))
    path = tmp_path_factory.mktemp("crawl") / "crawl.warc"
    path.write_bytes(whole[:cut])
    code, out, err = extract(path)

    # records numbered as claimx numbers them: the warcinfo is 1, records[n] is n + 2
    whole_records = [n for n, (_, _, end) in enumerate(spans[1:]) if end <= cut]
    kinds = [WARC_KINDS[kind][2] for kind, *_ in records]
    good = [n for n in whole_records if kinds[n] == "good"]
    bad = [n + 2 for n in whole_records if kinds[n] == "bad"]
    cut_in = [k + 1 for k, (start, _, end) in enumerate(spans) if start < cut < end]

    written = [int(re.match(r"https://example\.com/(\d+)-", r["article"]["id"])[1]) for r in out]
    assert written == good  # each whole page once (one claim each), in order
    errors = [e for e in err if e.startswith("claimx: error:")]
    assert len(errors) == len(bad) + len(cut_in), err
    for k in bad:
        assert sum(f" record {k} (" in e and "not an HTML page" in e for e in errors) == 1
    for k in cut_in:  # the cut record, or where the file stops being a WARC
        assert any(
            f" record {k} " in e or f" record {k} (" in e or f"after record {k - 1} " in e
            for e in errors
        ), errors
    assert code == (1 if errors else 0)
    assert all(e.startswith("claimx: ") for e in err), err  # nothing else on stderr


def test_a_space_in_a_warc_url_puts_no_line_of_warcio_on_stderr(tmp_path: Path) -> None:
    """warcio logs a warning as it makes a URL's space %20, which went to stderr as a line of
    its own (pytest captures what is logged, so this runs claimx in a process of its own)."""
    path = tmp_path / "crawl.warc"
    path.write_bytes(hostile_warc([("page", "a b", "", "", "")], compress=False))
    script = FAKE_CLI_SCRIPT + "sys.argv = ['claimx', 'extract', *sys.argv[2:]]\nmain()\n"
    done = subprocess.run(
        [sys.executable, "-c", script, str(TESTS), str(path), "-f", "jsonl"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "claimx: 1 article, 1 claim\n")
    assert json.loads(done.stdout)["article"]["id"] == "https://example.com/0-a%20b"
