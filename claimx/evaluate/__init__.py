"""Score claimx against hand-annotated articles (``claimx evaluate GOLD.jsonl``).

One module per job, each importing only those before it:

* :mod:`~claimx.evaluate.gold`: the gold file format; reading and checking it.
* :mod:`~claimx.evaluate.metric`: the metric (defined in its docstring): matching.
* :mod:`~claimx.evaluate.report`: the figures: tallies of the matches, the report.
* :mod:`~claimx.evaluate.run`: running claimx over the gold articles and scoring its claims.
* :mod:`~claimx.evaluate.tables`: the report as Rich tables.
"""

from __future__ import annotations

from .gold import GoldArticle, GoldClaim, GoldError, read_gold
from .metric import DEFAULT_THRESHOLD, check_threshold, is_speech_cue, match
from .report import GOLD_KINDS, PRED_KINDS, PRF, KindMatch, Report, Tally, score
from .run import evaluate, predict
from .tables import render_tables

__all__ = [
    "DEFAULT_THRESHOLD",
    "GOLD_KINDS",
    "PRED_KINDS",
    "PRF",
    "GoldArticle",
    "GoldClaim",
    "GoldError",
    "KindMatch",
    "Report",
    "Tally",
    "check_threshold",
    "evaluate",
    "is_speech_cue",
    "match",
    "predict",
    "read_gold",
    "render_tables",
    "score",
]
