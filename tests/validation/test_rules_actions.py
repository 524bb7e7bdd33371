"""SIR-R070…R077: actions and complications (dictionary §6.7)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date

import pytest
from rulekit import IVA_UNIT, each_example, episode, episode_findings, one

from sir_format.models import (
    Atgard,
    Atgarder,
    JaNej,
    Komplikation,
    Komplikationer,
    SIRData,
    SKKod,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.validation._core import Severity
from sir_format.validation.reference import kva
from sir_format.validation.rules import actions as rules_module
from sir_format.validation.unit import UnitDeclaration

CODES = [f"SIR-R07{n}" for n in range(8)]


def complications(ep: Vardtillfalle, *rows: Komplikation) -> Vardtillfalle:
    ep.komplikationer = Komplikationer(komplikation=list(rows))
    return ep


def actions(ep: Vardtillfalle, *rows: Atgard) -> Vardtillfalle:
    ep.atgarder = Atgarder(atgard=list(rows))
    return ep


@pytest.fixture
def registered_codes() -> Iterator[None]:
    yield
    kva.clear_registered_kva_codes()


@pytest.mark.parametrize("code", CODES)
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert episode_findings(code, episode(report)) == []


# -- SIR-R070 ------------------------------------------------------------------------------

DRAIN = Komplikation(kod=SKKod.SK_062, datum=date(2024, 11, 4), thoraxdranage_inlagt=JaNej.JA)


def test_r070_drain_without_gaa10() -> None:
    ep = complications(episode(), copy.deepcopy(DRAIN))
    f = one("SIR-R070", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Komplikationer/Komplikation[1]/ThoraxdränageInlagt"
    assert f.params == {"sk": "SK-062"}


def test_r070_gaa10_before_the_complication_does_not_count() -> None:
    ep = complications(episode(), copy.deepcopy(DRAIN))
    actions(ep, Atgard(kod="GAA10", datum=date(2024, 11, 3)))
    assert len(episode_findings("SIR-R070", ep)) == 1


@pytest.mark.parametrize("day", [date(2024, 11, 4), date(2024, 11, 5)])
def test_r070_near_miss_gaa10_on_or_after(day: date) -> None:
    ep = complications(episode(), copy.deepcopy(DRAIN))
    actions(ep, Atgard(kod="DG021", datum=date(2024, 11, 3)), Atgard(kod="GAA10", datum=day))
    assert episode_findings("SIR-R070", ep) == []


def test_r070_near_miss_no_drain_inserted() -> None:
    row = copy.deepcopy(DRAIN)
    row.thoraxdranage_inlagt = JaNej.NEJ
    assert episode_findings("SIR-R070", complications(episode(), row)) == []


# -- SIR-R071 / SIR-R072 -----------------------------------------------------------------


def test_r071_unknown_code() -> None:
    ep = actions(episode(), Atgard(kod="DG021", datum=date(2024, 11, 3)))
    ep.atgarder.atgard.append(Atgard(kod="QX123", datum=date(2024, 11, 4)))  # type: ignore[union-attr]
    f = one("SIR-R071", ep)
    assert f.severity is Severity.WARNING
    assert f.path == "Åtgärder/Åtgärd[2]/Kod"
    assert f.params == {"c": "QX123"}


def test_r071_code_used_before_it_existed() -> None:
    ep = actions(episode(), Atgard(kod="DV100", datum=date(2020, 12, 31)))
    assert one("SIR-R071", ep).params == {"c": "DV100"}
    ep = actions(episode(), Atgard(kod="DV100", datum=date(2021, 1, 1)))
    assert episode_findings("SIR-R071", ep) == []


def test_r071_declared_actions_count_as_known() -> None:
    unit = UnitDeclaration(
        hsa_id=IVA_UNIT.hsa_id,
        officiellt_namn=IVA_UNIT.officiellt_namn,
        kortnamn=IVA_UNIT.kortnamn,
        avdelningsnamn=IVA_UNIT.avdelningsnamn,
        vardtyper=IVA_UNIT.vardtyper,
        modules=IVA_UNIT.modules,
        actions=IVA_UNIT.actions | {"QX123"},
    )
    ep = actions(episode(), Atgard(kod="QX123", datum=date(2024, 11, 4)))
    assert len(episode_findings("SIR-R071", ep)) == 1
    assert episode_findings("SIR-R071", ep, unit) == []


@pytest.mark.usefixtures("registered_codes")
def test_r071_registered_codes_count_as_known() -> None:
    ep = actions(episode(), Atgard(kod="QX123", datum=date(2024, 11, 4)))
    kva.register_kva_codes(["QX123"])
    assert "QX123" in kva.known_kva_codes()
    assert episode_findings("SIR-R071", ep) == []
    kva.register_kva_codes([kva.KVACode("QX123", valid_from=date(2025, 1, 1))])
    assert len(episode_findings("SIR-R071", ep)) == 1
    kva.clear_registered_kva_codes()
    assert "QX123" not in kva.known_kva_codes()


@pytest.mark.parametrize(
    ("code", "day", "retired", "replacement"),
    [
        ("DV023", date(2021, 1, 1), date(2021, 1, 1), "DV100–DV106"),
        ("FXL20", date(2022, 3, 1), date(2022, 1, 1), "FXL40/FXL50/FXL60"),
        ("ZX903", date(2017, 1, 1), date(2017, 1, 1), "ZV048"),
    ],
)
def test_r072_retired_code(code: str, day: date, retired: date, replacement: str) -> None:
    ep = actions(episode(), Atgard(kod=code, datum=day))
    f = one("SIR-R072", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Åtgärder/Åtgärd[1]/Kod"
    assert f.params == {"c": code, "d": retired, "replacement": replacement}
    assert retired.isoformat() in f.message("en")
    assert episode_findings("SIR-R071", ep) == []  # retired, but known: no double report


@pytest.mark.parametrize(
    ("code", "day"),
    [("DV023", date(2020, 12, 31)), ("FXL10", date(2021, 12, 31)), ("ZX903", date(2016, 12, 31))],
)
def test_r072_near_miss_before_retirement(code: str, day: date) -> None:
    ep = actions(episode(), Atgard(kod=code, datum=day))
    assert episode_findings("SIR-R072", ep) == []
    assert episode_findings("SIR-R071", ep) == []


# -- SIR-R073 … SIR-R076 ------------------------------------------------------------------


def test_r073_tiva_code_outside_tiva() -> None:
    ep = complications(episode(), Komplikation(kod=SKKod.SK_432, datum=date(2024, 11, 4)))
    f = one("SIR-R073", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Komplikationer/Komplikation[1]/Kod"
    assert f.params == {"sk": "SK-432"}


def test_r073_near_miss_in_tiva() -> None:
    ep = complications(episode(), Komplikation(kod=SKKod.SK_432, datum=date(2024, 11, 4)))
    ep.grunddata.vardtyp = Vardtyp.TIVA
    assert episode_findings("SIR-R073", ep) == []


def test_r074_sk000_combined() -> None:
    ep = complications(
        episode(),
        Komplikation(kod=SKKod.SK_010, datum=date(2024, 11, 4)),
        Komplikation(kod=SKKod.SK_000),
    )
    f = one("SIR-R074", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Komplikationer/Komplikation[2]/Kod"
    assert f.params == {}


def test_r074_near_miss_other_codes_together() -> None:
    ep = complications(
        episode(),
        Komplikation(kod=SKKod.SK_010, datum=date(2024, 11, 4)),
        Komplikation(kod=SKKod.SK_020, datum=date(2024, 11, 5)),
    )
    assert episode_findings("SIR-R074", ep) == []


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (Komplikation(kod=SKKod.SK_010), "Datum"),
        (Komplikation(kod=SKKod.SK_000, datum=date(2024, 11, 4)), "Datum"),
        (Komplikation(kod=SKKod.SK_061, datum=date(2024, 11, 4)), "ThoraxdränageInlagt"),
        (
            Komplikation(
                kod=SKKod.SK_020, datum=date(2024, 11, 4), thoraxdranage_inlagt=JaNej.NEJ
            ),
            "ThoraxdränageInlagt",
        ),
    ],
)
def test_r075_field_missing_or_not_allowed(row: Komplikation, field: str) -> None:
    f = one("SIR-R075", complications(episode(), row))
    assert f.severity is Severity.ERROR
    assert f.path == f"Komplikationer/Komplikation[1]/{field}"
    assert f.params == {"sk": row.kod.value, "field": field}


def test_r075_near_miss() -> None:
    ep = complications(
        episode(),
        Komplikation(kod=SKKod.SK_061, datum=date(2024, 11, 4), thoraxdranage_inlagt=JaNej.NEJ),
        Komplikation(kod=SKKod.SK_010, datum=date(2024, 11, 4), klockslag="10:00"),
    )
    assert episode_findings("SIR-R075", ep) == []


def test_r076_repeated_complication() -> None:
    ep = complications(
        episode(),
        Komplikation(kod=SKKod.SK_010, datum=date(2024, 11, 4)),
        Komplikation(kod=SKKod.SK_020, datum=date(2024, 11, 4)),
        Komplikation(kod=SKKod.SK_010, datum=date(2024, 11, 5)),
    )
    f = one("SIR-R076", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Komplikationer/Komplikation[3]/Kod"
    assert f.params == {"sk": "SK-010"}
    ep.komplikationer.komplikation.pop()  # type: ignore[union-attr]
    assert episode_findings("SIR-R076", ep) == []


# -- SIR-R077 ------------------------------------------------------------------------------


@pytest.mark.parametrize("clock", [None, "17:10"])
def test_r077_action_twice(clock: str | None) -> None:
    day = date(2024, 11, 3)
    ep = actions(
        episode(),
        Atgard(kod="DG021", datum=day, klockslag=clock),
        Atgard(kod="DG023", datum=day, klockslag=clock),
        Atgard(kod="DG021", datum=day, klockslag=clock),
    )
    f = one("SIR-R077", ep)
    assert f.severity is Severity.WARNING
    assert f.path == "Åtgärder/Åtgärd[3]"
    assert f.params == {"c": "DG021", "d": day}


def test_r077_near_miss_other_time() -> None:
    day = date(2024, 11, 3)
    ep = actions(
        episode(),
        Atgard(kod="DG021", datum=day, klockslag="17:10"),
        Atgard(kod="DG021", datum=day, klockslag="22:00"),
        Atgard(kod="DG021", datum=date(2024, 11, 4), klockslag="17:10"),
    )
    assert episode_findings("SIR-R077", ep) == []


def test_module_constants() -> None:
    assert {SKKod(c) for c in rules_module.CHEST_DRAIN_CODES} == {
        SKKod.SK_061,
        SKKod.SK_062,
        SKKod.SK_063,
        SKKod.SK_064,
    }
    assert kva.is_known(rules_module.THORACIC_DRAIN_ACTION, date(2024, 1, 1))


def test_empty_actions_module_is_fine() -> None:
    ep = actions(episode())
    for code in CODES:
        assert episode_findings(code, ep) == []
