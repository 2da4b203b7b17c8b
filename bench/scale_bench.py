"""Scaling benchmark (not a test): `-j 1`, `-j 2`, `--scheduler local:2` and a plain
2-process Pool over spaCy + claimx, on the same articles, whole process included.

    .venv/bin/python bench/scale_bench.py [--articles 400] [--rounds 1] [--only j1,j2,...]
                                           [--clip CHARS]

The articles are the first N PolNeAR dev texts in bench/_work/polnear (git-ignored, never
committed); with --clip, each cut to its first CHARS characters (at a word's end), the
texts taken again in turn where N is more than there are, for many short articles. Each
run writes JSON Lines under bench/_work/scale-out. For each run it prints wall time, the
CPU time of the run's processes (user + system, from RUSAGE_CHILDREN), the
CPU time other processes took meanwhile (from /proc/stat's idle time), the 1-minute load,
and the CPU-normalised wall time: the wall time times the share of the cores it wanted that
it got (k cores wanted, 2·wall - others available: share = min(1, available / (k·wall))).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT / "bench" / "_work" / "polnear"
WORK = ROOT / "bench" / "_work" / "scale"
OUT = ROOT / "bench" / "_work" / "scale-out"
BIN = Path(sys.executable).parent
CORES = os.cpu_count() or 1

POOL = """
import sys, pathlib
from multiprocessing import Pool
import claimx
paths = sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))
def work(chunk):
    nlp = claimx.load()
    return sum(len(d._.claimx_records or []) for d in nlp.pipe(p.read_text() for p in chunk))
claimx.load()
with Pool(2) as pool:  # forked after the load, as -j is
    print(sum(pool.map(work, [paths[i::8] for i in range(8)], chunksize=1)))
"""

RUNS = {
    "j1": (1, ["extract", "{dir}", "-f", "jsonl", "-q", "-o", "{out}", "-j", "1"]),
    "j2": (2, ["extract", "{dir}", "-f", "jsonl", "-q", "-o", "{out}", "-j", "2"]),
    "dask2": (
        2,
        [
            "extract",
            "{dir}",
            "-q",
            "-o",
            "{out}",
            "--scheduler",
            "local:2",
            "--partition-size",
            "25",
        ],
    ),
    "pool2": (2, None),
}


def idle_seconds() -> float:
    with open("/proc/stat") as fh:
        fields = fh.readline().split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(name: str) -> dict[str, float]:
    cores, args = RUNS[name]
    out = OUT / name
    shutil.rmtree(out, ignore_errors=True)
    if args is None:
        command = [str(BIN / "python"), "-c", POOL, str(WORK)]
    else:
        command = [str(BIN / "claimx")] + [a.format(dir=WORK, out=out) for a in args]
    cpu0, idle0, wall0 = children_cpu(), idle_seconds(), time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - wall0
    cpu, idle = children_cpu() - cpu0, idle_seconds() - idle0
    others = max(0.0, CORES * wall - idle - cpu)
    share = min(1.0, (CORES * wall - others) / (cores * wall))
    return {"wall": wall, "cpu": cpu, "others": others, "norm": wall * share,
            "load": os.getloadavg()[0]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", default=",".join(RUNS))
    parser.add_argument("--clip", type=int, default=None, metavar="CHARS")
    args = parser.parse_args()
    names = args.only.split(",")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    paths = sorted(POLNEAR.glob("*.txt"))
    if args.clip is None:
        for path in paths[: args.articles]:
            shutil.copy(path, WORK / path.name)
    else:
        for i in range(args.articles):
            text = paths[i % len(paths)].read_text(encoding="utf-8")
            cut = text[: args.clip].rsplit(" ", 1)[0] if len(text) > args.clip else text
            (WORK / f"{i:06d}.txt").write_text(cut, encoding="utf-8")
    clipped = f" of at most {args.clip} characters" if args.clip else ""
    print(f"{args.articles} PolNeAR dev articles{clipped}, {CORES} cores")
    results: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for i in range(args.rounds):
        for name in names if i % 2 == 0 else reversed(names):
            r = run(name)
            results[name].append(r)
            print(
                f"{name:6} wall {r['wall']:6.1f} s  cpu {r['cpu']:6.1f} s"
                f"  others {r['others']:5.1f} s  normalised {r['norm']:6.1f} s"
                f"  load {r['load']:.2f}",
                flush=True,
            )
    best = {name: min(r["norm"] for r in rs) for name, rs in results.items() if rs}
    if "j1" in best and "j2" in best:
        print(f"-j 2 over -j 1 (normalised): {best['j1'] / best['j2']:.2f}x")
    if "j1" in best and "pool2" in best:
        print(f"plain Pool(2) over -j 1 (normalised): {best['j1'] / best['pool2']:.2f}x")
    if "j2" in best and "dask2" in best:
        print(f"local:2 against -j 2 (normalised): {best['dask2'] / best['j2'] - 1:+.1%}")


if __name__ == "__main__":
    main()
