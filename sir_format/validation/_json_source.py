"""JSON sources: decode strictly, then rebuild the equivalent XML element tree.

Keys are the XML element names (data dictionary §8), so the tree is built from the metadata
in schema order and validated by the same XSD as XML input: the same content gives the same
codes and logical paths. What JSON can express but XML cannot (``null``, booleans, a string
where a number belongs, an array where one value belongs, duplicate keys) is reported here as
SIR-X005/X050/X051, and the schema errors those values would cause at the same place are
suppressed so that each defect is reported once.

The document is decoded in two passes over the text, so that memory follows one episode, not
the file: the first pass only checks it (``json.loads`` with hooks that keep nothing, so the
errors are exactly ``json.loads``'s); the second walks the root object and the episode array
and decodes the header and each episode on its own with the same decoder, when it is needed.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from lxml import etree

from sir_format import _xml
from sir_format._input import XSD_SPACE, unicode_encoding
from sir_format._paths import Location
from sir_format.errors import NotFinite as _NotFinite
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import SIRData
from sir_format.validation._base import Layer, Text
from sir_format.validation._diagnostics import json_detail
from sir_format.validation._fragments import (
    EPISODE,
    HEADER,
    Fragment,
    Item,
    Problem,
)

__all__ = ["JsonPositions", "json_items"]

_ROOT = model_info(SIRData)
_BOM = b"\xef\xbb\xbf"

OBJECT = Text(sv="ett objekt", en="an object")
ARRAY = Text(sv="en lista", en="an array")
STRING = Text(sv="en sträng", en="a string")
NUMBER = Text(sv="ett tal", en="a number")
BOOLEAN = Text(sv="ett sanningsvärde", en="a boolean")
NULL = Text(sv="null", en="null")
_PLAIN_DIGITS = 40  # decimals written out in plain notation up to this magnitude
_TEXT_KINDS = {Kind.STRING, Kind.ENUM, Kind.DATE, Kind.DATETIME}
_UNKNOWN_ELEMENTS = 100
"""Unknown keys of one object built as elements. The schema reports the first unexpected
element of a content model only, and they all follow the known ones, so more would only cost
memory (a 10 MB object can hold a million keys)."""


class _Object(dict[str, Any]):
    """A decoded JSON object that remembers keys it saw twice (after NFC normalisation)."""

    __slots__ = ("duplicates",)
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


class _Last:
    """The first pass's object hook: keeps nothing but the last object's members, which are
    the root's when the root is an object (it is the last to end)."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, Any]] | None = None

    def __call__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


def _discard(pairs: list[tuple[str, Any]]) -> None:
    """Keep nothing of an object that is only skipped."""


def _decimal(token: str) -> Decimal:
    """A JSON number with a fraction or exponent, exactly; one beyond Decimal's range (an
    exponent of twenty digits) is a ValueError, reported as invalid JSON."""
    try:
        return Decimal(token)
    except ArithmeticError:
        raise ValueError(f"the number {token[:40]} is out of range") from None


_CHECKING: dict[str, Any] = {"parse_float": _decimal, "parse_constant": _reject_constant}
_CHECK = json.JSONDecoder(object_pairs_hook=_discard, **_CHECKING)
_DECODE = json.JSONDecoder(object_pairs_hook=_Object.from_pairs, **_CHECKING)
_FOUND_BY_FIRST = {"[": ARRAY, '"': STRING, "t": BOOLEAN, "f": BOOLEAN, "n": NULL}


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace (json.decoder.WHITESPACE)


def _skip_space(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]


# A member whose key has no escape, and its value when that is a number, literal or string
# without escapes: read with one match, as the text is already known to be valid JSON.
_MEMBER = re.compile(
    r'"([^"\\]*)"[ \t\n\r]*:[ \t\n\r]*'
    r'(?:(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|"[^"\\]*")'
    r"[ \t\n\r]*)?"
)


def _members(text: str, at: int) -> Iterator[tuple[str, int]]:
    """Each key (NFC) of the checked object at ``text[at]``, with where its value starts."""
    for key, _, start in _member_spans(text, at):
        yield key, start


def _member_spans(text: str, at: int) -> Iterator[tuple[str, int, int]]:
    """Each key (NFC) of the checked object at ``text[at]``, with where the key and its value
    start."""
    at = _skip_space(text, at + 1)
    if text[at] == "}":
        return
    while True:
        key_at = at
        simple = _MEMBER.match(text, at)
        if simple is not None:
            key, start = simple.group(1), simple.start(2) if simple.group(2) else simple.end()
        else:
            key, at = _CHECK.raw_decode(text, at)
            start = _skip_space(text, _skip_space(text, at) + 1)  # past the ':'
        yield unicodedata.normalize("NFC", key), key_at, start
        if simple is not None and simple.group(2):
            at = simple.end()
        else:
            at = _skip_space(text, _CHECK.raw_decode(text, start)[1])
        if text[at] == "}":
            return
        at = _skip_space(text, at + 1)  # past the ','


def _places(text: str, at: int, wanted: dict[str, int]) -> dict[str, int]:
    """Where the value of each wanted key of the root object starts: its last occurrence, as
    ``json.loads`` keeps the last value. ``wanted`` counts the occurrences; the walk ends at
    the last one (usually without skipping the episodes)."""
    wanted = {key: count for key, count in wanted.items() if count}
    places: dict[str, int] = {}
    if not wanted:
        return places
    for key, start in _members(text, at):
        if key in wanted:
            places[key] = start
            wanted[key] -= 1
            if not any(wanted.values()):
                break
    return places


def _item_starts(text: str, at: int) -> list[int]:
    """Where each item of the checked array at ``text[at]`` starts."""
    starts: list[int] = []
    at = _skip_space(text, at + 1)
    if text[at] == "]":
        return starts
    while True:
        starts.append(at)
        at = _skip_space(text, _CHECK.raw_decode(text, at)[1])
        if text[at] == "]":
            return starts
        at = _skip_space(text, at + 1)  # past the ','


_INDEXED_MEMBERS = 10_000
"""Members of one object that positions are looked up among. A model object has far fewer;
a hostile one with a million unknown keys would otherwise cost hundreds of megabytes, and its
keys beyond these get their parent's position instead."""


class JsonPositions:
    """Line and column (1-based, in characters) of a location in JSON ``data``.

    Built on the first question and only then (a valid file is never indexed): the text is
    decoded once, and each object's members and each array's items are found once, when a
    location first passes through them. A location points at the value of a scalar, at the key
    of an object or array, and at the item of an array; one that does not exist (a missing
    element) at the deepest part of it that does.
    """

    def __init__(self, data: bytes) -> None:
        self._data: bytes | None = data
        self._text: str | None = None
        self._lines: list[int] = []
        self._objects: dict[int, dict[str, tuple[int, int]]] = {}
        self._arrays: dict[int, list[int]] = {}

    def __call__(self, location: Location) -> tuple[int, int] | None:
        text = self._decoded()
        if text is None or not location:
            return None
        try:
            at = self._find(text, location)
        except (ValueError, IndexError, RecursionError):  # not JSON there: no position
            return None
        if at is None:
            return None
        line = bisect.bisect_right(self._lines, at)
        start = self._lines[line - 1] + 1 if line else 0
        return line + 1, at - start + 1

    def _decoded(self) -> str | None:
        if self._data is not None:
            try:
                self._text = self._data.removeprefix(_BOM).decode("utf-8")
            except UnicodeDecodeError:
                self._text = None
            self._data = None
            if self._text is not None:
                self._lines = [m.start() for m in re.finditer("\n", self._text)]
        return self._text

    def _find(self, text: str, location: Location) -> int | None:
        at = _skip_space(text, 0)
        found: int | None = None
        for name, index in location:
            if text[at] != "{":
                return found
            member = self._members_of(text, at).get(name)
            if member is None:
                return found
            found, at = member
            if text[at] == "[" and index is not None:
                items = self._items_of(text, at)
                if index >= len(items):
                    return found
                found = at = items[index]
            elif index:  # a second copy of a single element: JSON has one
                return found
        return at if text[at] not in "{[" else found

    def _members_of(self, text: str, at: int) -> dict[str, tuple[int, int]]:
        members = self._objects.get(at)
        if members is None:  # the last copy of a key is the one json.loads keeps
            spans = itertools.islice(_member_spans(text, at), _INDEXED_MEMBERS)
            members = {key: (key_at, start) for key, key_at, start in spans}
            self._objects[at] = members
        return members

    def _items_of(self, text: str, at: int) -> list[int]:
        items = self._arrays.get(at)
        if items is None:
            items = self._arrays[at] = _item_starts(text, at)
        return items


def _elements(text: str, at: int) -> Iterator[Any]:
    """Each item of the checked array at ``text[at]``, decoded as it is asked for."""
    at = _skip_space(text, at + 1)
    if text[at] == "]":
        return
    while True:
        value, at = _DECODE.raw_decode(text, at)
        yield value
        del value  # the consumer holds the only reference while it works on the item
        at = _skip_space(text, at)
        if text[at] == "]":
            return
        at = _skip_space(text, at + 1)  # past the ','


def json_items(data: bytes, limits: _xml.Limits) -> Iterator[Item]:
    """Decode ``data`` and yield the header and episode fragments (or problems)."""
    checked = _checked(data)
    if isinstance(checked, Problem):
        yield checked
        return
    text, last = checked
    del checked
    start = _skip_space(text, 0)
    if text[start] != "{" or last is None:
        found = _FOUND_BY_FIRST.get(text[start], NUMBER)
        yield Problem(
            "SIR-X050",
            Layer.SCHEMA,
            {"element": "SIRData", "expected": OBJECT, "found": found},
            stop=True,
        )
        return
    keys = [unicodedata.normalize("NFC", key) for key, _ in last]
    del last
    first: dict[str, None] = {}  # each key once, in the order json.loads keeps them
    for key in keys:
        if key in first:
            yield Problem("SIR-X005", Layer.SCHEMA, {"element": key}, location=((key, None),))
        else:
            first[key] = None
    for key in first:
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
    members = _places(text, start, {name: keys.count(name) for name in (HEADER, EPISODE)})
    del keys, first
    header_field, episode_field = _ROOT.fields
    if HEADER in members:
        builder = _Builder()
        header = _DECODE.raw_decode(text, members[HEADER])[0]
        element = builder.complex(header, header_field, ((HEADER, None),))
        del header
        yield builder.fragment(HEADER, element, None, ((HEADER, None),))
        yield from builder.problems
    else:
        yield Problem("SIR-X012", Layer.SCHEMA, {"element": HEADER}, location=((HEADER, None),))
    where = members.get(EPISODE)
    if where is None or _empty_array(text, where):
        code = "SIR-X012" if where is None else "SIR-X051"
        yield Problem(code, Layer.SCHEMA, {"element": EPISODE}, location=((EPISODE, None),))
        return
    episodes: Iterator[Any]
    if text[where] == "[":
        episodes = _elements(text, where)
    else:
        value = _DECODE.raw_decode(text, where)[0]
        yield Problem(
            "SIR-X050",
            Layer.SCHEMA,
            {"element": EPISODE, "expected": ARRAY, "found": _found(value)},
            location=((EPISODE, None),),
        )
        if value is None:  # null: reported once, at the key (D4)
            return
        episodes = iter([value])
        del value
    limit = limits.episode_limit()
    for index, value in enumerate(episodes):
        location: Location = ((EPISODE, index),)
        if limit is not None and index == limit:
            # a hard limit, as in XML: reading stops, the rest of the file is not checked
            yield Problem(
                "SIR-X014",
                Layer.SCHEMA,
                {"element": EPISODE, "n": limit},
                location=location,
                episode_index=index,
                stop=True,
            )
            return
        builder = _Builder()
        element = builder.complex(value, episode_field, location)
        del value  # free the decoded episode before the consumer validates its fragment
        yield builder.fragment(EPISODE, element, index, location)
        for problem in builder.problems:
            problem.episode_index = index
            yield problem


def _other_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is JSON in that encoding (RFC 8259 asks UTF-8),
    told by a byte order mark or by the zero bytes around the first character."""
    codec = unicode_encoding(data[:4])
    return codec[:6].upper() if codec is not None else None


def _empty_array(text: str, at: int) -> bool:
    return text[at] == "[" and text[_skip_space(text, at + 1)] == "]"


def _checked(data: bytes) -> tuple[str, list[tuple[str, Any]] | None] | Problem:
    """The text of ``data`` once it is known to be valid JSON, with the members of the last
    object that ended (the root's, when the root is an object), or the problem that it is not."""
    encoding = _other_encoding(data)
    if encoding is not None:
        detail = Text(
            sv=f"JSON ska vara UTF-8; den här indatan är {encoding}",
            en=f"JSON must be UTF-8; this input is {encoding}",
        )
        return Problem("SIR-X004", Layer.WELLFORMED, {"detail": detail}, stop=True)
    body = data.removeprefix(_BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_utf8(body, exc.start, exc.end, len(data) - len(body))
    last = _Last()
    try:
        # json.loads, not a decoder's decode: it also refuses a second BOM
        json.loads(text, object_pairs_hook=last, **_CHECKING)
    except _NotFinite as exc:
        return Problem("SIR-X006", Layer.WELLFORMED, {"v": exc.token}, stop=True)
    except json.JSONDecodeError as exc:
        return Problem(
            "SIR-X004",
            Layer.WELLFORMED,
            {"detail": json_detail(exc.msg)},
            line=exc.lineno,
            column=exc.colno,
            raw=str(exc),
            stop=True,
        )
    except RecursionError:
        deep = Text(sv="för djupt nästlad", en="nested too deeply")
        return Problem("SIR-X004", Layer.WELLFORMED, {"detail": deep}, stop=True)
    except ValueError as exc:  # a number with too many digits, or out of Decimal's range
        return Problem(
            "SIR-X004", Layer.WELLFORMED, {"detail": _TOO_LONG}, raw=str(exc), stop=True
        )
    return text, last.pairs


_TOO_LONG = Text(
    sv="ett tal med för många siffror eller för stor exponent",
    en="a number with too many digits or too large an exponent",
)


def _not_utf8(data: bytes, start: int, end: int, skipped: int) -> Problem:
    """SIR-X004 for bytes that are not UTF-8, with the line and column where they are."""
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    second = data[start + 1 : start + 2]
    if data[start : start + 1] == b"\xed" and second and 0xA0 <= second[0] <= 0xBF:
        detail = Text(
            sv="ett ensamt surrogattecken (ogiltig UTF-8)",
            en="a lone surrogate (invalid UTF-8)",
        )
    else:
        shown = " ".join(f"0x{byte:02X}" for byte in data[start:end])
        offset = start + skipped  # in the input, byte order mark included
        detail = Text(
            sv=f"bytes {shown} vid byteoffset {offset} är inte UTF-8, som JSON ska vara skrivet "
            "i; spara filen som UTF-8",
            en=f"the bytes {shown} at byte offset {offset} are not UTF-8, the encoding JSON must "
            "be in; save the file as UTF-8",
        )
    return Problem(
        "SIR-X004",
        Layer.WELLFORMED,
        {"detail": detail},
        line=data.count(b"\n", 0, start) + 1,
        column=column,
        stop=True,
    )


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
            flagged=tuple(problem.location for problem in self.problems),
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
        built = 0
        for key in value:
            if key not in info.by_wire:
                built += self._unknown(element, key, location, build=built < _UNKNOWN_ELEMENTS)
        return element

    def _unknown(self, parent: etree._Element, key: str, location: Location, build: bool) -> bool:
        """Add the element of an unknown key (when ``build``): whether the key is an XML name."""
        try:
            if build:
                etree.SubElement(parent, key)
            else:
                etree.QName(key)  # the same check of the name, without the element
            return True
        except ValueError:  # not an XML name: report it the way the schema would
            self._problem(
                "SIR-X011",
                {"element": key, "expected": Text(sv="ett känt element", en="a known element")},
                (*location, (key, None)),
            )
            return False

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
            # items past the first one too many are not looked at: the schema rejects the list
            # there (SIR-X014), as it stops at the first element too many in XML
            for index, item in enumerate(value[: f.max_occurs + 1]):
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
        if not ok and isinstance(value, str) and value.strip(XSD_SPACE) in unknown:
            # D4: "VärdeOkänt " is the token with whitespace around it, not another type
            self._problem("SIR-X037", {"element": f.wire_name, "v": value}, location)
            self.suppressed.append(location)
            return value.strip(XSD_SPACE)
        if not ok:
            self._wrong_type(f.wire_name, self._expected(f), value, location)
            return ""
        if isinstance(value, str):
            if f.free_text:
                return value.strip(XSD_SPACE)  # D2: trimmed, never collapsed inside
            if f.white_space == "collapse" and value != value.strip(XSD_SPACE):
                # D4: a JSON string holds exactly the token, date or time
                self._problem("SIR-X037", {"element": f.wire_name, "v": value}, location)
                self.suppressed.append(location)
                return value.strip(XSD_SPACE)
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
