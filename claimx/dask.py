"""Claims on a Dask cluster: the same extraction as a local run, over partitions of a corpus.

A corpus is cut into partitions (runs of one-article files, record ranges of JSON Lines, CSV
and WARC files); each partition is a Dask task that loads the pipeline once per worker
process (``claimx.load`` is cached) and writes its claims to one gzipped JSON Lines file,
atomically, so that a file that is there is a partition done, and a re-run skips it (and
removes the temporary files that a task killed mid-partition left). Dask retries a task
whose worker died; an article claimx fails on is reported and skipped.

Needs claimx's ``dask`` extra (dask and distributed; claimx is not on PyPI): in a checkout,
``pip install -e '.[dask]'`` (``make dev`` installs it too); from a wheel,
``pip install 'claimx-VERSION-py3-none-any.whl[dask]'``. Import this module only then.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from . import api
from .corpora import STREAMS, Bookmark, ReadOptions, read_articles
from .errors import ClaimxError, ExtractionError, InputError
from .inputs import Input
from .types import DEFAULT_STANCE, Article
from .writers import make_writer, replacing

if TYPE_CHECKING:
    from dask.bag import Bag
    from distributed import Client

#: Articles in a partition, by default: a file of records is cut into ranges this long, and
#: one-article files in one folder are taken this many at a time.
PARTITION_SIZE = 500
#: Dask retries a partition whose task failed (its worker died, say) this many times.
RETRIES = 2
SUFFIX = ".jsonl.gz"
#: Dask settings for the workers of a ``local:N`` cluster (see the README for a real one).
#: A Dask nanny starts its worker with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's
#: mmap threshold at 128 KiB: each of spaCy's larger arrays is then mapped and unmapped
#: afresh, and the same partitions took 16% more CPU in a worker than in one process
#: (79.3 s against 68.5 s for 400 articles). Unset, a worker's tasks cost what they do
#: anywhere; memory stays flat by spaCy's memory zones, not by trimming.
WORKER_CONFIG: dict[str, Any] = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
log = logging.getLogger("claimx.dask")
_RANGE = re.compile(r"\d{6,}-\d{6,}")  # a record file's partition: 000500-000999
_RUN = re.compile(r"\+\d+$")  # a run of one-article files: a.txt+499
_TMP = re.compile(r"\.(.+)\.[0-9a-f]{12}\.tmp")  # writers.replacing's file for .../name


@dataclass(frozen=True)
class Partition:
    """Some articles of a corpus and where their claims go.

    items: the inputs it reads: one file of records, or one-article files of one folder.
    start, stop: for a file of records, the range of its articles (``stop`` None: to the
        end); for one-article files, 0 and None.
    name: its output file, relative to the output folder: ``feed.jsonl/000000-000499``
        (records 0 to 499), ``news/a.txt+99`` (a.txt and the 99 files after it), plus
        ``.jsonl.gz``.
    bookmark: where article ``start`` of the file of records starts (None: read from the
        file's start), so that each partition reads its own part of the file and not all
        that comes before it.
    """

    items: tuple[Input, ...]
    name: PurePath
    start: int = 0
    stop: int | None = None
    bookmark: Bookmark | None = None


@dataclass
class Done:
    """What one partition gave: its counts, and the problems met (one line each)."""

    name: str
    articles: int = 0
    claims: int = 0
    skipped: bool = False  # its output was there already
    problems: list[str] = field(default_factory=list)  # "error: …" or "warning: …"


def plan(
    items: Sequence[Input],
    kinds: Sequence[str | None],
    options: ReadOptions | None = None,
    size: int = PARTITION_SIZE,
) -> list[Partition]:
    """The partitions of ``items``: a file of records is read once here, to count its
    articles and mark where each partition starts."""
    options = options or ReadOptions()
    parts: list[Partition] = []
    group: list[Input] = []

    def close_group() -> None:
        if group:
            first = group[0].relpath
            more = f"+{len(group) - 1}" if len(group) > 1 else ""
            parts.append(Partition(tuple(group), first.with_name(first.name + more)))
            group.clear()

    for item, kind in zip(items, kinds, strict=True):
        if item.path is None:
            raise InputError("stdin", "cannot be read by a cluster", "give files")
        # a worker elsewhere runs in a folder of its own: it reads by the absolute path,
        # while the source, which the claims carry, stays as given
        item = replace(item, path=item.path.absolute())
        if kind in STREAMS:
            close_group()
            total, marks = bookmarks(item, options, size)
            for start in range(0, max(total, 1), size):
                stop = min(start + size, total)
                name = item.relpath / f"{start:06d}-{max(stop - 1, start):06d}"
                last = stop >= total
                bookmark = marks[start // size] if start else None
                parts.append(Partition((item,), name, start, None if last else stop, bookmark))
            continue
        if group and (len(group) >= size or group[0].relpath.parent != item.relpath.parent):
            close_group()
        group.append(item)
    close_group()
    return parts


def bookmarks(item: Input, options: ReadOptions, every: int) -> tuple[int, list[Bookmark | None]]:
    """How many articles a file holds, and where the records of its articles 0, ``every``,
    2·``every`` … start. Records that cannot be read are not counted as articles."""
    marks: list[Bookmark | None] = []
    count = 0

    def place(bookmark: Bookmark | None) -> None:
        if count % every == 0:
            marks.append(bookmark)

    def counted(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        nonlocal count
        count += 1
        return True  # counted, not read further

    for _ in read_articles(item, options, on_problem=_ignore, skip=counted, on_place=place):
        pass
    return count, marks


def output_file(output_dir: Path, part: Partition) -> Path:
    """Where a partition's claims go."""
    return output_dir / part.name.with_name(part.name.name + SUFFIX)


def stale(output_dir: Path, parts: Sequence[Partition]) -> list[Path]:
    """Partition files under ``output_dir`` that this plan would not write, in the folders it
    writes to: left by a run with another ``--partition-size``, or before files were added
    to a folder (which moves the runs of one-article files). Resuming beside them would
    give some articles' claims twice.

    A file counts as a partition's if its name is one: ``000500-000999.jsonl.gz`` in a
    record file's folder, ``a.txt+499.jsonl.gz`` (or ``a.txt.jsonl.gz``) beside the
    partitions of a folder that holds ``a.txt``.
    """
    wanted = {output_file(output_dir, part) for part in parts}
    folders, ours = _partition_names(output_dir, parts)
    found = (
        path
        for folder in folders
        if folder.is_dir()
        for path in folder.iterdir()
        if path.name.endswith(SUFFIX) and path not in wanted and path.is_file()
    )
    return sorted(path for path in found if ours(path))


def leftovers(output_dir: Path, parts: Sequence[Partition]) -> list[Path]:
    """The temporary files of partition files (``.000000-000499.jsonl.gz.<12 hex>.tmp``, see
    :func:`~claimx.writers.replacing`) in the folders the plan writes to, as :func:`stale`
    tells a partition's name. A task leaves one when its worker dies mid-partition (Ctrl-C,
    say); nothing renames it later, and no re-run reuses it."""
    folders, ours = _partition_names(output_dir, parts)
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = _TMP.fullmatch(path.name)
            if match and match[1].endswith(SUFFIX) and ours(path.with_name(match[1])):
                found.append(path)
    return sorted(found)


def _partition_names(
    output_dir: Path, parts: Sequence[Partition]
) -> tuple[set[Path], Callable[[Path], bool]]:
    """The folders ``parts`` write to, and what tells whether a file's name there is that of
    a partition's file (see :func:`stale`)."""
    ranges: set[Path] = set()  # folders of record files' partitions
    names: dict[Path, set[str]] = {}  # folders of one-article files' runs: their inputs
    for part in parts:
        folder = output_file(output_dir, part).parent
        if part.name.parent == part.items[0].relpath:
            ranges.add(folder)
        else:
            names.setdefault(folder, set()).update(item.relpath.name for item in part.items)

    def ours(path: Path) -> bool:
        stem = path.name.removesuffix(SUFFIX)
        if path.parent in ranges and _RANGE.fullmatch(stem):
            return True
        return _RUN.sub("", stem) in names.get(path.parent, ())

    return ranges | names.keys(), ours


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        with suppress(FileNotFoundError):  # gone already: a task renamed or removed it
            path.unlink()


def run_partition(
    part: Partition,
    output_dir: str,
    options: ReadOptions | None = None,
    model: str | None = None,
    stance: str = DEFAULT_STANCE,
    force: bool = False,
) -> Done:
    """Extract one partition's claims into its file (a Dask task; see the module)."""
    target = output_file(Path(output_dir), part)
    done = Done(str(part.name))
    if not force and target.exists():
        done.skipped = True
        return done
    options = options or ReadOptions()

    def broke(article: Article, problem: str) -> None:
        done.problems.append(f"error: {article.label} {problem}")

    def records() -> Iterator[dict[str, Any]]:
        pairs = ((a.text, a) for a in _articles(part, options, done.problems))
        for claims, article in api.extract_many(
            pairs, as_tuples=True, model=model, stance=stance, on_error=broke
        ):
            done.articles += 1
            for claim in claims:
                done.claims += 1
                yield replace(claim, source=article.source).to_dict(article)

    _write_atomically(target, records())
    return done


def _articles(part: Partition, options: ReadOptions, problems: list[str]) -> Iterator[Article]:
    """The partition's articles, and the problems reading them (into ``problems``)."""
    for item in part.items:
        yield from _in_range(item, part, options, problems)


class _PastRange(Exception):
    """The first article after a partition's range is met: it has all of its own."""


def _in_range(
    item: Input, part: Partition, options: ReadOptions, problems: list[str]
) -> Iterator[Article]:
    """Articles ``part.start`` to ``part.stop`` of an input (all from ``start`` if ``stop``
    is None), read from the partition's bookmark on."""
    start, stop = part.start, part.stop
    seen = start if part.bookmark is not None else 0  # articles met so far, read or not

    def mine(source: str, ident: str, relpath: PurePath, label: str) -> bool:
        nonlocal seen
        seen += 1
        if stop is not None and seen > stop:
            raise _PastRange
        return seen <= start

    def problem(exc: InputError, skipped: bool) -> None:
        # an article's problems, and those of the records that cannot be read after it, are
        # its partition's; those before the file's first article are the first partition's
        if (start < seen or seen == start == 0) and (stop is None or seen <= stop):
            problems.append(f"{'warning' if skipped else 'error'}: {exc}")

    articles = read_articles(item, options, on_problem=problem, skip=mine, start=part.bookmark)
    with suppress(_PastRange):
        yield from articles


def _write_atomically(target: Path, records: Iterator[dict[str, Any]]) -> None:
    """Gzipped JSON Lines into ``target``, through a temporary file renamed at the end."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        replacing(target, binary=True) as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped,
        io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as text,
        make_writer("jsonl", text) as writer,
    ):
        for record in records:
            writer.write(record)


def connect(scheduler: str) -> Client:
    """A client of the scheduler at ``scheduler`` (``tcp://host:8786``), or of a new local
    cluster of N one-thread worker processes for ``local:N`` (which leave Ctrl-C to this
    process: see :func:`dask_setup`)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler.startswith("local:"):
        try:
            workers = int(scheduler.removeprefix("local:"))
        except ValueError:
            workers = 0
        if workers < 1:
            raise ClaimxError(f"--scheduler {scheduler}: give local:N with N at least 1")
        with dask.config.set(WORKER_CONFIG):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                preload=[__name__],  # dask_setup
            )
        client = Client(cluster)
        client.cluster_owned = cluster  # type: ignore[attr-defined]
        return client
    return Client(scheduler)


def dask_setup(worker: Any) -> None:
    """Run in each worker process of a ``local:N`` cluster as it starts (a Dask preload):
    Ctrl-C, which the terminal sends to every process of the run, is left to the client,
    which stops the run and closes the cluster; a worker killed by it mid-task instead
    printed its traceback and left its partition's temporary file."""
    with suppress(ValueError):  # only the main thread sets handlers; Dask's worker runs there
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def close(client: Client) -> None:
    """Close a client from :func:`connect`, and the local cluster it started."""
    cluster = getattr(client, "cluster_owned", None)
    client.close()
    if cluster is not None:
        cluster.close()


def extract_partitions(
    client: Client,
    parts: Sequence[Partition],
    output_dir: Path,
    *,
    options: ReadOptions | None = None,
    model: str | None = None,
    stance: str = DEFAULT_STANCE,
    force: bool = False,
) -> Iterator[Done]:
    """Run the partitions on the cluster; yield each one's :class:`Done` as it finishes
    (those whose file is there already first, without a task).

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
        model=model,
        stance=stance,
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
    finally:
        client.cancel(futures)
        # A cancelled task that still runs then fails to rename its file: it is redone, as
        # the rest of this run's. What this misses, the next run removes.
        with suppress(OSError):
            _remove(leftovers(output_dir, todo))


def extract_bag(
    bag: Bag,
    *,
    model: str | None = None,
    stance: str = DEFAULT_STANCE,
    text_field: str = "text",
    id_field: str = "id",
    errors: str = "warn",
) -> Bag:
    """A bag of claim dicts (``Claim.to_dict``) from a bag of texts or records.

    A record is a mapping: its ``text_field`` is the text, its ``id_field`` the id, and its
    other scalar fields come with each of its claims under ``article``, as in a local run.
    errors: what to do with a text claimx cannot handle: ``warn`` (log it on the
        ``claimx.dask`` logger and skip it) or ``raise``.
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
    stance: str,
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


def _ignore(exc: InputError, skipped: bool) -> None:
    pass


def summarize(done: Sequence[Done]) -> tuple[int, int, int]:
    """Articles, claims and partitions skipped, over ``done``."""
    return (
        sum(d.articles for d in done),
        sum(d.claims for d in done),
        sum(d.skipped for d in done),
    )
