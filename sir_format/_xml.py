"""XML building blocks: the hardened parser, the schemas, binding to the model, the writer.

Reading itself is the reading pipeline's (:mod:`sir_format.validation._sources`); this module
gives it (see ``docs/xml-json.md``):

- One hardened :class:`lxml.etree.XMLParser` configuration: no DTD loading, no entity
  resolution, no network, no huge trees (a DOCTYPE is refused by the pipeline).
- The shipped XSD through libxml2, and a fragment schema derived from it in memory (the root's
  child element declarations made global), so that the header and every episode are validated
  on their own: errors stay local to an episode, large files stream, and the episode limit is a
  setting (:class:`Limits`) instead of a hard schema failure.
- Binding walks a validated element and calls the model's Struct constructors directly, with
  one converter per field built once from :mod:`sir_format.metadata`.
- Writing walks the model with one formatter per field, emitting schema order and canonical
  lexical forms; the same object always gives the same bytes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, TypeVar, cast

from lxml import etree

from sir_format._gc import gc_paused
from sir_format._paths import Location, Step, logical_path
from sir_format.errors import Located as _Located
from sir_format.errors import MissingValue as _MissingValue
from sir_format.errors import (
    ParseError,
    SerializeError,
)
from sir_format.metadata import ROOT_ELEMENT, FieldInfo, Kind, model_info
from sir_format.models import SIRData

__all__ = [
    "Limits",
    "bind",
    "fragment_schema",
    "location_of",
    "write_xml",
    "xml_schema",
]

T = TypeVar("T")
XSD_NS = "http://www.w3.org/2001/XMLSchema"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for reading.

    Attributes:
        max_bytes: largest accepted input for whole-document reads (default 256 MiB);
            ``None`` for no limit. Streaming reads (:func:`iter_episodes`) ignore it.
        max_episodes: most ``Vårdtillfälle`` elements in one file. Defaults to the schema's
            ``maxOccurs`` (5000); raise it (or ``None``) to read larger bulk files.
    """

    max_bytes: int | None = 256 * _MiB
    max_episodes: int | None = -1  # -1: take the schema's maxOccurs

    def episode_limit(self) -> int | None:
        if self.max_episodes is not None and self.max_episodes < 0:
            return model_info(SIRData).by_py["vardtillfalle"].max_occurs
        return self.max_episodes


# --------------------------------------------------------------------------- parsing


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


# --------------------------------------------------------------------------- schemas


@cache
def xml_schema() -> etree.XMLSchema:
    """The shipped XSD, compiled (whole documents)."""
    return etree.XMLSchema(_xsd_document())


def _xsd_document() -> etree._ElementTree:
    source = resources.files("sir_format.schemas").joinpath("SIRDataVer52.xsd").read_bytes()
    return etree.fromstring(source, _parser()).getroottree()


@cache
def fragment_schema() -> etree.XMLSchema:
    """The XSD with the root's child elements declared globally, for fragment validation."""
    doc = _xsd_document()
    schema_el = doc.getroot()
    for f in model_info(SIRData).fields:
        element = etree.SubElement(schema_el, f"{{{XSD_NS}}}element")
        element.set("name", f.wire_name)
        element.set("type", f.xsd_type)
    return etree.XMLSchema(doc)


def location_of(element: etree._Element) -> Location:
    """The logical location of an element in a report tree (root excluded)."""
    steps: list[Step] = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        assert parent is not None
        tag = node.tag if isinstance(node.tag, str) else "?"
        repeated = _is_repeated(parent, tag)
        index = None
        if repeated:
            index = sum(1 for _ in node.itersiblings(tag, preceding=True))
        steps.append((tag, index))
        node = parent
    return tuple(reversed(steps))


def _field_of(element: etree._Element) -> FieldInfo | None:
    """The metadata of an element in a report tree, or None outside the model."""
    parent = element.getparent()
    if parent is None or not isinstance(element.tag, str):
        return None
    cls = _model_at(parent)
    return model_info(cls).by_wire.get(element.tag) if cls is not None else None


def _model_at(element: etree._Element) -> type | None:
    chain: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        chain.append(node.tag if isinstance(node.tag, str) else "?")
        node = node.getparent()
    cls: type = SIRData
    for name in reversed(chain[:-1]):
        field_info = model_info(cls).by_wire.get(name)
        if field_info is None or field_info.kind is not Kind.COMPLEX:
            return None
        cls = field_info.python_type
    return cls


def _is_repeated(parent: etree._Element, tag: str) -> bool:
    cls = _model_at(parent)
    field_info = model_info(cls).by_wire.get(tag) if cls is not None else None
    return bool(field_info and field_info.is_list)


# --------------------------------------------------------------------------- binding

_Binder = Callable[[etree._Element], Any]
_XSD_SPACE = re.compile("[ \t\n\r]+")  # XSD whitespace: no other Unicode spaces


def _leaf_converter(f: FieldInfo) -> Callable[[str], Any]:
    kind = f.kind
    if kind is Kind.ENUM:
        table = {member.value: member for member in f.python_type}  # type: ignore[attr-defined]
        return lambda text: table[text.strip()]
    if kind is Kind.INTEGER:
        return int
    if kind is Kind.DECIMAL:
        return lambda text: Decimal(text.strip())
    if kind is Kind.DATE:
        return lambda text: date.fromisoformat(text.strip())
    if kind is Kind.DATETIME:
        return lambda text: datetime.fromisoformat(text.strip())
    if kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        unknown = {m.value: m for m in f.unknown}
        number: Callable[[str], Any] = int if f.python_type is int else Decimal

        def number_or_unknown(text: str) -> Any:
            text = text.strip()
            member = unknown.get(text)
            return member if member is not None else number(text)

        return number_or_unknown
    if f.white_space == "collapse":
        return lambda text: _XSD_SPACE.sub(" ", text).strip(" ")
    if f.white_space == "replace":
        return lambda text: re.sub(r"[\t\n\r]", " ", text)
    return str


@cache
def _binder(cls: type) -> _Binder:
    info = model_info(cls)
    table: dict[str, tuple[str, bool, bool, Callable[[Any], Any]]] = {}
    for f in info.fields:
        if f.kind is Kind.COMPLEX:
            target = f.python_type
            table[f.wire_name] = (f.py_name, f.is_list, True, _lazy_binder(target))
        else:
            table[f.wire_name] = (f.py_name, f.is_list, False, _leaf_converter(f))

    def bind_element(element: etree._Element) -> Any:
        values: dict[str, Any] = {}
        for child in element:
            try:
                py_name, is_list, is_complex, convert = table[child.tag]
            except KeyError:
                raise _unexpected(child) from None
            value = convert(child) if is_complex else convert(child.text or "")
            if is_list:
                values.setdefault(py_name, []).append(value)
            else:
                values[py_name] = value
        return cls(**values)

    return bind_element


def _lazy_binder(cls: type) -> _Binder:
    def bind_child(element: etree._Element) -> Any:
        return _binder(cls)(element)

    return bind_child


def _unexpected(child: etree._Element) -> ParseError:
    tag = child.tag if isinstance(child.tag, str) else "a non-element node"
    return ParseError(
        f"unexpected element {tag!r}",
        path=logical_path(location_of(child)),
        line=_line(child),
    )


def bind(element: etree._Element, cls: type[T]) -> T:
    """Bind a schema-valid element to a model object of ``cls`` (no validation)."""
    try:
        binder: _Binder = _binder(cast(Hashable, cls))
        return cast(T, binder(element))
    except ParseError:
        raise
    except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
        raise ParseError(
            f"cannot bind element: {exc}",
            path=logical_path(location_of(element)) or None,
            line=_line(element),
        ) from None


# --------------------------------------------------------------------------- writing

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_Formatter = Callable[[Any], str]


def _format_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    found = _INVALID_XML_CHARS.search(value)
    if found:
        if "\ud800" <= found.group() <= "\udfff":
            raise ValueError("text holds a lone surrogate, which UTF-8 cannot encode")
        raise ValueError("contains a character that XML 1.0 cannot represent")
    return value.translate(_ESCAPES)


def _format_int(value: Any) -> str:
    if type(value) is not int:
        raise TypeError(f"expected int, got {type(value).__name__}")
    return int.__repr__(value)


def _format_decimal(value: Any) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"expected Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite decimal")
    return format(value, "f")


def _format_date(value: Any) -> str:
    if type(value) is not date:
        raise TypeError(f"expected datetime.date, got {type(value).__name__}")
    return value.isoformat()


def _format_datetime(value: Any) -> str:
    if type(value) is not datetime:
        raise TypeError(f"expected datetime.datetime, got {type(value).__name__}")
    if value.tzinfo is not None:
        raise ValueError("local times are naive (Swedish wall-clock time): remove tzinfo")
    if value.microsecond:
        raise ValueError("local times have whole seconds: remove microseconds")
    return value.isoformat()


def _enum_formatter(enum_type: type[enum.Enum]) -> _Formatter:
    tokens = {member: str(member.value).translate(_ESCAPES) for member in enum_type}

    def format_enum(value: Any) -> str:
        try:
            return tokens[value]
        except (KeyError, TypeError):
            raise TypeError(f"expected {enum_type.__name__}, got {type(value).__name__}") from None

    return format_enum


def _leaf_formatter(f: FieldInfo) -> _Formatter:
    if f.kind is Kind.ENUM:
        return _enum_formatter(f.python_type)
    if f.kind is Kind.INTEGER:
        return _format_int
    if f.kind is Kind.DECIMAL:
        return _format_decimal
    if f.kind is Kind.DATE:
        return _format_date
    if f.kind is Kind.DATETIME:
        return _format_datetime
    if f.kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        unknown = _enum_formatter(f.unknown)
        number = _format_int if f.python_type is int else _format_decimal

        def number_or_unknown(value: Any) -> str:
            return unknown(value) if isinstance(value, enum.Enum) else number(value)

        return number_or_unknown
    return _format_text


_Writer = Callable[[Any, list[str], str], None]


@cache
def _writer(cls: type) -> _Writer:
    info = model_info(cls)
    specs: list[tuple[str, str, bool, bool, bool, Any]] = []
    for f in info.fields:
        if f.kind is Kind.COMPLEX:
            specs.append((f.py_name, f.wire_name, f.is_list, f.required, True, f.python_type))
        else:
            specs.append(
                (f.py_name, f.wire_name, f.is_list, f.required, False, _leaf_formatter(f))
            )
    child_indent = "  "

    def write(obj: Any, out: list[str], indent: str) -> None:
        if type(obj) is not cls and not isinstance(obj, cls):
            raise TypeError(f"expected {cls.__name__}, got {type(obj).__name__}")
        inner = indent + child_indent
        for py_name, wire, is_list, required, is_complex, how in specs:
            value = getattr(obj, py_name)
            if value is None or (is_list and not value):
                if required:
                    raise _MissingValue(wire)
                continue
            items = value if is_list else (value,)
            if is_list and not isinstance(value, list):
                raise _Located(wire, None, TypeError("expected a list"))
            for position, item in enumerate(items):
                index = position if is_list else None
                try:
                    if is_complex:
                        if item is None:
                            raise TypeError("expected an object, got None")
                        nested: list[str] = []
                        _writer(how)(item, nested, inner)
                        if nested:
                            out.append(f"{inner}<{wire}>\n")
                            out.extend(nested)
                            out.append(f"{inner}</{wire}>\n")
                        else:
                            out.append(f"{inner}<{wire}/>\n")
                    else:
                        out.append(f"{inner}<{wire}>{how(item)}</{wire}>\n")
                except _Located as located:
                    raise located.prepend((wire, index)) from None
                except _MissingValue as missing:
                    raise _Located(
                        missing.wire, None, ValueError("required value is missing")
                    ).prepend((wire, index)) from None
                except (TypeError, ValueError, AttributeError) as exc:
                    raise _Located(wire, index, exc) from None

    return write


def write_xml(report: SIRData) -> bytes:
    """Serialise a report as UTF-8 XML in schema order (deterministic)."""
    if not isinstance(report, SIRData):
        raise SerializeError(f"expected a SIRData report, got {type(report).__name__}")
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<{ROOT_ELEMENT}>\n"]
    try:
        with gc_paused():
            _writer(SIRData)(report, out, "")
    except _Located as located:
        raise SerializeError(
            f"cannot write value: {located.cause}", path=logical_path(located.location)
        ) from None
    except _MissingValue as missing:
        raise SerializeError("required value is missing", path=missing.wire) from None
    out.append(f"</{ROOT_ELEMENT}>\n")
    return "".join(out).encode("utf-8")
