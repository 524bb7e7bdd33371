"""SIR-R080…R087: scores and daily registrations (dictionary §6.8)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from rulekit import (
    FILE_B,
    IVA_UNIT,
    UNKNOWN,
    each_example,
    episode,
    episode_findings,
    higgins,
    one,
    pim3,
)

from sir_format.models import (
    JaNej,
    Opereradstatus,
    SAPS3Intagningsorsak,
    SAPS3Operationstyp,
    SAPS3Samsjuklighet,
    SIRData,
    VardeOkant,
    Vardtillfalle,
)
from sir_format.validation._core import Severity
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules import scores
from sir_format.validation.unit import UnitDeclaration

CODES = [f"SIR-R08{n}" for n in range(8)]


def sofa_rows(ep: Vardtillfalle) -> list:  # type: ignore[type-arg]
    assert ep.daglig_sofa is not None
    return ep.daglig_sofa.sofaregistrering


@pytest.mark.parametrize("code", CODES)
@each_example
@pytest.mark.parametrize("unit", [None, IVA_UNIT], ids=["no-unit", "unit"])
def test_dictionary_examples_are_clean(
    code: str, report: SIRData, unit: UnitDeclaration | None
) -> None:
    assert episode_findings(code, episode(report), unit) == []


# -- SIR-R080 ------------------------------------------------------------------------------


def test_r080_registration_off_the_sofa_time() -> None:
    ep = episode()
    sofa_rows(ep)[1].tidpunkt = datetime(2024, 11, 5, 10, 0)
    f = one("SIR-R080", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "DagligSOFA/SOFARegistrering[2]/Tidpunkt"
    assert f.params == {"t": datetime(2024, 11, 5, 10, 0), "hh:mm": "09:00"}
    assert "2024-11-05T10:00:00" in f.message("en")
    assert "09:00" in f.message("sv")


def test_r080_duplicate_day() -> None:
    ep = episode()
    rows = sofa_rows(ep)
    rows.insert(1, copy.deepcopy(rows[0]))
    f = one("SIR-R080", ep)
    assert f.path == "DagligSOFA/SOFARegistrering[2]/Tidpunkt"
    assert f.params["t"] == datetime(2024, 11, 4, 9, 0)


def test_r080_uses_the_declared_sofa_time() -> None:
    ep = episode()
    unit = dataclasses.replace(IVA_UNIT, sofa_tid=time(8, 0))
    found = episode_findings("SIR-R080", ep, unit)
    assert [f.params["hh:mm"] for f in found] == ["08:00"] * 3
    for row in sofa_rows(ep):
        row.tidpunkt = row.tidpunkt.replace(hour=8)
    assert episode_findings("SIR-R080", ep, unit) == []  # near miss: at the unit's own time
    assert len(episode_findings("SIR-R080", ep)) == 3  # without a declaration 09:00 applies


# -- SIR-R081 ------------------------------------------------------------------------------


def test_r081_duplicate_day() -> None:
    ep = episode(FILE_B)
    assert ep.nems is not None
    ep.nems.nemsregistrering[1].datum = date(2025, 5, 12)
    f = one("SIR-R081", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "NEMS/NEMSRegistrering[2]/Datum"
    assert f.params == {"d": date(2025, 5, 12)}


@pytest.mark.parametrize(
    ("first", "second", "wire"),
    [
        ("mekanisk_ventilation", "kompletterande_andningsstod", "KompletterandeAndningsstöd"),
        ("ett_vasoaktivt_lakemedel", "flera_vasoaktiva_lakemedel", "FleraVasoaktivaLäkemedel"),
    ],
)
def test_r081_exclusive_items(first: str, second: str, wire: str) -> None:
    ep = episode(FILE_B)
    assert ep.nems is not None
    row = ep.nems.nemsregistrering[0]
    setattr(row, first, JaNej.JA)
    setattr(row, second, JaNej.JA)
    f = one("SIR-R081", ep)
    assert f.path == f"NEMS/NEMSRegistrering[1]/{wire}"
    assert f.params == {"d": date(2025, 5, 12)}
    setattr(row, first, JaNej.NEJ)
    assert episode_findings("SIR-R081", ep) == []


# -- SIR-R082 ------------------------------------------------------------------------------


def test_r082_missing_days_are_listed_as_ranges() -> None:
    ep = episode()
    del sofa_rows(ep)[0:2]
    f = one("SIR-R082", ep)
    assert f.severity is Severity.WARNING
    assert f.path == "DagligSOFA"
    assert f.params == {"dates": "2024-11-04–2024-11-05"}


def test_r082_arrival_before_the_sofa_time_needs_that_morning() -> None:
    ep = episode()
    ep.grunddata.inskrivningstid = datetime(2024, 11, 3, 9, 0)
    assert one("SIR-R082", ep).params == {"dates": "2024-11-03"}
    ep.grunddata.inskrivningstid = datetime(2024, 11, 3, 9, 1)
    assert episode_findings("SIR-R082", ep) == []


def test_r082_discharge_before_the_sofa_time_needs_no_registration() -> None:
    ep = episode()
    ep.grunddata.utskrivningstid = datetime(2024, 11, 6, 8, 59)
    sofa_rows(ep).pop()
    assert episode_findings("SIR-R082", ep) == []
    ep.grunddata.utskrivningstid = datetime(2024, 11, 6, 9, 0)
    assert one("SIR-R082", ep).params == {"dates": "2024-11-06"}


def test_r082_uses_the_declared_sofa_time() -> None:
    ep = episode()
    unit = dataclasses.replace(IVA_UNIT, sofa_tid=time(18, 0))
    # 18:00 on 11-03 lies inside the stay (start 16:40): that day is now expected.
    assert one("SIR-R082", ep, unit).params == {"dates": "2024-11-03"}


def test_r082_not_without_the_module() -> None:
    ep = episode()
    ep.daglig_sofa = None
    assert episode_findings("SIR-R082", ep) == []


def test_format_dates() -> None:
    days = [date(2024, 1, 3), date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 5)]
    assert scores.format_dates(days) == "2024-01-01–2024-01-03, 2024-01-05"
    assert scores.format_dates([]) == ""


# -- SIR-R083 / SIR-R084 -----------------------------------------------------------------


@pytest.mark.parametrize("drop", ["pa_o2", "fi_o2"])
def test_r083_sofa_pair(drop: str) -> None:
    ep = episode()
    setattr(sofa_rows(ep)[0], drop, None)
    f = one("SIR-R083", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "DagligSOFA/SOFARegistrering[1]"
    assert f.params == {"t": datetime(2024, 11, 4, 9, 0)}
    row = sofa_rows(ep)[0]
    row.pa_o2 = row.fi_o2 = None
    assert episode_findings("SIR-R083", ep) == []


def test_r084_operation_type_missing_after_surgery() -> None:
    ep = episode()
    ep.grunddata.opereradstatus = Opereradstatus.AKUT_OPERATION
    f = one("SIR-R084", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "SAPS3/Operationstyp"
    assert f.params == {"field": "Operationstyp"}
    assert ep.saps3 is not None
    ep.saps3.operationstyp = SAPS3Operationstyp.MULTITRAUMA
    assert episode_findings("SIR-R084", ep) == []


def test_r084_operation_type_without_surgery() -> None:
    ep = episode()
    assert ep.saps3 is not None
    ep.saps3.operationstyp = SAPS3Operationstyp.MULTITRAUMA
    assert one("SIR-R084", ep).params == {"field": "Operationstyp"}


@pytest.mark.parametrize(("drop", "missing"), [("pa_o2", "PaO2"), ("fi_o2", "FiO2")])
def test_r084_pao2_fio2_pair(drop: str, missing: str) -> None:
    ep = episode()
    assert ep.saps3 is not None
    setattr(ep.saps3, drop, None)
    f = one("SIR-R084", ep)
    assert f.path == f"SAPS3/{missing}"
    assert f.params == {"field": missing}
    ep.saps3.pa_o2 = ep.saps3.fi_o2 = None
    assert episode_findings("SIR-R084", ep) == []


# -- SIR-R085 ------------------------------------------------------------------------------


def test_r085_repeated_comorbidity_is_an_error() -> None:
    ep = episode()
    assert ep.saps3 is not None
    aids = SAPS3Samsjuklighet.AIDS
    ep.saps3.samsjuklighet = [aids, SAPS3Samsjuklighet.LEVERCIRROS, aids]
    f = one("SIR-R085", ep)
    assert f.severity is Severity.ERROR
    assert f.variant == "E"
    assert f.path == "SAPS3/Samsjuklighet[3]"
    assert f.params == {"field": "Samsjuklighet"}


def test_r085_basal_observation_with_another_reason_is_a_warning() -> None:
    ep = episode()
    assert ep.saps3 is not None
    ep.saps3.intagningsorsak = [
        SAPS3Intagningsorsak.TRAUMA,
        SAPS3Intagningsorsak.BASAL_OBSERVATION,
    ]
    f = one("SIR-R085", ep)
    assert f.severity is Severity.WARNING
    assert f.variant == "W"
    assert f.path == "SAPS3/Intagningsorsak[2]"
    assert f.params == {"field": "Intagningsorsak"}
    template = get_rule("SIR-R085").template("en", "W")
    assert f.message("en") == template.replace("{field}", "Intagningsorsak")


def test_r085_repeated_basal_observation_alone_is_only_the_error() -> None:
    ep = episode()
    assert ep.saps3 is not None
    basal = SAPS3Intagningsorsak.BASAL_OBSERVATION
    ep.saps3.intagningsorsak = [basal, basal]
    assert [f.variant for f in episode_findings("SIR-R085", ep)] == ["E"]


def test_r085_near_miss() -> None:
    ep = episode()
    assert ep.saps3 is not None
    ep.saps3.intagningsorsak = [SAPS3Intagningsorsak.TRAUMA, SAPS3Intagningsorsak.SEPTISK_CHOCK]
    ep.saps3.samsjuklighet = [SAPS3Samsjuklighet.AIDS, SAPS3Samsjuklighet.LEVERCIRROS]
    assert episode_findings("SIR-R085", ep) == []


# -- SIR-R086 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pa_o2", "fi_o2"), [(UNKNOWN, 40), (Decimal("9.5"), UNKNOWN)], ids=["pao2-unknown", "fio2"]
)
def test_r086_pim3_pair(pa_o2: Decimal | VardeOkant, fi_o2: int | VardeOkant) -> None:
    ep = episode()
    ep.pim3 = pim3(pa_o2, fi_o2)
    f = one("SIR-R086", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "PIM3/FiO2"
    assert f.params == {"module": "PIM3"}


def test_r086_higgins_pair() -> None:
    ep = episode()
    ep.higgins = higgins(Decimal("10.1"), UNKNOWN)
    f = one("SIR-R086", ep)
    assert f.path == "Higgins/FiO2VidAnkomst"
    assert f.params == {"module": "Higgins"}


@pytest.mark.parametrize(("pa_o2", "fi_o2"), [(UNKNOWN, UNKNOWN), (Decimal("9.5"), 40)])
def test_r086_near_miss(pa_o2: Decimal | VardeOkant, fi_o2: int | VardeOkant) -> None:
    ep = episode()
    ep.pim3 = pim3(pa_o2, fi_o2)
    ep.higgins = higgins(pa_o2, fi_o2)
    assert episode_findings("SIR-R086", ep) == []


# -- SIR-R087 ------------------------------------------------------------------------------


def test_r087_missing_nems_day() -> None:
    ep = episode(FILE_B)
    assert ep.nems is not None
    ep.nems.nemsregistrering.pop()
    f = one("SIR-R087", ep)
    assert f.severity is Severity.WARNING
    assert f.path == "NEMS"
    assert f.params == {"dates": "2025-05-13"}
    assert "2025-05-13" in f.message("sv")


def test_r087_near_miss_without_nems() -> None:
    ep = episode(FILE_B)
    ep.nems = None
    assert episode_findings("SIR-R087", ep) == []
