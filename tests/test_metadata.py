"""The metadata API describes every field from the generated code and the XSD."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from lxml import etree

from sir_format.metadata import Kind, all_models, enum_types, model_info
from sir_format.models import (
    SAPS3,
    Grunddata,
    Huvud,
    SIRData,
    SOFARegistrering,
    VardeOkant,
    Vardtillfalle,
    ViktOchLangd,
)

XSD = "sir_format/schemas/SIRDataVer52.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def test_every_xsd_element_is_described() -> None:
    doc = etree.parse(XSD)
    declared = {
        (el.getparent().getparent().get("name") or "", el.get("name"))
        for el in doc.iter(f"{XS}element")
        if el.getparent() is not None and el.getparent().tag == f"{XS}sequence"
    }
    described = {(info.xsd_type, f.wire_name) for info in all_models() for f in info.fields}
    top = {pair for pair in declared if pair[0]}
    # every element of a named complex type's top-level sequence is in the metadata
    assert top <= described
    assert len(all_models()) == 27
    assert sum(len(i.fields) for i in all_models()) == 190


def test_field_facts() -> None:
    kon = model_info(Grunddata).by_wire["Kön"]
    assert kon.py_name == "kon"
    assert kon.kind is Kind.ENUM
    assert kon.facets.enumeration == ("Man", "Kvinna", "VärdeOkänt")
    assert kon.required and kon.max_occurs == 1 and not kon.is_list
    assert kon.provenance == "V"
    assert kon.doc.startswith("Legal sex")

    skapad = model_info(Huvud).by_py["skapad"]
    assert skapad.kind is Kind.DATETIME
    assert skapad.facets.min_inclusive == datetime(2000, 1, 1)
    assert skapad.facets.pattern is not None

    ph = model_info(SAPS3).by_wire["pHLägst"]
    assert ph.kind is Kind.DECIMAL
    assert ph.facets.min_inclusive == Decimal("6.50")
    assert ph.facets.fraction_digits == 2
    assert not ph.required

    episodes = model_info(SIRData).by_wire["Vårdtillfälle"]
    assert episodes.is_list and episodes.min_occurs == 1 and episodes.max_occurs == 5000
    assert episodes.model.cls is Vardtillfalle

    cfs = model_info(Vardtillfalle).by_wire["ClinicalFrailtyScale"]
    assert cfs.kind is Kind.NUMBER_OR_UNKNOWN
    assert cfs.python_type is int and cfs.unknown is VardeOkant
    assert (cfs.facets.min_inclusive, cfs.facets.max_inclusive) == (1, 9)

    vikt = model_info(ViktOchLangd).by_wire["DagligVikt"]
    assert vikt.is_list and vikt.max_occurs == 400


def test_choices_come_from_the_xsd() -> None:
    sofa = model_info(SOFARegistrering)
    assert sofa.choices == ((("GCSÖgon", "GCSVerbal", "GCSMotorik"), ("RLS85",)),)
    assert sofa.by_wire["GCSVerbal"].choice == 0
    assert sofa.by_wire["Tidpunkt"].choice is None
    assert model_info(SAPS3).choices == ((("GCS",), ("RLS85",)),)


def test_enum_types_are_complete() -> None:
    names = {e.__name__ for e in enum_types()}
    assert {"Kon", "Vardtyp", "VardeOkant", "SKKod", "Formatversion"} <= names
    assert len(enum_types()) == 44


def test_model_info_rejects_non_models() -> None:
    with pytest.raises(TypeError):
        model_info(int)
    with pytest.raises(TypeError):
        _ = model_info(Grunddata).by_wire["Kön"].model
