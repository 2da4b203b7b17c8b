"""``claimx summary``'s library (claimx.summary): exact counts for the hand-built corpus of
tests/test_network.py, and its tables as Rich text at a fixed width, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from test_network import claim, records, write_db, write_jsonl

from claimx.claimsource import ClaimFilter, iter_claims
from claimx.summary import CSV_COLUMNS, Row, render, summarize, write_csv, write_json
from claimx.types import Article


def keyed(rows: list[Row]) -> list[tuple[Any, ...]]:
    return [(r.key, r.claims, r.support, r.oppose, r.neutral) for r in rows]


def test_counts() -> None:
    summary = summarize(records())
    assert summary.corpus == Row("all", 7, 2, 3, 2, articles=3, no_speaker=1)
    assert summary.no_speaker_share == 1 / 7
    # a claim by two speakers counts for each; its own stance (toward its main target)
    assert keyed(summary.speakers) == [
        ("Jane Smith", 3, 1, 2, 0),
        ("Tom Lee", 2, 2, 0, 0),
        ("Bill", 1, 0, 1, 0),
        ("City Council", 1, 0, 0, 1),
    ]
    assert [r.type for r in summary.speakers] == ["person", "person", "person", "organization"]
    # every target of every claim, with its own stance
    assert keyed(summary.targets) == [
        ("Bill", 3, 0, 2, 1),
        ("Budget", 2, 2, 0, 0),
        ("Jane Smith", 1, 0, 0, 1),
        ("Tom Lee", 1, 0, 1, 0),
    ]
    assert keyed(summary.kinds) == [
        ("indirect", 4, 1, 1, 2),
        ("direct", 2, 1, 1, 0),
        ("partial", 1, 0, 1, 0),
    ]
    assert summary.outlets == [
        Row("The Daily", 3, 0, 2, 1, articles=1, no_speaker=1),
        Row("Wire", 3, 2, 0, 1, articles=1, no_speaker=0),
        Row("(none)", 1, 0, 1, 0, articles=1, no_speaker=0),
    ]
    assert summary.months == [
        Row("2016-02", 3, 0, 2, 1, articles=1, no_speaker=1),
        Row("2016-03", 3, 2, 0, 1, articles=1, no_speaker=0),
        Row("(none)", 1, 0, 1, 0, articles=1, no_speaker=0),
    ]


def test_top_and_filter() -> None:
    summary = summarize(records(), top=1, where=ClaimFilter(outlets={"wire"}))
    assert summary.corpus == Row("all", 3, 2, 0, 1, articles=1, no_speaker=0)
    assert keyed(summary.speakers) == [("Tom Lee", 2, 2, 0, 0)]
    assert keyed(summary.targets) == [("Budget", 1, 1, 0, 0)]
    assert len(summary.kinds) == 2  # kinds are few: all of them
    assert [r.key for r in summary.outlets] == ["Wire"]


def test_without_metadata_there_are_no_outlets_or_months() -> None:
    text = Article("a.txt", "a.txt", "A.")
    rows = [c.to_dict(text) | {"source": "a.txt"} for c in (claim("Bill", []), claim(None, []))]
    summary = summarize(rows)
    assert (summary.outlets, summary.months) == ([], [])
    assert summary.corpus == Row("all", 2, 0, 0, 2, articles=1, no_speaker=1)
    assert "By outlet" not in text_of(summary)


def test_a_database_and_jsonl_give_the_same_summary(tmp_path: Path) -> None:
    db = write_db(tmp_path / "claims.db")
    jsonl = write_jsonl(tmp_path / "claims.jsonl", records())
    assert summarize(iter_claims(db)) == summarize(iter_claims(jsonl)) == summarize(records())


def test_json() -> None:
    out = io.StringIO()
    write_json(summarize(records()), out)
    data = json.loads(out.getvalue())
    assert data["corpus"] == {
        "claims": 7,
        "articles": 3,
        "no_speaker": 1,
        "support": 2,
        "oppose": 3,
        "neutral": 2,
        "no_speaker_share": 0.1429,
    }
    assert data["speakers"][0] == {
        "key": "Jane Smith",
        "type": "person",
        "claims": 3,
        "support": 1,
        "oppose": 2,
        "neutral": 0,
    }
    assert data["targets"][0] == {
        "key": "Bill",
        "claims": 3,
        "support": 0,
        "oppose": 2,
        "neutral": 1,
    }
    assert [row["key"] for row in data["months"]] == ["2016-02", "2016-03", "(none)"]
    assert list(data) == ["corpus", "speakers", "targets", "kinds", "outlets", "months"]


def test_csv_is_one_long_table() -> None:
    out = io.StringIO(newline="")
    write_csv(summarize(records()), out)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_section: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_section.setdefault(row[0], []).append(row[1:])
    assert list(by_section) == ["corpus", "speakers", "targets", "kinds", "outlets", "months"]
    assert by_section["corpus"] == [["all", "", "7", "3", "1", "2", "3", "2"]]
    assert by_section["speakers"][0] == ["Jane Smith", "person", "3", "", "", "1", "2", "0"]
    assert by_section["outlets"][2] == ["(none)", "", "1", "1", "0", "0", "1", "0"]
    assert len(rows) == 1 + 1 + 4 + 4 + 3 + 3 + 3


def text_of(summary: Any, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(render(summary))
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_tables_at_a_fixed_width() -> None:
    text = text_of(summarize(records()))
    lines = text.splitlines()
    assert lines[:2] == [
        "3 articles, 7 claims, 14.3% with no named speaker",
        "stances: 2 support, 3 oppose, 2 neutral",
    ]
    titles = [line.strip() for line in lines[2:] if line[:1].isalpha()]
    assert titles == ["Top speakers", "Top targets", "Claims by kind", "By outlet", "By month"]

    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.strip("│┃ ").replace("┃", "│").split("│")]

    rows = [cells(line) for line in lines if line.startswith("│")]
    assert ["Jane Smith", "person", "3", "1", "2", "0"] in rows
    assert ["Bill", "3", "0", "2", "1"] in rows  # targets: times targeted
    assert ["The Daily", "1", "3", "1", "0", "2", "1"] in rows
    assert ["2016-03", "1", "3", "0", "2", "0", "1"] in rows
    assert max(len(line) for line in lines) <= 80
    headers = [cells(line) for line in lines if line.startswith("┃")]
    assert headers[3] == [
        "outlet",
        "articles",
        "claims",
        "no speaker",
        "support",
        "oppose",
        "neutral",
    ]


def test_names_are_not_markup() -> None:
    rows = [r | {"speaker": "[bold]Jane[/bold]"} for r in records()]
    assert "│ [bold]Jane[/bold] │" in text_of(summarize(rows), width=120)
