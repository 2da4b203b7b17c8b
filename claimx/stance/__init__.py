"""Stance of a claim toward its target: the cue's prior and negation, and the learned model.

:func:`score` is the public API: how a text portrays a target span in it, from the trained
stance model. In the pipeline, a cue that carries a stance ("welcomed" +, "criticized" -,
flipped when negated) weighs 0.7 and the model 0.3 (:func:`combine`). Without the model
(``stance="rules"``) or without a target, the polarity of the content's words stands in for
the model, each word flipped by negation ("no intention of engaging") and by shifters that
reverse what they govern ("ending the offensive").

The modules import one way: :mod:`~claimx.stance.rules` (no model) and
:mod:`~claimx.stance.markers` (the model's input) first, then :mod:`~claimx.stance.layers`
(the thinc layers spaCy finds by name), then :mod:`~claimx.stance.model` (load and score).
"""

from __future__ import annotations

from ..types import STANCES as LABELS
from .markers import CLOSE, OPEN, check_target, marked_doc
from .model import StanceModel, calibrate, default_model, default_path, load, score
from .rules import clip, combine, decide, is_negated, label, rule_stance, word_polarity

__all__ = [
    "CLOSE",
    "LABELS",
    "OPEN",
    "StanceModel",
    "calibrate",
    "check_target",
    "clip",
    "combine",
    "decide",
    "default_model",
    "default_path",
    "is_negated",
    "label",
    "load",
    "marked_doc",
    "rule_stance",
    "score",
    "word_polarity",
]
