"""Why an identity number is invalid, in both languages, for the registry rules' messages.

The checks themselves live in :mod:`sir_format.domain` (one module per identifier, wrapping
python-stdnum); this module turns their precise errors into a :class:`Reason` (Swedish and
English text) that SIR-R001, SIR-R010…R012 and the unit declaration put into their messages.
The functions never raise on bad input: they return a reason or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sir_format.domain import hsa_id, personnummer, reservnummer, samordningsnummer
from sir_format.domain.embedded import embedded_identity_numbers
from sir_format.errors import (
    IdentifierError,
    InvalidChecksumError,
    InvalidComponentError,
    InvalidDateError,
)

__all__ = [
    "Reason",
    "embedded_identity_numbers",
    "hsa_id_reason",
    "personnummer_reason",
    "reservnummer_reason",
    "samordningsnummer_reason",
]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a number is invalid, in Swedish and English."""

    sv: str
    en: str

    def __str__(self) -> str:
        return self.en


NOT_12_DIGITS = Reason(sv="ska vara 12 siffror ÅÅÅÅMMDDNNNK", en="must be 12 digits YYYYMMDDNNNC")
NOT_A_DATE = Reason(sv="datumdelen är inget giltigt datum", en="the date part is not a real date")
LOOKS_SAMORDNING = Reason(
    sv="dag 61–91 betyder samordningsnummer", en="day 61–91 means a samordningsnummer"
)
AFTER_START = Reason(
    sv="födelsedatumet ligger efter vårdstart", en="the birth date is after the start of care"
)
BAD_CHECK_DIGIT = Reason(sv="kontrollsiffran stämmer inte", en="the check digit is wrong")
DAY_NOT_61_91 = Reason(sv="dagen ska vara 61–91", en="the day must be 61–91")
BAD_RESERV_FORMAT = Reason(
    sv="ska vara 6–20 versaler eller siffror", en="must be 6–20 upper-case letters or digits"
)
BAD_HSA_FORMAT = Reason(
    sv="förväntat SE + 10 siffror + - + suffix", en="expected SE + 10 digits + - + suffix"
)


def _reason(
    check: Callable[[str], object], value: str, by_error: dict[type[IdentifierError], Reason]
) -> Reason | None:
    try:
        check(value)
    except IdentifierError as error:
        return next(r for cls, r in by_error.items() if isinstance(error, cls))
    return None


_TWELVE_DIGITS: dict[type[IdentifierError], Reason] = {
    InvalidChecksumError: BAD_CHECK_DIGIT,
    InvalidDateError: NOT_A_DATE,
    IdentifierError: NOT_12_DIGITS,
}


def personnummer_reason(value: str, *, not_after: date | None = None) -> Reason | None:
    """Why ``value`` is not a valid 12-digit personnummer (SIR-R010), or None.

    ``not_after`` (the date of ``Inskrivningstid``) rejects a birth date after it.
    """
    reason = _reason(
        personnummer.validate, value, {InvalidComponentError: LOOKS_SAMORDNING, **_TWELVE_DIGITS}
    )
    if reason is None and not_after is not None and personnummer.birth_date(value) > not_after:
        return AFTER_START
    return reason


def samordningsnummer_reason(value: str) -> Reason | None:
    """Why ``value`` is not a valid 12-digit samordningsnummer (SIR-R011), or None."""
    return _reason(
        samordningsnummer.validate, value, {InvalidComponentError: DAY_NOT_61_91, **_TWELVE_DIGITS}
    )


def reservnummer_reason(value: str) -> Reason | None:
    """Why ``value`` is not a well-formed reservnummer (``[0-9A-Z]{6,20}``), or None."""
    return _reason(reservnummer.validate, value, {IdentifierError: BAD_RESERV_FORMAT})


def hsa_id_reason(value: str) -> Reason | None:
    """Why ``value`` is not a valid HSA-id: SE + organisation number + ``-`` + suffix."""
    return _reason(
        hsa_id.validate,
        value,
        {InvalidChecksumError: BAD_CHECK_DIGIT, IdentifierError: BAD_HSA_FORMAT},
    )
