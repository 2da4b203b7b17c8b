"""The stance model's two ways of marking a target agree: the build marks training text by
character span (``mark_target``), claimx marks a parsed sentence's tokens (``marked_doc``)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer

from claimx import stance
from claimx.stance import CLOSE, OPEN, marked_doc
from models.build_stance import mark_target

pytestmark = pytest.mark.model  # the stance model's tokenizer is the one inference uses

# (sentence, target): possessives, punctuation and quotes beside the target, a target at the
# start and at the end, several words, runs of spaces inside and around it.
CASES = [
    ("Critics slammed Smith's plan.", "Smith"),
    ("The senator praised Jones for her courage.", "Jones"),
    ("Obama welcomed the deal, aides said.", "Obama"),
    ("Protesters denounced the U.S. government's new policy on Tuesday.", "the U.S. government"),
    ('"It was a disaster," said Mayor Bill de Blasio of the new law.', "the new law"),
    ("Merkel, who met Obama on Monday, criticized Russia.", "Russia."),
    ("Clinton's campaign attacked Trump (again) over his tax returns.", "Trump"),
    ("Officials said  the   deal was fair.", "the   deal"),
]


def _training_tokens(text: str, target: tuple[int, int]) -> list[str]:
    """As the build writes a training Doc: mark the text, then tokenize (write_docbin)."""
    return [t.text for t in spacy.blank("en").make_doc(mark_target(text, target))]


def _inference_tokens(nlp: Language, text: str, target: tuple[int, int]) -> list[str]:
    """As claimx marks a target at inference (stance.score, assembly.model_stance)."""
    doc = Sentencizer()(nlp.make_doc(text))
    span = doc.char_span(*target, alignment_mode="expand")
    assert span is not None
    return [t.text for t in marked_doc(nlp.vocab, doc[span.start].sent, span)]


@pytest.mark.parametrize(("text", "mention"), CASES)
def test_training_and_inference_mark_the_same_tokens(text: str, mention: str) -> None:
    start = text.index(mention)
    target = (start, start + len(mention))
    trained = _training_tokens(text, target)
    assert trained.count(OPEN) == trained.count(CLOSE) == 1
    for nlp in (stance.default_model().nlp, spacy.blank("en")):
        assert _inference_tokens(nlp, text, target) == trained


def test_a_target_inside_a_token_is_marked_whole_at_inference() -> None:
    # The one known difference: claimx's targets are token spans, so inference widens a
    # character span to whole tokens, where the training text splits the token.
    text = "The E.U.-backed plan drew fire."
    target = (4, 8)  # "E.U."
    assert _training_tokens(text, target)[1:5] == [OPEN, "E.U.", CLOSE, "-backed"]
    nlp = stance.default_model().nlp
    assert _inference_tokens(nlp, text, target)[1:4] == [OPEN, "E.U.-backed", CLOSE]
