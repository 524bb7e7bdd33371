"""Schema layer: validate one fragment (the header or an episode) and name every diagnostic.

A fragment is validated with libxml2 against the shipped XSD (through the in-memory fragment
schema of :mod:`sir_format._xml`, where ``Huvud`` and ``Vårdtillfälle`` are global elements).
Every libxml2 error is kept and mapped to a stable SIR-X code (or SIR-R003 for a wrong
``Formatversion``), with message parameters, the logical location of the element it concerns
and the source line. The raw libxml2 message stays on the finding (``Finding.raw``), with
identity-bearing values masked (:func:`~sir_format.validation._masking.protect`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from sir_format import _xml
from sir_format._paths import Location, Step
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import Huvud, SIRData
from sir_format.validation._core import Finding, Severity, Text
from sir_format.validation._masking import protect

__all__ = ["check_fragment", "display_name", "name_errors", "relative_location"]

_T = etree.ErrorTypes
_SEV = Severity.FATAL
_ROOT_FIELDS = model_info(SIRData).by_wire
_FORMATVERSION = (
    model_info(SIRData).by_py["huvud"].wire_name,
    model_info(Huvud).by_py["formatversion"].wire_name,
)


_VALUE = re.compile(r"The value '(.*?)' ")
_QUOTED_VALUE = re.compile(r"^'(.*)' is not a valid value")
_SET = re.compile(r"set \{(.*)\}")
_PATTERN = re.compile(r"pattern '(.*)'\.?$")
_LIMIT = re.compile(r"allowed \('(.*)'\)")
_LENGTH = re.compile(r"length of '(\d+)'.*?length of '(\d+)'")
_DIGITS = re.compile(r"than are allowed \('(\d+)'\)")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (.*) \)")
_ATTRIBUTE = re.compile(r"attribute '([^']*)'")
_PREFIX = re.compile(r"^Element '[^']*'(?:, attribute '[^']*')?: ")

_ATTRIBUTES = {
    _T.SCHEMAV_CVC_TYPE_3_1_1,
    _T.SCHEMAV_CVC_COMPLEX_TYPE_3_2_1,
    _T.SCHEMAV_CVC_COMPLEX_TYPE_3_2_2,
}
_NIL = {_T.SCHEMAV_CVC_ELT_3_1, _T.SCHEMAV_CVC_ELT_3_2_1, _T.SCHEMAV_CVC_ELT_3_2_2}
_TYPE_CODES = {
    Kind.INTEGER: "SIR-X030",
    Kind.DECIMAL: "SIR-X031",
    Kind.DATE: "SIR-X032",
    Kind.DATETIME: "SIR-X033",
    Kind.NUMBER_OR_UNKNOWN: "SIR-X034",
}


def display_name(element: etree._Element) -> str:
    """The element's name as shown in messages (Clark notation if it has a namespace)."""
    tag = element.tag
    return tag if isinstance(tag, str) else "?"


def _join(names: Sequence[str]) -> Text | str:
    """``A``; ``A or B``; ``A, B or C`` in both languages."""
    if len(names) == 1:
        return names[0]
    head = ", ".join(names[:-1])
    return Text(sv=f"{head} eller {names[-1]}", en=f"{head} or {names[-1]}")


_NOTHING_MORE = Text(sv="inget fler element", en="no further element")
VARIANT = "variant"
"""Key of the message variant in a namer's parameters (taken out before the finding is made)."""
NFC_VARIANT = "nfc"
"""The message variant of a token or element name that is right but for its normalisation."""


def code_points(text: str) -> str:
    """``U+0061 U+030A``: the code points of ``text``, so that two spellings can be told apart."""
    return " ".join(f"U+{ord(char):04X}" for char in text)


def normalisation_params(written: str, intended: str) -> dict[str, Any]:
    """Parameters of the NFC variant: the characters of ``written`` that differ from the NFC
    spelling ``intended``, as code points on both sides (``U+0061 U+030A`` for ``U+00E5``)."""
    differing = [char for char in intended if unicodedata.normalize("NFD", char) != char]
    shown = list(dict.fromkeys(differing))
    return {
        "written": ", ".join(code_points(unicodedata.normalize("NFD", c)) for c in shown),
        "nfc": ", ".join(code_points(c) for c in shown),
        "token": intended,
        VARIANT: NFC_VARIANT,
    }


def nfc_form(text: str, known: Sequence[str] | Mapping[str, Any]) -> str | None:
    """The NFC spelling of ``text`` when that (and not ``text`` itself) is in ``known``."""
    normal = unicodedata.normalize("NFC", text)
    return normal if normal != text and normal in known else None


def _field_of(chain: Sequence[str], top_cls: type) -> FieldInfo | None:
    """The field at a chain of wire names below ``top_cls`` (``None`` if unknown)."""
    cls = top_cls
    found: FieldInfo | None = None
    for position, name in enumerate(chain):
        found = model_info(cls).by_wire.get(name)
        if found is None:
            return None
        if position < len(chain) - 1:
            if found.kind is not Kind.COMPLEX:
                return None
            cls = found.python_type
    return found


def _model_of(chain: Sequence[str], top_cls: type) -> type | None:
    """The model class of the element at ``chain`` (``top_cls`` for the empty chain)."""
    if not chain:
        return top_cls
    found = _field_of(chain, top_cls)
    if found is None or found.kind is not Kind.COMPLEX:
        return None
    return found.python_type


def relative_location(target: etree._Element, top: etree._Element, top_cls: type) -> Location:
    """Location of ``target`` below ``top`` (exclusive), with list indices from the metadata.

    A repeated element gets its 0-based index; a single element ``None``, or its position when
    it is (wrongly) repeated, so the path names the offending copy (``Kön[2]``).
    """
    chain: list[etree._Element] = []
    node: etree._Element | None = target
    while node is not None and node is not top:
        chain.append(node)
        node = node.getparent()
    if node is None:
        return ()
    chain.reverse()
    steps: list[Step] = []
    cls: type | None = top_cls
    for element in chain:
        name = display_name(element)
        info = model_info(cls).by_wire.get(name) if cls is not None else None
        before = sum(1 for _ in element.itersiblings(element.tag, preceding=True))
        if info is not None and info.is_list:
            steps.append((name, before))
        else:
            steps.append((name, before if before else None))
        cls = info.python_type if info is not None and info.kind is Kind.COMPLEX else None
    return tuple(steps)


def element_at_path(top: etree._Element, path: str | None) -> etree._Element | None:
    """The element a libxml2 error path (``/Vårdtillfälle/SAPS3/Samsjuklighet[2]``) names in
    the fragment ``top``; ``None`` when the path is empty or names nothing there."""
    steps = (path or "").strip("/").split("/")
    if not steps or not steps[0]:
        return None
    if len(steps) == 1:
        return top
    try:
        found = top.xpath("./" + "/".join(steps[1:]))
    except (etree.XPathError, ValueError):
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def _resolve(error: Any, element: etree._Element) -> etree._Element:
    """The element an error's path points at (the fragment itself when it cannot tell)."""
    found = element_at_path(element, error.path)
    return element if found is None else found


def check_fragment(
    element: etree._Element,
    base: Location,
    *,
    episode: str | None,
    episode_index: int | None,
    keep_lines: bool,
    suppressed: Sequence[Location] = (),
) -> list[Finding]:
    """Validate ``element`` (``Huvud`` or ``Vårdtillfälle``) and name every error.

    ``base`` is the fragment's own location; ``suppressed`` lists locations already reported
    (by the JSON reader) whose schema errors would only repeat them.
    """
    schema = _xml.fragment_schema()
    if schema.validate(element):
        return []
    return name_errors(
        schema.error_log,
        element,
        base,
        episode=episode,
        episode_index=episode_index,
        keep_lines=keep_lines,
        suppressed=suppressed,
    )


def name_errors(
    errors: Iterable[Any],
    element: etree._Element,
    base: Location,
    *,
    episode: str | None,
    episode_index: int | None,
    keep_lines: bool,
    suppressed: Sequence[Location] = (),
    seen: Collection[Location] = (),
) -> list[Finding]:
    """The findings of libxml2 ``errors`` on ``element`` (at ``base``), one per location.

    Errors at a location in ``seen`` (already reported) or below one of ``suppressed`` are left
    out.
    """
    field = _ROOT_FIELDS.get(display_name(element))
    top_cls: type = field.python_type if field is not None else SIRData
    findings: list[Finding] = []
    done: set[Location] = set(seen)
    for error in errors:
        target = _resolve(error, element)
        code, params, location = _classify(error, target, element, top_cls)
        variant = params.pop(VARIANT, None)
        absolute = base + location
        if absolute in done or _is_suppressed(absolute, suppressed):
            continue
        done.add(absolute)
        params, raw = protect(absolute, params, error.message, (target.text,))
        line = (error.line or target.sourceline) if keep_lines else None
        findings.append(
            Finding(
                code=code,
                severity=_SEV,
                params=params,
                location=absolute,
                episode=episode,
                episode_index=episode_index,
                line=line or None,
                raw=raw,
                variant=variant,
            )
        )
    return findings


def _is_suppressed(location: Location, suppressed: Sequence[Location]) -> bool:
    for prefix in suppressed:
        if len(prefix) > len(location):
            continue
        if all(
            name == got_name and (index is None or index == got_index)
            for (name, index), (got_name, got_index) in zip(prefix, location, strict=False)
        ):
            return True
    return False


def _classify(
    error: Any, target: etree._Element, top: etree._Element, top_cls: type
) -> tuple[str, dict[str, Any], Location]:
    """(code, params, relative location) of one libxml2 error."""
    message: str = error.message or ""
    location = relative_location(target, top, top_cls)
    if error.type == _T.SCHEMAV_ELEMENT_CONTENT:
        return _content_error(message, target, top, top_cls, location)
    chain = tuple(step for step, _ in location)
    value_match = _VALUE.search(message) or _QUOTED_VALUE.search(_PREFIX.sub("", message))
    error_facts = _Error(
        kind=error.type,
        message=message,
        element=display_name(target),
        value=value_match.group(1) if value_match else (target.text or ""),
        info=_field_of(chain, top_cls),
        path=(display_name(top), *chain),
    )
    code, params = _NAMERS.get(error.type, _other)(error_facts)
    return code, params, location


@dataclass(frozen=True, slots=True)
class _Error:
    """What naming a value or attribute error needs: its kind, message, element and field."""

    kind: Any
    message: str
    element: str
    value: str
    info: FieldInfo | None
    path: tuple[str, ...]
    """Wire names from the fragment's own element down to the element of the error."""

    def params(self, **extra: Any) -> dict[str, Any]:
        return {"element": self.element, **extra}


_Named = tuple[str, dict[str, Any]]


def _enumeration(error: _Error) -> _Named:
    if not error.value.strip():
        return "SIR-X036", error.params()
    if error.path == _FORMATVERSION:
        return "SIR-R003", {"v": error.value}
    allowed: Sequence[str] = error.info.facets.enumeration if error.info is not None else ()
    if not allowed:
        found = _SET.search(error.message)
        allowed = re.findall(r"'([^']*)'", found.group(1)) if found else ()
    intended = nfc_form(error.value, allowed)
    if intended is not None:
        return "SIR-X020", error.params(
            v=error.value, allowed=list(allowed), **normalisation_params(error.value, intended)
        )
    return "SIR-X020", error.params(v=error.value, allowed=list(allowed))


def _pattern(error: _Error) -> _Named:
    info = error.info
    if not error.value.strip():
        return "SIR-X036", error.params()
    if info is not None and info.kind in (Kind.DATE, Kind.DATETIME):
        return _TYPE_CODES[info.kind], error.params(v=error.value)
    pattern = _PATTERN.search(error.message)
    shown = pattern.group(1) if pattern else (info.facets.pattern if info else "") or ""
    return "SIR-X021", error.params(v=error.value, pattern=shown)


def _bound(code: str) -> Callable[[_Error], _Named]:
    """Namer of a range error (minimum or maximum) reported as ``code``."""

    def name(error: _Error) -> _Named:
        limit = _LIMIT.search(error.message)
        return code, error.params(v=error.value, limit=limit.group(1) if limit else "?")

    return name


def _length(code: str) -> Callable[[_Error], _Named]:
    """Namer of a length error reported as ``code`` (SIR-X036 for an empty value)."""

    def name(error: _Error) -> _Named:
        lengths = _LENGTH.search(error.message)
        n, limit = (lengths.group(1), lengths.group(2)) if lengths else ("?", "?")
        if error.kind == _T.SCHEMAV_CVC_MINLENGTH_VALID and n == "0":
            return "SIR-X036", error.params()
        return code, error.params(n=_int(n), limit=_int(limit))

    return name


def _digits(code: str) -> Callable[[_Error], _Named]:
    """Namer of a fraction-digits or total-digits error reported as ``code``."""

    def name(error: _Error) -> _Named:
        digits = _DIGITS.search(error.message)
        return code, error.params(v=error.value, limit=_int(digits.group(1) if digits else "?"))

    return name


def _datatype(error: _Error) -> _Named:
    if not error.value.strip():
        return "SIR-X036", error.params()
    if error.kind == _T.SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
        return "SIR-X034", error.params(v=error.value)
    info = error.info
    code = _TYPE_CODES.get(info.kind, "SIR-X035") if info is not None else "SIR-X035"
    return code, error.params(v=error.value)


def _plain(code: str) -> Callable[[_Error], _Named]:
    """Namer of an error whose only parameter is the element."""
    return lambda error: (code, error.params())


def _attribute(error: _Error) -> _Named:
    attribute = _ATTRIBUTE.search(error.message)
    return "SIR-X042", error.params(attribute=attribute.group(1) if attribute else "?")


_SCHEMA_DETAIL = Text(
    sv="innehållet följer inte schemat här", en="the content does not follow the schema here"
)


def _other(error: _Error) -> _Named:
    """Any other schema error: named without libxml2's text (kept in ``Finding.raw``)."""
    return "SIR-X049", error.params(detail=_SCHEMA_DETAIL)


_NAMERS: dict[Any, Callable[[_Error], _Named]] = {
    _T.SCHEMAV_CVC_ENUMERATION_VALID: _enumeration,
    _T.SCHEMAV_CVC_PATTERN_VALID: _pattern,
    _T.SCHEMAV_CVC_MININCLUSIVE_VALID: _bound("SIR-X022"),
    _T.SCHEMAV_CVC_MINEXCLUSIVE_VALID: _bound("SIR-X022"),
    _T.SCHEMAV_CVC_MAXINCLUSIVE_VALID: _bound("SIR-X023"),
    _T.SCHEMAV_CVC_MAXEXCLUSIVE_VALID: _bound("SIR-X023"),
    _T.SCHEMAV_CVC_MAXLENGTH_VALID: _length("SIR-X024"),
    _T.SCHEMAV_CVC_MINLENGTH_VALID: _length("SIR-X025"),
    _T.SCHEMAV_CVC_LENGTH_VALID: _length("SIR-X026"),
    _T.SCHEMAV_CVC_FRACTIONDIGITS_VALID: _digits("SIR-X027"),
    _T.SCHEMAV_CVC_TOTALDIGITS_VALID: _digits("SIR-X028"),
    _T.SCHEMAV_CVC_DATATYPE_VALID_1_2_1: _datatype,
    _T.SCHEMAV_CVC_DATATYPE_VALID_1_2_2: _datatype,
    _T.SCHEMAV_CVC_DATATYPE_VALID_1_2_3: _datatype,
    _T.SCHEMAV_CVC_COMPLEX_TYPE_2_3: _plain("SIR-X040"),
    _T.SCHEMAV_CVC_TYPE_3_1_2: _plain("SIR-X041"),
    _T.SCHEMAV_CVC_COMPLEX_TYPE_2_1: _plain("SIR-X041"),
    **dict.fromkeys(_ATTRIBUTES, _attribute),
    **dict.fromkeys(_NIL, _plain("SIR-X043")),
}
"""How each kind of libxml2 value, attribute or nil error is named (others: SIR-X049)."""


def _int(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _content_error(
    message: str,
    target: etree._Element,
    top: etree._Element,
    top_cls: type,
    location: Location,
) -> tuple[str, dict[str, Any], Location]:
    """Name a content-model error: unexpected, missing, misplaced or repeated element."""
    found = _EXPECTED.search(message)
    expected = [n.strip() for n in found.group(1).split(",")] if found else []
    name = display_name(target)
    if "Missing child element" in message:
        parent_cls = _model_of([step for step, _ in location], top_cls)
        required = _required(parent_cls, list(target), None, expected)
        return _missing(required or expected, location, ())
    parent_location = location[:-1]
    parent = target.getparent()
    parent_cls = _model_of([step for step, _ in parent_location], top_cls)
    known = model_info(parent_cls).by_wire if parent_cls is not None else {}
    info = known.get(name)
    shown_expected: Any = _join(expected) if expected else _NOTHING_MORE
    if info is None:
        params = {"element": name, "expected": shown_expected}
        intended = nfc_form(name, known)
        if intended is not None:
            params.update(normalisation_params(name, intended))
        return "SIR-X011", params, location
    before = sum(1 for _ in target.itersiblings(target.tag, preceding=True))
    if before >= info.max_occurs:
        return "SIR-X014", {"element": name, "n": info.max_occurs}, location
    expected_later = parent is not None and expected and _comes_later(target, expected)
    if expected_later:
        return "SIR-X013", {"element": name, "expected": _join(expected)}, location
    siblings = list(parent) if parent is not None else []
    required = _required(parent_cls, siblings, target, expected)
    if required:
        return _missing(required, parent_location, location)
    return "SIR-X011", {"element": name, "expected": shown_expected}, location


def _comes_later(target: etree._Element, names: Sequence[str]) -> bool:
    """Whether an element named in ``names`` follows ``target`` (no copy of the siblings)."""
    return next(target.itersiblings(*names), None) is not None


def _required(
    cls: type | None,
    children: Sequence[etree._Element],
    stop: etree._Element | None,
    expected: Sequence[str],
) -> list[str]:
    """The element that is missing where libxml2 stopped: the first required element (by the
    metadata's occurrences and schema order) after the last known child before ``stop`` (the
    element found instead; ``None``: the end of the parent), among the ``expected`` ones.

    A member of an ``xs:choice`` branch is required once an earlier member of its branch is
    present (``GCSVerbal`` after ``GCSÖgon``). Empty when nothing required is missing: the
    element found is then out of place.
    """
    if cls is None:
        return list(expected)
    info = model_info(cls)
    order = {f.wire_name: position for position, f in enumerate(info.fields)}
    present: list[str] = []
    for child in children:
        if child is stop:
            break
        if isinstance(child.tag, str) and child.tag in order:
            present.append(child.tag)
    last = max((order[n] for n in present), default=-1)
    wanted = set(expected)
    for f in info.fields[last + 1 :]:
        if f.wire_name not in wanted:
            continue
        if f.min_occurs > 0 or _branch_started(info, f, present):
            return [f.wire_name]
    return []


def _branch_started(info: Any, f: FieldInfo, present: Sequence[str]) -> bool:
    """Whether ``f`` follows a present member of its own ``xs:choice`` branch."""
    if f.choice is None:
        return False
    for branch in info.choices[f.choice]:
        if f.wire_name in branch:
            earlier = branch[: branch.index(f.wire_name)]
            return any(name in present for name in earlier)
    return False


def _missing(
    expected: Sequence[str], parent: Location, fallback: Location
) -> tuple[str, dict[str, Any], Location]:
    if not expected:
        return "SIR-X012", {"element": "?"}, fallback or parent
    if len(expected) == 1:
        return "SIR-X012", {"element": expected[0]}, (*parent, (expected[0], None))
    return "SIR-X012", {"element": _join(expected)}, parent
