"""The schema layer: every kind of libxml2 diagnostic gets its SIR-X code, path and line, and
XML and JSON input give the same findings for the same content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rulekit import FIXTURES

from sir_format.validation import (
    Finding,
    Identity,
    Severity,
    ValidationReport,
    get_rule,
    validate,
)
from sir_format.validation.catalog import placeholders

XML_A = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
JSON_A = (FIXTURES / "file_a_iva.json").read_text(encoding="utf-8")
XML_B = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
JSON_B = (FIXTURES / "file_b_ima.json").read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the text"
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    assert needle in text, f"{needle!r} is not in the text"
    return text[: text.index(needle)].count("\n") + 1


def codes(report: ValidationReport) -> list[str]:
    return [f.code for f in report.findings]


def only(report: ValidationReport) -> Finding:
    assert len(report.findings) == 1, codes(report)
    return report.findings[0]


def signature(report: ValidationReport) -> list[tuple[str, str, str, str | None]]:
    return sorted((f.code, f.severity.value, f.path, f.episode) for f in report.findings)


G = "Vårdtillfälle[1]/Grunddata"
S = "Vårdtillfälle[1]/SAPS3"

# (id, old, new, code, path, line needle (None: the line of ``new``), params subset)
CASES = [
    (
        "enumeration",
        "<Kön>Man</Kön>",
        "<Kön>Okänd</Kön>",
        "SIR-X020",
        f"{G}/Kön",
        None,
        {"v": "Okänd", "allowed": ["Man", "Kvinna", "VärdeOkänt"]},
    ),
    ("empty enum", "<Kön>Man</Kön>", "<Kön/>", "SIR-X036", f"{G}/Kön", None, {}),
    (
        "empty text",
        "<Avdelningsnamn>IVA Exempelsjukhuset</Avdelningsnamn>",
        "<Avdelningsnamn> </Avdelningsnamn>",
        "SIR-X036",
        "Huvud/Avdelningsnamn",
        None,
        {},
    ),
    (
        "pattern",
        "<Postnummer>11822</Postnummer>",
        "<Postnummer>1182</Postnummer>",
        "SIR-X021",
        f"{G}/Postnummer",
        None,
        {"v": "1182"},
    ),
    (
        "below minimum",
        "<GCS>14</GCS>",
        "<GCS>1</GCS>",
        "SIR-X022",
        f"{S}/GCS",
        None,
        {"v": "1", "limit": "3"},
    ),
    (
        "above maximum",
        "<GCS>14</GCS>",
        "<GCS>99</GCS>",
        "SIR-X023",
        f"{S}/GCS",
        None,
        {"v": "99", "limit": "15"},
    ),
    (
        "too long",
        "<Avdelningsnamn>IVA Exempelsjukhuset</Avdelningsnamn>",
        "<Avdelningsnamn>" + "x" * 51 + "</Avdelningsnamn>",
        "SIR-X024",
        "Huvud/Avdelningsnamn",
        None,
        {"n": 51, "limit": 50},
    ),
    (
        "fraction digits",
        "<ViktVidAnkomst>92.5</ViktVidAnkomst>",
        "<ViktVidAnkomst>92.5555</ViktVidAnkomst>",
        "SIR-X027",
        "Vårdtillfälle[1]/ViktOchLängd/ViktVidAnkomst",
        None,
        {"v": "92.5555", "limit": 3},
    ),
    (
        "not an integer",
        "<HjärtfrekvensHögst>118</HjärtfrekvensHögst>",
        "<HjärtfrekvensHögst>118.0</HjärtfrekvensHögst>",
        "SIR-X030",
        f"{S}/HjärtfrekvensHögst",
        None,
        {"v": "118.0"},
    ),
    (
        "not a decimal",
        "<pHLägst>7.28</pHLägst>",
        "<pHLägst>7,28</pHLägst>",
        "SIR-X031",
        f"{S}/pHLägst",
        None,
        {"v": "7,28"},
    ),
    (
        "not a date",
        "<Födelsedatum>1957-11-06</Födelsedatum>",
        "<Födelsedatum>1957-02-30</Födelsedatum>",
        "SIR-X032",
        f"{G}/Födelsedatum",
        None,
        {},
    ),
    (
        "not a local time",
        "<Inskrivningstid>2024-11-03T16:40:00</Inskrivningstid>",
        "<Inskrivningstid>2024-11-03 16:40:00</Inskrivningstid>",
        "SIR-X033",
        f"{G}/Inskrivningstid",
        None,
        {},
    ),
    (
        "zoned time",
        "<Inskrivningstid>2024-11-03T16:40:00</Inskrivningstid>",
        "<Inskrivningstid>2024-11-03T16:40:00Z</Inskrivningstid>",
        "SIR-X033",
        f"{G}/Inskrivningstid",
        None,
        {},
    ),
    (
        "union",
        "<ClinicalFrailtyScale>3</ClinicalFrailtyScale>",
        "<ClinicalFrailtyScale>12</ClinicalFrailtyScale>",
        "SIR-X034",
        "Vårdtillfälle[1]/ClinicalFrailtyScale",
        None,
        {"v": "12"},
    ),
    (
        "missing",
        "<Kön>Man</Kön>",
        "",
        "SIR-X012",
        f"{G}/Kön",
        "<Födelsedatum>",
        {"element": "Kön"},
    ),
    (
        "missing at end",
        "<Vårdresultat>Levande</Vårdresultat>",
        "",
        "SIR-X012",
        f"{G}/Vårdresultat",
        "<Grunddata>",
        {"element": "Vårdresultat"},
    ),
    (
        "order",
        "<Kön>Man</Kön>\n      <Födelsedatum>1957-11-06</Födelsedatum>",
        "<Födelsedatum>1957-11-06</Födelsedatum><Kön>Man</Kön>",
        "SIR-X013",
        f"{G}/Födelsedatum",
        None,
        {"element": "Födelsedatum", "expected": "Kön"},
    ),
    (
        "repeated single",
        "<Kön>Man</Kön>",
        "<Kön>Man</Kön><Kön>Man</Kön>",
        "SIR-X014",
        f"{G}/Kön[2]",
        None,
        {"n": 1},
    ),
    (
        "too many",
        "<ÖvrigDiagnos>J960</ÖvrigDiagnos>",
        "<ÖvrigDiagnos>J960</ÖvrigDiagnos>" * 31,
        "SIR-X014",
        "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos[31]",
        None,
        {"n": 30},
    ),
    (
        "unknown element",
        "<Kön>Man</Kön>",
        "<Kön>Man</Kön><Färg>blå</Färg>",
        "SIR-X011",
        f"{G}/Färg",
        None,
        {"element": "Färg"},
    ),
    ("text in container", "<Grunddata>", "<Grunddata>hello", "SIR-X040", G, None, {}),
    ("element in value", "<Kön>Man</Kön>", "<Kön><Man/></Kön>", "SIR-X041", f"{G}/Kön", None, {}),
    (
        "attribute",
        "<Kön>Man</Kön>",
        '<Kön typ="a">Man</Kön>',
        "SIR-X042",
        f"{G}/Kön",
        None,
        {"attribute": "typ"},
    ),
    (
        "nil",
        "<Kön>Man</Kön>",
        '<Kön xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>',
        "SIR-X043",
        f"{G}/Kön",
        None,
        {},
    ),
    (
        "namespace",
        "<Kön>Man</Kön>",
        '<Kön xmlns="urn:x">Man</Kön>',
        "SIR-X011",
        f"{G}/{{urn:x}}Kön",
        None,
        {},
    ),
    (
        "format version",
        "<Formatversion>5.2</Formatversion>",
        "<Formatversion>5.1</Formatversion>",
        "SIR-R003",
        "Huvud/Formatversion",
        None,
        {"v": "5.1"},
    ),
    (
        "root attribute",
        "<SIRDataVer52>",
        '<SIRDataVer52 id="1">',
        "SIR-X042",
        "",
        None,
        {"attribute": "id"},
    ),
    ("text at root", "</Huvud>", "</Huvud>stray", "SIR-X040", "", "<SIRDataVer52>", {}),
    (
        "element at root",
        "</Huvud>",
        "</Huvud><Bilaga/>",
        "SIR-X011",
        "Bilaga",
        None,
        {"expected": "Vårdtillfälle"},
    ),
    ("second header", "</Huvud>", "</Huvud><Huvud/>", "SIR-X014", "Huvud[2]", None, {"n": 1}),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "path", "needle", "params"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_diagnostic_has_its_code_path_and_line(
    old: str, new: str, code: str, path: str, needle: str | None, params: dict[str, object]
) -> None:
    text = replace_once(XML_A, old, new)
    report = validate(text)
    finding = only(report)
    assert finding.code == code
    assert finding.severity is Severity.FATAL
    assert finding.path == path
    assert finding.line == line_of(text, needle or new or old)
    for name, value in params.items():
        assert finding.params[name] == value, name
    assert placeholders(get_rule(code).template("sv")) <= set(finding.params)
    if code.startswith("SIR-X0"):
        assert finding.raw or code in ("SIR-X011", "SIR-X014", "SIR-X040", "SIR-X042")


def test_all_errors_of_all_episodes_are_collected() -> None:
    episode = XML_A[XML_A.index("<Vårdtillfälle>") : XML_A.index("</SIRDataVer52>")]
    first = replace_once(episode, "<GCS>14</GCS>", "<GCS>99</GCS>")
    first = replace_once(first, "<Kön>Man</Kön>", "<Kön>X</Kön>")
    second = replace_once(episode, "VT-2024-01187", "VT-2")
    second = replace_once(second, "<pHLägst>7.28</pHLägst>", "<pHLägst>abc</pHLägst>")
    text = XML_A[: XML_A.index("<Vårdtillfälle>")] + first + second + "</SIRDataVer52>\n"
    report = validate(text)
    assert [(f.code, f.episode) for f in report.findings] == [
        ("SIR-X020", "VT-2024-01187"),
        ("SIR-X023", "VT-2024-01187"),
        ("SIR-X031", "VT-2"),
        ("SIR-R060", "VT-2"),  # the registry rules run on the invalid episodes too
    ]
    assert [f.path for f in report.findings][2] == "Vårdtillfälle[2]/SAPS3/pHLägst"


def test_episode_limit(tmp_path: Path) -> None:
    from sir_format import Limits

    episode = XML_A[XML_A.index("<Vårdtillfälle>") : XML_A.index("</SIRDataVer52>")]
    copies = [episode.replace("VT-2024-01187", f"VT-{i}") for i in range(3)]
    text = XML_A[: XML_A.index("<Vårdtillfälle>")] + "".join(copies) + "</SIRDataVer52>"
    report = validate(text, limits=Limits(max_episodes=2), profile="schema")
    finding = only(report)
    assert (finding.code, finding.path, finding.params["n"]) == (
        "SIR-X014",
        "Vårdtillfälle[3]",
        2,
    )
    # a hard limit: reading stops at the first episode too many
    assert report.episodes == ("VT-0", "VT-1")
    assert not report.complete
    assert validate(text, limits=Limits(max_episodes=None), profile="schema").ok
    path = tmp_path / "three.xml"
    path.write_text(text, encoding="utf-8")
    assert only(validate(path, limits=Limits(max_episodes=2), profile="schema")).code == "SIR-X014"
    assert validate(path, limits=Limits(max_episodes=None), profile="schema").ok


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_nothing_after_the_episode_limit_is_read(fmt: str) -> None:
    from sir_format import Limits

    if fmt == "xml":
        start, end = XML_A.index("<Vårdtillfälle>"), XML_A.index("</SIRDataVer52>")
        good = XML_A[start:end]
        bad = replace_once(good, "</Vårdtillfälle>", "<Okänd>1</Okänd></Vårdtillfälle>")
        text = XML_A[:start] + good * 2 + bad * 3 + XML_A[end:]
    else:
        data = json.loads(JSON_A)
        bad = {**data["Vårdtillfälle"][0], "Okänd": 1}
        text = json.dumps({**data, "Vårdtillfälle": data["Vårdtillfälle"] * 2 + [bad] * 3})
    report = validate(text, limits=Limits(max_episodes=3))
    # the third episode is checked; the fourth is one too many and reading stops there
    assert [(f.code, f.path) for f in report.findings if f.code.startswith("SIR-X")] == [
        ("SIR-X011", "Vårdtillfälle[3]/Okänd"),
        ("SIR-X014", "Vårdtillfälle[4]"),
    ]
    assert len(report.episodes) == 3
    assert not report.complete
    assert [s.reason.en for s in report.skipped if s.episode is None] == [
        "the file could not be read to its end"
    ]


def test_an_object_with_many_unknown_keys_is_reported_like_one_with_few() -> None:
    # the reader builds elements for the first unknown keys only: the schema names the first
    data = json.loads(JSON_A)
    episode = data["Vårdtillfälle"][0]
    many = {**episode, **{f"u{i}": 1 for i in range(500)}, "1x": 1}
    few = {**episode, "u0": 1, "1x": 1}
    report = validate(json.dumps({**data, "Vårdtillfälle": [many]}), profile="schema")
    assert [(f.code, f.path) for f in report.findings] == [
        ("SIR-X011", "Vårdtillfälle[1]/1x"),
        ("SIR-X011", "Vårdtillfälle[1]/u0"),
    ]
    assert signature(report) == signature(
        validate(json.dumps({**data, "Vårdtillfälle": [few]}), profile="schema")
    )


def test_a_json_list_is_read_up_to_the_first_item_too_many() -> None:
    # as libxml2 stops at the first element too many, so does the JSON reader: what follows
    # (here a million nulls, each a JSON-only type error) is not looked at
    data = json.loads(JSON_A)
    episode = data["Vårdtillfälle"][0]
    items = ["J960"] * 31 + [None] * 1_000_000
    long = {**episode, "Diagnoser": {**episode["Diagnoser"], "ÖvrigDiagnos": items}}
    report = validate(json.dumps({**data, "Vårdtillfälle": [long]}), profile="schema")
    expected = [("SIR-X014", "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos[31]")]
    assert [(f.code, f.path) for f in report.findings] == expected
    xml = XML_A.replace(
        "<ÖvrigDiagnos>J960</ÖvrigDiagnos>", "<ÖvrigDiagnos>J960</ÖvrigDiagnos>" * 40
    )
    assert [(f.code, f.path) for f in validate(xml, profile="schema").findings] == expected


def test_report_without_episodes() -> None:
    text = XML_A[: XML_A.index("<Vårdtillfälle>")] + "</SIRDataVer52>"
    finding = only(validate(text))
    assert (finding.code, finding.path) == ("SIR-X012", "Vårdtillfälle")


def test_identity_values_in_schema_findings_are_masked() -> None:
    text = replace_once(XML_A, "<Personnummer>195711069137<", "<Personnummer>19571106913x<")
    finding = only(validate(text))
    assert finding.code == "SIR-X021"
    assert isinstance(finding.params["v"], Identity)
    for lang in ("sv", "en"):
        assert "19571106913x" not in finding.message(lang)
    assert "19571106913x" in finding.message("en", reveal_identities=True)
    assert "19571106913x" not in (finding.raw or "")


# --------------------------------------------------------------------------- XML ≡ JSON

SAME_CONTENT = [
    ("clean A", XML_A, JSON_A),
    ("clean B", XML_B, JSON_B),
    (
        "schema defect",
        replace_once(XML_A, "<Kön>Man</Kön>", "<Kön>Okänd</Kön>"),
        replace_once(JSON_A, '"Kön": "Man"', '"Kön": "Okänd"'),
    ),
    (
        "registry defect",
        replace_once(
            XML_A,
            "<Utskrivningstid>2024-11-06T11:20:00<",
            "<Utskrivningstid>2024-11-03T10:00:00<",
        ),
        replace_once(
            JSON_A,
            '"Utskrivningstid": "2024-11-06T11:20:00"',
            '"Utskrivningstid": "2024-11-03T10:00:00"',
        ),
    ),
    (
        "range and missing",
        replace_once(replace_once(XML_A, "<GCS>14</GCS>", "<GCS>2</GCS>"), "<Kön>Man</Kön>", ""),
        replace_once(replace_once(JSON_A, '"GCS": 14', '"GCS": 2'), '"Kön": "Man",', ""),
    ),
    (
        "unknown element",
        replace_once(XML_A, "<Kön>Man</Kön>", "<Kön>Man</Kön><Färg>blå</Färg>"),
        replace_once(JSON_A, '"Kön": "Man",', '"Kön": "Man", "Färg": "blå",'),
    ),
    (
        "identity defect",
        replace_once(XML_A, "<Personnummer>195711069137<", "<Personnummer>195711069138<"),
        replace_once(JSON_A, '"195711069137"', '"195711069138"'),
    ),
]


@pytest.mark.parametrize(
    ("xml", "json_text"), [c[1:] for c in SAME_CONTENT], ids=[c[0] for c in SAME_CONTENT]
)
def test_xml_and_json_give_the_same_findings(xml: str, json_text: str) -> None:
    from_xml, from_json = validate(xml), validate(json_text)
    assert signature(from_xml) == signature(from_json)
    assert sorted(f.json_pointer for f in from_xml.findings) == sorted(
        f.json_pointer for f in from_json.findings
    )
    assert all(f.line and f.column for f in from_json.findings)  # every JSON finding is placed
    assert [s.codes for s in from_xml.skipped] == [s.codes for s in from_json.skipped]


def test_json_key_order_and_bom_do_not_matter() -> None:
    data = json.loads(JSON_A)
    grunddata = data["Vårdtillfälle"][0]["Grunddata"]
    data["Vårdtillfälle"][0]["Grunddata"] = dict(reversed(list(grunddata.items())))
    shuffled = {"Vårdtillfälle": data["Vårdtillfälle"], "Huvud": data["Huvud"]}
    raw = b"\xef\xbb\xbf" + json.dumps(shuffled, ensure_ascii=False).encode("utf-8")
    assert validate(raw).ok


def test_json_keys_are_normalised_to_nfc() -> None:
    decomposed = JSON_A.replace('"Kön"', '"Ko\u0308n"')
    assert validate(decomposed).ok


# id, JSON replacement, code, path, params
JSON_ONLY = [
    ("null", '"Kön": "Man"', '"Kön": null', "SIR-X050", f"{G}/Kön", {}),
    ("boolean", '"Kön": "Man"', '"Kön": true', "SIR-X050", f"{G}/Kön", {}),
    ("string for number", '"GCS": 14', '"GCS": "14"', "SIR-X050", f"{S}/GCS", {}),
    (
        "number for string",
        '"Postnummer": "11822"',
        '"Postnummer": 11822',
        "SIR-X050",
        f"{G}/Postnummer",
        {},
    ),
    ("array for one", '"Kön": "Man"', '"Kön": ["Man"]', "SIR-X050", f"{G}/Kön", {}),
    (
        "one for array",
        '"ÖvrigDiagnos": ["J960"]',
        '"ÖvrigDiagnos": "J960"',
        "SIR-X050",
        "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos",
        {},
    ),
    (
        "empty array",
        '"ÖvrigDiagnos": ["J960"]',
        '"ÖvrigDiagnos": []',
        "SIR-X051",
        "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos",
        {},
    ),
    (
        "duplicate key",
        '"Kön": "Man",',
        '"Kön": "Man", "Kön": "Man",',
        "SIR-X005",
        f"{G}/Kön",
        {"element": "Kön"},
    ),
    (
        "scalar for object",
        '"ViktOchLängd": {"Längd": 181, "ViktVidAnkomst": 92.5}',
        '"ViktOchLängd": 5',
        "SIR-X050",
        "Vårdtillfälle[1]/ViktOchLängd",
        {},
    ),
    (
        "string for unknown-or-number",
        '"ClinicalFrailtyScale": 3',
        '"ClinicalFrailtyScale": "3"',
        "SIR-X050",
        "Vårdtillfälle[1]/ClinicalFrailtyScale",
        {},
    ),
    ("fraction in integer", '"GCS": 14', '"GCS": 14.0', "SIR-X030", f"{S}/GCS", {}),
    ("exponent in integer", '"GCS": 14', '"GCS": 1.4e1', "SIR-X030", f"{S}/GCS", {}),
    ("not an XML name", '"Kön": "Man",', '"Kön": "Man", "a b": 1,', "SIR-X011", f"{G}/a b", {}),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "path", "params"),
    [c[1:] for c in JSON_ONLY],
    ids=[c[0] for c in JSON_ONLY],
)
def test_json_only_defects_are_reported_once(
    old: str, new: str, code: str, path: str, params: dict[str, object]
) -> None:
    report = validate(replace_once(JSON_A, old, new))
    finding = only(report)
    assert (finding.code, finding.path) == (code, path)
    assert finding.episode == "VT-2024-01187"
    for name, value in params.items():
        assert finding.params[name] == value
    assert placeholders(get_rule(code).template("sv")) <= set(finding.params)
    # the rules that read the element are not checked, and only they
    for skipped in report.skipped:
        assert skipped.episode == "VT-2024-01187" and skipped.path.startswith(path)


def test_json_numbers_with_exponents() -> None:
    assert validate(replace_once(JSON_A, '"pHLägst": 7.28', '"pHLägst": 728e-2')).ok
    huge = replace_once(JSON_A, '"pHLägst": 7.28', '"pHLägst": 1e999999')
    finding = only(validate(huge))
    assert (finding.code, finding.params["v"]) == ("SIR-X031", "1E+999999")


def test_json_root_problems() -> None:
    assert [f.code for f in validate(b'{"Huvud": {}}').findings][-1] == "SIR-X012"
    report = validate(b'{"Extra": 1}')
    assert {"SIR-X011", "SIR-X012"} <= set(codes(report))
    report = validate('{"Vårdtillfälle": []}')
    assert {"SIR-X012", "SIR-X051"} <= set(codes(report))


def test_invalid_json_reports_line_and_column() -> None:
    text = JSON_A.replace('"Kön": "Man",', '"Kön": "Man",,', 1)
    finding = only(validate(text))
    assert finding.code == "SIR-X004"
    second_comma = text.index(",,") + 1
    assert finding.line == line_of(text, ",,")
    assert finding.column == second_comma - text.rfind("\n", 0, second_comma)
