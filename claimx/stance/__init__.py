"""The speaker's stance toward each target: the learned model, the cue's prior and negation.

:func:`score` is the public API: the stance a speaker span takes toward a target span of a
text, from the trained speaker-stance model. In the pipeline, a cue that carries a stance
toward the target it governs ("welcomed" +, "accused … of" -, flipped when negated) weighs
0.7 and the model 0.3 (:func:`combine`). Without the model (``stance="rules"``) or without a
target, the polarity of the content's words stands in for the model, each word flipped by
negation ("no intention of engaging") and by shifters that reverse what they govern
("ending the offensive").

The modules import one way: :mod:`~claimx.stance.rules` (no model) and
:mod:`~claimx.stance.markers` (the model's input) first, then :mod:`~claimx.stance.model`
(load and score, with ONNX Runtime).
"""

from __future__ import annotations

from ..types import STANCES as LABELS
from .markers import (
    CLOSE,
    OPEN,
    SPEAKER_CLOSE,
    SPEAKER_OPEN,
    check_target,
    mark,
    marked_words,
    model_input,
)
from .model import (
    StanceModel,
    calibrate,
    default_path,
    default_stance_model,
    load_stance_model,
    score,
)
from .rules import (
    clip,
    combine,
    decide,
    is_negated,
    label,
    rule_stance,
    tilt,
    word_polarity,
)

__all__ = [
    "CLOSE",
    "LABELS",
    "OPEN",
    "SPEAKER_CLOSE",
    "SPEAKER_OPEN",
    "StanceModel",
    "calibrate",
    "check_target",
    "clip",
    "combine",
    "decide",
    "default_path",
    "default_stance_model",
    "is_negated",
    "label",
    "load_stance_model",
    "mark",
    "marked_words",
    "model_input",
    "rule_stance",
    "score",
    "tilt",
    "word_polarity",
]
