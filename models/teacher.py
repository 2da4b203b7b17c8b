#!/usr/bin/env python
"""Fine-tune a teacher for the stance model and label the augmented pairs (build step only).

    OMP_NUM_THREADS=1 models/build/venv/bin/python models/teacher.py --seed 0

Reads what ``build_stance.py`` wrote to ``--corpus``: ``train.jsonl`` and ``dev.jsonl`` (pairs
as the model reads them, speaker and target marked, with their gold label) and
``augmented.jsonl`` (marked variants of the training pairs, no label). Fine-tunes all six
layers of all-MiniLM-L6-v2 end to end on ``train.jsonl`` (``models/transformer.py``: means of
the input, the target and the speaker, a linear layer; ``--seed`` sets the head's
initialization and the order of the examples), keeps the epoch with the best dev macro F1,
and writes ``labelled-SEED.jsonl`` beside the inputs: each augmented pair with the teacher's
class probabilities, which ``student.py`` averages over the teachers and learns from beside
the gold pairs (Tang et al. 2019, *Distilling Task-Specific Knowledge from BERT into Simple
Neural Networks*). The teachers themselves are not shipped.

``make models`` runs two teachers (seeds 0 and 1) side by side, one thread each. Needs
``models/requirements.txt`` (the separate build environment of ``make models``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import transformer  # noqa: E402
from models.common import LABELS, read_jsonl, write_jsonl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "models/build/corpus")
    ap.add_argument("--seed", type=int, default=0, help="writes labelled-SEED.jsonl")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--learn-rate", type=float, default=4e-5)
    args = ap.parse_args()

    torch.use_deterministic_algorithms(True)
    start = time.time()
    train = list(read_jsonl(args.corpus / "train.jsonl"))
    dev = list(read_jsonl(args.corpus / "dev.jsonl"))
    pairs = list(read_jsonl(args.corpus / "augmented.jsonl"))
    model, tokenizer = transformer.load(args.layers, args.seed)
    transformer.fine_tune(
        model, tokenizer, train, dev, args.seed, args.epochs, args.learn_rate, args.batch_size,
        log=lambda line: print(f"teacher {args.seed} {line}", flush=True),
    )  # fmt: skip
    probs = transformer.probabilities(model, tokenizer, [r["marked"] for r in pairs])
    for r, p in zip(pairs, probs, strict=True):
        r["cats"] = {lab: round(float(v), 4) for lab, v in zip(LABELS, p, strict=True)}
    path = args.corpus / f"labelled-{args.seed}.jsonl"
    write_jsonl(pairs, path.with_suffix(".part"))  # complete or absent
    path.with_suffix(".part").replace(path)
    print(f"{len(pairs)} pairs labelled ({time.time() - start:.0f}s in all) -> {path}")


if __name__ == "__main__":
    main()
