"""Numbers and text from outside (typed by people, carried back by platform buttons), checked
before they reach the store: a value the database cannot hold would otherwise be an internal
error (SQLite: "Python int too large", PostgreSQL: "out of int32 range", "invalid byte
sequence 0x00"), or, in the inbox's JSON, an event stored nowhere (PostgreSQL refuses NaN).

The one place for these checks; amounts have theirs in domain/finance/money.py.
"""
from __future__ import annotations

import math
import re
from typing import Any

# Every id column is an INTEGER (PostgreSQL int4); no row has an id beyond this.
MAX_ID = 2**31 - 1
# A button value of ours is a flat object of ids, small numbers and short strings.
_MAX_DEPTH = 4
# Control characters nobody types; NUL is refused by PostgreSQL in any text column.
# (A pattern, not str.translate: translate walks a Chinese text slowly, ~1 µs a character,
# and every inbound message passes here before its acknowledgement.)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def record_id(digits: str) -> int | None:
    """The id that `digits` (as matched by a `\\d+` pattern) names, or None when it is beyond
    any id the store can hold, so the caller can answer "no such …" as for any unknown id.
    Checked on the length first: int() of thousands of digits is slow, then refused."""
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(MAX_ID)):
        return None
    try:
        number = int(digits)
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


def plausible_value(value: Any, depth: int = 0) -> bool:
    """Whether a button's value could be one we made: JSON whose numbers are finite and
    within the id range (no NaN, no Infinity, no 1e30), nested at most a few levels."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return -MAX_ID <= value <= MAX_ID
    if isinstance(value, float):
        return math.isfinite(value) and -MAX_ID <= value <= MAX_ID
    if isinstance(value, dict):
        return all(isinstance(k, str) and plausible_value(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(plausible_value(v, depth + 1) for v in value)
    return False


def clean_text(text: str) -> str:
    """Text as a person meant it: without NUL and the other control characters (line
    breaks and tabs stay)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text
