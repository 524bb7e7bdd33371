"""Lossless round trips over reports that are valid against the XSD by construction."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from lxml import etree

import sir_format
from sir_format._xml import location_of, xml_schema
from sir_format.jsonschema import json_schema
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import SIRData
from sir_format.testing import reports

SETTINGS = settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def canonical(data: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


@SETTINGS
@given(reports(coherent=False))
def test_model_xml_model(report: SIRData) -> None:
    written = sir_format.to_xml(report)
    assert xml_schema().validate(etree.fromstring(written)), xml_schema().error_log
    assert sir_format.from_xml(written) == report


@SETTINGS
@given(reports(coherent=False))
def test_model_json_model(report: SIRData) -> None:
    assert sir_format.from_json(sir_format.to_json(report)) == report


@SETTINGS
@given(reports(coherent=False))
def test_xml_json_xml(report: SIRData) -> None:
    xml = sir_format.to_xml(report)
    assert sir_format.convert(sir_format.convert(xml, to="json"), to="xml") == xml


@SETTINGS
@given(reports(coherent=False))
def test_json_output_validates_against_the_json_schema(report: SIRData) -> None:
    document = json.loads(sir_format.to_json(report), parse_float=Decimal)
    validator = jsonschema.Draft202012Validator(json_schema())
    errors = [e.message for e in validator.iter_errors(_floats(document))]
    assert not errors


def _floats(value: Any) -> Any:
    """jsonschema compares numbers; Decimal is fine, but keep ints as ints."""
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def _field_for(element: etree._Element) -> FieldInfo | None:
    cls: type = SIRData
    info: FieldInfo | None = None
    for name, _index in location_of(element):
        info = model_info(cls).by_wire.get(name)
        if info is None:
            return None
        if info.kind is Kind.COMPLEX:
            cls = info.python_type
    return info


def _variants(field: FieldInfo, text: str) -> list[str]:
    """Other lexical forms of the same value that the XSD accepts."""
    forms = [f" {text} ", f"\n\t{text}\n"] if field.white_space == "collapse" else []
    kind = field.kind
    numeric = kind in (Kind.INTEGER, Kind.DECIMAL) or (
        kind is Kind.NUMBER_OR_UNKNOWN and text != "VärdeOkänt"
    )
    if numeric and not text.startswith("-"):
        forms += ["+" + text, "0" + text]
    if numeric and field.python_type is Decimal and "." in text:
        digits = len(text.split(".")[1])
        if field.facets.fraction_digits is None or digits < field.facets.fraction_digits:
            forms.append(text + "0")
    return forms


@SETTINGS
@given(reports(coherent=False), st.randoms(use_true_random=False))
def test_xml_model_xml_is_c14n_equal_after_normalising_lexical_forms(
    report: SIRData, random: Any
) -> None:
    canonical_bytes = sir_format.to_xml(report)
    root = etree.fromstring(canonical_bytes)
    for element in root.iter():
        if len(element) or element.text is None:
            continue
        field = _field_for(element)
        if field is None:
            continue
        forms = _variants(field, element.text)
        if forms and random.random() < 0.5:
            element.text = random.choice(forms)
    messy = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=False)
    reread = sir_format.from_xml(messy)
    assert reread == report
    assert canonical(sir_format.to_xml(reread)) == canonical(canonical_bytes)
