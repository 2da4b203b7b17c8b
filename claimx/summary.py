"""A corpus at a glance (``claimx summary``): how many claims, by whom, about whom, of which
kind, for or against, and where and when, in one pass over claim records.

Every table counts claims with their stance (``support``, ``oppose``, ``neutral``):

* ``speakers``: the top speakers by claims, each claim's own stance (toward its main
  target); several speakers who share a cue (``Smith; Jones``) each count the claim; a
  speaker's names are counted together under its canonical name (:mod:`claimx.entities`),
  as are a target's;
* ``targets``: the top targets by times targeted, every item of a claim's ``targets`` with
  its stance toward that target;
* ``kinds``: claims by kind (direct, partial, indirect);
* ``outlets`` and ``months`` (``YYYY-MM``): claims, the articles they come from and those
  with no named speaker, by the article's outlet and month (see
  :mod:`claimx.claimsource` for the metadata keys read); only where some article says.
  Claims of articles that do not say are counted under ``(none)``.

``corpus`` is the one line of totals: claims, articles (those with at least one claim, the
only ones claim records tell of), claims with no named speaker and all stances.

Shown as Rich tables (:func:`render`), or written as JSON (:func:`to_dict`) or as one long
CSV table, a row per table row with its ``section`` (:func:`write_csv`).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from .claimsource import article_key, speakers
from .columns import text_cell
from .entities import Identities
from .facts import article_month, article_outlet
from .types import STANCES
from .writers import SUMMARY_FORMATS

if TYPE_CHECKING:
    from rich.console import Group

#: The formats a summary is written in.
FORMATS = SUMMARY_FORMATS
#: How many speakers, targets and outlets a summary lists by default.
DEFAULT_TOP = 10
#: The key of claims whose article does not give its outlet or month.
NONE_KEY = "(none)"
#: The sections of a summary, in order.
SECTIONS = ("corpus", "speakers", "targets", "kinds", "outlets", "months")
#: The columns of the CSV table: a row's section and key (the speaker, the target, the
#: kind...; ``all`` for ``corpus``), then its counts, empty where a section has none.
CSV_COLUMNS = (
    "section",
    "key",
    "type",
    "claims",
    "articles",
    "no_speaker",
    *STANCES,
)


@dataclass
class Row:
    """One row of a summary table: its key, how many claims it counts (for a target, the
    times it is targeted) and their stances; ``type`` for speakers, ``articles`` and
    ``no_speaker`` for the corpus, outlets and months (None elsewhere)."""

    key: str
    claims: int = 0
    support: int = 0
    oppose: int = 0
    neutral: int = 0
    type: str | None = None
    articles: int | None = None
    no_speaker: int | None = None

    def count(self, stance: str) -> None:
        """Count one claim (or target) of ``stance``."""
        self.claims += 1
        if stance in STANCES:
            setattr(self, stance, getattr(self, stance) + 1)

    def to_dict(self) -> dict[str, Any]:
        """The row's counts, leaving out those its section has not (None)."""
        cells: dict[str, Any] = {
            "key": self.key,
            "type": self.type,
            "claims": self.claims,
            "articles": self.articles,
            "no_speaker": self.no_speaker,
            **{stance: getattr(self, stance) for stance in STANCES},
        }
        return {k: v for k, v in cells.items() if v is not None}


@dataclass
class Summary:
    """The tables of a corpus: ``corpus`` (one row, key ``all``), then the others of
    ``SECTIONS``, each a list of rows, largest first (months in order)."""

    corpus: Row
    speakers: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)
    kinds: list[Row] = field(default_factory=list)
    outlets: list[Row] = field(default_factory=list)
    months: list[Row] = field(default_factory=list)

    @property
    def no_speaker_share(self) -> float:
        """The share of claims with no named speaker (0 for no claims)."""
        return (self.corpus.no_speaker or 0) / self.corpus.claims if self.corpus.claims else 0.0

    def sections(self) -> dict[str, list[Row]]:
        """Each section's rows, in ``SECTIONS`` order."""
        return {name: self._rows(name) for name in SECTIONS}

    def _rows(self, name: str) -> list[Row]:
        return [self.corpus] if name == "corpus" else list(getattr(self, name))


def summarize(
    records: Iterable[Mapping[str, Any]],
    *,
    top: int = DEFAULT_TOP,
    where: Callable[[Mapping[str, Any]], bool] | None = None,
    identities: Identities | None = None,
) -> Summary:
    """The summary of ``records`` (claim records, as :meth:`Claim.to_dict` makes them).

    top: how many speakers, targets and outlets to list (the others are in the totals).
    where: counts only the records it passes (a :class:`~claimx.claimsource.ClaimFilter`).
    identities: who is who (:class:`~claimx.entities.Identities`); speakers and targets are
        counted under their canonical names.
    """
    corpus = Row("all", articles=0, no_speaker=0)
    by_speaker: dict[str, Row] = {}
    speaker_types: dict[str, Counter[str]] = {}
    by_target: dict[str, Row] = {}
    by_kind: dict[str, Row] = {}
    by_outlet: dict[str, Row] = {}
    by_month: dict[str, Row] = {}
    seen: set[tuple[str, str]] = set()  # articles: grows with them, not with claims
    any_outlet = any_month = False
    for record in records:
        if where is not None and not where(record):
            continue
        stance = record.get("stance") or "neutral"
        outlet, month = article_outlet(record), article_month(record)
        any_outlet = any_outlet or outlet is not None
        any_month = any_month or month is not None
        places = (
            corpus,
            _place(by_outlet, outlet or NONE_KEY),
            _place(by_month, month or NONE_KEY),
        )
        key = article_key(record)
        new_article = key not in seen
        if new_article:
            seen.add(key)
        names = speakers(record)
        for row in places:
            row.count(stance)
            if new_article:
                row.articles = (row.articles or 0) + 1
            if not names:
                row.no_speaker = (row.no_speaker or 0) + 1
        for name in names:
            by_speaker.setdefault(name, Row(name)).count(stance)
            speaker_types.setdefault(name, Counter())[record.get("speaker_type") or "unknown"] += 1
        for item in record.get("targets") or ():
            by_target.setdefault(item["target"], Row(item["target"])).count(item["stance"])
        kind = record.get("kind") or "unknown"
        by_kind.setdefault(kind, Row(kind)).count(stance)
    who = Identities() if identities is None else identities
    for name, types in speaker_types.items():
        for kind, n in types.items():
            who.add(name, kind, n)
    for name, row in by_target.items():
        who.add(name, None, row.claims)
    speaker_rows = _merged(by_speaker, who)
    spoken_as = who.spoken_types()
    for name, row in speaker_rows.items():
        row.type = spoken_as[name].most_common(1)[0][0]
    return Summary(
        corpus,
        speakers=_largest(speaker_rows.values(), top),
        targets=_largest(_merged(by_target, who).values(), top),
        kinds=_largest(by_kind.values(), None),
        outlets=_largest(by_outlet.values(), top) if any_outlet else [],
        months=sorted(by_month.values(), key=_month_order) if any_month else [],
    )


def _merged(rows: Mapping[str, Row], who: Identities) -> dict[str, Row]:
    """Rows by name added up by canonical name (:mod:`claimx.entities`)."""
    out: dict[str, Row] = {}
    for name, row in rows.items():
        key = who.key(name)
        total = out.setdefault(key, Row(key))
        for column in ("claims", *STANCES):
            setattr(total, column, getattr(total, column) + getattr(row, column))
    return out


def _place(rows: dict[str, Row], key: str) -> Row:
    row = rows.get(key)
    if row is None:
        row = rows[key] = Row(key, articles=0, no_speaker=0)
    return row


def _largest(rows: Iterable[Row], top: int | None) -> list[Row]:
    """The ``top`` rows with most claims (ties by key); all of them for None."""
    ordered = sorted(rows, key=lambda row: (-row.claims, row.key))
    return ordered if top is None else ordered[:top]


def _month_order(row: Row) -> tuple[bool, str]:
    return (row.key == NONE_KEY, row.key)  # (none) last


# Output


def to_dict(summary: Summary) -> dict[str, Any]:
    """The summary as JSON data: ``corpus`` (its counts and ``no_speaker_share``), then each
    other section as a list of rows (:meth:`Row.to_dict`)."""
    corpus = summary.corpus.to_dict()
    del corpus["key"]
    corpus["no_speaker_share"] = round(summary.no_speaker_share, 4)
    data: dict[str, Any] = {"corpus": corpus}
    for name, rows in summary.sections().items():
        if name != "corpus":
            data[name] = [row.to_dict() for row in rows]
    return data


def write_json(summary: Summary, out: TextIO) -> None:
    """The summary as one JSON object (:func:`to_dict`)."""
    out.write(json.dumps(to_dict(summary), ensure_ascii=False, indent=2) + "\n")


def write_csv(summary: Summary, out: TextIO) -> None:
    """The summary as one long CSV table: a header of ``CSV_COLUMNS``, then every row of
    every section in ``SECTIONS`` order, its section in the first column."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for name, rows in summary.sections().items():
        for row in rows:
            cells = row.to_dict()
            writer.writerow(
                [name, *(_cell(cells.get(column)) for column in CSV_COLUMNS[1:])],
            )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return text_cell(value) if isinstance(value, str) else value


def render(summary: Summary) -> Group:
    """The summary as Rich tables: a line of totals, then top speakers, top targets, kinds,
    and outlets and months where the articles say."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    corpus = summary.corpus
    header = Text(
        f"{_plural(corpus.articles or 0, 'article')}, {_plural(corpus.claims, 'claim')}, "
        f"{summary.no_speaker_share:.1%} with no named speaker\n"
        f"stances: {_stances(corpus)}"
    )
    parts: list[Any] = [header]

    def table(title: str, rows: list[Row], columns: tuple[str, ...]) -> None:
        """A table of ``rows``: its key, then ``columns`` (``count``: the row's claims)."""
        if not rows:
            return
        grid = Table(title=title, title_justify="left")
        grid.add_column(columns[0])
        for column in columns[1:]:
            grid.add_column(
                column.replace("_", " "), justify="left" if column == "type" else "right"
            )
        for row in rows:
            # Text: a name like "[b]" must not be read as markup
            grid.add_row(Text(row.key), *(_cell_text(row, column) for column in columns[1:]))
        parts.append(grid)

    table("Top speakers", summary.speakers, ("speaker", "type", "claims", *STANCES))
    table("Top targets", summary.targets, ("target", "targeted", *STANCES))
    table("Claims by kind", summary.kinds, ("kind", "claims", *STANCES))
    place = ("articles", "claims", "no_speaker", *STANCES)
    table("By outlet", summary.outlets, ("outlet", *place))
    table("By month", summary.months, ("month", *place))
    return Group(*parts)


def _cell_text(row: Row, column: str) -> str:
    value = getattr(row, "claims" if column == "targeted" else column)
    if value is None:
        return ""
    return value if isinstance(value, str) else f"{value:,}"


def _stances(row: Row) -> str:
    return ", ".join(f"{getattr(row, s):,} {s}" for s in STANCES)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
