"""``extract --scheduler`` and ``claimx.cluster``: a local Dask cluster of two worker processes
gives the claims a local run gives, reports what fails, and resumes."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import claimx
from claimx import cluster as on_dask
from claimx.cli import cli
from claimx.corpora import ReadOptions, detect_format, iter_articles
from claimx.inputs import Input, expand

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.model  # the workers parse with the real pipeline

SEED = Path(__file__).parent.parent / "seeds" / "000_680bcb4019dc53cb.txt"
SHORT = [
    "Officer Ames said the road was closed.",
    'Mayor Jane Smith said on Monday that the bridge would reopen in May. "We are on time," '
    "she said.",
    "The Kremlin welcomes European dialogue, while London refuses to engage with Putin.",
]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    dask_client = on_dask.connect("local:2")  # as --scheduler local:2 starts it
    yield dask_client
    on_dask.close(dask_client)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three text files and a JSON Lines file of seven records, one of them not text."""
    root = tmp_path / "corpus"
    (root / "news").mkdir(parents=True)
    (root / "news" / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for i, text in enumerate(SHORT[:2]):
        (root / "news" / f"b{i}.txt").write_text(text, encoding="utf-8")
    records = [{"id": f"r{i}", "text": SHORT[i % 3], "desk": "wire"} for i in range(7)]
    records[4]["text"] = "Officer Ames said the road \ud800 was closed."  # a lone surrogate
    lines = "".join(json.dumps(r) + "\n" for r in records)
    with gzip.open(root / "feed.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(lines)
    return root


def inputs(corpus: Path) -> tuple[list[Input], list[str | None]]:
    items = expand(str(corpus), ("*.txt", "*.jsonl.gz"))
    return items, [detect_format(item) for item in items]


def local_records(items: list[Input]) -> list[dict[str, Any]]:
    """What a local run gives, in input order (the failing record skipped)."""
    pairs = iter_articles(items, ReadOptions())
    return [
        replace(claim, source=article.source).to_dict(article)
        for claims, article in claimx.extract_many(pairs, as_tuples=True, on_error=lambda *a: None)
        for claim in claims
    ]


def written(out: Path, parts: list[on_dask.Partition]) -> list[dict[str, Any]]:
    records = []
    for part in parts:
        with gzip.open(on_dask.output_file(out, part), "rt", encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh]
    return records


def test_partitions_are_file_runs_and_record_ranges(corpus: Path) -> None:
    items, kinds = inputs(corpus)
    parts = on_dask.plan(items, kinds, size=3)
    names = [str(p.name) for p in parts]
    assert names == [
        "feed.jsonl.gz/000000-000002",
        "feed.jsonl.gz/000003-000005",
        "feed.jsonl.gz/000006-000006",
        "news/a.txt+2",
    ]
    assert [(p.start, p.stop) for p in parts] == [(0, 3), (3, 6), (6, None), (0, None)]


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz", "feed.csv"])
def test_partitions_read_their_own_part_and_together_the_whole_file(
    tmp_path: Path, name: str
) -> None:
    texts = [(f"r{i}", f"Ames said {i} roads were closed.") for i in range(9)]
    if name == "feed.csv":
        lines = ["id,text", *(f'{i},"{t}"' for i, t in texts), "bad,row,here"]
        lines[4:4] = ["one,two,three", ""]  # between articles 2 and 3
        lines[1:1] = ["one cell"]  # before the first article
    else:
        lines = [json.dumps({"id": i, "text": t}) for i, t in texts] + ["[]"]
        lines[2:2] = ["not json", ""]  # between articles 1 and 2
        lines[7:7] = ['{"id": "x"}']  # no text, between articles 4 and 5
    data = "\n".join(lines).encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    items = expand(str(path))
    kinds = [detect_format(item) for item in items]
    whole: list[str] = []
    (only,) = on_dask.plan(items, kinds, size=100)
    expected = [a.id for a in on_dask.read_partition(only, ReadOptions(), whole)]
    assert len(expected) == 9 and len(whole) >= 1
    for size in range(1, 10):
        parts = on_dask.plan(items, kinds, size=size)
        assert all(p.bookmark is not None for p in parts[1:])
        problems: list[str] = []
        ids = [a.id for p in parts for a in on_dask.read_partition(p, ReadOptions(), problems)]
        assert (ids, problems) == (expected, whole), size


def test_partitions_read_by_absolute_paths_and_keep_the_source_as_given(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus.parent)
    items = expand("corpus", ("*.txt", "*.jsonl.gz"))
    parts = on_dask.plan(items, [detect_format(item) for item in items], size=2)
    read = [item for part in parts for item in part.items]
    news = [f"corpus/news/{name}" for name in ("a.txt", "b0.txt", "b1.txt")]
    assert [i.source for i in read] == ["corpus/feed.jsonl.gz"] * 4 + news
    assert all(i.path is not None and i.path.is_absolute() and i.path.exists() for i in read)


def test_cluster_gives_the_local_claims_and_reports_a_failing_article(
    client: Any, corpus: Path, tmp_path: Path
) -> None:
    items, kinds = inputs(corpus)
    parts = on_dask.plan(items, kinds, size=2)
    out = tmp_path / "out"
    done = list(on_dask.extract_partitions(client, parts, out))
    assert written(out, parts) == local_records(items)
    assert sum(d.articles for d in done) == 3 + 6
    problems = [p for d in done for p in d.problems]
    assert len(problems) == 1
    assert "feed.jsonl.gz:5" in problems[0] and "lone surrogate" in problems[0]

    # a re-run skips every partition whose file is there, and redoes a missing one
    on_dask.output_file(out, parts[1]).unlink()
    again = list(on_dask.extract_partitions(client, parts, out))
    assert sorted((d.name, d.skipped) for d in again) == sorted(
        (str(p.name), p is not parts[1]) for p in parts
    )
    assert written(out, parts) == local_records(items)


_WRITE = on_dask._write_atomically


def _fail_first_writes(marks: str, times: int) -> None:
    """In a worker: the next ``times`` partition writes over the cluster fail (each takes
    a mark file in ``marks``), as a full disk or a lost mount would make them."""
    write = on_dask._write_atomically

    def flaky(target: Path, records: Any) -> None:
        for i in range(times):
            try:
                os.close(os.open(os.path.join(marks, str(i)), os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
            raise OSError(f"no space left on the device (failure {i + 1})")
        write(target, records)

    on_dask._write_atomically = flaky  # type: ignore[assignment]


def _restore_writes() -> None:
    on_dask._write_atomically = _WRITE


def test_a_failing_partition_is_retried_then_reported(
    client: Any, corpus: Path, tmp_path: Path
) -> None:
    items, kinds = inputs(corpus)
    parts = on_dask.plan(items, kinds, size=4)
    out, marks = tmp_path / "out", tmp_path / "marks"
    marks.mkdir()
    try:
        client.run(_fail_first_writes, str(marks), on_dask.RETRIES)  # then the third try works
        done = list(on_dask.extract_partitions(client, parts, out))
        assert written(out, parts) == local_records(items)
        assert not [p for d in done for p in d.problems if p.startswith("error: partition")]

        shutil.rmtree(marks)
        marks.mkdir()
        client.run(_fail_first_writes, str(marks), 99)  # every try fails
        done = list(on_dask.extract_partitions(client, parts[:1], tmp_path / "out2"))
    finally:
        client.run(_restore_writes)
    ((failed,),) = [d.problems for d in done]
    assert failed == (
        f"error: partition {parts[0].name} failed 3 times, its articles are not done "
        "(OSError: no space left on the device (failure 3)); re-run to retry it"
    )
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").rglob("*.gz"))


def test_extract_bag_of_texts_and_records(client: Any) -> None:
    import dask.bag

    records = [{"id": f"r{i}", "text": text, "desk": "wire"} for i, text in enumerate(SHORT)]
    bag = dask.bag.from_sequence([*SHORT, *records], npartitions=2)
    got = on_dask.extract_bag(bag).compute()
    texts = [c.to_dict() for claims in claimx.extract_many(SHORT) for c in claims]
    assert got[: len(texts)] == texts
    assert got[len(texts)]["article"] == {"id": "r0", "desk": "wire"}
    assert len(got) == 2 * len(texts)


def test_cli_scheduler_writes_partitions_and_resumes(
    client: Any, corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    address = client.scheduler.address
    args = ["extract", str(corpus), "--glob", "*.txt", "--glob", "*.jsonl.gz"]
    args += ["--scheduler", address, "-o", str(out), "--partition-size", "4"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.stderr  # the record that is not text
    assert "feed.jsonl.gz:5" in result.stderr
    assert "3 partitions: 9 articles" in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.gz") if p.is_file()) == [
        "feed.jsonl.gz/000000-000003.jsonl.gz",
        "feed.jsonl.gz/000004-000006.jsonl.gz",
        "news/a.txt+2.jsonl.gz",
    ]
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.stderr
    assert "3 partitions, 3 already done: 0 articles" in again.stderr

    # another size would write the feed's articles again beside its old partitions
    resized = [*args[:-1], "3"]
    refused = CliRunner().invoke(cli, resized)
    assert refused.exit_code == 2
    old = out / "feed.jsonl.gz" / "000000-000003.jsonl.gz"
    assert f"{old} and 1 more: partitions this run would not write" in refused.stderr
    assert old.exists()
    redone = CliRunner().invoke(cli, [*resized, "--force"])
    assert redone.exit_code == 1, redone.stderr
    assert "removed 2 partition files of an earlier layout" in redone.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.gz") if p.is_file()) == [
        "feed.jsonl.gz/000000-000002.jsonl.gz",
        "feed.jsonl.gz/000003-000005.jsonl.gz",
        "feed.jsonl.gz/000006-000006.jsonl.gz",
        "news/a.txt+2.jsonl.gz",
    ]


def test_stale_partitions_are_only_files_named_as_partitions(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "news").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "c.txt"):
        (root / "news" / name).write_text("Officer Ames said the road was closed.")
    (root / "feed.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in SHORT))
    items = expand(str(root), ("*.txt", "*.jsonl"))
    kinds = [detect_format(item) for item in items]
    out = tmp_path / "out"
    for name in (
        "feed.jsonl/000000-000001.jsonl.gz",  # another size's range
        "feed.jsonl/000000-000002.jsonl.gz",  # this plan's
        "feed.jsonl/notes.jsonl.gz",  # not a partition's name
        "news/b.txt+1.jsonl.gz",  # a run that starts at b.txt
        "news/a.txt.jsonl.gz",  # a run of a.txt alone
        "news/a.txt+2.jsonl.gz",  # this plan's
        "news/gone.txt+3.jsonl.gz",  # of an input no longer there: not known as one
    ):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(b"")
    parts = on_dask.plan(items, kinds, size=3)
    assert [p.relative_to(out).as_posix() for p in on_dask.stale(out, parts)] == [
        "feed.jsonl/000000-000001.jsonl.gz",
        "news/a.txt.jsonl.gz",
        "news/b.txt+1.jsonl.gz",
    ]


@pytest.mark.skipif("MALLOC_TRIM_THRESHOLD_" in os.environ, reason="inherited from here")
def test_local_cluster_workers_keep_the_default_malloc(client: Any) -> None:
    """Dask's nanny would start each worker with MALLOC_TRIM_THRESHOLD_ set, which costs
    spaCy 16% more CPU; connect leaves it out."""
    assert len(client.scheduler_info()["workers"]) == 2
    environs = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert list(environs.values()) == [None, None]
    threads = client.run(lambda: os.environ.get("OMP_NUM_THREADS"))  # the rest is kept
    assert set(threads.values()) == {os.environ.get("OMP_NUM_THREADS", "1")}


def test_cli_scheduler_needs_an_output_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--scheduler", "local:1"])
    assert result.exit_code == 2
    assert "give -o" in result.stderr


def test_a_partition_s_bytes_are_the_same_on_every_run(tmp_path: Path) -> None:
    """No temporary file name nor time in the gzip header: a partition re-run gives the
    same file, which checksums and rsync can rely on."""
    from claimx.cluster import _write_atomically

    target = tmp_path / "part-0.jsonl.gz"
    record = {"speaker": "Tom Lee", "quote": "fine"}
    _write_atomically(target, iter([record]))
    first = target.read_bytes()
    _write_atomically(target, iter([record]))
    assert target.read_bytes() == first
    assert first[3] == 0  # no FNAME flag: the header names no file
    assert json.loads(gzip.decompress(first)) == record
