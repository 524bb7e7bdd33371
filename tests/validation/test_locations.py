"""Where findings are: line and column for JSON (pretty or minified) and for XML where libxml2
tells them, and ``file:line:col`` in the text output."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

import sir_format
from sir_format.errors import ParseError
from sir_format.metadata import model_info
from sir_format.models import Grunddata, SIRData, Vardtillfalle
from sir_format.validation import validate
from sir_format.validation._json_source import JsonPositions

EXAMPLES = files("sir_format") / "examples"
XML = (EXAMPLES / "iva.xml").read_text(encoding="utf-8")
PRETTY = (EXAMPLES / "iva.json").read_text(encoding="utf-8")
MINIFIED = json.dumps(json.loads(PRETTY), ensure_ascii=False, separators=(",", ":"))
EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name
GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name
SEX = model_info(Grunddata).by_py["kon"].wire_name
PNR = model_info(Grunddata).by_py["personnummer"].wire_name
VARDTYP = model_info(Grunddata).by_py["vardtyp"].wire_name


def position(text: str, at: int) -> tuple[int, int]:
    """Line and column (1-based, in characters) of ``text[at]``."""
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


JSONS = {"pretty": PRETTY, "minified": MINIFIED}


@pytest.mark.parametrize("text", JSONS.values(), ids=JSONS.keys())
def test_a_json_value_finding_points_at_the_value(text: str) -> None:
    bad = text.replace('"Man"', '"Okänd"', 1)
    (finding,) = validate(bad).findings
    assert finding.code == "SIR-X020"
    assert (finding.line, finding.column) == position(bad, bad.index('"Okänd"'))


@pytest.mark.parametrize("text", JSONS.values(), ids=JSONS.keys())
def test_a_registry_finding_on_json_points_at_its_value(text: str) -> None:
    bad = text.replace("195711069137", "195711069138")
    (finding,) = validate(bad).findings
    assert finding.code == "SIR-R010"
    assert (finding.line, finding.column) == position(bad, bad.index('"195711069138"'))


@pytest.mark.parametrize("text", JSONS.values(), ids=JSONS.keys())
def test_a_missing_json_key_points_at_its_parent_key(text: str) -> None:
    data = json.loads(text)
    del data[EPISODE][0][GRUNDDATA][VARDTYP]
    indent = 2 if text is PRETTY else None
    separators = None if text is PRETTY else (",", ":")
    bad = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    (finding,) = validate(bad, profile="schema").findings
    assert finding.path == f"{EPISODE}[1]/{GRUNDDATA}/{VARDTYP}"
    assert (finding.line, finding.column) == position(bad, bad.index(f'"{GRUNDDATA}"'))


def test_a_json_only_problem_is_placed_too() -> None:
    bad = MINIFIED.replace('"Man"', "null", 1)
    (finding,) = validate(bad, profile="schema").findings
    assert finding.code == "SIR-X050"
    assert (finding.line, finding.column) == position(bad, bad.index(f'"{SEX}":null') + 6)


def test_the_second_episode_is_placed_in_minified_json() -> None:
    data = json.loads(MINIFIED)
    second = json.loads(json.dumps(data[EPISODE][0]))
    second[GRUNDDATA][SEX] = "Okänd"
    data[EPISODE].append(second)
    bad = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    findings = [f for f in validate(bad, profile="schema").findings if f.code == "SIR-X020"]
    assert [(f.path, f.line, f.column) for f in findings] == [
        (f"{EPISODE}[2]/{GRUNDDATA}/{SEX}", *position(bad, bad.index('"Okänd"')))
    ]


def test_the_parse_error_of_from_json_carries_the_position() -> None:
    bad = MINIFIED.replace('"Man"', '"Okänd"', 1)
    with pytest.raises(ParseError) as caught:
        sir_format.from_json(bad)
    assert (caught.value.line, caught.value.column) == position(bad, bad.index('"Okänd"'))


def test_json_positions_of_what_is_not_there_are_none() -> None:
    positions = JsonPositions(MINIFIED.encode())
    assert positions(()) is None
    assert positions((("Okänt", None),)) is None
    assert positions(((EPISODE, 7),)) == position(MINIFIED, MINIFIED.index(f'"{EPISODE}"'))
    assert JsonPositions(b"\xff{}")(((EPISODE, 0),)) is None


def test_xml_well_formedness_errors_have_a_column_and_schema_errors_none() -> None:
    broken = XML.replace(f"</{SEX}>", "</Kon>", 1)
    (finding,) = validate(broken).findings
    at = broken.index("</Kon>") + len("</Kon>")
    assert (finding.code, finding.line, finding.column) == ("SIR-X001", *position(broken, at))
    (schema,) = validate(XML.replace(">Man<", ">Okänd<")).findings
    assert (schema.line, schema.column) == (position(XML, XML.index(f"<{SEX}>"))[0], None)


def test_a_doctype_on_line_two_is_reported_on_line_two() -> None:
    text = XML.replace("<SIRDataVer52>", "<!DOCTYPE SIRDataVer52>\n<SIRDataVer52>", 1)
    (finding,) = validate(text).findings
    assert (finding.code, finding.line) == ("SIR-X002", 2)


def test_text_output_shows_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    bad = MINIFIED.replace('"Man"', '"Okänd"', 1)
    path.write_text(bad, encoding="utf-8")
    line, column = position(bad, bad.index('"Okänd"'))
    text = validate(path).render("en")
    assert (
        f"    FATAL    SIR-X020  {path}:{line}:{column} {EPISODE}[1]/{GRUNDDATA}/{SEX}\n" in text
    )
    xml_path = tmp_path / "bad.xml"
    xml_path.write_text(XML.replace(">Man<", ">Okänd<"), encoding="utf-8")
    xml_line = position(XML, XML.index(f"<{SEX}>"))[0]
    text = validate(xml_path).render("sv")
    assert f"    KRITISKT SIR-X020  {xml_path}:{xml_line} {EPISODE}[1]/{GRUNDDATA}/{SEX}\n" in text
