"""Mending: the values of a record's fields (JSON Lines, CSV) that no output can write, made
writable, and what was mended, for a warning.

JSON reads ``NaN``, ``Infinity`` and ``1e999`` as floats that strict JSON has not (a
database's ``json_extract`` refuses them); they are read as null. A string can hold half of a
UTF-16 pair (JSON's ``"\\udc00"``, a lenient ``--encoding``), which no output can encode; it is
replaced by U+FFFD, in field names and in every value but the article text's and the id's,
which are refused with their own messages (a mended id could clash with another), naming
it as :func:`lone_surrogate` does. :mod:`claimx.records` mends each record it reads.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

#: Half of a UTF-16 pair, alone (from JSON's "\udc00", or decoding with errors=
#: "surrogateescape"): no encoder (UTF-8, SQLite) takes it, nor spaCy's tokenizer.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: A warning of what was mended in a record: its problem and its fix, as in InputError.
Mend = tuple[str, str]


def mend(
    record: Mapping[str, Any], text_field: str, id_field: str
) -> tuple[dict[str, Any], list[Mend]]:
    """The record with its fields mended, and a warning for each kind of mend made."""
    mended: dict[str, Any] = {}
    numbers: list[str] = []
    halves: list[str] = []
    for key, value in record.items():
        name = key
        if LONE_SURROGATE.search(key):
            name = LONE_SURROGATE.sub("\ufffd", key)
            halves.append(repr(key))
        if isinstance(value, float) and not math.isfinite(value):
            value = None
            numbers.append(repr(key))
        elif (
            isinstance(value, str)
            and key not in (text_field, id_field)
            and LONE_SURROGATE.search(value)
        ):
            value = LONE_SURROGATE.sub("\ufffd", value)
            halves.append(repr(key))
        mended[name] = value
    warnings = []
    if numbers:
        problem = f"has NaN or an infinite number in {_fields(numbers)}, which JSON cannot hold"
        warnings.append((problem, "read as null"))
    if halves:
        problem = f"has a lone surrogate (half of a UTF-16 pair, not text) in {_fields(halves)}"
        warnings.append((problem, "replaced by U+FFFD"))
    return mended, warnings


def _fields(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    return f"its field {unique[0]}" if len(unique) == 1 else f"its fields {', '.join(unique)}"


def lone_surrogate(value: str) -> str | None:
    """The first lone surrogate in ``value``, as messages name it ("a lone surrogate
    (U+DC00 at character 3)"); None if it has none."""
    found = LONE_SURROGATE.search(value)
    if found is None:
        return None
    return f"a lone surrogate (U+{ord(found[0]):04X} at character {found.start():,})"
