"""Stance of a claim toward its target, from rules: the cue's prior, negation, polarity.

The cue decides where it carries a stance ("welcomed" +, "criticized" -); otherwise the
polarity of the content's words does, each flipped by negation ("no intention of
engaging") and by shifters that reverse what they govern ("ending the offensive").
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from .lexicons import polarity
from .types import Stance

#: Words that reverse the polarity of what they govern.
SHIFTERS = frozenset(
    {"end", "stop", "halt", "prevent", "avoid", "reduce", "lack", "fight", "combat", "curb"}
    | {"against", "without"}
)
_NEGATORS = frozenset({"no", "never", "not", "n't", "nothing", "neither", "nor"})
THRESHOLD = 0.15


def is_negated(token: Token) -> bool:
    """Does a negation (``not``, ``no``) attach to ``token``?"""
    return any(
        c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in _NEGATORS) for c in token.children
    )


def word_polarity(token: Token, root: Token) -> float:
    """Polarity of one content word, flipped by negation and shifters up to ``root``."""
    value = polarity().get(token.lemma_.lower(), 0.0)
    if not value:
        return 0.0
    sign = -1 if is_negated(token) else 1
    node = token
    while node.i != root.i and node.head.i != node.i:
        node = node.head
        if node.lemma_.lower() in SHIFTERS:
            sign = -sign
        if is_negated(node):
            sign = -sign
    return sign * value


def content_polarity(tokens: Iterable[Token], root: Token) -> float:
    """Summed, clipped polarity of the content's words."""
    total = sum(word_polarity(t, root) for t in tokens)
    return max(-1.0, min(1.0, total))


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
    score = 0.7 * prior + 0.3 * content if prior else content
    score = max(-1.0, min(1.0, score))
    return label(score), score
