"""The HTML view of an article's claims (``claimx show --html``): one self-contained page.

The article keeps its own text and lines; each claim's speaker, cue, quote fragments and
targets are ``<mark>`` elements (nested however the spans overlap, see
:mod:`claimx.marks`) that carry the claim's number in ``data-claim``. Each claim's first
mark is focusable (``tabindex="0"``, in reading order) and described by the claim's entry in
the list below the article, which gives every field; hovering or focusing a mark shows that
entry beside it and highlights the claim's other marks. Stance is a colour and a word,
never a colour alone. Numbers and stance words in the article are CSS generated content, so
the article element's text is the article's, character for character.

The page has no external resource at all (inline CSS and a small inline script, no URL),
works offline and without the script (the list is always there), and prints with its
colours and without the tooltip.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from . import __version__
from .marks import Piece, all_marks, nest, targets
from .types import Claim

STANCE_SIGNS = {"support": "+", "oppose": "−", "neutral": "="}

_CSS = """
:root { color-scheme: light; --speaker: #cfe3ff; --cue: #6a1b9a; --quote: #fff3b0;
  --support: #1b7f3b; --oppose: #b3261e; --neutral: #4a5a6a; --focus: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1.25rem 3rem;
  font: 1.05rem/1.65 Georgia, "DejaVu Serif", serif; color: #1d1d1f; background: #fff; }
header h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 .25rem; }
.cx-meta, .cx-key { font: .85rem/1.5 system-ui, "DejaVu Sans", sans-serif; color: #555;
  margin: 0 0 .75rem; }
.cx-key mark { margin-right: .5em; }
.cx-article { white-space: pre-wrap; overflow-wrap: break-word; margin: 1rem 0 2rem; }
mark { color: inherit; background: none; border-radius: 2px; }
.cx-speaker { background: var(--speaker); font-weight: bold; }
.cx-cue { color: var(--cue); font-style: italic; text-decoration: underline dotted var(--cue); }
.cx-quote { background: var(--quote); }
.cx-target { border-bottom: 3px solid var(--neutral); }
.cx-target.cx-support { border-bottom: 3px solid var(--support); }
.cx-target.cx-oppose { border-bottom: 3px double var(--oppose); }
.cx-target.cx-neutral { border-bottom: 3px dotted var(--neutral); }
/* inline-block: a mark's underline does not run through its number or stance word */
.cx-article .cx-target.cx-last::after { content: attr(data-stance); display: inline-block;
  font: bold .62em/1 system-ui, "DejaVu Sans", sans-serif; vertical-align: super;
  margin-left: .15em; }
.cx-article .cx-support.cx-last::after { color: var(--support); }
.cx-article .cx-oppose.cx-last::after { color: var(--oppose); }
.cx-article .cx-neutral.cx-last::after { color: var(--neutral); }
.cx-article [data-n]::before { content: attr(data-n); display: inline-block;
  font: bold .62em/1 system-ui, "DejaVu Sans", sans-serif; vertical-align: super;
  background: #333; color: #fff; border-radius: .6em; padding: .05em .35em;
  margin-right: .15em; }
.cx-article [tabindex]:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.cx-article mark.cx-active { box-shadow: 0 0 0 2px var(--focus); }
.cx-stance { font-weight: bold; }
.cx-stance.cx-support { color: var(--support); }
.cx-stance.cx-oppose { color: var(--oppose); }
.cx-stance.cx-neutral { color: var(--neutral); }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.cx-claims { padding-left: 2.2rem; font: .92rem/1.45 system-ui, "DejaVu Sans", sans-serif; }
.cx-claims > li { margin: 0 0 .6rem; padding: .2rem .4rem; border-radius: 4px; }
.cx-claims > li.cx-active { background: #eef3fd; }
.cx-claims a { color: var(--focus); }
.cx-claims > li:target { background: #eef3fd; }
.cx-nav { font: .85rem/1.5 system-ui, "DejaVu Sans", sans-serif; margin: 0 0 .5rem; }
.cx-nav a { color: var(--focus); }
dl.cx-fields { display: grid; grid-template-columns: max-content 1fr; gap: 0 .75rem; margin: 0; }
dl.cx-fields dt { color: #555; }
dl.cx-fields dd { margin: 0; }
.cx-targets { margin: 0; padding: 0; list-style: none; }
#cx-tip { position: absolute; z-index: 10; max-width: min(28rem, 92vw); padding: .5rem .7rem;
  background: #fff; border: 1px solid #999; border-radius: 6px;
  box-shadow: 0 4px 14px rgba(0, 0, 0, .18);
  font: .85rem/1.4 system-ui, "DejaVu Sans", sans-serif; }
#cx-tip[hidden] { display: none; }
#cx-tip .cx-tip-claim + .cx-tip-claim { border-top: 1px solid #ddd; margin-top: .4rem;
  padding-top: .4rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  #cx-tip, .cx-nav { display: none !important; }
  mark, .cx-article [data-n]::before { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  .cx-article [tabindex]:focus { outline: none; }
  .cx-claims > li { break-inside: avoid; }
  .cx-claims a { color: inherit; text-decoration: none; }
}
"""

# Shows a claim's entry beside the mark under the pointer or with the focus, and lights up
# its other marks; Escape hides it. Without it, the list below the article says the same.
_SCRIPT = """
(() => {
  const article = document.getElementById("cx-article");
  const list = document.getElementById("cx-claims");
  const tip = document.getElementById("cx-tip");
  let lit = [];
  const claimsOf = (el) => {
    const mark = el instanceof Element ? el.closest("[data-claim]") : null;
    return mark ? mark.dataset.claim.split(" ") : [];
  };
  const hide = () => {
    lit.forEach((el) => el.classList.remove("cx-active"));
    lit = [];
    tip.hidden = true;
  };
  const show = (numbers, anchor) => {
    hide();
    if (!numbers.length) return;
    tip.replaceChildren();
    for (const n of numbers) {
      lit.push(...document.querySelectorAll(`[data-claim~="${n}"]`));
      const item = document.getElementById(`cx-claim-${n}`);
      const copy = document.createElement("div");
      copy.className = "cx-tip-claim";
      copy.append(item.querySelector(".cx-title").cloneNode(true),
                  item.querySelector(".cx-fields").cloneNode(true));
      tip.append(copy);
    }
    lit.forEach((el) => el.classList.add("cx-active"));
    if (!anchor) return;
    tip.hidden = false;
    const box = anchor.getBoundingClientRect();
    const left = Math.min(box.left, document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = `${Math.max(8, left) + window.scrollX}px`;
    tip.style.top = `${box.bottom + window.scrollY + 6}px`;
  };
  article.addEventListener("mouseover", (e) => {
    const numbers = claimsOf(e.target);
    if (numbers.length) show(numbers, e.target.closest("[data-claim]"));
    else if (!article.contains(document.activeElement)) hide();
  });
  article.addEventListener("mouseleave", () => {
    if (!article.contains(document.activeElement)) hide();
  });
  article.addEventListener("focusin", (e) => show(claimsOf(e.target), e.target));
  article.addEventListener("focusout", hide);
  list.addEventListener("mouseover", (e) => {
    const item = e.target instanceof Element ? e.target.closest("li[data-claim]") : null;
    if (item) show([item.dataset.claim], null);
  });
  list.addEventListener("mouseleave", hide);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
})();
"""


def escape(text: str) -> str:
    """Text for an HTML text node or attribute. A carriage return becomes ``&#13;``, which
    the parser keeps (a raw one it would fold into the line feed after it); NUL, which no
    HTML can carry, becomes U+FFFD."""
    return html.escape(text, quote=True).replace("\r", "&#13;").replace("\0", "\ufffd")


def page(
    text: str,
    claims: Sequence[Claim],
    *,
    source: str | None = None,
    title: str | None = None,
    facts: Sequence[str] = (),
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """A complete HTML5 document showing ``text`` with its ``claims`` marked.

    source: the input as given, shown under the title. title: the page's heading (by
        default the source, or "claimx"). facts: shown under the title too, such as the
        article's outlet and date. links: (text, href) pairs shown above the heading, such
        as the way back to the index of a site (:mod:`claimx.site`).
    """
    heading = title or source or "claimx"
    tree = nest(text, all_marks(text, claims))
    anchors = _anchors(tree)
    parts = [
        "<!DOCTYPE html>\n",
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="generator" content="claimx {escape(__version__)}">\n',
        f"<title>{escape(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<header>\n{_nav(links)}<h1>{escape(heading)}</h1>\n",
        f'<p class="cx-meta">{_meta(source, title, facts, len(claims))}</p>\n',
        f'<p class="cx-key">{_KEY}</p>\n</header>\n<main>\n',
        '<article id="cx-article" class="cx-article">',
        _markup(tree),
        "</article>\n",
        '<section aria-labelledby="cx-claims-heading">\n',
        '<h2 id="cx-claims-heading">Claims</h2>\n',
        '<ol id="cx-claims" class="cx-claims">\n',
        *(claim_item(i, c, anchors.get(i)) for i, c in enumerate(claims, 1)),
        "</ol>\n</section>\n</main>\n",
        '<div id="cx-tip" role="tooltip" hidden></div>\n',
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


_KEY = (
    "Key: "
    '<mark class="cx-speaker">speaker</mark>'
    '<mark class="cx-cue">cue</mark>'
    '<mark class="cx-quote">quote</mark>'
    'target: <mark class="cx-target cx-support">support +</mark>'
    '<mark class="cx-target cx-oppose">oppose −</mark>'
    '<mark class="cx-target cx-neutral">neutral =</mark>'
    "· Tab to a claim or point at it for its details."
)


def _nav(links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = " · ".join(f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in links)
    return f'<nav class="cx-nav">{items}</nav>\n'


def _meta(source: str | None, title: str | None, facts: Sequence[str], count: int) -> str:
    claims = f"{count} claim" if count == 1 else f"{count} claims"
    named = source if source and title else None  # the title is the source otherwise
    return escape(" · ".join([*([named] if named else []), *facts, claims]))


def article(text: str, claims: Sequence[Claim]) -> str:
    """The article's text as HTML, each claim's spans in nested ``<mark>`` elements."""
    return _markup(nest(text, all_marks(text, claims)))


def _markup(tree: Sequence[str | Piece]) -> str:
    out: list[str] = []

    def add(nodes: Sequence[str | Piece]) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append(escape(node))
                continue
            out.append(_open(node))
            add(node.children)
            out.append("</mark>")

    add(tree)
    return "".join(out)


def _anchors(tree: Sequence[str | Piece]) -> dict[int, str]:
    """The id of the mark each claim's number is on, by claim (none for a claim with no
    span in the text)."""
    found: dict[int, str] = {}

    def visit(nodes: Sequence[str | Piece]) -> None:
        for node in nodes:
            if isinstance(node, Piece):
                found.update((n, _anchor(node)) for n in node.numbers)
                visit(node.children)

    visit(tree)
    return found


def _anchor(piece: Piece) -> str:
    return f"cx-c{piece.numbers[0]}"


def _open(piece: Piece) -> str:
    """The start tag of one piece of a mark."""
    mark = piece.mark
    classes = ["cx", f"cx-{mark.role}"]
    attrs = {"data-claim": " ".join(map(str, mark.claims)), "data-role": mark.role}
    if mark.stance is not None:
        classes.append(f"cx-{mark.stance}")
        attrs["data-stance"] = f"{mark.stance} {STANCE_SIGNS[mark.stance]}"
    if piece.last:
        classes.append("cx-last")
    if piece.numbers:
        # The one place in the article that the claims it starts are reached by Tab.
        attrs["data-n"] = " ".join(map(str, piece.numbers))
        attrs["id"] = _anchor(piece)
        attrs["tabindex"] = "0"
        attrs["aria-describedby"] = " ".join(f"cx-claim-{n}" for n in piece.numbers)
    rendered = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
    return f'<mark class="{" ".join(classes)}"{rendered}>'


def _stance(stance: str) -> str:
    return f'<span class="cx-stance cx-{stance}">{stance} {STANCE_SIGNS[stance]}</span>'


def claim_item(number: int, claim: Claim, anchor: str | None = None) -> str:
    """One claim's entry in the list: a line to read, then every field.

    anchor: the id of the claim's first mark, which its number links to.
    """
    speaker = escape(claim.speaker or "(no speaker)")
    role = f" ({escape(claim.speaker_role)})" if claim.speaker_role else ""
    items = targets(claim)
    if items:
        aims = "; ".join(f"{escape(t.target)}: {_stance(t.stance)}" for t in items)
    else:
        aims = f"(the content): {_stance(claim.stance)}"
    fields = [
        ("speaker", speaker + role + f" <small>({escape(claim.speaker_type)})</small>"),
        ("cue", escape(claim.cue or "(none)")),
        ("kind", escape(claim.kind)),
        ("quote", escape(claim.quote)),
        ("targets", _targets(claim)),
        ("stance", f"{_stance(claim.stance)} {claim.stance_score:+.2f}"),
    ]
    rows = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in fields)
    link = f'<a href="#{anchor}">[{number}]</a>' if anchor else f"[{number}]"
    return (
        f'<li id="cx-claim-{number}" data-claim="{number}">'
        f'<p class="cx-title">{link} {speaker}{role} → {aims}</p>'
        f'<dl class="cx-fields">{rows}</dl></li>\n'
    )


def _targets(claim: Claim) -> str:
    items = targets(claim)
    if not items:
        return "(none)"
    rows = "".join(
        f"<li>{escape(t.target)}: {_stance(t.stance)} {t.stance_score:+.2f}</li>" for t in items
    )
    return f'<ul class="cx-targets">{rows}</ul>'
