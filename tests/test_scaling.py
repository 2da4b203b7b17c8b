"""Scaling: the indexes that keep a long article's cost linear answer as the scans they
replaced, and ``-j`` batches and workers give what one process gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import claimx
from claimx.attribution.article import Frame
from claimx.attribution.fallback import _LastSpans, _Spans
from claimx.lexicons import Lexicons
from claimx.quotes import find_quotes
from claimx.speakers import Resolver


def test_span_overlap_as_a_scan() -> None:
    rng = random.Random(3)
    for _ in range(300):
        spans = [(s, s + rng.randint(0, 9)) for s in (rng.randint(0, 60) for _ in range(6))]
        index = _Spans(spans)
        for start in range(70):
            end = start + rng.randint(0, 5)
            assert index.overlap(start, end) == any(s < end and start < e for s, e in spans)


def test_last_claim_before_a_quote_as_a_scan() -> None:
    rng = random.Random(5)
    for _ in range(200):
        frames = [
            Frame(None, None, None, set(), [(s, s + rng.randint(1, 9))])
            for s in (rng.randint(0, 60) for _ in range(rng.randint(0, 6)))
        ]
        index = _LastSpans(frames)
        for _ in range(4):
            offset = rng.randint(0, 80)
            before = [f for f in index.frames if f.spans[-1][1] <= offset]
            expected = max(before, key=lambda f: f.spans[-1][1]) if before else None
            assert index.last_by(offset) is expected
            frame = rng.choice(index.frames) if index.frames else None
            if frame is not None and rng.random() < 0.5:
                end = frame.spans[-1][1]
                index.extend(frame, [(end + 1, end + rng.randint(2, 9))])
            else:
                index.add(Frame(None, None, None, set(), [(offset, offset + rng.randint(1, 9))]))


@pytest.mark.model
def test_antecedents_as_a_scan_of_every_earlier_mention() -> None:
    text = (
        "Maria Lopez met John Reed and the European Commission in Paris on Monday. "
        '"He will not sign it," she said. He said the Commission was wrong. '
        "Reed told Lopez that they would meet again. The Commission said it agreed. "
        "Anna Reed said her brother was tired, and he said she was right. "
        'Lopez said: "They will see." France and Germany said they would wait.'
    )
    nlp = claimx.load()
    doc = nlp(text)
    resolver = Resolver(doc, Lexicons.default(), find_quotes(text))
    wanted = {"he": {"PERSON"}, "she": {"PERSON"}, "they": {"ORG", "NORP", "GPE"}}
    wanted |= {"her": {"PERSON"}, "it": {"ORG", "GPE"}}
    pronouns = [t for t in doc if t.lower_ in wanted]
    assert len(pronouns) >= 8
    for pron in pronouns:
        for skip in ((), {"John Reed"}, {"Maria Lopez", "Anna Reed"}):
            before = [
                e
                for e in resolver.ents
                if e.label_ in wanted[pron.lower_]
                and e.end <= pron.i
                and not any(q.start < e.start_char < q.end for q in find_quotes(text))
                and resolver.canonical(e) not in skip
            ]
            if pron.lower_ in ("he", "she", "her"):
                sex = "male" if pron.lower_ == "he" else "female"
                before = [
                    e for e in before if resolver.gender(resolver.canonical(e)) in (sex, None)
                ]
            subjects = [e for e in before if e.root.dep_ in ("nsubj", "nsubjpass")]
            pool = subjects or before
            assert resolver.antecedent(pron, skip) == (pool[-1] if pool else None)


def test_batches_hold_many_short_texts_and_few_long_ones() -> None:
    from claimx.api import BATCH_CHARS, BATCH_TEXTS, _by_size

    rng = random.Random(7)
    pairs = [("w" * rng.choice([40, 300, 5_000, 40_000]), i) for i in range(2_000)]
    batches = list(_by_size(pairs))
    assert [pair for batch in batches for pair in batch] == pairs
    for batch in batches[:-1]:
        size = sum(len(text) for text, _ in batch)
        assert len(batch) == BATCH_TEXTS or size >= BATCH_CHARS
        assert size - len(batch[-1][0]) < BATCH_CHARS  # full only with its last text
    short = [("Ames said so.", i) for i in range(1_000)]
    assert [len(b) for b in _by_size(short)] == [BATCH_TEXTS] * 3 + [1_000 - 3 * BATCH_TEXTS]


@pytest.mark.model
def test_workers_give_what_one_process_gives() -> None:
    seed = (Path(__file__).parent.parent / "seeds" / "000_680bcb4019dc53cb.txt").read_text()
    short = [f"Officer {name} said the road was closed." for name in ("Ames", "Bell", "Cruz")]
    texts = [seed, *short * 40, seed, "", *short, seed]
    one = list(claimx.extract_many(texts))
    two = list(claimx.extract_many(texts, n_process=2))
    assert two == one
    assert two[0] and two[1][0].speaker == "Ames"


@pytest.mark.model
def test_a_corpus_of_new_words_leaves_the_vocabularies_as_they_were() -> None:
    # every new word a pipeline meets stays in its vocabulary unless freed: over millions of
    # articles that was memory without end (the stance model keeps no vocabulary of its own)
    from claimx import api

    rng = random.Random(0)

    def article(i: int) -> str:
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
        return (
            f"Mayor Jane {word.title()} said the bridge {word} would reopen in May {i}. "
            f'"We will fix it," said Tom Lee{i}, attacking Senator {word.title()}x.'
        )

    list(api.extract_many([article(i) for i in range(5)]))
    nlp = api.load()
    before = len(nlp.vocab.strings)
    claims = [c for cs in api.extract_many([article(i) for i in range(5, 200)]) for c in cs]
    assert claims and len(nlp.vocab.strings) == before
