"""Outputs: text, JSON (against its published schema), SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import json

import jsonschema
import pytest
from lxml import etree
from rulekit import FIXTURES

from sir_format.validation import (
    Finding,
    Identity,
    Layer,
    Severity,
    SkippedRules,
    Text,
    ValidationReport,
    outputs,
    validate,
)

XML_A = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
SECRET = "195711069138"


def _reports() -> list[ValidationReport]:
    """A mix: a clean file, schema and registry findings with a warning, and garbage."""
    episode = XML_A[XML_A.index("<Vårdtillfälle>") : XML_A.index("</SIRDataVer52>")]
    first = episode.replace("<Personnummer>195711069137<", f"<Personnummer>{SECRET}<")
    first = first.replace("<Ankomsttid>2024-11-03", "<Ankomsttid>2023-10-01")
    second = episode.replace("VT-2024-01187", "VT-2").replace("<Kön>Man<", "<Kön>Okänd<")
    mixed = XML_A[: XML_A.index("<Vårdtillfälle>")] + first + second + "</SIRDataVer52>\n"
    return [
        validate(FIXTURES / "file_a_iva.xml"),
        validate(mixed),
        validate(FIXTURES / "file_b_ima.json"),
        validate(b"<SIRDataVer52><Huvud>"),
    ]


def _handmade() -> ValidationReport:
    """A report built by hand, independent of the rules (for masking and grouping)."""
    findings = (
        Finding("SIR-X001", Severity.FATAL, {"detail": "broken"}, (), line=3),
        Finding(
            "SIR-R010",
            Severity.ERROR,
            {"v": Identity(SECRET), "reason": Text(sv="kontrollsiffra", en="check digit")},
            (("Vårdtillfälle", 0), ("Grunddata", None), ("Personnummer", None)),
            episode="VT-1",
            episode_index=0,
            line=14,
        ),
        Finding(
            "SIR-R026",
            Severity.WARNING,
            {"a": "2023-10-01T14:05:00"},
            (("Vårdtillfälle", 0), ("Grunddata", None), ("Ankomsttid", None)),
            episode="VT-1",
            episode_index=0,
            line=21,
        ),
    )
    return ValidationReport(
        findings=findings,
        skipped=(SkippedRules(("SIR-R021",), Text(sv="orsak", en="reason"), "VT-2", 1),),
        source="reports/a.xml",
        layers=(Layer.WELLFORMED, Layer.SCHEMA, Layer.REGISTRY),
        episodes=("VT-1", "VT-2"),
    )


# --------------------------------------------------------------------------- text


def test_text_groups_by_episode_most_severe_first() -> None:
    text = outputs.to_text(_handmade(), lang="en")
    lines = text.splitlines()
    assert lines[0].startswith("reports/a.xml: 2 errors, 1 warning, 2 episodes")
    assert lines[1].strip() == "File"
    episode_at = next(i for i, line in enumerate(lines) if line.strip().startswith("Episode #1"))
    assert episode_at > 1
    after = "\n".join(lines[episode_at:])
    assert after.index("ERROR") < after.index("WARNING")
    assert "Not checked: rules for Episode #2 VT-2 (reason)" in text
    assert (
        "    ERROR    SIR-R010  reports/a.xml:14 Vårdtillfälle[1]/Grunddata/Personnummer\n" in text
    )


def test_text_in_swedish() -> None:
    text = outputs.to_text(_handmade(), lang="sv")
    assert "Filen" in text and "FEL" in text and "VARNING" in text
    assert "    KRITISKT SIR-X001  reports/a.xml:3\n" in text
    assert "kontrollsiffra" in text
    assert _handmade().render() == text


def test_every_output_masks_identities_unless_asked() -> None:
    for report in (_handmade(), _reports()[1]):
        for fmt in outputs.FORMATS:
            for lang in ("sv", "en"):
                data = outputs.render(report, fmt, lang=lang)
                assert SECRET not in data.decode("utf-8"), (fmt, lang)
                assert "19571106****" in data.decode("utf-8"), (fmt, lang)
        revealed = outputs.render(report, "json", reveal_identities=True).decode("utf-8")
        assert SECRET in revealed


def test_unknown_format_and_language_are_misuse() -> None:
    with pytest.raises(ValueError, match="format"):
        outputs.render(_handmade(), "yaml")
    with pytest.raises(ValueError, match="language"):
        outputs.to_text(_handmade(), lang="fi")


# --------------------------------------------------------------------------- JSON


def test_json_output_validates_against_its_schema() -> None:
    schema = outputs.report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for lang in ("sv", "en"):
        document = json.loads(outputs.to_json([*_reports(), _handmade()], lang=lang))
        errors = list(validator.iter_errors(document))
        assert errors == [], errors[0].message if errors else ""
        assert document["format"] == outputs.REPORT_FORMAT
        assert document["ok"] is False


def test_json_schema_rejects_a_broken_report() -> None:
    document = outputs.to_dict(_handmade())
    document["reports"][0]["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, outputs.report_schema())
    del document["reports"][0]["findings"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, outputs.report_schema())


def test_json_output_content() -> None:
    document = outputs.to_dict(_handmade(), lang="en")
    (report,) = document["reports"]
    assert report["summary"] == {"fatal": 1, "error": 1, "warning": 1, "skipped": 1}
    finding = report["findings"][1]
    assert finding["code"] == "SIR-R010"
    assert finding["json_pointer"] == "/Vårdtillfälle/0/Grunddata/Personnummer"
    assert finding["params"]["v"] == "19571106****"
    assert finding["params"]["reason"] == "check digit"
    assert report["skipped"][0]["codes"] == ["SIR-R021"]


# --------------------------------------------------------------------------- SARIF

# The properties SARIF 2.1.0 requires (OASIS standard, §3.13 sarifLog, §3.14 run, §3.18 tool,
# §3.19 toolComponent, §3.27 result, §3.28 location, §3.29 physicalLocation, §3.30 region,
# §3.49 reportingDescriptor), as a JSON Schema subset: the official schema cannot be fetched
# here and no package on PyPI ships it.
SARIF_SUBSET = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "$schema", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string", "minLength": 1},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {"$ref": "#/$defs/reportingDescriptor"},
                                    },
                                },
                            }
                        },
                    },
                    "artifacts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"location": {"$ref": "#/$defs/artifactLocation"}},
                        },
                    },
                    "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
                },
            },
        },
    },
    "$defs": {
        "message": {
            "type": "object",
            "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
            "properties": {"text": {"type": "string", "minLength": 1}},
        },
        "reportingDescriptor": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "shortDescription": {"$ref": "#/$defs/message"},
                "fullDescription": {"$ref": "#/$defs/message"},
                "defaultConfiguration": {
                    "type": "object",
                    "properties": {"level": {"enum": ["none", "note", "warning", "error"]}},
                },
            },
        },
        "artifactLocation": {
            "type": "object",
            "properties": {
                "uri": {"type": "string", "format": "uri-reference"},
                "index": {"type": "integer", "minimum": -1},
            },
        },
        "result": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": -1},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": {"$ref": "#/$defs/message"},
                "locations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "physicalLocation": {
                                "type": "object",
                                "anyOf": [
                                    {"required": ["artifactLocation"]},
                                    {"required": ["address"]},
                                ],
                                "properties": {
                                    "artifactLocation": {"$ref": "#/$defs/artifactLocation"},
                                    "region": {
                                        "type": "object",
                                        "properties": {
                                            "startLine": {"type": "integer", "minimum": 1},
                                            "startColumn": {"type": "integer", "minimum": 1},
                                        },
                                    },
                                },
                            },
                            "logicalLocations": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {"fullyQualifiedName": {"type": "string"}},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_has_the_required_structure() -> None:
    reports = _reports()
    log = outputs.to_sarif(reports, lang="en")
    jsonschema.validate(log, SARIF_SUBSET, format_checker=jsonschema.FormatChecker())
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "sir-format"
    results = run["results"]
    assert len(results) == sum(len(r.findings) for r in reports)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning")
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri in {a["location"]["uri"] for a in run["artifacts"]}
    with_lines = [r for r in results if "region" in r["locations"][0]["physicalLocation"]]
    assert with_lines and all(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in with_lines
    )
    assert {a["location"]["uri"] for a in run["artifacts"]} >= {"bytes", "text"}
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["SIR-R026"] == "warning" and levels["SIR-X020"] == "error"


def test_sarif_file_uri_and_region() -> None:
    log = outputs.to_sarif(_handmade())
    result = log["runs"][0]["results"][1]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "reports/a.xml"
    assert physical["region"] == {"startLine": 14}
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "Vårdtillfälle[1]/Grunddata/Personnummer"
    )
    assert json.loads(outputs.render(_handmade(), "sarif")) == log


# --------------------------------------------------------------------------- JUnit


def test_junit_structure() -> None:
    reports = _reports()
    root = etree.fromstring(outputs.to_junit(reports, lang="en"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == len(reports)
    total_tests = total_failures = 0
    for suite, report in zip(suites, reports, strict=True):
        cases = suite.findall("testcase")
        assert len(cases) == 1 + len(report.episodes)
        assert int(suite.get("tests", "")) == len(cases)
        failures = [c for c in cases if c.find("failure") is not None]
        assert int(suite.get("failures", "")) == len(failures)
        assert (not failures) == report.ok
        for case in failures:
            failure = case.find("failure")
            assert failure is not None
            assert failure.get("type", "").startswith("SIR-")
            assert failure.get("message")
        total_tests += len(cases)
        total_failures += len(failures)
    assert int(root.get("tests", "")) == total_tests
    assert int(root.get("failures", "")) == total_failures


def test_junit_cases_per_episode_and_warnings_as_output() -> None:
    suite = etree.fromstring(outputs.to_junit(_handmade(), lang="en")).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["file", "Episode #1 VT-1", "Episode #2 VT-2"]
    first = cases[1]
    failure = first.find("failure")
    assert failure is not None and failure.get("type") == "SIR-R010"
    out = first.find("system-out")
    assert out is not None and "SIR-R026" in (out.text or "")
    assert cases[2].find("failure") is None
