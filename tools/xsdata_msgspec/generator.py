"""xsdata generator that renders complex types as ``msgspec.Struct`` classes.

What it writes, per complex type of the XSD:

- ``class Name(Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True, gc=False)``:
  keyword-only construction, unknown JSON keys refused, absent values left out of the output;
  ``gc=False`` because the type graph of the schema has no cycle (a type that can reach itself
  keeps the cyclic garbage collector);
- one field per element, with its ASCII snake_case Python name and its wire name through
  ``msgspec.field(name=…)``; optional elements default to ``None``, repeated ones to ``[]``;
- the facets msgspec can check as ``msgspec.Meta`` (anchored patterns, lengths, integer ranges,
  naive date-times, occurrences of repeated elements); the rest (decimal and date ranges,
  fraction digits, lengths of trimmed free text) stay in the facts table for the readers;
- ``xs:date`` / ``xs:dateTime`` as ``datetime.date`` / naive ``datetime.datetime``, decimals
  as ``Decimal``; decimal-or-unknown unions as ``DecimalOr<Enum>``: to type checkers
  ``Decimal | <Enum>``, to msgspec a marker type that the JSON reader decodes through its
  ``dec_hook`` (msgspec cannot decode a union of ``Decimal`` and a string enumeration).

Besides the model module it writes ``facts.py``: for every class its XSD type name and, per
field, the wire name, occurrence and every facet (xsdata's restrictions), in schema order.
"""

from __future__ import annotations

import pprint
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from xsdata.codegen.models import Attr, Class
from xsdata.formats.dataclass.filters import Filters
from xsdata.formats.dataclass.generator import DataclassGenerator
from xsdata.formats.mixins import GeneratorResult
from xsdata.models.config import GeneratorConfig

FORMAT_NAME = "msgspec"
TEMPLATES = Path(__file__).parent / "templates"
NUMBERS_MODULE = "sir_format._numbers"

# xsdata's type names → the model's
_SCALARS = {"XmlDate": "date", "XmlDateTime": "datetime"}
_DATES = {"date": "date", "dateTime": "datetime"}
# XSD regular expressions use constructs Python's ``re`` does not know; such a pattern stays
# with the readers (libxml2 for XML, the facts table for JSON) instead of ``msgspec.Meta``.
_XSD_ONLY = re.compile(r"\\[pPiIcC]|-\[")


def python_pattern(xsd_pattern: str) -> str | None:
    """An XSD pattern as an anchored Python regular expression, or ``None`` if untranslatable."""
    if _XSD_ONLY.search(xsd_pattern):
        return None
    return f"^(?:{xsd_pattern})\\Z"


def _meta(**kwargs: Any) -> str:
    args = ", ".join(f"{key}={value!r}" for key, value in kwargs.items() if value is not None)
    return f"Meta({args})" if args else ""


def _annotate(type_name: str, meta: str) -> str:
    return f"Annotated[{type_name}, {meta}]" if meta else type_name


class StructFilters(Filters):
    """Template filters for ``msgspec.Struct`` classes; records each class's facts."""

    def __init__(self, config: GeneratorConfig) -> None:
        super().__init__(config)
        self.facts: dict[str, dict[str, Any]] = {}
        self.markers: dict[str, str] = {}  # alias name -> unknown enum name
        self.root_types: set[str] = set()
        self.cyclic: set[str] = set()
        self._owner = ""
        # (XSD type, element) -> XSD primitive type, for what xsdata reads as plain text
        self.primitives: dict[tuple[str, str], str] = {}
        # (XSD type, element) of free text: trimmed by the readers, so lengths are theirs
        self.free_text: set[tuple[str, str]] = set()

    def register(self, env: Any) -> None:
        super().register(env)
        env.filters.update(
            {
                "struct_bases": self.struct_bases,
                "struct_field_type": self.struct_field_type,
                "struct_field_definition": self.struct_field_definition,
                "struct_imports": self.struct_imports,
                "struct_markers": self.struct_markers,
            }
        )

    # -- class ------------------------------------------------------------------------
    def struct_bases(self, obj: Class) -> str:
        if obj.extensions:
            return ", ".join(self.type_name(ext.type) for ext in obj.extensions)
        options = "kw_only=True, forbid_unknown_fields=True, omit_defaults=True"
        if obj.qname not in self.cyclic:
            options += ", gc=False"
        return f"Struct, {options}"

    # -- fields -------------------------------------------------------------------------
    def _item_type(self, obj: Class, attr: Attr) -> str:
        names = [self._field_type_name(obj, t) for t in attr.types]
        if names == ["str"]:  # xsdata reads a date with a pattern facet as text
            names = [_DATES.get(self.primitives.get((obj.name, attr.local_name), ""), "str")]
        names = [_SCALARS.get(name, name) for name in dict.fromkeys(names)]
        if len(names) == 2 and "Decimal" in names:
            unknown = next(name for name in names if name != "Decimal")
            alias = f"DecimalOr{unknown}"
            self.markers[alias] = unknown
            return alias
        return " | ".join(names)

    def _scalar_meta(self, attr: Attr, type_name: str) -> str:
        r = attr.restrictions
        if type_name == "str":
            if (self._owner, attr.local_name) in self.free_text:
                return ""  # checked after trimming (D2): lengths and pattern are the readers'
            pattern = python_pattern(r.pattern) if r.pattern else None
            if pattern is None:
                return ""  # an XSD-only construct: the readers check it
            length = r.length
            return _meta(
                pattern=pattern,
                min_length=length if length is not None else r.min_length,
                max_length=length if length is not None else r.max_length,
            )
        if type_name == "int":
            return _meta(
                ge=_int(r.min_inclusive),
                le=_int(r.max_inclusive),
                gt=_int(r.min_exclusive),
                lt=_int(r.max_exclusive),
            )
        if type_name == "datetime":
            return _meta(tz=False)
        return ""

    def struct_field_type(self, obj: Class, attr: Attr) -> str:
        self._owner = obj.name
        item = self._item_type(obj, attr)
        number, _, rest = item.partition(" | ")
        typed = _annotate(number, self._scalar_meta(attr, number))
        if rest:
            typed = f"{typed} | {rest}"
        if attr.is_list:
            r = attr.restrictions
            most = None if obj.qname in self.root_types else _finite(r.max_occurs)
            return _annotate(
                f"list[{typed}]", _meta(min_length=max(1, r.min_occurs or 0), max_length=most)
            )
        if attr.is_optional:
            return f"{typed} | None"
        return typed

    def struct_field_definition(self, obj: Class, attr: Attr) -> str:
        self._record(obj, attr)
        args = [f"name={attr.local_name!r}"]
        if attr.is_list and not attr.restrictions.min_occurs:
            args.append("default_factory=list")  # a required list has no default
        elif attr.is_optional:
            args.append("default=None")
        return f"field({', '.join(args)})"

    def _record(self, obj: Class, attr: Attr) -> None:
        entry = self.facts.setdefault(
            self.class_name(obj.name), {"xsd_type": obj.meta_name or obj.name, "fields": {}}
        )
        restrictions = attr.restrictions.asdict(attr.native_types)
        restrictions.pop("required", None)
        if attr.is_list:
            restrictions["min_occurs"] = attr.restrictions.min_occurs or 0
            restrictions["max_occurs"] = _finite(attr.restrictions.max_occurs)
        else:
            restrictions["min_occurs"] = 0 if attr.is_optional else 1
            restrictions["max_occurs"] = 1
        entry["fields"][self.field_name(attr.name, obj.name)] = {
            "name": attr.local_name,
            **restrictions,
        }

    # -- module -------------------------------------------------------------------------
    def struct_imports(self, output: str) -> str:
        lines = ["from __future__ import annotations", ""]
        dates = [name for name in ("date", "datetime") if re.search(rf"\b{name}\b", output)]
        if dates:
            lines.append(f"from datetime import {', '.join(dates)}")
        if "Decimal" in output:
            lines.append("from decimal import Decimal")
        if "(Enum)" in output:
            lines.append("from enum import Enum")
        typing_names = ["Annotated", "ClassVar"]
        if self.markers:
            typing_names += ["TYPE_CHECKING", "TypeAlias"]
        lines.append(f"from typing import {', '.join(sorted(typing_names))}")
        lines += ["", "from msgspec import Meta, Struct, field", ""]
        if self.markers:
            lines.append(f"from {NUMBERS_MODULE} import decimal_or")
        return "\n".join(lines)

    def struct_markers(self, output: str) -> str:
        if not self.markers:
            return ""
        checking = [f"    {a}: TypeAlias = Decimal | {e}" for a, e in sorted(self.markers.items())]
        runtime = [f"    {a} = decimal_or({e})" for a, e in sorted(self.markers.items())]
        return "\n".join(["if TYPE_CHECKING:", *checking, "else:", *runtime])


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _finite(value: int | None) -> int | None:
    return None if value is None or value >= sys.maxsize else value


def _reaches(start: Class, by_qname: dict[str, Class]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        for attr in current.attrs:
            for t in attr.types:
                target = by_qname.get(t.qname)
                if target is not None and target.qname not in seen:
                    seen.add(target.qname)
                    stack.append(target)
    return seen


class MsgspecGenerator(DataclassGenerator):
    """Renders the model with :class:`StructFilters` and writes the facts table beside it."""

    filters: StructFilters
    primitives: ClassVar[dict[tuple[str, str], str]] = {}
    """(XSD type, element) -> XSD primitive type; set by ``tools/generate.py`` from the XSD."""
    free_text: ClassVar[set[tuple[str, str]]] = set()
    """(XSD type, element) of the free-text elements; set by ``tools/generate.py``."""

    @classmethod
    def get_template_paths(cls) -> list[str]:
        return [str(TEMPLATES), *super().get_template_paths()]

    @classmethod
    def init_filters(cls, config: GeneratorConfig) -> StructFilters:
        filters = StructFilters(config)
        filters.primitives = dict(cls.primitives)
        filters.free_text = set(cls.free_text)
        return filters

    def validate_imports(self) -> None:
        """Skipped: the model imports ``sir_format._numbers``, absent from the scratch folder;
        ``tests/test_generated.py`` imports the regenerated package instead."""

    def render(self, classes: list[Class]) -> Iterator[GeneratorResult]:
        by_qname = {obj.qname: obj for obj in classes}
        self.filters.cyclic = {
            obj.qname for obj in classes if obj.qname in _reaches(obj, by_qname)
        }
        elements = [obj for obj in classes if obj.is_element and not obj.is_enumeration]
        self.filters.root_types = {obj.qname for obj in elements} | {
            ext.type.qname for obj in elements for ext in obj.extensions
        }
        module_path: Path | None = None
        for result in super().render(classes):
            if result.title != "init":
                module_path = result.path
            yield result
        if module_path is not None:
            yield GeneratorResult(
                path=module_path.with_name("facts.py"),
                title="facts",
                source=self._facts_module(),
            )

    def _facts_module(self) -> str:
        table = pprint.pformat(self.filters.facts, width=10**6, sort_dicts=False)
        return (
            '"""Per class: the XSD type name and, per field in schema order, the wire name,\n'
            'occurrence and XSD facets (read by ``sir_format.metadata``)."""\n\n'
            "from decimal import Decimal\nfrom typing import Any\n\n"
            f"FACTS: dict[str, dict[str, Any]] = {table}\n"
        )
