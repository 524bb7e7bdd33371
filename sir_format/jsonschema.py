"""JSON Schema (draft 2020-12) of the JSON encoding of a report, derived from the metadata.

Every name, type, occurrence and limit comes from :mod:`sir_format.metadata`; nothing here
repeats a field. The shipped copy ``sir_format/schemas/SIRData.schema.json`` is written by
``python tools/export_jsonschema.py`` and a test fails when it is stale.

What JSON Schema cannot say is checked by the codec and noted in ``$comment`` keywords:
decimal fraction digits (``multipleOf`` gives false failures with binary floating point, e.g.
``7.3`` against ``0.1``), the ranges of dates and local times, and calendar validity of local
times (``format: date-time`` would demand a zone, which the format forbids).

>>> schema = json_schema()
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> translate_xsd_pattern(r"\\d{4}")
'[0-9]{4}'
"""

from __future__ import annotations

import copy
import json
import os
import re
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import quote

from sir_format._files import write_atomically
from sir_format.metadata import ROOT_ELEMENT, FieldInfo, Kind, ModelInfo, all_models, enum_types

__all__ = [
    "DRAFT",
    "SCHEMA_RESOURCE",
    "json_schema",
    "schema_text",
    "translate_xsd_pattern",
    "write_schema",
]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect used."""

SCHEMA_RESOURCE = "SIRData.schema.json"
"""File name of the shipped schema inside the ``sir_format.schemas`` resources."""

_ID_BASE = "https://sir-format.invalid/schemas/"
_CODEC_NOTE = "Not expressible in JSON Schema; checked by the sir_format codec: "


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of a report's JSON encoding (a fresh copy of a cached build)."""
    return copy.deepcopy(_schema())


def schema_text() -> str:
    """Return the schema as pretty-printed JSON text, exactly as shipped."""
    return json.dumps(_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: str | os.PathLike[str]) -> None:
    """Write :func:`schema_text` to ``path`` (UTF-8), replacing it atomically."""
    write_atomically(path, schema_text().encode("utf-8"))


# --- XSD regular expressions -------------------------------------------------------------

_ESCAPES_OUTSIDE = {"d": "[0-9]", "D": "[^0-9]", "s": "[ \\t\\n\\r]", "S": "[^ \\t\\n\\r]"}
_ESCAPES_INSIDE = {"d": "0-9", "s": " \\t\\n\\r"}
_UNSUPPORTED = set("iIcCwWpP")
_PLAIN_OUTSIDE = {"^": "\\^", "$": "\\$", ".": "[^\\n\\r]"}
"""Characters outside a class that mean something else in XSD than in ECMA-262."""
_TOKEN = re.compile(r"\\.?|\[\^?|.", re.DOTALL)
"""An escape (or a dangling backslash), a class opening (with its negation), or one character."""


def translate_xsd_pattern(pattern: str) -> str:
    """Translate an XSD regular expression to the ECMA-262 dialect of JSON Schema (unanchored).

    ``\\d`` becomes ``[0-9]``, ``.`` becomes ``[^\\n\\r]``, and ``^`` / ``$``, which are plain
    characters in XSD, are escaped. XSD-only constructs (``\\i``, ``\\c``, ``\\w``, ``\\p{..}``,
    class subtraction) raise :class:`ValueError` so that a new schema breaks loudly here.
    """
    out: list[str] = []
    in_class = False
    for token in _TOKEN.finditer(pattern):
        text = token.group()
        if text.startswith("\\"):
            out.append(_translate_escape(text, in_class, pattern))
        elif in_class:
            if text == "-" and pattern.startswith("-[", token.start()):
                raise ValueError(f"class subtraction is not supported: {pattern!r}")
            in_class = text != "]"
            out.append(text)
        else:
            in_class = text.startswith("[")
            out.append(_PLAIN_OUTSIDE.get(text, text))
    if in_class:
        raise ValueError(f"unterminated character class in XSD pattern {pattern!r}")
    return "".join(out)


def _translate_escape(escape: str, in_class: bool, pattern: str) -> str:
    """The ECMA-262 form of one XSD escape (``\\d``, ``\\-`` ...), inside a class or not."""
    if len(escape) == 1:
        raise ValueError(f"dangling escape in XSD pattern {pattern!r}")
    code = escape[1]
    if code in _UNSUPPORTED:
        raise ValueError(f"unsupported escape \\{code} in XSD pattern {pattern!r}")
    table = _ESCAPES_INSIDE if in_class else _ESCAPES_OUTSIDE
    if code in table:
        return table[code]
    if code in "DS":
        raise ValueError(f"unsupported escape \\{code} in a class in {pattern!r}")
    if code == "-" and not in_class:
        return "-"
    return escape


def _anchored(pattern: str) -> str:
    return f"^(?:{translate_xsd_pattern(pattern)})$"


# --- building ------------------------------------------------------------------------------


def _json_number(value: int | Decimal) -> int | float:
    """A facet bound as a JSON number; decimals must survive the trip through a double."""
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) != value:
        raise ValueError(f"bound {value} is not exact as a JSON number")
    return as_float


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": "#/$defs/" + quote(name, safe="")}


def _enum_names() -> dict[type, str]:
    """Name each enumeration by its XSD type where a field uses it directly."""
    names: dict[type, str] = {}
    for info in all_models():
        for f in info.fields:
            if f.kind is Kind.ENUM and f.xsd_type:
                names.setdefault(f.python_type, f.xsd_type)
    return {cls: names.get(cls, cls.__name__) for cls in enum_types()}


def _codec_comment(f: FieldInfo) -> str | None:
    facets = f.facets
    notes = []
    if facets.fraction_digits is not None:
        notes.append(f"fractionDigits {facets.fraction_digits}")
    if facets.total_digits is not None:
        notes.append(f"totalDigits {facets.total_digits}")
    if f.kind in (Kind.DATE, Kind.DATETIME):
        if facets.min_inclusive is not None:
            notes.append(f"minInclusive {facets.min_inclusive.isoformat()}")  # type: ignore[union-attr]
        if facets.max_inclusive is not None:
            notes.append(f"maxInclusive {facets.max_inclusive.isoformat()}")  # type: ignore[union-attr]
        notes.append("a valid calendar " + ("date" if f.kind is Kind.DATE else "date and time"))
    return _CODEC_NOTE + ", ".join(notes) if notes else None


def _number(f: FieldInfo) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer" if f.python_type is int else "number"}
    if f.facets.min_inclusive is not None:
        schema["minimum"] = _json_number(f.facets.min_inclusive)  # type: ignore[arg-type]
    if f.facets.max_inclusive is not None:
        schema["maximum"] = _json_number(f.facets.max_inclusive)  # type: ignore[arg-type]
    return schema


def _string(f: FieldInfo) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if f.facets.pattern is not None:
        schema["pattern"] = _anchored(f.facets.pattern)
    if f.kind is Kind.DATE:
        schema["format"] = "date"
    if f.facets.min_length is not None:
        schema["minLength"] = f.facets.min_length
    if f.facets.max_length is not None:
        schema["maxLength"] = f.facets.max_length
    return schema


def _value(f: FieldInfo, enum_names: dict[type, str]) -> dict[str, Any]:
    """The schema of one value of the field (one item, for lists)."""
    if f.kind is Kind.COMPLEX:
        return _ref(f.model.xsd_type)
    if f.kind is Kind.ENUM:
        return _ref(enum_names[f.python_type])
    if f.kind in (Kind.INTEGER, Kind.DECIMAL):
        return _number(f)
    if f.kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        return {"anyOf": [_number(f), _ref(enum_names[f.unknown])]}
    return _string(f)


def _property(f: FieldInfo, enum_names: dict[type, str]) -> dict[str, Any]:
    value = _value(f, enum_names)
    if f.is_list:
        schema: dict[str, Any] = {"type": "array", "items": value}
        schema["minItems"] = max(1, f.min_occurs)
        schema["maxItems"] = f.max_occurs
    else:
        schema = value
    if f.doc:
        schema = {"description": f.doc, **schema}
    comment = _codec_comment(f)
    if comment:
        schema["$comment"] = comment
    return schema


def _choice_constraints(info: ModelInfo) -> dict[str, Any]:
    """Express each ``xs:choice`` (optional, as all choices of the format are) exactly.

    A branch of several elements is all or nothing (``dependentRequired``) and no two
    branches may both be present (``not`` over every cross-branch pair).
    """
    dependent: dict[str, list[str]] = {}
    exclusions: list[dict[str, Any]] = []
    for group in info.choices:
        for index, branch in enumerate(group):
            if len(branch) > 1:
                for name in branch:
                    dependent[name] = [other for other in branch if other != name]
            for later in group[index + 1 :]:
                exclusions.extend({"required": [a, b]} for a in branch for b in later)
    constraints: dict[str, Any] = {}
    if dependent:
        constraints["dependentRequired"] = dependent
    if exclusions:
        constraints["not"] = {"anyOf": exclusions}
    if info.choices:
        groups = "; ".join(
            " | ".join("(" + ", ".join(branch) + ")" for branch in group) for group in info.choices
        )
        constraints["$comment"] = f"xs:choice, at most one branch, each all or nothing: {groups}"
    return constraints


def _complex(info: ModelInfo, enum_names: dict[type, str]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if info.doc:
        schema["description"] = info.doc
    schema["properties"] = {f.wire_name: _property(f, enum_names) for f in info.fields}
    required = [f.wire_name for f in info.fields if f.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    schema.update(_choice_constraints(info))
    return schema


def _version() -> str:
    """Format version read from the root element name (``SIRDataVer52`` → ``5.2``)."""
    match = re.fullmatch(r".*Ver(\d)(\d+)", ROOT_ELEMENT)
    return f"{match[1]}.{match[2]}" if match else ROOT_ELEMENT


@cache
def _schema() -> dict[str, Any]:
    models = all_models()
    root = models[0]
    enum_names = _enum_names()
    defs: dict[str, Any] = {}
    for info in models:
        defs[info.xsd_type] = _complex(info, enum_names)
    for cls in enum_types():
        name = enum_names[cls]
        if name in defs:
            raise ValueError(f"type name {name} is used twice")
        defs[name] = {"type": "string", "enum": [member.value for member in cls]}
    version = _version()
    name = root.cls.__name__
    return {
        "$schema": DRAFT,
        "$id": f"{_ID_BASE}{name}-{version}.schema.json",
        "title": f"SIR report file, format {version}, JSON encoding ({name})",
        "description": (
            f"A report file for Svenska Intensivvårdsregistret (SIR) as JSON: the {name} "
            f"object, the same content as the XML root element {ROOT_ELEMENT}."
        ),
        "$comment": (
            "Generated from sir_format.metadata by tools/export_jsonschema.py; do not edit. "
            + _CODEC_NOTE
            + "decimal fraction digits (xs:fractionDigits; no multipleOf, which fails on "
            "binary floating point), integers written without a fraction, date and time "
            "ranges and calendar validity, and the registry rules. Patterns follow ECMA-262 "
            "and are anchored, as XSD patterns are."
        ),
        "$ref": _ref(root.xsd_type)["$ref"],
        "$defs": defs,
    }
