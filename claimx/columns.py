"""Claim records as flat rows: the span → column expansion, and CSV's cells.

A record's spans are pairs; a table has columns. This module owns the one expansion of a
span field into two integer columns, ``<name>_start`` and ``<name>_end``, which both the CSV
writer (:mod:`claimx.writers`) and the SQLite database (:mod:`claimx.db`) use, and CSV's
cells: the header ``CSV_COLUMNS``, :func:`csv_row` and the formula guard :func:`text_cell`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .types import ARTICLE_FIELD, FIELDS, Record

SPAN_FIELDS = ("speaker_span", "cue_span", "target_span")
#: Fields whose value is a list of mappings: one CSV cell each, as compact JSON.
JSON_FIELDS = ("targets",)


def span_columns(key: str) -> tuple[str, str]:
    """The two columns of the span field ``key``: ``<name>_start`` and ``<name>_end``."""
    name = key.removesuffix("_span")
    return f"{name}_start", f"{name}_end"


def flat_columns(fields: Iterable[str], *, split_quotes: bool) -> tuple[str, ...]:
    """``fields`` as columns, each span of ``SPAN_FIELDS`` as its two :func:`span_columns`;
    with ``split_quotes``, ``quote_spans`` as ``quote_starts`` and ``quote_ends`` (CSV), else
    as one column (SQLite, where it is JSON)."""
    columns: list[str] = []
    for key in fields:
        if key in SPAN_FIELDS:
            columns += span_columns(key)
        elif key == "quote_spans" and split_quotes:
            columns += ["quote_starts", "quote_ends"]
        else:
            columns.append(key)
    return tuple(columns)


#: The CSV header: ``FIELDS`` with each span as two integer columns, ``<name>_start`` and
#: ``<name>_end`` (``quote_starts``/``quote_ends``: one integer per fragment, joined with
#: ``;``). No spreadsheet reads ``4`` and ``11`` as a clock time, as it does ``4:11``.
#: ``targets`` stays one column, holding the list as JSON (see :func:`csv_row`).
CSV_COLUMNS: tuple[str, ...] = flat_columns(FIELDS, split_quotes=True)

# OWASP's CSV-injection guidance: a cell starting with one of these is a formula (or may
# become one) in a spreadsheet; so is one starting with a full-width = or @ (U+FF1D, U+FF20),
# which spreadsheets take for the ASCII ones. Apostrophes already in front count as part of
# the prefix, so that the rule can be inverted: see csv_row. A "-" on its own (stdin's
# source) or starting a plain negative number is no formula, and is left as it is unless
# apostrophes come first (so that the inverse rule stays the one csv_row gives).
_FORMULA = re.compile(
    r"'+[=+\-@\t\r\uff1d\uff20]"  # apostrophes, then a formula's start (a "-" too)
    r"|[=+@\t\r\uff1d\uff20]"
    r"|-(?!(?:\d+(?:\.\d+)?)?\Z)"  # a "-" that is neither alone nor a plain negative number
)


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
    ``+``, ``-``, ``@``, a full-width equals or at sign (U+FF1D, U+FF20), tab or carriage
    return, after any apostrophes, gets one more ``'`` in front, which spreadsheets show as
    text, except a lone ``-`` and a negative number such as ``-12`` or ``-0.5``, which are no
    formulas; to read the text back, drop the first character of a text cell that matches
    ``'+[=+\\-@\\t\\r\\uff1d\\uff20]``.
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
