"""The command line: exit codes, streams, formats, inputs and output files.

Most tests swap the library for a tiny regex extractor (``fake_library``), so that they test
the shell and not the linguistics; the ``real`` tests run the installed model end to end.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import check_offsets, fake_claims
from test_corpora import CRAWL, PAGE, warc

from claimx import __version__, api
from claimx.cli import cli
from claimx.errors import ModelError
from claimx.types import FIELDS
from claimx.writers import CSV_COLUMNS

Parse = Callable[[str, str], list[dict[str, Any]]]

SMITH = 'Jane Smith said "The bridge will reopen in May."\n'
LEE = 'Tom Lee said "It is too late." Ann Wu said "It is on time."\n'


Run = Callable[..., Result]


@pytest.fixture
def run(parse: Parse) -> Run:
    """Invoke ``claimx`` in-process, stdout and stderr apart; checks every claim it prints."""

    def invoke(*args: str | Path, input: str | bytes | None = None, **env: str) -> Result:
        argv = [str(a) for a in args]
        result = CliRunner().invoke(cli, argv, input=input, env=env)
        check_printed_offsets(parse, argv, input, result)
        return result

    return invoke


def check_printed_offsets(
    parse: Parse, argv: list[str], input: str | bytes | None, result: Result
) -> None:
    """Check the offsets of every claim an ``extract`` run wrote against its input files."""
    if argv[0] != "extract" or result.exit_code not in (0, 1):
        return
    records = written_records(parse, argv, result)
    fallback = _option(argv, "--encoding", "utf-8")
    stdin = input.encode() if isinstance(input, str) else input or b""
    texts: dict[str, str | dict[str, str]] = {}
    for source in {record["source"] for record in records}:
        # Decoded here, not with claimx.inputs, so that a bug in reading would show.
        data = stdin if source == "-" else Path(os.fsdecode(_name_bytes(source))).read_bytes()
        if any("article" in record for record in records if record["source"] == source):
            texts[source] = article_texts(source, data, argv)
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode(fallback)
        texts[source] = text.removeprefix("\ufeff")
    check_printed(texts, records)


def article_texts(source: str, data: bytes, argv: list[str]) -> dict[str, str]:
    """The text of each article of a corpus, by id: read here for JSON Lines and CSV, and
    for pages (whose text claimx derives) as ``claimx text`` prints it."""
    text_field, id_field = _option(argv, "--text-field", "text"), _option(argv, "--id-field", "id")
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    name = source.removesuffix(".gz")
    if name.endswith((".html", ".htm", ".warc")):
        from claimx.corpora import read_articles
        from claimx.inputs import expand

        (item,) = expand(source)
        found = read_articles(item, on_problem=lambda exc, skipped: None)
        return {article.id: article.text for article in found}
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        lines = data.decode("utf-16").splitlines(keepends=True)
    else:
        fallback = _option(argv, "--encoding", "utf-8")
        lines = [_decoded(line, fallback) for line in data.splitlines(keepends=True)]
    lines[0] = lines[0].removeprefix("\ufeff")
    texts: dict[str, str] = {}
    if name.endswith(".csv"):
        rows = csv.reader(lines)
        header = next(rows)
        while True:
            start = rows.line_num + 1
            row = next(rows, None)
            if row is None:
                return texts
            record = dict(zip(header, row, strict=True))
            texts.setdefault(record.get(id_field) or str(start), record[text_field])
    for number, line in enumerate(lines, 1):
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and isinstance(record.get(text_field), str):
                texts.setdefault(str(record.get(id_field) or number), record[text_field])
    return texts


def _decoded(line: bytes, fallback: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode(fallback, errors="replace")


def check_printed(texts: dict[str, Any], records: list[dict[str, Any]]) -> None:
    """:func:`conftest.check_offsets` on every record, against the article it names."""
    for record in records:
        text = texts[record["source"]]
        check_offsets(text[record["article"]["id"]] if "article" in record else text, record)


def _name_bytes(source: str) -> bytes:
    """A ``source`` back to the file name's bytes: claimx writes bytes not UTF-8 as ``\\xNN``."""
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), source.encode())


def written_records(parse: Parse, argv: list[str], result: Result) -> list[dict[str, Any]]:
    """The records an ``extract`` run printed, or wrote under ``-o``; none for ``table``."""
    fmt = _option(argv, "-f", "yaml")
    if fmt == "table":
        return []
    if "-o" in argv:
        files = sorted(p for p in Path(_option(argv, "-o", "")).rglob(f"*.{fmt}") if p.is_file())
        return [record for path in files for record in parse(fmt, path.read_bytes().decode())]
    return parse(fmt, result.stdout) if result.stdout else []


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def articles(folder: Path, files: dict[str, str | bytes]) -> dict[str, Path]:
    """Write ``{relative path: content}`` under ``folder``; returns the paths by name."""
    paths = {}
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        paths[name] = path
    return paths


# Shell basics


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"claimx, version {__version__}\n"


def test_help_does_not_import_spacy() -> None:
    # `claimx --help` must be instant, and spaCy's import is what would make it slow.
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from claimx.cli import cli\n"
        "for args in ([], ['--help'], ['extract', '--help'], ['info', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code in (0, 2), args\n"
        "heavy = {'spacy', 'claimx.api', 'rich'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "claimx", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout == f"claimx, version {__version__}\n"


# Formats


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
def test_each_format_parses(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any], fmt: str
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", "-f", fmt, paths["a.txt"])
    assert result.exit_code == 0, result.stderr
    records = parse(fmt, result.stdout)
    assert [(r["source"], r["speaker"], r["quote"]) for r in records] == [
        (str(paths["a.txt"]), "Jane Smith", "The bridge will reopen in May.")
    ]
    assert result.stderr == ""


def test_machine_formats_carry_the_same_records(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    articles(tmp_path, {"a.txt": SMITH, "b.txt": LEE})
    outputs = {
        fmt: parse(fmt, run("extract", "-q", "-f", fmt, tmp_path).stdout)
        for fmt in ("yaml", "json", "jsonl", "csv")
    }
    assert len(outputs["yaml"]) == 3
    assert all(records == outputs["yaml"] for records in outputs.values())
    assert all(list(record) == list(FIELDS) for record in outputs["json"])


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("yaml", ""), ("json", "[]\n"), ("jsonl", ""), ("csv", ",".join(CSV_COLUMNS) + "\n")],
)
def test_no_claims_still_parses(
    run: Run, tmp_path: Path, fake_library: dict[str, Any], fmt: str, expected: str
) -> None:
    paths = articles(tmp_path, {"a.txt": "Nobody said anything.\n"})
    result = run("extract", "-f", fmt, paths["a.txt"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_yaml_of_many_articles_is_one_list(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    articles(tmp_path, {"a.txt": SMITH, "b.txt": "Nothing here.\n", "c.txt": LEE})
    result = run("extract", tmp_path)
    assert [r["speaker"] for r in yaml.safe_load(result.stdout)] == [
        "Jane Smith",
        "Tom Lee",
        "Ann Wu",
    ]


def test_table_goes_to_stdout_at_terminal_width(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", "-f", "table", paths["a.txt"], COLUMNS="100")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Jane Smith" in result.stdout
    assert max(len(line) for line in lines) <= 100
    assert result.stderr == ""


# Inputs


def test_stdin_only_with_dash(run: Run, tmp_path: Path, fake_library: dict[str, Any]) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", "-f", "json", paths["a.txt"], "-", input=LEE.encode())
    records = json.loads(result.stdout)
    assert [r["source"] for r in records] == [str(paths["a.txt"]), "-", "-"]

    without_dash = run("extract", "-f", "json", paths["a.txt"], input=LEE.encode())
    assert [r["source"] for r in json.loads(without_dash.stdout)] == [str(paths["a.txt"])]


def test_dash_twice_is_a_usage_error(run: Run, fake_library: dict[str, Any]) -> None:
    result = run("extract", "-", "-", input="")
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for 'PATHS...': '-' (stdin) can be given only once" in result.stderr
    )


def test_missing_path_is_a_usage_error(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", paths["a.txt"], tmp_path / "nope.txt")
    assert result.exit_code == 2
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: Invalid value for 'PATHS...': Path '{tmp_path}/nope.txt' does not exist."
    ]


def test_bad_files_are_reported_and_the_rest_processed(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(
        tmp_path,
        {
            "a.txt": SMITH,
            "b.txt": 'Ren\u00e9 said "Non."\n'.encode("latin-1"),
            "c.txt": b"\x00\x01binary",
            "d.txt": LEE,
        },
    )
    result = run("extract", "-f", "jsonl", tmp_path)
    assert result.exit_code == 1
    assert [r["speaker"] for r in parse("jsonl", result.stdout)] == [
        "Jane Smith",
        "Tom Lee",
        "Ann Wu",
    ]
    assert result.stderr.splitlines() == [
        f"claimx: error: {paths['b.txt']} is not valid UTF-8 (byte 0xe9 at offset 3); "
        "pass --encoding cp1252 (Windows files; or the file's encoding)",
        f"claimx: error: {paths['c.txt']} looks binary (NUL bytes), not a text article; "
        "remove it or narrow --glob",
        "claimx: 2 articles, 3 claims, 2 failed",
    ]


def test_a_single_failed_file_still_gets_a_summary(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": b"\xff"})
    result = run("extract", paths["a.txt"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines()[-1] == "claimx: 0 articles, 0 claims, 1 failed"


def test_encoding_option(run: Run, tmp_path: Path, fake_library: dict[str, Any]) -> None:
    text = 'Ren\u00e9 Roy said "Non, merci."\r\n'
    paths = articles(tmp_path, {"a.txt": text.encode("latin-1")})
    result = run("extract", "-f", "json", "--encoding", "latin-1", paths["a.txt"])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert records[0]["speaker"] == "Ren\u00e9 Roy"
    check_printed({str(paths["a.txt"]): text}, records)


def test_unknown_encoding_is_a_usage_error(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", "--encoding", "klingon", paths["a.txt"])
    assert result.exit_code == 2
    assert "unknown encoding 'klingon'" in result.stderr


def test_empty_file_is_no_claims_and_no_error(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": ""})
    result = run("extract", "-f", "json", paths["a.txt"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")


def test_bom_and_crlf_keep_offsets(run: Run, tmp_path: Path, fake_library: dict[str, Any]) -> None:
    text = "Headline\r\n\r\n" + SMITH.replace("\n", "\r\n") + LEE.replace("\n", "\r\n")
    paths = articles(tmp_path, {"a.txt": b"\xef\xbb\xbf" + text.encode()})
    records = json.loads(run("extract", "-f", "json", paths["a.txt"]).stdout)
    assert len(records) == 3
    check_printed({str(paths["a.txt"]): text}, records)


def test_glob_and_hidden_files(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    articles(
        tmp_path,
        {"a.txt": SMITH, "b.md": LEE, "sub/c.md": SMITH, ".hidden.md": SMITH, ".git/d.md": SMITH},
    )
    result = run("extract", "-f", "jsonl", "--glob", "*.md", tmp_path)
    sources = [r["source"] for r in parse("jsonl", result.stdout)]
    assert sources == [f"{tmp_path}/b.md", f"{tmp_path}/b.md", f"{tmp_path}/sub/c.md"]


def test_folder_without_matches_warns(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    articles(tmp_path, {"a.md": SMITH})
    result = run("extract", tmp_path)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.splitlines() == [
        f"claimx: warning: {tmp_path} has no files matching '*.txt', '*.html' or '*.htm'; "
        "see --glob",
        "claimx: error: no articles to read",
    ]
    both = run("extract", "-f", "jsonl", "--glob", "*.md", "--glob", "*.txt", tmp_path)
    assert (both.exit_code, both.stderr) == (0, "")
    assert len(both.stdout.splitlines()) == 1


# Summary, progress, quiet


def test_summary_only_for_batches(run: Run, tmp_path: Path, fake_library: dict[str, Any]) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH, "b.txt": LEE})
    assert run("extract", paths["a.txt"]).stderr == ""
    assert run("extract", tmp_path).stderr == "claimx: 2 articles, 3 claims\n"
    assert run("extract", "-q", tmp_path).stderr == ""


def test_progress_bar_keeps_stdout_clean(
    run: Run, tmp_path: Path, fake_library: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bar is only drawn on a terminal; force it to check it never touches stdout.
    monkeypatch.setattr("claimx.progress.fits", lambda console, printing: True)
    articles(tmp_path, {"a.txt": SMITH, "b.txt": LEE})
    result = run("extract", "-f", "json", tmp_path)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3
    assert result.stderr.splitlines()[-1] == "claimx: 2 articles, 3 claims"


# Library options and errors


def test_model_option_and_env(run: Run, tmp_path: Path, fake_library: dict[str, Any]) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    run("extract", "-m", "my_pipeline", paths["a.txt"])
    assert fake_library["model"] == "my_pipeline"
    run("extract", paths["a.txt"], CLAIMX_MODEL="env_pipeline")
    assert fake_library["model"] == "env_pipeline"
    assert fake_library["as_tuples"] is True


def test_jobs_are_passed_to_the_library(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    assert run("extract", "-j", "3", paths["a.txt"]).exit_code == 0
    assert fake_library["n_process"] == 3
    assert run("extract", "-j", "0", paths["a.txt"]).exit_code == 2


def test_model_error_is_one_line(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def load(model: str | None = None, stance: str = "rules", aliases: str | None = None) -> None:
        raise ModelError(f"cannot load spaCy pipeline {model!r}")

    monkeypatch.setattr(api, "load", load)
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", "-f", "json", "-m", "nope", paths["a.txt"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "claimx: error: cannot load spaCy pipeline 'nope'\n"


def test_ctrl_c_exits_130_quietly(
    run: Run, tmp_path: Path, fake_library: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(texts: Iterable[Any], **options: Any) -> Iterator[Any]:
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(api, "extract_many", interrupted)
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", paths["a.txt"])
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "")


# Output folder


def test_output_dir_mirrors_inputs(run: Run, tmp_path: Path, fake_library: dict[str, Any]) -> None:
    articles(tmp_path / "news", {"a.txt": SMITH, "sub/b.txt": LEE, "sub/empty.txt": ""})
    other = articles(tmp_path / "other", {"c.txt": SMITH})
    out = tmp_path / "out"
    result = run("extract", "-o", out, tmp_path / "news", other["c.txt"], "-", input=LEE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == ["a.yaml", "c.yaml", "stdin.yaml", "sub/b.yaml", "sub/empty.yaml"]
    assert [r["speaker"] for r in yaml.safe_load((out / "sub/b.yaml").read_text())] == [
        "Tom Lee",
        "Ann Wu",
    ]
    assert yaml.safe_load((out / "sub/empty.yaml").read_text()) is None  # no claims, no items
    assert yaml.safe_load((out / "stdin.yaml").read_text())[0]["source"] == "-"


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_output_dir_extension_by_format(
    run: Run, tmp_path: Path, fake_library: dict[str, Any], fmt: str
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    run("extract", "-f", fmt, "-o", tmp_path / "out", paths["a.txt"])
    suffix = ".txt" if fmt == "table" else f".{fmt}"
    assert os.listdir(tmp_path / "out") == [f"a{suffix}"]


def test_output_dir_refuses_two_inputs_for_one_file(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    x = articles(tmp_path / "x", {"a.txt": SMITH})
    y = articles(tmp_path / "y", {"a.txt": LEE})
    result = run("extract", "-o", tmp_path / "out", x["a.txt"], y["a.txt"])
    assert result.exit_code == 2
    assert "would both be written to" in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_dir_collision_of_two_folders_names_their_parent(
    run: Run, tmp_path: Path, fake_library: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles(tmp_path / "coll", {"a/x.txt": SMITH, "b/x.txt": LEE})
    monkeypatch.chdir(tmp_path)
    result = run("extract", "-o", "out", "coll/a", "coll/b")
    assert result.exit_code == 2
    assert "give the folder that holds both (coll) instead" in result.stderr
    assert "their folder instead of the files" not in result.stderr
    assert run("extract", "-q", "-o", "out", "coll").exit_code == 0
    assert sorted(str(p.relative_to("out")) for p in Path("out").rglob("*.yaml")) == [
        "a/x.yaml",
        "b/x.yaml",
    ]


def test_a_file_named_twice_is_read_once(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH, "b.txt": LEE})
    result = run("extract", "-f", "jsonl", tmp_path, paths["a.txt"], tmp_path / "." / "b.txt")
    assert result.exit_code == 0, result.stderr
    assert [r["speaker"] for r in parse("jsonl", result.stdout)] == [
        "Jane Smith",
        "Tom Lee",
        "Ann Wu",
    ]


def test_a_fifo_in_a_folder_is_skipped_not_waited_for(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    articles(tmp_path, {"a.txt": SMITH, "c.txt": LEE})
    os.mkfifo(tmp_path / "b.txt")  # nobody writes to it: reading it would block forever
    result = run("extract", "-f", "jsonl", tmp_path)
    assert result.exit_code == 0
    assert len(parse("jsonl", result.stdout)) == 3
    assert result.stderr.splitlines()[0] == (
        f"claimx: warning: {tmp_path}/b.txt is not a regular file (a FIFO or device, say); "
        "skipped; narrow --glob"
    )


def test_an_unreadable_subfolder_is_an_error(
    run: Run,
    parse: Parse,
    tmp_path: Path,
    fake_library: dict[str, Any],
    deny_folder: Callable[[str], None],
) -> None:
    articles(tmp_path, {"a.txt": SMITH, "locked/b.txt": LEE})
    deny_folder("locked")
    result = run("extract", "-f", "jsonl", tmp_path)
    assert result.exit_code == 1
    assert len(parse("jsonl", result.stdout)) == 1
    assert result.stderr.splitlines()[0].startswith(
        f"claimx: error: {tmp_path}/locked cannot be read (permission denied)"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json", "yaml"])
def test_file_names_that_are_not_utf8(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any], fmt: str
) -> None:
    folder = os.fsencode(tmp_path / "news")
    os.mkdir(folder)
    for name in (b"a.txt", b"bad\xff.txt", b"c.txt"):
        with open(folder + b"/" + name, "wb") as out:
            out.write(SMITH.encode())
    printed = run("extract", "-f", fmt, tmp_path / "news")
    assert printed.exit_code == 0, printed.stderr
    assert printed.stdout_bytes.decode("utf-8")  # valid UTF-8: no raw 0xFF byte
    sources = [r["source"] for r in parse(fmt, printed.stdout)]
    assert sources[1] == f"{tmp_path}/news/bad\\xff.txt"
    written = run("extract", "-f", fmt, "-o", tmp_path / "out", tmp_path / "news")
    assert written.exit_code == 0, written.stderr
    assert sorted(os.listdir(os.fsencode(tmp_path / "out"))) == sorted(
        name + f".{fmt}".encode() for name in (b"a", b"bad\xff", b"c")
    )


def test_ctrl_c_keeps_json_valid(
    run: Run, tmp_path: Path, fake_library: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(texts: Iterable[Any], **options: Any) -> Iterator[Any]:
        text, context = next(iter(texts))
        yield fake_claims(text), context
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "extract_many", interrupted)
    paths = articles(tmp_path, {"a.txt": SMITH, "b.txt": LEE})
    result = run("extract", "-f", "json", paths["a.txt"], paths["b.txt"])
    assert result.exit_code == 130
    assert [r["speaker"] for r in json.loads(result.stdout)] == ["Jane Smith"]


@pytest.mark.model
def test_real_broken_pipe_exits_141_quietly(tmp_path: Path) -> None:
    for i in range(200):  # many: the reader is surely gone before the last one
        (tmp_path / f"{i:03d}.txt").write_text(SMITH)
    first, status, stderr = piped_to_head("-f", "jsonl", tmp_path)
    assert (json.loads(first)["speaker"], status, stderr) == ("Jane Smith", "141", "")


# The real model, end to end

ARTICLE = (
    "Bridge to reopen\r\n"
    "\r\n"
    "Mayor Jane Smith said that the bridge would reopen in May.\r\n"
    '"We will fix it," said Tom Lee.\r\n'
)


@pytest.mark.model
def test_real_crlf_offsets(run: Run, tmp_path: Path) -> None:
    paths = articles(tmp_path, {"a.txt": b"\xef\xbb\xbf" + ARTICLE.encode()})
    result = run("extract", "-f", "json", paths["a.txt"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert {r["speaker"] for r in records} >= {"Jane Smith", "Tom Lee"}
    check_printed({str(paths["a.txt"]): ARTICLE}, records)


@pytest.mark.model
def test_real_jobs_keep_input_order(run: Run, parse: Parse, tmp_path: Path) -> None:
    names = ["Ann Wu", "Tom Lee", "Jane Smith", "Raj Patel", "Maria Lopez", "Sam Jones"]
    texts = {
        f"{i:02d}.txt": f"{name} said that the council would vote on Monday.\n"
        for i, name in enumerate(names)
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    one = run("extract", "-q", "-f", "jsonl", tmp_path)
    two = run("extract", "-q", "-f", "jsonl", "-j", "2", tmp_path)
    assert two.exit_code == 0, two.stderr
    records = parse("jsonl", two.stdout)
    assert [r["source"] for r in records] == [str(tmp_path / name) for name in texts]
    assert [r["speaker"] for r in records] == names
    assert two.stdout == one.stdout


SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_680bcb4019dc53cb.txt"


@pytest.fixture
def parallel_run(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``claimx extract -j 2`` on 120 articles, as from a terminal, its first line read.

    The articles are the seed's (3 KB): long enough that texts are still on their way to
    the workers when the first line is out, which is what used to hang.
    """
    for i in range(120):
        (tmp_path / f"{i:03d}.txt").write_bytes(SEED.read_bytes())
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimx", "extract", "-q", "-j", "2", "-f", "jsonl", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,  # unbuffered: communicate() reads on from the fd, past any buffer of ours
        start_new_session=True,  # its own process group, so that Ctrl-C reaches only it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"{")  # unbuffered: reads up to the newline
    yield proc
    if proc.poll() is None:  # the test failed with the run hanging: don't leave it behind
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.model
def test_real_jobs_end_when_stdout_closes(parallel_run: subprocess.Popen[bytes]) -> None:
    # `claimx extract -j 2 … | head -1`: workers must not be left blocking the exit.
    assert parallel_run.stdout is not None and parallel_run.stderr is not None
    parallel_run.stdout.close()
    assert parallel_run.wait(timeout=30) == 141  # EXIT_BROKEN_PIPE
    assert b"Traceback" not in parallel_run.stderr.read()


@pytest.mark.model
def test_real_jobs_ctrl_c(parallel_run: subprocess.Popen[bytes]) -> None:
    os.killpg(parallel_run.pid, signal.SIGINT)  # like a terminal: main process and workers
    stdout, stderr = parallel_run.communicate(timeout=30)
    assert (parallel_run.returncode, stderr) == (130, b"")
    assert all(json.loads(line) for line in stdout.splitlines())  # no line cut short


@pytest.mark.model
def test_real_jobs_sigterm_ends_the_run_like_ctrl_c(parallel_run: subprocess.Popen[bytes]) -> None:
    parallel_run.terminate()  # what `timeout` and supervisors send, to the main process only
    # communicate() reads stdout and stderr to their end: a worker left alive holds them open
    stdout, stderr = parallel_run.communicate(timeout=30)
    assert (parallel_run.returncode, stderr) == (143, b"")
    assert all(json.loads(line) for line in stdout.splitlines())


@pytest.mark.model
def test_real_jobs_die_with_a_killed_parent(parallel_run: subprocess.Popen[bytes]) -> None:
    parallel_run.kill()  # SIGKILL (the OOM killer): no handler runs in the main process
    parallel_run.communicate(timeout=30)  # EOF on both pipes: no worker holds them
    assert parallel_run.returncode == -signal.SIGKILL


@pytest.mark.model
def test_real_jobs_end_when_a_pipe_reader_stops(tmp_path: Path) -> None:
    # `claimx extract DIR -j 2 | head -1` through a real shell pipe
    for i in range(48):
        (tmp_path / f"{i:03d}.txt").write_bytes(SEED.read_bytes())
    first, status, stderr = piped_to_head("-j", "2", "-f", "jsonl", tmp_path)
    assert json.loads(first)["source"] == f"{tmp_path}/000.txt"
    assert (status, stderr) == ("141", "")


def piped_to_head(*args: str | Path) -> tuple[str, str, str]:
    """``claimx extract -q ARGS | head -1`` in a real shell: the line, the exit code, stderr."""
    claimx = shlex.join([sys.executable, "-m", "claimx", "extract", "-q", *map(str, args)])
    done = subprocess.run(
        ["bash", "-c", f"{claimx} | head -1; echo ${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    first, status = done.stdout.splitlines()
    return first, status, done.stderr


@pytest.mark.model
def test_real_info(run: Run) -> None:
    text = run("info")
    assert text.exit_code == 0
    assert text.stdout.startswith(f"claimx    {__version__}\n")
    details = json.loads(run("info", "-f", "json").stdout)
    assert details["claimx"] == __version__
    assert details["model"] == api.DEFAULT_MODEL
    assert details["pipeline"][-1] == "claimx"


@pytest.mark.model
def test_real_missing_model(run: Run, tmp_path: Path) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    result = run("extract", "-m", str(tmp_path / "no_such_pipeline"), paths["a.txt"])
    assert (result.exit_code, result.stdout) == (1, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith("claimx: error: cannot load spaCy pipeline")


def _gold_file(tmp_path: Path) -> Path:
    text = "Mayor Jane Smith said that the bridge would reopen in May."
    content = "that the bridge would reopen in May"
    claim = {
        "speaker_span": [text.index("Jane"), text.index(" said")],
        "cue": "said",
        "cue_span": [text.index("said"), text.index("said") + 4],
        "content_fragments": [[text.index(content), text.index(content) + len(content)]],
        "kind": "indirect",
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": text, "claims": [claim]}) + "\n")
    return path


@pytest.mark.model
def test_real_evaluate_json(run: Run, tmp_path: Path) -> None:
    result = run("evaluate", _gold_file(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 1
    assert report["all"]["claim"]["f1"] == 1.0
    assert report["all"]["content_exact"]["r"] == 1.0


@pytest.mark.model
def test_real_evaluate_table(run: Run, tmp_path: Path) -> None:
    result = run("evaluate", _gold_file(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert "claim" in result.stdout and "100.0" in result.stdout


def test_evaluate_malformed_gold_is_one_line(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "text": "hi", "claims": [{"content_fragments": [[0, 99]]}]}\n')
    result = run("evaluate", path)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "bad.jsonl:1" in result.stderr


@pytest.mark.model
def test_real_failure_on_one_article_spares_the_batch(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimx import attribution

    original = attribution.find_claims

    def fragile(doc: Any, lexicon: Any, stance_model: Any = None) -> Any:
        if "boom" in doc.text:
            raise RuntimeError("simulated bug")
        return original(doc, lexicon, stance_model)

    monkeypatch.setattr(attribution, "find_claims", fragile)
    (tmp_path / "a.txt").write_text("boom. The mayor said the bridge is open.\n")
    (tmp_path / "b.txt").write_text("The mayor said the bridge is open.\n")
    result = run("extract", tmp_path, "-f", "jsonl")
    assert result.exit_code == 1
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [
        str(tmp_path / "b.txt")
    ]
    assert "a.txt made claimx fail (RuntimeError: simulated bug); please report it" in result.stderr


# Corpora: JSON Lines, CSV, pages, WARC; resuming -o and --db

FEED = [
    {"id": "a1", "url": "https://example.com/a1", "date": "2024-03-05", "text": SMITH},
    {"url": "https://example.com/2", "views": 12, "tags": ["x"], "text": "Hi.\r\n" + LEE},
    {"id": 7, "url": None, "text": 'Line one\nRen\u00e9 Roy said "Oui."'},
]


def jsonl(records: list[Any]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_jsonl_one_article_per_record_with_its_metadata(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.jsonl": jsonl(FEED)})
    result = run("extract", "-f", "json", paths["feed.jsonl"])
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [(r["speaker"], r["article"]["id"]) for r in records] == [
        ("Jane Smith", "a1"),
        ("Tom Lee", "2"),  # no id: the line number
        ("Ann Wu", "2"),
        ("Ren\u00e9 Roy", "7"),
    ]
    assert {r["source"] for r in records} == {str(paths["feed.jsonl"])}
    assert list(records[0]) == [*FIELDS, "article"]
    assert records[0]["article"] == {
        "id": "a1",
        "url": "https://example.com/a1",
        "date": "2024-03-05",
    }
    # scalars travel, lists and objects do not
    assert records[1]["article"] == {"id": "2", "url": "https://example.com/2", "views": 12}
    assert records[3]["article"] == {"id": "7", "url": None}
    assert result.stderr == "claimx: 3 articles, 4 claims\n"


def test_every_format_carries_the_article(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.jsonl": jsonl(FEED[:2])})
    outputs = {
        fmt: parse(fmt, run("extract", "-q", "-f", fmt, paths["feed.jsonl"]).stdout)
        for fmt in ("yaml", "json", "jsonl", "csv")
    }
    assert outputs["yaml"] == outputs["json"] == outputs["jsonl"]
    # CSV: article_<key> columns, from the first claim's article; every cell text
    assert [r["article"] for r in outputs["csv"]] == [
        {"id": "a1", "url": "https://example.com/a1", "date": "2024-03-05"},
        {"id": "2", "url": "https://example.com/2", "date": ""},
        {"id": "2", "url": "https://example.com/2", "date": ""},
    ]
    header = run("extract", "-q", "-f", "csv", paths["feed.jsonl"]).stdout.splitlines()[0]
    assert header == ",".join((*CSV_COLUMNS, "article_id", "article_url", "article_date"))


def test_csv_output_warns_of_article_fields_it_has_no_column_for(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.jsonl": jsonl(FEED[:2])})
    result = run("extract", "-q", "-f", "csv", paths["feed.jsonl"])
    assert result.exit_code == 0
    assert result.stderr == (
        "claimx: warning: article fields views are not in the CSV, whose article_ columns "
        "are the first claim's; use -f jsonl, or one run per corpus\n"
    )


def test_plain_text_claims_have_no_article(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    (record,) = json.loads(run("extract", "-f", "json", paths["a.txt"]).stdout)
    assert list(record) == list(FIELDS)
    header = run("extract", "-f", "csv", paths["a.txt"]).stdout.splitlines()[0]
    assert header == ",".join(CSV_COLUMNS)


def test_gzipped_jsonl_and_stdin(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(
        tmp_path,
        {"feed.jsonl": jsonl(FEED), "feed.jsonl.gz": gzip.compress(jsonl(FEED).encode())},
    )
    plain = parse("jsonl", run("extract", "-q", "-f", "jsonl", paths["feed.jsonl"]).stdout)
    zipped = parse("jsonl", run("extract", "-q", "-f", "jsonl", paths["feed.jsonl.gz"]).stdout)
    piped = parse("jsonl", run("extract", "-q", "-f", "jsonl", "-", input=jsonl(FEED)).stdout)
    strip = [{k: v for k, v in r.items() if k != "source"} for r in plain]
    assert len(plain) == 4
    assert [{k: v for k, v in r.items() if k != "source"} for r in zipped] == strip
    assert [{k: v for k, v in r.items() if k != "source"} for r in piped] == strip


def test_text_and_id_fields(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    feed = [{"guid": "g1", "body": SMITH, "id": "other"}, {"guid": "g2", "body": LEE}]
    paths = articles(tmp_path, {"feed.jsonl": jsonl(feed)})
    args = ("extract", "-q", "-f", "jsonl", paths["feed.jsonl"])
    result = run(*args, "--text-field", "body", "--id-field", "guid")
    assert result.exit_code == 0, result.stderr
    assert [r["article"]["id"] for r in parse("jsonl", result.stdout)] == ["g1", "g2", "g2"]
    missing = run(*args)
    assert missing.exit_code == 1
    assert missing.stderr.splitlines() == [
        f"claimx: error: {paths['feed.jsonl']}:1 has no 'text' field (its fields: guid, body, "
        "id); pass --text-field body (or the field that holds the text)",
        f"claimx: error: {paths['feed.jsonl']}:2 has no 'text' field (its fields: guid, body); "
        "pass --text-field body (or the field that holds the text)",
    ]


def test_bad_records_are_named_by_line_and_the_rest_read(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    lines = [
        json.dumps({"id": "a", "text": SMITH}),
        '{"id": "b", "text": "cut',
        "",
        "[1, 2]",
        json.dumps({"id": "c", "text": 42}),
        json.dumps({"id": {"x": 1}, "text": LEE}),
        json.dumps({"id": "d", "text": LEE}),
    ]
    name = "feed.jsonl"
    paths = articles(tmp_path, {name: "\n".join(lines).encode() + b"\n\xff\n"})
    result = run("extract", "-f", "jsonl", paths[name])
    assert result.exit_code == 1
    assert [r["article"]["id"] for r in parse("jsonl", result.stdout)] == ["a", "d", "d"]
    feed = paths[name]
    assert result.stderr.splitlines() == [
        f"claimx: error: {feed}:2 is not valid JSON (Unterminated string starting at column "
        "21); fix or remove the line",
        f"claimx: error: {feed}:4 is a JSON array, not an object; each line must be one "
        "article object",
        f"claimx: error: {feed}:5 has a number in its 'text' field, not the article text; the "
        "text field must hold the article as a string",
        f"claimx: error: {feed}:6 has a object in its 'id' field, not an id; pass --id-field "
        "with a field of strings or numbers",
        f"claimx: error: {feed}:8 is not valid UTF-8 (byte 0xff at offset 0); pass --encoding "
        "cp1252 (Windows files; or the file's encoding)",
        "claimx: 2 articles, 3 claims, 5 failed",
    ]


def test_errors_of_one_input_are_shown_ten_at_most(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.jsonl": "oops\n" * 25 + jsonl(FEED[:1])})
    result = run("extract", "-f", "jsonl", paths["feed.jsonl"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 12
    assert lines[-2:] == [
        f"claimx: error: {paths['feed.jsonl']}: 15 more records could not be read (not shown)",
        "claimx: 1 article, 1 claim, 25 failed",
    ]


def test_a_json_array_gets_the_jq_fix(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"feed.json": json.dumps(FEED, indent=2)})
    result = run("extract", paths["feed.json"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"claimx: error: {paths['feed.json']} is one JSON array, not JSON Lines (one article "
        f"object per line); convert it: jq -c '.[]' {paths['feed.json']} > articles.jsonl"
    )


def test_csv_records_with_line_breaks_in_the_text(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    rows = [
        ["id", "outlet", "text"],
        ["x1", "The Daily", "Headline\r\n\r\n" + SMITH],
        ["", "=cmd()", LEE],
    ]
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    paths = articles(tmp_path, {"articles.csv": out.getvalue()})
    for fmt in ("jsonl", "csv"):
        result = run("extract", "-q", "-f", fmt, paths["articles.csv"])
        assert result.exit_code == 0, result.stderr
        records = parse(fmt, result.stdout)
        assert [r["article"] for r in records] == [
            {"id": "x1", "outlet": "The Daily"},
            {"id": "6", "outlet": "=cmd()"},  # the line the record starts on
            {"id": "6", "outlet": "=cmd()"},
        ]
    csv_out = run("extract", "-q", "-f", "csv", paths["articles.csv"]).stdout
    assert ",'=cmd()" in csv_out  # a formula stays text in a spreadsheet


def test_csv_without_the_text_column_is_one_error(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.csv": "id,body\n1,x\n2,y\n"})
    result = run("extract", paths["a.csv"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"claimx: error: {paths['a.csv']} has no 'text' column (its columns: id, body); pass "
        "--text-field with the column that holds the article text",
        "claimx: 0 articles, 0 claims, 1 failed",
    ]


def test_csv_from_excel_in_utf16_and_a_cp1252_feed(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    table = f'id,text\r\nx,"{SMITH.replace(chr(34), chr(34) * 2)}"\r\n'
    paths = articles(
        tmp_path,
        {
            "excel.csv": table.encode("utf-16"),  # with its byte order mark
            "old.jsonl": '{"text": "Ren\u00e9 Roy said \\"Non.\\""}\n'.encode("cp1252"),
        },
    )
    excel = run("extract", "-q", "-f", "jsonl", paths["excel.csv"])
    assert [r["speaker"] for r in parse("jsonl", excel.stdout)] == ["Jane Smith"]
    old = run("extract", "-q", "-f", "jsonl", "--encoding", "cp1252", paths["old.jsonl"])
    assert [r["speaker"] for r in parse("jsonl", old.stdout)] == ["Ren\u00e9 Roy"]


def test_input_format_by_content_and_by_option(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"export.dat": jsonl(FEED[:1]), "notes.jsonl": SMITH})
    by_content = run("extract", "-q", "-f", "jsonl", paths["export.dat"])
    assert parse("jsonl", by_content.stdout)[0]["article"]["id"] == "a1"
    as_text = run("extract", "-f", "jsonl", "--input-format", "text", paths["notes.jsonl"])
    assert (as_text.exit_code, parse("jsonl", as_text.stdout)[0]["speaker"]) == (0, "Jane Smith")


def test_articles_not_in_english_get_a_warning(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    german = (
        "Der Bürgermeister sagte am Dienstag, die Brücke werde im Mai wieder geöffnet. Die "
        "Arbeiten hätten länger gedauert als geplant, weil im Winter viel Regen gefallen sei. "
        "Viele Anwohner sind verärgert, denn der Umweg über die Autobahn kostet sie jeden Tag "
        "eine halbe Stunde. Die Stadt will nun prüfen, ob die Baufirma eine Strafe zahlen muss."
    )
    feed = [{"id": "de", "text": german}, {"id": "fr", "language": "fr", "text": "Oui."}]
    paths = articles(tmp_path, {"feed.jsonl": jsonl(feed), "a.txt": SMITH * 10})
    result = run("extract", "-f", "jsonl", paths["feed.jsonl"], paths["a.txt"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        f"claimx: warning: {paths['feed.jsonl']}:1 does not look like English (2% of its words "
        "are common English ones); claimx reads English only, so its claims there may be wrong",
        f"claimx: warning: {paths['feed.jsonl']}:2 is in 'fr', its language field says; claimx "
        "reads English only, so its claims there may be wrong",
    ]
    assert len(result.stderr.splitlines()) == 3  # and the summary


def test_output_dir_one_file_per_record(
    run: Run, parse: Parse, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    feed = [*FEED, {"id": "a/b:c", "text": SMITH}, {"id": ".hidden", "text": SMITH}]
    articles(tmp_path / "news", {"feed.jsonl": jsonl(feed), "one.txt": LEE})
    out = tmp_path / "out"
    result = run("extract", "-f", "jsonl", "-o", out, "--glob", "*.*", tmp_path / "news")
    assert result.exit_code == 0, result.stderr
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert written == [
        "feed.jsonl/%2Ehidden.jsonl",
        "feed.jsonl/2.jsonl",
        "feed.jsonl/7.jsonl",
        "feed.jsonl/a%2Fb%3Ac.jsonl",
        "feed.jsonl/a1.jsonl",
        "one.jsonl",
    ]


def test_output_dir_resumes_and_force_redoes(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path / "news", {"feed.jsonl": jsonl(FEED), "one.txt": LEE})
    out = tmp_path / "out"
    news = ("--glob", "*.jsonl", "--glob", "*.txt", tmp_path / "news")
    first = run("extract", "-o", out, *news)
    assert first.stderr == "claimx: 4 articles, 6 claims\n"
    (out / "feed.jsonl" / "a1.yaml").unlink()  # as if the run had been stopped before it
    kept = (out / "one.yaml").read_text() + "# kept\n"
    (out / "one.yaml").write_text(kept)
    again = run("extract", "-o", out, *news)
    assert again.stderr == "claimx: 1 article, 1 claim, 3 already done\n"
    assert (out / "feed.jsonl" / "a1.yaml").exists()
    assert (out / "one.yaml").read_text() == kept
    forced = run("extract", "--force", "-o", out, *news)
    assert forced.stderr == "claimx: 4 articles, 6 claims\n"
    assert (out / "one.yaml").read_text() != kept
    assert paths


def test_a_duplicate_id_is_an_error_not_an_overwrite(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    feed = [{"id": "x", "text": SMITH}, {"id": "x", "text": LEE}, {"id": "y", "text": LEE}]
    paths = articles(tmp_path, {"feed.jsonl": jsonl(feed)})
    for sink in (("-o", tmp_path / "out"), ("--db", tmp_path / "claims.db")):
        result = run("extract", *sink, paths["feed.jsonl"])
        assert result.exit_code == 1, sink
        assert result.stderr.splitlines() == [
            f"claimx: error: {paths['feed.jsonl']}:2 has the id 'x' of an article read before "
            "it in this run; skipped; ids must be unique in an input: pass --id-field with a "
            "field that is",
            "claimx: 2 articles, 3 claims, 1 failed",
        ]
    assert yaml.safe_load((tmp_path / "out" / "feed.jsonl" / "x.yaml").read_text())[0][
        "speaker"
    ] == ("Jane Smith")


def test_db_and_output_dir_do_not_go_together(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"a.txt": SMITH})
    both = run("extract", "-o", tmp_path / "out", "--db", tmp_path / "c.db", paths["a.txt"])
    assert both.exit_code == 2 and "-o and --db do not go together" in both.stderr
    force = run("extract", "--force", paths["a.txt"])
    assert force.exit_code == 2 and "--force redoes what -o or --db wrote" in force.stderr


def test_a_saved_page_gives_the_claims_of_its_main_text(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path / "pages", {"bridge.html": PAGE, "notes.txt": LEE})
    result = run("extract", "-f", "json", tmp_path / "pages")  # *.html by default
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["speaker"] for r in records] == ["Jane Smith", "Tom Lee", "Tom Lee", "Ann Wu"]
    assert records[0]["article"] == {
        "id": str(paths["bridge.html"]),
        "title": "Bridge to reopen in May",
        "date": "2024-03-05",
        "url": "https://example.com/bridge",
        "sitename": "The Daily",
    }
    assert "article" not in records[2]  # the text file's claims


def test_a_warc_gives_its_html_responses(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(tmp_path, {"crawl.warc.gz": warc(CRAWL)})
    result = run("extract", "-f", "jsonl", paths["crawl.warc.gz"])
    assert result.exit_code == 1  # the PDF
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["article"]["id"] for r in records} == {"https://example.com/bridge"}
    crawl = paths["crawl.warc.gz"]
    assert result.stderr.splitlines() == [
        f"claimx: error: {crawl} record 5 (https://example.com/report.pdf) is application/pdf, "
        "not an HTML page; claimx reads a WARC's HTML responses; the other records were read",
        f"claimx: warning: {crawl} record 6 (https://example.com/gallery) has no article text "
        "that trafilatura could find (a front page, a gallery?); skipped; nothing to do if it "
        "is no article",
        "claimx: 1 article, 2 claims, 1 failed",
    ]


def test_text_prints_what_the_offsets_index(
    run: Run, tmp_path: Path, fake_library: dict[str, Any]
) -> None:
    paths = articles(
        tmp_path, {"page.html": PAGE, "feed.jsonl": jsonl(FEED), "crawl.warc": warc(CRAWL)}
    )
    page = run("text", paths["page.html"])
    assert page.exit_code == 0
    (record, *_) = json.loads(run("extract", "-f", "json", paths["page.html"]).stdout)
    start, end = record["speaker_span"]
    assert page.stdout[start:end] == "Jane Smith"
    assert not page.stdout.endswith("\n")  # exactly the text, nothing added
    record_text = run("text", paths["feed.jsonl"], "--id", "2")
    assert record_text.stdout_bytes == FEED[1]["text"].encode()  # CRLF kept
    url = run("text", paths["crawl.warc"], "--id", "https://example.com/bridge")
    assert url.stdout == page.stdout
    every = run("text", "-f", "jsonl", paths["feed.jsonl"])
    assert [json.loads(line) for line in every.stdout.splitlines()] == [
        {"source": str(paths["feed.jsonl"]), "id": i, "text": r["text"]}
        for i, r in zip(("a1", "2", "7"), FEED, strict=True)
    ]
    several = run("text", paths["feed.jsonl"])
    assert several.exit_code == 2
    assert "holds more than one article; pick one with --id" in several.stderr
    missing = run("text", paths["feed.jsonl"], "--id", "zz")
    assert (missing.exit_code, missing.stdout) == (1, "")
    assert missing.stderr == (
        f"claimx: error: {paths['feed.jsonl']} has no article with the id 'zz'; see -f jsonl\n"
    )


@pytest.mark.model
def test_real_records_with_jobs(run: Run, parse: Parse, tmp_path: Path) -> None:
    names = ["Ann Wu", "Tom Lee", "Jane Smith", "Raj Patel", "Maria Lopez", "Sam Jones"]
    feed = [
        {"id": f"r{i}", "desk": "city", "text": f"{name} said that the council would vote.\n"}
        for i, name in enumerate(names)
    ]
    paths = articles(tmp_path, {"feed.jsonl.gz": gzip.compress(jsonl(feed).encode())})
    one = run("extract", "-q", "-f", "jsonl", paths["feed.jsonl.gz"])
    two = run("extract", "-q", "-f", "jsonl", "-j", "2", paths["feed.jsonl.gz"])
    assert two.exit_code == 0, two.stderr
    assert two.stdout == one.stdout
    records = parse("jsonl", two.stdout)
    assert [(r["speaker"], r["article"]["id"]) for r in records] == [
        (name, f"r{i}") for i, name in enumerate(names)
    ]


@pytest.mark.model
def test_real_page_to_database(run: Run, tmp_path: Path) -> None:
    paths = articles(tmp_path, {"page.html": PAGE})
    db = tmp_path / "claims.db"
    assert run("extract", "--db", db, paths["page.html"]).exit_code == 0
    with sqlite3.connect(db) as conn:
        (text,) = conn.execute("SELECT text FROM articles").fetchone()
        spans = conn.execute("SELECT speaker, speaker_start, speaker_end FROM claims").fetchall()
    assert text == run("text", paths["page.html"]).stdout
    assert ("Jane Smith", text.index("Jane Smith"), text.index(" said")) in spans
    assert all(text[start:end] == speaker for speaker, start, end in spans if speaker)


@pytest.mark.model
def test_show_marks_each_claim_in_a_pipe_without_escape_codes(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SMITH + LEE, encoding="utf-8")
    result = run("show", path)
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert '[1]<Jane Smith> *said* «"{The bridge}= will reopen in May."»' in result.stdout
    assert '[3]<Ann Wu> *said* «"It is on time."»' in result.stdout
    assert "[1] Jane Smith → The bridge: neutral" in result.stdout
    styled = run("show", path, "--color", "always")
    assert "\x1b[" in styled.stdout


@pytest.mark.model
def test_show_html_writes_one_page_and_picks_a_record_by_id(run: Run, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [{"id": "a1", "text": SMITH}, {"id": "a2", "text": LEE}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    assert run("show", feed).exit_code == 2  # two articles, no --id
    page = tmp_path / "a2.html"
    result = run("show", feed, "--id", "a2", "--html", page)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Ann Wu" in html and "http" not in html
    missing = run("show", feed, "--id", "nope")
    assert missing.exit_code == 1 and "nope" in missing.stderr


@pytest.mark.model
def test_network_and_summary_read_claims_a_database_or_articles_alike(
    run: Run, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "a1", "outlet": "Wire", "date": "2026-11-30", "text": SMITH},
        {"id": "a2", "outlet": "Daily", "date": "2026-12-01", "text": LEE},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    claims = tmp_path / "claims.jsonl"
    claims.write_text(run("extract", feed, "-f", "jsonl", "-q").stdout, encoding="utf-8")
    db = tmp_path / "claims.db"
    assert run("extract", feed, "--db", db, "-q").exit_code == 0
    graphs = [json.loads(run("network", source, "-q").stdout) for source in (feed, claims, db)]
    assert graphs[0] == graphs[1] == graphs[2]
    # a node is named without its article: "The bridge" and "the bridge" are one
    assert {"source": "Jane Smith", "target": "bridge"}.items() <= graphs[0]["edges"][0].items()
    summary = json.loads(run("summary", db, "-f", "json", "-q", "--outlet", "wire").stdout)
    assert summary["corpus"]["claims"] == 1
    later = run("network", db, "-f", "csv", "-q", "--since", "2026-12")
    rows = list(csv.DictReader(io.StringIO(later.stdout)))
    assert rows == [] and later.exit_code == 0  # Tom Lee and Ann Wu name no target
    assert run("summary", db, "--since", "last week").exit_code == 2


@pytest.mark.model
def test_views_read_a_folder_of_claims_as_extract_wrote_it(run: Run, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [{"id": "a1", "text": SMITH}, {"id": "a2", "text": LEE}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    assert run("extract", feed, "-f", "jsonl", "-o", out, "-q").exit_code == 0
    whole = json.loads(run("network", feed, "-q").stdout)
    read = run("network", out)
    assert read.exit_code == 0 and "no files matching" not in read.stderr
    assert json.loads(read.stdout) == whole

    # claims gzipped in a subfolder, beside an article that is extracted
    mixed = tmp_path / "mixed"
    (mixed / "sub").mkdir(parents=True)
    claims = run("extract", feed, "-f", "jsonl", "-q").stdout
    (mixed / "sub" / "part.jsonl.gz").write_bytes(gzip.compress(claims.encode()))
    (mixed / "extra.txt").write_text(SMITH, encoding="utf-8")
    summary = json.loads(run("summary", mixed, "-f", "json", "-q").stdout)
    smith = len(json.loads(run("extract", mixed / "extra.txt", "-f", "json").stdout))
    assert summary["corpus"]["claims"] == len(claims.splitlines()) + smith
