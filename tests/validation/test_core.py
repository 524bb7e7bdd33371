"""The rule catalog, message rendering, and the validate() API: layers, profiles, robustness."""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import re
import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from rulekit import FIXTURES

from sir_format.errors import SirFormatError
from sir_format.metadata import ROOT_ELEMENT, all_models
from sir_format.models import Kon, SIRData
from sir_format.validation import (
    Finding,
    Identity,
    Layer,
    Severity,
    SkippedRules,
    Text,
    ValidationError,
    ValidationReport,
    _core,
    catalog,
    check_episode,
    get_rule,
    is_valid,
    iter_findings,
    validate,
    validator,
)
from sir_format.validation._sources import open_source
from sir_format.validation.catalog import format_value, placeholders, render, rules

FILE_A_XML = FIXTURES / "file_a_iva.xml"
FILE_A_JSON = FIXTURES / "file_a_iva.json"
FILE_B_XML = FIXTURES / "file_b_ima.xml"
FILE_B_JSON = FIXTURES / "file_b_ima.json"


def fixture_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the text"
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def codes(findings: object) -> list[str]:
    return [f.code for f in findings]  # type: ignore[attr-defined]


def only(report: ValidationReport, code: str) -> Finding:
    found = [f for f in report.findings if f.code == code]
    assert len(found) == 1, f"expected one {code}, got {codes(report.findings)}"
    return found[0]


def load_model() -> SIRData:
    from sir_format import from_xml

    return from_xml(FILE_A_XML.read_bytes())


DICTIONARY = FIXTURES / "data-dictionary.md"
"""The dictionary's rule tables (§6, §7.2), copied into the repository."""
CATALOG_TOML = resources.files("sir_format.validation").joinpath("catalog.toml")
SEVERITY_LETTERS = {
    "F": ("fatal",),
    "E": ("error",),
    "W": ("warning",),
    "E/W": ("error", "warning"),
}


# --------------------------------------------------------------------------- catalog


def _raw_entries() -> list[dict[str, object]]:
    return tomllib.loads(CATALOG_TOML.read_text(encoding="utf-8"))["rule"]


def test_codes_are_unique_in_the_data_file() -> None:
    found = [entry["code"] for entry in _raw_entries()]
    assert len(found) == len(set(found))
    assert len(rules()) == len(found)


def test_codes_are_well_formed_and_sorted() -> None:
    all_codes = [rule.code for rule in rules()]
    assert all(re.fullmatch(r"SIR-[RX]\d{3}", code) for code in all_codes)
    assert all_codes == sorted(all_codes)


def test_every_entry_has_both_languages() -> None:
    for rule in rules():
        texts = [rule.title, rule.message, rule.group, *(v.message for v in rule.variants)]
        for text in texts:
            assert text.sv.strip() and text.en.strip(), rule.code
        assert rule.title_in("sv") == rule.title.sv
        assert rule.template("en") == rule.message.en


def test_templates_use_the_same_placeholders_in_both_languages() -> None:
    for rule in rules():
        for text in [rule.message, *(v.message for v in rule.variants)]:
            assert placeholders(text.sv) == placeholders(text.en), rule.code


def test_entries_are_immutable() -> None:
    rule = get_rule("SIR-R021")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.code = "SIR-R999"  # type: ignore[misc]
    assert isinstance(catalog.catalog(), MappingProxyType)
    assert isinstance(rules(), tuple)


def test_unknown_code_raises_key_error() -> None:
    with pytest.raises(KeyError, match="SIR-R999"):
        get_rule("SIR-R999")


def test_variants_of_the_two_severity_rules() -> None:
    for code in ("SIR-R037", "SIR-R085"):
        rule = get_rule(code)
        assert [v.key for v in rule.variants] == ["E", "W"]
        assert rule.severities == (Severity.ERROR, Severity.WARNING)
        assert rule.severity is Severity.ERROR
    r037 = get_rule("SIR-R037")
    assert "IMA" in r037.template("en", "E")
    assert "DG021" in r037.template("sv", "W")
    assert r037.template("en", "nonexistent") == r037.template("en")


def test_layers_follow_the_code_groups() -> None:
    for rule in rules():
        if rule.code.startswith("SIR-R2"):
            assert rule.layer is Layer.UNIT, rule.code
        elif rule.code.startswith("SIR-R"):
            assert rule.layer is Layer.REGISTRY, rule.code
        else:
            assert rule.layer in (Layer.WELLFORMED, Layer.SCHEMA, Layer.REGISTRY), rule.code


def test_schema_codes_are_fatal() -> None:
    for rule in rules():
        if rule.code.startswith("SIR-X") and rule.layer is not Layer.REGISTRY:
            assert rule.severity is Severity.FATAL, rule.code


def test_fields_name_real_elements() -> None:
    models = {info.xsd_type: info for info in all_models()}
    children: dict[str, set[str]] = {ROOT_ELEMENT: {"Huvud", "Vårdtillfälle"}}
    for info in models.values():
        for f in info.fields:
            if f.kind.value == "complex":
                children.setdefault(f.wire_name, set()).update(g.wire_name for g in f.model.fields)
    every_name = {f.wire_name for info in models.values() for f in info.fields} | {ROOT_ELEMENT}
    for rule in rules():
        for path in rule.fields:
            steps = path.split("/")
            assert steps[0] in every_name, (rule.code, path)
            for parent, child in itertools.pairwise(steps):
                assert child in children.get(parent, set()), (rule.code, path)


def _dictionary_rows() -> dict[str, str]:
    """Code → severity letter(s) of every SIR-R row of the dictionary (§6, §7)."""
    text = DICTIONARY.read_text(encoding="utf-8")
    rows: dict[str, str] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"SIR-R\d{3}", cells[0]):
            letter = cells[1] if cells[1] in SEVERITY_LETTERS else None
            if letter is None:  # §6.9: shared severity E, R097 is W
                letter = "W" if "Severity **W**" in line else "E"
            rows[cells[0]] = letter
    return rows


def test_every_dictionary_rule_is_in_the_catalog_with_its_severity() -> None:
    rows = _dictionary_rows()
    assert len(rows) == 81
    for code, letter in rows.items():
        rule = get_rule(code)
        assert tuple(s.value for s in rule.severities) == SEVERITY_LETTERS[letter], code
    registry = {r.code for r in rules() if r.code.startswith("SIR-R")}
    assert registry == set(rows)


# Rules whose message §12 of the dictionary changes (D8: SIR-R052 says it checks the category).
SECTION_12_MESSAGES = frozenset({"SIR-R052"})


def test_dictionary_messages_are_the_catalog_defaults() -> None:
    rows = _dictionary_rows()
    text = DICTIONARY.read_text(encoding="utf-8")
    for code in rows:
        rule = get_rule(code)
        if rule.variants or rule.section == "6.9" or code in SECTION_12_MESSAGES:
            continue
        line = next(line for line in text.splitlines() if line.startswith(f"| {code} |"))
        assert rule.message.en in line, code


def test_every_registered_rule_has_a_catalog_entry() -> None:
    registered = {code for code, _ in _core.registered_episode_rules()}
    registered |= {code for code, _ in _core.registered_file_rules()}
    known = catalog.catalog()
    assert registered <= set(known)
    for code in registered:
        assert known[code].layer in (Layer.REGISTRY, Layer.UNIT), code


# --------------------------------------------------------------------------- rendering


def _finding(code: str, **params: object) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, params=params, location=())


def test_render_fills_placeholders_in_both_languages() -> None:
    finding = _finding("SIR-R021", u=datetime(2024, 11, 3, 16, 0), s=datetime(2024, 11, 3, 17, 0))
    assert finding.message("en") == (
        "Discharge time 2024-11-03T16:00:00 must be after the start time 2024-11-03T17:00:00."
    )
    assert finding.message("sv").startswith("Utskrivningstid 2024-11-03T16:00:00 måste")


def test_render_translates_text_parameters() -> None:
    reason = Text(sv="felaktig kontrollsiffra", en="wrong check digit")
    finding = _finding("SIR-R010", v=Identity("195711069138"), reason=reason)
    assert "wrong check digit" in finding.message("en")
    assert "felaktig kontrollsiffra" in finding.message("sv")


def test_identities_are_masked_unless_revealed() -> None:
    finding = _finding("SIR-R010", v=Identity("195711069138"), reason=Text("x", "x"))
    assert "19571106****" in finding.message("en")
    assert "195711069138" not in finding.message("en")
    assert "195711069138" in finding.message("en", reveal_identities=True)
    assert "195711069138" not in repr(finding)
    assert Identity("AB12").masked() == "AB**"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 1, 5), "2024-01-05"),
        (datetime(2024, 1, 5, 9, 0), "2024-01-05T09:00:00"),
        (time(9, 0), "09:00"),
        (Decimal("7.40"), "7.40"),
        (Kon.MAN, "Man"),
        ([date(2024, 1, 5), date(2024, 1, 6)], "2024-01-05, 2024-01-06"),
        (None, "–"),
        (12, "12"),
    ],
)
def test_format_value(value: object, expected: str) -> None:
    assert format_value(value, "en") == expected


def test_missing_parameter_stays_visible_and_unknown_code_falls_back() -> None:
    assert "{s}" in _finding("SIR-R021", u=datetime(2024, 1, 1)).message("en")
    assert render(_finding("SIR-R999", v=1), "en") == "SIR-R999: v=1"


def test_unknown_language_is_misuse() -> None:
    with pytest.raises(ValueError, match="language"):
        _finding("SIR-R021").message("de")


# --------------------------------------------------------------------------- validate(): sources


def test_fixtures_are_valid_in_every_form() -> None:
    for path in (FILE_A_XML, FILE_A_JSON, FILE_B_XML, FILE_B_JSON):
        for source in (path, path.read_bytes(), path.read_text(encoding="utf-8"), str(path)):
            report = validate(source)
            assert report.ok, (path, codes(report.findings))
            assert report.findings == ()
            assert len(report.episodes) == 1
    assert validate(load_model()).format == "model"
    assert validate(FILE_A_JSON).format == "json"
    assert validate(FILE_A_XML).episodes == ("VT-2024-01187",)
    assert validate(FILE_B_XML).episodes == ("#1",)


def test_resources_and_file_objects() -> None:
    example = resources.files("sir_format").joinpath("examples", "ima.json")
    assert validate(example).ok
    with FILE_A_XML.open("rb") as handle:
        report = validate(handle)
    assert report.ok and report.source == str(FILE_A_XML)
    with FILE_A_XML.open(encoding="utf-8") as text, pytest.raises(TypeError, match="binary"):
        validate(text)


def test_unreadable_path_raises(tmp_path: Path) -> None:
    with pytest.raises(SirFormatError, match="cannot read"):
        validate(tmp_path / "missing.xml")
    with pytest.raises(SirFormatError, match="cannot read"):
        validate(str(tmp_path / "missing.xml"))
    with pytest.raises(SirFormatError):
        validate(tmp_path)


def test_misuse_raises() -> None:
    with pytest.raises(TypeError):
        validate(42)
    with pytest.raises(ValueError, match="profile"):
        validate(FILE_A_XML, profile="strict")
    with pytest.raises(ValueError, match="language"):
        validate(FILE_A_XML, lang="de")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<SIRDataVer52><Huvud>&lol4;</Huvud></SIRDataVer52>"""
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<SIRDataVer52><Huvud>&x;</Huvud></SIRDataVer52>"
)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\xff\xfe garbage", "SIR-X008"),
        (b"", "SIR-X007"),
        (b"   \n", "SIR-X007"),
        (b"<SIRDataVer52><Huvud>", "SIR-X001"),
        (b"<a>\xff\xfe</a>", "SIR-X001"),
        (BILLION_LAUGHS, "SIR-X002"),
        (EXTERNAL_ENTITY, "SIR-X002"),
        (b"<html><body/></html>", "SIR-X010"),
        (b'{"Huvud": ', "SIR-X004"),
        (b'{"a": NaN}', "SIR-X006"),
        (b"[1, 2]", "SIR-X050"),
        (b'{"Huvud": "\xff"}', "SIR-X004"),
        (b"[" * 100_000 + b"]" * 100_000, "SIR-X004"),
    ],
)
def test_garbage_gives_a_fatal_finding(data: bytes, code: str) -> None:
    report = validate(data)
    assert not report.ok
    assert report.findings[0].code == code
    assert report.findings[0].severity is Severity.FATAL
    assert "passwd" not in report.render(lang="en")


def test_truncated_xml_reports_where_it_broke() -> None:
    text = fixture_text(FILE_A_XML)
    cut = text[: text.index("<Diagnoser>")]
    report = validate(cut)
    finding = only(report, "SIR-X001")
    assert finding.line == cut.count("\n") + 1
    assert not report.complete
    assert "SIR-X001" in report.render(lang="en")


def test_wrong_version_root_is_r003() -> None:
    text = fixture_text(FILE_A_XML).replace(ROOT_ELEMENT, "SIRDataVer51")
    finding = only(validate(text), "SIR-R003")
    assert finding.params["v"] == "5.1"
    assert finding.severity is Severity.FATAL


def test_input_size_limit() -> None:
    from sir_format import Limits

    report = validate(FILE_A_XML.read_bytes(), limits=Limits(max_bytes=100))
    assert codes(report.findings) == ["SIR-X003"]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    report = validate(data)
    assert isinstance(report, ValidationReport)
    assert report.ok is False or report.findings == ()


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(min_value=1, max_value=2400), st.binary(max_size=8))
def test_corrupted_fixture_never_raises(cut: int, junk: bytes) -> None:
    data = FILE_A_XML.read_bytes()
    report = validate(data[:cut] + junk + data[cut + len(junk) :])
    assert isinstance(report, ValidationReport)


# --------------------------------------------------------------------------- layers and profiles


def _with_schema_and_registry_defects() -> str:
    text = fixture_text(FILE_A_XML)
    text = replace_once(text, "<Kön>Man</Kön>", "<Kön>Okänd</Kön>")
    return text


def _two_episodes(first: str, second: str) -> str:
    """File A with two episodes: ``first`` and ``second`` are variants of its episode."""
    text = fixture_text(FILE_A_XML)
    start, end = text.index("<Vårdtillfälle>"), text.index("</SIRDataVer52>")
    return text[:start] + first + second + text[end:]


def _episode(text: str) -> str:
    return text[text.index("<Vårdtillfälle>") : text.index("</SIRDataVer52>")]


def _registry_defect(text: str) -> str:
    # discharge before the start: SIR-R021 (error)
    return replace_once(
        text,
        "<Utskrivningstid>2024-11-06T11:20:00</Utskrivningstid>",
        "<Utskrivningstid>2024-11-03T10:00:00</Utskrivningstid>",
    )


def test_profiles_select_layers() -> None:
    clean = fixture_text(FILE_A_XML)
    schema_bad = _with_schema_and_registry_defects()
    registry_bad = _registry_defect(clean)
    assert validate(schema_bad, profile="wellformed").ok
    assert not validate(schema_bad, profile="schema").ok
    assert validate(registry_bad, profile="schema").ok
    report = validate(registry_bad, profile="registry")
    assert "SIR-R021" in codes(report.findings)
    assert validate(registry_bad, profile="schema").layers == (Layer.WELLFORMED, Layer.SCHEMA)
    assert validate(b"<a", profile="wellformed").findings[0].code == "SIR-X001"


def test_unit_layer_runs_only_with_a_declaration() -> None:
    from sir_format.validation.unit import example_path

    without = validate(FILE_A_XML)
    assert Layer.UNIT not in without.layers
    with_unit = validate(FILE_A_XML, unit=example_path("iva"))
    assert Layer.UNIT in with_unit.layers
    assert "SIR-R200" in codes(with_unit.findings)  # the example lacks NEMS (dictionary §9)
    assert validate(FILE_B_XML, unit=example_path("ima")).ok


def test_invalid_unit_declaration_is_reported_and_skips_unit_rules(tmp_path: Path) -> None:
    from sir_format.validation.unit import example_path

    text = example_path("ima").read_text(encoding="utf-8")
    bad = tmp_path / "sir-enhet.toml"
    bad.write_text(replace_once(text, 'vardtyper = ["IMA"]', 'vardtyper = ["IMA", "IVA"]'))
    report = validate(FILE_B_XML, unit=bad)
    assert codes(report.findings) == ["SIR-R206"]
    assert any(s.episode is None and "SIR-R205" in s.codes for s in report.skipped)


def test_episode_failing_the_schema_skips_only_the_rules_that_read_the_invalid_element() -> None:
    good = _episode(fixture_text(FILE_A_XML))
    bad = _registry_defect(replace_once(good, "<Kön>Man</Kön>", "<Kön>Okänd</Kön>"))
    bad = bad.replace("VT-2024-01187", "VT-2")
    report = validate(_two_episodes(good, bad))
    # the rules still run on episode 2: it repeats episode 1's start (SIR-R060) and ends
    # before it starts (SIR-R021); only SIR-R014 reads Kön
    assert [(f.code, f.path) for f in report.findings] == [
        ("SIR-X020", "Vårdtillfälle[2]/Grunddata/Kön"),
        ("SIR-R060", "Vårdtillfälle[2]/Grunddata/Inskrivningstid"),
        ("SIR-R021", "Vårdtillfälle[2]/Grunddata/Utskrivningstid"),
    ]
    invalid, after = report.skipped
    assert (invalid.codes, invalid.episode, invalid.episode_index) == (("SIR-R014",), "VT-2", 1)
    assert invalid.path == "Vårdtillfälle[2]/Grunddata/Kön"
    assert invalid.message("en") == "Grunddata/Kön is invalid"
    assert invalid.message("sv") == "Grunddata/Kön är ogiltigt"
    # one cause, one finding: nothing is judged against the stay SIR-R021 reports
    assert after.codes == ("SIR-R023", "SIR-R061", "SIR-R082", "SIR-R087")
    assert after.path == "Vårdtillfälle[2]/Grunddata/Utskrivningstid"
    assert after.message("en") == "SIR-R021 is already reported"
    assert after.message("sv") == "SIR-R021 är redan rapporterad"


def test_header_failing_the_schema_skips_every_registry_rule() -> None:
    text = replace_once(
        fixture_text(FILE_A_XML), "<Version>4.2.1</Version>", "<Version>4 2</Version>"
    )
    report = validate(_registry_defect(text))
    assert codes(report.findings) == ["SIR-X021"]
    (skipped,) = report.skipped
    assert skipped.episode is None and "SIR-R021" in skipped.codes
    assert "header" in skipped.message("en")


def test_missing_header_skips_every_registry_rule() -> None:
    text = fixture_text(FILE_A_XML)
    text = text[: text.index("<Huvud>")] + text[text.index("</Huvud>") + len("</Huvud>") :]
    report = validate(text)
    assert codes(report.findings) == ["SIR-X012"]
    assert report.findings[0].path == "Huvud"
    assert report.skipped[0].message("sv") == "filhuvudet saknas"


def test_registry_findings_carry_episode_line_and_paths() -> None:
    text = _registry_defect(fixture_text(FILE_A_XML))
    finding = only(validate(text), "SIR-R021")
    assert finding.episode == "VT-2024-01187" and finding.episode_index == 0
    assert finding.path == "Vårdtillfälle[1]/Grunddata/Utskrivningstid"
    assert finding.json_pointer == "/Vårdtillfälle/0/Grunddata/Utskrivningstid"
    assert finding.xpath == "/SIRDataVer52/Vårdtillfälle[1]/Grunddata/Utskrivningstid"
    assert finding.line == line_of(text, "<Utskrivningstid>")
    assert finding.severity is Severity.ERROR


def test_findings_sorted_by_episode_then_severity() -> None:
    good = _episode(fixture_text(FILE_A_XML))
    second = _registry_defect(good.replace("VT-2024-01187", "VT-2"))
    # a file-level warning (R004: created in the future) and episode errors
    text = _two_episodes(good, second).replace("2024-11-10T08:00:00", "2099-11-05T08:00:00")
    report = validate(text)
    order = [(f.episode_index, f.severity.rank) for f in report.findings]
    assert order == sorted(order, key=lambda k: (-1 if k[0] is None else k[0], k[1]))
    assert report.findings[0].episode is None
    assert {"SIR-R004", "SIR-R021", "SIR-R060"} <= set(codes(report.findings))


def test_report_properties_and_raise_for_errors() -> None:
    text = fixture_text(FILE_A_XML)
    text = replace_once(text, "<Personnummer>195711069137<", "<Personnummer>195711069138<")
    report = validate(text, lang="en")
    assert not report.ok
    assert report.errors and all(f.severity is not Severity.WARNING for f in report.errors)
    assert len(report) == len(report.findings) == len(list(report))
    with pytest.raises(ValidationError) as caught:
        report.raise_for_errors()
    assert isinstance(caught.value, SirFormatError)
    assert caught.value.report is report
    assert "SIR-R010" in str(caught.value)
    assert "195711069138" not in str(caught.value)
    validate(FILE_A_XML).raise_for_errors()  # no error: returns


def test_warnings_alone_keep_a_report_ok() -> None:
    text = replace_once(
        fixture_text(FILE_A_XML), "<Ankomsttid>2024-11-03", "<Ankomsttid>2023-10-01"
    )
    report = validate(text)
    assert codes(report.warnings) == ["SIR-R026"] == codes(report.findings)
    assert report.warnings[0].severity is Severity.WARNING
    assert report.errors == ()
    assert report.ok


def test_iter_findings_is_lazy_and_is_valid_agrees() -> None:
    text = _registry_defect(fixture_text(FILE_A_XML))
    stream = iter_findings(text)
    assert inspect.isgenerator(stream)
    first = next(stream)
    assert isinstance(first, Finding)
    assert is_valid(FILE_A_XML) is True
    assert is_valid(text) is False
    with pytest.raises(SirFormatError):
        iter_findings(Path("/nonexistent/report.xml"))


def test_model_sources(report_a: SIRData) -> None:
    assert validate(report_a).ok
    report_a.vardtillfalle[0].lokalt_id = "has space"
    finding = only(validate(report_a), "SIR-X021")
    assert finding.path == "Vårdtillfälle[1]/LokaltId"
    assert finding.line is None


def test_model_values_that_cannot_be_written(report_a: SIRData) -> None:
    second = msgspec.structs.replace(report_a.vardtillfalle[0], lokalt_id="VT-2")
    second.grunddata = msgspec.structs.replace(second.grunddata, kon="Man")  # type: ignore[arg-type]
    report_a.vardtillfalle.append(second)
    report = validate(report_a)
    finding = only(report, "SIR-X060")
    assert finding.path == "Vårdtillfälle[2]/Grunddata/Kön"
    assert finding.episode_index == 1
    assert validate(SIRData(huvud=report_a.huvud, vardtillfalle=[])).findings[0].code == "SIR-X012"


def test_a_failing_rule_becomes_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: _core.EpisodeContext) -> list[_core.Hit]:
        raise RuntimeError("boom")

    monkeypatch.setattr(_core, "_EPISODE_RULES", [*_core._EPISODE_RULES, ("SIR-R021", broken)])
    report = validate(FILE_A_XML)
    finding = only(report, "SIR-X090")
    assert finding.params["rule"] == "SIR-R021"
    assert "boom" in finding.message("en")
    assert finding.episode == "VT-2024-01187"


def test_check_episode_runs_rules_on_a_model(report_a: SIRData) -> None:
    episode = report_a.vardtillfalle[0]
    assert check_episode(episode, report_a.huvud) == []
    episode.grunddata.utskrivningstid = datetime(2024, 11, 3, 10, 0)
    found = check_episode(episode, report_a.huvud, codes=["SIR-R021"])
    assert codes(found) == ["SIR-R021"]
    assert found[0].path == "Vårdtillfälle[1]/Grunddata/Utskrivningstid"


def test_streaming_keeps_only_the_current_episode(tmp_path: Path) -> None:
    good = _episode(fixture_text(FILE_A_XML))
    episodes = [good.replace("VT-2024-01187", f"VT-{i}") for i in range(300)]
    text = fixture_text(FILE_A_XML)
    start, end = text.index("<Vårdtillfälle>"), text.index("</SIRDataVer52>")
    path = tmp_path / "many.xml"
    path.write_text(text[:start] + "".join(episodes) + text[end:], encoding="utf-8")
    from sir_format import Limits

    # the parser reads ahead one buffer (a few episodes); what it has handed out is dropped

    source = open_source(path, Limits())
    held = []
    for item in source.items:
        element = getattr(item, "element", None)
        if element is not None:
            held.append(len(element.getparent()))
    assert len(held) == 301 and max(held) < 30


def test_line_numbers_far_into_a_streamed_file(tmp_path: Path) -> None:
    good = _episode(fixture_text(FILE_A_XML))
    episodes = [good.replace("VT-2024-01187", f"VT-{i}") for i in range(40)]
    episodes[33] = replace_once(episodes[33], "<Kön>Man</Kön>", "<Kön>Okänd</Kön>")
    text = fixture_text(FILE_A_XML)
    start, end = text.index("<Vårdtillfälle>"), text.index("</SIRDataVer52>")
    whole = text[:start] + "".join(episodes) + text[end:]
    path = tmp_path / "many.xml"
    path.write_text(whole, encoding="utf-8")
    finding = only(validate(path), "SIR-X020")
    assert finding.line == line_of(whole, "<Kön>Okänd")
    assert finding.episode == "VT-33" and finding.path == "Vårdtillfälle[34]/Grunddata/Kön"


def test_skipped_rules_message_languages() -> None:
    skipped = SkippedRules(("SIR-R021",), Text(sv="a", en="b"))
    assert skipped.message("sv") == "a" and skipped.message("en") == "b"
    assert skipped.path == ""


def test_validator_profiles_are_documented_layers() -> None:
    assert set(validator.PROFILES) == {"wellformed", "schema", "registry"}
    assert validator.PROFILES["schema"] == (Layer.WELLFORMED, Layer.SCHEMA)


def test_rule_findings_provide_every_placeholder_of_their_template() -> None:
    from sir_format.validation.unit import example_path

    xml = fixture_text(FILE_A_XML)
    variants = [
        _registry_defect(xml),  # R021, R023
        replace_once(xml, ">195711069137<", ">195711069138<"),  # R010
        replace_once(xml, "<Ankomsttid>2024-11-03", "<Ankomsttid>2023-10-01"),  # R026
        xml.replace("2024-11-10T08:00:00", "2024-11-05T08:00:00"),  # R022
        xml.replace("2024-11-10T08:00:00", "2099-11-05T08:00:00"),  # R004
        replace_once(xml, "<Kön>Man</Kön>", "<Kön>Kvinna</Kön>"),  # R014
        replace_once(xml, "<GCS>14</GCS>", "<GCS>99</GCS>"),  # SIR-X023
    ]
    findings = [f for text in variants for f in validate(text).findings]
    findings += validate(FILE_A_XML, unit=example_path("iva")).findings  # R200
    assert {"SIR-R004", "SIR-R010", "SIR-R014", "SIR-R021", "SIR-R026", "SIR-R200"} <= set(
        codes(findings)
    )
    for finding in findings:
        template = get_rule(finding.code).template("en", finding.variant)
        assert placeholders(template) <= set(finding.params), finding.code
        for lang in ("sv", "en"):
            assert finding.message(lang).strip()
