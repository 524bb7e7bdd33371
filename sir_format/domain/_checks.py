"""The raising checks of personnummer and samordningsnummer, on :mod:`._digits`' answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sir_format.domain import _digits
from sir_format.errors import (
    IdentifierError,
    InvalidChecksumError,
    InvalidDateError,
    InvalidFormatError,
    InvalidLengthError,
)


def check_digits(number: str, kind: str) -> None:
    """Raise unless ``number`` is exactly 12 ASCII digits."""
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormatError(f"a {kind} holds digits only (got {len(number)} characters)")
    if len(number) != _digits.LENGTH:
        raise InvalidLengthError(
            f"a {kind} has {_digits.LENGTH} digits ÅÅÅÅMMDDNNNK (got {len(number)})"
        )


def encoded_date(number: str, offset: int, kind: str) -> date:
    """The date in the first eight digits, with ``offset`` taken off the day."""
    found = _digits.decoded_date(number, offset)
    if found is None:
        raise InvalidDateError(f"the date part of the {kind} is not a real date")
    return found


def check_luhn(number: str, kind: str) -> None:
    """Raise when the Luhn check over the last ten digits fails."""
    if not _digits.luhn_ok(number):
        raise InvalidChecksumError(f"the check digit of the {kind} is wrong")


def accepts(validate: Callable[[str], str], number: str) -> bool:
    """True when ``validate`` returns for ``number`` rather than raise an ``IdentifierError``."""
    try:
        validate(number)
    except IdentifierError:
        return False
    return True
