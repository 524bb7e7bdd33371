"""The JSON Schema exporter: a valid draft 2020-12 schema that says what the metadata says."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from elementpath.regex import translate_pattern
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

import sir_format
from sir_format.jsonschema import (
    DRAFT,
    SCHEMA_RESOURCE,
    json_schema,
    schema_text,
    translate_xsd_pattern,
    write_schema,
)
from sir_format.metadata import FieldInfo, Kind, ModelInfo, all_models, enum_types, model_info
from sir_format.models import SAPS3, JaNej, SIRData, SOFARegistrering
from sir_format.testing import reports

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
JSON_FIXTURES = sorted(FIXTURES.glob("*.json"))

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def schema() -> Doc:
    return json_schema()


@pytest.fixture(scope="module")
def validator(schema: Doc) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def load(path: Path) -> Doc:
    data: Doc = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def doc() -> Doc:
    """File A as a fresh JSON document (it has SAPS3 and both SOFA consciousness branches)."""
    return load(FIXTURES / "file_a_iva.json")


def defs_key(ref: str) -> str:
    assert ref.startswith("#/$defs/")
    return unquote(ref.removeprefix("#/$defs/"))


# --- walking a document alongside the metadata --------------------------------------------


def walk(obj: Doc, info: ModelInfo) -> Iterator[tuple[Doc, FieldInfo, ModelInfo]]:
    """Every present field as (containing object, field, model of the container)."""
    for f in info.fields:
        if f.wire_name not in obj:
            continue
        yield obj, f, info
        if f.kind is Kind.COMPLEX:
            value = obj[f.wire_name]
            for item in value if f.is_list else [value]:
                yield from walk(item, f.model)


def find(doc: Doc, predicate: Callable[[FieldInfo], bool]) -> tuple[Doc, FieldInfo]:
    for container, f, _ in walk(doc, model_info(SIRData)):
        if predicate(f):
            return container, f
    raise LookupError("no such field in the fixture")


def find_object(doc: Doc, cls: type, where: Callable[[Doc], bool] = lambda _: True) -> Doc:
    for container, f, _ in walk(doc, model_info(SIRData)):
        if f.kind is Kind.COMPLEX and f.python_type is cls:
            value = container[f.wire_name]
            items: list[Doc] = value if f.is_list else [value]
            for item in items:
                if where(item):
                    return item
    raise LookupError(f"no {cls.__name__} in the fixture")


def errors(validator: jsonschema.Draft202012Validator, doc: Doc) -> list[str]:
    return [e.message for e in validator.iter_errors(doc)]


# --- the schema itself --------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema: Doc) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT
    assert ".invalid/" in schema["$id"] or schema["$id"].startswith("urn:")


def test_every_pattern_is_a_valid_regex(schema: Doc) -> None:
    patterns = re.findall(r'"pattern": ("(?:[^"\\]|\\.)*")', json.dumps(schema))
    assert patterns
    for text in patterns:
        pattern = json.loads(text)
        assert pattern.startswith("^(?:")
        assert pattern.endswith(")$")
        re.compile(pattern)


def test_returns_a_copy_that_cannot_corrupt_the_cache() -> None:
    first = json_schema()
    first["$defs"].clear()
    first["title"] = "changed"
    again = json_schema()
    assert again["$defs"]
    assert again["title"] != "changed"


@pytest.mark.parametrize("fixture", JSON_FIXTURES, ids=lambda p: p.name)
def test_dictionary_fixtures_validate(
    validator: jsonschema.Draft202012Validator, fixture: Path
) -> None:
    assert errors(validator, load(fixture)) == []


@pytest.mark.parametrize("fixture", JSON_FIXTURES, ids=lambda p: p.name)
def test_fixtures_validate_with_decimals_as_decimal(
    validator: jsonschema.Draft202012Validator, fixture: Path
) -> None:
    doc = json.loads(fixture.read_text(encoding="utf-8"), parse_float=Decimal)
    assert errors(validator, doc) == []


def keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from keys(value)


def values_of(node: Any, wanted: str) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == wanted:
                yield value
            yield from values_of(value, wanted)
    elif isinstance(node, list):
        for value in node:
            yield from values_of(value, wanted)


# --- derived coverage: the schema says what the metadata says --------------------------------


def test_every_model_field_appears_under_its_wire_name(schema: Doc) -> None:
    defs = schema["$defs"]
    assert defs_key(schema["$ref"]) == all_models()[0].xsd_type
    for info in all_models():
        definition = defs[info.xsd_type]
        assert definition["additionalProperties"] is False
        assert list(definition["properties"]) == [f.wire_name for f in info.fields]
        required = [f.wire_name for f in info.fields if f.min_occurs > 0]
        assert definition.get("required", []) == required
        for f in info.fields:
            prop = definition["properties"][f.wire_name]
            assert prop.get("description", "") == f.doc
            check_property(defs, f, prop)


def check_property(defs: Doc, f: FieldInfo, prop: Doc) -> None:
    if f.is_list:
        assert prop["type"] == "array"
        assert prop["minItems"] == max(1, f.min_occurs)
        assert prop["maxItems"] == f.max_occurs
        prop = prop["items"]
    else:
        assert "items" not in prop
    if f.kind is Kind.COMPLEX:
        assert defs_key(prop["$ref"]) == f.model.xsd_type
    elif f.kind is Kind.ENUM:
        tokens = [m.value for m in f.python_type]  # type: ignore[attr-defined]
        assert defs[defs_key(prop["$ref"])]["enum"] == tokens
    elif f.kind is Kind.NUMBER_OR_UNKNOWN:
        number, unknown = prop["anyOf"]
        check_number(f, number)
        assert f.unknown is not None
        assert defs[defs_key(unknown["$ref"])]["enum"] == [m.value for m in f.unknown]
    elif f.kind in (Kind.INTEGER, Kind.DECIMAL):
        check_number(f, prop)
    else:
        assert prop["type"] == "string"
        if f.facets.pattern:
            assert prop["pattern"] == f"^(?:{translate_xsd_pattern(f.facets.pattern)})$"
        assert prop.get("minLength") == f.facets.min_length
        assert prop.get("maxLength") == f.facets.max_length
        assert ("format" in prop) == (f.kind is Kind.DATE)


def check_number(f: FieldInfo, prop: Doc) -> None:
    assert prop["type"] == ("integer" if f.python_type is int else "number")
    assert "multipleOf" not in prop
    for key, bound in (("minimum", f.facets.min_inclusive), ("maximum", f.facets.max_inclusive)):
        if bound is None:
            assert key not in prop
        else:
            assert Decimal(str(prop[key])) == bound


def test_one_definition_per_enum_type(schema: Doc) -> None:
    enums = [d["enum"] for d in schema["$defs"].values() if "enum" in d]
    assert sorted(map(tuple, enums)) == sorted(tuple(m.value for m in cls) for cls in enum_types())
    assert len(schema["$defs"]) == len(all_models()) + len(enum_types())


def test_fraction_digits_are_documented_not_enforced(schema: Doc) -> None:
    assert "multipleOf" not in set(keys(schema))
    assert "fractionDigits" in schema["$comment"]
    for info in all_models():
        for f in info.fields:
            if f.facets.fraction_digits is not None:
                prop = schema["$defs"][info.xsd_type]["properties"][f.wire_name]
                assert f"fractionDigits {f.facets.fraction_digits}" in prop["$comment"]


def test_no_date_time_format(schema: Doc) -> None:
    assert "date-time" not in set(values_of(schema, "format"))
    assert "date" in set(values_of(schema, "format"))


# --- negative instances -------------------------------------------------------------------


def set_unknown_root_key(doc: Doc) -> None:
    doc["Okänd"] = 1


def set_unknown_nested_key(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.COMPLEX and not f.is_list)
    container[f.wire_name]["Okänd"] = "x"


def set_null_optional(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is not Kind.COMPLEX and not f.required)
    container[f.wire_name] = None


def set_null_required(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is not Kind.COMPLEX and f.required)
    container[f.wire_name] = None


def drop_required(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is not Kind.COMPLEX and f.required)
    del container[f.wire_name]


def empty_scalar_list(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.is_list and f.kind is not Kind.COMPLEX)
    container[f.wire_name] = []


def empty_root_list(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.is_list)
    container[f.wire_name] = []


def array_for_single_scalar(doc: Doc) -> None:
    container, f = find(doc, lambda f: not f.is_list and f.kind is not Kind.COMPLEX)
    container[f.wire_name] = [container[f.wire_name]]


def array_for_single_object(doc: Doc) -> None:
    container, f = find(doc, lambda f: not f.is_list and f.kind is Kind.COMPLEX)
    container[f.wire_name] = [container[f.wire_name]]


def single_value_for_scalar_list(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.is_list and f.kind is not Kind.COMPLEX)
    container[f.wire_name] = container[f.wire_name][0]


def single_object_for_list(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.is_list and f.kind is Kind.COMPLEX)
    container[f.wire_name] = container[f.wire_name][0]


def too_many_items(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.is_list and f.kind is not Kind.COMPLEX)
    container[f.wire_name] = container[f.wire_name][:1] * (f.max_occurs + 1)


def wrong_enum_token(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.ENUM and not f.is_list)
    container[f.wire_name] = container[f.wire_name] + "X"


def enum_token_in_lower_case(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.python_type is JaNej)
    container[f.wire_name] = container[f.wire_name].lower()


def boolean_for_janej(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.python_type is JaNej)
    container[f.wire_name] = container[f.wire_name] == "Ja"


def pattern_violation(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.STRING and f.facets.pattern is not None)
    container[f.wire_name] = "!"


def integer_above_maximum(doc: Doc) -> None:
    container, f = find(
        doc, lambda f: f.kind is Kind.INTEGER and f.facets.max_inclusive is not None
    )
    container[f.wire_name] = f.facets.max_inclusive + 1  # type: ignore[operator]


def integer_below_minimum(doc: Doc) -> None:
    container, f = find(
        doc, lambda f: f.kind is Kind.INTEGER and f.facets.min_inclusive is not None
    )
    container[f.wire_name] = f.facets.min_inclusive - 1  # type: ignore[operator]


def decimal_above_maximum(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DECIMAL)
    container[f.wire_name] = float(f.facets.max_inclusive) + 0.1  # type: ignore[arg-type]


def fraction_for_integer(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.INTEGER)
    container[f.wire_name] = container[f.wire_name] + 0.5


def string_for_number(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.INTEGER)
    container[f.wire_name] = str(container[f.wire_name])


def wrong_unknown_token(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.NUMBER_OR_UNKNOWN)
    container[f.wire_name] = "Okänt"


def unknown_out_of_range(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.NUMBER_OR_UNKNOWN)
    container[f.wire_name] = f.facets.max_inclusive + 1  # type: ignore[operator]


def datetime_with_utc_zone(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DATETIME)
    container[f.wire_name] += "Z"


def datetime_with_offset(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DATETIME)
    container[f.wire_name] += "+01:00"


def datetime_with_fraction(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DATETIME)
    container[f.wire_name] += ".5"


def date_with_zone(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DATE)
    container[f.wire_name] += "Z"


def impossible_date(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DATE)
    container[f.wire_name] = container[f.wire_name][:5] + "02-30"


def _branch_values(info: ModelInfo, branch: tuple[str, ...]) -> Doc:
    return {name: info.by_wire[name].facets.min_inclusive for name in branch}


def gcs_and_rls85_both(doc: Doc) -> None:
    info = model_info(SAPS3)
    (group,) = info.choices
    saps3 = find_object(doc, SAPS3)
    present = [b for b in group if all(name in saps3 for name in b)]
    assert len(present) == 1
    other = next(b for b in group if b != present[0])
    saps3.update(_branch_values(info, other))


def incomplete_gcs_branch(doc: Doc) -> None:
    info = model_info(SOFARegistrering)
    (group,) = info.choices
    long_branch = max(group, key=len)
    registration = find_object(doc, SOFARegistrering, lambda r: long_branch[0] in r)
    for name in long_branch[1:]:
        del registration[name]


def gcs_branch_missing_one(doc: Doc) -> None:
    info = model_info(SOFARegistrering)
    long_branch = max(info.choices[0], key=len)
    registration = find_object(doc, SOFARegistrering, lambda r: long_branch[0] in r)
    del registration[long_branch[-1]]


def complete_gcs_and_rls85(doc: Doc) -> None:
    info = model_info(SOFARegistrering)
    (group,) = info.choices
    long_branch = max(group, key=len)
    registration = find_object(doc, SOFARegistrering, lambda r: long_branch[0] in r)
    for branch in group:
        if branch != long_branch:
            registration.update(_branch_values(info, branch))


NEGATIVE = [
    set_unknown_root_key,
    set_unknown_nested_key,
    set_null_optional,
    set_null_required,
    drop_required,
    empty_scalar_list,
    empty_root_list,
    array_for_single_scalar,
    array_for_single_object,
    single_value_for_scalar_list,
    single_object_for_list,
    too_many_items,
    wrong_enum_token,
    enum_token_in_lower_case,
    boolean_for_janej,
    pattern_violation,
    integer_above_maximum,
    integer_below_minimum,
    decimal_above_maximum,
    fraction_for_integer,
    string_for_number,
    wrong_unknown_token,
    unknown_out_of_range,
    datetime_with_utc_zone,
    datetime_with_offset,
    datetime_with_fraction,
    date_with_zone,
    impossible_date,
    gcs_and_rls85_both,
    incomplete_gcs_branch,
    gcs_branch_missing_one,
    complete_gcs_and_rls85,
]


@pytest.mark.parametrize("mutate", NEGATIVE, ids=lambda f: f.__name__)
def test_negative_instance_fails(
    validator: jsonschema.Draft202012Validator, doc: Doc, mutate: Callable[[Doc], None]
) -> None:
    assert errors(validator, doc) == []
    mutate(doc)
    assert errors(validator, doc) != []


def test_patterns_are_anchored(validator: jsonschema.Draft202012Validator, doc: Doc) -> None:
    checked = 0
    for container, f, _ in list(walk(doc, model_info(SIRData))):
        if f.kind is Kind.STRING and f.facets.pattern and not f.is_list and not f.free_text:
            original = container[f.wire_name]
            for changed in (original + "!", "!" + original):
                container[f.wire_name] = changed
                found = list(validator.iter_errors(doc))
                assert any(e.validator == "pattern" for e in found), (f.wire_name, changed)
            container[f.wire_name] = original
            checked += 1
    assert checked >= 3


# --- positive variants --------------------------------------------------------------------


def no_consciousness_in_saps3(doc: Doc) -> None:
    saps3 = find_object(doc, SAPS3)
    for branch in model_info(SAPS3).choices[0]:
        for name in branch:
            saps3.pop(name, None)


def each_saps3_branch_alone(doc: Doc) -> None:
    info = model_info(SAPS3)
    saps3 = find_object(doc, SAPS3)
    for branch in info.choices[0]:
        for name in branch:
            saps3.pop(name, None)
    saps3.update(_branch_values(info, info.choices[0][-1]))


def unknown_token_for_number(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.NUMBER_OR_UNKNOWN)
    assert f.unknown is not None
    container[f.wire_name] = next(iter(f.unknown)).value


def empty_container(doc: Doc) -> None:
    container, f = find(
        doc, lambda f: f.kind is Kind.COMPLEX and not any(g.required for g in f.model.fields)
    )
    container[f.wire_name] = {}


def float_trap(f: FieldInfo) -> float:
    """A value in range whose float quotient by the fraction step is not whole (7.3 / 0.1)."""
    assert f.facets.fraction_digits is not None
    assert f.facets.min_inclusive is not None
    step = 10.0**-f.facets.fraction_digits
    for k in range(1, 1000):
        start = float(f.facets.min_inclusive)  # type: ignore[arg-type]
        value = round(start + k * step, f.facets.fraction_digits)
        if value / step != int(value / step):
            assert value <= f.facets.max_inclusive  # type: ignore[operator]
            return value
    raise AssertionError("no trap value found")


def decimals_that_trip_multiple_of(doc: Doc) -> None:
    for container, f, _ in list(walk(doc, model_info(SIRData))):
        if f.kind is Kind.DECIMAL:
            container[f.wire_name] = float_trap(f)


def decimal_bounds(doc: Doc) -> None:
    container, f = find(doc, lambda f: f.kind is Kind.DECIMAL)
    container[f.wire_name] = float(f.facets.max_inclusive)  # type: ignore[arg-type]


POSITIVE = [
    no_consciousness_in_saps3,
    each_saps3_branch_alone,
    unknown_token_for_number,
    empty_container,
    decimals_that_trip_multiple_of,
    decimal_bounds,
]


@pytest.mark.parametrize("mutate", POSITIVE, ids=lambda f: f.__name__)
def test_positive_variant_validates(
    validator: jsonschema.Draft202012Validator, doc: Doc, mutate: Callable[[Doc], None]
) -> None:
    before = copy.deepcopy(doc)
    mutate(doc)
    assert doc != before
    assert errors(validator, doc) == []


# --- XSD pattern translation --------------------------------------------------------------


@pytest.mark.parametrize(
    ("xsd", "ecma"),
    [
        (r"\d{4}", "[0-9]{4}"),
        (r"[\d.]", "[0-9.]"),
        (r"\D", "[^0-9]"),
        (r"a\sb", "a[ \\t\\n\\r]b"),
        ("a$b^c", r"a\$b\^c"),
        ("[^a^]", "[^a^]"),
        ("a.b", r"a[^\n\r]b"),
        (r"[.]", "[.]"),
        (r"a\-b", "a-b"),
        (r"[0-9\-]", r"[0-9\-]"),
        (r"\.\+\(\)", r"\.\+\(\)"),
        ("Utland|VärdeOkänt", "Utland|VärdeOkänt"),
    ],
)
def test_translate_xsd_pattern(xsd: str, ecma: str) -> None:
    assert translate_xsd_pattern(xsd) == ecma


@pytest.mark.parametrize(
    "xsd", [r"\p{L}", r"\i\c*", r"\w+", "[a-z-[aeiou]]", "[abc", "abc\\", r"[\D]"]
)
def test_translate_rejects_xsd_only_constructs(xsd: str) -> None:
    with pytest.raises(ValueError, match=r"XSD pattern|class"):
        translate_xsd_pattern(xsd)


PATTERNS = sorted(
    {f.facets.pattern for info in all_models() for f in info.fields if f.facets.pattern}
)
ALPHABET = st.sampled_from("0123456789:-T.ABCZabcSEäöÅVärdeOkäntUtland+_ !\t")


@pytest.mark.parametrize("xsd", PATTERNS)
@settings(max_examples=examples(60), deadline=None)
@given(data=st.data())
def test_translation_agrees_with_an_xsd_regex_engine(xsd: str, data: st.DataObject) -> None:
    # Oracle: elementpath's XSD regex translator (ASCII digits, as the codec reads them).
    # A trailing newline is left out: Python's `$` also matches before one, ECMA-262's not.
    oracle = re.compile(translate_pattern(xsd, anchors=False), re.ASCII)
    mine = re.compile(f"^(?:{translate_xsd_pattern(xsd)})$")
    matching = data.draw(st.from_regex(mine, fullmatch=True).filter(lambda s: "\n" not in s))
    assert oracle.fullmatch(matching)
    text = data.draw(st.text(ALPHABET, max_size=25))
    assert bool(mine.search(text)) == bool(oracle.fullmatch(text))


# --- the shipped file and the export tool -------------------------------------------------


def shipped_text() -> str:
    return (resources.files("sir_format") / "schemas" / SCHEMA_RESOURCE).read_text("utf-8")


def test_shipped_schema_is_current() -> None:
    text = shipped_text()
    assert json.loads(text) == json_schema(), "run: python tools/export_jsonschema.py"
    assert text == schema_text()


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "export_jsonschema", ROOT / "tools" / "export_jsonschema.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_export_tool_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tool = load_tool()
    out = tmp_path / SCHEMA_RESOURCE
    assert tool.main(["--check", "--out", str(out)]) == 1
    assert tool.main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == schema_text()
    assert tool.main(["--check", "--out", str(out)]) == 0
    out.write_text(schema_text().replace("integer", "number", 1), encoding="utf-8")
    assert tool.main(["--check", "--out", str(out)]) == 1
    assert tool.main(["--check"]) == 0
    assert "stale" in capsys.readouterr().err


def test_write_schema_replaces_atomically(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    out.write_text("old", encoding="utf-8")
    write_schema(out)
    assert json.loads(out.read_bytes()) == json_schema()
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]


# --- the codec and the schema agree ---------------------------------------------------------


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data())
def test_codec_output_validates(
    validator: jsonschema.Draft202012Validator, data: st.DataObject
) -> None:
    report = data.draw(reports(max_episodes=2, coherent=False))
    doc = json.loads(sir_format.to_json(report))
    assert errors(validator, doc) == []
