"""The stance model's layers, registered with spaCy by name.

The ``claimx_textcat`` component (:class:`SoftTextCategorizer`) and the
``claimx.TargetPoolTextCat.v1`` architecture that ``models/stance/config.cfg`` names. The
``spacy_factories`` and ``spacy_architectures`` entry points point here, so that ``spacy.load``
finds them; :func:`claimx.stance.model.load` imports this module, which registers them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc
from thinc.api import Dropout, Maxout, Model, Softmax, chain
from thinc.types import Floats2d

from .markers import target_token_span

# ------------------------------------------------------------------------- component


class SoftTextCategorizer(TextCategorizer):
    """spaCy's textcat (exclusive classes) that also trains on class probabilities.

    The build distils a larger teacher into this model by training on the teacher's
    probabilities ("soft labels"), which spaCy's own textcat refuses (it accepts 0 and 1 only).
    Its loss, the squared error of the softmax output, needs no change. At run time it is the
    plain textcat.
    """

    def _validate_categories(self, examples: Iterable[Any]) -> None:
        for eg in examples:
            values = list(eg.reference.cats.values())
            if values and (
                any(not 0.0 <= v <= 1.0 for v in values) or abs(sum(values) - 1.0) > 1e-3
            ):
                raise ValueError(f"cats must be class probabilities summing to 1: {values}")


@Language.factory(
    "claimx_textcat",
    default_config={"threshold": 0.0, "scorer": {"@scorers": "spacy.textcat_scorer.v2"}},
    assigns=["doc.cats"],
    # As spaCy's textcat: with exclusive classes cats_score is the macro F, so a config filled
    # in for this component (`spacy init fill-config`) keeps the best model by it.
    default_score_weights={"cats_score": 1.0, "cats_macro_f": None, "cats_f_per_type": None},
)
def make_soft_textcat(
    nlp: Language, name: str, model: Model, threshold: float, scorer: Any
) -> SoftTextCategorizer:
    """The ``claimx_textcat`` factory (also a ``spacy_factories`` entry point)."""
    return SoftTextCategorizer(nlp.vocab, model, name, threshold=threshold, scorer=scorer)


# ------------------------------------------------------------------------- architecture


@spacy.registry.architectures("claimx.TargetPoolTextCat.v1")
def build_target_pool_textcat(
    tok2vec: Model,
    window: int = 3,
    hidden_width: int = 128,
    dropout: float = 0.2,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """Pool the token vectors of a marked sentence four ways, then Maxout and softmax.

    Mean and max over the sentence, mean over the target (markers included), and max over the
    target and its ``window`` tokens either side. Registered with spaCy by name (and by the
    ``spacy_architectures`` entry point), so ``spacy.load`` finds it.
    """
    width = tok2vec.get_dim("nO")
    pool: Model = Model(
        "target_pool",
        _pool_forward,
        init=_pool_init,
        layers=[tok2vec],
        dims={"nI": width, "nO": 4 * width},
        attrs={"window": window},
    )
    hidden = Maxout(nO=hidden_width, nI=4 * width, nP=3, normalize=True)
    output_layer = Softmax(nO=nO, nI=hidden_width)
    model: Model = chain(pool, hidden, Dropout(dropout), output_layer)
    model.set_ref("output_layer", output_layer)
    model.set_ref("tok2vec", tok2vec)
    model.attrs["multi_label"] = False
    return model


def _pool_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Floats2d, Any]:
    encoder = model.layers[0]
    window: int = model.attrs["window"]
    xs, backprop_encoder = encoder(docs, is_train)
    xp = model.ops.xp
    width = model.get_dim("nI")
    cols = xp.arange(width)
    rows: list[Any] = []
    cache: list[Any] = []
    for doc, x in zip(docs, xs, strict=True):
        n = int(x.shape[0])
        if n == 0:
            rows.append(xp.zeros((4 * width,), dtype="f"))
            cache.append(None)
            continue
        start, end = target_token_span([t.text for t in doc])
        lo, hi = max(0, start - window), min(n, end + window)
        arg_all = x.argmax(axis=0)
        arg_local = x[lo:hi].argmax(axis=0) + lo
        parts = [x.mean(axis=0), x[arg_all, cols], x[start:end].mean(axis=0), x[arg_local, cols]]
        rows.append(xp.concatenate(parts))
        cache.append((n, start, end, arg_all, arg_local))

    def backprop(dy: Floats2d) -> Any:
        dxs = []
        for row, x, c in zip(dy, xs, cache, strict=True):
            dx = xp.zeros(x.shape, dtype="f")
            if c is not None:
                n, start, end, arg_all, arg_local = c
                dx += row[:width] / n
                dx[arg_all, cols] += row[width : 2 * width]
                dx[start:end] += row[2 * width : 3 * width] / (end - start)
                dx[arg_local, cols] += row[3 * width :]
            dxs.append(dx)
        return backprop_encoder(dxs)

    return xp.stack(rows).astype("f"), backprop


def _pool_init(model: Model, X: Any = None, Y: Any = None) -> None:
    model.layers[0].initialize(X=X)
