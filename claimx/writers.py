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
``'`` (see :func:`csv_row`).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import secrets
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any, TextIO

import yaml

from .types import ARTICLE_FIELD, FIELDS

Record = dict[str, Any]

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
SPAN_FIELDS = ("speaker_span", "cue_span", "target_span")
#: Fields whose value is a list of mappings: one CSV cell each, as compact JSON.
JSON_FIELDS = ("targets",)


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


def _csv_columns(fields: Iterable[str]) -> tuple[str, ...]:
    columns: list[str] = []
    for key in fields:
        if key in SPAN_FIELDS:
            name = key.removesuffix("_span")
            columns += [f"{name}_start", f"{name}_end"]
        elif key == "quote_spans":
            columns += ["quote_starts", "quote_ends"]
        else:
            columns.append(key)
    return tuple(columns)


#: The CSV header: ``FIELDS`` with each span as two integer columns, ``<name>_start`` and
#: ``<name>_end`` (``quote_starts``/``quote_ends``: one integer per fragment, joined with
#: ``;``). No spreadsheet reads ``4`` and ``11`` as a clock time, as it does ``4:11``.
#: ``targets`` stays one column, holding the list as JSON (see :func:`csv_row`).
CSV_COLUMNS: tuple[str, ...] = _csv_columns(FIELDS)

# OWASP's CSV-injection guidance: a cell starting with one of these is a formula (or may
# become one) in a spreadsheet. Apostrophes already in front count as part of the prefix, so
# that the rule can be inverted: see csv_row. A "-" on its own (stdin's source) or starting
# a plain negative number is no formula, and is left as it is unless apostrophes come first
# (so that the inverse rule stays the one csv_row gives).
_FORMULA = re.compile(r"'+[=+\-@\t\r]|[=+@\t\r]|-(?!(?:\d+(?:\.\d+)?)?\Z)")


def text_cell(value: str) -> str:
    return "'" + value if _FORMULA.match(value) else value


def _json_cell(value: list[Any]) -> str:
    # Compact, the way pandas (json.loads) and SQLite (json_each) read it. It always starts
    # with "[", never a formula, so the names inside stay exactly as written.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def csv_row(record: Record, article_keys: Iterable[str] = ()) -> list[str]:
    """A record as CSV cells in ``CSV_COLUMNS`` order, then its ``article`` mapping's values
    for ``article_keys`` (the ``article_<key>`` columns; empty where it lacks one).

    Spans become two integer cells (several fragments: integers joined with ``;``), ``None``
    the empty cell, numbers their ``str()``, ``targets`` one cell of compact JSON (``[]`` for
    none; ``json.loads`` gives the list back as is). A text cell that starts with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return, after any apostrophes, gets one more ``'`` in
    front, which spreadsheets show as text, except a lone ``-`` and a negative number such as
    ``-12`` or ``-0.5``, which are no formulas; to read the text back, drop the first
    character of a text cell that matches ``'+[=+\\-@\\t\\r]``.
    """
    cells: list[str] = []
    for key in FIELDS:
        value = record[key]
        if key in SPAN_FIELDS:
            cells += ["", ""] if value is None else [str(value[0]), str(value[1])]
        elif key == "quote_spans":
            cells += [";".join(str(s) for s, _ in value), ";".join(str(e) for _, e in value)]
        elif key in JSON_FIELDS:
            cells.append(_json_cell(value))
        elif value is None:
            cells.append("")
        elif isinstance(value, str):
            cells.append(text_cell(value))
        else:
            cells.append(str(value))
    article = record.get(ARTICLE_FIELD) or {}
    return cells + [_scalar_cell(article.get(key)) for key in article_keys]


def _scalar_cell(value: Any) -> str:
    """An article's metadata value: text as a text cell, numbers and booleans as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return text_cell(value)
    return json.dumps(value)


def article_columns(record: Record | None) -> tuple[str, ...]:
    """The keys of a record's ``article`` mapping, the CSV columns ``article_<key>``."""
    return tuple((record or {}).get(ARTICLE_FIELD) or ())


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

        table = Table(*self.COLUMNS, show_lines=True)
        for row in self.rows:
            # Text, not str: a quote like "[b]" or ":fire:" must not be read as Rich markup.
            table.add_row(*(Text(cell) for cell in row))
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


class SymlinkError(OSError):
    """``write_file`` refuses to write through a symbolic link below the output folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.ELOOP,
            f"{path} is a symbolic link; claimx does not write through links",
            str(path),
        )


def write_file(root: Path, relpath: PurePath, fmt: str, records: Iterable[Record]) -> None:
    """Write ``records`` to ``root / relpath`` atomically: an interrupted run leaves no
    half-written file and no temporary file.

    ``root`` is created if missing and may itself be a symbolic link (the caller chose it);
    below it, neither a folder on the way nor the file may be one (:class:`SymlinkError`), so
    nothing is ever written outside ``root``. ``relpath`` must be relative and without ``..``
    (``ValueError``). Folders are opened without following links (``O_NOFOLLOW``) and the file
    is renamed into place, which replaces a name and never follows it: a link appearing
    between the check and the write cannot redirect it either.
    """
    if relpath.is_absolute() or ".." in relpath.parts or not relpath.parts:
        raise ValueError(f"not a relative path inside the output folder: {relpath}")
    root.mkdir(parents=True, exist_ok=True)
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        where = root
        for part in relpath.parts[:-1]:
            where = where / part
            with suppress(FileExistsError):
                os.mkdir(part, dir_fd=folder)
            _refuse_link(part, where, folder)
            try:
                inner = os.open(part, _DIR_FLAGS, dir_fd=folder)
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # became a link since the check
                    raise SymlinkError(where) from exc
                raise
            folder, outer = inner, folder
            os.close(outer)
        name = relpath.parts[-1]
        _refuse_link(name, root / relpath, folder)
        _write_in(folder, name, fmt, records)
    finally:
        os.close(folder)


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _refuse_link(name: str, path: Path, folder: int) -> None:
    """Raise ``SymlinkError`` if ``name`` in ``folder`` is a symbolic link."""
    try:
        mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise SymlinkError(path)


def _write_in(folder: int, name: str, fmt: str, records: Iterable[Record]) -> None:
    """Write ``name`` in the open ``folder`` through a hidden temporary file and a rename."""
    # The temporary file is hidden and in the same folder, so os.replace is an atomic rename.
    # Its name is chosen before the try, and only FileExistsError (someone else's file) is
    # caught inside it, so whatever ends this function once the file exists, an interrupt
    # included, reaches the except clause that removes it.
    tmp = f".{name}.{secrets.token_hex(6)}.tmp"

    def opener(path: str, flags: int) -> int:
        # Mode 0o666 less the umask: what a plain open() gives a file.
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=folder)

    try:
        while True:
            try:
                out = open(tmp, "x", encoding="utf-8", newline="", opener=opener)  # noqa: SIM115
                break
            except FileExistsError:
                tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        with out:
            write_records(make_writer(fmt, out), records)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        raise


@contextmanager
def replacing(path: Path, *, binary: bool) -> Iterator[Any]:
    """A file that replaces ``path`` when the block ends without an error, and is removed
    otherwise (an interrupt included), so that ``path`` is never left half-written."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        if binary:
            with open(tmp, "xb") as out:
                yield out
        else:
            with open(tmp, "x", encoding="utf-8", newline="") as text:
                yield text
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
