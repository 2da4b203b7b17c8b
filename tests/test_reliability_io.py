"""Reliability of reading and writing (issue 32): a lone surrogate in a record's id, output
file names past the file system's limit, UTF-16 without a byte order mark, and the CSV
formula guard's full-width characters.

The CLI runs in-process with the regex extractor of ``fake_library``, from the test's own
folder, so that messages name the inputs as typed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import make_claim

from claimx.cli import cli
from claimx.columns import CSV_COLUMNS, csv_row, text_cell
from claimx.errors import InputError
from claimx.inputs import decode
from claimx.readers import file_name

README = Path(__file__).resolve().parent.parent / "README.md"
LEE = 'Tom Lee said "It is fine today."'
WU = 'Ann Wu said "It is on time."'


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def claims_of(text: str) -> list[tuple[str, str]]:
    """(article id, speaker) of each JSON Lines record."""
    return [(r["article"]["id"], r["speaker"]) for r in map(json.loads, text.splitlines())]


def folder_claims(root: Path) -> dict[str, list[str]]:
    """The speakers in each JSON Lines file below ``root``, by the file's relative path."""
    found = {}
    for path in sorted(root.rglob("*.jsonl")):
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            found[path.relative_to(root).as_posix()] = [json.loads(n)["speaker"] for n in lines]
    return found


# 1. A lone surrogate in a JSON Lines id: that record fails, the rest of the batch is written

SURROGATE = "claimx: error: s.jsonl:2 has a lone surrogate (U+DC00 at character 3) in its id, "
SURROGATE += "which no output can hold; fix the id: \\ud800 to \\udfff are halves of one "
SURROGATE += "character and come in pairs"


@pytest.fixture
def surrogate_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    lines = [
        json.dumps({"id": "s1", "text": LEE}),
        '{"id": "bad\\udc00", "text": "' + WU.replace('"', '\\"') + '"}',
        json.dumps({"id": "s3", "text": WU}),
    ]
    Path("s.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path("good.jsonl").write_text(json.dumps({"id": "g1", "text": WU}) + "\n", encoding="utf-8")
    return tmp_path


def test_a_lone_surrogate_in_an_id_fails_that_record_alone(
    surrogate_feed: Path, fake_library: dict[str, Any]
) -> None:
    result = invoke("extract", "s.jsonl", "good.jsonl", "-f", "jsonl")
    assert result.exit_code == 1
    assert claims_of(result.stdout) == [("s1", "Tom Lee"), ("s3", "Ann Wu"), ("g1", "Ann Wu")]
    assert result.stderr.splitlines() == [SURROGATE, "claimx: 3 articles, 3 claims, 1 failed"]


def test_a_lone_surrogate_in_an_id_fails_that_record_alone_under_output_dir(
    surrogate_feed: Path, fake_library: dict[str, Any]
) -> None:
    result = invoke("extract", "s.jsonl", "good.jsonl", "-f", "jsonl", "-o", "out")
    assert result.exit_code == 1
    assert folder_claims(Path("out")) == {
        "good.jsonl/g1.jsonl": ["Ann Wu"],
        "s.jsonl/s1.jsonl": ["Tom Lee"],
        "s.jsonl/s3.jsonl": ["Ann Wu"],
    }
    assert result.stderr.splitlines() == [SURROGATE, "claimx: 3 articles, 3 claims, 1 failed"]
    again = invoke("extract", "s.jsonl", "good.jsonl", "-f", "jsonl", "-o", "out")
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        SURROGATE,
        "claimx: 0 articles, 0 claims, 3 already done, 1 failed",
    ]


def test_a_lone_surrogate_in_an_id_fails_that_record_alone_in_a_database(
    surrogate_feed: Path, fake_library: dict[str, Any]
) -> None:
    # good.jsonl's record has s3's text: kept, as the folder above keeps it
    result = invoke("extract", "s.jsonl", "good.jsonl", "--db", "claims.db", "--keep-duplicates")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [SURROGATE, "claimx: 3 articles, 3 claims, 1 failed"]


def test_an_id_with_a_lone_surrogate_still_has_a_file_name() -> None:
    # the name of the record's output is taken before the record is refused: it must not raise
    assert file_name("bad\udc00") == "bad%ED%B0%80"
    long = "\udc00" * 100
    digest = hashlib.sha256(long.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    assert file_name(long) == "%ED%B0%80" * 16 + "%ED%B0~" + digest
    assert file_name("d-101") == "d-101"


# 7. Output file names past the limit are cut with a hash, as long ids are

# claimx.atomic writes ".<name>.<12 hex digits>.tmp" first: 18 bytes more than the name
LONGEST = 255 - 18


def cut(stem: str, extension: str) -> str:
    """The name a long stem gets: its first 150 bytes, ``~`` and 16 hex digits of its hash."""
    raw = os.fsencode(stem)
    head = raw[:150].decode("utf-8", "ignore")
    return head + "~" + hashlib.sha256(raw).hexdigest()[:16] + extension


@pytest.mark.parametrize(
    ("stem", "fmt", "extension"),
    [
        ("a" * 251, "jsonl", ".jsonl"),  # 255 bytes with .txt: the name a file system allows
        ("a" * (LONGEST - 4), "yaml", ".yaml"),  # one byte past what atomic writing takes
        ("\u00e9" * 120, "json", ".json"),  # 240 bytes; the cut is at a character's end
    ],
)
def test_an_output_name_past_the_limit_is_cut_with_a_hash(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_library: dict[str, Any],
    stem: str,
    fmt: str,
    extension: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(stem + ".txt").write_text(LEE, encoding="utf-8")
    Path("short.txt").write_text(WU, encoding="utf-8")
    result = invoke("extract", "-f", fmt, "-o", "out", stem + ".txt", "short.txt")
    assert (result.exit_code, result.stderr) == (0, "claimx: 2 articles, 2 claims\n")
    name = cut(stem, extension)
    assert len(os.fsencode(name)) <= LONGEST
    assert sorted(os.listdir("out")) == sorted([name, "short" + extension])
    assert "Tom Lee" in Path("out", name).read_text(encoding="utf-8")
    # the same name again: a re-run finds the output and skips the article
    again = invoke("extract", "-f", fmt, "-o", "out", stem + ".txt", "short.txt")
    assert (again.exit_code, again.stderr) == (0, "claimx: 0 articles, 0 claims, 2 already done\n")
    assert sorted(os.listdir("out")) == sorted([name, "short" + extension])


def test_the_longest_name_that_fits_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_library: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    kept, longer = "b" * (LONGEST - len(".jsonl")), "c" * (LONGEST - len(".jsonl") + 1)
    Path(kept + ".txt").write_text(LEE, encoding="utf-8")
    Path(longer + ".txt").write_text(WU, encoding="utf-8")
    result = invoke("extract", "-f", "jsonl", "-o", "out", kept + ".txt", longer + ".txt")
    assert (result.exit_code, result.stderr) == (0, "claimx: 2 articles, 2 claims\n")
    assert folder_claims(Path("out")) == {
        kept + ".jsonl": ["Tom Lee"],
        cut(longer, ".jsonl"): ["Ann Wu"],
    }


# UTF-16 without a byte order mark: the message names the --encoding that reads it

UTF16 = "{} looks binary (NUL bytes) but is likely UTF-16 text without a byte order mark "
UTF16 += "(a NUL at every other byte); pass --encoding {}"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_names_its_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_library: dict[str, Any], codec: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_bytes((LEE + "\n").encode(codec))
    with pytest.raises(InputError) as info:
        decode(Path("a.txt").read_bytes(), "a.txt")
    assert info.value.fix == f"pass --encoding {codec}"
    result = invoke("extract", "-f", "jsonl", "a.txt")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "claimx: error: " + UTF16.format("a.txt", codec),
        "claimx: 0 articles, 0 claims, 1 failed",
    ]
    fixed = invoke("extract", "-f", "jsonl", "--encoding", codec, "a.txt")
    assert fixed.exit_code == 0
    assert [json.loads(line)["speaker"] for line in fixed.stdout.splitlines()] == ["Tom Lee"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("name", ["feed.jsonl", "feed.csv"])
def test_a_corpus_in_utf16_without_a_mark_reads_with_its_encoding(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_library: dict[str, Any],
    codec: str,
    name: str,
) -> None:
    """Records are lines: a file in UTF-16 is decoded before it is split into them (a
    newline is two bytes there), and without --encoding the file is named once."""
    monkeypatch.chdir(tmp_path)
    if name.endswith(".jsonl"):
        rows = [json.dumps({"id": f"r{i}", "text": f'Ann Wu said "take {i}".'}) for i in (1, 2)]
        data = "\n".join(rows) + "\n"
    else:
        data = 'id,text\nr1,"Ann Wu said ""take 1""."\nr2,"Ann Wu said ""take 2""."\n'
    Path(name).write_bytes(data.encode(codec))
    result = invoke("extract", "-f", "jsonl", name)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "claimx: error: " + UTF16.format(name, codec),
        "claimx: 0 articles, 0 claims, 1 failed",
    ]
    fixed = invoke("extract", "-f", "jsonl", "--encoding", codec, name)
    assert fixed.exit_code == 0, fixed.stderr
    records = [json.loads(line) for line in fixed.stdout.splitlines()]
    assert [(r["article"]["id"], r["quote"]) for r in records] == [
        ("r1", "take 1"),
        ("r2", "take 2"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00",
        bytes(range(256)) * 4,  # NULs, but not at every other byte
        b"A\x00" * 3 + b"\x00",  # odd length: no UTF-16
    ],
)
def test_other_bytes_with_nuls_still_look_binary(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        decode(data, "x.txt")
    assert (info.value.problem, info.value.fix) == (
        "looks binary (NUL bytes), not a text article",
        "remove it or narrow --glob",
    )


# CSV: full-width = and @ start formulas in spreadsheets too


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("'\uff1dx", "''\uff1dx"),
        ("a\uff1d1", "a\uff1d1"),
        ("\uff0b1", "\uff0b1"),  # full-width + is left as it is, as the issue asks
    ],
)
def test_full_width_formula_starts_are_guarded(text: str, cell: str) -> None:
    assert text_cell(text) == cell
    row = csv_row(make_claim(quote=text, speaker=text).to_dict())
    assert (row[CSV_COLUMNS.index("quote")], row[CSV_COLUMNS.index("speaker")]) == (cell, cell)


def test_the_readme_rule_reads_full_width_guards_back() -> None:
    readme = " ".join(README.read_text(encoding="utf-8").split())
    sentence = re.search(r"A text cell that starts with (.*?) gets a `'` in front", readme)
    assert sentence is not None
    assert "`\uff1d`" in sentence[1] and "`\uff20`" in sentence[1]
    rule = re.search(r"drop the first `'` of a text cell matching `([^`]+)`", readme)
    assert rule is not None
    for text in ("\uff1d1+1", "\uff20SUM(A1)", "=1", "'\uff20x"):
        cell = text_cell(text)
        assert re.match(rule[1], cell)
        assert cell[1:] == text


def test_a_rerun_removes_the_temporary_file_a_killed_run_left_below_o(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_library: dict[str, Any]
) -> None:
    """SIGKILL during a write gives no time to remove the temporary file; the next run into
    that folder does, and leaves other hidden files alone."""
    monkeypatch.chdir(tmp_path)
    Path("feed.jsonl").write_text(
        "".join(json.dumps({"id": f"a{i}", "text": LEE}) + "\n" for i in range(3)),
        encoding="utf-8",
    )
    folder = Path("out/feed.jsonl")
    folder.mkdir(parents=True)
    (folder / ".a02.jsonl.811cb7d5c36f.tmp").write_text('{"half": ', encoding="utf-8")
    (folder / ".notes.tmp").write_text("mine", encoding="utf-8")
    result = invoke("extract", "feed.jsonl", "-f", "jsonl", "-o", "out", "--keep-duplicates")
    assert result.exit_code == 2  # --keep-duplicates is --db's: nothing ran
    result = invoke("extract", "feed.jsonl", "-f", "jsonl", "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        ".notes.tmp",
        "a0.jsonl",
        "a1.jsonl",
        "a2.jsonl",
    ]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["jsonl", "json", "yaml"])
def test_stdout_on_a_full_disk_is_one_error_line(tmp_path: Path, fmt: str) -> None:
    """A full disk under stdout (here /dev/full) is named in one line, exit 1, with no
    traceback, however the writer meets it (a record, or the closing ] of JSON)."""
    import subprocess
    import sys

    from conftest import FAKE_CLI_SCRIPT

    article = tmp_path / "a.txt"
    article.write_text(LEE, encoding="utf-8")
    script = FAKE_CLI_SCRIPT + "sys.argv = ['claimx', 'extract', *sys.argv[2:]]\nmain()\n"
    tests = str(Path(__file__).parent)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", script, tests, str(article), "-f", fmt],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert (done.returncode, done.stderr) == (
        1,
        "claimx: error: cannot write to stdout (No space left on device); free space there\n",
    )
