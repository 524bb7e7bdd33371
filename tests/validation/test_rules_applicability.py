"""SIR-R030…R039: applicability of modules by vårdtyp, age and start date (§5.2)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path

import pytest

from sir_format import from_xml
from sir_format.metadata import model_info
from sir_format.models import (
    PIM3,
    Atgard,
    Atgarder,
    Avliden2024,
    Avlidna2020,
    Grunddata,
    Higgins,
    HigginsIntagningsorsak,
    JaNej,
    JaNejOkant,
    MojligDonator,
    Omvardnad,
    Omvardnadsbedomning,
    PIM3Ingrepp,
    Sederingsmal,
    Sederingsregistrering,
    SIRData,
    VardeOkant,
    Vardtyp,
)
from sir_format.validation._core import EpisodeContext, Hit, Severity, registered_episode_rules
from sir_format.validation.catalog import get_rule, placeholders
from sir_format.validation.rules.applicability import M_ICU_FIELDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILE_A = from_xml((FIXTURES / "file_a_iva.xml").read_bytes())  # IVA, age 66, start 2024-11-03
FILE_B = from_xml((FIXTURES / "file_b_ima.xml").read_bytes())  # IMA, age 76, start 2025-05-12
UNKNOWN = VardeOkant.VARDE_OKANT


def file_a() -> SIRData:
    return copy.deepcopy(FILE_A)


def file_b() -> SIRData:
    return copy.deepcopy(FILE_B)


def checked(code: str, found: list[Hit]) -> list[Hit]:
    """Each hit supplies exactly the placeholders of its catalog message (both languages)."""
    rule = get_rule(code)
    for hit in found:
        en = placeholders(rule.template("en", hit.variant))
        assert set(hit.params) == en == placeholders(rule.template("sv", hit.variant)), hit
        assert hit.severity is None or hit.severity in rule.severities
    return found


def hits(code: str, report: SIRData, index: int = 0) -> list[Hit]:
    rules = [fn for c, fn in registered_episode_rules() if c == code]
    assert rules, f"no episode rule registered for {code}"
    ctx = EpisodeContext(report.vardtillfalle[index], index, report.huvud)
    return checked(code, [hit for rule in rules for hit in rule(ctx)])


def set_age(report: SIRData, age: int) -> None:
    g = report.vardtillfalle[0].grunddata
    start = g.inskrivningstid.date()
    g.fodelsedatum = start.replace(year=start.year - age)


def pim3() -> PIM3:
    return PIM3(
        aterhamtning_efter_ingrepp=PIM3Ingrepp.NEJ,
        ljusstela_pupiller=JaNejOkant.NEJ,
        mekanisk_ventilation=JaNej.NEJ,
        systoliskt_blodtryck=90,
        basoverskott=UNKNOWN,
        pa_o2=UNKNOWN,
        fi_o2=UNKNOWN,
    )


def higgins() -> Higgins:
    return Higgins(
        intagningsorsak=HigginsIntagningsorsak.KLAFFKIRURGI,
        akut_operation=JaNej.NEJ,
        reoperation=JaNej.NEJ,
        kreatinin_preoperativt=UNKNOWN,
        nedsatt_vansterkammarfunktion=JaNejOkant.NEJ,
        tidigare_karlkirurgi=JaNej.NEJ,
        kol=JaNej.NEJ,
        anemi=JaNejOkant.NEJ,
        perfusionstid=UNKNOWN,
        hjartfrekvens_vid_ankomst=UNKNOWN,
        cvpvid_ankomst=UNKNOWN,
        hjartindex_vid_ankomst=UNKNOWN,
        pa_o2_vid_ankomst=UNKNOWN,
        fi_o2_vid_ankomst=UNKNOWN,
        bikarbonat_vid_ankomst=UNKNOWN,
        iabpvid_ankomst=JaNej.NEJ,
    )


CODES = [f"SIR-R03{i}" for i in range(10)]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("report", [FILE_A, FILE_B], ids=["A", "B"])
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
        Hit({"element": name, "v": "HIA"}, (("Grunddata", None), (name, None)))
        for name in expected
    ]


def test_r036_near_miss_ima_may_omit_them() -> None:
    report = file_b()
    report.vardtillfalle[0].grunddata.utskrivningsorsak = None
    assert hits("SIR-R036", report) == []


# -- SIR-R037 -------------------------------------------------------------------------------


def sederingsmal() -> Sederingsmal:
    return Sederingsmal(
        sederingsregistrering=[
            Sederingsregistrering(
                tidpunkt=datetime(2024, 11, 4, 8, 0),
                sederingsskala_anvand=JaNej.JA,
                sederingsmal_ordinerat=JaNej.NEJ,
            )
        ]
    )


def test_r037_error_for_ima() -> None:
    report = file_b()
    report.vardtillfalle[0].sederingsmal = sederingsmal()
    assert hits("SIR-R037", report) == [
        Hit({}, (("Sederingsmål", None),), severity=Severity.ERROR, variant="E")
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
