"""Property test: hostile records never lose a good one (issue 32).

Hypothesis builds JSON Lines and CSV feeds whose records have hostile ids and metadata (lone
surrogates, NaN and infinities, control characters, quotes, formula starts) and cuts a
small feed at any byte. For every feed, through ``claimx extract -f jsonl``:
- every good record is written exactly once;
- every bad or cut record is named in one line on stderr, and the exit code is 1 if and only
  if there is one.
The library is swapped for the tiny regex extractor (``fake_library``): this tests the
readers and the shell, not the linguistics.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimx.cli import cli

TEXT = 'Tom Lee said "it was fine today".'
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(["\udc00", "\ud800", "\x00", "\x1b", '"', "=", "@", "\n", "\r", "-"]),
    ),
    max_size=12,
)
hostile_value = st.one_of(
    hostile_text,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.none(),
    st.booleans(),
)


def has_surrogate(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def extract(path: Path) -> tuple[int, list[dict[str, Any]], list[str]]:
    result = CliRunner().invoke(cli, ["extract", str(path), "-f", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, records, result.stderr.splitlines()


@SETTINGS
@given(
    st.lists(
        st.tuples(hostile_text, st.dictionaries(st.sampled_from("abc"), hostile_value)),
        min_size=1,
        max_size=6,
    )
)
def test_every_good_json_lines_record_is_written_once_and_every_bad_one_named(
    fake_library: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, rows: list[Any]
) -> None:
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    lines = []
    for n, (ident, fields) in enumerate(rows):
        record = {"id": f"{n}-{ident}", **fields, "text": TEXT}
        lines.append(json.dumps(record))  # NaN as NaN, a lone surrogate as \\udc00
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = extract(path)
    bad = {n + 1 for n, (ident, _) in enumerate(rows) if has_surrogate(ident)}
    good = [n for n in range(len(rows)) if n + 1 not in bad]
    written = [int(r["article"]["id"].split("-", 1)[0]) for r in out]
    assert sorted(written) == good  # each good record once, in order
    errors = [e for e in err if e.startswith("claimx: error:")]
    assert len(errors) == len(bad)
    assert all(any(f"feed.jsonl:{n} " in e for e in errors) for n in bad)
    assert code == (1 if bad else 0)
    for r in out:  # what was mended is strict JSON
        for value in r["article"].values():
            assert not (isinstance(value, float) and not math.isfinite(value))


@SETTINGS
@given(st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=5), st.data())
def test_a_csv_feed_cut_anywhere_keeps_each_whole_row_once_and_names_the_cut(
    fake_library: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str]],
    data: st.DataObject,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "title", "text"])
    clean = [(f"{n}-{i}", t) for n, (i, t) in enumerate(rows)]
    clean = [(i, t) for i, t in clean if not has_surrogate(i + t) and "\x00" not in i + t]
    for ident, title in clean:
        writer.writerow([ident, title, TEXT])
    whole = buffer.getvalue().encode("utf-8")
    cut = data.draw(st.integers(min_value=len(whole) // 2, max_value=len(whole)))
    path = tmp_path_factory.mktemp("feed") / "feed.csv"
    path.write_bytes(whole[:cut])
    code, out, err = extract(path)
    written = [r["article"]["id"] for r in out]
    assert len(written) == len(set(written))  # none twice
    expected = [i for i, _ in clean]
    assert written == expected[: len(written)]  # the rows before the cut, in order
    if cut == len(whole):
        assert written == expected and code == 0
    errors = [e for e in err if e.startswith("claimx: error:")]
    assert len(errors) <= 1
    assert code == (1 if errors else 0)
