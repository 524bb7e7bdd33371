"""Decimal-or-unknown field types of the model, as type checkers and as msgspec see them.

To a type checker a decimal-or-unknown field is ``Decimal | <Enum>``. msgspec cannot decode a
union of ``Decimal`` and a string enumeration, so at run time the generated models annotate
such fields with a marker class instead; ``Decimal`` and the unknown enumeration are registered
as its virtual subclasses, and the JSON reader's ``dec_hook`` decodes it from a JSON number or
the enumeration's token.
"""

from __future__ import annotations

import enum
import sys
from abc import ABC
from decimal import Decimal
from typing import Any

__all__ = ["TOO_MANY_DIGITS", "DecimalMarker", "decimal_or", "plain_decimal"]

TOO_MANY_DIGITS = "a decimal with too many digits to write"
"""Why :func:`plain_decimal` refuses a value."""


def plain_decimal(value: Decimal) -> str:
    """A finite decimal in plain notation (``1E+2`` → ``100``), as XSD's ``xs:decimal`` has it.

    Refuses (``ValueError``) a value whose plain form would be longer than the digits Python
    turns an integer into text (``sys.get_int_max_str_digits()``, 4,300 by default): writing
    ``Decimal("1E+999999999")`` would otherwise build a gigabyte string.
    """
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # a finite decimal (the callers refuse NaN and infinities)
    length = len(digits) + exponent if exponent >= 0 else max(len(digits), -exponent) + 1
    limit = sys.get_int_max_str_digits() or _NO_LIMIT
    if length > limit:
        raise ValueError(TOO_MANY_DIGITS)
    return format(value, "f")


_NO_LIMIT = 4300  # the default, used when the interpreter's limit is switched off (0)


class DecimalMarker(ABC):
    """Base of the run-time markers; ``unknown`` is the enumeration beside the number."""

    unknown: type[enum.Enum]


def decimal_or(unknown: type[enum.Enum]) -> Any:
    """The marker of a decimal-or-``unknown`` field (one class per enumeration)."""
    marker = _MARKERS.get(unknown)
    if marker is None:
        marker = type(f"DecimalOr{unknown.__name__}", (DecimalMarker,), {"unknown": unknown})
        marker.register(Decimal)
        marker.register(unknown)
        _MARKERS[unknown] = marker
    return marker


_MARKERS: dict[type[enum.Enum], type[DecimalMarker]] = {}
