"""Exact behaviour of the reading verbs where mutation testing (``nox -s mutate -- codecs``)
found no test pinning it down."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from test_json_codec import rich_report

import sir_format
from sir_format import Codec, detect_format, from_xml, load, load_async, to_json, to_xml, validate
from sir_format.errors import ParseError
from sir_format.validation import Text

EXAMPLES = Path(sir_format.__file__).parent / "examples"

# -- a given format wins over the content -----------------------------------------------------

EXAMPLE = Path(__file__).parents[1] / "sir_format" / "examples" / "iva.xml"


def _xml_named_json(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_bytes(EXAMPLE.read_bytes())
    return path


def _assert_read_as_json(error: pytest.ExceptionInfo[ParseError]) -> None:
    finding = error.value.finding
    assert finding is not None
    assert (finding.code, finding.line, finding.column) == ("SIR-X004", 1, 1)


def test_load_reads_the_given_format_whatever_the_content(tmp_path: Path) -> None:
    path = _xml_named_json(tmp_path)
    assert load(path) == load(path, format="xml")  # without a format, the content decides
    with pytest.raises(ParseError) as module_level:
        load(path, format="json")
    _assert_read_as_json(module_level)
    with pytest.raises(ParseError) as by_codec:
        Codec().load(path, format="json")
    _assert_read_as_json(by_codec)


def test_load_async_reads_the_given_format(tmp_path: Path) -> None:
    path = _xml_named_json(tmp_path)
    with pytest.raises(ParseError) as error:
        asyncio.run(load_async(path, format="json"))
    _assert_read_as_json(error)
    assert asyncio.run(load_async(path, format="xml")) == load(path)


def test_from_xml_and_from_json_do_not_guess_the_format() -> None:
    with pytest.raises(ParseError) as as_xml:
        Codec().from_xml(b'{"huvud": {}}')
    finding = as_xml.value.finding
    assert finding is not None
    assert (finding.code, finding.line, finding.column) == ("SIR-X001", 1, 1)
    assert "no root element was found" in str(as_xml.value)
    with pytest.raises(ParseError) as as_json:
        Codec().from_json(EXAMPLE.read_bytes())
    _assert_read_as_json(as_json)
    with pytest.raises(ParseError) as loads_json:
        Codec().loads(EXAMPLE.read_bytes(), format="json")
    _assert_read_as_json(loads_json)


# -- the findings of the reading pipeline, exactly --------------------------------------------


def test_detect_format_looks_at_the_first_4096_bytes_only() -> None:
    assert detect_format(b" " * 4095 + b"<a/>") == "xml"
    with pytest.raises(ParseError, match="cannot tell the format"):
        detect_format(b" " * 4096 + b"<a/>")


def test_a_foreign_root_element_is_named() -> None:
    data = EXAMPLE.read_bytes().replace(b"SIRDataVer52", b"Rapport")
    findings = validate(data, profile="schema").findings
    assert [(f.code, f.params, f.line) for f in findings] == [
        ("SIR-X010", {"element": "Rapport", "expected": "SIRDataVer52"}, 2)
    ]


def test_a_header_after_the_episodes_is_out_of_place() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    header = re.search(r"<Huvud>.*?</Huvud>\s*", text, re.S)
    assert header is not None
    moved = text.replace(header[0], "", 1).replace(
        "</SIRDataVer52>", header[0] + "</SIRDataVer52>"
    )
    findings = validate(moved.encode(), profile="schema").findings
    assert [(f.code, f.params, f.location) for f in findings] == [
        ("SIR-X012", {"element": "Huvud"}, (("Huvud", None),)),
        ("SIR-X011", {"element": "Huvud", "expected": "Vårdtillfälle"}, (("Huvud", 1),)),
    ]


def test_a_report_that_cannot_be_written_is_sir_x060() -> None:
    report = from_xml(EXAMPLE.read_bytes())
    report.vardtillfalle[0].grunddata.kon = 1  # type: ignore[assignment]
    (finding,) = validate(report, profile="schema").findings
    assert (finding.code, finding.params, finding.location) == (
        "SIR-X060",
        {
            "element": "Kön",
            "detail": Text(sv="förväntade Kon, fick int", en="expected Kon, got int"),
        },
        (("Vårdtillfälle", 0), ("Grunddata", None), ("Kön", None)),
    )
    assert "expected Kon, got int" in finding.message("en")


def test_episodes_that_are_not_a_list_are_sir_x060() -> None:
    report = from_xml(EXAMPLE.read_bytes())
    report.vardtillfalle = tuple(report.vardtillfalle)  # type: ignore[assignment]
    (finding,) = validate(report, profile="schema").findings
    assert (finding.code, finding.location) == ("SIR-X060", (("Vårdtillfälle", None),))


def test_an_int_in_a_decimal_field_that_may_be_unknown_is_written() -> None:
    report = rich_report()
    pim3 = next(e.pim3 for e in report.vardtillfalle if e.pim3 is not None)
    pim3.basoverskott = 3  # type: ignore[assignment]
    assert '"Basöverskott":3'.encode() in to_json(report)
    assert "<Basöverskott>3</Basöverskott>".encode() in to_xml(report)


@pytest.mark.parametrize(
    "inside",
    [b"<!-- a note -->", b"<?sir-note keep?>", b"<!---->"],
    ids=["comment", "processing-instruction", "empty-comment"],
)
def test_comments_and_processing_instructions_inside_a_value_are_dropped(inside: bytes) -> None:
    original = (EXAMPLES / "iva.xml").read_bytes()
    assert b"<Postnummer>11822</Postnummer>" in original
    marked = original.replace(
        b"<Postnummer>11822</Postnummer>", b"<Postnummer>118" + inside + b"22</Postnummer>"
    )
    assert sir_format.from_xml(marked) == sir_format.from_xml(original)
    assert sir_format.validate(marked).findings == sir_format.validate(original).findings
