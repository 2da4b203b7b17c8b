"""``claimx extract``: flags to a :class:`~claimx.run.Run` into a sink, or to partitions
on a Dask cluster."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from .. import progress
from ..corpora import STREAMS, ReadOptions, detect_format
from ..inputs import DEFAULT_GLOB, Input, printable
from ..run import (
    DatabaseSink,
    FolderSink,
    PipelineSpec,
    Run,
    RunReport,
    Sink,
    StdoutSink,
    plural,
)
from ..types import StanceMode
from ..writers import FORMATS
from .group import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NO_INPUT,
    EXIT_TERMINATED,
    EXIT_USAGE,
    Fatal,
    cli,
)
from .options import (
    aliases_option,
    check_glob,
    check_targets,
    collect,
    format_option,
    jobs_option,
    model_option,
    read_options,
    reading_options,
    stance_option,
    stderr_report,
)


@cli.command(
    epilog=f"Exit codes: 0 all read; {EXIT_FAILED} some input failed (the rest ran); "
    f"{EXIT_USAGE} usage error; {EXIT_NO_INPUT} no file matched; {EXIT_INTERRUPTED} Ctrl-C; "
    f"{EXIT_BROKEN_PIPE} stdout closed (| head); {EXIT_TERMINATED} SIGTERM."
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@format_option(FORMATS, default="yaml")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write one file per article under DIR instead of printing; articles whose file "
    "is there are skipped (see --force).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write articles and claims into the SQLite database FILE instead of printing; "
    "articles already in it are skipped (see --force).",
)
@click.option("--force", is_flag=True, help="With -o or --db: redo articles already written there.")
@click.option(
    "--keep-duplicates",
    is_flag=True,
    help="With --db: store every copy of an article (the same URL, or the same text up to "
    "whitespace); by default a copy is stored once and noted in the duplicates table.",
)
@click.option(
    "--glob",
    metavar="PATTERN",
    multiple=True,
    callback=check_glob,
    help=f"Which files to read from folders (default {' '.join(DEFAULT_GLOB)}); repeat for "
    "several.",
)
@reading_options
@jobs_option
@model_option
@stance_option
@aliases_option
@click.option(
    "--scheduler",
    metavar="ADDRESS|local:N",
    help="Run on a Dask cluster (claimx's dask extra): its scheduler's address, or local:N "
    "for N local worker processes; needs -o, which gets one .jsonl.gz per partition.",
)
@click.option(
    "--partition-size",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="With --scheduler: articles per partition (keep it when re-running to resume).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def extract(
    paths: tuple[str, ...],
    fmt: str,
    output_dir: Path | None,
    db: Path | None,
    force: bool,
    keep_duplicates: bool,
    glob: tuple[str, ...],
    input_format: str,
    text_field: str,
    id_field: str,
    encoding: str | None,
    jobs: int,
    model: str | None,
    stance: StanceMode,
    aliases: str | None,
    scheduler: str | None,
    partition_size: int,
    quiet: bool,
) -> None:
    """Print the claims in articles: files, folders (searched recursively) or - for stdin.

    A file is one article (text, a saved HTML page) or many (JSON Lines or CSV, one per
    record; WARC, one per HTML response).
    """
    if output_dir is not None and db is not None:
        raise click.UsageError("-o and --db do not go together; give one of them")
    if force and output_dir is None and db is None:
        raise click.UsageError("--force redoes what -o or --db wrote; give one of them")
    if keep_duplicates and db is None:
        raise click.UsageError("--keep-duplicates is about what --db stores; give --db")
    report = stderr_report()
    console = report.console
    options = read_options(input_format, text_field, id_field, encoding)
    spec = PipelineSpec(model, stance, aliases)
    items = collect(paths, glob, report)
    if not items:
        if not report.failed:
            console.print("claimx: error: no articles to read")
        click.get_current_context().exit(EXIT_NO_INPUT)
    kinds = [detect_format(item, input_format) for item in items]
    streams = any(kind in STREAMS for kind in kinds)
    if scheduler is not None:
        _check_cluster_options(output_dir, db, jobs, fmt)
        assert output_dir is not None
        check_targets(items, kinds, output_dir, "jsonl")  # each input its own partitions
        cluster = _Cluster(scheduler, partition_size, force, quiet)
        _extract_on_cluster(items, kinds, output_dir, options, spec, cluster, report)
        return
    if output_dir is not None:
        check_targets(items, kinds, output_dir, fmt)
    spec.load()  # a missing model fails here, before anything is printed
    batch = len(items) > 1 or streams
    printing = output_dir is None and db is None
    sink: Sink
    if db is not None:
        sink = DatabaseSink(db, force, keep_duplicates)
    elif output_dir is not None:
        sink = FolderSink(fmt, output_dir, force)
    else:
        sink = StdoutSink(fmt, console)
    show_progress = not quiet and batch and progress.fits(console, printing)
    Run(items, options, spec, report, jobs).into(sink, show_progress=show_progress, streams=streams)
    if not quiet and (batch or report.failed or report.done):
        console.print(report.summary())
    if report.failed:
        click.get_current_context().exit(EXIT_FAILED)


def _check_cluster_options(output_dir: Path | None, db: Path | None, jobs: int, fmt: str) -> None:
    """--scheduler writes partitions of JSON Lines under -o; refuse what does not apply."""
    ctx = click.get_current_context()
    if output_dir is None or db is not None:
        raise click.UsageError("--scheduler writes its partitions under -o DIR; give -o")
    if jobs != 1:
        raise click.UsageError("--scheduler runs on the cluster's workers; leave out -j")
    explicit = ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT
    if explicit and fmt != "jsonl":
        raise click.UsageError("--scheduler writes JSON Lines (gzipped); leave out -f")


@dataclass(frozen=True)
class _Cluster:
    """How ``extract --scheduler`` runs: where, in partitions of how many articles, and
    whether it redoes partitions written before and reports on stderr."""

    scheduler: str
    partition_size: int
    force: bool
    quiet: bool


def _extract_on_cluster(
    items: list[Input],
    kinds: list[str | None],
    output_dir: Path,
    options: ReadOptions,
    spec: PipelineSpec,
    cluster: _Cluster,
    report: RunReport,
) -> None:
    """``extract --scheduler``: partitions run as Dask tasks, progress as they finish."""
    force, quiet = cluster.force, cluster.quiet
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise Fatal(
            "--scheduler needs Dask, claimx's dask extra: in a checkout, make dev (or pip "
            "install -e '.[dask]'); from a wheel, pip install "
            "'claimx-VERSION-py3-none-any.whl[dask]'"
        ) from exc
    from .. import cluster as on_dask

    parts = on_dask.plan(items, kinds, options, cluster.partition_size)
    others = on_dask.stale(output_dir, parts)
    if others and not force:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        raise click.UsageError(
            f"{printable(str(others[0]))}{more}: partitions this run would not write "
            "(another --partition-size, or inputs added since), and resuming beside them "
            "would give claims twice; give the same --partition-size and inputs, or --force "
            "to redo all (it removes them)"
        )
    for path in others:  # --force: the output is this run's partitions and no others
        path.unlink()
    if others and not quiet:
        report.console.print(
            f"claimx: removed {plural(len(others), 'partition file')} of an earlier layout"
        )
    client = on_dask.connect(cluster.scheduler)
    skipped = 0
    try:
        enabled = not quiet and progress.fits(report.console, printing=False)
        with progress.bar(report.console, len(parts), enabled) as advance:
            for done in on_dask.extract_partitions(
                client, parts, output_dir, options=options, spec=spec, force=force
            ):
                skipped += done.skipped
                report.articles += done.articles
                report.claims += done.claims
                for problem in done.problems:
                    kind, _, message = problem.partition(": ")
                    report.console.print(f"claimx: {kind}: {message}")
                    report.failed += kind == "error"
                advance()
    finally:
        on_dask.close(client)
    if not quiet:
        done_before = f", {skipped:,} already done" if skipped else ""
        failed = f", {report.failed} failed" if report.failed else ""
        report.console.print(
            f"claimx: {plural(len(parts), 'partition')}{done_before}: "
            f"{plural(report.articles, 'article')}, {plural(report.claims, 'claim')}{failed}"
        )
    if report.failed:
        click.get_current_context().exit(EXIT_FAILED)
