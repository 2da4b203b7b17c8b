"""Length benchmark (not a test): does an article's cost grow with its length, not faster?

    .venv/bin/python bench/length.py [--sizes 25 100 250 500 1000]

Builds one article of each size (in thousands of characters; past 100 claimx parses an
article in pieces of at most 100,000 characters, ``claimx.api.PIECE_CHARS``) from
the seed article, seeds/000_680bcb4019dc53cb.txt, alternating with wire-style paragraphs
written here, cut at the size (written to bench/_work/length, never committed). The seed
alone has no pronoun speaker and few quotes, which are what made the cost quadratic (each
pronoun looked at every earlier mention, each of those at every quote); the paragraphs
bring both, and a hundred people.

Each article is extracted with the default pipeline (stance from the model) in a fresh
process, which first loads the model and warms it up on a short text, so that neither
counts and each size's peak memory is its own. Prints, for each size, the CPU seconds
(user + system) of the extraction, seconds per 100 KB for the whole pipeline and for the
claimx component alone (spaCy's parse is the rest), and the process's peak RSS (the model
included); then, largest against smallest article, the ratio of their CPU times beside the
ratio of their sizes, and of their costs per 100 KB: near-linear work keeps the first two
close and the last near 1; quadratic work would make it the size ratio (40 for 1000
against 25).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work" / "length"
SEED = ROOT / "seeds" / "000_680bcb4019dc53cb.txt"
FIRST = ["Maria", "John", "Anna", "Peter", "Laura", "James", "Sofia", "David", "Elena", "Omar"]
FEMALE = {"Maria", "Anna", "Laura", "Sofia", "Elena"}
LAST = ["Lopez", "Reed", "Novak", "Brennan", "Costa", "Hughes", "Weber", "Marsh", "Ortiz", "Keller"]
ORGS = ["the Finance Ministry", "the European Commission", "the city council", "NATO", "Reuters"]

# one size in a fresh process: CPU seconds of the extraction, of the claimx component
# within it, peak RSS (MB), and how many claims
EXTRACT = """
import resource, sys, time
import claimx
from claimx import attribution
text = open(sys.argv[1], encoding="utf-8").read()
claimx.extract("Mayor Jane Smith said the bridge would reopen in May.")  # load, warm up
inside = [0.0]
find_claims = attribution.find_claims
def timed(*args, **kwargs):
    start = time.process_time()
    try:
        return find_claims(*args, **kwargs)
    finally:
        inside[0] += time.process_time() - start
attribution.find_claims = timed
start = time.process_time()
claims = claimx.extract(text)
cpu = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(cpu, inside[0], peak, len(claims))
"""


def wire(i: int) -> str:
    """Paragraphs of the ``i``-th wire story: a named speaker, quotes attributed to a
    pronoun, an orphan quote, a surname, "according to"."""
    first, last, org = FIRST[i % 10], LAST[i // 10 % 10], ORGS[i % 5]
    other = f"{FIRST[(i + 3) % 10]} {LAST[(i * 7) % 10]}"
    he = "she" if first in FEMALE else "he"
    return (
        f"{first} {last}, a spokesperson for {org}, said on Monday that the talks had failed."
        f'\n\n"We will not accept this proposal, and we will say so in Brussels," {he} said. '
        f'{he.capitalize()} added that {org} would "fight it at every step."\n\n'
        '"Nobody here expected the vote to be delayed again this week."\n\n'
        f"According to {other}, the vote was delayed. {last} criticized it, calling the "
        'delay "a disgrace."'
    )


def write_article(size: int) -> tuple[Path, int]:
    """An article of ``size`` thousand characters, and its length: the seed, then three wire
    stories, over and over, cut at the size."""
    seed = SEED.read_text(encoding="utf-8").strip()
    parts: list[str] = []
    length, i = 0, 0
    while length < size * 1000:
        parts += [seed, wire(3 * i), wire(3 * i + 1), wire(3 * i + 2)]
        length += sum(len(p) + 2 for p in parts[-4:])
        i += 1
    text = "\n\n".join(parts)[: size * 1000]
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{size:04d}k.txt"
    path.write_text(text, encoding="utf-8", newline="")
    return path, len(text)


def measure(path: Path) -> tuple[float, float, float, int]:
    """CPU seconds of the whole extraction and of claimx's part, peak RSS (MB), claims."""
    out = subprocess.run(
        [sys.executable, "-c", EXTRACT, str(path)], check=True, stdout=subprocess.PIPE, text=True
    ).stdout.split()
    cpu, inside, peak, claims = out[-4:]
    return float(cpu), float(inside), float(peak), int(claims)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25, 100, 250, 500, 1000])
    args = ap.parse_args()
    sizes = sorted(args.sizes)
    print(f"articles: {SEED.name} and wire stories, cut at each size (thousands of characters)")
    print(
        f"{'size':>8} {'CPU s':>8} {'s/100 KB':>9} {'claimx s/100 KB':>16} {'peak RSS':>9} claims"
    )
    per_100k: list[tuple[float, float]] = []
    for size in sizes:
        path, length = write_article(size)
        cpu, inside, peak, claims = measure(path)
        hundreds = length / 100_000
        per_100k.append((cpu / hundreds, inside / hundreds))
        print(
            f"{size:>6} K {cpu:>8.2f} {cpu / hundreds:>9.3f} {inside / hundreds:>16.4f} "
            f"{peak:>6.0f} MB {claims:>6}"
        )
    if len(sizes) > 1:
        (whole_lo, claimx_lo), (whole_hi, claimx_hi) = per_100k[0], per_100k[-1]
        ratio = sizes[-1] / sizes[0]
        print(
            f"{sizes[-1]} K against {sizes[0]} K: {ratio:.0f} times the characters, "
            f"{ratio * whole_hi / whole_lo:.1f} times the CPU time "
            f"(claimx alone {ratio * claimx_hi / claimx_lo:.1f})"
        )
        print(
            f"per-100 KB cost ratio: {whole_hi / whole_lo:.2f} "
            f"(claimx alone {claimx_hi / claimx_lo:.2f}); 1 is linear, {ratio:.0f} quadratic"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
