"""``claimx network``'s library: claims read back from JSON Lines and from a database
(claimx.claimsource), the speaker → target graph built from them (claimx.network) and
every format it is written in, read back.

Claims are built by hand; ``CORPUS`` is shared with tests/test_summary.py.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import make_claim

from claimx.claimsource import ClaimFilter, claims_kind, iter_claims, speakers
from claimx.db import ClaimsDatabase, DatabaseError
from claimx.errors import InputError
from claimx.facts import article_date, article_month, article_outlet, is_iso_date
from claimx.network import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    Edge,
    Network,
    Node,
    build_network,
    csv_paths,
    print_network,
    write_network,
)
from claimx.types import Article, Claim, Target

Record = dict[str, Any]


def claim(
    speaker: str | None,
    targets: list[tuple[str, str, float]],
    *,
    speaker_type: str = "person",
    kind: str = "indirect",
    stance: str | None = None,
) -> Claim:
    """A claim with its ``targets`` (name, stance, score); the main target is the first,
    and without one the claim's stance is ``stance``."""
    items = tuple(Target(name, (0, 1), s, score) for name, s, score in targets)  # type: ignore[arg-type]
    main = items[0] if items else None
    return make_claim(
        speaker=speaker,
        speaker_type=speaker_type,
        kind=kind,
        target=main and main.target,
        target_span=main and main.target_span,
        stance=main.stance if main else (stance or "neutral"),
        stance_score=main.stance_score if main else 0.0,
        targets=items,
    )


#: Three articles: two of a feed, with outlet and date, and a text file with neither.
CORPUS: list[tuple[Article, list[Claim]]] = [
    (
        Article("feed.jsonl", "a1", "A1.", {"outlet": "The Daily", "date": "2016-02-10"}),
        [
            claim(
                "Jane Smith",
                [("Bill", "oppose", -0.6), ("Budget", "support", 0.4)],
                kind="direct",
            ),
            claim("Jane Smith", [("Bill", "oppose", -0.8)], kind="partial"),
            claim(None, [("Bill", "neutral", 0.0)], speaker_type="unknown"),
        ],
    ),
    (
        Article("feed.jsonl", "a2", "A2.", {"outlet": "Wire", "date": "2016-03-01T09:00:00Z"}),
        [
            claim("Jane Smith; Tom Lee", [("Budget", "support", 0.5)], kind="direct"),
            claim("City Council", [("Jane Smith", "neutral", 0.1)], speaker_type="organization"),
            claim("Tom Lee", [], stance="support"),
        ],
    ),
    (Article("notes.txt", "notes.txt", "N."), [claim("Bill", [("Tom Lee", "oppose", -0.3)])]),
]


def records(corpus: list[tuple[Article, list[Claim]]] = CORPUS) -> list[Record]:
    """The corpus's claim records, as ``claimx extract -f jsonl`` prints them."""
    return [
        Claim.to_dict(c, article) | {"source": article.source}
        for article, claims in corpus
        for c in claims
    ]


def write_jsonl(path: Path, rows: list[Record]) -> Path:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def write_db(path: Path, corpus: list[tuple[Article, list[Claim]]] = CORPUS) -> Path:
    """A claims database as ``claimx extract --db`` writes it (claimx.db's writer)."""
    with ClaimsDatabase(path) as database:
        for article, claims in corpus:
            database.add(article, [c.to_dict(article) | {"source": article.source} for c in claims])
    return path


EDGES = [
    Edge("Jane Smith", "Bill", 2, 0, 2, 0, -1.0, -0.7),
    Edge("Jane Smith", "Budget", 2, 2, 0, 0, 1.0, 0.45),
    Edge("Bill", "Tom Lee", 1, 0, 1, 0, -1.0, -0.3),
    Edge("City Council", "Jane Smith", 1, 0, 0, 1, 0.0, 0.1),
    Edge("Tom Lee", "Budget", 1, 1, 0, 0, 1.0, 0.5),
]
NODES = [
    Node("Jane Smith", "person", 3, 1),
    Node("Tom Lee", "person", 2, 1),
    Node("Bill", "person", 1, 3),
    Node("City Council", "organization", 1, 0),
    Node("Budget", "target", 0, 2),
]


# Reading claims


def test_a_database_gives_back_the_records_jsonl_prints(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "claims.jsonl", records())
    zipped = write_jsonl(tmp_path / "claims.jsonl.gz", records())
    db = write_db(tmp_path / "claims.db")
    assert list(iter_claims(jsonl)) == records()
    assert list(iter_claims(zipped)) == records()
    assert list(iter_claims(db)) == records()
    # the article mapping is there for records and absent for a text file, as in -f jsonl
    assert [r.get("article") for r in iter_claims(db)][2::2] == [
        {"id": "a1", "outlet": "The Daily", "date": "2016-02-10"},
        {"id": "a2", "outlet": "Wire", "date": "2016-03-01T09:00:00Z"},
        None,
    ]
    assert (claims_kind(db), claims_kind(jsonl), claims_kind(zipped)) == ("db", "jsonl", "jsonl")


def test_articles_are_not_claims(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "1", "text": "Jane said so."}])
    text = tmp_path / "a.txt"
    text.write_text("Jane Smith said it.\n")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert [claims_kind(p) for p in (feed, text, empty, tmp_path / "missing")] == [None] * 4


def test_a_line_that_is_no_claim_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    rows = records()
    path = tmp_path / "claims.jsonl"
    lines = [json.dumps(rows[0]), "{not json", "", json.dumps({"text": "x"}), json.dumps(rows[1])]
    path.write_text("\n".join(lines) + "\n")
    problems: list[tuple[str, bool]] = []
    read = list(iter_claims(path, on_problem=lambda e, s: problems.append((str(e), s))))
    assert read == rows[:2]
    assert [p.split(" ", 1)[0] for p, _ in problems] == [f"{path}:2", f"{path}:4"]
    assert "is not a claim record" in problems[1][0]
    with pytest.raises(InputError, match=r":2 is not valid JSON"):
        list(iter_claims(path))


def test_a_database_that_is_not_claimx_s_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    with pytest.raises(DatabaseError, match="no claims table"):
        list(iter_claims(other))
    old = write_db(tmp_path / "old.db")
    with sqlite3.connect(old) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(DatabaseError, match="schema 99"):
        list(iter_claims(old))


def test_article_metadata_under_its_many_names() -> None:
    def of(**article: Any) -> Record:
        return {"source": "f", "article": {"id": "1", **article}}

    assert article_date(of(published_at="2016-03-01T10:00:00+01:00")) == "2016-03-01"
    assert article_date(of(date="2016-03")) == "2016-03"
    assert article_date(of(date="March 1, 2016")) is None  # not ISO: no date
    assert article_date({"source": "a.txt"}) is None
    assert article_month(of(date="2016")) is None
    assert article_month(of(date="2016-03-01")) == "2016-03"
    assert article_outlet(of(sitename="The Daily", url="https://x.org/a")) == "The Daily"
    assert article_outlet(of(source_domain="wire.com")) == "wire.com"
    assert article_outlet(of(url="https://www.example.com/a?b=1")) == "example.com"
    assert article_outlet(of(title="no outlet")) is None
    assert [is_iso_date(d) for d in ("2016", "2016-03", "2016-03-05", "March", "2016-3")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_speakers_sharing_a_cue_are_each_a_speaker() -> None:
    assert speakers({"speaker": "Jane Smith; Tom Lee"}) == ["Jane Smith", "Tom Lee"]
    assert speakers({"speaker": None}) == []


# The network


def test_edges_count_stances_per_speaker_and_target() -> None:
    network = build_network(records())
    assert network.edges == EDGES
    assert network.nodes == NODES
    # net stance: (support - oppose) / claims; the claim with no speaker gives no edge
    assert {(e.source, e.target): e.net_stance for e in network.edges}[("Jane Smith", "Bill")] == -1


def test_min_claims_keeps_the_edges_and_their_nodes() -> None:
    network = build_network(records(), min_claims=2)
    assert network.edges == EDGES[:2]
    assert [n.id for n in network.nodes] == ["Jane Smith", "Bill", "Budget"]


def test_filters_by_speaker_type_date_and_outlet() -> None:
    def edges(**where: Any) -> list[tuple[str, str]]:
        network = build_network(records(), where=ClaimFilter(**where))
        return [(e.source, e.target) for e in network.edges]

    organizations = build_network(records(), where=ClaimFilter(speaker_types={"organization"}))
    assert organizations.edges == [EDGES[3]]
    # Jane Smith speaks no claim that passes, yet is a person: types come from all claims
    assert organizations.nodes == [
        Node("City Council", "organization", 1, 0),
        Node("Jane Smith", "person", 0, 1),
    ]
    march = [("City Council", "Jane Smith"), ("Jane Smith", "Budget"), ("Tom Lee", "Budget")]
    assert edges(since="2016-03") == march
    assert edges(since="2016-03-01", until="2016-03-31") == march
    assert edges(until="2016-02") == [("Jane Smith", "Bill"), ("Jane Smith", "Budget")]
    assert edges(outlets={"the daily"}) == [("Jane Smith", "Bill"), ("Jane Smith", "Budget")]
    assert edges(outlets={"Nobody"}) == []
    with pytest.raises(ValueError, match="since must be an ISO date"):
        ClaimFilter(since="March")


def test_an_empty_corpus_is_an_empty_network(tmp_path: Path) -> None:
    network = build_network([])
    assert network == Network([], [])
    out = io.StringIO()
    print_network(network, "json", out)
    assert json.loads(out.getvalue()) == {"nodes": [], "edges": []}
    (edges, nodes) = write_network(network, "csv", tmp_path / "empty-")
    assert edges.read_bytes() == ",".join(EDGE_COLUMNS).encode() + b"\r\n"
    assert nodes.read_bytes() == ",".join(NODE_COLUMNS).encode() + b"\r\n"
    graph = tmp_path / "empty.graphml"
    write_network(network, "graphml", graph)
    assert nx.read_graphml(graph).number_of_nodes() == 0


def test_a_database_and_jsonl_give_the_same_network(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "claims.jsonl", records())
    db = write_db(tmp_path / "claims.db")
    where = ClaimFilter(since="2016")
    assert build_network(iter_claims(db), where=where) == build_network(
        iter_claims(jsonl), where=where
    )
    assert build_network(iter_claims(db)).edges == EDGES


# Writing it


def test_json_reads_back() -> None:
    out = io.StringIO()
    print_network(build_network(records()), "json", out)
    data = json.loads(out.getvalue())
    assert data == {
        "nodes": [n.to_dict() for n in NODES],
        "edges": [e.to_dict() for e in EDGES],
    }
    assert list(data["edges"][0]) == list(EDGE_COLUMNS)
    assert list(data["nodes"][0]) == list(NODE_COLUMNS)


def test_csv_edge_and_node_lists_read_back(tmp_path: Path) -> None:
    network = build_network(records())
    edges, nodes = write_network(network, "csv", tmp_path / "out")
    assert (edges, nodes) == (tmp_path / "outedges.csv", tmp_path / "outnodes.csv")
    with edges.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [tuple(r.values()) for r in rows] == [
        tuple(str(v) for v in e.to_dict().values()) for e in EDGES
    ]
    with nodes.open(newline="") as f:
        assert [r["id"] for r in csv.DictReader(f)] == [n.id for n in NODES]
    # stdout gets the edge list alone
    out = io.StringIO()
    print_network(network, "csv", out)
    assert out.getvalue() == edges.read_bytes().decode()


def test_csv_goes_into_a_folder_or_after_a_prefix(tmp_path: Path) -> None:
    folder = tmp_path / "graph"
    folder.mkdir()
    assert csv_paths(folder) == (folder / "edges.csv", folder / "nodes.csv")
    assert csv_paths(f"{tmp_path}/new/") == (tmp_path / "new/edges.csv", tmp_path / "new/nodes.csv")
    assert csv_paths(tmp_path / "polnear-") == (
        tmp_path / "polnear-edges.csv",
        tmp_path / "polnear-nodes.csv",
    )
    write_network(build_network(records()), "csv", f"{tmp_path}/new/")
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["edges.csv", "nodes.csv"]


def test_a_name_a_spreadsheet_would_run_is_quoted_in_csv() -> None:
    network = build_network(
        [r | {"speaker": "=HYPERLINK()"} for r in records()], where=ClaimFilter()
    )
    out = io.StringIO()
    print_network(network, "csv", out)
    assert "\r\n'=HYPERLINK(),Bill," in out.getvalue()


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gexf_and_graphml_read_back_with_networkx(tmp_path: Path, fmt: str) -> None:
    network = build_network(records())
    path = tmp_path / f"graph.{fmt}"
    assert write_network(network, fmt, path) == [path]
    built = network.to_networkx()
    assert_same_graph(read_graph(path.read_bytes(), fmt), built)
    assert built.nodes["Budget"] == {
        "label": "Budget",
        "type": "target",
        "claims": 0,
        "targeted": 2,
    }
    assert built.edges["Jane Smith", "Bill"]["weight"] == 2
    # and the same graph on a stream, a real one (bytes) or a StringIO (text)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    print_network(network, fmt, out)
    out.flush()
    assert_same_graph(read_graph(out.buffer.getvalue(), fmt), built)  # type: ignore[attr-defined]
    text = io.StringIO()
    print_network(network, fmt, text)
    assert_same_graph(read_graph(text.getvalue().encode(), fmt), built)


def read_graph(data: bytes, fmt: str) -> nx.DiGraph:
    return nx.read_gexf(io.BytesIO(data)) if fmt == "gexf" else nx.read_graphml(io.BytesIO(data))


def assert_same_graph(read: nx.DiGraph, built: nx.DiGraph) -> None:
    """The same nodes and edges with the same attributes (GEXF numbers its edges: ``id``)."""
    assert read.is_directed()
    assert dict(read.nodes(data=True)) == dict(built.nodes(data=True))
    edges = {(u, v): {k: x for k, x in d.items() if k != "id"} for u, v, d in read.edges(data=True)}
    assert edges == {(u, v): d for u, v, d in built.edges(data=True)}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_names_xml_cannot_hold_are_written_as_visible_escapes(tmp_path: Path, fmt: str) -> None:
    rows = [r | {"speaker": "father\x1b"} for r in records()[:1]]
    path = tmp_path / f"graph.{fmt}"
    write_network(build_network(rows), fmt, path)
    assert set(read_graph(path.read_bytes(), fmt)) == {"father\\u001b", "Bill", "Budget"}


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text("old")
    with pytest.raises(ValueError, match="fmt must be one of"):
        write_network(build_network(records()), "dot", path)
    assert path.read_text() == "old"
    broken = Network([Node("x", "person", 1, 0)], [Edge("x", "y", 1, 1, 0, 0, 1.0, object())])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        write_network(broken, "json", path)
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]
    assert path.read_text() == "old"
