"""The shipped stance model: input marking, the public score() API, the pipeline's combination."""

from __future__ import annotations

import json
from pathlib import Path

import claimx.stance_pipeline
import pytest
import spacy

import claimx
from claimx import stance
from claimx.stance import CLOSE, OPEN, calibrate, marked_doc
from claimx.stance.markers import target_token_span
from models.build_stance import mark_target

pytestmark = pytest.mark.model  # the real pipeline or the stance model, loaded once here


def test_wrap_marks_the_target_with_tokens() -> None:
    text = "Critics slammed Smith's plan."
    assert mark_target(text, (16, 21)) == f"Critics slammed {OPEN} Smith {CLOSE} 's plan."


def test_marked_target_is_found_again_among_the_words() -> None:
    words = mark_target("We like Anna a lot.", (8, 12)).split()
    start, end = target_token_span(words)
    assert words[start:end] == [OPEN, "Anna", CLOSE]


def test_marked_doc_copies_one_sentence_of_a_parsed_doc() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("It rained. Critics slammed the new plan.")
    sent = list(doc.sents)[1]
    marked = marked_doc(nlp.vocab, sent, doc[5:8])  # "the new plan"
    assert [t.text for t in marked] == [
        "Critics",
        "slammed",
        OPEN,
        "the",
        "new",
        "plan",
        CLOSE,
        ".",
    ]
    at_end = marked_doc(nlp.vocab, sent, doc[8:9])  # the target ends with the sentence
    assert [t.text for t in at_end][-3:] == [OPEN, ".", CLOSE]
    two = nlp("Critics slammed the plan. It failed.")
    past = marked_doc(nlp.vocab, next(iter(two.sents)), two[3:7])  # "plan. It failed"
    assert [t.text for t in past] == ["Critics", "slammed", "the", OPEN, "plan", ".", CLOSE]


@pytest.mark.parametrize("target", [(3, 3), (-1, 2), (0, 99), (5, 6)])
def test_bad_target_is_an_error(target: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="not a non-empty span"):
        mark_target("short text", target)
    with pytest.raises(ValueError, match="not a non-empty span"):
        stance.score("short text", target)


def test_the_model_ships_inside_the_package() -> None:
    path = claimx.stance_pipeline.PATH
    assert (path / "config.cfg").is_file() and (path / "textcat" / "model").is_file()
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    assert size < 10_000_000


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("The senator praised Jones for her courage and honesty.", "Jones", "support"),
        ("Critics slammed Smith for lying to voters and wasting money.", "Smith", "oppose"),
        ("The committee will meet Smith on Tuesday in Washington.", "Smith", "neutral"),
    ],
)
def test_score_reads_the_target_in_its_sentence(text: str, target: str, expected: str) -> None:
    start = text.index(target)
    label, score = stance.score(text, (start, start + len(target)))
    assert label == expected
    assert -1.0 <= score <= 1.0
    assert (score > 0) == (label == "support") or label == "neutral"


def test_score_uses_only_the_sentence_the_target_is_in() -> None:
    alone = "Critics slammed Smith for lying to voters and wasting money."
    start = alone.index("Smith")
    longer = "The weather was lovely all week. " + alone + " Tickets cost ten dollars."
    offset = longer.index(alone)
    assert stance.score(longer, (offset + start, offset + start + 5)) == pytest.approx(
        stance.score(alone, (start, start + 5)), abs=1e-4
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
    temperature = meta["claimx_stance"]["temperature"]
    assert 0.5 <= temperature <= 5  # the build's grid, fitted on the held-out dev split
    assert stance.default_model().temperature == temperature


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
    assert (tmp_path / "pipeline" / "claimx" / "stance" / "config.cfg").is_file()
    text = "Ms. Lee criticized the mayor's budget, calling it reckless."
    assert spacy.load(tmp_path / "pipeline")(text)._.claims == nlp(text)._.claims
