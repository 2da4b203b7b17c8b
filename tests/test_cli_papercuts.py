"""Papercuts a new user met in the command line (issue 31), each pinned by its behaviour."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from claimx.cli import cli

LEE = 'Tom Lee said "It is too late." Ann Wu said "It is on time."\n'


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(LEE, encoding="utf-8")
    (folder / "b.txt").write_text('Jane Smith said "The bridge will reopen."\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl"])
def test_views_read_the_folder_extract_wrote_in_any_format(
    fake_library: dict[str, Any], corpus: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "out"
    assert run("extract", corpus, "-o", out, "-f", fmt, "-q").exit_code == 0
    del fake_library["model"]  # the views below read claims, they load no pipeline
    summary = run("summary", out, "-f", "json")
    assert summary.exit_code == 0, summary.output
    assert summary.stderr == "claimx: 3 claims\n"
    speakers = {row["key"] for row in json.loads(summary.stdout)["speakers"]}
    assert speakers == {"Tom Lee", "Ann Wu", "Jane Smith"}
    network = run("network", out, "-f", "json")
    assert network.stderr.startswith("claimx: 3 claims, ")
    assert "model" not in fake_library


def test_network_csv_beside_a_file_name_ending_csv(
    fake_library: dict[str, Any], corpus: Path, tmp_path: Path
) -> None:
    claims = tmp_path / "c.jsonl"
    claims.write_text(run("extract", corpus, "-f", "jsonl", "-q").stdout, encoding="utf-8")
    result = run("network", claims, "-f", "csv", "-o", tmp_path / "net.csv", "-q")
    assert result.exit_code == 0
    written = sorted(p.name for p in tmp_path.glob("net*"))
    assert written == ["net-edges.csv", "net-nodes.csv"]


@pytest.mark.parametrize("value", ["2024-13", "2023-02-29", "2024-00-10"])
def test_an_impossible_date_is_refused(corpus: Path, value: str) -> None:
    result = run("summary", corpus, "--since", value)
    assert result.exit_code == 2
    assert f"'{value}' is not an ISO date" in result.stderr


def test_a_real_leap_day_is_a_date() -> None:
    from claimx.facts import is_iso_date

    assert [is_iso_date(v) for v in ("2024-02-29", "2016", "2016-03", "16-03")] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.model
def test_info_names_the_stance_model() -> None:
    result = run("info", "-f", "json")
    details = json.loads(result.stdout)
    assert (details["stance_model"], details["stance_model_version"]) == (
        "claimx_stance",
        "1.0.0",
    )
    assert "stance    claimx_stance 1.0.0\n" in run("info").stdout


def test_a_missing_dask_says_how_to_install_the_extra(
    fake_library: dict[str, Any], corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    result = run("extract", corpus, "--scheduler", "local:1", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "pip install -e '.[dask]'" in result.stderr
    assert "claimx[dask]" not in result.stderr


@pytest.mark.model
def test_extract_names_speakers_by_the_aliases_given(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.tsv"
    row = "Jim Smithers\tJames Smithers\tperson\n"
    aliases.write_text("alias\tname\ttype\n" + row, encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Jim Smithers said the bridge would reopen in May.\n", encoding="utf-8")
    plain = json.loads(run("extract", article, "-f", "jsonl").stdout)
    aliased = json.loads(run("extract", article, "-f", "jsonl", "--aliases", aliases).stdout)
    assert (plain["speaker"], aliased["speaker"]) == ("Jim Smithers", "James Smithers")
    assert aliased["speaker_span"] == [0, 12]


def test_a_bad_alias_table_is_one_line_naming_it(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("alias\tname\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("POTUS said the bridge would reopen in May.\n", encoding="utf-8")
    result = run("extract", article, "--aliases", aliases)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"claimx: error: {aliases} is not an alias table")
    assert result.stderr.count("\n") == 1


def test_show_names_the_articles_title_outlet_and_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import fake_claims

    from claimx import api

    monkeypatch.setattr(api, "extract", lambda text, **options: fake_claims(text))
    feed = tmp_path / "feed.jsonl"
    record = {
        "id": "7",
        "text": LEE,
        "title": "Bridge row",
        "outlet": "Daily Planet",
        "date": "2024-05-01T09:00:00Z",
    }
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    shown = run("show", feed, "--color", "never")
    assert shown.exit_code == 0
    assert shown.stdout.splitlines()[:2] == [
        f"{feed}:1: 2 claims",
        "Bridge row · Daily Planet · 2024-05-01",
    ]
    html = run("show", feed, "--html", "-")
    assert "<h1>Bridge row</h1>" in html.stdout
    meta = f'<p class="cx-meta">{feed}:1 · Daily Planet · 2024-05-01 · 2 claims</p>'
    assert meta in html.stdout


def test_warnings_past_ten_per_input_are_counted_not_shown(
    fake_library: dict[str, Any], tmp_path: Path
) -> None:
    feed = tmp_path / "feed.jsonl"
    line = '{"id": "%d", "n": NaN, "text": "Tom Lee said \\"it was fine today\\"."}\n'
    feed.write_text("".join(line % i for i in range(15)), encoding="utf-8")
    result = run("extract", feed, "-f", "jsonl")
    assert result.exit_code == 0
    warnings = [w for w in result.stderr.splitlines() if w.startswith("claimx: warning:")]
    assert len(warnings) == 11
    assert warnings[-1] == f"claimx: warning: {feed}: 5 more warnings (not shown)"
    assert len(result.stdout.splitlines()) == 15
