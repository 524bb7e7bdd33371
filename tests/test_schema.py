"""The shipped XSD: a well-formed schema that both XSD engines accept, with the examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
XSD = ROOT / "sir_format" / "schemas" / "SIRDataVer52.xsd"
FIXTURES = ROOT / "tests" / "fixtures"
XS = "{http://www.w3.org/2001/XMLSchema}"
EXAMPLES = ["file_a_iva.xml", "file_b_ima.xml"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_dictionary_examples_are_valid_with_lxml(name: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.parse(str(FIXTURES / name))), schema.error_log


@pytest.mark.parametrize("name", EXAMPLES)
def test_dictionary_examples_are_valid_with_xmlschema(name: str) -> None:
    xmlschema.XMLSchema(str(XSD)).validate(str(FIXTURES / name))


@pytest.mark.parametrize("engine", ["lxml", "xmlschema"])
def test_both_engines_reject_an_invalid_token(engine: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    text = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
    bad.write_text(text.replace("<Vårdtyp>IMA</Vårdtyp>", "<Vårdtyp>ICU</Vårdtyp>"), "utf-8")
    if engine == "lxml":
        assert not etree.XMLSchema(etree.parse(str(XSD))).validate(etree.parse(str(bad)))
    else:
        assert not xmlschema.XMLSchema(str(XSD)).is_valid(str(bad))


def test_bundled_examples_equal_the_dictionary_examples() -> None:
    examples = ROOT / "sir_format" / "examples"
    # iva.xml is file A completed with the modules its unit declared (tests/test_builders_icu.py)
    pairs = {"iva-with-errors": "file_a_iva", "ima": "file_b_ima"}
    for bundled, fixture in pairs.items():
        for ext in ("xml", "json"):
            assert (examples / f"{bundled}.{ext}").read_bytes() == (
                FIXTURES / f"{fixture}.{ext}"
            ).read_bytes()


def test_provenance_header_and_documentation_on_every_element() -> None:
    text = XSD.read_text(encoding="utf-8")
    assert "RECONSTRUCTION" in text.split("<xs:schema", 1)[0]
    assert "data dictionary" in text and "version 0.1" in text
    doc = etree.parse(str(XSD))
    for element in doc.iter(f"{XS}element"):
        if element.getparent() is doc.getroot() and element.get("name") != "SIRDataVer52":
            continue
        documentation = element.find(f"{XS}annotation/{XS}documentation")
        assert documentation is not None, element.get("name")
        assert documentation.text
        assert documentation.text.rstrip().endswith(("[V]", "[P]", "[R]")), element.get("name")
