"""The evaluation metric, checked against figures worked out by hand on invented articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import make_claim
from rich.console import Console

from claimx.errors import ClaimxError, InputError
from claimx.evaluate import (
    GoldArticle,
    GoldClaim,
    GoldError,
    Report,
    evaluate,
    is_speech_cue,
    read_gold,
    render_tables,
    score,
)
from claimx.types import Claim, Kind, Span


def at(text: str, phrase: str, start: int = 0) -> Span:
    """The span of ``phrase`` in ``text``, searching from ``start``."""
    begin = text.index(phrase, start)
    return begin, begin + len(phrase)


def gold(
    content: Span | list[Span],
    speaker: Span | None = None,
    cue: tuple[str, Span] | None = None,
    kind: str = "indirect",
) -> GoldClaim:
    """A gold claim; ``cue`` is its text and span."""
    fragments = tuple(content) if isinstance(content, list) else (content,)
    return GoldClaim(
        content_fragments=fragments,
        speaker_span=speaker,
        cue=None if cue is None else cue[0],
        cue_span=None if cue is None else cue[1],
        kind=kind,
    )


def pred(
    text: str,
    content: Span,
    speaker: Span | None = None,
    cue: Span | None = None,
    kind: Kind = "indirect",
) -> Claim:
    """A claimx prediction with the given spans; other fields are filler."""
    return make_claim(
        speaker=None if speaker is None else text[speaker[0] : speaker[1]],
        speaker_type="person",
        speaker_span=speaker,
        cue=None if cue is None else text[cue[0] : cue[1]],
        cue_span=cue,
        quote=text[content[0] : content[1]],
        quote_spans=(content,),
        kind=kind,
    )


def article(text: str, *claims: GoldClaim) -> GoldArticle:
    """A gold article."""
    return GoldArticle(id="a1", text=text, claims=claims)


# Ann Lee said the new park will close in June.
# tokens: Ann Lee said the new park will close in June (10; the content has 7)
PARK = "Ann Lee said the new park will close in June."
PARK_GOLD = gold(
    at(PARK, "the new park will close in June"), at(PARK, "Ann Lee"), ("said", at(PARK, "said"))
)


def one(text: str, golds: list[GoldClaim], preds: list[Claim], **kw: Any) -> Report:
    """Score a single article."""
    return score([article(text, *golds)], [preds], **kw)


def test_exact_match_scores_everything_one() -> None:
    p = pred(
        PARK, at(PARK, "the new park will close in June"), at(PARK, "Ann Lee"), at(PARK, "said")
    )
    r = one(PARK, [PARK_GOLD], [p]).overall
    for prf in (r.claim, r.content, r.content_exact):
        assert (prf.tp, prf.precision, prf.recall, prf.f1) == (1, 1.0, 1.0, 1.0)
    assert (r.speaker_accuracy, r.cue_accuracy) == (1.0, 1.0)


def test_punctuation_and_quote_marks_do_not_count() -> None:
    text = '"The park will close," Ann Lee said.'
    g = gold(at(text, '"The park will close,"'), at(text, "Ann Lee"), kind="direct")
    p = pred(text, at(text, "The park will close"), at(text, "Lee"), kind="direct")
    r = one(text, [g], [p]).overall
    assert r.content_exact.tp == 1  # same four tokens; "Lee" shares a token with "Ann Lee"
    assert r.claim.tp == 1


def test_partial_content_above_threshold_matches_but_is_not_exact() -> None:
    # gold 7 tokens, pred "park will close in June" 5 tokens: Dice = 10/12
    p = pred(PARK, at(PARK, "park will close in June"), at(PARK, "Ann Lee"))
    r = one(PARK, [PARK_GOLD], [p]).overall
    assert (r.content.tp, r.content_exact.tp, r.claim.tp) == (1, 0, 1)
    assert r.content_exact.recall == 0.0


def test_dice_exactly_at_threshold_matches_and_below_does_not() -> None:
    text = "Bo said rain falls here."  # content "rain falls here": 3 tokens
    g = gold(at(text, "rain falls here"), at(text, "Bo"))
    at_half = pred(text, at(text, "rain"), at(text, "Bo"))  # Dice 2/4 = 0.5
    assert one(text, [g], [at_half]).overall.content.tp == 1
    below = pred(PARK, at(PARK, "the new"), at(PARK, "Ann Lee"))  # Dice 4/9 < 0.5
    r = one(PARK, [PARK_GOLD], [below]).overall
    assert (r.content.tp, r.content.precision, r.content.recall, r.content.f1) == (0, 0, 0, 0)
    assert r.speaker_accuracy is None  # no matched pair to judge


def test_threshold_one_counts_only_identical_token_sets() -> None:
    p = pred(PARK, at(PARK, "park will close in June"), at(PARK, "Ann Lee"))
    assert one(PARK, [PARK_GOLD], [p], threshold=1.0).overall.content.tp == 0
    with pytest.raises(ValueError, match="threshold"):
        one(PARK, [PARK_GOLD], [p], threshold=0)


def test_wrong_or_missing_speaker_fails_the_claim_but_not_the_content() -> None:
    text = "Ann Lee said Bo Chan will win."
    g = gold(at(text, "Bo Chan will win"), at(text, "Ann Lee"), ("said", at(text, "said")))
    wrong = pred(text, at(text, "Bo Chan will win"), at(text, "Bo Chan"), at(text, "said"))
    missing = pred(text, at(text, "Bo Chan will win"), None, at(text, "said"))
    for p in (wrong, missing):
        r = one(text, [g], [p]).overall
        assert (r.content.tp, r.claim.tp) == (1, 0)
        assert (r.speaker_correct, r.speaker_total, r.speaker_accuracy) == (0, 1, 0.0)
        assert r.cue_accuracy == 1.0


def test_gold_without_speaker_counts_when_content_matches() -> None:
    text = "The plan, it was said, will fail."
    g = gold(at(text, "The plan"), None, ("it was said", at(text, "it was said")))
    p = pred(text, at(text, "The plan"), None, at(text, "said"))
    r = one(text, [g], [p]).overall
    assert r.claim.tp == 1
    assert (r.speaker_total, r.speaker_accuracy) == (0, None)
    assert r.cue_accuracy == 1.0  # "said" lies inside "it was said"


def test_cue_without_tokens_is_judged_by_characters() -> None:
    text = "Ann Lee: the park will close."
    g = gold(at(text, "the park will close"), at(text, "Ann Lee"), (":", at(text, ":")))
    right = pred(text, at(text, "the park will close"), at(text, "Ann Lee"), at(text, ":"))
    wrong = pred(text, at(text, "the park will close"), at(text, "Ann Lee"), at(text, "Lee"))
    assert one(text, [g], [right]).overall.cue_accuracy == 1.0
    assert one(text, [g], [wrong]).overall.cue_accuracy == 0.0


def test_two_fragments_make_one_content() -> None:
    text = '"The park," Ann Lee said, "will close."'
    fragments = [at(text, '"The park,"'), at(text, '"will close."')]
    g = gold(fragments, at(text, "Ann Lee"), kind="direct")
    p = Claim.from_dict(
        {**pred(text, at(text, "The park")).to_dict(), "quote_spans": [[1, 9], [27, 37]]}
    )
    assert text[27:37] == "will close"
    assert one(text, [g], [p]).overall.content_exact.tp == 1


def test_higher_dice_wins_over_prediction_order() -> None:
    # pred 1 ("park will close in June", Dice 10/12) comes first, pred 2 is exact: pred 2 wins.
    first = pred(PARK, at(PARK, "park will close in June"), at(PARK, "Ann Lee"), kind="direct")
    second = pred(PARK, at(PARK, "the new park will close in June"), kind="indirect")
    r = one(PARK, [PARK_GOLD], [first, second])
    assert r.overall.content_exact.tp == 1
    assert r.overall.claim.tp == 0  # the exact prediction has no speaker
    assert (r.by_pred_kind["direct"].matched, r.by_pred_kind["indirect"].matched) == (0, 1)


def test_dice_tie_goes_to_the_right_speaker_before_gold_order() -> None:
    # Two annotators' views of one content: Tom said it, and Sue agreed with it.
    text = "Tom said the vote was fair, and Sue agreed."
    content = at(text, "the vote was fair")
    tom = gold(content, at(text, "Tom"))
    sue = gold(content, at(text, "Sue"))
    by_sue = pred(text, content, at(text, "Sue"))
    r = one(text, [tom, sue], [by_sue]).overall
    assert (r.content.tp, r.claim.tp) == (1, 1)  # matched to Sue, the second gold claim
    no_speaker = pred(text, content)
    r = one(text, [tom, sue], [no_speaker]).overall
    assert (r.speaker_total, r.claim.tp) == (1, 0)


def test_dice_tie_goes_to_gold_order_then_prediction_order() -> None:
    text = "Tom said the vote was fair."
    content = at(text, "the vote was fair")
    first_gold = gold(content, None, kind="direct")
    second_gold = gold(content, at(text, "Tom"), kind="indirect")
    r = one(text, [first_gold, second_gold], [pred(text, content, at(text, "said"))])
    # Neither pair has a right speaker, so the first gold claim takes the prediction.
    assert (r.by_kind["direct"].content.tp, r.by_kind["indirect"].content.tp) == (1, 0)
    preds = [pred(text, content, kind="partial"), pred(text, content, kind="direct")]
    r = one(text, [first_gold], preds)
    assert (r.by_pred_kind["partial"].matched, r.by_pred_kind["direct"].matched) == (1, 0)
    assert r.overall.content.precision == 0.5


@pytest.mark.parametrize(
    ("cue", "expected"),
    [
        ("said", True),
        ("Told reporters", True),
        ("was quoted as saying", True),
        ("according to", True),
        ("According  to", False),  # phrases count only as written
        ("reportedly", True),
        ("wrote", True),
        ("believes", False),
        ("sayings", False),  # whole words only
        (":", False),
        ("", False),
        (None, False),
    ],
)
def test_speech_cues(cue: str | None, expected: bool) -> None:
    assert is_speech_cue(cue) is expected


def test_speech_subset_precision_leaves_out_predictions_matched_outside_it() -> None:
    text = "Ann said the rain stops. Bo believes the sun returns. Cy thinks the sea rises."
    said = gold(at(text, "the rain stops"), at(text, "Ann"), ("said", at(text, "said")))
    believes = gold(at(text, "the sun returns"), at(text, "Bo"), ("believes", at(text, "believes")))
    preds = [
        pred(text, at(text, "the rain stops"), at(text, "Ann")),  # matched, in the subset
        pred(text, at(text, "the sun returns"), at(text, "Bo")),  # matched, outside it
        pred(text, at(text, "the sea rises"), at(text, "Cy")),  # matched to nothing
    ]
    r = one(text, [said, believes], preds)
    assert (r.overall.gold, r.overall.pred, r.overall.claim.tp) == (2, 3, 2)
    assert (r.speech.gold, r.speech.pred, r.speech.claim.tp) == (1, 2, 1)
    assert (r.speech.claim.precision, r.speech.claim.recall) == (0.5, 1.0)


def test_figures_by_gold_kind_have_recall_and_accuracy_but_no_precision() -> None:
    text = '"Stop," Ann said. Bo said the road "is unsafe". Cy said rates will rise.'
    direct = gold(at(text, '"Stop,"'), at(text, "Ann"), kind="direct")
    mixed = gold(at(text, 'the road "is unsafe"'), at(text, "Bo"), kind="mixed")
    indirect = gold(at(text, "rates will rise"), at(text, "Cy"), kind="indirect")
    odd = gold(at(text, "rates will rise"), None, kind="summary")
    preds = [
        pred(text, at(text, "Stop"), at(text, "Ann"), kind="direct"),
        pred(text, at(text, 'the road "is unsafe"'), at(text, "Cy"), kind="partial"),
    ]
    r = one(text, [odd, indirect, mixed, direct], preds)
    assert list(r.by_kind) == ["direct", "mixed", "indirect", "summary"]
    d, m, i = r.by_kind["direct"], r.by_kind["mixed"], r.by_kind["indirect"]
    assert (d.claim.recall, d.speaker_accuracy) == (1.0, 1.0)
    assert (m.content.recall, m.claim.recall, m.speaker_accuracy) == (1.0, 0.0, 0.0)
    assert (i.content.recall, i.speaker_accuracy) == (0.0, None)
    assert d.claim.precision is None and d.claim.f1 is None
    assert r.by_pred_kind["partial"].match_rate == 1.0


def test_articles_are_scored_separately() -> None:
    # The same offsets in another article are a different claim.
    p = pred(PARK, at(PARK, "the new park will close in June"), at(PARK, "Ann Lee"))
    other = GoldArticle(id="a2", text=PARK, claims=())
    r = score([article(PARK, PARK_GOLD), other], [[], [p]])
    assert (r.articles, r.overall.gold, r.overall.pred, r.overall.content.tp) == (2, 1, 1, 0)
    with pytest.raises(ValueError):
        score([other], [[], []])


def test_report_serializes_and_renders() -> None:
    p = pred(PARK, at(PARK, "the new park will close in June"), at(PARK, "Ann Lee"), kind="partial")
    r = one(PARK, [PARK_GOLD], [p], gold_file="gold.jsonl")
    data = json.loads(json.dumps(r.to_dict()))
    assert data["all"]["claim"] == {"tp": 1, "p": 1.0, "r": 1.0, "f1": 1.0}
    assert data["by_kind"]["indirect"]["claim"]["p"] is None
    assert data["speech"]["gold"] == 1
    assert data["by_pred_kind"] == {"partial": {"pred": 1, "matched": 1, "match_rate": 1.0}}
    console = Console(record=True, width=120)
    for table in render_tables(r):
        console.print(table)
    shown = console.export_text()
    assert "claim (content + speaker)" in shown and "100.0" in shown and "indirect" in shown


def test_resolved_speaker_compares_names_and_counts_pronouns_apart() -> None:
    from dataclasses import replace

    text = "Donald J. Trump spoke. He said the wall is done. Clinton's aides said it is not."
    wall, nope = at(text, "the wall is done"), at(text, "it is not")
    golds = [
        replace(gold(wall, at(text, "He")), speaker_name="Donald J. Trump"),
        replace(gold(nope, at(text, "Clinton's aides")), speaker_name=None),  # not scored
    ]
    right = replace(pred(text, wall, at(text, "He")), speaker="Donald Trump")
    r = one(text, golds, [right, pred(text, nope, at(text, "Clinton's aides"))]).overall
    assert (r.name_correct, r.name_total, r.pronoun_correct, r.pronoun_total) == (1, 1, 1, 1)
    wrong = replace(right, speaker="Trump")  # the surname is not the name the article gives
    r = one(text, golds, [wrong]).overall
    assert (r.name_accuracy, r.pronoun_accuracy, r.speaker_accuracy) == (0.0, 0.0, 1.0)
    data = r.to_dict()["speaker_name"]
    assert data == {
        "correct": 0,
        "total": 1,
        "acc": 0.0,
        "pronoun": {"correct": 0, "total": 1, "acc": 0.0},
        "corpus": {"correct": 0, "acc": 0.0},
        "corpus_pronoun": {"correct": 0, "acc": 0.0},
    }
    # where another article of the run names him in full, the corpus's key is right
    other = "Donald Trump said the deal was done."
    full = pred(other, at(other, "the deal was done"), at(other, "Donald Trump"))
    both = score([article(text, *golds), article(other)], [[wrong], [full]]).overall
    assert (both.name_correct, both.corpus_correct, both.corpus_pronoun_correct) == (0, 1, 1)
    console = Console(record=True, width=120)
    for table in render_tables(one(text, golds, [right])):
        console.print(table)
    assert "Resolved speaker" in console.export_text()


def test_names_are_compared_without_case_initials_possessives_or_the() -> None:
    from claimx.evaluate.metric import names

    assert names("The New York Post’s") == names("new york post") == {"new york post"}
    assert names("Donald J. Trump") == names("Donald Trump")
    assert names("Trump; Hillary Clinton") == names("Hillary Clinton; Trump")
    assert names(None) is None and names("") is None


# Reading gold files -----------------------------------------------------------------------------


def write_lines(path: Path, *lines: Any) -> Path:
    """A JSON Lines file from objects (dumped) and strings (as they are)."""
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def gold_record(text: str, **claim: Any) -> dict[str, Any]:
    """A gold article record with one claim (content = the whole text unless given)."""
    base = {"content_fragments": [[0, len(text)]], "speaker_span": None, "cue": None}
    return {"id": "x", "text": text, "claims": [{**base, "cue_span": None, **claim}]}


def test_read_gold_reads_the_documented_format(tmp_path: Path) -> None:
    record = gold_record(PARK, speaker_span=[0, 7], cue="said", cue_span=[8, 12], kind="direct")
    path = write_lines(tmp_path / "g.jsonl", record, "", {"id": "y", "text": "", "claims": []})
    first, second = read_gold(path)
    assert first.claims[0] == GoldClaim(((0, len(PARK)),), (0, 7), "said", (8, 12), "direct")
    assert (second.id, second.claims) == ("y", ())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "JSON list, not an object"),
        ({"text": "x", "claims": []}, "no string 'id'"),
        ({"source": "a.txt", "quote_spans": [[0, 1]]}, "predictions file"),
        ({"id": "x", "text": "abc"}, "no 'claims' list"),
        (gold_record("abc", content_fragments=[[0, 9]]), r"claim 1: content_fragments \[0, 9\]"),
        (gold_record("abc", content_fragments=[]), "non-empty 'content_fragments'"),
        (gold_record("abc", speaker_span=[2, 1]), "speaker_span"),
        (gold_record("abc", cue_span=[True, 2]), "cue_span"),
        (gold_record("abc", cue=3), "'cue' must be a string"),
        (gold_record("abc", speaker_name=""), "'speaker_name' must be"),
    ],
)
def test_malformed_gold_names_file_and_line(tmp_path: Path, line: Any, message: str) -> None:
    path = write_lines(tmp_path / "g.jsonl", gold_record("fine"), line)
    with pytest.raises(GoldError, match=message) as caught:
        read_gold(path)
    assert str(caught.value).startswith(f"{path}:2: ")
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ClaimxError)


def test_unreadable_or_empty_gold(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "\xff"}\n')
    with pytest.raises(GoldError, match=r"bad.jsonl:1: is not valid UTF-8"):
        read_gold(bad)
    with pytest.raises(GoldError, match="no articles"):
        read_gold(write_lines(tmp_path / "empty.jsonl", ""))
    with pytest.raises(InputError, match="cannot be read"):
        read_gold(tmp_path / "missing.jsonl")


# End to end ------------------------------------------------------------------------------------


@pytest.mark.model
def test_evaluate_runs_claimx_over_a_gold_file(tmp_path: Path) -> None:
    text = "Mayor Jane Smith said that the bridge would reopen in May."
    claim = {
        "speaker_span": list(at(text, "Jane Smith")),
        "cue": "said",
        "cue_span": list(at(text, "said")),
        "content_fragments": [list(at(text, "the bridge would reopen in May"))],
        "kind": "indirect",
    }
    quiet = {"id": "b/2", "text": "The council met on Tuesday.", "claims": []}
    path = write_lines(
        tmp_path / "gold.jsonl", {"id": "a/1", "text": text, "claims": [claim]}, quiet
    )
    ticks: list[int] = []
    report = evaluate(path, progress=lambda: ticks.append(1))
    r = report.overall
    assert (report.articles, len(ticks)) == (2, 2)
    assert (r.gold, r.pred, r.claim.tp, r.content_exact.tp) == (1, 1, 1, 0)  # claimx keeps "that"
    assert (r.speaker_accuracy, r.cue_accuracy) == (1.0, 1.0)
    assert report.speech.claim.recall == 1.0
    assert report.to_dict()["gold_file"] == str(path)
