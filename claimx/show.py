"""The terminal view of an article's claims (``claimx show``): the article with each claim's
speaker, cue, quoted content and targets marked, its number beside it, then one line per
claim: speaker (role) → target: stance.

Two looks, chosen from the console (:func:`is_plain`):

* styled, on a terminal with colour: speakers bold cyan, cues italic magenta, quotes
  yellow, targets underlined in their stance's colour (green support, red oppose, blue
  neutral), numbers reversed;
* plain, when not on a terminal (a pipe, a file) or with ``NO_COLOR`` set: no escape codes
  at all, marks as characters, so that it reads anywhere: ``[1]<Kremlin> *welcomes*
  «{European dialogue}+»`` (``+`` support, ``-`` oppose, ``=`` neutral).

The CLI builds its console with :func:`make_console` and prints with :func:`show`; Rich
itself honours ``NO_COLOR``, ``FORCE_COLOR`` and ``TTY_COMPATIBLE``, so ``FORCE_COLOR=1
claimx show a.txt | less -R`` pages the styled look and ``claimx show a.txt | less`` the
plain one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from .marks import Piece, all_marks, nest, targets
from .types import Claim, Stance

if TYPE_CHECKING:
    from rich.console import Console, Group
    from rich.text import Text

#: How each role looks when styled (targets by their stance), and the claim numbers.
STYLES: dict[str, str] = {
    "speaker": "bold cyan",
    "cue": "italic magenta",
    "quote": "yellow",
    "target.support": "underline green",
    "target.oppose": "underline red",
    "target.neutral": "underline blue",
    "number": "bold reverse",
    "support": "green",
    "oppose": "red",
    "neutral": "blue",
    "role": "dim",
}
#: How each role is marked in the plain look: what goes before and after it.
MARKERS: dict[str, tuple[str, str]] = {
    "speaker": ("<", ">"),
    "cue": ("*", "*"),
    "quote": ("«", "»"),
    "target.support": ("{", "}+"),
    "target.oppose": ("{", "}-"),
    "target.neutral": ("{", "}="),
}
COLORS = ("auto", "always", "never")

# Characters a terminal would act on rather than show: an article must not move the cursor
# or change colours. A carriage return is dropped (CRLF text), the others are shown as
# their Unicode pictures (ESC as ␛).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code == 0x0D:
        return ""
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def printable(text: str) -> str:
    """``text`` safe to write to a terminal: control characters shown, not obeyed."""
    return _CONTROL.sub(_visible, text)


def make_console(file: IO[str] | None = None, *, color: str = "auto") -> Console:
    """The console ``claimx show`` prints on (stdout by default).

    color: ``auto`` styles on a terminal unless ``NO_COLOR`` is set (Rich also reads
        ``FORCE_COLOR``); ``always`` styles even into a pipe (``| less -R``); ``never`` is
        the plain look. Lines are wrapped to a terminal's width and left as they are
        elsewhere, so that a pager or a file gets the article's own lines.
    """
    from rich.console import Console

    if color not in COLORS:
        raise ValueError(f"color must be one of {', '.join(COLORS)}, not {color!r}")
    force = {"always": True, "never": False}.get(color)
    console = Console(
        file=file,
        force_terminal=force,
        no_color=True if color == "never" else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.soft_wrap = not console.is_terminal
    return console


def is_plain(console: Console) -> bool:
    """Whether ``console`` gets the plain look: not a terminal, no colours, or NO_COLOR."""
    return console.no_color or console.color_system is None or not console.is_terminal


def show(
    console: Console,
    text: str,
    claims: Sequence[Claim],
    *,
    source: str | None = None,
    facts: Sequence[str] = (),
) -> None:
    """Print the article and its claims on ``console``, styled or plain as it allows."""
    console.print(render(text, claims, source=source, facts=facts, plain=is_plain(console)))


def render(
    text: str,
    claims: Sequence[Claim],
    *,
    source: str | None = None,
    facts: Sequence[str] = (),
    plain: bool = False,
) -> Group:
    """The article with its claims marked, then one line per claim and a key.

    source: named in the heading (the path as given). facts: a line under it, such as the
        article's title, outlet and date (:func:`claimx.claimsource.article_facts`).
        plain: marks as characters, with no style at all (see the module's docstring).
    """
    from rich.console import Group
    from rich.text import Text

    named = f"{printable(source)}: " if source else ""
    heading = Text(named + _count(len(claims)), style="" if plain else "bold")
    body = article(text, claims, plain=plain)
    body.rstrip()  # the article's last newline would add a second blank line
    parts: list[Text] = [heading]
    if facts:
        parts.append(Text(" · ".join(printable(f) for f in facts), style="" if plain else "italic"))
    parts += [Text(), body]
    if claims:
        parts += [Text(), *(claim_line(i, c, plain=plain) for i, c in enumerate(claims, 1))]
    parts += [Text(), key(plain=plain)]
    return Group(*parts)


def _count(n: int) -> str:
    return f"{n} claim" if n == 1 else f"{n} claims"


def _style_name(piece: Piece) -> str:
    mark = piece.mark
    return f"target.{mark.stance or 'neutral'}" if mark.role == "target" else mark.role


def article(text: str, claims: Sequence[Claim], *, plain: bool = False) -> Text:
    """The article with each claim's spans marked and its number before its first span.

    Styled, each piece of a mark is one span of the Text with the style ``STYLES`` gives its
    role, over exactly that piece's text; plain, the piece's text is between ``MARKERS``.
    """
    from rich.text import Text

    out = Text()
    tree = nest(text, all_marks(text, claims))

    def add(nodes: Sequence[str | Piece]) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append(printable(node))
                continue
            name = _style_name(node)
            for number in node.numbers:
                out.append(f"[{number}]", style=None if plain else STYLES["number"])
            before, after = MARKERS[name]
            if plain and node.first:
                out.append(before)
            start = len(out)
            add(node.children)
            if not plain:
                # before its children's styles, which win where they overlap
                out.stylize_before(STYLES[name], start, len(out))
            elif node.last:
                out.append(after)

    add(tree)
    return out


def _stance_word(stance: Stance, plain: bool) -> Text:
    from rich.text import Text

    return Text(stance, style="" if plain else STYLES[stance])


def claim_line(number: int, claim: Claim, *, plain: bool = False) -> Text:
    """``[3] Dmitry Peskov (Russian presidential spokesman) → these signals: support``;
    several targets are joined with ``;``, a claim without one shows its content's stance."""
    from rich.text import Text

    def styled(name: str) -> str | None:
        return None if plain else STYLES[name]

    line = Text()
    line.append(f"[{number}]", style=styled("number"))
    line.append(" ")
    line.append(printable(claim.speaker or "(no speaker)"), style=styled("speaker"))
    if claim.speaker_role:
        line.append(f" ({printable(claim.speaker_role)})", style=styled("role"))
    line.append(" → ")
    items = targets(claim)
    if not items:
        line.append("(the content)", style=styled("role"))
        line.append(": ")
        line.append_text(_stance_word(claim.stance, plain))
    for i, target in enumerate(items):
        if i:
            line.append("; ")
        line.append(printable(target.target), style=styled(f"target.{target.stance}"))
        line.append(": ")
        line.append_text(_stance_word(target.stance, plain))
    return line


def key(*, plain: bool = False) -> Text:
    """One line that says how each role is marked."""
    from rich.text import Text

    line = Text("Key: ")
    if plain:
        line.append("<speaker> *cue* «quote» {target}+ support, - oppose, = neutral; [n] claim n")
        return line
    for name in ("speaker", "cue", "quote"):
        line.append(name, style=STYLES[name])
        line.append(" ")
    line.append("target: ")
    for stance in ("support", "oppose", "neutral"):
        line.append(stance, style=STYLES[f"target.{stance}"])
        line.append(" ")
    line.append("[n]", style=STYLES["number"])
    line.append(" claim n")
    return line
