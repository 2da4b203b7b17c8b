"""Corpus memory benchmark (not a test): does memory stay flat as a JSON Lines corpus streams?

    .venv/bin/python bench/corpus_memory.py [--records 200000] [--every 1000] [--db] [-j N]

Writes a synthetic JSON Lines corpus of short wire-style articles (id, url, date, outlet,
text; each made from names, roles, organisations and quotes drawn by a seeded random, so no
two are alike) to bench/_work/corpus, then runs ``claimx extract`` on it in a process of its
own: ``-f jsonl`` to a pipe read here (the default), or ``--db`` into a fresh SQLite file.
Every ``--every`` articles it reads the process's resident memory (VmRSS, with the ``-j``
workers' added) and its peak so far (VmHWM), and prints them with the rate; at the end, the
growth of the peak from the first checkpoint past 1,000 articles to the last, which flat
memory keeps near zero (spaCy's string store grows by the new words it meets: a few MB).

Stop it with Ctrl-C at any time: what was measured is printed. On the 2-core development
machine the default pipeline parses some 20 of these short articles a second per process.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work" / "corpus"
FIRST = ["Maria", "John", "Anna", "Peter", "Laura", "James", "Sofia", "David", "Elena", "Omar"]
LAST = ["Lopez", "Reed", "Novak", "Brennan", "Costa", "Hughes", "Weber", "Marsh", "Ortiz", "Keller"]
ROLES = ["the finance minister", "a spokesman for the council", "the mayor", "an analyst"]
ORGS = ["the Finance Ministry", "the European Commission", "the city council", "NATO", "Reuters"]
THINGS = ["the budget", "the new bridge", "the trade deal", "the tax plan", "the rail strike"]
VERBS = ["support", "block", "review", "delay", "welcome", "reject"]
OUTLETS = ["The Daily", "Wire", "The Herald", "Metro News"]


def article(rng: random.Random, i: int) -> dict[str, object]:
    """One synthetic record: about 500 characters of text and four metadata fields."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    other = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    org, thing = rng.choice(ORGS), rng.choice(THINGS)
    text = (
        f"{first} {last}, {rng.choice(ROLES)}, said {org} would {rng.choice(VERBS)} {thing} "
        f"by {rng.randint(2025, 2030)}.\n"
        f'"We will not accept {thing} in its present form," {last} told reporters on '
        f"day {i}.\n"
        f"{other} called the plan {rng.choice(['reckless', 'overdue', 'a good start'])}, "
        f"according to a statement from {rng.choice(ORGS)}.\n"
        f"The vote on {thing} is expected within {rng.randint(2, 30)} days, officials said."
    )
    return {
        "id": i,
        "url": f"https://example.com/{i}",
        "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "outlet": rng.choice(OUTLETS),
        "text": text,
    }


def write_corpus(path: Path, records: int) -> None:
    rng = random.Random(21)
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, records + 1):
            out.write(json.dumps(article(rng, i)) + "\n")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB of ``pid`` and its children (the -j workers)."""
    rss = hwm = 0.0
    for proc in [pid, *children(pid)]:
        try:
            status = Path(f"/proc/{proc}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss += int(fields["VmRSS"].split()[0]) / 1024
        hwm += int(fields["VmHWM"].split()[0]) / 1024
    return rss, hwm


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--every", type=int, default=1000, help="articles between checkpoints")
    parser.add_argument("--db", action="store_true", help="write into SQLite, not to a pipe")
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    corpus = WORK / f"corpus-{args.records}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, args.records)
    size = corpus.stat().st_size
    print(f"corpus: {args.records:,} records, {size / 1e6:.1f} MB ({corpus})", flush=True)
    db = WORK / "claims.db"
    for leftover in WORK.glob("claims.db*"):
        leftover.unlink()
    command = [sys.executable, "-m", "claimx", "extract", "-q", "-j", str(args.jobs), str(corpus)]
    command += ["--db", str(db)] if args.db else ["-f", "jsonl"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    start = time.monotonic()
    rows: list[tuple[int, float, float, float]] = []  # articles, seconds, rss, peak
    done = 0

    def checkpoint(articles: int) -> None:
        rss, hwm = memory_mb(proc.pid)
        seconds = time.monotonic() - start
        rows.append((articles, seconds, rss, hwm))
        rate = articles / seconds if seconds else 0.0
        print(
            f"{articles:>8,} articles  {seconds:7.0f} s  {rate:5.1f}/s  "
            f"RSS {rss:7.1f} MB  peak {hwm:7.1f} MB",
            flush=True,
        )

    try:
        if args.db:
            while proc.poll() is None:
                time.sleep(2)
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                        (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
                except sqlite3.Error:
                    continue
                while count >= done + args.every:
                    done += args.every
                    checkpoint(done)
        else:
            for line in proc.stdout:
                article_id = int(json.loads(line)["article"]["id"])
                # claims come in article order; an article without claims is passed over
                while article_id > done + args.every:
                    done += args.every
                    checkpoint(done)
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
    finally:
        proc.wait()
    if len(rows) >= 2:
        base = next((row for row in rows if row[0] > 1000), rows[0])
        last = rows[-1]
        print(
            f"peak memory after {base[0]:,} articles: {base[3]:.1f} MB; after {last[0]:,}: "
            f"{last[3]:.1f} MB ({last[3] - base[3]:+.1f} MB over "
            f"{last[0] - base[0]:,} articles)"
        )


if __name__ == "__main__":
    main()
