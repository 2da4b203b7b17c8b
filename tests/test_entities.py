"""Who is who across a corpus: names merged under one key (claimx.entities), and the views
that count under it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claimx.entities import Identities, tidy
from claimx.errors import InputError
from claimx.network import build_network
from claimx.summary import summarize


@pytest.mark.parametrize(
    ("name", "tidied"),
    [
        ("Barack Obama\u2018s", "Barack Obama"),
        ("Trump\u2019s", "Trump"),
        ("Sanders'", "Sanders"),
        ("the GOP's", "GOP"),
        ("6, 2016 9:12PMTrump", "Trump"),
        ("  Donald   Trump ", "Donald Trump"),
        ("Thessaloniki", "Thessaloniki"),
        ("The", "The"),
    ],
)
def test_tidy_drops_what_never_belongs_to_a_name(name: str, tidied: str) -> None:
    assert tidy(name) == tidied


def corpus(*names: tuple[str, str | None, int]) -> Identities:
    who = Identities()
    for name, kind, n in names:
        who.add(name, kind, n)
    return who


TRUMP_CORPUS = (
    ("Donald Trump", "person", 50),
    ("Trump", "organization", 24),
    ("Trump", "person", 10),
    ("Donald J. Trump", "person", 3),
    ("Billionaire Donald Trump", None, 1),
    ("Hillary Clinton Slams Donald Trump", "person", 1),
    ("Trump\u2019s", None, 2),
    ("GOP", None, 32),
    ("Republican party", None, 6),
    ("Republican Party", None, 10),
    ("Hillary Clinton", "person", 30),
    ("Bill Clinton", "person", 3),
    ("Clinton", "person", 12),
    ("Sanders", "organization", 5),
    ("Bernie Sanders", "person", 20),
    ("B. Hussein Obama", None, 1),
    ("Obama", "person", 8),
    ("Barack Obama", "person", 9),
    ("Fed", None, 2),
    ("Obama administration", None, 3),
    ("Obama Administration", None, 1),
    ("Sanders\u2019 campaign", None, 1),
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Trump", "Donald Trump"),  # a surname alone, typed an organisation by NER
        ("Donald J. Trump", "Donald Trump"),  # the alias table
        ("Billionaire Donald Trump", "Donald Trump"),  # words before a full name
        ("Hillary Clinton Slams Donald Trump", "Donald Trump"),  # a headline
        ("Trump\u2019s", "Donald Trump"),
        ("GOP", "Republican Party"),
        ("Republican party", "Republican Party"),
        ("Clinton", "Hillary Clinton"),  # 30 of 33 full-name mentions: four in five
        ("Sanders", "Bernie Sanders"),
        ("B. Hussein Obama", "Barack Obama"),
        ("Obama", "Barack Obama"),
        ("Fed", "Federal Reserve"),
        ("Obama Administration", "Barack Obama administration"),  # case apart; whose it is
        ("Sanders\u2019 campaign", "Bernie Sanders campaign"),
        ("Kremlin", "Kremlin"),  # never added: tidied and looked up only
    ],
)
def test_a_corpus_merges_a_persons_names_and_the_aliases(name: str, key: str) -> None:
    assert corpus(*TRUMP_CORPUS).key(name) == key


def test_two_people_who_share_a_surname_are_not_merged() -> None:
    who = corpus(
        ("George W. Bush", "person", 3),
        ("George H. W. Bush", "person", 2),
        ("Jeb Bush", "person", 4),
        ("Bush", "person", 6),
        ("George Bush", "person", 1),
        ("Bill Clinton", "person", 5),
        ("Hillary Clinton", "person", 6),
        ("Clinton", "person", 9),
    )
    # two middles for one first name: two people; Jeb and George named about as often
    assert [who.key(n) for n in ("George W. Bush", "George H. W. Bush", "George Bush")] == [
        "George W. Bush",
        "George H. W. Bush",
        "George Bush",
    ]
    assert who.key("Bush") == "Bush"
    assert who.key("Clinton") == "Clinton"  # 6 of 11: no one dominates


def test_a_place_is_never_a_surname() -> None:
    who = corpus(("Jim Jordan", "person", 5), ("Jordan", "place", 4))
    assert who.key("Jordan") == "Jordan"


def test_an_alias_file_adds_to_the_packaged_table(tmp_path: Path) -> None:
    table = tmp_path / "aliases.tsv"
    table.write_text("# ours\nalias\tname\ttype\nPOTUS\tDonald Trump\tperson\n", encoding="utf-8")
    who = Identities.with_file(table)
    assert who.key("potus") == "Donald Trump" and who.key("the GOP") == "Republican Party"
    bad = tmp_path / "bad.tsv"
    bad.write_text("alias\tname\ttype\nPOTUS\tDonald Trump\tpresident\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.tsv is not an alias table: .*'president'"):
        Identities.with_file(bad)
    with pytest.raises(InputError, match="cannot be read"):
        Identities.with_file(tmp_path / "missing.tsv")


def record(speaker: str, speaker_type: str, *targets: tuple[str, str]) -> dict[str, Any]:
    items = [
        {"target": t, "stance": s, "stance_score": {"support": 0.5, "oppose": -0.5}.get(s, 0.0)}
        for t, s in targets
    ]
    return {"speaker": speaker, "speaker_type": speaker_type, "targets": items}


RECORDS = [
    record("Donald Trump", "person", ("GOP", "oppose")),
    record("Trump", "organization", ("Republican party", "oppose"), ("Hillary Clinton", "oppose")),
    record("Trump", "organization", ("Donald Trump", "support")),  # himself: no edge
    record("Hillary Clinton", "person", ("Trump\u2019s", "oppose")),
]


def test_the_network_has_one_node_a_person_typed_over_all_their_names() -> None:
    graph = build_network(RECORDS)
    nodes = {n.id: (n.type, n.claims, n.targeted) for n in graph.nodes}
    assert nodes == {
        "Donald Trump": ("person", 3, 2),  # two of its three claims say organization
        "Republican Party": ("target", 0, 2),
        "Hillary Clinton": ("person", 1, 1),
    }
    edges = {(e.source, e.target): (e.claims, e.oppose) for e in graph.edges}
    assert edges == {
        ("Donald Trump", "Republican Party"): (2, 2),
        ("Donald Trump", "Hillary Clinton"): (1, 1),
        ("Hillary Clinton", "Donald Trump"): (1, 1),
    }


def test_the_summary_counts_speakers_and_targets_under_one_name() -> None:
    result = summarize(RECORDS)
    assert [(r.key, r.claims, r.type) for r in result.speakers] == [
        ("Donald Trump", 3, "person"),
        ("Hillary Clinton", 1, "person"),
    ]
    assert [(r.key, r.claims, r.oppose) for r in result.targets] == [
        ("Donald Trump", 2, 1),
        ("Republican Party", 2, 2),
        ("Hillary Clinton", 1, 1),
    ]


# In an article: the wire cases of issue 30, with exact spans ------------------------------


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.mark.model
def test_a_byline_dateline_and_credit_line_name_no_one() -> None:
    import claimx

    text = (
        "By LISA MASCARO and KEVIN FREKING\n\n"
        "WASHINGTON (AP) — Democrats said he had failed the country.\n\n"
        "Associated Press writer Kevin Freking contributed to this report.\n"
    )
    [claim] = claimx.extract(text)
    assert (claim.speaker, claim.speaker_span) == ("Democrats", at(text, "Democrats"))
    assert claim.targets == ()  # "he" has no antecedent: the byline is the newsroom's


@pytest.mark.model
def test_a_reporters_question_is_not_the_answerers_claim() -> None:
    import claimx

    text = (
        "Nikki Haley campaigned in Iowa on Monday. Asked whether she would support Trump if "
        "he became the nominee, Haley said she would back the Republican nominee."
    )
    asked, said = claimx.extract(text)
    assert (asked.speaker, asked.speaker_span, asked.cue) == (None, None, "Asked")
    assert asked.quote_spans == (
        at(text, "whether she would support Trump if he became the nominee"),
    )
    haley = text.rindex("Haley")
    assert (said.speaker, said.speaker_span, said.cue) == (
        "Nikki Haley",
        (haley, haley + 5),
        "said",
    )
    assert said.quote_spans == (at(text, "she would back the Republican nominee"),)


@pytest.mark.model
def test_said_before_a_name_is_the_cue_not_the_name() -> None:
    import claimx

    text = 'Meg Whitman spoke on Monday.\n\nSaid Whitman: "We are not going anywhere."'
    claim = claimx.extract(text)[-1]
    start = text.index("Said Whitman") + len("Said ")
    assert (claim.speaker, claim.speaker_span) == ("Meg Whitman", (start, start + 7))
    assert claim.cue_span == at(text, "Said")


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mention", "speaker", "role"),
    [
        (
            "Mitch McConnell met reporters on Tuesday. The Kentucky Republican said the bill "
            "would pass.",
            "Kentucky Republican",
            "Mitch McConnell",
            "Kentucky Republican",
        ),
        (
            "Clinton campaign chairman John Podesta said the emails were stolen.",
            "Clinton campaign chairman John Podesta",
            "John Podesta",
            "campaign chairman",
        ),
        (
            "GOP presidential candidate Dr. Ben Carson said the plan would fail.",
            "GOP presidential candidate Dr. Ben Carson",
            "Ben Carson",
            "GOP presidential candidate Dr.",
        ),
        (
            "Conservative leader Brent Bozell III spoke first. Bozell said it was wrong.",
            "Bozell",
            "Brent Bozell III",
            "Conservative leader",
        ),
    ],
)
def test_a_speaker_is_named_as_the_article_introduces_them(
    text: str, mention: str, speaker: str, role: str
) -> None:
    import claimx

    claim = claimx.extract(text)[-1]
    start = text.rindex(mention)
    assert (claim.speaker, claim.speaker_role) == (speaker, role)
    assert claim.speaker_span is not None and claim.speaker_span[0] == start


@pytest.mark.model
def test_whose_position_is_the_target_and_the_seed_gives_the_kremlin_an_edge() -> None:
    import claimx

    text = "The Kremlin has strongly criticized the British position on the talks."
    [claim] = claimx.extract(text)
    assert (claim.target, claim.target_span) == ("United Kingdom", at(text, "the British position"))
    assert claim.stance == "oppose"
    seed = (Path(__file__).parent.parent / "seeds" / "000_680bcb4019dc53cb.txt").read_text()
    graph = build_network(c.to_dict() for c in claimx.extract(seed))
    edge = {(e.source, e.target): e for e in graph.edges}[("Kremlin", "United Kingdom")]
    assert edge.oppose >= 1


@pytest.mark.model
def test_one_article_gives_one_node_a_person() -> None:
    import claimx

    text = (
        "Sen. Josh Hawley criticized Claudine Gay on Tuesday. Hawley said Gay had failed "
        "students. Gay's defenders said Hawley was grandstanding."
    )
    graph = build_network(c.to_dict() for c in claimx.extract(text))
    names = {n.id for n in graph.nodes}
    assert "Hawley" not in names and "Gay" not in names
    assert {"Josh Hawley", "Claudine Gay"} <= names


@pytest.mark.model
def test_a_speaking_pronoun_goes_on_with_the_speaker_not_the_subject_of_his_words() -> None:
    import claimx

    text = (
        "Chris Cox, the NRA's top lobbyist, spoke on Tuesday. Cox says Obama is trying to "
        "distract from his record. He says Americans do not need more lectures."
    )
    claim = claimx.extract(text)[-1]
    he = text.index("He says")
    assert (claim.speaker, claim.speaker_span, claim.cue) == ("Chris Cox", (he, he + 2), "says")


@pytest.mark.model
def test_a_pipelines_own_aliases_name_its_speakers_and_are_saved_with_it(tmp_path: Path) -> None:
    import spacy

    import claimx

    ours = tmp_path / "lexicons"
    ours.mkdir()
    (ours / "aliases.tsv").write_text(
        "alias\tname\ttype\nKremlin\tRussian government\torganization\n", encoding="utf-8"
    )
    nlp = claimx.load(stance="rules")
    nlp.get_pipe("claimx").initialize(lexicons=ours)
    text = "The Kremlin said the talks had failed."
    assert [c.speaker for c in nlp(text)._.claims] == ["Russian government"]
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert [c.speaker for c in again(text)._.claims] == ["Russian government"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (  # an organisation's one word, as the article last named it in full
            "The New York Post reported the story on Monday. The Post said the mayor had lied.",
            "New York Post",
        ),
        (  # organisations sharing a cue each speak
            "The mayor spoke first. The Justice Department and the FBI said the inquiry was over.",
            "Justice Department; FBI",
        ),
    ],
)
def test_organisations_are_named_as_the_article_names_them(text: str, speaker: str) -> None:
    import claimx

    assert claimx.extract(text)[-1].speaker == speaker


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mention", "speaker"),
    [
        (  # the quote goes on with Trump, not with his spokesman named before
            "Steven Cheung, a spokesman for the Trump campaign, said in a statement that the "
            "former president would win. At a rally in Iowa on Saturday, Donald Trump mocked "
            'Nikki Haley. "She\'s not going to win. Everybody knows it," he said.',
            "he said",
            "Donald Trump",
        ),
        (  # "she" is the subject, not the woman named inside her demand
            "Rep. Elise Stefanik questioned the university presidents on Tuesday and called "
            "for the board, including former Commerce Secretary Penny Pritzker, to act. She "
            "said the investigation by her committee would continue.",
            "She said",
            "Elise Stefanik",
        ),
        (  # "adding:" is the speaker's, not the company's
            "John David Rainey, Walmart's chief financial officer, said sales rose in the "
            'quarter. The company raised its forecast, he said, adding: "Customers keep '
            'coming back."',
            "he said",
            "John David Rainey",
        ),
    ],
)
def test_a_pronoun_speaker_is_the_one_the_story_follows(
    text: str, mention: str, speaker: str
) -> None:
    import claimx

    claim = claimx.extract(text)[-1]
    start = text.rindex(mention)
    pronoun = mention.split()[0]
    assert (claim.speaker, claim.speaker_span) == (speaker, (start, start + len(pronoun)))


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        # an op-ed's headline names its writer
        "Ann Coulter: And Then There Was the One.\n\n"
        "I always said that Trump would win the nomination.\n",
        # a book excerpt's editor's note does; the note itself is nobody's claim
        "Editor\u2019s Note: The following is an excerpt from bestselling author Dinesh "
        "D\u2019Souza\u2019s new book.\n\nI told the judge that I had made a mistake.\n",
        "By Ann Coulter\n\nI always said that Trump would win the nomination.\n",
    ],
)
def test_the_writers_own_i_is_the_writer(text: str) -> None:
    import claimx

    claims = claimx.extract(text)
    i = text.index("\nI ") + 1
    writer = "Dinesh D\u2019Souza" if "Souza" in text else "Ann Coulter"
    assert (claims[-1].speaker, claims[-1].speaker_span) == (writer, (i, i + 1))
    assert all(c.speaker != "\u2019s Note" for c in claims)


@pytest.mark.model
def test_an_unsigned_i_outside_quotes_stays_unnamed() -> None:
    import claimx

    text = "Senators met on Monday after a long week in Washington.\n\nI think the bill will pass."
    assert [c.speaker for c in claimx.extract(text) if c.speaker_span == (58, 59)] in ([], [None])


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mention", "speaker"),
    [
        (  # the author after a participle, through "results of"
            "Trump won the state. Early results of exit polls conducted by Edison Research "
            "showed that voters were angry.",
            "Early results of exit polls conducted by Edison Research",
            "Edison Research",
        ),
        (  # "the poll" is the poll the article named
            "A new Bloomberg Politics poll shows Clinton ahead. The poll found that voters "
            "were split.",
            "poll",
            "Bloomberg Politics",
        ),
        (  # an abbreviated title written out
            "Florida Sen. Marco Rubio and Texas Sen. Ted Cruz met on Monday. The Florida "
            "senator said he would stay in the race.",
            "Florida senator",
            "Marco Rubio",
        ),
    ],
)
def test_a_description_is_who_it_describes(text: str, mention: str, speaker: str) -> None:
    import claimx

    claim = claimx.extract(text)[-1]
    start = text.rindex(mention)
    assert (claim.speaker, claim.speaker_span) == (speaker, (start, start + len(mention)))
