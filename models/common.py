"""What the stance build steps share, without spaCy: the PyTorch build venv of ``make models``
(``teacher.py``) has no spaCy, the main venv (``build_stance.py``) has no PyTorch.

``LABELS``, ``MARKERS`` and ``SPEAKER_MARKERS`` must equal ``claimx.stance.LABELS`` and its
markers
(``tests/test_distillation.py`` checks it); claimx itself cannot import from ``models/``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

LABELS = ("support", "oppose", "neutral")
MARKERS = ("TGTSTART", "TGTEND")
SPEAKER_MARKERS = ("SPKSTART", "SPKEND")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSON Lines file, gzipped where its name ends in .gz."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
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


def teachers_mean(corpus: Path, seeds: Sequence[int]) -> Iterator[tuple[str, dict[str, float]]]:
    """Each augmented pair with the mean of the probabilities of the teachers fine-tuned with
    ``seeds`` (``labelled-SEED.jsonl``, written by ``teacher.py --seed SEED``)."""
    files = [read_jsonl(corpus / f"labelled-{seed}.jsonl") for seed in seeds]
    for rows in zip(*files, strict=True):
        marked = rows[0]["marked"]
        if any(r["marked"] != marked for r in rows):
            raise ValueError(f"the teachers' files in {corpus} label different pairs")
        yield marked, {lab: sum(r["cats"][lab] for r in rows) / len(rows) for lab in LABELS}


def soften(probs: dict[str, float], temperature: float) -> dict[str, float]:
    """``probs`` ** (1 / temperature), renormalized: a teacher's probabilities as a soft label."""
    powered = {lab: max(probs[lab], 1e-9) ** (1.0 / temperature) for lab in LABELS}
    total = sum(powered.values())
    return {lab: p / total for lab, p in powered.items()}
