"""JSON sources: decode strictly, then rebuild the equivalent XML element tree.

Keys are the XML element names (data dictionary §8), so the tree is built from the metadata
in schema order and validated by the same XSD as XML input: the same content gives the same
codes and logical paths. What JSON can express but XML cannot (``null``, booleans, a string
where a number belongs, an array where one value belongs, duplicate keys) is reported here as
SIR-X005/X050/X051, and the schema errors those values would cause at the same place are
suppressed so that each defect is reported once.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from lxml import etree

from sir_format import _xml
from sir_format._paths import Location
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import SIRData
from sir_format.validation._core import Layer, Text
from sir_format.validation._sources import (
    EPISODE,
    HEADER,
    Fragment,
    Item,
    Problem,
    wide_encoding,
)

__all__ = ["json_items"]

_ROOT = model_info(SIRData)
_BOM = b"\xef\xbb\xbf"

OBJECT = Text(sv="ett objekt", en="an object")
ARRAY = Text(sv="en lista", en="an array")
STRING = Text(sv="en sträng", en="a string")
NUMBER = Text(sv="ett tal", en="a number")
BOOLEAN = Text(sv="ett sanningsvärde", en="a boolean")
NULL = Text(sv="null", en="null")
_PLAIN_DIGITS = 40  # decimals written out in plain notation up to this magnitude
_XSD_SPACE = " \t\n\r"
_TEXT_KINDS = {Kind.STRING, Kind.ENUM, Kind.DATE, Kind.DATETIME}
_OTHER_UNICODE = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


class _Object(dict[str, Any]):
    """A decoded JSON object that remembers keys it saw twice (after NFC normalisation)."""

    duplicates: list[str]

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _Object:
        obj = cls()
        obj.duplicates = []
        for key, value in pairs:
            name = unicodedata.normalize("NFC", key)
            if name in obj:
                obj.duplicates.append(name)
            obj[name] = value
        return obj


class _NotFinite(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NotFinite(token)


def _found(value: Any) -> Text:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int | float | Decimal):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        return ARRAY
    return OBJECT


def json_items(data: bytes, limits: _xml.Limits) -> Iterator[Item]:
    """Decode ``data`` and yield the header and episode fragments (or problems)."""
    decoded = _decode(data)
    if isinstance(decoded, Problem):
        yield decoded
        return
    if not isinstance(decoded, dict):
        yield Problem(
            "SIR-X050",
            Layer.SCHEMA,
            {"element": "SIRData", "expected": OBJECT, "found": _found(decoded)},
            stop=True,
        )
        return
    for key in getattr(decoded, "duplicates", ()):
        yield Problem("SIR-X005", Layer.SCHEMA, {"element": key}, location=((key, None),))
    for key in decoded:
        if key not in _ROOT.by_wire:
            yield Problem(
                "SIR-X011",
                Layer.SCHEMA,
                {
                    "element": key,
                    "expected": Text(sv=f"{HEADER} eller {EPISODE}", en=f"{HEADER} or {EPISODE}"),
                },
                location=((key, None),),
            )
    header_field, episode_field = _ROOT.fields
    if HEADER in decoded:
        builder = _Builder()
        element = builder.complex(decoded[HEADER], header_field, ((HEADER, None),))
        yield builder.fragment(HEADER, element, None, ((HEADER, None),))
        yield from builder.problems
    else:
        yield Problem("SIR-X012", Layer.SCHEMA, {"element": HEADER}, location=((HEADER, None),))
    if EPISODE not in decoded or decoded[EPISODE] == []:
        code = "SIR-X012" if EPISODE not in decoded else "SIR-X051"
        yield Problem(code, Layer.SCHEMA, {"element": EPISODE}, location=((EPISODE, None),))
        return
    episodes = decoded[EPISODE]
    if not isinstance(episodes, list):
        yield Problem(
            "SIR-X050",
            Layer.SCHEMA,
            {"element": EPISODE, "expected": ARRAY, "found": _found(episodes)},
            location=((EPISODE, None),),
        )
        if episodes is None:
            return
        episodes = [episodes]
    limit = limits.episode_limit()
    for index, value in enumerate(episodes):
        location: Location = ((EPISODE, index),)
        if limit is not None and index == limit:
            yield Problem(
                "SIR-X014",
                Layer.SCHEMA,
                {"element": EPISODE, "n": limit},
                location=location,
                episode_index=index,
            )
        builder = _Builder()
        element = builder.complex(value, episode_field, location)
        yield builder.fragment(EPISODE, element, index, location)
        for problem in builder.problems:
            problem.episode_index = index
            yield problem


def _other_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is JSON in that encoding (RFC 8259 asks UTF-8),
    told by a byte order mark or by the zero bytes around the first character."""
    for bom, name in _OTHER_UNICODE:
        if data.startswith(bom):
            return name
    wide = wide_encoding(data[:4])
    return wide[:6].upper() if wide is not None else None


def _decode(data: bytes) -> Any:
    encoding = _other_encoding(data)
    if encoding is not None:
        detail = f"JSON must be UTF-8; this input is {encoding}"
        return Problem("SIR-X004", Layer.WELLFORMED, {"detail": detail}, stop=True)
    try:
        text = data.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(
            "SIR-X004",
            Layer.WELLFORMED,
            {"detail": f"invalid UTF-8 at byte {exc.start}"},
            stop=True,
        )
    try:
        return json.loads(
            text,
            object_pairs_hook=_Object.from_pairs,
            parse_float=Decimal,
            parse_constant=_reject_constant,
        )
    except _NotFinite as exc:
        return Problem("SIR-X006", Layer.WELLFORMED, {"v": exc.token}, stop=True)
    except json.JSONDecodeError as exc:
        return Problem(
            "SIR-X004",
            Layer.WELLFORMED,
            {"detail": exc.msg},
            line=exc.lineno,
            column=exc.colno,
            raw=str(exc),
            stop=True,
        )
    except RecursionError:
        detail = "nested too deeply"
        return Problem("SIR-X004", Layer.WELLFORMED, {"detail": detail}, stop=True)
    except ValueError as exc:  # e.g. an integer with too many digits
        return Problem("SIR-X004", Layer.WELLFORMED, {"detail": str(exc)}, stop=True)


class _Builder:
    """Build one fragment's element tree from decoded JSON, noting JSON-only problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.suppressed: list[Location] = []

    def fragment(
        self, role: str, element: etree._Element, index: int | None, location: Location
    ) -> Fragment:
        return Fragment(
            role,
            element,
            index,
            location,
            keep_lines=False,
            suppressed=tuple(self.suppressed),
            failed=bool(self.problems),
        )

    def _problem(self, code: str, params: dict[str, Any], location: Location) -> None:
        self.problems.append(Problem(code, Layer.SCHEMA, params, location=location))

    def _wrong_type(self, name: str, expected: Text, value: Any, location: Location) -> None:
        params = {"element": name, "expected": expected, "found": _found(value)}
        self._problem("SIR-X050", params, location)
        self.suppressed.append(location)

    def complex(self, value: Any, f: FieldInfo, location: Location) -> etree._Element:
        element = etree.Element(f.wire_name)
        if not isinstance(value, dict):
            self._wrong_type(f.wire_name, OBJECT, value, location)
            return element
        for key in getattr(value, "duplicates", ()):
            self._problem("SIR-X005", {"element": key}, (*location, (key, None)))
        info = f.model
        for child in info.fields:
            if child.wire_name in value:
                self._field(element, child, value[child.wire_name], location)
        for key in value:
            if key not in info.by_wire:
                self._unknown(element, key, location)
        return element

    def _unknown(self, parent: etree._Element, key: str, location: Location) -> None:
        try:
            etree.SubElement(parent, key)
        except ValueError:  # not an XML name: report it the way the schema would
            self._problem(
                "SIR-X011",
                {"element": key, "expected": Text(sv="ett känt element", en="a known element")},
                (*location, (key, None)),
            )

    def _field(self, parent: etree._Element, f: FieldInfo, value: Any, location: Location) -> None:
        name = f.wire_name
        if f.is_list:
            if isinstance(value, list) and not value:
                self._problem("SIR-X051", {"element": name}, (*location, (name, None)))
                return
            if value is None:  # null is never a value (D4): reported once, here
                self._wrong_type(name, ARRAY, value, (*location, (name, None)))
                return
            if not isinstance(value, list):
                self._problem(
                    "SIR-X050",
                    {"element": name, "expected": ARRAY, "found": _found(value)},
                    (*location, (name, None)),
                )
                value = [value]
            for index, item in enumerate(value):
                self._item(parent, f, item, (*location, (name, index)))
            return
        if isinstance(value, list):
            here = (*location, (name, None))
            self._wrong_type(name, self._expected(f), value, here)
            etree.SubElement(parent, name)
            return
        self._item(parent, f, value, (*location, (name, None)))

    def _item(self, parent: etree._Element, f: FieldInfo, value: Any, location: Location) -> None:
        if f.kind is Kind.COMPLEX:
            parent.append(self.complex(value, f, location))
            return
        element = etree.SubElement(parent, f.wire_name)
        text = self._scalar(f, value, location)
        try:
            element.text = text
        except ValueError:  # a character XML cannot carry
            self._problem("SIR-X035", {"element": f.wire_name, "v": text}, location)
            self.suppressed.append(location)

    @staticmethod
    def _expected(f: FieldInfo) -> Text:
        if f.kind is Kind.COMPLEX:
            return OBJECT
        if f.kind in _TEXT_KINDS:
            return STRING
        if f.kind is Kind.NUMBER_OR_UNKNOWN and f.unknown is not None:
            tokens = " / ".join(f'"{m.value}"' for m in f.unknown)
            return Text(sv=f"ett tal eller {tokens}", en=f"a number or {tokens}")
        return NUMBER

    def _scalar(self, f: FieldInfo, value: Any, location: Location) -> str:
        number = isinstance(value, int | Decimal) and not isinstance(value, bool)
        unknown = {m.value for m in f.unknown} if f.unknown is not None else set()
        if f.kind in _TEXT_KINDS:
            ok = isinstance(value, str)
        elif f.kind is Kind.NUMBER_OR_UNKNOWN:
            ok = number or (isinstance(value, str) and value in unknown)
        else:
            ok = number
        if not ok and isinstance(value, str) and value.strip(_XSD_SPACE) in unknown:
            # D4: "VärdeOkänt " is the token with whitespace around it, not another type
            self._problem("SIR-X037", {"element": f.wire_name, "v": value}, location)
            self.suppressed.append(location)
            return value.strip(_XSD_SPACE)
        if not ok:
            self._wrong_type(f.wire_name, self._expected(f), value, location)
            return ""
        if isinstance(value, str):
            if f.free_text:
                return value.strip(_XSD_SPACE)  # D2: trimmed, never collapsed inside
            if f.white_space == "collapse" and value != value.strip(_XSD_SPACE):
                # D4: a JSON string holds exactly the token, date or time
                self._problem("SIR-X037", {"element": f.wire_name, "v": value}, location)
                self.suppressed.append(location)
                return value.strip(_XSD_SPACE)
            return value
        if isinstance(value, Decimal):
            if f.python_type is int:  # a JSON number with a fraction or an exponent
                self._problem("SIR-X030", {"element": f.wire_name, "v": str(value)}, location)
                self.suppressed.append(location)
                return ""
            if value.is_finite() and abs(value.adjusted()) <= _PLAIN_DIGITS:
                return format(value, "f")
            return str(value)  # keeps a huge exponent as it is: the schema rejects it
        return str(value)
