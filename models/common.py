"""What the stance build steps share, without spaCy: the PyTorch build venv of ``make models``
(``teacher.py``) has no spaCy, the main venv (``build_stance.py``) has no PyTorch.

``LABELS`` and ``MARKERS`` must equal ``claimx.stance.LABELS`` and its target markers
(``tests/test_distillation.py`` checks it); claimx itself cannot import from ``models/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

LABELS = ("support", "oppose", "neutral")
MARKERS = ("TGTSTART", "TGTEND")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        yield from (json.loads(line) for line in lines if line.strip())


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def per_class(
    gold: Sequence[str], pred: Sequence[str]
) -> list[tuple[str, float, float, float, int]]:
    """(label, precision, recall, F1, gold count) for each of LABELS; 0 where undefined."""
    rows = []
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        n_pred = sum(p == lab for p in pred)
        n_gold = sum(g == lab for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        rows.append((lab, prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0, n_gold))
    return rows


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Mean over LABELS of each label's F1 (0 for a label never predicted or never gold)."""
    f1s = [f1 for _, _, _, f1, _ in per_class(gold, pred)]
    return sum(f1s) / len(f1s)
