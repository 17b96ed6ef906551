"""Grievance reference codes: eight digits, read out and typed on any phone's keypad.

Seven random digits from the operating system's random source and a Damm check digit, which
catches every single wrong digit and every swap of two neighbours, so a mistyped code is
refused rather than taken for someone else's. Shown as "4827 1936"; accepted with or without
spaces, dashes or dots. Codes are not numbered in order, so one code says nothing of another.
"""

from __future__ import annotations

import re
import secrets

RANDOM_DIGITS = 7
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-.#]")


def _damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def new_code() -> str:
    """A fresh code (eight digits, the last a check digit). Uniqueness is the caller's: the
    column is unique, and a clash (one in ten million per pair) is retried."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(RANDOM_DIGITS))
    return body + str(_damm(body))


def normalise(typed: str) -> str | None:
    """The code in `typed` as stored, or None when it is not a well-formed code (wrong length,
    letters, or a check digit that does not match)."""
    digits = _SEPARATORS.sub("", typed or "")
    if len(digits) != RANDOM_DIGITS + 1 or not digits.isascii() or not digits.isdigit():
        return None
    return digits if _damm(digits) == 0 else None


def shown(code: str) -> str:
    """ "48271936" as "4827 1936": two groups are easier to read out and to copy."""
    return f"{code[:4]} {code[4:]}"
