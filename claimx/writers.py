"""Output writers: claim records (``Claim.to_dict()``) to YAML, JSON, JSON Lines, CSV or a table.

Every writer streams: ``start()``, then ``write(record)`` per claim, then ``end()``; ``end()``
runs once however often it is called, and ``close()`` (or leaving ``with writer:``) calls it
for a writer that was started, so that output is complete on any way out, Ctrl-C included.
An empty run produces nothing for YAML and JSON Lines (so that concatenated outputs stay
one list or one stream), ``[]`` for JSON and the header for CSV.

Every machine format loads back to the very same records, whatever the text: YAML
double-quotes strings that would not survive a plain scalar (NEL, line and paragraph
separators, control characters); JSON escapes NEL and U+2028/U+2029 so that no line splitter
cuts a record; CSV writes each span as a start and an end column, the ``targets`` list as
one compact JSON cell, and prefixes text cells a spreadsheet would take for a formula with
``'`` (see :func:`claimx.columns.csv_row`).

This module owns the formats and the streaming writers; :func:`write_file` puts one output
file in place through :mod:`claimx.atomic`, the one atomic file writer; the CSV cells come
from :mod:`claimx.columns`. Names other modules took from here stay importable from here.
"""

from __future__ import annotations

import csv
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any, TextIO

import yaml

from .atomic import SymlinkError as SymlinkError
from .atomic import replacing as replacing
from .atomic import replacing_below
from .columns import CSV_COLUMNS as CSV_COLUMNS
from .columns import JSON_FIELDS as JSON_FIELDS
from .columns import SPAN_FIELDS as SPAN_FIELDS
from .columns import article_columns as article_columns
from .columns import csv_row as csv_row
from .columns import text_cell as text_cell
from .types import Record

EXTENSIONS = {
    "yaml": ".yaml",
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "table": ".txt",
}
#: The output formats, the one registry the CLI takes its -f choices from: claims (here),
#: the network (:mod:`claimx.network`) and the summary (:mod:`claimx.summary`).
FORMATS = tuple(EXTENSIONS)
NETWORK_FORMATS = ("json", "csv", "gexf", "graphml")
SUMMARY_FORMATS = ("table", "json", "csv")


def extension(fmt: str) -> str:
    """The file extension (with the dot) for output format ``fmt``."""
    return EXTENSIONS[fmt]


class Writer(ABC):
    """A streaming writer: ``start()``, ``write(record)`` per claim, then ``end()``.

    Subclasses fill in ``_start``, ``_write`` and ``_end``. ``write`` starts the output if
    ``start`` was not called; ``end`` does so too, and runs once. ``close()`` ends a writer that
    was started and is a no-op otherwise; ``with writer:`` starts it and closes it on any exit.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self.started = False
        self.ended = False

    def start(self) -> None:
        """Write whatever comes before the first record (once)."""
        if not self.started:
            self.started = True
            self._start()

    def write(self, record: Record) -> None:
        """Write one record."""
        self.start()
        self._write(record)
        self.count += 1

    def end(self) -> None:
        """Write whatever comes after the last record (once)."""
        self.start()
        if not self.ended:
            self.ended = True
            self._end()

    def close(self) -> None:
        """Finish the output if it was started and not yet ended; safe to call any number of
        times, e.g. from ``finally`` after an interrupt."""
        if self.started:
            self.end()

    def __enter__(self) -> Writer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
            return
        # e.g. a closed pipe: the exception already on its way out says more
        with suppress(OSError):
            self.close()

    # _start and _end are optional hooks, hence not abstract.
    def _start(self) -> None:  # noqa: B027
        """Write whatever comes before the first record."""

    @abstractmethod
    def _write(self, record: Record) -> None:
        """Write one record."""

    def _end(self) -> None:  # noqa: B027
        """Write whatever comes after the last record."""


class _YamlDumper(yaml.SafeDumper):
    """A private dumper, so that claimx never changes PyYAML's global representers."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    # A span is a pair of ints: ``[3, 10]`` on one line reads better than two lines.
    is_span = len(data) == 2 and all(type(x) is int for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=is_span)


# Characters a YAML reader treats as line breaks or may not read back as written: in a plain
# or single-quoted scalar they are folded or refused, so such strings are double-quoted,
# where they become escapes (``\N``, ``\L``, ``\x1b``...). Tab stays plain.
_YAML_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if _YAML_UNSAFE.search(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_YamlDumper.add_representer(list, _represent_list)
_YamlDumper.add_representer(str, _represent_str)


class YamlWriter(Writer):
    """One YAML list, printed record by record so that any prefix of the output is valid.

    No records, no output: an empty document is what concatenates with others into one list
    (alone it loads as ``None``).
    """

    def _write(self, record: Record) -> None:
        """Write one record as a one-item YAML list; consecutive items form one list."""
        self.out.write(
            yaml.dump(
                [record],
                Dumper=_YamlDumper,
                sort_keys=False,
                allow_unicode=True,
                # Keep each value on one line, so that output can be grepped.
                width=float("inf"),
            )
        )


# json.dumps leaves these raw (they are valid in JSON strings), but str.splitlines() and
# some JavaScript parsers take them for line ends; escaped, every record stays on its line.
_JSON_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json(record: Record) -> str:
    # These characters can only occur inside JSON strings, so replacing them is safe.
    return json.dumps(record, ensure_ascii=False).translate(_JSON_LINE_BREAKS)


class JsonWriter(Writer):
    """One JSON array, streamed: ``[`` then records separated by ``,\\n`` then ``]``."""

    def _start(self) -> None:
        """Open the array."""
        self.out.write("[")

    def _write(self, record: Record) -> None:
        """Write one array item."""
        if self.count:
            self.out.write(",\n ")
        self.out.write(_json(record))

    def _end(self) -> None:
        """Close the array."""
        self.out.write("]\n")


class JsonLinesWriter(Writer):
    """JSON Lines: one record per line, nothing at all for no records."""

    def _write(self, record: Record) -> None:
        """Write one line."""
        self.out.write(_json(record) + "\n")


class CsvWriter(Writer):
    """CSV with a header row of ``CSV_COLUMNS``, and ``article_<key>`` columns when claims
    carry their article's metadata.

    The header is written with the first row (or at the end, if there is none), so that
    it can take its article columns from the first claim's ``article`` mapping; a later
    claim's keys beyond those are left out, and listed in ``left_out``.
    """

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.csv = csv.writer(out)
        self.article_keys: tuple[str, ...] | None = None
        self.left_out: set[str] = set()

    def _header(self, record: Record | None) -> tuple[str, ...]:
        keys = article_columns(record)
        self.csv.writerow(CSV_COLUMNS + tuple(f"article_{key}" for key in keys))
        return keys

    def _write(self, record: Record) -> None:
        """Write one row (after the header, for the first)."""
        if self.article_keys is None:
            self.article_keys = self._header(record)
        self.csv.writerow(csv_row(record, self.article_keys))
        self.left_out.update(set(article_columns(record)) - set(self.article_keys))

    def _end(self) -> None:
        """Write the header, if no row did."""
        if self.article_keys is None:
            self.article_keys = self._header(None)


class TableWriter(Writer):
    """A Rich table for people; it needs every row to size its columns, so it prints at the end."""

    COLUMNS = ("source", "speaker", "cue", "quote", "kind", "target", "stance")

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        super().__init__(out)
        self.width = width
        self.rows: list[list[str]] = []

    def _write(self, record: Record) -> None:
        """Keep one row for the table."""
        stance = f"{record['stance']} {record['stance_score']:+.2f}"
        cells = {**record, "target": _target_cell(record), "stance": stance}
        self.rows.append(["" if cells[c] is None else str(cells[c]) for c in self.COLUMNS])

    def _end(self) -> None:
        """Print the table."""
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from .show import printable

        table = Table(*self.COLUMNS, show_lines=True)
        for row in self.rows:
            # Text, not str: a quote like "[b]" or ":fire:" must not be read as Rich markup;
            # and an article's escape sequences are shown, not obeyed, as claimx show does
            table.add_row(*(Text(printable(cell)) for cell in row))
        Console(file=self.out, width=self.width, highlight=False).print(table)


def _target_cell(record: Record) -> str | None:
    """The main target alone (its stance has the next column); several targets one per line,
    each with its score, so that the column stays as narrow as the longest name."""
    targets = record["targets"]
    main: str | None = record["target"]
    if len(targets) < 2:
        return main
    return "\n".join(f"{t['target']} {t['stance_score']:+.2f}" for t in targets)


def make_writer(fmt: str, out: TextIO) -> Writer:
    """A writer for format ``fmt`` (one of ``FORMATS``) writing to ``out``."""
    writers: dict[str, type[Writer]] = {
        "yaml": YamlWriter,
        "json": JsonWriter,
        "jsonl": JsonLinesWriter,
        "csv": CsvWriter,
        "table": TableWriter,
    }
    return writers[fmt](out)


def write_records(writer: Writer, records: Iterable[Record]) -> None:
    """Write a whole stream of records: start, every record, end."""
    writer.start()
    for record in records:
        writer.write(record)
    writer.end()


def write_file(root: Path, relpath: PurePath, fmt: str, records: Iterable[Record]) -> None:
    """Write ``records`` in ``fmt`` to ``root / relpath`` atomically: an interrupted run leaves
    no half-written file and no temporary file.

    ``root`` is created if missing; below it, nothing is written through a symbolic link
    (:class:`SymlinkError`), and ``relpath`` must be relative and without ``..``
    (``ValueError``): see :func:`claimx.atomic.replacing_below`.
    """
    with replacing_below(root, relpath) as out:
        write_records(make_writer(fmt, out), records)
