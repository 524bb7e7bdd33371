"""Short, typed constructors for every part of a report.

The generated model classes can always be used directly (every mandatory field is a required
keyword argument, so a type checker reports a missing one). These helpers build the same
objects and fill in what can be derived: the format version, the creation time, birth date and
sex from a personnummer or samordningsnummer, the dot of an ICD-10 code, and the time of day
of an action or complication. Every module of an episode has a builder named after the
episode's attribute (``saps3``, ``daglig_sofa``, ``nems`` …), and every builder takes the
module's fields under their attribute names; rows of a module are passed as positional
arguments (``nems(day_1, day_2)``). A test checks this against :mod:`sir_format.metadata`.

Code-list values are accepted as enum members (``Vardtyp.IVA``) or as their tokens
(``"IVA"``); an unknown token raises :class:`~sir_format.errors.SirFormatError` naming the
allowed ones.

>>> from datetime import datetime
>>> from sir_format import builders as b
>>> b.diagnoses("J44.1", "F05.8").ovrig_diagnos
['F058']
>>> b.nems_registrering(
...     datum=datetime(2024, 11, 3).date(), basmonitorering="Ja",
...     intravenos_lakemedelsbehandling="Ja", mekanisk_ventilation="Ja",
...     kompletterande_andningsstod="Nej", ett_vasoaktivt_lakemedel="Nej",
...     flera_vasoaktiva_lakemedel="Nej", dialys="Nej", specifika_atgarder_pa_enheten="Nej",
...     specifika_atgarder_utanfor_enheten="Nej",
... ).mekanisk_ventilation
<JaNej.JA: 'Ja'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import msgspec

from sir_format.domain import personnummer as _personnummer
from sir_format.domain import samordningsnummer as _samordningsnummer
from sir_format.domain.tokens import enum_member
from sir_format.errors import IdentifierError, InvalidDateError, SirFormatError
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import (
    CAMICU,
    NEMS,
    PIM3,
    SAPS3,
    Ankomstorsak,
    Ankomstvag,
    Atgard,
    Atgarder,
    Avliden2024,
    Avliden2024EjDonatorOrsak,
    Avlidna2020,
    Avlidna2020EjDonationOrsak,
    Avlidna2020EjDonatorOrsak,
    BegransadBehandling,
    Begransning,
    Begransningstyp,
    Behandlingsstrategi,
    BehandlingsstrategiVal,
    DagligSOFA,
    DagligVikt,
    Diagnoser,
    Donationsvilja,
    EjDCDOrsak,
    EjKontaktOrsak,
    EjOrgandonationOrsak,
    EjUtreddOrsak,
    Formatversion,
    Forsystem,
    Grunddata,
    Higgins,
    HigginsIntagningsorsak,
    Huvud,
    JaNej,
    JaNejEjTillampbart,
    JaNejOkant,
    Komplikation,
    Komplikationer,
    Kon,
    Moderklinik,
    MojligDonator,
    NegativViljaGrund,
    NEMSRegistrering,
    OkandViljaUtfall,
    Omvardnad,
    Omvardnadsbedomning,
    Opereradstatus,
    Organdonation,
    Personnummertyp,
    PIM3Hogrisk,
    PIM3Ingrepp,
    PIM3Lagrisk,
    PIM3MycketHogrisk,
    PolisBesked,
    SAPS3Intagningsorsak,
    SAPS3Operationstyp,
    SAPS3Samsjuklighet,
    Sederingsmal,
    Sederingsregistrering,
    SIRData,
    SKKod,
    SOFADopaminDos,
    SOFAKatekolaminDos,
    SOFARegistrering,
    UtskrivenTill,
    Utskrivningsorsak,
    VardeOkant,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
    ViktOchLangd,
    ViljaResultat,
)

__all__ = [
    "action",
    "actions",
    "avliden2024",
    "avlidna2020",
    "begransning",
    "behandlingsstrategi",
    "daglig_sofa",
    "daglig_vikt",
    "diagnoses",
    "episode",
    "grunddata",
    "header",
    "higgins",
    "komplikation",
    "komplikationer",
    "nems",
    "nems_registrering",
    "omvardnad",
    "omvardnadsbedomning",
    "pim3",
    "report",
    "saps3",
    "sederingsmal",
    "sederingsregistrering",
    "sofa_registrering",
    "vikt_och_langd",
]

S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E", bound=Enum)

Tokens = Iterable[E | str]  # a list of code-list values: members or tokens


def _convert(name: str, info: FieldInfo, value: Any) -> Any:
    """One value of a builder's argument: code-list tokens become enum members."""
    if info.kind is Kind.ENUM:
        return enum_member(info.python_type, value, name=name)
    if info.unknown is not None and isinstance(value, str | Enum):
        return enum_member(info.unknown, value, name=name)
    return value


def _argument(owner: type, name: str, info: FieldInfo, value: Any) -> Any:
    if not info.is_list:
        return _convert(name, info, value)
    items = [value] if isinstance(value, str | Enum) else list(value)
    if len(items) < info.min_occurs:
        raise SirFormatError(
            f"{owner.__name__} needs at least {info.min_occurs} {name}, got {len(items)}"
        )
    return [_convert(name, info, item) for item in items]


def _make(cls: type[S], values: Mapping[str, Any]) -> S:
    """``cls`` built from the arguments of a builder: code-list values become members.

    Which arguments are code lists (or number-or-unknown values) comes from the metadata; an
    absent (``None``) value is left to the model's default; a list that the schema requires to
    hold an item (``minOccurs`` ≥ 1) must not be empty.
    """
    fields = model_info(cls).by_py
    return cls(
        **{
            name: _argument(cls, name, fields[name], value)
            for name, value in values.items()
            if value is not None
        }
    )


# ------------------------------------------------------------------ file and episode


def header(
    *,
    hsa_id: str,
    avdelningsnamn: str,
    system: str,
    version: str,
    leverantor: str | None = None,
    skapad: datetime | None = None,
) -> Huvud:
    """The file header; ``skapad`` defaults to now (local time, whole minutes)."""
    created = skapad or datetime.now().replace(second=0, microsecond=0)
    return Huvud(
        formatversion=Formatversion.VALUE_5_2,
        hsa_id=hsa_id,
        avdelningsnamn=avdelningsnamn,
        skapad=created,
        forsystem=Forsystem(namn=system, version=version, leverantor=leverantor),
    )


def report(huvud: Huvud, *episodes: Vardtillfalle) -> SIRData:
    """A report of one unit: the header and at least one episode."""
    if not episodes:
        raise SirFormatError("a report needs at least one episode")
    return SIRData(huvud=huvud, vardtillfalle=list(episodes))


def episode(
    grunddata: Grunddata,
    diagnoser: Diagnoser,
    *,
    lokalt_id: str | None = None,
    atgarder: Atgarder | None = None,
    saps3: SAPS3 | None = None,
    pim3: PIM3 | None = None,
    higgins: Higgins | None = None,
    daglig_sofa: DagligSOFA | None = None,
    nems: NEMS | None = None,
    komplikationer: Komplikationer | None = None,
    behandlingsstrategi: Behandlingsstrategi | None = None,
    sederingsmal: Sederingsmal | None = None,
    clinical_frailty_scale: int | VardeOkant | str | None = None,
    omvardnad: Omvardnad | None = None,
    vikt_och_langd: ViktOchLangd | None = None,
    avlidna2020: Avlidna2020 | None = None,
    avliden2024: Avliden2024 | None = None,
) -> Vardtillfalle:
    """One episode (``Vårdtillfälle``): basic data, diagnoses and any modules."""
    return _make(Vardtillfalle, locals())


# ------------------------------------------------------------------ Grunddata

_ENCODING = {
    Personnummertyp.PERSONNUMMER: _personnummer,
    Personnummertyp.SAMORDNINGSNUMMER: _samordningsnummer,
}


def _identity_facts(number: str, kind: Personnummertyp) -> tuple[date, Kon]:
    module = _ENCODING.get(kind)
    if module is None:
        raise SirFormatError(
            "fodelsedatum and kon cannot be derived from this identity number: pass them"
        )
    try:
        return module.birth_date(number), module.sex(number)
    except InvalidDateError:
        raise SirFormatError("the identity number does not start with a real date") from None
    except IdentifierError:
        raise SirFormatError(
            "fodelsedatum and kon cannot be derived from this identity number: pass them"
        ) from None


def grunddata(
    *,
    personnummer: str,
    vardtyp: Vardtyp | str,
    inskrivningstid: datetime,
    utskrivningstid: datetime,
    ankomstvag: Ankomstvag | str,
    utskriven_till: UtskrivenTill | str,
    vardresultat: Vardresultat | str = Vardresultat.LEVANDE,
    personnummertyp: Personnummertyp | str = Personnummertyp.PERSONNUMMER,
    fodelsedatum: date | None = None,
    kon: Kon | str | None = None,
    postnummer: str | None = None,
    kommunkod: str | None = None,
    idbegrepp: str | None = None,
    ankomsttid: datetime | None = None,
    ankomstorsak: Ankomstorsak | str | None = None,
    akutinlaggning: JaNej | str | None = None,
    opereradstatus: Opereradstatus | str | None = None,
    pre_opererad_tidpunkt: datetime | None = None,
    moderklinik: Moderklinik | str | None = None,
    utskrivningsorsak: Utskrivningsorsak | str | None = None,
) -> Grunddata:
    """Basic data; birth date and sex are derived from a personnummer/samordningsnummer.

    The rows an ICU episode also needs (``ankomsttid``, ``ankomstorsak``, ``akutinlaggning``,
    ``opereradstatus`` …) are optional keywords: an IMA episode leaves them out.
    """
    values = dict(locals())
    kind = enum_member(Personnummertyp, personnummertyp, name="personnummertyp")
    if fodelsedatum is None or kon is None:
        born, sex = _identity_facts(personnummer, kind)
        values["fodelsedatum"] = fodelsedatum or born
        values["kon"] = kon or sex
    return _make(Grunddata, values)


# ------------------------------------------------------------------ Diagnoser, Åtgärder


def _icd(code: str) -> str:
    return code.replace(".", "").strip().upper()


def diagnoses(main: str, *others: str) -> Diagnoser:
    """Main diagnosis and other diagnoses; dotted ICD-10 codes (``J44.1``) are accepted."""
    return Diagnoser(huvudsaklig_ivadiagnos=_icd(main), ovrig_diagnos=[_icd(c) for c in others])


def _day_and_time(
    name: str, when: date | datetime | None, klockslag: str | None
) -> tuple[date | None, str | None]:
    if isinstance(when, datetime):
        if klockslag is not None:
            raise SirFormatError(
                f"{name}: give the time in the datetime or in klockslag, not both"
            )
        return when.date(), when.strftime("%H:%M")
    return when, klockslag


def action(code: str, when: date | datetime) -> Atgard:
    """One KVÅ action; a ``datetime`` also sets the time of day (``Klockslag``)."""
    if isinstance(when, datetime):
        return Atgard(kod=code, datum=when.date(), klockslag=when.strftime("%H:%M"))
    return Atgard(kod=code, datum=when)


def actions(*items: Atgard) -> Atgarder:
    """The actions module; with no items it states "assessed, none performed"."""
    return Atgarder(atgard=list(items))


# ------------------------------------------------------------------ scores


def saps3(
    *,
    vasoaktiva_droger: JaNej | str,
    intagningsorsak: SAPS3Intagningsorsak | str | Tokens[SAPS3Intagningsorsak],
    nosokomial_infektion: JaNej | str,
    respiratorisk_infektion: JaNej | str,
    ventilator: JaNej | str,
    samsjuklighet: Tokens[SAPS3Samsjuklighet] = (),
    operationstyp: SAPS3Operationstyp | str | None = None,
    gcs: int | None = None,
    rls85: int | None = None,
    bilirubin_hogst: int | None = None,
    kroppstemperatur_hogst: Decimal | None = None,
    kreatinin_hogst: int | None = None,
    hjartfrekvens_hogst: int | None = None,
    leukocyter_hogst: Decimal | None = None,
    p_hlagst: Decimal | None = None,
    trombocyter_lagst: int | None = None,
    systoliskt_blodtryck_lagst: int | None = None,
    pa_o2: Decimal | None = None,
    fi_o2: int | None = None,
) -> SAPS3:
    """SAPS 3 at admission; ``intagningsorsak`` is one reason or a list of up to five."""
    return _make(SAPS3, locals())


def pim3(
    *,
    aterhamtning_efter_ingrepp: PIM3Ingrepp | str,
    ljusstela_pupiller: JaNejOkant | str,
    mekanisk_ventilation: JaNej | str,
    systoliskt_blodtryck: int | VardeOkant | str,
    basoverskott: Decimal | VardeOkant | str,
    pa_o2: Decimal | VardeOkant | str,
    fi_o2: int | VardeOkant | str,
    mycket_hogriskdiagnos: PIM3MycketHogrisk | str | None = None,
    hogriskdiagnos: PIM3Hogrisk | str | None = None,
    lagriskdiagnos: PIM3Lagrisk | str | None = None,
) -> PIM3:
    """PIM 3 (children); a number may be unknown (``VärdeOkänt``)."""
    return _make(PIM3, locals())


def higgins(
    *,
    intagningsorsak: HigginsIntagningsorsak | str,
    akut_operation: JaNej | str,
    reoperation: JaNej | str,
    kreatinin_preoperativt: int | VardeOkant | str,
    nedsatt_vansterkammarfunktion: JaNejOkant | str,
    tidigare_karlkirurgi: JaNej | str,
    kol: JaNej | str,
    anemi: JaNejOkant | str,
    perfusionstid: int | VardeOkant | str,
    hjartfrekvens_vid_ankomst: int | VardeOkant | str,
    cvpvid_ankomst: int | VardeOkant | str,
    hjartindex_vid_ankomst: Decimal | VardeOkant | str,
    pa_o2_vid_ankomst: Decimal | VardeOkant | str,
    fi_o2_vid_ankomst: int | VardeOkant | str,
    bikarbonat_vid_ankomst: Decimal | VardeOkant | str,
    iabpvid_ankomst: JaNej | str,
    diabetes: JaNejOkant | str | None = None,
    cerebrovaskular_sjukdom: JaNejOkant | str | None = None,
) -> Higgins:
    """The Higgins score (TIVA); a number may be unknown (``VärdeOkänt``)."""
    return _make(Higgins, locals())


# ------------------------------------------------------------------ daily registrations


def sofa_registrering(
    *,
    tidpunkt: datetime,
    andningsstod: JaNej | str,
    noradrenalin: SOFAKatekolaminDos | str,
    adrenalin: SOFAKatekolaminDos | str,
    dopamin: SOFADopaminDos | str,
    dobutamin: JaNej | str,
    pa_o2: Decimal | None = None,
    fi_o2: int | None = None,
    trombocyter_lagst: int | None = None,
    bilirubin_hogst: int | None = None,
    medelartartryck_lagst: int | None = None,
    gcsogon: int | None = None,
    gcsverbal: int | None = None,
    gcsmotorik: int | None = None,
    rls85: int | None = None,
    kreatinin_hogst: int | None = None,
    diures: int | None = None,
) -> SOFARegistrering:
    """One morning SOFA registration (at the unit's SOFA time)."""
    return _make(SOFARegistrering, locals())


def daglig_sofa(*registrations: SOFARegistrering) -> DagligSOFA:
    """The daily SOFA module: one registration or more."""
    return _make(DagligSOFA, {"sofaregistrering": registrations})


def nems_registrering(
    *,
    datum: date,
    basmonitorering: JaNej | str,
    intravenos_lakemedelsbehandling: JaNej | str,
    mekanisk_ventilation: JaNej | str,
    kompletterande_andningsstod: JaNej | str,
    ett_vasoaktivt_lakemedel: JaNej | str,
    flera_vasoaktiva_lakemedel: JaNej | str,
    dialys: JaNej | str,
    specifika_atgarder_pa_enheten: JaNej | str,
    specifika_atgarder_utanfor_enheten: JaNej | str,
) -> NEMSRegistrering:
    """The NEMS items of one care day."""
    return _make(NEMSRegistrering, locals())


def nems(*days: NEMSRegistrering) -> NEMS:
    """The NEMS module: one registration per care day."""
    return _make(NEMS, {"nemsregistrering": days})


def sederingsregistrering(
    *,
    tidpunkt: datetime,
    sederingsskala_anvand: JaNej | str,
    sederingsmal_ordinerat: JaNej | str,
    motsvarar_sederingsmalet: JaNejEjTillampbart | str | None = None,
    rassmal: int | None = None,
    rassaktuellt: int | None = None,
) -> Sederingsregistrering:
    """One sedation registration."""
    return _make(Sederingsregistrering, locals())


def sederingsmal(*registrations: Sederingsregistrering) -> Sederingsmal:
    """The sedation goal module: one registration or more."""
    return _make(Sederingsmal, {"sederingsregistrering": registrations})


def omvardnadsbedomning(
    *,
    tidpunkt: datetime,
    smarta_nrs: int | None = None,
    smarta_cpot: int | None = None,
    smarta_bps: int | None = None,
    smarta_flacc: int | None = None,
    rass: int | None = None,
    camicu: CAMICU | str | None = None,
) -> Omvardnadsbedomning:
    """One nursing assessment: at most one pain scale, RASS and CAM-ICU."""
    return _make(Omvardnadsbedomning, locals())


def omvardnad(*assessments: Omvardnadsbedomning) -> Omvardnad:
    """The nursing module: one assessment or more."""
    return _make(Omvardnad, {"omvardnadsbedomning": assessments})


def daglig_vikt(*, datum: date, vikt: Decimal) -> DagligVikt:
    """The weight of one day, in kg."""
    return _make(DagligVikt, locals())


def vikt_och_langd(
    *daily: DagligVikt,
    langd: int | None = None,
    vikt_fore_insjuknande: Decimal | None = None,
    vikt_vid_ankomst: Decimal | None = None,
    vikt_vid_utskrivning: Decimal | None = None,
) -> ViktOchLangd:
    """Height (cm) and weights (kg); daily weights are the positional arguments."""
    values = dict(locals())
    values["daglig_vikt"] = values.pop("daily")
    return _make(ViktOchLangd, values)


# ------------------------------------------------------------------ events and decisions


def komplikation(
    kod: SKKod | str,
    datum: date | datetime | None = None,
    *,
    klockslag: str | None = None,
    thoraxdranage_inlagt: JaNej | str | None = None,
) -> Komplikation:
    """One complication (``SK-000``: none); a ``datetime`` also sets ``Klockslag``."""
    day, time_of_day = _day_and_time("komplikation", datum, klockslag)
    values = dict(locals())
    values.update(datum=day, klockslag=time_of_day)
    del values["day"], values["time_of_day"]
    return _make(Komplikation, values)


def komplikationer(*items: Komplikation) -> Komplikationer:
    """The complications module: one row or more."""
    return _make(Komplikationer, {"komplikation": items})


def begransning(
    *,
    typ: Begransningstyp | str,
    behandling: BegransadBehandling | str,
    tidpunkt: datetime | None = None,
) -> Begransning:
    """One limitation of a treatment (withhold or withdraw)."""
    return _make(Begransning, locals())


def behandlingsstrategi(
    *begransningar: Begransning,
    dokumenterat_beslut: JaNej | str,
    beslut_taget_fore_iva: JaNej | str | None = None,
    forsta_beslutstidpunkt: datetime | None = None,
    strategi: BehandlingsstrategiVal | str | None = None,
) -> Behandlingsstrategi:
    """The treatment strategy; its limitations are the positional arguments."""
    values = dict(locals())
    values["begransning"] = values.pop("begransningar")
    return _make(Behandlingsstrategi, values)


def avlidna2020(
    *,
    dod_med_direkta_kriterier: JaNej | str,
    mojlig_donator: JaNej | str,
    ej_mojlig_donator_orsak: Avlidna2020EjDonatorOrsak | str | None = None,
    donationsvilja: Donationsvilja | str | None = None,
    negativ_vilja_grund: NegativViljaGrund | str | None = None,
    okand_vilja_utfall: OkandViljaUtfall | str | None = None,
    transplantationskoordinator_kontaktad: JaNej | str | None = None,
    organdonation_genomford: JaNej | str | None = None,
    ej_organdonation_orsak: Avlidna2020EjDonationOrsak | str | None = None,
) -> Avlidna2020:
    """The death follow-up of the 2020 protocol."""
    return _make(Avlidna2020, locals())


def avliden2024(
    *,
    dokumenterat_brytpunktsbeslut: JaNej | str,
    mojlig_donator: MojligDonator | str,
    ej_mojlig_donator_orsak: Avliden2024EjDonatorOrsak | str | None = None,
    donationskoordinator_kontaktad: JaNej | str | None = None,
    varfor_kontaktades_inte_koordinator: EjKontaktOrsak | str | None = None,
    donationsviljan_utredd: JaNej | str | None = None,
    utredning_resultat: ViljaResultat | str | None = None,
    donation_annat_medicinskt_andamal: JaNejOkant | str | None = None,
    varfor_utreddes_inte_viljan: EjUtreddOrsak | str | None = None,
    polis_kontaktad: JaNejEjTillampbart | str | None = None,
    polis_besked: PolisBesked | str | None = None,
    organdonation_genomford: Organdonation | str | None = None,
    ej_organdonation_orsak: EjOrgandonationOrsak | str | None = None,
    varfor_genomfordes_inte_dcd: EjDCDOrsak | str | None = None,
    behandling_avbruten_for_dcd: JaNej | str | None = None,
    langst_accepterad_tid_till_cirkulationsstillestand: int | None = None,
    faktisk_tid_till_cirkulationsstillestand: int | None = None,
) -> Avliden2024:
    """The death follow-up of the 2024 protocol."""
    return _make(Avliden2024, locals())
