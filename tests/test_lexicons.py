"""The word lists: one table reader, and a Lexicons object that round-trips every list."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from claimx.datafiles import packaged_text, read_table
from claimx.lexicons import WORD_KINDS, Lexicons


def test_every_list_is_loaded() -> None:
    lexicons = Lexicons.default()
    for field in fields(Lexicons):
        assert getattr(lexicons, field.name), field.name
    assert Lexicons.default() is lexicons  # read once per process
    assert ("accuse", "of") in lexicons.prep_content
    assert lexicons.honorifics["Ms."] == "female"


def _changed() -> Lexicons:
    """Every list differs from the packaged one."""
    d = Lexicons.default()
    texts = d.to_texts()
    texts["cues.tsv"] += "whisper\tspeech\t0.0\tVERB\n"
    texts["polarity.tsv"] += "zesty\t0.5\n"
    texts["roles.tsv"] += "bard\tperson\n"
    texts["first_names.tsv"] += "Zorro\tmale\n"
    texts["honorifics.tsv"] += "Sir\tmale\n"
    texts["words.tsv"] += "".join(
        f"zz{kind}\t{kind}\n" for kind in WORD_KINDS if kind != "prep_content"
    )
    texts["words.tsv"] += "mutter about\tprep_content\n"
    texts["aliases.tsv"] += "POTUS\tDonald Trump\tperson\n"
    changed = Lexicons.from_texts(texts, "test")
    for field in fields(Lexicons):
        assert getattr(changed, field.name) != getattr(d, field.name), field.name
    return changed


def test_to_disk_and_from_disk_round_trip_every_list(tmp_path: Path) -> None:
    lexicons = _changed()
    lexicons.to_disk(tmp_path / "lists")
    assert sorted(p.name for p in (tmp_path / "lists").iterdir()) == sorted(Lexicons.FILES)
    assert Lexicons.from_disk(tmp_path / "lists") == lexicons
    Lexicons.default().to_disk(tmp_path / "default")
    assert Lexicons.from_disk(tmp_path / "default") == Lexicons.default()


def test_to_bytes_and_from_bytes_round_trip_every_list() -> None:
    lexicons = _changed()
    assert Lexicons.from_bytes(lexicons.to_bytes()) == lexicons
    assert Lexicons.from_bytes(Lexicons.default().to_bytes()) == Lexicons.default()


def test_from_disk_keeps_missing_lists_only_given_a_base(tmp_path: Path) -> None:
    (tmp_path / "roles.tsv").write_text("# a comment\nnoun\ttype\nbard\tperson\n", "utf-8")
    with pytest.raises(FileNotFoundError):
        Lexicons.from_disk(tmp_path)
    lexicons = Lexicons.from_disk(tmp_path, base=Lexicons.default())
    assert lexicons.roles == {"bard": "person"}
    assert lexicons.polarity == Lexicons.default().polarity


def test_read_table_skips_comments_and_checks_header_and_columns() -> None:
    assert read_table("# note\na\tb\n\nx\ty\n", "t", ("a", "b")) == [["x", "y"]]
    assert read_table("a\nx\n", "t", ("a", "b"), optional=1) == [["x", ""]]
    with pytest.raises(ValueError, match="header"):
        read_table("b\ta\nx\ty\n", "t", ("a", "b"))
    with pytest.raises(ValueError, match="t:3: 1 columns"):
        read_table("# note\na\tb\nx\n", "t", ("a", "b"))


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("foo\tadressee_cue", "unknown kind 'adressee_cue'"),
        ("mutter\tprep_content", "'mutter' is not 'verb preposition'"),
    ],
)
def test_bad_word_row_fails(row: str, error: str) -> None:
    texts = Lexicons.default().to_texts()
    texts["words.tsv"] += row + "\n"
    with pytest.raises(ValueError, match=error):
        Lexicons.from_texts(texts, "test")


def test_every_packaged_table_has_its_header() -> None:
    assert read_table(packaged_text("speech_cues.tsv"), "speech_cues.tsv", ["forms"])
    assert Lexicons.from_texts({n: packaged_text(n) for n in Lexicons.FILES}, "claimx/data")
