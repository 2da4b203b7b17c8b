"""The site of a claims database (``claimx show DB -o DIR``): static pages to read a corpus
offline, from a folder opened in any browser (``file://``) or served as it is.

* ``index.html``: the corpus at a glance, with a search box; the most reported quotations,
  the speakers who gave the most, and the links to the full lists:
* ``quotes.html`` (every quotation by reach: articles, then outlets), ``speakers.html``
  (every named speaker, a section each listing their quotations) and ``articles.html``;
* ``quotes/<quote>.html``: one page per cluster of the quote bank (every cluster, so that
  every quotation has an address; a cluster reported once has a page of one report),
  each article's report side by side: date, outlet, speaker, cue, wording, stance, and the
  link to the claim in its article;
* ``articles/<article>.html``: each article with its claims marked (:func:`claimx.page.page`).

The search runs in the page, with no network: ``search.js`` holds every quotation (its
longest form and speaker) and every article's title, loaded by a ``<script src>`` (which
works from ``file://``, where ``fetch`` does not), and a small script filters them as one
types. The query is kept in the address (``index.html#q=levy``), so a search can be linked.

Nothing refers to anything outside the folder: one local stylesheet (``site.css``; the
article pages carry their own), no URL to fetch, and every text from the database (article
text, names, metadata) escaped. Rows are read from SQLite one at a time and each page
written as it is made, so memory does not grow with the corpus (only the list of speakers
is held). The site is built in a hidden folder beside the target and renamed into place
when complete: a failed build leaves the target as it was. A target that exists must be
empty or a site claimx wrote, which is replaced whole.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .datafiles import packaged_text
from .db import CLAIM_COLUMNS, claim_record
from .errors import ClaimxError
from .page import STANCE_SIGNS, escape, page
from .quotesearch import QuoteQuery, cluster, open_bank, reports, search
from .types import Claim

#: How many of the most reported quotations, and of the speakers with the most, the index
#: lists; the full lists are a link away.
INDEX_QUOTES = 100
INDEX_SPEAKERS = 50
#: A quotation longer than this is cut in the lists (its page has it whole).
LIST_CHARS = 300
#: What ``search.js`` holds of each quotation, in this order (the index's script reads them).
_SEARCH_KEYS = ("quote", "text", "speaker", "articles", "outlets", "first_date", "first_outlet")
#: What tells a site claimx wrote, in its index's head: such a folder may be replaced.
GENERATOR = f'<meta name="generator" content="claimx {escape(__version__)} site">'
_MARK = '<meta name="generator" content="claimx '


class SiteError(ClaimxError):
    """The site cannot be written: the target is taken, or the disk refused."""


@dataclass(frozen=True)
class SiteReport:
    """What :func:`write_site` wrote into ``folder``: its pages and search data."""

    folder: Path
    articles: int
    quotations: int
    speakers: int
    files: int
    bytes: int


def write_site(database: str | Path, folder: str | Path) -> SiteReport:
    """Write the site of the claims database ``database`` into ``folder``.

    ``folder`` is created, or replaced if it holds a site claimx wrote before; one that
    holds anything else is refused (:class:`SiteError`), as is a database without a quote
    bank (:class:`~claimx.db.DatabaseError`).
    """
    target = _target(Path(folder))
    conn = open_bank(database)
    # Text that another program stored as bytes that are not UTF-8 is shown, not fatal.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    built = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        built.mkdir()  # as any folder: what the umask allows
        counts = _Builder(conn, built).build()
        files, size = _measure(built)
        _install(built, target)
    except OSError as exc:
        raise SiteError(f"cannot write the site to {folder}: {exc.strerror or exc}") from exc
    finally:
        conn.close()
        shutil.rmtree(built, ignore_errors=True)  # gone already if it was renamed in place
    return SiteReport(target, *counts, files, size)


def _target(folder: Path) -> Path:
    """The folder to write, links followed; :class:`SiteError` if it is taken."""
    target = folder.resolve() if folder.exists() else folder.parent.resolve() / folder.name
    if not target.parent.is_dir():
        raise SiteError(f"cannot write the site to {folder}: {folder.parent} is not a folder")
    _check_taken(target, folder)
    return target


def _check_taken(target: Path, folder: Path) -> None:
    if not target.exists():
        return
    if not target.is_dir():
        raise SiteError(f"{folder} is a file; give -o a folder for the site")
    if any(target.iterdir()) and not is_site(target):
        raise SiteError(
            f"{folder} holds files that are not a site claimx wrote; give a new or empty folder"
        )


def is_site(folder: Path) -> bool:
    """Whether ``folder`` holds a site claimx wrote (its ``index.html`` says so)."""
    try:
        with open(folder / "index.html", "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return _MARK.encode() in head


def _install(built: Path, target: Path) -> None:
    """Rename the finished site ``built`` to ``target``; an old site there is moved aside
    first and removed after (the folder is missing for that moment, never half-written)."""
    _check_taken(target, target)  # again: something may have appeared while we built
    if not target.exists():
        built.rename(target)
        return
    old = target.parent / f".{target.name}.{secrets.token_hex(6)}.old"
    target.rename(old)
    try:
        built.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _measure(folder: Path) -> tuple[int, int]:
    files = size = 0
    for root, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(root, name))
    return files, size


class _Builder:
    """Writes the pages of one database into one (new, empty) folder."""

    def __init__(self, conn: sqlite3.Connection, folder: Path) -> None:
        self.conn = conn
        self.folder = folder

    def build(self) -> tuple[int, int, int]:
        """Every page and file; the numbers of articles, quotations and speakers."""
        (self.folder / "quotes").mkdir()
        (self.folder / "articles").mkdir()
        self.write("site.css", packaged_text("site.css"))
        speakers = self.speakers()
        articles = self.article_pages()
        quotations = self.quote_pages()
        self.quote_list()
        self.speaker_list(speakers)
        self.article_list()
        self.search_data()
        self.index(speakers)
        return articles, quotations, len(speakers)

    def write(self, name: str, text: str) -> None:
        with open(self.folder / name, "w", encoding="utf-8", newline="") as out:
            out.write(text)

    @contextmanager
    def page(self, name: str, title: str, depth: int = 0) -> Iterator[TextIO]:
        """A page of the site, its head and navigation written; the caller writes the body."""
        up = "../" * depth
        with open(self.folder / name, "w", encoding="utf-8", newline="") as out:
            out.write(
                '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"{GENERATOR}\n<title>{escape(title)}</title>\n"
                f'<link rel="stylesheet" href="{up}site.css">\n</head>\n<body>\n'
                f"{_nav(up)}<main>\n"
            )
            yield out
            out.write("</main>\n</body>\n</html>\n")

    # -- what the pages show -----------------------------------------------------------------

    def speakers(self) -> list[tuple[str, int]]:
        """Every named speaker of a quotation and how many quotations, most first."""
        rows = self.conn.execute(
            "SELECT speaker, count(*) FROM quotes WHERE speaker IS NOT NULL AND speaker != '' "
            "GROUP BY speaker ORDER BY count(*) DESC, speaker"
        )
        return [(name, count) for name, count in rows]

    def totals(self) -> dict[str, int]:
        (articles, outlets, claims) = self.conn.execute(
            "SELECT count(*), count(DISTINCT outlet), coalesce(sum(claims), 0) FROM articles"
        ).fetchone()
        (quotations,) = self.conn.execute("SELECT count(*) FROM quotes").fetchone()
        return {"articles": articles, "outlets": outlets, "claims": claims, "q": quotations}

    def index(self, speakers: list[tuple[str, int]]) -> None:
        totals = self.totals()
        with self.page("index.html", "claimx: the corpus") as out:
            out.write(
                "<h1>The corpus</h1>\n"
                f'<p class="cx-lead">{_plural(totals["articles"], "article")} from '
                f"{_plural(totals['outlets'], 'outlet')}; "
                f"{_plural(totals['claims'], 'claim')} in "
                f"{_plural(totals['q'], 'quotation')} by "
                f"{_plural(len(speakers), 'named speaker')}.</p>\n"
                f"{_SEARCH_FORM}"
            )
            out.write(
                '<section aria-labelledby="cx-top">\n'
                '<h2 id="cx-top">The most reported quotations</h2>\n'
            )
            top = search(self.conn, QuoteQuery(sort="reach", limit=INDEX_QUOTES))
            _quote_table(out, top, "")
            out.write(
                f'<p><a href="quotes.html">All {_plural(totals["q"], "quotation")}</a></p>\n'
                '</section>\n<section aria-labelledby="cx-speakers">\n'
                '<h2 id="cx-speakers">Speakers</h2>\n<ul class="cx-speakers">\n'
            )
            for number, (name, count) in enumerate(speakers[:INDEX_SPEAKERS], 1):
                out.write(_speaker_item(number, name, count, "speakers.html"))
            out.write(
                f'</ul>\n<p><a href="speakers.html">All {_plural(len(speakers), "speaker")}'
                "</a> with their quotations</p>\n</section>\n"
                '<section aria-labelledby="cx-articles">\n'
                '<h2 id="cx-articles">Articles</h2>\n'
                f'<p><a href="articles.html">All {_plural(totals["articles"], "article")}'
                "</a>, by date</p>\n</section>\n"
                f'<script src="search.js"></script>\n<script>{packaged_text("site.js")}</script>\n'
            )

    def quote_list(self) -> None:
        with self.page("quotes.html", "claimx: quotations") as out:
            out.write("<h1>Quotations</h1>\n<p>By reach: articles, then outlets.</p>\n")
            _quote_table(out, search(self.conn, QuoteQuery(sort="reach")), "")

    def speaker_list(self, speakers: list[tuple[str, int]]) -> None:
        with self.page("speakers.html", "claimx: speakers") as out:
            out.write('<h1>Speakers</h1>\n<ul class="cx-speakers">\n')
            for number, (name, count) in enumerate(speakers, 1):
                out.write(_speaker_item(number, name, count, ""))
            out.write("</ul>\n")
            for number, (name, count) in enumerate(speakers, 1):
                out.write(
                    f'<section id="s-{number}">\n<h2>{escape(name)}</h2>\n'
                    f"<p>{_plural(count, 'quotation')}</p>\n"
                )
                _quote_table(out, self.quotes_of(name), "", speaker=False)
                out.write("</section>\n")

    def quotes_of(self, speaker: str) -> Iterator[dict[str, Any]]:
        """The quotations of ``speaker`` (exactly that name), by reach."""
        rows = self.conn.execute(
            "SELECT quote FROM quotes WHERE speaker = ? "
            "ORDER BY articles DESC, outlets DESC, claims DESC, quote",
            (speaker,),
        ).fetchall()  # the ids of one speaker's quotations only
        for (quote,) in rows:
            found = cluster(self.conn, quote)
            if found is not None:
                yield found

    def article_list(self) -> None:
        with self.page("articles.html", "claimx: articles") as out:
            out.write(
                "<h1>Articles</h1>\n<table>\n<thead><tr><th>date</th><th>outlet</th>"
                "<th>article</th><th>claims</th></tr></thead>\n<tbody>\n"
            )
            for key, source, ident, metadata, outlet, date, claims in self.conn.execute(
                "SELECT article, source, id, metadata, outlet, date, claims FROM articles "
                "ORDER BY date IS NULL, date, article"
            ):
                name = _title(metadata) or _source(source, ident)
                out.write(
                    f"<tr><td>{_text(date)}</td><td>{_text(outlet)}</td>"
                    f'<td><a href="articles/{key}.html">{escape(name)}</a></td>'
                    f'<td class="cx-n">{claims}</td></tr>\n'
                )
            out.write("</tbody>\n</table>\n")

    def article_pages(self) -> int:
        count = 0
        columns = ", ".join(CLAIM_COLUMNS)
        articles = self.conn.execute(
            "SELECT article, source, id, metadata, text, url, outlet, date FROM articles "
            "ORDER BY article"
        )
        for key, source, ident, metadata, text, url, outlet, date in articles:
            rows = self.conn.execute(
                f"SELECT {columns} FROM claims WHERE article = ? ORDER BY claim", (key,)
            )
            claims = [Claim.from_dict(claim_record(row)) for row in rows]
            facts = [fact for fact in (outlet, date, url) if fact]
            document = page(
                text,
                claims,
                source=_source(source, ident),
                title=_title(metadata),
                facts=facts,
                links=[("← the corpus", "../index.html"), ("articles", "../articles.html")],
            )
            self.write(f"articles/{key}.html", document)
            count += 1
        return count

    def quote_pages(self) -> int:
        count = 0
        for found in search(self.conn, QuoteQuery(sort="reach")):
            self.quote_page(found)
            count += 1
        return count

    def quote_page(self, found: dict[str, Any]) -> None:
        quote = found["quote"]
        speaker = found["speaker"] or "(no named speaker)"
        with self.page(f"quotes/{quote}.html", f"{speaker}: {_cut(found['text'], 80)}", 1) as out:
            out.write(
                f'<h1 class="cx-quotation">{escape(found["text"])}</h1>\n'
                f'<p class="cx-lead">{escape(speaker)}{_shares(found["speakers"])} · '
                f"{escape(found['kind'])} · {_plural(found['articles'], 'article')}, "
                f"{_plural(found['outlets'], 'outlet')}, {_plural(found['claims'], 'claim')}"
                f"{_first(found)}</p>\n"
                "<h2>Each report</h2>\n<table>\n<thead><tr><th>date</th><th>outlet</th>"
                "<th>article</th><th>speaker</th><th>cue</th><th>kind</th><th>wording</th>"
                "<th>target: stance</th></tr></thead>\n<tbody>\n"
            )
            for report in reports(self.conn, quote):
                key, number = self.place(report["claim"])
                name = report["title"] or _source(report["source"], report["article"])
                out.write(
                    f"<tr><td>{_text(report['date'])}</td><td>{_text(report['outlet'])}</td>"
                    f'<td><a href="../articles/{key}.html#cx-claim-{number}">{escape(name)}</a>'
                    f"</td><td>{_text(report['speaker'])}</td><td>{_text(report['cue'])}</td>"
                    f"<td>{_text(report['kind'])}</td>"
                    f'<td class="cx-wording">{_text(report["wording"])}</td>'
                    f"<td>{_stance(report)}</td></tr>\n"
                )
            out.write("</tbody>\n</table>\n")

    def place(self, claim: int) -> tuple[int, int]:
        """The article of ``claim`` and its number there (as the article's page numbers
        its claims: in the order they were stored)."""
        row = self.conn.execute(
            "SELECT c.article, (SELECT count(*) FROM claims d WHERE d.article = c.article "
            "AND d.claim <= c.claim) FROM claims c WHERE c.claim = ?",
            (claim,),
        ).fetchone()
        return int(row[0]), int(row[1])

    def search_data(self) -> None:
        """``search.js``: every quotation and article title, for the index's search."""
        with open(self.folder / "search.js", "w", encoding="utf-8", newline="") as out:
            out.write("/* claimx: what the search box of index.html looks through */\n")
            out.write('window.claimxSearch = {\n"quotes": [\n')
            quotes = (
                [q[key] for key in _SEARCH_KEYS]
                for q in search(self.conn, QuoteQuery(sort="reach"))
            )
            _rows(out, quotes)
            out.write('],\n"articles": [\n')
            articles = (
                [key, _title(metadata) or _source(source, ident), outlet, date]
                for key, source, ident, metadata, outlet, date in self.conn.execute(
                    "SELECT article, source, id, metadata, outlet, date FROM articles "
                    "ORDER BY date IS NULL, date, article"
                )
            )
            _rows(out, articles)
            out.write("]\n};\n")


def _rows(out: TextIO, rows: Iterable[list[Any]]) -> None:
    for row in rows:
        out.write(_js(row) + ",\n")  # a trailing comma ends an array as well in JavaScript


def _js(value: Any) -> str:
    """``value`` as a JavaScript literal (JSON) that is safe anywhere: no ``<`` to end a
    script, no line separator that older engines read as a line end."""
    text = json.dumps(value, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _quote_table(
    out: TextIO, found: Iterable[dict[str, Any]], up: str, *, speaker: bool = True
) -> None:
    """A table of quotations, each linking to its page (``up``: the way to the top)."""
    head = "<th>speaker</th>" if speaker else ""
    out.write(
        f"<table>\n<thead><tr><th>quotation</th>{head}<th>first</th><th>articles</th>"
        "<th>outlets</th></tr></thead>\n<tbody>\n"
    )
    for q in found:
        who = f"<td>{_text(q['speaker'])}</td>" if speaker else ""
        first = " ".join(escape(v) for v in (q["first_date"], q["first_outlet"]) if v)
        out.write(
            f'<tr><td><a href="{up}quotes/{q["quote"]}.html">{escape(_cut(q["text"]))}</a> '
            f"<small>{escape(q['kind'])}</small></td>{who}<td>{first}</td>"
            f'<td class="cx-n">{q["articles"]}</td><td class="cx-n">{q["outlets"]}</td></tr>\n'
        )
    out.write("</tbody>\n</table>\n")


def _speaker_item(number: int, name: str, count: int, page: str) -> str:
    return f'<li><a href="{page}#s-{number}">{escape(name)}</a> <small>{count}</small></li>\n'


def _shares(speakers: list[dict[str, Any]]) -> str:
    """Who else a cluster's reports name as its speaker, with their shares."""
    if len(speakers) < 2:
        return ""
    named = (f"{s.get('speaker') or '(none)'} {float(s.get('share') or 0):.0%}" for s in speakers)
    return f" <small>({escape(', '.join(named))})</small>"


def _first(found: dict[str, Any]) -> str:
    first = " ".join(v for v in (found["first_date"], found["first_outlet"]) if v)
    return f"; first: {escape(first)}" if first else ""


def _stance(report: dict[str, Any]) -> str:
    stance = str(report["stance"])
    sign = STANCE_SIGNS.get(stance, "")
    word = f'<span class="cx-{escape(stance)}">{escape(stance)} {sign}</span>'
    score = report["stance_score"]
    score_text = f" {score:+.2f}" if isinstance(score, (int, float)) else ""
    target = f"{escape(report['target'])}: " if report["target"] else "(the content): "
    return target + word + score_text


def _nav(up: str) -> str:
    return (
        f'<nav class="cx-nav"><a href="{up}index.html">claimx: the corpus</a> · '
        f'<a href="{up}quotes.html">quotations</a> · <a href="{up}speakers.html">speakers</a>'
        f' · <a href="{up}articles.html">articles</a></nav>\n'
    )


def _title(metadata: str | None) -> str | None:
    """An article's title, from its metadata (as ``claimx show`` heads its page)."""
    try:
        values = json.loads(metadata) if metadata else None
    except ValueError:
        return None
    title = values.get("title") if isinstance(values, dict) else None
    return (title.strip() or None) if isinstance(title, str) else None


def _source(source: str, ident: str) -> str:
    """How an article is named without a title: its input, and its id in it."""
    return source if ident == source else f"{source}, {ident}"


def _text(value: Any) -> str:
    return "" if value is None else escape(str(value))


def _cut(text: str, limit: int = LIST_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


_SEARCH_FORM = """<form id="cx-search" role="search" action="#">
<label for="cx-q">Find quotations and articles by a word:</label>
<input id="cx-q" type="search" name="q" autocomplete="off" spellcheck="false">
<noscript><p>The search needs JavaScript; the lists below are there without it.</p></noscript>
</form>
<div id="cx-results" aria-live="polite" hidden></div>
"""
