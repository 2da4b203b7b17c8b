"""Corpora: the articles an input holds, each with its text and what came with it.

An input is one article (a text file, a saved HTML page) or many: JSON Lines or CSV with one
article per record, a WARC file with one per HTML response. Everything is read as a stream,
record by record and gzipped or not, so that memory does not grow with the input's size.
A record that cannot be read is reported and skipped; the rest of the input is read on.

This module owns the stream of an input's articles (:func:`read_articles`, over many inputs
:func:`iter_articles`): what kind an input is (by name, else by content), opening it
(gunzipped, its bytes counted for progress) and handing its content to the reader of its
kind, from :mod:`claimx.readers` (text, HTML pages; what every reader is given, such as
:class:`ReadOptions`, which is importable from here too) or :mod:`claimx.records` (JSON Lines,
CSV, WARC); and the check that an article is in English.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .inputs import _BOMS, Input, Problem, as_input
from .readers import (
    STREAMS,
    Bookmark,
    OnPlace,
    Places,
    ReadOptions,
    Skip,
    file_name,
    html_article,
    html_articles,
    output_stem,
    text_articles,
)
from .records import csv_articles, jsonl_articles, warc_articles
from .types import Article

if TYPE_CHECKING:
    from .readers import Reader, Stream

__all__ = [
    "FORMATS",
    "INPUT_FORMATS",
    "STREAMS",
    "Bookmark",
    "OnPlace",
    "ReadOptions",
    "Skip",
    "detect_format",
    "file_name",
    "format_by_name",
    "html_article",
    "iter_articles",
    "language_problem",
    "output_stem",
    "read_articles",
]

#: The kinds of input claimx reads.
FORMATS = ("text", "html", "jsonl", "csv", "warc")
#: What ``--input-format`` takes: a kind, or ``auto`` (the extension, else the content).
INPUT_FORMATS = ("auto", *FORMATS)
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
_HTML = re.compile(rb"\s*<(?:!doctype\s+html|html|head|body|meta|title|!--)", re.IGNORECASE)
_ACCESS = "check that it exists and that you may read it"


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
    places = Places(start or Bookmark(0, 1), skip or _never, on_place)
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


_READERS: dict[str, Reader] = {
    "text": text_articles,
    "html": html_articles,
    "jsonl": jsonl_articles,
    "csv": csv_articles,
    "warc": warc_articles,
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
