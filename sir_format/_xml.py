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
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, TypeVar, cast

from lxml import etree

from sir_format._gc import gc_paused
from sir_format._numbers import plain_decimal
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
    "WRITE_PROBLEMS",
    "Limits",
    "bind",
    "fragment_schema",
    "location_of",
    "write_problem",
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
#
# Each field gets a formatter (a leaf: value -> escaped text) or the writer of its class (a
# complex element). A value of the wrong type, a missing required value and a value that XML
# cannot hold raise TypeError or ValueError inside the walk; the walk adds the path and
# write_xml turns it into SerializeError. The accepted types and the messages are those of
# the JSON writer (sir_format._json), so both writers refuse the same report the same way.

WRITE_PROBLEMS: dict[str, str] = {
    "not_a_list": "expected a list, got {found}",
    "wrong_type": "expected {expected}, got {found}",
    "surrogate": "text holds a lone surrogate, which UTF-8 cannot encode",
    "character": "text holds {char}, a character XML 1.0 cannot represent",
    "digits": "an integer with too many digits to write",
    "not_finite": "a decimal must be finite (not NaN or Infinity)",
    "time_zone": "a local time has no time zone (naive datetime)",
    "fraction": "a local time has whole seconds (no fraction)",
    "empty_list": "a required list is empty",
    "missing": "a required value is missing (None)",
}
"""Why the XML writer cannot write a value: the English message of each reason, by key (the
keys of the SIR-X060 texts in the catalog, which word them in Swedish and English)."""


def _problem_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        f"(?P<{part}>.+?)" if position % 2 else re.escape(part)
        for position, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


_PROBLEM_PATTERNS = {key: _problem_pattern(template) for key, template in WRITE_PROBLEMS.items()}


def write_problem(message: str) -> tuple[str, dict[str, str]] | None:
    """The key of :data:`WRITE_PROBLEMS` and the parameters of the writer's ``message``
    (``None`` for a message of no known form)."""
    for key, pattern in _PROBLEM_PATTERNS.items():
        match = pattern.match(message)
        if match is not None:
            return key, match.groupdict()
    return None


def _problem_text(key: str, **params: str) -> str:
    return WRITE_PROBLEMS[key].format(**params)


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_Formatter = Callable[[Any], str]


def _wrong_type(expected: Iterable[type], value: Any) -> TypeError:
    names = " or ".join(sorted(t.__name__ for t in expected))
    return TypeError(_problem_text("wrong_type", expected=names, found=type(value).__name__))


def _format_text(value: Any) -> str:
    if type(value) is not str:
        raise _wrong_type((str,), value)
    found = _INVALID_XML_CHARS.search(value)
    if found:
        char = found.group()
        if "\ud800" <= char <= "\udfff":
            raise ValueError(_problem_text("surrogate"))
        raise ValueError(_problem_text("character", char=f"U+{ord(char):04X}"))
    return value.translate(_ESCAPES)


def _format_int(value: Any) -> str:
    if type(value) is not int:
        raise _wrong_type((int,), value)
    try:
        return int.__repr__(value)
    except ValueError:  # above sys.get_int_max_str_digits()
        raise ValueError(_problem_text("digits")) from None


def _format_decimal(value: Any) -> str:
    if type(value) is int:  # an integer is a decimal's value too (as in JSON)
        return _format_int(value)
    if type(value) is not Decimal:
        raise _wrong_type((Decimal, int), value)
    if not value.is_finite():
        raise ValueError(_problem_text("not_finite"))
    return plain_decimal(value)


def _format_date(value: Any) -> str:
    if type(value) is not date:
        raise _wrong_type((date,), value)
    return value.isoformat()


def _format_datetime(value: Any) -> str:
    if type(value) is not datetime:
        raise _wrong_type((datetime,), value)
    if value.tzinfo is not None:
        raise ValueError(_problem_text("time_zone"))
    if value.microsecond:
        raise ValueError(_problem_text("fraction"))
    return value.isoformat()


def _tokens(enum_type: type[enum.Enum]) -> dict[Any, str]:
    return {member: str(member.value).translate(_ESCAPES) for member in enum_type}


def _enum_formatter(f: FieldInfo) -> _Formatter:
    tokens = _tokens(f.python_type)

    def format_enum(value: Any) -> str:
        if type(value) is not f.python_type:
            raise _wrong_type((f.python_type,), value)
        return tokens[value]

    return format_enum


def _number_or_unknown_formatter(f: FieldInfo) -> _Formatter:
    unknown = f.unknown
    assert unknown is not None
    tokens = _tokens(unknown)
    number = _format_int if f.python_type is int else _format_decimal
    numbers = {int} if f.python_type is int else {Decimal, int}

    def number_or_unknown(value: Any) -> str:
        if type(value) is unknown:
            return tokens[value]
        if type(value) in numbers:
            return number(value)
        raise _wrong_type({*numbers, unknown}, value)

    return number_or_unknown


_LEAF_FORMATTERS: dict[Kind, Callable[[FieldInfo], _Formatter]] = {
    Kind.ENUM: _enum_formatter,
    Kind.INTEGER: lambda f: _format_int,
    Kind.DECIMAL: lambda f: _format_decimal,
    Kind.DATE: lambda f: _format_date,
    Kind.DATETIME: lambda f: _format_datetime,
    Kind.NUMBER_OR_UNKNOWN: _number_or_unknown_formatter,
    Kind.STRING: lambda f: _format_text,
}


@dataclass(frozen=True, slots=True)
class _Slot:
    """How to write one field of a class: a leaf's formatter, or a complex element's class."""

    py_name: str
    wire: str
    is_list: bool
    required: bool
    how: _Formatter | None  # None for a complex element
    cls: type

    @classmethod
    def of(cls, f: FieldInfo) -> _Slot:
        how = None if f.kind is Kind.COMPLEX else _LEAF_FORMATTERS[f.kind](f)
        return cls(f.py_name, f.wire_name, f.is_list, f.required, how, f.python_type)

    def items(self, value: Any) -> Iterable[tuple[int | None, Any]]:
        """The items of a list field, or of an absent value; checks shape and presence."""
        if value is None:
            if self.required:
                raise _MissingValue(self.wire)
            return ()
        if type(value) is not list:
            problem = TypeError(_problem_text("not_a_list", found=type(value).__name__))
            raise _Located(self.wire, None, problem)
        if not value and self.required:
            raise _Located(self.wire, None, ValueError(_problem_text("empty_list")))
        return enumerate(value)

    def write_complex(self, value: Any, out: list[str], indent: str) -> None:
        nested: list[str] = []
        _writer(self.cls)(value, nested, indent)
        if nested:
            out.append(f"{indent}<{self.wire}>\n")
            out.extend(nested)
            out.append(f"{indent}</{self.wire}>\n")
        else:
            out.append(f"{indent}<{self.wire}/>\n")


_MISSING = _problem_text("missing")
_Writer = Callable[[Any, list[str], str], None]


def _relocated(problem: Exception, step: Step) -> _Located:
    """``problem`` raised while writing the item at ``step``, with its path so far."""
    if isinstance(problem, _Located):
        return problem.prepend(step)
    if isinstance(problem, _MissingValue):
        return _Located(problem.wire, None, ValueError(_MISSING)).prepend(step)
    return _Located(step[0], step[1], problem)


@cache
def _writer(cls: type) -> _Writer:
    slots = tuple(_Slot.of(f) for f in model_info(cls).fields)
    child_indent = "  "

    def write(obj: Any, out: list[str], indent: str) -> None:
        if not isinstance(obj, cls):
            raise _wrong_type((cls,), obj)
        inner = indent + child_indent
        for slot in slots:
            value = getattr(obj, slot.py_name)
            items = slot.items(value) if slot.is_list or value is None else ((None, value),)
            for index, item in items:
                try:
                    if slot.how is None:
                        slot.write_complex(item, out, inner)
                    else:
                        out.append(f"{inner}<{slot.wire}>{slot.how(item)}</{slot.wire}>\n")
                except (_Located, _MissingValue, TypeError, ValueError) as problem:
                    raise _relocated(problem, (slot.wire, index)) from None

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
        raise SerializeError(str(located.cause), path=logical_path(located.location)) from None
    except _MissingValue as missing:
        raise SerializeError(_MISSING, path=missing.wire) from None
    out.append(f"</{ROOT_ELEMENT}>\n")
    return "".join(out).encode("utf-8")
