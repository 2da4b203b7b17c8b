"""Dev-set figures (not a test): export the PolNeAR dev articles, run the claimx CLI, score.

    .venv/bin/python bench/dev_eval.py [-j 2] [--details PATH]

Exactly what the closing notes report: ../shared/eval/export_texts.py writes the articles to
bench/_work/dev (never committed), `claimx extract DIR -f jsonl` extracts their claims, and
the reference scorer ../shared/eval/score.py prints its table. Exits 0 with a message when
../shared is not beside the project.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
GOLD = EVAL / "polnear-dev.jsonl"
WORK = ROOT / "bench" / "_work"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=2, help="claimx worker processes")
    ap.add_argument("--details", help="also write the scorer's per-claim records here")
    args = ap.parse_args()
    if not GOLD.exists():
        print(f"{GOLD} is absent: nothing to evaluate (it lives beside the project, not in it)")
        return 0
    texts, pred = WORK / "dev", WORK / "dev-pred.jsonl"
    py = sys.executable
    subprocess.run(
        [py, str(EVAL / "export_texts.py"), "--gold", str(GOLD), "--out", str(texts)], check=True
    )
    start = time.perf_counter()
    with pred.open("w", encoding="utf-8") as out:
        subprocess.run(
            [
                str(Path(py).parent / "claimx"),
                "extract",
                str(texts),
                "-f",
                "jsonl",
                "-q",
                "-j",
                str(args.jobs),
            ],
            check=True,
            stdout=out,
        )
    print(
        f"claimx: {time.perf_counter() - start:.0f} s for {len(list(texts.glob('*.txt')))} "
        f"articles with -j {args.jobs}; predictions in {pred}",
        file=sys.stderr,
    )
    score = [py, str(EVAL / "score.py"), "--gold", str(GOLD), "--pred", str(pred)]
    if args.details:
        score += ["--details", args.details]
    return subprocess.run(score, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
