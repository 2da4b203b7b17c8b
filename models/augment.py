"""Perturbed copies of the training sentences, for the teacher to label (build step only).

A small student learns more of a large teacher from the teacher's labels on many perturbed
inputs than from the gold labels alone (Tang et al. 2019, *Distilling Task-Specific Knowledge
from BERT into Simple Neural Networks*). ``build_stance.py prepare`` writes, for every
(sentence, speaker, target) of the training split, ``k`` variants that keep the speaker and the
target as they are and:

- replace each content word (noun, verb, adjective, adverb; not a stop word) with probability
  ``p_neighbour`` by one of its nearest neighbours in the distilled word vectors, or with
  probability ``p_tag`` by a random training word of the same fine-grained tag;
- with probability ``p_crop``, keep only a random window of at least six tokens around the
  speaker and the target.

Variants identical to their sentence are dropped.
Which of the variants' words change their meaning is the point: the teacher's label tells the
student what each one does to the stance.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc

CONTENT = frozenset({"NOUN", "VERB", "ADJ", "ADV"})


@dataclass
class Neighbours:
    """Nearest neighbours by cosine over word vectors (rows of ``vectors``, one per word)."""

    words: list[str]
    vectors: np.ndarray
    k: int = 10
    min_similarity: float = 0.5
    _index: dict[str, int] = field(init=False)
    _cache: dict[str, list[str]] = field(init=False, default_factory=dict)
    _usable: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.vectors = self.vectors / np.where(norms == 0, 1, norms)
        self._index = {w: i for i, w in enumerate(self.words)}
        self._usable = np.array([w.isalpha() and len(w) > 2 for w in self.words])

    def __call__(self, word: str) -> list[str]:
        if word not in self._cache:
            i = self._index.get(word)
            found: list[str] = []
            if i is not None:
                sims = self.vectors @ self.vectors[i]
                sims[~self._usable] = -1.0
                sims[i] = -1.0
                top = np.argpartition(-sims, self.k)[: self.k]
                found = sorted(self.words[j] for j in top if sims[j] > self.min_similarity)
            self._cache[word] = found
        return self._cache[word]


def same_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


@dataclass
class Augmenter:
    neighbours: Neighbours
    by_tag: dict[str, list[str]]
    p_neighbour: float = 0.2
    p_tag: float = 0.1
    p_crop: float = 0.2

    def variant(
        self, doc: Doc, spans: list[tuple[int, int]], rng: random.Random
    ) -> tuple[str, list[tuple[int, int]]] | None:
        """One perturbed copy of ``doc`` with ``spans`` (character offsets: the target, the
        speaker) kept word for word and carried over; a crop keeps them all."""
        kept = [
            [tok.idx < end and tok.idx + len(tok) > start for tok in doc] for start, end in spans
        ]
        if not all(any(k) for k in kept):
            return None
        inside = [any(k[i] for k in kept) for i in range(len(doc))]
        lo, hi = 0, len(doc)
        if rng.random() < self.p_crop:
            first = inside.index(True)
            last = len(inside) - 1 - inside[::-1].index(True)
            lo, hi = rng.randint(0, first), rng.randint(last + 1, len(doc))
            if hi - lo < 6:
                lo, hi = 0, len(doc)
        parts: list[str] = []
        new = [[-1, -1] for _ in spans]
        length = 0
        for tok in doc[lo:hi]:
            word = tok.text
            if inside[tok.i]:
                for k, span in zip(kept, new, strict=True):
                    if k[tok.i]:
                        span[0] = length if span[0] < 0 else span[0]
                        span[1] = length + len(word)
            elif tok.pos_ in CONTENT and tok.is_alpha and not tok.is_stop:
                roll = rng.random()
                if roll < self.p_neighbour and (options := self.neighbours(tok.lower_)):
                    word = same_case(tok.text, rng.choice(options))
                elif self.p_neighbour <= roll < self.p_neighbour + self.p_tag:
                    word = rng.choice(self.by_tag.get(tok.tag_) or [word])
            parts.append(word + (tok.whitespace_ if tok.i < hi - 1 else ""))
            length += len(parts[-1])
        text = "".join(parts)
        if text == doc.text:
            return None
        return text, [(s, e) for s, e in new]

    def variants(
        self, doc: Doc, spans: list[tuple[int, int]], k: int, rng: random.Random
    ) -> Iterator[tuple[str, list[tuple[int, int]]]]:
        for _ in range(k):
            if (pair := self.variant(doc, spans, rng)) is not None:
                yield pair


def tag_pool(docs: list[Doc]) -> dict[str, list[str]]:
    """Content words of ``docs`` by fine-grained tag, as often as they occur."""
    pool: dict[str, list[str]] = {}
    for doc in docs:
        for tok in doc:
            if tok.pos_ in CONTENT and tok.is_alpha and not tok.is_stop:
                pool.setdefault(tok.tag_, []).append(tok.text)
    return pool
