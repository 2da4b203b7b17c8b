"""Parsing in worker processes, for ``extract_many(n_process=N)``.

spaCy's own ``nlp.pipe(n_process=N)`` is not used: its feeder thread blocks the interpreter's
exit when the reader stops early (``| head``, Ctrl-C, ``gen.close()``), its workers outlive a
killed parent, and it ships every parsed ``Doc`` back to be deserialized. Here each worker
has one pipe of its own to the main process and returns only claim records:

- each worker holds up to ``DEPTH`` batches: it parses one while the next waits in its
  inbox, so it never idles while the main process reads input or writes output. A thread in
  the worker drains its end of the pipe into that inbox at once, so the main process's
  sends never block on a worker that is itself blocked sending results (no deadlock, no
  feeder thread in the main process, which forks);
- a dead worker shows as end-of-file on its pipe, and a dead main process as SIGKILL to its
  workers (Linux ``PR_SET_PDEATHSIG``; elsewhere a watchdog thread checks the parent);
- workers ignore SIGINT: Ctrl-C reaches the main process, which ends them.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any, cast

from .types import Record

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from spacy.language import Language

#: What parsing one text gives: its claim records, or why claimx failed on it.
Result = tuple[list[Record], str | None]
#: A batch of (text, context) pairs and the result of each text, in order.
Parsed = tuple[list[Result], list[tuple[str, Any]]]
Batch = list[tuple[str, Any]]
#: Batches a worker holds at once: the one it parses and the next, so that it never waits
#: for the main process between two.
DEPTH = 2


def parse_batch(nlp: Language, texts: list[str]) -> list[Result]:
    """Claim records for each text; a text that breaks the pipeline fails alone.

    The error handler of :func:`claimx.load`'s claimx component notes its own errors on
    the doc; like any spaCy component's, ``nlp.pipe`` then leaves that doc out, so the
    results are read from the docs made here, which the pipeline annotates in place. This
    catches the rest (the tokenizer or parser raising on one odd text), so that one text
    never costs the others in its batch.
    """
    try:
        # the strings of a batch's words are freed with it: a vocabulary that kept every
        # word ever seen grew without end over a corpus (spaCy's memory zones)
        with nlp.memory_zone():
            docs = [nlp.make_doc(text) for text in texts]
            for _ in nlp.pipe(docs):
                pass
            return [(doc._.claimx_records or [], doc._.claimx_error) for doc in docs]
    except Exception as exc:
        if len(texts) == 1:
            return [([], f"{type(exc).__name__}: {exc}")]
        return [result for text in texts for result in parse_batch(nlp, [text])]


def run_parallel(
    batches: Iterable[Batch], n_process: int, load: Callable[[], Language]
) -> Generator[Parsed, None, None]:
    """Each batch of (text, context) pairs with its results, in input order, parsed by
    ``n_process`` workers, each with the pipeline ``load`` gives (a picklable callable: a
    module-level function or a partial of one); only the texts travel to them.

    Closing the iterator (or an exception, or Ctrl-C, while it runs) ends the workers.
    """
    pool = _Pool(n_process, load)
    try:
        yield from pool.map(batches)
    finally:
        pool.close()


class _Pool:
    """Worker processes, each with its own duplex pipe; see the module docstring."""

    def __init__(self, n_process: int, load: Callable[[], Language]) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded pipeline with the workers at no cost; spawn loads it again
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.context = context
        self.args = (os.getpid(), load)
        self.procs: dict[Connection, BaseProcess] = {}
        self._retired: list[BaseProcess] = []
        for _ in range(n_process):
            self._start()

    def _start(self) -> Connection:
        ours, theirs = self.context.Pipe(duplex=True)
        proc = self.context.Process(target=_work, args=(theirs, *self.args), daemon=True)
        # The loaded pipeline is long-lived: frozen, the worker's garbage collector never
        # walks it, so its pages stay shared with this process instead of being copied.
        gc.freeze()
        try:
            proc.start()
        finally:
            gc.unfreeze()
        theirs.close()  # the worker's end lives in the worker only: its death is EOF here
        self.procs[ours] = proc
        return ours

    def map(self, batches: Iterable[Batch]) -> Iterator[Parsed]:
        pending = iter(enumerate(batches))
        done: dict[int, Parsed] = {}
        sent: dict[Connection, deque[tuple[int, Batch]]] = {c: deque() for c in self.procs}
        next_out = 0
        exhausted = False
        # Results that arrive early wait in ``done``; bound them, so that one slow batch
        # cannot make memory grow with the whole corpus.
        window = 2 * DEPTH * len(self.procs)
        while True:
            while not exhausted and len(done) + sum(map(len, sent.values())) < window:
                conn = min(sent, key=lambda c: len(sent[c]))  # the least busy worker
                if len(sent[conn]) >= DEPTH:
                    break
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                self._send(conn, item, sent, done)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if not any(sent.values()):
                if exhausted:
                    return
                continue
            for ready in wait([c for c, queued in sent.items() if queued]):
                conn = cast(Connection, ready)
                try:
                    results = conn.recv()
                # killed (out of memory?) while parsing; with a batch it had not read yet
                # still in the pipe, that reads as a reset connection rather than its end
                except (EOFError, ConnectionResetError):
                    self._replace(conn, sent, done)
                    continue
                index, batch = sent[conn].popleft()
                done[index] = results, batch

    def _send(
        self,
        conn: Connection,
        item: tuple[int, Batch],
        sent: dict[Connection, deque[tuple[int, Batch]]],
        done: dict[int, Parsed],
    ) -> None:
        """Give a worker a batch; one found dead is replaced, and the new one takes it."""
        texts = [text for text, _ in item[1]]
        try:
            conn.send(texts)
        except OSError:
            conn = self._replace(conn, sent, done)
            conn.send(texts)
        sent[conn].append(item)

    def _replace(
        self,
        conn: Connection,
        sent: dict[Connection, deque[tuple[int, Batch]]],
        done: dict[int, Parsed],
    ) -> Connection:
        """A worker died: the batch it was parsing fails alone, a new worker takes the
        ones still waiting in its inbox; returns the new worker's pipe."""
        queued = sent.pop(conn)
        self._retire(conn)
        new = self._start()
        sent[new] = deque()
        if queued:
            index, batch = queued.popleft()
            problem = "ended the worker process parsing it (out of memory, or killed)"
            done[index] = [([], problem)] * len(batch), batch
        for item in queued:
            self._send(new, item, sent, done)
        return new

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


def _work(conn: Connection, parent: int, load: Callable[[], Language]) -> None:
    """A worker: parse each batch it is sent, send back its results, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, forked with us
    _die_with(parent)
    nlp = load()
    inbox: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, inbox), daemon=True).start()
    while True:
        texts = inbox.get()
        if texts is None:
            return
        try:
            conn.send(parse_batch(nlp, texts))
        except OSError:  # the main process closed the pipe
            return


def _receive(conn: Connection, inbox: queue.SimpleQueue[list[str] | None]) -> None:
    """Move each batch from the pipe to ``inbox`` as soon as it arrives; None at the end."""
    while True:
        try:
            inbox.put(conn.recv())
        except (EOFError, OSError):
            inbox.put(None)
            return


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
