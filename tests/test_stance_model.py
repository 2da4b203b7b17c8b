"""The stance model's input marking (the model itself is built by `make models`)."""

from __future__ import annotations

import pytest

from claimx.stance_model import CLOSE, OPEN, PLACEHOLDER, mark_target, target_token_span


def test_wrap_marks_the_target_with_tokens() -> None:
    text = "Critics slammed Smith's plan."
    assert mark_target(text, (16, 21)) == f"Critics slammed {OPEN} Smith {CLOSE} 's plan."


def test_replace_swaps_the_target_for_one_token() -> None:
    assert mark_target("We like Anna a lot.", (8, 12), "replace") == f"We like {PLACEHOLDER} a lot."


def test_marked_target_is_found_again_among_the_words() -> None:
    words = mark_target("We like Anna a lot.", (8, 12)).split()
    start, end = target_token_span(words)
    assert words[start:end] == [OPEN, "Anna", CLOSE]


@pytest.mark.parametrize("target", [(3, 3), (-1, 2), (0, 99)])
def test_bad_target_is_an_error(target: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="not a non-empty span"):
        mark_target("short", target)
