"""Values that libxml2 leaves unchecked after a content-model error get their schema findings.

libxml2 stops checking the children of an element after the first error in its content model
(an unknown, missing or misplaced element). The relaxed check of ``validation/_partial.py``
checks every value against its type; its findings are the ones the schema layer gives for the
same value when nothing stops it (same code, parameters, message, location and line), and a
value that libxml2 did report is not reported twice.
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files

import pytest

from sir_format import ParseError, from_json, from_xml, validate
from sir_format.validation import Finding, ValidationReport

EXAMPLES = files("sir_format") / "examples"
IVA_XML = (EXAMPLES / "iva.xml").read_text(encoding="utf-8")
IVA_JSON = (EXAMPLES / "iva.json").read_text(encoding="utf-8")
G = "Vårdtillfälle[1]/Grunddata"


def replace(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def shown(report: ValidationReport) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.path, f.line) for f in report.findings]


# An unknown element before the first child of Grunddata: libxml2 checks nothing of Grunddata
# after it. It is written on the line of Personnummertyp, so no line moves.
XML_STOP = (
    "<Personnummertyp>Personnummer</Personnummertyp>",
    "<Foo>1</Foo><Personnummertyp>Personnummer</Personnummertyp>",
)
# Kön left out of the JSON object: libxml2 stops at Födelsedatum, the element found instead.
JSON_STOP = ('"Kön": "Man",\n', "")
KON_LINE = IVA_JSON[: IVA_JSON.index(JSON_STOP[0])].count("\n") + 1

VALUES = {
    "token": (("<Vårdtyp>IVA<", "<Vårdtyp>XXX<"), ('"Vårdtyp": "IVA"', '"Vårdtyp": "XXX"')),
    "decomposed token": (
        ("<Vårdtyp>IVA<", "<Vårdtyp>O\u0308vrig<"),
        ('"Vårdtyp": "IVA"', '"Vårdtyp": "O\u0308vrig"'),
    ),
    "pattern": (
        ("<Postnummer>11822<", "<Postnummer>1182<"),
        ('"Postnummer": "11822"', '"Postnummer": "1182"'),
    ),
    "date and time": (
        ("<Inskrivningstid>2024-11-03T16:40:00<", "<Inskrivningstid>2024-11-03 16:40<"),
        (
            '"Inskrivningstid": "2024-11-03T16:40:00"',
            '"Inskrivningstid": "2024-11-03 16:40"',
        ),
    ),
    "empty": (("<Kommunkod>0180<", "<Kommunkod><"), ('"Kommunkod": "0180"', '"Kommunkod": ""')),
    "identity": (
        (">195711069137<", ">19571106-9137<"),
        ('"195711069137"', '"19571106-9137"'),
    ),
}


def _value_findings(report: ValidationReport, content_codes: set[str]) -> list[Finding]:
    return [f for f in report.findings if f.code not in content_codes]


@pytest.mark.parametrize("case", VALUES)
def test_xml_a_value_after_a_content_error_gets_the_finding_the_schema_layer_gives(
    case: str,
) -> None:
    change = VALUES[case][0]
    alone = validate(replace(IVA_XML, change), profile="schema")
    stopped = validate(replace(IVA_XML, XML_STOP, change), profile="schema")
    assert [f.code for f in alone.findings] != []
    assert (stopped.findings[0].code, stopped.findings[0].path) == ("SIR-X011", f"{G}/Foo")
    assert stopped.findings[1:] == alone.findings
    for lang in ("sv", "en"):
        assert [f.message(lang) for f in stopped.findings[1:]] == [
            f.message(lang) for f in alone.findings
        ]


@pytest.mark.parametrize("case", VALUES)
def test_json_a_value_after_a_missing_element_gets_the_finding_the_schema_layer_gives(
    case: str,
) -> None:
    change = VALUES[case][1]
    alone = validate(replace(IVA_JSON, change), profile="schema")
    stopped = validate(replace(IVA_JSON, JSON_STOP, change), profile="schema")
    assert alone.findings != ()
    assert (stopped.findings[0].code, stopped.findings[0].path) == ("SIR-X012", f"{G}/Kön")
    # the same findings but for the line: taking out Kön moves the lines after it up one
    moved = [
        dataclasses.replace(f, line=f.line - 1) if f.line and f.line > KON_LINE else f
        for f in alone.findings
    ]
    assert stopped.findings[1:] == tuple(moved)


def test_the_identity_in_an_unchecked_value_is_masked() -> None:
    report = validate(replace(IVA_XML, XML_STOP, (">195711069137<", ">19571106-9137<")))
    finding = report.findings[1]
    assert (finding.code, finding.path) == ("SIR-X021", f"{G}/Personnummer")
    for lang in ("sv", "en"):
        assert "19571106-9137" not in finding.message(lang)
    assert finding.raw is not None
    assert "19571106-9137" not in finding.raw


def test_the_example_of_the_docs_misplaced_birth_date_and_an_invalid_vardtyp() -> None:
    text = replace(
        IVA_XML,
        (
            "<Kön>Man</Kön>\n      <Födelsedatum>1957-11-06</Födelsedatum>",
            "<Födelsedatum>1957-11-06</Födelsedatum><Kön>Man</Kön>",
        ),
        ("<Vårdtyp>IVA<", "<Vårdtyp>XXX<"),
    )
    report = validate(text)
    assert shown(report) == [
        ("SIR-X013", f"{G}/Födelsedatum", 15),
        ("SIR-X020", f"{G}/Vårdtyp", 18),
    ]
    assert report.findings[1].message("sv") == (
        'Vårdtyp: "XXX" är inte ett tillåtet värde '
        "(tillåtna: IVA, TIVA, BIVA, Postoperativ, HIA, Övrig, IMA)."
    )
    # the rules that read Vårdtyp are still not run on it
    assert [(s.codes[0], s.path) for s in report.skipped] == [("SIR-R030", f"{G}/Vårdtyp")]


def test_a_misplaced_element_with_an_invalid_value_gets_both_findings() -> None:
    text = replace(
        IVA_XML,
        (
            "<Kön>Man</Kön>\n      <Födelsedatum>1957-11-06</Födelsedatum>",
            "<Födelsedatum>1957-13-06</Födelsedatum><Kön>Man</Kön>",
        ),
    )
    assert shown(validate(text, profile="schema")) == [
        ("SIR-X013", f"{G}/Födelsedatum", 15),
        ("SIR-X032", f"{G}/Födelsedatum", 15),
    ]


def test_a_value_libxml2_reported_is_not_reported_again() -> None:
    # Kön comes before the unknown element (libxml2 reports it); Postnummer after it (only the
    # relaxed check sees it); each once
    text = replace(
        IVA_XML,
        ("<Kön>Man<", "<Kön>Okänd<"),
        ("<Postnummer>11822</Postnummer>", "<Foo/><Postnummer>1</Postnummer>"),
    )
    assert shown(validate(text, profile="schema")) == [
        ("SIR-X020", f"{G}/Kön", 15),
        ("SIR-X011", f"{G}/Foo", 17),
        ("SIR-X021", f"{G}/Postnummer", 17),
    ]


def test_values_without_a_content_error_are_reported_once() -> None:
    text = replace(IVA_XML, ("<Kön>Man<", "<Kön>Okänd<"), ("<Vårdtyp>IVA<", "<Vårdtyp>XXX<"))
    assert shown(validate(text, profile="schema")) == [
        ("SIR-X020", f"{G}/Kön", 15),
        ("SIR-X020", f"{G}/Vårdtyp", 19),
    ]


def test_a_header_value_after_a_missing_element_is_checked() -> None:
    text = replace(
        IVA_XML,
        ("<Formatversion>5.2</Formatversion>", ""),
        ("<Skapad>2024-11-10T08:00:00<", "<Skapad>2024-11-10X08:00:00<"),
    )
    assert shown(validate(text)) == [
        ("SIR-X012", "Huvud/Formatversion", 5),
        ("SIR-X033", "Huvud/Skapad", 7),
    ]


def test_a_json_wrong_type_is_not_reported_again_by_the_relaxed_check() -> None:
    text = replace(IVA_JSON, JSON_STOP, ('"Postnummer": "11822"', '"Postnummer": 11822'))
    # the reader writes an empty Postnummer in its place: not a second finding (SIR-X036)
    assert [(f.code, f.path) for f in validate(text).findings] == [
        ("SIR-X012", f"{G}/Kön"),
        ("SIR-X050", f"{G}/Postnummer"),
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_codec_still_raises_the_first_error(fmt: str) -> None:
    if fmt == "xml":
        text = replace(IVA_XML, XML_STOP, ("<Vårdtyp>IVA<", "<Vårdtyp>XXX<"))
        with pytest.raises(ParseError) as raised:
            from_xml(text)
        assert raised.value.finding is not None
        assert raised.value.finding.code == "SIR-X011"
    else:
        text = replace(IVA_JSON, JSON_STOP, ('"Vårdtyp": "IVA"', '"Vårdtyp": "XXX"'))
        with pytest.raises(ParseError) as raised:
            from_json(text)
        assert raised.value.finding is not None
        assert raised.value.finding.code == "SIR-X012"
