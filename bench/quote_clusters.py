"""Quote bank benchmark (not a test): issue 33's targets on the SEESAW dev set, whose stories
are each told by three outlets (ids ``seesaw:TRIPLET_NNN_DOCUMENT_K``).

    .venv/bin/python bench/quote_clusters.py [--rebuild | --fresh] [--seed 33] [--sample 100]

It extracts seesaw-dev into ``bench/_work/seesaw-quotes.db`` with ``claimx extract --db``
(reused when it exists; ``--fresh`` extracts again, ``--rebuild`` only re-clusters it with
``ClaimsDatabase.rebuild_quotes``, after a change to the clustering parameters), then
measures:

* **Recall of one cluster per quotation.** The gold, independent of the clustering: every
  quoted stretch of an article (:func:`claimx.quotes.find_quotes`, without its marks) of at
  least 4 normalised words that appears in another article of the same story, the same
  words or one a contiguous part (4+ words) of the other; the stretches of a story that
  match are grouped (union-find) into gold quotations. Each occurrence is mapped to the
  claims whose quote spans overlap it and their clusters. A gold quotation is *together*
  when one cluster holds a claim of every article where claimx found it (target: 90 % of
  those claimx found in 2+ articles). Failures go to ``bench/_work/quote-cluster-failures
  .txt``, each with why: no claim in an article, or split (both clusters' texts, and which
  rule kept them apart).
* **Precision.** 100 clusters holding claims of 2+ articles (drawn by a hash of the seed
  and each cluster's first claim, so that a rebuild keeps the clusters it leaves alone)
  are written to ``bench/_work/quote-cluster-sample.jsonl``; a person labels each in
  ``bench/_work/quote-cluster-labels.jsonl`` (``{"quote": id, "claims": [ids],
  "one_quotation": bool, "note": ...}``: true when every member reports one statement of
  one speaker, partial quotes and near-duplicate wordings included, extra words a member
  carries by an extraction error noted but not held against the cluster) and the share is
  reported when that file is there (target: 95 %). A label counts for the sampled cluster
  with the same claims: a cluster a change of the rules altered is to be labelled again.

SEESAW is for measurement only: every output with its text stays under bench/_work/
(git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from claimx.db import ClaimsDatabase
from claimx.quotebank import (
    CAREFUL,
    FRAGMENT_JOINER,
    MIN_NAMED_PART,
    MIN_NEAR,
    MIN_PART,
    NEAR,
    contains,
    normalise,
    overlap,
    same_speaker,
)
from claimx.quotes import find_quotes
from claimx.types import SPEAKER_JOINER

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"
DATA = Path("/work/shared/eval/seesaw-dev.jsonl")
CLAIMX = Path(sys.executable).with_name("claimx")
STORY = re.compile(r"TRIPLET_(\d+)")
#: Gold stretches need at least this many normalised words.
MIN_WORDS = 4
#: Clusters labelled wrong that the report lists.
SHOW = 8


@dataclass
class Stretch:
    """A quoted stretch of one article: ``text[start:end]`` without its marks."""

    article: int
    start: int
    end: int
    words: tuple[str, ...]
    claims: set[int] = field(default_factory=set)


@dataclass
class Claim:
    claim: int
    article: int
    quote: int | None  # its cluster (None: it reports no words)
    direct: bool
    speaker: str | None
    spans: list[tuple[int, int]]
    text: str | None  # its quotation, as the bank holds it
    norm: str | None


def extract(db: Path, data: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    print(f"extracting {data} into {db} …", file=sys.stderr)
    command = [str(CLAIMX), "extract", str(data), "--db", str(db), "-q"]
    done = subprocess.run([*command, "--id-field", "id", "--text-field", "text"])
    if done.returncode not in (0, 1):  # 1: some records failed, the rest are in
        sys.exit(f"claimx extract failed ({done.returncode})")


def shown(path: Path) -> str:
    """``path`` relative to the checkout where it is inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def story(ident: str) -> str | None:
    match = STORY.search(ident)
    return match.group(1) if match else None


def load(conn: sqlite3.Connection) -> tuple[dict[int, tuple[str, str]], dict[int, Claim]]:
    """The articles (key -> id, text) and claims of the database, with their clusters."""
    articles = {
        key: (ident, text)
        for key, ident, text in conn.execute("SELECT article, id, text FROM articles")
    }
    claims = {}
    for claim, article, kind, spans, speaker, quote, direct, text, norm in conn.execute(
        "SELECT c.claim, c.article, c.kind, c.quote_spans, c.speaker, q.quote, q.direct, "
        "q.text, q.norm FROM claims c LEFT JOIN quote_claims q USING (claim)"
    ):
        claims[claim] = Claim(
            claim,
            article,
            quote,
            bool(direct) if direct is not None else kind in ("direct", "partial"),
            speaker,
            [(int(a), int(b)) for a, b in json.loads(spans or "[]")],
            text,
            norm,
        )
    return articles, claims


def stretches(key: int, text: str) -> list[Stretch]:
    found = []
    for quote in find_quotes(text):
        start, end = quote.inner
        words = normalise(text[start:end])
        if len(words) >= MIN_WORDS:
            found.append(Stretch(key, start, end, words))
    return found


def matches(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return shorter == longer or (len(shorter) >= MIN_WORDS and contains(longer, shorter))


def root(parent: list[int], i: int) -> int:
    """Union-find: the representative of ``i``."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def gold(articles: dict[int, tuple[str, str]]) -> list[list[Stretch]]:
    """The gold quotations: the stretches of a story that recur in another of its articles,
    grouped."""
    by_story: dict[str, list[int]] = defaultdict(list)
    for key, (ident, _) in articles.items():
        name = story(ident)
        if name is not None:
            by_story[name].append(key)
    out: list[list[Stretch]] = []
    for name in sorted(by_story):
        items = [s for key in sorted(by_story[name]) for s in stretches(key, articles[key][1])]
        parent = list(range(len(items)))
        matched: set[int] = set()
        for i, a in enumerate(items):
            for j in range(i + 1, len(items)):
                b = items[j]
                if a.article != b.article and matches(a.words, b.words):
                    parent[root(parent, i)] = root(parent, j)
                    matched.update((i, j))
        groups: dict[int, list[Stretch]] = defaultdict(list)
        for i in sorted(matched):
            groups[root(parent, i)].append(items[i])
        out.extend(groups.values())
    return out


def attach(quotations: list[list[Stretch]], claims: dict[int, Claim]) -> None:
    """Each occurrence's claims: those whose quote spans overlap it."""
    by_article: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims.values():
        by_article[claim.article].append(claim)
    for quotation in quotations:
        for s in quotation:
            for claim in by_article[s.article]:
                if claim.quote is not None and any(
                    a < s.end and s.start < b for a, b in claim.spans
                ):
                    s.claims.add(claim.claim)


def names(speaker: str | None) -> list[str]:
    return [n.strip() for n in (speaker or "").split(SPEAKER_JOINER) if n.strip()]


def why_apart(a: Claim, b: Claim) -> tuple[str, float]:
    """Which rule of :mod:`claimx.quotebank` keeps two claims' quotations apart (judged on
    the two claims' speakers, where the bank asks the cluster's), and how close they came
    (0..1)."""
    x, y = (a.norm or "").split(), (b.norm or "").split()
    shorter, longer = sorted((x, y), key=len)
    mine, theirs = names(a.speaker), names(b.speaker)
    known = bool(mine and theirs)
    agree = not known or any(same_speaker(p, q) for p in mine for q in theirs)
    who = f"{a.speaker} / {b.speaker}"
    share = overlap(x, y)
    if not (a.direct and b.direct):
        return "indirect: joins a quote only when the words are the same", share
    size = len(shorter)
    if contains(longer, shorter) or (size >= MIN_NEAR and share >= NEAR):
        how = "part" if contains(longer, shorter) else "near"
        if how == "part" and size < MIN_NAMED_PART:
            return f"part under MIN_NAMED_PART ({size} words)", 1.0
        if size < CAREFUL and not agree:
            return f"{how}, under CAREFUL, speakers differ ({who})", max(share, 0.99)
        if size < MIN_PART and not known:
            return f"{how} under MIN_PART, a speaker unknown ({size} words)", max(share, 0.99)
        return f"{how}: related, yet not joined (candidates? order?)", 1.0
    pieces = [normalise(p) for c in (a, b) for p in (c.text or "").split(FRAGMENT_JOINER.strip())]
    if any(len(p) >= MIN_PART and contains(x, p) and contains(y, p) for p in pieces):
        return f"fragments: a shared piece, the joined quotations differ ({share:.2f})", share
    if size >= MIN_NEAR and share >= 0.5:
        return f"near under NEAR ({share:.2f})", share
    if size < MIN_NEAR and share >= NEAR:
        return f"near under MIN_NEAR ({size} words)", share
    return f"different extents ({share:.2f}; {len(x)} and {len(y)} words)", share


@dataclass
class Verdict:
    found: dict[int, set[int]]  # article -> clusters of its occurrences
    missing: list[int]  # articles with no claim on it
    together: bool
    strict: bool  # every claim on it in one cluster


def judge(quotation: list[Stretch], claims: dict[int, Claim]) -> Verdict:
    arts = sorted({s.article for s in quotation})
    found: dict[int, set[int]] = {}
    for article in arts:
        clusters = {
            claims[c].quote
            for s in quotation
            if s.article == article
            for c in s.claims
            if claims[c].quote is not None
        }
        if clusters:
            found[article] = {q for q in clusters if q is not None}
    missing = [a for a in arts if a not in found]
    common = set.intersection(*found.values()) if found else set()
    every = set().union(*found.values()) if found else set()
    return Verdict(found, missing, len(found) >= 2 and bool(common), len(every) == 1)


def report_recall(
    quotations: list[list[Stretch]],
    articles: dict[int, tuple[str, str]],
    claims: dict[int, Claim],
    conn: sqlite3.Connection,
    out: Path,
) -> None:
    cluster_text = dict(conn.execute("SELECT quote, text FROM quotes"))
    verdicts = [judge(q, claims) for q in quotations]
    found2 = [v for v in verdicts if len(v.found) >= 2]
    together = [v for v in found2 if v.together]
    strict = [v for v in found2 if v.strict]
    whys: dict[str, int] = defaultdict(int)
    lines: list[str] = []
    for quotation, verdict in zip(quotations, verdicts, strict=True):
        if verdict.together:
            continue
        first = quotation[0]
        ident = articles[first.article][0]
        head = " ".join(max(quotation, key=lambda s: len(s.words)).words)
        lines.append(f"## {ident.split('_DOCUMENT')[0]}: {head[:160]}")
        for s in quotation:
            got = ", ".join(
                f"#{c} q{claims[c].quote} {claims[c].speaker!r}" for c in sorted(s.claims)
            )
            lines.append(f"   {articles[s.article][0]}: {got or 'NO CLAIM'}")
        if len(verdict.found) < 2:
            kind = "missing: no claim in " + ", ".join(
                articles[a][0].rsplit("_", 1)[-1] for a in verdict.missing
            )
            whys["not extracted in 2+ articles"] += 1
            lines.append(f"   -> {kind}")
            continue
        # split: the closest pair of claims of two articles whose clusters differ
        best: tuple[float, str, Claim, Claim] | None = None
        arts = sorted(verdict.found)
        for i, x in enumerate(arts):
            for y in arts[i + 1 :]:
                if verdict.found[x] & verdict.found[y]:
                    continue
                for cx in {c for s in quotation if s.article == x for c in s.claims}:
                    for cy in {c for s in quotation if s.article == y for c in s.claims}:
                        why, score = why_apart(claims[cx], claims[cy])
                        if best is None or score > best[0]:
                            best = (score, why, claims[cx], claims[cy])
        if best is None:  # pairwise shared, no one cluster for all three
            whys["split: no cluster common to all"] += 1
            lines.append("   -> split: each pair shares a cluster, no cluster all do")
            continue
        _, why, one, other = best
        whys["split: " + re.sub(r" \(.*", "", why)] += 1
        lines.append(f"   -> split: {why}")
        for claim in (one, other):
            lines.append(f"      q{claim.quote} [{claim.speaker}] claim: {claim.text}")
            lines.append(f"      q{claim.quote} cluster: {cluster_text.get(claim.quote)}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")

    n = len(quotations)
    row("gold quotations (2+ articles of a story, 4+ words)", n)
    row("  found as claims in 2+ articles", len(found2))
    row("  of those, in one cluster", len(together), len(found2), "target ≥ 90 %")
    row("  of those, every claim on them in one cluster", len(strict), len(found2))
    row("  of all gold, in one cluster", len(together), n)
    row("  found in 2+ articles, missing in another", sum(1 for v in found2 if v.missing))
    print(f"failures ({n - len(together)}), in {shown(out)}:")
    for why, count in sorted(whys.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:4}  {why}")


def row(label: str, count: int, total: int | None = None, target: str = "") -> None:
    """One line of the report: a count, or a share of ``total``."""
    share = f" / {total:<4} {count / max(total, 1):6.1%}" if total is not None else ""
    print(f"{label:<50} {count:4}{share}" + (f"  ({target})" if target else ""))


def sample_clusters(
    conn: sqlite3.Connection, articles: dict[int, tuple[str, str]], seed: int, size: int, out: Path
) -> None:
    query = "SELECT quote FROM quotes WHERE articles >= 2 ORDER BY quote"
    multi = [q for (q,) in conn.execute(query)]
    rows = conn.execute(
        "SELECT q.quote, q.claim, q.article, c.speaker, q.text, q.direct FROM quote_claims q "
        "JOIN claims c USING (claim) JOIN quotes USING (quote) WHERE quotes.articles >= 2 "
        "ORDER BY q.quote, q.claim"
    ).fetchall()
    members: dict[int, list[dict[str, object]]] = defaultdict(list)
    first: dict[int, int] = {}
    for quote, claim, article, speaker, text, direct in rows:
        first.setdefault(quote, claim)
        members[quote].append(
            {
                "claim": claim,
                "article": articles[article][0],
                "speaker": speaker,
                "direct": bool(direct),
                "text": text,
            }
        )
    stories = {q: {story(str(m["article"])) for m in members[q]} for q in multi}
    cross = sum(1 for q in multi if len(stories[q]) > 1)
    row("clusters with claims of 2+ articles", len(multi))
    row("  spanning 2+ stories (wrong merges, mostly)", cross, len(multi))

    # drawn by a hash of the seed and the cluster's first claim, not by its id: a rebuild
    # numbers clusters afresh, and a cluster it leaves as it was stays in the sample
    def rank(quote: int) -> bytes:
        return hashlib.blake2b(f"{seed}:{first[quote]}".encode(), digest_size=8).digest()

    chosen = sorted(sorted(multi, key=rank)[:size])
    with out.open("w", encoding="utf-8") as f:
        for quote in chosen:
            claim_ids = [m["claim"] for m in members[quote]]
            record = {"quote": quote, "claims": claim_ids, "members": members[quote]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"precision sample: {len(chosen)} clusters (seed {seed}) in {shown(out)}")


def report_labels(sample: Path, labels: Path) -> None:
    """The share of the sampled clusters labelled one quotation. A label counts for a
    sampled cluster with the same claims (``claims``, if the label has it; else the same
    id): a rebuild numbers clusters afresh."""
    if not labels.exists():
        print(f"  no labels yet ({shown(labels)})")
        return
    wanted = [json.loads(line) for line in sample.open(encoding="utf-8") if line.strip()]
    given = [json.loads(line) for line in labels.open(encoding="utf-8") if line.strip()]
    by_claims = {tuple(g["claims"]): g for g in given if "claims" in g}
    by_id = {g["quote"]: g for g in given if "claims" not in g}
    found = []
    for cluster in wanted:
        label = by_claims.get(tuple(cluster["claims"])) or by_id.get(cluster["quote"])
        if label is not None:
            found.append((cluster["quote"], bool(label["one_quotation"]), label.get("note", "")))
    good = sum(one for _, one, _ in found)
    row("  one quotation (hand-checked)", good, len(found), "target ≥ 95 %")
    if len(found) < len(wanted):
        print(
            f"  {len(wanted) - len(found)} sampled clusters unlabelled (changed since labelling?)"
        )
    wrong = [(quote, note) for quote, one, note in found if not one]
    for quote, note in wrong[:SHOW]:
        print(f"    q{quote}: {note[:100]}")
    if len(wrong) > SHOW:
        print(f"    … {len(wrong) - SHOW} more in {shown(labels)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the SEESAW dev JSON Lines")
    parser.add_argument("--db", type=Path, default=WORK / "seesaw-quotes.db")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--rebuild", action="store_true", help="re-cluster the database only")
    how.add_argument("--fresh", action="store_true", help="extract the articles again")
    parser.add_argument("--seed", type=int, default=33, help="the precision sample's seed")
    parser.add_argument("--sample", type=int, default=100, help="clusters in that sample")
    args = parser.parse_args()
    if args.fresh or not args.db.exists():
        extract(args.db, args.data)
    elif args.rebuild:
        db = ClaimsDatabase(args.db)
        count = db.rebuild_quotes()
        db.close()
        print(f"re-clustered {count} articles", file=sys.stderr)
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    articles, claims = load(conn)
    print(
        f"{shown(args.db)}: "
        f"{len(articles)} articles, {len(claims)} claims, "
        f"{conn.execute('SELECT count(*) FROM quotes').fetchone()[0]} clusters "
        f"(MIN_PART {MIN_PART}, MIN_NAMED_PART {MIN_NAMED_PART}, NEAR {NEAR}, "
        f"MIN_NEAR {MIN_NEAR}, CAREFUL {CAREFUL})"
    )
    quotations = gold(articles)
    attach(quotations, claims)
    report_recall(quotations, articles, claims, conn, WORK / "quote-cluster-failures.txt")
    sample = WORK / "quote-cluster-sample.jsonl"
    sample_clusters(conn, articles, args.seed, args.sample, sample)
    report_labels(sample, WORK / "quote-cluster-labels.jsonl")
    conn.close()


if __name__ == "__main__":
    main()
