"""Corpora: the articles an input holds, each with its text and what came with it.

An input is one article (a text file, a saved HTML page) or many: JSON Lines or CSV with one
article per record, a WARC file with one per HTML response. Everything is read as a stream,
record by record and gzipped or not, so that memory does not grow with the input's size.
A record that cannot be read is reported and skipped; the rest of the input is read on.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from .errors import InputError
from .inputs import _BOMS, Input, Problem, as_input, decode
from .types import Article, Scalar

#: The kinds of input claimx reads.
FORMATS = ("text", "html", "jsonl", "csv", "warc")
#: What ``--input-format`` takes: a kind, or ``auto`` (the extension, else the content).
INPUT_FORMATS = ("auto", *FORMATS)
#: Kinds with many articles to a file, read record by record.
STREAMS = frozenset({"jsonl", "csv", "warc"})
_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".warc": "warc",
    ".arc": "warc",
}
_GZIP = b"\x1f\x8b"
if TYPE_CHECKING:
    #: An input's content: a buffered file, or what gunzips it; both can peek.
    Stream = io.BufferedReader[Any] | gzip.GzipFile
_HTML = re.compile(rb"\s*<(?:!doctype\s+html|html|head|body|meta|title|!--)", re.IGNORECASE)
#: Told whether to skip an article before its text is read or derived: its source, id,
#: ``relpath`` and label. It may raise :class:`InputError` (a duplicate id, say) to report it.
Skip = Callable[[str, str, PurePath, str], bool]
_SHOWN_FIELDS = 8
_ACCESS = "check that it exists and that you may read it"


@dataclass(frozen=True)
class Bookmark:
    """A place in a file of records to read on from without reading what comes before.

    offset: bytes into its content: the gunzipped text of JSON Lines or CSV, the file itself
        for a WARC (whose records are gzipped one by one).
    number: the line (JSON Lines, CSV) or record (WARC) that starts there, as counted from
        the file's start.
    """

    offset: int
    number: int


#: Told, as each article of a file of records is met (before :data:`Skip`), where its
#: record starts (None where that cannot be known, in UTF-16 text, say).
OnPlace = Callable[[Bookmark | None], None]


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read.

    input_format: one of ``INPUT_FORMATS``; ``auto`` decides file by file.
    text_field, id_field: the record fields (JSON Lines) or columns (CSV) holding an
        article's text and its id; a record without an id gets its line number.
    encoding: for bytes that are not UTF-8, tried only where UTF-8 fails.
    """

    input_format: str = "auto"
    text_field: str = "text"
    id_field: str = "id"
    encoding: str | None = None


def format_by_name(item: Input, requested: str = "auto") -> str | None:
    """The kind of an input as its name (or ``requested``) tells; None if only its content
    can (stdin, an unknown extension)."""
    if requested != "auto":
        return requested
    if item.path is None:
        return None
    suffixes = [s.lower() for s in PurePath(item.path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _BY_SUFFIX.get(suffixes[-1]) if suffixes else None


def detect_format(item: Input, requested: str = "auto") -> str | None:
    """The kind of an input: by name (or ``requested``), else by its first bytes; None for
    stdin or a pipe (``<(…)``), which are only looked at when read (once, as they can be),
    and for a file that cannot be read."""
    kind = format_by_name(item, requested)
    if kind is not None or item.path is None:
        return kind
    try:
        if not stat.S_ISREG(os.stat(item.path).st_mode):
            return None
        with open(item.path, "rb") as raw:
            head = raw.read(1024)
            if head[:2] == _GZIP:
                raw.seek(0)
                with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                    head = unzipped.read(1024)
    except (OSError, EOFError, zlib.error):
        return None
    return _format_by_content(head)


def _format_by_content(head: bytes) -> str:
    for bom, _ in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if head.startswith(b"WARC/"):
        return "warc"
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    if _HTML.match(head):
        return "html"
    return "text"


def output_stem(item: Input, fmt: str | None) -> PurePath:
    """Where an input's output goes below ``-o``'s folder: a file (this, plus the format's
    extension) for a one-article input, a folder of one file per article for a stream."""
    if fmt in STREAMS:
        return item.relpath
    stem = item.relpath
    if stem.suffix.lower() == ".gz":
        stem = stem.with_suffix("")
    return stem.with_suffix("")


def file_name(ident: str) -> str:
    """An article id as a file name: reversible (percent-encoded), never hidden, and cut
    with a hash past 200 bytes."""
    name = quote(ident, safe=" -_.,@+=~()")
    if name.startswith(".") or not name:
        name = "%2E" + name[1:] if name else "%00"
    if len(name) > 200:
        name = name[:150] + "~" + hashlib.sha256(ident.encode()).hexdigest()[:16]
    return name


def read_articles(
    item: Input | str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    on_problem: Problem | None = None,
    skip: Skip | None = None,
    on_bytes: Callable[[int], None] | None = None,
    start: Bookmark | None = None,
    on_place: OnPlace | None = None,
) -> Iterator[Article]:
    """The articles of one input, in order, read as they are asked for.

    item: an :class:`Input`, or the path of one file (``-``: standard input).
    on_problem: told of what cannot be read, as an :class:`InputError` (``skipped=True``
        for an article left out on purpose, such as a page without article text); the rest
        is read on. Without it, the first problem raises.
    skip: see :data:`Skip`; a skipped article is neither read further nor derived.
    on_bytes: told how many more bytes of the input have been read, for progress.
    start, on_place: for a file of records, where to start reading (from its start if
        None), and see :data:`OnPlace`.
    """
    item = as_input(item)
    options = options or ReadOptions()
    report = on_problem or _raise
    count = _Counted(None)
    places = _Places(start or Bookmark(0, 1), skip or _never, on_place)
    try:
        with _opened(item, count, options.input_format) as (fmt, data):
            reader = _READERS[fmt]
            read = 0
            for article in reader(item, data, options, report, places):
                if on_bytes is not None:
                    on_bytes(count.count - read)
                    read = count.count
                yield article
            if on_bytes is not None:
                on_bytes(count.count - read)
    except InputError as exc:
        report(exc, False)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:
        reason = (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).lower()
        if count.count == 0:
            problem, fix = f"cannot be read ({reason})", _ACCESS
        else:
            problem = f"cannot be read to its end ({reason}); the articles before were read"
            fix = "check that it is complete (a cut download?) and of the kind its name says"
        report(InputError(item.label, problem, fix), False)


def iter_articles(
    items: Iterable[Input],
    options: ReadOptions | None = None,
    *,
    on_problem: Problem | None = None,
    skip: Skip | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, Article]]:
    """``(text, article)`` for every article of every input, as ``extract_many`` takes them
    with ``as_tuples=True``; see :func:`read_articles`."""
    for item in items:
        for article in read_articles(
            item, options, on_problem=on_problem, skip=skip, on_bytes=on_bytes
        ):
            yield article.text, article


def _raise(exc: InputError, skipped: bool) -> None:
    raise exc


def _never(source: str, ident: str, relpath: PurePath, label: str) -> bool:
    return False


class _Places:
    """Where a reader starts, and its :data:`Skip`, which tells an :data:`OnPlace` where
    the record being read starts (``here``, set by the reader)."""

    def __init__(self, start: Bookmark, skip: Skip, on_place: OnPlace | None) -> None:
        self.start = start
        self.here: Bookmark | None = None
        self.inner = skip
        self.on_place = on_place

    def skip(self, source: str, ident: str, relpath: PurePath, label: str) -> bool:
        if self.on_place is not None:
            self.on_place(self.here)
        return self.inner(source, ident, relpath, label)


class _Position:
    """Where a reader of lines is: the number of the line it took last, where that line
    starts and where the next one does (offsets None in UTF-16 or UTF-32 text)."""

    def __init__(self, start: Bookmark) -> None:
        self.number = start.number - 1
        self.start: int | None = None
        self.end: int | None = start.offset

    def line(self) -> Bookmark | None:
        """Where the line taken last starts."""
        return None if self.start is None else Bookmark(self.start, self.number)

    def next_line(self) -> Bookmark | None:
        """Where the next line starts."""
        return None if self.end is None else Bookmark(self.end, self.number + 1)


def _seek(data: Stream, offset: int, item: Input) -> None:
    """Go on ``offset`` bytes into the content (gunzipped, if ``data`` is)."""
    if offset:
        if not data.seekable():
            raise InputError(item.label, "cannot be read from the middle", "give a file")
        data.seek(offset)


class _Counted(io.RawIOBase):
    """A byte stream that counts what has been read from it (the file's, before gunzip)."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.inner.readinto(buffer) or 0
        self.count += n
        return n

    def seekable(self) -> bool:
        return bool(self.inner.seekable())

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return int(self.inner.seek(offset, whence))

    def tell(self) -> int:
        return int(self.inner.tell())


@contextmanager
def _opened(item: Input, count: _Counted, requested: str) -> Iterator[tuple[str, Stream]]:
    """The input's kind and its content as a peekable byte stream: gunzipped if it is gzip,
    except for a WARC, whose reader takes each record's gzip member itself (and so keeps
    the records before a cut)."""
    if item.path is None:
        count.inner = sys.stdin.buffer
    else:
        try:
            count.inner = open(item.path, "rb", buffering=0)  # noqa: SIM115
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise InputError(item.label, f"cannot be read ({reason})", _ACCESS) from exc
    raw = io.BufferedReader(count, buffer_size=1 << 16)
    try:
        zipped = raw.peek(2)[:2] == _GZIP
        kind = format_by_name(item, requested) or _format_by_content(_head(raw, zipped))
        if zipped and kind != "warc":
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield kind, unzipped
        else:
            yield kind, raw
    finally:
        if item.path is not None:
            count.inner.close()


def _head(raw: io.BufferedReader[Any], zipped: bool) -> bytes:
    """The first bytes of the content, gunzipped, read without taking them from ``raw``."""
    head = raw.peek(1 << 16)
    if zipped:
        with suppress(zlib.error):
            head = zlib.decompressobj(wbits=31).decompress(head, 1024)
    return head[:1024]


if TYPE_CHECKING:
    Reader = Callable[[Input, Stream, ReadOptions, Problem, _Places], Iterator[Article]]


def _text(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: _Places
) -> Iterator[Article]:
    stem = output_stem(item, "text")
    if not places.skip(item.source, item.source, stem, item.label):
        text = decode(data.read(), item.label, options.encoding)
        yield Article(item.source, item.source, text, None, item.label, stem)


def _html(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: _Places
) -> Iterator[Article]:
    stem = output_stem(item, "html")
    if places.skip(item.source, item.source, stem, item.label):
        return
    text, metadata = html_article(data.read(), options.encoding)
    if text:
        yield Article(item.source, item.source, text, metadata, item.label, stem)
    else:
        report(_no_article_text(item.label), True)


def _no_article_text(where: str) -> InputError:
    return InputError(
        where,
        "has no article text that trafilatura could find (a front page, a gallery?); skipped",
        "nothing to do if it is no article",
    )


def html_article(
    page: bytes | str, encoding: str | None = None, url: str | None = None
) -> tuple[str, dict[str, Scalar]]:
    """The main text of an HTML page, as trafilatura extracts it (boilerplate, markup and
    comments left out, entities decoded), and its title, date, url and site name (see
    :func:`_sitename`).

    encoding: for a page whose bytes are not UTF-8, used where the page does not say its
        own (trafilatura reads the page's charset and guesses otherwise).
    """
    import trafilatura

    if isinstance(page, bytes) and encoding is not None:
        try:
            page.decode("utf-8")
        except UnicodeDecodeError:
            page = page.decode(encoding, errors="replace")
    # parsed once here, for the page's own og:site_name; trafilatura works on a copy
    tree = trafilatura.load_html(page)
    if tree is None:
        return "", {"title": None, "date": None, "url": url, "sitename": None}
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
    )
    get = getattr
    title = get(document, "title", None)
    page_url = get(document, "url", None) or url
    metadata: dict[str, Scalar] = {
        "title": title,
        "date": get(document, "date", None),
        "url": page_url,
        "sitename": _sitename(get(document, "sitename", None), title, tree, page_url),
    }
    text = get(document, "text", None) or ""
    return text.replace("\x00", ""), metadata


def _sitename(found: str | None, title: str | None, tree: Any, url: str | None) -> str | None:
    """The outlet of a page: trafilatura's site name, unless it is the headline (which it
    takes from a schema.org ``WebPage``'s name, or from a ``<title>`` part with a dot in it);
    else the page's ``og:site_name``, unless that is the headline too; else the host of its
    canonical URL, without ``www.``; else None."""
    headline = " ".join((title or "").split()).casefold()

    def named(value: object) -> str | None:
        name = value.strip() if isinstance(value, str) else ""
        return name if name and " ".join(name.split()).casefold() != headline else None

    if name := named(found):
        return name
    for content in tree.xpath('//meta[@property="og:site_name"]/@content'):
        if name := named(str(content)):
            return name
    host = urlsplit(url.strip()).hostname if url else None
    return host.removeprefix("www.") if host else None


# trafilatura and htmldate log what they discard; claimx reports what matters itself.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


def _lines(
    item: Input, data: Stream, encoding: str | None, report: Problem, position: _Position
) -> Iterator[str]:
    """The lines of a text stream, line ends kept, from where ``position`` says on, which
    follows each line taken. A line that cannot be decoded is reported and left out."""
    head = data.peek(4)[:4]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            data.read(len(bom))
            if position.end is not None:
                position.end += len(bom)
            if codec != "utf-8":  # UTF-16 or UTF-32: no byte-wise line split
                text = io.TextIOWrapper(data, encoding=codec, newline="")
                position.end = None
                try:
                    for line in text:
                        position.number += 1
                        yield line
                finally:
                    text.detach()
                return
            break
    for raw in data:
        position.number += 1
        position.start = position.end
        if position.end is not None:
            position.end += len(raw)
        try:
            yield decode(raw, f"{item.label}:{position.number}", encoding)
        except InputError as exc:
            report(_origin(exc, item), False)


def _origin(exc: InputError, item: Input) -> InputError:
    """The error, marked as one of the records of ``item``."""
    exc.origin = item.label
    return exc


def _jsonl(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: _Places
) -> Iterator[Article]:
    _seek(data, places.start.offset, item)
    position = _Position(places.start)
    for line in _lines(item, data, options.encoding, report, position):
        number = position.number
        where = f"{item.label}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            if number == 1 and line.lstrip().startswith("["):
                raise InputError(
                    item.label,
                    "is one JSON array, not JSON Lines (one article object per line)",
                    f"convert it: jq -c '.[]' {item.label} > articles.jsonl",
                ) from exc
            problem = f"is not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
            report(_origin(InputError(where, problem, "fix or remove the line"), item), False)
            continue
        try:
            if not isinstance(record, dict):
                raise InputError(
                    where,
                    f"is a JSON {_json_kind(record)}, not an object",
                    "each line must be one article object",
                )
            places.here = position.line()
            article = _record_article(item, record, number, where, options, places.skip)
        except InputError as exc:
            report(_origin(exc, item), False)
            continue
        if article is not None:
            yield article


def _json_kind(value: object) -> str:
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean"}
    return "null" if value is None else kinds.get(type(value), "number")


def _csv(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: _Places
) -> Iterator[Article]:
    # An article is longer than the csv module's default cell limit (128 KB) at times.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    # a record starts on the line after the last one the reader took before it
    position = _Position(Bookmark(0, 1))
    rows = csv.reader(_lines(item, data, options.encoding, report, position))
    header = next(rows, None)
    if header is None:
        return
    if options.text_field not in header:
        raise InputError(
            item.label,
            f"has no {options.text_field!r} column (its columns: {_names(header)})",
            "pass --text-field with the column that holds the article text",
        )
    if places.start.number > position.number + 1:  # read on from there, past the header
        _seek(data, places.start.offset, item)
        position = _Position(places.start)
        rows = csv.reader(_lines(item, data, options.encoding, report, position))
    while True:
        before = position.number
        places.here = position.next_line()
        try:
            row = next(rows, None)
        except csv.Error as exc:
            where = f"{item.label}:{before + 1}"
            report(_origin(InputError(where, f"is not valid CSV ({exc})", "fix it"), item), False)
            continue
        if row is None:
            return
        if not row:
            continue
        where = f"{item.label}:{before + 1}"
        try:
            if len(row) != len(header):
                raise InputError(
                    where,
                    f"has {len(row)} cells, the header {len(header)}",
                    "quote cells that hold commas or line breaks",
                )
            record = dict(zip(header, row, strict=True))
            article = _record_article(item, record, before + 1, where, options, places.skip)
        except InputError as exc:
            report(_origin(exc, item), False)
            continue
        if article is not None:
            yield article


def _names(fields: Iterable[str]) -> str:
    names = list(fields)
    shown = ", ".join(names[:_SHOWN_FIELDS])
    return shown + (", …" if len(names) > _SHOWN_FIELDS else "") if names else "none"


def _record_article(
    item: Input,
    record: Mapping[str, Any],
    number: int,
    where: str,
    options: ReadOptions,
    skip: Skip,
) -> Article | None:
    """The article a JSON Lines or CSV record holds; None if ``skip`` says so."""
    field = options.text_field
    if field not in record:
        raise InputError(
            where, f"has no {field!r} field (its fields: {_names(record)})", _text_fix(record)
        )
    text = record[field]
    if not isinstance(text, str):
        raise InputError(
            where,
            f"has a {_json_kind(text)} in its {field!r} field, not the article text",
            "the text field must hold the article as a string",
        )
    raw_id = record.get(options.id_field)
    if raw_id is None or raw_id == "":
        ident = str(number)
    elif isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool):
        ident = str(raw_id)
    else:
        raise InputError(
            where,
            f"has a {_json_kind(raw_id)} in its {options.id_field!r} field, not an id",
            "pass --id-field with a field of strings or numbers",
        )
    relpath = output_stem(item, "jsonl") / file_name(ident)
    if skip(item.source, ident, relpath, where):
        return None
    metadata = {
        key: value
        for key, value in record.items()
        if key not in (field, options.id_field) and _is_scalar(value)
    }
    return Article(item.source, ident, text, metadata, where, relpath)


def _text_fix(record: Mapping[str, Any]) -> str:
    """Name the field most likely to hold the text: the longest string."""
    strings = [(len(v), k) for k, v in record.items() if isinstance(v, str)]
    if strings:
        return f"pass --text-field {max(strings)[1]} (or the field that holds the text)"
    return "pass --text-field with the field that holds the article text"


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _warc(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: _Places
) -> Iterator[Article]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    _seek(data, places.start.offset, item)
    number = places.start.number - 1
    archive = ArchiveIterator(data)
    records = iter(archive)
    while True:
        try:
            record = next(records, None)
        except Exception as exc:  # warcio's parser fails in many ways on a cut file
            reason = str(exc).strip() if isinstance(exc, ArchiveLoadFailed) else repr(exc)
            raise InputError(
                item.label,
                f"is not a WARC file, or not after record {number} ({reason})",
                "check that it is a complete WARC (a cut download?)",
            ) from exc
        if record is None:
            return
        number += 1
        # where this record starts in the file: warcio's offset, taken before the record is
        # read (its get_record_offset reads the record to its end first)
        places.here = Bookmark(archive.offset, number) if data.seekable() else None
        try:
            article = _warc_article(item, record, number, options, report, places.skip)
        except InputError as exc:
            report(_origin(exc, item), False)
            continue
        if article is not None:
            yield article


def _warc_article(
    item: Input, record: Any, number: int, options: ReadOptions, report: Problem, skip: Skip
) -> Article | None:
    """The article of a WARC response (or resource) record; None for other records, for
    responses that are no page (a redirect, an error) and for pages without article text."""
    if record.rec_type not in ("response", "resource"):
        return None  # warcinfo, request, metadata, revisit: not articles
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or f"record {number}"
    where = f"{item.label} record {number} ({url})"
    if record.rec_type == "response":
        if record.http_headers is None:
            return None  # a DNS lookup, say
        if not record.http_headers.get_statuscode().startswith("2"):
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = headers.get_header("Content-Type") or ""
    relpath = output_stem(item, "warc") / file_name(url)
    if skip(item.source, url, relpath, where):
        return None
    if "html" not in content_type.lower():
        raise InputError(
            where,
            f"is {content_type.split(';')[0].strip() or 'of no content type'}, not an HTML page",
            "claimx reads a WARC's HTML responses; the other records were read",
        )
    page: bytes | str = record.content_stream().read()
    charset = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if charset and isinstance(page, bytes):
        # else the page's own meta charset, or trafilatura's guess, decides
        with suppress(LookupError, UnicodeDecodeError):
            page = page.decode(charset[1])
    text, metadata = html_article(page, options.encoding, url=url)
    if not text:
        report(_origin(_no_article_text(where), item), True)
        return None
    metadata["fetched"] = headers.get_header("WARC-Date")
    return Article(item.source, url, text, metadata, where, relpath)


_READERS: dict[str, Reader] = {
    "text": _text,
    "html": _html,
    "jsonl": _jsonl,
    "csv": _csv,
    "warc": _warc,
}

# Common English function words: in English news they are a third or more of the words, in
# other languages (even those that share a few, like "in" or "was") a small share.
_ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "the of and to a in is that for it on was with he as said at by be this have from or are "
        "an they not but his her has were will we would their been which who you its had more "
        "after also about than there she them i our what when if can could up out over into",
    )
)
_WORD = re.compile(r"[^\W\d_]+")
_MIN_WORDS = 40
_MIN_ENGLISH = 0.15


def language_problem(article: Article) -> str | None:
    """Why an article looks like it is not in English (which is all claimx reads), reading
    on from its name; None if it does, or is too short to tell."""
    declared = (article.metadata or {}).get("language") or (article.metadata or {}).get("lang")
    if isinstance(declared, str) and declared.strip() and not declared.lower().startswith("en"):
        return f"is in {declared!r}, its language field says"
    words = _WORD.findall(article.text[:20_000])
    if len(words) < _MIN_WORDS:
        return None
    share = sum(word.lower() in _ENGLISH for word in words) / len(words)
    if share < _MIN_ENGLISH:
        return f"does not look like English ({share:.0%} of its words are common English ones)"
    return None
