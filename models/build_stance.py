#!/usr/bin/env python
"""Build the target-dependent stance model (models/stance/model) from NewsMTSC.

One command, reproducible (fixed seeds):

    python models/build_stance.py

1. reads ``train.jsonl`` from ``--data-dir`` (default ``../shared/data/newsmtsc`` beside the repo),
   holds out ``--dev-frac`` of its sentences (grouped by sentence, seeded) as the dev set;
2. writes one Doc per (sentence, target) with the target marked in the text
   (:func:`claimx.stance_model.mark_target`) and ``cats`` support/oppose/neutral
   (NewsMTSC polarity 6 -> support, 2 -> oppose, 4 -> neutral) to
   ``models/stance/corpus/{train,dev}.spacy`` (build artifacts, git-ignored);
3. runs ``spacy train`` with ``models/stance.cfg`` on the CPU (output in
   ``models/stance/training``, git-ignored);
4. copies ``model-best`` to ``models/stance/model`` keeping only what inference needs, tunes
   per-class decision weights on the dev set (optional) and records the marking style, the
   weights and the dev figures in the model's ``meta.json``.

The devtest files are never read here: they are for ``bench/stance_bench.py`` only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from claimx.stance_model import (  # noqa: E402
    LABELS,
    load_stance_model,
    mark_target,
    register_architecture,
)

POLARITY = {2.0: "oppose", 4.0: "neutral", 6.0: "support"}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
#: Files a spaCy pipeline directory needs at load time; everything else is dropped.
KEEP = {"config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "textcat"}


def read_examples(
    path: Path, further_mentions: bool = False
) -> list[list[tuple[str, tuple[int, int], str]]]:
    """Sentences of a NewsMTSC file, each a list of (text, (start, end), label).

    With ``further_mentions``, each target's automatic coreferent mentions (``he``, ``her``...)
    are added as more targets with the same label.
    """
    sentences = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["sentence_normalized"]
            items = []
            for t in record["targets"]:
                label = POLARITY[float(t["polarity"])]
                items.append((text, (int(t["from"]), int(t["to"])), label))
                for m in t.get("further_mentions") or [] if further_mentions else []:
                    if text[m["from"] : m["to"]] == m["mention"]:
                        items.append((text, (int(m["from"]), int(m["to"])), label))
            sentences.append(items)
    return sentences


def split(sentences: list[Any], dev_frac: float, seed: int) -> tuple[list[Any], list[Any]]:
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    n_dev = round(len(order) * dev_frac)
    dev = {i for i in order[:n_dev]}
    return (
        [s for i, s in enumerate(sentences) if i not in dev],
        [s for i, s in enumerate(sentences) if i in dev],
    )


def flat(sentences: list[list[Any]]) -> Iterator[Any]:
    return itertools.chain.from_iterable(sentences)


def oversample(items: list[Any], label: str, factor: float, seed: int) -> list[Any]:
    """``items`` with those labelled ``label`` repeated ``factor`` times in all (seeded)."""
    rng = random.Random(seed)
    chosen = [item for item in items if item[2] == label]
    whole, frac = divmod(factor, 1.0)
    extra = chosen * (int(whole) - 1) + rng.sample(chosen, round(frac * len(chosen)))
    out = items + extra
    rng.shuffle(out)
    return out


def write_docbin(items: list[Any], path: Path, style: str) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    for text, target, label in items:
        doc = nlp.make_doc(mark_target(text, target, style))
        doc.cats = {lab: float(lab == label) for lab in LABELS}
        db.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        n_pred = sum(p == lab for p in pred)
        n_gold = sum(g == lab for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def tune_weights(
    probs: list[dict[str, float]], gold: list[str]
) -> tuple[dict[str, float], float, float]:
    """Per-class multipliers on the probabilities that maximise dev macro F1 (oppose fixed 1)."""

    def decide(w: dict[str, float]) -> list[str]:
        return [max(LABELS, key=lambda lab, p=p: p[lab] * w[lab]) for p in probs]

    base = macro_f1(gold, decide(dict.fromkeys(LABELS, 1.0)))
    grid = [round(0.5 + 0.1 * i, 2) for i in range(16)]  # 0.5 .. 2.0
    best, best_f1 = dict.fromkeys(LABELS, 1.0), base
    for ws, wn in itertools.product(grid, grid):
        w = {"support": ws, "oppose": 1.0, "neutral": wn}
        f1 = macro_f1(gold, decide(w))
        if f1 > best_f1 + 1e-9:
            best, best_f1 = w, f1
    return best, base, best_f1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--config", type=Path, default=HERE / "stance.cfg")
    ap.add_argument("--out-dir", type=Path, default=HERE / "stance")
    ap.add_argument("--marker", default="wrap", help="target marking style (see mark_target)")
    ap.add_argument("--dev-frac", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0, help="split seed (training: see the config)")
    ap.add_argument(
        "--further-mentions", action="store_true", help="add coreferent mentions (train only)"
    )
    ap.add_argument(
        "--oversample",
        type=float,
        default=1.0,
        help="repeat the training support targets this many times (fractions sampled, seeded)",
    )
    ap.add_argument("--tune-weights", action="store_true", help="tune class weights on dev")
    ap.add_argument("--convert-only", action="store_true")
    ap.add_argument("--skip-train", action="store_true", help="reuse out-dir/training")
    ap.add_argument("--keep-training", action="store_true", help="keep out-dir/training")
    # Any other option is passed on to spacy train as a config override,
    # e.g. --training.max_epochs 5 or --components.textcat.model.width=64.
    args, overrides = ap.parse_known_args(argv)

    train_file = args.data_dir / "train.jsonl"
    if not train_file.is_file():
        print(f"no NewsMTSC training data at {train_file}", file=sys.stderr)
        return 1
    corpus = args.out_dir / "corpus"
    training = args.out_dir / "training"
    model = args.out_dir / "model"

    train_s, dev_s = split(
        read_examples(train_file, args.further_mentions), args.dev_frac, args.seed
    )
    _, dev_s = split(read_examples(train_file), args.dev_frac, args.seed)
    train_items, dev_items = list(flat(train_s)), list(flat(dev_s))
    if args.oversample != 1.0:
        train_items = oversample(train_items, "support", args.oversample, args.seed)
    print(
        f"train: {len(train_s)} sentences / {len(train_items)} targets; "
        f"dev: {len(dev_s)} / {len(dev_items)} (marker: {args.marker})"
    )
    write_docbin(train_items, corpus / "train.spacy", args.marker)
    write_docbin(dev_items, corpus / "dev.spacy", args.marker)
    if args.convert_only:
        return 0

    if not args.skip_train:
        if training.exists():
            shutil.rmtree(training)
        # In-process `spacy train`, so that the custom architecture is registered.
        from spacy.cli._util import parse_config_overrides
        from spacy.cli.train import train

        register_architecture()
        cli_overrides = [
            "--paths.train", str(corpus / "train.spacy"),
            "--paths.dev", str(corpus / "dev.spacy"),
            *overrides,
        ]  # fmt: skip
        print(f"spacy train {args.config} --output {training} {' '.join(cli_overrides)}")
        train(args.config, training, use_gpu=-1, overrides=parse_config_overrides(cli_overrides))

    if model.exists():
        shutil.rmtree(model)
    shutil.copytree(training / "model-best", model)
    for child in model.iterdir():
        if child.name not in KEEP:
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    # No machine-specific corpus paths in the shipped config.
    from thinc.api import Config

    config = Config().from_disk(model / "config.cfg", interpolate=False)
    config["paths"]["train"] = config["paths"]["dev"] = None
    config.to_disk(model / "config.cfg", interpolate=False)
    # The string store is not needed to run the pipeline (hash embeddings, labels in textcat/cfg):
    # emptying it saves ~1.2 MB and changes no prediction.
    (model / "vocab" / "strings.json").write_text("[]\n", encoding="utf-8")

    meta_path = model / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(
        name="claimx_stance",
        version="0.1.0",
        description=(
            "Target-dependent stance (support/oppose/neutral) of a news sentence towards a "
            "marked target span; trained on NewsMTSC (Hamborg & Donnay, EACL 2021; MIT)."
        ),
        license="MIT",
        sources=[
            {
                "name": "NewsMTSC",
                "url": "https://github.com/fhamborg/NewsMTSC",
                "license": "MIT",
                "author": "Felix Hamborg and Karsten Donnay",
            }
        ],
    )
    meta.pop("performance", None)
    # The marking style first: the dev evaluation below loads the model, which reads it.
    meta["claimx_stance"] = {"marker": args.marker}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    stance = load_stance_model(model)
    probs = stance.probabilities((text, target) for text, target, _ in dev_items)
    gold = [label for _, _, label in dev_items]
    weights, f1_plain, f1_tuned = tune_weights(probs, gold)
    if not args.tune_weights:
        weights, f1_tuned = dict.fromkeys(LABELS, 1.0), f1_plain
    print(f"dev macro F1: {f1_plain:.4f} (class weights {weights}: {f1_tuned:.4f})")
    meta["claimx_stance"] = {
        "marker": args.marker,
        "class_weights": weights,
        "dev_macro_f1": round(f1_tuned, 4),
        "split": {"dev_frac": args.dev_frac, "seed": args.seed},
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if not args.keep_training:
        shutil.rmtree(training)
    size = sum(f.stat().st_size for f in model.rglob("*") if f.is_file())
    print(f"model: {model} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
