"""Personnummer in SIR's form: 12 digits ``ÅÅÅÅMMDDNNNK``, century included, no separator.

Wraps :mod:`stdnum.se.personnummer` (birth date, sex) and :mod:`stdnum.luhn` (check digit over
the last ten digits, SIR-R010). python-stdnum also accepts the 10-digit form and separators;
SIR does not, so :func:`validate` asks for exactly 12 digits. A day 61–91 marks a
samordningsnummer (:mod:`sir_format.domain.samordningsnummer`), not a personnummer.

>>> from datetime import date
>>> validate("195711069137")
'195711069137'
>>> is_valid("5711069137"), is_valid("195711069138")
(False, False)
>>> birth_date("195711069137"), sex("195711069137").value
(datetime.date(1957, 11, 6), 'Man')
>>> format("195711069137")
'19571106-9137'
>>> build(date(1957, 11, 6), 913)
'195711069137'
"""

from __future__ import annotations

import random
from datetime import date

from sir_format.domain import _checks, _digits
from sir_format.errors import InvalidComponentError
from sir_format.models import Kon

__all__ = ["birth_date", "build", "compact", "format", "generate", "is_valid", "sex", "validate"]

_KIND = "personnummer"


def compact(number: str) -> str:
    """Remove spaces and a ``-`` or ``+`` separator: ``19571106-9137`` → ``195711069137``."""
    return _digits.compact(number)


def validate(number: str) -> str:
    """Check a personnummer in SIR's 12-digit form and return it.

    Raises:
        InvalidFormatError: not digits only.
        InvalidLengthError: not 12 digits.
        InvalidComponentError: day 61–91 (a samordningsnummer).
        InvalidDateError: the date part is not a real date.
        InvalidChecksumError: the Luhn check digit is wrong.
    """
    _checks.check_digits(number, _KIND)
    if _digits.DAY_OFFSET < int(number[6:8]) <= _digits.DAY_OFFSET + 31:
        raise InvalidComponentError("day 61–91 means a samordningsnummer, not a personnummer")
    _checks.encoded_date(number, 0, _KIND)
    _checks.check_luhn(number, _KIND)
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    return _checks.accepts(validate, number)


def birth_date(number: str) -> date:
    """The birth date the number encodes; like python-stdnum, the check digit is not checked.

    Raises:
        InvalidFormatError, InvalidLengthError: not 12 digits.
        InvalidDateError: the date part is not a real date.
    """
    _checks.check_digits(number, _KIND)
    return _checks.encoded_date(number, 0, _KIND)


def sex(number: str) -> Kon:
    """Legal sex from digit 11: odd ``Man``, even ``Kvinna`` (SIR-R014); any 12 digits."""
    _checks.check_digits(number, _KIND)
    return _digits.sex(number)


def format(number: str) -> str:
    """The display form ``ÅÅÅÅMMDD-NNNK``."""
    return _digits.display(validate(compact(number)))


def build(birth_date: date, birth_number: int) -> str:
    """The personnummer of ``birth_date`` with birth number ``NNN`` (0–999) and its check digit.

    The last digit of ``birth_number`` is odd for men and even for women.
    """
    return _digits.build(birth_date, birth_number, 0)


def generate(rng: random.Random, *, birth_date: date | None = None, sex: Kon | None = None) -> str:
    """A valid personnummer drawn from ``rng`` (deterministic for a seeded ``Random``).

    Without ``birth_date`` one between 1900 and 2020 is drawn; without ``sex``, Man or Kvinna.
    """
    born = birth_date if birth_date is not None else _digits.draw_birth_date(rng)
    chosen = sex if sex is not None else rng.choice(_digits.SEXES)
    return build(born, _digits.draw_birth_number(rng, chosen))
