"""Code-list values given as enum members or as their tokens.

The one conversion shared by the builders, the Hypothesis strategies and the unit declaration:
``Vardtyp.IVA`` and ``"IVA"`` name the same value. An unknown token raises
:class:`~sir_format.errors.SirFormatError` naming the allowed tokens, and saying so when the
text is a token in decomposed Unicode (NFD).

>>> from sir_format.models import Vardtyp
>>> enum_member(Vardtyp, "IVA") is enum_member(Vardtyp, Vardtyp.IVA) is Vardtyp.IVA
True
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import TypeVar

from sir_format.errors import SirFormatError

__all__ = ["enum_member"]

E = TypeVar("E", bound=Enum)


def enum_member(enum_type: type[E], value: E | str, *, name: str | None = None) -> E:
    """The member of ``enum_type`` that ``value`` is, or whose token it is.

    ``name`` (the argument or key the value was given as) starts the error message.
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str) and not isinstance(value, Enum):
        for member in enum_type:
            if member.value == value:
                return member
    raise SirFormatError(_not_a_token(enum_type, value, name))


def _not_a_token(enum_type: type[Enum], value: object, name: str | None) -> str:
    allowed = ", ".join(str(m.value) for m in enum_type)
    where = f"{name}: " if name else ""
    if isinstance(value, Enum):
        given = f"{type(value).__name__}.{value.name}"
        return f"{where}{given} is not a {enum_type.__name__}; allowed: {allowed}"
    text = f"{where}{value!r} is not a {enum_type.__name__} token; allowed: {allowed}"
    if isinstance(value, str):
        composed = unicodedata.normalize("NFC", value)
        if composed != value and any(m.value == composed for m in enum_type):
            text += f" (it spells {composed} in decomposed Unicode: use the composed form, NFC)"
    return text
