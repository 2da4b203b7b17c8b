"""Blocks without a statistical model: line breaks and datelines start sentences."""

from __future__ import annotations

import pytest
import spacy

from claimx.blocks import dateline_end, mark_block_starts


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("CONCORD, N.H. — Nikki Haley said", "CONCORD, N.H. — "),
        ("BERLIN, Jan 12 (dpa) - Germany's minister said", "BERLIN, Jan 12 (dpa) - "),
        ("SEATTLE, April 2 (Reuters) - Amazon said", "SEATTLE, April 2 (Reuters) - "),
        ("NAIROBI (Reuters) - Kenya's president said", "NAIROBI (Reuters) - "),
        (
            "SAN JOSE, Calif., March 3, 2024 /PRNewswire/ -- Acme said",
            "SAN JOSE, Calif., March 3, 2024 /PRNewswire/ -- ",
        ),
        ("WASHINGTON  - U.S. President Donald Trump said", "WASHINGTON  - "),
        ("Washington (CNN) — Mike Huckabee said", "Washington (CNN) — "),
        ("ST. LOUIS, Mo. – The mayor said", "ST. LOUIS, Mo. – "),
        ("KYIV — “We will hold,” he said", "KYIV — "),
    ],
)
def test_dateline_forms(text: str, dateline: str) -> None:
    assert dateline_end(text, 0) == len(dateline)


@pytest.mark.parametrize(
    "text",
    [
        "U.S. - China talks resumed on Monday.",  # a bare place with dots: not a dateline
        "NATO - the alliance said - would meet.",  # the body must begin a sentence
        "Washington - the city - said nothing.",
        "The mayor - who spoke first - said no.",
        "KYIV - ",
    ],
)
def test_not_a_dateline(text: str) -> None:
    assert dateline_end(text, 0) is None


def test_the_body_after_a_dateline_starts_a_sentence() -> None:
    doc = spacy.blank("en")("Headline here\n\nBERLIN, Jan 12 (dpa) - Germany's minister said no.")
    mark_block_starts(doc)
    starts = [t.text for t in doc if t.is_sent_start and not t.is_space]
    assert starts == ["Headline", "BERLIN", "Germany"]
