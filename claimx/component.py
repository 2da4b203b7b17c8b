"""The spaCy components: ``claimx_blocks`` (first) and ``claimx`` (last).

``nlp.add_pipe("claimx")`` on any English pipeline with a parser and NER sets
``doc._.claims``. ``claimx_blocks`` keeps sentences from crossing the line break that
ends a headline or heading, and lets the models read CRLF as LF; the ``claimx`` factory
adds it first in the pipeline itself.

Errors go the spaCy way: ``claimx`` raises, and hands them to its error handler in
``nlp.pipe`` and ``nlp(text)``; :func:`record_error` is the handler :func:`claimx.load`
sets, which notes the error on the doc and goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy import util
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList

from . import attribution, blocks
from .cues import CueLexicon
from .entities import read_aliases
from .lexicons import Lexicons
from .stance import StanceModel, default_stance_model, load_stance_model
from .types import DEFAULT_STANCE, STANCE_MODES, Claim, StanceMode

Doc.set_extension("claimx_records", default=None, force=True)
# set by record_error when extraction failed on this doc (a bug in claimx):
# "ExceptionType: message"
Doc.set_extension("claimx_error", default=None, force=True)
if not Doc.has_extension("claims"):
    # Records are stored as plain dicts so that docs survive nlp.pipe(n_process=...).
    Doc.set_extension(
        "claims",
        getter=lambda doc: [Claim.from_dict(r) for r in doc._.claimx_records or []],
    )


@Language.component(
    "claimx_blocks",
    assigns=["token.is_sent_start"],
    retokenizes=False,
)
def claimx_blocks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so blocks never merge; read CRLF as LF."""
    blocks.read_crlf_as_lf(doc)
    blocks.mark_block_starts(doc)
    return doc


class ClaimExtractor(Pipe):
    """Finds attributed claims in a parsed ``Doc`` and stores them in ``doc._.claims``.

    ``stance``: ``"model"`` (default) scores the speaker's stance toward each target with the
    shipped stance model (:mod:`claimx.stance`), combined with what the rules know for sure
    (the cue's prior where the cue governs the target, the speaker's own act on it), and
    keeps the further candidates it finds a stance toward; ``"rules"`` takes the stance from
    the cue's prior and a polarity lexicon alone.

    ``lexicons`` holds every word list extraction uses (:class:`claimx.lexicons.Lexicons`):
    the packaged ones, or those ``initialize`` read. ``to_disk``/``to_bytes`` save, and
    ``from_disk``/``from_bytes`` restore, two fields, each of which ``exclude`` can leave out:
    ``"lexicons"`` (one TSV file a list, in the component's folder) and ``"stance_model"``
    (the stance model's files, in its subfolder ``stance``; none with ``stance="rules"``).

    As a spaCy :class:`~spacy.pipeline.Pipe`, it raises where extraction fails, and
    ``pipe`` hands the error to the handler ``set_error_handler`` set (by default one that
    raises again): a doc it fails on is not yielded.
    """

    def __init__(self, nlp: Language, name: str = "claimx", stance: str = DEFAULT_STANCE) -> None:
        if stance not in STANCE_MODES:
            raise ValueError(f"stance must be one of {', '.join(STANCE_MODES)}, not {stance!r}")
        self.name = name
        self.lexicons = Lexicons.default()
        self.stance_model: StanceModel | None = None
        if stance == "model":
            self.stance_model = default_stance_model()

    def __call__(self, doc: Doc) -> Doc:
        claims = attribution.find_claims(doc, self.lexicons, self.stance_model)
        doc._.claimx_records = [c.to_dict() for c in claims]
        return doc

    def initialize(
        self,
        get_examples: Any = None,
        *,
        nlp: Language | None = None,
        lexicons: str | Path | None = None,
        cues: str | Path | None = None,
        stance_model: str | Path | None = None,
        aliases: str | Path | None = None,
    ) -> None:
        """Replace the word lists with the files in directory ``lexicons`` (any of
        ``Lexicons.FILES``; a list without its file stays), the cue lexicon with the TSV file
        ``cues``, and the stance model with the pipeline directory ``stance_model``; add the
        aliases of the TSV file ``aliases`` (as ``claimx/data/aliases.tsv``), which win. All
        are saved with the pipeline."""
        if lexicons is not None:
            self.lexicons = Lexicons.from_disk(lexicons, base=self.lexicons)
        if cues is not None:
            self.lexicons = replace(self.lexicons, cues=CueLexicon.from_tsv(Path(cues)))
        if aliases is not None:
            merged = {**self.lexicons.aliases, **read_aliases(aliases)}
            self.lexicons = replace(self.lexicons, aliases=merged)
        if stance_model is not None:
            self.stance_model = load_stance_model(stance_model)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if "lexicons" not in exclude:
            self.lexicons.to_disk(path)
        if "stance_model" not in exclude and self.stance_model is not None:
            self.stance_model.to_disk(path / "stance")

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()
    ) -> ClaimExtractor:
        """Restore the fields ``path`` holds; without a stance model there, keep this one."""
        path = Path(path)
        if "lexicons" not in exclude:
            self.lexicons = Lexicons.from_disk(path)
        if "stance_model" not in exclude and (path / "stance").is_dir():
            self.stance_model = load_stance_model(path / "stance")
        return self

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        fields = {"lexicons": self.lexicons.to_bytes}
        if self.stance_model is not None:
            fields["stance_model"] = self.stance_model.to_bytes
        return util.to_bytes(fields, exclude)

    def from_bytes(
        self, data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()
    ) -> ClaimExtractor:
        """Restore the fields ``data`` holds; without a stance model there, keep this one."""

        def set_lexicons(field: bytes) -> None:
            self.lexicons = Lexicons.from_bytes(field)

        def set_stance_model(field: bytes) -> None:
            self.stance_model = StanceModel.from_bytes(field)

        fields: dict[str, Callable[[bytes], Any]] = {
            "lexicons": set_lexicons,
            "stance_model": set_stance_model,
        }
        util.from_bytes(data, fields, exclude)
        return self


def record_error(name: str, proc: Any, docs: list[Doc], exc: Exception) -> None:
    """An error handler (spaCy's ``set_error_handler``) that notes the error on each doc as
    ``doc._.claimx_error`` ("ExceptionType: message") and goes on, so that one odd article
    does not end a batch of thousands."""
    for doc in docs:
        doc._.claimx_error = f"{type(exc).__name__}: {exc}"


@Language.factory(
    "claimx",
    default_config={"stance": DEFAULT_STANCE},
    assigns=["doc._.claims", "doc._.claimx_records", "doc._.claimx_error"],
    # token.pos too, but the attribute_ruler that sets it in en_core_web_sm does not declare it
    requires=["token.dep", "token.lemma", "token.tag", "doc.ents", "doc.sents"],
)
def make_claimx(nlp: Language, name: str, stance: str) -> ClaimExtractor:
    """Factory for the ``claimx`` component (also the ``spacy_factories`` entry point).
    ``stance`` stays a plain string here, so that the component's own check names the
    modes when a config gives another.

    It also adds ``claimx_blocks`` first in the pipeline if it lacks it, so that
    ``nlp.add_pipe("claimx")`` gives the same claims as :func:`claimx.load`: without it,
    a headline runs into the dateline below it, and a CRLF file parses unlike its LF copy.
    """
    _add_blocks(nlp)
    return ClaimExtractor(nlp, name, stance)


def _add_blocks(nlp: Language) -> None:
    # first: before the parser sets sentences, and before any model reads a CRLF token
    if "claimx_blocks" not in nlp.component_names:
        nlp.add_pipe("claimx_blocks", first=True)


def add_to(nlp: Language, stance: StanceMode = DEFAULT_STANCE) -> None:
    """Add ``claimx`` at the end of ``nlp`` (it brings ``claimx_blocks``, first)."""
    if "claimx" not in nlp.pipe_names:
        nlp.add_pipe("claimx", config={"stance": stance})
