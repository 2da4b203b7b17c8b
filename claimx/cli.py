"""The command line: a thin shell over the library (``claimx extract``, ``claimx text``,
``claimx info``, ``claimx evaluate``).

spaCy and the pipeline are imported inside the commands, so that ``claimx --help`` is instant.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, TextIO, TypeVar, cast, get_args

import click

from . import __version__
from .corpora import (
    INPUT_FORMATS,
    STREAMS,
    ReadOptions,
    Skip,
    detect_format,
    iter_articles,
    language_problem,
    output_stem,
    read_articles,
)
from .errors import ClaimxError, ExtractionError, InputError, ModelError
from .inputs import DEFAULT_GLOB, STDIN, Input, expand, printable, walk
from .show import COLORS
from .types import DEFAULT_STANCE, STANCE_MODES, Article, SpeakerType
from .writers import FORMATS, CsvWriter, Record, extension, make_writer, write_file

if TYPE_CHECKING:
    from rich.console import Console

    from .entities import Identities

Emit = Callable[[Article, list[Record]], None]
F = TypeVar("F", bound=Callable[..., Any])
#: Errors shown for the records of one input; the rest are counted in one line at the end.
SHOWN_PER_INPUT = 10
#: Articles named in warnings that they do not look like English; the rest are counted.
SHOWN_LANGUAGE = 10


class Fatal(click.ClickException):
    """An error that ends the run: one line on stderr, exit 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print ``claimx: error: …`` on stderr."""
        click.echo(f"claimx: error: {self.format_message()}", err=True)


#: Exit codes, as the README documents them.
EXIT_FAILED = 1  # some input could not be read or parsed (the rest were), or a fatal error
EXIT_USAGE = 2  # a bad option or a missing path (click's own code)
EXIT_NO_INPUT = 3  # no article to read: the folders hold no file matching --glob
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_BROKEN_PIPE = 141  # stdout closed before the end (`| head`): 128 + SIGPIPE, as shells say
EXIT_TERMINATED = 143  # SIGTERM (timeout, a supervisor): 128 + 15


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it ends as Ctrl-C ends it."""


class ClaimxGroup(click.Group):
    """Turns library errors into one-line messages, and signals and a closed stdout into
    quiet exits with their own codes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand, translating claimx errors and interrupts into exit codes."""
        try:
            with _sigterm_raises():
                return super().invoke(ctx)
        except Terminated:
            raise click.exceptions.Exit(EXIT_TERMINATED) from None
        except KeyboardInterrupt:
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # the reader is gone; point stdout at /dev/null so that the flush at exit is quiet
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(EXIT_BROKEN_PIPE) from None
        except ModelError as exc:
            # The library's fix names the ``model`` parameter; users of the CLI have a flag.
            fix = "; install it (pip install …) or pass --model with another pipeline"
            raise Fatal(exc.problem + (fix if exc.other_model else "")) from exc
        except ClaimxError as exc:
            raise Fatal(str(exc)) from exc


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated`, so that outputs are closed and workers ended."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL or (
        threading.current_thread() is not threading.main_thread()
    ):
        yield  # someone else's handler (an embedding program), or not settable here
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@click.group(cls=ClaimxGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="claimx")
def cli() -> None:
    """Extract attributed claims (who said what, about whom, for or against) from news."""


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


def _check_glob(
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
            callback=_check_encoding,
            help="Encoding for files that are not UTF-8 (UTF-8 is tried first, file by file).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _read_options(
    input_format: str, text_field: str, id_field: str, encoding: str | None
) -> ReadOptions:
    return ReadOptions(input_format, text_field, id_field, encoding)


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
    "--glob",
    metavar="PATTERN",
    multiple=True,
    callback=_check_glob,
    help=f"Which files to read from folders (default {' '.join(DEFAULT_GLOB)}); repeat for "
    "several.",
)
@reading_options
@jobs_option
@model_option
@stance_option
@click.option(
    "--scheduler",
    metavar="ADDRESS|local:N",
    help="Run on a Dask cluster (pip install 'claimx[dask]'): its scheduler's address, or "
    "local:N for N local worker processes; needs -o, which gets one .jsonl.gz per partition.",
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
    glob: tuple[str, ...],
    input_format: str,
    text_field: str,
    id_field: str,
    encoding: str | None,
    jobs: int,
    model: str | None,
    stance: str,
    scheduler: str | None,
    partition_size: int,
    quiet: bool,
) -> None:
    """Print the claims in articles: files, folders (searched recursively) or - for stdin.

    A file is one article (text, a saved HTML page) or many (JSON Lines or CSV, one per
    record; WARC, one per HTML response).
    """
    from rich.console import Console

    from . import api

    if output_dir is not None and db is not None:
        raise click.UsageError("-o and --db do not go together; give one of them")
    if force and output_dir is None and db is None:
        raise click.UsageError("--force redoes what -o or --db wrote; give one of them")
    console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
    tally = Tally(console)
    options = _read_options(input_format, text_field, id_field, encoding)
    items = _collect(paths, glob, tally)
    if not items:
        if not tally.failed:
            console.print("claimx: error: no articles to read")
        click.get_current_context().exit(EXIT_NO_INPUT)
    kinds = [detect_format(item, input_format) for item in items]
    streams = any(kind in STREAMS for kind in kinds)
    if scheduler is not None:
        _check_cluster_options(output_dir, db, jobs, fmt)
        assert output_dir is not None
        _check_targets(items, kinds, output_dir, "jsonl")  # each input its own partitions
        options_used = (options, model, stance, force, quiet)
        _extract_on_cluster(
            items, kinds, output_dir, scheduler, partition_size, options_used, tally
        )
        return
    if output_dir is not None:
        _check_targets(items, kinds, output_dir, fmt)
    api.load(model, stance=stance)  # a missing model fails here, before anything is printed
    batch = len(items) > 1 or streams
    printing = output_dir is None and db is None
    show_progress = not quiet and batch and _progress_fits(console, printing)
    if db is not None:
        sink = _db_sink(db, force)
    elif output_dir is not None:
        sink = _dir_sink(fmt, output_dir, force)
    else:
        sink = _stdout_sink(fmt, console)
    meter = _byte_progress(console, _total_bytes(items)) if streams else None
    with (
        sink as (emit, already),
        _meter(console, len(items), show_progress, meter) as (
            advance,
            read,
        ),
    ):

        def failed(exc: ClaimxError) -> None:
            tally.fail(exc)
            advance()

        def problem(exc: InputError, skipped: bool) -> None:
            tally.problem(exc, skipped)
            if not skipped:
                advance()

        def broke(article: Article, problem: str) -> None:
            failed(ExtractionError(f"{article.label} {problem}"))

        def skip(source: str, ident: str, relpath: PurePath, label: str) -> bool:
            if already is not None and already(source, ident, relpath, label):
                tally.done += 1
                return True
            return False

        def english(pairs: Iterator[tuple[str, Article]]) -> Iterator[tuple[str, Article]]:
            for text, article in pairs:
                reason = language_problem(article)
                if reason is not None:
                    tally.foreign(article, reason)
                yield text, article

        texts = iter_articles(items, options, on_problem=problem, skip=skip, on_bytes=read)
        results = api.extract_many(
            english(texts),
            as_tuples=True,
            model=model,
            stance=stance,
            n_process=jobs,
            on_error=broke,
        )
        # closing the stream on any early exit (| head, Ctrl-C, SIGTERM) ends the workers
        with closing(results):
            for claims, article in results:
                records = [
                    replace(claim, source=article.source).to_dict(article) for claim in claims
                ]
                try:
                    emit(article, records)
                except InputError as exc:  # a second article with one id, say
                    failed(exc)
                    continue
                tally.add(records)
                advance()
    tally.flush()
    if not quiet and (batch or tally.failed or tally.done):
        console.print(tally.summary())
    if tally.failed:
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


def _extract_on_cluster(
    items: list[Input],
    kinds: list[str | None],
    output_dir: Path,
    scheduler: str,
    size: int,
    options_used: tuple[ReadOptions, str | None, str, bool, bool],
    tally: Tally,
) -> None:
    """``extract --scheduler``: partitions run as Dask tasks, progress as they finish."""
    options, model, stance, force, quiet = options_used
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise Fatal("--scheduler needs Dask: pip install 'claimx[dask]'") from exc
    from . import dask as on_dask

    parts = on_dask.plan(items, kinds, options, size)
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
        tally.console.print(
            f"claimx: removed {_plural(len(others), 'partition file')} of an earlier layout"
        )
    client = on_dask.connect(scheduler)
    skipped = 0
    try:
        enabled = not quiet and _progress_fits(tally.console, printing=False)
        with _progress(tally.console, len(parts), enabled) as advance:
            for done in on_dask.extract_partitions(
                client, parts, output_dir, options=options, model=model, stance=stance, force=force
            ):
                skipped += done.skipped
                tally.articles += done.articles
                tally.claims += done.claims
                for problem in done.problems:
                    kind, _, message = problem.partition(": ")
                    tally.console.print(f"claimx: {kind}: {message}")
                    tally.failed += kind == "error"
                advance()
    finally:
        on_dask.close(client)
    if not quiet:
        done_before = f", {skipped:,} already done" if skipped else ""
        failed = f", {tally.failed} failed" if tally.failed else ""
        tally.console.print(
            f"claimx: {_plural(len(parts), 'partition')}{done_before}: "
            f"{_plural(tally.articles, 'article')}, {_plural(tally.claims, 'claim')}{failed}"
        )
    if tally.failed:
        click.get_current_context().exit(EXIT_FAILED)


@dataclass
class Tally:
    """Counts for the end-of-run summary; reports failed inputs as they happen."""

    console: Console
    articles: int = 0
    claims: int = 0
    failed: int = 0
    done: int = 0  # skipped: already written by an earlier run (-o, --db)
    shown: dict[str, int] = field(default_factory=dict)  # errors shown, by input
    not_english: int = 0

    def add(self, records: list[Record]) -> None:
        """Count one parsed article."""
        self.articles += 1
        self.claims += len(records)

    def fail(self, exc: ClaimxError) -> None:
        """Report an input, or a record of one, that could not be read or parsed, in one
        line; past ``SHOWN_PER_INPUT`` for one input, only count it."""
        self.failed += 1
        origin = getattr(exc, "origin", None)
        if origin is not None:
            self.shown[origin] = self.shown.get(origin, 0) + 1
            if self.shown[origin] > SHOWN_PER_INPUT:
                return
        self.console.print(f"claimx: error: {exc}")

    def problem(self, exc: InputError, skipped: bool) -> None:
        """Report what reading met: an article left out on purpose, or a failure."""
        if skipped:
            self.console.print(f"claimx: warning: {exc}")
        else:
            self.fail(exc)

    def foreign(self, article: Article, reason: str) -> None:
        """Warn that an article does not look like English."""
        self.not_english += 1
        if self.not_english <= SHOWN_LANGUAGE:
            self.console.print(
                f"claimx: warning: {article.label} {reason}; claimx reads English only, so "
                "its claims there may be wrong"
            )

    def flush(self) -> None:
        """Count what was not shown: errors past ``SHOWN_PER_INPUT``, foreign articles."""
        for origin, count in self.shown.items():
            if count > SHOWN_PER_INPUT:
                more = count - SHOWN_PER_INPUT
                self.console.print(
                    f"claimx: error: {origin}: {_plural(more, 'more record')} could not be "
                    "read (not shown)"
                )
        if self.not_english > SHOWN_LANGUAGE:
            more = self.not_english - SHOWN_LANGUAGE
            self.console.print(
                f"claimx: warning: {_plural(more, 'more article')} do not look like English "
                "(not shown)"
            )

    def summary(self) -> str:
        """``claimx: 12 articles, 57 claims, 3 already done, 1 failed``."""
        text = f"claimx: {_plural(self.articles, 'article')}, {_plural(self.claims, 'claim')}"
        if self.done:
            text += f", {self.done:,} already done"
        return text + (f", {self.failed} failed" if self.failed else "")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _collect(paths: tuple[str, ...], glob: tuple[str, ...], tally: Tally) -> list[Input]:
    """Every input the arguments name, in order, each file once however often it is named;
    a folder without matches gets a warning."""
    if paths.count(STDIN) > 1:
        raise click.BadParameter("'-' (stdin) can be given only once", param_hint="'PATHS...'")
    items = []
    seen: set[str] = set()
    for arg in paths:
        found = expand(arg, glob, tally.problem)
        if not found and os.path.isdir(arg):
            quoted = [repr(g) for g in glob]
            patterns = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if quoted[1:] else quoted)
            tally.console.print(
                f"claimx: warning: {printable(arg)} has no files matching {patterns}; see --glob"
            )
        for item in found:
            key = STDIN if item.path is None else os.path.realpath(item.path)
            if key not in seen:
                seen.add(key)
                items.append(item)
    return items


def output_path(article: Article, fmt: str) -> PurePath:
    """Where ``-o`` puts an article's claims, relative to the output folder."""
    return article.relpath.with_name(article.relpath.name + extension(fmt))


def _check_targets(items: list[Input], kinds: list[str | None], output_dir: Path, fmt: str) -> None:
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


#: An output: what writes an article's claims, and what tells whether one is written
#: already (None: nothing is, stdout).
Sink = tuple[Emit, Skip | None]


@contextmanager
def _stdout_sink(fmt: str, console: Console) -> Iterator[Sink]:
    """All claims as one stream on stdout."""
    out = _utf8_stdout()
    # the writer is closed however the run ends (an interrupt included): JSON keeps its "]"
    with make_writer(fmt, out) as writer:

        def emit(article: Article, records: list[Record]) -> None:
            with _signals_held():
                for record in records:
                    writer.write(record)
                out.flush()  # so that claims appear as each article is parsed

        yield emit, None
    out.flush()
    if isinstance(writer, CsvWriter) and writer.left_out:
        console.print(
            f"claimx: warning: article fields {', '.join(sorted(writer.left_out))} are not in "
            "the CSV, whose article_ columns are the first claim's; use -f jsonl, or one run "
            "per corpus"
        )


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the enclosed writes are flushed: raised inside a
    flush, they drop the text it had taken from the buffer and cut a record short."""
    mask = getattr(signal, "pthread_sigmask", None)  # not on Windows
    if mask is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)  # a held signal is raised here, between records


def _utf8_stdout() -> TextIO:
    """stdout, switched to UTF-8 if needed: claims hold any text, whatever the locale."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and codecs.lookup(out.encoding).name != "utf-8":
        out.reconfigure(encoding="utf-8")
    return out


@contextmanager
def _dir_sink(fmt: str, output_dir: Path, force: bool) -> Iterator[Sink]:
    """One file per article under ``output_dir``; an article whose file is there already
    (written whole, as every file is) is skipped, unless ``force``."""
    written: set[PurePath] = set()  # by this run, in the input being read: ids seen twice
    current: list[str] = []

    def already(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        path = relpath.with_name(relpath.name + extension(fmt))
        if path in written:
            raise _duplicate(source, ident, label)
        return not force and os.path.lexists(output_dir / path)

    def emit(article: Article, records: list[Record]) -> None:
        if current != [article.source]:
            current[:] = [article.source]
            written.clear()  # each input writes below its own path: no clash with another
        relpath = output_path(article, fmt)
        if relpath in written:
            raise _duplicate(article.source, article.id, article.label)
        written.add(relpath)
        try:
            write_file(output_dir, relpath, fmt, records)
        except OSError as exc:
            path = printable(str(output_dir / relpath))
            raise Fatal(f"cannot write {path}: {exc.strerror or exc}") from exc

    yield emit, already


def _duplicate(source: str, ident: str, label: str) -> InputError:
    return InputError(
        label,
        f"has the id {ident!r} of an article read before it in this run; skipped",
        "ids must be unique in an input: pass --id-field with a field that is",
        origin=source,
    )


@contextmanager
def _db_sink(path: Path, force: bool) -> Iterator[Sink]:
    """Articles and claims into an SQLite database, one transaction per article."""
    from .db import ClaimsDatabase

    with ClaimsDatabase(path, force=force) as database:

        def emit(article: Article, records: list[Record]) -> None:
            with _signals_held():  # Ctrl-C between articles: the last one is in whole
                database.add(article, records)

        def already(source: str, ident: str, relpath: PurePath, label: str) -> bool:
            return database.done(source, ident, label)

        yield emit, already


def _total_bytes(items: list[Input]) -> int | None:
    """The size of the inputs, for a progress bar; None if one is not a regular file."""
    total = 0
    for item in items:
        try:
            info = os.stat(item.path) if item.path is not None else None
        except OSError:
            continue  # reading it will say what is wrong
        if info is None or not stat.S_ISREG(info.st_mode):
            return None
        total += info.st_size
    return total


def _progress_fits(console: Console, printing: bool) -> bool:
    """Whether a progress bar on stderr can be shown without garbling claims on the screen."""
    return console.is_terminal and (not printing or not sys.stdout.isatty())


@contextmanager
def _progress(console: Console, total: int, enabled: bool) -> Iterator[Callable[[], None]]:
    """A Rich progress bar on stderr; yields the function that advances it."""
    if not enabled:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # No refresh thread (auto_refresh): -j forks workers while the bar is shown, and a
    # thread holding a lock at that moment could leave the lock held in a worker forever.
    with Progress(
        *columns, console=console, transient=True, redirect_stdout=False, auto_refresh=False
    ) as bar:
        task = bar.add_task("extract", total=total)
        shown = 0.0

        def advance() -> None:
            nonlocal shown
            bar.advance(task)
            if time.monotonic() - shown > 0.1:  # at most ten redraws a second
                shown = time.monotonic()
                bar.refresh()

        yield advance


Advance = Callable[[], None]
Read = Callable[[int], None]


@contextmanager
def _meter(
    console: Console,
    total: int,
    enabled: bool,
    by_bytes: Callable[[], AbstractContextManager[tuple[Advance, Read]]] | None,
) -> Iterator[tuple[Advance, Read]]:
    """Progress on stderr: articles of ``total`` or, for streams (``by_bytes``), bytes read
    and articles done; yields what counts an article and what counts bytes read."""
    if enabled and by_bytes is not None:
        with by_bytes() as counters:
            yield counters
        return
    with _progress(console, total, enabled) as advance:
        yield advance, _ignore


def _ignore(n: int) -> None:
    pass


def _byte_progress(
    console: Console, total: int | None
) -> Callable[[], AbstractContextManager[tuple[Advance, Read]]]:
    """A progress bar of bytes read (of ``total``, if known) and of articles done."""

    @contextmanager
    def bar() -> Iterator[tuple[Advance, Read]]:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = (
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[articles]:,} articles"),
            TimeRemainingColumn(),
        )
        # No refresh thread: see _progress.
        with Progress(
            *columns, console=console, transient=True, redirect_stdout=False, auto_refresh=False
        ) as progress:
            task = progress.add_task("extract", total=total, articles=0)
            done = 0
            shown = 0.0

            def refresh() -> None:
                nonlocal shown
                if time.monotonic() - shown > 0.1:  # at most ten redraws a second
                    shown = time.monotonic()
                    progress.refresh()

            def advance() -> None:
                nonlocal done
                done += 1
                progress.update(task, articles=done)
                refresh()

            def read(n: int) -> None:
                progress.advance(task, n)
                refresh()

            yield advance, read

    return bar


@cli.command("text")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--id",
    "ids",
    metavar="ID",
    multiple=True,
    help="Only the article with this id (repeat for several).",
)
@format_option(["text", "jsonl"], default="text")
@reading_options
def text_command(
    path: str,
    ids: tuple[str, ...],
    fmt: str,
    input_format: str,
    text_field: str,
    id_field: str,
    encoding: str | None,
) -> None:
    """Print the text that the offsets of an input's claims index: the file's, a record's
    text field, or what claimx derives from a page (HTML, WARC).

    Text: one article's text exactly, with no newline added. JSON Lines: source, id and
    text of every article (or of those --id names).
    """
    from rich.console import Console

    console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
    tally = Tally(console)
    options = _read_options(input_format, text_field, id_field, encoding)
    (item,) = expand(path)
    wanted = set(ids)
    found: set[str] = set()

    def other(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        return bool(wanted) and ident not in wanted

    out = _utf8_stdout()
    articles = read_articles(item, options, on_problem=tally.problem, skip=other)
    if fmt == "jsonl":
        import json

        for article in articles:
            found.add(article.id)
            record = {"source": article.source, "id": article.id, "text": article.text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        first = next(articles, None)
        if next(articles, None) is not None:
            raise click.UsageError(
                f"{item.label} holds more than one article; pick one with --id, or print "
                "them all with -f jsonl"
            )
        if first is not None:
            found.add(first.id)
            out.write(first.text)
    out.flush()
    for ident in sorted(wanted - found):
        tally.fail(InputError(item.label, f"has no article with the id {ident!r}", "see -f jsonl"))
    tally.flush()
    if tally.failed:
        click.get_current_context().exit(EXIT_FAILED)


@cli.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--id",
    "article_id",
    metavar="ID",
    help="The article with this id, in an input that holds several (JSON Lines, CSV, WARC).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write one self-contained HTML page to FILE (- for stdout) instead.",
)
@click.option(
    "--color",
    type=click.Choice(COLORS),
    default="auto",
    show_default=True,
    help="Style the view: auto on a terminal unless NO_COLOR is set; always also into a "
    "pipe (| less -R); never: marks as characters.",
)
@click.option("--pager", is_flag=True, help="Page the view (through $PAGER, or less -R).")
@reading_options
@model_option
@stance_option
def show_command(
    path: str,
    article_id: str | None,
    html_file: str | None,
    color: str,
    pager: bool,
    input_format: str,
    text_field: str,
    id_field: str,
    encoding: str | None,
    model: str | None,
    stance: str,
) -> None:
    """Show one article with its claims marked: speakers, cues, quotes and targets, each
    claim's number beside it and a line per claim below; or, with --html, as a page.
    """
    from rich.console import Console

    from . import api
    from .page import page
    from .show import make_console, show

    errors = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
    tally = Tally(errors)
    options = _read_options(input_format, text_field, id_field, encoding)
    (item,) = expand(path)

    def other(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        return article_id is not None and ident != article_id

    articles = read_articles(item, options, on_problem=tally.problem, skip=other)
    article = next(articles, None)
    if article is not None and next(articles, None) is not None:
        raise click.UsageError(
            f"{item.label} holds more than one article; pick one with --id "
            "(claimx text -f jsonl lists their ids)"
        )
    if article is None:
        if article_id is not None:
            tally.fail(
                InputError(
                    item.label,
                    f"has no article with the id {article_id!r}",
                    "claimx text -f jsonl lists the ids",
                )
            )
        elif not tally.failed:
            tally.fail(
                InputError(item.label, "holds no article", "check --input-format and --text-field")
            )
        tally.flush()
        click.get_current_context().exit(EXIT_FAILED)
    claims = api.extract(article.text, model=model, stance=stance)
    source = article.label or article.source
    if html_file is not None:
        document = page(article.text, claims, source=source)
        with click.open_file(html_file, "w", encoding="utf-8", atomic=html_file != "-") as out:
            out.write(document)
        return
    console = make_console(_utf8_stdout(), color=color)
    if pager:
        os.environ.setdefault("LESS", "-R")  # less shows the styles rather than their codes
        with console.pager(styles=True):
            show(console, article.text, claims, source=source)
        return
    show(console, article.text, claims, source=source)


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .claimsource import is_iso_date

    if value is not None and not is_iso_date(value):
        raise click.BadParameter(f"{value!r} is not an ISO date or a prefix of one (2016-03)")
    return value


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
            callback=_check_date,
            help="Only claims of articles dated DATE or later (2016, 2016-03, 2016-03-05).",
        ),
        click.option(
            "--until",
            metavar="DATE",
            callback=_check_date,
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
            callback=_check_glob,
            help="Which files to read from folders of articles "
            f"(default {' '.join(DEFAULT_GLOB)}).",
        ),
        click.option(
            "--aliases",
            metavar="FILE",
            type=click.Path(exists=True, dir_okay=False),
            help="More aliases (TSV: alias, name, type, as claimx/data/aliases.tsv), merged "
            "into the packaged ones: each alias is counted under its name.",
        ),
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
    from .entities import Identities

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
    model: str | None
    stance: str
    jobs: int


#: Files of claims a folder given to a view may hold (-o of extract -f jsonl or of a
#: cluster run); read as claims where their first record is one.
CLAIM_FILES = ("*.jsonl", "*.jsonl.gz")


def _claim_records(view: ViewInputs, tally: Tally) -> Iterator[Record]:
    """The claim records of the inputs: read from claims (JSON Lines that extract -f jsonl
    wrote, gzipped or not; a database of extract --db; such JSON Lines in a folder, as
    extract -o and --scheduler write them), extracted from everything else."""
    from .claimsource import claims_kind, iter_claims

    articles = []
    claim_files: set[Path] = set()
    for arg in view.inputs:
        if arg != STDIN and os.path.isfile(arg) and claims_kind(arg) is not None:
            paths = [Path(arg)]
        elif arg != STDIN and os.path.isdir(arg):
            found = walk(arg, CLAIM_FILES, tally.problem)
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
            for record in iter_claims(path, on_problem=tally.problem):
                tally.claims += 1
                yield record
    if not articles:
        return
    from . import api

    items = [i for i in _collect(tuple(articles), view.glob, tally) if i.path not in claim_files]
    api.load(view.model, stance=view.stance)  # a missing model fails here

    def broke(article: Article, problem: str) -> None:
        tally.fail(ExtractionError(f"{article.label} {problem}"))

    results = api.extract_many(
        iter_articles(items, view.options, on_problem=tally.problem),
        as_tuples=True,
        model=view.model,
        stance=view.stance,
        n_process=view.jobs,
        on_error=broke,
    )
    with closing(results):  # ends the workers however the view ends
        for claims, article in results:
            tally.articles += 1
            for claim in claims:
                tally.claims += 1
                yield replace(claim, source=article.source).to_dict(article)


def _view_setup(**given: Any) -> tuple[ViewInputs, Any, Tally]:
    """The inputs, the claim filter and a tally (on stderr) of a view command."""
    from rich.console import Console

    from .claimsource import ClaimFilter

    console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
    options = _read_options(
        given["input_format"], given["text_field"], given["id_field"], given["encoding"]
    )
    view = ViewInputs(
        given["inputs"], given["glob"], options, given["model"], given["stance"], given["jobs"]
    )
    where = ClaimFilter(given["speaker_types"], given["since"], given["until"], given["outlets"])
    return view, where, Tally(console)


def _view_end(tally: Tally, quiet: bool, line: str) -> None:
    tally.flush()
    if not quiet:
        tally.console.print(line)
    if tally.failed:
        click.get_current_context().exit(EXIT_FAILED)


@cli.command()
@view_options
@format_option(["json", "csv", "gexf", "graphml"], default="json")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Write to PATH, not stdout. With -f csv: edges.csv and nodes.csv in the folder "
    "PATH (or after the prefix PATH: polnear- gives polnear-edges.csv); stdout gets the "
    "edges alone.",
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
    from .network import build_network, print_network, write_network

    who = _identities(given.pop("aliases"))
    view, where, tally = _view_setup(**given)
    records = _claim_records(view, tally)
    graph = build_network(records, min_claims=min_claims, where=where, identities=who)
    if output is None:
        print_network(graph, fmt, _utf8_stdout())
    else:
        try:
            write_network(graph, fmt, output)
        except OSError as exc:
            raise Fatal(f"cannot write {printable(output)}: {exc.strerror or exc}") from exc
    nodes, edges = _plural(len(graph.nodes), "node"), _plural(len(graph.edges), "edge")
    _view_end(tally, quiet, f"claimx: {_plural(tally.claims, 'claim')}, {nodes}, {edges}")


@cli.command()
@view_options
@format_option(["table", "json", "csv"], default="table")
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

    from . import summary as summaries

    who = _identities(given.pop("aliases"))
    view, where, tally = _view_setup(**given)
    result = summaries.summarize(_claim_records(view, tally), top=top, where=where, identities=who)
    with click.open_file(output or "-", "w", encoding="utf-8", atomic=output is not None) as f:
        out = cast(TextIO, f)
        if fmt == "table":
            table = Console(file=out, highlight=False, markup=False, emoji=False)
            table.print(summaries.render(result))
        elif fmt == "json":
            summaries.write_json(result, out)
        else:
            summaries.write_csv(result, out)
    _view_end(tally, quiet, f"claimx: {_plural(tally.claims, 'claim')}")


@cli.command()
@model_option
@format_option(["text", "json"], default="text")
def info(model: str | None, fmt: str) -> None:
    """Show the pipeline claimx runs: base model, components and versions."""
    import json
    from importlib import metadata

    from . import api

    nlp = api.load(model)
    details: dict[str, Any] = {
        "claimx": __version__,
        "spacy": metadata.version("spacy"),
        "model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
        "model_version": nlp.meta.get("version"),
        "pipeline": list(nlp.pipe_names),
    }
    if fmt == "json":
        click.echo(json.dumps(details, indent=2))
        return
    click.echo(f"claimx    {details['claimx']}")
    click.echo(f"spaCy     {details['spacy']}")
    click.echo(f"model     {details['model']} {details['model_version']}")
    click.echo(f"pipeline  {', '.join(details['pipeline'])}")


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@format_option(["table", "json"], default="table")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.5,
    show_default=True,
    help="Least content overlap (token Dice) for a claim to match a gold claim.",
)
@jobs_option
@model_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def evaluate(
    gold: str, fmt: str, threshold: float, jobs: int, model: str | None, quiet: bool
) -> None:
    """Score claimx against hand-annotated articles (JSON Lines: id, text, claims).

    Prints precision, recall and F1 for claims (content and speaker right), content and
    exact content, speaker and cue accuracy, by kind; the metric is defined in
    claimx.evaluate.
    """
    import json

    from rich.console import Console

    from . import api
    from . import evaluate as evaluation

    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    articles = evaluation.read_gold(gold)
    api.load(model)  # a missing model fails here, before the progress bar
    show_progress = not quiet and console.is_terminal
    with _progress(console, len(articles), show_progress) as advance:
        report = evaluation.evaluate(
            articles,
            model=model,
            n_process=jobs,
            threshold=threshold,
            progress=advance,
            gold_file=gold,
        )
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    out = Console(highlight=False)
    for table in evaluation.render_tables(report):
        out.print(table)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="claimx")
