#!/usr/bin/env python
"""Train the shipped stance model, a three-layer transformer, and export it to ONNX (build only).

    OMP_NUM_THREADS=2 models/build/venv/bin/python models/student.py [--teachers 0 1]

Reads what ``build_stance.py`` wrote to ``--corpus`` (``train.jsonl``, ``train-outside.jsonl``,
``dev.jsonl``: marked pairs with their gold label) and, for each of ``--teachers``,
``labelled-SEED.jsonl``
(the augmented pairs with that teacher's probabilities, from ``teacher.py``; their mean is a
soft label). Fine-tunes all-MiniLM-L6-v2 cut to three layers (``models/transformer.py``) on
the gold pairs and the teacher-labelled ones, keeps the epoch with the best dev macro F1, fits
a softmax temperature on the dev set, and writes to ``--out`` (``models/stance``):

- ``model.onnx``: the classifier, weights quantized to 8-bit integers (ONNX Runtime's dynamic
  quantization); inputs ``input_ids`` and ``attention_mask`` (int64, batch x pieces), output
  ``logits`` (batch x 3, in ``claimx.stance.LABELS`` order);
- ``tokenizer.json``: its word-piece tokenizer with the four markers;
- ``meta.json``: labels, temperature, class biases (log-probability offsets fitted on the dev
  set for macro F1), dev macro F1, sources and licences.

claimx runs it with ONNX Runtime and the tokenizers library; PyTorch is never needed at run
time. Needs ``models/requirements.txt`` (the build environment of ``make models``).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models import transformer  # noqa: E402
from models.common import LABELS, macro_f1, read_jsonl, soften, teachers_mean  # noqa: E402


def fit_biases(probs: np.ndarray, gold: list[str]) -> dict[str, float]:
    """Log-probability offsets for support and oppose (neutral stays 0), -1 to 1 in steps of
    0.05, that maximize the dev set's macro F1: trained on a majority of neutral pairs, the
    model calls neutral more often than it should."""
    logp = np.log(np.maximum(probs, 1e-9))
    grid = [round(-1 + 0.05 * i, 2) for i in range(41)]
    best: tuple[float, float, float] = (-1.0, 0.0, 0.0)
    for s in grid:
        for o in grid:
            pred = (logp + np.array([s, o, 0.0])).argmax(1)
            f1 = macro_f1(gold, [LABELS[k] for k in pred])
            if f1 > best[0] + 1e-9:
                best = (f1, s, o)
    return {"support": best[1], "oppose": best[2], "neutral": 0.0}


def fit_temperature(probs: np.ndarray, gold: list[str]) -> float:
    """The temperature (0.5 to 5, steps of 0.05) that minimizes the dev set's log-loss."""
    index = [LABELS.index(g) for g in gold]

    def nll(t: float) -> float:
        p = np.maximum(probs, 1e-9) ** (1 / t)
        p /= p.sum(1, keepdims=True)
        return -sum(math.log(p[i, k]) for i, k in enumerate(index))

    return min((round(0.5 + 0.05 * i, 2) for i in range(91)), key=nll)


def export(model: transformer.PairClassifier, tokenizer: object, out: Path) -> None:
    """``model.onnx`` (8-bit weights) and ``tokenizer.json`` into ``out``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    ids, mask = transformer.encode(tokenizer, ["a TGTSTART b TGTEND", "SPKSTART c SPKEND d"])
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "model.onnx"
        torch.onnx.export(
            model,
            (ids, mask),
            str(full),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "pieces"},
                "attention_mask": {0: "batch", 1: "pieces"},
                "logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(
            str(full), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True
        )
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer.save_pretrained(tmp)  # type: ignore[attr-defined]
        shutil.copy(Path(tmp) / "tokenizer.json", out / "tokenizer.json")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "models/build/corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "models/stance")
    ap.add_argument("--teachers", type=int, nargs="*", default=[], help="seeds of teacher.py runs")
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--learn-rate", type=float, default=8e-5)
    ap.add_argument("--soft-temperature", type=float, default=2.0)
    ap.add_argument(
        "--export-only", action="store_true", help="calibrate and export the last trained weights"
    )
    args = ap.parse_args()

    torch.use_deterministic_algorithms(True)
    start = time.time()
    dev = list(read_jsonl(args.corpus / "dev.jsonl"))
    model, tokenizer = transformer.load(args.layers, args.seed)
    weights = args.corpus.parent / "student.pt"
    if args.export_only:
        model.load_state_dict(torch.load(weights))
        f1 = transformer.dev_f1(model, tokenizer, dev)
    else:
        gold = list(read_jsonl(args.corpus / "train.jsonl"))
        gold += read_jsonl(args.corpus / "train-outside.jsonl")
        taught = [
            {"marked": marked, "cats": soften(probs, args.soft_temperature)}
            for marked, probs in teachers_mean(args.corpus, args.teachers)
        ]
        print(f"student: {len(gold)} gold + {len(taught)} teacher-labelled pairs", flush=True)
        f1 = transformer.fine_tune(
            model, tokenizer, gold + taught, dev, args.seed, args.epochs, args.learn_rate,
            args.batch_size, log=lambda line: print(f"student {line}", flush=True),
        )  # fmt: skip
        torch.save(model.state_dict(), weights)  # --export-only exports them again
    args.out.mkdir(parents=True, exist_ok=True)
    for child in args.out.iterdir():
        if child.name != "__init__.py":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    export(model, tokenizer, args.out)
    # the decision is fitted on what ships: the exported 8-bit model's dev probabilities
    gold = [r["label"] for r in dev]
    probs = onnx_probabilities(args.out, [r["marked"] for r in dev])
    plain = macro_f1(gold, [LABELS[k] for k in probs.argmax(1)])
    biases = fit_biases(probs, gold)
    biased = probs * np.exp([biases[lab] for lab in LABELS])
    biased /= biased.sum(1, keepdims=True)
    shipped = macro_f1(gold, [LABELS[k] for k in biased.argmax(1)])
    temperature = fit_temperature(biased, gold)
    meta = {
        "name": "claimx_stance",
        "version": "1.0.0",
        "description": (
            "The stance (support/oppose/neutral) a claim's marked speaker takes toward a marked "
            "target in a news sentence: all-MiniLM-L6-v2 cut to three layers, fine-tuned on "
            "claimx's speaker-stance annotations (models/data)"
            + (f", distilled from {len(args.teachers)} six-layer teachers" if args.teachers else "")
            + "; weights quantized to 8 bits."
        ),
        "labels": list(LABELS),
        "temperature": temperature,
        "biases": biases,
        "dev_macro_f1": round(shipped, 4),
        "layers": args.layers,
        "teachers": args.teachers,
        "license": "MIT",
        "sources": [
            {"name": "claimx speaker-stance annotations (models/data/README.md)", "license": "MIT"},
            {
                "name": "NewsMTSC (the annotated sentences)",
                "url": "https://github.com/fhamborg/NewsMTSC",
                "license": "MIT",
                "author": "Felix Hamborg and Karsten Donnay",
            },
            {
                "name": "all-MiniLM-L6-v2 (the encoder)",
                "url": "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
                "license": "Apache-2.0",
            },
        ],
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(
        f"dev macro F1 {f1:.4f} (PyTorch), {plain:.4f} (the exported 8-bit model), "
        f"{shipped:.4f} (with biases {biases}); temperature {temperature}; {args.out} "
        f"{size / 1e6:.1f} MB; {time.time() - start:.0f}s"
    )
    return 0


def onnx_probabilities(model_dir: Path, texts: list[str]) -> np.ndarray:
    """The exported model's class probabilities, run as claimx runs it."""
    import onnxruntime
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(transformer.MAX_PIECES)
    tok.enable_padding()
    session = onnxruntime.InferenceSession(str(model_dir / "model.onnx"))
    logits = []
    for i in range(0, len(texts), 64):
        enc = tok.encode_batch(texts[i : i + 64])
        ids = np.array([e.ids for e in enc], dtype="int64")
        mask = np.array([e.attention_mask for e in enc], dtype="int64")
        logits.append(session.run(None, {"input_ids": ids, "attention_mask": mask})[0])
    scores = np.concatenate(logits)
    exp = np.exp(scores - scores.max(1, keepdims=True))
    return exp / exp.sum(1, keepdims=True)


if __name__ == "__main__":
    sys.exit(main())
