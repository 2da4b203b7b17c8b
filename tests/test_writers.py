"""Output writers: every format streams, parses back, and carries the same records."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import pytest
import yaml
from conftest import make_claim

from claimx.atomic import replacing
from claimx.db import CLAIM_COLUMNS
from claimx.types import FIELDS, TARGET_FIELDS, Claim, Target
from claimx.writers import (
    CSV_COLUMNS,
    FORMATS,
    CsvWriter,
    SymlinkError,
    TableWriter,
    extension,
    make_writer,
    write_file,
    write_records,
)

Record = dict[str, Any]

# The claim with two targets: each item's span is its mention in this text.
TWO_TARGETS_TEXT = "Peskov said the Kremlin welcomed Macron's call but rejected NATO's."
TWO_TARGETS = (
    Target("Emmanuel Macron", (33, 39), "support", 0.62),
    Target("NATO", (60, 64), "oppose", -0.4),
)

CLAIMS = [
    make_claim(
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
        targets=(Target("the bridge", (27, 37), "support", 0.4567),),
    ),
    make_claim(
        quote="\u201cNo,\u201d \u2026 \u201cnever: 1:2\u201d\r\nnull",
        quote_spans=((3, 10), (15, 20)),
        kind="partial",
        stance="oppose",
        stance_score=-1.0,
        source="news/b.txt",
    ),
    make_claim(
        speaker="Dmitry Peskov",
        speaker_type="person",
        speaker_span=(0, 6),
        cue="said",
        cue_span=(7, 11),
        quote="the Kremlin welcomed Macron's call but rejected NATO's",
        quote_spans=((12, 66),),
        target="Emmanuel Macron",
        target_span=(33, 39),
        stance="support",
        stance_score=0.62,
        source="news/c.txt",
        targets=TWO_TARGETS,
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
    records = parse(fmt, render(fmt, RECORDS))
    assert [list(record) for record in records] == [list(FIELDS)] * len(RECORDS)
    items = [item for record in records for item in record["targets"]]
    assert [list(item) for item in items] == [list(TARGET_FIELDS)] * 3


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("yaml", ""), ("json", "[]\n"), ("jsonl", ""), ("csv", ",".join(CSV_COLUMNS) + "\r\n")],
)
def test_empty_output_is_still_parseable(parse: Parse, fmt: str, expected: str) -> None:
    text = render(fmt, [])
    assert text == expected
    assert parse(fmt, text) == []


def test_yaml_concatenation_stays_one_list() -> None:
    first, second = render("yaml", RECORDS[:1]), render("yaml", RECORDS[1:])
    assert yaml.safe_load(first + second) == RECORDS


def test_yaml_of_no_claims_is_empty_so_concatenation_stays_one_list() -> None:
    # for f in *.txt; do claimx extract "$f"; done: an article without claims in the middle
    runs = [render("yaml", RECORDS[:1]), render("yaml", []), render("yaml", RECORDS[1:])]
    assert yaml.safe_load("".join(runs)) == RECORDS
    assert yaml.safe_load(render("yaml", [])) is None
    assert yaml.safe_load(render("yaml", []) * 2) is None


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
    assert lines[2].startswith(' {"source": "news/c.txt"')
    assert lines[2].endswith("}]")
    assert lines[3] == ""


def test_jsonl_keeps_line_breaks_inside_values_escaped() -> None:
    assert len(render("jsonl", RECORDS).split("\n")) == len(RECORDS) + 1


def test_csv_cells() -> None:
    rows = list(csv.reader(io.StringIO(render("csv", RECORDS), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    cells = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert (cells[0]["speaker_start"], cells[0]["speaker_end"]) == ("0", "16")
    assert (cells[0]["quote_starts"], cells[0]["quote_ends"]) == ("22", "57")
    assert cells[0]["stance_score"] == "0.457"
    assert (cells[1]["quote_starts"], cells[1]["quote_ends"]) == ("3;15", "10;20")
    assert cells[1]["speaker"] == ""
    assert (cells[1]["speaker_start"], cells[1]["speaker_end"]) == ("", "")
    assert cells[1]["quote"] == RECORDS[1]["quote"]
    assert cells[1]["stance_score"] == "-1.0"


def test_csv_columns_put_start_and_end_in_place_of_each_span() -> None:
    assert CSV_COLUMNS == (
        "source",
        "speaker",
        "speaker_role",
        "speaker_type",
        "speaker_start",
        "speaker_end",
        "cue",
        "cue_start",
        "cue_end",
        "quote",
        "quote_starts",
        "quote_ends",
        "kind",
        "target",
        "target_start",
        "target_end",
        "stance",
        "stance_score",
        "targets",
    )


def test_csv_has_no_cell_a_spreadsheet_reads_as_a_clock_time() -> None:
    # "4:11" becomes 04:11:00 in LibreOffice, Excel and openpyxl
    text = render("csv", RECORDS)
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if re.fullmatch(r"[\d;:]*:[\d;:]*", cell)]


def test_csv_header_comes_with_the_first_row_or_at_the_end() -> None:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.start()
    assert out.getvalue() == ""  # the first claim may bring article columns
    writer.end()
    assert out.getvalue() == ",".join(CSV_COLUMNS) + "\r\n"


def test_csv_article_columns_come_from_the_first_claim() -> None:
    article = {"id": "a1", "url": "https://x", "views": 3, "live": True, "note": None}
    records = [
        RECORDS[0] | {"article": article},
        RECORDS[1] | {"article": {"id": "b", "other": "?"}},
        RECORDS[2],
    ]
    writer = CsvWriter(io.StringIO())
    rows = list(csv.reader(io.StringIO(render("csv", records), newline="")))
    assert rows[0] == [*CSV_COLUMNS, *(f"article_{key}" for key in article)]
    assert [row[len(CSV_COLUMNS) :] for row in rows[1:]] == [
        ["a1", "https://x", "3", "true", ""],
        ["b", "", "", "", ""],
        ["", "", "", "", ""],
    ]
    write_records(writer, records)
    assert writer.left_out == {"other"}


# What every format gives for the two-target claim and for one with no target at all.
TARGETS_EXPECTED = [
    {
        "target": "Emmanuel Macron",
        "target_span": [33, 39],
        "stance": "support",
        "stance_score": 0.62,
    },
    {"target": "NATO", "target_span": [60, 64], "stance": "oppose", "stance_score": -0.4},
]
TARGETS_CELL = (
    '[{"target":"Emmanuel Macron","target_span":[33,39],"stance":"support","stance_score":0.62},'
    '{"target":"NATO","target_span":[60,64],"stance":"oppose","stance_score":-0.4}]'
)


def test_each_target_span_is_its_mention() -> None:
    mentions = [TWO_TARGETS_TEXT[s:e] for s, e in (t.target_span for t in TWO_TARGETS)]
    assert mentions == ["Macron", "NATO"]
    claim = CLAIMS[2]
    assert (claim.target, claim.target_span) == ("Emmanuel Macron", (33, 39))
    assert TWO_TARGETS_TEXT[slice(*claim.quote_spans[0])] == claim.quote


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
def test_targets_come_back_from_every_format(parse: Parse, fmt: str) -> None:
    records = parse(fmt, render(fmt, RECORDS))
    assert [r["targets"] for r in records] == [
        [
            {
                "target": "the bridge",
                "target_span": [27, 37],
                "stance": "support",
                "stance_score": 0.457,
            }
        ],
        [],
        TARGETS_EXPECTED,
    ]
    # the first item is the main target, repeated in the claim's own keys
    assert [records[2][key] for key in TARGET_FIELDS] == list(TARGETS_EXPECTED[0].values())


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
def test_every_format_gives_back_the_same_claims(parse: Parse, fmt: str) -> None:
    claims = [Claim.from_dict(r) for r in parse(fmt, render(fmt, RECORDS))]
    assert claims == [Claim.from_dict(claim.to_dict()) for claim in CLAIMS]
    assert claims[1:] == CLAIMS[1:]  # scores already at to_dict's three decimals


def test_yaml_targets_are_a_block_list_with_flow_spans() -> None:
    text = render("yaml", RECORDS)
    assert (
        "  targets:\n"
        "  - target: Emmanuel Macron\n"
        "    target_span: [33, 39]\n"
        "    stance: support\n"
        "    stance_score: 0.62\n"
        "  - target: NATO\n"
        "    target_span: [60, 64]\n"
        "    stance: oppose\n"
        "    stance_score: -0.4\n"
    ) in text
    assert "  targets: []\n" in text
    assert yaml.safe_load(text) == RECORDS


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_targets_are_a_list_of_objects(fmt: str) -> None:
    lines = render(fmt, RECORDS).splitlines()
    assert lines[1].endswith('"targets": []}' + ("," if fmt == "json" else ""))
    assert json.loads(lines[2].strip("[], "))["targets"] == TARGETS_EXPECTED


def test_csv_targets_is_one_cell_of_compact_json() -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", RECORDS), newline="")))
    assert [row["targets"] for row in rows[1:]] == ["[]", TARGETS_CELL]
    assert json.loads(rows[2]["targets"]) == TARGETS_EXPECTED
    assert (rows[2]["target"], rows[2]["target_start"], rows[2]["target_end"]) == (
        "Emmanuel Macron",
        "33",
        "39",
    )


def test_table_lists_several_targets_one_per_line_with_their_scores() -> None:
    out = io.StringIO()
    write_records(TableWriter(out, width=160), RECORDS)
    lines = out.getvalue().splitlines()
    macron = next(line for line in lines if "Dmitry Peskov" in line)
    assert "│ Emmanuel Macron +0.62 │ support +0.62 │" in macron
    assert "│ NATO -0.40" in lines[lines.index(macron) + 1]
    bridge = next(line for line in lines if "Jane Smith" in line)
    assert re.search(r"│ the bridge +│ support \+0\.46 │", bridge)  # one target: the name alone


# Line and paragraph separators, NEL, CR, control characters, quote marks: each must come
# back from every format as it went in.
AWKWARD = [
    "a\x85b",
    "\x85",
    "line\u2028separator",
    "para\u2029graph",
    "cr\ronly",
    "crlf\r\n",
    "\x0b\x0c\x1c\x1d\x1e\x1b\x7f\x9f",
    '"quoted," he said',
    "\u201ccurly\u201d \u2026 \u00ab\u00bb \u201e'' ``",
    "\ufeffbom",
    " padded\t",
    "null",
    "- dash: colon # hash",
    "\U0001f600 \u05e9\u05dc\u05d5\u05dd",
]


def _awkward_records() -> list[Record]:
    return [
        {**RECORDS[0], "quote": text, "speaker": text, "target": text, "targets": _named(text)}
        for text in AWKWARD
    ]


def _named(text: str) -> list[Record]:
    """The two-target claim's ``targets``, the second one named ``text``."""
    first, second = RECORDS[2]["targets"]
    return [first, {**second, "target": text}]


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
def test_every_format_round_trips_awkward_text(parse: Parse, fmt: str) -> None:
    records = _awkward_records()
    assert parse(fmt, render(fmt, records)) == records


def test_yaml_round_trips_nel_and_line_separators() -> None:
    records = _awkward_records()
    assert yaml.safe_load(render("yaml", records)) == records
    assert '  quote: "a\\Nb"\n' in render("yaml", records[:1])


def test_yaml_keeps_ordinary_strings_plain() -> None:
    record = {**RECORDS[0], "quote": 'these signals as a "positive development,"'}
    assert '  quote: these signals as a "positive development,"\n' in render("yaml", [record])


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_keeps_each_record_on_its_line_for_any_line_splitter(fmt: str) -> None:
    records = _awkward_records()
    text = render(fmt, records)
    assert len(text.splitlines()) == len(records)
    assert [json.loads(line.strip("[], ")) for line in text.splitlines()] == records


FORMULAS = ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''+x", "'plain", "a=b"]


def test_csv_neutralises_formulas_in_text_cells(parse: Parse) -> None:
    records = [
        {
            **RECORDS[0],
            "speaker": text,
            "quote": text,
            "target": text,
            "stance_score": -0.4,
            "targets": _named(text),
        }
        for text in FORMULAS
    ]
    text = render("csv", records)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    expected = [
        "'=1+1",
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "''=x",
        "'''+x",
        "'plain",
        "a=b",
    ]
    assert [row["quote"] for row in rows] == expected
    assert [row["speaker"] for row in rows] == expected
    assert [row["target"] for row in rows] == expected
    assert {row["stance_score"] for row in rows} == {"-0.4"}  # numbers stay numbers
    # the JSON cell starts with "[", so no spreadsheet runs it; the names in it stay as written
    assert all(row["targets"].startswith('[{"target":"Emmanuel Macron"') for row in rows)
    assert [json.loads(row["targets"])[1]["target"] for row in rows] == FORMULAS
    assert parse("csv", text) == records


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl"])
def test_formula_neutralising_is_for_csv_only(parse: Parse, fmt: str) -> None:
    records = [{**RECORDS[0], "quote": text} for text in FORMULAS]
    assert [r["quote"] for r in parse(fmt, render(fmt, records))] == FORMULAS


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
def test_close_finishes_an_interrupted_stream(parse: Parse, fmt: str) -> None:
    out = io.StringIO(newline="")
    with pytest.raises(KeyboardInterrupt), make_writer(fmt, out) as writer:
        writer.write(RECORDS[0])
        raise KeyboardInterrupt
    assert parse(fmt, out.getvalue()) == RECORDS[:1]


def test_close_ends_once_and_only_a_started_writer() -> None:
    out = io.StringIO()
    writer = make_writer("json", out)
    writer.close()
    assert out.getvalue() == ""
    writer.start()
    writer.write(RECORDS[0])
    writer.close()
    writer.end()
    writer.close()
    assert out.getvalue().endswith("}]\n")
    assert json.loads(out.getvalue()) == RECORDS[:1]


def test_close_after_a_closed_pipe_lets_the_first_error_through() -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    with pytest.raises(KeyboardInterrupt), make_writer("json", io.StringIO()) as writer:
        writer.out = Broken()
        raise KeyboardInterrupt


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
    write_file(tmp_path / "out", PurePath("a.json"), "json", RECORDS)
    path = tmp_path / "out" / "a.json"
    assert json.loads(path.read_text()) == RECORDS
    assert os.listdir(path.parent) == ["a.json"]


def test_write_file_makes_the_folders_below_the_root(tmp_path: Path) -> None:
    write_file(tmp_path / "out", PurePath("x/y/a.csv"), "csv", RECORDS)
    assert os.listdir(tmp_path / "out" / "x" / "y") == ["a.csv"]


def test_write_file_gives_files_the_usual_mode(tmp_path: Path) -> None:
    write_file(tmp_path, PurePath("a.json"), "json", RECORDS)
    plain = tmp_path / "plain"
    plain.write_text("")
    assert (tmp_path / "a.json").stat().st_mode == plain.stat().st_mode


def test_interrupted_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n")

    def records() -> Any:
        yield RECORDS[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path, PurePath("a.yaml"), "yaml", records())
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["a.yaml"]


def test_interrupt_right_after_the_temp_file_is_made_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C as the call that creates the temporary file returns, before anything else runs
    real_open = os.open

    def open_then_interrupt(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = real_open(path, flags, *args, **kwargs)
        if str(path).endswith(".tmp"):
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path, PurePath("a.yaml"), "yaml", RECORDS)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_failed_rename_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rename(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path, PurePath("a.json"), "json", RECORDS)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_write_file_refuses_a_folder_link_below_the_root(tmp_path: Path) -> None:
    root, outside = tmp_path / "out", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SymlinkError) as caught:
        write_file(root, PurePath("sub/a.json"), "json", RECORDS)
    assert isinstance(caught.value, OSError)
    assert (
        caught.value.strerror
        == f"{root / 'sub'} is a symbolic link; claimx does not write through links"
    )
    assert os.listdir(outside) == []


def test_write_file_refuses_a_link_deeper_down(tmp_path: Path) -> None:
    root, outside = tmp_path / "out", tmp_path / "outside"
    (root / "a").mkdir(parents=True)
    outside.mkdir()
    (root / "a" / "b").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SymlinkError, match="symbolic link"):
        write_file(root, PurePath("a/b/c/x.yaml"), "yaml", RECORDS)
    assert os.listdir(outside) == []


def test_write_file_refuses_a_file_that_is_a_link(tmp_path: Path) -> None:
    root, target = tmp_path / "out", tmp_path / "elsewhere.json"
    root.mkdir()
    target.write_text("keep\n")
    (root / "a.json").symlink_to(target)
    with pytest.raises(SymlinkError, match=re.escape(str(root / "a.json"))):
        write_file(root, PurePath("a.json"), "json", RECORDS)
    assert target.read_text() == "keep\n"
    assert (root / "a.json").is_symlink()
    assert os.listdir(root) == ["a.json"]


def test_write_file_follows_a_root_that_is_a_link(tmp_path: Path) -> None:
    real, root = tmp_path / "real", tmp_path / "root"
    real.mkdir()
    root.symlink_to(real, target_is_directory=True)
    write_file(root, PurePath("sub/a.jsonl"), "jsonl", RECORDS)
    assert (real / "sub" / "a.jsonl").read_text().count("\n") == len(RECORDS)


@pytest.mark.parametrize("relpath", ["../a.json", "/tmp/a.json", "sub/../../a.json"])
def test_write_file_stays_inside_the_root(tmp_path: Path, relpath: str) -> None:
    with pytest.raises(ValueError, match="inside the output folder"):
        write_file(tmp_path / "out", PurePath(relpath), "json", RECORDS)


@pytest.mark.parametrize("binary", [False, True])
def test_replacing_puts_the_file_in_place_whole(tmp_path: Path, binary: bool) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old\n")
    with replacing(path, binary=binary) as out:
        out.write(b"new\r\n" if binary else "new\r\n")
        assert path.read_text() == "old\n"
    assert path.read_bytes() == b"new\r\n"  # line ends as written, in text mode too
    assert os.listdir(tmp_path) == ["a.txt"]


def test_interrupted_replacing_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), replacing(path, binary=False) as out:
        out.write("half")
        raise KeyboardInterrupt
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["a.json"]


def test_replacing_leaves_someone_elses_temporary_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first name drawn is taken: the writer draws another and removes only its own
    taken = tmp_path / ".a.json.000000000000.tmp"
    taken.write_text("theirs")
    draws = iter(["000000000000", "111111111111"])
    monkeypatch.setattr("secrets.token_hex", lambda n: next(draws))
    with replacing(tmp_path / "a.json", binary=False) as out:
        out.write("mine")
    assert taken.read_text() == "theirs"
    assert sorted(os.listdir(tmp_path)) == [".a.json.000000000000.tmp", "a.json"]


def test_csv_and_the_database_spread_spans_alike() -> None:
    spans = [c for c in CSV_COLUMNS if c.endswith(("_start", "_end"))]
    assert spans == [c for c in CLAIM_COLUMNS if c.endswith(("_start", "_end"))]
    assert spans == [f"{n}_{e}" for n in ("speaker", "cue", "target") for e in ("start", "end")]
