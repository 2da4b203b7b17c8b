"""The stance model's two ways of marking a speaker and a target agree: the build marks
training text by character span (``stance.mark``), claimx marks a parsed sentence's tokens
(``marked_doc``)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import Sentencizer

import claimx
from claimx.stance import CLOSE, OPEN, SPEAKER_CLOSE, SPEAKER_OPEN, mark, marked_words

pytestmark = pytest.mark.model  # the pipeline's tokenizer is the one inference marks with

# (sentence, target, speaker): possessives, punctuation and quotes beside the target, a target
# at the start and at the end, several words, runs of spaces inside and around it; a speaker
# before and after the target, next to it, and none.
CASES = [
    ("Critics slammed Smith's plan.", "Smith", "Critics"),
    ("The senator praised Jones for her courage.", "Jones", "The senator"),
    ("Obama welcomed the deal, aides said.", "Obama", "aides"),
    ("Obama welcomed the deal, aides said.", "the deal", "Obama"),
    (
        "Protesters denounced the U.S. government's new policy on Tuesday.",
        "the U.S. government",
        None,
    ),
    (
        '"It was a disaster," said Mayor Bill de Blasio of the new law.',
        "the new law",
        "Mayor Bill de Blasio",
    ),
    ("Merkel, who met Obama on Monday, criticized Russia.", "Russia.", "Merkel"),
    (
        "Clinton's campaign attacked Trump (again) over his tax returns.",
        "Trump",
        "Clinton's campaign",
    ),
    ("Officials said  the   deal was fair.", "the   deal", "Officials"),
    ("Lee Smith praised the plan.", "the plan", "Lee Smith"),
]


def _span(text: str, mention: str | None) -> tuple[int, int] | None:
    if mention is None:
        return None
    start = text.index(mention)
    return start, start + len(mention)


def _training_tokens(
    text: str, target: tuple[int, int], speaker: tuple[int, int] | str | None
) -> list[str]:
    """As the build writes a training Doc: mark the text, then tokenize (write_docbin)."""
    return [t.text for t in spacy.blank("en").make_doc(mark(text, target, speaker))]


def _inference_tokens(
    nlp: Language, text: str, target: tuple[int, int], speaker: tuple[int, int] | None
) -> list[str]:
    """As claimx marks a pair at inference (stance.score, assembly.model_stance)."""
    doc = Sentencizer()(nlp.make_doc(text))
    span = doc.char_span(*target, alignment_mode="expand")
    who = doc.char_span(*speaker, alignment_mode="expand") if speaker else None
    assert span is not None
    return marked_words(doc[span.start].sent, span, who)


@pytest.mark.parametrize(("text", "mention", "speaker"), CASES)
def test_training_and_inference_mark_the_same_tokens(
    text: str, mention: str, speaker: str | None
) -> None:
    target, who = _span(text, mention), _span(text, speaker)
    assert target is not None
    trained = _training_tokens(text, target, who)
    assert trained.count(OPEN) == trained.count(CLOSE) == 1
    assert trained.count(SPEAKER_OPEN) == trained.count(SPEAKER_CLOSE) == (speaker is not None)
    for nlp in (
        claimx.load(stance="rules"),
        spacy.blank("en"),
    ):  # the pipeline's tokenizer, and the plain one
        assert _inference_tokens(nlp, text, target, who) == trained


def test_a_speaker_outside_the_sentence_comes_first() -> None:
    text = 'Ms. Lee spoke first. "The mayor is a disgrace."'
    target = _span(text, "The mayor")
    assert target is not None
    nlp = spacy.blank("en")
    doc = Sentencizer()(nlp.make_doc(text))
    span = doc.char_span(*target)
    speaker = doc.char_span(0, 7)  # "Ms. Lee", in the sentence before
    assert span is not None and speaker is not None
    marked = marked_words(doc[span.start].sent, span, speaker)
    assert marked[:5] == [SPEAKER_OPEN, "Ms.", "Lee", SPEAKER_CLOSE, ":"]
    assert marked[5:8] == [OPEN, "The", "mayor"]
    # the build writes such a pair as the speaker's name before the marked sentence
    sent = doc[span.start].sent
    start = target[0] - sent.start_char
    assert _training_tokens(sent.text, (start, start + 9), "Ms. Lee") == marked


def test_a_speaker_that_is_the_target_is_not_marked() -> None:
    text = "Lee Smith praised himself."
    nlp = spacy.blank("en")
    doc = Sentencizer()(nlp.make_doc(text))
    marked = marked_words(doc[0:3], doc[0:2], doc[0:2])
    assert marked[:4] == [OPEN, "Lee", "Smith", CLOSE]
    assert SPEAKER_OPEN not in marked
    assert mark(text, (0, 9), (0, 9)) == f"{OPEN} Lee Smith {CLOSE} praised himself."


def test_a_target_inside_a_token_is_marked_whole_at_inference() -> None:
    # The one known difference: claimx's targets are token spans, so inference widens a
    # character span to whole tokens, where the training text splits the token.
    text = "The E.U.-backed plan drew fire."
    target = (4, 8)  # "E.U."
    assert _training_tokens(text, target, None)[1:5] == [OPEN, "E.U.", CLOSE, "-backed"]
    assert _inference_tokens(claimx.load(stance="rules"), text, target, None)[1:4] == [
        OPEN,
        "E.U.-backed",
        CLOSE,
    ]
