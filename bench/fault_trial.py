"""Fault trial (not a test): claimx against hostile texts, killed runs and bad inputs (issue 32).

    .venv/bin/python bench/fault_trial.py                  # every section, at its default size
    .venv/bin/python bench/fault_trial.py --fuzz 3700 --kills 59 --bad-inputs
    .venv/bin/python bench/fault_trial.py --kills 10 --no-scheduler --seed 7 --work /tmp/ft

Sections (only those named run; all of them when none is):
  --fuzz N      N random and hostile texts (random Unicode, every kind of quote mark,
                said-sentences with random names in many scripts, very long lines, control
                characters, markup and formula starts, a few texts long enough to be parsed
                in pieces) through the library (claimx.extract_many, one loaded pipeline):
                every span exact (the cue and the quote fragments spell text[start:end];
                speaker, target and targets' spans lie in the text on non-blank text) and
                the claims of each batch written as YAML, JSON, JSON Lines and CSV and read
                back give the very same records (YAML and JSON Lines concatenated per text
                too). A text with a lone surrogate must be refused with a message.
  --kills N     N runs of ``claimx extract feed.jsonl`` (40 articles of about 2,000
                characters) with -o DIR, --db FILE, -j 2 -o, -j 2 --db and --scheduler
                local:2 (in turn), each killed at a random moment (SIGKILL to the main
                process alone, or SIGINT to its process group as a terminal's Ctrl-C), then
                run again to the end: what the killed run left is whole (every file parses,
                the database passes its integrity check with each article's claims all
                there), no process of the run outlives it, the re-run exits 0, its output is
                the clean run's, file for file or row for row, and no temporary file
                (``.*.tmp``) or ``-wal``/``-shm`` remains.
  --bad-inputs  Bad files (binary, empty, UTF-16 with and without a mark, Latin-1, cut
                gzip, WARC, CSV and JSON Lines, bad records, lone surrogates, NaN...) each
                run beside a good article: the exit code is the README's, stderr names the
                bad input in one line, and the good article's claims are written; then 26
                hostile ids with -o, CSV, HTML and terminal injection, a full disk (-o,
                --db, stdout) and bad databases (read-only, not SQLite, another program's).

Prints progress on stderr, then a summary table on stdout, and the failures; exits 1 if any
check failed. It works in a temporary folder (--work DIR keeps everything there). It needs
the default pipeline; the --scheduler kills need claimx's dask extra (skipped without it,
or with --no-scheduler); a real full disk and a read-only database need root and
``unshare`` (a tiny tmpfs in a mount namespace of the run's own; without them a file-size
limit stands in for the full disk and the read-only database is skipped). It uses about
one core (-j 2 and the Dask runs two, while they run).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: claimx from this checkout, whatever the working directory of a run
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    "NO_COLOR": "1",
}
ENV.pop("CLAIMX_MODEL", None)
SUMMARY = re.compile(r"claimx: [\d,]+ (article|partition)")
Record = dict[str, Any]


@dataclass
class Row:
    """One line of the summary table."""

    section: str
    what: str
    checks: int = 0
    failures: int = 0
    note: str = ""


@dataclass
class Trial:
    """What the sections found: the table's rows and the failures, one line each."""

    rows: list[Row] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def fail(self, row: Row, message: str) -> None:
        row.failures += 1
        self.failures.append(f"{row.section} / {row.what}: {message}")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def claimx(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimx", *args]


def run(
    args: list[str], cwd: Path, *, timeout: float = 600, **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run a command; its output decoded as UTF-8, its line ends as they are (a CR in a
    CSV cell stays one)."""
    done = subprocess.run(
        args, cwd=cwd, env=ENV, capture_output=True, timeout=timeout, check=False, **options
    )
    out, err = (b.decode("utf-8", "backslashreplace") for b in (done.stdout, done.stderr))
    return subprocess.CompletedProcess(done.args, done.returncode, out, err)


# 1. Fuzz: texts through the library, every span checked, every format read back

QUOTES = [
    ('"', '"'),
    ("\u201c", "\u201d"),
    ("\u201e", "\u201c"),
    ("\u00ab", "\u00bb"),
    ("\u00ab ", " \u00bb"),
    ("\u2018", "\u2019"),
    ("\u201a", "\u2018"),
    ("\u2039", "\u203a"),
    ("\u300c", "\u300d"),
    ("'", "'"),
    ("''", "''"),
    ("``", "''"),
    ("\uff02", "\uff02"),
    ('"', ""),  # unclosed
    ("", "\u201d"),  # unopened
]
SEPARATORS = [" ", "  ", "\n", "\r\n", "\n\n", "\r\n\r\n", "\x85", "\u2028", "\u2029", "\t", ""]
CONTROL = ["\x00", "\x07", "\x1b", "\x1b[31m", "\x7f", "\x0b", "\x0c", "\u200b", "\u200f"]
CONTROL += ["\u202e", "\ufeff", "\ufffd", "\x1c", "\r"]
CUES = ["said", "says", "told reporters", "argued", "claimed", "warned", "denied", "added"]
CUES += ["insisted", "welcomed", "criticized", "called for", "pointed out", "described"]
CONTENTS = [
    "the bridge would reopen in May",
    "sanctions are not working",
    "=SUM(A1:A3) is a formula",
    "+1 555 0100 was the number",
    "-40 degrees is cold",
    "@everyone should vote",
    "prices rose 4:11 in the morning",
    "the deal \u2014 or what is left of it \u2014 is dead",
    "talks were a \u201cpositive development\u201d",
    "we will never give up \U0001f4aa\U0001f3fd",
    "\u05d4\u05e9\u05dc\u05d5\u05dd \u05e7\u05e8\u05d5\u05d1",
    "the plan\u2028was\u2029sound",
    "it was\x85over",
    "<script>alert(1)</script> is not a quote",
    "nothing; nothing at all",
]
SCRIPTS = [
    "abcdefghijklmnopqrstuvwxyz",
    "àáâãäåçèéêëìíîïñòóôõöùúûüýÿœßøł",
    "абвгдежзийклмнопрстуфхцчшщыэюя",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशसह",
]
ODD_NAMES = ["=Bob Jones", "@press_office", "+Acme Corp", "-Dash Williams", "Sean O'Brien"]
ODD_NAMES += ["Zoë \U0001f98a Müller", "محمد العلي", "A spokesman for the ministry", "Ms. Chen"]
ODD_NAMES += ["the Kremlin", "Mayor Ana López", "Dmitry Peskov", "Jane Smith"]
PRONOUNS = ["he", "she", "They", "it", "We", "I"]
SOURCES = [None, "-", "news/a.txt", "=cmd|' /C calc'!A0.txt", "@x\u2028y.txt", "a\x00b"]


def random_word(rng: random.Random) -> str:
    alphabet = rng.choice(SCRIPTS)
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 9)))


def random_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1:
        return rng.choice(PRONOUNS)
    if r < 0.3:
        return rng.choice(ODD_NAMES)
    words = [random_word(rng).capitalize() for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        words.insert(0, rng.choice(["Mayor", "Dr.", "Senator", "President", "Ms.", "Mr."]))
    return " ".join(words)


def random_unicode(rng: random.Random, size: int) -> str:
    chars = []
    for _ in range(size):
        r = rng.random()
        if r < 0.55:
            code = rng.randint(0x20, 0x7E)
        elif r < 0.6:
            code = rng.randint(0x00, 0x1F)
        elif r < 0.8:
            code = rng.randint(0xA0, 0x2FFF)
        elif r < 0.92:
            code = rng.randint(0x3000, 0xFFFF)
        else:
            code = rng.randint(0x10000, 0x10FFFF)
        chars.append(chr(0xFFFD if 0xD800 <= code <= 0xDFFF else code))
    return "".join(chars)


def said(rng: random.Random) -> str:
    """One attributed sentence, with a random name, cue, content and quote marks."""
    n, c, w = random_name(rng), rng.choice(CUES), rng.choice(CONTENTS)
    o, e = rng.choice(QUOTES)
    v = rng.choice(CONTENTS)
    return rng.choice(
        [
            f"{n} {c} that {w}.",
            f"{n} {c} {w}.",
            f"{o}{w},{e} {n} {c}.",
            f"{o}{w}{e}, {c} {n}.",
            f"{o}{w},{e} {n} {c}, {o}{v}.{e}",
            f"According to {n}, {w}.",
            f"{n}: {w}",
            f"{n}: {o}{w}{e}",
            f"{n} {c} the move was {o}{w}{e}.",
            f"{n} {c} {random_name(rng)} had said {o}{w}{e}.",
        ]
    )


def news(rng: random.Random, sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        sentence = said(rng) if rng.random() < 0.8 else random_unicode(rng, rng.randint(0, 60))
        parts.append(sentence + rng.choice(SEPARATORS))
    return "".join(parts)


def fuzz_text(rng: random.Random, index: int) -> tuple[str, str]:
    """A hostile text and its kind; about one in a thousand is long enough for pieces."""
    if index % 1000 == 999:
        body = ""
        while len(body) < 110_000:
            body += news(rng, 8) + rng.choice(["\n\n", "\n", " "])
        return body, "pieces"
    r = rng.random()
    if r < 0.5:
        return news(rng, rng.randint(1, 6)), "news"
    if r < 0.65:
        text = random_unicode(rng, rng.randint(0, 300))
        if rng.random() < 0.5:
            at = rng.randint(0, len(text))
            text = text[:at] + " " + said(rng) + " " + text[at:]
        return text, "unicode"
    if r < 0.8:
        text = news(rng, rng.randint(1, 5))
        for _ in range(rng.randint(1, 6)):
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(CONTROL) + text[at:]
        return text, "control"
    if r < 0.84:
        if rng.random() < 0.2:
            return random_word(rng) * rng.randint(300, 1000), "long line"
        line = ""
        target = rng.randint(2_000, 6_000)
        while len(line) < target:
            line += said(rng) + " "
        return line, "long line"
    if r < 0.89:
        return rng.choice(["", " ", "\n\n", "\u2028", "\r\n", "\ufeff", "\x00"]), "blank"
    if r < 0.97:
        name = random_name(rng)
        return (
            f'<p>{name} said "<b onmouseover=alert(1)>{rng.choice(CONTENTS)}</b>"</p>\n'
            f"=HYPERLINK(\"http://x\") {name} warned: '@SUM(1)'",
            "markup",
        )
    return news(rng, 2) + "\ud800" + news(rng, 1), "surrogate"


def check_spans(text: str, record: Record) -> str | None:
    """Why the record's spans are not exact in ``text``; None if they are."""
    n = len(text)
    for key in ("speaker_span", "cue_span", "target_span"):
        span = record[key]
        if span is not None and not (0 <= span[0] < span[1] <= n):
            return f"{key} {span} outside the text of {n} characters"
    speaker = record["speaker_span"]
    if speaker is not None and not text[speaker[0] : speaker[1]].strip():
        return f"speaker_span {speaker} is blank"
    if record["cue"] is not None:
        start, end = record["cue_span"]
        if text[start:end] != record["cue"]:
            return f"cue {record['cue']!r} but text[{start}:{end}] is {text[start:end]!r}"
    parts = []
    for start, end in record["quote_spans"]:
        if not 0 <= start < end <= n:
            return f"quote span {[start, end]} outside the text of {n} characters"
        parts.append(text[start:end])
    if not parts or " … ".join(parts) != record["quote"]:
        return f"quote {record['quote']!r} but its spans give {' … '.join(parts)!r}"
    targets = record["targets"]
    for item in targets:
        start, end = item["target_span"]
        if not (0 <= start < end <= n and text[start:end].strip()):
            return f"target span {[start, end]} of {item['target']!r} is not in the text"
    main = {k: record[k] for k in ("target", "target_span", "stance", "stance_score")}
    if (targets[0] if targets else None) != (main if record["target"] is not None else None):
        return f"target {main} is not the first of targets {targets}"
    return None


#: A CSV text cell that starts with apostrophes and then a formula's start had one ``'``
#: put in front (README, -f csv); numbers and spans never have.
GUARDED = re.compile(r"'+[=+\-@\t\r\uff1d\uff20]")


def csv_text(cell: str) -> str:
    return cell[1:] if GUARDED.match(cell) else cell


def read_csv(text: str) -> list[Record]:
    """Claim records back from claimx's CSV, by the rules the README gives."""
    from claimx.types import FIELDS

    spans = {"speaker_span": "speaker", "cue_span": "cue", "target_span": "target"}
    rows = csv.DictReader(io.StringIO(text, newline=""))
    extra = [c for c in rows.fieldnames or () if c.startswith("article_")]
    records = []
    for row in rows:
        record: Record = {}
        for key in FIELDS:
            if key in spans:
                start, end = row[f"{spans[key]}_start"], row[f"{spans[key]}_end"]
                record[key] = [int(start), int(end)] if start else None
            elif key == "quote_spans":
                starts, ends = row["quote_starts"], row["quote_ends"]
                pairs = zip(starts.split(";"), ends.split(";"), strict=True) if starts else ()
                record[key] = [[int(s), int(e)] for s, e in pairs]
            elif key == "quote":
                record[key] = csv_text(row[key])
            elif key == "stance_score":
                record[key] = float(row[key])
            elif key == "targets":
                record[key] = json.loads(row[key])
            else:
                record[key] = csv_text(row[key]) or None
        if extra:
            record["article"] = {c.removeprefix("article_"): csv_text(row[c]) for c in extra}
        records.append(record)
    return records


def read_back(fmt: str, text: str) -> list[Record]:
    import yaml

    if fmt == "yaml":
        return list(yaml.safe_load(text) or [])
    if fmt == "json":
        return list(json.loads(text))
    if fmt == "jsonl":
        return [json.loads(line) for line in text.split("\n") if line]
    return read_csv(text)


def render(fmt: str, records: list[Record]) -> str:
    from claimx.writers import make_writer, write_records

    out = io.StringIO(newline="")
    write_records(make_writer(fmt, out), records)
    return out.getvalue()


def fuzz(trial: Trial, count: int, rng: random.Random) -> None:
    import claimx
    from claimx.types import Article

    texts_row = Row("fuzz", f"texts ({count:,})")
    spans_row = Row("fuzz", "claims: every span exact")
    formats_row = Row("fuzz", "claims written and read back")
    refused_row = Row("fuzz", "texts with a lone surrogate refused")
    trial.rows += [texts_row, spans_row, formats_row, refused_row]
    start = time.monotonic()
    claimx.load()
    kinds: dict[str, int] = {}
    batch_size = 100
    for first in range(0, count, batch_size):
        batch = []
        for index in range(first, min(count, first + batch_size)):
            text, kind = fuzz_text(rng, index)
            kinds[kind] = kinds.get(kind, 0) + 1
            batch.append((text, (index, kind, rng.choice(SOURCES))))
        refused: dict[int, str] = {}

        def on_error(context: tuple[int, str, str | None], problem: str) -> None:
            refused[context[0]] = problem  # noqa: B023 (called within this batch's loop)

        results = {}
        try:
            for claims, context in claimx.extract_many(batch, as_tuples=True, on_error=on_error):
                results[context[0]] = claims
        except Exception as exc:  # a crash of the batch: each of its texts a failure
            for _, (index, kind, _) in batch:
                trial.fail(texts_row, f"text {index} ({kind}): the batch raised {exc!r}")
            continue
        with_article = first // batch_size % 2 == 1  # every other batch: CSV article columns
        everything: list[Record] = []
        per_text: list[list[Record]] = []
        for text, (index, kind, source) in batch:
            texts_row.checks += 1
            if kind == "surrogate":
                refused_row.checks += 1
                if index not in refused or "lone surrogate" not in refused[index]:
                    trial.fail(refused_row, f"text {index}: {refused.get(index)!r}")
                continue
            if index in refused:
                trial.fail(texts_row, f"text {index} ({kind}) failed: {refused[index]}")
                continue
            article = None
            if with_article:
                title = text[:40].replace("\x00", "")
                article = Article(source or "-", f"id-{index}", text, {"title": title})
            records = []
            for claim in results.get(index, []):
                record = claim.to_dict(article)
                record["source"] = source
                spans_row.checks += 1
                problem = check_spans(text, record)
                if problem:
                    trial.fail(spans_row, f"text {index} ({kind}): {problem}; text {text[:200]!r}")
                records.append(record)
            per_text.append(records)
            everything += records
        formats_row.checks += 6
        for fmt in ("yaml", "json", "jsonl", "csv"):
            try:
                back = read_back(fmt, render(fmt, everything))
            except Exception as exc:  # a writer's output that does not load
                trial.fail(formats_row, f"batch {first}: {fmt} does not load: {exc!r}")
                continue
            if back != everything:
                wrong = next((a, b) for a, b in zip(back, everything, strict=False) if a != b)
                trial.fail(formats_row, f"batch {first}: {fmt} gives {wrong[0]} for {wrong[1]}")
        for fmt in ("yaml", "jsonl"):  # one run per text, concatenated
            joined = "".join(render(fmt, records) for records in per_text)
            if read_back(fmt, joined) != everything:
                trial.fail(formats_row, f"batch {first}: {fmt} concatenated differs")
        if (first // batch_size) % 5 == 4:
            say(f"fuzz: {first + len(batch):,} texts, {spans_row.checks:,} claims")
    texts_row.note = ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()))
    spans_row.note = f"{time.monotonic() - start:.0f} s for the section"
    formats_row.note = (
        f"a check: a batch of up to {batch_size} texts' claims through one format, "
        "or YAML or JSON Lines written per text and concatenated"
    )


# 2. Kills: a run killed at a random moment, then run again to the end

FIRST = ["Jane", "Tom", "Ana", "Omar", "Li", "Sean", "Zoë", "Ravi", "Maria", "Kofi", "Elena"]
LAST = ["Smith", "Lee", "López", "Haddad", "Wei", "O'Brien", "Müller", "Patel", "Rossi"]
STORY = [
    "the bridge would reopen in May",
    "the budget does not add up",
    "sanctions are not working",
    "the council ignored residents",
    "talks with the union had stalled",
    "prices would rise again",
    "the new law protects renters",
    "the airport expansion was a mistake",
]


def corpus(rng: random.Random, articles: int = 40, size: int = 2000) -> str:
    """JSON Lines of ``articles`` news articles of about ``size`` characters, all different."""
    lines = []
    for i in range(articles):
        text = f"Story {i}.\n\n"
        while len(text) < size:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            cue, content = rng.choice(CUES[:9]), rng.choice(STORY)
            sentence = rng.choice(
                [
                    f"{name} {cue} that {content}.",
                    f'"{content.capitalize()}," {name} {cue}.',
                    f"According to {name}, {content}.",
                    f'{name} {cue} the plan was "{content}."',
                    f"The city spent months on repairs near {rng.choice(LAST)} Street.",
                ]
            )
            text += sentence + (" " if rng.random() < 0.7 else "\n\n")
        record = {"id": f"a{i:02d}", "title": f"Story {i}", "desk": rng.choice(STORY), "text": text}
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


@dataclass(frozen=True)
class Mode:
    name: str
    args: tuple[str, ...]
    sink: str  # "out" (a folder of files), "db" or "parts" (gzipped partitions)
    units: int  # files or articles when done


MODES = [
    Mode("-o", ("-o", "out", "-f", "jsonl"), "out", 40),
    Mode("--db", ("--db", "claims.db"), "db", 40),
    Mode("-j 2 -o", ("-j", "2", "-o", "out", "-f", "jsonl"), "out", 40),
    Mode("-j 2 --db", ("-j", "2", "--db", "claims.db"), "db", 40),
    Mode(
        "--scheduler local:2",
        ("--scheduler", "local:2", "--partition-size", "10", "-o", "out"),
        "parts",
        4,
    ),
]


def snapshot(mode: Mode, where: Path) -> Any:
    return stored(where / ("claims.db" if mode.sink == "db" else "out"))


def stored(path: Path) -> Any:
    """What a run stored: a database's rows (its own keys left out, each claim under its
    article's source and id), or each file's content below a folder (gunzipped)."""
    if path.suffix == ".db":
        if not path.exists():
            return None
        conn = sqlite3.connect(path)
        try:
            conn.row_factory = sqlite3.Row
            articles = {}
            for row in conn.execute("SELECT * FROM articles"):
                values = dict(row)
                articles[values.pop("article")] = values
            claims: dict[tuple[str, str], list[Record]] = {}
            for row in conn.execute("SELECT * FROM claims ORDER BY claim"):
                values = dict(row)
                values.pop("claim")
                owner = articles[values.pop("article")]
                claims.setdefault((owner["source"], owner["id"]), []).append(values)
            found = sorted(
                (json.dumps(a, sort_keys=True), json.dumps(claims.get((a["source"], a["id"]))))
                for a in articles.values()
            )
        finally:
            conn.close()
        return found
    files = {}
    for file in sorted(path.rglob("*")) if path.exists() else ():
        if file.is_file() and not file.name.startswith("."):
            data = file.read_bytes()
            name = file.relative_to(path).as_posix()
            files[name] = gzip.decompress(data) if file.suffix == ".gz" else data
    return files


def whole(mode: Mode, where: Path) -> tuple[int, str | None]:
    return intact(where / ("claims.db" if mode.sink == "db" else "out"))


def intact(path: Path) -> tuple[int, str | None]:
    """What a killed or failed run left: how many articles (or files) are in, and why it
    is not whole (None if it is): a database that fails its integrity check or holds an
    article without all its claims, a file that does not parse."""
    if path.suffix == ".db":
        if not path.exists():
            return 0, None
        scratch = Path(tempfile.mkdtemp(dir=path.parent.parent))  # a copy: opening it rolls
        try:  # its log forward
            for end in ("", "-wal"):
                if Path(f"{path}{end}").exists():
                    shutil.copyfile(f"{path}{end}", scratch / f"claims.db{end}")
            conn = sqlite3.connect(scratch / "claims.db")
            try:
                if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    return 0, "the database fails its integrity check"
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
                if "articles" not in tables:
                    return 0, None  # stopped while it created them: nothing is in
                rows = conn.execute(
                    "SELECT a.id, a.claims, "
                    "(SELECT count(*) FROM claims c WHERE c.article = a.article) FROM articles a"
                ).fetchall()
            finally:
                conn.close()
        finally:
            shutil.rmtree(scratch)
        broken = [ident for ident, said, found in rows if said != found]
        return len(rows), f"articles without all their claims: {broken}" if broken else None
    files = stored(path)
    for name, data in files.items():
        try:
            for line in data.decode("utf-8").split("\n"):
                if line:
                    json.loads(line)
        except ValueError as exc:
            return len(files), f"{name} is not whole: {exc}"
    return len(files), None


def leftovers(where: Path) -> list[str]:
    """Temporary files, and a database's log, that no finished run should leave."""
    found = [p for p in where.rglob(".*.tmp")]
    found += [p for p in where.rglob("*.db-wal")] + [p for p in where.rglob("*.db-shm")]
    return sorted(str(p.relative_to(where)) for p in found)


def descendants(pid: int) -> list[Any]:
    try:
        import psutil

        return list(psutil.Process(pid).children(recursive=True))
    except Exception:  # psutil missing, or the run gone already
        return []


def outlived(children: list[Any], pgid: int, wait: float) -> list[str]:
    """The run's processes still alive ``wait`` seconds after it ended (then killed)."""
    import psutil

    def running(child: Any) -> bool:
        try:
            return bool(child.is_running() and child.status() != psutil.STATUS_ZOMBIE)
        except psutil.Error:  # gone meanwhile
            return False

    deadline = time.monotonic() + wait
    alive: list[Any] = []
    while time.monotonic() < deadline:
        alive = [c for c in children if running(c)]
        if not alive:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return []
            except PermissionError:
                return []
        time.sleep(0.2)
    names = [f"pid {c.pid}" for c in alive] or [f"process group {pgid}"]
    for child in alive:
        with suppress(psutil.Error):
            child.kill()
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    return names


def start(mode: Mode, where: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        claimx("extract", "feed.jsonl", *mode.args),
        cwd=where,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )


def kills(trial: Trial, count: int, rng: random.Random, work: Path, scheduler: bool) -> None:
    modes = MODES if scheduler else MODES[:-1]
    root = work / "kills"
    root.mkdir()
    feed = corpus(random.Random(rng.random()))
    reference: dict[str, tuple[Any, float]] = {}
    same = Row("kills", "clean runs: -j 2 stores what -j 1 does")
    trial.rows.append(same)
    for mode in modes:
        where = root / f"clean {mode.name}"
        where.mkdir()
        (where / "feed.jsonl").write_text(feed, encoding="utf-8")
        began = time.monotonic()
        done = run(claimx("extract", "feed.jsonl", *mode.args), where)
        took = time.monotonic() - began
        if done.returncode != 0:
            raise SystemExit(f"the clean run {mode.name} failed: {done.stderr}")
        reference[mode.name] = (snapshot(mode, where), took)
        say(f"kills: clean run {mode.name}: {took:.1f} s, {done.stderr.strip()}")
    for one, other in (("-o", "-j 2 -o"), ("--db", "-j 2 --db")):
        same.checks += 1
        if reference[one][0] != reference[other][0]:
            trial.fail(same, f"{other} stored other claims than {one}")

    rows = {m.name: Row("kills", f"killed, then run again: {m.name}") for m in modes}
    trial.rows += rows.values()
    mid = {m.name: 0 for m in modes}
    late = {m.name: 0 for m in modes}
    signals = {m.name: {"KILL": 0, "INT": 0} for m in modes}
    for k in range(count):
        mode = modes[k % len(modes)]
        row = rows[mode.name]
        row.checks += 1
        expected, took = reference[mode.name]
        where = root / f"{k:03d}"
        where.mkdir()
        (where / "feed.jsonl").write_text(feed, encoding="utf-8")
        kill = rng.random() < 0.5
        signals[mode.name]["KILL" if kill else "INT"] += 1
        delay = rng.uniform(0.15, 0.9) * took
        process = start(mode, where)
        time.sleep(delay)
        children = descendants(process.pid)
        sent = process.poll() is None
        if not sent:
            late[mode.name] += 1  # it ended first: a clean run, resumed
        elif kill:
            process.kill()  # the main process alone: its workers must follow it
        else:
            os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C in a terminal
        signalled = time.monotonic()
        _, stderr = process.communicate(timeout=300)
        code = process.returncode
        what = f"kill {k} ({'SIGKILL' if kill else 'SIGINT'} at {delay:.1f} s)"
        # 0: it was ending as the signal came (its last output written), else it ignored it
        ending = code == 0 and time.monotonic() - signalled < 1
        if sent and code != (-signal.SIGKILL if kill else 130) and not ending:
            trial.fail(row, f"{what}: exit code {code}; {stderr.strip()[-300:]}")
        orphans = outlived(children, process.pid, 20 if mode.sink == "parts" else 10)
        if orphans:
            trial.fail(row, f"{what}: processes outlived the run: {orphans}")
        units, broken = whole(mode, where)
        if broken:
            trial.fail(row, f"{what}: what it left is broken: {broken}")
        mid[mode.name] += 0 < units < mode.units
        again = run(claimx("extract", "feed.jsonl", *mode.args), where, timeout=600)
        if again.returncode != 0:
            trial.fail(row, f"{what}: the re-run exits {again.returncode}: {again.stderr[-300:]}")
        if snapshot(mode, where) != expected:
            trial.fail(row, f"{what}: the re-run's output is not the clean run's")
        left = leftovers(where)
        if left:
            trial.fail(row, f"{what}: left {left}")
        say(
            f"kills: {k + 1}/{count} {mode.name}, {what}, {units}/{mode.units} done at the kill, "
            f"re-run {again.stderr.strip().splitlines()[-1:] if again.stderr else ''}"
        )
        shutil.rmtree(where, ignore_errors=True)
    for mode in modes:
        if mode.name in rows:
            s = signals[mode.name]
            rows[mode.name].note = (
                f"{s['KILL']} SIGKILL, {s['INT']} SIGINT; {mid[mode.name]} mid-run "
                f"(some of {mode.units} {'partitions' if mode.sink == 'parts' else 'articles'} "
                f"done), {late[mode.name]} after the end"
            )
    if not scheduler:
        trial.rows.append(Row("kills", "--scheduler", note="skipped"))


# 3. Bad inputs: each beside a good article; then ids, injection, a full disk, databases

GOOD = 'Jane Smith said "the bridge will reopen in May." The council agreed on Tuesday.\n'
PAGE = (
    "<!DOCTYPE html><html><head><title>Bridge to reopen</title></head><body><article>"
    "<h1>Bridge to reopen in May</h1><p>Tom Lee said &quot;It is too late.&quot; Residents "
    "of the east bank have waited for more than a year for the old steel span.</p>"
    "</article></body></html>"
)


Check = Callable[[Path, subprocess.CompletedProcess[str]], "str | None"]


@dataclass
class Case:
    """A bad input, run beside good.txt (``claimx extract ARGS good.txt -f jsonl``).

    files: written into the run's folder (name: content). code: the exit code the README
        gives. named: what the one stderr line about the input holds (None: no line).
        level: that line's kind ("Error": click's usage error). args: the arguments
        (default: the files). good: whether good.txt is given too (a usage error runs
        nothing). check: more to check, given the folder and the run; it returns what is
        wrong, or None. setup: more to make in the folder first. keeps: an article of the
        bad input that is still written (its id, else its source). also: other stderr
        lines that the README gives for it.
    """

    name: str
    files: dict[str, bytes | str]
    code: int
    named: str | None
    level: str = "error"
    args: tuple[str, ...] | None = None
    good: bool = True
    check: Check | None = None
    setup: Callable[[Path], None] | None = None
    keeps: str | None = None
    also: tuple[str, ...] = ()
    group: str = "bad files"


def write(where: Path, name: str | bytes, data: bytes | str) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(where), os.fsencode(name))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def jsonl(records: list[Record]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def warc(records: list[tuple[str, str, str, bytes]], compress: bool = False) -> bytes:
    """A WARC: a warcinfo record, then (type, URL, "status|content type", payload)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "trial"}))
    for kind, url, head, payload in records:
        http = None
        if kind == "response":
            status, content_type = head.split("|")
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, kind, payload=io.BytesIO(payload), http_headers=http, warc_content_type=head
        )
        writer.write_record(record)
    return out.getvalue()


def record_starts(data: bytes) -> list[int]:
    from warcio.archiveiterator import ArchiveIterator

    archive = ArchiveIterator(io.BytesIO(data))
    return [archive.get_record_offset() for _ in archive] + [len(data)]


HTML = "200 OK|text/html; charset=utf-8"
URL_A, URL_B = "https://example.com/a", "https://example.com/b"
CRAWL = [
    ("response", "https://example.com/a", HTML, PAGE.encode()),
    ("response", "https://example.com/b", HTML, PAGE.replace("Tom Lee", "Ann Wu").encode()),
]


def claims_from(result: subprocess.CompletedProcess[str]) -> list[Record]:
    return [json.loads(line) for line in result.stdout.split("\n") if line.strip()]


def written(where: Path, result: subprocess.CompletedProcess[str]) -> list[Record]:
    """The claims a run wrote: its files under ``out`` (-o, JSON Lines), else its stdout."""
    out = where / "out"
    if not out.exists():
        return claims_from(result)
    found = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            found += [json.loads(line) for line in text.split("\n") if line]
    return found


def has_claims(ident: str) -> Callable[[Path, subprocess.CompletedProcess[str]], str | None]:
    """A check: some claim comes from the article ``ident`` (its id, else its source)."""

    def check(where: Path, result: subprocess.CompletedProcess[str]) -> str | None:
        records = written(where, result)
        found = {str((r.get("article") or {}).get("id", r["source"])) for r in records}
        return None if ident in found else f"no claim of {ident!r} (got {sorted(found)})"

    return check


def lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.split("\n") if needle in line]


def cut_warc(compress: bool) -> bytes:
    data = warc(CRAWL, compress)
    starts = record_starts(data)
    return data[: starts[2] + (starts[3] - starts[2]) * 2 // 3]  # inside the second page


def no_uri_warc() -> bytes:
    """A page, a response without a WARC-Target-URI, a page."""
    data = warc([CRAWL[0], ("response", "https://example.com/x", HTML, PAGE.encode()), CRAWL[1]])
    return re.sub(rb"WARC-Target-URI: https://example.com/x\r\n", b"", data)


def long_name_written(where: Path, result: subprocess.CompletedProcess[str]) -> str | None:
    files = [p for p in (where / "out").rglob("*") if p.is_file()]
    long = [p for p in files if p.name.startswith("n" * 150)]
    if len(files) != 2 or len(long) != 1 or len(os.fsencode(long[0].name)) > 255:
        return f"written: {[p.name for p in files]}"
    return None


def no_temporary(where: Path, result: subprocess.CompletedProcess[str]) -> str | None:
    left = leftovers(where)
    return f"left {left}" if left else None


def crlf_exact(where: Path, result: subprocess.CompletedProcess[str]) -> str | None:
    text = (where / "crlf.txt").read_bytes().decode("utf-8")
    mine = [r for r in written(where, result) if r["source"] == "crlf.txt"]
    if not mine:
        return "no claim of crlf.txt"
    problems = [check_spans(text, r) for r in mine]
    return next((p for p in problems if p), None)


GALLERY = "<html><head><title>Gallery</title></head><body><img src=a.jpg></body></html>"
GERMAN = (
    "Der Bürgermeister sagte am Dienstag, die Brücke werde im Mai wieder geöffnet. Die Stadt "
    "hat monatelang an der alten Stahlbrücke gearbeitet, und die Anwohner am Ostufer warten "
    "seit mehr als einem Jahr darauf. Der Stadtrat hatte die Kosten zuvor scharf kritisiert "
    "und eine unabhängige Prüfung der Ausgaben gefordert, bevor weitere Mittel fließen.\n"
)


def bad_files() -> list[Case]:
    lee = GOOD.replace("Jane Smith", "Tom Lee")
    wu = GOOD.replace("Jane Smith", "Ann Wu")
    a, b = CRAWL
    pdf = ("response", "https://example.com/r.pdf", "200 OK|application/pdf", b"%PDF-1.4")
    ftp = ("response", "ftp://example.com/a", HTML, PAGE.encode())
    feed = jsonl([{"id": f"r{i}", "text": f"{lee} {i * 7919:x}"} for i in range(40)]).encode()
    zipped = gzip.compress(feed)
    odd_name = os.fsdecode(b"bad\xff.txt")  # printed as bad\\xff.txt
    long_name = "n" * 251 + ".txt"
    malformed = jsonl([{"id": "a", "text": lee}]) + '{"id": "b", "text": \n'
    malformed += jsonl([{"id": "c", "text": lee}])
    surrogate_id = '{"id": "x\\udc00", "text": "a"}\n' + jsonl([{"id": "b", "text": lee}])
    surrogate_field = '{"id": "a", "desk": "x\\ud800", "text": ' + json.dumps(lee) + "}\n"
    nan = '{"id": "a", "n": NaN, "m": -Infinity, "text": ' + json.dumps(lee) + "}\n"
    big = '{"id": "a", "n": ' + "9" * 5000 + ', "text": "x"}\n' + jsonl([{"id": "b", "text": lee}])
    one_line = (lee.strip() + " ") * (300_000 // len(lee))
    cells = io.StringIO()
    csv.writer(cells, lineterminator="\n").writerows([["id", "text"], ["a", lee], ["b", lee]])
    cut_csv = cells.getvalue()[: -len(lee) // 2]  # in b's quoted text, b on lines 4 and 5

    def fifo(where: Path) -> None:
        os.mkfifo(where / "news" / "pipe.txt")

    return [
        Case("binary file", {"image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, 1, "image.txt"),
        Case("empty file", {"empty.txt": b""}, 0, None),
        Case("UTF-16 with a mark", {"u16.txt": lee.encode("utf-16")}, 0, None, keeps="u16.txt"),
        Case("UTF-16 without a mark", {"u16le.txt": lee.encode("utf-16-le")}, 1, "u16le.txt"),
        Case("UTF-32 with a mark", {"u32.txt": lee.encode("utf-32")}, 0, None, keeps="u32.txt"),
        Case("UTF-8 with a mark", {"bom.txt": "\ufeff" + lee}, 0, None, keeps="bom.txt"),
        Case("Latin-1", {"latin1.txt": 'José said "sí".'.encode("latin-1")}, 1, "latin1.txt"),
        Case("Windows-1252", {"w.txt": "Tom said \u201cno\u201d.".encode("cp1252")}, 1, "w.txt"),
        Case("NUL bytes in text", {"nul.txt": lee.replace("bridge", "bri\x00dge")}, 1, "nul.txt"),
        Case("CRLF text", {"crlf.txt": lee.replace("\n", "\r\n")}, 0, None, check=crlf_exact),
        Case(
            "truncated gzip", {"cut.txt.gz": gzip.compress(lee.encode() * 50)[:60]}, 1, "cut.txt.gz"
        ),
        Case("gzip of noise", {"junk.txt.gz": b"\x1f\x8b\x08\x00" + bytes(range(256))}, 1, "junk"),
        Case(
            "WARC cut in a record",
            {"cut.warc": cut_warc(False)},
            1,
            "cut.warc record 3",
            keeps=URL_A,
        ),
        Case(
            "gzipped WARC cut",
            {"cut.warc.gz": cut_warc(True)},
            1,
            "cut.warc.gz record 3",
            keeps=URL_A,
        ),
        Case(
            "WARC record not HTML",
            {"pdf.warc": warc([pdf, a])},
            1,
            "pdf.warc record 2",
            keeps=URL_A,
        ),
        Case("WARC of noise", {"junk.warc": b"WARC/1.0\r\n" + bytes(range(256))}, 1, "junk.warc"),
        Case(
            "WARC response without a URL",
            {"nouri.warc": no_uri_warc()},
            1,
            "nouri.warc record 3",
            keeps=URL_B,
        ),
        Case(
            "WARC response with an ftp: URL",
            {"ftp.warc": warc([ftp, b])},
            0,
            None,
            keeps="ftp://example.com/a",
        ),
        Case("CSV cut in a quoted cell", {"cut.csv": cut_csv}, 1, "cut.csv:4", keeps="a"),
        Case("CSV without a text column", {"notext.csv": "id,body\na,hello\n"}, 1, "notext.csv"),
        Case("JSON Lines, a malformed line", {"bad.jsonl": malformed}, 1, "bad.jsonl:2", keeps="c"),
        Case(
            "JSON Lines, no text field",
            {"notext.jsonl": jsonl([{"id": "a", "body": "x"}, {"id": "b", "text": lee}])},
            1,
            "notext.jsonl:1",
            keeps="b",
        ),
        Case(
            "JSON Lines, text not a string",
            {"number.jsonl": jsonl([{"id": "a", "text": 42}, {"id": "b", "text": lee}])},
            1,
            "number.jsonl:1",
            keeps="b",
        ),
        Case("a lone surrogate in an id", {"sid.jsonl": surrogate_id}, 1, "sid.jsonl:1", keeps="b"),
        Case(
            "a lone surrogate in a field",
            {"sf.jsonl": surrogate_field},
            0,
            "sf.jsonl:1",
            "warning",
            keeps="a",
        ),
        Case(
            "NaN and Infinity in metadata",
            {"nan.jsonl": nan},
            0,
            "nan.jsonl:1",
            "warning",
            keeps="a",
        ),
        Case(
            "NUL in a record's text",
            {"nultext.jsonl": jsonl([{"id": "a", "text": "x\x00y"}, {"id": "b", "text": lee}])},
            1,
            "nultext.jsonl:1",
            keeps="b",
        ),
        Case("a number too long for Python", {"big.jsonl": big}, 1, "big.jsonl:1", keeps="b"),
        Case(
            "JSON Lines cut mid-record",
            {"cut.jsonl": jsonl([{"id": "a", "text": lee}]) + '{"id": "b", "text": "Tom'},
            1,
            "cut.jsonl:2",
            keeps="a",
        ),
        Case(
            "gzipped JSON Lines cut",
            {"cut.jsonl.gz": zipped[: len(zipped) // 2]},
            1,
            "cut.jsonl.gz",
            keeps="r0",
        ),
        Case(
            "a duplicate id, with -o",
            {"dup.jsonl": jsonl([{"id": "a", "text": lee}, {"id": "a", "text": wu}])},
            1,
            "dup.jsonl:2",
            args=("dup.jsonl", "-o", "out"),
        ),
        Case(
            "a folder without articles, alone",
            {"nothing/notes.md": "no article"},
            3,
            "nothing",
            "warning",
            args=("nothing",),
            good=False,
            also=("claimx: error: no articles to read",),
        ),
        Case("a missing file", {}, 2, "missing.txt", "Error", args=("missing.txt",), good=False),
        Case(
            "-o with --db",
            {},
            2,
            "--db",
            "Error",
            args=("good.txt", "-o", "o", "--db", "c.db"),
            good=False,
        ),
        Case(
            "a 255-byte file name, with -o",
            {long_name: wu},
            0,
            None,
            args=(long_name, "-o", "out"),
            check=long_name_written,
        ),
        Case("a file name that is not UTF-8", {odd_name: wu}, 0, None, keeps="bad\\xff.txt"),
        Case(
            "a FIFO in a folder",
            {"news/a.txt": wu},
            0,
            "pipe.txt",
            "warning",
            args=("news",),
            keeps="news/a.txt",
            setup=fifo,
        ),
        Case(
            "a page without article text", {"gallery.html": GALLERY}, 0, "gallery.html", "warning"
        ),
        Case("not English", {"de.txt": GERMAN}, 0, "de.txt", "warning"),
        Case("a 300,000-character line", {"long.txt": one_line}, 0, None, keeps="long.txt"),
    ]


HOSTILE_IDS = [
    "../escape",
    "../../etc/passwd",
    "/abs/path",
    "a/b/c",
    ".hidden",
    "..",
    ".",
    " ",
    "con",
    "nul.txt",
    "a\\b",
    "x" * 300,
    "é" * 200,
    "nul\x00in",
    "\x1b[31mred",
    "new\nline",
    "tab\tid",
    "=cmd|' /C calc'!A0",
    "@at",
    "%2e%2e%2f",
    "~home",
    '*?<>|:"',
    "\u202eevil.exe",
    "fox \U0001f98a",
    "Same",
    "same",
]


def hostile_ids(trial: Trial, row: Row, where: Path) -> None:
    """26 hostile ids with -o: each article written once, inside the folder, its claims
    naming its id; a re-run writes nothing new."""
    lee = GOOD.replace("Jane Smith", "Tom Lee")
    records = [
        {"id": ident, "text": lee.replace("May", f"May {n}")} for n, ident in enumerate(HOSTILE_IDS)
    ]
    write(where, "ids.jsonl", jsonl(records))
    before = set(where.parent.iterdir())
    result = run(claimx("extract", "ids.jsonl", "-o", "out", "-f", "jsonl"), where)
    row.checks += len(HOSTILE_IDS)
    if result.returncode != 0:
        trial.fail(row, f"exit code {result.returncode}: {result.stderr[-500:]}")
    if set(where.parent.iterdir()) != before:
        trial.fail(row, "something was written beside the run's folder")
    outside = [
        p for p in where.rglob("*") if p.is_file() and "out" not in p.relative_to(where).parts
    ]
    if [p.name for p in outside] != ["ids.jsonl"]:
        trial.fail(row, f"written outside out/: {outside}")
    found: dict[str, int] = {}
    for path in (where / "out").rglob("*"):
        if path.is_file():
            for line in path.read_text(encoding="utf-8").split("\n"):
                if line:
                    ident = json.loads(line)["article"]["id"]
                    found[ident] = found.get(ident, 0) + 1
    files = [p for p in (where / "out").rglob("*") if p.is_file()]
    if len(files) != len(HOSTILE_IDS):
        trial.fail(row, f"{len(files)} files for {len(HOSTILE_IDS)} ids")
    for ident in HOSTILE_IDS:
        if found.get(ident) != 1:
            trial.fail(row, f"id {ident!r}: {found.get(ident, 0)} claims carry it")
    again = run(claimx("extract", "ids.jsonl", "-o", "out", "-f", "jsonl"), where)
    if "0 articles" not in again.stderr or f"{len(HOSTILE_IDS)} already done" not in again.stderr:
        trial.fail(row, f"the re-run did not skip every article: {again.stderr.strip()}")


FORMULAS = ["=1+2", "+Acme", "-Dash", "@SUM(A1)", "\uff1dcmd", "\uff20home", "\tTab", "\rCR"]
FORMULAS += ["'=quoted", "-12", "-"]


def csv_injection(trial: Trial, row: Row, where: Path) -> None:
    """Speakers, quotes and metadata that start as formulas: every such CSV cell is guarded
    with a ``'``, and reading the README's rule back gives JSON Lines' values."""
    records = []
    for n, start in enumerate(FORMULAS):
        text = f'{start.strip() or "X"} Smith said "{start}ok {n}." Tom Lee said "{start}"'
        records.append({"id": f"{start}{n}", "title": start, "text": text})
    write(where, "formulas.jsonl", jsonl(records))
    as_csv = run(claimx("extract", "formulas.jsonl", "-f", "csv"), where)
    as_jsonl = run(claimx("extract", "formulas.jsonl", "-f", "jsonl"), where)
    expected = claims_from(as_jsonl)
    cells = list(csv.reader(io.StringIO(as_csv.stdout, newline="")))
    header, body = cells[0], cells[1:]
    numeric = {
        i for i, c in enumerate(header) if c.endswith(("_start", "_end", "_starts", "_ends"))
    }
    numeric |= {header.index("stance_score")}
    risky = re.compile(r"[=+@\t\r\uff1d\uff20]|-(?!(?:\d+(?:\.\d+)?)?\Z)")
    for line in body:
        for i, cell in enumerate(line):
            row.checks += 1
            if i not in numeric and header[i] != "targets" and risky.match(cell):
                trial.fail(row, f"cell {header[i]} = {cell!r} runs as a formula")
    back = read_csv(as_csv.stdout)
    row.checks += 1
    for record in expected:  # CSV's metadata is text
        record["article"] = {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in record["article"].items()
        }
    if back != expected:
        trial.fail(row, "CSV read back by the README's rule differs from JSON Lines")
    if as_csv.returncode or as_jsonl.returncode or not expected:
        trial.fail(row, f"runs: {as_csv.returncode} {as_jsonl.returncode}, {len(expected)} claims")


HOSTILE_HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def html_injection(trial: Trial, row: Row, where: Path) -> None:
    """Markup in an article's text, title and outlet, and in its speaker's name: ``show
    --html`` gives one script (its own), the markup as text; ``show`` on a pipe and ``-f
    table`` carry no escape sequence of the article's."""
    text = (
        f'Mayor Jane Smith said "{HOSTILE_HTML} is fine." '
        f'Tom "<b>Lee</b>" Smith said "\x1b[2J\x1b]0;pwned\x07 it is late."\n'
    )
    record = {"id": "x", "title": HOSTILE_HTML, "outlet": "<i>Daily</i>", "text": text}
    write(where, "page.jsonl", jsonl([record]))
    shown = run(claimx("show", "page.jsonl", "--id", "x", "--html", "page.html"), where)
    row.checks += 1
    if shown.returncode != 0:
        trial.fail(row, f"show --html exits {shown.returncode}: {shown.stderr[-300:]}")
        return
    page = (where / "page.html").read_text(encoding="utf-8")
    scripts = page.lower().count("<script")
    if scripts != 1 or "<img" in page or "<b>" in page or "<i>" in page:
        trial.fail(row, f"show --html lets markup through ({scripts} scripts)")
    for args in (["show", "page.jsonl", "--id", "x"], ["extract", "page.jsonl", "-f", "table"]):
        row.checks += 1
        out = run(claimx(*args), where)
        if "\x1b" in out.stdout or "\x07" in out.stdout:
            trial.fail(row, f"claimx {' '.join(args)} prints the article's escape sequences")


def small_disk(
    where: Path, size: str, setup: str, command: list[str]
) -> subprocess.CompletedProcess[str] | None:
    """``command`` in ``where`` with ``where/disk`` a tmpfs of ``size`` in a mount namespace
    of its own (``setup``, a shell line, runs first in it), what it holds at the end copied
    to ``where/kept``; None without root or unshare."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    # what the disk holds at the end is copied to kept/, beside it: the tmpfs goes with
    # the namespace
    script = f'mount -t tmpfs -o size={size} tmpfs disk && {setup} && {{ "$@"; code=$?; '
    script += "cp -a disk/. kept/; exit $code; }"
    (where / "disk").mkdir(exist_ok=True)
    (where / "kept").mkdir(exist_ok=True)
    return run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *command],
        where,
    )


def full_disk(trial: Trial, row: Row, where: Path) -> None:
    """-o and --db on a full disk (a tmpfs of 96 KB and of 1 MB; else a file-size limit):
    exit 1 and one error line naming what could not be written, no temporary file left,
    what is there whole; on a disk with room the same command then resumes and stores what
    a clean run does. Then stdout on /dev/full: exit 1 and one error line."""
    lee = GOOD.replace("Jane Smith", "Tom Lee")
    records = [{"id": f"r{i:03d}", "text": lee.replace("May", f"May {i}") * 8} for i in range(300)]
    feed = jsonl(records)
    how = "tmpfs" if os.geteuid() == 0 and shutil.which("unshare") else "a file-size limit"
    for sink, target, size in (("-o", "disk/out", "96k"), ("--db", "disk/c.db", "1m")):
        args = ["-o", target, "-f", "jsonl"] if sink == "-o" else ["--db", target]
        command = claimx("extract", "feed.jsonl", "--stance", "rules", *args)
        places = {name: where / f"{name} {sink}" for name in ("clean", "full", "resumed")}
        for place in places.values():
            place.mkdir()
            write(place, "feed.jsonl", feed)
            (place / "disk").mkdir()
        run(command, places["clean"])
        expected = stored(places["clean"] / target)
        row.checks += 3
        result = small_disk(places["full"], size, "true", command)
        kept = places["full"] / "kept"
        if result is None:
            result = run(command, places["full"], preexec_fn=_file_limit)
            kept = places["full"] / "disk"
        errors = [line for line in result.stderr.split("\n") if line.startswith("claimx: error:")]
        if result.returncode != 1 or len(errors) != 1 or target not in errors[0]:
            trial.fail(row, f"{sink} on a full disk: exit {result.returncode}, {errors}")
        left = [name for name in leftovers(kept) if name.endswith(".tmp")]
        units, broken = intact(kept / Path(target).name)
        if left or broken:
            trial.fail(row, f"{sink} on a full disk left {left or broken}")
        shutil.copytree(kept, places["resumed"] / "disk", dirs_exist_ok=True)
        again = run(command, places["resumed"])
        if again.returncode != 0 or stored(places["resumed"] / target) != expected:
            trial.fail(
                row,
                f"{sink} resumed on a disk with room: exit {again.returncode}, "
                "not the clean run's output",
            )
        left = leftovers(places["resumed"])
        if left:
            trial.fail(row, f"{sink} resumed on a disk with room left {left}")
        row.note += f"{sink}: {units} of 300 in at the full disk; "
    row.checks += 1
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            claimx("extract", "feed.jsonl", "--stance", "rules", "-f", "jsonl"),
            cwd=places["clean"],
            env=ENV,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    errors = [line for line in done.stderr.split("\n") if line.startswith("claimx: error:")]
    if done.returncode != 1 or len(errors) != 1:
        trial.fail(row, f"stdout on /dev/full: exit {done.returncode}, {done.stderr[-300:]!r}")
    row.note += f"the disk: {how}"


def _file_limit() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def databases(trial: Trial, rows: dict[str, Row], where: Path) -> None:
    """A read-only database, a file that is not SQLite, another program's database: exit 1,
    one line naming the file, the file as it was."""
    write(where, "good.txt", GOOD)
    done = run(claimx("extract", "good.txt", "--db", "made.db", "--stance", "rules"), where)
    cases = {
        "not SQLite": ("notes.db", b"these are my notes, not a database\n" * 40),
        "another program's SQLite": ("other.db", None),
    }
    conn = sqlite3.connect(where / "other.db")
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    for label, (name, data) in cases.items():
        row = rows["databases"]
        row.checks += 1
        if data is not None:
            write(where, name, data)
        before = (where / name).read_bytes()
        result = run(claimx("extract", "good.txt", "--db", name, "--stance", "rules"), where)
        named = lines_with(result.stderr, name)
        if result.returncode != 1 or len(named) != 1 or (where / name).read_bytes() != before:
            trial.fail(row, f"{label}: exit {result.returncode}, {result.stderr[-300:]!r}")
    row = rows["read-only database"]
    row.checks += 1
    write(where, "more.txt", GOOD.replace("Jane Smith", "Ann Wu"))
    command = claimx("extract", "more.txt", "--db", "disk/made.db", "--stance", "rules")
    setup = "cp made.db disk/ && mount -o remount,ro disk"
    locked = small_disk(where, "1m", setup, command) if done.returncode == 0 else None
    if locked is None:
        row.note = "skipped: needs root and unshare"
        row.checks -= 1
        return
    named = lines_with(locked.stderr, "made.db")
    if locked.returncode != 1 or len(named) != 1:
        trial.fail(row, f"exit {locked.returncode}, {locked.stderr[-300:]!r}")
    row.note = "a read-only tmpfs"


def bad_inputs(trial: Trial, work: Path) -> None:
    root = work / "bad"
    root.mkdir()
    rows: dict[str, Row] = {}
    for n, case in enumerate(bad_files()):
        row = rows.setdefault(case.group, Row("bad inputs", case.group))
        row.checks += 1
        where = root / f"{n:02d}"
        where.mkdir()
        write(where, "good.txt", GOOD)
        for name, data in case.files.items():
            write(where, name, data)
        if case.setup is not None:
            case.setup(where)
        args = list(case.files) if case.args is None else list(case.args)
        good = ["good.txt"] if case.good else []
        result = run(claimx("extract", *args, *good, "-f", "jsonl"), where)
        problems = []
        if result.returncode != case.code:
            problems.append(f"exit code {result.returncode}, not {case.code}")
        lines = [
            line
            for line in result.stderr.split("\n")
            if line
            and not SUMMARY.match(line)
            and not line.startswith(("Usage:", "Try "))
            and line not in case.also
        ]
        if case.named is None:
            if lines:
                problems.append(f"stderr has {lines}")
        else:
            named = [line for line in lines if case.named in line]
            prefix = "Error:" if case.level == "Error" else f"claimx: {case.level}:"
            if len(named) != 1 or not named[0].startswith(prefix):
                problems.append(f"not one {case.level} line naming {case.named!r}: {lines}")
            elif len(lines) != 1:
                problems.append(f"other lines too: {lines}")
        if case.good and not any(r["source"] == "good.txt" for r in written(where, result)):
            problems.append("good.txt's claims are missing")
        if case.keeps is not None:
            problem = has_claims(case.keeps)(where, result)
            if problem:
                problems.append(problem)
        if case.check is not None:
            problem = case.check(where, result)
            if problem:
                problems.append(problem)
        for problem in problems:
            trial.fail(row, f"{case.name}: {problem}")
        say(f"bad inputs: {case.name}: {'ok' if not problems else '; '.join(problems)[:300]}")
    trial.rows += rows.values()
    for label, action in (
        ("hostile ids with -o", hostile_ids),
        ("CSV injection", csv_injection),
        ("HTML and terminal injection", html_injection),
        ("a full disk (-o, --db, stdout)", full_disk),
    ):
        row = Row("bad inputs", label)
        trial.rows.append(row)
        where = root / label.split()[0].lower()
        where.mkdir(exist_ok=True)
        action(trial, row, where)
        say(f"bad inputs: {label}: {row.failures} failures of {row.checks}")
    rows = {
        "databases": Row("bad inputs", "bad databases"),
        "read-only database": Row("bad inputs", "a read-only database"),
    }
    trial.rows += rows.values()
    where = root / "databases"
    where.mkdir()
    databases(trial, rows, where)
    say(f"bad inputs: databases: {sum(r.failures for r in rows.values())} failures")


# The summary


def table(rows: list[Row]) -> str:
    head = ("section", "what", "checks", "failures", "note")
    body = [(r.section, r.what, f"{r.checks:,}", f"{r.failures:,}", r.note) for r in rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(4)]
    out = []
    for line in [head, *body]:
        cells = [line[0].ljust(widths[0]), line[1].ljust(widths[1])]
        cells += [line[2].rjust(widths[2]), line[3].rjust(widths[3]), line[4]]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fuzz", type=int, metavar="N", help="texts through the library (3700)")
    parser.add_argument("--kills", type=int, metavar="N", help="killed and resumed runs (59)")
    parser.add_argument(
        "--bad-inputs", action="store_true", help="bad files, ids, injection, disks"
    )
    parser.add_argument("--no-scheduler", action="store_true", help="no --scheduler kills")
    parser.add_argument("--seed", type=int, default=32, help="the random seed (32)")
    parser.add_argument(
        "--work", type=Path, help="work here and keep it (default: a temporary folder)"
    )
    args = parser.parse_args(argv)
    everything = args.fuzz is None and args.kills is None and not args.bad_inputs
    fuzz_n = 3700 if everything else args.fuzz or 0
    kills_n = 59 if everything else args.kills or 0
    scheduler = not args.no_scheduler
    if scheduler:
        try:
            import distributed  # noqa: F401
        except ImportError:
            say("kills: no Dask (claimx's dask extra): the --scheduler runs are skipped")
            scheduler = False
    # Ctrl-C ends this trial, and its runs get SIGINT's default (a shell's background job,
    # nohup's included, would have them ignore it, and the SIGINT kills would test nothing)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    trial = Trial()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="claimx-fault-trial-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        if fuzz_n:
            fuzz(trial, fuzz_n, random.Random(f"{args.seed} fuzz"))
        if kills_n:
            kills(trial, kills_n, random.Random(f"{args.seed} kills"), work, scheduler)
        if everything or args.bad_inputs:
            bad_inputs(trial, work)
    minutes = (time.monotonic() - began) / 60
    print(f"claimx fault trial (seed {args.seed}, {minutes:.1f} min)\n")
    print(table(trial.rows))
    total = sum(r.failures for r in trial.rows)
    print(f"\n{total} failures in {sum(r.checks for r in trial.rows):,} checks")
    for line in trial.failures[:60]:
        print(f"  {line[:400]}")
    if len(trial.failures) > 60:
        print(f"  … and {len(trial.failures) - 60} more")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
