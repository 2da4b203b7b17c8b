"""Shared fixtures."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from claimx.types import FIELDS

Record = dict[str, Any]


def _span(cell: str) -> list[int] | None:
    """``"3:10"`` back to ``[3, 10]``; the empty cell back to ``None``."""
    if not cell:
        return None
    start, end = cell.split(":")
    return [int(start), int(end)]


def _record_from_csv(row: dict[str, str]) -> Record:
    """A CSV row back to the structure ``Claim.to_dict()`` returns."""
    record: Record = {key: value or None for key, value in row.items()}
    for key in ("speaker_span", "cue_span", "target_span"):
        record[key] = _span(row[key])
    record["quote"] = row["quote"]
    record["quote_spans"] = [_span(cell) for cell in row["quote_spans"].split(";") if cell]
    record["stance_score"] = float(row["stance_score"])
    return record


def _parse(fmt: str, text: str) -> list[Record]:
    """Claim records back from yaml, json, jsonl or csv output."""
    if fmt == "yaml":
        return list(yaml.safe_load(text))
    if fmt == "json":
        return list(json.loads(text))
    if fmt == "jsonl":
        return [json.loads(line) for line in text.split("\n") if line]
    rows = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(rows.fieldnames or ()) == FIELDS
    return [_record_from_csv(row) for row in rows]


@pytest.fixture
def parse() -> Callable[[str, str], list[Record]]:
    """Parse claimx output in a machine format back into records (CSV cells included)."""
    return _parse


def check_offsets(text: str, record: Record) -> None:
    """Offsets are sacred: every span lies in ``text`` and spells the text it reports."""
    for key in ("speaker_span", "cue_span", "target_span"):
        span = record[key]
        if span is not None:
            assert 0 <= span[0] < span[1] <= len(text), (key, span)
    if record["cue"] is not None:
        assert text[record["cue_span"][0] : record["cue_span"][1]] == record["cue"]
    parts = [text[s:e] for s, e in record["quote_spans"]]
    assert parts and all(0 <= s < e <= len(text) for s, e in record["quote_spans"])
    assert " … ".join(parts) == record["quote"], (parts, record["quote"])


@pytest.fixture(autouse=True, scope="session")
def _offsets_checked_everywhere() -> Any:
    """Check offsets on every claim the component produces anywhere in the suite."""
    from claimx.component import ClaimExtractor

    original = ClaimExtractor.__call__

    def checked(self: ClaimExtractor, doc: Any) -> Any:
        doc = original(self, doc)
        for record in doc._.claimx_records:
            check_offsets(doc.text, record)
        return doc

    ClaimExtractor.__call__ = checked  # type: ignore[method-assign]
    yield
    ClaimExtractor.__call__ = original  # type: ignore[method-assign]
