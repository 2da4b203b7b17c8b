"""Reading a big file of records in partitions (not a test): each partition reads only its
own part, so reading them all costs about one read of the file, not one per partition.

    .venv/bin/python bench/partition_read.py [--records 50000] [--size 500] [--gzip] [--warc]

Builds a JSON Lines file (or a WARC of HTML pages) of N records from the PolNeAR dev texts
in bench/_work/polnear (cycled, each with its own id; git-ignored, never committed), plans
it into partitions of
--size articles as ``extract --scheduler`` does, then reads every partition's articles, as
its task would before parsing, and prints the time of the plan, of one whole read and of
all partitions' reads (CPU seconds of this process).
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import time
from pathlib import Path

from claimx import cluster as on_dask
from claimx.corpora import ReadOptions, detect_format, read_articles
from claimx.inputs import expand

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT / "bench" / "_work" / "polnear"
WORK = ROOT / "bench" / "_work" / "partition-read"


def build(records: int, zipped: bool, warc: bool) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no texts in {POLNEAR}: run `make evaluate` once to export them")
    WORK.mkdir(parents=True, exist_ok=True)
    if warc:
        return build_warc(texts, records, zipped)
    path = WORK / ("feed.jsonl.gz" if zipped else "feed.jsonl")
    with gzip.open(path, "wt", encoding="utf-8") if zipped else path.open("w") as out:
        for i in range(records):
            out.write(json.dumps({"id": f"a{i}", "text": texts[i % len(texts)]}) + "\n")
    return path


def build_warc(texts: list[str], records: int, zipped: bool) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = WORK / ("crawl.warc.gz" if zipped else "crawl.warc")
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=zipped)
        for i in range(records):
            paragraphs = "".join(
                f"<p>{html.escape(p)}</p>" for p in texts[i % len(texts)].split("\n") if p
            )
            body = f"<body><article>{paragraphs}</article></body>"
            page = f"<html><head><title>{i}</title></head>{body}</html>"
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://example.com/{i}",
                "response",
                payload=io.BytesIO(page.encode()),
                http_headers=http,
            )
            writer.write_record(record)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--size", type=int, default=on_dask.PARTITION_SIZE)
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--warc", action="store_true", help="a WARC of HTML pages")
    args = parser.parse_args()
    path = build(args.records, args.gzip, args.warc)
    items = expand(str(path))
    kinds = [detect_format(item) for item in items]
    mb = path.stat().st_size / 1e6
    print(f"{path.name}: {args.records:,} records, {mb:.0f} MB; partitions of {args.size}")

    start = time.process_time()
    parts = on_dask.plan(items, kinds, size=args.size)
    plan = time.process_time() - start

    start = time.process_time()
    whole = sum(1 for _ in read_articles(items[0], ReadOptions()))
    once = time.process_time() - start

    start = time.process_time()
    problems: list[str] = []
    read = sum(1 for p in parts for _ in on_dask.read_partition(p, ReadOptions(), problems))
    every = time.process_time() - start
    assert read == whole == args.records and not problems
    reads = f"all {len(parts)} partitions' reads {every:.1f} s ({every / once:.1f}x one read)"
    print(f"plan {plan:.1f} s; one whole read {once:.1f} s; {reads}")


if __name__ == "__main__":
    main()
