"""Our annotators against SEESAW's: draw seesaw-dev pairs for them, then score their labels.

    .venv/bin/python bench/annotator_check.py draw [--pairs 200] [--pred PRED.jsonl]
    .venv/bin/python bench/annotator_check.py score LABELS.jsonl

Measurement only: SEESAW is CC BY-NC-SA, so the drawn items (which hold its sentences) and
the labels are written to ``bench/_work/annotator-check/`` (git-ignored) and never enter the
repository or any training data. ``draw`` picks, at random (seed 0), gold triples that a
claim extracted by claimx speaks to (its speaker names the triple's subject in the same
sentence: the "spoken" triples of ``score_stance.py``), with the title and the sentence
before as context, in the annotation format of ``models/data/annotation.py``. ``score``
prints the annotators' agreement with SEESAW's labels as the annotator pilot in
``../shared/eval/README.md`` reports it (neutral counts as wrong; SEESAW has no neutral).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
WORK = ROOT / "bench" / "_work" / "annotator-check"


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score_stance", EVAL / "score_stance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def draw(n: int, pred: Path, seed: int) -> list[dict[str, Any]]:
    """``n`` spoken gold triples as annotation items (one claim, one target each)."""
    sc = _scorer()
    gold = sc.load_articles(str(EVAL / "seesaw-dev.jsonl"))
    claims: dict[str, list[dict[str, Any]]] = {}
    with pred.open(encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            claims.setdefault(Path(c["source"]).stem, []).append(c)
    pool = []
    for art in gold:
        text = art["text"]
        for k, t in enumerate(art["triples"]):
            s, e = t["sentence"]
            if "Not in the list" in (t["subject"], t["object"]) or t["subject"] == "None":
                continue
            for c in claims.get(sc.key(art["id"]), []):
                spans = [x for x in [c.get("cue_span"), *(c.get("quote_spans") or [])] if x]
                if any(x[0] < e and s < x[1] for x in spans) and sc.same(
                    c.get("speaker"), t["subject"]
                ):
                    pool.append((art, k, t, c, text))
                    break
    rng = random.Random(seed)
    chosen = rng.sample(pool, min(n, len(pool)))
    items = []
    for i, (art, k, t, c, text) in enumerate(chosen):
        s, e = t["sentence"]
        before = [x for x in art["sentences"] if x[1] <= s]
        previous = text[before[-1][0] : before[-1][1]] if before else ""
        items.append(
            {
                "item": f"s{i:03d}",
                "seesaw": {"id": art["id"], "triple": k, "stance": t["stance"]},
                "title": text.split("\n", 1)[0],
                "previous": previous,
                "sentence": text[s:e],
                "claims": [
                    {
                        "speaker": t["subject"],
                        "speaker_text": c.get("speaker") or t["subject"],
                        "cue": c.get("cue"),
                        "content": c.get("quote", ""),
                        "targets": [{"text": t["object"], "name": t["object"], "span": [0, 0]}],
                    }
                ],
            }
        )
    return items


def score(items: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    """Accuracy and macro F1 (support / oppose) of the annotators against SEESAW's labels."""
    rows = [
        (it["seesaw"]["stance"], labels[f"{it['item']}-0-0"])
        for it in items
        if f"{it['item']}-0-0" in labels
    ]
    f1s = []
    for cls in ("support", "oppose"):
        tp = sum(g == cls and p == cls for g, p in rows)
        fp = sum(g != cls and p == cls for g, p in rows)
        fn = sum(g == cls and p != cls for g, p in rows)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    polar = [(g, p) for g, p in rows if p != "neutral"]
    return {
        "pairs": len(rows),
        "accuracy": round(sum(g == p for g, p in rows) / len(rows), 3) if rows else None,
        "macro_f1": round(sum(f1s) / 2, 3),
        "called_neutral": sum(p == "neutral" for _, p in rows),
        "right_polarity_where_polar": round(sum(g == p for g, p in polar) / len(polar), 3)
        if polar
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--pairs", type=int, default=200)
    d.add_argument("--pred", type=Path, default=ROOT / "bench" / "_work" / "seesaw-pred.jsonl")
    d.add_argument("--seed", type=int, default=0)
    s = sub.add_parser("score")
    s.add_argument("labels", type=Path, nargs="+")
    args = ap.parse_args(argv)
    if not (EVAL / "seesaw-dev.jsonl").exists():
        print(f"{EVAL / 'seesaw-dev.jsonl'} is absent: nothing to do")
        return 0
    items_path = WORK / "items.jsonl"
    if args.cmd == "draw":
        if not args.pred.exists():
            print(f"{args.pred} is absent: run `make evaluate ARGS='--only seesaw'` first")
            return 1
        items = draw(args.pairs, args.pred, args.seed)
        WORK.mkdir(parents=True, exist_ok=True)
        with items_path.open("w", encoding="utf-8") as fh:
            for it in items:
                fh.write(json.dumps(it, ensure_ascii=False) + "\n")
        print(f"{len(items)} pairs to {items_path}")
        return 0
    with items_path.open(encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh]
    labels = {}
    for path in args.labels:
        with path.open(encoding="utf-8") as fh:
            labels.update({r["pair"]: r["label"] for r in map(json.loads, fh) if "pair" in r})
    print(json.dumps(score(items, labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
