"""Output writers: every format streams, parses back, and carries the same records."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from claimx.types import FIELDS, Claim
from claimx.writers import (
    FORMATS,
    CsvWriter,
    TableWriter,
    extension,
    make_writer,
    write_file,
    write_records,
)

Record = dict[str, Any]

CLAIMS = [
    Claim(
        speaker="Jane Smith",
        speaker_role="Mayor",
        speaker_type="person",
        speaker_span=(0, 16),
        cue="said",
        cue_span=(17, 21),
        quote="that the bridge would reopen in May",
        quote_spans=((22, 57),),
        kind="indirect",
        target="the bridge",
        target_span=(27, 37),
        stance="support",
        stance_score=0.4567,
        source="news/a.txt",
    ),
    Claim(
        speaker=None,
        speaker_role=None,
        speaker_type="unknown",
        speaker_span=None,
        cue=None,
        cue_span=None,
        quote="\u201cNo,\u201d \u2026 \u201cnever: 1:2\u201d\r\nnull",
        quote_spans=((3, 10), (15, 20)),
        kind="partial",
        target=None,
        target_span=None,
        stance="oppose",
        stance_score=-1.0,
        source="news/b.txt",
    ),
]
RECORDS = [claim.to_dict() for claim in CLAIMS]


def render(fmt: str, records: list[Record]) -> str:
    """The text a writer produces for ``records``."""
    out = io.StringIO(newline="")
    write_records(make_writer(fmt, out), records)
    return out.getvalue()


Parse = Callable[[str, str], list[Record]]


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
def test_machine_formats_round_trip_the_same_records(parse: Parse, fmt: str) -> None:
    assert parse(fmt, render(fmt, RECORDS)) == RECORDS


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl"])
def test_keys_keep_fields_order(parse: Parse, fmt: str) -> None:
    assert [list(record) for record in parse(fmt, render(fmt, RECORDS))] == [list(FIELDS)] * 2


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("yaml", "[]\n"), ("json", "[]\n"), ("jsonl", ""), ("csv", ",".join(FIELDS) + "\r\n")],
)
def test_empty_output_is_still_parseable(parse: Parse, fmt: str, expected: str) -> None:
    text = render(fmt, [])
    assert text == expected
    assert parse(fmt, text) == []


def test_yaml_concatenation_stays_one_list() -> None:
    first, second = render("yaml", RECORDS[:1]), render("yaml", RECORDS[1:])
    assert yaml.safe_load(first + second) == RECORDS


def test_yaml_spans_are_flow_lists_and_text_is_unicode() -> None:
    text = render("yaml", RECORDS)
    assert "  speaker_span: [0, 16]\n" in text
    assert "  quote_spans:\n  - [3, 10]\n  - [15, 20]\n" in text
    assert "\u201cNo,\u201d" in text  # allow_unicode: not escaped


def test_yaml_writer_leaves_pyyaml_global_representers_alone() -> None:
    render("yaml", RECORDS)
    assert yaml.safe_dump({"span": [1, 2]}) == "span:\n- 1\n- 2\n"
    assert yaml.dump({"span": [1, 2]}) == "span:\n- 1\n- 2\n"


def test_json_is_streamed_one_record_per_line() -> None:
    lines = render("json", RECORDS).split("\n")
    assert lines[0].startswith('[{"source": "news/a.txt"')
    assert lines[1].startswith(' {"source": "news/b.txt"')
    assert lines[1].endswith("}]")
    assert lines[2] == ""


def test_jsonl_keeps_line_breaks_inside_values_escaped() -> None:
    assert len(render("jsonl", RECORDS).split("\n")) == len(RECORDS) + 1


def test_csv_cells() -> None:
    rows = list(csv.reader(io.StringIO(render("csv", RECORDS), newline="")))
    assert rows[0] == list(FIELDS)
    cells = [dict(zip(FIELDS, row, strict=True)) for row in rows[1:]]
    assert cells[0]["speaker_span"] == "0:16"
    assert cells[0]["quote_spans"] == "22:57"
    assert cells[0]["stance_score"] == "0.457"
    assert cells[1]["quote_spans"] == "3:10;15:20"
    assert cells[1]["speaker"] == ""
    assert cells[1]["speaker_span"] == ""
    assert cells[1]["quote"] == RECORDS[1]["quote"]


def test_csv_header_written_by_start() -> None:
    out = io.StringIO()
    CsvWriter(out).start()
    assert out.getvalue() == ",".join(FIELDS) + "\r\n"


def test_table_at_fixed_width() -> None:
    out = io.StringIO()
    write_records(TableWriter(out, width=100), RECORDS)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) == 100
    assert "Jane Smith" in out.getvalue()
    assert "support +0.46" in out.getvalue()
    assert "oppose -1.00" in out.getvalue()


def test_table_prints_quotes_literally() -> None:
    out = io.StringIO()
    record = {**RECORDS[0], "quote": "[bold]not markup[/bold] :fire:"}
    write_records(TableWriter(out, width=200), [record])
    assert "[bold]not markup[/bold] :fire:" in out.getvalue()


def test_empty_table_still_has_its_header() -> None:
    out = io.StringIO()
    write_records(TableWriter(out, width=80), [])
    assert "speaker" in out.getvalue()
    assert "Jane" not in out.getvalue()


def test_every_format_has_an_extension() -> None:
    assert [extension(fmt) for fmt in FORMATS] == [".yaml", ".json", ".jsonl", ".csv", ".txt"]


def test_write_file_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "out" / "a.json"
    write_file(path, "json", RECORDS)
    assert json.loads(path.read_text()) == RECORDS
    assert os.listdir(path.parent) == ["a.json"]


def test_write_file_gives_files_the_usual_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    write_file(path, "json", RECORDS)
    plain = tmp_path / "plain"
    plain.write_text("")
    assert path.stat().st_mode == plain.stat().st_mode


def test_interrupted_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n")

    def records() -> Any:
        yield RECORDS[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(path, "yaml", records())
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["a.yaml"]
