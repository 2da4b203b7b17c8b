"""What the quote bank costs (issue 33): building it beside extraction, searching it, and
memory as the database grows.

    .venv/bin/python bench/quotes_bench.py --articles 10000

The corpus is the claims claimx found in the PolNeAR dev articles (``bench/_work/``, from
``make evaluate``; measurement data, never shipped), repeated to ``--articles``: each copy
after the first has 30 % of its longer words replaced by random letters of the same length,
so that offsets hold and its quotations are new ones that share trigrams with the old (the
bank's slow path: candidates found and compared), not exact repeats.

1. Build: every article added to a database twice over, with and without the quote bank;
   the bank's cost per article beside extraction's, measured on ``--sample`` articles
   (the pipeline's CPU time, the default stance model).
2. Search: ``claimx quotes`` queries on the full database for the first 20 matches, best
   of three, in the library and through the command line (a table, with its start-up).
3. Memory: the process's resident memory after each fifth of the articles.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from claimx import quotebank, quotesearch
from claimx.db import ClaimsDatabase
from claimx.types import Article

ROOT = Path(__file__).resolve().parent.parent
PRED = ROOT / "bench" / "_work" / "polnear-pred.jsonl"
OUTLETS = ("nyt", "breitbart", "wapo", "fox", "politico", "ap")
_LONG_WORD = re.compile(r"\b[a-z]{4,}\b")


def corpus() -> list[tuple[str, list[dict[str, Any]]]]:
    """The PolNeAR dev articles' texts with the claims claimx found in them."""
    if not PRED.exists():
        sys.exit(f"{PRED} is missing: run make evaluate first (it needs ../shared)")
    claims: dict[str, list[dict[str, Any]]] = {}
    for line in PRED.open(encoding="utf-8"):
        record = json.loads(line)
        claims.setdefault(record["source"], []).append(record)
    return [(Path(source).read_text(encoding="utf-8"), found) for source, found in claims.items()]


def scrambled(text: str, rng: random.Random) -> str:
    """``text`` with 30 % of its longer words replaced by random letters, the same length."""

    def swap(match: re.Match[str]) -> str:
        word = match[0]
        if rng.random() >= 0.3:
            return word
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in word)

    return _LONG_WORD.sub(swap, text)


def articles(n: int, seed: int = 1) -> list[tuple[Article, list[dict[str, Any]]]]:
    base = corpus()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text, records = base[i % len(base)]
        if i >= len(base):
            text = scrambled(text, rng)
        records = [
            dict(
                r,
                quote=text[r["quote_spans"][0][0] : r["quote_spans"][-1][1]]
                if r["quote_spans"]
                else r["quote"],
            )
            for r in records
        ]
        metadata = {
            "outlet": OUTLETS[i % len(OUTLETS)],
            "date": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        out.append(
            (Article("bench.jsonl", f"a{i}", text, metadata, f"bench.jsonl:{i + 1}"), records)
        )
    return out


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def build(
    path: Path, corpus: list[tuple[Article, list[dict[str, Any]]]], bank: bool
) -> tuple[float, list[float]]:
    """CPU seconds to add every article (with or without the bank), and RSS by fifths."""
    original = quotebank.QuoteBank.add_article
    if not bank:
        quotebank.QuoteBank.add_article = lambda self, article, text: None  # type: ignore[method-assign]
    memory = []
    try:
        start = time.process_time()
        with ClaimsDatabase(path, force=True) as db:
            for i, (article, records) in enumerate(corpus, 1):
                db.add(article, records)
                if i % max(1, len(corpus) // 5) == 0:
                    memory.append(rss_mb())
        return time.process_time() - start, memory
    finally:
        quotebank.QuoteBank.add_article = original  # type: ignore[method-assign]


def extraction_seconds(corpus: list[tuple[Article, list[dict[str, Any]]]], sample: int) -> float:
    """CPU seconds per article to extract, over the first ``sample`` articles."""
    import claimx

    nlp = claimx.load()
    texts = [article.text for article, _ in corpus[:sample]]
    for _ in nlp.pipe(texts[:5]):
        pass  # warm
    start = time.process_time()
    for _ in nlp.pipe(texts):
        pass
    return (time.process_time() - start) / len(texts)


QUERIES: list[tuple[str, quotesearch.QuoteQuery, list[str]]] = [
    ("words", quotesearch.QuoteQuery("president", limit=20), ["president"]),
    ("speaker", quotesearch.QuoteQuery(speaker="Trump", limit=20), ["--speaker", "Trump"]),
    ("target", quotesearch.QuoteQuery(target="Clinton", limit=20), ["--target", "Clinton"]),
    (
        "outlet+dates",
        quotesearch.QuoteQuery(outlet="nyt", since="2016-06", until="2016-08", limit=20),
        ["--outlet", "nyt", "--since", "2016-06", "--until", "2016-08"],
    ),
    ("reach, all", quotesearch.QuoteQuery(min_articles=2, limit=20), ["--min-articles", "2"]),
    ("by date", quotesearch.QuoteQuery(sort="date", limit=20), ["--sort", "date"]),
    (
        "words+speaker",
        quotesearch.QuoteQuery("tax", speaker="Trump", limit=20),
        ["tax", "--speaker", "Trump"],
    ),
]


def searches(path: Path) -> list[tuple[str, int, float, float]]:
    conn = quotesearch.open_bank(path)
    out = []
    for name, query, args in QUERIES:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            found = list(quotesearch.search(conn, query))
            best = min(best, time.perf_counter() - start)
        cli = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "claimx", "quotes", str(path), *args, "--limit", "20"],
                check=True,
                capture_output=True,
            )
            cli = min(cli, time.perf_counter() - start)
        out.append((name, len(found), best, cli))
    conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=100, help="articles to time extraction on")
    parser.add_argument("--keep", type=Path, help="keep the database with the bank here")
    args = parser.parse_args()
    data = articles(args.articles)
    claims = sum(len(records) for _, records in data)
    print(f"{args.articles:,} articles, {claims:,} claims")
    with tempfile.TemporaryDirectory() as folder:
        plain, _ = build(Path(folder) / "plain.db", data, bank=False)
        path = args.keep or Path(folder) / "bank.db"
        path.unlink(missing_ok=True)
        banked, memory = build(path, data, bank=True)
        extract = extraction_seconds(data, args.sample)
        per = (banked - plain) / len(data)
        print(f"add without the bank: {plain / len(data) * 1000:.1f} ms CPU per article")
        print(f"add with the bank:    {banked / len(data) * 1000:.1f} ms CPU per article")
        print(f"the bank:             {per * 1000:.1f} ms CPU per article")
        print(f"extraction:           {extract * 1000:.0f} ms CPU per article ({args.sample})")
        print(f"the bank / extraction: {per / extract:.1%} (target <= 10 %)")
        print(
            "resident memory by fifths of the articles (MB): "
            + ", ".join(f"{m:.0f}" for m in memory)
        )
        with ClaimsDatabase(path) as db:
            clusters = db.conn.execute("SELECT count(*), sum(articles > 1) FROM quotes").fetchone()
        print(f"{clusters[0]:,} quotations, {clusters[1]:,} in more than one article")
        print(f"{'search':<15} {'found':>6} {'library':>9} {'CLI':>7}")
        for name, found, library, cli in searches(path):
            print(f"{name:<15} {found:>6} {library * 1000:>7.1f}ms {cli:>6.2f}s")


if __name__ == "__main__":
    main()
