"""Small reviewed word lists shipped in ``claimx/data`` (roles, polarity)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


def read_table(name: str) -> list[list[str]]:
    """Rows of a packaged TSV file, without comments and header."""
    text = resources.files("claimx").joinpath(f"data/{name}").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return list(csv.reader(lines[1:], delimiter="\t"))


@cache
def role_types() -> dict[str, str]:
    """Head noun -> speaker type (``spokesperson`` -> ``person``)."""
    return {noun: kind for noun, kind in read_table("roles.tsv")}


@cache
def polarity() -> dict[str, float]:
    """Lemma -> polarity in [-1, 1]."""
    return {lemma: float(value) for lemma, value in read_table("polarity.tsv")}


@cache
def first_names() -> dict[str, str]:
    """First name -> "male" / "female", a hint for resolving he and she."""
    return {name: gender for name, gender in read_table("first_names.tsv")}
