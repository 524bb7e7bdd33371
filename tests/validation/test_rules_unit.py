"""SIR-R200…R205 and SIR-R207: rules that use the unit declaration (dictionary §7.2)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from rulekit import (
    FILE_A,
    FILE_B,
    FIXTURES,
    IMA_UNIT,
    IVA_UNIT,
    die,
    each_example,
    episode,
    episode_findings,
    file_a,
    file_findings,
)

from sir_format.models import Atgard, Atgarder, Huvud, SIRData, Vardtillfalle, Vardtyp
from sir_format.validation._core import Finding, Layer, Severity, registered_file_rules
from sir_format.validation.rules import unit_rules
from sir_format.validation.unit import UnitDeclaration, example_path

EPISODE_CODES = ["SIR-R200", "SIR-R201", "SIR-R202", "SIR-R205", "SIR-R207"]
FILE_CODES = ["SIR-R203", "SIR-R204"]


def run(code: str, ep: Vardtillfalle, unit: UnitDeclaration | None) -> list[Finding]:
    """The findings of the unit rules of ``code`` on ``ep``."""
    return episode_findings(code, ep, unit, layer=Layer.UNIT)


def run_file(code: str, report: SIRData, unit: UnitDeclaration | None) -> list[Finding]:
    """The findings of the unit file rules of ``code`` on ``report``."""
    return file_findings(code, report, unit, layer=Layer.UNIT)


def all_unit_findings(report: SIRData, unit: UnitDeclaration | None) -> list[Finding]:
    out: list[Finding] = []
    for code in FILE_CODES:
        out += run_file(code, report, unit)
    for ep in report.vardtillfalle:
        for code in EPISODE_CODES:
            out += run(code, ep, unit)
    return out


def missing_modules(ep: Vardtillfalle, unit: UnitDeclaration) -> list[str]:
    found = run("SIR-R200", ep, unit)
    for f in found:
        assert f.severity is Severity.ERROR
        assert f.path == f.params["module"]
    return [f.params["module"] for f in found]


# -- the dictionary's statements (§9) ---------------------------------------------------


def test_file_b_with_the_ima_declaration_has_no_unit_findings() -> None:
    assert all_unit_findings(FILE_B, IMA_UNIT) == []


def test_file_a_with_the_full_icu_declaration_lacks_nems_and_more() -> None:
    found = all_unit_findings(FILE_A, IVA_UNIT)
    assert {f.code for f in found} == {"SIR-R200"}
    assert sorted(f.params["module"] for f in found) == ["NEMS", "Omvårdnad", "Sederingsmål"]
    nems = next(f for f in found if f.params["module"] == "NEMS")
    assert nems.severity is Severity.ERROR
    assert nems.path == "NEMS"
    assert nems.message("en") == "Declared module NEMS is missing for this episode."


@each_example
def test_no_unit_no_unit_findings(report: SIRData) -> None:
    assert all_unit_findings(report, None) == []


# -- SIR-R200 ------------------------------------------------------------------------------


def test_r200_empty_actions_module_satisfies_actions() -> None:
    ep = episode(FILE_B)
    ep.atgarder = Atgarder()
    assert missing_modules(ep, IMA_UNIT) == []
    ep.atgarder = None
    assert missing_modules(ep, IMA_UNIT) == ["Åtgärder"]


def test_r200_sedation_goal_only_with_dg021() -> None:
    ep = episode()
    assert "Sederingsmål" in missing_modules(ep, IVA_UNIT)
    ep.atgarder = Atgarder(atgard=[Atgard(kod="DG023", datum=date(2024, 11, 3))])
    assert "Sederingsmål" not in missing_modules(ep, IVA_UNIT)
    ep.atgarder = None
    assert "Sederingsmål" not in missing_modules(ep, IVA_UNIT)


def test_r200_age_limits() -> None:
    ep = episode()
    ep.grunddata.fodelsedatum = date(2015, 2, 1)  # 9 years old
    ep.saps3 = ep.daglig_sofa = None
    ep.clinical_frailty_scale = None
    missing = missing_modules(ep, IVA_UNIT)
    assert "PIM3" in missing
    assert not {"SAPS3", "DagligSOFA", "ClinicalFrailtyScale"} & set(missing)


def test_r200_adult_needs_saps3_not_pim3() -> None:
    ep = episode()
    ep.saps3 = None
    missing = missing_modules(ep, IVA_UNIT)
    assert "SAPS3" in missing
    assert "PIM3" not in missing


def test_r200_episode_start_dates() -> None:
    unit = dataclasses.replace(IVA_UNIT, giltig_fran=None)
    ep = episode()
    ep.daglig_sofa = None
    ep.grunddata.inskrivningstid = datetime(2023, 3, 19, 16, 40)
    missing = missing_modules(ep, unit)
    assert "Omvårdnad" not in missing
    assert "DagligSOFA" not in missing
    ep.grunddata.inskrivningstid = datetime(2023, 9, 1, 0, 0)
    missing = missing_modules(ep, unit)
    assert {"Omvårdnad", "DagligSOFA"} <= set(missing)


def test_r200_death_protocol_by_death_date() -> None:
    ep = die(episode(), datetime(2024, 11, 6, 11, 20))
    assert "Avliden2024" in missing_modules(ep, IVA_UNIT)
    old_protocol = dataclasses.replace(
        IVA_UNIT, modules=(IVA_UNIT.modules - {"Avliden2024"}) | {"Avlidna2020"}
    )
    assert not {"Avliden2024", "Avlidna2020"} & set(missing_modules(ep, old_protocol))
    alive = episode()
    assert "Avliden2024" not in missing_modules(alive, IVA_UNIT)


def test_r200_vardtyp_decides() -> None:
    unit = dataclasses.replace(IVA_UNIT, vardtyper=frozenset({"IVA", "HIA"}))
    ep = episode()
    ep.grunddata.vardtyp = Vardtyp.HIA
    ep.saps3 = ep.daglig_sofa = ep.komplikationer = None
    missing = missing_modules(ep, unit)
    assert not {"SAPS3", "DagligSOFA", "Komplikationer"} & set(missing)
    assert "NEMS" in missing


def test_r200_undeclared_module_is_not_required() -> None:
    unit = dataclasses.replace(IVA_UNIT, modules=IVA_UNIT.modules - {"NEMS"})
    assert "NEMS" not in missing_modules(episode(), unit)


# -- SIR-R201 / SIR-R202 -----------------------------------------------------------------


def test_r201_undeclared_module_present() -> None:
    unit = dataclasses.replace(IVA_UNIT, modules=IVA_UNIT.modules - {"SAPS3"})
    [f] = run("SIR-R201", episode(), unit)
    assert f.severity is Severity.WARNING
    assert f.path == "SAPS3"
    assert f.params == {"module": "SAPS3"}
    assert run("SIR-R201", episode(), IVA_UNIT) == []


def test_r201_empty_actions_module_counts_as_present() -> None:
    unit = dataclasses.replace(
        IMA_UNIT, modules=IMA_UNIT.modules - {"Åtgärder"}, actions=frozenset()
    )
    ep = episode(FILE_B)
    ep.atgarder = Atgarder()
    assert [f.params["module"] for f in run("SIR-R201", ep, unit)] == ["Åtgärder"]
    assert run("SIR-R202", ep, unit) == []


def test_r202_undeclared_action() -> None:
    ep = episode()
    assert ep.atgarder is not None
    ep.atgarder.atgard.append(Atgard(kod="XV027", datum=date(2024, 11, 4)))
    [f] = run("SIR-R202", ep, IVA_UNIT)
    assert f.severity is Severity.WARNING
    assert f.path == "Åtgärder/Åtgärd[2]/Kod"
    assert f.params == {"c": "XV027"}


def test_r202_near_miss_declared_actions_and_no_actions_module() -> None:
    ep = episode()
    assert ep.atgarder is not None
    ep.atgarder.atgard.append(Atgard(kod="ZV048", datum=date(2024, 11, 4)))
    assert run("SIR-R202", ep, IVA_UNIT) == []
    no_actions = dataclasses.replace(
        IVA_UNIT, modules=IVA_UNIT.modules - {"Åtgärder"}, actions=frozenset()
    )
    ep.atgarder.atgard.append(Atgard(kod="XV027", datum=date(2024, 11, 4)))
    assert run("SIR-R202", ep, no_actions) == []  # SIR-R201 reports the module instead
    assert [f.params["module"] for f in run("SIR-R201", ep, no_actions)] == ["Åtgärder"]


# -- SIR-R203 / SIR-R204 -----------------------------------------------------------------


def with_header(**changes: Any) -> SIRData:
    report = file_a()
    report.huvud = msgspec.structs.replace(report.huvud, **changes)
    return report


def test_r203_other_hsa_id_is_fatal() -> None:
    [f] = run_file("SIR-R203", with_header(hsa_id="SE2321000016-7Q4X"), IVA_UNIT)
    assert f.severity is Severity.FATAL
    assert f.path == "Huvud/HsaId"
    assert f.params == {"v": "SE2321000016-7Q4X", "d": "SE2321000016-7Q4T"}


def test_r203_near_miss_case_insensitive() -> None:
    assert run_file("SIR-R203", with_header(hsa_id="se2321000016-7q4t"), IVA_UNIT) == []


def test_r204_other_department_name_is_fatal() -> None:
    [f] = run_file("SIR-R204", with_header(avdelningsnamn="IVA exempelsjukhuset"), IVA_UNIT)
    assert f.severity is Severity.FATAL
    assert f.path == "Huvud/Avdelningsnamn"
    assert f.params == {"v": "IVA exempelsjukhuset", "d": "IVA Exempelsjukhuset"}
    assert f.message("sv") == (
        'Avdelningsnamnet "IVA exempelsjukhuset" stämmer inte med det registrerade'
        ' "IVA Exempelsjukhuset".'
    )


def test_r204_near_miss_after_trimming() -> None:
    assert (
        run_file("SIR-R204", with_header(avdelningsnamn=" IVA Exempelsjukhuset "), IVA_UNIT) == []
    )


def test_header_rules_are_file_rules() -> None:
    registered = dict(registered_file_rules())
    assert registered["SIR-R203"] is unit_rules.HsaIdMatchRule
    assert registered["SIR-R204"] is unit_rules.DepartmentNameRule


def test_header_rules_need_a_declaration() -> None:
    report = with_header(hsa_id="SE2321000131-IM02", avdelningsnamn="X")
    assert run_file("SIR-R203", report, None) == []
    assert run_file("SIR-R204", report, None) == []
    assert isinstance(report.huvud, Huvud)


# -- SIR-R205 / SIR-R207 -----------------------------------------------------------------


def test_r205_undeclared_vardtyp() -> None:
    ep = episode()
    ep.grunddata.vardtyp = Vardtyp.TIVA
    [f] = run("SIR-R205", ep, IVA_UNIT)
    assert f.severity is Severity.ERROR
    assert f.path == "Grunddata/Vårdtyp"
    assert f.params == {"v": "TIVA"}
    assert run("SIR-R205", episode(), IVA_UNIT) == []


def test_r207_episode_before_the_declaration() -> None:
    ep = episode()
    ep.grunddata.inskrivningstid = datetime(2023, 12, 31, 23, 0)
    ep.grunddata.vardtyp = Vardtyp.TIVA
    [f] = run("SIR-R207", ep, IVA_UNIT)
    assert f.severity is Severity.WARNING
    assert f.path == "Grunddata/Inskrivningstid"
    assert f.params == {"s": datetime(2023, 12, 31, 23, 0), "d": date(2024, 1, 1)}
    # the declaration does not cover the episode: no other unit rule judges it
    for code in ("SIR-R200", "SIR-R201", "SIR-R202", "SIR-R205"):
        assert run(code, ep, IVA_UNIT) == []


def test_r207_near_miss() -> None:
    ep = episode()
    ep.grunddata.inskrivningstid = datetime(2024, 1, 1, 0, 0)
    assert run("SIR-R207", ep, IVA_UNIT) == []
    assert run("SIR-R207", ep, dataclasses.replace(IVA_UNIT, giltig_fran=None)) == []


# -- end to end through validate() ------------------------------------------------------


def unit_codes(source: bytes, unit: object) -> list[tuple[str, str]]:
    from sir_format.validation import validate

    report = validate(source, unit=unit)  # type: ignore[arg-type]
    return sorted((f.code, f.path) for f in report.findings if f.code.startswith("SIR-R2"))


@pytest.mark.parametrize("suffix", ["xml", "json"])
def test_validate_file_b_with_ima_declaration(suffix: str) -> None:
    data = (FIXTURES / f"file_b_ima.{suffix}").read_bytes()
    assert unit_codes(data, example_path("ima")) == []
    assert unit_codes(data, IMA_UNIT) == []


@pytest.mark.parametrize("suffix", ["xml", "json"])
def test_validate_file_a_with_iva_declaration(suffix: str) -> None:
    data = (FIXTURES / f"file_a_iva.{suffix}").read_bytes()
    expected = [
        ("SIR-R200", "Vårdtillfälle[1]/NEMS"),
        ("SIR-R200", "Vårdtillfälle[1]/Omvårdnad"),
        ("SIR-R200", "Vårdtillfälle[1]/Sederingsmål"),
    ]
    assert unit_codes(data, str(example_path("iva"))) == expected
    assert unit_codes(data, IVA_UNIT) == expected


def test_validate_reports_an_invalid_declaration_as_r206(tmp_path: Path) -> None:
    """An invalid declaration is a fatal SIR-R206 finding naming the key, not an exception."""
    from sir_format.validation import validate

    path = tmp_path / "sir-enhet.toml"
    text = example_path("ima").read_text(encoding="utf-8")
    path.write_text(text.replace('"NEMS"', '"NEMS", "SAPS3"'), encoding="utf-8")
    report = validate((FIXTURES / "file_b_ima.xml").read_bytes(), unit=path)
    [finding] = [f for f in report.findings if f.code == "SIR-R206"]
    assert finding.severity is Severity.FATAL
    assert "[moduler].deklarerade" in finding.message("en")
    assert "SAPS3" in finding.message("sv")
