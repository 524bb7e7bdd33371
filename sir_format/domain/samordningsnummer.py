"""Samordningsnummer (coordination number): a personnummer whose day is the birth day + 60.

SIR sends it like a personnummer, as 12 digits ``ÅÅÅÅMMDDNNNK``; the day field is 61–91 and
the day minus :data:`DAY_OFFSET` is the real birth day (SIR-R011, SIR-R013). The check digit is
Luhn over the last ten digits, as written (:mod:`stdnum.luhn`).

>>> from datetime import date
>>> build(date(1957, 11, 6), 913)
'195711669134'
>>> birth_date("195711669134"), sex("195711669134").value
(datetime.date(1957, 11, 6), 'Man')
>>> is_valid("195711069137")  # a personnummer: day 06
False
"""

from __future__ import annotations

import random
from datetime import date

from sir_format.domain import _checks, _digits
from sir_format.errors import InvalidComponentError
from sir_format.models import Kon

__all__ = [
    "DAY_OFFSET",
    "birth_date",
    "build",
    "compact",
    "format",
    "generate",
    "is_valid",
    "sex",
    "validate",
]

DAY_OFFSET = _digits.DAY_OFFSET
"""Added to the day of birth (60): the day field is 61–91."""

_KIND = "samordningsnummer"


def compact(number: str) -> str:
    """Remove spaces and a ``-`` or ``+`` separator."""
    return _digits.compact(number)


def validate(number: str) -> str:
    """Check a samordningsnummer in SIR's 12-digit form and return it.

    Raises:
        InvalidFormatError: not digits only.
        InvalidLengthError: not 12 digits.
        InvalidComponentError: the day field is not 61–91.
        InvalidDateError: the day minus 60 does not give a real date.
        InvalidChecksumError: the Luhn check digit is wrong.
    """
    _checks.check_digits(number, _KIND)
    if not DAY_OFFSET < int(number[6:8]) <= DAY_OFFSET + 31:
        raise InvalidComponentError("the day of a samordningsnummer is 61–91")
    _checks.encoded_date(number, DAY_OFFSET, _KIND)
    _checks.check_luhn(number, _KIND)
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    return _checks.accepts(validate, number)


def birth_date(number: str) -> date:
    """The birth date: the encoded date with the day minus 60 (SIR-R013).

    Like python-stdnum, the check digit is not checked.

    Raises:
        InvalidFormatError, InvalidLengthError: not 12 digits.
        InvalidDateError: the day minus 60 does not give a real date.
    """
    _checks.check_digits(number, _KIND)
    return _checks.encoded_date(number, DAY_OFFSET, _KIND)


def sex(number: str) -> Kon:
    """Legal sex from digit 11: odd ``Man``, even ``Kvinna`` (SIR-R014); any 12 digits."""
    _checks.check_digits(number, _KIND)
    return _digits.sex(number)


def format(number: str) -> str:
    """The display form ``ÅÅÅÅMMDD-NNNK`` (the day field as sent, 61–91)."""
    return _digits.display(validate(compact(number)))


def build(birth_date: date, birth_number: int) -> str:
    """The samordningsnummer of ``birth_date`` with birth number ``NNN`` and its check digit."""
    return _digits.build(birth_date, birth_number, DAY_OFFSET)


def generate(rng: random.Random, *, birth_date: date | None = None, sex: Kon | None = None) -> str:
    """A valid samordningsnummer drawn from ``rng`` (see :func:`personnummer.generate`)."""
    born = birth_date if birth_date is not None else _digits.draw_birth_date(rng)
    chosen = sex if sex is not None else rng.choice(_digits.SEXES)
    return build(born, _digits.draw_birth_number(rng, chosen))
