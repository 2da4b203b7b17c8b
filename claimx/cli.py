"""The command line: a thin shell over the library (``claimx extract``, ``claimx info``).

spaCy and the pipeline are imported inside the commands, so that ``claimx --help`` is instant.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, TextIO, TypeVar

import click

from . import __version__
from .errors import ClaimxError, ExtractionError, InputError, ModelError
from .inputs import DEFAULT_GLOB, STDIN, Input, expand, iter_texts, printable
from .types import DEFAULT_STANCE, STANCE_MODES
from .writers import FORMATS, Record, extension, make_writer, write_file

if TYPE_CHECKING:
    from rich.console import Console

Emit = Callable[[Input, list[Record]], None]
F = TypeVar("F", bound=Callable[..., Any])


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
    return value or (DEFAULT_GLOB,)


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
    help="Write one file per article under DIR instead of printing.",
)
@click.option(
    "--glob",
    metavar="PATTERN",
    multiple=True,
    callback=_check_glob,
    help=f"Which files to read from folders (default {DEFAULT_GLOB!r}); repeat for several.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    callback=_check_encoding,
    help="Encoding for files that are not UTF-8 (UTF-8 is tried first, file by file).",
)
@jobs_option
@model_option
@click.option(
    "--stance",
    type=click.Choice(STANCE_MODES),
    default=DEFAULT_STANCE,
    show_default=True,
    help="Stance from the trained stance model with the rules, or from the rules alone "
    "(cue priors and a lexicon).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
def extract(
    paths: tuple[str, ...],
    fmt: str,
    output_dir: Path | None,
    glob: tuple[str, ...],
    encoding: str | None,
    jobs: int,
    model: str | None,
    stance: str,
    quiet: bool,
) -> None:
    """Print the claims in articles: files, folders (searched recursively) or - for stdin."""
    from rich.console import Console

    from . import api

    console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)
    tally = Tally(console)
    items = _collect(paths, glob, tally)
    if not items:
        if not tally.failed:
            console.print("claimx: error: no articles to read")
        click.get_current_context().exit(EXIT_NO_INPUT)
    if output_dir is not None:
        _check_targets(items, output_dir, fmt)
    api.load(model, stance=stance)  # a missing model fails here, before anything is printed
    show_progress = not quiet and len(items) > 1 and _progress_fits(console, output_dir)
    sink = _stdout_sink(fmt) if output_dir is None else _dir_sink(fmt, output_dir)
    with sink as emit, _progress(console, len(items), show_progress) as advance:

        def failed(exc: ClaimxError) -> None:
            tally.fail(exc)
            advance()

        def broke(item: Input, problem: str) -> None:
            failed(ExtractionError(f"{item.label} {problem}"))

        texts = iter_texts(items, encoding, on_error=failed)
        results = api.extract_many(
            texts, as_tuples=True, model=model, stance=stance, n_process=jobs, on_error=broke
        )
        # closing the stream on any early exit (| head, Ctrl-C, SIGTERM) ends the workers
        with closing(results):
            for claims, item in results:
                records = [replace(claim, source=item.source).to_dict() for claim in claims]
                emit(item, records)
                tally.add(records)
                advance()
    if not quiet and (len(items) > 1 or tally.failed):
        console.print(tally.summary())
    if tally.failed:
        click.get_current_context().exit(EXIT_FAILED)


@dataclass
class Tally:
    """Counts for the end-of-run summary; reports failed inputs as they happen."""

    console: Console
    articles: int = 0
    claims: int = 0
    failed: int = 0

    def add(self, records: list[Record]) -> None:
        """Count one parsed article."""
        self.articles += 1
        self.claims += len(records)

    def fail(self, exc: ClaimxError) -> None:
        """Report an input that could not be read or parsed, in one line."""
        self.failed += 1
        self.console.print(f"claimx: error: {exc}")

    def problem(self, exc: InputError, skipped: bool) -> None:
        """Report what a folder walk met: a file left out on purpose, or a failure."""
        if skipped:
            self.console.print(f"claimx: warning: {exc}")
        else:
            self.fail(exc)

    def summary(self) -> str:
        """``claimx: 12 articles, 57 claims, 1 failed``."""
        text = f"claimx: {_plural(self.articles, 'article')}, {_plural(self.claims, 'claim')}"
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
            patterns = " or ".join(repr(g) for g in glob)
            tally.console.print(
                f"claimx: warning: {printable(arg)} has no files matching {patterns}; see --glob"
            )
        for item in found:
            key = STDIN if item.path is None else os.path.realpath(item.path)
            if key not in seen:
                seen.add(key)
                items.append(item)
    return items


def output_path(item: Input, fmt: str) -> PurePath:
    """Where ``-o`` puts an input's claims, relative to the output folder."""
    return item.relpath.with_suffix(extension(fmt))


def _check_targets(items: list[Input], output_dir: Path, fmt: str) -> None:
    """Refuse to run if two inputs would write the same output file."""
    seen: dict[PurePath, Input] = {}
    for item in items:
        target = output_path(item, fmt)
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


@contextmanager
def _stdout_sink(fmt: str) -> Iterator[Emit]:
    """All claims as one stream on stdout."""
    out = _utf8_stdout()
    # the writer is closed however the run ends (an interrupt included): JSON keeps its "]"
    with make_writer(fmt, out) as writer:

        def emit(item: Input, records: list[Record]) -> None:
            with _signals_held():
                for record in records:
                    writer.write(record)
                out.flush()  # so that claims appear as each article is parsed

        yield emit
    out.flush()


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
def _dir_sink(fmt: str, output_dir: Path) -> Iterator[Emit]:
    """One file per article under ``output_dir``."""

    def emit(item: Input, records: list[Record]) -> None:
        relpath = output_path(item, fmt)
        try:
            write_file(output_dir, relpath, fmt, records)
        except OSError as exc:
            path = printable(str(output_dir / relpath))
            raise Fatal(f"cannot write {path}: {exc.strerror or exc}") from exc

    yield emit


def _progress_fits(console: Console, output_dir: Path | None) -> bool:
    """Whether a progress bar on stderr can be shown without garbling claims on the screen."""
    return console.is_terminal and (output_dir is not None or not sys.stdout.isatty())


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
