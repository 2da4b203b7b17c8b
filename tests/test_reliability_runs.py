"""Issue 32's reliability defects: two runs creating one database, a Dask run interrupted
(Ctrl-C, SIGKILL), and GEXF and GraphML node ids that XML cannot hold."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FAKE_CLI_SCRIPT, fake_claims, make_claim

from claimx.cli import cli
from claimx.db import ClaimsDatabase
from claimx.network import xml_text, xml_text_back
from claimx.types import Article

TESTS = Path(__file__).resolve().parent
SEED = TESTS.parent / "seeds" / "000_680bcb4019dc53cb.txt"
SMITH = 'Mayor Jane Smith said "the bridge will reopen in May."'


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


# 5. Two runs creating the same new database


def test_two_writers_creating_one_database_both_write_all_their_articles(
    tmp_path: Path,
) -> None:
    """Two connections open the same new file at once, each creates the tables if they are
    not there, and writes its articles while the other writes."""
    failures: list[str] = []

    def write(path: Path, source: str, start: threading.Barrier) -> None:
        start.wait()
        try:
            with ClaimsDatabase(path) as database:
                for i in range(3):
                    text = SMITH
                    records = [c.to_dict() | {"source": source} for c in fake_claims(text)]
                    database.add(Article(source, f"{source}{i}", text), records)
        except Exception as exc:  # what one writer met, for the assert below
            failures.append(f"{path.name} {source}: {exc}")

    for round_ in range(20):
        path = tmp_path / f"same{round_}.db"
        start = threading.Barrier(2)
        writers = [threading.Thread(target=write, args=(path, s, start)) for s in "pq"]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        assert failures == []
        assert rows(path, "SELECT source, id FROM articles ORDER BY source, id") == [
            (s, f"{s}{i}") for s in "pq" for i in range(3)
        ]
        assert rows(path, "SELECT count(*) FROM claims") == [(6,)]
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [
            path.name
        ]


# claimx extract --db in a process of its own, the fake extractor in place, run once for each
# database named after the feed. Each run says "ready" on stdout (--db prints nothing there)
# as it is about to open its database, and opens it when the test answers a line on stdin:
# the test answers two such runs at once, so that they open (and create) one file together.
EXTRACT_ROUNDS = (
    FAKE_CLI_SCRIPT
    + """
opened = db.ClaimsDatabase.__init__

def at_start(self, *args, **kwargs):
    print("ready", flush=True)
    sys.stdin.readline()
    opened(self, *args, **kwargs)

db.ClaimsDatabase.__init__ = at_start
feed, *databases = sys.argv[2:]
for database in databases:
    sys.argv = ["claimx", "extract", feed, "--db", database]
    try:
        main()
    except SystemExit as end:
        print(f"exit {end.code}", file=sys.stderr, flush=True)
"""
)


def test_two_extract_runs_creating_one_database_both_succeed(tmp_path: Path) -> None:
    """Two processes, each importing claimx once, create a new database together, round
    after round (without the fix, 'table articles already exists' in about half the rounds:
    7 of 12 once)."""
    for name in ("p", "q"):  # texts of their own: no article is a copy of another
        feed = [{"id": f"{name}{i}", "text": f"{SMITH} ({name}{i})"} for i in range(4)]
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in feed))
    databases = [tmp_path / f"same{round_}.db" for round_ in range(12)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", EXTRACT_ROUNDS, str(TESTS), f"{name}.jsonl", *databases],
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("p", "q")
    ]
    try:
        for _ in databases:
            for run in runs:
                assert run.stdout is not None
                assert run.stdout.readline() == "ready\n"  # else it ended: see its stderr
            for run in runs:  # both at once
                assert run.stdin is not None
                run.stdin.write("go\n")
                run.stdin.flush()
        ended = []
        for run in runs:
            _, stderr = run.communicate(timeout=120)
            ended.append((run.returncode, stderr))
    finally:
        for run in runs:
            run.kill()
    assert ended == [(0, "claimx: 4 articles, 4 claims\nexit 0\n" * len(databases))] * 2
    for db in databases:
        assert rows(db, "SELECT source, id FROM articles ORDER BY source, id") == [
            (f"{name}.jsonl", f"{name}{i}") for name in ("p", "q") for i in range(4)
        ]
        assert rows(db, "SELECT count(*) FROM claims") == [(8,)]


# 6. A Dask run interrupted


def _cluster_run(root: Path, *args: str, workers: int = 2) -> subprocess.Popen[str]:
    """``claimx extract feed.jsonl --scheduler local:2 -o out`` in a session of its own, as
    a terminal runs it: a signal to its process group reaches the workers too."""
    command = [sys.executable, "-m", "claimx", "extract", "feed.jsonl", "-o", "out"]
    return subprocess.Popen(
        [*command, "--scheduler", f"local:{workers}", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _temporary_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob(".*.tmp")) if out.exists() else []


def _wait_for(found: Any, run: subprocess.Popen[str]) -> Any:
    """Poll ``found()`` until it gives something, while ``run`` runs (120 s at most)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        thing = found()
        if thing:
            return thing
        time.sleep(0.02)
    run.kill()
    pytest.fail(f"not seen; the run said {run.communicate()[1]!r}")


@pytest.fixture
def seed_feed(tmp_path: Path) -> Path:
    """Twelve copies of the seed article: partitions of six take a worker a while."""
    text = SEED.read_text(encoding="utf-8")
    lines = (json.dumps({"id": f"r{i}", "text": text}) + "\n" for i in range(12))
    (tmp_path / "feed.jsonl").write_text("".join(lines), encoding="utf-8")
    return tmp_path


@pytest.mark.model
def test_ctrl_c_mid_partition_ends_the_run_at_once_and_quietly(seed_feed: Path) -> None:
    """Ctrl-C while the workers extract: the run ends with 130, with no word from Dask (its
    workers were given 4 s, then killed with a warning each, and warnings for the tasks
    cancelled), and leaves no partition half-written."""
    pytest.importorskip("distributed")
    run = _cluster_run(seed_feed, "--partition-size", "6")
    _wait_for(lambda: _temporary_files(seed_feed / "out"), run)  # a task writes its file
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert (run.returncode, stderr) == (130, "")
    assert _temporary_files(seed_feed / "out") == []


@pytest.mark.model
def test_ctrl_c_while_the_workers_start_prints_no_traceback(seed_feed: Path) -> None:
    """Ctrl-C reaches a worker process that is still importing, before it could set SIGINT
    aside: it printed a KeyboardInterrupt traceback."""
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("distributed")
    run = _cluster_run(seed_feed, "--partition-size", "6")

    def spawned() -> bool:
        try:
            children = psutil.Process(run.pid).children(recursive=True)
            return any("spawn_main" in " ".join(child.cmdline()) for child in children)
        except psutil.Error:  # a child gone meanwhile
            return False

    _wait_for(spawned, run)
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert (run.returncode, stderr) == (130, "")
    assert _temporary_files(seed_feed / "out") == []


@pytest.mark.model
def test_a_run_after_a_killed_one_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGKILL leaves the temporary files of the partitions being written; the next run,
    even with another --partition-size, removes them and writes every partition. Two copies
    of the seed, one worker and the stance rules, for speed: a worker's pipeline loads inside
    its first task, so the first partition's file stays temporary for a second or more."""
    pytest.importorskip("distributed")
    text = SEED.read_text(encoding="utf-8")
    lines = (json.dumps({"id": f"r{i}", "text": text}) + "\n" for i in range(2))
    (tmp_path / "feed.jsonl").write_text("".join(lines), encoding="utf-8")
    run = _cluster_run(tmp_path, "--partition-size", "2", "--stance", "rules", workers=1)
    _wait_for(lambda: _temporary_files(tmp_path / "out"), run)
    run.kill()  # the client; its workers follow it
    run.communicate(timeout=120)
    assert _temporary_files(tmp_path / "out")

    again = _cluster_run(
        tmp_path, "--partition-size", "1", "--force", "--stance", "rules", workers=1
    )
    _, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert "2 partitions: 2 articles" in stderr
    out = tmp_path / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        f"feed.jsonl/{start:06d}-{start:06d}.jsonl.gz" for start in (0, 1)
    ]


# 8. GEXF and GraphML ids XML cannot hold

#: Names that the U+FFFD replacement made one: two control characters and U+FFFD itself.
ODD = ["a\x01", "a\x02", "a\ufffd"]


def _odd_claims(tmp_path: Path) -> Path:
    """Claims of three speakers whose names differ in a character XML cannot hold, each
    about a target of its own: 6 nodes, 3 edges."""
    lines = []
    for i, speaker in enumerate(ODD):
        record = make_claim(speaker=speaker).to_dict() | {"source": "feed.jsonl"}
        record["targets"] = [
            {"target": f"Bill {i}", "target_span": [0, 1], "stance": "support", "stance_score": 1}
        ]
        lines.append(json.dumps(record) + "\n")
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_names_xml_cannot_hold_stay_distinct_nodes(tmp_path: Path, fmt: str) -> None:
    import networkx as nx

    output = tmp_path / f"graph.{fmt}"
    result = CliRunner().invoke(
        cli, ["network", str(_odd_claims(tmp_path)), "-f", fmt, "-o", str(output)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "claimx: 3 claims, 6 nodes, 3 edges\n"
    read = nx.read_gexf(output) if fmt == "gexf" else nx.read_graphml(output)
    assert read.number_of_nodes() == 6
    assert sorted(read) == sorted(["a\\u0001", "a\\u0002", "a\ufffd", "Bill 0", "Bill 1", "Bill 2"])
    assert {xml_text_back(node) for node in read} == {*ODD, "Bill 0", "Bill 1", "Bill 2"}
    assert {xml_text_back(data["label"]) for _, data in read.nodes(data=True)} == {
        *ODD,
        "Bill 0",
        "Bill 1",
        "Bill 2",
    }
    assert sorted((xml_text_back(u), v) for u, v in read.edges()) == [
        (name, f"Bill {i}") for i, name in enumerate(ODD)
    ]


def test_json_and_csv_keep_the_names_as_they_are(tmp_path: Path) -> None:
    claims = str(_odd_claims(tmp_path))
    result = CliRunner().invoke(cli, ["network", claims, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert sorted(node["id"] for node in json.loads(result.stdout)["nodes"]) == sorted(
        [*ODD, "Bill 0", "Bill 1", "Bill 2"]
    )
    assert '"id": "a\\u0001"' in result.stdout  # JSON's own escape, as before
    result = CliRunner().invoke(cli, ["network", claims, "-f", "csv", "-o", str(tmp_path / "n-")])
    assert result.exit_code == 0, result.stderr
    nodes = (tmp_path / "n-nodes.csv").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split(",")[0] for line in nodes[1:]) == sorted(
        [*ODD, "Bill 0", "Bill 1", "Bill 2"]
    )


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Jane Smith", "Jane Smith"),  # names XML holds are as they were
        ("C:\\news\\a.txt", "C:\\news\\a.txt"),
        ("a\ufffd", "a\ufffd"),
        ("father\x1b", "father\\u001b"),
        ("x\ud800", "x\\ud800"),  # a lone surrogate
        ("\uffff", "\\uffff"),
        ("a\\u0001", "a\\\\u0001"),  # text that reads as an escape: its backslash doubled
        ("a\\\x01", "a\\\\\\u0001"),
        ("a\\\\b", "a\\\\\\b"),  # a backslash before another: doubled
        ("a\\", "a\\"),
    ],
)
def test_xml_text_escapes_reversibly(name: str, written: str) -> None:
    assert xml_text(name) == written
    assert xml_text_back(written) == name
