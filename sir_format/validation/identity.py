"""Checks of Swedish identity numbers: thin wrappers over python-stdnum.

SIR sends personnummer and samordningsnummer as exactly 12 digits ``ÅÅÅÅMMDDNNNK`` with the
century and without a separator; :mod:`stdnum.se.personnummer` reads that form but also
accepts 10-digit forms and separators, and it knows nothing of samordningsnummer (day + 60)
or reservnummer. The functions below add what SIR needs and return a reason
(:class:`~sir_format.validation._core.Text`, both languages) or ``None`` when the number is
valid. They never raise on bad input.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.se import orgnr, personnummer

from sir_format.metadata import model_info
from sir_format.models import Grunddata, Huvud
from sir_format.validation._core import Text

__all__ = [
    "birth_date",
    "embedded_identity_numbers",
    "hsa_id_reason",
    "is_male",
    "orgnr_reason",
    "personnummer_reason",
    "reservnummer_reason",
    "samordningsnummer_reason",
]

SAMORDNING_DAY_OFFSET = 60
"""A samordningsnummer carries the birth day plus 60 (days 61–91)."""

NOT_12_DIGITS = Text(sv="ska vara 12 siffror ÅÅÅÅMMDDNNNK", en="must be 12 digits YYYYMMDDNNNC")
NOT_A_DATE = Text(sv="datumdelen är inget giltigt datum", en="the date part is not a real date")
LOOKS_SAMORDNING = Text(
    sv="dag 61–91 betyder samordningsnummer", en="day 61–91 means a samordningsnummer"
)
AFTER_START = Text(
    sv="födelsedatumet ligger efter vårdstart", en="the birth date is after the start of care"
)
BAD_CHECK_DIGIT = Text(sv="kontrollsiffran stämmer inte", en="the check digit is wrong")
DAY_NOT_61_91 = Text(sv="dagen ska vara 61–91", en="the day must be 61–91")
BAD_RESERV_FORMAT = Text(
    sv="ska vara 6–20 versaler eller siffror", en="must be 6–20 upper-case letters or digits"
)
NOT_10_DIGITS = Text(sv="ska vara 10 siffror", en="must be 10 digits")
BAD_HSA_FORMAT = Text(
    sv="förväntat SE + 10 siffror + - + suffix", en="expected SE + 10 digits + - + suffix"
)


def _is_12_digits(value: str) -> bool:
    return len(value) == 12 and value.isascii() and value.isdigit()


def _luhn_ok(digits: str) -> bool:
    try:
        luhn.validate(digits)
    except ValidationError:
        return False
    return True


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def birth_date(value: str, *, samordning: bool = False) -> date | None:
    """The birth date a 12-digit number encodes (day − 60 for a samordningsnummer), or None."""
    if not _is_12_digits(value):
        return None
    day = int(value[6:8]) - (SAMORDNING_DAY_OFFSET if samordning else 0)
    if samordning and day <= 0:
        return None
    return _date_or_none(int(value[0:4]), int(value[4:6]), day)


def is_male(value: str) -> bool | None:
    """Sex from digit 11 of a 12-digit number: odd = man; None when not 12 digits."""
    if not _is_12_digits(value):
        return None
    return personnummer.get_gender(value) == "M"


def personnummer_reason(value: str, *, not_after: date | None = None) -> Text | None:
    """Why ``value`` is not a valid 12-digit personnummer, or None.

    ``not_after`` (the date of ``Inskrivningstid``) rejects a birth date after it.
    """
    if not _is_12_digits(value):
        return NOT_12_DIGITS
    try:
        personnummer.validate(value)
    except InvalidChecksum:
        return BAD_CHECK_DIGIT
    except ValidationError:
        day = int(value[6:8])
        if SAMORDNING_DAY_OFFSET < day <= SAMORDNING_DAY_OFFSET + 31:
            return LOOKS_SAMORDNING
        return NOT_A_DATE
    born = birth_date(value)
    if not_after is not None and born is not None and born > not_after:
        return AFTER_START
    return None


def samordningsnummer_reason(value: str) -> Text | None:
    """Why ``value`` is not a valid 12-digit samordningsnummer, or None."""
    if not _is_12_digits(value):
        return NOT_12_DIGITS
    day = int(value[6:8])
    if not SAMORDNING_DAY_OFFSET < day <= SAMORDNING_DAY_OFFSET + 31:
        return DAY_NOT_61_91
    real_day = f"{day - SAMORDNING_DAY_OFFSET:02d}"
    try:
        personnummer.get_birth_date(value[:6] + real_day + value[8:])
    except ValidationError:
        return NOT_A_DATE
    if not _luhn_ok(value[2:]):
        return BAD_CHECK_DIGIT
    return None


_EMBEDDED = re.compile(
    r"(?<![0-9])(?P<date>[0-9]{6}(?:[0-9]{2})?)[-+]?(?P<serial>[0-9]{4})(?![0-9])"
)
_CENTURIES = ("18", "19", "20")


def _is_identity_number(digits: str) -> bool:
    """A valid personnummer or samordningsnummer, 12 digits or 10 (any century)."""
    candidates = (digits,) if len(digits) == 12 else tuple(c + digits for c in _CENTURIES)
    return any(
        personnummer_reason(c) is None or samordningsnummer_reason(c) is None for c in candidates
    )


def embedded_identity_numbers(text: str) -> list[re.Match[str]]:
    """The personal identity numbers inside ``text`` (SIR-R063), as matches.

    A candidate is a run of 10 or 12 digits, with or without a ``-`` or ``+`` before the last
    four (groups ``date`` and ``serial``); it counts when it is a valid personnummer or
    samordningsnummer.
    """
    return [m for m in _EMBEDDED.finditer(text) if _is_identity_number(m["date"] + m["serial"])]


@cache
def _reserv_pattern() -> re.Pattern[str]:
    pattern = model_info(Grunddata).by_py["personnummer"].facets.pattern
    assert pattern is not None
    return re.compile(f"^(?:{pattern})$")


def reservnummer_reason(value: str) -> Text | None:
    """Why ``value`` is not a well-formed reservnummer (``[0-9A-Z]{6,20}``), or None."""
    if _reserv_pattern().fullmatch(value) is None:
        return BAD_RESERV_FORMAT
    return None


def orgnr_reason(value: str) -> Text | None:
    """Why ``value`` is not a valid 10-digit organisation number (Luhn), or None."""
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        return NOT_10_DIGITS
    try:
        orgnr.validate(value)
    except ValidationError:
        return BAD_CHECK_DIGIT
    return None


@cache
def _hsa_pattern() -> re.Pattern[str]:
    pattern = model_info(Huvud).by_py["hsa_id"].facets.pattern
    assert pattern is not None
    return re.compile(f"^(?:{pattern})$")


def hsa_id_reason(value: str) -> Text | None:
    """Why ``value`` is not a valid HSA-id: SE + organisation number + ``-`` + suffix."""
    max_length = model_info(Huvud).by_py["hsa_id"].facets.max_length
    if _hsa_pattern().fullmatch(value) is None or (
        max_length is not None and len(value) > max_length
    ):
        return BAD_HSA_FORMAT
    return orgnr_reason(value[2:12])
