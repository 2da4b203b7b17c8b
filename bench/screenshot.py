"""Render ``claimx show --html``'s page for a small article of our own and look at it in a
real browser: headless Chromium (Debian's ``chromium`` package) saves a screenshot, with the
first claim focused as Tab would focus it, and runs a probe in the page that tabs through
every claim and reports what the page showed.

    .venv/bin/python bench/screenshot.py             # docs/show.png, and the probe's report
    .venv/bin/python bench/screenshot.py --out /tmp/show.png --pdf /tmp/show.pdf  # and print

Not a test: it needs Chromium and the spaCy pipeline, and a person to look at the picture.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import claimx
from claimx.page import page

ARTICLE = """\
Harbour bridge to close for six months, council says

The city council said on Tuesday that the Harbour Bridge will close in March for repairs \
that engineers have called "long overdue."

"We cannot keep patching a structure that was built for half the traffic it carries today," \
said Maria Okafor, the council's head of transport. She promised that ferries would run \
every ten minutes while the work goes on.

Shop owners on Quay Street criticised the plan. "Six months without passing trade will \
ruin us," said Tom Reilly, who runs a bakery near the bridge. According to the chamber \
of commerce, more than 40 businesses depend on traffic from the bridge.

The mayor, Ana Lima, defended the council's timetable & said the repairs could not wait \
for a "better season" <if there is one>.
"""

# Focuses the first claim as Tab would, so that the screenshot shows its details.
FOCUS = '<script>document.querySelector("[tabindex]").focus();</script>'

# Tabs through every claim (focus(), as Tab does) and writes what the page showed into the
# page, where --dump-dom finds it: the tooltip's state, the lit marks, the claims listed.
PROBE = """<script>
const seen = [];
for (const el of document.querySelectorAll("#cx-article [tabindex]")) {
  el.focus();
  const tip = document.getElementById("cx-tip");
  seen.push({
    claims: el.dataset.n,
    focused: document.activeElement === el,
    tip_shown: !tip.hidden && tip.offsetHeight > 0,
    tip_claims: [...tip.querySelectorAll(".cx-title")].map((t) => t.textContent),
    lit: document.querySelectorAll("mark.cx-active").length,
  });
}
document.activeElement.blur();
const text = document.getElementById("cx-article").textContent;
const pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = JSON.stringify({seen, tip_hidden_after_blur:
  document.getElementById("cx-tip").hidden, article_text: text});
document.body.append(pre);
</script>"""


def chromium() -> str:
    """The browser's command, or exit saying how to install it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no Chromium found; install it: apt-get install -y chromium")


def browse(browser: str, *args: str) -> str:
    """Run headless Chromium with ``args``; its stdout."""
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/show.png"))
    parser.add_argument("--pdf", type=Path, help="also print the page to this PDF")
    parser.add_argument("--size", default="1000,1000", help="window WIDTH,HEIGHT")
    args = parser.parse_args()
    browser = chromium()
    claims = claimx.extract(ARTICLE)
    document = page(ARTICLE, claims, source="harbour-bridge.txt", title="Harbour bridge to close")
    with tempfile.TemporaryDirectory() as tmp:
        shown = Path(tmp, "show.html")
        shown.write_text(document.replace("</body>", FOCUS + "</body>"), encoding="utf-8")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shot = f"--screenshot={args.out.resolve()}"
        browse(browser, shot, f"--window-size={args.size}", shown.as_uri())
        probed = Path(tmp, "probe.html")
        probed.write_text(document.replace("</body>", PROBE + "</body>"), encoding="utf-8")
        dom = browse(browser, "--dump-dom", probed.as_uri())
        if args.pdf:
            plain = Path(tmp, "plain.html")
            plain.write_text(document, encoding="utf-8")
            pdf = f"--print-to-pdf={args.pdf.resolve()}"
            browse(browser, pdf, "--no-pdf-header-footer", plain.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, flags=re.S)
    if not found:
        sys.exit("the probe wrote nothing: did the page's script fail?")
    report = json.loads(html.unescape(found[1]))
    same_text = report.pop("article_text") == ARTICLE
    print(f"{len(claims)} claims; screenshot {args.out} ({args.out.stat().st_size:,} bytes)")
    print(f"article element's text is the article's: {same_text}")
    print(json.dumps(report, indent=1, ensure_ascii=False))
    ok = same_text and all(s["focused"] and s["tip_shown"] and s["lit"] for s in report["seen"])
    ok = ok and report["tip_hidden_after_blur"] and len(report["seen"]) > 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
