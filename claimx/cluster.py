"""Claims on a Dask cluster: the same extraction as a local run, over partitions of a corpus.

A corpus is cut into partitions (runs of one-article files, record ranges of JSON Lines, CSV
and WARC files); each partition is a Dask task that loads the pipeline once per worker
process (``claimx.load`` is cached) and writes its claims to one gzipped JSON Lines file,
atomically, so that a file that is there is a partition done, and a re-run skips it (and
removes the temporary files that a task killed mid-partition left). Dask retries a task
whose worker died; an article claimx fails on is reported and skipped.

This module owns running partitions on a cluster (:func:`extract_partitions`, each task a
:func:`run_partition`), starting and closing one (:func:`connect`, :func:`close`), and
:func:`extract_bag` for a pipeline already on Dask. Cutting a corpus into partitions and
naming their files is :mod:`claimx.partitions`' work, which needs no Dask (its names are
importable from here too).

Needs claimx's ``dask`` extra (dask and distributed; claimx is not on PyPI): in a checkout,
``pip install -e '.[dask]'`` (``make dev`` installs it too); from a wheel,
``pip install 'claimx-VERSION-py3-none-any.whl[dask]'``. Import this module only then.
"""

from __future__ import annotations

import asyncio
import gzip
import inspect
import io
import logging
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import api
from .corpora import ReadOptions
from .errors import ClaimxError, ExtractionError
from .partitions import (
    PARTITION_SIZE,
    SUFFIX,
    Partition,
    leftovers,
    output_file,
    plan,
    read_partition,
    stale,
)
from .run import PipelineSpec, records
from .types import DEFAULT_STANCE, Article, StanceMode
from .writers import make_writer, replacing

if TYPE_CHECKING:
    from dask.bag import Bag
    from distributed import Client, LocalCluster

__all__ = [
    "PARTITION_SIZE",
    "RETRIES",
    "SUFFIX",
    "WORKER_CONFIG",
    "Done",
    "Partition",
    "close",
    "connect",
    "dask_setup",
    "extract_bag",
    "extract_partitions",
    "leftovers",
    "output_file",
    "plan",
    "read_partition",
    "run_partition",
    "stale",
]

#: Dask retries a partition whose task failed (its worker died, say) this many times.
RETRIES = 2
#: Dask settings for the workers of a ``local:N`` cluster (see the README for a real one).
#: A Dask nanny starts its worker with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's
#: mmap threshold at 128 KiB: each of spaCy's larger arrays is then mapped and unmapped
#: afresh, and the same partitions took 16% more CPU in a worker than in one process
#: (79.3 s against 68.5 s for 400 articles). Unset, a worker's tasks cost what they do
#: anywhere; memory stays flat by spaCy's memory zones, not by trimming.
WORKER_CONFIG: dict[str, Any] = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
log = logging.getLogger("claimx.cluster")


@dataclass
class Done:
    """What one partition gave: its counts, and the problems met (one line each)."""

    name: str
    articles: int = 0
    claims: int = 0
    skipped: bool = False  # its output was there already
    problems: list[str] = field(default_factory=list)  # "error: …" or "warning: …"


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        with suppress(FileNotFoundError):  # gone already: a task renamed or removed it
            path.unlink()


def run_partition(
    part: Partition,
    output_dir: str,
    options: ReadOptions | None = None,
    spec: PipelineSpec | None = None,
    force: bool = False,
) -> Done:
    """Extract one partition's claims into its file with the pipeline ``spec`` (default:
    the default pipeline), as a Dask task; see the module."""
    target = output_file(Path(output_dir), part)
    done = Done(str(part.name))
    if not force and target.exists():
        done.skipped = True
        return done
    options = options or ReadOptions()
    spec = spec or PipelineSpec()

    def broke(article: Article, problem: str) -> None:
        done.problems.append(f"error: {article.label} {problem}")

    def written() -> Iterator[dict[str, Any]]:
        pairs = ((a.text, a) for a in read_partition(part, options, done.problems))
        for claims, article in spec.extract_many(pairs, jobs=1, on_error=broke):
            done.articles += 1
            done.claims += len(claims)
            yield from records(article, claims)

    _write_atomically(target, written())
    return done


def _write_atomically(target: Path, records: Iterator[dict[str, Any]]) -> None:
    """Gzipped JSON Lines into ``target``, through a temporary file renamed at the end."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        replacing(target, binary=True) as raw,
        # no name nor time in the header: the same claims give the same bytes on every run
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as zipped,
        io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as text,
        make_writer("jsonl", text) as writer,
    ):
        for record in records:
            writer.write(record)


def connect(scheduler: str) -> Client:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``), or of a new local
    cluster of N one-thread worker processes for ``local:N`` (which leave Ctrl-C to this
    process: see :func:`dask_setup`)."""
    from distributed import Client

    if scheduler.startswith("local:"):
        try:
            workers = int(scheduler.removeprefix("local:"))
        except ValueError:
            workers = 0
        if workers < 1:
            raise ClaimxError(f"--scheduler {scheduler}: give local:N with N at least 1")
        return _local_client(workers)
    return Client(scheduler)


def _local_client(workers: int) -> Client:
    """A client of a new local cluster of ``workers`` processes, started with Ctrl-C held
    back: the threads that start the cluster, and the worker processes they spawn, inherit
    SIGINT blocked (a signal mask goes to new threads and through exec), so Ctrl-C is this
    process's alone and no worker prints a ``KeyboardInterrupt`` traceback, even one that
    is still importing. One pressed meanwhile ends the run once the cluster is up."""
    import dask
    from distributed import Client, LocalCluster

    cluster: LocalCluster | None = None
    held = _hold_sigint()
    try:
        with dask.config.set(WORKER_CONFIG):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                preload=[__name__],  # dask_setup
            )
        _release_sigint(held)  # a Ctrl-C pressed meanwhile is raised here
        client = Client(cluster)
    except BaseException:
        _release_sigint(held)
        if cluster is not None:  # Ctrl-C while it started: close it at once
            _kill_workers(cluster)
            with _quiet(), suppress(Exception):
                cluster.close()
        raise
    client.cluster_owned = cluster  # type: ignore[attr-defined]
    return client


def _hold_sigint() -> set[int | signal.Signals] | None:
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        return None
    # multiprocessing's resource tracker, started by the first worker, unblocks SIGINT in
    # the thread that starts it, and so in every thread and process that one starts: start
    # it now, before the mask is set.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _release_sigint(held: set[int | signal.Signals] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def dask_setup(worker: Any) -> None:
    """Run in each worker process of a ``local:N`` cluster as it starts (a Dask preload):
    Ctrl-C, which the terminal sends to every process of the run, is left to the client,
    which stops the run and closes the cluster; a worker killed by it mid-task instead
    printed its traceback and left its partition's temporary file."""
    with suppress(ValueError):  # only the main thread sets handlers; Dask's worker runs there
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def close(client: Client) -> None:
    """Close a client from :func:`connect`, and the local cluster it started. Closed on an
    interrupt (while a ``KeyboardInterrupt`` propagates: Ctrl-C, or SIGTERM as
    :class:`claimx.run.Terminated`), the cluster's workers are killed first and Dask says
    nothing of it: see :func:`_stop_workers`."""
    cluster = getattr(client, "cluster_owned", None)
    if isinstance(sys.exc_info()[1], KeyboardInterrupt):
        _stop_workers(client)
    with _quiet() if getattr(client, "claimx_stopped", False) else nullcontext():
        client.close()
        if cluster is not None:
            cluster.close()


def _stop_workers(client: Client) -> None:
    """After Ctrl-C (or SIGTERM): kill the worker processes of the local cluster now, without
    a word. Closed as usual, each would be given 4 s to finish its partition (which no one
    would keep) and then killed, with warnings for that and for each task cancelled."""
    cluster = getattr(client, "cluster_owned", None)
    if cluster is not None and not getattr(client, "claimx_stopped", False):
        client.claimx_stopped = True  # type: ignore[attr-defined]
        _kill_workers(cluster)


def _kill_workers(cluster: LocalCluster) -> None:
    async def kill() -> None:
        nannies = list(cluster.workers.values())
        for nanny in nannies:
            with suppress(Exception):
                graceful = nanny.close_gracefully()  # so it does not restart its worker
                if inspect.isawaitable(graceful):  # a coroutine in older versions
                    await graceful
                await nanny.process.process.kill()  # the worker's process: SIGKILL
        await asyncio.gather(*(nanny.close(timeout=1) for nanny in nannies), return_exceptions=True)

    with _quiet(), suppress(Exception):
        cluster.sync(kill)


@contextmanager
def _quiet() -> Iterator[None]:
    """Dask's loggers silenced: what they say of a cluster closing on an interrupt (workers
    killed, tasks cancelled, connections lost) is no news to the one who pressed Ctrl-C."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    loggers += [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith("distributed.")
    ]
    was = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, was, strict=True):
            logger.disabled = disabled


def extract_partitions(
    client: Client,
    parts: Sequence[Partition],
    output_dir: Path,
    *,
    options: ReadOptions | None = None,
    spec: PipelineSpec | None = None,
    force: bool = False,
) -> Iterator[Done]:
    """Run the partitions on the cluster with the pipeline ``spec``, handed to each task as
    is; yield each one's :class:`Done` as it finishes (those whose file is there already
    first, without a task).

    The temporary files that tasks of an earlier run left (see :func:`leftovers`) are
    removed first, and those of this run's tasks when it ends, however it ends.
    """
    from distributed import as_completed

    _remove(leftovers(output_dir, parts))
    todo = []
    for part in parts:
        if not force and output_file(output_dir, part).exists():
            yield Done(str(part.name), skipped=True)
        else:
            todo.append(part)
    if not todo:
        return
    futures = client.map(
        run_partition,
        todo,
        output_dir=str(output_dir.absolute()),
        options=options,
        spec=spec,
        force=force,
        retries=RETRIES,
        pure=False,
    )
    parts_by_key = {future.key: part for future, part in zip(futures, todo, strict=True)}
    try:
        for future in as_completed(futures):
            if future.status == "error":
                part = parts_by_key[future.key]
                exc = future.exception()
                problem = (
                    f"error: partition {part.name} failed {RETRIES + 1} times, its articles "
                    f"are not done ({type(exc).__name__}: {exc}); re-run to retry it"
                )
                yield Done(str(part.name), problems=[problem])
            else:
                yield future.result()
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (claimx.run.Terminated)
        _stop_workers(client)
        raise
    finally:
        client.cancel(futures)
        # A cancelled task that still runs then fails to rename its file: it is redone, as
        # the rest of this run's. What this misses (a remote worker's task that starts or
        # writes after this sweep), the next run removes.
        with suppress(OSError):
            _remove(leftovers(output_dir, todo))


def extract_bag(
    bag: Bag,
    *,
    model: str | None = None,
    stance: StanceMode = DEFAULT_STANCE,
    text_field: str = "text",
    id_field: str = "id",
    errors: str = "warn",
) -> Bag:
    """A bag of claim dicts (``Claim.to_dict``) from a bag of texts or records.

    A record is a mapping: its ``text_field`` is the text, its ``id_field`` the id, and its
    other scalar fields come with each of its claims under ``article``, as in a local run.
    errors: what to do with a text claimx cannot handle: ``warn`` (log it on the
        ``claimx.cluster`` logger and skip it) or ``raise``.
    """
    if errors not in ("warn", "raise"):
        raise ValueError(f"errors must be 'warn' or 'raise', not {errors!r}")
    return bag.map_partitions(
        _bag_partition,
        model=model,
        stance=stance,
        text_field=text_field,
        id_field=id_field,
        errors=errors,
    )


def _bag_partition(
    items: Sequence[str | Mapping[str, Any]],
    model: str | None,
    stance: StanceMode,
    text_field: str,
    id_field: str,
    errors: str,
) -> list[dict[str, Any]]:
    pairs = (_as_pair(item, i, text_field, id_field) for i, item in enumerate(items))

    def report(context: tuple[int, Article | None], problem: str) -> None:
        index, article = context
        name = f"text {index} of its partition" if article is None else f"record {article.id!r}"
        if errors == "raise":
            raise ExtractionError(f"{name} {problem}")
        log.warning("claimx: %s %s; skipped", name, problem)

    out: list[dict[str, Any]] = []
    for claims, (_, article) in api.extract_many(
        pairs, as_tuples=True, model=model, stance=stance, on_error=report
    ):
        out.extend(claim.to_dict(article) for claim in claims)
    return out


def _as_pair(
    item: str | Mapping[str, Any], index: int, text_field: str, id_field: str
) -> tuple[Any, tuple[int, Article | None]]:
    """(text, (index, article)) for a text or a record; a text has no article."""
    if isinstance(item, Mapping):
        ident = str(item.get(id_field, index))
        metadata = {
            k: v
            for k, v in item.items()
            if k not in (text_field, id_field) and (v is None or isinstance(v, str | int | float))
        }
        text = item.get(text_field)
        return text, (index, Article("", ident, text if isinstance(text, str) else "", metadata))
    return item, (index, None)
