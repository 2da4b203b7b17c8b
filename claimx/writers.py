"""Output writers: claim records (``Claim.to_dict()``) to YAML, JSON, JSON Lines, CSV or a table.

Every writer streams: ``start()``, then ``write(record)`` per claim, then ``end()``. An empty
run still produces a parseable value (``[]``, nothing for JSON Lines, a header for CSV).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

import yaml

from .types import FIELDS

Record = dict[str, Any]

EXTENSIONS = {
    "yaml": ".yaml",
    "json": ".json",
    "jsonl": ".jsonl",
    "csv": ".csv",
    "table": ".txt",
}
FORMATS = tuple(EXTENSIONS)
SPAN_FIELDS = ("speaker_span", "cue_span", "target_span")


def extension(fmt: str) -> str:
    """The file extension (with the dot) for output format ``fmt``."""
    return EXTENSIONS[fmt]


class Writer(ABC):
    """A streaming writer: ``start()``, ``write(record)`` per claim, then ``end()``."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    # start and end are optional hooks, hence not abstract.
    def start(self) -> None:  # noqa: B027
        """Write whatever comes before the first record."""

    @abstractmethod
    def write(self, record: Record) -> None:
        """Write one record."""

    def end(self) -> None:  # noqa: B027
        """Write whatever comes after the last record."""


class _YamlDumper(yaml.SafeDumper):
    """A private dumper, so that claimx never changes PyYAML's global representers."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    # A span is a pair of ints: ``[3, 10]`` on one line reads better than two lines.
    is_span = len(data) == 2 and all(type(x) is int for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=is_span)


_YamlDumper.add_representer(list, _represent_list)


class YamlWriter(Writer):
    """One YAML list, printed record by record so that any prefix of the output is valid."""

    def write(self, record: Record) -> None:
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
        self.count += 1

    def end(self) -> None:
        """Print ``[]`` if there were no records."""
        if not self.count:
            self.out.write("[]\n")


class JsonWriter(Writer):
    """One JSON array, streamed: ``[`` then records separated by ``,\\n`` then ``]``."""

    def start(self) -> None:
        """Open the array."""
        self.out.write("[")

    def write(self, record: Record) -> None:
        """Write one array item."""
        if self.count:
            self.out.write(",\n ")
        self.out.write(json.dumps(record, ensure_ascii=False))
        self.count += 1

    def end(self) -> None:
        """Close the array."""
        self.out.write("]\n")


class JsonLinesWriter(Writer):
    """JSON Lines: one record per line, nothing at all for no records."""

    def write(self, record: Record) -> None:
        """Write one line."""
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1


def csv_row(record: Record) -> list[str]:
    """A record as CSV cells in ``FIELDS`` order: spans as ``start:end``, ``None`` as empty."""

    def cell(key: str, value: Any) -> str:
        if value is None:
            return ""
        if key in SPAN_FIELDS:
            return f"{value[0]}:{value[1]}"
        if key == "quote_spans":
            return ";".join(f"{s}:{e}" for s, e in value)
        return str(value)

    return [cell(key, record[key]) for key in FIELDS]


class CsvWriter(Writer):
    """CSV with a header row of ``FIELDS``."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self.csv = csv.writer(out)

    def start(self) -> None:
        """Write the header."""
        self.csv.writerow(FIELDS)

    def write(self, record: Record) -> None:
        """Write one row."""
        self.csv.writerow(csv_row(record))
        self.count += 1


class TableWriter(Writer):
    """A Rich table for people; it needs every row to size its columns, so it prints at the end."""

    COLUMNS = ("source", "speaker", "cue", "quote", "kind", "target", "stance")

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        super().__init__(out)
        self.width = width
        self.rows: list[list[str]] = []

    def write(self, record: Record) -> None:
        """Keep one row for the table."""
        stance = f"{record['stance']} {record['stance_score']:+.2f}"
        cells = {**record, "stance": stance}
        self.rows.append(["" if cells[c] is None else str(cells[c]) for c in self.COLUMNS])
        self.count += 1

    def end(self) -> None:
        """Print the table."""
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(*self.COLUMNS, show_lines=True)
        for row in self.rows:
            # Text, not str: a quote like "[b]" or ":fire:" must not be read as Rich markup.
            table.add_row(*(Text(cell) for cell in row))
        Console(file=self.out, width=self.width, highlight=False).print(table)


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


def write_file(path: Path, fmt: str, records: Iterable[Record]) -> None:
    """Write ``records`` to ``path`` atomically: an interrupted run leaves no half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file is hidden and in the same folder, so os.replace is an atomic rename.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        with open(fd, "w", encoding="utf-8", newline="") as out:
            write_records(make_writer(fmt, out), records)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0)
    os.umask(mask)
    return mask
