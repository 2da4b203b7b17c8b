"""Partitions: a corpus cut into parts of a few hundred articles, each with a file of its own.

A partition is a run of one-article files of one folder, or a range of the records of one
JSON Lines, CSV or WARC file, with a :class:`~claimx.readers.Bookmark` of where the range
starts so that it is read without what comes before. This module owns cutting a corpus into
partitions (:func:`plan`), reading a partition's articles back (:func:`read_partition`), and
the names of their output files, by which a re-run finds the partitions done, those of another
plan (:func:`stale`) and the temporary files of a task that died (:func:`leftovers`). It needs
no Dask; :mod:`claimx.cluster` runs the partitions on a Dask cluster.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from .corpora import STREAMS, Bookmark, ReadOptions, read_articles
from .errors import InputError
from .inputs import Input
from .types import Article

#: Articles in a partition, by default: a file of records is cut into ranges this long, and
#: one-article files in one folder are taken this many at a time.
PARTITION_SIZE = 500
SUFFIX = ".jsonl.gz"
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


def read_partition(part: Partition, options: ReadOptions, problems: list[str]) -> Iterator[Article]:
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


def _ignore(exc: InputError, skipped: bool) -> None:
    pass
