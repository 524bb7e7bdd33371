"""SIR-R020…R027: Grunddata and time order."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from rulekit import FILE_B, each_example, file_a, g_at, hits, sedation_row

from sir_format.models import (
    NEMS,
    Ankomstvag,
    Atgard,
    BegransadBehandling,
    Begransning,
    Begransningstyp,
    Behandlingsstrategi,
    BehandlingsstrategiVal,
    DagligVikt,
    JaNej,
    Komplikation,
    Omvardnad,
    Omvardnadsbedomning,
    Opereradstatus,
    Sederingsmal,
    SIRData,
    SKKod,
    Vardtyp,
)
from sir_format.validation._core import Hit, Severity
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules import grunddata

START = datetime(2024, 11, 3, 16, 40)  # file A
END = datetime(2024, 11, 6, 11, 20)


CODES = [f"SIR-R02{i}" for i in range(8)]


@pytest.mark.parametrize("code", CODES)
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert hits(code, report) == []


# -- SIR-R020, R026 -------------------------------------------------------------------------


def test_r020_fires_when_arrival_after_start() -> None:
    report = file_a()
    arrival = START + timedelta(minutes=1)
    report.vardtillfalle[0].grunddata.ankomsttid = arrival
    assert hits("SIR-R020", report) == [Hit({"a": arrival, "s": START}, g_at("Ankomsttid"))]


def test_r020_near_miss_arrival_at_start() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.ankomsttid = START
    assert hits("SIR-R020", report) == []


def test_r026_fires_when_arrival_more_than_a_year_before() -> None:
    report = file_a()
    arrival = START - timedelta(days=365, minutes=1)
    report.vardtillfalle[0].grunddata.ankomsttid = arrival
    assert hits("SIR-R026", report) == [Hit({"a": arrival}, g_at("Ankomsttid"))]


def test_r026_near_miss_exactly_a_year() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.ankomsttid = START - timedelta(days=365)
    assert hits("SIR-R026", report) == []
    report.vardtillfalle[0].grunddata.ankomsttid = None
    assert hits("SIR-R026", report) == []


# -- SIR-R021, R022, R024 -------------------------------------------------------------------


@pytest.mark.parametrize("end", [START, START - timedelta(minutes=1)])
def test_r021_fires_when_end_not_after_start(end: datetime) -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.utskrivningstid = end
    assert hits("SIR-R021", report) == [Hit({"u": end, "s": START}, g_at("Utskrivningstid"))]


def test_r021_near_miss_one_minute() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.utskrivningstid = START + timedelta(minutes=1)
    assert hits("SIR-R021", report) == []


def test_r022_fires_when_episode_ends_after_file_creation() -> None:
    report = file_a()
    end = report.huvud.skapad + timedelta(minutes=1)
    report.vardtillfalle[0].grunddata.utskrivningstid = end
    assert hits("SIR-R022", report) == [Hit({"u": end}, g_at("Utskrivningstid"))]


def test_r022_near_miss_ends_when_file_created() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.utskrivningstid = report.huvud.skapad
    assert hits("SIR-R022", report) == []


@pytest.mark.parametrize(
    ("stay", "n"),
    [(timedelta(days=180, minutes=1), 181), (timedelta(days=200), 200)],
)
def test_r024_fires_on_long_stay(stay: timedelta, n: int) -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.utskrivningstid = START + stay
    assert hits("SIR-R024", report) == [Hit({"n": n}, g_at("Utskrivningstid"))]


def test_r024_near_miss_exactly_180_days() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.utskrivningstid = START + timedelta(days=180)
    assert hits("SIR-R024", report) == []


# -- SIR-R025 -------------------------------------------------------------------------------


def test_r025_fires_when_not_operated() -> None:
    report = file_a()
    g = report.vardtillfalle[0].grunddata
    assert g.opereradstatus is Opereradstatus.EJ_OPERERAD
    g.pre_opererad_tidpunkt = START - timedelta(hours=1)
    assert hits("SIR-R025", report) == [
        Hit({"t": g.pre_opererad_tidpunkt}, g_at("PreOpereradTidpunkt"))
    ]


def test_r025_fires_when_after_start() -> None:
    report = file_a()
    g = report.vardtillfalle[0].grunddata
    g.opereradstatus = Opereradstatus.AKUT_OPERATION
    g.pre_opererad_tidpunkt = START + timedelta(minutes=1)
    assert [h.params for h in hits("SIR-R025", report)] == [{"t": g.pre_opererad_tidpunkt}]


def test_r025_near_miss() -> None:
    report = file_a()
    g = report.vardtillfalle[0].grunddata
    g.opereradstatus = Opereradstatus.ELEKTIV_OPERATION
    g.pre_opererad_tidpunkt = START
    assert hits("SIR-R025", report) == []


# -- SIR-R027 -------------------------------------------------------------------------------


def test_r027_fires_for_conversion_outside_tiva() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.ankomstvag = Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA
    assert hits("SIR-R027", report) == [
        Hit({"v": "KonverteradFrånIVATillTIVA"}, g_at("Ankomstväg"))
    ]


def test_r027_near_miss_tiva() -> None:
    report = file_a()
    g = report.vardtillfalle[0].grunddata
    g.ankomstvag = Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA
    g.vardtyp = Vardtyp.TIVA
    assert hits("SIR-R027", report) == []


# -- SIR-R023 -------------------------------------------------------------------------------


def test_r023_checks_exactly_the_dictionary_rows() -> None:
    assert {row.element for row in grunddata.dated_rows()} == {
        "SOFARegistrering/Tidpunkt",
        "Sederingsregistrering/Tidpunkt",
        "Omvårdnadsbedömning/Tidpunkt",
        "Behandlingsstrategi/FörstaBeslutstidpunkt",
        "Begränsning/Tidpunkt",
        "NEMSRegistrering/Datum",
        "DagligVikt/Datum",
        "Åtgärd/Datum",
        "Komplikation/Datum",
    }


def test_r023_time_rows() -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    sofa = ep.daglig_sofa
    assert sofa is not None
    early = START - timedelta(minutes=1)
    sofa.sofaregistrering[1].tidpunkt = early
    ep.sederingsmal = Sederingsmal(
        sederingsregistrering=[sedation_row(END), sedation_row(END + timedelta(minutes=1))]
    )
    ep.omvardnad = Omvardnad(omvardnadsbedomning=[Omvardnadsbedomning(tidpunkt=START, rass=0)])
    assert hits("SIR-R023", report) == [
        Hit(
            {"element": "SOFARegistrering/Tidpunkt", "t": early, "s": START, "u": END},
            (("DagligSOFA", None), ("SOFARegistrering", 1), ("Tidpunkt", None)),
        ),
        Hit(
            {
                "element": "Sederingsregistrering/Tidpunkt",
                "t": END + timedelta(minutes=1),
                "s": START,
                "u": END,
            },
            (("Sederingsmål", None), ("Sederingsregistrering", 1), ("Tidpunkt", None)),
        ),
    ]


def test_r023_date_rows_use_the_date_stay() -> None:
    report = file_a()
    ep = report.vardtillfalle[0]
    assert ep.atgarder is not None
    ep.atgarder.atgard.append(Atgard(kod="DG023", datum=START.date()))  # same day, earlier hour ok
    ep.atgarder.atgard.append(Atgard(kod="DG023", datum=date(2024, 11, 2)))
    assert ep.komplikationer is not None
    ep.komplikationer.komplikation = [Komplikation(kod=SKKod.SK_020, datum=date(2024, 11, 7))]
    ep.nems = copy.deepcopy(FILE_B.vardtillfalle[0].nems)
    assert isinstance(ep.nems, NEMS)
    ep.nems.nemsregistrering[0].datum = date(2024, 11, 6)
    ep.nems.nemsregistrering[1].datum = date(2024, 11, 7)
    assert ep.vikt_och_langd is not None
    ep.vikt_och_langd.daglig_vikt = [DagligVikt(datum=date(2024, 11, 1), vikt=Decimal("90"))]
    found = hits("SIR-R023", report)
    s, u = START.date(), END.date()
    assert found == [
        Hit(
            {"element": "Åtgärd/Datum", "t": date(2024, 11, 2), "s": s, "u": u},
            (("Åtgärder", None), ("Åtgärd", 2), ("Datum", None)),
        ),
        Hit(
            {"element": "NEMSRegistrering/Datum", "t": date(2024, 11, 7), "s": s, "u": u},
            (("NEMS", None), ("NEMSRegistrering", 1), ("Datum", None)),
        ),
        Hit(
            {"element": "Komplikation/Datum", "t": date(2024, 11, 7), "s": s, "u": u},
            (("Komplikationer", None), ("Komplikation", 0), ("Datum", None)),
        ),
        Hit(
            {"element": "DagligVikt/Datum", "t": date(2024, 11, 1), "s": s, "u": u},
            (("ViktOchLängd", None), ("DagligVikt", 0), ("Datum", None)),
        ),
    ]


def strategy(before_icu: JaNej, limited_at: datetime) -> Behandlingsstrategi:
    return Behandlingsstrategi(
        dokumenterat_beslut=JaNej.JA,
        beslut_taget_fore_iva=before_icu,
        forsta_beslutstidpunkt=None if before_icu is JaNej.JA else START,
        strategi=BehandlingsstrategiVal.BEGRANSNING,
        begransning=[
            Begransning(
                typ=Begransningstyp.AVSTA_FRAN,
                behandling=BegransadBehandling.DIALYS,
                tidpunkt=limited_at,
            )
        ],
    )


def test_r023_limitation_before_the_stay() -> None:
    report = file_a()
    earlier = START - timedelta(days=2)
    report.vardtillfalle[0].behandlingsstrategi = strategy(JaNej.NEJ, earlier)
    assert hits("SIR-R023", report) == [
        Hit(
            {"element": "Begränsning/Tidpunkt", "t": earlier, "s": START, "u": END},
            (("Behandlingsstrategi", None), ("Begränsning", 0), ("Tidpunkt", None)),
        )
    ]


def test_r023_near_miss_limitation_decided_before_icu() -> None:
    report = file_a()
    report.vardtillfalle[0].behandlingsstrategi = strategy(JaNej.JA, START - timedelta(days=2))
    assert hits("SIR-R023", report) == []
    # ... but it still may not lie after the stay
    report.vardtillfalle[0].behandlingsstrategi = strategy(JaNej.JA, END + timedelta(minutes=1))
    assert len(hits("SIR-R023", report)) == 1


def test_r023_first_decision_time() -> None:
    report = file_a()
    strat = report.vardtillfalle[0].behandlingsstrategi
    assert strat is not None
    strat.forsta_beslutstidpunkt = END + timedelta(hours=1)
    assert [h.location for h in hits("SIR-R023", report)] == [
        (("Behandlingsstrategi", None), ("FörstaBeslutstidpunkt", None))
    ]


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("SIR-R020", Severity.ERROR),
        ("SIR-R021", Severity.ERROR),
        ("SIR-R022", Severity.ERROR),
        ("SIR-R023", Severity.ERROR),
        ("SIR-R024", Severity.WARNING),
        ("SIR-R025", Severity.ERROR),
        ("SIR-R026", Severity.WARNING),
        ("SIR-R027", Severity.ERROR),
    ],
)
def test_catalog_severity(code: str, severity: Severity) -> None:
    assert get_rule(code).severity is severity
