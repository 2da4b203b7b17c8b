"""Target-dependent stance classifier: how a sentence portrays one target span.

The shipped model (``models/stance/model``) is a small spaCy pipeline (``tok2vec`` +
``textcat``, exclusive classes ``support`` / ``oppose`` / ``neutral``) trained on NewsMTSC
(Hamborg & Donnay, EACL 2021; MIT). The target is marked in the input text the way it was at
training time (see :func:`mark_target`); the marking style is read from the model's meta.

    >>> model = load_stance_model()                               # doctest: +SKIP
    >>> model.predict("The senator praised Jones for her courage.", (20, 25))  # doctest: +SKIP
    ('support', 0.98)

spaCy is imported only when a model is loaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .types import Stance

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "DEFAULT_MODEL_PATH",
    "LABELS",
    "StanceModel",
    "load_stance_model",
    "mark_target",
    "predict",
    "predict_many",
]

#: The classes, in a fixed order.
LABELS: tuple[Stance, ...] = ("support", "oppose", "neutral")

#: Where the trained pipeline is looked for when no path is given (relative to the repo root;
#: ``CLAIMX_STANCE_MODEL`` overrides it).
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "stance" / "model"

#: Marker tokens. Single alphabetic tokens so that spaCy's tokenizer never splits them.
OPEN = "TGTSTART"
CLOSE = "TGTEND"
PLACEHOLDER = "TGTENTITY"

#: The ways of marking the target in the text (the model's meta says which one it was trained
#: with): ``wrap`` puts marker tokens around the mention, ``replace`` swaps the mention for one
#: placeholder token.
STYLES = ("wrap", "replace")

Item = tuple[str, tuple[int, int]]


def mark_target(text: str, target: tuple[int, int], style: str = "wrap") -> str:
    """Return ``text`` with the character span ``target`` (start, end exclusive) marked."""
    start, end = target
    if not 0 <= start < end <= len(text):
        raise ValueError(f"target {target!r} is not a non-empty span of a {len(text)}-char text")
    left = text[:start].rstrip()
    mention = " ".join(text[start:end].split())
    right = text[end:].lstrip()
    if style == "wrap":
        middle = f"{OPEN} {mention} {CLOSE}"
    elif style == "replace":
        middle = PLACEHOLDER
    else:
        raise ValueError(f"unknown marking style {style!r} (one of {', '.join(STYLES)})")
    return " ".join(part for part in (left, middle, right) if part)


class StanceModel:
    """A loaded stance pipeline; cheap to call, safe to reuse."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        info: dict[str, Any] = dict(nlp.meta.get("claimx_stance") or {})
        self.style: str = str(info.get("marker", "wrap"))
        weights = info.get("class_weights") or {}
        self.weights: dict[str, float] = {label: float(weights.get(label, 1.0)) for label in LABELS}
        textcat = nlp.get_pipe("textcat")
        missing = set(LABELS) - set(textcat.labels)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"stance model lacks the labels {sorted(missing)}")

    def probabilities(self, items: Iterable[Item], batch_size: int = 64) -> list[dict[str, float]]:
        """Class probabilities (``support``/``oppose``/``neutral``) for each (text, target)."""
        texts = (mark_target(text, target, self.style) for text, target in items)
        return [
            {label: float(doc.cats.get(label, 0.0)) for label in LABELS}
            for doc in self.nlp.pipe(texts, batch_size=batch_size)
        ]

    def _decide(self, probs: dict[str, float]) -> tuple[Stance, float]:
        label = max(LABELS, key=lambda lab: probs[lab] * self.weights[lab])
        score = max(-1.0, min(1.0, probs["support"] - probs["oppose"]))
        return label, score

    def predict(self, text: str, target: tuple[int, int]) -> tuple[Stance, float]:
        """Stance towards ``text[target[0]:target[1]]``: (label, P(support) - P(oppose))."""
        return self.predict_many([(text, target)])[0]

    def predict_many(
        self, items: Iterable[Item], batch_size: int = 64
    ) -> list[tuple[Stance, float]]:
        """:meth:`predict` for many (text, target) pairs at once (faster than one by one)."""
        return [self._decide(p) for p in self.probabilities(items, batch_size=batch_size)]


def target_token_span(words: Sequence[str]) -> tuple[int, int]:
    """Token range [start, end) of the marked target, markers included (all: not found)."""
    if PLACEHOLDER in words:
        i = list(words).index(PLACEHOLDER)
        return i, i + 1
    start = list(words).index(OPEN) if OPEN in words else 0
    end = list(words).index(CLOSE, start) + 1 if CLOSE in words[start:] else len(words)
    return start, end


_REGISTERED = False


def register_architecture() -> None:
    """Register ``claimx.TargetPoolTextCat.v1`` with spaCy (idempotent).

    The architecture encodes the marked sentence (the tok2vec, optionally followed by a
    bidirectional LSTM over the whole sentence), then pools the token vectors: mean and max over
    all tokens (the sentence), mean over the target (markers included), max over the target and
    its ``window`` tokens either side (its local context) and, with ``attention``, an attention
    over the tokens whose query is a learned map of the target's vector. An optional hidden
    Maxout layer, then a softmax over the classes. The shipped config names it, so it has to be
    registered before ``spacy.load`` (:func:`load_stance_model` does that) or ``spacy train``.
    """
    global _REGISTERED
    if _REGISTERED:
        return
    from functools import partial

    import spacy
    from thinc.api import (
        LSTM,
        Dropout,
        Maxout,
        Model,
        Softmax,
        SparseLinear_v2,
        chain,
        concatenate,
        resizable,
        with_padded,
    )
    from thinc.layers.resizable import resize_linear_weighted, resize_model
    from thinc.types import Floats2d

    def pool_forward(model: Model, docs: list[Any], is_train: bool) -> tuple[Floats2d, Any]:
        encoder = model.layers[0]
        window: int = model.attrs["window"]
        use_att: bool = model.attrs["attention"]
        xs, backprop_encoder = encoder(docs, is_train)
        xp = model.ops.xp
        width = model.get_dim("nI")
        scale = 1.0 / float(width) ** 0.5
        W = model.get_param("W") if use_att else None
        cols = xp.arange(width)
        rows = []
        cache: list[Any] = []
        for doc, x in zip(docs, xs, strict=True):
            n = int(x.shape[0])
            if n == 0:
                rows.append(xp.zeros((model.get_dim("nO"),), dtype="f"))
                cache.append(None)
                continue
            start, end = target_token_span([t.text for t in doc])
            lo, hi = max(0, start - window), min(n, end + window)
            arg_all = x.argmax(axis=0)
            arg_local = x[lo:hi].argmax(axis=0) + lo
            target = x[start:end].mean(axis=0)
            parts = [x.mean(axis=0), x[arg_all, cols], target, x[arg_local, cols]]
            att = None
            if W is not None:
                query = (W @ target) * scale
                scores = x @ query
                weights = xp.exp(scores - scores.max())
                weights /= weights.sum()
                parts.append(weights @ x)
                att = (query, weights)
            rows.append(xp.concatenate(parts))
            cache.append((n, start, end, arg_all, arg_local, target, att))

        def backprop(dy: Floats2d) -> Any:
            dxs = []
            for row, x, c in zip(dy, xs, cache, strict=True):
                dx = xp.zeros(x.shape, dtype="f")
                if c is not None:
                    n, start, end, arg_all, arg_local, target, att = c
                    dx += row[:width] / n
                    dx[arg_all, cols] += row[width : 2 * width]
                    dtarget = row[2 * width : 3 * width].copy()
                    dx[arg_local, cols] += row[3 * width : 4 * width]
                    if att is not None and W is not None:
                        query, weights = att
                        dpooled = row[4 * width : 5 * width]
                        dx += xp.outer(weights, dpooled)
                        dweights = x @ dpooled
                        dscores = weights * (dweights - weights @ dweights)
                        dx += xp.outer(dscores, query)
                        dquery = (dscores @ x) * scale
                        model.inc_grad("W", xp.outer(dquery, target).astype("f"))
                        dtarget += W.T @ dquery
                    dx[start:end] += dtarget / (end - start)
                dxs.append(dx)
            return backprop_encoder(dxs)

        return xp.stack(rows).astype("f"), backprop

    def pool_init(model: Model, X: Any = None, Y: Any = None) -> None:
        encoder = model.layers[0]
        encoder.initialize(X=X)
        width = model.get_dim("nI")
        model.set_dim("nO", width * (5 if model.attrs["attention"] else 4))
        if model.attrs["attention"]:
            model.set_param("W", model.ops.xp.eye(width, dtype="f"))

    def ngram_forward(model: Model, docs: list[Any], is_train: bool) -> tuple[Any, Any]:
        # Hashed n-gram features of the marked sentence for a sparse linear (bag-of-words)
        # branch: n-grams of the whole sentence, plus, with `context`, the n-grams of the
        # `context` tokens left of the target and of those right of it, hashed apart (tagged by
        # side) so that a linear model can learn what is said just before / after the target.
        from spacy.attrs import LOWER

        ops = model.ops
        xp = ops.xp
        size: int = model.attrs["ngram_size"]
        ctx: int = model.attrs["context"]

        def grams(ids: Any) -> list[Any]:
            out = [ids]
            for k in range(2, size + 1):
                if ids.shape[0] >= k:
                    out.append(ops.ngrams(k, ids))
            return out

        batch_keys, batch_vals = [], []
        for doc in docs:
            ids = xp.ascontiguousarray(doc.to_array(LOWER).astype("uint64"))
            parts = grams(ids)
            if ctx and len(doc):
                start, end = target_token_span([t.text for t in doc])
                left, right = ids[max(0, start - ctx) : start], ids[end : end + ctx]
                for seed, side in ((1, left), (2, right)):
                    side = xp.ascontiguousarray(side)
                    if side.shape[0]:
                        tagged = xp.concatenate(grams(side))
                        parts.append(ops.hash(tagged, seed)[:, 0].astype("uint64"))
            keys = xp.concatenate(parts) if parts else xp.zeros((0,), dtype="uint64")
            keys, vals = xp.unique(keys, return_counts=True)
            batch_keys.append(keys)
            batch_vals.append(vals)
        lengths = ops.asarray([k.shape[0] for k in batch_keys], dtype="int32")
        keys_all = xp.concatenate(batch_keys).astype("uint64")
        vals_all = ops.asarray(xp.concatenate(batch_vals), dtype="f")

        def backprop(dy: Any) -> list[Any]:
            return []

        return (keys_all, vals_all, lengths), backprop

    def concat_init(model: Model, X: Any = None, Y: Any = None) -> None:
        for layer in model.layers:
            layer.initialize(X=X, Y=Y)
        model.set_dim("nO", sum(layer.get_dim("nO") for layer in model.layers))

    def resize(model: Model, new_nO: int, resizable_layer: Model) -> Model:
        resizable_layer = resize_model(resizable_layer, new_nO)
        model.set_ref("output_layer", resizable_layer.layers[0])
        model.set_dim("nO", new_nO, force=True)
        return model

    @spacy.registry.architectures("claimx.TargetPoolTextCat.v1")
    def build_target_pool_textcat(
        tok2vec: Model,
        window: int = 5,
        attention: bool = False,
        lstm_width: int = 0,
        lstm_depth: int = 1,
        hidden_width: int = 0,
        dropout: float = 0.0,
        bow_ngram: int = 0,
        bow_context: int = 0,
        bow_width: int = 8,
        nO: int | None = None,
    ) -> Model:
        encoder = tok2vec
        width = tok2vec.get_dim("nO")
        if lstm_width:
            lstm = LSTM(nO=lstm_width, nI=width, bi=True, depth=lstm_depth, dropout=dropout)
            encoder = chain(tok2vec, with_padded(lstm))
            width = lstm_width
        n_pooled = width * (5 if attention else 4)
        pool: Model = Model(
            "target_pool",
            pool_forward,
            init=pool_init,
            layers=[encoder],
            dims={"nI": width, "nO": n_pooled},
            params={"W": None},
            attrs={"window": window, "attention": attention},
        )
        layers: list[Model] = [pool]
        n_in = n_pooled
        if hidden_width:
            layers += [Maxout(nO=hidden_width, nI=n_in, nP=3, normalize=True), Dropout(dropout)]
            n_in = hidden_width
        elif dropout:
            layers.append(Dropout(dropout))
        main: Model = chain(*layers) if len(layers) > 1 else layers[0]
        if bow_ngram:
            featurizer: Model = Model(
                "target_ngrams",
                ngram_forward,
                attrs={"ngram_size": bow_ngram, "context": bow_context},
            )
            bow: Model = chain(featurizer, SparseLinear_v2(nO=bow_width, length=2**18))
            main = concatenate(main, bow)
            main.init = concat_init  # thinc's init wants array inputs, these are Docs
            n_in += bow_width
        output_layer = Softmax(nO=nO, nI=n_in)
        resizable_layer: Model = resizable(
            output_layer,
            resize_layer=partial(resize_linear_weighted, fill_defaults={"b": -5000, "W": 0}),
        )
        model: Model = chain(main, resizable_layer)
        model.set_ref("output_layer", output_layer)
        model.set_ref("tok2vec", tok2vec)
        model.attrs["resize_output"] = partial(resize, resizable_layer=resizable_layer)
        if nO is not None:
            model.set_dim("nO", nO)
        model.attrs["multi_label"] = False
        return model

    _REGISTERED = True


def load_stance_model(path: Path | str | None = None) -> StanceModel:
    """Load the stance pipeline from ``path`` (default: the shipped model)."""
    import spacy

    register_architecture()

    if path is None:
        path = os.environ.get("CLAIMX_STANCE_MODEL") or DEFAULT_MODEL_PATH
    path = Path(path)
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(
            f"no stance model at {path}: build it with `python models/build_stance.py`"
        )
    return StanceModel(spacy.load(path))


@lru_cache(maxsize=1)
def _default_model() -> StanceModel:
    return load_stance_model()


def predict(text: str, target: tuple[int, int]) -> tuple[Stance, float]:
    """:meth:`StanceModel.predict` with the shipped model (loaded once)."""
    return _default_model().predict(text, target)


def predict_many(items: Sequence[Item], batch_size: int = 64) -> list[tuple[Stance, float]]:
    """:meth:`StanceModel.predict_many` with the shipped model (loaded once)."""
    return _default_model().predict_many(items, batch_size=batch_size)
