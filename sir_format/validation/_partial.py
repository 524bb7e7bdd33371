"""Binding a schema-invalid fragment partially, so that the registry rules can still run.

An episode that fails the schema is bound leniently: every element that is invalid, and every
required element that is missing, is left out of the model, and reading it raises
:class:`~sir_format.errors.Unusable` naming the element. The validator catches the signal and
reports the one rule that read it as not checked; the rules that never read it run as usual.

Which elements are invalid is found with a relaxed copy of the schema, not from the schema
layer's findings: libxml2 stops checking the children of an element after the first error in
its content model (a missing, misplaced or unknown element), so the values after it would be
unchecked. In the relaxed schema every element is optional, repeatable and allowed in any
order, and the elements the model does not know are removed from the fragment first (from the
fragment itself: a copy would double the memory of a hostile fragment); so every value is
checked against its type. A model object stands in for the schema-valid part; where one of its
fields is unusable, a :class:`Partial` wraps it and raises on reading that field (an ``is``
comparison reads the field first, so it cannot slip through).

The same relaxed check completes the schema layer's findings (:func:`recheck`): a value that
libxml2 left unchecked after a content-model error gets the finding the schema layer would have
given it (same code, message and location), and a value that libxml2 did report is not reported
again.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import InvalidOperation
from functools import cache
from typing import Any

from lxml import etree

from sir_format import _xml
from sir_format._paths import Location
from sir_format.errors import Unusable
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import SIRData
from sir_format.validation._findings import Finding
from sir_format.validation._schema_layer import element_at_path, name_errors, relative_location

__all__ = ["CONTENT_CODES", "Partial", "Rechecked", "bind_partial", "recheck"]

CONTENT_CODES = frozenset({"SIR-X011", "SIR-X012", "SIR-X013", "SIR-X014"})
"""Codes of content-model errors: they say where an element is, not what its value is."""

_XS = f"{{{_xml.XSD_NS}}}"
_GROUPS = {f"{_XS}sequence", f"{_XS}choice", f"{_XS}all"}


class Partial:
    """A model object with unusable fields: reading one raises :class:`Unusable`."""

    __slots__ = ("_model", "_unusable")

    def __init__(self, model: Any, unusable: dict[str, tuple[Location, bool]]) -> None:
        self._model = model
        self._unusable = unusable

    def __getattr__(self, name: str) -> Any:
        found = self._unusable.get(name)
        if found is not None:
            raise Unusable(*found)
        return getattr(self._model, name)

    def __repr__(self) -> str:
        return f"<partial {type(self._model).__name__}>"


@dataclass(frozen=True, slots=True)
class Rechecked:
    """What the relaxed check of one fragment found."""

    findings: list[Finding]
    """Schema findings of the values the schema layer had not reported."""
    invalid: set[Location] | None
    """Locations of every invalid value; ``None`` when an error could not be placed."""


def recheck(
    element: etree._Element,
    cls: type,
    base: Location,
    *,
    reported: Sequence[Finding],
    episode: str | None,
    episode_index: int | None,
    keep_lines: bool,
    suppressed: Sequence[Location] = (),
    flagged: Collection[Location] = (),
) -> Rechecked:
    """Check every value of a schema-invalid ``element`` (at ``base``) against its type.

    ``reported`` are the schema layer's findings of the fragment: a value at one of their
    locations is not reported again (a content-model finding does not count: it says where the
    element is, not whether its value is valid). ``suppressed`` and ``flagged`` are the
    locations the reader already reported (JSON), as for the schema layer. The elements the
    model does not know are removed from ``element`` (see :func:`bind_partial`).
    """
    _prune(element, cls)
    schema = _relaxed_schema()
    if schema.validate(element):
        return Rechecked([], set())
    placed = []
    invalid: set[Location] | None = set()
    for error in schema.error_log:
        target = element_at_path(element, error.path)
        if target is None:
            invalid = None
            continue
        placed.append(error)
        if invalid is not None:
            invalid.add(base + relative_location(target, element, cls))
    seen = {f.location for f in reported if f.code not in CONTENT_CODES}
    findings = name_errors(
        placed,
        element,
        base,
        episode=episode,
        episode_index=episode_index,
        keep_lines=keep_lines,
        suppressed=suppressed,
        seen=seen | set(flagged),
    )
    return Rechecked(findings, invalid)


def bind_partial(
    element: etree._Element,
    cls: type,
    base: Location,
    replaced: Collection[Location] = (),
    checked: Rechecked | None = None,
) -> Any:
    """The model of ``element`` (at ``base``) with its invalid and missing elements unusable.

    The elements the model does not know are removed from ``element`` first (it has been
    validated already, and is only read for source lines afterwards).

    ``replaced`` lists locations whose value the reader did not take as written (the JSON
    reader's wrong types); they are unusable too. ``checked`` is the result of :func:`recheck`
    on the same element, when it ran (the relaxed check is not run twice). ``None`` when an
    error of the relaxed check cannot be placed (then nothing of the fragment is trusted).
    """
    if checked is None:
        _prune(element, cls)
        invalid = _invalid(element, cls, base)
    else:
        invalid = checked.invalid
    if invalid is None:
        return None
    return _Binder(invalid | set(replaced)).complex(element, cls, base)


class _Binder:
    def __init__(self, unusable: set[Location]) -> None:
        self.unusable = unusable

    def complex(self, element: etree._Element, cls: type, location: Location) -> Any:
        info = model_info(cls)
        children: dict[str, list[etree._Element]] = {}
        for child in element:
            if isinstance(child.tag, str) and child.tag in info.by_wire:
                children.setdefault(child.tag, []).append(child)
        values: dict[str, Any] = {}
        unusable: dict[str, tuple[Location, bool]] = {}
        for f in info.fields:
            found = children.get(f.wire_name, [])
            here: Location = (*location, (f.wire_name, None))
            if not found:
                if here in self.unusable:
                    unusable[f.py_name] = (here, False)
                elif f.required:
                    unusable[f.py_name] = (here, True)
                continue
            if len(found) > f.max_occurs:  # too many: which ones count is unknown
                extra = f.max_occurs if f.is_list else 1
                unusable[f.py_name] = ((*location, (f.wire_name, extra)), False)
                continue
            items: list[Any] = []
            for index, child in enumerate(found):
                at = (*location, (f.wire_name, index)) if f.is_list else here
                value, bad = self._value(child, f, at)
                if bad is not None:
                    unusable[f.py_name] = (bad, False)
                    break
                items.append(value)
            else:
                values[f.py_name] = items if f.is_list else items[0]
        for name in unusable:
            values[name] = None
        model = cls(**values)
        return Partial(model, unusable) if unusable else model

    def _value(self, child: etree._Element, f: FieldInfo, at: Location) -> tuple[Any, Any]:
        """(value, None), or (None, location) when the value cannot be used."""
        if at in self.unusable:
            return None, at
        if f.kind is Kind.COMPLEX:
            return self.complex(child, f.python_type, at), None
        try:
            return _xml._leaf_converter(f)(child.text or ""), None
        except (ValueError, TypeError, KeyError, InvalidOperation):
            return None, at


# --------------------------------------------------------------------------- relaxed check


def _invalid(element: etree._Element, cls: type, base: Location) -> set[Location] | None:
    """Locations of every value that its type rejects, or ``None`` if one cannot be placed."""
    schema = _relaxed_schema()
    if schema.validate(element):
        return set()
    found: set[Location] = set()
    for error in schema.error_log:
        target = element_at_path(element, error.path)
        if target is None:
            return None
        found.add(base + relative_location(target, element, cls))
    return found


def _prune(element: etree._Element, cls: type) -> None:
    """Remove the children the model does not know, at every level."""
    fields = model_info(cls).by_wire
    child = element[0] if len(element) else None
    while child is not None:  # one sibling at a time: no list of a hostile number of them
        following = child.getnext()
        f = fields.get(child.tag) if isinstance(child.tag, str) else None
        if f is None:
            if isinstance(child.tag, str):
                element.remove(child)
        elif f.kind is Kind.COMPLEX:
            _prune(child, f.python_type)
        child = following


@cache
def _relaxed_schema() -> etree.XMLSchema:
    """The fragment schema with every content model a repeatable choice of its elements."""
    doc = _xml._xsd_document()
    root = doc.getroot()
    for complex_type in root.iterfind(f"{_XS}complexType"):
        group = next((c for c in complex_type if c.tag in _GROUPS), None)
        if group is None:
            continue
        choice = etree.Element(f"{_XS}choice", minOccurs="0", maxOccurs="unbounded")
        names: set[str] = set()
        for declaration in group.iter(f"{_XS}element"):
            name = declaration.get("name")
            if name in names:
                continue
            names.add(name or "")
            relaxed = copy.deepcopy(declaration)
            relaxed.attrib.pop("minOccurs", None)
            relaxed.attrib.pop("maxOccurs", None)
            choice.append(relaxed)
        complex_type.replace(group, choice)
    for f in model_info(SIRData).fields:
        global_element = etree.SubElement(root, f"{_XS}element")
        global_element.set("name", f.wire_name)
        global_element.set("type", f.xsd_type)
    return etree.XMLSchema(doc)
