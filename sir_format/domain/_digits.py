"""What personnummer and samordningsnummer share: 12 digits ``ÅÅÅÅMMDDNNNK``, Luhn, sex.

Private, and a leaf: it raises none of the library's errors (those are :mod:`._checks`), so
masking can use it without importing :mod:`sir_format.errors`. The public modules are
:mod:`~sir_format.domain.personnummer` and :mod:`~sir_format.domain.samordningsnummer`. The
Luhn check is python-stdnum's (:mod:`stdnum.luhn`); the day offset of a samordningsnummer is
:data:`DAY_OFFSET`, here only.
"""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer as _stdnum_personnummer
from stdnum.util import clean

from sir_format.models import Kon

LENGTH = 12
"""Digits of the SIR form, century included and no separator."""

DAY_OFFSET = 60
"""A samordningsnummer carries the day of birth plus 60 (days 61–91)."""

SEXES = (Kon.MAN, Kon.KVINNA)
"""The sexes a personnummer or samordningsnummer encodes (digit 11: odd, even)."""


def compact(number: str) -> str:
    """Drop spaces and a ``-`` or ``+`` separator; no century is added."""
    return clean(number, " -+").strip()


def twelve_digits(number: str) -> bool:
    """True when ``number`` is exactly 12 ASCII digits."""
    return len(number) == LENGTH and number.isascii() and number.isdigit()


def decoded_date(number: str, offset: int) -> date | None:
    """The date in the first eight digits with ``offset`` taken off the day, or None."""
    day = int(number[6:8]) - offset
    if day >= 1:
        with suppress(ValidationError):
            return _stdnum_personnummer.get_birth_date(f"{number[:6]}{day:02d}-{number[8:]}")
    return None


def luhn_ok(number: str) -> bool:
    """True when the Luhn check over the last ten digits holds."""
    return bool(luhn.is_valid(number[2:]))


def is_valid(number: str, offset: int) -> bool:
    """12 digits, a real date with the day less ``offset``, and Luhn (no exception raised)."""
    return twelve_digits(number) and decoded_date(number, offset) is not None and luhn_ok(number)


def sex(number: str) -> Kon:
    """Digit 11: odd is :attr:`Kon.MAN`, even is :attr:`Kon.KVINNA`."""
    gender = _stdnum_personnummer.get_gender(number[:8] + "-" + number[8:])
    return Kon.MAN if gender == "M" else Kon.KVINNA


def build(birth_date: date, birth_number: int, offset: int) -> str:
    """``ÅÅÅÅMMDDNNNK`` with the day plus ``offset`` and the Luhn check digit."""
    if not 0 <= birth_number <= 999:
        raise ValueError("birth_number must be 0..999")
    day = birth_date.day + offset
    body = f"{birth_date.year:04d}{birth_date.month:02d}{day:02d}{birth_number:03d}"
    return body + luhn.calc_check_digit(body[2:])


def draw_birth_number(rng: random.Random, sex: Kon) -> int:
    """A birth number ``NNN`` whose last digit is odd for men, even for women."""
    if sex not in SEXES:
        raise ValueError(f"a personal identity number encodes Man or Kvinna, not {sex.value}")
    return rng.randrange(0, 100) * 10 + rng.randrange(1 if sex is Kon.MAN else 0, 10, 2)


def draw_birth_date(rng: random.Random) -> date:
    """A birth date between 1900-01-01 and 2020-12-31."""
    first, last = date(1900, 1, 1).toordinal(), date(2020, 12, 31).toordinal()
    return date.fromordinal(rng.randint(first, last))


def display(number: str) -> str:
    """``ÅÅÅÅMMDD-NNNK``."""
    return number[:8] + "-" + number[8:]
