#!/usr/bin/env python
"""Build the target-dependent stance model (``models/stance``) from NewsMTSC.

    .venv/bin/python models/build_stance.py --raw-vectors models/build/raw-vectors

``make models`` runs it after ``distill_vectors.py``. Reproducible (fixed seeds):

1. reduces the distilled word vectors (``--raw-vectors``: ``vectors.npy`` + ``words.txt``) to
   ``--dims`` dimensions by PCA and stores them as spaCy vectors keyed by lower-case form;
2. reads ``train.jsonl`` from ``--data-dir`` (default ``../shared/data/newsmtsc`` beside the
   repo) and holds out ``--dev-frac`` of its sentences (seeded) as the dev set;
3. writes one Doc per (sentence, target) with the target marked
   (:func:`claimx.stance_model.mark_target`) and ``cats`` support/oppose/neutral
   (NewsMTSC polarity 6 -> support, 2 -> oppose, 4 -> neutral);
4. runs ``spacy train models/stance.cfg`` on the CPU;
5. copies ``model-best`` to ``models/stance`` with only what inference needs;
6. fits a softmax temperature on the dev set (calibrated ``stance_score``) into its meta.json.

Everything but the model goes to ``models/build`` (git-ignored). The devtest files are never
read here: they are for ``bench/stance_bench.py`` only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from claimx.stance_model import LABELS, calibrate, load, mark_target  # noqa: E402

POLARITY = {2.0: "oppose", 4.0: "neutral", 6.0: "support"}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
#: Files a spaCy pipeline directory needs at load time; everything else is dropped.
KEEP = {"config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "textcat"}
#: What models/stance holds besides the pipeline.
OWN = {"__init__.py"}


def read_examples(path: Path) -> list[list[tuple[str, tuple[int, int], str]]]:
    """Sentences of a NewsMTSC file, each a list of (text, (start, end), label)."""
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


def write_docbin(items: list[Any], path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    for text, target, label in items:
        doc = nlp.make_doc(mark_target(text, target))
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


def fit_temperature(probs: list[dict[str, float]], gold: list[str]) -> float:
    """The softmax temperature (0.5 to 5, steps of 0.05) that minimizes the dev set's negative
    log-likelihood: the trained textcat is overconfident, and ``stance_score`` should mean
    what it says."""

    def nll(t: float) -> float:
        return -sum(math.log(calibrate(p, t)[g]) for p, g in zip(probs, gold, strict=True))

    return min((round(0.5 + 0.05 * i, 2) for i in range(91)), key=nll)


def make_vectors(raw: Path, dims: int, out: Path) -> None:
    """PCA of the distilled vectors to ``dims`` dimensions, as a spaCy pipeline with vectors."""
    import numpy as np
    import spacy
    from spacy.vectors import Vectors

    data = np.load(raw / "vectors.npy").astype("float64")
    words = (raw / "words.txt").read_text(encoding="utf-8").split("\n")[: len(data)]
    data -= data.mean(axis=0)
    _, _, components = np.linalg.svd(data, full_matrices=False)
    reduced = data @ components[:dims].T
    reduced /= np.linalg.norm(reduced, axis=1).mean()  # unit norm on average
    nlp = spacy.blank("en")
    nlp.vocab.vectors = Vectors(
        strings=nlp.vocab.strings, data=reduced.astype("float32"), keys=words, attr="LOWER"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--raw-vectors", type=Path, default=HERE / "build" / "raw-vectors")
    ap.add_argument("--dims", type=int, default=48, help="static vector dimensions (PCA)")
    ap.add_argument("--config", type=Path, default=HERE / "stance.cfg")
    ap.add_argument("--build-dir", type=Path, default=HERE / "build")
    ap.add_argument("--out", type=Path, default=HERE / "stance")
    ap.add_argument("--dev-frac", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0, help="split seed (training: see the config)")
    # Any other option is passed on to spacy train as a config override,
    # e.g. --training.max_epochs 5 or --components.textcat.model.window=5.
    args, overrides = ap.parse_known_args(argv)

    train_file = args.data_dir / "train.jsonl"
    for needed in (train_file, args.raw_vectors / "vectors.npy"):
        if not needed.is_file():
            print(f"{needed} is missing (see models/README.md: `make models`)", file=sys.stderr)
            return 1
    vectors = args.build_dir / "vectors"
    corpus = args.build_dir / "corpus"
    training = args.build_dir / "training"

    make_vectors(args.raw_vectors, args.dims, vectors)
    train_s, dev_s = split(read_examples(train_file), args.dev_frac, args.seed)
    train_items, dev_items = list(flat(train_s)), list(flat(dev_s))
    print(
        f"train: {len(train_s)} sentences / {len(train_items)} targets; "
        f"dev: {len(dev_s)} / {len(dev_items)}"
    )
    write_docbin(train_items, corpus / "train.spacy")
    write_docbin(dev_items, corpus / "dev.spacy")

    if training.exists():
        shutil.rmtree(training)
    from spacy.cli._util import parse_config_overrides
    from spacy.cli.train import train

    cli_overrides = [
        "--paths.train", str(corpus / "train.spacy"),
        "--paths.dev", str(corpus / "dev.spacy"),
        "--paths.vectors", str(vectors),
        *overrides,
    ]  # fmt: skip
    print(f"spacy train {args.config} --output {training} {' '.join(cli_overrides)}")
    train(args.config, training, use_gpu=-1, overrides=parse_config_overrides(cli_overrides))

    model = args.out
    model.mkdir(parents=True, exist_ok=True)
    for child in model.iterdir():
        if child.name not in OWN:
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for child in (training / "model-best").iterdir():
        if child.name in KEEP:
            copy = shutil.copytree if child.is_dir() else shutil.copy2
            copy(child, model / child.name)
    # No machine-specific paths in the shipped config.
    from thinc.api import Config

    config = Config().from_disk(model / "config.cfg", interpolate=False)
    for key in ("train", "dev", "vectors"):
        config["paths"][key] = None
    config.to_disk(model / "config.cfg", interpolate=False)
    # The string store is not needed to run the pipeline (hash embeddings, vectors keyed by
    # hash, labels in the textcat's cfg): emptying it saves about 1 MB.
    (model / "vocab" / "strings.json").write_text("[]\n", encoding="utf-8")

    meta_path = model / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(
        name="claimx_stance",
        version="0.2.0",
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
            },
            {
                "name": "all-MiniLM-L6-v2 (static vectors distilled from it)",
                "url": "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
                "license": "Apache-2.0",
            },
        ],
    )
    meta.pop("performance", None)
    stance = load(model)
    probs = stance.item_probabilities((text, target) for text, target, _ in dev_items)
    pred = [max(LABELS, key=p.__getitem__) for p in probs]
    gold = [label for _, _, label in dev_items]
    f1 = macro_f1(gold, pred)
    temperature = fit_temperature(probs, gold)
    meta["claimx_stance"] = {
        "dev_macro_f1": round(f1, 4),
        "temperature": temperature,
        "split": {"dev_frac": args.dev_frac, "seed": args.seed},
        "vector_dims": args.dims,
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in model.rglob("*") if f.is_file())
    print(
        f"dev macro F1: {f1:.4f}; temperature {temperature}; model: {model} ({size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
