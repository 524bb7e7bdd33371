"""Hostile and broken input ends in a SirFormatError naming the location: one test per case.

No case may leak a dependency's exception, hang, or touch the network.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import sir_format
from sir_format import InputTooLargeError, ParseError, SchemaVersionError, SirFormatError

FIXTURES = Path(__file__).parent / "fixtures"
IMA_XML = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
IMA_JSON = (FIXTURES / "file_b_ima.json").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket while parsing fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted while parsing")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_errors_are_value_errors() -> None:
    assert issubclass(SirFormatError, ValueError)
    assert issubclass(ParseError, SirFormatError)


def test_external_entity_is_refused() -> None:
    doc = IMA_XML.replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE SIRDataVer52 [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>',
    ).replace("<Kön>Kvinna</Kön>", "<Kön>&xxe;</Kön>")
    with pytest.raises(ParseError, match=r"DOCTYPE|not allowed|Entity") as info:
        sir_format.from_xml(doc)
    assert info.value.line is not None


def test_local_file_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Kvinna")
    doc = IMA_XML.replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<!DOCTYPE SIRDataVer52 [<!ENTITY f SYSTEM "file://{secret}">]>',
    ).replace("<Kön>Kvinna</Kön>", "<Kön>&f;</Kön>")
    with pytest.raises(ParseError):
        sir_format.from_xml(doc)


def test_billion_laughs_is_refused_quickly() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE SIRDataVer52 [{entities}]>'
        "<SIRDataVer52>&lol9;</SIRDataVer52>"
    )
    with pytest.raises(ParseError):
        sir_format.from_xml(doc)


def test_dtd_is_refused() -> None:
    doc = IMA_XML.replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE SIRDataVer52 SYSTEM "sir.dtd">',
    )
    with pytest.raises(ParseError, match="DOCTYPE"):
        sir_format.from_xml(doc)


def test_deep_nesting_is_refused() -> None:
    depth = 100_000
    doc = "<SIRDataVer52>" + "<a>" * depth + "</a>" * depth + "</SIRDataVer52>"
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(doc)
    assert info.value.line is not None


def test_oversized_input_is_refused_by_a_configurable_limit() -> None:
    codec = sir_format.Codec(sir_format.Limits(max_bytes=1000))
    with pytest.raises(InputTooLargeError, match="above the limit of 1000 bytes"):
        codec.from_xml(IMA_XML)
    with pytest.raises(InputTooLargeError):
        codec.from_json(IMA_JSON)
    assert sir_format.Codec(sir_format.Limits(max_bytes=None)).from_xml(IMA_XML)


def test_invalid_utf8_is_refused() -> None:
    doc = IMA_XML.encode("utf-8").replace(b"Kvinna", b"Kv\xffinna")
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(doc)
    assert info.value.line is not None


def test_invalid_utf8_json_is_refused() -> None:
    with pytest.raises(ParseError):
        sir_format.from_json(IMA_JSON.encode("utf-8").replace(b"Kvinna", b"Kv\xffinna"))


def test_wrong_root_element_is_refused() -> None:
    with pytest.raises(SchemaVersionError, match=r"5\.2") as info:
        sir_format.from_xml(IMA_XML.replace("SIRDataVer52", "SIRDataVer51"))
    assert info.value.code == "SIR-R003"
    with pytest.raises(SchemaVersionError, match="SIRDataVer52") as other:
        sir_format.from_xml(IMA_XML.replace("SIRDataVer52", "Rapport"))
    assert other.value.code == "SIR-X010"


def test_unknown_element_is_refused_with_its_path() -> None:
    doc = IMA_XML.replace("<Vårdtyp>IMA</Vårdtyp>", "<Vårdtyp>IMA</Vårdtyp><Hemligt>x</Hemligt>")
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(doc)
    assert info.value.path == "Vårdtillfälle[1]/Grunddata/Hemligt"


def test_unknown_element_at_the_root_is_refused() -> None:
    doc = IMA_XML.replace("</SIRDataVer52>", "<Bilaga>x</Bilaga></SIRDataVer52>")
    with pytest.raises(ParseError, match="Bilaga"):
        sir_format.from_xml(doc)


def test_wrong_type_is_refused() -> None:
    doc = IMA_XML.replace(
        "<ClinicalFrailtyScale>5</ClinicalFrailtyScale>",
        "<ClinicalFrailtyScale>fem</ClinicalFrailtyScale>",
    )
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(doc)
    assert info.value.path == "Vårdtillfälle[1]/ClinicalFrailtyScale"


def test_not_well_formed_xml_is_refused_with_line() -> None:
    text = IMA_XML.replace("</Grunddata>", "</Grunddat>")
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(text)
    end = text.index("</Grunddat>") + len("</Grunddat>")
    assert info.value.line == text[:end].count("\n") + 1
    assert info.value.column == end - text.rfind("\n", 0, end)  # libxml2: just past the tag


def test_empty_input_is_refused() -> None:
    for data in (b"", b"   "):
        with pytest.raises(ParseError):
            sir_format.from_xml(data)
        with pytest.raises(ParseError):
            sir_format.from_json(data)


def test_json_nan_is_refused() -> None:
    with pytest.raises(ParseError):
        sir_format.from_json(
            IMA_JSON.replace('"ClinicalFrailtyScale": 5', '"ClinicalFrailtyScale": NaN')
        )


def test_json_null_is_refused() -> None:
    with pytest.raises(ParseError) as info:
        sir_format.from_json(IMA_JSON.replace('"Kön": "Kvinna"', '"Kön": null'))
    assert info.value.path == "Vårdtillfälle[1]/Grunddata/Kön"


def test_json_duplicate_keys_are_refused() -> None:
    with pytest.raises(ParseError):
        sir_format.from_json(IMA_JSON.replace('"Kön": "Kvinna"', '"Kön": "Kvinna", "Kön": "Man"'))


def test_json_huge_numbers_are_refused() -> None:
    for huge in ("1e400", str(2**80)):
        with pytest.raises(ParseError):
            sir_format.from_json(
                IMA_JSON.replace('"ClinicalFrailtyScale": 5', f'"ClinicalFrailtyScale": {huge}')
            )


def test_json_unknown_key_is_refused() -> None:
    with pytest.raises(ParseError):
        sir_format.from_json(IMA_JSON.replace('"Kön": "Kvinna"', '"Kön": "Kvinna", "Hemligt": 1'))


def test_identity_numbers_are_masked_in_parse_errors() -> None:
    doc = IMA_XML.replace("194809224464", "1948092244641234567890")
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(doc)
    assert "1948092244641234567890" not in str(info.value)
    assert "19********************" in str(info.value)
