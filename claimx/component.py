"""The spaCy components: ``claimx_blocks`` (before the parser) and ``claimx``.

``nlp.add_pipe("claimx")`` on any English pipeline with a parser and NER sets
``doc._.claims``. ``claimx_blocks`` keeps sentences from crossing the line break that
ends a headline or heading; :func:`add_to` adds both where they belong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import attribution, blocks
from .cues import CueLexicon
from .types import Claim

Doc.set_extension("claimx_records", default=None, force=True)
# set when extraction failed on this doc (a bug in claimx): "ExceptionType: message"
Doc.set_extension("claimx_error", default=None, force=True)
if not Doc.has_extension("claims"):
    # Records are stored as plain dicts so that docs survive nlp.pipe(n_process=...).
    Doc.set_extension(
        "claims",
        getter=lambda doc: [Claim.from_dict(r) for r in doc._.claimx_records or []],
    )


@Language.component("claimx_blocks")
def claimx_blocks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so blocks never merge."""
    blocks.mark_block_starts(doc)
    return doc


class ClaimExtractor:
    """Finds attributed claims in a parsed ``Doc`` and stores them in ``doc._.claims``."""

    def __init__(self, nlp: Language, name: str = "claimx") -> None:
        self.name = name
        self.lexicon = CueLexicon.default()

    def __call__(self, doc: Doc) -> Doc:
        try:
            claims = attribution.find_claims(doc, self.lexicon)
        except Exception as exc:  # one odd article must not end a batch of thousands
            doc._.claimx_error = f"{type(exc).__name__}: {exc}"
            claims = []
        doc._.claimx_records = [c.to_dict() for c in claims]
        return doc

    def initialize(
        self,
        get_examples: Any = None,
        *,
        nlp: Language | None = None,
        cues: str | Path | None = None,
    ) -> None:
        """Load a cue lexicon from ``cues`` (TSV) instead of the packaged one."""
        if cues is not None:
            self.lexicon = CueLexicon.from_tsv(Path(cues))

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.lexicon.to_tsv(path / "cues.tsv")

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> ClaimExtractor:
        self.lexicon = CueLexicon.from_tsv(Path(path) / "cues.tsv")
        return self


@Language.factory("claimx")
def make_claimx(nlp: Language, name: str) -> ClaimExtractor:
    """Factory for the ``claimx`` component (also the ``spacy_factories`` entry point)."""
    return ClaimExtractor(nlp, name)


def add_to(nlp: Language) -> None:
    """Add ``claimx_blocks`` before the parser and ``claimx`` at the end of ``nlp``."""
    if "claimx_blocks" not in nlp.pipe_names:
        nlp.add_pipe("claimx_blocks", before="parser")
    if "claimx" not in nlp.pipe_names:
        nlp.add_pipe("claimx")
