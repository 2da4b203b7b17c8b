"""Property test: adversarial texts through ``extract_many`` and every writer.

Hypothesis builds batches of news-like texts salted with everything that has broken a
writer or an offset before: every kind of quote mark, colons and dashes, CRLF, NEL and the
Unicode line and paragraph separators, control characters, emoji, right-to-left script,
cells that a spreadsheet would run as formulas. For every text: no crash (claimx raises on
any text it fails on), every span exact, and every machine format, written and read back,
gives the records ``Claim.to_dict()`` gave. The run is derandomized, so each ``make test``
checks the same texts (at least ``MIN_TEXTS`` of them).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claimx
from claimx.writers import make_writer, write_records

pytestmark = pytest.mark.model  # every test here parses with the real pipeline

Record = dict[str, Any]
Parse = Callable[[str, str], list[Record]]
Offsets = Callable[[str, Record], None]

EXAMPLES = 100
TEXTS_PER_EXAMPLE = (22, 30)
MIN_TEXTS = 2_000

NAMES = [
    "Jane Smith",
    "Dmitry Peskov",
    "the Kremlin",
    "Mayor Ana López",
    "Sean O'Brien",
    "Ms. Chen",
    "he",
    "she",
    "They",
    "A spokesman for the ministry",
    "محمد العلي",
    "=Bob Jones",
    "@press_office",
    "+Acme Corp",
    "-Dash Williams",
    "Zoë 🦊 Müller",
]
CUES = [
    "said",
    "says",
    "told reporters",
    "argued",
    "claimed",
    "warned",
    "denied",
    "added",
    "insisted",
    "welcomed",
    "criticized",
    "called for",
    "pointed out",
]
CONTENTS = [
    "the bridge would reopen in May",
    "sanctions are not working",
    "=SUM(A1:A3) is a formula",
    "+1 555 0100 was the number",
    "-40 degrees is cold",
    "@everyone should vote",
    "prices rose 4:11 in the morning",
    "the deal — or what is left of it — is dead",
    "talks were a \u201cpositive development\u201d",
    "we will never give up 💪🏽",
    "השלום קרוב",
    "the plan\u2028was\u2029sound",
    "it was\x85over",
    "tabs\there and\x0bthere",
    "nothing; nothing at all",
]
QUOTES = [
    ('"', '"'),
    ("\u201c", "\u201d"),
    ("\u201e", "\u201c"),
    ("\u00ab", "\u00bb"),
    ("\u00ab ", " \u00bb"),
    ("\u2018", "\u2019"),
    ("'", "'"),
    ("''", "''"),
    ("``", "''"),
    ('"', ""),  # unclosed
    ("", "\u201d"),  # unopened
]
SEPARATORS = [" ", "  ", "\n", "\r\n", "\n\n", "\r\n\r\n", "\x85", "\u2028", "\u2029", "\t", ""]
NOISE = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from(list("\"'“”„«»‘’`:;—–-=+@\r\n\x85\u2028\u2029\x00\x1b\u200f\u202e🙂")),
    ),
    max_size=30,
)

name, cue, content = st.sampled_from(NAMES), st.sampled_from(CUES), st.sampled_from(CONTENTS)
quote = st.sampled_from(QUOTES)


def _quoted(q: tuple[str, str], words: str) -> str:
    return f"{q[0]}{words}{q[1]}"


SENTENCES = st.one_of(
    st.builds(lambda n, c, w: f"{n} {c} that {w}.", name, cue, content),
    st.builds(lambda n, c, w: f"{n} {c} {w}.", name, cue, content),
    st.builds(lambda q, w, n, c: f"{_quoted(q, w + ',')} {n} {c}.", quote, content, name, cue),
    st.builds(lambda q, w, c, n: f"{_quoted(q, w)}, {c} {n}.", quote, content, cue, name),
    st.builds(
        lambda q, w, n, c, v: f"{_quoted(q, w + ',')} {n} {c}, {_quoted(q, v + '.')}",
        quote,
        content,
        name,
        cue,
        content,
    ),
    st.builds(lambda n, w: f"According to {n}, {w}.", name, content),
    st.builds(lambda n, w: f"{n}: {w}", name, content),
    st.builds(lambda n, q, w: f"{n}: {_quoted(q, w)}", name, quote, content),
    st.builds(
        lambda n, c, q, w: f"{n} {c} the move was {_quoted(q, w)}.", name, cue, quote, content
    ),
    NOISE,
)
TEXTS = st.lists(st.tuples(SENTENCES, st.sampled_from(SEPARATORS)), min_size=1, max_size=5).map(
    lambda parts: "".join(s + sep for s, sep in parts)
)
SOURCES = st.sampled_from([None, "-", "news/a.txt", "=cmd|' /C calc'!A0.txt", "@x\u2028y.txt"])
BATCHES = st.lists(
    st.tuples(TEXTS, SOURCES), min_size=TEXTS_PER_EXAMPLE[0], max_size=TEXTS_PER_EXAMPLE[1]
)


def _render(fmt: str, records: list[Record]) -> str:
    out = io.StringIO(newline="")
    write_records(make_writer(fmt, out), records)
    return out.getvalue()


def test_adversarial_texts_through_extract_and_every_writer(parse: Parse, offsets: Offsets) -> None:
    seen = {"texts": 0, "with_claims": 0, "claims": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same texts on every run and every machine
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(BATCHES)
    def check(batch: list[tuple[str, str | None]]) -> None:
        results = list(claimx.extract_many(batch, as_tuples=True))  # raises if claimx fails
        assert [source for _, source in results] == [source for _, source in batch]
        per_text: list[list[Record]] = []
        for (claims, source), (text, _) in zip(results, batch, strict=True):
            records = [replace(claim, source=source).to_dict() for claim in claims]
            for record in records:
                offsets(text, record)
            per_text.append(records)
            seen["with_claims"] += bool(records)
            seen["claims"] += len(records)
        seen["texts"] += len(batch)
        everything = [record for records in per_text for record in records]
        for fmt in ("yaml", "json", "jsonl", "csv"):
            assert parse(fmt, _render(fmt, everything)) == everything, fmt
        # one run per article, concatenated, articles without claims included
        for fmt in ("yaml", "jsonl"):
            joined = "".join(_render(fmt, records) for records in per_text)
            assert parse(fmt, joined) == everything, fmt

    check()
    print("STATS", seen)
    assert seen["texts"] >= MIN_TEXTS, seen
    # not vacuous: claims occur in a good share of the texts
    assert seen["with_claims"] >= 0.4 * seen["texts"], seen
