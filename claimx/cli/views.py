"""``claimx network`` and ``claimx summary``: views of a corpus's claims, read from files
of claims or extracted from articles first."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast, get_args

import click

from ..corpora import ReadOptions, iter_articles
from ..errors import ExtractionError, InputError
from ..inputs import DEFAULT_GLOB, STDIN, printable, walk
from ..run import PipelineSpec, RunReport, plural, records, utf8_stdout
from ..types import Article, SpeakerType
from ..writers import NETWORK_FORMATS, SUMMARY_FORMATS, Record
from .group import EXIT_FAILED, Fatal, cli
from .options import (
    aliases_option,
    check_date,
    check_glob,
    collect,
    format_option,
    jobs_option,
    model_option,
    read_options,
    reading_options,
    stance_option,
    stderr_report,
)

if TYPE_CHECKING:
    from ..entities import Identities

F = TypeVar("F", bound=Callable[..., Any])


def view_options(command: F) -> F:
    """The inputs and options ``network`` and ``summary`` share: which claims they count,
    and how articles given instead of claims are read and extracted."""
    options = [
        click.argument(
            "inputs", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True)
        ),
        click.option(
            "--speaker-type",
            "speaker_types",
            type=click.Choice(get_args(SpeakerType)),
            multiple=True,
            help="Only claims whose speaker is of this type (repeat for several).",
        ),
        click.option(
            "--since",
            metavar="DATE",
            callback=check_date,
            help="Only claims of articles dated DATE or later (2016, 2016-03, 2016-03-05).",
        ),
        click.option(
            "--until",
            metavar="DATE",
            callback=check_date,
            help="Only claims of articles dated DATE or earlier (2016-03: all of March).",
        ),
        click.option(
            "--outlet",
            "outlets",
            metavar="NAME",
            multiple=True,
            help="Only claims of articles from this outlet, in any case (repeat for several).",
        ),
        click.option(
            "--glob",
            metavar="PATTERN",
            multiple=True,
            callback=check_glob,
            help="Which files to read from folders of articles "
            f"(default {' '.join(DEFAULT_GLOB)}).",
        ),
        aliases_option,
        reading_options,
        jobs_option,
        model_option,
        stance_option,
        click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _identities(aliases: str | None) -> Identities:
    """Who is who for a view: the packaged aliases and those of ``--aliases``."""
    from ..entities import Identities

    try:
        return Identities.with_file(aliases)
    except InputError as exc:
        raise Fatal(str(exc)) from exc


@dataclass(frozen=True)
class ViewInputs:
    """What ``network`` and ``summary`` read: the inputs and how to read articles."""

    inputs: tuple[str, ...]
    glob: tuple[str, ...]
    options: ReadOptions
    spec: PipelineSpec
    jobs: int


#: Files of claims a folder given to a view may hold (-o of extract in JSON Lines, JSON or
#: YAML, or of a cluster run); read as claims where they hold claim records.
CLAIM_FILES = ("*.jsonl", "*.jsonl.gz", "*.json", "*.yaml", "*.yml")


def _claim_records(view: ViewInputs, report: RunReport) -> Iterator[Record]:
    """The claim records of the inputs: read from claims (JSON Lines that extract -f jsonl
    wrote, gzipped or not; a database of extract --db; such JSON Lines in a folder, as
    extract -o and --scheduler write them), extracted from everything else."""
    from ..claimsource import claims_kind, iter_claims

    articles = []
    claim_files: set[Path] = set()
    for arg in view.inputs:
        if arg != STDIN and os.path.isfile(arg) and claims_kind(arg) is not None:
            paths = [Path(arg)]
        elif arg != STDIN and os.path.isdir(arg):
            found = walk(arg, CLAIM_FILES, report.problem)
            paths = [i.path for i in found if i.path and claims_kind(i.path) is not None]
            claim_files.update(paths)
            others = walk(arg, view.glob, lambda exc, skipped: None)  # reported just above
            has_articles = any(i.path not in claim_files for i in others)
            if not paths or has_articles:
                articles.append(arg)
        else:
            articles.append(arg)
            continue
        for path in paths:
            for record in iter_claims(path, on_problem=report.problem):
                report.claims += 1
                yield record
    if not articles:
        return
    items = [i for i in collect(tuple(articles), view.glob, report) if i.path not in claim_files]
    view.spec.load()  # a missing model fails here

    def broke(article: Article, problem: str) -> None:
        report.fail(ExtractionError(f"{article.label} {problem}"))

    texts = iter_articles(items, view.options, on_problem=report.problem)
    results = view.spec.extract_many(texts, jobs=view.jobs, on_error=broke)
    with closing(results):  # ends the workers however the view ends
        for claims, article in results:
            report.articles += 1
            report.claims += len(claims)
            yield from records(article, claims)


def _view_setup(**given: Any) -> tuple[ViewInputs, Any, RunReport]:
    """The inputs, the claim filter and a tally (on stderr) of a view command."""
    from ..claimsource import ClaimFilter

    options = read_options(
        given["input_format"], given["text_field"], given["id_field"], given["encoding"]
    )
    view = ViewInputs(
        given["inputs"],
        given["glob"],
        options,
        PipelineSpec(given["model"], given["stance"], given["aliases"]),
        given["jobs"],
    )
    where = ClaimFilter(given["speaker_types"], given["since"], given["until"], given["outlets"])
    return view, where, stderr_report()


def _view_end(report: RunReport, quiet: bool, line: str) -> None:
    report.flush()
    if not quiet:
        report.console.print(line)
    if report.failed:
        click.get_current_context().exit(EXIT_FAILED)


@cli.command()
@view_options
@format_option(NETWORK_FORMATS, default="json")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Write to PATH, not stdout. With -f csv: edges.csv and nodes.csv in the folder "
    "PATH, beside a PATH ending .csv (net.csv gives net-edges.csv), or after the prefix "
    "PATH (polnear- gives polnear-edges.csv); stdout gets the edges alone.",
)
@click.option(
    "--min-claims",
    type=click.IntRange(min=1),
    metavar="N",
    default=1,
    show_default=True,
    help="Only edges with at least N claims, and the nodes they join.",
)
def network(fmt: str, output: str | None, min_claims: int, quiet: bool, **given: Any) -> None:
    """The speaker → target network of claims: per edge its support, oppose and neutral
    claims and net stance, per node its type, claims spoken and times targeted.

    INPUTS are claims (JSON Lines of extract -f jsonl, a folder of them as extract -o or
    --scheduler wrote it, a database of extract --db) or articles, which are extracted
    first. JSON, CSV, GEXF and GraphML (for Gephi).
    """
    from ..network import build_network, print_network, write_network

    who = _identities(given["aliases"])
    view, where, report = _view_setup(**given)
    claims = _claim_records(view, report)
    graph = build_network(claims, min_claims=min_claims, where=where, identities=who)
    if output is None:
        print_network(graph, fmt, utf8_stdout())
    else:
        try:
            write_network(graph, fmt, output)
        except OSError as exc:
            raise Fatal(f"cannot write {printable(output)}: {exc.strerror or exc}") from exc
    nodes, edges = plural(len(graph.nodes), "node"), plural(len(graph.edges), "edge")
    _view_end(report, quiet, f"claimx: {plural(report.claims, 'claim')}, {nodes}, {edges}")


@cli.command()
@view_options
@format_option(SUMMARY_FORMATS, default="table")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE, not stdout.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    metavar="N",
    default=10,
    show_default=True,
    help="How many speakers, targets and outlets to list.",
)
def summary(fmt: str, output: str | None, top: int, quiet: bool, **given: Any) -> None:
    """A corpus at a glance: top speakers and targets with their stances, claims by kind,
    the share with no named speaker, and claims per outlet and month where articles say.

    INPUTS as for network. CSV: one long table, a row per table row with its section.
    """
    from rich.console import Console

    from .. import summary as summaries
    from ..atomic import replacing

    who = _identities(given["aliases"])
    view, where, report = _view_setup(**given)
    result = summaries.summarize(_claim_records(view, report), top=top, where=where, identities=who)
    path = output or "-"  # "-" is stdout, as for click.open_file; a file is put in place whole
    opened = (
        click.open_file(path, "w", encoding="utf-8")
        if path == "-"
        else replacing(path, binary=False)
    )
    with opened as f:
        out = cast(TextIO, f)
        if fmt == "table":
            table = Console(file=out, highlight=False, markup=False, emoji=False)
            table.print(summaries.render(result))
        elif fmt == "json":
            summaries.write_json(result, out)
        else:
            summaries.write_csv(result, out)
    _view_end(report, quiet, f"claimx: {plural(report.claims, 'claim')}")
