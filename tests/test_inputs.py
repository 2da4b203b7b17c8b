"""Inputs: walking folders, decoding (on its own and as a text file is read), errors that name
the file and the fix."""

from __future__ import annotations

import builtins
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

import pytest

from claimx.corpora import ReadOptions, iter_articles, read_articles
from claimx.errors import InputError
from claimx.inputs import Input, decode, expand, printable, walk


def write(path: Path, data: bytes | str = "Text.") -> Path:
    """Create ``path`` (and its folders) with ``data``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def read_text(item: Input | Path | str, encoding: str | None = None) -> str:
    """The text of a one-article input, as claimx reads it."""
    (article,) = read_articles(item, ReadOptions(encoding=encoding))
    return article.text


def test_read_text_removes_bom_and_keeps_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbfHeadline\r\nBody.\r\n")
    assert read_text(path) == "Headline\r\nBody.\r\n"


def test_read_text_of_empty_file_is_empty(tmp_path: Path) -> None:
    assert read_text(write(tmp_path / "a.txt", b"")) == ""


def test_latin1_file_names_byte_offset_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Caf\u00e9 owners said so.".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_text(path)
    assert info.value.source == str(path)
    assert info.value.problem == "is not valid UTF-8 (byte 0xe9 at offset 3)"
    assert info.value.fix == "pass --encoding cp1252 (Windows files; or the file's encoding)"


def test_windows_quotes_get_cp1252_not_latin1() -> None:
    # latin-1 reads 0x93 and 0x94 as C1 control characters: the quotes would be lost
    data = "\u201cWe will,\u201d Mayor Jane Smith said.".encode("cp1252")
    with pytest.raises(InputError) as info:
        decode(data, "a.txt")
    assert info.value.fix.startswith("pass --encoding cp1252")
    assert decode(data, "a.txt", "cp1252") == "\u201cWe will,\u201d Mayor Jane Smith said."


def test_bytes_cp1252_lacks_get_latin1() -> None:
    with pytest.raises(InputError) as info:
        decode(b"caf\x81", "a.txt")
    assert info.value.fix == "pass --encoding latin-1 (or the file's encoding)"


def test_other_encoding_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Caf\u00e9 owners said so.".encode("latin-1"))
    assert read_text(path, "latin-1") == "Caf\u00e9 owners said so."


def test_encoding_is_a_fallback_utf8_files_stay_utf8() -> None:
    # one --encoding for a batch of mixed files must not garble the UTF-8 ones
    assert (
        decode("Caf\u00e9 \u201cok\u201d".encode(), "a.txt", "cp1252") == "Caf\u00e9 \u201cok\u201d"
    )
    assert decode("Caf\u00e9".encode("cp1252"), "b.txt", "cp1252") == "Caf\u00e9"


def test_neither_utf8_nor_the_fallback() -> None:
    with pytest.raises(InputError) as info:
        decode("Caf\u00e9".encode("latin-1"), "a.txt", "ascii")
    assert info.value.problem == "is neither UTF-8 nor ascii (byte 0xe9 at offset 3)"
    assert info.value.fix == "pass --encoding with the file's encoding"


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(InputError) as info:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "img.txt")
    assert info.value.problem == "looks binary (NUL bytes), not a text article"
    assert info.value.fix == "remove it or narrow --glob"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_byte_order_mark_decides_the_encoding(codec: str) -> None:
    data = "Mayor Jane Smith said so.".encode(codec)
    assert decode(data, "a.txt") == "Mayor Jane Smith said so."


def test_utf16_without_mark_needs_the_fallback() -> None:
    data = "Mayor Jane Smith said so.".encode("utf-16-le")
    with pytest.raises(InputError, match="looks binary"):
        decode(data, "a.txt")
    assert decode(data, "a.txt", "utf-16-le") == "Mayor Jane Smith said so."


def test_utf7_fallback_never_applies_to_utf8_text() -> None:
    # UTF-7 would read "+3AA-" as a lone surrogate, which no writer can encode
    assert decode(b"Mayor +3AA- said so.", "a.txt", "utf-7") == "Mayor +3AA- said so."


def test_unreadable_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.txt")
    real_open = builtins.open

    def denied(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    # Tests may run as root, who can read a chmod 000 file; so fake the refusal.
    monkeypatch.setattr(builtins, "open", denied)
    with pytest.raises(InputError) as info:
        read_text(path)
    assert info.value.problem == "cannot be read (permission denied)"


def test_walk_recurses_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", ".hidden.txt", ".git/x.txt", "a/.h/y.txt"]:
        write(tmp_path / "news" / name)
    write(tmp_path / "news" / "notes.md")
    folder = str(tmp_path / "news")
    found = walk(folder)
    assert [item.relpath for item in found] == [
        PurePath("a/b/c.txt"),
        PurePath("a/z.txt"),
        PurePath("b.txt"),
    ]
    assert [item.source for item in found] == [
        f"{folder}/a/b/c.txt",
        f"{folder}/a/z.txt",
        f"{folder}/b.txt",
    ]


def test_walk_with_glob(tmp_path: Path) -> None:
    for name in ["a.txt", "b.md", "sub/c.md"]:
        write(tmp_path / name)
    assert [str(item.relpath) for item in walk(str(tmp_path), "*.md")] == ["b.md", "sub/c.md"]
    assert [str(item.relpath) for item in walk(str(tmp_path), "sub/*")] == ["sub/c.md"]
    assert [str(item.relpath) for item in walk(str(tmp_path), "**/*.md")] == ["b.md", "sub/c.md"]


def test_walk_keeps_the_folder_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "news" / "a.txt")
    monkeypatch.chdir(tmp_path)
    assert [item.source for item in walk("./news/")] == ["./news/a.txt"]


def test_expand_file_and_stdin(tmp_path: Path) -> None:
    path = write(tmp_path / "dir" / "a.txt")
    assert expand(str(path)) == [Input(str(path), path, PurePath("a.txt"))]
    (stdin,) = expand("-")
    assert (stdin.source, stdin.path, stdin.relpath, stdin.label) == (
        "-",
        None,
        PurePath("stdin"),
        "stdin",
    )


def test_stdin_is_decoded_like_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO(b"\xef\xbb\xbfMayor Jane Smith said so.\r\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw))
    assert read_text(expand("-")[0]) == "Mayor Jane Smith said so.\r\n"


def test_errors_name_the_input_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "news" / "a.txt", b"\xff")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        read_text(walk("./news")[0])
    assert info.value.source == "./news/a.txt"


def test_iter_articles_reads_lazily(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "old")
    texts = iter_articles(expand(str(path)))
    path.write_text("new")  # written after the generator was made, before it is read
    assert [text for text, _ in texts] == ["new"]


def test_iter_articles_reports_and_skips_bad_inputs(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", "first")
    bad = write(tmp_path / "b.txt", b"\xe9")
    last = write(tmp_path / "c.txt", "last")
    errors: list[tuple[InputError, bool]] = []
    items = [item for path in (good, bad, last) for item in expand(str(path))]
    read = list(iter_articles(items, on_problem=lambda exc, skipped: errors.append((exc, skipped))))
    assert [(text, article.source) for text, article in read] == [
        ("first", str(good)),
        ("last", str(last)),
    ]
    assert [(error.source, skipped) for error, skipped in errors] == [(str(bad), False)]


def test_walk_skips_what_is_not_a_regular_file(tmp_path: Path) -> None:
    # reading a FIFO blocks until someone writes to it: the whole batch would wait forever
    write(tmp_path / "a.txt")
    os.mkfifo(tmp_path / "b.txt")
    write(tmp_path / "c.txt")
    problems: list[tuple[str, bool]] = []
    found = walk(
        str(tmp_path), on_problem=lambda exc, skipped: problems.append((str(exc), skipped))
    )
    assert [str(item.relpath) for item in found] == ["a.txt", "c.txt"]
    assert problems == [
        (
            f"{tmp_path}/b.txt is not a regular file (a FIFO or device, say); skipped; "
            "narrow --glob",
            True,
        )
    ]


def test_walk_reports_an_unreadable_subfolder(
    tmp_path: Path, deny_folder: Callable[[str], None]
) -> None:
    write(tmp_path / "a.txt")
    write(tmp_path / "locked" / "b.txt")
    deny_folder("locked")
    problems: list[tuple[InputError, bool]] = []
    found = walk(str(tmp_path), on_problem=lambda exc, skipped: problems.append((exc, skipped)))
    assert [str(item.relpath) for item in found] == ["a.txt"]
    ((error, skipped),) = problems
    assert not skipped
    assert str(error) == (
        f"{tmp_path}/locked cannot be read (permission denied); its files were skipped; "
        "check that it exists and that you may read it"
    )
    with pytest.raises(InputError):
        walk(str(tmp_path))


def test_walk_takes_several_patterns(tmp_path: Path) -> None:
    for name in ["a.txt", "b.md", "c.html"]:
        write(tmp_path / name)
    assert [str(item.relpath) for item in walk(str(tmp_path), ["*.md", "*.txt"])] == [
        "a.txt",
        "b.md",
    ]


def test_file_names_that_are_not_utf8_are_printable(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/bad\xff.txt"
    with open(raw, "wb") as out:
        out.write(b"Text.")
    (item,) = walk(str(tmp_path))
    assert item.source == f"{tmp_path}/bad\\xff.txt"
    assert item.source.encode("utf-8")  # any format can carry it
    assert read_text(item) == "Text."  # and the file is still found by its real name
    assert printable(os.fsdecode(raw)) == item.source
