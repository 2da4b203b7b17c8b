"""The README stays in step with the CLI and with what claimx really prints."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import yaml

import claimx
from claimx.cli import cli
from claimx.types import ARTICLE_FIELD, FIELDS
from claimx.writers import CSV_COLUMNS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SEED = "seeds/000_680bcb4019dc53cb.txt"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_is_in_the_readme(name: str) -> None:
    command = cli.commands[name]
    assert f"claimx {name}" in README
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts), (name, param.opts)


def test_readme_has_the_two_setup_commands() -> None:
    assert "make run" in README and "make test" in README


@pytest.mark.model
def test_readme_transcript_is_what_claimx_prints() -> None:
    text = (ROOT / SEED).read_text(encoding="utf-8")
    printed = [c.to_dict() | {"source": SEED} for c in claimx.extract(text)]
    blocks = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)
    shown = [record for block in blocks for record in yaml.safe_load(block)]
    assert shown and all(record in printed for record in shown)


def test_every_exit_code_is_in_the_readme() -> None:
    from claimx import cli as module

    codes = {value for name, value in vars(module).items() if name.startswith("EXIT_")}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", README, flags=re.M)}
    assert codes | {0} == documented


def test_key_table_lists_every_key_in_order_and_csv_every_column() -> None:
    table = README.split("| key | meaning |\n| --- | --- |\n")[1].split("\n\n")[0]
    keys = [key for row in table.splitlines() for key in re.findall(r"`(\w+)`", row.split("|")[1])]
    assert keys == [*FIELDS, ARTICLE_FIELD]
    assert all(f"`{column}`" in README for column in CSV_COLUMNS if column not in FIELDS)


@pytest.mark.model
def test_readme_show_transcript_is_what_claimx_show_prints() -> None:
    import io

    from claimx.show import make_console, show

    text = (ROOT / SEED).read_text(encoding="utf-8")
    out = io.StringIO()
    show(make_console(out, color="never"), text, claimx.extract(text), source=SEED)
    printed = out.getvalue().splitlines()
    section = README.split("## Seeing the claims in an article")[1]
    block = re.findall(r"```text\n(.*?)```", section, flags=re.S)[0]
    shown = [line for line in block.splitlines() if line != "…"]
    assert shown and all(line in printed for line in shown)
