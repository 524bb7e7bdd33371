"""Decimal-or-unknown field types of the model, as type checkers and as msgspec see them.

To a type checker a decimal-or-unknown field is ``Decimal | <Enum>``. msgspec cannot decode a
union of ``Decimal`` and a string enumeration, so at run time the generated models annotate
such fields with a marker class instead; ``Decimal`` and the unknown enumeration are registered
as its virtual subclasses, and the JSON reader's ``dec_hook`` decodes it from a JSON number or
the enumeration's token.
"""

from __future__ import annotations

import enum
from abc import ABC
from decimal import Decimal
from typing import Any

__all__ = ["DecimalMarker", "decimal_or"]


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
