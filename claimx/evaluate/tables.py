"""The evaluation report as Rich tables, for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .report import Report

if TYPE_CHECKING:
    from rich.table import Table


def _pct(value: float | None) -> str:
    """A fraction as a percentage with one decimal; ``-`` where undefined."""
    return "-" if value is None else f"{100 * value:.1f}"


def render_tables(report: Report) -> list[Table]:
    """The report for people: P/R/F1, recall and accuracy by gold kind, predicted kinds, and
    the resolved speaker where the gold names speakers."""
    from rich.table import Table

    threshold = f"{report.threshold:g}"
    main = Table(
        title=f"claimx on {report.gold_file or 'gold'}: {report.articles} articles, "
        f"content match at Dice ≥ {threshold}",
        title_justify="left",
    )
    main.add_column("slice")
    main.add_column("figure")
    for name in ("gold", "pred", "TP", "P", "R", "F1"):
        main.add_column(name, justify="right")
    for label, tally in (("all", report.overall), ("speech verbs", report.speech)):
        for figure, prf in (
            ("claim (content + speaker)", tally.claim),
            ("content", tally.content),
            ("content exact", tally.content_exact),
        ):
            main.add_row(
                label if figure.startswith("claim") else "",
                figure,
                str(tally.gold),
                str(tally.pred),
                str(prf.tp),
                _pct(prf.precision),
                _pct(prf.recall),
                _pct(prf.f1),
            )
        main.add_section()

    kinds = Table(
        title="Recall by gold kind; speaker and cue accuracy over matched pairs (%)",
        title_justify="left",
    )
    kinds.add_column("gold")
    for name in ("claims", "claim R", "content R", "exact R", "speaker acc", "cue acc"):
        kinds.add_column(name, justify="right")
    rows = [("all", report.overall), ("speech verbs", report.speech), *report.by_kind.items()]
    for i, (label, tally) in enumerate(rows):
        kinds.add_row(
            label,
            str(tally.gold),
            _pct(tally.claim.recall),
            _pct(tally.content.recall),
            _pct(tally.content_exact.recall),
            _pct(tally.speaker_accuracy),
            _pct(tally.cue_accuracy),
            end_section=i == 1,
        )

    predicted = Table(
        title="claimx's claims matched to a gold claim, by kind (partial ≈ gold mixed)",
        title_justify="left",
    )
    predicted.add_column("kind")
    for name in ("claims", "matched", "%"):
        predicted.add_column(name, justify="right")
    for kind, km in report.by_pred_kind.items():
        predicted.add_row(kind, str(km.pred), str(km.matched), _pct(km.match_rate))
    tables = [main, kinds, predicted]
    overall = report.overall
    if overall.name_total:  # the gold gives speaker names
        named = Table(
            title="Resolved speaker: claimx's speaker name is the gold's, over matched pairs",
            title_justify="left",
        )
        named.add_column("gold speaker")
        for name in ("pairs", "right", "%", "corpus keys", "%"):
            named.add_column(name, justify="right")
        named.add_row(
            "named",
            str(overall.name_total),
            str(overall.name_correct),
            _pct(overall.name_accuracy),
            str(overall.corpus_correct),
            _pct(overall.corpus_accuracy),
        )
        named.add_row(
            "a pronoun",
            str(overall.pronoun_total),
            str(overall.pronoun_correct),
            _pct(overall.pronoun_accuracy),
            str(overall.corpus_pronoun_correct),
            _pct(overall.corpus_pronoun_accuracy),
        )
        tables.append(named)
    return tables
