"""User-facing errors. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class ClaimxError(Exception):
    """Base class for every error claimx raises on purpose."""


class InputError(ClaimxError):
    """An input file cannot be read as text (not UTF-8, binary, unreadable).

    ``problem`` reads on from the file name ("is not valid UTF-8 …"); ``fix`` says what to do.
    """

    def __init__(self, source: str, problem: str, fix: str) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        super().__init__(f"{source} {problem}; {fix}")


class ExtractionError(ClaimxError):
    """claimx failed on one text: a bug to report, not a problem with the input."""


class ModelError(ClaimxError):
    """The requested spaCy base pipeline is not installed or lacks what claimx needs."""
