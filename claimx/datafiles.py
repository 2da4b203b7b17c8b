"""The one reader (and writer) of claimx's data tables (``claimx/data/*.tsv``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources


def read_table(text: str, where: str, columns: Sequence[str], optional: int = 0) -> list[list[str]]:
    """Rows of a claimx data table: tab-separated, lines starting with ``#`` are comments,
    the first other line is the header and must name ``columns`` (the last ``optional`` of
    them may be left out; their cells are then ""). Anything else fails with ``where``."""
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln and ln[0] != "#"]
    if not lines:
        raise ValueError(f"{where}: no header row (want {'<TAB>'.join(columns)})")
    header = lines[0][1].split("\t")
    if header != list(columns[: len(header)]) or len(header) < len(columns) - optional:
        raise ValueError(f"{where}: header {header} is not {list(columns)}")
    rows = []
    for n, line in lines[1:]:
        row = line.split("\t")
        if len(row) != len(header):
            raise ValueError(f"{where}:{n}: {len(row)} columns, the header names {len(header)}")
        rows.append(row + [""] * (len(columns) - len(row)))
    return rows


def write_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A table :func:`read_table` reads back: a header row and one line per row."""
    return "".join("\t".join(map(str, row)) + "\n" for row in [columns, *rows])


def packaged_text(name: str) -> str:
    """The text of ``claimx/data/<name>``."""
    return resources.files("claimx").joinpath(f"data/{name}").read_text(encoding="utf-8")
