"""Running claimx over gold articles and scoring what it finds."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..types import Claim
from .gold import GoldArticle, read_gold
from .metric import DEFAULT_THRESHOLD, check_threshold
from .report import Report, score


def predict(
    articles: Sequence[GoldArticle], *, model: str | None = None, n_process: int = 1
) -> Iterator[list[Claim]]:
    """claimx's claims for each article's text, in article order.

    model: spaCy base pipeline (name or path); None for claimx's default.
    n_process: worker processes for parsing.
    """
    from .. import api

    results = api.extract_many(
        ((a.text, i) for i, a in enumerate(articles)),
        as_tuples=True,
        model=model,
        n_process=n_process,
    )
    try:
        for claims, _ in results:
            yield claims
    finally:
        # Closing the inner generator now ends its worker processes if we stop early.
        getattr(results, "close", lambda: None)()


def evaluate(
    gold: Path | str | Sequence[GoldArticle],
    *,
    model: str | None = None,
    n_process: int = 1,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[], None] | None = None,
    gold_file: str | None = None,
) -> Report:
    """Run claimx over the articles of a gold file and score its claims.

    gold: gold JSON Lines (see :mod:`claimx.evaluate.gold`), or articles already read from one.
    gold_file: the name to report for ``gold`` (default: its path, if it is one).
    model: spaCy base pipeline (name or path); None for claimx's default.
    n_process: worker processes for parsing.
    threshold: the least content Dice for a match.
    progress: called once per article, as its claims arrive (for a progress bar).
    """
    from .. import api

    check_threshold(threshold)  # fail before reading a large file or loading a model
    is_path = isinstance(gold, (str, Path))
    articles = read_gold(gold) if isinstance(gold, (str, Path)) else gold
    gold_file = gold_file or (str(gold) if is_path else None)
    api.load(model)  # a missing model fails here, with its own message

    def counted() -> Iterator[list[Claim]]:
        for claims in predict(articles, model=model, n_process=n_process):
            if progress is not None:
                progress()
            yield claims

    return score(
        articles,
        counted(),
        threshold=threshold,
        gold_file=gold_file,
        model=model or api.default_model(),
    )
