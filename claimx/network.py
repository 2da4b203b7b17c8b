"""The speaker → target network of a corpus (``claimx network``): who takes a position
toward whom or what, how often, and for or against.

An edge joins a speaker to a target for every item of a claim's ``targets`` list, with the
counts of its ``support``, ``oppose`` and ``neutral`` stances, their total (``claims``),
the **net stance** ``(support - oppose) / claims`` (from -1, all against, to 1, all for;
0 for as many of each, or all neutral) and the mean ``stance_score``. Several speakers who
share a cue (``Smith; Jones``) each get the edge; a claim with no named speaker gives none.

A node is a speaker or a target under its canonical name (:mod:`claimx.entities`: "Trump",
"Donald J. Trump" and "Trump's" are one node "Donald Trump", "GOP" is "Republican Party"),
with its ``type`` (the speaker type its claims, under any of its names, most often give it,
over all claims; ``target`` for a name that never speaks), the ``claims`` it speaks and the
times it is ``targeted`` (by any claim, one with no named speaker included), both counted
over the claims the filter lets through. The nodes are those of the edges kept; a claim by
"Trump" about "Donald Trump" is no edge.

Built in one pass over claim records (:mod:`claimx.claimsource`), holding only the counts
by name; the names are merged at the end.
Written as CSV edge and node lists (``source``, ``target`` and ``id``: what Gephi's
spreadsheet import and most graph tools read), JSON, and GEXF or GraphML through networkx
(with what XML cannot hold in a name escaped, each name still its own: :func:`xml_text`).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from .atomic import replacing
from .claimsource import speakers
from .columns import text_cell
from .entities import Identities
from .types import STANCES
from .writers import NETWORK_FORMATS

if TYPE_CHECKING:
    import networkx as nx

#: The formats a network is written in.
FORMATS = NETWORK_FORMATS
#: The node type of a target that never speaks.
TARGET_TYPE = "target"
# Which type a speaker given several gets when they are as frequent: the first here.
_TYPE_ORDER = ("person", "organization", "group", "place", "unknown")
#: The columns of the CSV edge list, and the keys of each edge in JSON.
EDGE_COLUMNS = (
    "source",
    "target",
    "claims",
    "support",
    "oppose",
    "neutral",
    "net_stance",
    "mean_score",
)
#: The columns of the CSV node list, and the keys of each node in JSON.
NODE_COLUMNS = ("id", "type", "claims", "targeted")


@dataclass(frozen=True)
class Edge:
    """A speaker's claims toward one target: see the module's docstring."""

    source: str
    target: str
    claims: int
    support: int
    oppose: int
    neutral: int
    net_stance: float
    mean_score: float

    def to_dict(self) -> dict[str, Any]:
        """The edge's ``EDGE_COLUMNS``."""
        return asdict(self)


@dataclass(frozen=True)
class Node:
    """A speaker or target: its name (``id``), type, claims spoken and times targeted."""

    id: str
    type: str
    claims: int
    targeted: int

    def to_dict(self) -> dict[str, Any]:
        """The node's ``NODE_COLUMNS``."""
        return asdict(self)


@dataclass(frozen=True)
class Network:
    """Nodes (most claims spoken, then most targeted, first) and edges (most claims first)."""

    nodes: list[Node]
    edges: list[Edge]

    def to_dict(self) -> dict[str, Any]:
        """``{"nodes": [...], "edges": [...]}``."""
        return {
            "nodes": [node.to_dict() for node in self.nodes],
            "edges": [edge.to_dict() for edge in self.edges],
        }

    def to_networkx(self) -> nx.DiGraph:
        """A networkx ``DiGraph``: nodes keyed by name with ``label`` (the name) and the
        node's fields, edges with the edge's fields and ``weight`` (= ``claims``, which
        Gephi sizes edges by). Every value is a str, int or float, as GEXF and GraphML
        need, and names (and types) are :func:`xml_text`."""
        import networkx as nx

        graph = nx.DiGraph()
        for node in self.nodes:
            name = xml_text(node.id)
            graph.add_node(
                name,
                label=name,
                type=xml_text(node.type),
                claims=node.claims,
                targeted=node.targeted,
            )
        for edge in self.edges:
            attributes = {k: v for k, v in edge.to_dict().items() if k not in ("source", "target")}
            source, target = xml_text(edge.source), xml_text(edge.target)
            graph.add_edge(source, target, weight=edge.claims, **attributes)
        return graph


# What XML 1.0 cannot hold, even escaped: C0 controls but tab and line ends, lone
# surrogates, U+FFFE and U+FFFF. Names taken from text have them at times (an ESC).
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
# One of those, or a backslash that the escapes would make ambiguous: before another
# backslash, before what reads as an escape, or before one of those characters.
_ESCAPED = re.compile(f"[{_NOT_XML}]|\\\\(?=\\\\|u[0-9a-f]{{4}}|[{_NOT_XML}])")
_ESCAPE = re.compile(r"\\(?:\\|u([0-9a-f]{4}))")


def xml_text(name: str) -> str:
    """``name`` as GEXF and GraphML can hold it, two names never one: a character XML
    cannot hold becomes its code as text (an ESC is ``\\u001b``), and a backslash before a
    backslash, before such a character or before text that reads as one (``\\u00e9``) is
    doubled. Names without either are kept as they are. :func:`xml_text_back` gives the
    name back."""
    return _ESCAPED.sub(_escape, name)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    return "\\\\" if char == "\\" else f"\\u{ord(char):04x}"


def xml_text_back(text: str) -> str:
    """The name that :func:`xml_text` wrote as ``text`` (a node's id or label)."""
    return _ESCAPE.sub(lambda m: "\\" if m[1] is None else chr(int(m[1], 16)), text)


@dataclass
class _Counts:
    """The running counts of one edge."""

    stances: Counter[str] = field(default_factory=Counter)
    score: float = 0.0


def build_network(
    records: Iterable[Mapping[str, Any]],
    *,
    min_claims: int = 1,
    where: Callable[[Mapping[str, Any]], bool] | None = None,
    identities: Identities | None = None,
) -> Network:
    """The network of ``records`` (claim records, as :meth:`Claim.to_dict` makes them).

    min_claims: keep the edges with at least this many claims (and the nodes they join).
    where: counts only the records it passes (a :class:`~claimx.claimsource.ClaimFilter`).
    identities: who is who (:class:`~claimx.entities.Identities`: the packaged aliases by
        default); every name is counted under its key.
    """
    raw: dict[tuple[str, str], _Counts] = {}
    spoken_raw: Counter[str] = Counter()
    targeted_raw: Counter[str] = Counter()
    who = Identities() if identities is None else identities
    for record in records:
        names = speakers(record)
        for name in names:  # a name's type, from all its claims: the filter's aside
            who.add(name, record.get("speaker_type") or "unknown")
        if where is not None and not where(record):
            continue
        spoken_raw.update(names)
        for item in record.get("targets") or ():
            target = item["target"]
            targeted_raw[target] += 1
            for name in names:
                counts = raw.setdefault((name, target), _Counts())
                counts.stances[item["stance"]] += 1
                counts.score += float(item["stance_score"])
    for name, n in targeted_raw.items():
        who.add(name, None, n)
    # one node a person, organisation or country (claimx.entities), its types merged too
    edges: dict[tuple[str, str], _Counts] = {}
    for (source, target), counts in raw.items():
        pair = who.key(source), who.key(target)
        if pair[0] != pair[1]:  # "Trump" on "Donald Trump" is no edge
            merged = edges.setdefault(pair, _Counts())
            merged.stances.update(counts.stances)
            merged.score += counts.score
    spoken: Counter[str] = Counter()
    targeted: Counter[str] = Counter()
    for name, n in spoken_raw.items():
        spoken[who.key(name)] += n
    for name, n in targeted_raw.items():
        targeted[who.key(name)] += n
    types = who.spoken_types()
    kept = [
        _edge(source, target, counts)
        for (source, target), counts in edges.items()
        if counts.stances.total() >= min_claims
    ]
    kept.sort(key=lambda e: (-e.claims, e.source, e.target))
    ends = {e.source for e in kept} | {e.target for e in kept}
    nodes = [Node(n, _node_type(types.get(n)), spoken[n], targeted[n]) for n in ends]
    nodes.sort(key=lambda n: (-n.claims, -n.targeted, n.id))
    return Network(nodes, kept)


def _edge(source: str, target: str, counts: _Counts) -> Edge:
    support, oppose, neutral = (counts.stances[s] for s in STANCES)
    total = support + oppose + neutral
    return Edge(
        source,
        target,
        total,
        support,
        oppose,
        neutral,
        net_stance=round((support - oppose) / total, 3),
        mean_score=round(counts.score / total, 3),
    )


def _node_type(types: Counter[str] | None) -> str:
    """A speaker's most frequent type; ``target`` for a name that never speaks."""
    if not types:
        return TARGET_TYPE
    return min(types, key=lambda t: (-types[t], _rank(t)))


def _rank(speaker_type: str) -> int:
    return _TYPE_ORDER.index(speaker_type) if speaker_type in _TYPE_ORDER else len(_TYPE_ORDER)


# Writers


def write_json(network: Network, out: TextIO) -> None:
    """``{"nodes": [...], "edges": [...]}``, one node or edge a line."""

    def items(rows: list[dict[str, Any]]) -> str:
        lines = ",\n  ".join(json.dumps(row, ensure_ascii=False) for row in rows)
        return f"[\n  {lines}\n ]" if rows else "[]"

    data = network.to_dict()
    out.write(f'{{"nodes": {items(data["nodes"])},\n "edges": {items(data["edges"])}}}\n')


def write_edges_csv(network: Network, out: TextIO) -> None:
    """The edge list: a header of ``EDGE_COLUMNS``, one edge a row."""
    _write_csv(out, EDGE_COLUMNS, (edge.to_dict() for edge in network.edges))


def write_nodes_csv(network: Network, out: TextIO) -> None:
    """The node list: a header of ``NODE_COLUMNS``, one node a row."""
    _write_csv(out, NODE_COLUMNS, (node.to_dict() for node in network.nodes))


def _write_csv(out: TextIO, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        # names as extract's CSV writes them: one a spreadsheet would run as a formula
        # gets a ' in front
        writer.writerow([text_cell(v) if isinstance(v, str) else v for v in row.values()])


def write_gexf(network: Network, out: IO[bytes]) -> None:
    """GEXF 1.2 (Gephi's own format), through networkx."""
    import networkx as nx

    nx.write_gexf(network.to_networkx(), out)


def write_graphml(network: Network, out: IO[bytes]) -> None:
    """GraphML, through networkx."""
    import networkx as nx

    nx.write_graphml(network.to_networkx(), out)


def csv_paths(output: str | Path) -> tuple[Path, Path]:
    """Where ``-f csv -o OUTPUT`` writes the edge and the node list: ``edges.csv`` and
    ``nodes.csv`` in OUTPUT if it is a folder (or ends with a ``/``); beside a file name
    OUTPUT that ends in ``.csv`` (``net.csv`` gives ``net-edges.csv``); else OUTPUT as a
    prefix of both names (``polnear-`` gives ``polnear-edges.csv``)."""
    text = os.fspath(output)
    if os.path.isdir(text) or text.endswith(os.sep) or text.endswith("/"):
        return Path(text, "edges.csv"), Path(text, "nodes.csv")
    if text.lower().endswith(".csv"):
        text = text[: -len(".csv")] + "-"
    return Path(text + "edges.csv"), Path(text + "nodes.csv")


def write_network(network: Network, fmt: str, output: str | Path) -> list[Path]:
    """Write ``network`` in ``fmt`` (one of ``FORMATS``) to files: ``output`` itself, or
    for CSV the two of :func:`csv_paths`. Each file is written whole or not at all (a
    temporary file, then a rename). Returns the paths written."""
    if fmt == "csv":
        edges, nodes = csv_paths(output)
        if edges.parent != Path():
            edges.parent.mkdir(parents=True, exist_ok=True)
        with replacing(edges, binary=False) as out:
            write_edges_csv(network, out)
        with replacing(nodes, binary=False) as out:
            write_nodes_csv(network, out)
        return [edges, nodes]
    path = Path(output)
    if fmt == "json":
        with replacing(path, binary=False) as out:
            write_json(network, out)
    elif fmt in ("gexf", "graphml"):
        with replacing(path, binary=True) as out:
            (write_gexf if fmt == "gexf" else write_graphml)(network, out)
    else:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return [path]


def print_network(network: Network, fmt: str, out: TextIO) -> None:
    """Write ``network`` in ``fmt`` to a text stream (stdout): CSV gives the edge list
    alone (the node list needs a file, see :func:`write_network`)."""
    if fmt == "json":
        write_json(network, out)
    elif fmt == "csv":
        write_edges_csv(network, out)
    elif fmt in ("gexf", "graphml"):
        buffer = getattr(out, "buffer", None)
        if buffer is not None:  # a real stream: its bytes, flushed in order with its text
            out.flush()
            (write_gexf if fmt == "gexf" else write_graphml)(network, buffer)
            buffer.flush()
        else:
            import io

            data = io.BytesIO()
            (write_gexf if fmt == "gexf" else write_graphml)(network, data)
            out.write(data.getvalue().decode("utf-8"))
    else:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
