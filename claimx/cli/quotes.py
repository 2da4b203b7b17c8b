"""``claimx quotes``: the quote bank of a claims database. ``claimx quotes DB [WORDS]``
searches it (the ``search`` command, the default); ``claimx quotes build DB`` builds it
again for a database written by an older claimx, or after the clustering changed."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from ..run import plural, utf8_stdout
from .group import EXIT_FAILED, cli
from .options import check_date, stderr_report

QUOTE_FORMATS = ("table", "jsonl", "csv")
#: Clusters a table lists unless --limit says otherwise (JSON Lines and CSV list all).
TABLE_LIMIT = 20


class QuotesGroup(click.Group):
    """A group whose first argument, when it names no command, is the database of the
    default command, ``search``: ``claimx quotes DB`` is ``claimx quotes search DB``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        helping = any(a in ("--help", "-h") for a in args) and first is None
        if args and not helping and first not in self.commands:
            args = ["search", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=QuotesGroup)
def quotes() -> None:
    """The quote bank of a database of extract --db: each statement once, with every
    article that reported it, its speaker, who carried it first and how widely.

    claimx quotes DB [WORDS] searches it (see claimx quotes search --help); claimx quotes
    build DB builds it for a database of an older claimx.
    """


@quotes.command("build")
@click.argument("database", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def build(database: Path) -> None:
    """Cluster the claims of DATABASE into its quote bank again, from scratch (extract
    --db keeps it up to date as it adds articles)."""
    from ..db import ClaimsDatabase

    report = stderr_report()
    with ClaimsDatabase(database) as db:
        articles = db.rebuild_quotes()
        clusters, claims = db.conn.execute("SELECT count(*), sum(claims) FROM quotes").fetchone()
    report.console.print(
        f"claimx: {plural(articles, 'article')}, {plural(claims or 0, 'claim')} in "
        f"{plural(clusters, 'quotation')}"
    )


@quotes.command("search")
@click.argument("database", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("words", nargs=-1)
@click.option("--speaker", metavar="NAME", help="Said by NAME (a full name, surname or alias).")
@click.option("--target", metavar="NAME", help="About NAME: a target of one of its claims.")
@click.option("--outlet", metavar="NAME", help="Carried by the outlet NAME.")
@click.option(
    "--since", metavar="DATE", callback=check_date, help="Reported on DATE or later (2016-03)."
)
@click.option(
    "--until", metavar="DATE", callback=check_date, help="Reported on DATE or before (2016-03)."
)
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=1,
    metavar="N",
    show_default=True,
    help="Carried by at least N articles.",
)
@click.option(
    "--sort",
    type=click.Choice(("reach", "date", "recent")),
    default="reach",
    show_default=True,
    help="By reach (articles, then outlets), by the first report's date, or newest first.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    metavar="N",
    help=f"At most N quotations (0: all; default {TABLE_LIMIT} in a table, all otherwise).",
)
@click.option(
    "--id",
    "quote_id",
    type=click.IntRange(min=1),
    metavar="N",
    help="One quotation: each article's report of it side by side (outlet, date, speaker, "
    "cue, wording, stance).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(QUOTE_FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
def search_command(
    database: Path,
    words: tuple[str, ...],
    speaker: str | None,
    target: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    min_articles: int,
    sort: str,
    limit: int | None,
    quote_id: int | None,
    fmt: str,
) -> None:
    """Search the quote bank of DATABASE: quotations holding all of WORDS (full-text),
    said by a speaker, about a target, carried by an outlet, in a date range."""
    from .. import quotesearch as qs

    conn = qs.open_bank(database)
    out = utf8_stdout()
    try:
        if quote_id is not None:
            found = qs.cluster(conn, quote_id)
            if found is None:
                stderr_report().console.print(
                    f"claimx: error: {database} has no quotation {quote_id}; "
                    "claimx quotes DB lists them"
                )
                click.get_current_context().exit(EXIT_FAILED)
            assert found is not None
            _print_reports(found, list(qs.reports(conn, quote_id)), fmt, out)
            return
        if limit is None:
            limit = TABLE_LIMIT if fmt == "table" else 0
        query = qs.QuoteQuery(
            " ".join(words) if words else None,
            speaker,
            target,
            outlet,
            since,
            until,
            min_articles,
            sort,  # type: ignore[arg-type]
            limit or None,
        )
        _print_clusters(qs.search(conn, query), fmt, out)
    finally:
        conn.close()


def _speakers(record: dict[str, Any]) -> str:
    return "; ".join(f"{s['speaker']} {s['share']:.0%}" for s in record["speakers"])


def _print_clusters(found: Any, fmt: str, out: TextIO) -> None:
    from ..quotesearch import QUOTE_FIELDS

    if fmt != "table":

        def flat(record: dict[str, Any]) -> dict[str, Any]:  # a CSV row: cells, not lists
            first = record["first_article"]
            return {
                **record,
                "speakers": _speakers(record),
                "first_article": None if first is None else first["id"],
            }

        _write_records(found, QUOTE_FIELDS, fmt, out, flat)
        return
    from rich.table import Column, Table

    table = Table(
        Column("#", justify="right"),
        Column("quotation", ratio=1, min_width=30),
        Column("speaker", max_width=18),
        Column("first", no_wrap=True),
        Column("reach", no_wrap=True),
        box=None,
        expand=True,
    )
    for record in map(_shown, found):
        first = "\n".join(filter(None, (record["first_date"], record["first_outlet"])))
        table.add_row(
            str(record["quote"]),
            record["text"],
            record["speaker"] or "",
            first,
            f"{plural(record['articles'], 'article')}\n{plural(record['outlets'], 'outlet')}",
        )
    _console(out).print(table)


def _print_reports(
    found: dict[str, Any], rows: list[dict[str, Any]], fmt: str, out: TextIO
) -> None:
    from ..quotesearch import REPORT_FIELDS

    if fmt != "table":
        _write_records(rows, REPORT_FIELDS, fmt, out)
        return
    from rich.padding import Padding

    found, rows = _shown(found), [_shown(row) for row in rows]
    console = _console(out)
    first = ", ".join(filter(None, (found["first_date"], found["first_outlet"])))
    console.print(f"[{found['quote']}] {found['text']}")
    console.print(
        " · ".join(
            filter(
                None,
                (
                    _speakers(found) or "no named speaker",
                    f"{plural(found['articles'], 'article')}, {plural(found['outlets'], 'outlet')}",
                    first and f"first {first}",
                ),
            )
        )
    )
    for row in rows:  # one block each: where, who and how, the words, the stance
        where = " ".join(filter(None, (row["date"], row["outlet"] or row["source"])))
        how = " ".join(filter(None, (row["speaker"] or "(no speaker)", row["cue"])))
        console.print(f"\n{where} ({row['article']}): {how} ({row['kind']})")
        console.print(Padding(row["wording"], (0, 0, 0, 4)))
        if row["target"]:
            console.print(Padding(f"{row['stance']} toward {row['target']}", (0, 0, 0, 4)))


def _write_records(
    records: Iterable[dict[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: TextIO,
    flat: Callable[[dict[str, Any]], dict[str, Any]] = lambda record: record,
) -> None:
    """Records as JSON Lines (as they are) or CSV (a header of ``fields``, each record made
    ``flat`` and its text cells guarded against formulas)."""
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in map(flat, records):
        writer.writerow(_safe(record[key]) for key in fields)


def _console(out: TextIO) -> Any:
    from rich.console import Console

    return Console(file=out, highlight=False, markup=False, emoji=False)


def _shown(record: dict[str, Any]) -> dict[str, Any]:
    """A record's text as a table shows it: an article's control characters (escape
    sequences) shown, not obeyed, as claimx show does."""
    from ..show import printable

    return {k: printable(v) if isinstance(v, str) else v for k, v in record.items()}


def _safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows rather than runs, guarded as extract's CSV is."""
    from ..columns import text_cell

    if value is None:
        return ""
    return text_cell(value) if isinstance(value, str) else value
