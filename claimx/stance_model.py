"""The learned target-dependent stance classifier: how a sentence portrays one target span.

The shipped model is a small spaCy pipeline (``tok2vec`` + ``textcat``, exclusive classes
``support`` / ``oppose`` / ``neutral``) trained on NewsMTSC (Hamborg & Donnay, EACL 2021; MIT)
by ``models/build_stance.py``; ``models/README.md`` is its model card. It is installed with the
package as ``claimx.stance_pipeline``. The input is one sentence with the target wrapped in
marker tokens, ``The senator praised TGTSTART Jones TGTEND for her courage.``

Most users want :func:`claimx.stance.score`; the pipeline uses :meth:`StanceModel.probabilities`
on sentences it has already tokenized. This module imports spaCy and thinc: import it lazily.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc, Span
from thinc.api import Dropout, Maxout, Model, Softmax, chain
from thinc.types import Floats2d

from .stance import decide
from .types import STANCES as LABELS  # the classes, in a fixed order
from .types import Stance

#: Marker tokens. Single alphabetic tokens so that spaCy's tokenizer never splits them.
OPEN = "TGTSTART"
CLOSE = "TGTEND"

Item = tuple[str, tuple[int, int]]
Probs = dict[str, float]


def default_path() -> Path:
    """The shipped model's directory (``CLAIMX_STANCE_MODEL`` overrides it)."""
    env = os.environ.get("CLAIMX_STANCE_MODEL")
    if env:
        return Path(env)
    try:
        from . import stance_pipeline
    except ImportError:  # Python run from the checkout's root imports claimx/ as it is there
        return Path(__file__).resolve().parent.parent / "models" / "stance"
    return stance_pipeline.PATH


def check_target(text: str, target: tuple[int, int]) -> None:
    """Raise ValueError unless ``target`` is a non-blank character span of ``text``."""
    start, end = target
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        raise ValueError(f"target {target!r} is not a non-empty span of a {len(text)}-char text")


def mark_target(text: str, target: tuple[int, int]) -> str:
    """``text`` with the character span ``target`` (start, end exclusive) wrapped in markers."""
    check_target(text, target)
    start, end = target
    left = text[:start].rstrip()
    mention = " ".join(text[start:end].split())
    right = text[end:].lstrip()
    return " ".join(part for part in (left, OPEN, mention, CLOSE, right) if part)


def marked_doc(vocab: Any, sent: Span, target: Span) -> Doc:
    """A new Doc of ``sent``'s words with markers around ``target``, a span of the same doc
    that starts in ``sent`` (cut at the sentence's end if it runs past it)."""
    start, end = target.start, min(target.end, sent.end)
    words: list[str] = []
    for tok in sent:
        if tok.i == start:
            words.append(OPEN)
        if tok.i == end:
            words.append(CLOSE)
        if not tok.is_space:
            words.append(tok.text)
    if end >= sent.end:
        words.append(CLOSE)
    return Doc(vocab, words=words)


def target_token_span(words: Sequence[str]) -> tuple[int, int]:
    """Token range [start, end) of the marked target, markers included (all: not found)."""
    words = list(words)
    start = words.index(OPEN) if OPEN in words else 0
    end = words.index(CLOSE, start) + 1 if CLOSE in words[start:] else len(words)
    return start, end


def calibrate(probs: Probs, temperature: float) -> Probs:
    """``probs`` softened (temperature > 1) or sharpened (< 1): p ** (1 / T), renormalized.

    The class with the highest probability stays the highest; only the confidence changes.
    """
    powered = {label: max(p, 1e-9) ** (1.0 / temperature) for label, p in probs.items()}
    total = sum(powered.values())
    return {label: p / total for label, p in powered.items()}


class StanceModel:
    """A loaded stance pipeline; cheap to call, safe to reuse."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        textcat = nlp.get_pipe("textcat")
        missing = set(LABELS) - set(textcat.labels)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"stance model lacks the labels {sorted(missing)}")
        #: Softmax temperature fitted on held-out data by the build (1: as trained).
        self.temperature = float(nlp.meta.get("claimx_stance", {}).get("temperature", 1.0))

    def probabilities(self, inputs: Iterable[str | Doc], batch_size: int = 64) -> list[Probs]:
        """Class probabilities for marked sentences (text, or a Doc from :func:`marked_doc`),
        calibrated by the model's temperature."""
        return [
            calibrate({label: doc.cats.get(label, 0.0) for label in LABELS}, self.temperature)
            for doc in self.nlp.pipe(inputs, batch_size=batch_size)
        ]

    def item_probabilities(self, items: Iterable[Item], batch_size: int = 64) -> list[Probs]:
        """Calibrated class probabilities for each (sentence, target span)."""
        texts = (mark_target(text, target) for text, target in items)
        return self.probabilities(texts, batch_size=batch_size)

    def predict_many(
        self, items: Iterable[Item], batch_size: int = 64
    ) -> list[tuple[Stance, float]]:
        """(label, P(support) - P(oppose)) for each (sentence, target span)."""
        return [decide(p) for p in self.item_probabilities(items, batch_size=batch_size)]


def load(path: Path | str | None = None) -> StanceModel:
    """Load a stance pipeline from ``path`` (default: the shipped one)."""
    path = Path(path) if path is not None else default_path()
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"no stance model at {path}: rebuild it with `make models`")
    return StanceModel(spacy.load(path))


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
