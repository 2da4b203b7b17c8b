"""The run layer: what pipeline to run (:class:`PipelineSpec`), where claims go (a
:class:`Sink`: stdout, a folder of files, a database) and one extraction from inputs to a
sink (:class:`Run`), counted and reported in a :class:`RunReport`, with progress and with
signals held while a record is written.

Claims stay :class:`~claimx.types.Claim` objects up to the sink, which turns them into
records once (:func:`records`). Nothing here knows the command line: errors are
:class:`~claimx.errors.ClaimxError` subclasses, which the CLI maps to messages and exit codes.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from . import progress
from .atomic import sweep
from .corpora import ReadOptions, iter_articles, language_problem
from .errors import ClaimxError, ExtractionError, InputError, duplicate_id
from .inputs import Input, printable
from .readers import output_name
from .types import DEFAULT_STANCE, Article, Claim, StanceMode
from .writers import CsvWriter, Record, Writer, extension, make_writer, write_file

if TYPE_CHECKING:
    from rich.console import Console
    from spacy.language import Language

#: Errors shown for the records of one input; the rest are counted in one line at the end.
SHOWN_PER_INPUT = 10
#: Articles named in warnings that they do not look like English; the rest are counted.
SHOWN_LANGUAGE = 10


class OutputError(ClaimxError):
    """An output cannot be written (a full disk, a folder without permission): ends a run."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it ends as Ctrl-C ends it."""


@contextmanager
def sigterm_raises() -> Iterator[None]:
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


@contextmanager
def signals_held() -> Iterator[None]:
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


def plural(n: int, noun: str) -> str:
    """``1 claim``, ``3 claims``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def utf8_stdout() -> TextIO:
    """stdout, switched to UTF-8 if needed: claims hold any text, whatever the locale."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and codecs.lookup(out.encoding).name != "utf-8":
        out.reconfigure(encoding="utf-8")
    return out


def records(article: Article, claims: Iterable[Claim]) -> list[Record]:
    """An article's claims as output records, each with the article's input as its source."""
    return [replace(claim, source=article.source).to_dict(article) for claim in claims]


def output_path(article: Article, fmt: str) -> PurePath:
    """Where a folder output puts an article's claims, relative to the folder (a name past
    the file system's limit cut short: :func:`claimx.readers.output_name`)."""
    return output_name(article.relpath, extension(fmt))


@dataclass(frozen=True)
class PipelineSpec:
    """What pipeline a run uses, handed as is to worker processes: the spaCy base
    pipeline (a package name or path; None: :func:`claimx.api.default_model`), the
    stance mode (:data:`claimx.types.STANCE_MODES`) and a TSV file of more aliases."""

    model: str | None = None
    stance: StanceMode = DEFAULT_STANCE
    aliases: str | None = None

    def load(self) -> Language:
        """The pipeline, loaded once per process (a missing model fails here)."""
        from . import api

        return api.load(self.model, stance=self.stance, aliases=self.aliases)

    def extract(self, text: str) -> list[Claim]:
        """The claims of one text."""
        from . import api

        return api.extract(text, model=self.model, stance=self.stance, aliases=self.aliases)

    def extract_many(
        self, pairs: Iterable[tuple[str, Article]], *, jobs: int, on_error: Any = None
    ) -> Any:
        """``(claims, article)`` for each ``(text, article)``, in order, in ``jobs``
        processes; close the generator to end the workers early."""
        from . import api

        return api.extract_many(
            pairs,
            as_tuples=True,
            model=self.model,
            stance=self.stance,
            aliases=self.aliases,
            n_process=jobs,
            on_error=on_error,
        )


@dataclass
class RunReport:
    """Counts for the end-of-run summary; reports failed inputs as they happen."""

    console: Console
    articles: int = 0
    claims: int = 0
    failed: int = 0
    done: int = 0  # skipped: already written by an earlier run (-o, --db)
    copies: int = 0  # skipped: a copy of an article stored already (--db)
    shown: dict[str, int] = field(default_factory=dict)  # errors shown, by input
    warned: dict[str, int] = field(default_factory=dict)  # warnings shown, by input
    not_english: int = 0

    def add(self, claims: Sequence[object]) -> None:
        """Count one parsed article."""
        self.articles += 1
        self.claims += len(claims)

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
        if not skipped:
            self.fail(exc)
            return
        if exc.origin is not None:  # a record's: past SHOWN_PER_INPUT, only counted
            self.warned[exc.origin] = self.warned.get(exc.origin, 0) + 1
            if self.warned[exc.origin] > SHOWN_PER_INPUT:
                return
        self.console.print(f"claimx: warning: {exc}")

    def copy(self, article: Article, original: tuple[str, str, str]) -> None:
        """Warn that an article is a copy of one stored already, and so not stored."""
        self.copies += 1
        source, ident, reason = original
        where = ident if source == article.source else f"{ident} of {source}"
        self.problem(
            InputError(
                article.label or article.source,
                f"is a copy of {where} (the same {reason}), stored once",
                "--keep-duplicates stores it as well",
                origin=article.source if article.label else None,
            ),
            skipped=True,
        )

    def foreign(self, article: Article, reason: str) -> None:
        """Warn that an article does not look like English."""
        self.not_english += 1
        if self.not_english <= SHOWN_LANGUAGE:
            self.console.print(
                f"claimx: warning: {article.label} {reason}; claimx reads English only, so "
                "its claims there may be wrong"
            )

    def flush(self) -> None:
        """Count what was not shown: errors and warnings past ``SHOWN_PER_INPUT``, foreign
        articles."""
        for origin, count in self.shown.items():
            if count > SHOWN_PER_INPUT:
                more = count - SHOWN_PER_INPUT
                self.console.print(
                    f"claimx: error: {origin}: {plural(more, 'more record')} could not be "
                    "read (not shown)"
                )
        for origin, count in self.warned.items():
            if count > SHOWN_PER_INPUT:
                more = count - SHOWN_PER_INPUT
                self.console.print(
                    f"claimx: warning: {origin}: {plural(more, 'more warning')} (not shown)"
                )
        if self.not_english > SHOWN_LANGUAGE:
            more = self.not_english - SHOWN_LANGUAGE
            self.console.print(
                f"claimx: warning: {plural(more, 'more article')} do not look like English "
                "(not shown)"
            )

    def summary(self) -> str:
        """``claimx: 12 articles, 57 claims, 3 already done, 1 failed``."""
        text = f"claimx: {plural(self.articles, 'article')}, {plural(self.claims, 'claim')}"
        if self.done:
            text += f", {self.done:,} already done"
        if self.copies:
            text += f", {plural(self.copies, 'duplicate')}"
        return text + (f", {self.failed} failed" if self.failed else "")


class Sink(Protocol):
    """Where a run's claims go. Entered before the first article and left however the run
    ends; ``write`` takes one article's claims whole."""

    def __enter__(self) -> Sink: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def write(self, article: Article, claims: Sequence[Claim]) -> None:
        """Write one article's claims; :class:`InputError` for an article it refuses."""

    def done(self, source: str, ident: str, relpath: PurePath, label: str) -> bool:
        """Whether an earlier run wrote this article already (it is then skipped)."""

    def original(self, article: Article) -> tuple[str, str, str] | None:
        """The article (source, id, why) that ``article`` is a copy of, if the sink stores
        copies once (it is then skipped, and the sink notes it); None to write it."""


class StdoutSink:
    """All claims as one stream on stdout, flushed after each article."""

    def __init__(self, fmt: str, console: Console) -> None:
        self.fmt = fmt
        self.console = console
        self._out = utf8_stdout()
        self._exit = ExitStack()
        self._writer: Writer | None = None

    def __enter__(self) -> StdoutSink:
        # closed however the run ends (an interrupt included): JSON keeps its "]"
        self._writer = self._exit.enter_context(make_writer(self.fmt, self._out))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._exit.__exit__(kind, exc, tb)
        if kind is not None:
            return
        self._out.flush()
        writer = self._writer
        if isinstance(writer, CsvWriter) and writer.left_out:
            self.console.print(
                f"claimx: warning: article fields {', '.join(sorted(writer.left_out))} are not "
                "in the CSV, whose article_ columns are the first claim's; use -f jsonl, or "
                "one run per corpus"
            )

    def write(self, article: Article, claims: Sequence[Claim]) -> None:
        assert self._writer is not None, "write() before the sink was entered"
        with signals_held():
            for record in records(article, claims):
                self._writer.write(record)
            self._out.flush()  # so that claims appear as each article is parsed

    def done(self, source: str, ident: str, relpath: PurePath, label: str) -> bool:
        return False

    def original(self, article: Article) -> tuple[str, str, str] | None:
        return None


class FolderSink:
    """One file per article under ``root``, each written whole; an article whose file is
    there already is skipped, unless ``force``."""

    def __init__(self, fmt: str, root: Path, force: bool) -> None:
        self.fmt = fmt
        self.root = root
        self.force = force
        self._written: set[PurePath] = set()  # by this run, in the current input
        self._swept: set[Path] = set()  # folders cleared of a killed run's temporary files
        self._source: str | None = None

    def __enter__(self) -> FolderSink:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    def done(self, source: str, ident: str, relpath: PurePath, label: str) -> bool:
        path = output_name(relpath, extension(self.fmt))
        if path in self._written:
            raise duplicate_id(source, ident, label)
        return not self.force and os.path.lexists(self.root / path)

    def original(self, article: Article) -> tuple[str, str, str] | None:
        return None

    def write(self, article: Article, claims: Sequence[Claim]) -> None:
        if self._source != article.source:
            self._source = article.source
            self._written.clear()  # each input writes below its own path: no clash
        relpath = output_path(article, self.fmt)
        if relpath in self._written:
            raise duplicate_id(article.source, article.id, article.label)
        self._written.add(relpath)
        folder = self.root / relpath.parent
        if folder not in self._swept:  # once a folder: what a killed run left half-written
            self._swept.add(folder)
            sweep(folder)
        try:
            write_file(self.root, relpath, self.fmt, records(article, claims))
        except OSError as exc:
            path = printable(str(self.root / relpath))
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


class DatabaseSink:
    """Articles and claims into an SQLite database, one transaction per article; a copy of
    an article stored already (the same URL, or text) is noted, not stored, unless
    ``keep_duplicates``."""

    def __init__(self, path: Path, force: bool, keep_duplicates: bool = False) -> None:
        from .db import ClaimsDatabase, copy_keys

        self._database = ClaimsDatabase(path, force=force)
        self._copy_keys = copy_keys
        self.keep_duplicates = keep_duplicates
        # articles on their way through the pipeline, not yet written: by URL and text
        self._pending: dict[tuple[str, str], tuple[str, str]] = {}

    def __enter__(self) -> DatabaseSink:
        self._database.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._database.__exit__(kind, exc, tb)

    def write(self, article: Article, claims: Sequence[Claim]) -> None:
        with signals_held():  # Ctrl-C between articles: the last one is in whole
            self._database.add(article, records(article, claims))
        mine = (article.source, article.id)  # no longer in flight: the database has it
        for key in [key for key, owner in self._pending.items() if owner == mine]:
            del self._pending[key]

    def done(self, source: str, ident: str, relpath: PurePath, label: str) -> bool:
        return self._database.done(source, ident, label)

    def original(self, article: Article) -> tuple[str, str, str] | None:
        if self.keep_duplicates:
            return None
        keys = self._copy_keys(article)
        found = next(((*self._pending[k], k[0]) for k in keys if k in self._pending), None)
        found = found or self._database.original(article, keys)
        if found is not None:
            self._database.add_duplicate(article, (found[0], found[1]), found[2])
            return found
        for key in keys:
            self._pending.setdefault(key, (article.source, article.id))
        return None


def total_bytes(items: Sequence[Input]) -> int | None:
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


@dataclass
class Run:
    """One extraction: the articles of ``items`` read with ``options``, through the
    pipeline of ``spec`` in ``jobs`` processes, into a sink; failures are reported and
    counted in ``report`` and the rest of the inputs run."""

    items: Sequence[Input]
    options: ReadOptions
    spec: PipelineSpec
    report: RunReport
    jobs: int = 1

    def into(self, sink: Sink, *, show_progress: bool = False, streams: bool = False) -> None:
        """Extract every article into ``sink``; progress on the report's console, by bytes
        read where the inputs are ``streams``."""
        report = self.report
        size = total_bytes(self.items) if streams and show_progress else None
        meter = progress.meter(report.console, len(self.items), show_progress, size, streams)
        with sink, meter as (advance, read):

            def failed(exc: ClaimxError) -> None:
                report.fail(exc)
                advance()

            def problem(exc: InputError, skipped: bool) -> None:
                report.problem(exc, skipped)
                if not skipped:
                    advance()

            def skip(source: str, ident: str, relpath: PurePath, label: str) -> bool:
                if sink.done(source, ident, relpath, label):
                    report.done += 1
                    return True
                return False

            texts = iter_articles(
                self.items, self.options, on_problem=problem, skip=skip, on_bytes=read
            )
            results = self.spec.extract_many(
                self._english(self._originals(texts, sink)),
                jobs=self.jobs,
                on_error=lambda article, why: failed(ExtractionError(f"{article.label} {why}")),
            )
            # closing the stream on any early exit (| head, Ctrl-C, SIGTERM) ends the workers
            with closing(results):
                for claims, article in results:
                    try:
                        sink.write(article, claims)
                    except InputError as exc:  # a second article with one id, say
                        failed(exc)
                        continue
                    report.add(claims)
                    advance()
        report.flush()

    def _originals(
        self, pairs: Iterator[tuple[str, Article]], sink: Sink
    ) -> Iterator[tuple[str, Article]]:
        for text, article in pairs:
            original = sink.original(article)
            if original is None:
                yield text, article
            else:
                self.report.copy(article, original)

    def _english(self, pairs: Iterator[tuple[str, Article]]) -> Iterator[tuple[str, Article]]:
        for text, article in pairs:
            reason = language_problem(article)
            if reason is not None:
                self.report.foreign(article, reason)
            yield text, article
