"""Build the site of a claims database (``claimx show DB -o DIR``) and look at it in a real
browser: headless Chromium (Debian's ``chromium`` package) opens ``index.html#q=WORD`` from
disk (``file://``), as a person would after typing WORD in the search box, saves a
screenshot, and dumps the page as its script left it; the check passes when the search
listed the most reported quotation holding WORD (found by the database's own full-text
index) and every listed link leads to a page of the site.

    .venv/bin/claimx extract seeds/stories.jsonl --db /tmp/stories.db -q
    .venv/bin/python bench/site_check.py /tmp/stories.db --word levy   # docs/site.png

Without Chromium it builds the site and prints what to do by hand. Not a test: it needs a
browser, and a person to look at the picture.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from claimx.quotesearch import QuoteQuery, open_bank, search
from claimx.site import write_site


def chromium() -> str | None:
    """The browser's command, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browse(browser: str, *args: str) -> str:
    """Run headless Chromium with ``args``, scripts run to the end; its stdout."""
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=5000",
    ]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def expected(database: Path, word: str) -> dict[str, object]:
    """The most reported quotation holding ``word``, as the quote bank's search finds it."""
    conn = open_bank(database)
    try:
        found = next(search(conn, QuoteQuery(words=word, limit=1)), None)
    finally:
        conn.close()
    if found is None:
        sys.exit(f"no quotation in {database} holds {word!r}; pick another --word")
    return found


def results(dom: str) -> tuple[list[str], list[str]]:
    """The headings and the links of the search results in the dumped page."""
    found = re.search(r'<div id="cx-results"[^>]*>(.*?)</div>', dom, flags=re.S)
    if not found:
        sys.exit("the page has no search results: did its script fail?")
    block = found[1]
    headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", block)]
    return headings, re.findall(r'href="([^"]*)"', block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a database of claimx extract --db")
    parser.add_argument("--word", default="levy", help="what to search for (default: levy)")
    parser.add_argument("--site", type=Path, help="build the site here (default: a temp folder)")
    parser.add_argument("--out", type=Path, default=Path("docs/site.png"))
    parser.add_argument("--size", default="1200,1000", help="window WIDTH,HEIGHT")
    args = parser.parse_args()
    wanted = expected(args.database, args.word)
    folder = args.site or Path(tempfile.mkdtemp(prefix="claimx-site-")) / "site"
    report = write_site(args.database, folder)
    print(
        f"site: {report.articles} articles, {report.quotations} quotations, "
        f"{report.files} files, {report.bytes:,} bytes in {report.folder}"
    )
    index = (report.folder / "index.html").as_uri() + f"#q={quote(args.word)}"
    browser = chromium()
    if browser is None:
        print(
            "no Chromium found (apt-get install -y chromium), so check by hand:\n"
            f"  open {report.folder / 'index.html'} in a browser, type {args.word} in the "
            "search box,\n"
            f"  and expect «{wanted['text']}» ({wanted['speaker']}) among the quotations "
            "listed;\n  its link opens its page, each report there links to its article."
        )
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    browse(browser, f"--screenshot={args.out.resolve()}", f"--window-size={args.size}", index)
    headings, links = results(browse(browser, "--dump-dom", index))
    page = f"quotes/{wanted['quote']}.html"
    broken = [link for link in links if not (report.folder / link).is_file()]
    print(f"screenshot {args.out} ({args.out.stat().st_size:,} bytes)")
    print(f"search for {args.word!r}: {'; '.join(headings)}")
    print(f"lists «{wanted['text']}» ({page}): {page in links}; broken links: {len(broken)}")
    sys.exit(0 if page in links and links and not broken else 1)


if __name__ == "__main__":
    main()
