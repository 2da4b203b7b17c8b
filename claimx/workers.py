"""Parsing in worker processes, for ``extract_many(n_process=N)``.

spaCy's own ``nlp.pipe(n_process=N)`` is not used: its feeder thread blocks the interpreter's
exit when the reader stops early (``| head``, Ctrl-C, ``gen.close()``), its workers outlive a
killed parent, and it ships every parsed ``Doc`` back to be deserialized. Here each worker
has one pipe of its own to the main process and returns only claim records:

- the main process sends a worker a batch only when that worker is idle, so neither side
  ever blocks writing while the other is writing too (no feeder thread, no deadlock);
- a dead worker shows as end-of-file on its pipe, and a dead main process as SIGKILL to its
  workers (Linux ``PR_SET_PDEATHSIG``; elsewhere a watchdog thread checks the parent);
- workers ignore SIGINT: Ctrl-C reaches the main process, which ends them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from spacy.language import Language

Record = dict[str, Any]
#: What parsing one text gives: its claim records, or why claimx failed on it.
Result = tuple[list[Record], str | None]
#: A batch of (text, context) pairs and the result of each text, in order.
Parsed = tuple[list[Result], list[tuple[str, Any]]]


def parse_batch(nlp: Language, texts: list[str]) -> list[Result]:
    """Claim records for each text; a text that breaks the pipeline fails alone.

    The claimx component already catches its own errors per doc; this catches the rest
    (the tokenizer or parser raising on one odd text), so that one text never costs the
    others in its batch.
    """
    try:
        docs = list(nlp.pipe(texts))
    except Exception as exc:
        if len(texts) == 1:
            return [([], f"{type(exc).__name__}: {exc}")]
        return [result for text in texts for result in parse_batch(nlp, [text])]
    return [(doc._.claimx_records or [], doc._.claimx_error) for doc in docs]


def run_parallel(
    batches: Iterable[list[tuple[str, Any]]], n_process: int, model: str | None, stance: str
) -> Generator[Parsed, None, None]:
    """Each batch of (text, context) pairs with its results, in input order, parsed by
    ``n_process`` workers; only the texts travel to them.

    Closing the iterator (or an exception, or Ctrl-C, while it runs) ends the workers.
    """
    pool = _Pool(n_process, model, stance)
    try:
        yield from pool.map(batches)
    finally:
        pool.close()


class _Pool:
    """Worker processes, each with its own duplex pipe; see the module docstring."""

    def __init__(self, n_process: int, model: str | None, stance: str) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded pipeline with the workers at no cost; spawn loads it again
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.context = context
        self.args = (os.getpid(), model, stance)
        self.procs: dict[Connection, BaseProcess] = {}
        self._retired: list[BaseProcess] = []
        for _ in range(n_process):
            self._start()

    def _start(self) -> Connection:
        ours, theirs = self.context.Pipe(duplex=True)
        proc = self.context.Process(target=_work, args=(theirs, *self.args), daemon=True)
        proc.start()
        theirs.close()  # the worker's end lives in the worker only: its death is EOF here
        self.procs[ours] = proc
        return ours

    def map(self, batches: Iterable[list[tuple[str, Any]]]) -> Iterator[Parsed]:
        pending = iter(enumerate(batches))
        done: dict[int, Parsed] = {}
        busy: dict[Connection, tuple[int, list[tuple[str, Any]]]] = {}  # batch index, batch
        idle = list(self.procs)
        next_out = 0
        exhausted = False
        # Results that arrive early wait in ``done``; bound them, so that one slow batch
        # cannot make memory grow with the whole corpus.
        window = 4 * len(self.procs)
        while True:
            while idle and not exhausted and len(done) + len(busy) < window:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                index, batch = item
                texts = [text for text, _ in batch]
                conn = idle.pop()
                try:
                    conn.send(texts)
                except OSError:  # it died while idle: a new one takes the batch
                    self._retire(conn)
                    conn = self._start()
                    conn.send(texts)
                busy[conn] = index, batch
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if not busy:
                if exhausted:
                    return
                continue
            for ready in wait(list(busy)):
                conn = cast(Connection, ready)
                index, batch = busy.pop(conn)
                try:
                    done[index] = conn.recv(), batch
                except EOFError:  # killed (out of memory?) while parsing: its batch fails alone
                    problem = "ended the worker process parsing it (out of memory, or killed)"
                    done[index] = [([], problem)] * len(batch), batch
                    self._retire(conn)
                    conn = self._start()
                idle.append(conn)

    def close(self) -> None:
        """End the workers now, whatever they are doing, and wait until they are gone."""
        for conn in list(self.procs):
            self._retire(conn, join=False)
        deadline = time.monotonic() + 5
        for proc in self._retired:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        self._retired.clear()

    def _retire(self, conn: Connection, join: bool = True) -> None:
        """Close a worker's pipe and end it; ``join``: wait until it is gone."""
        conn.close()
        proc = self.procs.pop(conn)
        if proc.is_alive():
            proc.terminate()
        if join:
            proc.join()
        else:
            self._retired.append(proc)


def _work(conn: Connection, parent: int, model: str | None, stance: str) -> None:
    """A worker: parse each batch it is sent, send back its results, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, forked with us
    _die_with(parent)
    from . import api

    nlp = api.load(model, stance=stance)
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(parse_batch(nlp, texts))


def _die_with(parent: int) -> None:
    """Make sure this process ends when ``parent`` does, even if it is SIGKILLed."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before prctl took effect
                    os._exit(1)
                return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
