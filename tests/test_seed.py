"""The canonical example: every ``core: true`` claim of the hand-annotated seed is found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import claimx
from claimx import Claim

pytestmark = pytest.mark.model  # every test here parses with the real pipeline

SEEDS = Path(__file__).parent.parent / "seeds"
SEED = SEEDS / "000_680bcb4019dc53cb.txt"
EXPECTED = [
    e
    for e in yaml.safe_load((SEEDS / "000_680bcb4019dc53cb.expected.yaml").read_text("utf-8"))
    if e["core"]
]


@pytest.fixture(scope="module", params=["model", "rules"])
def seed(request: pytest.FixtureRequest) -> tuple[str, list[Claim]]:
    """The seed's claims with the default stance (the model) and with the rules alone."""
    text = SEED.read_text(encoding="utf-8")
    return text, claimx.extract(text, stance=request.param)


def _find(claims: list[Claim], expected: dict[str, Any]) -> Claim:
    hits = [c for c in claims if c.cue == expected["cue"] and c.quote == expected["content"]]
    assert len(hits) == 1, f"no claim with cue {expected['cue']!r}: {expected['content']!r}"
    return hits[0]


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: f"{e['speaker']}-{e['cue']}")
def test_core_claim(seed: tuple[str, list[Claim]], expected: dict[str, Any]) -> None:
    _, claims = seed
    claim = _find(claims, expected)
    assert claim.speaker == expected["speaker"]
    assert claim.stance == expected["stance"]
    if "role" in expected:
        assert claim.speaker_role == expected["role"]
    quoted = expected.get("quoted", [])
    assert claim.kind == ("partial" if quoted else "indirect")
    for word in quoted:
        assert f'"{word}' in claim.quote


def test_seed_targets_a_reader_accepts(seed: tuple[str, list[Claim]]) -> None:
    _, claims = seed
    targets = {(c.cue, c.target) for c in claims}
    assert ("welcomes", "European dialogue") in targets
    assert ("refuses", "Vladimir Putin") in targets  # "Putin", resolved
    assert ("criticized", "United Kingdom") in targets  # whose position: the holder
    assert ("noting", "Vladimir Putin") in targets  # "the Russian president", resolved
    assert ("confirmed", "Vladimir Putin") in targets
    assert ("pointing out", "dialogue with Russia") in targets  # not "voices in Paris"


def test_headline_and_headings_do_not_merge(seed: tuple[str, list[Claim]]) -> None:
    text, claims = seed
    for claim in claims:
        for start, end in claim.quote_spans:
            assert "\n" not in text[start:end]
    confirmed = [c for c in claims if c.speaker == "Dmitry Peskov" and c.cue == "confirmed"]
    assert confirmed[0].speaker_span is not None
    assert text[slice(*confirmed[0].speaker_span)] == "Peskov"


def test_seed_claims_in_article_order(seed: tuple[str, list[Claim]]) -> None:
    _, claims = seed
    starts = [c.quote_spans[0][0] for c in claims]
    assert starts == sorted(starts)
