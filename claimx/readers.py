"""Readers: what reading an input's articles takes, and the readers of one-article inputs.

A reader turns the content of one input into its articles; :mod:`claimx.corpora` opens the
input, tells its kind and picks the reader, and :mod:`claimx.records` has the readers of files
of records. This module owns what every reader is given and gives: the :class:`ReadOptions`,
the :data:`Skip` test, the :class:`Bookmark` of where a record starts (see :class:`Places`),
the names of the articles' outputs (:func:`output_stem`, :func:`file_name`,
:func:`output_name`); and the readers of a text file and of a saved HTML page, whose main text
trafilatura finds (:func:`html_article`, which the WARC reader uses too).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from .errors import InputError
from .inputs import Input, Problem, decode
from .mending import lone_surrogate
from .types import Article, Scalar

#: Kinds with many articles to a file, read record by record.
STREAMS = frozenset({"jsonl", "csv", "warc"})
#: The longest file name, in bytes, that common file systems take (ext4, APFS, NTFS...).
NAME_MAX = 255
#: What :mod:`claimx.atomic` adds to a name for its temporary file: ``.<name>.<12 hex>.tmp``.
_TEMPORARY = 18
if TYPE_CHECKING:
    #: An input's content: a buffered file, or what gunzips it; both can peek.
    Stream = io.BufferedReader[Any] | gzip.GzipFile
#: Told whether to skip an article before its text is read or derived: its source, id,
#: ``relpath`` and label. It may raise :class:`InputError` (a duplicate id, say) to report it.
Skip = Callable[[str, str, PurePath, str], bool]


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


class Places:
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
        surrogate = lone_surrogate(ident)
        if surrogate:  # from a JSON \u escape: no output (UTF-8, SQLite) can hold it
            raise InputError(
                label,
                f"has {surrogate} in its id, which no output can hold",
                "fix the id: \\ud800 to \\udfff are halves of one character and come in pairs",
            )
        return self.inner(source, ident, relpath, label)


if TYPE_CHECKING:
    #: A reader: the articles of one input's content, of the kind it reads.
    Reader = Callable[[Input, Stream, ReadOptions, Problem, Places], Iterator[Article]]


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
    with a hash past 200 bytes (see :func:`_cut`). A lone surrogate, which no output can
    hold (:class:`Places` refuses its article), is encoded as UTF-8 would encode it."""
    name = quote(ident, safe=" -_.,@+=~()", errors="surrogatepass")
    if name.startswith(".") or not name:
        name = "%2E" + name[1:] if name else "%00"
    if len(name) > 200:
        name = _cut(name, ident.encode("utf-8", "surrogatepass"))
    return name


def output_name(relpath: PurePath, extension: str) -> PurePath:
    """The file an article's claims go to below ``-o``'s folder: ``relpath`` with
    ``extension`` added to its name; a name that would be longer than the file system takes
    (``NAME_MAX``, less what the temporary name of :mod:`claimx.atomic` adds) is cut as a
    long id is (:func:`_cut`), the same way each time, so that a re-run finds it."""
    name = relpath.name + extension
    if len(os.fsencode(name)) > NAME_MAX - _TEMPORARY:
        name = _cut(relpath.name, os.fsencode(relpath.name)) + extension
    return relpath.with_name(name)


def _cut(name: str, key: bytes) -> str:
    """``name`` cut after its first 150 bytes (at a character's end), then ``~`` and 16
    hex digits of the SHA-256 of ``key``: at most 167 bytes, the same for the same two."""
    head = name
    while len(os.fsencode(head)) > 150:
        head = head[:-1]
    return head + "~" + hashlib.sha256(key).hexdigest()[:16]


def text_articles(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: Places
) -> Iterator[Article]:
    """The article of a text file: all of its text."""
    stem = output_stem(item, "text")
    if not places.skip(item.source, item.source, stem, item.label):
        text = decode(data.read(), item.label, options.encoding)
        yield Article(item.source, item.source, text, None, item.label, stem)


def html_articles(
    item: Input, data: Stream, options: ReadOptions, report: Problem, places: Places
) -> Iterator[Article]:
    """The article of a saved HTML page: its main text (see :func:`html_article`)."""
    stem = output_stem(item, "html")
    if places.skip(item.source, item.source, stem, item.label):
        return
    text, metadata = html_article(data.read(), options.encoding)
    if text:
        yield Article(item.source, item.source, text, metadata, item.label, stem)
    else:
        report(no_article_text(item.label), True)


def no_article_text(where: str) -> InputError:
    """The warning for a page without article text, which is skipped."""
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


# trafilatura and htmldate log what they discard, and warcio what it mends (a space in a
# WARC-Target-URI becomes %20, a warning on stderr of a line that is not claimx's); claimx
# reports what matters itself.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "warcio"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False
