"""Render the data model reference (``docs/reference/model.md``) from :mod:`sir_format.metadata`.

Nothing here names a field, a type or a limit: every row is read from the metadata at build
time, so the page follows the XSD after each regeneration.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sir_format.metadata import ROOT_ELEMENT, FieldInfo, Kind, ModelInfo, all_models, enum_types

MARKER = "model-reference"
"""Name of the marker this module renders (see ``generated_pages.py``)."""

_KIND_WORDS = {
    Kind.STRING: "string",
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "decimal",
    Kind.DATE: "date",
    Kind.DATETIME: "local date-time",
}
_PROVENANCE = {
    "V": "the name appears as such in a public source",
    "P": "a public source states the fact; the name or wording is ours",
    "R": "reconstruction: a designed value with no public source",
}
# Unbounded occurrences are shown as ``*``.
_UNBOUNDED = 2**31


def model_anchor(cls: type) -> str:
    return f"model-{cls.__name__}"


def enum_anchor(cls: type) -> str:
    return f"enum-{cls.__name__}"


def _code(text: object) -> str:
    """A code span (Python-Markdown tables do not split cells inside code spans)."""
    return f"`{text}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def occurrence(f: FieldInfo) -> str:
    upper = "*" if f.max_occurs >= _UNBOUNDED else str(f.max_occurs)
    return f"{f.min_occurs}..{upper}"


def facets_text(f: FieldInfo) -> str:
    """The value facets of a simple field, in words."""
    facets = f.facets
    parts: list[str] = []
    shortest, longest = facets.min_length, facets.max_length
    if shortest is not None and longest is not None:
        parts.append(f"length {shortest}..{longest}")
    elif shortest is not None:
        parts.append(f"length ≥ {shortest}")
    elif longest is not None:
        parts.append(f"length ≤ {longest}")
    low, high = facets.min_inclusive, facets.max_inclusive
    if low is not None and high is not None:
        parts.append(f"range {_code(_lexical(low))}..{_code(_lexical(high))}")
    elif low is not None:
        parts.append(f"≥ {_code(_lexical(low))}")
    elif high is not None:
        parts.append(f"≤ {_code(_lexical(high))}")
    if facets.fraction_digits is not None:
        parts.append(f"≤ {facets.fraction_digits} fraction digits")
    if facets.total_digits is not None:
        parts.append(f"≤ {facets.total_digits} digits")
    if facets.pattern is not None:
        parts.append(f"pattern {_code(facets.pattern)}")
    return ", ".join(parts)


def _lexical(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso()) if callable(iso) else str(value)


def type_text(f: FieldInfo) -> str:
    """The type column: a link for complex and enumerated types, else name, kind and facets."""
    if f.kind is Kind.COMPLEX:
        return f"[{f.xsd_type or f.python_type.__name__}](#{model_anchor(f.python_type)})"
    if f.kind is Kind.ENUM:
        return f"[{f.xsd_type or f.python_type.__name__}](#{enum_anchor(f.python_type)})"
    if f.kind is Kind.NUMBER_OR_UNKNOWN:
        number = "integer" if f.python_type is int else "decimal"
        unknown = f.unknown
        assert unknown is not None
        tokens = " ".join(_code(m.value) for m in unknown)
        head = f"{f.xsd_type}: " if f.xsd_type else ""
        detail = facets_text(f)
        detail = f" ({detail})" if detail else ""
        link = f"[{tokens}](#{enum_anchor(unknown)})"
        return f"{head}{number}{detail} or {link}"
    words = _KIND_WORDS[f.kind]
    detail = facets_text(f)
    text = f"{f.xsd_type}: {words}" if f.xsd_type else words
    return f"{text}, {detail}" if detail else text


def _choices_text(info: ModelInfo) -> list[str]:
    lines = []
    for index, group in enumerate(info.choices, start=1):
        branches = " | ".join("(" + ", ".join(_code(n) for n in b) + ")" for b in group)
        lines.append(f"- Choice {index}: exactly one of {branches}.")
    return lines


def _used_by(models: Iterable[ModelInfo]) -> dict[type, list[str]]:
    used: dict[type, list[str]] = {}
    for info in models:
        for f in info.fields:
            target = f.python_type if f.kind in (Kind.COMPLEX, Kind.ENUM) else f.unknown
            if target is not None:
                used.setdefault(target, []).append(
                    f"[{info.xsd_type}](#{model_anchor(info.cls)}).{_code(f.wire_name)}"
                )
    return used


def render_model(info: ModelInfo, used_by: list[str]) -> str:
    lines = [
        f"### {info.xsd_type} {{ #{model_anchor(info.cls)} }}",
        "",
        f"Python class: {_code('sir_format.models.' + info.cls.__name__)}."
        + (f" Used by: {', '.join(used_by)}." if used_by else ""),
        "",
    ]
    if info.doc:
        lines += [info.doc, ""]
    if info.fields:
        lines += [
            "| # | Element / Python attribute | Meaning | Type | Occurs | Prov. |",
            "|---|---|---|---|---|---|",
        ]
        for number, f in enumerate(info.fields, start=1):
            choice = f" (choice {f.choice + 1})" if f.choice is not None else ""
            lines.append(
                f"| {number} | {_code(f.wire_name)}<br>{_code(f.py_name)} | {_cell(f.doc)} "
                f"| {type_text(f)} | {occurrence(f)}{choice} | {f.provenance or '–'} |"
            )
        lines.append("")
    else:
        lines += ["An empty container: no elements.", ""]
    choices = _choices_text(info)
    if choices:
        lines += [*choices, ""]
    return "\n".join(lines)


def _enum_type_names(models: Iterable[ModelInfo]) -> tuple[dict[type, list[str]], ...]:
    """XSD type names per enum: of enumerated fields, and of the unions an enum is part of."""
    names: dict[type, list[str]] = {}
    unions: dict[type, list[str]] = {}
    for info in models:
        for f in info.fields:
            if f.kind is Kind.ENUM and f.xsd_type:
                found = names.setdefault(f.python_type, [])
            elif f.unknown is not None and f.xsd_type:
                found = unions.setdefault(f.unknown, [])
            else:
                continue
            if f.xsd_type not in found:
                found.append(f.xsd_type)
    return names, unions


def render_enum(
    cls: type[enum.Enum], xsd_names: list[str], unions: list[str], used_by: list[str]
) -> str:
    title = ", ".join(xsd_names) if xsd_names else cls.__name__
    lines = [f"### {title} {{ #{enum_anchor(cls)} }}", ""]
    if unions:
        lines += [
            "The token that means *unknown* in the number-or-unknown union types "
            + ", ".join(_code(u) for u in unions)
            + ".",
            "",
        ]
    lines += [
        f"Python enum: {_code('sir_format.models.' + cls.__name__)}."
        + (f" Used by: {', '.join(used_by)}." if used_by else ""),
        "",
        "| Token | Python member |",
        "|---|---|",
    ]
    lines += [f"| {_code(m.value)} | {_code(cls.__name__ + '.' + m.name)} |" for m in cls]
    lines.append("")
    return "\n".join(lines)


def render() -> str:
    """The whole reference: every complex type, then every enumeration."""
    models = all_models()
    used = _used_by(models)
    enums = enum_types()
    enum_names, unions = _enum_type_names(models)
    fields = sum(len(m.fields) for m in models)
    root = models[0]
    out = [
        f"The XML root element is {_code(ROOT_ELEMENT)} of type "
        f"[{root.xsd_type}](#{model_anchor(root.cls)}); in JSON the document is the "
        f"{_code(root.cls.__name__)} object itself. The model has {len(models)} complex types "
        f"with {fields} element declarations, and {len(enums)} enumerations.",
        "",
        "Provenance marks: "
        + "; ".join(f"**{mark}** — {text}" for mark, text in _PROVENANCE.items())
        + ".",
        "",
        "## Complex types",
        "",
    ]
    out += [render_model(info, used.get(info.cls, [])) for info in models]
    out += ["## Enumerations", ""]
    out += [
        render_enum(cls, enum_names.get(cls, []), unions.get(cls, []), used.get(cls, []))
        for cls in enums
    ]
    return "\n".join(out)
