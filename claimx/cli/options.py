"""Options several commands share, and the checks of what their arguments name."""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import Any, TypeVar

import click

from ..corpora import INPUT_FORMATS, STREAMS, ReadOptions, output_stem
from ..inputs import DEFAULT_GLOB, STDIN, Input, expand, printable
from ..run import RunReport
from ..types import DEFAULT_STANCE, STANCE_MODES
from ..writers import extension

F = TypeVar("F", bound=Callable[..., Any])


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


def check_glob(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    if not all(value):
        raise click.BadParameter("must not be empty")
    return value or DEFAULT_GLOB


def format_option(choices: Sequence[str], default: str) -> Callable[[F], F]:
    """The ``-f/--format`` option of a command."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    default=1,
    show_default=True,
    help="Parse in N processes.",
)
model_option = click.option(
    "-m",
    "--model",
    envvar="CLAIMX_MODEL",
    show_envvar=True,
    metavar="NAME|PATH",
    help="spaCy base pipeline: an installed package name or a path.",
)
stance_option = click.option(
    "--stance",
    type=click.Choice(STANCE_MODES),
    default=DEFAULT_STANCE,
    show_default=True,
    help="Stance from the trained stance model with the rules, or from the rules alone "
    "(cue priors and a lexicon).",
)


aliases_option = click.option(
    "--aliases",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False),
    help="More aliases (TSV: alias, name, type, as claimx/data/aliases.tsv), before the "
    "packaged ones: speakers and targets are named by them, and views count each alias "
    "under its name.",
)


def reading_options(command: F) -> F:
    """The options that say how inputs are read: kind, record fields, encoding."""
    options = [
        click.option(
            "--input-format",
            type=click.Choice(INPUT_FORMATS),
            default="auto",
            show_default=True,
            help="What the inputs are; auto: by extension (.txt .html .jsonl .csv .warc, "
            "gzipped or not), else by content.",
        ),
        click.option(
            "--text-field",
            metavar="NAME",
            default="text",
            show_default=True,
            help="The JSON Lines field or CSV column that holds an article's text.",
        ),
        click.option(
            "--id-field",
            metavar="NAME",
            default="id",
            show_default=True,
            help="The field or column that holds an article's id (else its line number).",
        ),
        click.option(
            "--encoding",
            metavar="NAME",
            callback=check_encoding,
            help="Encoding for files that are not UTF-8 (UTF-8 is tried first, file by file).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def stderr_report() -> RunReport:
    """A run's report on stderr, as plain text: file names and ids are printed as they
    are, never read as markup, emoji codes or highlights."""
    from rich.console import Console

    console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
    return RunReport(console)


def read_options(
    input_format: str, text_field: str, id_field: str, encoding: str | None
) -> ReadOptions:
    """How the inputs are read, from the options of :func:`reading_options`."""
    return ReadOptions(input_format, text_field, id_field, encoding)


def collect(paths: tuple[str, ...], glob: tuple[str, ...], report: RunReport) -> list[Input]:
    """Every input the arguments name, in order, each file once however often it is named;
    a folder without matches gets a warning."""
    if paths.count(STDIN) > 1:
        raise click.BadParameter("'-' (stdin) can be given only once", param_hint="'PATHS...'")
    items = []
    seen: set[str] = set()
    for arg in paths:
        found = expand(arg, glob, report.problem)
        if not found and os.path.isdir(arg):
            quoted = [repr(g) for g in glob]
            patterns = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if quoted[1:] else quoted)
            report.console.print(
                f"claimx: warning: {printable(arg)} has no files matching {patterns}; see --glob"
            )
        for item in found:
            key = STDIN if item.path is None else os.path.realpath(item.path)
            if key not in seen:
                seen.add(key)
                items.append(item)
    return items


def check_targets(items: list[Input], kinds: list[str | None], output_dir: Path, fmt: str) -> None:
    """Refuse to run if two inputs would write the same output file (or folder)."""
    seen: dict[PurePath, Input] = {}
    for item, kind in zip(items, kinds, strict=True):
        stem = output_stem(item, kind)
        target = stem if kind in STREAMS else stem.with_name(stem.name + extension(fmt))
        if target in seen:
            first = seen[target]
            both = [os.path.abspath(i.path or ".") for i in (first, item)]
            common = printable(os.path.relpath(os.path.commonpath(both)))
            raise click.UsageError(
                f"{first.label} and {item.label} would both be written to "
                f"{printable(str(output_dir / target))}; give the folder that holds both "
                f"({common}) instead, so that each keeps its own path below it"
            )
        seen[target] = item


def check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ISO date or a prefix of one, as the views filter by (2016, 2016-03, 2016-03-05)."""
    from ..facts import is_iso_date

    if value is not None and not is_iso_date(value):
        raise click.BadParameter(f"{value!r} is not an ISO date or a prefix of one (2016-03)")
    return value
