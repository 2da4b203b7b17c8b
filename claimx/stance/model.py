"""The learned target-dependent stance classifier: how a sentence portrays one target span.

The shipped model is a small spaCy pipeline (``tok2vec`` + ``textcat``, exclusive classes
``support`` / ``oppose`` / ``neutral``) trained on NewsMTSC (Hamborg & Donnay, EACL 2021; MIT)
by ``models/build_stance.py``; ``models/README.md`` is its model card. It is installed with the
package as ``claimx.stance_pipeline``. The input is one sentence with the target wrapped in
marker tokens (:mod:`claimx.stance.markers`).

Most users want :func:`score`; the pipeline uses :meth:`StanceModel.probabilities` on sentences
it has already tokenized. This module imports spaCy and thinc: import it lazily.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from ..types import STANCES as LABELS  # the classes, in a fixed order
from ..types import Stance
from . import layers  # noqa: F401  registers claimx_textcat and the architecture for load()
from .markers import check_target, marked_doc
from .rules import decide

Probs = dict[str, float]


def default_path() -> Path:
    """The shipped model's directory (``CLAIMX_STANCE_MODEL`` overrides it)."""
    env = os.environ.get("CLAIMX_STANCE_MODEL")
    if env:
        return Path(env)
    try:
        from .. import stance_pipeline
    except ImportError:  # Python run from the checkout's root imports claimx/ as it is there
        return Path(__file__).resolve().parents[2] / "models" / "stance"
    return stance_pipeline.PATH


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


def load(path: Path | str | None = None) -> StanceModel:
    """Load a stance pipeline from ``path`` (default: the shipped one)."""
    path = Path(path) if path is not None else default_path()
    if not (path / "config.cfg").is_file():
        raise FileNotFoundError(f"no stance model at {path}: rebuild it with `make models`")
    return StanceModel(spacy.load(path))


@lru_cache(maxsize=1)
def default_model() -> StanceModel:
    """The shipped stance model, loaded once per process."""
    return load()


def score(text: str, target: tuple[int, int]) -> tuple[Stance, float]:
    """How ``text`` portrays ``text[target[0]:target[1]]``: (label, score in [-1, 1]).

    The label is support, oppose or neutral; the score is P(support) - P(oppose) of the shipped
    model, its probabilities calibrated on held-out data. The model reads one sentence: in a
    longer text, the one the target starts in.

    >>> score("The senator praised Jones for her courage.", (20, 25))  # doctest: +SKIP
    ('support', 0.85)
    """
    check_target(text, target)
    model = default_model()
    doc = Sentencizer()(model.nlp.make_doc(text))
    span = doc.char_span(*target, alignment_mode="expand")
    assert span is not None  # "expand" always finds the tokens of a non-blank span
    marked = marked_doc(model.nlp.vocab, doc[span.start].sent, span)
    return decide(model.probabilities([marked])[0])
