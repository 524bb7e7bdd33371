"""Identity numbers with valid check digits: personnummer, samordningsnummer, HSA-id."""

from __future__ import annotations

from datetime import date

__all__ = [
    "COORDINATION_DAY_OFFSET",
    "identity_number",
    "luhn_check_digit",
    "luhn_valid",
    "with_organisation_number",
]

COORDINATION_DAY_OFFSET = 60
"""A samordningsnummer carries the day of birth plus 60 (SIR-R011)."""


def luhn_check_digit(digits: str) -> int:
    """Return the mod-10 (Luhn) check digit for a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the ones before it."""
    return digits.isdigit() and luhn_check_digit(digits[:-1]) == int(digits[-1])


def identity_number(birth: date, serial: int, *, coordination: bool = False) -> str:
    """A 12-digit personnummer (or samordningsnummer) ``ÅÅÅÅMMDDNNNK``.

    ``serial`` is the three-digit birth number ``NNN``; its last digit is odd for men and even
    for women (SIR-R014). The check digit ``K`` is Luhn over the last ten digits (SIR-R010).
    """
    if not 0 <= serial <= 999:
        raise ValueError("serial must be 0..999")
    day = birth.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    body = f"{birth.year:04d}{birth.month:02d}{day:02d}{serial:03d}"
    return body + str(luhn_check_digit(body[2:]))


def with_organisation_number(hsa_id: str, digits: str) -> str:
    """Put a 9-digit organisation number body plus its Luhn digit into an HSA-id.

    An HSA-id is ``SE`` + 10-digit organisation number + ``-`` + suffix; SIR-R001 checks the
    organisation number with Luhn.
    """
    if len(digits) != 9 or not digits.isdigit():
        raise ValueError("expected nine digits")
    number = digits + str(luhn_check_digit(digits))
    return hsa_id[:2] + number + hsa_id[12:]
