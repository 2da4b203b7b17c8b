"""Atomic file writing: the one way claimx puts a file in place.

Every output file claimx writes (claims under ``extract -o``, partitions under
``--scheduler``, the network, the summary, ``show --html``'s page; not the ``--db``
database, which SQLite keeps whole by transactions) is written to a hidden temporary file in
the target's own folder, ``.<name>.<12 hex digits>.tmp``, and renamed over the target when
the writing ends without an error; on any other way out, an interrupt included, the
temporary file is removed. So a target is either its old self or wholly new, never
half-written, and no temporary file is left behind. (The cluster run's sweep of what a
killed worker left knows that name: keep the two in step.)

:func:`replacing` writes at a path as given; :func:`replacing_below` writes below an output
folder without ever following a symbolic link there (:class:`SymlinkError`).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from os import PathLike
from pathlib import Path, PurePath
from typing import Any


class SymlinkError(OSError):
    """:func:`replacing_below` (so ``writers.write_file``) refuses to write through a symbolic
    link below the output folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            errno.ELOOP,
            f"{path} is a symbolic link; claimx does not write through links",
            str(path),
        )


@contextmanager
def replacing(path: str | PathLike[str], *, binary: bool) -> Iterator[Any]:
    """A file that replaces ``path`` when the block ends without an error, and is removed
    otherwise (an interrupt included), so that ``path`` is never left half-written."""
    with _replacing(os.fspath(path), binary=binary) as out:
        yield out


@contextmanager
def replacing_below(root: Path, relpath: PurePath, *, binary: bool = False) -> Iterator[Any]:
    """A file that replaces ``root / relpath`` as :func:`replacing` does, written without
    following a link below ``root``.

    ``root`` is created if missing and may itself be a symbolic link (the caller chose it);
    below it, neither a folder on the way nor the file may be one (:class:`SymlinkError`), so
    nothing is ever written outside ``root``. ``relpath`` must be relative and without ``..``
    (``ValueError``). Folders are opened without following links (``O_NOFOLLOW``) and the file
    is renamed into place, which replaces a name and never follows it: a link appearing
    between the check and the write cannot redirect it either.
    """
    if relpath.is_absolute() or ".." in relpath.parts or not relpath.parts:
        raise ValueError(f"not a relative path inside the output folder: {relpath}")
    root.mkdir(parents=True, exist_ok=True)
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        where = root
        for part in relpath.parts[:-1]:
            where = where / part
            with suppress(FileExistsError):
                os.mkdir(part, dir_fd=folder)
            _refuse_link(part, where, folder)
            try:
                inner = os.open(part, _DIR_FLAGS, dir_fd=folder)
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # became a link since the check
                    raise SymlinkError(where) from exc
                raise
            folder, outer = inner, folder
            os.close(outer)
        name = relpath.parts[-1]
        _refuse_link(name, root / relpath, folder)
        with _replacing(name, binary=binary, folder=folder) as out:
            yield out
    finally:
        os.close(folder)


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _refuse_link(name: str, path: Path, folder: int) -> None:
    """Raise ``SymlinkError`` if ``name`` in ``folder`` is a symbolic link."""
    try:
        mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise SymlinkError(path)


_TEMP = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")


def sweep(folder: Path) -> int:
    """Remove the temporary files a killed writer left in ``folder`` (a SIGKILL gives it no
    time to): the hidden ``.<name>.<12 hex digits>.tmp`` files of :func:`_temp_name`, and
    nothing else; the number removed (none if the folder is missing)."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for entry in entries:
        if _TEMP.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            with suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    return removed


def _temp_name(path: str) -> str:
    """A fresh hidden temporary name beside ``path``: ``.<name>.<12 hex digits>.tmp``."""
    head, name = os.path.split(path)
    return os.path.join(head, f".{name}.{secrets.token_hex(6)}.tmp")


@contextmanager
def _replacing(path: str, *, binary: bool, folder: int | None = None) -> Iterator[Any]:
    """The one mechanism: ``path`` (relative to the open ``folder``, if given) written
    through a hidden temporary file beside it and a rename; text is UTF-8, line ends as
    written."""
    # The temporary file is hidden and in the same folder, so os.replace is an atomic rename.
    # Its name is chosen before the try, and only FileExistsError (someone else's file) is
    # caught inside it, so whatever ends this function once the file exists, an interrupt
    # included, reaches the except clause that removes it.
    tmp = _temp_name(path)
    mode, encoding, newline = ("xb", None, None) if binary else ("x", "utf-8", "")

    def opener(name: str, flags: int) -> int:
        # Mode 0o666 less the umask: what a plain open() gives a file.
        return os.open(name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=folder)

    try:
        while True:
            try:
                out = open(  # noqa: SIM115
                    tmp, mode, encoding=encoding, newline=newline, opener=opener
                )
                break
            except FileExistsError:
                tmp = _temp_name(path)
        with out:
            yield out
        os.replace(tmp, path, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        raise
