"""Stance by rules: the cue's prior, the content's word polarity, negation and shifters.

In the pipeline, a cue that carries a stance ("welcomed" +, "criticized" -, flipped when
negated) weighs 0.7 and the content the rest (:func:`rule_stance`, :func:`combine`). The
content is the learned model's P(support) - P(oppose) (:mod:`claimx.stance.model`) or, without
the model (``stance="rules"``) or without a target, the polarity of the content's words, each
flipped by negation ("no intention of engaging") and by shifters that reverse what they govern
("ending the offensive"). Nothing here imports the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from spacy.tokens import Token

from ..lexicons import Lexicons
from ..types import STANCES, Stance

#: Weight of the cue's prior when the cue carries a stance; the rest is the content's.
PRIOR_WEIGHT = 0.7

_NEGATORS = frozenset({"no", "never", "not", "n't", "nothing", "neither", "nor"})
THRESHOLD = 0.15


def is_negated(token: Token) -> bool:
    """Does a negation (``not``, ``no``) attach to ``token``?"""
    return any(
        c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in _NEGATORS) for c in token.children
    )


def word_polarity(token: Token, root: Token, lexicons: Lexicons) -> float:
    """Polarity of one content word, flipped by negation and by shifters (words that reverse
    what they govern) up to ``root``; polarity and shifters come from ``lexicons``."""
    value = lexicons.polarity.get(token.lemma_.lower(), 0.0)
    return polarity_sign(token, root, lexicons) * value if value else 0.0


def polarity_sign(token: Token, root: Token, lexicons: Lexicons) -> int:
    """-1 where negation and shifters up to ``root`` reverse what ``token`` says, else 1."""
    sign = -1 if is_negated(token) else 1
    node = token
    while node.i != root.i and node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in lexicons.shifters:
            sign = -sign
        if is_negated(node):
            sign = -sign
    return sign


def clip(score: float) -> float:
    """``score`` held to [-1, 1]."""
    return max(-1.0, min(1.0, score))


def label(score: float) -> Stance:
    """support / oppose / neutral for a score in [-1, 1]."""
    if score > THRESHOLD:
        return "support"
    if score < -THRESHOLD:
        return "oppose"
    return "neutral"


def rule_stance(prior: float, cue_negated: bool, content: float) -> tuple[Stance, float]:
    """Combine the cue's prior (flipped if the cue is negated) with the content polarity."""
    if cue_negated:
        prior = -prior
    score = PRIOR_WEIGHT * prior + (1 - PRIOR_WEIGHT) * content if prior else content
    score = clip(score)
    return label(score), score


def decide(probs: Mapping[str, float]) -> tuple[Stance, float]:
    """The model's most probable class, and its score P(support) - P(oppose)."""
    best: Stance = max(STANCES, key=lambda lab: probs[lab])
    return best, clip(probs["support"] - probs["oppose"])


#: How far the content's polarity by rule tilts the model's probabilities (:func:`tilt`).
TILT = 0.5


def tilt(probs: Mapping[str, float], polarity: float, weight: float = TILT) -> dict[str, float]:
    """``probs`` leaned toward support (``polarity`` > 0) or oppose (< 0): each multiplied by
    exp(weight * polarity) for support, exp(-weight * polarity) for oppose, renormalized."""
    if not polarity or not weight:
        return dict(probs)
    lean = {"support": math.exp(weight * polarity), "oppose": math.exp(-weight * polarity)}
    raw = {label: p * lean.get(label, 1.0) for label, p in probs.items()}
    total = sum(raw.values())
    return {label: p / total for label, p in raw.items()}


def combine(prior: float, cue_negated: bool, probs: Mapping[str, float]) -> tuple[Stance, float]:
    """Stance from the model's class probabilities and the cue's prior (0: no prior)."""
    if not prior:
        return decide(probs)
    return rule_stance(prior, cue_negated, probs["support"] - probs["oppose"])
