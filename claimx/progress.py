"""Progress on stderr for long runs: a Rich bar of articles done, or of bytes read and
articles done for streams (JSON Lines, CSV, WARC), and whether a bar can be shown at all."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

#: Counts one article done.
Advance = Callable[[], None]
#: Counts bytes read.
Read = Callable[[int], None]
#: At most ten redraws a second.
_REDRAW = 0.1


def fits(console: Console, printing: bool) -> bool:
    """Whether a progress bar on stderr can be shown without garbling claims on the screen."""
    return console.is_terminal and (not printing or not sys.stdout.isatty())


@contextmanager
def bar(console: Console, total: int, enabled: bool) -> Iterator[Advance]:
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
    ) as progress:
        task = progress.add_task("extract", total=total)
        shown = 0.0

        def advance() -> None:
            nonlocal shown
            progress.advance(task)
            if time.monotonic() - shown > _REDRAW:
                shown = time.monotonic()
                progress.refresh()

        yield advance


def meter(
    console: Console, total: int, enabled: bool, total_bytes: int | None, streams: bool
) -> AbstractContextManager[tuple[Advance, Read]]:
    """Progress on stderr: articles of ``total`` or, for ``streams``, bytes read (of
    ``total_bytes`` if known) and articles done; yields what counts an article and what
    counts bytes read."""
    if enabled and streams:
        return _byte_bar(console, total_bytes)
    return _article_meter(console, total, enabled)


@contextmanager
def _article_meter(console: Console, total: int, enabled: bool) -> Iterator[tuple[Advance, Read]]:
    with bar(console, total, enabled) as advance:
        yield advance, _ignore


def _ignore(n: int) -> None:
    pass


@contextmanager
def _byte_bar(console: Console, total: int | None) -> Iterator[tuple[Advance, Read]]:
    """A progress bar of bytes read (of ``total``, if known) and of articles done."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[articles]:,} articles"),
        TimeRemainingColumn(),
    )
    # No refresh thread: see bar.
    with Progress(
        *columns, console=console, transient=True, redirect_stdout=False, auto_refresh=False
    ) as progress:
        task = progress.add_task("extract", total=total, articles=0)
        done = 0
        shown = 0.0

        def refresh() -> None:
            nonlocal shown
            if time.monotonic() - shown > _REDRAW:
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
