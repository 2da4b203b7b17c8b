"""The command line: exit codes, streams, formats, inputs and output files.

Most tests swap the library for a tiny regex extractor (``fake_library``), so that they test
the shell and not the linguistics; the ``real`` tests run the installed model end to end.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import check_offsets, make_claim

from claimx import __version__, api
from claimx.cli import cli
from claimx.errors import ModelError
from claimx.types import FIELDS, Claim
from claimx.writers import CSV_COLUMNS

Parse = Callable[[str, str], list[dict[str, Any]]]

SAID = re.compile(r'(?P<speaker>[A-Z]\w+(?: [A-Z]\w+)*) (?P<cue>said) "(?P<quote>[^"]*)"')
SMITH = 'Jane Smith said "The bridge will reopen in May."\n'
LEE = 'Tom Lee said "It is too late." Ann Wu said "It is on time."\n'


def fake_claims(text: str) -> list[Claim]:
    """Claims for ``Name said "…"``, with true offsets: enough to exercise the shell."""
    return [
        make_claim(
            speaker=m["speaker"],
            speaker_type="person",
            speaker_span=m.span("speaker"),
            cue=m["cue"],
            cue_span=m.span("cue"),
            quote=m["quote"],
            quote_spans=(m.span("quote"),),
            kind="direct",
        )
        for m in SAID.finditer(text)
    ]


@pytest.fixture
def fake_library(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace model loading and extraction; returns what the CLI asked for."""
    calls: dict[str, Any] = {}

    def load(model: str | None = None, stance: str = "rules") -> None:
        calls["model"] = model

    def extract_many(texts: Iterable[Any], **options: Any) -> Iterator[Any]:
        calls.update(options)
        for text, context in texts:
            yield fake_claims(text), context

    monkeypatch.setattr(api, "load", load)
    monkeypatch.setattr(api, "extract_many", extract_many)
    return calls


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
    texts = {}
    for source in {record["source"] for record in records}:
        # Decoded here, not with claimx.inputs, so that a bug in reading would show.
        data = stdin if source == "-" else Path(os.fsdecode(_name_bytes(source))).read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode(fallback)
        texts[source] = text.removeprefix("\ufeff")
    check_printed(texts, records)


def check_printed(texts: dict[str, str], records: list[dict[str, Any]]) -> None:
    """:func:`conftest.check_offsets` on every record, against the article it names."""
    for record in records:
        check_offsets(texts[record["source"]], record)


def _name_bytes(source: str) -> bytes:
    """A ``source`` back to the file name's bytes: claimx writes bytes not UTF-8 as ``\\xNN``."""
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), source.encode())


def written_records(parse: Parse, argv: list[str], result: Result) -> list[dict[str, Any]]:
    """The records an ``extract`` run printed, or wrote under ``-o``; none for ``table``."""
    fmt = _option(argv, "-f", "yaml")
    if fmt == "table":
        return []
    if "-o" in argv:
        files = sorted(Path(_option(argv, "-o", "")).rglob(f"*.{fmt}"))
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
        f"claimx: warning: {tmp_path} has no files matching '*.txt'; see --glob",
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
    monkeypatch.setattr("claimx.cli._progress_fits", lambda console, output_dir: True)
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
    def load(model: str | None = None, stance: str = "rules") -> None:
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


@pytest.mark.model
def test_real_article_over_the_model_limit_is_reported(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("word " * 200_001)
    (tmp_path / "b.txt").write_text("The mayor said the bridge is open.\n")
    result = run("extract", tmp_path, "-f", "jsonl")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "a.txt has 1,000,005 characters, over the model's limit of 1,000,000" in result.stderr
