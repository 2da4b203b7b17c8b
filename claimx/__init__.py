"""claimx: extract attributed claims from news articles.

The public names are imported lazily so that ``claimx --help`` never imports spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .types import FIELDS, TARGET_FIELDS, Claim, Target

__version__ = "0.1.0"
__all__ = [
    "FIELDS",
    "TARGET_FIELDS",
    "Claim",
    "Target",
    "__version__",
    "extract",
    "extract_many",
    "load",
]

if TYPE_CHECKING:
    from .api import extract, extract_many, load


def __getattr__(name: str) -> Any:
    if name in ("extract", "extract_many", "load"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'claimx' has no attribute {name!r}")
