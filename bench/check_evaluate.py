"""Check that ``claimx.evaluate`` agrees with the reference scorer on the PolNeAR dev set.

    .venv/bin/python bench/check_evaluate.py [--gold PATH] [--scorer PATH] [--keep PRED.jsonl]

Runs claimx over the dev articles once (2 processes, about 90 s), writes the claims as JSON
Lines (``source`` = sanitized article id + ``.txt``, as ``export_texts.py`` names the files),
scores them with the reference ``score.py`` (a subprocess) and with claimx's own scorer, and
prints both side by side. Exits 1 if any figure differs by more than 0.1 points, and 0 with a
message when the data (``../shared/eval`` beside the repo) is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimx.evaluate import GoldArticle, predict, read_gold, score  # noqa: E402
from claimx.types import Claim  # noqa: E402

EVAL_DIR = ROOT.parent / "shared" / "eval"
TOLERANCE = 0.1  # percentage points
SLICES = ("all", "speech")
PRF_FIGURES = ("claim", "content", "content_exact")
GOLD_KINDS = ("direct", "mixed", "indirect")
# The reference reads claimx's "partial" as its "mixed".
PRED_KINDS = {"direct": "direct", "partial": "mixed", "indirect": "indirect"}
Figure = tuple[str, float | None, float | None]


def sanitize(article_id: str) -> str:
    """The file stem the reference scorer expects: [A-Za-z0-9._-] kept, the rest ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", article_id)


def write_predictions(
    path: Path, articles: Sequence[GoldArticle], predictions: Sequence[list[Claim]]
) -> int:
    """Write every claim as one JSON line, ``source`` naming its article's file; the count."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for article, claims in zip(articles, predictions, strict=True):
            for claim in claims:
                record = replace(claim, source=sanitize(article.id) + ".txt").to_dict()
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def read_predictions(path: Path, articles: Sequence[GoldArticle]) -> list[list[Claim]]:
    """The claims of a predictions file back, one list per article (what score() takes)."""
    by_source: dict[str, list[Claim]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            claim = Claim.from_dict(json.loads(line))
            by_source[str(claim.source)].append(claim)
    return [by_source.get(sanitize(a.id) + ".txt", []) for a in articles]


def reference_scores(scorer: Path, gold: Path, pred: Path) -> dict[str, Any]:
    """The reference scorer's JSON result."""
    cmd = [sys.executable, str(scorer), "--gold", str(gold), "--pred", str(pred), "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def figures(ref: dict[str, Any], ours: dict[str, Any]) -> list[Figure]:
    """Every figure both scorers report, as (label, reference, claimx), fractions in [0, 1]."""
    rows: list[Figure] = []
    for name in SLICES:
        r, o = ref[name], ours[name]
        for fig in PRF_FIGURES:
            for key in ("p", "r", "f1"):
                rows.append((f"{name} {fig} {key.upper()}", r[fig][key], o[fig][key]))
        for acc in ("speaker", "cue"):
            rows.append((f"{name} {acc} acc", r[acc]["acc"], o[acc]["acc"]))
    for kind in GOLD_KINDS:
        r, o = ref["by_kind"].get(kind), ours["by_kind"].get(kind)
        if r is None or o is None:
            rows.append((f"{kind}: present", float(r is not None), float(o is not None)))
            continue
        for fig in PRF_FIGURES:
            rows.append((f"{kind} {fig} R", r[fig]["r"], o[fig]["r"]))
        for acc in ("speaker", "cue"):
            rows.append((f"{kind} {acc} acc", r[acc]["acc"], o[acc]["acc"]))
    for ours_kind, ref_kind in PRED_KINDS.items():
        r, o = ref["by_pred_kind"].get(ref_kind), ours["by_pred_kind"].get(ours_kind)
        rows.append(
            (
                f"pred {ours_kind} matched",
                None if r is None else r["match_rate"],
                None if o is None else o["match_rate"],
            )
        )
    return rows


def counts(ref: dict[str, Any], ours: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Raw counts that should be identical, as (label, reference, claimx)."""
    rows = []
    for name in SLICES:
        for key in ("gold", "pred"):
            rows.append((f"{name} {key}", ref[name][key], ours[name][key]))
        for fig in PRF_FIGURES:
            rows.append((f"{name} {fig} TP", ref[name][fig]["tp"], ours[name][fig]["tp"]))
    return rows


def difference(ref: float | None, ours: float | None) -> float:
    """Absolute difference in points; undefined on one side only counts as infinite."""
    if ref is None or ours is None:
        return 0.0 if ref is ours else float("inf")
    return abs(100 * ref - 100 * ours)


def pct(value: float | None) -> str:
    """A fraction as points with two decimals."""
    return "-" if value is None else f"{100 * value:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; the exit status is 1 if the scorers disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=EVAL_DIR / "polnear-dev.jsonl")
    parser.add_argument("--scorer", type=Path, default=EVAL_DIR / "score.py")
    parser.add_argument("--keep", type=Path, metavar="PRED.jsonl", help="keep the predictions")
    args = parser.parse_args(argv)
    if not args.gold.exists() or not args.scorer.exists():
        print(f"{args.gold} or {args.scorer} is absent; nothing to check")
        return 0

    articles = read_gold(args.gold)
    started = time.perf_counter()
    predictions = list(predict(articles, n_process=2))
    elapsed = time.perf_counter() - started
    print(f"claimx: {len(articles)} articles in {elapsed:.0f} s")

    with tempfile.TemporaryDirectory() as tmp:
        pred_path = args.keep or Path(tmp) / "pred.jsonl"
        n_claims = write_predictions(pred_path, articles, predictions)
        print(f"predictions: {n_claims} claims in {pred_path}")
        ref = reference_scores(args.scorer, args.gold, pred_path)
        ours = score(articles, read_predictions(pred_path, articles)).to_dict()
    # The JSON round trip must not change anything: the CLI scores the claims in memory.
    in_memory = score(articles, predictions).to_dict()
    round_trip_ok = in_memory == ours

    rows = figures(ref, ours)
    width = max(len(label) for label, _, _ in rows)
    print(f"\n{'figure':<{width}}  {'reference':>9}  {'claimx':>9}  {'diff':>6}")
    worst = 0.0
    for label, r, o in rows:
        diff = difference(r, o)
        worst = max(worst, diff)
        flag = "  <--" if diff > TOLERANCE else ""
        print(f"{label:<{width}}  {pct(r):>9}  {pct(o):>9}  {diff:6.2f}{flag}")
    print()
    for label, r, o in counts(ref, ours):
        print(f"{label:<{width}}  {r!s:>9}  {o!s:>9}{'' if r == o else '  <--'}")
    print(f"\nmax |difference|: {worst:.3f} points (tolerance {TOLERANCE})")
    print(f"scores from memory and from the JSON Lines file identical: {round_trip_ok}")
    return 0 if worst <= TOLERANCE and round_trip_ok else 1


if __name__ == "__main__":
    sys.exit(main())
