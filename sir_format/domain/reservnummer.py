"""Reservnummer (reserve number): a temporary identity issued by a care system.

SIR accepts 6–20 upper-case letters or digits (``PersonIdTyp``'s pattern ``[0-9A-Z]{6,20}``,
read from the generated metadata) with ``Idbegrepp`` naming the issuer (SIR-R012). The number
carries no birth date or sex. A reservnummer that is also a valid personnummer or
samordningsnummer is suspicious (SIR-R016): :func:`looks_like_personal_number`.

>>> validate("RES00012345X")
'RES00012345X'
>>> is_valid("res123"), is_valid("AB12")
(False, False)
>>> looks_like_personal_number("195711069137")
True
"""

from __future__ import annotations

import random
import re
from functools import cache

from sir_format.domain import _checks, personnummer, samordningsnummer
from sir_format.errors import InvalidFormatError, InvalidLengthError
from sir_format.metadata import model_info
from sir_format.models import Grunddata

__all__ = ["compact", "generate", "is_valid", "looks_like_personal_number", "validate"]


@cache
def _facets() -> tuple[re.Pattern[str], int, int]:
    """(pattern, shortest, longest) of ``Personnummer`` (``[0-9A-Z]{6,20}``)."""
    pattern = model_info(Grunddata).by_py["personnummer"].facets.pattern
    assert pattern is not None
    bounds = re.search(r"\{(\d+),(\d+)\}$", pattern)
    assert bounds is not None
    return re.compile(f"^(?:{pattern})$"), int(bounds[1]), int(bounds[2])


def compact(number: str) -> str:
    """Remove surrounding whitespace (letters keep their case: lower case is invalid)."""
    return number.strip()


def validate(number: str) -> str:
    """Check a reservnummer and return it.

    Raises:
        InvalidLengthError: fewer than 6 or more than 20 characters.
        InvalidFormatError: a character other than ``0-9`` and ``A-Z``.
    """
    pattern, shortest, longest = _facets()
    if not shortest <= len(number) <= longest:
        raise InvalidLengthError(
            f"a reservnummer has {shortest}–{longest} characters (got {len(number)})"
        )
    if pattern.fullmatch(number) is None:
        raise InvalidFormatError("a reservnummer holds upper-case letters A-Z and digits only")
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    return _checks.accepts(validate, number)


def looks_like_personal_number(number: str) -> bool:
    """True when ``number`` is also a valid personnummer or samordningsnummer (SIR-R016)."""
    return personnummer.is_valid(number) or samordningsnummer.is_valid(number)


def generate(rng: random.Random) -> str:
    """A reservnummer ``RES`` + 8 digits + ``X``: never a personnummer look-alike."""
    return f"RES{rng.randrange(10**8):08d}X"
