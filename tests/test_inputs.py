"""Input reading: walking folders, decoding, errors that name the file and the fix."""

from __future__ import annotations

import io
import sys
from pathlib import Path, PurePath

import pytest

from claimx.errors import InputError
from claimx.inputs import Input, decode, expand, iter_texts, read_input, read_text, walk


def write(path: Path, data: bytes | str = "Text.") -> Path:
    """Create ``path`` (and its folders) with ``data``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


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
    assert info.value.fix == "pass --encoding latin-1 (or the file's encoding)"


def test_other_encoding_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Caf\u00e9 owners said so.".encode("latin-1"))
    assert read_text(path, "latin-1") == "Caf\u00e9 owners said so."


def test_wrong_explicit_encoding_asks_for_the_right_one() -> None:
    with pytest.raises(InputError) as info:
        decode("Caf\u00e9".encode(), "a.txt", "ascii")
    assert info.value.problem == "is not valid ascii (byte 0xc3 at offset 3)"
    assert "--encoding" in info.value.fix


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(InputError) as info:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "img.txt")
    assert info.value.problem == "looks binary (NUL bytes), not a text article"
    assert info.value.fix == "remove it or narrow --glob"


def test_utf16_file_gets_its_own_hint() -> None:
    data = "Mayor Jane Smith said so.".encode("utf-16")
    with pytest.raises(InputError) as info:
        decode(data, "a.txt")
    assert info.value.fix == "pass --encoding utf-16"
    assert decode(data, "a.txt", "utf-16") == "Mayor Jane Smith said so."


def test_unreadable_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.txt")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests may run as root, who can read a chmod 000 file; so fake the refusal.
    monkeypatch.setattr(Path, "read_bytes", denied)
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
    assert read_input(expand("-")[0]) == "Mayor Jane Smith said so.\r\n"


def test_errors_name_the_input_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "news" / "a.txt", b"\xff")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        read_input(walk("./news")[0])
    assert info.value.source == "./news/a.txt"


def test_iter_texts_reads_lazily(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "old")
    texts = iter_texts(expand(str(path)))
    path.write_text("new")  # written after the generator was made, before it is read
    assert [text for text, _ in texts] == ["new"]


def test_iter_texts_reports_and_skips_bad_inputs(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", "first")
    bad = write(tmp_path / "b.txt", b"\xe9")
    last = write(tmp_path / "c.txt", "last")
    errors: list[InputError] = []
    items = [item for path in (good, bad, last) for item in expand(str(path))]
    read = list(iter_texts(items, on_error=errors.append))
    assert [(text, item.source) for text, item in read] == [
        ("first", str(good)),
        ("last", str(last)),
    ]
    assert [error.source for error in errors] == [str(bad)]


def test_iter_texts_raises_without_error_handler(tmp_path: Path) -> None:
    bad = write(tmp_path / "b.txt", b"\xe9")
    with pytest.raises(InputError):
        list(iter_texts(expand(str(bad))))
