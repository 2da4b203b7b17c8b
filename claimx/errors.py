"""User-facing errors. The CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class ClaimxError(Exception):
    """Base class for every error claimx raises on purpose."""


class InputError(ClaimxError):
    """An input file cannot be read as text (not UTF-8, binary, unreadable).

    ``problem`` reads on from the file name ("is not valid UTF-8 …"); ``fix`` says what to do.
    Raised for files read by :mod:`claimx.inputs` and :mod:`claimx.corpora`, the CLI's input
    layer, so its ``fix`` names the CLI's flags (``--encoding``, ``--glob``, ``--text-field``).
    ``source`` names a record of a corpus with its line (``feed.jsonl:12``); ``origin`` is
    then the input it belongs to (``feed.jsonl``), None for an error about a whole input.
    """

    def __init__(self, source: str, problem: str, fix: str, origin: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        self.origin = origin
        super().__init__(f"{source} {problem}; {fix}")


class ExtractionError(ClaimxError):
    """claimx failed on one text: a bug to report, not a problem with the input."""


class ModelError(ClaimxError):
    """The requested spaCy base pipeline is not installed or lacks what claimx needs.

    ``problem`` says what is wrong; ``other_model``, whether naming another pipeline is the
    fix, which the message then says in terms of the ``model`` parameter (the CLI: ``--model``).
    """

    def __init__(self, problem: str, *, other_model: bool = False) -> None:
        self.problem = problem
        self.other_model = other_model
        fix = "; install it (pip install …) or pass another pipeline as model="
        super().__init__(problem + (fix if other_model else ""))


def duplicate_id(source: str, ident: str, where: str | None = None) -> InputError:
    """The error for an article whose id an earlier article of the same input had:
    ``where`` names it (``feed.jsonl:12``), else its input and id."""
    return InputError(
        where or f"{source} (id {ident!r})",
        f"has the id {ident!r} of an article read before it in this run; skipped",
        "ids must be unique in an input: pass --id-field with a field that is",
        origin=source,
    )
