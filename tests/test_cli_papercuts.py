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
    from claimx.claimsource import is_iso_date

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
