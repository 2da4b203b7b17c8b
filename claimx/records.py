"""Records: the readers of files with many articles, one to a record, read as streams.

JSON Lines (an article object to a line) and CSV (an article to a row, under a header) are
decoded line by line; a WARC file gives an article for each HTML response, whose page is read
as a saved one is (:func:`~claimx.readers.html_article`). Each reader starts where its
:class:`~claimx.readers.Bookmark` says and tells where each record starts; a record that
cannot be read is reported and the rest of the file read on. A record that the file ends
inside of (a cut download) is reported, never read as an article: a WARC record shorter than
its Content-Length, a CSV row whose quoted cell runs on to the end. Field values that no
output can write are mended (:mod:`claimx.mending`), with a warning. :mod:`claimx.corpora`
opens the file and picks the reader.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .inputs import _BOMS, Input, Problem, decode
from .mending import mend
from .readers import (
    Bookmark,
    Places,
    ReadOptions,
    Skip,
    file_name,
    html_article,
    no_article_text,
    output_stem,
)
from .types import Article

if TYPE_CHECKING:
    from .readers import Stream

_SHOWN_FIELDS = 8


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


def _lines(
    item: Input, data: Stream, encoding: str | None, report: Problem, position: _Position
) -> Iterator[str]:
    """The lines of a text stream, line ends kept, from where ``position`` says on, which
    follows each line taken. A line that cannot be decoded is reported and left out."""
    head = data.peek(4)[:4]
    wide = _wide(encoding)  # --encoding utf-16-le: a file without a BOM
    for bom, codec in _BOMS:
        if head.startswith(bom):
            data.read(len(bom))
            if position.end is not None:
                position.end += len(bom)
            wide = codec if codec != "utf-8" else None
            break
    if wide is None and encoding is None and b"\x00" in head:
        sniff = data.peek(64)[:64]
        try:  # UTF-16 without a mark: say so once, for the file, with the --encoding to pass
            decode(sniff[: len(sniff) // 2 * 2], item.label)
        except InputError as exc:
            if exc.fix.startswith("pass --encoding utf-16"):
                report(exc, False)
                return
    if wide is not None:  # UTF-16 or UTF-32: no byte-wise line split
        text = io.TextIOWrapper(data, encoding=wide, errors="strict", newline="")
        position.end = None
        try:
            for line in text:
                position.number += 1
                yield line
        except UnicodeDecodeError as exc:
            where = f"{item.label}:{position.number + 1}"
            report(
                _origin(InputError(where, f"is not valid {wide} ({exc.reason})", _WIDE_FIX), item),
                False,
            )
        finally:
            text.detach()
        return
    for raw in data:
        position.number += 1
        position.start = position.end
        if position.end is not None:
            position.end += len(raw)
        try:
            yield decode(raw, f"{item.label}:{position.number}", encoding)
        except InputError as exc:
            report(_origin(exc, item), False)


_WIDE_FIX = "check --encoding, or give the file as UTF-8"


def _wide(encoding: str | None) -> str | None:
    """The codec of ``encoding`` if it is UTF-16 or UTF-32, whose lines are not split at a
    newline byte; None otherwise."""
    if encoding is None:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return name if name.startswith(("utf-16", "utf-32")) else None


def _origin(exc: InputError, item: Input) -> InputError:
    """The error, marked as one of the records of ``item``."""
    exc.origin = item.label
    return exc


def jsonl_articles(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: Places
) -> Iterator[Article]:
    """The articles of a JSON Lines file: an object to a line."""
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
        except ValueError as exc:  # a number of more than 4,300 digits, say
            problem = f"cannot be read as JSON ({str(exc).split(':')[0]})"
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
            article = _record_article(item, record, number, where, options, report, places.skip)
        except InputError as exc:
            report(_origin(exc, item), False)
            continue
        if article is not None:
            yield article


def _json_kind(value: object) -> str:
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean"}
    return "null" if value is None else kinds.get(type(value), "number")


def csv_articles(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: Places
) -> Iterator[Article]:
    """The articles of a CSV file: a row each, under a header that names the columns."""
    # An article is longer than the csv module's default cell limit (128 KB) at times.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    # a record starts on the line after the last one the reader took before it
    position = _Position(Bookmark(0, 1))
    lines = _Lines(_lines(item, data, options.encoding, report, position))
    rows = csv.reader(lines)
    header = next(rows, None)
    if header is None:
        return
    if lines.ended:
        problem = "is cut short: a quoted cell of its header runs on to the end of the file"
        raise InputError(item.label, problem, _OPEN_QUOTE_FIX)
    if options.text_field not in header:
        raise InputError(
            item.label,
            f"has no {options.text_field!r} column (its columns: {_names(header)})",
            "pass --text-field with the column that holds the article text",
        )
    if places.start.number > position.number + 1:  # read on from there, past the header
        _seek(data, places.start.offset, item)
        position = _Position(places.start)
        lines = _Lines(_lines(item, data, options.encoding, report, position))
        rows = csv.reader(lines)
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
            if lines.ended:  # the reader asked past the end for the rest of a quoted cell
                raise InputError(where, _OPEN_QUOTE, _OPEN_QUOTE_FIX)
            if len(row) != len(header):
                raise InputError(
                    where,
                    f"has {len(row)} cells, the header {len(header)}",
                    "quote cells that hold commas or line breaks",
                )
            record = dict(zip(header, row, strict=True))
            article = _record_article(item, record, before + 1, where, options, report, places.skip)
        except InputError as exc:
            report(_origin(exc, item), False)
            continue
        if article is not None:
            yield article


_OPEN_QUOTE = "is cut short: a quoted cell runs on to the end of the file"
_OPEN_QUOTE_FIX = "check that the file is complete (a cut download?) and that its quotes close"


class _Lines:
    """Lines as the csv reader takes them, and whether it has asked past the last: it does
    so within a row only for the rest of a quoted cell, so a row it then gives is cut."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.ended = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            return next(self.lines)
        except StopIteration:
            self.ended = True
            raise


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
    report: Problem,
    skip: Skip,
) -> Article | None:
    """The article a JSON Lines or CSV record holds; None if ``skip`` says so. Values no
    output can write (NaN, a lone surrogate) are mended, and ``report`` warned of them."""
    field = options.text_field
    record, mended = mend(record, field, options.id_field)
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
    if "\x00" in text:  # as in a text file, where NUL bytes mean binary data
        raise InputError(
            where,
            f"has a NUL character in its {field!r} field (character {text.index(chr(0)):,}), "
            "not article text",
            "remove it from the record",
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
    for problem, fix in mended:
        report(_origin(InputError(where, problem, fix), item), True)
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


def warc_articles(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: Places
) -> Iterator[Article]:
    """The articles of a WARC file: one for each HTML response (or resource) record."""
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
            # warcio ends quietly where a record's headers are cut: bytes past the last
            # whole record are one it could not read
            if archive.fh.tell() > archive.offset:
                where = f"{item.label} record {number + 1}"
                report(_origin(_cut_error(where, "is cut short in its headers"), item), False)
            return
        number += 1
        # where this record starts in the file: warcio's offset, taken before the record is
        # read (its get_record_offset reads the record to its end first)
        places.here = Bookmark(archive.offset, number) if data.seekable() else None
        url = record.rec_headers.get_header("WARC-Target-URI")
        where = f"{item.label} record {number}" + (f" ({url})" if url else "")
        error: InputError | None = None
        try:
            ident = url or f"record {number}"
            article = _warc_article(item, record, ident, where, options, report, places.skip)
        except InputError as exc:
            article, error = None, exc
        error = _cut_short(record, where) or error  # a cut record is the problem, whatever it is
        if error is not None:
            report(_origin(error, item), False)
        elif article is not None:
            yield article


def _cut_short(record: Any, where: str) -> InputError | None:
    """The error for a record that the file ends inside of, before its Content-Length
    says it does (what is left of it is read first); None for a whole record."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    left = getattr(stream, "limit", 0)  # warcio limits a record's stream to its length
    length = record.rec_headers.get_header("Content-Length") or ""
    if record.format == "warc" and not length.strip().isdigit():
        return _cut_error(
            where, "is cut short in its headers (its Content-Length is missing or cut)"
        )
    if left > 0:
        got = record.length - left
        return _cut_error(where, f"is cut short ({got:,} of its {record.length:,} bytes)")
    return None


def _cut_error(where: str, problem: str) -> InputError:
    return InputError(
        where,
        f"{problem}: the file ends inside it, so it is not read",
        "check that the file is complete (a cut download?) and read it again",
    )


def _warc_article(
    item: Input,
    record: Any,
    url: str,
    where: str,
    options: ReadOptions,
    report: Problem,
    skip: Skip,
) -> Article | None:
    """The article of a WARC response (or resource) record; None for other records, for
    responses that are no page (a redirect, an error) and for pages without article text."""
    if record.rec_type not in ("response", "resource"):
        return None  # warcinfo, request, metadata, revisit: not articles
    headers = record.rec_headers
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
    cut = _cut_short(record, where)
    if cut is not None:
        raise cut
    charset = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if charset and isinstance(page, bytes):
        # else the page's own meta charset, or trafilatura's guess, decides
        with suppress(LookupError, UnicodeDecodeError):
            page = page.decode(charset[1])
    text, metadata = html_article(page, options.encoding, url=url)
    if not text:
        report(_origin(no_article_text(where), item), True)
        return None
    metadata["fetched"] = headers.get_header("WARC-Date")
    return Article(item.source, url, text, metadata, where, relpath)
