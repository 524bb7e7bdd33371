"""Rules over their whole domain: every vårdtyp, every code, each boundary, both file orders.

Each test states where a rule must fire (exact code, severity, path and parameters) and where
it must not. Enumerations are read from the generated model (``Vardtyp``, ``SKKod``, …), so a
member added to the schema is tested without an edit here.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from rulekit import (
    IVA_UNIT,
    at,
    episode,
    episode_findings,
    file_a,
    file_findings,
    hits,
)

from sir_format import to_xml, validate
from sir_format.models import (
    Ankomstvag,
    Atgard,
    Atgarder,
    JaNej,
    Komplikation,
    Komplikationer,
    Opereradstatus,
    SAPS3Operationstyp,
    SIRData,
    SKKod,
    SOFARegistrering,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.validation._core import Finding, Hit, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING
TIVA = Vardtyp("TIVA")
CONVERSION = Ankomstvag("KonverteradFrånIVATillTIVA")
TIVA_ONLY = re.compile(r"SK-4[0-9]{2}")  # dictionary §6.7, SIR-R073
CHEST_DRAIN = {"SK-061", "SK-062", "SK-063", "SK-064"}  # dictionary §6.7, SIR-R070


def shown(found: list[Finding]) -> list[tuple[str, Severity, str, dict[str, Any]]]:
    """Findings as (code, severity, path, parameters), for exact comparison."""
    return [(f.code, f.severity, f.path, dict(f.params)) for f in found]


def findings(code: str, ep: Vardtillfalle) -> list[tuple[str, Severity, str, dict[str, Any]]]:
    return shown(episode_findings(code, ep))


def with_vardtyp(vardtyp: Vardtyp) -> Vardtillfalle:
    ep = episode()
    ep.grunddata.vardtyp = vardtyp
    return ep


def complications(ep: Vardtillfalle, *rows: Komplikation) -> Vardtillfalle:
    ep.komplikationer = Komplikationer(komplikation=list(rows))
    return ep


def actions(ep: Vardtillfalle, *rows: Atgard) -> Vardtillfalle:
    ep.atgarder = Atgarder(atgard=list(rows))
    return ep


def complication(code: SKKod, day: date | None = date(2024, 11, 4)) -> Komplikation:
    """A complete row: a date unless SK-000, a chest drain answer exactly for SK-061…064."""
    drain = JaNej.JA if code.value in CHEST_DRAIN else None
    return Komplikation(
        kod=code, datum=None if code.value == "SK-000" else day, thoraxdranage_inlagt=drain
    )


def validated(report: SIRData) -> list[tuple[str, str]]:
    """(code, path) of every finding of the full validator on the report's XML."""
    return [(f.code, f.path) for f in validate(to_xml(report)).findings]


def test_domains_are_the_generated_enumerations() -> None:
    assert TIVA in Vardtyp and CONVERSION in Ankomstvag
    assert len(Vardtyp) >= 7
    assert {k.value for k in SKKod} >= CHEST_DRAIN
    assert any(TIVA_ONLY.fullmatch(k.value) for k in SKKod)


# -- SIR-R027: KonverteradFrånIVATillTIVA only for TIVA ---------------------------------------


@pytest.mark.parametrize("vardtyp", list(Vardtyp), ids=lambda v: v.value)
@pytest.mark.parametrize("route", list(Ankomstvag), ids=lambda v: v.value)
def test_r027_every_vardtyp_and_route(vardtyp: Vardtyp, route: Ankomstvag) -> None:
    ep = with_vardtyp(vardtyp)
    ep.grunddata.ankomstvag = route
    expected = []
    if route is CONVERSION and vardtyp is not TIVA:
        expected = [("SIR-R027", ERROR, "Grunddata/Ankomstväg", {"v": CONVERSION.value})]
    assert findings("SIR-R027", ep) == expected


# -- SIR-R073: SK-4xx only for TIVA -------------------------------------------------------------


@pytest.mark.parametrize("vardtyp", list(Vardtyp), ids=lambda v: v.value)
@pytest.mark.parametrize("code", list(SKKod), ids=lambda k: k.value)
def test_r073_every_vardtyp_and_code(vardtyp: Vardtyp, code: SKKod) -> None:
    ep = complications(with_vardtyp(vardtyp), complication(code))
    expected = []
    if TIVA_ONLY.fullmatch(code.value) and vardtyp is not TIVA:
        path = "Komplikationer/Komplikation[1]/Kod"
        expected = [("SIR-R073", ERROR, path, {"sk": code.value})]
    assert findings("SIR-R073", ep) == expected


@pytest.mark.parametrize("vardtyp", list(Vardtyp), ids=lambda v: v.value)
def test_r073_each_tiva_row_at_its_position(vardtyp: Vardtyp) -> None:
    codes = [SKKod("SK-010"), SKKod("SK-411"), SKKod("SK-020"), SKKod("SK-433")]
    ep = complications(with_vardtyp(vardtyp), *(complication(c) for c in codes))
    expected = []
    if vardtyp is not TIVA:
        expected = [
            ("SIR-R073", ERROR, "Komplikationer/Komplikation[2]/Kod", {"sk": "SK-411"}),
            ("SIR-R073", ERROR, "Komplikationer/Komplikation[4]/Kod", {"sk": "SK-433"}),
        ]
    assert findings("SIR-R073", ep) == expected


@pytest.mark.parametrize("vardtyp", list(Vardtyp), ids=lambda v: v.value)
def test_r073_no_complications_module(vardtyp: Vardtyp) -> None:
    ep = with_vardtyp(vardtyp)
    ep.komplikationer = None
    assert findings("SIR-R073", ep) == []


# -- SIR-R061: overlaps, in both file orders ----------------------------------------------------

T0 = datetime(2024, 10, 1, 8, 0)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def report_of(*stays: tuple[datetime, datetime]) -> SIRData:
    """File A with one episode per stay, all of the same person."""
    report = file_a()
    template = report.vardtillfalle[0]
    report.vardtillfalle = []
    for i, (start, end) in enumerate(stays):
        ep = copy.deepcopy(template)
        ep.lokalt_id = f"VT-{i}"
        ep.grunddata.inskrivningstid, ep.grunddata.utskrivningstid = start, end
        ep.grunddata.ankomsttid = start
        report.vardtillfalle.append(ep)
    return report


def start_of(index: int) -> str:
    return f"Vårdtillfälle[{index + 1}]/Grunddata/Inskrivningstid"


OVERLAPPING = {
    "overlap": ((T0, T0 + 5 * HOUR), (T0 + 4 * HOUR, T0 + 6 * HOUR)),
    "by-one-minute": ((T0, T0 + HOUR + MINUTE), (T0 + HOUR, T0 + 2 * HOUR)),
    "contained": ((T0, T0 + 5 * HOUR), (T0 + HOUR, T0 + 2 * HOUR)),
    "same-end": ((T0, T0 + 5 * HOUR), (T0 + HOUR, T0 + 5 * HOUR)),
}
APART = {
    "touching": ((T0, T0 + HOUR), (T0 + HOUR, T0 + 2 * HOUR)),
    "a-minute-apart": ((T0, T0 + HOUR), (T0 + HOUR + MINUTE, T0 + 2 * HOUR)),
    "same-start": ((T0, T0 + HOUR), (T0, T0 + 2 * HOUR)),  # SIR-R060's finding, not R061's
}


@pytest.mark.parametrize("order", ["file", "reverse"])
@pytest.mark.parametrize("pair", list(OVERLAPPING), ids=str)
def test_r061_overlap_in_either_order(pair: str, order: str) -> None:
    first, second = OVERLAPPING[pair]
    if order == "reverse":
        first, second = second, first
    found = shown(file_findings("SIR-R061", report_of(first, second)))
    params = {"s": second[0], "u": second[1]}  # the later episode in the file is reported
    assert found == [("SIR-R061", ERROR, start_of(1), params)]


@pytest.mark.parametrize("order", ["file", "reverse"])
@pytest.mark.parametrize("pair", list(APART), ids=str)
def test_r061_near_misses_in_either_order(pair: str, order: str) -> None:
    stays = APART[pair] if order == "file" else APART[pair][::-1]
    assert file_findings("SIR-R061", report_of(*stays)) == []


@pytest.mark.parametrize("order", ["file", "reverse"])
def test_r061_other_person_in_either_order(order: str) -> None:
    stays = OVERLAPPING["overlap"] if order == "file" else OVERLAPPING["overlap"][::-1]
    report = report_of(*stays)
    report.vardtillfalle[1].grunddata.personnummer = "194809224464"
    assert file_findings("SIR-R061", report) == []


def test_r061_three_episodes_in_reverse_order() -> None:
    a, b, c = (T0, T0 + 5 * HOUR), (T0 + 4 * HOUR, T0 + 6 * HOUR), (T0 + 6 * HOUR, T0 + 7 * HOUR)
    forward = shown(file_findings("SIR-R061", report_of(a, b, c)))
    assert forward == [("SIR-R061", ERROR, start_of(1), {"s": b[0], "u": b[1]})]
    backward = shown(file_findings("SIR-R061", report_of(c, b, a)))
    assert backward == [("SIR-R061", ERROR, start_of(2), {"s": a[0], "u": a[1]})]


@pytest.mark.parametrize("order", ["file", "reverse"])
def test_r060_duplicate_in_either_order(order: str) -> None:
    stays = APART["same-start"] if order == "file" else APART["same-start"][::-1]
    found = shown(file_findings("SIR-R060", report_of(*stays)))
    assert found == [("SIR-R060", ERROR, start_of(1), {"s": T0})]


# -- SIR-R070: chest drain needs GAA10 ----------------------------------------------------------

ONSET = date(2024, 11, 4)
DAY = timedelta(days=1)


def drain_path(index: int = 1) -> str:
    return f"Komplikationer/Komplikation[{index}]/ThoraxdränageInlagt"


@pytest.mark.parametrize("code", list(SKKod), ids=lambda k: k.value)
def test_r070_every_code_with_a_drain_and_no_action(code: SKKod) -> None:
    row = Komplikation(kod=code, datum=ONSET, thoraxdranage_inlagt=JaNej.JA)
    ep = complications(episode(), row)
    expected = []
    if code.value in CHEST_DRAIN:
        expected = [("SIR-R070", ERROR, drain_path(), {"sk": code.value})]
    assert findings("SIR-R070", ep) == expected


@pytest.mark.parametrize("drain", [*JaNej, None], ids=str)
def test_r070_every_drain_answer(drain: JaNej | None) -> None:
    row = Komplikation(kod=SKKod("SK-063"), datum=ONSET, thoraxdranage_inlagt=drain)
    ep = complications(episode(), row)
    expected = []
    if drain is JaNej.JA:
        expected = [("SIR-R070", ERROR, drain_path(), {"sk": "SK-063"})]
    assert findings("SIR-R070", ep) == expected


@pytest.mark.parametrize(
    ("kod", "day", "fires"),
    [
        ("GAA10", ONSET - DAY, True),  # before the complication: does not count
        ("GAA10", ONSET, False),  # the same day counts
        ("GAA10", ONSET + DAY, False),
        ("DG021", ONSET, True),  # another action does not count
    ],
)
def test_r070_action_date_boundary(kod: str, day: date, fires: bool) -> None:
    row = Komplikation(kod=SKKod("SK-061"), datum=ONSET, thoraxdranage_inlagt=JaNej.JA)
    ep = actions(complications(episode(), row), Atgard(kod=kod, datum=day))
    expected = [("SIR-R070", ERROR, drain_path(), {"sk": "SK-061"})] if fires else []
    assert findings("SIR-R070", ep) == expected


def test_r070_each_drain_judged_by_its_own_date() -> None:
    early = Komplikation(kod=SKKod("SK-061"), datum=ONSET, thoraxdranage_inlagt=JaNej.JA)
    late = Komplikation(kod=SKKod("SK-064"), datum=ONSET + 2 * DAY, thoraxdranage_inlagt=JaNej.JA)
    for rows in ((early, late), (late, early)):
        ep = actions(complications(episode(), *rows), Atgard(kod="GAA10", datum=ONSET + DAY))
        index = rows.index(late) + 1
        assert findings("SIR-R070", ep) == [
            ("SIR-R070", ERROR, drain_path(index), {"sk": "SK-064"})
        ]


def test_r070_without_datum_and_without_gaa10_fires() -> None:
    """No ``Datum`` (SIR-R075's finding): with no GAA10 at all the drain still lacks one."""
    row = Komplikation(kod=SKKod("SK-062"), thoraxdranage_inlagt=JaNej.JA)
    ep = actions(complications(episode(), row), Atgard(kod="DG021", datum=ONSET))
    assert findings("SIR-R070", ep) == [("SIR-R070", ERROR, drain_path(), {"sk": "SK-062"})]


@pytest.mark.parametrize("day", [date(2024, 11, 3), date(2024, 11, 6)])
def test_r070_without_datum_any_gaa10_counts(day: date) -> None:
    """Without a complication date no GAA10 can be too early: any GAA10 satisfies the rule."""
    row = Komplikation(kod=SKKod("SK-062"), thoraxdranage_inlagt=JaNej.JA)
    ep = actions(complications(episode(), row), Atgard(kod="GAA10", datum=day))
    assert findings("SIR-R070", ep) == []


def test_r070_without_datum_through_the_validator() -> None:
    report = file_a()
    row = Komplikation(kod=SKKod("SK-062"), thoraxdranage_inlagt=JaNej.JA)
    complications(report.vardtillfalle[0], row)
    prefix = "Vårdtillfälle[1]/Komplikationer/Komplikation[1]"
    assert validated(report) == [
        ("SIR-R075", f"{prefix}/Datum"),
        ("SIR-R070", f"{prefix}/ThoraxdränageInlagt"),
    ]


# -- SIR-R084: SAPS3 fields, with and without Opereradstatus ------------------------------------

OPERATED = {"EjOpererad": False, "ElektivOperation": True, "AkutOperation": True}


def test_r084_table_covers_every_status() -> None:
    assert set(OPERATED) == {s.value for s in Opereradstatus}


@pytest.mark.parametrize("status", [*Opereradstatus, None], ids=str)
@pytest.mark.parametrize("typed", [True, False], ids=["Operationstyp", "no-Operationstyp"])
def test_r084_every_status(status: Opereradstatus | None, typed: bool) -> None:
    ep = episode()
    assert ep.saps3 is not None
    ep.grunddata.opereradstatus = status
    ep.saps3.operationstyp = SAPS3Operationstyp.MULTITRAUMA if typed else None
    expected = []
    if status is not None and typed != OPERATED[status.value]:
        expected = [("SIR-R084", ERROR, "SAPS3/Operationstyp", {"field": "Operationstyp"})]
    assert findings("SIR-R084", ep) == expected


@pytest.mark.parametrize(("drop", "wire"), [("pa_o2", "PaO2"), ("fi_o2", "FiO2")])
def test_r084_pair_checked_without_opereradstatus(drop: str, wire: str) -> None:
    ep = episode()
    assert ep.saps3 is not None
    ep.grunddata.opereradstatus = None
    ep.saps3.operationstyp = SAPS3Operationstyp.MULTITRAUMA
    setattr(ep.saps3, drop, None)
    assert findings("SIR-R084", ep) == [("SIR-R084", ERROR, f"SAPS3/{wire}", {"field": wire})]


def test_r084_without_saps3_or_opereradstatus() -> None:
    ep = episode()
    ep.grunddata.opereradstatus = None
    ep.saps3 = None
    assert findings("SIR-R084", ep) == []


def test_r084_without_opereradstatus_through_the_validator() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.opereradstatus = None
    assert validated(report) == [("SIR-R036", "Vårdtillfälle[1]/Grunddata/Opereradstatus")]
    report.vardtillfalle[0].saps3.operationstyp = SAPS3Operationstyp.MULTITRAUMA  # type: ignore[union-attr]
    assert validated(report) == [("SIR-R036", "Vårdtillfälle[1]/Grunddata/Opereradstatus")]


# -- SIR-R080: SOFA rows in either order --------------------------------------------------------


def sofa_rows(ep: Vardtillfalle) -> list[SOFARegistrering]:
    assert ep.daglig_sofa is not None
    return ep.daglig_sofa.sofaregistrering


def sofa_with(*moments: datetime) -> Vardtillfalle:
    ep = episode()
    template = sofa_rows(ep)[0]
    rows = []
    for moment in moments:
        row = copy.deepcopy(template)
        row.tidpunkt = moment
        rows.append(row)
    ep.daglig_sofa.sofaregistrering = rows  # type: ignore[union-attr]
    return ep


def sofa_path(index: int) -> str:
    return f"DagligSOFA/SOFARegistrering[{index}]/Tidpunkt"


NINE = datetime(2024, 11, 4, 9, 0)


@pytest.mark.parametrize("order", ["file", "reverse"])
def test_r080_off_time_row_reported_alone_in_either_order(order: str) -> None:
    off = NINE + MINUTE
    moments = [NINE, off] if order == "file" else [off, NINE]
    expected = [
        ("SIR-R080", ERROR, sofa_path(moments.index(off) + 1), {"t": off, "hh:mm": "09:00"})
    ]
    assert findings("SIR-R080", sofa_with(*moments)) == expected


def test_r080_two_rows_at_the_sofa_time_second_reported() -> None:
    found = findings("SIR-R080", sofa_with(NINE, NINE + DAY, NINE))
    assert found == [("SIR-R080", ERROR, sofa_path(3), {"t": NINE, "hh:mm": "09:00"})]


def test_r080_two_off_time_rows_both_reported() -> None:
    a, b = NINE - MINUTE, NINE + HOUR
    found = findings("SIR-R080", sofa_with(a, b))
    assert found == [
        ("SIR-R080", ERROR, sofa_path(1), {"t": a, "hh:mm": "09:00"}),
        ("SIR-R080", ERROR, sofa_path(2), {"t": b, "hh:mm": "09:00"}),
    ]


def test_r080_unit_sofa_time() -> None:
    eight = dataclasses.replace(IVA_UNIT, sofa_tid=time(8, 0))
    early = NINE - HOUR
    assert episode_findings("SIR-R080", sofa_with(early), eight) == []
    found = shown(episode_findings("SIR-R080", sofa_with(NINE), eight))
    assert found == [("SIR-R080", ERROR, sofa_path(1), {"t": NINE, "hh:mm": "08:00"})]


# -- SIR-R052: what the rule checks, as its texts now say ---------------------------------------


def test_r052_texts_say_it_checks_the_category() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["J199"]
    (finding,) = episode_findings("SIR-R052", report.vardtillfalle[0])
    assert (finding.code, finding.severity, finding.path) == (
        "SIR-R052",
        WARNING,
        "Diagnoser/ÖvrigDiagnos[1]",
    )
    assert finding.message("en") == (
        "Diagnosis code J199: its category (first 3 characters) is not a known ICD-10 category"
        " in 2024."
    )
    assert finding.message("sv") == (
        "Diagnoskoden J199: kategorin (de tre första tecknen) är ingen känd ICD-10-kategori"
        " år 2024."
    )


@pytest.mark.parametrize("code", ["J18", "J189", "J18Z", "J18ZZ"])
def test_r052_only_the_category_is_checked(code: str) -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = [code]
    assert hits("SIR-R052", report) == []


@pytest.mark.parametrize(
    ("start", "known"),
    [
        (datetime(2019, 12, 31, 23, 59), False),
        (datetime(2020, 1, 1, 0, 0), True),  # U10 is in use from 2020-01-01
    ],
)
def test_r052_supplement_date_boundary(start: datetime, known: bool) -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.inskrivningstid = start
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["U109"]
    where = at("Diagnoser", ("ÖvrigDiagnos", 0))
    expected = [] if known else [Hit({"c": "U109", "year": 2019}, where)]
    assert hits("SIR-R052", report) == expected
