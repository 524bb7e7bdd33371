"""SIR-R105…R109: treatment strategy, sedation goal, nursing, weight (dictionary §6.10)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from rulekit import FILE_A, FILE_B, each_example, episode, episode_findings, one, sedation_row

from sir_format.models import (
    CAMICU,
    BegransadBehandling,
    Begransning,
    Begransningstyp,
    BehandlingsstrategiVal,
    DagligVikt,
    JaNej,
    JaNejEjTillampbart,
    Omvardnadsbedomning,
    Sederingsmal,
    SIRData,
    Vardtillfalle,
    ViktOchLangd,
)
from sir_format.validation._core import Severity
from sir_format.validation.rules import modules

CODES = ["SIR-R105", "SIR-R106", "SIR-R107", "SIR-R108", "SIR-R109"]
T = datetime(2024, 11, 4, 10, 0)


def limitation(moment: datetime | None = T) -> Begransning:
    return Begransning(
        typ=Begransningstyp.AVSTA_FRAN,
        behandling=BegransadBehandling.HJART_LUNGRADDNING,
        tidpunkt=moment,
    )


@pytest.mark.parametrize("code", CODES)
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert episode_findings(code, episode(report)) == []


# -- SIR-R105 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "changes", "field"),
    [
        (FILE_B, {"beslut_taget_fore_iva": JaNej.NEJ}, "BeslutTagetFöreIVA"),
        (FILE_B, {"strategi": BehandlingsstrategiVal.FULLA_INSATSER}, "Strategi"),
        (FILE_B, {"forsta_beslutstidpunkt": T}, "FörstaBeslutstidpunkt"),
        (FILE_A, {"strategi": None}, "Strategi"),
        (FILE_A, {"beslut_taget_fore_iva": None}, "BeslutTagetFöreIVA"),
        (FILE_A, {"forsta_beslutstidpunkt": None}, "FörstaBeslutstidpunkt"),
        (FILE_A, {"beslut_taget_fore_iva": JaNej.JA}, "FörstaBeslutstidpunkt"),
    ],
)
def test_r105_rows_missing_or_not_allowed(
    report: SIRData, changes: dict[str, object], field: str
) -> None:
    ep = episode(report)
    assert ep.behandlingsstrategi is not None
    for name, value in changes.items():
        setattr(ep.behandlingsstrategi, name, value)
    f = one("SIR-R105", ep)
    assert f.severity is Severity.ERROR
    assert f.path == f"Behandlingsstrategi/{field}"
    assert f.params == {"field": field}


def test_r105_limitation_strategy_needs_rows() -> None:
    ep = episode()
    assert ep.behandlingsstrategi is not None
    ep.behandlingsstrategi.strategi = BehandlingsstrategiVal.BEGRANSNING
    f = one("SIR-R105", ep)
    assert f.path == "Behandlingsstrategi/Begränsning"
    assert f.params == {"field": "Begränsning"}
    ep.behandlingsstrategi.begransning = [limitation()]
    assert episode_findings("SIR-R105", ep) == []


def test_r105_rows_without_limitation_strategy() -> None:
    ep = episode()
    assert ep.behandlingsstrategi is not None
    ep.behandlingsstrategi.begransning = [limitation()]
    f = one("SIR-R105", ep)
    assert f.path == "Behandlingsstrategi/Begränsning[1]"


def test_r105_limitation_time_required_unless_decided_before() -> None:
    ep = episode()
    block = ep.behandlingsstrategi
    assert block is not None
    block.strategi = BehandlingsstrategiVal.BEGRANSNING
    block.begransning = [limitation(), limitation(None)]
    f = one("SIR-R105", ep)
    assert f.path == "Behandlingsstrategi/Begränsning[2]/Tidpunkt"
    assert f.params == {"field": "Tidpunkt"}
    # near miss: the decision predates admission, so the time is optional
    block.beslut_taget_fore_iva = JaNej.JA
    block.forsta_beslutstidpunkt = None
    assert episode_findings("SIR-R105", ep) == []


# -- SIR-R106 ------------------------------------------------------------------------------


def sedation(prescribed: JaNej, match: JaNejEjTillampbart | None) -> Sederingsmal:
    return Sederingsmal(
        sederingsregistrering=[
            sedation_row(datetime(2024, 11, 4, 8, 0), JaNej.JA, JaNejEjTillampbart.JA),
            sedation_row(T, prescribed, match),
        ]
    )


@pytest.mark.parametrize(
    ("prescribed", "match"), [(JaNej.JA, None), (JaNej.NEJ, JaNejEjTillampbart.NEJ)]
)
def test_r106_match_answer(prescribed: JaNej, match: JaNejEjTillampbart | None) -> None:
    ep = episode()
    ep.sederingsmal = sedation(prescribed, match)
    f = one("SIR-R106", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Sederingsmål/Sederingsregistrering[2]/MotsvararSederingsmålet"
    assert f.params == {"t": T}


@pytest.mark.parametrize(
    ("prescribed", "match"), [(JaNej.JA, JaNejEjTillampbart.EJ_TILLAMPBART), (JaNej.NEJ, None)]
)
def test_r106_near_miss(prescribed: JaNej, match: JaNejEjTillampbart | None) -> None:
    ep = episode()
    ep.sederingsmal = sedation(prescribed, match)
    assert episode_findings("SIR-R106", ep) == []


# -- SIR-R107 / SIR-R108 -----------------------------------------------------------------


def nursing(ep: Vardtillfalle) -> list[Omvardnadsbedomning]:
    assert ep.omvardnad is not None
    return ep.omvardnad.omvardnadsbedomning


def test_r107_empty_assessment() -> None:
    ep = episode(FILE_B)
    row = nursing(ep)[1]
    row.smarta_nrs = row.rass = row.camicu = None
    f = one("SIR-R107", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "Omvårdnad/Omvårdnadsbedömning[2]"
    assert f.params == {"t": datetime(2025, 5, 13, 8, 0)}


@pytest.mark.parametrize("name", ["smarta_bps", "smarta_flacc", "smarta_cpot", "rass", "camicu"])
def test_r107_near_miss_one_value_is_enough(name: str) -> None:
    ep = episode(FILE_B)
    row = nursing(ep)[0]
    kept = {"smarta_bps": 3, "smarta_flacc": 0, "smarta_cpot": 0, "rass": 0}
    row.smarta_nrs = row.rass = row.camicu = None
    setattr(row, name, kept.get(name, CAMICU.NEGATIV))
    assert episode_findings("SIR-R107", ep) == []


@pytest.mark.parametrize(
    ("rass", "camicu"), [(-4, CAMICU.NEGATIV), (-5, CAMICU.POSITIV), (0, CAMICU.EJ_BEDOMBAR)]
)
def test_r108_camicu_inconsistent_with_rass(rass: int, camicu: CAMICU) -> None:
    ep = episode(FILE_B)
    row = nursing(ep)[0]
    row.rass, row.camicu = rass, camicu
    f = one("SIR-R108", ep)
    assert f.severity is Severity.WARNING
    assert f.path == "Omvårdnad/Omvårdnadsbedömning[1]/CAMICU"
    assert f.params == {"v": camicu.value, "r": rass}
    assert str(rass) in f.message("en")


@pytest.mark.parametrize(
    ("rass", "camicu"),
    [
        (-4, CAMICU.EJ_BEDOMBAR),
        (-5, CAMICU.EJ_BEDOMBAR),
        (-3, CAMICU.POSITIV),
        (None, CAMICU.EJ_BEDOMBAR),
    ],
)
def test_r108_near_miss(rass: int | None, camicu: CAMICU) -> None:
    ep = episode(FILE_B)
    row = nursing(ep)[0]
    row.rass, row.camicu = rass, camicu
    assert episode_findings("SIR-R108", ep) == []
    assert modules.RASS_NOT_ASSESSABLE == -4


# -- SIR-R109 ------------------------------------------------------------------------------


def test_r109_empty_module() -> None:
    ep = episode()
    ep.vikt_och_langd = ViktOchLangd()
    f = one("SIR-R109", ep)
    assert f.severity is Severity.ERROR
    assert f.path == "ViktOchLängd"
    assert f.params == {"d": None}


def test_r109_duplicate_daily_weight() -> None:
    ep = episode()
    ep.vikt_och_langd = ViktOchLangd(
        daglig_vikt=[
            DagligVikt(datum=date(2024, 11, 4), vikt=Decimal("92.1")),
            DagligVikt(datum=date(2024, 11, 5), vikt=Decimal("91.8")),
            DagligVikt(datum=date(2024, 11, 4), vikt=Decimal("92.0")),
        ]
    )
    f = one("SIR-R109", ep)
    assert f.path == "ViktOchLängd/DagligVikt[3]"
    assert f.params == {"d": date(2024, 11, 4)}
    assert "2024-11-04" in f.message("sv")


def test_r109_near_miss_daily_weights_only() -> None:
    ep = episode()
    ep.vikt_och_langd = ViktOchLangd(
        daglig_vikt=[DagligVikt(datum=date(2024, 11, 4), vikt=Decimal("0.300"))]
    )
    assert episode_findings("SIR-R109", ep) == []
