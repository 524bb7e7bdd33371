"""SIR-R040…R044: outcome and death protocols."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rulekit import die, each_example, file_a, g_at, hits

from sir_format.models import (
    Avliden2024,
    Avlidna2020,
    JaNej,
    MojligDonator,
    SIRData,
    UtskrivenTill,
    Vardresultat,
    Vardtyp,
)
from sir_format.validation._core import Hit, Severity, Text
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules.outcome import NO_PROTOCOL, protocol_for
from sir_format.validation.unit import UnitDeclaration

A2020 = (("Avlidna2020", None),)
A2024 = (("Avliden2024", None),)


def unit(*modules: str) -> UnitDeclaration:
    return UnitDeclaration(
        hsa_id="SE2321000016-7Q4T",
        officiellt_namn="Exempelsjukhuset IVA",
        kortnamn="EXS IVA",
        avdelningsnamn="IVA Exempelsjukhuset",
        vardtyper=frozenset({"IVA"}),
        modules=frozenset(modules),
    )


def avliden2024() -> Avliden2024:
    return Avliden2024(
        dokumenterat_brytpunktsbeslut=JaNej.JA, mojlig_donator=MojligDonator.EJ_MOJLIG_DONATOR
    )


def avlidna2020() -> Avlidna2020:
    return Avlidna2020(dod_med_direkta_kriterier=JaNej.NEJ, mojlig_donator=JaNej.NEJ)


def death(on: datetime) -> SIRData:
    """File A turned into a death at the unit on ``on`` (consistent discharge fields)."""
    report = file_a()
    die(report.vardtillfalle[0], on)
    return report


IN_2024 = datetime(2024, 11, 6, 11, 20)
IN_2023 = datetime(2023, 12, 31, 23, 0)
CODES = ["SIR-R040", "SIR-R041", "SIR-R042", "SIR-R043", "SIR-R044"]


@pytest.mark.parametrize("code", CODES)
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    declared = unit("Avliden2024", "Avlidna2020")
    assert hits(code, report, declared) == []


def test_protocol_for_death_dates() -> None:
    assert protocol_for(date(2019, 12, 31)) is None
    assert protocol_for(date(2020, 1, 1)) == "Avlidna2020"
    assert protocol_for(date(2023, 12, 31)) == "Avlidna2020"
    assert protocol_for(date(2024, 1, 1)) == "Avliden2024"


# -- SIR-R040 -------------------------------------------------------------------------------


def test_r040_alive_with_death_fields() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].grunddata.vardresultat = Vardresultat.LEVANDE
    assert hits("SIR-R040", report) == [
        Hit({"v": "Levande"}, g_at("Utskrivningsorsak")),
        Hit({"v": "Levande"}, g_at("UtskrivenTill")),
    ]


def test_r040_dead_but_discharged_to_a_ward() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].grunddata.utskriven_till = UtskrivenTill.VARDAVDELNING
    assert hits("SIR-R040", report) == [Hit({"v": "Avliden"}, g_at("UtskrivenTill"))]


def test_r040_near_miss_death_without_discharge_reason() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].grunddata.utskrivningsorsak = None  # optional for IMA
    assert hits("SIR-R040", report) == []
    assert hits("SIR-R040", death(IN_2024)) == []


# -- SIR-R041 -------------------------------------------------------------------------------


def test_r041_fires_when_the_declared_protocol_is_missing() -> None:
    report = death(IN_2024)
    assert hits("SIR-R041", report, unit("Avliden2024")) == [
        Hit({"d": date(2024, 11, 6), "module": "Avliden2024"}, A2024)
    ]


def test_r041_uses_the_protocol_of_the_death_date() -> None:
    report = death(IN_2023)
    assert hits("SIR-R041", report, unit("Avliden2024")) == []  # 2020 protocol not declared
    assert hits("SIR-R041", report, unit("Avlidna2020")) == [
        Hit({"d": date(2023, 12, 31), "module": "Avlidna2020"}, A2020)
    ]


def test_r041_near_misses() -> None:
    report = death(IN_2024)
    assert hits("SIR-R041", report) == []  # no unit declaration
    assert hits("SIR-R041", report, unit("NEMS")) == []  # protocol not declared
    report.vardtillfalle[0].avliden2024 = avliden2024()
    assert hits("SIR-R041", report, unit("Avliden2024")) == []  # present
    other = death(IN_2024)
    other.vardtillfalle[0].grunddata.vardtyp = Vardtyp.HIA
    assert hits("SIR-R041", other, unit("Avliden2024")) == []  # no protocol for HIA
    early = death(datetime(2019, 6, 1, 10, 0))
    assert hits("SIR-R041", early, unit("Avliden2024", "Avlidna2020")) == []  # before 2020
    alive = file_a()
    assert hits("SIR-R041", alive, unit("Avliden2024")) == []


# -- SIR-R042 -------------------------------------------------------------------------------


def test_r042_protocol_for_a_living_patient() -> None:
    report = file_a()
    report.vardtillfalle[0].avliden2024 = avliden2024()
    assert hits("SIR-R042", report) == [Hit({}, A2024)]


def test_r042_near_miss() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].avliden2024 = avliden2024()
    assert hits("SIR-R042", report) == []


# -- SIR-R043 -------------------------------------------------------------------------------


def test_r043_2020_protocol_for_a_2024_death() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].avlidna2020 = avlidna2020()
    assert hits("SIR-R043", report) == [
        Hit({"module": "Avlidna2020", "d": date(2024, 11, 6), "other": "Avliden2024"}, A2020)
    ]


def test_r043_2024_protocol_for_a_2023_death() -> None:
    report = death(IN_2023)
    report.vardtillfalle[0].avliden2024 = avliden2024()
    assert hits("SIR-R043", report) == [
        Hit({"module": "Avliden2024", "d": date(2023, 12, 31), "other": "Avlidna2020"}, A2024)
    ]


def test_r043_death_before_any_protocol() -> None:
    report = death(datetime(2019, 12, 31, 8, 0))
    report.vardtillfalle[0].avlidna2020 = avlidna2020()
    (hit,) = hits("SIR-R043", report)
    assert hit.params["other"] == NO_PROTOCOL
    assert isinstance(hit.params["other"], Text)


def test_r043_near_misses() -> None:
    report = death(datetime(2024, 1, 1, 0, 30))
    report.vardtillfalle[0].avliden2024 = avliden2024()
    assert hits("SIR-R043", report) == []
    report = death(datetime(2020, 1, 1, 0, 30))
    report.vardtillfalle[0].avlidna2020 = avlidna2020()
    assert hits("SIR-R043", report) == []
    alive = file_a()  # alive: SIR-R042's business, not R043's
    alive.vardtillfalle[0].avlidna2020 = avlidna2020()
    assert hits("SIR-R043", alive) == []


# -- SIR-R044 -------------------------------------------------------------------------------


def test_r044_both_protocols() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].avliden2024 = avliden2024()
    report.vardtillfalle[0].avlidna2020 = avlidna2020()
    assert hits("SIR-R044", report) == [Hit({}, A2024)]


def test_r044_near_miss_one_protocol() -> None:
    report = death(IN_2024)
    report.vardtillfalle[0].avliden2024 = avliden2024()
    assert hits("SIR-R044", report) == []


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("SIR-R040", Severity.ERROR),
        ("SIR-R041", Severity.ERROR),
        ("SIR-R042", Severity.ERROR),
        ("SIR-R043", Severity.ERROR),
        ("SIR-R044", Severity.ERROR),
    ],
)
def test_catalog_severity(code: str, severity: Severity) -> None:
    assert get_rule(code).severity is severity
