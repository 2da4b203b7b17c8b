"""Who-is-who check on a corpus network (not a test): how many nodes each of a few people
and parties gets, and which node ids still hold a possessive, a date or a time.

    .venv/bin/python bench/network_check.py [CLAIMS.jsonl] [--articles N]

CLAIMS.jsonl is ``claimx extract DIR -f jsonl`` over the exported PolNeAR dev articles, as
``bench/dev_eval.py --only polnear`` leaves it in ``bench/_work/polnear-pred.jsonl`` (the
default). The network is built, as ``claimx network`` builds it, from the claims of the
first N articles by file name (120, issue 30's measure).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

#: The people and the party whose nodes the check counts, each with the words that give
#: away a twin: its surname, and for the party its other names.
WHO = {
    "Donald Trump": ("Trump",),
    "Hillary Clinton": ("Hillary", "Clinton"),
    "Barack Obama": ("Obama",),
    "Bernie Sanders": ("Sanders",),
    "Ted Cruz": ("Cruz",),
    "Marco Rubio": ("Rubio",),
    "Republican Party": ("GOP", "Republican party", "Republican Party"),
}
WORK = Path(__file__).resolve().parent / "_work"
#: A node id that ends in a possessive or holds a year or a time of day.
_ODD = re.compile(r"['’‘]s?$|\b(?:19|20)\d\d\b|\d{1,2}:\d\d")


def twins(nodes: list[dict[str, object]], words: tuple[str, ...]) -> list[str]:
    """The node ids that name one of ``words`` as a word of their own."""
    found = []
    for node in nodes:
        name = str(node["id"])
        if any(re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", name) for w in words):
            found.append(name)
    return found


def main(argv: list[str]) -> int:
    import argparse

    from claimx.network import build_network

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("claims", nargs="?", type=Path, default=WORK / "polnear-pred.jsonl")
    ap.add_argument("--articles", type=int, default=120)
    args = ap.parse_args(argv)
    records = [json.loads(line) for line in args.claims.open(encoding="utf-8")]
    first = sorted({r["source"] for r in records})[: args.articles]
    chosen = set(first)
    graph = build_network(r for r in records if r["source"] in chosen).to_dict()
    nodes = graph["nodes"]
    print(f"first {len(first)} articles: {len(nodes)} nodes, {len(graph['edges'])} edges")
    types = {str(n["id"]): n["type"] for n in nodes}
    for name, words in WHO.items():
        others = [f for f in twins(nodes, words) if f != name]
        shown = "; ".join(repr(o) for o in others[:12])
        state = f"{types[name]} node" if name in types else "no node"
        print(f"{name}: {state}; {len(others)} other nodes with its name: {shown}")
    odd = [str(n["id"]) for n in nodes if _ODD.search(str(n["id"]))]
    print(
        f"ids ending in a possessive or holding a date or time: {len(odd)}: "
        + "; ".join(map(repr, odd[:20]))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
