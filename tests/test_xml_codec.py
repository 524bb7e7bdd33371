"""XML codec: dictionary examples, lossless round trips, determinism and error locations."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from lxml import etree
from xml_oracle import model_view, oracle_view

import sir_format
from sir_format import ParseError, SerializeError
from sir_format._xml import xml_schema
from sir_format.models import JaNej, VardeOkant

FIXTURES = Path(__file__).parent / "fixtures"
XML_FILES = ["file_a_iva.xml", "file_b_ima.xml"]


def canonical(data: bytes) -> bytes:
    """C14N after dropping indentation (the lexical normalisation of a round trip)."""
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n")


@pytest.mark.parametrize("name", XML_FILES)
def test_dictionary_examples_read_like_the_oracle(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    assert model_view(sir_format.from_xml(data)) == oracle_view(data)


def _replace_path(obj: Any, path: tuple[str | int, ...], value: object) -> Any:
    """A copy of ``obj`` with the value at ``path`` (field names, list indexes) replaced."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(obj)
        items[head] = _replace_path(items[head], rest, value)
        return items
    return msgspec.structs.replace(obj, **{head: _replace_path(getattr(obj, head), rest, value)})


ORACLE_DIFFERENCES = [
    ("a decimal's digits", ("vardtillfalle", 0, "saps3", "p_hlagst"), Decimal("7.280")),
    ("a decimal's value", ("vardtillfalle", 0, "saps3", "p_hlagst"), Decimal("7.29")),
    ("an integer", ("vardtillfalle", 0, "clinical_frailty_scale"), 4),
    (
        "a number replaced by the unknown token",
        ("vardtillfalle", 0, "clinical_frailty_scale"),
        VardeOkant.VARDE_OKANT,
    ),
    ("an enumeration", ("vardtillfalle", 0, "saps3", "ventilator"), JaNej.NEJ),
    ("a date-time", ("huvud", "skapad"), datetime(2024, 11, 10, 8, 0, 1)),
    ("free text", ("huvud", "avdelningsnamn"), "IVA  Exempelsjukhuset"),
    ("an optional module dropped", ("vardtillfalle", 0, "saps3"), None),
]


@pytest.mark.parametrize(
    ("path", "value"),
    [pytest.param(path, value, id=what) for what, path, value in ORACLE_DIFFERENCES],
)
def test_the_oracle_comparison_notices_a_changed_value(
    path: tuple[str | int, ...], value: object
) -> None:
    data = (FIXTURES / "file_a_iva.xml").read_bytes()
    report = sir_format.from_xml(data)
    assert model_view(report) == oracle_view(data)
    assert model_view(_replace_path(report, path, value)) != oracle_view(data)


def test_the_oracle_comparison_notices_reordered_episodes() -> None:
    report = sir_format.from_xml(_several_episodes())
    swapped = msgspec.structs.replace(report, vardtillfalle=report.vardtillfalle[::-1])
    assert model_view(report) == oracle_view(_several_episodes())
    assert model_view(swapped) != oracle_view(_several_episodes())


def _several_episodes() -> bytes:
    """The IVA example with the IMA example's episode appended."""
    iva = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    ima = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
    episode = ima[ima.index("<Vårdtillfälle>") : ima.rindex("</Vårdtillfälle>")]
    end = iva.rindex("</Vårdtillfälle>") + len("</Vårdtillfälle>")
    return (iva[:end] + episode + "</Vårdtillfälle>" + iva[end:]).encode()


@pytest.mark.parametrize("name", XML_FILES)
def test_round_trip_is_c14n_equal_and_schema_valid(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    written = sir_format.to_xml(sir_format.from_xml(data))
    assert canonical(written) == canonical(data)
    assert xml_schema().validate(etree.fromstring(written))


def test_output_is_deterministic_utf8_without_bom() -> None:
    report = sir_format.from_xml((FIXTURES / "file_a_iva.xml").read_bytes())
    first = sir_format.to_xml(report)
    assert first == sir_format.to_xml(copy.deepcopy(report))
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<SIRDataVer52>')
    assert "Vårdtillfälle".encode() in first


def test_text_input_and_bom_are_accepted() -> None:
    data = (FIXTURES / "file_b_ima.xml").read_bytes()
    expected = sir_format.from_xml(data)
    assert sir_format.from_xml(data.decode("utf-8")) == expected
    assert sir_format.from_xml(b"\xef\xbb\xbf" + data) == expected


def test_in_memory_types() -> None:
    report = sir_format.from_xml((FIXTURES / "file_a_iva.xml").read_bytes())
    episode = report.vardtillfalle[0]
    assert episode.grunddata.inskrivningstid == datetime(2024, 11, 3, 16, 40)
    assert episode.grunddata.inskrivningstid.tzinfo is None
    assert episode.saps3 is not None
    assert episode.saps3.p_hlagst == Decimal("7.28")
    assert episode.saps3.ventilator is JaNej.JA
    assert episode.clinical_frailty_scale == 3


def test_tokens_and_numbers_are_collapsed_and_free_text_trimmed() -> None:
    """Data dictionary §12 D2: free text is trimmed, never collapsed inside."""
    data = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
    data = data.replace("<Kön>Kvinna</Kön>", "<Kön>\n   Kvinna  </Kön>")
    data = data.replace(
        "<Avdelningsnamn>IMA Medicin Exempelsjukhuset</Avdelningsnamn>",
        "<Avdelningsnamn>  IMA   Medicin Exempelsjukhuset </Avdelningsnamn>",
    )
    data = data.replace("<ClinicalFrailtyScale>5<", "<ClinicalFrailtyScale> 5 <")
    report = sir_format.from_xml(data)
    assert report.huvud.avdelningsnamn == "IMA   Medicin Exempelsjukhuset"
    assert report.vardtillfalle[0].grunddata.kon.value == "Kvinna"
    assert report.vardtillfalle[0].clinical_frailty_scale == 5
    assert model_view(report) == oracle_view(data)


def test_number_or_unknown_round_trips() -> None:
    data = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
    data = data.replace("<ClinicalFrailtyScale>5<", "<ClinicalFrailtyScale>VärdeOkänt<")
    report = sir_format.from_xml(data)
    assert report.vardtillfalle[0].clinical_frailty_scale is VardeOkant.VARDE_OKANT
    assert sir_format.from_xml(sir_format.to_xml(report)) == report


def test_empty_actions_module_round_trips() -> None:
    data = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
    start = data.index("<Åtgärder>")
    end = data.index("</Åtgärder>") + len("</Åtgärder>")
    emptied = data[:start] + "<Åtgärder/>" + data[end:]
    report = sir_format.from_xml(emptied)
    assert model_view(report) == oracle_view(emptied)
    atgarder = report.vardtillfalle[0].atgarder
    assert atgarder is not None
    assert atgarder.atgard == []
    assert b"<\xc3\x85tg\xc3\xa4rder/>" in sir_format.to_xml(report)


def _ima_text() -> str:
    return (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("<Kön>Kvinna</Kön>", "<Kön>Okänd</Kön>", "Vårdtillfälle[1]/Grunddata/Kön"),
        (
            "<Födelsedatum>1948-09-22</Födelsedatum>",
            "<Födelsedatum>1948-09-22Z</Födelsedatum>",
            "Vårdtillfälle[1]/Grunddata/Födelsedatum",
        ),
        (
            "<Inskrivningstid>2025-05-12T08:15:00</Inskrivningstid>",
            "<Inskrivningstid>2025-05-12T08:15:00.5</Inskrivningstid>",
            "Vårdtillfälle[1]/Grunddata/Inskrivningstid",
        ),
        (
            "<Inskrivningstid>2025-05-12T08:15:00</Inskrivningstid>",
            "<Inskrivningstid>2025-05-12T24:00:00</Inskrivningstid>",
            "Vårdtillfälle[1]/Grunddata/Inskrivningstid",
        ),
        (
            "<ClinicalFrailtyScale>5</ClinicalFrailtyScale>",
            "<ClinicalFrailtyScale>10</ClinicalFrailtyScale>",
            "Vårdtillfälle[1]/ClinicalFrailtyScale",
        ),
        (
            "<HsaId>SE2321000131-IM02</HsaId>",
            "<HsaId>SE23-IM02</HsaId>",
            "Huvud/HsaId",
        ),
        (
            "<Kod>DG023</Kod>",
            "<Kod>DG023</Kod><Okänt>1</Okänt>",
            "Vårdtillfälle[1]/Åtgärder/Åtgärd[1]/Okänt",
        ),
    ],
)
def test_wrong_values_are_rejected_with_their_location(old: str, new: str, path: str) -> None:
    text = _ima_text()
    assert old in text
    with pytest.raises(ParseError) as info:
        sir_format.from_xml(text.replace(old, new))
    assert info.value.path == path
    assert info.value.line == text[: text.index(old)].count("\n") + 1
    assert path in str(info.value)


def test_episode_limit_is_configurable() -> None:
    text = _ima_text()
    start = text.index("<Vårdtillfälle>")
    end = text.index("</Vårdtillfälle>") + len("</Vårdtillfälle>")
    doubled = text[:end] + text[start:end] + text[end:]
    codec = sir_format.Codec(sir_format.Limits(max_episodes=1))
    with pytest.raises(ParseError, match=r"at most 1 allowed") as caught:
        codec.from_xml(doubled)
    assert caught.value.code == "SIR-X014"
    assert caught.value.path == "Vårdtillfälle[2]"
    assert len(sir_format.from_xml(doubled).vardtillfalle) == 2


def test_writer_rejects_what_it_cannot_represent() -> None:
    report = sir_format.from_xml(_ima_text())
    episode = report.vardtillfalle[0]
    episode.grunddata.inskrivningstid = datetime(2025, 5, 12, 8, 15, 0, 500)
    with pytest.raises(SerializeError) as info:
        sir_format.to_xml(report)
    assert info.value.path == "Vårdtillfälle[1]/Grunddata/Inskrivningstid"
    episode.grunddata.inskrivningstid = datetime(2025, 5, 12, 8, 15)
    episode.clinical_frailty_scale = 5.0  # type: ignore[assignment]
    with pytest.raises(SerializeError) as wrong:
        sir_format.to_xml(report)
    assert wrong.value.message == "expected VardeOkant or int, got float"
    episode.clinical_frailty_scale = 5
    episode.grunddata.vardtyp = None  # type: ignore[assignment]
    with pytest.raises(SerializeError) as missing:
        sir_format.to_xml(report)
    assert missing.value.path == "Vårdtillfälle[1]/Grunddata/Vårdtyp"


def test_writer_escapes_markup_in_text() -> None:
    report = sir_format.from_xml(_ima_text())
    report.huvud.forsystem.leverantor = "A & B <AB>"
    written = sir_format.to_xml(report)
    assert b"A &amp; B &lt;AB&gt;" in written
    assert sir_format.from_xml(written) == report


def test_decimal_written_without_exponent() -> None:
    report = sir_format.from_xml((FIXTURES / "file_a_iva.xml").read_bytes())
    vikt = report.vardtillfalle[0].vikt_och_langd
    assert vikt is not None
    vikt.vikt_vid_ankomst = Decimal("1E+2")
    assert b"<ViktVidAnkomst>100</ViktVidAnkomst>" in sir_format.to_xml(report)


def test_only_xsd_whitespace_is_trimmed() -> None:
    """A no-break space is text, not whitespace, in XSD; XML and JSON agree on it."""
    name = "\u00a0IMA\u00a0Medicin  Exempelsjukhuset\u00a0"
    data = _ima_text().replace("IMA Medicin Exempelsjukhuset", f" {name}\n")
    report = sir_format.from_xml(data)
    assert report.huvud.avdelningsnamn == name
    assert model_view(report) == oracle_view(data)
    assert sir_format.from_json(sir_format.to_json(report)) == report


def test_writer_rejects_a_member_of_another_enumeration() -> None:
    report = sir_format.from_xml(_ima_text())
    report.vardtillfalle[0].grunddata.kon = JaNej.JA  # type: ignore[assignment]
    with pytest.raises(SerializeError, match="expected Kon, got JaNej") as info:
        sir_format.to_xml(report)
    assert info.value.path == "Vårdtillfälle[1]/Grunddata/Kön"
    report.vardtillfalle[0].grunddata.kon = "Man"  # type: ignore[assignment]
    with pytest.raises(SerializeError, match="expected Kon, got str"):
        sir_format.to_xml(report)
