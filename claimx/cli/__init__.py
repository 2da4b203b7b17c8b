"""The command line: a thin shell over the library. Each command lives in its own module
(:mod:`.extract`, :mod:`.articles`, :mod:`.views`, :mod:`.quotes`, :mod:`.tools`) and maps its
flags to the library's objects; :mod:`.group` holds the group, the exit codes and the translation of
library errors and signals into them.

spaCy and the pipeline are imported inside the commands, so that ``claimx --help`` is instant.
"""

from __future__ import annotations

# each module adds its commands to the group
from . import articles, extract, quotes, tools, views  # noqa: F401
from .group import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NO_INPUT,
    EXIT_TERMINATED,
    EXIT_USAGE,
    Fatal,
    cli,
)

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_NO_INPUT",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "Fatal",
    "cli",
    "main",
]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="claimx")
