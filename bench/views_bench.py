"""Corpus views benchmark (not a test): how long ``network`` and ``summary`` take on a claims
database, against the time the extraction that filled it took.

    .venv/bin/python bench/views_bench.py [--db FILE --extract-seconds S] [-j 2] [--runs 3]

Without ``--db``, it first extracts the 443 PolNeAR dev articles (bench/_work/polnear, as
.txt) into a fresh database with ``claimx extract --db -q -j N`` and times that; with
``--db`` and ``--extract-seconds``, it takes a database made earlier and the time its
extraction took. Each view then runs ``--runs`` times, each in a fresh Python process, as a
command would: start, import, read every claim from the database, build, and write every
format (network: JSON, CSV edge and node lists, GEXF, GraphML; summary: the Rich tables,
JSON, CSV) to a temporary folder. It prints the median of each and its ratio to the
extraction's time; the issue's target is under 10 %.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT / "bench" / "_work" / "polnear"
CLAIMX = Path(sys.executable).with_name("claimx")

NETWORK = """
import sys
from pathlib import Path
from claimx.claimsource import iter_claims
from claimx.network import build_network, write_network
db, out = sys.argv[1], Path(sys.argv[2])
network = build_network(iter_claims(db))
for fmt, name in (("json", "g.json"), ("csv", "g-"), ("gexf", "g.gexf"), ("graphml", "g.graphml")):
    write_network(network, fmt, out / name)
print(len(network.nodes), len(network.edges))
"""

SUMMARY = """
import io, sys
from pathlib import Path
from rich.console import Console
from claimx.claimsource import iter_claims
from claimx.summary import render, summarize, write_csv, write_json
db, out = sys.argv[1], Path(sys.argv[2])
summary = summarize(iter_claims(db))
with open(out / "s.txt", "w", encoding="utf-8") as text:
    Console(file=text, width=100).print(render(summary))
with open(out / "s.json", "w", encoding="utf-8") as f:
    write_json(summary, f)
with open(out / "s.csv", "w", encoding="utf-8", newline="") as f:
    write_csv(summary, f)
print(summary.corpus.claims, summary.corpus.articles)
"""


def extract(db: Path, jobs: int) -> float:
    """Extract the PolNeAR dev articles into ``db``; the seconds it took."""
    start = time.perf_counter()
    subprocess.run(
        [str(CLAIMX), "extract", str(POLNEAR), "--db", str(db), "-q", "-j", str(jobs)],
        check=True,
    )
    return time.perf_counter() - start


def timed(script: str, db: Path, runs: int) -> tuple[float, str]:
    """The median seconds of ``runs`` fresh processes running ``script``, and what it said."""
    seconds = []
    said = ""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", script, str(db.resolve()), out],
                cwd=out,  # not the checkout: "claimx" is the installed package
                capture_output=True,
                text=True,
            )
            seconds.append(time.perf_counter() - start)
            if done.returncode:
                sys.exit(done.stderr)
            said = done.stdout.strip()
    return statistics.median(seconds), said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a claims database made earlier")
    parser.add_argument("--extract-seconds", type=float, help="how long its extraction took")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="extraction processes")
    parser.add_argument("--runs", type=int, default=3, help="runs of each view")
    args = parser.parse_args()
    if (args.db is None) != (args.extract_seconds is None):
        parser.error("give --db and --extract-seconds together, or neither")
    with tempfile.TemporaryDirectory() as work:
        db = args.db
        seconds = args.extract_seconds
        if db is None:
            db = Path(work) / "polnear.db"
            seconds = extract(db, args.jobs)
        assert seconds is not None
        print(f"extract  {seconds:7.2f} s  ({db})")
        for name, script, what in (
            ("network", NETWORK, "nodes, edges"),
            ("summary", SUMMARY, "claims, articles"),
        ):
            median, said = timed(script, db, args.runs)
            print(
                f"{name:8} {median:7.2f} s  {median / seconds:6.2%} of the extraction"
                f"  ({what}: {said.replace(' ', ', ')}; median of {args.runs})"
            )


if __name__ == "__main__":
    main()
