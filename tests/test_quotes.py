"""Quote finding on raw text: pairing, paragraphs, apostrophes, and garbage."""

from __future__ import annotations

import random

import pytest

from claimx.quotes import QuoteIndex, find_quotes


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "we will win," and left.', ['"we will win,"']),
        ("“Curly,” she said, ‘single’ too.", ["“Curly,”", "‘single’"]),
        ("Jones’ car isn’t here, the Joneses' lawyer said.", []),
        ("Wire style ''doubled marks,'' he said.", ["''doubled marks,''"]),
        ("``Backticks,'' he said.", ["``Backticks,''"]),
        ("„German“ and «French»", ["„German“", "«French»"]),
        ("” stray closing mark at the start", []),
        ('Unbalanced "quote here\n\nNext paragraph.', []),
    ],
)
def test_pairs(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


def test_quote_continued_over_paragraphs_is_one_group() -> None:
    text = 'She said: "One.\n\n"Two.\n\n"Three." Done.'
    quotes = find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == ['"One.', '"Two.', '"Three."']
    assert len({q.group for q in quotes}) == 1


def test_random_marks_never_crash_and_spans_stay_inside() -> None:
    rng = random.Random(7)
    alphabet = ['"', "“", "”", "‘", "’", "'", "«", "»", "„", "`", "a", " ", "\n", "."]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        quotes = find_quotes(text)
        assert all(0 <= q.start < q.end <= len(text) for q in quotes)
        assert [q.start for q in quotes] == sorted(q.start for q in quotes)


def test_index_answers_as_a_scan_of_every_quote_would() -> None:
    rng = random.Random(11)
    alphabet = ['"', "“", "”", "‘", "’", "'", "«", "»", "a", " ", "\n", "."]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        quotes = find_quotes(text)
        index = QuoteIndex(quotes)  # raises if two quotes overlap
        for offset in range(len(text) + 1):
            inside = [q for q in quotes if q.start < offset < q.end]
            assert index.around(offset) == (inside[0] if inside else None)
            for end in range(offset, min(len(text), offset + 8) + 1):
                shared = [q for q in quotes if q.start < end and offset < q.end]
                assert index.overlapping(offset, end) == shared


def test_stray_apostrophes_are_not_searched_again_for_each() -> None:
    text = " 'x" * 20000 + ' "quoted words" '
    assert quoted(text) == ['"quoted words"']
