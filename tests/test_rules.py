"""The attribution rules on hand-built parses: no statistical model is loaded.

tests/test_attribution.py runs each construction through the real pipeline, so a new
model can fail it for reasons that are not the rules'. Here every ``Doc`` is built by hand
the way spaCy's own tests build them (words, heads, deps, tags, lemmas, entities); each
parse is the one en_core_web_sm gives for the sentence, so the two files test the same
constructions, and only this one pins the rules alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc

from claimx.attribution import find_claims
from claimx.lexicons import Lexicons
from claimx.types import Claim

#: One token: word, head (absolute token index; a ROOT heads itself), dep, pos, tag, lemma.
Row = tuple[str, int, str, str, str, str]
#: One entity: first token, token after the last, label.
Ent = tuple[int, int, str]

VOCAB = spacy.blank("en").vocab


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading any pipeline here is a test error: these tests must not depend on one."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("tests/test_rules.py must not load a spaCy pipeline")

    monkeypatch.setattr(spacy, "load", refuse)
    monkeypatch.setattr(spacy.util, "load_model", refuse)


def _spaces(text: str, words: Sequence[str]) -> list[bool]:
    """Whether a space follows each word, so that the words spell ``text`` exactly."""
    spaces, at = [], 0
    for word in words:
        assert text.startswith(word, at), (word, text[at:])
        at += len(word)
        spaces.append(text[at : at + 1] == " ")
        at += spaces[-1]
    assert at == len(text), text[at:]
    return spaces


def _sentence_starts(heads: Sequence[int]) -> list[bool]:
    """The first token of each root's subtree; every subtree must be one contiguous run."""

    def root(i: int) -> int:
        seen = set()
        while heads[i] != i:
            assert i not in seen, f"cycle through token {i}"
            seen.add(i)
            i = heads[i]
        return i

    roots = [root(i) for i in range(len(heads))]
    starts = [i == 0 or roots[i] != roots[i - 1] for i in range(len(heads))]
    assert sum(starts) == len(set(roots)), f"a sentence is not contiguous: {roots}"
    return starts


def parsed(text: str, rows: Sequence[Row], ents: Sequence[Ent] = ()) -> Doc:
    """A parsed ``Doc`` of ``text`` from one row per token, with entities and sentence starts
    set (blank English vocab; the sentences are the roots' subtrees)."""
    words, heads, deps, pos, tags, lemmas = (list(col) for col in zip(*rows, strict=True))
    assert all((h == i) == (d == "ROOT") for i, (h, d) in enumerate(zip(heads, deps, strict=True)))
    starts = _sentence_starts(heads)
    iob = ["O"] * len(rows)
    for start, end, label in ents:
        iob[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    doc = Doc(
        VOCAB,
        words=words,
        spaces=_spaces(text, words),
        heads=heads,
        deps=deps,
        pos=pos,
        tags=tags,
        lemmas=lemmas,
        sent_starts=starts,
        ents=iob,
    )
    assert doc.text == text
    assert [bool(t.is_sent_start) for t in doc] == starts
    assert [(e.start, e.end, e.label_) for e in doc.ents] == list(ents)
    return doc


@pytest.fixture
def claims(offsets: Callable[[str, dict[str, Any]], None]) -> Callable[[Doc], list[Claim]]:
    """The claims the rules find in a doc (default lexicons, rule stance), offsets checked."""

    def run(doc: Doc) -> list[Claim]:
        found = find_claims(doc, Lexicons.default())
        for claim in found:
            offsets(doc.text, claim.to_dict())
        return found

    return run


def fields(claim: Claim) -> dict[str, Any]:
    """What these tests pin of a claim (the speaker's type and span too)."""
    out = claim.to_dict()
    del out["source"]
    return out


def _span(text: str, part: str, nth: int = 0) -> list[int]:
    """The offsets of the ``nth`` occurrence of ``part`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return [start, start + len(part)]


def expected(
    text: str, speaker: str, mention: str, cue: str, quote: str, target: str, **changes: Any
) -> dict[str, Any]:
    """The fields of a claim of ``speaker`` (mentioned as ``mention``) whose parts are each
    one stretch of ``text``: a person's indirect, neutral claim unless ``changes`` say not.
    Its ``targets`` are the main target alone unless ``changes`` give them."""
    out = {
        "speaker": speaker,
        "speaker_role": None,
        "speaker_type": "person",
        "speaker_span": _span(text, mention),
        "cue": cue,
        "cue_span": _span(text, cue),
        "quote": quote,
        "quote_spans": [_span(text, quote)],
        "kind": "indirect",
        "target": target,
        "target_span": _span(text, target),
        "stance": "neutral",
        "stance_score": 0.0,
    } | changes
    if "targets" not in changes:
        main = {k: out[k] for k in ("target", "target_span", "stance", "stance_score")}
        out["targets"] = [main] if out["target"] is not None else []
    return out


def test_said_that_with_a_person_subject(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "Jane Smith said that the plan failed."
    doc = parsed(
        text,
        [
            ("Jane", 1, "compound", "PROPN", "NNP", "Jane"),
            ("Smith", 2, "nsubj", "PROPN", "NNP", "Smith"),
            ("said", 2, "ROOT", "VERB", "VBD", "say"),
            ("that", 6, "mark", "SCONJ", "IN", "that"),
            ("the", 5, "det", "DET", "DT", "the"),
            ("plan", 6, "nsubj", "NOUN", "NN", "plan"),
            ("failed", 2, "ccomp", "VERB", "VBD", "fail"),
            (".", 2, "punct", "PUNCT", ".", "."),
        ],
        [(0, 2, "PERSON")],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "Jane Smith",
        "Jane Smith",
        "said",
        "that the plan failed",
        "the plan",
        stance="oppose",
        stance_score=-0.6,  # "fail" -0.6; "say" carries no prior
    )


#: 'Mary Jones arrived. Tom Lee left. "The plan is ready," she said.' with the names swapped
#: for honorifics in the second test: "she" skips the nearer subject, a man.
_QUOTE_ROWS: list[Row] = [
    ("Mary", 1, "compound", "PROPN", "NNP", "Mary"),
    ("Jones", 2, "nsubj", "PROPN", "NNP", "Jones"),
    ("arrived", 2, "ROOT", "VERB", "VBD", "arrive"),
    (".", 2, "punct", "PUNCT", ".", "."),
    ("Tom", 5, "compound", "PROPN", "NNP", "Tom"),
    ("Lee", 6, "nsubj", "PROPN", "NNP", "Lee"),
    ("left", 6, "ROOT", "VERB", "VBD", "leave"),
    (".", 6, "punct", "PUNCT", ".", "."),
    ('"', 16, "punct", "PUNCT", "``", '"'),
    ("The", 10, "det", "DET", "DT", "the"),
    ("plan", 11, "nsubj", "NOUN", "NN", "plan"),
    ("is", 16, "ccomp", "AUX", "VBZ", "be"),
    ("ready", 11, "acomp", "ADJ", "JJ", "ready"),
    (",", 16, "punct", "PUNCT", ",", ","),
    ('"', 16, "punct", "PUNCT", "''", '"'),
    ("she", 16, "nsubj", "PRON", "PRP", "she"),
    ("said", 16, "ROOT", "VERB", "VBD", "say"),
    (".", 16, "punct", "PUNCT", ".", "."),
]


def _quoted(text: str) -> dict[str, Any]:
    """The claim both quote tests expect, but for the speaker."""
    quote = '"The plan is ready,"'
    return {
        "speaker_role": None,
        "speaker_type": "person",
        "speaker_span": _span(text, "she"),
        "cue": "said",
        "cue_span": _span(text, "said"),
        "quote": quote,
        "quote_spans": [_span(text, quote)],
        "kind": "direct",
        "target": "The plan",
        "target_span": _span(text, "The plan"),
        "stance": "neutral",
        "stance_score": 0.0,
        "targets": [
            {
                "target": "The plan",
                "target_span": _span(text, "The plan"),
                "stance": "neutral",
                "stance_score": 0.0,
            }
        ],
    }


def test_quote_before_its_cue_with_the_pronoun_resolved_by_first_name(
    claims: Callable[[Doc], list[Claim]],
) -> None:
    text = 'Mary Jones arrived. Tom Lee left. "The plan is ready," she said.'
    doc = parsed(text, _QUOTE_ROWS, [(0, 2, "PERSON"), (4, 6, "PERSON")])
    [claim] = claims(doc)
    assert fields(claim) == {"speaker": "Mary Jones", **_quoted(text)}


def _honorific_doc() -> tuple[str, Doc]:
    text = 'Ms. Jones arrived. Mr. Lee left. "The plan is ready," she said.'
    rows = list(_QUOTE_ROWS)
    rows[0] = ("Ms.", 1, "compound", "PROPN", "NNP", "Ms.")
    rows[4] = ("Mr.", 5, "compound", "PROPN", "NNP", "Mr.")
    # en_core_web_sm leaves the honorific out of the name, as here
    return text, parsed(text, rows, [(1, 2, "PERSON"), (5, 6, "PERSON")])


def test_quote_before_its_cue_with_the_pronoun_resolved_by_honorific(
    claims: Callable[[Doc], list[Claim]],
) -> None:
    text, doc = _honorific_doc()
    [claim] = claims(doc)
    assert (claim.speaker, claim.speaker_type) == ("Jones", "person")
    assert claim.speaker_span == tuple(_span(text, "she"))
    assert (claim.cue, claim.quote, claim.kind) == ("said", '"The plan is ready,"', "direct")


@pytest.mark.xfail(
    strict=True,
    reason="Resolver.role_of takes the honorific before a name for its title: 'Ms.'",
)
def test_an_honorific_is_not_a_role(claims: Callable[[Doc], list[Claim]]) -> None:
    text, doc = _honorific_doc()
    [claim] = claims(doc)
    assert fields(claim) == {"speaker": "Jones", **_quoted(text)}


def test_according_to_names_the_source(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "According to the police, the driver was not injured."
    doc = parsed(
        text,
        [
            ("According", 9, "prep", "VERB", "VBG", "accord"),
            ("to", 0, "prep", "ADP", "IN", "to"),
            ("the", 3, "det", "DET", "DT", "the"),
            ("police", 1, "pobj", "NOUN", "NN", "police"),
            (",", 9, "punct", "PUNCT", ",", ","),
            ("the", 6, "det", "DET", "DT", "the"),
            ("driver", 9, "nsubjpass", "NOUN", "NN", "driver"),
            ("was", 9, "auxpass", "AUX", "VBD", "be"),
            ("not", 9, "neg", "PART", "RB", "not"),
            ("injured", 9, "ROOT", "VERB", "VBN", "injure"),
            (".", 9, "punct", "PUNCT", ".", "."),
        ],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "police",
        "police",
        "According to",
        "the driver was not injured",
        "the driver",
        speaker_type="organization",  # roles.tsv
    )


def test_passive_agent_is_the_speaker(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "The closure was announced by the Transport Ministry."
    doc = parsed(
        text,
        [
            ("The", 1, "det", "DET", "DT", "the"),
            ("closure", 3, "nsubjpass", "NOUN", "NN", "closure"),
            ("was", 3, "auxpass", "AUX", "VBD", "be"),
            ("announced", 3, "ROOT", "VERB", "VBN", "announce"),
            ("by", 3, "agent", "ADP", "IN", "by"),
            ("the", 7, "det", "DET", "DT", "the"),
            ("Transport", 7, "compound", "PROPN", "NNP", "Transport"),
            ("Ministry", 4, "pobj", "PROPN", "NNP", "Ministry"),
            (".", 3, "punct", "PUNCT", ".", "."),
        ],
        [(5, 8, "ORG")],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "Transport Ministry",
        "Transport Ministry",
        "announced",
        "The closure",
        "The closure",
        speaker_type="organization",  # the mention without "the"
    )


def test_participle_inherits_the_speaker(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "Jane Smith said the plan failed, adding that talks would resume."
    doc = parsed(
        text,
        [
            ("Jane", 1, "compound", "PROPN", "NNP", "Jane"),
            ("Smith", 2, "nsubj", "PROPN", "NNP", "Smith"),
            ("said", 2, "ROOT", "VERB", "VBD", "say"),
            ("the", 4, "det", "DET", "DT", "the"),
            ("plan", 5, "nsubj", "NOUN", "NN", "plan"),
            ("failed", 2, "ccomp", "VERB", "VBD", "fail"),
            (",", 2, "punct", "PUNCT", ",", ","),
            ("adding", 2, "advcl", "VERB", "VBG", "add"),
            ("that", 11, "mark", "SCONJ", "IN", "that"),
            ("talks", 11, "nsubj", "NOUN", "NNS", "talk"),
            ("would", 11, "aux", "AUX", "MD", "would"),
            ("resume", 7, "ccomp", "VERB", "VB", "resume"),
            (".", 2, "punct", "PUNCT", ".", "."),
        ],
        [(0, 2, "PERSON")],
    )
    said, adding = claims(doc)
    assert (said.cue, said.quote) == ("said", "the plan failed")
    assert fields(adding) == expected(  # the mention of the cue it hangs on
        text, "Jane Smith", "Jane Smith", "adding", "that talks would resume", "talks"
    )


def test_negated_cue_flips_its_prior(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "Jane Smith did not welcome the decision."
    doc = parsed(
        text,
        [
            ("Jane", 1, "compound", "PROPN", "NNP", "Jane"),
            ("Smith", 4, "nsubj", "PROPN", "NNP", "Smith"),
            ("did", 4, "aux", "AUX", "VBD", "do"),
            ("not", 4, "neg", "PART", "RB", "not"),
            ("welcome", 4, "ROOT", "VERB", "VB", "welcome"),
            ("the", 6, "det", "DET", "DT", "the"),
            ("decision", 4, "dobj", "NOUN", "NN", "decision"),
            (".", 4, "punct", "PUNCT", ".", "."),
        ],
        [(0, 2, "PERSON")],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "Jane Smith",
        "Jane Smith",
        "welcome",
        "the decision",
        "the decision",
        stance="oppose",
        # "welcome" +0.8, negated: 0.7 * -0.8, and nothing polar in the content
        stance_score=pytest.approx(-0.56),
    )


@pytest.mark.parametrize(
    ("verb", "lemma", "stance", "score"),
    [
        ("ending", "end", "support", 0.4),  # a shifter: ending an offensive (-0.4) is good
        ("launching", "launch", "oppose", -0.4),  # no shifter: the offensive's own polarity
    ],
)
def test_shifter_reverses_what_it_governs(
    claims: Callable[[Doc], list[Claim]], verb: str, lemma: str, stance: str, score: float
) -> None:
    text = f"Jane Smith said the army was {verb} the offensive."
    doc = parsed(
        text,
        [
            ("Jane", 1, "compound", "PROPN", "NNP", "Jane"),
            ("Smith", 2, "nsubj", "PROPN", "NNP", "Smith"),
            ("said", 2, "ROOT", "VERB", "VBD", "say"),
            ("the", 4, "det", "DET", "DT", "the"),
            ("army", 6, "nsubj", "NOUN", "NN", "army"),
            ("was", 6, "aux", "AUX", "VBD", "be"),
            (verb, 2, "ccomp", "VERB", "VBG", lemma),
            ("the", 8, "det", "DET", "DT", "the"),
            ("offensive", 6, "dobj", "NOUN", "NN", "offensive"),
            (".", 2, "punct", "PUNCT", ".", "."),
        ],
        [(0, 2, "PERSON")],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "Jane Smith",
        "Jane Smith",
        "said",
        f"the army was {verb} the offensive",
        "the army",
        stance=stance,
        stance_score=pytest.approx(score),
    )


def test_surname_resolves_to_the_full_name_before(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "Jane Smith arrived. Smith said that the plan failed."
    doc = parsed(
        text,
        [
            ("Jane", 1, "compound", "PROPN", "NNP", "Jane"),
            ("Smith", 2, "nsubj", "PROPN", "NNP", "Smith"),
            ("arrived", 2, "ROOT", "VERB", "VBD", "arrive"),
            (".", 2, "punct", "PUNCT", ".", "."),
            ("Smith", 5, "nsubj", "PROPN", "NNP", "Smith"),
            ("said", 5, "ROOT", "VERB", "VBD", "say"),
            ("that", 9, "mark", "SCONJ", "IN", "that"),
            ("the", 8, "det", "DET", "DT", "the"),
            ("plan", 9, "nsubj", "NOUN", "NN", "plan"),
            ("failed", 5, "ccomp", "VERB", "VBD", "fail"),
            (".", 5, "punct", "PUNCT", ".", "."),
        ],
        [(0, 2, "PERSON"), (4, 5, "PERSON")],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "Jane Smith",
        "Smith",
        "said",
        "that the plan failed",
        "the plan",
        speaker_span=_span(text, "Smith", 1),  # the mention, not the full name
        stance="oppose",
        stance_score=-0.6,
    )


def test_two_speakers_share_a_cue(claims: Callable[[Doc], list[Claim]]) -> None:
    text = "Mayor Jane Smith and Senator Tom Lee said that the plan failed."
    doc = parsed(
        text,
        [
            ("Mayor", 2, "compound", "PROPN", "NNP", "Mayor"),
            ("Jane", 2, "compound", "PROPN", "NNP", "Jane"),
            ("Smith", 7, "nsubj", "PROPN", "NNP", "Smith"),
            ("and", 2, "cc", "CCONJ", "CC", "and"),
            ("Senator", 6, "compound", "PROPN", "NNP", "Senator"),
            ("Tom", 6, "compound", "PROPN", "NNP", "Tom"),
            ("Lee", 2, "conj", "PROPN", "NNP", "Lee"),
            ("said", 7, "ROOT", "VERB", "VBD", "say"),
            ("that", 11, "mark", "SCONJ", "IN", "that"),
            ("the", 10, "det", "DET", "DT", "the"),
            ("plan", 11, "nsubj", "NOUN", "NN", "plan"),
            ("failed", 7, "ccomp", "VERB", "VBD", "fail"),
            (".", 7, "punct", "PUNCT", ".", "."),
        ],
        [(1, 3, "PERSON"), (5, 7, "PERSON")],
    )
    [claim] = claims(doc)
    assert fields(claim) == expected(
        text,
        "Jane Smith; Tom Lee",
        "Mayor Jane Smith and Senator Tom Lee",
        "said",
        "that the plan failed",
        "the plan",
        speaker_role="Mayor; Senator",
        stance="oppose",
        stance_score=-0.6,
    )


def test_the_helper_rejects_a_parse_that_is_not_a_tree() -> None:
    with pytest.raises(AssertionError, match="cycle"):
        parsed("a b", [("a", 1, "dep", "X", "XX", "a"), ("b", 0, "dep", "X", "XX", "b")])
