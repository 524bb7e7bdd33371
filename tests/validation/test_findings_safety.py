"""What findings may show: identity values masked on every path, every output format valid for
any finding content, and a bounded number of findings per report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree
from rulekit import FIXTURES, number

from sir_format.cli import main
from sir_format.validation import Identity, Severity, ValidationReport, outputs, validate
from sir_format.validation.cli import MAX_LISTED
from sir_format.validation.validator import MAX_FINDINGS, iter_findings

XML_A = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
JSON_A = (FIXTURES / "file_a_iva.json").read_text(encoding="utf-8")
PNR = "195711069137"
SERIAL = PNR[8:]  # the digits masking hides


def in_json(value: str, old: str = json.dumps(PNR)) -> str:
    """File A as JSON with the personnummer (or ``old``) replaced by ``value``."""
    assert old in JSON_A
    return JSON_A.replace(old, json.dumps(value), 1)


def in_xml(value: str, old: str = f">{PNR}<") -> str:
    assert old in XML_A
    return XML_A.replace(old, f">{value}<", 1)


def rendered(report: ValidationReport, *, reveal: bool = False) -> dict[str, str]:
    """Every output format, each checked to be well-formed, as text."""
    shown = {
        fmt: outputs.render(report, fmt, lang="en", reveal_identities=reveal).decode("utf-8")
        for fmt in outputs.FORMATS
    }
    json.loads(shown["json"])
    json.loads(shown["sarif"])
    etree.fromstring(shown["junit"].encode("utf-8"))
    return shown


# --------------------------------------------------------------------------- masking

MALFORMED = [
    pytest.param(PNR + "\x01", id="control-character"),
    pytest.param(PNR + "\x1b[2J", id="escape-sequence"),
    pytest.param(PNR + "\ud800", id="lone-surrogate"),
    pytest.param(PNR[:11] + "X" + PNR[11:], id="letter"),
    pytest.param(PNR + "1234567890", id="too-long"),
    pytest.param(PNR + "1", id="13-digits"),
    pytest.param(PNR[:8] + "' " + SERIAL, id="quote-in-value"),
    pytest.param(" " + PNR + " ", id="spaces"),
]


def _assert_masked(report: ValidationReport, value: str) -> None:
    (finding,) = (f for f in report.findings if f.path.endswith("Personnummer"))
    secret = value.strip()[8:]  # what follows the birth date
    texts = [repr(finding), finding.raw or "", finding.message("sv"), finding.message("en")]
    for text in texts:
        assert secret not in text
    for text in rendered(report).values():
        assert outputs.printable(secret) not in text
    assert value.strip() in finding.message("en", reveal_identities=True)
    assert outputs.printable(value.strip()) in rendered(report, reveal=True)["text"]


@pytest.mark.parametrize("value", MALFORMED)
def test_malformed_personnummer_in_json_is_masked_everywhere(value: str) -> None:
    _assert_masked(validate(in_json(value)), value)


@pytest.mark.parametrize(
    "value", [p for p in MALFORMED if "\x01" not in p.values[0] and "\x1b" not in p.values[0]]
)
def test_malformed_personnummer_in_xml_is_masked_everywhere(value: str) -> None:
    if "\ud800" in value:
        value = PNR + "&#xd800;"  # not XML: the file is not well-formed, nothing is shown
        report = validate(in_xml(value))
        assert report.codes() == ["SIR-X001"]
        assert SERIAL not in "".join(rendered(report).values())
        return
    _assert_masked(validate(in_xml(value)), value)


def test_personnummer_value_in_a_crashed_rule_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    from sir_format.validation import _core

    def crash(ctx: _core.EpisodeContext) -> Any:
        raise ValueError(f"cannot use {ctx.episode.grunddata.personnummer}")

    monkeypatch.setattr(_core, "_EPISODE_RULES", [("SIR-R010", crash)])
    (finding,) = validate(XML_A).findings
    assert finding.code == "SIR-X090"
    assert PNR not in finding.message("en") + repr(finding)
    assert all(PNR not in text for text in rendered(validate(XML_A)).values())
    assert PNR in finding.message("en", reveal_identities=True)


# --------------------------------------------------------------------------- unshowable characters

UNSHOWABLE = ["\ud800", "\udfff", "\x01", "\x1b", "\x00", "\x7f", "\x85", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", UNSHOWABLE)
@pytest.mark.parametrize("where", ["LokaltId", "Kön", "Postnummer", "unknown key"])
def test_every_format_is_valid_for_any_character_in_json_input(char: str, where: str) -> None:
    if where == "unknown key":
        source = JSON_A.replace('"LokaltId"', json.dumps(f"x{char}y") + ': 1, "LokaltId"', 1)
    else:
        old = {"LokaltId": '"VT-2024-01187"', "Kön": '"Man"', "Postnummer": '"11822"'}[where]
        source = in_json(f"A{char}B", old)
    report = validate(source)
    assert report.findings
    for fmt in outputs.FORMATS:
        data = outputs.render(report, fmt, lang="en")
        data.decode("utf-8")  # valid UTF-8
        assert char.encode("utf-8", "surrogatepass") not in data or char == "\x85"
    shown = rendered(report)
    escaped = outputs.printable(char)
    assert any(escaped in text for text in shown.values())


def test_free_text_control_character_reaches_junit() -> None:
    """A control character XML cannot hold, in a finding's message, used to crash JUnit."""
    report = validate(in_json("Akut\x01mottagning", '"Akutmottagning"'))
    assert report.codes()
    junit = outputs.to_junit(report, lang="en")
    tree = etree.fromstring(junit)
    assert "Akut\\x01mottagning" in "".join(tree.itertext()) + junit.decode("utf-8")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain åäö 😀", "plain åäö 😀"),
        ("a\x01b", "a\\x01b"),
        ("tab\there", "tab\\x09here"),
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\x7f\x9b", "\\x7f\\x9b"),
        ("\ud800x\udc00", "\\ud800x\\udc00"),
        ("\ufffe\uffff\ufdd0", "\\ufffe\\uffff\\ufdd0"),
        ("\U0001fffe", "\\U0001fffe"),
        ("\u2028", "\\u2028"),
    ],
)
def test_printable_escapes_what_outputs_cannot_hold(text: str, shown: str) -> None:
    assert outputs.printable(text) == shown
    outputs.printable(text).encode("utf-8")


def test_cli_with_a_lone_surrogate_reports_instead_of_crashing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(in_json("A\\ud800B", '"Man"').replace('"A\\\\ud800B"', '"A\\ud800B"'))
    assert "\\ud800" in path.read_text()
    for fmt in outputs.FORMATS:
        assert main(["validate", "--format", fmt, str(path)]) == 1
        out = capsys.readouterr().out
        assert "\\ud800" in out


# --------------------------------------------------------------------------- bounded findings


def _root_keys(count: int) -> str:
    """File A as JSON with ``count`` unknown keys at the root: one fatal finding each."""
    keys = "".join(f'"u{i}": 1, ' for i in range(count))
    return "{" + keys + JSON_A.lstrip()[1:]


def _warnings_and_one_error(count: int) -> str:
    """``count`` episodes of file A with a warning each (SIR-R026), but the last, which has an
    error instead."""
    start, end = XML_A.index("<Vårdtillfälle>"), XML_A.index("</SIRDataVer52>")
    episode = XML_A[start:end].replace("<Ankomsttid>2024-11-03", "<Ankomsttid>2023-10-01")
    episodes = [
        episode.replace("VT-2024-01187", f"VT-{i}").replace(PNR, number(PNR[:8], f"{i:02d}3"))
        for i in range(count)
    ]
    last = episodes[-1].replace("<Ankomsttid>2023-10-01", "<Ankomsttid>2024-11-03")
    episodes[-1] = last.replace(">Man<", ">Okänd<")
    return XML_A[:start] + "".join(episodes) + XML_A[end:]


def test_findings_beyond_the_limit_are_counted_by_code() -> None:
    report = validate(_root_keys(MAX_FINDINGS + 5))
    assert len(report.findings) == MAX_FINDINGS
    assert report.omitted == {"SIR-X011": 5}
    assert not report.ok
    kept = {f.params["element"] for f in report.findings}
    assert kept == {f"u{i}" for i in range(MAX_FINDINGS)}  # the earliest are kept


def test_the_limit_keeps_the_most_severe() -> None:
    report = validate(_warnings_and_one_error(6), max_findings=3)
    assert [f.severity for f in report.findings] == [Severity.WARNING] * 2 + [Severity.FATAL]
    assert report.findings[-1].episode == "VT-5" and not report.ok
    assert report.omitted == {"SIR-R026": 3}
    assert [f.episode for f in report.findings[:2]] == ["VT-0", "VT-1"]


@pytest.mark.parametrize("limit", [None, 0])
def test_no_limit(limit: int | None) -> None:
    report = validate(_root_keys(MAX_FINDINGS + 5), max_findings=limit)
    assert len(report.findings) == MAX_FINDINGS + 5 and report.omitted == {}


@pytest.mark.parametrize("limit", [-1, True])
def test_a_negative_limit_is_misuse(limit: Any) -> None:
    with pytest.raises(ValueError, match="max_findings"):
        validate(XML_A, max_findings=limit)
    with pytest.raises(ValueError, match="max_findings"):
        iter_findings(XML_A, max_findings=limit)


def test_iter_findings_yields_all_by_default_and_stops_at_its_limit() -> None:
    source = _root_keys(MAX_FINDINGS + 5)
    assert sum(1 for _ in iter_findings(source)) == MAX_FINDINGS + 5
    assert [f.params["element"] for f in iter_findings(source, max_findings=2)] == ["u0", "u1"]


def test_skipped_notes_follow_the_listed_findings() -> None:
    start, end = XML_A.index("<Vårdtillfälle>"), XML_A.index("</SIRDataVer52>")
    bad = XML_A[start:end].replace(">Man<", ">Okänd<")
    five = "".join(  # five persons, each with an invalid Kön: SIR-R014 is not checked
        bad.replace("VT-2024-01187", f"VT-{i}").replace(PNR, number(PNR[:8], f"{i:02d}3"))
        for i in range(5)
    )
    report = validate(XML_A[:start] + five + XML_A[end:], max_findings=2)
    assert report.omitted == {"SIR-X020": 3}
    assert [(s.codes, s.episode_index) for s in report.skipped] == [
        (("SIR-R014",), 0),
        (("SIR-R014",), 1),
    ]
    assert len(validate(XML_A[:start] + five + XML_A[end:]).skipped) == 5


def test_every_format_shows_what_was_left_out() -> None:
    report = validate(_warnings_and_one_error(6), max_findings=3)
    text = outputs.to_text(report, lang="en")
    lines = text.splitlines()
    assert lines[lines.index("") - 1] == "  … and 3 more findings (SIR-R026: 3)"  # ends the file
    assert "  … och 3 anmärkningar till (SIR-R026: 3)\n" in outputs.to_text(report)
    document = json.loads(outputs.to_json(report))
    jsonschema.validate(document, outputs.report_schema())
    assert document["reports"][0]["omitted"] == {"SIR-R026": 3}
    sarif = outputs.to_sarif(report, lang="en")
    (note,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["properties"]["omitted"] == {"SIR-R026": 3}
    assert note["message"]["text"] == "… and 3 more findings (SIR-R026: 3)"
    junit = etree.fromstring(outputs.to_junit(report, lang="en"))
    props = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert props["omitted.SIR-R026"] == "3"
    assert "… and 3 more findings" in junit.findtext("testsuite/system-out", "")
    cases = [c.get("name") for c in junit.iter("testcase")]
    assert cases == ["file", "Episode #1 VT-0", "Episode #2 VT-1", "Episode #6 VT-5"]


def test_nothing_left_out_changes_nothing() -> None:
    report = validate(_warnings_and_one_error(3))
    assert report.omitted == {}
    assert "… and" not in "".join(rendered(report).values())
    assert (
        "toolExecutionNotifications" not in outputs.to_sarif(report)["runs"][0]["invocations"][0]
    )
    assert json.loads(outputs.to_json(report))["reports"][0]["omitted"] == {}


def test_cli_max_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "many.json"
    path.write_text(_root_keys(MAX_FINDINGS + 2), encoding="utf-8")
    assert main(["validate", "--format", "json", str(path)]) == 1
    document = json.loads(capsys.readouterr().out)["reports"][0]
    assert len(document["findings"]) == MAX_LISTED  # the default print limit per file
    assert document["omitted"] == {"SIR-X011": MAX_FINDINGS + 2 - MAX_LISTED}
    assert main(["validate", "--format", "json", "--max-findings", "10", str(path)]) == 1
    document = json.loads(capsys.readouterr().out)["reports"][0]
    assert len(document["findings"]) == 10
    assert document["omitted"] == {"SIR-X011": MAX_FINDINGS - 8}
    assert main(["validate", "--format", "json", "--max-findings", "0", str(path)]) == 1
    assert json.loads(capsys.readouterr().out)["reports"][0]["omitted"] == {}
    assert main(["validate", "--max-findings", "-3", str(path)]) == 2
    assert "--max-findings" in capsys.readouterr().err


def test_identity_param_repr_is_masked() -> None:
    assert PNR not in repr(Identity(PNR))
