"""Masking of identity-bearing values in findings that are built from what was read.

Rules pass identity numbers as :class:`Identity` and local ids as :class:`LocalId` parameters.
Findings about malformed input (schema and reader findings, crashed rules) carry the values
as they were read, in their parameters and in the raw diagnostic. :func:`protect` masks them,
whatever is wrong with the value:

- the value of an identity-bearing element (``Personnummer``, see
  :func:`~sir_format._privacy.identity_types`) becomes an :class:`Identity` parameter and is
  masked in every other text parameter and in ``raw``;
- the value of ``LokaltId`` becomes a :class:`LocalId` parameter;
- any other text has its embedded personnummer and samordningsnummer masked (SIR-R063).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from sir_format._paths import Location
from sir_format._privacy import identity_types, mask_embedded_identities, mask_identity
from sir_format.metadata import FieldInfo, Kind, all_models, model_info
from sir_format.models import SIRData, Vardtillfalle
from sir_format.validation._core import Identity, LocalId

__all__ = ["protect"]

_VALUE = "v"
_NAMES = frozenset({"element", "pattern"})  # element names and facets: never input values


def _field(chain: Iterable[str]) -> FieldInfo | None:
    """The field at a chain of wire names below the root (``None`` if unknown)."""
    info = model_info(SIRData)
    found: FieldInfo | None = None
    for name in chain:
        if found is not None:
            if found.kind is not Kind.COMPLEX:
                return None
            info = model_info(found.python_type)
        found = info.by_wire.get(name)
        if found is None:
            return None
    return found


@cache
def _names() -> frozenset[str]:
    """Wire names of the elements :func:`_kind` can name (a quick first test)."""
    names = {model_info(Vardtillfalle).by_py["lokalt_id"].wire_name}
    for info in all_models():
        names.update(f.wire_name for f in info.fields if f.xsd_type in identity_types())
    return frozenset(names)


def _kind(location: Location) -> str | None:
    """``"identity"``, ``"local_id"`` or ``None`` for the element at ``location``."""
    if not location or location[-1][0] not in _names():
        return None
    found = _field(name for name, _ in location)
    if found is None:
        return None
    if found.xsd_type in identity_types():
        return "identity"
    return "local_id" if found == model_info(Vardtillfalle).by_py["lokalt_id"] else None


def _hide(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` masked, then any embedded identity number."""
    for value in sorted(set(values), key=len, reverse=True):
        if value:
            text = text.replace(value, mask_identity(value))
    return mask_embedded_identities(text)


def protect(
    location: Location,
    params: Mapping[str, Any],
    raw: str | None,
    texts: Iterable[str | None] = (),
) -> tuple[dict[str, Any], str | None]:
    """(params, raw) with the values of ``location``'s element masked.

    ``texts`` are further forms of the value as read (e.g. the element's text), masked in
    ``raw`` and the text parameters as well.
    """
    kind = _kind(location)
    value = params.get(_VALUE)
    values = [t for t in (value, *texts) if isinstance(t, str)] if kind == "identity" else []
    shown: dict[str, Any] = {}
    for name, param in params.items():
        if not isinstance(param, str) or name in _NAMES:
            shown[name] = param
        elif name == _VALUE and kind == "identity":  # the whole value, as read
            shown[name] = Identity(max((t for t in values if param in t), key=len))
        elif name == _VALUE and kind == "local_id":
            shown[name] = LocalId(param)
        else:
            shown[name] = _text(param, values)
    return shown, (_hide(raw, values) if raw else raw)


def _text(param: str, values: list[str]) -> str | LocalId:
    """A text parameter: the element's values masked; an embedded number as a :class:`LocalId`
    (masked unless revealed)."""
    if values:
        return _hide(param, values)
    return LocalId(param) if mask_embedded_identities(param) != param else param
