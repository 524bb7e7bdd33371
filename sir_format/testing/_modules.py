"""Coherent module builders and the applicability matrix of data dictionary §5.2.

Each builder draws a schema-valid object from the metadata and then settles the conditional
answers from the registry rules. The fixes are functions of what was drawn, so a shrunk example
is exactly as coherent as the original.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date
from typing import Any, TypeVar

from sir_format.domain.registry import (
    CHEST_DRAIN_COMPLICATIONS,
    CONSENT_AGE,
    DECLARABLE_MODULES,
    INVASIVE_VENTILATION,
    MATRIX,
    NO_COMPLICATION,
    THORACIC_DRAIN,
    TIVA_ONLY_COMPLICATIONS,
)
from sir_format.metadata import FieldInfo, model_info
from sir_format.models import (
    CAMICU,
    NEMS,
    PIM3,
    SAPS3,
    Atgard,
    Atgarder,
    Avliden2024,
    Avlidna2020,
    Begransning,
    Behandlingsstrategi,
    BehandlingsstrategiVal,
    DagligSOFA,
    DagligVikt,
    Donationsvilja,
    EjOrgandonationOrsak,
    Higgins,
    JaNej,
    JaNejEjTillampbart,
    Komplikation,
    Komplikationer,
    MojligDonator,
    NEMSRegistrering,
    Omvardnad,
    Omvardnadsbedomning,
    Organdonation,
    SAPS3Intagningsorsak,
    Sederingsmal,
    Sederingsregistrering,
    SKKod,
    SOFARegistrering,
    VardeOkant,
    Vardtillfalle,
    Vardtyp,
    ViktOchLangd,
    ViljaResultat,
)
from sir_format.testing._codes import actions_on
from sir_format.testing._source import Source
from sir_format.testing._timeline import Stay
from sir_format.testing._values import model_from, number_from, value_from

__all__ = ["MODULES", "applies", "build_module", "link_actions"]

T = TypeVar("T")

_RASS_NOT_ASSESSABLE = -4  # CAM-ICU EjBedömbar iff RASS <= -4 (SIR-R108)
_MAX_ROWS = 3


MODULES: tuple[str, ...] = DECLARABLE_MODULES
"""Optional modules of ``Vårdtillfälle`` by wire name, in the §5.2 matrix's order."""


def applies(wire_name: str, stay: Stay) -> bool:
    """True when the module may be reported for the stay (the validator's §5.2 matrix).

    The matrix's action condition (``Sederingsmål`` needs a ``DG021`` action to be *required*)
    is left out: it decides whether a module must be sent, not whether it may be;
    :func:`link_actions` adds the action that keeps SIR-R037 quiet.
    """
    row = MATRIX[wire_name]
    return (
        row.allows_vardtyp(stay.vardtyp.value)
        and row.allows_age(stay.age)
        and row.in_use_on(stay.start.date())
        and row.covers_death(stay.end.date() if stay.died else None)
    )


# ---------------------------------------------------------------- helpers


def _field(cls: type, py_name: str) -> FieldInfo:
    return model_info(cls).by_py[py_name]


def _unique(items: Iterable[T], key: Callable[[T], Hashable] = lambda x: x) -> list[T]:
    seen: set[Hashable] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _moment(src: Source, stay: Stay) -> Any:
    return stay.at(src.integer(0, stay.minutes))


def _moments(src: Source, stay: Stay) -> list[Any]:
    """One to a few distinct moments of the stay, in order."""
    offsets = {src.integer(0, stay.minutes) for _ in range(src.count(1, _MAX_ROWS))}
    return [stay.at(o) for o in sorted(offsets)]


def _omit(*py_names: str) -> frozenset[str]:
    return frozenset(py_names)


def _is_unknown(value: object) -> bool:
    return isinstance(value, VardeOkant)


# ---------------------------------------------------------------- builders


def _atgarder(src: Source, stay: Stay) -> Atgarder:
    rows = []
    for _ in range(src.count(0, _MAX_ROWS)):
        row = model_from(src, Atgard, _omit("kod", "datum"))
        row.datum = src.choice(stay.dates)
        codes = [c for c in actions_on(row.datum) if stay.allows_action(c)]
        if codes:  # a unit may declare no action in use on the day (SIR-R202)
            row.kod = src.choice(codes)
            rows.append(row)
    return Atgarder(atgard=_sorted_actions(rows))


def _sorted_actions(rows: list[Atgard]) -> list[Atgard]:
    """Unique (code, date, time) rows in date order (SIR-R077)."""
    rows = _unique(rows, key=lambda a: (a.kod, a.datum, a.klockslag))
    return sorted(rows, key=lambda a: (a.datum, a.klockslag or "", a.kod))


def _paired(src: Source, cls: type, first: Any, second_name: str) -> Any:
    """Second of a both-or-neither pair, given the first (SIR-R083, R084)."""
    return None if first is None else value_from(src, _field(cls, second_name))


def _same_kind(src: Source, cls: type, first: Any, second_name: str) -> Any:
    """Second of a number/unknown pair: a number iff the first is one (SIR-R086)."""
    if _is_unknown(first):
        return next(iter(VardeOkant))
    return number_from(src, _field(cls, second_name))


def _saps3(src: Source, stay: Stay) -> SAPS3:
    m: SAPS3 = model_from(src, SAPS3, _omit("operationstyp", "fi_o2"))
    m.samsjuklighet = _unique(m.samsjuklighet)
    reasons = _unique(m.intagningsorsak)
    if len(reasons) > 1:  # BasalObservation only on its own (SIR-R085)
        reasons = [r for r in reasons if r is not SAPS3Intagningsorsak.BASAL_OBSERVATION]
    m.intagningsorsak = reasons
    m.operationstyp = _iff(src, SAPS3, "operationstyp", None, stay.operated)
    m.fi_o2 = _paired(src, SAPS3, m.pa_o2, "fi_o2")
    return m


def _pim3(src: Source, stay: Stay) -> PIM3:
    m: PIM3 = model_from(src, PIM3, _omit("fi_o2"))
    m.fi_o2 = _same_kind(src, PIM3, m.pa_o2, "fi_o2")
    return m


def _higgins(src: Source, stay: Stay) -> Higgins:
    m: Higgins = model_from(src, Higgins, _omit("fi_o2_vid_ankomst"))
    m.fi_o2_vid_ankomst = _same_kind(src, Higgins, m.pa_o2_vid_ankomst, "fi_o2_vid_ankomst")
    return m


def _daglig_sofa(src: Source, stay: Stay) -> DagligSOFA:
    rows = []
    for moment in stay.sofa_times:  # one per date at the SOFA time, every day (R080, R082)
        row: SOFARegistrering = model_from(src, SOFARegistrering, _omit("tidpunkt", "fi_o2"))
        row.tidpunkt = moment
        row.fi_o2 = _paired(src, SOFARegistrering, row.pa_o2, "fi_o2")
        rows.append(row)
    return DagligSOFA(sofaregistrering=rows)


def _nems(src: Source, stay: Stay) -> NEMS:
    rows = []
    for day in stay.dates:  # one per calendar day of the stay (SIR-R081, R087)
        row: NEMSRegistrering = model_from(src, NEMSRegistrering, _omit("datum"))
        row.datum = day
        if row.mekanisk_ventilation is JaNej.JA:
            row.kompletterande_andningsstod = JaNej.NEJ
        if row.flera_vasoaktiva_lakemedel is JaNej.JA:
            row.ett_vasoaktivt_lakemedel = JaNej.NEJ
        rows.append(row)
    return NEMS(nemsregistrering=rows)


def _komplikationer(src: Source, stay: Stay) -> Komplikationer:
    allowed = [
        code
        for code in SKKod
        if code is not NO_COMPLICATION
        and (stay.vardtyp is Vardtyp.TIVA or code not in TIVA_ONLY_COMPLICATIONS)  # SIR-R073
    ]
    codes = src.sample(allowed, 0, _MAX_ROWS)
    if not codes:  # SK-000 alone, without date or drain (SIR-R074, R075)
        return Komplikationer(komplikation=[Komplikation(kod=NO_COMPLICATION)])
    rows = []
    for code in codes:
        row: Komplikation = model_from(
            src, Komplikation, _omit("kod", "datum", "thoraxdranage_inlagt")
        )
        row.kod = code
        row.datum = src.choice(list(stay.dates))
        drains = list(JaNej) if stay.allows_action(THORACIC_DRAIN) else [JaNej.NEJ]  # R070
        pneumothorax = code in CHEST_DRAIN_COMPLICATIONS
        row.thoraxdranage_inlagt = src.choice(drains) if pneumothorax else None
        rows.append(row)
    return Komplikationer(komplikation=rows)


def _behandlingsstrategi(src: Source, stay: Stay) -> Behandlingsstrategi:
    m = Behandlingsstrategi(dokumenterat_beslut=src.choice(list(JaNej)))
    if m.dokumenterat_beslut is JaNej.NEJ:  # nothing else (SIR-R105)
        return m
    before = src.choice(list(JaNej))
    m.beslut_taget_fore_iva = before
    m.forsta_beslutstidpunkt = _moment(src, stay) if before is JaNej.NEJ else None
    m.strategi = src.choice(list(BehandlingsstrategiVal))
    if m.strategi is BehandlingsstrategiVal.BEGRANSNING:
        rows: list[Begransning] = [
            model_from(src, Begransning, _omit("tidpunkt")) for _ in range(src.count(1, _MAX_ROWS))
        ]
        rows = _unique(rows, key=lambda b: b.behandling)
        for row in rows:  # time required unless decided before admission; inside the stay
            optional = before is JaNej.JA  # time required unless decided before admission
            row.tidpunkt = _moment(src, stay) if not optional or src.boolean() else None
        m.begransning = rows
    return m


def _sederingsmal(src: Source, stay: Stay) -> Sederingsmal:
    rows = []
    for moment in _moments(src, stay):
        row: Sederingsregistrering = model_from(
            src, Sederingsregistrering, _omit("tidpunkt", "motsvarar_sederingsmalet")
        )
        row.tidpunkt = moment
        row.motsvarar_sederingsmalet = _iff(  # SIR-R106
            src,
            Sederingsregistrering,
            "motsvarar_sederingsmalet",
            None,
            row.sederingsmal_ordinerat is JaNej.JA,
        )
        rows.append(row)
    return Sederingsmal(sederingsregistrering=rows)


def _omvardnad(src: Source, stay: Stay) -> Omvardnad:
    rows = []
    for moment in _moments(src, stay):
        row: Omvardnadsbedomning = model_from(
            src, Omvardnadsbedomning, _omit("tidpunkt", "camicu")
        )
        row.tidpunkt = moment
        options = list(CAMICU)
        if row.rass is not None:  # EjBedömbar iff RASS <= -4 (SIR-R108)
            not_assessable = row.rass <= _RASS_NOT_ASSESSABLE
            options = [c for c in CAMICU if (c is CAMICU.EJ_BEDOMBAR) == not_assessable]
        row.camicu = src.choice(options) if src.boolean() else None
        pain = (row.smarta_nrs, row.smarta_cpot, row.smarta_bps, row.smarta_flacc)
        if all(v is None for v in pain) and row.rass is None and row.camicu is None:
            row.rass = value_from(src, _field(Omvardnadsbedomning, "rass"))  # SIR-R107
        rows.append(row)
    return Omvardnad(omvardnadsbedomning=rows)


def _vikt_och_langd(src: Source, stay: Stay) -> ViktOchLangd:
    m: ViktOchLangd = model_from(src, ViktOchLangd, _omit("daglig_vikt"))
    days = src.sample(stay.dates, 0, _MAX_ROWS)
    weights = [value_from(src, _field(DagligVikt, "vikt")) for _ in days]
    m.daglig_vikt = [
        DagligVikt(datum=d, vikt=w) for d, w in zip(sorted(days), weights, strict=True)
    ]
    singles = (m.langd, m.vikt_fore_insjuknande, m.vikt_vid_ankomst, m.vikt_vid_utskrivning)
    if not m.daglig_vikt and all(v is None for v in singles):  # not empty (SIR-R109)
        m.langd = value_from(src, _field(ViktOchLangd, "langd"))
    return m


def _avlidna2020(src: Source, stay: Stay) -> Avlidna2020:
    m = Avlidna2020(
        dod_med_direkta_kriterier=src.choice(list(JaNej)),
        # A possible donor two times in three: the branch with most questions.
        mojlig_donator=JaNej.NEJ if src.chance(1 / 3) else JaNej.JA,
    )
    if m.mojlig_donator is JaNej.NEJ:  # Q3.1.1 only (SIR-R098)
        m.ej_mojlig_donator_orsak = value_from(src, _field(Avlidna2020, "ej_mojlig_donator_orsak"))
        return m
    m.donationsvilja = src.choice(list(Donationsvilja))
    m.negativ_vilja_grund = _iff(
        src,
        Avlidna2020,
        "negativ_vilja_grund",
        None,
        m.donationsvilja is Donationsvilja.KAND_NEGATIV,
    )
    m.okand_vilja_utfall = _iff(
        src, Avlidna2020, "okand_vilja_utfall", None, m.donationsvilja is Donationsvilja.OKAND
    )
    m.transplantationskoordinator_kontaktad = src.choice(list(JaNej))
    m.organdonation_genomford = src.choice(list(JaNej))
    m.ej_organdonation_orsak = _iff(
        src,
        Avlidna2020,
        "ej_organdonation_orsak",
        None,
        m.organdonation_genomford is JaNej.NEJ,
    )
    return m


def _iff(src: Source, cls: type, py_name: str, current: Any, wanted: bool) -> Any:
    """A conditional answer: present exactly when ``wanted``."""
    if not wanted:
        return None
    return current if current is not None else value_from(src, _field(cls, py_name))


def _avliden2024(src: Source, stay: Stay) -> Avliden2024:
    m = Avliden2024(
        dokumenterat_brytpunktsbeslut=src.choice(list(JaNej)),
        mojlig_donator=src.choice(list(MojligDonator)),
    )
    path = m.mojlig_donator
    if path is MojligDonator.EJ_MOJLIG_DONATOR:  # Q2.2 only (SIR-R090)
        m.ej_mojlig_donator_orsak = value_from(src, _field(Avliden2024, "ej_mojlig_donator_orsak"))
        return m
    m.donationskoordinator_kontaktad = src.choice(list(JaNej))  # SIR-R091
    m.varfor_kontaktades_inte_koordinator = _iff(
        src,
        Avliden2024,
        "varfor_kontaktades_inte_koordinator",
        None,
        m.donationskoordinator_kontaktad is JaNej.NEJ,
    )
    m.donationsviljan_utredd = src.choice(list(JaNej))  # SIR-R092, R093
    if m.donationsviljan_utredd is JaNej.JA:
        minor = stay.age_at_end < CONSENT_AGE
        guardian = {ViljaResultat.VARDNADSHAVARE_MEDGAV, ViljaResultat.VARDNADSHAVARE_MEDGAV_EJ}
        presumed = {ViljaResultat.FORMODAT_SAMTYCKE, ViljaResultat.EJ_FORMODAT_SAMTYCKE}
        excluded = presumed if minor else guardian
        allowed = [v for v in ViljaResultat if v not in excluded]
        # A minor's guardians' answer half of the time: minors' deaths are rare.
        m.utredning_resultat = src.choice(
            sorted(guardian, key=allowed.index) if minor and src.boolean() else allowed
        )
        m.donation_annat_medicinskt_andamal = value_from(
            src, _field(Avliden2024, "donation_annat_medicinskt_andamal")
        )
    else:
        m.varfor_utreddes_inte_viljan = value_from(
            src, _field(Avliden2024, "varfor_utreddes_inte_viljan")
        )
    m.polis_kontaktad = src.choice(list(JaNejEjTillampbart))  # SIR-R094
    m.polis_besked = _iff(
        src, Avliden2024, "polis_besked", None, m.polis_kontaktad is JaNejEjTillampbart.JA
    )
    dcd = path is MojligDonator.MOJLIG_DCD  # SIR-R095, R096, R097
    if dcd:
        m.behandling_avbruten_for_dcd = src.choice(list(JaNej))
        if m.behandling_avbruten_for_dcd is JaNej.JA:
            minutes = _field(Avliden2024, "faktisk_tid_till_cirkulationsstillestand")
            m.langst_accepterad_tid_till_cirkulationsstillestand = number_from(src, minutes)
            m.faktisk_tid_till_cirkulationsstillestand = number_from(src, minutes)
    outcomes = [Organdonation.NEJ]
    if path is MojligDonator.MOJLIG_DBD:
        outcomes.append(Organdonation.JA_DBD)
    if dcd and m.behandling_avbruten_for_dcd is JaNej.JA:
        outcomes.append(Organdonation.JA_DCD)
    m.organdonation_genomford = src.choice(list(outcomes))
    if m.organdonation_genomford is Organdonation.JA_DCD:
        longest = m.langst_accepterad_tid_till_cirkulationsstillestand
        actual = m.faktisk_tid_till_cirkulationsstillestand
        if longest is not None and actual is not None and actual > longest:
            m.faktisk_tid_till_cirkulationsstillestand = longest
    if m.organdonation_genomford is Organdonation.NEJ:
        reasons = [
            r
            for r in EjOrgandonationOrsak
            if dcd or r is not EjOrgandonationOrsak.DCDGENOMFORDES_INTE
        ]
        # On the DCD path, "DCD was not carried out" half of the time: its follow-up
        # question is otherwise rarely reached.
        dcd_not_done = dcd and src.boolean()
        m.ej_organdonation_orsak = (
            EjOrgandonationOrsak.DCDGENOMFORDES_INTE if dcd_not_done else src.choice(reasons)
        )
        m.varfor_genomfordes_inte_dcd = _iff(
            src,
            Avliden2024,
            "varfor_genomfordes_inte_dcd",
            None,
            m.ej_organdonation_orsak is EjOrgandonationOrsak.DCDGENOMFORDES_INTE,
        )
    return m


_EPISODE = model_info(Vardtillfalle).by_py
_CFS = _EPISODE["clinical_frailty_scale"]
_CFS = _EPISODE["clinical_frailty_scale"]
_BY_PY_NAME: dict[str, Callable[[Source, Stay], Any]] = {
    "atgarder": _atgarder,
    "saps3": _saps3,
    "pim3": _pim3,
    "higgins": _higgins,
    "daglig_sofa": _daglig_sofa,
    "nems": _nems,
    "komplikationer": _komplikationer,
    "behandlingsstrategi": _behandlingsstrategi,
    "sederingsmal": _sederingsmal,
    "clinical_frailty_scale": lambda src, stay: value_from(src, _CFS),
    "omvardnad": _omvardnad,
    "vikt_och_langd": _vikt_och_langd,
    "avlidna2020": _avlidna2020,
    "avliden2024": _avliden2024,
}
_BUILDERS = {_EPISODE[name].wire_name: build for name, build in _BY_PY_NAME.items()}
_DAGLIG_SOFA = _EPISODE["daglig_sofa"].wire_name


def build_module(src: Source, wire_name: str, stay: Stay) -> Any:
    """Draw a coherent value for the module, or ``None`` when it cannot be built for the stay
    (daily SOFA for a stay that contains no SOFA time)."""
    if wire_name == _DAGLIG_SOFA and not stay.sofa_times:
        return None
    return _BUILDERS[wire_name](src, stay)


def link_actions(
    atgarder: Atgarder | None,
    komplikationer: Komplikationer | None,
    *,
    sedation: bool,
    first_day: date,
) -> Atgarder | None:
    """Add the actions other modules imply.

    A pneumothorax drained at the unit needs a thoracic-drain action on its date (SIR-R070);
    a sedation goal expects invasive ventilation among the reported actions (SIR-R037).
    """
    drained = [
        k.datum
        for k in (komplikationer.komplikation if komplikationer else [])
        if k.thoraxdranage_inlagt is JaNej.JA and k.datum is not None
    ]
    if drained and atgarder is None:
        atgarder = Atgarder()
    if atgarder is None:
        return None
    rows = list(atgarder.atgard)
    rows += [Atgard(kod=THORACIC_DRAIN, datum=day) for day in drained]
    if sedation and all(a.kod != INVASIVE_VENTILATION for a in rows):
        rows.append(Atgard(kod=INVASIVE_VENTILATION, datum=first_day))
    atgarder.atgard = _sorted_actions(rows)
    return atgarder
