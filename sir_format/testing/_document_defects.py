"""Document defects (SIR-X…): edits of a written report that break its form or its schema.

A defect is defined once, on format-neutral locations (steps of wire names and indices, see
:mod:`sir_format._paths`), and applied to the XML or the JSON of the same report: a bad value
derived from the field's facets in :mod:`sir_format.metadata`, a missing required element, an
unknown element, an element too many. Defects that only one format can carry (a DOCTYPE, an
attribute, a duplicate JSON key, …) name the formats they apply to.

Nothing here draws on its own: each defect gets Hypothesis's ``draw`` and the targets of the
report (every element of its XML, with its field and written text), and returns the edit or
``None`` when the report offers no place for it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from lxml import etree

from sir_format._paths import Location
from sir_format._xml import Limits
from sir_format.metadata import ROOT_ELEMENT, FieldInfo, Kind, ModelInfo, all_models, model_info
from sir_format.models import Huvud, SIRData
from sir_format.testing._defects import Layer, PayloadFormat
from sir_format.validation._base import Text

if TYPE_CHECKING:
    from hypothesis import strategies as st

__all__ = [
    "DOCUMENT_DEFECTS",
    "DOCUMENT_NOT_GENERATABLE",
    "Document",
    "DocumentDefect",
    "DocumentEdit",
    "Target",
    "apply_edit",
    "targets",
]

BOTH: frozenset[PayloadFormat] = frozenset({"xml", "json"})
XML: frozenset[PayloadFormat] = frozenset({"xml"})
JSON: frozenset[PayloadFormat] = frozenset({"json"})

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_UNKNOWN_NAMES = ("Extra", "Anteckning", "Tillägg")
_NUMBERS = (Kind.INTEGER, Kind.DECIMAL)
_JSON_STRINGS = (Kind.STRING, Kind.ENUM, Kind.DATE, Kind.DATETIME)
_TOKENS = (Kind.ENUM, Kind.DATE, Kind.DATETIME)
_FORMAT_VERSION = model_info(Huvud).by_py["formatversion"]
_MAX_LIST = 50  # lists longer than this are not grown past their maxOccurs


# ------------------------------------------------------------------------------ targets


@dataclass(frozen=True, slots=True)
class Target:
    """One element of a valid report.

    Attributes:
        location: where it is.
        field: its field (``None`` for the root).
        text: its written text (leaves), ``None`` for elements that hold elements.
        count: how many elements of its name its parent holds.
    """

    location: Location
    field: FieldInfo | None
    text: str | None
    count: int

    @property
    def leaf(self) -> bool:
        return self.field is not None and self.field.kind is not Kind.COMPLEX

    @property
    def model(self) -> ModelInfo:
        """The model of an element that holds elements."""
        return model_info(SIRData) if self.field is None else self.field.model


def targets(xml: bytes) -> tuple[Target, ...]:
    """Every element of a report written as XML (by :func:`sir_format.to_xml`), root first."""
    root = etree.fromstring(xml)
    found = [Target((), None, None, 1)]

    def walk(element: etree._Element, info: ModelInfo, location: Location) -> None:
        children = [child for child in element if isinstance(child.tag, str)]
        counts = Counter(child.tag for child in children)
        seen: Counter[str] = Counter()
        for child in children:
            name = str(child.tag)
            field = info.by_wire[name]
            index = seen[name] if field.is_list else None
            seen[name] += 1
            here = (*location, (name, index))
            if field.kind is Kind.COMPLEX:
                found.append(Target(here, field, None, counts[name]))
                walk(child, field.model, here)
            else:
                found.append(Target(here, field, child.text or "", counts[name]))

    walk(root, model_info(SIRData), ())
    return tuple(found)


# ---------------------------------------------------------------------------- documents


class _Raw(str):
    """A JSON token written as it is (a number, ``NaN``)."""


@dataclass(frozen=True, slots=True)
class Value:
    """A value to write: its text, and whether JSON writes it as a number."""

    text: str
    number: bool = False


class Document(Protocol):
    """A written report being edited: the same edits for XML and JSON."""

    format: PayloadFormat
    payload: bytes | None  # replaces the whole document when set

    def set_value(self, location: Location, value: Value) -> None: ...
    def remove(self, location: Location) -> None: ...
    def add(self, parent: Location, name: str, value: Value) -> None: ...
    def grow(self, location: Location, size: int) -> None: ...
    def write(self) -> bytes: ...


class XmlDocument:
    """A report's XML as an lxml tree."""

    format: PayloadFormat = "xml"

    def __init__(self, xml: bytes) -> None:
        self.root = etree.fromstring(xml)
        self.payload: bytes | None = None

    def node(self, location: Location) -> etree._Element:
        element = self.root
        for name, index in location:
            element = [child for child in element if child.tag == name][index or 0]
        return element

    def set_value(self, location: Location, value: Value) -> None:
        self.node(location).text = value.text

    def remove(self, location: Location) -> None:
        element = self.node(location)
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)

    def add(self, parent: Location, name: str, value: Value) -> None:
        etree.SubElement(self.node(parent), name).text = value.text

    def grow(self, location: Location, size: int) -> None:
        """Copy the element at ``location`` after the last of its name until there are
        ``size``."""
        element = self.node(location)
        parent = element.getparent()
        assert parent is not None
        last = [child for child in parent if child.tag == element.tag][-1]
        for _ in range(size - len([c for c in parent if c.tag == element.tag])):
            copy = deepcopy(element)
            copy.tail = last.tail
            last.addnext(copy)
            last = copy

    def write(self) -> bytes:
        if self.payload is not None:
            return self.payload
        return bytes(etree.tostring(self.root, xml_declaration=True, encoding="UTF-8"))


class JsonDocument:
    """A report's JSON as dicts and lists; numbers keep their written text."""

    format: PayloadFormat = "json"

    def __init__(self, data: bytes) -> None:
        self.root: dict[str, Any] = json.loads(data, parse_float=_Raw, parse_int=_Raw)
        self.payload: bytes | None = None
        self.twice: set[tuple[int, str]] = set()  # (id of object, key) written twice

    def node(self, location: Location) -> Any:
        value: Any = self.root
        for name, index in location:
            value = value[name] if index is None else value[name][index]
        return value

    def _slot(self, location: Location) -> tuple[Any, str | int]:
        *path, (name, index) = location
        parent = self.node(tuple(path))
        return (parent, name) if index is None else (parent[name], index)

    def set_value(self, location: Location, value: Value) -> None:
        container, key = self._slot(location)
        container[key] = _Raw(value.text) if value.number else value.text

    def set_raw(self, location: Location, value: Any) -> None:
        container, key = self._slot(location)
        container[key] = value

    def remove(self, location: Location) -> None:
        *path, (name, index) = location
        parent = self.node(tuple(path))
        if index is not None:
            del parent[name][index]
            if parent[name]:
                return
        del parent[name]

    def add(self, parent: Location, name: str, value: Value) -> None:
        self.node(parent)[name] = _Raw(value.text) if value.number else value.text

    def grow(self, location: Location, size: int) -> None:
        *path, (name, index) = location
        items = self.node(tuple(path))[name]
        items.extend(
            json.loads(_dump(items[index or 0]), parse_float=_Raw, parse_int=_Raw)
            for _ in range(size - len(items))
        )

    def write_twice(self, location: Location) -> None:
        """Write the key of ``location`` twice in its object."""
        *path, (name, _) = location
        self.twice.add((id(self.node(tuple(path))), name))

    def write(self) -> bytes:
        if self.payload is not None:
            return self.payload
        return _dump(self.root, self.twice).encode()


def _dump(value: Any, twice: set[tuple[int, str]] = frozenset()) -> str:  # type: ignore[assignment]
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict):
        members = []
        for key, item in value.items():
            member = f"{json.dumps(key, ensure_ascii=False)}:{_dump(item, twice)}"
            members.append(member)
            if (id(value), key) in twice:
                members.append(member)
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(item, twice) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# -------------------------------------------------------------------------------- edits


@dataclass(frozen=True, slots=True)
class DocumentEdit:
    """One drawn edit: where, the value before and after, and how to make it."""

    location: Location
    before: str | None
    after: str | None
    change: Callable[[Any], None]
    identity: bool = False  # the values are identity numbers


def apply_edit(edit: DocumentEdit, format: PayloadFormat, xml: bytes, json_: bytes) -> bytes:
    """Apply ``edit`` to the report written as ``format`` and return the new document."""
    document: XmlDocument | JsonDocument = (
        XmlDocument(xml) if format == "xml" else JsonDocument(json_)
    )
    edit.change(document)
    return document.write()


Drawer = Callable[["st.DrawFn", Sequence[Target]], DocumentEdit | None]


@dataclass(frozen=True, slots=True)
class DocumentDefect:
    """A defect made by editing the written document.

    Attributes:
        code: the defect's code, starting with the code it breaks (``"X020-bad-token"``).
        layer: ``wellformed`` or ``schema``.
        expected: the finding codes a correct validator may report.
        formats: the formats the defect applies to.
        draw: draws the edit from the report's targets; ``None`` when it does not apply.
    """

    code: str
    layer: Layer
    expected: frozenset[str]
    formats: frozenset[PayloadFormat]
    draw: Drawer


def _identity(field: FieldInfo | None) -> bool:
    from sir_format._privacy import identity_types

    return field is not None and field.xsd_type in identity_types()


def _pick(draw: st.DrawFn, found: Sequence[Target]) -> Target | None:
    from hypothesis import strategies as st

    return draw(st.sampled_from(found)) if found else None


def _value_defect(bad: Callable[[FieldInfo, str], Value | None]) -> Drawer:
    """A drawer that replaces the value of one leaf for which ``bad`` gives a value."""

    def drawer(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
        options = [
            (t, v)
            for t in found
            if t.leaf and t.field is not None and t.text is not None
            for v in [bad(t.field, t.text)]
            if v is not None
        ]
        if not options:
            return None
        from hypothesis import strategies as st

        target, value = draw(st.sampled_from(options))
        return DocumentEdit(
            target.location,
            target.text,
            value.text,
            lambda doc: doc.set_value(target.location, value),
            identity=_identity(target.field),
        )

    return drawer


# ---------------------------------------------------------------- bad values from facets


def _bad_token(f: FieldInfo, text: str) -> Value | None:
    if f.kind is not Kind.ENUM or f is _FORMAT_VERSION:  # another version: SIR-R003
        return None
    value = text + "X"
    return Value(value) if value not in f.facets.enumeration else None


def _nfd_token(f: FieldInfo, text: str) -> Value | None:
    if f.kind is not Kind.ENUM:
        return None
    value = unicodedata.normalize("NFD", text)
    return Value(value) if value != text else None


def _fits(f: FieldInfo, value: str) -> bool:
    """``value`` breaks no length facet of ``f``."""
    low, high = f.facets.min_length, f.facets.max_length
    return (low is None or len(value) >= low) and (high is None or len(value) <= high)


def _pattern_break(f: FieldInfo, text: str) -> Value | None:
    pattern = f.facets.pattern
    if f.kind is not Kind.STRING or pattern is None:
        return None
    for value in ("!", "a\tb", "#"):
        if _fits(f, value) and not re.fullmatch(pattern, value):
            return Value(value)
    return None


def _step(f: FieldInfo) -> Decimal:
    digits = f.facets.fraction_digits
    return (
        Decimal(1).scaleb(-digits) if digits is not None and f.kind is Kind.DECIMAL else Decimal(1)
    )


def _outside(f: FieldInfo, bound: Any, direction: int) -> Value | None:
    """The value one step past ``bound`` (``direction`` -1: below, +1: above)."""
    if bound is None:
        return None
    if isinstance(bound, datetime):
        return Value((bound + timedelta(seconds=direction)).isoformat())
    if isinstance(bound, date):
        return Value((bound + timedelta(days=direction)).isoformat())
    number = Decimal(bound) + direction * _step(f)
    return Value(str(number), number=True)


def _below(f: FieldInfo, text: str) -> Value | None:
    if f.kind not in (*_NUMBERS, Kind.DATE, Kind.DATETIME):
        return None
    return _outside(f, f.facets.min_inclusive, -1)


def _above(f: FieldInfo, text: str) -> Value | None:
    if f.kind not in (*_NUMBERS, Kind.DATE, Kind.DATETIME):
        return None
    return _outside(f, f.facets.max_inclusive, 1)


def _unknown_out_of_range(f: FieldInfo, text: str) -> Value | None:
    if f.kind is not Kind.NUMBER_OR_UNKNOWN:
        return None
    return _outside(f, f.facets.max_inclusive, 1)


def _too_long(f: FieldInfo, text: str) -> Value | None:
    high, pattern = f.facets.max_length, f.facets.pattern
    if f.kind is not Kind.STRING or high is None or not text:
        return None
    filler = text[-1] if pattern is not None else "x"
    if filler.isspace():
        return None
    value = text + filler * (high + 1 - len(text))
    if pattern is not None and not re.fullmatch(pattern, value):
        return None
    return Value(value)


def _too_many_decimals(f: FieldInfo, text: str) -> Value | None:
    digits, low = f.facets.fraction_digits, f.facets.min_inclusive
    if f.kind is not Kind.DECIMAL or digits is None or low is None:
        return None
    return Value(f"{Decimal(str(low)):.{digits}f}1", number=True)


def _not_integer(f: FieldInfo, text: str) -> Value | None:
    low = f.facets.min_inclusive
    if f.kind is not Kind.INTEGER or low is None:
        return None
    return Value(f"{low}.5", number=True)


def _comma_decimal(f: FieldInfo, text: str) -> Value | None:
    low = f.facets.min_inclusive
    if f.kind is not Kind.DECIMAL or low is None:
        return None
    return Value(str(low).replace(".", ",") if "." in str(low) else f"{low},5")


def _not_date(f: FieldInfo, text: str) -> Value | None:
    if f.kind is not Kind.DATE:
        return None
    return Value(text[:4] + "-02-30")


def _not_time(f: FieldInfo, text: str) -> Value | None:
    if f.kind is not Kind.DATETIME:
        return None
    return Value(text[:4] + "-02-30" + text[10:])


def _empty(f: FieldInfo, text: str) -> Value | None:
    return Value("") if f.kind in _JSON_STRINGS else None


def _padded(f: FieldInfo, text: str) -> Value | None:
    return Value(f" {text}") if f.kind in _TOKENS else None


def _control(f: FieldInfo, text: str) -> Value | None:
    if f.kind is not Kind.STRING or not text:
        return None
    return Value(text[:1] + "\u0001" + text[1:])


# ------------------------------------------------------------------ structure defects


def _unknown_element(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
    parent = _pick(draw, [t for t in found if not t.leaf])
    if parent is None:
        return None
    name = next(n for n in _UNKNOWN_NAMES if n not in parent.model.by_wire)
    location = (*parent.location, (name, None))
    value = Value("x")
    return DocumentEdit(
        location, None, value.text, lambda doc: doc.add(parent.location, name, value)
    )


def _missing_element(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
    target = _pick(
        draw,
        [
            t
            for t in found
            if t.field is not None and t.field.required and t.count == t.field.min_occurs == 1
        ],
    )
    if target is None:
        return None
    return DocumentEdit(
        target.location,
        target.text,
        None,
        lambda doc: doc.remove(target.location),
        identity=_identity(target.field),
    )


def _too_many(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
    target = _pick(
        draw,
        [
            t
            for t in found
            if t.field is not None
            and t.field.is_list
            and t.field.max_occurs <= _MAX_LIST
            and t.location[-1][1] == t.count - 1  # the last of its name
        ],
    )
    if target is None or target.field is None:
        return None
    size = target.field.max_occurs + 1
    name = target.location[-1][0]
    location = (*target.location[:-1], (name, size - 1))
    return DocumentEdit(
        location,
        None,
        target.text,
        lambda doc: doc.grow(target.location, size),
        identity=_identity(target.field),
    )


def _repeated(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
    target = _pick(draw, [t for t in found if t.field is not None and not t.field.is_list])
    if target is None:
        return None
    name = target.location[-1][0]
    location = (*target.location[:-1], (name, 1))
    return DocumentEdit(
        location,
        None,
        target.text,
        lambda doc: doc.grow(target.location, 2),
        identity=_identity(target.field),
    )


def _order(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
    def swap(doc: XmlDocument, location: Location) -> None:
        element = doc.node(location)
        following = element.getnext()
        assert following is not None
        element.addprevious(following)
        following.tail, element.tail = element.tail, following.tail

    options = []
    for t in found:
        if t.field is None:
            continue
        siblings = [
            u
            for u in found
            if u.field is not None
            and u.location[:-1] == t.location[:-1]
            and u.location[-1][0] != t.location[-1][0]
        ]
        names = list(dict.fromkeys(u.location[-1][0] for u in siblings))
        order = [f.wire_name for f in _parent_model(t).fields]
        later = [n for n in names if order.index(n) > order.index(t.location[-1][0])]
        is_last = t.location[-1][1] in (None, t.count - 1)
        if later and is_last and later[0] == min(later, key=order.index):
            options.append(t)
    target = _pick(draw, options)
    if target is None:
        return None
    return DocumentEdit(target.location, None, None, lambda doc: swap(doc, target.location))


def _parent_model(t: Target) -> ModelInfo:
    info = model_info(SIRData)
    for name, _ in t.location[:-1]:
        info = info.by_wire[name].model
    return info


def _on_element(change: Callable[[etree._Element], None], leaf: bool | None) -> Drawer:
    """An XML edit of one element (``leaf``: only leaves, only containers, or either)."""

    def drawer(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
        target = _pick(
            draw, [t for t in found if t.field is not None and (leaf is None or t.leaf == leaf)]
        )
        if target is None:
            return None
        return DocumentEdit(
            target.location,
            None,
            None,
            lambda doc: change(doc.node(target.location)),
        )

    return drawer


def _attribute(element: etree._Element) -> None:
    element.set("id", "1")


def _nil(element: etree._Element) -> None:
    element.set(f"{{{_XSI}}}nil", "true")


def _text_in_container(element: etree._Element) -> None:
    element.text = "x" + (element.text or "")


def _element_in_value(element: etree._Element) -> None:
    etree.SubElement(element, _UNKNOWN_NAMES[0])


def _nfd_name(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
    target = _pick(
        draw,
        [
            t
            for t in found
            if t.field is not None
            and t.field.required  # an optional one would also be missing for the rules
            and not t.field.is_list  # a list would lose an item
            and unicodedata.normalize("NFD", t.field.wire_name) != t.field.wire_name
        ],
    )
    if target is None or target.field is None:
        return None
    name = unicodedata.normalize("NFD", target.field.wire_name)

    def rename(doc: XmlDocument) -> None:
        doc.node(target.location).tag = name

    return DocumentEdit(target.location, target.field.wire_name, name, rename)


def _whole(
    after: Callable[[bytes], bytes], label: str | None, before: str | None = None
) -> Drawer:
    """An edit of the whole written document (``after`` gets the document's bytes);
    ``before`` and ``label`` are the values the label shows."""

    def drawer(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
        def change(doc: XmlDocument | JsonDocument) -> None:
            doc.payload = after(doc.write())

        return DocumentEdit((), before, label, change)

    return drawer


def _truncate(data: bytes) -> bytes:
    return data.rstrip()[:-1]


def _doctype(data: bytes) -> bytes:
    head, _, body = data.partition(b"?>")
    return head + b"?>\n<!DOCTYPE " + str(ROOT_ELEMENT).encode() + b">" + body


def _rename_root(data: bytes) -> bytes:
    return data.replace(str(ROOT_ELEMENT).encode(), b"Rapport")


def _json_edit(
    change: Callable[[JsonDocument, Target], None],
    wanted: Callable[[Target], bool],
    after: str | None,
    *,
    whole_list: bool = False,
) -> Drawer:
    """A JSON edit of one element; ``whole_list``: the edit replaces the element's list."""

    def drawer(draw: st.DrawFn, found: Sequence[Target]) -> DocumentEdit | None:
        target = _pick(draw, [t for t in found if t.field is not None and wanted(t)])
        if target is None:
            return None
        location, before = target.location, target.text
        if whole_list:
            location, before = (*location[:-1], (location[-1][0], None)), None
        return DocumentEdit(
            location,
            before,
            after,
            lambda doc: change(doc, target),
            identity=_identity(target.field),
        )

    return drawer


def _is_number(t: Target) -> bool:
    return (
        t.field is not None
        and t.field.kind in (*_NUMBERS, Kind.NUMBER_OR_UNKNOWN)
        and (t.text is not None and t.text[:1] in "-0123456789")
    )


def _set_null(doc: JsonDocument, t: Target) -> None:
    doc.set_raw(t.location, None)


def _set_nan(doc: JsonDocument, t: Target) -> None:
    doc.set_raw(t.location, _Raw("NaN"))


def _empty_array(doc: JsonDocument, t: Target) -> None:
    *path, (name, _) = t.location
    doc.node(tuple(path))[name] = []


def _twice(doc: JsonDocument, t: Target) -> None:
    doc.write_twice(t.location)


def _first_of_optional_list(t: Target) -> bool:
    """The first item of a list that may be absent (an empty required list is missing too)."""
    return (
        t.field is not None
        and t.field.is_list
        and t.field.min_occurs == 0
        and t.location[-1][1] == 0
    )


def _single(t: Target) -> bool:
    return t.field is not None and not t.field.is_list


def _defect(
    code: str,
    expected: tuple[str, ...],
    formats: frozenset[PayloadFormat],
    draw: Drawer,
    layer: Layer = "schema",
) -> DocumentDefect:
    return DocumentDefect(code, layer, frozenset(f"SIR-{c}" for c in expected), formats, draw)


DOCUMENT_DEFECTS: tuple[DocumentDefect, ...] = (
    # values, from the field's facets (both formats)
    _defect("X020-bad-token", ("X020",), BOTH, _value_defect(_bad_token)),
    _defect("X021-pattern", ("X021",), BOTH, _value_defect(_pattern_break)),
    _defect("X022-below-minimum", ("X022",), BOTH, _value_defect(_below)),
    _defect("X023-above-maximum", ("X023",), BOTH, _value_defect(_above)),
    _defect("X024-too-long", ("X024",), BOTH, _value_defect(_too_long)),
    _defect("X027-too-many-decimals", ("X027",), BOTH, _value_defect(_too_many_decimals)),
    _defect("X030-not-an-integer", ("X030",), BOTH, _value_defect(_not_integer)),
    _defect("X032-not-a-date", ("X032",), BOTH, _value_defect(_not_date)),
    _defect("X033-not-a-local-time", ("X033",), BOTH, _value_defect(_not_time)),
    _defect("X034-out-of-range", ("X034",), BOTH, _value_defect(_unknown_out_of_range)),
    _defect("X036-empty-value", ("X036",), BOTH, _value_defect(_empty)),
    # structure (both formats)
    _defect("X011-unknown-element", ("X011",), BOTH, _unknown_element),
    _defect("X012-missing-element", ("X012",), BOTH, _missing_element),
    _defect("X014-too-many", ("X014",), BOTH, _too_many),
    _defect("X007-empty-input", ("X007",), BOTH, _whole(lambda data: b"", ""), "wellformed"),
    _defect(
        "X008-unknown-format", ("X008",), BOTH, _whole(lambda data: b"SIR\n", "SIR"), "wellformed"
    ),
    # XML only
    _defect("X001-malformed", ("X001",), XML, _whole(_truncate, None), "wellformed"),
    _defect("X002-doctype", ("X002",), XML, _whole(_doctype, None), "wellformed"),
    _defect(
        "X010-root-element", ("X010",), XML, _whole(_rename_root, "Rapport", str(ROOT_ELEMENT))
    ),
    _defect("X011-nfd-element-name", ("X011",), XML, _nfd_name),
    _defect("X013-element-order", ("X011", "X012", "X013"), XML, _order),
    _defect("X014-repeated-element", ("X011", "X014"), XML, _repeated),
    _defect("X020-nfd-token", ("X020",), XML, _value_defect(_nfd_token)),
    _defect("X031-comma-decimal", ("X031",), XML, _value_defect(_comma_decimal)),
    _defect("X040-text-in-container", ("X040",), XML, _on_element(_text_in_container, False)),
    _defect("X041-element-in-value", ("X041",), XML, _on_element(_element_in_value, True)),
    _defect("X042-attribute", ("X042",), XML, _on_element(_attribute, None)),
    _defect("X043-xsi-nil", ("X043",), XML, _on_element(_nil, None)),
    # JSON only
    _defect("X004-invalid-json", ("X004",), JSON, _whole(_truncate, None), "wellformed"),
    _defect("X005-duplicate-key", ("X005",), JSON, _json_edit(_twice, _single, None)),
    _defect(
        "X006-not-finite", ("X006",), JSON, _json_edit(_set_nan, _is_number, "NaN"), "wellformed"
    ),
    _defect("X035-control-character", ("X035",), JSON, _value_defect(_control)),
    _defect("X037-whitespace-around-token", ("X037",), JSON, _value_defect(_padded)),
    _defect("X050-null", ("X050",), JSON, _json_edit(_set_null, _single, "null")),
    _defect(
        "X051-empty-array",
        ("X051",),
        JSON,
        _json_edit(_empty_array, _first_of_optional_list, "[]", whole_list=True),
    ),
)
"""Every document defect."""


@cache
def _facet_used(name: str) -> bool:
    return any(
        getattr(f.facets, name) not in (None, 0, 1) for info in all_models() for f in info.fields
    )


def _not_generatable() -> dict[str, Text]:
    limit = Limits().max_bytes
    reasons = {
        "SIR-X003": Text(
            sv=f"standardgränsen för indata är {limit} byte; så stora fall är inga testdata",
            en=f"the default input limit is {limit} bytes; a case that large is no test data",
        ),
        "SIR-X026": Text(
            sv="ingen typ i schemat har en length-fasett",
            en="no type of the schema has a length facet",
        ),
        "SIR-X049": Text(
            sv="samlingskoden för schemafel som ingen annan kod namnger; varje fel som "
            "defekterna gör har en egen kod",
            en="the catch-all for schema diagnostics that no other code names; every "
            "violation the defects make has a code of its own",
        ),
        "SIR-X060": Text(
            sv="hittas bara när ett modellobjekt kontrolleras: ett skrivet dokument kan inte "
            "bära ett värde som skrivaren vägrar",
            en="found only when a model object is validated: a written document cannot "
            "carry a value the writer refuses",
        ),
        "SIR-X090": Text(
            sv="en regels eget fel: korrekta regler rapporterar det aldrig",
            en="a rule's own failure: correct rules never report it",
        ),
    }
    if not _facet_used("min_length"):
        reasons["SIR-X025"] = Text(
            sv="inget fält har minLength över 1: ett kortare värde är tomt (SIR-X036)",
            en="no field has a minLength above 1: a shorter value is empty (SIR-X036)",
        )
    if not _facet_used("total_digits"):
        reasons["SIR-X028"] = Text(
            sv="ingen typ i schemat har en totalDigits-fasett",
            en="no type of the schema has a totalDigits facet",
        )
    return dict(sorted(reasons.items()))


DOCUMENT_NOT_GENERATABLE: Mapping[str, Text] = MappingProxyType(_not_generatable())
"""SIR-X code -> why no document defect makes it (Swedish and English)."""
