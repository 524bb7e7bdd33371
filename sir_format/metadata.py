"""Field metadata of every model class, read from the generated code and the XSD.

This is the one place that knows names, types, facets and occurrences. The codecs, the JSON
Schema exporter, the docs reference and the Hypothesis strategies all read it; none of them
repeats a field's name or limit.

>>> from sir_format.metadata import model_info
>>> from sir_format.models import Grunddata
>>> model_info(Grunddata).by_wire["Kön"].py_name
'kon'
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import msgspec

from sir_format._generated import models as _models
from sir_format._generated.facts import FACTS
from sir_format._generated.schema_info import SCHEMA_INFO
from sir_format._numbers import DecimalMarker

__all__ = [
    "ROOT_ELEMENT",
    "Facets",
    "FieldInfo",
    "Kind",
    "ModelInfo",
    "all_models",
    "enum_types",
    "model_info",
]

ROOT_ELEMENT = next(iter(SCHEMA_INFO["roots"]))
"""Name of the XML root element (``SIRDataVer52``)."""


class Kind(enum.Enum):
    """What a field holds."""

    COMPLEX = "complex"
    ENUM = "enum"
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    NUMBER_OR_UNKNOWN = "number-or-unknown"


@dataclass(frozen=True, slots=True)
class Facets:
    """XSD facets of a simple value; ``None`` / empty where the facet is absent."""

    pattern: str | None = None
    enumeration: tuple[str, ...] = ()
    min_inclusive: int | Decimal | date | datetime | None = None
    max_inclusive: int | Decimal | date | datetime | None = None
    min_length: int | None = None
    max_length: int | None = None
    fraction_digits: int | None = None
    total_digits: int | None = None


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One element of a complex type, in schema order.

    Attributes:
        wire_name: element name in XML and key in JSON (``Vårdtillfälle``).
        py_name: attribute name on the model (``vardtillfalle``).
        kind: what the field holds.
        python_type: the model class (complex), the Enum class (enum), or the scalar type
            (``int``, ``Decimal``, ``str``, ``date``, ``datetime``); for number-or-unknown the
            number type.
        unknown: for number-or-unknown fields, the Enum whose only member means "unknown".
        facets: XSD facets of the value (for lists: of each item).
        min_occurs / max_occurs: occurrence; ``max_occurs`` is 1 for single values.
        is_list: ``max_occurs > 1``.
        choice: index into :attr:`ModelInfo.choices` when the field sits in an ``xs:choice``.
        doc / provenance: one-line meaning and the dictionary's mark (V, P or R).
        xsd_type: name of the named XSD type, or "" for an anonymous one.
        white_space: the XSD whiteSpace facet of a simple value (``collapse`` for tokens,
            numbers, dates and code lists; ``preserve`` for plain strings; "" for complex).
        free_text: free text (derived from ``TextTyp``): readers trim it and keep the inside
            exactly; its lengths count the trimmed value (data dictionary §12, D2).
    """

    wire_name: str
    py_name: str
    kind: Kind
    python_type: type
    unknown: type[enum.Enum] | None
    facets: Facets
    min_occurs: int
    max_occurs: int
    is_list: bool
    choice: int | None
    doc: str
    provenance: str
    xsd_type: str
    white_space: str
    free_text: bool = False

    @property
    def required(self) -> bool:
        """True when the element must occur at least once."""
        return self.min_occurs > 0

    @property
    def model(self) -> ModelInfo:
        """Metadata of the field's model class (complex fields only)."""
        if self.kind is not Kind.COMPLEX:
            raise TypeError(f"{self.wire_name} is not a complex element")
        return model_info(self.python_type)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model class and its fields in schema order.

    ``choices`` lists each ``xs:choice`` of the type as a tuple of branches; a branch is the
    tuple of wire names that occur together.
    """

    cls: type
    xsd_type: str
    fields: tuple[FieldInfo, ...]
    choices: tuple[tuple[tuple[str, ...], ...], ...]
    doc: str

    @property
    def by_wire(self) -> dict[str, FieldInfo]:
        return _by_wire(self.cls)

    @property
    def by_py(self) -> dict[str, FieldInfo]:
        return _by_py(self.cls)


_FACET_KEYS = (
    "pattern",
    "min_inclusive",
    "max_inclusive",
    "min_length",
    "max_length",
    "fraction_digits",
    "total_digits",
)
_UNBOUNDED = 2**31 - 1  # maxOccurs="unbounded"
_SCALARS: dict[type, Kind] = {
    int: Kind.INTEGER,
    Decimal: Kind.DECIMAL,
    str: Kind.STRING,
    date: Kind.DATE,
    datetime: Kind.DATETIME,
}


def _classify(hint: Any) -> tuple[Kind, type, type[enum.Enum] | None]:
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _classify(typing.get_args(hint)[0])
    if isinstance(hint, type) and DecimalMarker in hint.__mro__:  # not a virtual subclass
        return Kind.NUMBER_OR_UNKNOWN, Decimal, typing.cast(type[DecimalMarker], hint).unknown
    if origin is list:
        return _classify(typing.get_args(hint)[0])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) == 1:
            return _classify(members[0])
        enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
        numbers = [m for m in members if m in (int, Decimal)]
        numbers += [m for m in members if typing.get_origin(m) is typing.Annotated]
        if len(enums) == 1 and len(numbers) == 1:
            return Kind.NUMBER_OR_UNKNOWN, _classify(numbers[0])[1], enums[0]
        raise TypeError(f"unsupported union type {hint!r}")
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Kind.ENUM, hint, None
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
        return Kind.COMPLEX, hint, None
    # date must be checked after datetime (datetime is a subclass of date)
    for scalar in (datetime, date, Decimal, int, str):
        if hint is scalar:
            return _SCALARS[scalar], scalar, None
    raise TypeError(f"unsupported field type {hint!r}")


def _coerce_bound(value: Any, kind: Kind, python_type: type) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if kind is Kind.DATE:
        return date.fromisoformat(value)
    if kind is Kind.DATETIME:
        return datetime.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    if python_type is int:
        return int(value)
    return value


def _is_list(hint: Any) -> bool:
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    return typing.get_origin(hint) is list


@cache
def model_info(cls: type) -> ModelInfo:
    """Return the metadata of a generated model class (cached)."""
    if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
        raise TypeError(f"{cls!r} is not a model class")
    facts = _facts_of(cls)
    xsd_type = facts["xsd_type"]
    info = SCHEMA_INFO["types"].get(xsd_type, {"elements": {}, "choices": ()})
    hints = typing.get_type_hints(cls, vars(_models), include_extras=True)
    choices: tuple[tuple[tuple[str, ...], ...], ...] = info["choices"]
    choice_of = {
        name: index for index, group in enumerate(choices) for branch in group for name in branch
    }
    fields = []
    for py_name, meta in facts["fields"].items():
        wire = meta["name"]
        kind, python_type, unknown = _classify(hints[py_name])
        enumeration: tuple[str, ...] = ()
        if kind is Kind.ENUM:
            enumeration = tuple(m.value for m in python_type)  # type: ignore[attr-defined]
        raw = {k: meta.get(k) for k in _FACET_KEYS}
        for key in ("min_inclusive", "max_inclusive"):
            raw[key] = _coerce_bound(raw[key], kind, python_type)
        facets = Facets(enumeration=enumeration, **raw)
        element = info["elements"].get(wire, {})
        fields.append(
            FieldInfo(
                wire_name=wire,
                py_name=py_name,
                kind=kind,
                python_type=python_type,
                unknown=unknown,
                facets=facets,
                min_occurs=meta["min_occurs"],
                max_occurs=meta["max_occurs"] or _UNBOUNDED,
                is_list=_is_list(hints[py_name]),
                choice=choice_of.get(wire),
                doc=element.get("doc", ""),
                provenance=element.get("provenance", ""),
                xsd_type=element.get("type_name", ""),
                white_space=element.get("white_space", ""),
                free_text=element.get("free_text", False),
            )
        )
    doc = (cls.__doc__ or "").strip() if not fields else ""
    return ModelInfo(cls=cls, xsd_type=xsd_type, fields=tuple(fields), choices=choices, doc=doc)


def _facts_of(cls: type) -> dict[str, Any]:
    for klass in cls.__mro__:
        facts = FACTS.get(klass.__name__)
        if facts is not None and getattr(_models, klass.__name__, None) is klass:
            return {**facts, "xsd_type": getattr(cls, "__xsd_type__", facts["xsd_type"])}
    raise TypeError(f"{cls!r} is not a model class")


@cache
def _by_wire(cls: type) -> dict[str, FieldInfo]:
    return {f.wire_name: f for f in model_info(cls).fields}


@cache
def _by_py(cls: type) -> dict[str, FieldInfo]:
    return {f.py_name: f for f in model_info(cls).fields}


@cache
def all_models() -> tuple[ModelInfo, ...]:
    """Every model class reachable from the root, depth-first in schema order."""
    seen: dict[type, ModelInfo] = {}

    def visit(cls: type) -> None:
        if cls in seen:
            return
        info = model_info(cls)
        seen[cls] = info
        for f in info.fields:
            if f.kind is Kind.COMPLEX:
                visit(f.python_type)

    visit(_models.SIRData)
    return tuple(seen.values())


@cache
def enum_types() -> tuple[type[enum.Enum], ...]:
    """Every enumeration used by the model, in first-use order."""
    found: dict[type[enum.Enum], None] = {}
    for info in all_models():
        for f in info.fields:
            if f.kind is Kind.ENUM:
                found[f.python_type] = None
            if f.unknown is not None:
                found[f.unknown] = None
    return tuple(found)
