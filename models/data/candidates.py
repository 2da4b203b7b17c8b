"""The pairs to annotate: claimx's own claims on NewsMTSC's training sentences, each claim's
speaker with every candidate target in its sentence.

    .venv/bin/python models/data/candidates.py [--newsmtsc DIR] [--out models/data/batches]
    .venv/bin/python models/data/candidates.py --written FILE --prefix w --out DIR

A pair is (claim, target). The targets of a claim are what claimx gives it, and beside them
what a wider net catches, so that the data holds the mentions a target finder may offer and
the neutral cases the model meets at run time: every named entity of the sentence (people,
groups, organisations, places, laws, events), the targets NewsMTSC's annotators marked, and
the subjects and objects of the claim's content (topics: "the tax cut"). The speaker's own
mention is never a target. Each target records where it came from (``from``).

Sentences are split into train / dev / test by their article (80 / 10 / 10, by a hash of
the article's id, so every sentence of an article lands in one split), and written in
batches of about ``--pairs`` pairs for the annotators, in a fixed shuffled order. Only
NewsMTSC's train.jsonl is read (MIT); its devtest files stay test data.

``--written FILE`` reads sentences written for claimx instead (JSON Lines with ``src``, the
item of the training sentence each was written from, ``tag`` and ``text``): they are all
training data, and their batches are named with ``--prefix``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NEWSMTSC = ROOT.parent / "shared" / "data" / "newsmtsc"
OUT = ROOT / "models" / "data" / "batches"
#: Entity labels that can be a target (as claimx's target finder; dates and numbers cannot).
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT"}
#: Content words whose noun phrase is a topic candidate: subjects and objects, and objects of
#: the prepositions that name what a position is about ("the case against [the plan]").
TOPIC_DEPS = {"nsubj", "nsubjpass", "dobj"}
TOPIC_PREPS = {"against", "for", "about", "on", "over", "of"}
#: At most this many candidates a claim (claimx's own first, then in text order).
MOST = 4


def article_of(gid: str) -> str:
    """NewsMTSC's article id of a sentence gid ('allsides_1000_401_25_…' → 'allsides_1000_401')."""
    return "_".join(gid.split("_")[:3])


def split_of(article: str) -> str:
    """train / dev / test for an article, by a stable hash of its id (80 / 10 / 10)."""
    bucket = int(hashlib.sha256(article.encode()).hexdigest(), 16) % 10
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


def read_sentences(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def overlaps(a: tuple[int, int], b: tuple[int, int] | None) -> bool:
    return b is not None and a[0] < b[1] and b[0] < a[1]


def modifies(tok: Any, speaker: tuple[int, int] | None) -> bool:
    """Is ``tok`` part of how the speaker is described ("a spokesman for [the FBI]")?"""
    if speaker is None:
        return False
    return any(speaker[0] <= a.idx < speaker[1] for a in tok.ancestors)


def candidates(doc: Any, claim: dict[str, Any], gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidate targets of one claim: claimx's, then entities, NewsMTSC's targets and
    content topics, with overlapping spans kept once (the first kind wins)."""
    speaker = tuple(claim["speaker_span"]) if claim["speaker_span"] else None
    out: list[dict[str, Any]] = []

    def add(span: tuple[int, int], source: str, name: str | None = None) -> None:
        text = doc.text[span[0] : span[1]]
        if not text.strip() or overlaps(span, speaker):
            return
        if any(overlaps(span, tuple(o["span"])) for o in out):
            return
        out.append({"text": text, "span": list(span), "name": name or text, "from": source})

    for t in claim["targets"]:
        add(tuple(t["target_span"]), "claimx", t["target"])
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS or modifies(ent.root, speaker):
            continue
        if ent.label_ == "NORP" and ent.root.dep_ == "amod" and ent.root.head.pos_ == "NOUN":
            head = ent.root.head  # "the Cuban government", not "Cuban"
            add((doc[head.left_edge.i].idx, head.idx + len(head)), "entity")
        else:
            add((ent.start_char, ent.end_char), "entity")
    for g in gold:
        add((g["from"], g["to"]), "newsmtsc")
    content = [
        t for s, e in claim["quote_spans"] for t in doc.char_span(s, e, alignment_mode="expand")
    ]
    for tok in content:
        about = tok.dep_ == "pobj" and tok.head.lower_ in TOPIC_PREPS
        if (tok.dep_ in TOPIC_DEPS or about) and tok.pos_ == "NOUN" and not tok.ent_type_:
            start = tok.left_edge.i
            while start < tok.i and (doc[start].is_punct or doc[start].pos_ == "ADP"):
                start += 1
            add((doc[start].idx, tok.idx + len(tok)), "topic")
    first = [o for o in out if o["from"] == "claimx"]
    rest = sorted((o for o in out if o["from"] != "claimx"), key=lambda o: o["span"][0])
    return first + rest[: max(0, MOST - len(first))]


def items(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One item per sentence with a claim that has a speaker: its claims and their targets.
    A row is a NewsMTSC sentence, or a written one (``text``, ``src``, ``tag``)."""
    import claimx

    nlp = claimx.load(stance="rules")
    texts = (r.get("sentence_normalized") or r["text"] for r in rows)
    for row, doc in zip(rows, nlp.pipe(texts, batch_size=256), strict=True):
        claims = []
        for rec in doc._.claimx_records or []:
            if not rec["speaker"] or rec["speaker_span"] is None:
                continue
            targets = candidates(doc, rec, row.get("targets", []))
            if not targets:
                continue
            claims.append(
                {
                    "speaker": rec["speaker"],
                    "speaker_text": doc.text[slice(*rec["speaker_span"])],
                    "speaker_span": rec["speaker_span"],
                    "cue": rec["cue"],
                    "cue_span": rec["cue_span"],
                    "content": rec["quote"],
                    "content_spans": rec["quote_spans"],
                    "targets": targets,
                }
            )
        if not claims:
            continue
        if "src" in row:  # written for claimx from a training sentence: training data
            yield {"gid": f"written:{row['src']}", "tag": row["tag"], "split": "train",
                   "sentence": doc.text, "claims": claims}  # fmt: skip
            continue
        article = article_of(row["primary_gid"])
        yield {
            "gid": row["primary_gid"],
            "article": article,
            "split": split_of(article),
            "sentence": doc.text,
            "claims": claims,
        }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--newsmtsc", type=Path, default=NEWSMTSC)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--pairs", type=int, default=300, help="pairs per batch, about")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--written", type=Path, help="sentences written for claimx (JSON Lines)")
    ap.add_argument("--prefix", default="b", help="batch names: PREFIX01.jsonl, …")
    args = ap.parse_args(argv)
    source = args.written or args.newsmtsc / "train.jsonl"
    if not source.exists():
        print(f"{source} is absent: the candidates are built from NewsMTSC's train split")
        return 1
    found = list(items(read_sentences(source)))
    random.Random(args.seed).shuffle(found)
    args.out.mkdir(parents=True, exist_ok=True)
    batch: list[dict[str, Any]] = []
    n_batch = n_pairs = 0

    def flush() -> None:
        nonlocal batch, n_batch
        if not batch:
            return
        n_batch += 1
        name = f"{args.prefix}{n_batch:02d}"
        path = args.out / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for k, item in enumerate(batch):
                item = {"item": f"{name}-{k:04d}", **item}
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        batch = []

    in_batch = 0
    for item in found:
        pairs = sum(len(c["targets"]) for c in item["claims"])
        batch.append(item)
        in_batch += pairs
        n_pairs += pairs
        if in_batch >= args.pairs:
            flush()
            in_batch = 0
    flush()
    print(f"{len(found)} sentences, {n_pairs} pairs in {n_batch} batches under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
