"""Dev-set figures (not a test): PolNeAR attributions and SEESAW stance, via the claimx CLI,
and the stance on our own annotated test split.

    .venv/bin/python bench/dev_eval.py [-j 2] [--only polnear|speakers|seesaw|stance]
                                       [--details PATH]
                                       [claimx extract options, e.g. --stance model]

Exactly what the closing notes report. ``speakers`` runs ``claimx evaluate`` on the first 80
PolNeAR dev articles with the canonical name of each claim's source
(``bench/data/polnear-speakers.jsonl``): the resolved-speaker accuracy. ``stance`` is the
test split of our speaker-stance data (``models/data/speaker-stance.jsonl.gz``, in the
repository): its pairs as ``claimx extract``
decides them (``bench/stance_bench.py`` gives the model's own figures beside it). For PolNeAR
and SEESAW, the articles are exported to
bench/_work/<set> (never committed), `claimx extract DIR -f jsonl` extracts their claims
(with any option this script does not take itself passed on), and the set's reference scorer
prints its figures: ../shared/eval/score.py for PolNeAR, score_stance.py for SEESAW.
``--details PATH`` writes score.py's per-claim records to PATH and score_stance.py's
per-pair lines to PATH's sibling ``<stem>-seesaw.txt``. A set whose gold file is absent
(../shared lives beside the project, not in it) is skipped with a message; exit status 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
WORK = ROOT / "bench" / "_work"
PY = sys.executable
SETS = ("polnear", "speakers", "seesaw", "stance")
#: Who each source of the first 80 PolNeAR dev articles is (``bench/data/README.md``).
NAMES = ROOT / "bench" / "data" / "polnear-speakers.jsonl"


def heading(title: str, gold: Path) -> bool:
    """Print the set's heading; False (with a message) when its gold file is absent."""
    print(f"\n== {title}", flush=True)
    if not gold.exists():
        print(f"{gold} is absent: skipped (it lives beside the project, not in it)")
        return False
    return True


def run(*args: str | Path, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run a command to its end; its exit status."""
    cmd = [str(a) for a in args]
    return subprocess.run(cmd, stdout=stdout, stderr=stderr, check=False).returncode


def extract(texts: Path, pred: Path, jobs: int, options: Sequence[str]) -> None:
    """Claims of every article in ``texts`` to ``pred`` as JSON Lines; prints the time taken."""
    claimx = Path(PY).parent / "claimx"
    start = time.perf_counter()
    with pred.open("w", encoding="utf-8") as out:
        flags = ["-f", "jsonl", "-q", "-j", str(jobs), *options]
        if code := run(claimx, "extract", texts, *flags, stdout=out):
            raise SystemExit(f"claimx extract failed (exit {code}); nothing scored")
    seconds = time.perf_counter() - start
    n = sum(1 for _ in texts.glob("*.txt"))
    shown = " ".join(["-j", str(jobs), *options])
    where = pred.relative_to(ROOT)
    print(f"claimx {shown}: {seconds:.0f} s for {n} articles; claims in {where}", flush=True)


def polnear(jobs: int, options: Sequence[str], details: Path | None = None) -> int:
    """PolNeAR dev: who said what, scored by score.py; its exit status."""
    gold = EVAL / "polnear-dev.jsonl"
    if not heading("PolNeAR dev: attributed claims (score.py)", gold):
        return 0
    texts, pred = WORK / "polnear", WORK / "polnear-pred.jsonl"
    if code := run(PY, EVAL / "export_texts.py", "--gold", gold, "--out", texts):
        return code
    extract(texts, pred, jobs, options)
    score: list[str | Path] = [PY, EVAL / "score.py", "--gold", gold, "--pred", pred]
    if details:
        score += ["--details", details]
    return run(*score)


def speakers(jobs: int) -> int:
    """PolNeAR dev's first 80 articles with the names their sources resolve to: ``claimx
    evaluate`` on them prints the resolved-speaker accuracy; its exit status."""
    gold = EVAL / "polnear-dev.jsonl"
    if not heading("PolNeAR dev, first 80 articles: resolved speakers (claimx evaluate)", gold):
        return 0
    import json

    named: dict[tuple[str, str], str | None] = {}
    with NAMES.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            named[row["article"], row["claim"]] = row["name"]
    ids = {article for article, _ in named}
    WORK.mkdir(parents=True, exist_ok=True)
    merged = WORK / "polnear-speakers-gold.jsonl"  # holds article text: never committed
    with gold.open(encoding="utf-8") as src, merged.open("w", encoding="utf-8") as out:
        for line in src:
            article = json.loads(line)
            if article["id"] not in ids:
                continue
            for claim in article["claims"]:
                claim["speaker_name"] = named.get((article["id"], claim["id"]))
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    claimx = Path(PY).parent / "claimx"
    return run(claimx, "evaluate", merged, "-q", "-j", str(jobs))


def seesaw(jobs: int, options: Sequence[str], details: Path | None = None) -> int:
    """SEESAW dev: who stands where on whom, scored by score_stance.py; its exit status."""
    gold, scorer = EVAL / "seesaw-dev.jsonl", EVAL / "score_stance.py"
    if not heading("SEESAW dev: stance triples (score_stance.py)", gold):
        return 0
    texts, pred = WORK / "seesaw", WORK / "seesaw-pred.jsonl"
    if code := run(PY, scorer, "export", "--gold", gold, "--out", texts):
        return code
    extract(texts, pred, jobs, options)
    score: list[str | Path] = [PY, scorer, "score", "--gold", gold, "--pred", pred]
    if details is None:
        return run(*score)
    with details.open("w", encoding="utf-8") as pairs:  # --details writes them to stderr
        return run(*score, "--details", stderr=pairs)


def stance(options: Sequence[str]) -> int:
    """Our speaker-stance test split, as claimx extract decides it; exit status 0."""
    sys.path.insert(0, str(ROOT))
    from bench.stance_bench import DATA, pipeline_labels, report

    print("\n== speaker-stance test split (models/data), as claimx extract decides", flush=True)
    if "rules" in options:
        print("(with --stance rules)")
    gold, pred = pipeline_labels(DATA, "test", "rules" if "rules" in options else "model")
    report("speaker-stance test", gold, pred)
    return 0


def seesaw_details(details: Path) -> Path:
    """Where SEESAW's per-pair lines go: beside PolNeAR's records."""
    return details.with_name(f"{details.stem}-seesaw.txt")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    ap.add_argument("-j", "--jobs", type=int, default=2, help="claimx worker processes")
    ap.add_argument("--only", choices=SETS, help="evaluate one set only")
    ap.add_argument("--details", type=Path, help="also write the scorers' per-claim records")
    args, options = ap.parse_known_args(argv)
    if args.details and not args.details.parent.is_dir():
        ap.error(f"--details: there is no folder {args.details.parent}")
    codes = []
    if args.only in (None, "polnear"):
        codes.append(polnear(args.jobs, options, args.details))
    if args.only in (None, "speakers"):
        codes.append(speakers(args.jobs))
    if args.only in (None, "seesaw"):
        details = seesaw_details(args.details) if args.details else None
        codes.append(seesaw(args.jobs, options, details))
    if args.only in (None, "stance"):
        codes.append(stance(options))
    return 1 if any(codes) else 0


if __name__ == "__main__":
    sys.exit(main())
