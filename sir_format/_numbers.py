"""Decimal field types of the model, as type checkers and as msgspec see them.

To a type checker a decimal field is :class:`decimal.Decimal` and a decimal-or-unknown field
``Decimal | <Enum>``. msgspec cannot decode a union of ``Decimal`` and a string enumeration,
and it would read a decimal from a JSON string as well as from a number, which the JSON
mapping (data dictionary §8) forbids. So at run time the generated models annotate these
fields with marker classes; ``Decimal`` (and the unknown enumeration) are registered as their
virtual subclasses, and the JSON reader's ``dec_hook`` decodes them from JSON numbers only.
"""

from __future__ import annotations

import enum
from abc import ABC
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

__all__ = ["DecimalMarker", "DecimalNumber", "decimal_or"]


class DecimalMarker(ABC):  # noqa: B024 - a marker: no abstract methods
    """Base of the run-time markers; ``unknown`` is the enumeration beside the number."""

    unknown: type[enum.Enum] | None = None


if TYPE_CHECKING:
    DecimalNumber: TypeAlias = Decimal
else:

    class DecimalNumber(DecimalMarker):
        """A decimal read from a JSON number (exactly, never through ``float``)."""

    DecimalNumber.register(Decimal)


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
