"""The quote bank (issue 33): clusters of the claims that report one statement, built as
articles go into a database, rebuilt by ``claimx quotes build``, searched by ``claimx
quotes``; and articles stored once however many feeds carry them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimx.cli import EXIT_FAILED, EXIT_USAGE, cli
from claimx.quotebank import (
    Quotation,
    normalise,
    quotations,
    related,
    same_speaker,
    speaker_shares,
)

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "seeds" / "stories.jsonl"
STORY_QUOTES = ROOT / "seeds" / "stories-quotes.jsonl"


def test_normalising_drops_case_punctuation_and_apostrophes() -> None:
    assert normalise("“We won’t back down,” she SAID.") == (
        "we",
        "wont",
        "back",
        "down",
        "she",
        "said",
    )
    assert normalise("It's  a tax -- on people") == normalise("its a tax on people")
    assert normalise("…!?") == ()


def test_a_partial_quote_and_a_near_duplicate_are_related_and_a_short_phrase_is_not() -> None:
    full = normalise("This was not a one-off. It was a business model.")
    assert related(full, normalise("It was a business model")) == "part"
    assert related(full, normalise("a business model")) == "part"  # with named speakers only
    assert related(full, normalise("business model")) is None
    near = normalise("This wasn't a one-off. It was a business model.")
    assert related(full, near) == "near"
    assert related(full, normalise("It was not a business decision at all")) is None
    # as many words, but one says the opposite: two statements, not near-duplicates
    said = normalise("We will raise taxes on the harbour this year")
    assert related(said, normalise("We will not raise taxes on the harbour this year")) is None
    assert related(said, normalise("We won't raise taxes on the harbour this year")) is None
    cannot = normalise("A unit this small cannot be staffed safely around the clock")
    assert (
        related(cannot, normalise("A unit this small can't be staffed safely around the clock"))
        == "near"
    )


def test_a_quotation_run_on_over_narration_is_told_by_its_quote_marks() -> None:
    run_on = 'we are winning," Trump said. "And soon the country'
    assert Quotation(run_on, normalise(run_on), True).run_on
    assert not Quotation("we are winning", normalise("we are winning"), True).run_on
    assert not Quotation(run_on, normalise(run_on), False).run_on  # a paraphrase's content


def test_speakers_agree_by_surname_and_an_unknown_one_agrees_with_anyone() -> None:
    assert same_speaker("Elena Ruiz", "Ruiz")
    assert same_speaker(None, "Ruiz")
    assert not same_speaker("Elena Ruiz", "Tom Lee")
    assert same_speaker("Donald F. McGahn II", "Don McGahn")  # a suffix is no surname


def test_speaker_shares_merge_a_surname_into_the_full_name() -> None:
    shares = speaker_shares(
        [("Elena Ruiz", "person"), ("Ruiz", "person"), ("Tom Lee", "person"), (None, None)]
    )
    assert shares == [("Elena Ruiz", "person", 0.5), ("Tom Lee", "person", 0.25)]


def test_a_quotation_is_the_words_inside_the_marks_of_a_partial_quote() -> None:
    text = 'Ruiz called the plan "a betrayal of every family," and left. Lee said it was fine.'
    records = [
        {"kind": "partial", "quote_spans": [[12, 50]]},
        {"kind": "indirect", "quote_spans": [[70, 82]]},
        {"kind": "indirect", "quote_spans": [[82, 82]]},
    ]
    partial, indirect, empty = quotations(text, records)
    assert partial is not None and partial.text == "a betrayal of every family"
    assert partial.direct
    assert indirect is not None and indirect.text == "it was fine."
    assert not indirect.direct
    assert empty is None


# --- the bank in a database, through the CLI and the fake extractor --------------------------

FEED = [
    {
        "id": "a1",
        "outlet": "Gazette",
        "date": "2026-03-02",
        "url": "https://gazette.example/1",
        "text": 'Elena Ruiz said "the plan is a betrayal of every family in the valley". '
        'Tom Lee said "we will build the bridge". Ann Cho said "this is fine".',
    },
    {
        "id": "b1",
        "outlet": "Courier",
        "date": "2026-03-01",
        "url": "https://courier.example/1",
        "text": 'Ruiz said "a betrayal of every family in the valley" on Monday. '
        'Tom Lee said "We will build the bridge!"',
    },
    {
        "id": "c1",
        "outlet": "Wire",
        "date": "2026-03-04",
        "url": "https://wire.example/1",
        "text": 'Ruiz said "The plan is a betrayal of each family in the valley". '
        'Bo Park said "this is fine".',
    },
    # the same page in a syndication feed, and a copy of a1 with other line breaks
    {
        "id": "a1-syndicated",
        "outlet": "Syndicate",
        "url": "https://gazette.example/1/",
        "text": "Syndicated: " + 'Tom Lee said "we will build the bridge".',
    },
    {
        "id": "a1-copy",
        "outlet": "Weekly",
        "url": "https://weekly.example/9",
        "text": 'Elena  Ruiz said\n"the plan is a betrayal of every family in the valley". '
        'Tom Lee said "we will build the bridge". Ann Cho said "this is fine".',
    },
]


def write_feed(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def bank(tmp_path: Path, fake_library: dict[str, Any]) -> Path:
    feed = write_feed(tmp_path / "feed.jsonl", FEED)
    db = tmp_path / "claims.db"
    result = invoke("extract", str(feed), "--db", str(db), "-q")
    assert result.exit_code == 0, result.output
    return db


def clusters(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT quote, kind, text, speaker, speakers, first_date, first_article, articles, "
            "outlets, claims FROM quotes ORDER BY quote"
        ).fetchall()


def members(db: Path) -> list[tuple[str, set[str]]]:
    """Each cluster's longest form and the ids of the articles whose claims are in it."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT q.quote, q.text, a.id FROM quote_claims r JOIN quotes q USING (quote) "
            "JOIN articles a ON a.article = r.article ORDER BY q.quote"
        ).fetchall()
    out: dict[int, tuple[str, set[str]]] = {}
    for quote, text, ident in rows:
        out.setdefault(quote, (text, set()))[1].add(ident)
    return list(out.values())


def test_reports_of_one_statement_are_one_cluster_and_others_are_not(bank: Path) -> None:
    assert members(bank) == [
        # the full quote, a part of it, and a near-duplicate (one word changed)
        ("the plan is a betrayal of every family in the valley", {"a1", "b1", "c1"}),
        ("we will build the bridge", {"a1", "b1"}),  # punctuation and case apart
        # the same three words from Ann Cho and from Bo Park: a phrase, two quotations
        ("this is fine", {"a1"}),
        ("this is fine", {"c1"}),
    ]
    (betrayal,) = [row for row in clusters(bank) if row[2].startswith("the plan")]
    speakers = json.loads(betrayal[4])
    assert speakers == [{"speaker": "Elena Ruiz", "share": 1.0}]  # Ruiz is Elena Ruiz
    assert betrayal[5] == "2026-03-01"  # first reported by the Courier
    assert betrayal[7:] == (3, 3, 3)


def test_copies_of_an_article_are_stored_once_and_named(tmp_path: Path, fake_library: Any) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", FEED)
    db = tmp_path / "claims.db"
    result = invoke("extract", str(feed), "--db", str(db))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        f"claimx: warning: {feed}:4 is a copy of a1 (the same url), stored once; "
        "--keep-duplicates stores it as well",
        f"claimx: warning: {feed}:5 is a copy of a1 (the same text), stored once; "
        "--keep-duplicates stores it as well",
    ]
    assert result.stderr.splitlines()[-1] == "claimx: 3 articles, 7 claims, 2 duplicates"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM articles ORDER BY article").fetchall() == [
            ("a1",),
            ("b1",),
            ("c1",),
        ]
        assert conn.execute("SELECT id, of_id, reason FROM duplicates").fetchall() == [
            ("a1-syndicated", "a1", "url"),
            ("a1-copy", "a1", "text"),
        ]
    again = invoke("extract", str(feed), "--db", str(db))  # a re-run: all done, no warning
    assert again.exit_code == 0
    assert again.stderr == "claimx: 0 articles, 0 claims, 5 already done\n"


def test_keep_duplicates_stores_every_copy(tmp_path: Path, fake_library: Any) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", FEED)
    db = tmp_path / "claims.db"
    assert invoke("extract", str(feed), "--db", str(db), "--keep-duplicates", "-q").exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (5,)
        assert conn.execute("SELECT count(*) FROM duplicates").fetchone() == (0,)
    usage = invoke("extract", str(feed), "--keep-duplicates")
    assert usage.exit_code == EXIT_USAGE
    assert "--keep-duplicates is about what --db stores; give --db" in usage.stderr


def test_the_bank_built_again_is_the_bank_built_article_by_article(bank: Path) -> None:
    before = clusters(bank)
    result = invoke("quotes", "build", str(bank))
    assert result.exit_code == 0
    assert result.stderr == "claimx: 3 articles, 7 claims in 4 quotations\n"
    assert clusters(bank) == before


def test_redoing_an_article_keeps_the_bank_in_step(bank: Path, tmp_path: Path) -> None:
    changed = [dict(FEED[1], text='Tom Lee said "we will build the bridge".')]
    feed = write_feed(tmp_path / "feed.jsonl", [FEED[0], *changed, FEED[2]])
    assert invoke("extract", str(feed), "--db", str(bank), "--force", "-q").exit_code == 0
    incremental = members(bank)
    assert ("the plan is a betrayal of every family in the valley", {"a1", "c1"}) in incremental
    assert invoke("quotes", "build", str(bank)).exit_code == 0
    assert members(bank) == incremental


def test_a_database_of_schema_1_is_brought_up_to_date(bank: Path) -> None:
    expected = members(bank)
    with sqlite3.connect(bank) as conn:  # back to what claimx wrote before the quote bank
        for name in ("quotes_ai", "quotes_ad", "quotes_au"):
            conn.execute(f"DROP TRIGGER {name}")
        for name in ("quotes_fts", "quote_grams", "quote_claims", "quotes", "duplicates"):
            conn.execute(f"DROP TABLE {name}")
        for name in ("articles_url", "articles_fingerprint", "articles_date"):
            conn.execute(f"DROP INDEX {name}")
        for column in ("url", "outlet", "date", "fingerprint"):
            conn.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 1")
    assert invoke("summary", str(bank), "-f", "json", "-q").exit_code == 0  # views read it
    old = invoke("quotes", str(bank))
    assert old.exit_code == EXIT_FAILED
    assert old.stderr == (
        f"claimx: error: {bank} has no quote bank (an older claimx wrote it); run claimx "
        f"quotes build {bank}\n"
    )
    assert invoke("quotes", "build", str(bank)).exit_code == 0
    assert members(bank) == expected
    with sqlite3.connect(bank) as conn:
        assert conn.execute("SELECT outlet, date FROM articles WHERE id = 'b1'").fetchone() == (
            "Courier",
            "2026-03-01",
        )


def search(db: Path, *args: str) -> list[dict[str, Any]]:
    result = invoke("quotes", str(db), *args, "-f", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_search_by_words_speaker_outlet_dates_and_reach(bank: Path) -> None:
    def texts(*args: str) -> list[str]:
        return [r["text"] for r in search(bank, *args)]

    betrayal = "the plan is a betrayal of every family in the valley"
    bridge = "we will build the bridge"
    assert texts("betrayal", "valley") == [betrayal]
    assert texts("BRIDGE") == [bridge]
    assert texts("nothing-like-it") == []
    assert texts('"AND', "OR*") == []  # words, never FTS operators or a syntax error
    assert texts("--speaker", "ruiz") == [betrayal]
    assert texts("--speaker", "Tom Lee") == [bridge]
    assert texts("--outlet", "wire") == [betrayal, "this is fine"]  # Bo Park's
    assert texts("--since", "2026-03-03") == [betrayal, "this is fine"]
    assert texts("--until", "2026-03-01") == [betrayal, bridge]
    assert texts("--outlet", "Wire", "--until", "2026-03-03") == []  # the Wire's report
    assert texts("--min-articles", "3") == [betrayal]
    assert texts("--sort", "date") == [betrayal, bridge, "this is fine", "this is fine"]
    assert texts("--limit", "1") == [betrayal]
    (first,) = search(bank, "betrayal")
    assert first["first_article"] == {"source": str(bank.parent / "feed.jsonl"), "id": "b1"}
    assert (first["first_outlet"], first["articles"], first["outlets"]) == ("Courier", 3, 3)


def test_one_quotation_shows_each_outlet_s_report(bank: Path) -> None:
    (found,) = search(bank, "betrayal")
    rows = search(bank, "--id", str(found["quote"]))
    assert [(r["date"], r["outlet"], r["speaker"], r["cue"], r["wording"]) for r in rows] == [
        ("2026-03-01", "Courier", "Ruiz", "said", "a betrayal of every family in the valley"),
        ("2026-03-02", "Gazette", "Elena Ruiz", "said", FEED[0]["text"][17:69]),
        (
            "2026-03-04",
            "Wire",
            "Ruiz",
            "said",
            "The plan is a betrayal of each family in the valley",
        ),
    ]
    table = invoke("quotes", str(bank), "--id", str(found["quote"]))
    assert table.exit_code == 0
    assert "2026-03-01 Courier (b1): Ruiz said (direct)" in table.stdout
    missing = invoke("quotes", str(bank), "--id", "999")
    assert missing.exit_code == EXIT_FAILED
    assert missing.stderr == (
        f"claimx: error: {bank} has no quotation 999; claimx quotes DB lists them\n"
    )


def test_search_as_csv_and_as_a_table(bank: Path) -> None:
    result = invoke("quotes", str(bank), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["speakers"] for r in rows] == [
        "Elena Ruiz 100%",
        "Tom Lee 100%",
        "Ann Cho 100%",
        "Bo Park 100%",
    ]
    from claimx.cli.quotes import _speakers

    shares = [{"speaker": "Ann Cho", "share": 2 / 3}, {"speaker": "Bo Park", "share": 1 / 3}]
    assert _speakers({"speakers": shares}) == "Ann Cho 67%; Bo Park 33%"
    table = invoke("quotes", "search", str(bank), "bridge")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["#", "quotation", "speaker", "first", "reach"]
    assert lines[1].split() == [
        *("2", "we", "will", "build", "the", "bridge", "Tom", "Lee", "2026-03-01", "2"),
        "articles",
    ]
    assert lines[2].split() == ["Courier", "2", "outlets"]


def test_quotes_of_a_file_that_is_no_claims_database_fail_in_one_line(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = invoke("quotes", str(other))
    assert result.exit_code == EXIT_FAILED
    assert result.stderr == (
        f"claimx: error: {other} is not a database of claimx extract --db (no claims table); "
        "give one\n"
    )
    build = invoke("quotes", "build", str(other))
    assert build.exit_code == EXIT_FAILED
    assert "is a database of something else" in build.stderr


# --- the real pipeline on the shipped example corpus -------------------------------------------


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stories") / "stories.db"
    result = CliRunner().invoke(cli, ["extract", str(STORIES), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return db


def test_every_shared_quotation_of_the_example_corpus_is_one_cluster(stories: Path) -> None:
    """seeds/stories-quotes.jsonl: each quotation that several outlets carry, with the words
    each article quotes (in full, in part, or a near-duplicate)."""
    with sqlite3.connect(stories) as conn:
        ids = dict(conn.execute("SELECT id, article FROM articles"))
        owner: dict[int, str] = {}
        for line in STORY_QUOTES.read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            found = set()
            for report in gold["reports"]:
                if report["form"] == "indirect":
                    continue
                words = normalise(report["words"])
                rows = conn.execute(
                    "SELECT quote, norm FROM quote_claims WHERE article = ?",
                    (ids[report["article"]],),
                ).fetchall()
                hits = {
                    q
                    for q, norm in rows
                    if related(norm.split(), words) == "part" or norm.split() == list(words)
                }
                assert len(hits) == 1, (gold["quotation"], report)
                found |= hits
            assert len(found) == 1, gold["quotation"]  # every report in one cluster
            (quote,) = found
            assert owner.setdefault(quote, gold["quotation"]) == gold["quotation"]  # alone


def test_the_example_corpus_stores_its_two_copies_once(stories: Path) -> None:
    with sqlite3.connect(stories) as conn:
        assert conn.execute("SELECT id, of_id, reason FROM duplicates").fetchall() == [
            ("coastline-syndication-06", "northern-wire-06", "url"),
            ("eastmoor-weekly-02", "harbour-gazette-02", "text"),
        ]


def test_the_first_report_is_the_earliest_by_time_not_by_input_order(
    tmp_path: Path, fake_library: Any
) -> None:
    said = 'Tom Lee said "we will build the bridge by the spring".'
    feed = write_feed(
        tmp_path / "feed.jsonl",
        [
            {"id": "late", "outlet": "Gazette", "date": "2026-03-02T19:40:00+01:00", "text": said},
            {"id": "early", "outlet": "Wire", "date": "2026-03-02T18:05:00Z", "text": said + " "},
        ],
    )
    db = tmp_path / "claims.db"
    assert invoke("extract", str(feed), "--db", str(db), "--keep-duplicates", "-q").exit_code == 0
    (found,) = search(db)
    assert (found["first_date"], found["first_outlet"]) == ("2026-03-02T18:05:00Z", "Wire")
    reports = search(db, "--id", str(found["quote"]))
    assert [r["date"] for r in reports] == ["2026-03-02T18:05:00Z", "2026-03-02T18:40:00Z"]
    assert search(db, "--until", "2026-03-02", "--outlet", "gazette") == [found]


def test_tables_show_an_article_s_escape_sequences_rather_than_obey_them(
    tmp_path: Path, fake_library: Any
) -> None:
    hostile = 'Tom Lee said "\x1b[2J\x1b]0;pwned\x07 it is late".'
    feed = write_feed(tmp_path / "feed.jsonl", [{"id": "x", "outlet": "Wire", "text": hostile}])
    db = tmp_path / "claims.db"
    table = invoke("extract", str(feed), "-f", "table")
    assert table.exit_code == 0
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout
    assert "␛" in table.stdout  # shown (a narrow column may cut the rest)
    assert invoke("extract", str(feed), "--db", str(db), "-q").exit_code == 0
    for args in ([], ["--id", "1"]):
        shown = invoke("quotes", str(db), *args)
        assert shown.exit_code == 0
        assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
        assert "␛[2J" in shown.stdout
