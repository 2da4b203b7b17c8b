"""The shipped stance model: input marking, the public score() API, the pipeline's combination."""

from __future__ import annotations

import json
import math
from pathlib import Path

import claimx.stance_pipeline
import pytest
import spacy

import claimx
from claimx import stance
from claimx.stance import CLOSE, OPEN, SPEAKER_CLOSE, SPEAKER_OPEN, calibrate, mark, marked_words
from claimx.stance.markers import speaker_token_span, target_token_span, window

pytestmark = pytest.mark.model  # the real pipeline or the stance model, loaded once here


def test_mark_wraps_the_speaker_and_the_target_in_tokens() -> None:
    text = "Critics slammed Smith's plan."
    assert mark(text, (16, 21)) == f"Critics slammed {OPEN} Smith {CLOSE} 's plan."
    assert mark(text, (16, 21), (0, 7)) == (
        f"{SPEAKER_OPEN} Critics {SPEAKER_CLOSE} slammed {OPEN} Smith {CLOSE} 's plan."
    )
    assert mark(text, (16, 21), "Ms. Lee").startswith(f"{SPEAKER_OPEN} Ms. Lee {SPEAKER_CLOSE} : ")


def test_marked_speaker_and_target_are_found_again_among_the_words() -> None:
    words = mark("We like Anna a lot.", (8, 12), (0, 2)).split()
    start, end = target_token_span(words)
    assert words[start:end] == [OPEN, "Anna", CLOSE]
    found = speaker_token_span(words)
    assert found is not None and words[slice(*found)] == [SPEAKER_OPEN, "We", SPEAKER_CLOSE]
    assert speaker_token_span(mark("We like Anna a lot.", (8, 12)).split()) is None


def test_marked_words_copy_one_sentence_of_a_parsed_doc() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("It rained. Critics slammed the new plan.")
    sent = list(doc.sents)[1]
    marked = marked_words(sent, doc[5:8], doc[3:4])  # "the new plan"; "Critics"
    assert marked == [
        SPEAKER_OPEN,
        "Critics",
        SPEAKER_CLOSE,
        "slammed",
        OPEN,
        "the",
        "new",
        "plan",
        CLOSE,
        ".",
    ]
    at_end = marked_words(sent, doc[8:9])  # the target ends with the sentence
    assert at_end[-3:] == [OPEN, ".", CLOSE]
    two = nlp("Critics slammed the plan. It failed.")
    past = marked_words(next(iter(two.sents)), two[3:7])  # "plan. It failed"
    assert past == ["Critics", "slammed", "the", OPEN, "plan", ".", CLOSE]


def test_a_long_sentence_is_cut_around_the_speaker_and_the_target() -> None:
    words = ["w"] * 30 + [SPEAKER_OPEN, "Lee", SPEAKER_CLOSE] + ["x"] * 10 + [OPEN, "Jo", CLOSE]
    words += ["y"] * 40
    cut = window(words, 30)
    assert len(cut) == 30 and cut.count(SPEAKER_OPEN) == cut.count(OPEN) == 1
    far = [SPEAKER_OPEN, "Lee", SPEAKER_CLOSE] + ["x"] * 50 + [OPEN, "Jo", CLOSE] + ["y"] * 9
    cut = window(far, 20)  # too far apart: the speaker goes first, then the target's words
    assert cut[:5] == [SPEAKER_OPEN, "Lee", SPEAKER_CLOSE, ":", "x"] and len(cut) == 20
    assert cut[10:13] == [OPEN, "Jo", CLOSE]  # six words before it, seven after
    assert window(words, 200) == words


@pytest.mark.parametrize("target", [(3, 3), (-1, 2), (0, 99), (5, 6)])
def test_bad_target_is_an_error(target: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="not a non-empty span"):
        mark("short text", target)
    with pytest.raises(ValueError, match="not a non-empty span"):
        stance.score("short text", target)


def test_the_model_ships_inside_the_package() -> None:
    path = claimx.stance_pipeline.PATH
    assert all((path / name).is_file() for name in ("model.onnx", "tokenizer.json", "meta.json"))
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    assert size < 30_000_000  # the wheel stays far under 60 MB


@pytest.mark.parametrize(
    ("text", "speaker", "target", "expected"),
    [
        (
            "The senator praised Jones for her courage and honesty.",
            "The senator",
            "Jones",
            "support",
        ),
        (
            "Critics slammed Smith for lying to voters and wasting money.",
            "Critics",
            "Smith",
            "oppose",
        ),
        (
            "The committee said it will meet Smith on Tuesday in Washington.",
            "committee",
            "Smith",
            "neutral",
        ),
        # the speaker's stance, not how the sentence portrays the target (issue 29's wire copy)
        (
            "Prelogar told the court that the FDA had acted lawfully.",
            "Prelogar",
            "the FDA",
            "support",
        ),
        (
            "China's factory activity shrank for a third month in May, official data showed.",
            "official data",
            "China",
            "neutral",
        ),
        ('The coach called James\' performance "vintage."', "The coach", "James", "support"),
    ],
)
def test_score_reads_the_speakers_stance_toward_the_target(
    text: str, speaker: str, target: str, expected: str
) -> None:
    start, who = text.index(target), text.index(speaker)
    label, score = stance.score(text, (start, start + len(target)), (who, who + len(speaker)))
    assert label == expected
    assert -1.0 <= score <= 1.0
    assert (score > 0) == (label == "support") or label == "neutral"


def test_score_uses_only_the_sentence_the_target_is_in() -> None:
    alone = "Critics slammed Smith for lying to voters and wasting money."
    start = alone.index("Smith")
    longer = "The weather was lovely all week. " + alone + " Tickets cost ten dollars."
    offset = longer.index(alone)
    speaker = (offset, offset + 7)  # "Critics"
    assert stance.score(longer, (offset + start, offset + start + 5), speaker) == pytest.approx(
        stance.score(alone, (start, start + 5), (0, 7)), abs=1e-4
    )


def test_calibration_softens_without_changing_the_decision() -> None:
    probs = {"support": 0.9, "oppose": 0.06, "neutral": 0.04}
    soft = calibrate(probs, 2.0)  # p ** (1 / 2), renormalized
    total = 0.9**0.5 + 0.06**0.5 + 0.04**0.5
    assert soft == pytest.approx({label: p**0.5 / total for label, p in probs.items()})
    assert soft["support"] < probs["support"]
    assert max(soft, key=soft.__getitem__) == "support"
    assert calibrate(probs, 1.0) == pytest.approx(probs)


def test_the_shipped_model_is_calibrated() -> None:
    meta = json.loads((claimx.stance_pipeline.PATH / "meta.json").read_text(encoding="utf-8"))
    assert 0.5 <= meta["temperature"] <= 5  # the build's grid, fitted on the held-out dev split
    assert stance.default_stance_model().temperature == meta["temperature"]
    assert tuple(meta["labels"]) == stance.LABELS
    assert all(-1 <= meta["biases"][label] <= 1 for label in stance.LABELS)


def test_a_content_that_rules_read_clearly_tilts_the_model() -> None:
    probs = {"support": 0.45, "oppose": 0.35, "neutral": 0.2}
    assert stance.tilt(probs, 0.0) == probs
    leaned = stance.tilt(probs, -1.0, weight=2.0)  # "no real indication of ending the offensive"
    assert leaned["oppose"] > leaned["support"] and sum(leaned.values()) == pytest.approx(1.0)
    assert leaned["oppose"] / leaned["support"] == pytest.approx(0.35 / 0.45 * math.exp(4))


PROBS = {"support": 0.8, "oppose": 0.1, "neutral": 0.1}


def test_without_a_cue_prior_the_model_decides() -> None:
    assert stance.combine(0.0, False, PROBS) == ("support", pytest.approx(0.7))


def test_a_cue_prior_outweighs_the_model_and_negation_flips_it() -> None:
    label, score = stance.combine(-1.0, False, PROBS)  # "criticized", content sounds positive
    assert (label, score) == ("oppose", pytest.approx(-0.7 + 0.3 * 0.7))
    assert stance.combine(-1.0, True, PROBS)[0] == "support"  # "did not criticize"


def test_the_pipeline_uses_the_model_by_default_and_the_rules_when_asked() -> None:
    text = "The mayor condemned the violent protests in the city center."
    ruled = claimx.extract(text, stance="rules")
    modelled = claimx.extract(text)
    assert modelled == claimx.extract(text, stance="model")
    assert [c.target for c in ruled] == [c.target for c in modelled] == ["the violent protests"]
    assert ruled[0].stance == modelled[0].stance == "oppose"
    # the cue's prior (-1) weighs 0.7, the model's score the rest
    assert modelled[0].stance_score != ruled[0].stance_score
    assert -1.0 <= modelled[0].stance_score < -0.4
    with pytest.raises(ValueError, match="stance must be one of"):
        claimx.load(stance="vibes")


def test_another_speakers_content_is_not_this_claims_target() -> None:
    # the wider net reads the whole sentence, but what London refuses is London's
    text = "The Kremlin welcomes European dialogue, while London refuses to engage with Putin."
    kremlin, london = claimx.extract(text)
    assert "Putin" not in [t.target for t in kremlin.targets]
    assert kremlin.targets[0].target == "European dialogue"
    assert [(t.target, t.stance) for t in london.targets] == [("Putin", "oppose")]
    two = claimx.extract("Schumer praised the deal, while McConnell said Biden had failed.")
    assert [[t.target for t in c.targets] for c in two] == [["the deal"], ["Biden"]]


def test_cli_stance_option() -> None:
    from click.testing import CliRunner

    from claimx.cli import cli

    text = "The mayor condemned the violent protests."
    result = CliRunner().invoke(cli, ["extract", "-", "-f", "json", "--stance", "model"], text)
    assert result.exit_code == 0, result.output
    assert [c["stance"] for c in json.loads(result.output)] == ["oppose"]


def test_the_component_saves_its_stance_model(tmp_path: Path) -> None:
    nlp = claimx.load(stance="model")
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "claimx" / "stance" / "model.onnx").is_file()
    text = "Ms. Lee criticized the mayor's budget, calling it reckless."
    assert spacy.load(tmp_path / "pipeline")(text)._.claims == nlp(text)._.claims
