"""The site of a claims database (``claimx show DB -o DIR``, :mod:`claimx.site`): every page
there and linked, each article's text exactly, hostile text escaped, nothing fetched from
outside, a search that finds every quotation, and a target never left half-written."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from claimx import site as site_module
from claimx.cli import EXIT_FAILED, EXIT_USAGE, cli
from claimx.site import SiteError, write_site

HOSTILE_TITLE = '</title><script>alert("title")</script>'
HOSTILE_TEXT = (
    'Mara Voss said "<script>alert(1)</script> & the levy is fair".\r\n'
    "Line two\x01 with a control character\x0b and a tab\t.\n"
    'Ivo Brandt said "the levy is <b>theft</b>".'
)
FEED = [
    {
        "id": "a1",
        "title": "Council backs the harbour levy",
        "outlet": "Gazette",
        "date": "2026-03-02",
        "url": "https://gazette.example/levy",
        "text": 'Mara Voss said "the levy keeps the harbour open for everyone". '
        'Ivo Brandt said "it is a tax on the town".',
    },
    {
        "id": "b1",
        "title": "Levy approved",
        "outlet": "Courier",
        "date": "2026-03-03",
        "url": "https://courier.example/1",
        "text": 'Voss said "the levy keeps the harbour open for everyone" at the meeting. '
        'Pia Stone said "we will appeal".',
    },
    {
        "id": "<c&1>",
        "title": HOSTILE_TITLE,
        "outlet": '"><img src=x onerror=alert(2)>',
        "date": "2026-03-04",
        "url": "javascript:alert(3)",
        "text": HOSTILE_TEXT,
    },
    {"id": "d1", "text": 'Tom Lee said "nothing to add".'},
]
URLS = {"https://gazette.example/levy", "https://courier.example/1", "javascript:alert(3)"}


def invoke(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def database(tmp_path: Path, fake_library: dict[str, Any]) -> Path:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in FEED), encoding="utf-8")
    db = tmp_path / "claims.db"
    result = invoke("extract", feed, "--db", db, "-q")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def site(database: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    report = write_site(database, folder)
    assert (report.articles, report.speakers) == (4, 4)
    assert report.quotations == rows(database, "SELECT count(*) FROM quotes")[0][0]
    assert report.files == len([p for p in folder.rglob("*") if p.is_file()])
    return folder


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


class Page(HTMLParser):
    """Checks that tags nest; collects ids, links, scripts and the article element's text."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.article: list[str] = []
        self.in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append(str(found[name]))
        if tag == "script":
            self.scripts.append(found)
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag == "article":
            self.in_article = len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        if self.in_article == len(self.stack):
            self.in_article = 0
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.in_article:
            self.article.append(data)


def read(path: Path) -> Page:
    parsed = Page()
    parsed.feed(path.read_bytes().decode("utf-8"))  # strict: the site is valid UTF-8
    parsed.close()
    assert not parsed.stack, f"unclosed tags in {path}"
    assert len(parsed.ids) == len(set(parsed.ids)), f"ids repeat in {path}"
    return parsed


def pages(folder: Path) -> dict[Path, Page]:
    return {path: read(path) for path in sorted(folder.rglob("*.html"))}


def test_the_site_has_every_page(site: Path, database: Path) -> None:
    for name in ("index.html", "quotes.html", "speakers.html", "articles.html"):
        assert (site / name).is_file(), name
    assert (site / "site.css").is_file() and (site / "search.js").is_file()
    articles = {f"{key}.html" for (key,) in rows(database, "SELECT article FROM articles")}
    quotes = {f"{key}.html" for (key,) in rows(database, "SELECT quote FROM quotes")}
    assert {p.name for p in (site / "articles").iterdir()} == articles
    assert {p.name for p in (site / "quotes").iterdir()} == quotes
    assert not list(site.parent.glob(".site.*")), "no temporary folder is left"


def test_every_link_leads_to_a_file_and_an_id_there(site: Path) -> None:
    parsed = pages(site)
    checked = 0
    for path, page in parsed.items():
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (path, link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file() and site in target.parents, (path, link)
            if parts.fragment:
                assert parts.fragment in parsed[target].ids, (path, link)
            checked += 1
    assert checked > 50
    index = parsed[site / "index.html"]
    assert any(link.startswith("speakers.html#s-") for link in index.links)
    assert any(link.startswith("quotes/") for link in index.links)


def test_a_cluster_page_lists_each_articles_report_with_a_link_to_the_claim(
    site: Path, database: Path
) -> None:
    ((quote, count),) = rows(
        database, "SELECT quote, claims FROM quotes WHERE text LIKE '%keeps the harbour%'"
    )
    assert count == 2
    html = (site / "quotes" / f"{quote}.html").read_text(encoding="utf-8")
    body = html.split("<tbody>")[1]
    assert body.count("<tr>") == 2
    assert "Gazette" in body and "Courier" in body and "2026-03-02" in body
    assert re.findall(r'href="\.\./articles/(\d+)\.html#cx-claim-(\d+)"', body) == [
        ("1", "1"),
        ("2", "1"),
    ]


def test_article_pages_hold_the_article_text_exactly(site: Path, database: Path) -> None:
    for key, text in rows(database, "SELECT article, text FROM articles"):
        page = read(site / "articles" / f"{key}.html")
        assert "".join(page.article) == text
        assert "../index.html" in page.links


def test_hostile_text_and_metadata_are_escaped(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        document = path.read_text(encoding="utf-8")
        assert "<script>alert" not in document and "<img" not in document, path
        assert "<b>theft" not in document, path
        scripts = read(path).scripts
        if path.name == "index.html":
            assert scripts[0] == {"src": "search.js"} and len(scripts) == 2
        elif path.parent.name == "articles":
            assert len(scripts) == 1  # the page's own
        else:
            assert not scripts, path
    hostile = (site / "articles" / "3.html").read_text(encoding="utf-8")
    assert "&lt;/title&gt;&lt;script&gt;" in hostile
    assert "&quot;&gt;&lt;img src=x" in hostile
    listed = (site / "articles.html").read_text(encoding="utf-8")
    assert "&lt;/title&gt;&lt;script&gt;" in listed


def test_nothing_comes_from_outside_the_folder(site: Path) -> None:
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"(?:https?:)?//[^\s\"'<>]*", text):
            assert url in URLS, (path, url)  # an article's own, shown as text
        lowered = text.lower()
        assert "@import" not in lowered and "url(" not in lowered, path
        assert not re.search(r"\b(srcset|action|poster|formaction)\s*=\s*\"[^#]", lowered)
        assert "fetch(" not in lowered and "xmlhttprequest" not in lowered, path
    for url in URLS:  # article URLs are shown as text, never followed
        assert f'href="{url}' not in "".join(
            p.read_text(encoding="utf-8") for p in site.rglob("*.html")
        )


def search_rows(site: Path) -> dict[str, list[list[Any]]]:
    """``search.js``'s rows, each line of an array a JSON list."""
    found: dict[str, list[list[Any]]] = {}
    current: list[list[Any]] = []
    for line in (site / "search.js").read_text(encoding="utf-8").splitlines():
        if line.endswith(": ["):
            current = found.setdefault(line.split('"')[1], [])
        elif line.startswith("["):
            current.append(json.loads(line.removesuffix(",")))
    return found


def test_the_search_data_holds_every_quotation_and_article(site: Path, database: Path) -> None:
    data = search_rows(site)
    quotes = {
        (q, text, speaker)
        for q, text, speaker in rows(database, "SELECT quote, text, speaker FROM quotes")
    }
    assert {(q[0], q[1], q[2]) for q in data["quotes"]} == quotes
    assert {a[0] for a in data["articles"]} == {1, 2, 3, 4}
    assert [a[1] for a in data["articles"] if a[0] == 3] == [HOSTILE_TITLE]
    assert "<" not in (site / "search.js").read_text(encoding="utf-8")  # \u003c instead


# A DOM just big enough for the index's script: it runs the search in the query the address
# gives (#q=...) and prints what it listed.
NODE_DOM = """
const fs = require("fs");
const [folder, query] = process.argv.slice(2);
class El {
  constructor(tag) {
    Object.assign(this, { tag, children: [], textContent: "", hidden: false });
  }
  append(...nodes) { this.children.push(...nodes); }
  replaceChildren() { this.children = []; }
  addEventListener() {}
}
const byId = { "cx-q": new El("input"), "cx-results": new El("div"), "cx-search": new El("form") };
globalThis.window = globalThis;
window.addEventListener = () => {};
globalThis.location = { hash: "#q=" + encodeURIComponent(query), href: "file:///site/index.html" };
globalThis.history = { replaceState() {} };
globalThis.document = { getElementById: (id) => byId[id], createElement: (tag) => new El(tag) };
eval(fs.readFileSync(folder + "/search.js", "utf8"));
const html = fs.readFileSync(folder + "/index.html", "utf8");
eval(html.match(/<script>([\\s\\S]*?)<\\/script>/)[1]);
const lists = byId["cx-results"].children.filter((el) => el.tag === "ol");
const link = (li) => [li.children[0].href, li.children[0].textContent];
console.log(JSON.stringify({
  hidden: byId["cx-results"].hidden,
  box: byId["cx-q"].value,
  found: lists.map((ol) => ol.children.map(link)),
}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
@pytest.mark.parametrize(
    ("query", "quotes", "articles"),
    [
        ("LEVY", 3, 2),  # any case; the quotations and two titles
        ("levy harbour", 1, 1),
        ("Brandt", 2, 0),  # by speaker
        ("<script>alert", 1, 1),  # words in markup, as text
        ("zebra", 0, 0),
    ],
)
def test_the_search_script_finds_quotations_and_titles_by_a_word(
    site: Path, tmp_path: Path, query: str, quotes: int, articles: int
) -> None:
    script = tmp_path / "dom.js"
    script.write_text(NODE_DOM, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), str(site), query], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["box"] == query and not result["hidden"]
    found_quotes, found_articles = result["found"]
    assert (len(found_quotes), len(found_articles)) == (quotes, articles)
    for href, _ in found_quotes:
        assert (site / href).is_file()
    for href, _ in found_articles:
        assert (site / href).is_file()


def test_the_cli_writes_the_site_and_says_where(database: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    result = invoke("show", database, "-o", folder)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"claimx: site of 4 articles and {len(search_rows(folder)['quotes'])} quotations in "
        f"{folder}; open {folder / 'index.html'}\n"
    )
    (folder / "stale.html").write_text("old", encoding="utf-8")
    again = invoke("show", database, "--output-dir", folder)
    assert again.exit_code == 0, again.output
    assert not (folder / "stale.html").exists(), "an old site is replaced whole"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


AS_SITE = "is a claims database, shown as a site: give -o DIR instead of"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "is a claims database; give -o DIR to write the site of its corpus"),
        (("--html", "x.html"), f"{AS_SITE} --html"),
        (("--id", "a1", "-o", "x"), f"{AS_SITE} --id"),
    ],
)
def test_a_database_needs_o_and_nothing_else(
    database: Path, args: tuple[str, ...], message: str
) -> None:
    result = invoke("show", database, *args)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines()[-1] == f"Error: {database} {message}"


def test_o_with_articles_is_a_usage_error(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text('Ann Lee said "hello".', encoding="utf-8")
    result = invoke("show", text, "-o", tmp_path / "site")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.splitlines()[-1] == (
        f"Error: {text} is not a database of claimx extract --db; -o writes the site of one "
        "(for one article's page, give --html FILE)"
    )
    assert not (tmp_path / "site").exists()


def test_a_folder_of_other_files_is_left_alone(database: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    result = invoke("show", database, "-o", folder)
    assert result.exit_code == EXIT_FAILED
    assert result.stderr == (
        f"claimx: error: {folder} holds files that are not a site claimx wrote; give a new "
        "or empty folder\n"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("show", database, "-o", empty).exit_code == 0
    assert (empty / "index.html").is_file()


def test_a_database_of_something_else_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = invoke("show", other, "-o", tmp_path / "site")
    assert result.exit_code == EXIT_FAILED
    assert result.stderr.startswith(f"claimx: error: {other} is not a database of claimx")
    assert not (tmp_path / "site").exists()


def test_a_failed_build_leaves_the_old_site_as_it_was(
    site: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def broken(self: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site_module._Builder, "quote_pages", broken)
    with pytest.raises(SiteError, match="No space left on device"):
        write_site(database, site)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".")] == []


BROWSER = next(
    (
        shutil.which(name)
        for name in ("chromium", "chromium-browser", "google-chrome")
        if shutil.which(name)
    ),
    None,
)


@pytest.mark.skipif(BROWSER is None, reason="needs Chromium (bench/site_check.py says how)")
def test_a_real_browser_opens_the_site_offline_and_its_search_finds_a_quote_by_a_word(
    site: Path,
) -> None:
    """Headless Chromium opens index.html from disk (no server, no network) with a word in
    its address, as typing it in the box leaves it; the page's own script lists the hits."""
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=3000",
            "--dump-dom",
            (site / "index.html").as_uri() + "#q=levy",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = re.search(r'<div id="cx-results"[^>]*>(.*?)</div>', done.stdout, re.S)
    assert results is not None
    found = re.findall(r'<a href="([^"]+)">([^<]*)</a>', results[1])
    quotes = [text for href, text in found if href.startswith("quotes/")]
    titles = [text for href, text in found if href.startswith("articles/")]
    assert (len(quotes), len(titles)) == (3, 2)  # as the script does under node, above
    assert all("levy" in text.lower() for text in quotes + titles)
    for href, _ in found:
        assert (site / href).is_file()
    shot = site.parent / "index.png"
    drawn = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=3000",
            "--window-size=1200,900",
            f"--screenshot={shot}",
            (site / "index.html").as_uri() + "#q=levy",
        ],
        capture_output=True,
        timeout=120,
    )
    assert drawn.returncode == 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
