"""Tests of the Hypothesis strategies in ``sir_format.testing``.

The checks below restate the data dictionary's rules (§5-§6) independently of the strategies,
so that they can catch a strategy that drifts from the dictionary. Each checker is itself
tested on a report broken on purpose.
"""

from __future__ import annotations

import copy
import enum
import itertools
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import lxml.etree as ET
import msgspec
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample
from hypothesis_profiles import examples
from stdnum import luhn
from stdnum.se import orgnr, personnummer

import sir_format
from sir_format import validate
from sir_format.metadata import FieldInfo, Kind, all_models, enum_types, model_info
from sir_format.models import (
    CAMICU,
    SAPS3,
    Ankomstvag,
    Avliden2024,
    Avlidna2020,
    BehandlingsstrategiVal,
    Donationsvilja,
    EjOrgandonationOrsak,
    Grunddata,
    JaNej,
    JaNejEjTillampbart,
    Kon,
    MojligDonator,
    Opereradstatus,
    Organdonation,
    Personnummertyp,
    SAPS3Intagningsorsak,
    SIRData,
    SIRDataVer52,
    SKKod,
    UtskrivenTill,
    Utskrivningsorsak,
    VardeOkant,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
    ViljaResultat,
)
from sir_format.testing import episodes, reports, values
from sir_format.testing._codes import ACTION_CODES, DIAGNOSIS_CODES, actions_on
from sir_format.testing._modules import MODULES, applies, build_module
from sir_format.testing._source import Source
from sir_format.testing._timeline import Stay
from sir_format.testing.strategies import _grunddata, _person, _Plan
from sir_format.validation.applicability import MATRIX as APPLICABILITY
from sir_format.validation.reference import kva
from sir_format.validation.reference.icd10se import icd10se

ROOT = Path(__file__).resolve().parents[1]
XSD = ROOT / "sir_format" / "schemas" / "SIRDataVer52.xsd"
SETTINGS = settings(max_examples=examples(60), deadline=None)
FEW = settings(max_examples=examples(25), deadline=None)
# Searches are derandomized: the same examples on every run, so coverage tests cannot flake.
NO_SHRINK = settings(
    database=None, max_examples=1000, phases=[Phase.generate], derandomize=True, deadline=None
)

ICU = frozenset(v for v in Vardtyp if v is not Vardtyp.IMA)
DEATH_TYPES = frozenset({Vardtyp.IVA, Vardtyp.TIVA, Vardtyp.BIVA})
IMA_OPENED = date(2025, 4, 1)
SOFA_TIME = time(9, 0)

# ------------------------------------------------------------------ helpers


@pytest.fixture(scope="module")
def schema() -> ET.XMLSchema:
    return ET.XMLSchema(file=str(XSD))


def to_xml(report: SIRData) -> bytes:
    """Serialise with the library's writer (the schema check below is libxml2's, independent)."""
    return sir_format.to_xml(report)


def assert_schema_valid(schema: ET.XMLSchema, report: SIRData) -> None:
    document = ET.fromstring(to_xml(report))
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))


def walk(obj: Any) -> Iterator[Any]:
    """Every model object and leaf value in a report, depth first."""
    yield obj
    if isinstance(obj, msgspec.Struct):
        for name in obj.__struct_fields__:
            value = getattr(obj, name)
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    yield from walk(item)


def stay_days(ep: Vardtillfalle) -> list[date]:
    g = ep.grunddata
    first, last = g.inskrivningstid.date(), g.utskrivningstid.date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def all_times(report: SIRData) -> Iterator[datetime]:
    for value in walk(report):
        if isinstance(value, datetime):
            yield value


# ------------------------------------------------- checkers (dictionary §5-§6)

Check = Callable[[SIRData], list[str]]


def check_identity(report: SIRData) -> list[str]:
    """SIR-R010 ... R016 and person consistency across episodes."""
    out = []
    persons: dict[tuple[Any, str], tuple[date, Any]] = {}
    for i, ep in enumerate(report.vardtillfalle):
        g = ep.grunddata
        number, kind = g.personnummer, g.personnummertyp
        key = (kind, number)
        if persons.setdefault(key, (g.fodelsedatum, g.kon)) != (g.fodelsedatum, g.kon):
            out.append(f"{i}: same person, different birth date or sex")
        if (
            not g.fodelsedatum <= g.inskrivningstid.date()
            or age(g.fodelsedatum, g.inskrivningstid.date()) > 125
        ):
            out.append(f"{i}: R015 implausible birth date")
        if kind is Personnummertyp.RESERVNUMMER:
            if g.idbegrepp is None or not re.fullmatch(r"[0-9A-Z]{6,20}", number):
                out.append(f"{i}: R012 reservnummer or Idbegrepp")
            if number.isdigit() and len(number) == 12 and luhn.is_valid(number[2:]):
                out.append(f"{i}: R016 reservnummer looks like a personnummer")
            continue
        if g.idbegrepp is not None:
            out.append(f"{i}: R012 Idbegrepp without reservnummer")
        if not (len(number) == 12 and number.isdigit() and luhn.is_valid(number[2:])):
            out.append(f"{i}: R010/R011 format or check digit")
            continue
        day = int(number[6:8])
        if kind is Personnummertyp.SAMORDNINGSNUMMER:
            if not 61 <= day <= 91:
                out.append(f"{i}: R011 day field")
            day -= 60
        elif not personnummer.is_valid(number):
            out.append(f"{i}: R010 stdnum rejects the personnummer")
        try:
            born = date(int(number[:4]), int(number[4:6]), day)
        except ValueError:
            out.append(f"{i}: R010/R011 not a date")
            continue
        if born != g.fodelsedatum:
            out.append(f"{i}: R013 birth date")
        if g.kon is not (Kon.MAN if int(number[10]) % 2 else Kon.KVINNA):
            out.append(f"{i}: R014 sex")
    hsa = report.huvud.hsa_id
    if not (re.fullmatch(r"SE[0-9]{10}-[0-9A-Za-z]{1,18}", hsa) and orgnr.is_valid(hsa[2:12])):
        out.append("R001 HSA-id")
    return out


def check_timeline(report: SIRData) -> list[str]:
    """SIR-R004, R020 ... R026, R060, R061, R080, R082, R087 and wall-clock times."""
    out = []
    skapad = report.huvud.skapad
    if skapad > datetime.now() + timedelta(minutes=5):
        out.append("R004 Skapad in the future")
    for t in all_times(report):
        if t.tzinfo is not None or t.second or t.microsecond:
            out.append(f"{t}: not a whole-minute local time")
        if t.hour == 2 and t.date() in (last_sunday(t.year, 3), last_sunday(t.year, 10)):
            out.append(f"{t}: in the daylight-saving change hour")
    by_person: dict[tuple[Any, str], list[Vardtillfalle]] = {}
    for i, ep in enumerate(report.vardtillfalle):
        g = ep.grunddata
        start, end = g.inskrivningstid, g.utskrivningstid
        by_person.setdefault((g.personnummertyp, g.personnummer), []).append(ep)
        if not start < end <= skapad:
            out.append(f"{i}: R021/R022/R004 start < end <= Skapad")
        if end - start > timedelta(days=180):
            out.append(f"{i}: R024 long stay")
        if g.ankomsttid is not None and not (start - timedelta(days=365) <= g.ankomsttid <= start):
            out.append(f"{i}: R020/R026 Ankomsttid")
        if g.pre_opererad_tidpunkt is not None and (
            g.opereradstatus in (None, Opereradstatus.EJ_OPERERAD)
            or g.pre_opererad_tidpunkt > start
        ):
            out.append(f"{i}: R025 PreOpereradTidpunkt")
        moments = []
        if ep.daglig_sofa:
            moments += [r.tidpunkt for r in ep.daglig_sofa.sofaregistrering]
        if ep.sederingsmal:
            moments += [r.tidpunkt for r in ep.sederingsmal.sederingsregistrering]
        if ep.omvardnad:
            moments += [r.tidpunkt for r in ep.omvardnad.omvardnadsbedomning]
        if ep.behandlingsstrategi:
            b = ep.behandlingsstrategi
            moments += [b.forsta_beslutstidpunkt] if b.forsta_beslutstidpunkt else []
            moments += [r.tidpunkt for r in b.begransning if r.tidpunkt]
        if any(not start <= m <= end for m in moments):
            out.append(f"{i}: R023 row time outside the stay")
        days = stay_days(ep)
        dated = []
        if ep.nems:
            dated += [r.datum for r in ep.nems.nemsregistrering]
        if ep.vikt_och_langd:
            dated += [r.datum for r in ep.vikt_och_langd.daglig_vikt]
        if ep.atgarder:
            dated += [r.datum for r in ep.atgarder.atgard]
        if ep.komplikationer:
            dated += [r.datum for r in ep.komplikationer.komplikation if r.datum]
        if any(d not in days for d in dated):
            out.append(f"{i}: R023 row date outside the stay")
        if ep.daglig_sofa:
            times = [r.tidpunkt for r in ep.daglig_sofa.sofaregistrering]
            expected = [datetime.combine(d, SOFA_TIME) for d in days]
            if times != [t for t in expected if start <= t <= end]:
                out.append(f"{i}: R080/R082 SOFA registrations")
        if ep.nems and [r.datum for r in ep.nems.nemsregistrering] != days:
            out.append(f"{i}: R081/R087 NEMS registrations")
    for key, stays in by_person.items():
        stays.sort(key=lambda e: e.grunddata.inskrivningstid)
        for earlier, later in itertools.pairwise(stays):
            if later.grunddata.inskrivningstid < earlier.grunddata.utskrivningstid:
                out.append(f"{key[1][:4]}…: R060/R061 overlapping episodes")
            if earlier.grunddata.vardresultat is Vardresultat.AVLIDEN:
                out.append(f"{key[1][:4]}…: episode after death")
    return out


MATRIX: dict[str, tuple[frozenset[Vardtyp], bool | None, date | None]] = {
    # module: (vårdtyper, adult (>= 16) / child / any, first start date) - §5.2
    "saps3": (frozenset({Vardtyp.IVA, Vardtyp.BIVA}), True, None),
    "pim3": (ICU, False, None),
    "higgins": (frozenset({Vardtyp.TIVA}), True, None),
    "daglig_sofa": (frozenset({Vardtyp.IVA, Vardtyp.TIVA}), True, date(2023, 9, 1)),
    "komplikationer": (DEATH_TYPES, None, None),
    "sederingsmal": (ICU, None, None),
    "clinical_frailty_scale": (frozenset(Vardtyp), True, date(2021, 10, 1)),
    "omvardnad": (frozenset(Vardtyp), None, date(2023, 3, 20)),
}
M_ICU = ("postnummer", "ankomsttid", "ankomstorsak", "akutinlaggning", "opereradstatus",
         "utskrivningsorsak")  # fmt: skip


def check_applicability(report: SIRData) -> list[str]:
    """SIR-R027, R030 ... R039, R040, R042 ... R044, R120, R121."""
    out = []
    kinds = {ep.grunddata.vardtyp is Vardtyp.IMA for ep in report.vardtillfalle}
    if len(kinds) > 1:
        out.append("R120 IMA mixed with ICU")
    for i, ep in enumerate(report.vardtillfalle):
        g = ep.grunddata
        vt, start = g.vardtyp, g.inskrivningstid.date()
        adult = age(g.fodelsedatum, start) >= 16
        for name, (types, grown, since) in MATRIX.items():
            if getattr(ep, name) is None:
                continue
            if vt not in types or (grown is not None and adult is not grown):
                out.append(f"{i}: R03x {name} not allowed for {vt.value}, adult={adult}")
            if since is not None and start < since:
                out.append(f"{i}: R039 {name} before {since}")
        if vt is Vardtyp.IMA and start < IMA_OPENED:
            out.append(f"{i}: R121 IMA before {IMA_OPENED}")
        if vt is not Vardtyp.IMA and any(getattr(g, n) is None for n in M_ICU):
            out.append(f"{i}: R036 M-ICU row missing")
        if g.ankomstvag is Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA and vt is not Vardtyp.TIVA:
            out.append(f"{i}: R027")
        if ep.sederingsmal and ep.atgarder and all(a.kod != "DG021" for a in ep.atgarder.atgard):
            out.append(f"{i}: R037 sedation goal without DG021")
        dead = g.vardresultat is Vardresultat.AVLIDEN
        if dead != (g.utskriven_till is UtskrivenTill.EJ_TILLAMPBART) or (
            g.utskrivningsorsak is not None
            and dead != (g.utskrivningsorsak is Utskrivningsorsak.AVLIDEN)
        ):
            out.append(f"{i}: R040 outcome")
        death = g.utskrivningstid.date()
        if ep.avlidna2020 and not (
            dead and vt in DEATH_TYPES and date(2020, 1, 1) <= death <= date(2023, 12, 31)
        ):
            out.append(f"{i}: R034/R042/R043 Avlidna2020")
        if ep.avliden2024 and not (dead and vt in DEATH_TYPES and death >= date(2024, 1, 1)):
            out.append(f"{i}: R034/R042/R043 Avliden2024")
        if ep.avlidna2020 and ep.avliden2024:
            out.append(f"{i}: R044 two protocols")
    return out


RETIRED = {"DV023": date(2021, 1, 1), "FXL10": date(2022, 1, 1), "FXL20": date(2022, 1, 1),
           "FXL30": date(2022, 1, 1), "ZX903": date(2017, 1, 1)}  # fmt: skip


def check_duplicates(report: SIRData) -> list[str]:
    """SIR-R051, R062, R070, R072 ... R077, R085, R109 (daily weight)."""
    out = []
    ids = [ep.lokalt_id for ep in report.vardtillfalle if ep.lokalt_id is not None]
    if len(ids) != len(set(ids)):
        out.append("R062 LokaltId repeated")
    for i, ep in enumerate(report.vardtillfalle):
        codes = [ep.diagnoser.huvudsaklig_ivadiagnos, *ep.diagnoser.ovrig_diagnos]
        if len(codes) != len(set(codes)):
            out.append(f"{i}: R051 diagnosis repeated")
        actions = ep.atgarder.atgard if ep.atgarder else []
        keys = [(a.kod, a.datum, a.klockslag) for a in actions]
        if len(keys) != len(set(keys)):
            out.append(f"{i}: R077 action repeated")
        if any(a.kod in RETIRED and a.datum >= RETIRED[a.kod] for a in actions):
            out.append(f"{i}: R072 retired action code")
        if ep.komplikationer:
            rows = ep.komplikationer.komplikation
            kods = [k.kod for k in rows]
            if len(kods) != len(set(kods)):
                out.append(f"{i}: R076 complication repeated")
            if SKKod.SK_000 in kods and len(kods) > 1:
                out.append(f"{i}: R074 SK-000 with others")
            for k in rows:
                pneumothorax = k.kod.value in ("SK-061", "SK-062", "SK-063", "SK-064")
                if (k.datum is None) != (k.kod is SKKod.SK_000):
                    out.append(f"{i}: R075 Datum")
                if (k.thoraxdranage_inlagt is not None) != pneumothorax:
                    out.append(f"{i}: R075 ThoraxdränageInlagt")
                if k.kod.value.startswith("SK-4") and ep.grunddata.vardtyp is not Vardtyp.TIVA:
                    out.append(f"{i}: R073 TIVA code")
                if k.thoraxdranage_inlagt is JaNej.JA and not any(
                    a.kod == "GAA10" and k.datum and a.datum >= k.datum for a in actions
                ):
                    out.append(f"{i}: R070 drain without GAA10")
        if ep.saps3:
            s = ep.saps3
            if len(set(s.samsjuklighet)) != len(s.samsjuklighet):
                out.append(f"{i}: R085 Samsjuklighet repeated")
            reasons = s.intagningsorsak
            if len(set(reasons)) != len(reasons) or (
                SAPS3Intagningsorsak.BASAL_OBSERVATION in reasons and len(reasons) > 1
            ):
                out.append(f"{i}: R085 Intagningsorsak")
        if ep.vikt_och_langd:
            dates = [d.datum for d in ep.vikt_och_langd.daglig_vikt]
            if len(dates) != len(set(dates)):
                out.append(f"{i}: R109 daily weight repeated")
    return out


def _iff(present: object, condition: bool) -> bool:
    return (present is not None) == condition


def check_avliden2024(m: Avliden2024, age_at_death: int) -> list[str]:
    """SIR-R090 ... R097."""
    out = []
    path = m.mojlig_donator
    possible = path is not MojligDonator.EJ_MOJLIG_DONATOR
    dcd = path is MojligDonator.MOJLIG_DCD
    if not _iff(m.ej_mojlig_donator_orsak, not possible) or not all(
        _iff(v, possible)
        for v in (
            m.donationskoordinator_kontaktad,
            m.donationsviljan_utredd,
            m.polis_kontaktad,
            m.organdonation_genomford,
        )
    ):
        out.append("R090")
    if not _iff(
        m.varfor_kontaktades_inte_koordinator, m.donationskoordinator_kontaktad is JaNej.NEJ
    ):
        out.append("R091")
    utredd = m.donationsviljan_utredd
    if not (
        _iff(m.utredning_resultat, utredd is JaNej.JA)
        and _iff(m.donation_annat_medicinskt_andamal, utredd is JaNej.JA)
        and _iff(m.varfor_utreddes_inte_viljan, utredd is JaNej.NEJ)
    ):
        out.append("R092")
    guardian = {ViljaResultat.VARDNADSHAVARE_MEDGAV, ViljaResultat.VARDNADSHAVARE_MEDGAV_EJ}
    presumed = {ViljaResultat.FORMODAT_SAMTYCKE, ViljaResultat.EJ_FORMODAT_SAMTYCKE}
    if (m.utredning_resultat in guardian and age_at_death >= 18) or (
        m.utredning_resultat in presumed and age_at_death < 18
    ):
        out.append("R093")
    if not _iff(m.polis_besked, m.polis_kontaktad is JaNejEjTillampbart.JA):
        out.append("R094")
    dcd_not_done = m.ej_organdonation_orsak is EjOrgandonationOrsak.DCDGENOMFORDES_INTE
    if (
        not _iff(m.ej_organdonation_orsak, m.organdonation_genomford is Organdonation.NEJ)
        or not _iff(m.varfor_genomfordes_inte_dcd, dcd_not_done)
        or (dcd_not_done and not dcd)
    ):
        out.append("R095")
    withdrawn = m.behandling_avbruten_for_dcd is JaNej.JA
    if (
        not _iff(m.behandling_avbruten_for_dcd, dcd)
        or not _iff(m.langst_accepterad_tid_till_cirkulationsstillestand, withdrawn)
        or not _iff(m.faktisk_tid_till_cirkulationsstillestand, withdrawn)
        or (m.organdonation_genomford is Organdonation.JA_DCD and not (dcd and withdrawn))
        or (
            m.organdonation_genomford is Organdonation.JA_DBD
            and path is not MojligDonator.MOJLIG_DBD
        )
    ):
        out.append("R096")
    if (
        m.organdonation_genomford is Organdonation.JA_DCD
        and m.faktisk_tid_till_cirkulationsstillestand is not None
        and m.langst_accepterad_tid_till_cirkulationsstillestand is not None
        and m.faktisk_tid_till_cirkulationsstillestand
        > m.langst_accepterad_tid_till_cirkulationsstillestand
    ):
        out.append("R097")
    return out


def check_avlidna2020(m: Avlidna2020) -> list[str]:
    """SIR-R098."""
    possible = m.mojlig_donator is JaNej.JA
    ok = (
        _iff(m.ej_mojlig_donator_orsak, not possible)
        and _iff(m.donationsvilja, possible)
        and _iff(m.transplantationskoordinator_kontaktad, possible)
        and _iff(m.organdonation_genomford, possible)
        and _iff(m.negativ_vilja_grund, m.donationsvilja is Donationsvilja.KAND_NEGATIV)
        and _iff(m.okand_vilja_utfall, m.donationsvilja is Donationsvilja.OKAND)
        and _iff(m.ej_organdonation_orsak, m.organdonation_genomford is JaNej.NEJ)
    )
    return [] if ok else ["R098"]


def check_answers(report: SIRData) -> list[str]:
    """SIR-R081, R083, R084, R086, R090 ... R098, R105 ... R109."""
    out = []
    for i, ep in enumerate(report.vardtillfalle):
        g = ep.grunddata
        if ep.saps3:
            s = ep.saps3
            operated = g.opereradstatus is not Opereradstatus.EJ_OPERERAD
            if not _iff(s.operationstyp, operated) or not _iff(s.fi_o2, s.pa_o2 is not None):
                out.append(f"{i}: R084")
        pairs = []
        if ep.pim3:
            pairs.append((ep.pim3.pa_o2, ep.pim3.fi_o2))
        if ep.higgins:
            pairs.append((ep.higgins.pa_o2_vid_ankomst, ep.higgins.fi_o2_vid_ankomst))
        if any(isinstance(a, VardeOkant) != isinstance(b, VardeOkant) for a, b in pairs):
            out.append(f"{i}: R086")
        for r in ep.daglig_sofa.sofaregistrering if ep.daglig_sofa else []:
            if not _iff(r.fi_o2, r.pa_o2 is not None):
                out.append(f"{i}: R083")
        for n in ep.nems.nemsregistrering if ep.nems else []:
            if (
                n.mekanisk_ventilation is JaNej.JA and n.kompletterande_andningsstod is JaNej.JA
            ) or (
                n.ett_vasoaktivt_lakemedel is JaNej.JA and n.flera_vasoaktiva_lakemedel is JaNej.JA
            ):
                out.append(f"{i}: R081 exclusive items")
        if ep.avliden2024:
            death = g.utskrivningstid.date()
            out += [
                f"{i}: {c}" for c in check_avliden2024(ep.avliden2024, age(g.fodelsedatum, death))
            ]
        if ep.avlidna2020:
            out += [f"{i}: {c}" for c in check_avlidna2020(ep.avlidna2020)]
        if ep.behandlingsstrategi:
            b = ep.behandlingsstrategi
            yes = b.dokumenterat_beslut is JaNej.JA
            limited = b.strategi is BehandlingsstrategiVal.BEGRANSNING
            if not (
                _iff(b.beslut_taget_fore_iva, yes)
                and _iff(b.strategi, yes)
                and _iff(b.forsta_beslutstidpunkt, yes and b.beslut_taget_fore_iva is JaNej.NEJ)
                and bool(b.begransning) == limited
                and all(
                    r.tidpunkt is not None or b.beslut_taget_fore_iva is JaNej.JA
                    for r in b.begransning
                )
            ):
                out.append(f"{i}: R105")
        for reg in ep.sederingsmal.sederingsregistrering if ep.sederingsmal else []:
            if not _iff(reg.motsvarar_sederingsmalet, reg.sederingsmal_ordinerat is JaNej.JA):
                out.append(f"{i}: R106")
        for o in ep.omvardnad.omvardnadsbedomning if ep.omvardnad else []:
            pain = (o.smarta_nrs, o.smarta_cpot, o.smarta_bps, o.smarta_flacc)
            if all(p is None for p in pain) and o.rass is None and o.camicu is None:
                out.append(f"{i}: R107")
            if (
                o.rass is not None
                and o.camicu is not None
                and ((o.camicu is CAMICU.EJ_BEDOMBAR) != (o.rass <= -4))
            ):
                out.append(f"{i}: R108")
        if ep.vikt_och_langd:
            v = ep.vikt_och_langd
            singles = (
                v.langd,
                v.vikt_fore_insjuknande,
                v.vikt_vid_ankomst,
                v.vikt_vid_utskrivning,
            )
            if not v.daglig_vikt and all(x is None for x in singles):
                out.append(f"{i}: R109 empty")
    return out


CHECKS: tuple[Check, ...] = (
    check_identity,
    check_timeline,
    check_applicability,
    check_duplicates,
    check_answers,
)


def all_problems(report: SIRData) -> list[str]:
    return [p for check in CHECKS for p in check(report)]


# ------------------------------------------------------- schema validity


@SETTINGS
@given(reports())
def test_coherent_reports_are_schema_valid(schema: ET.XMLSchema, report: SIRData) -> None:
    assert 1 <= len(report.vardtillfalle) <= 3
    assert_schema_valid(schema, report)


@SETTINGS
@given(reports(coherent=False, max_episodes=2))
def test_schema_only_reports_are_schema_valid(schema: ET.XMLSchema, report: SIRData) -> None:
    assert 1 <= len(report.vardtillfalle) <= 2
    assert_schema_valid(schema, report)


@FEW
@given(reports(min_episodes=4, max_episodes=6, ima=True))
def test_larger_ima_reports_are_schema_valid(schema: ET.XMLSchema, report: SIRData) -> None:
    assert 4 <= len(report.vardtillfalle) <= 6
    assert_schema_valid(schema, report)
    assert all_problems(report) == []


def test_schema_check_rejects_a_broken_report(schema: ET.XMLSchema) -> None:
    report = find(reports(), lambda r: True, settings=NO_SHRINK)
    report.huvud.hsa_id = "not an HSA-id"
    with pytest.raises(AssertionError, match="HsaId"):
        assert_schema_valid(schema, report)


# ------------------------------------------------------------ coherence


@SETTINGS
@given(reports())
def test_identity_numbers_are_valid_and_match(report: SIRData) -> None:
    assert check_identity(report) == []


@SETTINGS
@given(reports())
def test_timelines_are_ordered_and_rows_inside_the_stay(report: SIRData) -> None:
    assert check_timeline(report) == []


@SETTINGS
@given(reports())
def test_modules_respect_the_applicability_matrix(report: SIRData) -> None:
    assert check_applicability(report) == []


@SETTINGS
@given(reports())
def test_no_duplicate_keys_and_linked_actions(report: SIRData) -> None:
    assert check_duplicates(report) == []


@SETTINGS
@given(reports())
def test_conditional_answers_are_consistent(report: SIRData) -> None:
    assert check_answers(report) == []


@SETTINGS
@given(episodes(), reports(max_episodes=1))
def test_episodes_are_coherent(episode: Vardtillfalle, other: SIRData) -> None:
    assert isinstance(episode, Vardtillfalle)
    report = SIRData(huvud=other.huvud, vardtillfalle=[episode])
    report.huvud.skapad = max(report.huvud.skapad, episode.grunddata.utskrivningstid)
    assert all_problems(report) == []


# Each checker must notice the defect it is about: break a coherent report in one place.


def _set_kon(r: SIRData) -> bool:
    g = r.vardtillfalle[0].grunddata
    if g.personnummertyp is Personnummertyp.RESERVNUMMER:
        return False
    g.kon = Kon.KVINNA if g.kon is Kon.MAN else Kon.MAN
    return True


def _late_arrival(r: SIRData) -> bool:
    g = r.vardtillfalle[0].grunddata
    g.ankomsttid = g.inskrivningstid + timedelta(minutes=1)
    return True


def _saps3_for_ima(r: SIRData) -> bool:
    ep = r.vardtillfalle[0]
    if ep.grunddata.vardtyp is not Vardtyp.IMA:
        return False
    ep.saps3 = SAPS3(
        vasoaktiva_droger=JaNej.NEJ,
        intagningsorsak=[SAPS3Intagningsorsak.TRAUMA],
        nosokomial_infektion=JaNej.NEJ,
        respiratorisk_infektion=JaNej.NEJ,
        ventilator=JaNej.NEJ,
    )
    return True


def _repeat_diagnosis(r: SIRData) -> bool:
    d = r.vardtillfalle[0].diagnoser
    d.ovrig_diagnos.append(d.huvudsaklig_ivadiagnos)
    return True


def _dead_but_discharged(r: SIRData) -> bool:
    g = r.vardtillfalle[0].grunddata
    if g.vardresultat is not Vardresultat.AVLIDEN:
        return False
    g.utskriven_till = UtskrivenTill.HEM
    return True


def _unpaired_pim3(r: SIRData) -> bool:
    ep = r.vardtillfalle[0]
    if ep.pim3 is None:
        return False
    ep.pim3.fi_o2 = 50 if isinstance(ep.pim3.pa_o2, VardeOkant) else VardeOkant.VARDE_OKANT
    return True


@pytest.mark.parametrize(
    ("breaker", "check", "code"),
    [
        (_set_kon, check_identity, "R014"),
        (_late_arrival, check_timeline, "R020"),
        (_saps3_for_ima, check_applicability, "R03x"),
        (_dead_but_discharged, check_applicability, "R040"),
        (_repeat_diagnosis, check_duplicates, "R051"),
        (_unpaired_pim3, check_answers, "R086"),
    ],
)
def test_checkers_detect_broken_reports(
    breaker: Callable[[SIRData], bool], check: Check, code: str
) -> None:
    def breakable(report: SIRData) -> bool:
        return breaker(copy.deepcopy(report))

    report = find(reports(), breakable, settings=NO_SHRINK)
    assert check(report) == []
    assert breaker(report)
    assert any(code in problem for problem in check(report))


# The library's validator is a second, independent statement of the same rules.


@FEW
@given(reports())
def test_coherent_reports_pass_the_library_validator(report: SIRData) -> None:
    findings = validate(to_xml(report)).findings
    assert [f"{f.code} {f.episode}: {f.params}" for f in findings] == []


def test_the_library_validator_sees_defects_in_schema_only_reports() -> None:
    """Where the checkers find a rule broken, the validator reports one of the rules named."""
    seen: Counter[str] = Counter()

    @FEW
    @given(reports(coherent=False))
    def sees_the_defects(report: SIRData) -> None:
        seen["examples"] += 1
        problems = all_problems(report)
        if not problems:  # a schema-only report may be coherent by chance
            return
        seen["broken"] += 1
        found = {f.code.removeprefix("SIR-") for f in validate(report).findings}
        named = {code for problem in problems for code in re.findall(r"R[0-9]{3}", problem)}
        assert found & named if named else found, (problems, sorted(found))

    sees_the_defects()
    # Nearly every schema-only report breaks a rule: the assertion above must run, not be skipped.
    assert seen["broken"] >= 0.8 * seen["examples"] > 0, seen


def test_code_lists_agree_with_the_validators_reference_lists() -> None:
    for code in DIAGNOSIS_CODES:
        assert icd10se().is_known(code, date(2000, 1, 1)), code
    days = [date(2000, 1, 1), date(2016, 12, 31), date(2017, 1, 1), date(2020, 12, 31)]
    days += [date(2021, 1, 1), date(2021, 12, 31), date(2022, 1, 1), date(2025, 12, 31)]
    seen: set[str] = set()
    for day in days:
        for code in actions_on(day):
            assert kva.is_known(code, day) and kva.retired_on(code, day) is None, (code, day)
            seen.add(code)
    assert seen == set(ACTION_CODES)


# ---------------------------------------------------------------- arguments


@FEW
@given(st.data())
def test_vardtyp_and_ima_arguments_are_honoured(data: st.DataObject) -> None:
    vardtyp = data.draw(st.sampled_from(Vardtyp))
    report = data.draw(reports(vardtyp=vardtyp, max_episodes=2))
    assert {ep.grunddata.vardtyp for ep in report.vardtillfalle} == {vardtyp}
    ima = data.draw(st.booleans())
    other = data.draw(reports(ima=ima, coherent=data.draw(st.booleans())))
    assert all((ep.grunddata.vardtyp is Vardtyp.IMA) == ima for ep in other.vardtillfalle)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"vardtyp": Vardtyp.IMA, "ima": False},
        {"vardtyp": Vardtyp.IVA, "ima": True},
        {"min_episodes": 0},
        {"min_episodes": 3, "max_episodes": 2},
        {"max_episodes": 5001},
        {"vardtyp": "ICU"},  # not a token
        {"vardtyp": "IMA", "ima": False},  # contradicts ima, as the member does
        {"ima": True, "max_episodes": 4000},
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages vary by argument
        reports(**kwargs)


# ------------------------------------------------------------------ values()

ALL_FIELDS = [f for info in all_models() for f in info.fields]


def check_facets(field: FieldInfo, value: Any) -> None:
    """Assert that one value honours the field's facets (an independent restatement)."""
    facets = field.facets
    number = value
    if field.kind is Kind.NUMBER_OR_UNKNOWN and isinstance(value, enum.Enum):
        assert field.unknown is not None and isinstance(value, field.unknown)
        return
    if field.kind is Kind.COMPLEX:
        assert isinstance(value, field.python_type)
        return
    if field.kind is Kind.ENUM:
        assert isinstance(value, enum.Enum) and isinstance(value, field.python_type)
        assert value.value in facets.enumeration
        return
    if field.kind is Kind.DATETIME:
        assert type(value) is datetime and value.tzinfo is None and value.microsecond == 0
    elif field.kind is Kind.DATE:
        assert type(value) is date
    else:
        assert type(value) is field.python_type
    if facets.min_inclusive is not None:
        assert number >= facets.min_inclusive
    if facets.max_inclusive is not None:
        assert number <= facets.max_inclusive
    if facets.fraction_digits is not None:
        exponent = value.normalize().as_tuple().exponent
        assert isinstance(exponent, int) and -exponent <= facets.fraction_digits
    if isinstance(value, str):
        if facets.pattern is not None and not field.free_text:
            ascii_pattern = facets.pattern.replace(r"\d", "[0-9]")
            assert re.fullmatch(f"(?:{ascii_pattern})", value), (facets.pattern, value)
        if field.free_text:  # trimmed; inside, single or double spaces (D2), printable
            assert value.strip() == value and "   " not in value
            assert all(c.isprintable() for c in value)
        if facets.min_length is not None:
            assert len(value) >= facets.min_length
        if facets.max_length is not None:
            assert len(value) <= facets.max_length
    if isinstance(value, (date, datetime)) and facets.pattern is not None:
        assert re.fullmatch(facets.pattern.replace(r"\d", "[0-9]"), value.isoformat())


@settings(max_examples=examples(100), deadline=None)
@given(st.data())
def test_values_respect_the_facets_of_every_field(data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(ALL_FIELDS), label="field")
    value = data.draw(values(field), label="value")
    check_facets(field, value)


@pytest.mark.parametrize(
    "field",
    [f for f in ALL_FIELDS if f.kind is Kind.ENUM or f.unknown is not None],
    ids=lambda f: f.wire_name,
)
def test_values_reach_every_enumeration_member(field: FieldInfo) -> None:
    members: list[Any] = list(field.unknown or field.python_type)  # type: ignore[call-overload]
    assert_reaches(values(field), set(members))


@pytest.mark.parametrize(
    ("facets_of", "bad"),
    [
        ("Personnummer", "abc"),
        ("pHLägst", Decimal("6.499")),
        ("Avdelningsnamn", " leading"),
        ("Avdelningsnamn", "x" * 51),
    ],
)
def test_facet_check_rejects_bad_values(facets_of: str, bad: Any) -> None:
    field = next(f for f in ALL_FIELDS if f.wire_name == facets_of)
    with pytest.raises(AssertionError):
        check_facets(field, bad)


# ------------------------------------------------------------------ coverage

EPISODE = model_info(Vardtillfalle)


def classes_below(cls: type) -> set[type]:
    found = {cls}
    for f in model_info(cls).fields:
        if f.kind is Kind.COMPLEX:
            found |= classes_below(f.python_type)
    return found


def enums_below(cls: type) -> set[type[enum.Enum]]:
    found: set[type[enum.Enum]] = set()
    for f in model_info(cls).fields:
        if f.kind is Kind.ENUM:
            found.add(f.python_type)
        if f.unknown is not None:
            found.add(f.unknown)
        if f.kind is Kind.COMPLEX:
            found |= enums_below(f.python_type)
    return found


def where(cls: type) -> Vardtyp | None:
    """A vårdtyp whose episodes may hold ``cls`` (None: any)."""
    for wire_name in MODULES:
        f = EPISODE.by_wire[wire_name]
        if f.kind is Kind.COMPLEX and cls in classes_below(f.python_type):
            return Vardtyp(min(APPLICABILITY[wire_name].allowed_vardtyper))
    return None


@pytest.mark.parametrize("cls", [info.cls for info in all_models()], ids=lambda c: c.__name__)
def test_reports_reach_every_model_class(cls: type) -> None:
    def holds(report: SIRData) -> bool:
        return any(type(obj) is cls for obj in walk(report))

    find(reports(vardtyp=where(cls), max_episodes=1), holds, settings=NO_SHRINK)


@st.composite
def module_values(draw: st.DrawFn, wire_name: str) -> Any:
    """A coherent module built for a stay where it applies (exercises the builders directly)."""
    rule = APPLICABILITY[wire_name]
    vardtyp = Vardtyp(draw(st.sampled_from(sorted(rule.allowed_vardtyper))))
    start = datetime(2023, 6, 1, 8, 0) if rule.death_to else datetime(2024, 3, 4, 8, 0)
    end = start + timedelta(days=draw(st.integers(0, 3)), hours=draw(st.integers(2, 20)))
    if rule.min_age is not None:
        adult = True
    elif rule.max_age is not None:
        adult = False
    else:
        adult = draw(st.booleans())
    children = [date(2010, 1, 1), date(2020, 1, 1)]  # under and over 18 at death
    birth = date(1950, 6, 1) if adult else draw(st.sampled_from(children))
    operated = draw(st.booleans())
    stay = Stay(vardtyp, start, end, birth, died=rule.requires_death, operated=operated)
    assert applies(wire_name, stay)
    return build_module(Source(draw), wire_name, stay)


def assert_reaches(strategy: st.SearchStrategy[Any], wanted: set[Any]) -> None:
    seen: set[Any] = set()

    def covers(obj: Any) -> bool:
        seen.update(v for v in walk(obj) if isinstance(v, enum.Enum))
        return wanted <= seen

    try:
        find(strategy, covers, settings=settings(NO_SHRINK, max_examples=3000))
    except NoSuchExample:  # say what is missing, not just that something is
        missing = sorted(f"{type(m).__name__}.{m.name}" for m in wanted - seen)
        raise AssertionError(f"never drawn: {missing}") from None


@pytest.mark.parametrize("wire_name", list(MODULES))
def test_module_builders_reach_every_enumeration_member(wire_name: str) -> None:
    f = EPISODE.by_wire[wire_name]
    types = enums_below(f.python_type) if f.kind is Kind.COMPLEX else {f.unknown}
    assert_reaches(module_values(wire_name), {m for e in types if e for m in e})


@st.composite
def grunddata_values(draw: st.DrawFn) -> Grunddata:
    """Coherent ``Grunddata`` for one episode (exercises the builder directly)."""
    start = datetime(2025, 5, 5, 10, 0)
    src = Source(draw)
    kind = draw(st.sampled_from(["personnummer", "samordningsnummer", "reservnummer"]))
    person = _person(src, 0, start, kind)
    vardtyp = draw(st.sampled_from(Vardtyp))
    end = start + timedelta(hours=30)
    return _grunddata(src, _Plan(0, person, start, end, vardtyp, draw(st.booleans())))


def test_builders_reach_every_member_of_the_header_and_grunddata() -> None:
    types = enums_below(model_info(SIRData).by_wire["Huvud"].python_type)
    assert_reaches(reports(max_episodes=1), {m for e in types for m in e})
    types = enums_below(EPISODE.by_wire["Grunddata"].python_type)
    assert_reaches(grunddata_values(), {m for e in types for m in e})


def test_every_enumeration_is_covered_by_one_of_the_tests_above() -> None:
    covered: set[Any] = set()
    for wire_name in MODULES:
        f = EPISODE.by_wire[wire_name]
        covered |= enums_below(f.python_type) if f.kind is Kind.COMPLEX else {f.unknown}
    covered |= enums_below(model_info(SIRData).by_wire["Huvud"].python_type)
    covered |= enums_below(EPISODE.by_wire["Grunddata"].python_type)
    assert covered >= set(enum_types())


# ------------------------------------------------------------------ shrinking


@pytest.mark.slow
def test_shrunk_examples_stay_coherent(schema: ET.XMLSchema) -> None:
    # Shrinking replays smaller choices; every candidate it tries must still be coherent.
    tried: list[SIRData] = []

    def two_stays_of_one_person(report: SIRData) -> bool:
        tried.append(report)
        keys = {ep.grunddata.personnummer for ep in report.vardtillfalle}
        return len(keys) < len(report.vardtillfalle)

    shrunk = find(
        reports(ima=True, max_episodes=2),
        two_stays_of_one_person,
        settings=settings(database=None, max_examples=500),
    )
    assert len(shrunk.vardtillfalle) == 2
    assert_schema_valid(schema, shrunk)
    assert len(tried) > 1
    for report in [shrunk, *tried]:
        assert all_problems(report) == []


# ------------------------------------------------------------------ plugin


@FEW
@given(st.from_type(SIRData), st.from_type(SIRDataVer52), st.from_type(Vardtillfalle))
def test_type_strategies_are_registered(
    schema: ET.XMLSchema, report: SIRData, root: SIRDataVer52, episode: Vardtillfalle
) -> None:
    assert type(report) is SIRData and type(root) is SIRDataVer52
    assert all_problems(report) == [] and all_problems(root) == []
    assert type(episode) is Vardtillfalle
    assert_schema_valid(schema, root)


def test_importing_the_package_does_not_import_hypothesis() -> None:
    code = (
        "import sys, sir_format, sir_format.models, sir_format.metadata;"
        "assert 'hypothesis' not in sys.modules, 'hypothesis imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
