"""The stance model's pooling layer (claimx.TargetPoolTextCat): what it pools and its gradient."""

from __future__ import annotations

from typing import Any

import numpy as np
import spacy
from thinc.api import Model

from claimx.stance.layers import _pool_forward

DOC = spacy.blank("en").make_doc(
    "Critics said TGTSTART Smith TGTEND had failed the town again, badly"
)
TARGET = slice(2, 5)  # the markers and the name


def _pool(x: np.ndarray, window: int) -> tuple[Model, dict[str, Any]]:
    """The pooling layer over an encoder stub that returns ``x`` and records its gradient."""
    seen: dict[str, Any] = {}

    def encode(model: Model, docs: list[Any], is_train: bool) -> tuple[list[np.ndarray], Any]:
        def backprop(dxs: list[np.ndarray]) -> list[Any]:
            seen["dx"] = dxs[0]
            return []

        return [x.copy() for _ in docs], backprop

    width = x.shape[1]
    pool: Model = Model(
        "target_pool",
        _pool_forward,
        layers=[Model("stub", encode)],
        dims={"nI": width, "nO": 4 * width},
        attrs={"window": window},
    )
    return pool, seen


def test_pools_sentence_target_and_window() -> None:
    x = np.random.default_rng(0).normal(size=(len(DOC), 4)).astype("f")
    x[8] += 10  # the sentence's maximum, one token beyond the window
    pool, _ = _pool(x, 3)
    out, _ = pool([DOC], is_train=False)
    expected = [
        x.mean(0),
        x.max(0),
        x[TARGET].mean(0),
        x[0:8].max(0),  # target +- 3 tokens
    ]
    assert np.allclose(out[0], np.concatenate(expected), atol=1e-6)


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(len(DOC), 3)).astype("float64")
    dy = rng.normal(size=(1, 4 * 3))
    pool, seen = _pool(x, 2)
    pool([DOC], is_train=True)[1](dy)
    eps = 1e-3  # the pooled output is float32; the layer is linear between argmax changes
    numeric = np.zeros_like(x)
    for i, j in np.ndindex(*x.shape):
        for sign in (1, -1):
            shifted = x.copy()
            shifted[i, j] += sign * eps
            out, _ = _pool(shifted, 2)[0]([DOC], is_train=False)
            numeric[i, j] += sign * float((out * dy).sum()) / (2 * eps)
    assert np.allclose(seen["dx"], numeric, atol=1e-3)
