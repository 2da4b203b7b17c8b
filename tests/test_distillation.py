"""How the stance model is distilled: the soft-label textcat."""

from __future__ import annotations

import pytest
import spacy
from spacy.training import Example

from claimx.stance_model import LABELS, SoftTextCategorizer

BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 1,
    "no_output_layer": False,
}


def _textcat() -> tuple[spacy.language.Language, SoftTextCategorizer]:
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "claimx_textcat",
        config={"model": BOW},
    )
    assert isinstance(textcat, SoftTextCategorizer)
    return nlp, textcat


def test_the_textcat_trains_on_class_probabilities() -> None:
    nlp, textcat = _textcat()
    soft = {"support": 0.7, "oppose": 0.1, "neutral": 0.2}
    examples = [Example.from_dict(nlp.make_doc("good news"), {"cats": soft})]
    for label in LABELS:
        textcat.add_label(label)
    nlp.initialize(lambda: examples)
    losses = nlp.update(examples)
    assert losses["claimx_textcat"] > 0


@pytest.mark.parametrize(
    "cats",
    [
        {"support": 0.7, "oppose": 0.7, "neutral": 0.0},  # sums to 1.4
        {"support": 1.5, "oppose": -0.5, "neutral": 0.0},  # not probabilities
    ],
)
def test_the_textcat_rejects_what_is_not_a_distribution(cats: dict[str, float]) -> None:
    nlp, textcat = _textcat()
    for label in LABELS:
        textcat.add_label(label)
    examples = [Example.from_dict(nlp.make_doc("news"), {"cats": cats})]
    nlp.initialize()
    with pytest.raises(ValueError, match="probabilities summing to 1"):
        nlp.update(examples)
