"""HSA-id of a care unit: ``SE`` + the care provider's organisation number + ``-`` + suffix.

The form is ``HsaIdTyp``'s pattern ``SE[0-9]{10}-[0-9A-Za-z]{1,18}`` and maxLength 31, read from
the generated metadata; the 10-digit organisation number must pass the Luhn check
(:mod:`stdnum.se.orgnr`, SIR-R001).

>>> validate("SE2321000016-7Q4T")
'SE2321000016-7Q4T'
>>> organisation_number("SE2321000016-7Q4T")
'2321000016'
>>> is_valid("SE2321000017-7Q4T"), is_valid("2321000016-7Q4T")
(False, False)
>>> with_organisation_number("SE0000000000-A1", "232100001")
'SE2321000016-A1'
"""

from __future__ import annotations

import random
import re
import string
from functools import cache

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr

from sir_format.domain import _checks
from sir_format.errors import (
    InvalidChecksumError,
    InvalidFormatError,
    InvalidLengthError,
)
from sir_format.metadata import model_info
from sir_format.models import Huvud

__all__ = [
    "compact",
    "generate",
    "is_valid",
    "organisation_number",
    "validate",
    "with_organisation_number",
]

_PREFIX = "SE"
_ORGNR = slice(2, 12)
_SUFFIX_CHARS = string.ascii_uppercase + string.digits


@cache
def _facets() -> tuple[re.Pattern[str], int | None]:
    facets = model_info(Huvud).by_py["hsa_id"].facets
    assert facets.pattern is not None
    return re.compile(f"^(?:{facets.pattern})$"), facets.max_length


def compact(number: str) -> str:
    """Remove surrounding whitespace."""
    return number.strip()


def validate(number: str) -> str:
    """Check an HSA-id and return it.

    Raises:
        InvalidLengthError: longer than the schema's maxLength (31).
        InvalidFormatError: not ``SE`` + 10 digits + ``-`` + 1–18 letters or digits.
        InvalidChecksumError: the organisation number fails the Luhn check.
    """
    pattern, max_length = _facets()
    if max_length is not None and len(number) > max_length:
        raise InvalidLengthError(f"an HSA-id has at most {max_length} characters")
    if pattern.fullmatch(number) is None:
        raise InvalidFormatError("an HSA-id is SE + 10 digits + '-' + suffix")
    try:
        orgnr.validate(number[_ORGNR])
    except ValidationError:
        raise InvalidChecksumError("the organisation number's check digit is wrong") from None
    return number


def is_valid(number: str) -> bool:
    """True when :func:`validate` accepts ``number``."""
    return _checks.accepts(validate, number)


def organisation_number(number: str) -> str:
    """The care provider's 10-digit organisation number inside a valid HSA-id."""
    return validate(number)[_ORGNR]


def with_organisation_number(number: str, digits: str) -> str:
    """Put a 9-digit organisation number body and its Luhn digit into an HSA-id's digits 3–12."""
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("expected nine digits")
    return number[:2] + digits + luhn.calc_check_digit(digits) + number[12:]


def generate(rng: random.Random) -> str:
    """A valid HSA-id: a random organisation number and a 4-character suffix."""
    body = f"{rng.randint(1, 9)}{rng.randint(0, 9)}{rng.randint(2, 9)}{rng.randrange(10**6):06d}"
    suffix = "".join(rng.choice(_SUFFIX_CHARS) for _ in range(4))
    return with_organisation_number(f"{_PREFIX}{'0' * 10}-{suffix}", body)
