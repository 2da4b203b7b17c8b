"""Corpora: the articles of a saved page, a WARC file, JSON Lines and CSV, read as streams."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path, PurePath
from typing import Any

import pytest

from claimx.corpora import (
    Bookmark,
    ReadOptions,
    detect_format,
    file_name,
    html_article,
    language_problem,
    read_articles,
)
from claimx.errors import InputError
from claimx.inputs import expand
from claimx.types import Article

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bridge to reopen | The Daily</title>
<meta property="og:site_name" content="The Daily"><meta name="date" content="2024-03-05">
<link rel="canonical" href="https://example.com/bridge"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Bridge to reopen in May</h1>
<p>Jane Smith said &quot;The bridge will reopen in May.&quot; The city has spent months on
repairs to the old steel span.</p>
<p>Budget experts said the plan &ldquo;does not add up,&rdquo; according to a memo seen by
reporters on Tuesday.</p>
<p>Tom Lee said &quot;It is too late.&quot; Residents of the east bank have waited for more
than a year.</p>
</article>
<footer><p>Copyright 2024 The Daily. Jane Doe said "subscribe now".</p></footer>
</body></html>
"""
EMPTY_PAGE = "<html><head><title>Gallery</title></head><body><img src=a.jpg></body></html>"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def read(path: Path, **options: str) -> tuple[list[Article], list[tuple[str, bool]]]:
    """The articles of ``path`` and the problems met, as strings."""
    problems: list[tuple[str, bool]] = []
    (item,) = expand(str(path))
    found = list(
        read_articles(
            item,
            ReadOptions(**options),
            on_problem=lambda exc, skipped: problems.append((str(exc), skipped)),
        )
    )
    return found, problems


def warc(records: list[tuple[str, str, str, bytes]], compress: bool = True) -> bytes:
    """A WARC file: a warcinfo record, then (type, url, status line or content type,
    payload) records, made with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    for kind, url, head, payload in records:
        if kind == "response":
            status, content_type = head.split("|")
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=http
            )
        else:
            record = writer.create_warc_record(url, kind, payload=io.BytesIO(payload))
        writer.write_record(record)
    return out.getvalue()


CRAWL = [
    ("request", "https://example.com/bridge", "", b"GET /bridge HTTP/1.1\r\n\r\n"),
    ("response", "https://example.com/bridge", "200 OK|text/html; charset=utf-8", PAGE.encode()),
    ("response", "https://example.com/old", "301 Moved Permanently|text/html", b""),
    ("response", "https://example.com/report.pdf", "200 OK|application/pdf", b"%PDF-1.4"),
    ("response", "https://example.com/gallery", "200 OK|text/html", EMPTY_PAGE.encode()),
    ("metadata", "https://example.com/bridge", "", b"via: test\r\n"),
]


def test_a_page_gives_its_main_text_and_metadata(tmp_path: Path) -> None:
    (article,), problems = read(write(tmp_path / "page.html", PAGE))
    assert problems == []
    assert article.text.splitlines() == [
        "Bridge to reopen in May",
        'Jane Smith said "The bridge will reopen in May." The city has spent months on '
        "repairs to the old steel span.",
        "Budget experts said the plan \u201cdoes not add up,\u201d according to a memo seen by "
        "reporters on Tuesday.",
        'Tom Lee said "It is too late." Residents of the east bank have waited for more than '
        "a year.",
    ]
    assert "<" not in article.text and "&" not in article.text  # no markup, no entities
    assert "Copyright" not in article.text and "Home" not in article.text  # no boilerplate
    assert article.metadata == {
        "title": "Bridge to reopen in May",
        "date": "2024-03-05",
        "url": "https://example.com/bridge",
        "sitename": "The Daily",
    }
    assert (article.id, article.relpath) == (str(tmp_path / "page.html"), PurePath("page"))


def test_the_derived_text_is_the_same_every_time(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", PAGE)
    assert read(path)[0][0].text == read(path)[0][0].text == html_article(PAGE.encode())[0]


def test_a_page_in_another_encoding(tmp_path: Path) -> None:
    page = PAGE.replace("utf-8", "windows-1252").replace("Jane Smith", "Ren\u00e9 Roy")
    (article,), _ = read(write(tmp_path / "page.htm", page.encode("cp1252")))
    assert "Ren\u00e9 Roy said" in article.text


def test_a_page_without_article_text_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "gallery.html", EMPTY_PAGE)
    assert read(path) == (
        [],
        [
            (
                f"{path} has no article text that trafilatura could find (a front page, a "
                "gallery?); skipped; nothing to do if it is no article",
                True,
            )
        ],
    )


@pytest.mark.parametrize("compress", [True, False])
def test_a_warc_gives_one_article_per_html_response(tmp_path: Path, compress: bool) -> None:
    path = write(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), warc(CRAWL, compress))
    (article,), problems = read(path)
    assert article.id == "https://example.com/bridge"
    assert article.text == html_article(PAGE.encode())[0]
    assert article.metadata is not None and article.metadata["title"] == "Bridge to reopen in May"
    assert str(article.metadata["fetched"]).endswith("Z")
    assert article.label == f"{path} record 3 (https://example.com/bridge)"
    assert article.relpath == PurePath(path.name) / "https%3A%2F%2Fexample.com%2Fbridge"
    assert problems == [
        (
            f"{path} record 5 (https://example.com/report.pdf) is application/pdf, not an HTML "
            "page; claimx reads a WARC's HTML responses; the other records were read",
            False,
        ),
        (
            f"{path} record 6 (https://example.com/gallery) has no article text that "
            "trafilatura could find (a front page, a gallery?); skipped; nothing to do if it is "
            "no article",
            True,
        ),
    ]


@pytest.mark.parametrize("compress", [True, False])
def test_a_cut_warc_keeps_the_records_before_the_cut(tmp_path: Path, compress: bool) -> None:
    whole = warc(CRAWL[:2] * 2, compress)
    path = write(tmp_path / "crawl.warc", whole[: len(warc(CRAWL[:2], compress)) + 30])
    found, problems = read(path)
    assert [a.id for a in found] == ["https://example.com/bridge"]
    if not compress:  # warcio ends a gzipped WARC at its last whole record, quietly
        ((problem, skipped),) = problems
        assert problem.startswith(f"{path} is not a WARC file, or not after record 3 (")
        assert not skipped


# Files of records with something wrong between and in their articles, for reading on from
# the middle: bookmarks must give what reading from the start gives from there on.
MESSY_JSONL = b"".join(
    [
        b"\xef\xbb\xbf\n",  # a byte order mark, then a blank line
        b'{"id": "a", "text": "Ames said the road was closed."}\n',
        b"not json\n",
        b'{"id": "b"}\n',  # no text: not an article
        b'{"id": "c", "text": "Smith said \\"it is late.\\""}\r\n',
        b'{"id": "d", "text": "caf\xe9"}\n',  # Latin-1: cannot be decoded
        b'{"id": "e", "text": "Lee said so."}\n',
        b"[1]\n",
        b'{"id": "f", "text": "F said no.", "desk": "wire"}\n',
        b'{"id": "g", "text": "G said yes."}',  # no line end
    ]
)
MESSY_CSV = (
    b"id,text,desk\n"
    b'a,"Ames said the road\nwas closed.",wire\n'
    b"b,too,many,cells\n"
    b"\n"
    b'c,"Smith said ""it is late.""\r\n",city\n'
    b"x,two cells\n"
    b"d,,\n"
    b'e,"Lee said\n\nso.",wire\n'
    b"f,F said no.,wire\n"
)
MESSY = {
    "feed.jsonl": MESSY_JSONL,
    "feed.jsonl.gz": gzip.compress(MESSY_JSONL),
    "feed.csv": MESSY_CSV,
    "feed.csv.gz": gzip.compress(MESSY_CSV),
    "crawl.warc.gz": warc(CRAWL * 2),
    "crawl.warc": warc(CRAWL * 2, compress=False),
}


def events(path: Path, start: Bookmark | None = None) -> tuple[list[Any], list[Bookmark | None]]:
    """What reading ``path`` meets, in order (each article as skip sees it, what cannot be
    read, the articles given), and where each article's record starts."""
    met: list[Any] = []
    places: list[Bookmark | None] = []

    def skip(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        met.append(("met", ident, label))
        return False

    (item,) = expand(str(path))
    for article in read_articles(
        item,
        on_problem=lambda exc, skipped: met.append(("problem", str(exc), skipped)),
        skip=skip,
        start=start,
        on_place=places.append,
    ):
        met.append(("article", article.id, article.text, article.metadata))
    return met, places


@pytest.mark.parametrize("name", sorted(MESSY))
def test_reading_on_from_an_articles_bookmark_gives_what_follows_it(
    tmp_path: Path, name: str
) -> None:
    path = write(tmp_path / name, MESSY[name])
    whole, places = events(path)
    firsts = [i for i, event in enumerate(whole) if event[0] == "met"]
    assert len(firsts) == len(places) >= 4
    assert any(event[0] == "problem" for event in whole[firsts[1] :])
    for first, place in zip(firsts, places, strict=True):
        assert place is not None
        assert events(path, place)[0] == whole[first:]


def test_utf16_records_have_no_bookmarks(tmp_path: Path) -> None:
    lines = '{"id": "a", "text": "One."}\n{"id": "b", "text": "Two."}\n'
    path = write(tmp_path / "feed.jsonl", lines.encode("utf-16"))
    met, places = events(path)
    assert [event[1] for event in met if event[0] == "article"] == ["a", "b"]
    assert places == [None, None]


def test_formats_by_extension_then_content(tmp_path: Path) -> None:
    cases = {
        "a.txt": "{not json}",
        "b.HTML": "text",
        "c.jsonl.gz": gzip.compress(b"{}"),
        "d.dat": '{"text": "x"}\n',
        "e.dat": "<!doctype html><p>x</p>",
        "f.dat": warc(CRAWL[:2]),
        "g": "Plain text.",
        "h.csv": "text\nx\n",
    }
    kinds = {
        name: detect_format(expand(str(write(tmp_path / name, data)))[0])
        for name, data in cases.items()
    }
    assert kinds == {
        "a.txt": "text",
        "b.HTML": "html",
        "c.jsonl.gz": "jsonl",
        "d.dat": "jsonl",
        "e.dat": "html",
        "f.dat": "warc",
        "g": "text",
        "h.csv": "csv",
    }
    assert detect_format(expand(str(tmp_path / "a.txt"))[0], "jsonl") == "jsonl"
    assert detect_format(expand("-")[0]) is None  # stdin is looked at only when read


def test_records_stream_one_at_a_time(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl", "".join(json.dumps({"text": f"t{i}"}) + "\n" for i in range(3))
    )
    (item,) = expand(str(path))
    articles = read_articles(item)
    first = next(articles)
    path.write_text("")  # a stream is read as asked: what was read stays read
    assert first.text == "t0"


def test_without_on_problem_the_first_problem_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", "oops\n")
    (item,) = expand(str(path))
    with pytest.raises(InputError, match=r"feed.jsonl:1 is not valid JSON"):
        list(read_articles(item))


def test_file_names_for_ids() -> None:
    assert file_name("a1") == "a1"
    assert file_name("https://x.org/a?b=1") == "https%3A%2F%2Fx.org%2Fa%3Fb=1"
    assert file_name(".env") == "%2Eenv"
    assert file_name("..") == "%2E."
    long = file_name("x" * 300)
    assert len(long) == 167 and long.startswith("x" * 150 + "~")
    assert file_name("x" * 300) != file_name("x" * 299 + "y")


def test_language_problem() -> None:
    english = "The mayor said that the bridge would reopen in May, and that it was safe. " * 5
    german = "Der Bürgermeister sagte, die Brücke werde im Mai wieder geöffnet und sei sicher. " * 5
    assert language_problem(Article("a", "a", english)) is None
    assert language_problem(Article("a", "a", german)) == (
        "does not look like English (0% of its words are common English ones)"
    )
    assert language_problem(Article("a", "a", "Kurz.")) is None  # too short to tell
    assert language_problem(Article("a", "a", "x", {"language": "en-GB"})) is None
    assert language_problem(Article("a", "a", "x", {"lang": "de"})) == (
        "is in 'de', its language field says"
    )


def test_seed_articles_look_english() -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        assert language_problem(Article("a", "a", path.read_text(encoding="utf-8"))) is None
