"""The annotation workflow: batches shown to annotators, their labels checked, the double
annotated sample drawn, agreement computed and the labels merged into the data file.

    python3 models/data/annotation.py render BATCH.jsonl            # the annotator's view
    python3 models/data/annotation.py check BATCH.jsonl LABELS.jsonl # every pair labelled?
    python3 models/data/annotation.py double --out DIR BATCH.jsonl … # the 15 % second sample
    python3 models/data/annotation.py agreement FIRST.jsonl … --second SECOND.jsonl …
    python3 models/data/annotation.py disagreements BATCH.jsonl … --labels DIR   # to adjudicate
    python3 models/data/annotation.py merge …                         # see merge --help
    python3 models/data/annotation.py stats models/data/speaker-stance.jsonl.gz  # the card's counts

Standard library only. The guidelines are ``models/data/GUIDELINES.md``; a label line is
``{"pair": ID, "label": …, "speaker_ok": …, "target_ok": …, "why": …}`` and a missed target
``{"missed": CLAIM_ID, "text": …, "label": …, "why": …}``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

LABELS = ("support", "oppose", "neutral")


def _open(path: Path, mode: str) -> Any:
    """``path`` as text, gzipped where its name ends in .gz."""
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with _open(path, "r") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with _open(path, "w") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def pairs(items: Iterable[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any], int, int]]:
    """(pair id, item, claim index, target index) for every pair of a batch."""
    for item in items:
        for c, claim in enumerate(item["claims"]):
            for t in range(len(claim["targets"])):
                yield f"{item['item']}-{c}-{t}", item, c, t


def _quoted(text: str) -> str:
    return "«" + " ".join(text.split()) + "»"


def render(items: Iterable[dict[str, Any]]) -> str:
    """The batch as the annotator reads it: each sentence, its claims and their targets."""
    lines = []
    for item in items:
        lines.append(f"=== {item['item']}")
        lines.append(f"SENTENCE: {' '.join(item['sentence'].split())}")
        for c, claim in enumerate(item["claims"]):
            who = _quoted(claim["speaker_text"])
            if claim["speaker"] != claim["speaker_text"]:
                who += f" (= {claim['speaker']})"
            cue = _quoted(claim["cue"]) if claim["cue"] else "(none)"
            lines.append(f"  CLAIM {item['item']}-{c}: SPEAKER {who}  CUE {cue}")
            lines.append(f"    CONTENT {_quoted(claim['content'])}")
            for t, target in enumerate(claim["targets"]):
                shown = f"{_quoted(target['text'])} @{target['span'][0]}"
                if target["name"] != target["text"]:
                    shown += f" (= {target['name']})"
                lines.append(f"    {item['item']}-{c}-{t}  TARGET {shown}")
        lines.append("")
    return "\n".join(lines)


def check(items: list[dict[str, Any]], labels: list[dict[str, Any]]) -> list[str]:
    """Problems with a labels file: pairs missing, unknown or labelled twice, bad values."""
    wanted = {pid for pid, *_ in pairs(items)}
    claims = {f"{item['item']}-{c}" for item in items for c in range(len(item["claims"]))}
    sentences = {item["item"]: item["sentence"] for item in items}
    seen: Counter[str] = Counter()
    problems = []
    for n, row in enumerate(labels, 1):
        if row.get("label") not in LABELS:
            problems.append(f"line {n}: label must be one of {', '.join(LABELS)}")
        if "pair" in row:
            seen[row["pair"]] += 1
            if row["pair"] not in wanted:
                problems.append(f"line {n}: no pair {row['pair']} in the batch")
            for flag in ("speaker_ok", "target_ok"):
                if not isinstance(row.get(flag), bool):
                    problems.append(f"line {n}: {flag} must be true or false")
        elif "missed" in row:
            claim = row["missed"]
            if claim not in claims:
                problems.append(f"line {n}: no claim {claim} in the batch")
            elif row.get("text", "") not in sentences[claim.rsplit("-", 1)[0]]:
                problems.append(f"line {n}: {row.get('text')!r} is not in the sentence")
        else:
            problems.append(f"line {n}: neither a pair nor a missed target")
    problems += [f"{pid}: labelled {k} times" for pid, k in seen.items() if k > 1]
    missing = sorted(wanted - set(seen))
    if missing:
        problems.append(f"{len(missing)} pairs unlabelled, first {', '.join(missing[:5])}")
    return problems


def double_sample(batches: list[Path], share: float, seed: int) -> list[dict[str, Any]]:
    """A random ``share`` of each batch's sentences (at least one), for a second annotator."""
    rng = random.Random(seed)
    out = []
    for path in batches:
        items = read_jsonl(path)
        k = max(1, round(share * len(items)))
        out += sorted(rng.sample(items, k), key=lambda it: it["item"])
    return out


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's κ of two label sequences."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in LABELS) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for k in LABELS:
        tp = sum(g == k and p == k for g, p in zip(gold, pred, strict=True))
        fp = sum(g != k and p == k for g, p in zip(gold, pred, strict=True))
        fn = sum(g == k and p != k for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def by_pair(paths: Iterable[Path]) -> dict[str, dict[str, Any]]:
    return {row["pair"]: row for path in paths for row in read_jsonl(path) if "pair" in row}


def agreement(
    first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """κ, macro F1 (the first as reference) and raw agreement over the pairs labelled twice."""
    both = sorted(set(first) & set(second))
    a = [first[p]["label"] for p in both]
    b = [second[p]["label"] for p in both]
    polar = [(x, y) for x, y in zip(a, b, strict=True) if x != "neutral" and y != "neutral"]
    return {
        "pairs": len(both),
        "kappa": round(kappa(a, b), 3) if both else None,
        "macro_f1": round(macro_f1(a, b), 3) if both else None,
        "agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(both), 3)
        if both
        else None,
        "polarity_agreement_where_both_polar": round(sum(x == y for x, y in polar) / len(polar), 3)
        if polar
        else None,
        "confusion": Counter(f"{x}/{y}" for x, y in zip(a, b, strict=True)),
    }


def disagreements(
    batches: list[Path], first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]
) -> str:
    """The pairs two annotators labelled differently, as the adjudicator reads them: the
    sentence, the claim, the target and both labels with their reasons (not who gave which)."""
    lines = []
    for path in batches:
        for item in read_jsonl(path):
            for pid, _, c, t in pairs([item]):
                if pid not in first or pid not in second:
                    continue
                a, b = first[pid], second[pid]
                if a["label"] == b["label"]:
                    continue
                claim = item["claims"][c]
                target = claim["targets"][t]
                shown = f"{_quoted(target['text'])} @{target['span'][0]}"
                if target["name"] != target["text"]:
                    shown += f" (= {target['name']})"
                who = _quoted(claim["speaker_text"])
                if claim["speaker"] != claim["speaker_text"]:
                    who += f" (= {claim['speaker']})"
                lines += [
                    f"=== {pid}",
                    f"SENTENCE: {' '.join(item['sentence'].split())}",
                    f"  SPEAKER {who}  CUE {_quoted(claim['cue'] or '')}",
                    f"  CONTENT {_quoted(claim['content'])}",
                    f"  TARGET {shown}",
                    f"  label A: {a['label']} ({a.get('why', '')})",
                    f"  label B: {b['label']} ({b.get('why', '')})",
                    "",
                ]
    return "\n".join(lines)


def find_span(sentence: str, text: str, avoid: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first occurrence of ``text`` in ``sentence`` that overlaps none of ``avoid``."""
    at = sentence.find(text)
    while at >= 0:
        span = (at, at + len(text))
        if not any(span[0] < e and s < span[1] for s, e in avoid):
            return span
        at = sentence.find(text, at + 1)
    return None


def merge(
    batches: list[Path],
    first: dict[str, dict[str, Any]],
    second: dict[str, dict[str, Any]],
    adjudicated: dict[str, dict[str, Any]],
    missed: list[dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """The data file's sentences: each batch item whose pairs were all labelled, every target
    with its final label (the adjudicated one where two annotators disagreed), and the
    annotators' missed targets added to their claims (``"from": "annotator"``)."""
    extra: dict[str, list[dict[str, Any]]] = {}
    for row in missed:
        extra.setdefault(row["missed"], []).append(row)
    for path in batches:
        for item in read_jsonl(path):
            ids = [pid for pid, *_ in pairs([item])]
            if not all(pid in first for pid in ids):
                continue
            for c, claim in enumerate(item["claims"]):
                targets = []
                for t, target in enumerate(claim["targets"]):
                    pid = f"{item['item']}-{c}-{t}"
                    row = first[pid]
                    labels = [row["label"]]
                    final = row["label"]
                    if pid in second:
                        labels.append(second[pid]["label"])
                        if labels[0] != labels[1]:
                            final = adjudicated[pid]["label"] if pid in adjudicated else None
                    targets.append(
                        {
                            **target,
                            "label": final,
                            "labels": labels,
                            "speaker_ok": row["speaker_ok"],
                            "target_ok": row["target_ok"],
                        }
                    )
                taken = [tuple(t["span"]) for t in targets] + [tuple(claim["speaker_span"])]
                for row in extra.get(f"{item['item']}-{c}", []):
                    span = find_span(item["sentence"], row["text"], taken)
                    if span is None or row["label"] not in ("support", "oppose"):
                        continue
                    taken.append(span)
                    targets.append(
                        {
                            "text": row["text"],
                            "span": list(span),
                            "name": row["text"],
                            "from": "annotator",
                            "label": row["label"],
                            "labels": [row["label"]],
                            "speaker_ok": True,
                            "target_ok": True,
                        }
                    )
                claim["targets"] = targets
            yield item


def stats(items: list[dict[str, Any]]) -> str:
    """The data card's counts: pairs by split and label, by where the target came from, and
    the annotators' flags."""
    by_split: dict[str, Counter[str]] = {}
    by_source: dict[str, Counter[str]] = {}
    flags: Counter[str] = Counter()
    sentences: Counter[str] = Counter()
    for item in items:
        sentences[item["split"]] += 1
        for claim in item["claims"]:
            for t in claim["targets"]:
                flags["speaker wrong"] += not t["speaker_ok"]
                flags["target not a mention or misnamed"] += not t["target_ok"]
                flags["labelled twice"] += len(t["labels"]) > 1
                if not t["speaker_ok"]:
                    continue
                by_split.setdefault(item["split"], Counter())[t["label"]] += 1
                by_source.setdefault(t["from"], Counter())[t["label"]] += 1

    def table(title: str, rows: dict[str, Counter[str]]) -> list[str]:
        out = [f"| {title} | " + " | ".join(LABELS) + " | pairs |", "| --- |" + " --- |" * 4]
        for name, c in rows.items():
            cells = " | ".join(f"{c[k]:,}" for k in LABELS)
            out.append(f"| {name} | {cells} | {sum(c.values()):,} |")
        return out

    lines = [f"sentences: {dict(sentences)}", ""]
    lines += table("split", {k: by_split[k] for k in ("train", "dev", "test") if k in by_split})
    lines += ["", *table("target from", by_source), "", f"flags (all pairs): {dict(flags)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render", help="print a batch as the annotator reads it")
    r.add_argument("batch", type=Path)
    c = sub.add_parser("check", help="check a labels file against its batch")
    c.add_argument("batch", type=Path)
    c.add_argument("labels", type=Path)
    d = sub.add_parser("double", help="draw the sentences a second annotator labels")
    d.add_argument("batches", type=Path, nargs="+")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--share", type=float, default=0.15)
    d.add_argument("--seed", type=int, default=0)
    g = sub.add_parser("agreement", help="κ and macro F1 between two labellings")
    g.add_argument("first", type=Path, nargs="+")
    g.add_argument("--second", type=Path, nargs="+", required=True)
    x = sub.add_parser("disagreements", help="the pairs labelled twice, differently")
    x.add_argument("batches", type=Path, nargs="+")
    x.add_argument("--labels", type=Path, required=True, help="labels folder (see merge)")
    m = sub.add_parser("merge", help="the labelled sentences, adjudicated, as one data file")
    m.add_argument("batches", type=Path, nargs="+")
    m.add_argument(
        "--labels",
        type=Path,
        required=True,
        help="folder of the first labels, one file per batch of the same name, and the second "
        "ones in files named d*.jsonl",
    )
    m.add_argument("--adjudicated", type=Path, help="labels of the pairs the two disagreed on")
    m.add_argument("--out", type=Path, required=True)
    st = sub.add_parser("stats", help="the data card's counts")
    st.add_argument("data", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "stats":
        print(stats(read_jsonl(args.data)))
        return 0
    if args.cmd == "disagreements":
        first = by_pair(args.labels / b.name for b in args.batches)
        second = by_pair(sorted(args.labels.glob("d*.jsonl")))
        print(disagreements(args.batches, first, second))
        return 0
    if args.cmd == "merge":
        firsts = [args.labels / b.name for b in args.batches]
        first, second = by_pair(firsts), by_pair(sorted(args.labels.glob("d*.jsonl")))
        adjudicated = by_pair([args.adjudicated]) if args.adjudicated else {}
        missed = [row for path in firsts for row in read_jsonl(path) if "missed" in row]
        items = list(merge(args.batches, first, second, adjudicated, missed))
        undecided = [
            f"{it['item']}-{c}-{t}"
            for it in items
            for c, cl in enumerate(it["claims"])
            for t, tg in enumerate(cl["targets"])
            if tg["label"] is None
        ]
        if undecided:
            print(f"{len(undecided)} disagreements not adjudicated, first {undecided[:5]}")
            return 1
        n = write_jsonl(args.out, items)
        counts: Counter[str] = Counter(
            tg["label"] for it in items for cl in it["claims"] for tg in cl["targets"]
        )
        print(f"{n} sentences, {sum(counts.values())} pairs {dict(counts)} -> {args.out}")
        return 0
    if args.cmd == "render":
        print(render(read_jsonl(args.batch)))
    elif args.cmd == "check":
        problems = check(read_jsonl(args.batch), read_jsonl(args.labels))
        for p in problems:
            print(p)
        n = sum(1 for _ in pairs(read_jsonl(args.batch)))
        print("ok" if not problems else f"{len(problems)} problems", f"({n} pairs)")
        return 1 if problems else 0
    elif args.cmd == "double":
        items = double_sample(args.batches, args.share, args.seed)
        n = write_jsonl(args.out, items)
        print(f"{n} sentences, {sum(1 for _ in pairs(items))} pairs to {args.out}")
    elif args.cmd == "agreement":
        result = agreement(by_pair(args.first), by_pair(args.second))
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
