"""SIR-R030…R039: applicability of modules by vårdtyp, age and start date (§5.2)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rulekit import each_example, file_a, file_b, g_at, higgins, hits, pim3, sedation_row

from sir_format.metadata import model_info
from sir_format.models import (
    Atgard,
    Atgarder,
    Avliden2024,
    Avlidna2020,
    Grunddata,
    JaNej,
    MojligDonator,
    Omvardnad,
    Omvardnadsbedomning,
    Sederingsmal,
    SIRData,
    Vardtyp,
)
from sir_format.validation._core import Hit, Severity
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules.applicability import M_ICU_FIELDS


def set_age(report: SIRData, age: int) -> None:
    g = report.vardtillfalle[0].grunddata
    start = g.inskrivningstid.date()
    g.fodelsedatum = start.replace(year=start.year - age)


CODES = [f"SIR-R03{i}" for i in range(10)]


@pytest.mark.parametrize("code", CODES)
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert hits(code, report) == []


# -- SIR-R030…R033, R035, R038: vårdtyp and age ---------------------------------------------


@pytest.mark.parametrize(
    ("code", "module", "vardtyp", "age"),
    [
        ("SIR-R030", "SAPS3", Vardtyp.TIVA, 66),
        ("SIR-R030", "SAPS3", Vardtyp.IVA, 15),
        ("SIR-R030", "SAPS3", Vardtyp.IMA, 66),
        ("SIR-R033", "DagligSOFA", Vardtyp.BIVA, 66),
        ("SIR-R033", "DagligSOFA", Vardtyp.IVA, 15),
        ("SIR-R035", "Komplikationer", Vardtyp.POSTOPERATIV, 66),
        ("SIR-R035", "Komplikationer", Vardtyp.IMA, 66),
        ("SIR-R038", "ClinicalFrailtyScale", Vardtyp.IVA, 15),
    ],
)
def test_module_out_of_scope_fires(code: str, module: str, vardtyp: Vardtyp, age: int) -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.vardtyp = vardtyp
    set_age(report, age)
    assert hits(code, report) == [Hit({}, ((module, None),))]


@pytest.mark.parametrize(
    ("code", "vardtyp", "age"),
    [
        ("SIR-R030", Vardtyp.BIVA, 16),
        ("SIR-R033", Vardtyp.TIVA, 16),
        ("SIR-R035", Vardtyp.TIVA, 66),
        ("SIR-R035", Vardtyp.BIVA, 3),
        ("SIR-R038", Vardtyp.HIA, 16),
    ],
)
def test_module_in_scope_near_miss(code: str, vardtyp: Vardtyp, age: int) -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.vardtyp = vardtyp
    set_age(report, age)
    assert hits(code, report) == []


def test_r038_sixteenth_birthday_on_the_start_day() -> None:
    report = file_a()
    g = report.vardtillfalle[0].grunddata
    g.fodelsedatum = date(2008, 11, 3)  # 16 on 2024-11-03
    assert hits("SIR-R038", report) == []
    g.fodelsedatum = date(2008, 11, 4)  # 16 tomorrow
    assert len(hits("SIR-R038", report)) == 1


@pytest.mark.parametrize(
    ("vardtyp", "age", "fires"),
    [
        (Vardtyp.IVA, 15, False),
        (Vardtyp.TIVA, 2, False),
        (Vardtyp.HIA, 0, False),
        (Vardtyp.IVA, 16, True),
        (Vardtyp.IMA, 10, True),
    ],
)
def test_r031_pim3(vardtyp: Vardtyp, age: int, fires: bool) -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.grunddata.vardtyp = vardtyp
    ep.pim3 = pim3()
    set_age(report, age)
    assert hits("SIR-R031", report) == ([Hit({}, (("PIM3", None),))] if fires else [])


@pytest.mark.parametrize(
    ("vardtyp", "age", "fires"),
    [(Vardtyp.TIVA, 16, False), (Vardtyp.TIVA, 15, True), (Vardtyp.IVA, 60, True)],
)
def test_r032_higgins(vardtyp: Vardtyp, age: int, fires: bool) -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.grunddata.vardtyp = vardtyp
    ep.higgins = higgins()
    set_age(report, age)
    assert hits("SIR-R032", report) == ([Hit({}, (("Higgins", None),))] if fires else [])


# -- SIR-R034 -------------------------------------------------------------------------------


def test_r034_fires_per_protocol_outside_death_protocol_vardtyper() -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.grunddata.vardtyp = Vardtyp.HIA
    ep.avlidna2020 = Avlidna2020(dod_med_direkta_kriterier=JaNej.NEJ, mojlig_donator=JaNej.NEJ)
    ep.avliden2024 = Avliden2024(
        dokumenterat_brytpunktsbeslut=JaNej.JA, mojlig_donator=MojligDonator.EJ_MOJLIG_DONATOR
    )
    assert hits("SIR-R034", report) == [
        Hit({}, (("Avlidna2020", None),)),
        Hit({}, (("Avliden2024", None),)),
    ]


@pytest.mark.parametrize("vardtyp", [Vardtyp.IVA, Vardtyp.TIVA, Vardtyp.BIVA])
def test_r034_near_miss(vardtyp: Vardtyp) -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.grunddata.vardtyp = vardtyp
    ep.avliden2024 = Avliden2024(
        dokumenterat_brytpunktsbeslut=JaNej.JA, mojlig_donator=MojligDonator.EJ_MOJLIG_DONATOR
    )
    assert hits("SIR-R034", report) == []


# -- SIR-R036 -------------------------------------------------------------------------------


def test_m_icu_rows_are_optional_in_the_schema_and_marked_in_the_docs() -> None:
    fields = model_info(Grunddata).by_wire
    assert all(fields[name].min_occurs == 0 for name in M_ICU_FIELDS)
    marked = {f.wire_name for f in fields.values() if "mandatory for ICU" in f.doc}
    assert marked <= set(M_ICU_FIELDS)
    assert set(M_ICU_FIELDS) - marked <= {"Akutinläggning"}


def test_r036_fires_for_each_missing_row_of_an_icu_episode() -> None:
    report = file_b()  # IMA: no M-ICU rows but Utskrivningsorsak
    report.vardtillfalle[0].grunddata.vardtyp = Vardtyp.HIA
    expected = [name for name in M_ICU_FIELDS if name != "Utskrivningsorsak"]
    assert hits("SIR-R036", report) == [
        Hit({"element": name, "v": "HIA"}, g_at(name)) for name in expected
    ]


def test_r036_near_miss_ima_may_omit_them() -> None:
    report = file_b()
    report.vardtillfalle[0].grunddata.utskrivningsorsak = None
    assert hits("SIR-R036", report) == []


# -- SIR-R037 -------------------------------------------------------------------------------


def sederingsmal() -> Sederingsmal:
    return Sederingsmal(sederingsregistrering=[sedation_row(datetime(2024, 11, 4, 8, 0))])


def test_r037_error_for_ima() -> None:
    report = file_b()
    report.vardtillfalle[0].sederingsmal = sederingsmal()
    # file B registers DG023, not DG021: the rule finds both; the validator reports the
    # error alone (data dictionary §12 D6, see test_one_cause)
    assert hits("SIR-R037", report) == [
        Hit({}, (("Sederingsmål", None),), severity=Severity.ERROR, variant="E"),
        Hit({}, (("Sederingsmål", None),), severity=Severity.WARNING, variant="W"),
    ]


@pytest.mark.parametrize(
    "actions",
    [Atgarder(atgard=[]), Atgarder(atgard=[Atgard(kod="DG023", datum=date(2024, 11, 3))])],
)
def test_r037_warning_without_invasive_ventilation(actions: Atgarder) -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.sederingsmal = sederingsmal()
    ep.atgarder = actions
    assert hits("SIR-R037", report) == [
        Hit({}, (("Sederingsmål", None),), severity=Severity.WARNING, variant="W")
    ]


def test_r037_near_miss_with_dg021_or_without_actions_module() -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.sederingsmal = sederingsmal()
    assert hits("SIR-R037", report) == []  # file A registers DG021
    ep.atgarder = None  # not assessed: nothing to compare with
    assert hits("SIR-R037", report) == []


# -- SIR-R039 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "introduced"),
    [
        ("ClinicalFrailtyScale", date(2021, 10, 1)),
        ("Omvårdnad", date(2023, 3, 20)),
        ("DagligSOFA", date(2023, 9, 1)),
    ],
)
def test_r039_module_used_before_it_was_introduced(module: str, introduced: date) -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.omvardnad = Omvardnad(
        omvardnadsbedomning=[Omvardnadsbedomning(tidpunkt=datetime(2024, 11, 3, 20, 0), rass=0)]
    )
    g = ep.grunddata
    g.inskrivningstid = datetime.combine(introduced, g.inskrivningstid.time())
    assert [h for h in hits("SIR-R039", report) if h.params["module"] == module] == []
    g.inskrivningstid = datetime.combine(
        date.fromordinal(introduced.toordinal() - 1), g.inskrivningstid.time()
    )
    assert [h for h in hits("SIR-R039", report) if h.params["module"] == module] == [
        Hit({"module": module, "date": introduced}, ((module, None),))
    ]


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("SIR-R030", Severity.ERROR),
        ("SIR-R031", Severity.ERROR),
        ("SIR-R032", Severity.ERROR),
        ("SIR-R033", Severity.ERROR),
        ("SIR-R034", Severity.ERROR),
        ("SIR-R035", Severity.ERROR),
        ("SIR-R036", Severity.ERROR),
        ("SIR-R038", Severity.ERROR),
        ("SIR-R039", Severity.WARNING),
    ],
)
def test_catalog_severity(code: str, severity: Severity) -> None:
    assert get_rule(code).severity is severity
