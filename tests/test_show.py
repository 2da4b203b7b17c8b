"""``claimx show``'s views: the nested marks, the terminal view and the HTML page.

Claims are built by hand (no model) except in the ``model`` tests at the end. The page is
read back with the standard library's HTML parser: tags must nest, the article element's
text must be the article's, every span must be marked over exactly its text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from itertools import pairwise
from typing import Any

import pytest
from conftest import make_claim
from hypothesis import given, settings
from hypothesis import strategies as st

import claimx
from claimx.marks import Mark, Piece, all_marks, claim_spans, nest
from claimx.page import page
from claimx.show import STYLES, article, claim_line, make_console, render, show
from claimx.types import Claim, Target

# A headline, a CRLF, markup-like characters, an ESC that must not reach a terminal, and
# claims whose spans nest (targets in quotes), cross (two quotes) and are shared (one
# speaker, two claims).
TEXT = (
    "Kremlin welcomes European dialogue\r\n"
    'Peskov said "Putin & <the EU> agree" and added that talks were "useful, \x1b[31m" '
    "as London refuses to engage with Putin."
)


def at(part: str, nth: int = 0) -> tuple[int, int]:
    """The span of the ``nth`` occurrence of ``part`` in ``TEXT``."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(part, start + 1)
    return (start, start + len(part))


def target(name: str, span: tuple[int, int], stance: Any, score: float = 0.5) -> Target:
    return Target(name, span, stance, score)


def claims() -> list[Claim]:
    """Four claims over ``TEXT``; 2 and 3 share their speaker, 3 and 4 their quotes cross."""
    first_quote = at('"Putin & <the EU> agree"')
    second_quote = (TEXT.index('"useful'), TEXT.index(" as London") - 1)
    return [
        make_claim(
            speaker="Kremlin",
            speaker_type="organization",
            speaker_span=at("Kremlin"),
            cue="welcomes",
            cue_span=at("welcomes"),
            quote="European dialogue",
            quote_spans=(at("European dialogue"),),
            target="European dialogue",
            target_span=at("European dialogue"),
            stance="support",
            stance_score=0.4,
            targets=(target("European dialogue", at("European dialogue"), "support"),),
        ),
        make_claim(
            speaker="Dmitry Peskov",
            speaker_role="Kremlin spokesman",
            speaker_type="person",
            speaker_span=at("Peskov"),
            cue="said",
            cue_span=at("said"),
            quote=TEXT[slice(*first_quote)],
            quote_spans=(first_quote,),
            kind="direct",
            target="Vladimir Putin",
            target_span=at("Putin"),
            stance="support",
            targets=(
                target("Vladimir Putin", at("Putin"), "support"),
                target("the EU", at("the EU"), "neutral", 0.0),
            ),
        ),
        make_claim(
            speaker="Dmitry Peskov",
            speaker_span=at("Peskov"),
            cue="added",
            cue_span=at("added"),
            # crosses claim 4's content, which starts inside it
            quote="that talks were useful",
            quote_spans=((TEXT.index("that talks"), second_quote[1]),),
            kind="partial",
            stance="support",
        ),
        make_claim(
            speaker="London",
            speaker_type="place",
            speaker_span=at("London"),
            cue="refuses",
            cue_span=at("refuses"),
            quote="talks were useful, as London refuses to engage with Putin",
            quote_spans=((TEXT.index("talks were"), TEXT.index("to engage") + 9),),
            target="Vladimir Putin",
            target_span=at("Putin", 1),
            stance="oppose",
            targets=(target("Vladimir Putin", at("Putin", 1), "oppose", -0.6),),
        ),
    ]


# -- marks -------------------------------------------------------------------------------


def leaves(nodes: Sequence[str | Piece]) -> str:
    return "".join(n if isinstance(n, str) else leaves(n.children) for n in nodes)


def pieces(nodes: Sequence[str | Piece]) -> list[Piece]:
    found = []
    for node in nodes:
        if isinstance(node, Piece):
            found += [node, *pieces(node.children)]
    return found


def check_tree(text: str, marks: Sequence[Mark], tree: Sequence[str | Piece]) -> None:
    """Leaves give the text back; each piece lies in its mark and its parent and spans its
    children; the pieces of each mark tile it exactly."""
    assert leaves(tree) == text

    def visit(nodes: Sequence[str | Piece], start: int, end: int) -> None:
        at = start
        for node in nodes:
            if isinstance(node, str):
                at += len(node)
                continue
            assert node.start == at and start <= node.start < node.end <= end
            assert node.mark.start <= node.start and node.end <= node.mark.end
            assert leaves(node.children) == text[node.start : node.end]
            visit(node.children, node.start, node.end)
            at = node.end
        assert at == end

    visit(tree, 0, len(text))
    for mark in marks:
        own = sorted((p.start, p.end) for p in pieces(tree) if p.mark == mark)
        assert own[0][0] == mark.start and own[-1][1] == mark.end
        assert all(a[1] == b[0] for a, b in pairwise(own)), own


def test_nested_marks_keep_the_text_and_lie_inside_each_other() -> None:
    marks = all_marks(TEXT, claims())
    check_tree(TEXT, marks, nest(TEXT, marks))


def test_only_marks_that_cross_another_are_split() -> None:
    marks = all_marks(TEXT, claims())
    tree = nest(TEXT, marks)
    split = {p.mark for p in pieces(tree) if not (p.first and p.last)}
    assert {(m.claims, m.role) for m in split} == {((4,), "quote")}


def test_a_span_shared_by_claims_is_one_mark_numbered_for_both() -> None:
    marks = all_marks(TEXT, claims())
    (peskov,) = [m for m in marks if m.role == "speaker" and m.start == at("Peskov")[0]]
    assert peskov.claims == (2, 3)
    tree = nest(TEXT, marks)
    numbered = {n: p for p in pieces(tree) for n in p.numbers}
    assert sorted(numbered) == [1, 2, 3, 4]
    assert numbered[2] is numbered[3] and numbered[2].mark == peskov
    assert numbered[1].start == at("Kremlin")[0]


def test_spans_outside_the_text_are_clipped_and_empty_ones_dropped() -> None:
    claim = make_claim(speaker_span=(-3, 4), cue_span=(5, 5), quote_spans=((8, 99),))
    assert claim_spans(claim, 10) == [("speaker", 0, 4, None), ("quote", 8, 10, None)]


def test_a_claim_without_targets_list_has_its_main_target_marked() -> None:
    claim = make_claim(target="X", target_span=(0, 1), stance="oppose")
    assert claim_spans(claim, 5) == [("target", 0, 1, "oppose")]


spans = st.tuples(st.integers(0, 40), st.integers(0, 40)).map(sorted).map(tuple)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.text(alphabet="ab \n<&", min_size=0, max_size=40),
    st.lists(
        st.tuples(st.sampled_from(["speaker", "cue", "quote", "target"]), spans, st.integers(1, 4)),
        max_size=12,
    ),
)
def test_any_spans_nest_into_valid_html(text: str, raw: list[Any]) -> None:
    built = [
        make_claim(
            speaker_span=span if role == "speaker" else None,
            cue_span=span if role == "cue" else None,
            quote_spans=(span,) if role == "quote" else (),
            targets=(target("t", span, "neutral"),) if role == "target" else (),
        )
        for role, span, _ in raw
    ]
    marks = all_marks(text, built)
    check_tree(text, marks, nest(text, marks))
    check_page(text, built)


# -- terminal ----------------------------------------------------------------------------


def styled_spans(text: Any) -> list[tuple[str, str]]:
    return sorted((str(s.style), text.plain[s.start : s.end]) for s in text.spans)


def test_styled_article_marks_each_span_over_exactly_its_text() -> None:
    # Claims whose spans do not cross, so that each mark is one span of the Text.
    text = article(TEXT, claims()[:2])
    expected = [(STYLES["number"], "[1]"), (STYLES["number"], "[2]")]
    for claim in claims()[:2]:
        for role, start, end, stance in claim_spans(claim, len(TEXT)):
            name = f"target.{stance}" if role == "target" else role
            expected.append((STYLES[name], TEXT[start:end]))
    assert styled_spans(text) == sorted(expected)


def test_inner_marks_win_over_outer_ones() -> None:
    # A target inside a quote shows the target's style: it is stylized after the quote's.
    text = article(TEXT, claims()[1:2])
    putin = text.plain.index("Putin")
    covering = [s for s in text.spans if s.start <= putin < s.end]
    assert [str(s.style) for s in covering] == [STYLES["quote"], STYLES["target.support"]]


def test_plain_article_marks_spans_with_characters() -> None:
    plain = article(TEXT, claims(), plain=True).plain
    assert plain.startswith("[1]<Kremlin> *welcomes* «{European dialogue}+»\n")
    assert '[2][3]<Peskov> *said* «"{Putin}+ & <{the EU}=> agree"»' in plain
    # claim 4's quote crosses claim 3's: it opens inside it and closes after it
    assert '*added* «that [4]«talks were "useful, ␛[31m»" as <London> *refuses* to engage»' in plain
    assert plain.endswith(" with {Putin}-.")


def test_numbers_do_not_shift_the_marked_text() -> None:
    text = article(TEXT, claims())
    assert text.plain.replace("[1]", "").replace("[2][3]", "").replace("[4]", "") == (
        TEXT.replace("\r", "").replace("\x1b", "␛")
    )


def test_control_characters_are_shown_not_sent_to_the_terminal() -> None:
    out = io.StringIO()
    console = make_console(out, color="always")
    console.width = 200
    show(console, TEXT, claims())
    shown = re.sub("\x1b\\[[0-9;]*m", "", out.getvalue())  # claimx's own styles
    assert "useful, ␛[31m" in shown
    assert "\x1b" not in shown and "\r" not in shown


def test_claim_lines_say_speaker_role_targets_and_stance_in_words() -> None:
    lines = [claim_line(i, c).plain for i, c in enumerate(claims(), 1)]
    assert lines == [
        "[1] Kremlin → European dialogue: support",
        "[2] Dmitry Peskov (Kremlin spokesman) → Vladimir Putin: support; the EU: neutral",
        "[3] Dmitry Peskov → (the content): support",
        "[4] London → Vladimir Putin: oppose",
    ]


def printed(color: str = "auto", width: int = 100) -> str:
    out = io.StringIO()
    console = make_console(out, color=color)
    console.width = width
    show(console, TEXT, claims(), source="a.txt")
    return out.getvalue()


@pytest.fixture
def no_color_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


ESCAPE = re.compile("\x1b")


def test_not_a_terminal_is_plain_with_no_escape_codes(no_color_env: Any) -> None:
    output = printed()
    assert not ESCAPE.search(output)
    assert output.startswith("a.txt: 4 claims\n\n[1]<Kremlin> *welcomes*")
    assert "\n[4] London → Vladimir Putin: oppose\n\nKey: <speaker> *cue*" in output


def test_no_color_is_plain_even_on_a_terminal(no_color_env: Any) -> None:
    no_color_env.setenv("NO_COLOR", "1")
    no_color_env.setenv("FORCE_COLOR", "1")
    output = printed()
    assert not ESCAPE.search(output)
    assert "«{European dialogue}+»" in output


def test_styles_on_a_terminal_and_with_color_always(no_color_env: Any) -> None:
    no_color_env.setenv("FORCE_COLOR", "1")
    assert ESCAPE.search(printed())
    no_color_env.delenv("FORCE_COLOR")
    styled = printed("always")
    assert ESCAPE.search(styled) and "«" not in styled
    assert not ESCAPE.search(printed("never"))


def test_plain_output_keeps_the_articles_own_lines(no_color_env: Any) -> None:
    long = "word " * 60 + 'Mr Lee said "yes".'
    claim = make_claim(speaker_span=(300, 306), cue_span=(307, 311))
    out = io.StringIO()
    show(make_console(out), long, [claim])
    assert out.getvalue().count("\n") == long.count("\n") + 7  # no wrapping at 80 columns


def test_render_without_claims_still_has_heading_and_key() -> None:
    out = io.StringIO()
    make_console(out, color="never").print(render("Nothing said.\n", []))
    heading, said, key = out.getvalue().split("\n\n")  # one blank line each, no more
    assert (heading, said) == ("0 claims", "Nothing said.") and key.startswith("Key: ")


def test_unknown_color_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, always, never"):
        make_console(color="sometimes")


# -- HTML --------------------------------------------------------------------------------

VOID = {"meta", "br", "img", "input", "link", "hr", "wbr"}


class PageReader(HTMLParser):
    """Checks that tags nest; collects the article element's text and, for each element in
    it, where its text starts and ends in the article."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.in_article = 0  # depth of the article element on the stack, 0 outside
        self.text: list[str] = []
        self.elements: list[dict[str, Any]] = []
        self.open: list[dict[str, Any]] = []
        self.all: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.all.append((tag, dict(attrs)))
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs)))
        if tag == "article":
            assert not self.in_article
            self.in_article = len(self.stack)
        elif self.in_article:
            element = {"tag": tag, **dict(attrs), "start": self.position()}
            self.elements.append(element)
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/> in an HTML page")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack[-1:])
        if self.in_article == len(self.stack):
            self.in_article = 0
        elif self.in_article:
            self.open.pop()["end"] = self.position()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.in_article:
            self.text.append(data)

    def position(self) -> int:
        return sum(map(len, self.text))


def read_page(document: str) -> PageReader:
    reader = PageReader()
    reader.feed(document)
    reader.close()
    assert not reader.stack, "unclosed tags"
    return reader


def merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching or overlapping ranges joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def check_page(text: str, built: Sequence[Claim]) -> PageReader:
    """Tags nest, the article's text is ``text``, every span of every claim is marked (in
    its role, with its stance) over exactly its characters, each claim is one Tab away."""
    document = page(text, built, source="in.txt")
    reader = read_page(document)
    assert "".join(reader.text) == text
    marks = reader.elements
    assert all(m["tag"] == "mark" for m in marks)
    for mark in marks:
        assert (
            "".join(reader.text)[mark["start"] : mark["end"]] == text[mark["start"] : mark["end"]]
        )
    for number, claim in enumerate(built, 1):
        for role in ("speaker", "cue", "quote", "target"):
            wanted = [(s, e) for r, s, e, _ in claim_spans(claim, len(text)) if r == role]
            found = [
                (m["start"], m["end"])
                for m in marks
                if str(number) in m["data-claim"].split() and m["data-role"] == role
            ]
            assert merged(found) == merged(wanted), (number, role)
        for r, s, _, stance in claim_spans(claim, len(text)):
            if r == "target":
                assert any(
                    m["start"] <= s < m["end"] and m["data-stance"].startswith(f"{stance} ")
                    for m in marks
                    if str(number) in m["data-claim"].split() and m["data-role"] == "target"
                )
        if claim_spans(claim, len(text)):
            focusable = [m for m in marks if str(number) in (m.get("data-n") or "").split()]
            assert len(focusable) == 1 and focusable[0]["tabindex"] == "0"
    return reader


def test_page_marks_every_span_and_keeps_the_text_exactly() -> None:
    reader = check_page(TEXT, claims())
    assert "\r\n" in "".join(reader.text)  # a raw CR would be folded into the LF by a browser


def test_page_escapes_markup_in_the_article_and_the_claims() -> None:
    document = page(TEXT, claims(), source="<b>a&b.txt</b>", title=None)
    assert "<the EU>" not in document and "&lt;the EU&gt;" in document
    assert "<b>a&b" not in document and "&lt;b&gt;a&amp;b.txt&lt;/b&gt;" in document
    hostile = "</article><script>alert(1)</script>"
    claim = make_claim(speaker='"><script>', speaker_span=(0, 10), speaker_role="<i>x</i>")
    reader = check_page(hostile, [claim])
    assert [tag for tag, _ in reader.all].count("script") == 1


def test_page_is_self_contained() -> None:
    document = page(TEXT, claims())
    lowered = document.lower()
    assert "http" not in lowered and "//" not in re.sub(
        r"<script>.*?</script>", "", lowered, flags=re.S
    )
    assert not re.search(r"\b(src|srcset|action|poster)\s*=", lowered)
    assert "<link" not in lowered and "@import" not in lowered and "url(" not in lowered
    hrefs = re.findall(r'href="([^"]*)"', document)
    ids = set(re.findall(r'\bid="([^"]*)"', document))
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)
    for refs in re.findall(r'aria-describedby="([^"]*)"', document):
        assert all(ref in ids for ref in refs.split())
    assert len(ids) == len(re.findall(r'\bid="', document)), "ids are unique"


def test_page_says_stance_in_words_not_colour_alone() -> None:
    document = page(TEXT, claims())
    for stance in ("support", "oppose", "neutral"):
        assert f'class="cx-stance cx-{stance}">{stance} ' in document
        assert f'data-stance="{stance} ' in document
    assert "content: attr(data-stance)" in document


def test_page_lists_every_field_of_every_claim() -> None:
    document = page(TEXT, claims())
    item = document.split('<li id="cx-claim-2"')[1].split("</li>\n")[0]
    for shown in (
        "Dmitry Peskov (Kremlin spokesman)",
        "<small>(person)</small>",
        "<dt>cue</dt><dd>said</dd>",
        "<dt>kind</dt><dd>direct</dd>",
        "&quot;Putin &amp; &lt;the EU&gt; agree&quot;",
        "Vladimir Putin: ",
        "the EU: ",
        '<a href="#cx-c2">[2]</a>',
    ):
        assert shown in item, shown


def test_page_has_print_rules_a_tooltip_and_a_title() -> None:
    document = page(TEXT, claims(), source="a.txt", title="Talks & <war>")
    assert "@media print" in document and 'role="tooltip"' in document
    assert "<title>Talks &amp; &lt;war&gt;</title>" in document
    assert '<p class="cx-meta">a.txt · 4 claims</p>' in document


def test_a_claim_with_no_span_in_the_text_is_listed_without_a_link() -> None:
    document = page("Short.", [make_claim(quote="elsewhere", quote_spans=((50, 60),))])
    assert '<p class="cx-title">[1] (no speaker) →' in document
    assert "tabindex" not in document.split("<article")[1].split("</article>")[0]


# -- with the real pipeline --------------------------------------------------------------

ARTICLE = (
    "The mayor, Ana Lima, said the new tram line would be a success. "
    '"We will finish it by June," said Tom Reilly, the project\'s engineer. '
    "Shop owners criticised the closures on Quay Street."
)


@pytest.mark.model
def test_extracted_claims_are_marked_in_the_terminal_and_the_page(no_color_env: Any) -> None:
    found = claimx.extract(ARTICLE)
    assert found
    check_page(ARTICLE, found)
    out = io.StringIO()
    show(make_console(out), ARTICLE, found, source="tram.txt")
    plain = out.getvalue()
    assert not ESCAPE.search(plain)
    for number, claim in enumerate(found, 1):
        assert claim_line(number, claim).plain + "\n" in plain
        assert f"[{number}]" in plain.split("\n\n")[1]
