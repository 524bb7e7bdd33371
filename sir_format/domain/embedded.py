"""Personal identity numbers hidden in free text (SIR-R063), for masking and warnings.

A candidate is a run of 10 or 12 digits, with or without a ``-`` or ``+`` before the last
four; it counts when it is a valid personnummer or samordningsnummer (a 10-digit run in any
century 18, 19 or 20).

>>> [m[0] for m in embedded_identity_numbers("VT-19571106-9137-A, bed 1234567890")]
['19571106-9137']
"""

from __future__ import annotations

import re

from sir_format.domain import _digits

__all__ = ["embedded_identity_numbers"]

_EMBEDDED = re.compile(
    r"(?<![0-9])(?P<date>[0-9]{6}(?:[0-9]{2})?)[-+]?(?P<serial>[0-9]{4})(?![0-9])"
)
_CENTURIES = ("18", "19", "20")


def _is_identity_number(digits: str) -> bool:
    candidates = (digits,) if len(digits) == 12 else tuple(c + digits for c in _CENTURIES)
    offsets = (0, _digits.DAY_OFFSET)  # personnummer, samordningsnummer
    return any(_digits.is_valid(c, offset) for c in candidates for offset in offsets)


def embedded_identity_numbers(text: str) -> list[re.Match[str]]:
    """The personal identity numbers inside ``text``, as matches (groups ``date``, ``serial``)."""
    return [m for m in _EMBEDDED.finditer(text) if _is_identity_number(m["date"] + m["serial"])]
