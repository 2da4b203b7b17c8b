"""Input reading: paths, folders and ``-`` become a lazy stream of ``(text, Input)`` pairs."""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from .errors import InputError

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One article to read: where it comes from and where its output goes under ``-o``."""

    source: str
    path: Path | None
    relpath: PurePath

    @property
    def label(self) -> str:
        """How messages name this input."""
        return "stdin" if self.path is None else self.source


def expand(arg: str, glob: str = "*.txt") -> list[Input]:
    """The inputs one command-line argument stands for: ``-``, a file, or a folder's files."""
    if arg == STDIN:
        return [Input(STDIN, None, PurePath("stdin"))]
    if os.path.isdir(arg):
        return walk(arg, glob)
    return [Input(arg, Path(arg), PurePath(Path(arg).name))]


def walk(folder: str, glob: str = "*.txt") -> list[Input]:
    """Files under ``folder`` matching ``glob``, sorted, hidden files and folders skipped."""
    # PurePath.match anchors at the right, so a pattern matches at any depth already; a
    # leading "**/" (which it would read as one folder level) adds nothing.
    pattern = glob.removeprefix("**/")
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        # Pruning in place stops os.walk from descending into hidden folders at all.
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            relpath = PurePath(os.path.relpath(path, folder))
            if not name.startswith(".") and relpath.match(pattern):
                found.append(Input(path, Path(path), relpath))
    return sorted(found, key=lambda item: item.relpath.parts)


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The text of ``path``: decoded, byte order mark removed, line endings untouched."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InputError(
            str(path), f"cannot be read ({reason})", "check that it exists and that you may read it"
        ) from exc
    return decode(data, str(path), encoding)


def read_input(item: Input, encoding: str = "utf-8") -> str:
    """The text of one input, from its file or from standard input."""
    if item.path is None:
        return decode(sys.stdin.buffer.read(), item.label, encoding)
    try:
        return read_text(item.path, encoding)
    except InputError as exc:
        # read_text names the path; messages should name the input as the user gave it.
        raise InputError(item.label, exc.problem, exc.fix) from exc


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode ``data`` read from ``name``, or raise an :class:`InputError` that says why not."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(data, name, encoding, exc) from exc
    if "\x00" in text:
        raise _binary_error(name)
    return text.removeprefix("\ufeff")


def _decode_error(data: bytes, name: str, encoding: str, exc: UnicodeDecodeError) -> InputError:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return InputError(name, "looks like UTF-16 (byte order mark)", "pass --encoding utf-16")
    if b"\x00" in data:
        return _binary_error(name)
    is_utf8 = codecs.lookup(encoding).name == "utf-8"
    label = "UTF-8" if is_utf8 else encoding
    byte = data[exc.start]
    fix = (
        "pass --encoding latin-1 (or the file's encoding)"
        if is_utf8
        else "pass --encoding with the file's encoding"
    )
    return InputError(name, f"is not valid {label} (byte 0x{byte:02x} at offset {exc.start})", fix)


def _binary_error(name: str) -> InputError:
    return InputError(
        name, "looks binary (NUL bytes), not a text article", "remove it or narrow --glob"
    )


def iter_texts(
    items: Iterable[Input],
    encoding: str = "utf-8",
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[tuple[str, Input]]:
    """Read each input only when asked for it; report unreadable ones to ``on_error`` and skip."""
    for item in items:
        try:
            text = read_input(item, encoding)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        yield text, item
