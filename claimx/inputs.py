"""Inputs: what the paths, folders and ``-`` given stand for, and how their bytes are decoded.

This module owns :class:`Input` (one file or standard input, and where its output goes), the
expansion of an argument into inputs (:func:`expand`, :func:`walk`) and :func:`decode`, which
turns bytes into text or says why not; :mod:`claimx.corpora` reads the articles of an input.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from .errors import InputError

STDIN = "-"
#: What folders are searched for by default: text files and saved pages.
DEFAULT_GLOB: tuple[str, ...] = ("*.txt", "*.html", "*.htm")
#: Told of an input problem: the error, and whether the input was skipped on purpose.
Problem = Callable[[InputError, bool], None]
_ACCESS = "check that it exists and that you may read it"
_NOT_REGULAR = ("is not a regular file (a FIFO or device, say); skipped", "narrow --glob")
# longest first: the UTF-32 LE mark begins with the UTF-16 LE one
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Input:
    """One article to read: where it comes from and where its output goes under ``-o``.

    ``source`` is the path as given, made printable: bytes of the file name that are not
    UTF-8 are written ``\\xff``, so that every output format can carry it. ``path`` and
    ``relpath`` keep the name as the file system has it.
    """

    source: str
    path: Path | None
    relpath: PurePath

    @property
    def label(self) -> str:
        """How messages name this input."""
        return "stdin" if self.path is None else self.source


def printable(path: str) -> str:
    """A file name as text: bytes that are not UTF-8 become ``\\xNN`` (as ``ls -b`` shows)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def expand(
    arg: str, glob: str | Sequence[str] = DEFAULT_GLOB, on_problem: Problem | None = None
) -> list[Input]:
    """The inputs one command-line argument stands for: ``-``, a file, or a folder's files.

    A file named on its own is read whatever it is (a FIFO from ``<(...)`` included); see
    :func:`walk` for folders and ``on_problem``.
    """
    if arg != STDIN and os.path.isdir(arg):
        return walk(arg, glob, on_problem)
    return [as_input(arg)]


def as_input(path: Input | str | os.PathLike[str]) -> Input:
    """The input a path names as one file (``-``: standard input); an input as it is."""
    if isinstance(path, Input):
        return path
    arg = os.fspath(path)
    if arg == STDIN:
        return Input(STDIN, None, PurePath("stdin"))
    return Input(printable(arg), Path(arg), PurePath(Path(arg).name))


def walk(
    folder: str, glob: str | Sequence[str] = DEFAULT_GLOB, on_problem: Problem | None = None
) -> list[Input]:
    """Regular files under ``folder`` matching a pattern of ``glob``, sorted; hidden files and
    folders are skipped.

    on_problem: called with an :class:`InputError` for a subfolder that cannot be read
        (``skipped=False``: the batch is incomplete) and for a match that is not a regular
        file, such as a FIFO, which would block the batch (``skipped=True``: left out on
        purpose). Without it, the first unreadable subfolder raises.
    """
    # PurePath.match anchors at the right, so a pattern matches at any depth already; a
    # leading "**/" (which it would read as one folder level) adds nothing.
    patterns = [p.removeprefix("**/") for p in ([glob] if isinstance(glob, str) else glob)]

    def unreadable(exc: OSError) -> None:
        where = printable(exc.filename) if exc.filename else printable(folder)
        reason = (exc.strerror or str(exc)).lower()
        error = InputError(where, f"cannot be read ({reason}); its files were skipped", _ACCESS)
        if on_problem is None:
            raise error
        on_problem(error, False)

    found = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        # Pruning in place stops os.walk from descending into hidden folders at all.
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            relpath = PurePath(os.path.relpath(path, folder))
            if name.startswith(".") or not any(relpath.match(p) for p in patterns):
                continue
            if not _is_regular(path):
                if on_problem is not None:
                    on_problem(InputError(printable(path), *_NOT_REGULAR), True)
                continue
            found.append(Input(printable(path), Path(path), relpath))
    return sorted(found, key=lambda item: item.relpath.parts)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # a dangling link, say: reading it will say what is wrong


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode ``data`` read from ``name``, or raise an :class:`InputError` that says why not.

    A byte order mark decides (UTF-8, UTF-16 or UTF-32; the mark is removed). Otherwise
    UTF-8 is tried first and ``encoding``, if given, only where UTF-8 fails: a batch
    of mixed files decodes each one right. Text never holds NUL bytes.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decoded(data[len(bom) :], name, codec, marked=True)
    try:
        return _decoded(data, name, "utf-8")
    except InputError as exc:
        if encoding is None or codecs.lookup(encoding).name == "utf-8":
            raise
        first = exc
    try:
        return _decoded(data, name, encoding)
    except InputError as exc:
        if first.problem.startswith("is not valid"):
            problem = first.problem.replace(
                "is not valid UTF-8", f"is neither UTF-8 nor {encoding}"
            )
            raise InputError(name, problem, "pass --encoding with the file's encoding") from exc
        raise


def _decoded(data: bytes, name: str, encoding: str, *, marked: bool = False) -> str:
    """``data`` decoded, or an :class:`InputError`; ``marked``: a byte order mark chose
    ``encoding``, so that no other is suggested."""
    try:
        return _checked(data.decode(encoding), name, b"" if marked else data)
    except UnicodeDecodeError as exc:
        utf8 = codecs.lookup(encoding).name == "utf-8"
        if b"\x00" in data:
            raise _binary_error(name, b"" if marked else data) from exc
        label = "UTF-8" if utf8 else encoding
        problem = f"is not valid {label} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        fix = _suggest(data) if utf8 else "pass --encoding with the file's encoding"
        raise InputError(name, problem, fix) from exc


def _checked(text: str, name: str, data: bytes) -> str:
    """``text``, unless it holds NULs, which mean binary ``data`` (or UTF-16: see
    :func:`_binary_error`)."""
    if "\x00" in text:
        raise _binary_error(name, data)
    return text


def _suggest(data: bytes) -> str:
    """The fix for a file that is not UTF-8: cp1252, what Windows writes (curly quotes
    at 0x93 and 0x94), where it fits; latin-1, which decodes any byte, otherwise."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "pass --encoding latin-1 (or the file's encoding)"
    return "pass --encoding cp1252 (Windows files; or the file's encoding)"


def _binary_error(name: str, data: bytes) -> InputError:
    """The error for a file with NUL bytes: binary, or UTF-16 that ``--encoding`` reads."""
    codec = _utf16(data)
    if codec is not None:
        return InputError(
            name,
            "looks binary (NUL bytes) but is likely UTF-16 text without a byte order mark "
            "(a NUL at every other byte)",
            f"pass --encoding {codec}",
        )
    return InputError(
        name, "looks binary (NUL bytes), not a text article", "remove it or narrow --glob"
    )


def _utf16(data: bytes) -> str | None:
    """The UTF-16 that ``data`` looks like without a byte order mark, if it does: text in
    Latin letters has a NUL in most of its odd bytes (little-endian; in its even bytes,
    big-endian) and next to none in the others, and it decodes whole, without NULs."""
    sample = data[: 1 << 12]
    pairs = len(sample) // 2
    if len(data) % 2 or pairs < 2:
        return None
    for codec, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        if high.count(0) * 2 >= pairs and low.count(0) * 10 <= pairs:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec if "\x00" not in text else None
    return None
