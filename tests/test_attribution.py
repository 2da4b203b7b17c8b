"""One short article per construction, run through the real pipeline."""

from __future__ import annotations

import pytest

import claimx
from claimx import Claim

pytestmark = pytest.mark.model  # every test here parses with the real pipeline


def only(text: str, cue: str | None = None) -> Claim:
    claims = [c for c in claimx.extract(text) if cue is None or c.cue == cue]
    assert len(claims) == 1, claims
    return claims[0]


def spans(text: str, claim: Claim) -> list[str]:
    return [text[s:e] for s, e in claim.quote_spans]


def test_reported_speech_with_that() -> None:
    text = "Mayor Jane Smith said that the bridge would reopen in May."
    claim = only(text)
    assert (claim.speaker, claim.speaker_role, claim.cue) == ("Jane Smith", "Mayor", "said")
    assert claim.quote == "that the bridge would reopen in May"
    assert claim.kind == "indirect"
    assert claim.speaker_type == "person"


def test_split_direct_quote_is_one_claim_with_two_fragments() -> None:
    text = '"We will rebuild the bridge," Smith said, "and it will be stronger than before."'
    claim = only(text)
    assert spans(text, claim) == [
        '"We will rebuild the bridge,"',
        '"and it will be stronger than before."',
    ]
    assert claim.quote == '"We will rebuild the bridge," … "and it will be stronger than before."'
    assert claim.kind == "direct"
    assert claim.speaker == "Smith"


def test_trailing_attribution_with_inverted_subject() -> None:
    text = 'The council met on Monday.\n\n"The budget is balanced at last," said Tom Green.'
    claim = only(text)
    assert claim.speaker == "Tom Green"
    assert spans(text, claim) == ['"The budget is balanced at last,"']


def test_quote_running_over_paragraphs() -> None:
    text = (
        'Anna Berg said: "The plan is ready.\n\n'
        '"We start building next spring and finish in two years."\n\n'
        "The city agreed."
    )
    claim = only(text, "said")
    assert spans(text, claim) == [
        '"The plan is ready.',
        '"We start building next spring and finish in two years."',
    ]
    assert claim.kind == "direct"


def test_according_to() -> None:
    text = "According to the police, the driver was not injured."
    claim = only(text)
    assert claim.cue == "According to"
    assert claim.speaker == "police"
    assert claim.quote == "the driver was not injured"


def test_passive_agent_is_the_speaker() -> None:
    text = "The closure was announced by the Transport Ministry on Tuesday."
    claim = only(text)
    assert claim.speaker == "Transport Ministry"
    assert claim.speaker_type == "organization"


def test_quote_continued_after_the_attribution_joins_the_claim() -> None:
    text = (
        '"It will hurt the families who need help the most," Senator Maria Lopez told '
        'reporters. "This is not the answer we promised."'
    )
    claim = only(text)
    assert claim.cue == "told"
    assert spans(text, claim) == [
        '"It will hurt the families who need help the most,"',
        '"This is not the answer we promised."',
    ]


def test_quote_without_cue_goes_to_the_previous_speaker() -> None:
    text = (
        "Senator Maria Lopez criticized the proposal on Monday.\n\n"
        '"It will hurt the families who need help the most."'
    )
    last = claimx.extract(text)[-1]
    assert last.cue is None
    assert last.quote == '"It will hurt the families who need help the most."'
    assert (last.speaker, last.kind) == ("Maria Lopez", "direct")


def test_pronoun_speaker_resolves_to_the_full_name() -> None:
    text = "Robert Klein arrived late. He said the vote should be delayed."
    claim = only(text)
    assert claim.speaker == "Robert Klein"
    assert claim.speaker_span is not None
    assert text[slice(*claim.speaker_span)] == "He"


def test_surname_resolves_and_keeps_the_role() -> None:
    text = (
        "Finance Minister Olaf Brandt presented the budget. "
        "Brandt insisted that taxes would not rise."
    )
    claim = only(text)
    assert (claim.speaker, claim.speaker_role) == ("Olaf Brandt", "Finance Minister")
    assert text[slice(*claim.speaker_span)] == "Brandt"  # type: ignore[misc]


def test_apposition_is_the_role() -> None:
    text = "Laura Chen, the mayor of Springfield, said the park would close."
    claim = only(text)
    assert claim.speaker == "Laura Chen"
    assert claim.speaker_role == "mayor of Springfield"


def test_two_speakers_share_a_cue() -> None:
    text = "Governor Ann Lee and Senator Mark Ortiz argued that the law was unfair."
    claim = only(text)
    assert claim.speaker == "Ann Lee; Mark Ortiz"
    assert claim.speaker_role == "Governor; Senator"


def test_a_speaker_keeps_its_names_apart_until_the_claim() -> None:
    from claimx.lexicons import Lexicons
    from claimx.speakers import Resolver

    text = "Governor Ann Lee and Senator Mark Ortiz argued that the law was unfair."
    doc = claimx.load()(text)
    subject = next(t for t in doc if t.text == "Lee")
    speaker = Resolver(doc, Lexicons.default()).speakers(subject)
    assert (speaker.names, speaker.roles) == (("Ann Lee", "Mark Ortiz"), ("Governor", "Senator"))


def test_participle_inherits_the_speaker_of_its_cue() -> None:
    text = "Ms. Park praised the agreement, arguing that it would create jobs."
    arguing = only(text, "arguing")
    assert arguing.speaker == "Park"
    assert arguing.quote == "that it would create jobs"


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("The union welcomed the new contract.", "support"),
        ("The union criticized the new contract.", "oppose"),
        ("The union did not welcome the new contract.", "oppose"),
        ("The union rejected the new contract.", "oppose"),
        ("The union said the meeting is on Tuesday.", "neutral"),
        ("The union said the contract is a disaster.", "oppose"),
        ("The union said the contract is not a disaster.", "support"),
    ],
)
def test_stance(text: str, stance: str) -> None:
    assert only(text).stance == stance


def test_attitude_cue_object_is_the_target() -> None:
    text = "The mayor condemned the violent protests in the city center."
    claim = only(text)
    assert claim.target == "the violent protests"
    assert claim.target_span is not None
    assert text[slice(*claim.target_span)] == "the violent protests"
    assert claim.stance == "oppose"
    assert -1 <= claim.stance_score < 0


@pytest.mark.parametrize(
    ("text", "cue", "target", "mention"),
    [
        # "it": the nearest thing before it that it can stand for, not the person's role
        (
            "The minister published the plan on Monday. The opposition leader criticized it.",
            "criticized",
            "the plan",
            "it",
        ),
        # an object pronoun is never its own clause's subject
        (
            "Senator Elizabeth Warren met John Smith on Monday. She praised him for his courage.",
            "praised",
            "John Smith",
            "him",
        ),
        # a reported subject of another gender than the speaker's is someone else
        (
            "Hillary Clinton met Donald Trump. Clinton said he was unfit.",
            "said",
            "Donald Trump",
            "he",
        ),
        # "they" names every conjunct
        (
            "Germany and France signed the treaty. Moscow condemned them.",
            "condemned",
            "Germany; France",
            "them",
        ),
    ],
)
def test_pronoun_target_resolves_like_a_speaker(
    text: str, cue: str, target: str, mention: str
) -> None:
    claim = only(text, cue)
    assert claim.target == target
    assert claim.target_span is not None
    assert text[slice(*claim.target_span)] == mention


@pytest.mark.parametrize(
    ("text", "target", "mention"),
    [
        # an entity completing a relation: the relation is what the claim is about
        (
            "Meloni argued that it was time for dialogue with Russia.",
            "dialogue with Russia",
            "dialogue with Russia",
        ),
        ("The minister praised the new talks with Iran.", "the new talks with Iran", None),
        # a place the claim is set in gives way to what else it names
        (
            "Peskov said that voices in Paris were beginning to speak of dialogue with Russia.",
            "dialogue with Russia",
            None,
        ),
        (
            "Cruz said the convention in Cleveland would hand the election to Clinton.",
            "Clinton",
            None,
        ),
        ("The mayor said that crime in Chicago had fallen.", "Chicago", None),  # nothing else
        # an act on something gives way to what it acts on; a quote it cuts is not named
        (
            'The senator called for the appointment of a European "special envoy" for Moscow.',
            "a European special envoy",
            'a European "special envoy',
        ),
    ],
)
def test_target_is_what_the_claim_is_about(text: str, target: str, mention: str | None) -> None:
    claim = next(c for c in claimx.extract(text) if c.target is not None)
    assert claim.target == target
    assert claim.target_span is not None
    assert text[slice(*claim.target_span)] == (mention or target)


@pytest.mark.parametrize(
    "text",
    [
        "John Smith said he would run again.",  # he is the speaker
        "The company said it would cut 500 jobs.",  # so is it
        "The senator said it is clear that the bill will pass.",  # it is the clause
    ],
)
def test_pronoun_that_is_the_speaker_is_no_target(text: str) -> None:
    claim = only(text)
    assert claim.target_span is None or text[slice(*claim.target_span)] not in ("he", "it")


@pytest.mark.parametrize(
    ("opening", "closing"), [("“", "”"), ("«", "»"), ("„", "“"), ("‘", "’"), ("'", "'")]
)
def test_quote_marks(opening: str, closing: str) -> None:
    text = f"{opening}We are ready to talk,{closing} the minister said."
    claim = only(text)
    assert claim.quote == f"{opening}We are ready to talk,{closing}"
    assert claim.kind == "direct"


def test_partial_quote_of_one_word() -> None:
    text = 'The minister described the plan as "reckless."'
    claim = only(text)
    assert claim.kind == "partial"
    assert claim.quote == 'the plan as "reckless."'
    assert claim.stance == "oppose"


@pytest.mark.parametrize(
    "text",
    [
        'He said "this never ends.',
        'Unbalanced ” closing mark, she said.\n\n"Open and never closed',
        "Apostrophes aren't quotes, the Joneses' lawyer said.",
        '"""',
        "",
        "\n\n\n",
    ],
)
def test_unbalanced_marks_degrade(text: str) -> None:
    claimx.extract(text)  # offsets are checked on every claim by the conftest fixture


def test_crlf_offsets_are_kept() -> None:
    text = 'Council approves budget\r\n\r\nMayor Jane Smith said the budget "is balanced."\r\n'
    claim = only(text)
    assert claim.quote == 'the budget "is balanced."'
    assert text[claim.quote_spans[0][0] : claim.quote_spans[0][1]] == claim.quote


def test_headline_does_not_merge_with_first_paragraph() -> None:
    text = "Mayor rejects plan\nThe council said the plan would cost too much."
    claims = claimx.extract(text)
    said = next(c for c in claims if c.cue == "said")
    assert said.speaker == "council"
    assert said.quote == "the plan would cost too much"


def test_pronoun_agrees_in_gender() -> None:
    text = "Senator Maria Lopez met Governor Tom Reed on Monday. She said the talks had failed."
    claim = only(text)
    assert claim.speaker == "Maria Lopez"
    assert text[slice(*claim.speaker_span)] == "She"  # type: ignore[misc]


def test_honorific_sets_gender_for_unknown_first_names() -> None:
    text = "Mr. Zorawar Singh greeted Ms. Quilla Ortiz. Later she said the plan was sound."
    assert only(text).speaker == "Quilla Ortiz"


def test_title_resolves_to_the_person_given_it() -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov spoke on Friday. "
        "The spokesman said that Moscow had taken note."
    )
    claim = only(text)
    assert (claim.speaker, claim.speaker_type) == ("Dmitry Peskov", "person")
    assert text[slice(*claim.speaker_span)] == "spokesman"  # type: ignore[misc]


def test_relative_clause_speaker_is_named_by_its_head() -> None:
    text = "The plan was drafted by Laura Chen, who said the park would close."
    claim = only(text, "said")
    assert claim.speaker == "Laura Chen"
    assert text[slice(*claim.speaker_span)] == "who"  # type: ignore[misc]


def test_surname_shared_by_two_people_goes_to_the_one_last_named() -> None:
    text = (
        "Hillary Clinton spoke first. Bill Clinton followed her. "
        "Clinton said the campaign was strong."
    )
    assert only(text).speaker == "Bill Clinton"


def test_colon_line_attributes_the_words_to_the_name() -> None:
    text = "Election night\n\nDonald Trump: We are going to win so much.\n"
    claim = only(text)
    assert (claim.speaker, claim.cue, claim.quote) == (
        "Donald Trump",
        ":",
        "We are going to win so much.",
    )


def test_fronted_source_noun_is_the_speaker() -> None:
    text = "In a new Gallup poll, the senator leads the race by five points."
    claim = only(text)
    assert (claim.cue, claim.speaker) == ("In", "Gallup")  # whose poll it is
    assert claim.quote == "the senator leads the race by five points"


def test_agentless_passive_is_a_claim_without_a_speaker() -> None:
    text = "The bill is expected to pass the Senate next week."
    claim = only(text)
    assert claim.speaker is None and claim.speaker_span is None
    assert claim.cue == "expected"


def test_attitude_inside_reported_speech_is_not_a_second_claim() -> None:
    text = "Mark Cuban said that he would support the senator in a runoff."
    assert only(text).cue == "said"


def test_a_person_showing_something_is_not_a_finding() -> None:
    assert claimx.extract("The senator has shown no sign of backing down.") == []
    claim = only("A new survey shows a tight race in Ohio.")
    assert claim.quote == "a tight race in Ohio"


def test_attribution_in_its_own_paragraph_takes_the_quote_before_it() -> None:
    text = '"I paid off her mortgage, big deal, right?"\n\nTrump said.\n'
    claim = only(text)
    assert (claim.speaker, claim.quote) == ("Trump", '"I paid off her mortgage, big deal, right?"')


def test_that_clause_on_the_statement_is_the_content() -> None:
    text = "John Weaver said in a statement that the race will now be a four-man contest."
    claim = only(text, "said")
    assert claim.quote == "that the race will now be a four-man contest"


def test_seem_attributes_an_impression_to_its_subject() -> None:
    claim = only("Obama seemed to recognize the significance of the Iowa victory.")
    assert (claim.speaker, claim.cue) == ("Obama", "seemed")
    assert claim.quote == "to recognize the significance of the Iowa victory"
    assert claimx.extract("The senator appeared on CNN on Sunday.") == []


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "quote"),
    [
        # a cue with words of its own after it does not report the clause before it
        (
            "ECB holds rates, Lagarde warns against premature cuts\n\nThe bank met on Thursday.",
            "Lagarde",
            "warns",
            "against premature cuts",
        ),
        (
            "Measles cases rise sharply in Europe, WHO says\n\nCases tripled last year.",
            "WHO",
            "says",
            "Measles cases rise sharply in Europe",
        ),
        ("The deal is done, Smith told reporters.", "Smith", "told", "The deal is done"),
        (
            "The company plans to cut 2,000 jobs, according to three people familiar with "
            "the discussions.",
            "three people",
            "according to",
            "The company plans to cut 2,000 jobs",
        ),
        (
            "The minister said talks had failed. The union countered that talks would resume.",
            "union",
            "countered",
            "that talks would resume",
        ),
    ],
)
def test_headline_and_wire_constructions(text: str, speaker: str, cue: str, quote: str) -> None:
    claim = only(text, cue)
    assert (claim.speaker, claim.quote) == (speaker, quote)


def test_nominal_cue_with_a_possessor() -> None:
    text = "The vote followed Senator Ann Lee's claim that the tax was unfair."
    claim = only(text)
    assert (claim.speaker, claim.cue) == ("Ann Lee", "claim")
    assert claim.quote == "that the tax was unfair"
    assert claimx.extract("The claim that the tax was unfair spread quickly.") == []


def _lf_offsets(crlf: str, claim: Claim) -> dict[str, object]:
    """``claim`` of a CRLF text as its LF copy would report it: every offset less the
    carriage returns before it."""

    def shift(span: tuple[int, int] | None) -> list[int] | None:
        if span is None:
            return None
        return [span[0] - crlf.count("\r", 0, span[0]), span[1] - crlf.count("\r", 0, span[1])]

    record = claim.to_dict()
    for key in ("speaker_span", "cue_span", "target_span"):
        record[key] = shift(getattr(claim, key))
    record["quote_spans"] = [shift(s) for s in claim.quote_spans]
    for item, target in zip(record["targets"], claim.targets, strict=True):
        item["target_span"] = shift(target.target_span)
    record["quote"] = claim.quote.replace("\r", "")
    return record


@pytest.mark.parametrize(
    "text",
    [
        'Council approves budget\n\nMayor Jane Smith said the budget "is balanced."\n',
        # a bare cue before a blank line does not reach the quote after it, "\r\n\r\n" or not
        "John Bolton spoke on Monday about the rules. He said:\n\n"
        '"In all the administrations I served in, it was like going into a monastery."\n',
    ],
)
def test_crlf_copy_has_the_claims_of_the_lf_copy(text: str) -> None:
    crlf = text.replace("\n", "\r\n")
    lf_claims = [c.to_dict() for c in claimx.extract(text)]
    crlf_claims = claimx.extract(crlf)
    assert [_lf_offsets(crlf, c) for c in crlf_claims] == lf_claims
    for claim in crlf_claims:
        assert [crlf[s:e] for s, e in claim.quote_spans] == claim.quote.split(" … ")


def targets(text: str, claim: Claim) -> list[tuple[str, str, str]]:
    """Each target of ``claim``: its name, the mention its span covers, its stance."""
    return [(t.target, text[slice(*t.target_span)], t.stance) for t in claim.targets]


def test_every_entity_the_content_names_is_a_target_resolved_like_speakers() -> None:
    text = (
        "Loretta Lynch was nominated in November. "
        '"Republicans are holding her nomination hostage," President Barack Obama said.'
    )
    claim = only(text)
    named = [(name, mention) for name, mention, _ in targets(text, claim)]
    # "her" in the quote resolves to the nominee; the speaker is never his own target
    assert named == [("Republicans", "Republicans"), ("Loretta Lynch", "her")]
    start = text.index("Republicans")
    assert (claim.target, claim.target_span) == ("Republicans", (start, start + 11))
    assert claim.targets[0].stance == "oppose"


def test_a_title_and_a_group_are_targets() -> None:
    text = (
        "President Barack Obama spoke on Monday. "
        "Tom Lee said that Republican senators had misled the president."
    )
    claim = only(text, "said")
    named = [(name, mention) for name, mention, _ in targets(text, claim)]
    assert named == [
        ("Republican senators", "Republican senators"),
        ("Barack Obama", "the president"),
    ]


def test_the_speakers_own_act_on_a_target_decides_its_stance() -> None:
    text = "Senator Tom Lee said he would block Mary Jones's nomination."
    assert targets(text, only(text)) == [("Mary Jones", "Mary Jones", "oppose")]
    text = "Tom Lee said the priority was supporting Ukraine."
    assert targets(text, only(text)) == [("Ukraine", "Ukraine", "support")]


def test_a_pronoun_outside_quotes_agreeing_with_the_speaker_is_not_a_target() -> None:
    text = "Tom Lee said the media had treated him unfairly."
    assert [t.target for t in only(text).targets] == ["the media"]


def test_a_pronoun_prefers_a_recent_person_known_to_agree() -> None:
    # "his" tells the article's reader Kallas is a man; nobody says what Tarrow is
    text = (
        "Zorbo Kallas said his bill would pass. Kim Tarrow spoke next. "
        '"He is wrong about the bill," Tom Lee said.'
    )
    [claim] = [c for c in claimx.extract(text) if c.speaker == "Tom Lee"]
    assert [(t.target, text[slice(*t.target_span)]) for t in claim.targets] == [
        ("Zorbo Kallas", "He")
    ]


def test_the_cues_stance_is_not_toward_whom_it_addresses() -> None:
    # "praised" is for Jones; "urged … to resign" is for the resignation, not for Jones
    praised = claimx.extract("Tom Lee praised Mary Jones.", stance="rules")
    urged = claimx.extract("Tom Lee urged Mary Jones to resign.", stance="rules")
    assert [(t.target, t.stance) for c in praised for t in c.targets] == [("Mary Jones", "support")]
    assert [(t.target, t.stance) for c in urged for t in c.targets] == [("Mary Jones", "neutral")]


def test_whom_a_cue_speaks_of_is_a_target() -> None:
    text = 'Defense Secretary Mark Esper said of Richard Spencer: "I am deeply troubled."'
    assert [(t.target, text[slice(*t.target_span)]) for t in only(text).targets] == [
        ("Richard Spencer", "Richard Spencer")
    ]


def test_an_attitude_verb_the_speaker_uses_in_a_quote_gives_the_stance() -> None:
    # "We commend X" is the speaker's own act; "Republicans condemned X" is someone else's
    ours = '"We commend Mary Jones for her courage," Tom Lee said.'
    theirs = '"Republicans condemned Mary Jones," Tom Lee said.'
    assert [(t.target, t.stance) for t in only(ours).targets] == [("Mary Jones", "support")]
    rules = claimx.extract(theirs, stance="rules")
    assert [(t.target, t.stance) for c in rules for t in c.targets] == [
        ("Mary Jones", "neutral"),
        ("Republicans", "neutral"),
    ]


@pytest.mark.parametrize(
    ("text", "speaker", "mention"),
    [
        (
            "CONCORD, N.H. — Nikki Haley on Friday attacked Donald Trump, calling the former "
            'president "unhinged."',
            "Nikki Haley",
            "Nikki Haley",
        ),
        (
            "BERLIN, Jan 12 (dpa) - Germany's economy minister said the recession would end.",
            "Germany's economy minister",
            "Germany's economy minister",
        ),
        (
            "SAN JOSE, Calif., March 3, 2024 /PRNewswire/ -- Acme Corp. said it expects "
            "revenue to rise.",
            "Acme Corp.",
            "Acme Corp.",
        ),
        (
            "WASHINGTON  - U.S. President Donald Trump said on Thursday that the wall would "
            "be built.",
            "Donald Trump",
            "President Donald Trump",
        ),
        (
            "Washington (CNN) — Mike Huckabee said the shootings were domestic terrorism.",
            "Mike Huckabee",
            "Mike Huckabee",
        ),
        (
            "City budget\n\nST. LOUIS, Mo. – Mayor Tishaura Jones said the city would appeal.",
            "Tishaura Jones",
            "Mayor Tishaura Jones",
        ),
    ],
)
def test_a_dateline_is_never_speaker_target_or_content(
    text: str, speaker: str, mention: str
) -> None:
    body = text.index(mention)
    for claim in claimx.extract(text):
        assert claim.speaker == speaker
        assert claim.speaker_span == (body, body + len(mention))
        spans = [*claim.quote_spans, *(t.target_span for t in claim.targets)]
        assert all(start >= body for start, _ in spans)


@pytest.mark.parametrize(
    ("text", "speaker", "role", "mention"),
    [
        (
            "The chief executive, Anne Klibanski, said the hospital would expand.",
            "Anne Klibanski",
            "chief executive",
            "chief executive, Anne Klibanski",
        ),
        (
            "Walmart's chief financial officer, John David Rainey, said sales rose.",
            "John David Rainey",
            "Walmart's chief financial officer",
            "Walmart's chief financial officer, John David Rainey",
        ),
        (
            "Spokeswoman Rebecca Hill said the company would not comment.",
            "Rebecca Hill",
            "Spokeswoman",
            "Spokeswoman Rebecca Hill",
        ),
        (
            "Bank of Portugal Governor Mario Centeno said rates would fall.",
            "Mario Centeno",
            "Bank of Portugal Governor",
            "Bank of Portugal Governor Mario Centeno",
        ),
        (
            "Ukrainian Defense Minister Rustem Umerov said the talks went well.",
            "Rustem Umerov",
            "Ukrainian Defense Minister",
            "Ukrainian Defense Minister Rustem Umerov",
        ),
        ("Ron Harris, 47, said he had waited for hours.", "Ron Harris", None, "Ron Harris"),
        (
            "The American College of Cardiology said the guidance was sound.",
            "American College of Cardiology",
            None,
            "American College of Cardiology",
        ),
        (
            "Saudi Energy Minister Prince Abdulaziz bin Salman said output would stay flat.",
            "Prince Abdulaziz bin Salman",
            "Saudi Energy Minister",
            "Saudi Energy Minister Prince Abdulaziz bin Salman",
        ),
    ],
)
def test_a_name_and_its_title_are_cut_where_a_reader_cuts_them(
    text: str, speaker: str, role: str | None, mention: str
) -> None:
    claim = only(text)
    assert (claim.speaker, claim.speaker_role) == (speaker, role)
    start = text.index(mention)
    assert claim.speaker_span == (start, start + len(mention))


def test_a_name_ner_took_for_an_organisation_is_a_person() -> None:
    text = "CONCORD, N.H. — Nikki Haley attacked the plan on Friday. Haley said it would fail."
    claims = claimx.extract(text)
    assert [(c.speaker, c.speaker_type) for c in claims] == [("Nikki Haley", "person")] * 2


def test_content_does_not_end_in_a_dangling_conjunction() -> None:
    text = (
        "Rubio said he was proud of the campaign he ran to unify the country and thanked his staff."
    )
    claim = only(text, "said")
    assert claim.quote == "he was proud of the campaign he ran to unify the country"
    start = text.index("he was")
    assert claim.quote_spans == ((start, start + len(claim.quote)),)


@pytest.mark.parametrize(
    ("text", "speaker", "mention", "content"),
    [
        (  # the parse hangs both subjects on the cue; the nearer one speaks
            "If it cannot yet, it will soon, analysts say.",
            "analysts",
            "analysts",
            ["If it cannot yet, it will soon"],
        ),
        ("People like Scott, he said.", None, "he", ["People like Scott"]),
        (  # the name after the cue, parsed as the subject of the quote's second half
            '"The risk," said Edward Leamer, an economist at the university, "is that jobs '
            'will leave."',
            "Edward Leamer",
            "Edward Leamer",
            ['"The risk,"', '"is that jobs will leave."'],
        ),
        (
            "Shipments fell 12% in the quarter, according to data from Counterpoint Research.",
            "Counterpoint Research",
            "data from Counterpoint Research",
            ["Shipments fell 12% in the quarter"],
        ),
    ],
)
def test_a_reporting_clause_the_parse_gets_wrong_still_attributes(
    text: str, speaker: str | None, mention: str, content: list[str]
) -> None:
    claim = only(text)
    assert claim.speaker == speaker
    start = text.index(mention)
    assert claim.speaker_span == (start, start + len(mention))
    assert [text[s:e] for s, e in claim.quote_spans] == content


def test_a_cue_with_only_when_it_was_said_before_it_attributes_nothing() -> None:
    assert claimx.extract("On Tuesday, he said.") == []


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            'As economist Victor Matheson of the College of the Holy Cross put it, "The '
            'stadium never pays for itself."',
            "Victor Matheson",
            '"The stadium never pays for itself."',
        ),
        ("As one official put it, the plan is dead.", "one official", "the plan is dead"),
    ],
)
def test_as_x_put_it_attributes_the_main_clause(text: str, speaker: str, content: str) -> None:
    claim = only(text)
    assert (claim.speaker, claim.cue) == (speaker, "put it")
    start = text.index(content)
    assert claim.quote_spans == ((start, start + len(content)),)


def test_how_something_looks_is_the_writers_claim_and_a_words_meaning_none() -> None:
    headline = "Supreme Court appears skeptical of Trump tariffs\n\nThe justices heard arguments."
    claim = only(headline)
    assert (claim.speaker, claim.speaker_span, claim.quote) == (
        None,
        None,
        "skeptical of Trump tariffs",
    )
    # a clause the subject holds true keeps the subject as its source
    assert only("Rubio seemed hopeful that the plan would pass.").speaker == "Rubio"
    assert claimx.extract("The term refers to a group of companies that sell cloud services.") == []


def test_a_voiced_nominal_cue_is_its_voicers_and_a_received_one_has_no_source() -> None:
    text = "House members voiced concerns about what damaging information might be out there."
    claim = only(text)
    assert (claim.speaker, claim.cue) == ("House members", "concerns")
    assert spans(text, claim) == ["what damaging information might be out there"]
    faced = only("Trump has drawn criticism for his history of inflammatory statements.")
    assert (faced.speaker, faced.speaker_span, faced.cue) == (None, None, "criticism")


def test_a_participle_on_a_speaker_noun_or_a_document_is_a_claim_of_theirs() -> None:
    text = "Rubio's campaign sent out a press release saying Murphy owes Florida an explanation."
    claim = only(text)
    assert (claim.speaker, claim.cue) == ("Rubio's campaign", "saying")
    assert spans(text, claim) == ["Murphy owes Florida an explanation"]
    text = "Rep. Xavier Becerra, a California Democrat supporting Clinton, spoke on Friday."
    claim = only(text)
    assert (claim.cue, spans(text, claim)) == ("supporting", ["Clinton"])
    # a participle on a thing is no one's claim
    assert claimx.extract("Iowa saw a surge in new ads backing the deal.") == []


@pytest.mark.parametrize(
    ("text", "source", "content"),
    [
        (  # parsed as the sentence's root
            "According to the Associated Press, 571 of the 714 superdelegates supported Clinton.",
            "Associated Press",
            ["571 of the 714 superdelegates supported Clinton"],
        ),
        (  # hung on the subject noun
            "One of the decisions they have made, according to a person close to the "
            "process, is to counterattack.",
            "person",
            ["One of the decisions they have made", "is to counterattack"],
        ),
        (  # hung on the relative clause after it
            "Clinton holds a 10-point lead in California, according to the RealClearPolitics "
            "average of polls, where 475 delegates will be at stake.",
            "RealClearPolitics average",
            ["Clinton holds a 10-point lead in California"],
        ),
    ],
)
def test_according_to_sources_its_sentence_wherever_the_parse_hangs_it(
    text: str, source: str, content: list[str]
) -> None:
    [claim] = [c for c in claimx.extract(text) if (c.cue or "").lower() == "according to"]
    assert claim.speaker == source
    assert spans(text, claim) == content


def test_when_asked_is_someone_elses_question_and_the_answer_is_the_speakers() -> None:
    text = "James said when asked about reaching 40 that he felt fine."
    asked, said = claimx.extract(text)
    assert (asked.speaker, asked.speaker_span, asked.cue, asked.quote) == (
        None,
        None,
        "asked",
        "about reaching 40",
    )
    assert (said.speaker, said.cue, spans(text, said)) == ("James", "said", ["that he felt fine"])


def test_in_a_document_names_its_author_and_in_a_poll_the_poll() -> None:
    text = "In a letter released Monday, Sanders rejects the agreement to restructure the debt."
    assert only(text).speaker == "Sanders"
    assert only("In a new poll, Clinton leads Trump by four points.").speaker == "new poll"


@pytest.mark.parametrize(
    ("text", "speaker", "mention", "quote"),
    [
        (  # the parse makes "the woman" the subject of the relative clause's verb
            '"One guy said we should start killing them," said the woman, who like many in '
            "the town did not want to be named.",
            "woman",
            "woman",
            '"One guy said we should start killing them,"',
        ),
        (  # a name the tagger took for an adverb
            "“Having access to the file is valuable,” said Skelly, explaining his work.",
            "Skelly",
            "Skelly",
            "“Having access to the file is valuable,”",
        ),
        (  # an apposition between the quote and the cue
            "''He says what everyone else wants to say,'' Steve Moody, a small-business owner, "
            "said at the rally on Tuesday.",
            "Steve Moody",
            "Steve Moody",
            "''He says what everyone else wants to say,''",
        ),
    ],
)
def test_a_quote_before_its_cue_goes_to_the_speaker_after_it(
    text: str, speaker: str, mention: str, quote: str
) -> None:
    claim = only(text, "said")
    assert claim.speaker == speaker
    start = text.index(mention)
    assert claim.speaker_span is not None and claim.speaker_span[0] == start
    assert spans(text, claim) == [quote]


def test_an_according_to_phrase_is_no_part_of_another_cues_content() -> None:
    text = "Budget experts said the plan would fail, according to a memo seen by reporters."
    said = only(text, "said")
    assert spans(text, said) == ["the plan would fail"]
    assert only(text, "according to").speaker == "memo"


def test_a_headline_parsed_as_a_command_is_still_what_the_speaker_says() -> None:
    text = "Harbour bridge to close for six months, council says\n\nWork starts in March."
    claim = only(text)
    assert (claim.speaker, claim.cue) == ("council", "says")
    assert spans(text, claim) == ["Harbour bridge to close for six months"]
    assert claimx.extract("When asked, he said.") == []
