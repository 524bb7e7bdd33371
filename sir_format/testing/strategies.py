"""Hypothesis strategies for SIR reports, built from :mod:`sir_format.metadata`.

Every report is valid against the XSD by construction: patterns, enumerations, ranges, fraction
digits, lengths, occurrences and ``xs:choice`` groups all come from the metadata (Hypothesis's
``from_type`` ignores facets and is not used). Lists are kept short.

With ``coherent=True`` (the default) reports also follow the registry rules of the data
dictionary (§5-§6). Guaranteed by construction, without a unit declaration:

- header: SIR-R001 (HSA-id organisation number passes Luhn), R002, R003, R004 (``Skapad`` is a
  fixed moment in the past, not before any discharge);
- identity: R010-R016 (personnummer or samordningsnummer with a real birth date, day + 60 for
  samordningsnummer, Luhn check digit; ``Födelsedatum`` equal to it; ``Kön`` from the parity of
  digit 11; ``Idbegrepp`` exactly with a reservnummer, which always holds a letter);
- time order: R020-R027 (``Ankomsttid`` <= ``Inskrivningstid`` < ``Utskrivningstid`` <=
  ``Skapad``, every dated row inside the stay, stays of at most a week, pre-operative time only
  after surgery, ``KonverteradFrånIVATillTIVA`` only for TIVA);
- applicability: R030-R039 (the §5.2 matrix by vårdtyp, age and episode start; M-ICU rows of
  ``Grunddata`` present outside IMA; a sedation goal comes with a reported ``DG021``);
- outcome: R040, R042-R044 (discharge fields agree with the outcome; a death protocol only for
  a death in IVA/TIVA/BIVA, the one that matches the death date);
- duplicates and overlaps: R050, R051, R060-R062 (persons have distinct keys and their
  episodes follow each other; ``LokaltId`` from the episode's position; a death ends a person's
  episodes);
- modules: R070, R072-R077, R080-R087 (a SOFA registration at 09:00 for every SOFA time of the
  stay; a NEMS registration for every day; paired values), R090-R098, R105-R109;
- IMA: R120, R121 (a file is all IMA or all ICU; IMA episodes start on or after 2025-04-01).

Times are whole minutes and avoid the daylight-saving change hour (02:00-02:59 on the last
Sunday of March and October), which is either missing or ambiguous as a local time.

Not guaranteed:

- SIR-R041 and R200-R207: they depend on a unit declaration, which these strategies do not
  produce; modules are present or absent at random wherever they apply.
- SIR-R052 and R071 (known ICD-10-SE and KVÅ codes) hold only as far as the reference lists
  go: codes come from short lists of real codes (:mod:`sir_format.testing._codes`), which the
  tests check against the bundled lists of :mod:`sir_format.validation.reference`; other lists
  may disagree.

Reports hold at most a few episodes and short lists: large files are not Hypothesis's job.
Arguments are checked when the strategy is created (``ValueError``), not when it is drawn.

Shrinking keeps all of this: identifiers come from positions, times from ordered offsets, and
every fix-up is a function of the values drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st

from sir_format.domain import hsa_id, personnummer, samordningsnummer
from sir_format.domain.registry import ADULT_AGE, IMA_REPORTING_OPENED, M_ICU_FIELDS
from sir_format.domain.tokens import enum_member
from sir_format.metadata import model_info
from sir_format.models import (
    Ankomstvag,
    Diagnoser,
    Grunddata,
    Huvud,
    Kon,
    Opereradstatus,
    Personnummertyp,
    SIRData,
    UtskrivenTill,
    Utskrivningsorsak,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.testing._codes import DIAGNOSIS_CODES
from sir_format.testing._modules import MODULES, applies, build_module, link_actions
from sir_format.testing._timeline import LATEST_END, Stay, at_wall_clock
from sir_format.testing._values import LIST_CAP, model_values, values

__all__ = ["episodes", "reports", "values"]

_ICU_TYPES = tuple(v for v in Vardtyp if v is not Vardtyp.IMA)
_IMA_ERA = (datetime.combine(IMA_REPORTING_OPENED, time()), LATEST_END)  # SIR-R121
_ICU_ERAS = (
    # A file's episodes fall in one era, so that every era's modules are drawn often.
    (datetime(2000, 1, 8), datetime(2019, 12, 31)),  # a week after the schema's earliest time
    (datetime(2020, 1, 1), datetime(2023, 12, 31)),  # death protocol 2020; CFS, Omvårdnad
    (datetime(2024, 1, 1), LATEST_END),  # death protocol 2024; every module in use
)
_MIN_STAY = 120  # minutes; keeps start < end through the daylight-saving adjustment
_MAX_STAY = 7 * 24 * 60  # a week: daily SOFA and NEMS rows stay few
_MAX_ARRIVAL_BEFORE = 3 * 24 * 60  # hospital arrival before the episode (SIR-R026 allows a year)
_MAX_OPERATION_BEFORE = 2 * 24 * 60
_MAX_PERSONS = 100  # person keys are unique by position: two digits of the birth number
_DAY = 24 * 60
_ADULT_DAYS = (ADULT_AGE * 366, 100 * 365)
_CHILD_DAYS = (0, ADULT_AGE * 365)

_SET_BY_PLAN = frozenset(
    {
        "personnummertyp", "personnummer", "kon", "fodelsedatum", "idbegrepp", "vardtyp",
        "inskrivningstid", "ankomsttid", "pre_opererad_tidpunkt", "utskrivningstid",
        "vardresultat",
    }
)  # fmt: skip
_VARDTILLFALLE = model_info(SIRData).by_py["vardtillfalle"]
_G = model_info(Grunddata).by_py
_M_ICU_DRAWN = tuple(
    py_name
    for py_name in (model_info(Grunddata).by_wire[wire].py_name for wire in M_ICU_FIELDS)
    if py_name != "ankomsttid"
)
_V = model_info(Vardtillfalle)
_ATGARDER = _V.by_py["atgarder"].wire_name
_KOMPLIKATIONER = _V.by_py["komplikationer"].wire_name
_SEDERINGSMAL = _V.by_py["sederingsmal"].wire_name


# ------------------------------------------------------------------ public API


def reports(
    *,
    min_episodes: int = 1,
    max_episodes: int = 3,
    vardtyp: Vardtyp | str | None = None,
    ima: bool | None = None,
    coherent: bool = True,
) -> st.SearchStrategy[SIRData]:
    """Strategy for whole reports (``SIRData``) valid against the XSD.

    Args:
        min_episodes / max_episodes: number of ``Vårdtillfälle`` elements.
        vardtyp: give every episode this vårdtyp (a ``Vardtyp`` member or its token, ``"IVA"``).
        ima: ``True`` for an IMA file, ``False`` for an ICU file, ``None`` for either.
        coherent: also follow the registry rules listed in this module's docstring; with
            ``False`` only schema validity is guaranteed (and vårdtyper may mix).

    Raises:
        ValueError: for contradictory or out-of-range arguments.
    """
    kinds = _file_kinds(vardtyp, ima)
    if not 1 <= min_episodes <= max_episodes <= _VARDTILLFALLE.max_occurs:
        raise ValueError(f"need 1 <= min_episodes <= max_episodes <= {_VARDTILLFALLE.max_occurs}")
    if not coherent:
        allowed = tuple(dict.fromkeys(v for kind in kinds for v in kind))
        return _schema_report(min_episodes, max_episodes, allowed)
    for kind in kinds:
        if not _eras(kind, max_episodes):
            raise ValueError(f"max_episodes={max_episodes} does not fit the IMA period")
    return _coherent_report(min_episodes, max_episodes, kinds)


def episodes(
    *, vardtyp: Vardtyp | str | None = None, ima: bool | None = None, coherent: bool = True
) -> st.SearchStrategy[Vardtillfalle]:
    """Strategy for single episodes (``Vårdtillfälle``); arguments as for :func:`reports`."""
    return reports(vardtyp=vardtyp, ima=ima, coherent=coherent, max_episodes=1).map(
        lambda report: report.vardtillfalle[0]
    )


# ------------------------------------------------------------ schema only


def _file_kinds(given: Vardtyp | str | None, ima: bool | None) -> tuple[tuple[Vardtyp, ...], ...]:
    """The vårdtyper one file may hold, per kind of file (SIR-R120)."""
    if given is not None:
        vardtyp = enum_member(Vardtyp, given, name="vardtyp")
        if ima is not None and ima != (vardtyp is Vardtyp.IMA):
            raise ValueError(f"vardtyp={vardtyp.value} contradicts ima={ima}")
        return ((vardtyp,),)
    if ima is None:
        return (_ICU_TYPES, (Vardtyp.IMA,))
    return ((Vardtyp.IMA,),) if ima else (_ICU_TYPES,)


@st.composite
def _schema_report(
    draw: st.DrawFn, min_episodes: int, max_episodes: int, allowed: tuple[Vardtyp, ...]
) -> SIRData:
    huvud: Huvud = draw(model_values(Huvud))
    rows: list[Vardtillfalle] = draw(
        st.lists(model_values(Vardtillfalle), min_size=min_episodes, max_size=max_episodes)
    )
    for row in rows:
        row.grunddata.vardtyp = draw(st.sampled_from(allowed))
    return SIRData(huvud=huvud, vardtillfalle=rows)


# --------------------------------------------------------------- coherent


@dataclass(frozen=True)
class _Person:
    kind: Personnummertyp
    number: str
    kon: Kon
    birth: date


Era = tuple[datetime, datetime]


@dataclass(frozen=True)
class _Plan:
    """What the report level decides for one episode."""

    index: int
    person: _Person
    start: datetime
    end: datetime
    vardtyp: Vardtyp
    died: bool


def _eras(kind: tuple[Vardtyp, ...], max_episodes: int) -> list[Era]:
    """Time windows for a file in which every person's episodes fit."""
    eras = [_IMA_ERA] if kind == (Vardtyp.IMA,) else list(_ICU_ERAS)
    return [era for era in eras if _budget(era, max_episodes) >= 2 * _MIN_STAY]


def _minutes(era: Era) -> int:
    return int((era[1] - era[0]).total_seconds()) // 60


def _budget(era: Era, max_episodes: int) -> int:
    """Minutes of the era available to each episode (its stay plus the gap after it)."""
    return _minutes(era) // (max_episodes + 1)


def _owners(draw: st.DrawFn, n: int) -> list[int]:
    """Person index of each episode; a new person takes the next index."""
    owners: list[int] = []
    for _ in range(n):
        persons = max(owners, default=-1) + 1
        newest = min(persons, _MAX_PERSONS - 1)
        owners.append(draw(st.integers(0, newest)) if owners else 0)
    return owners


@st.composite
def _person(draw: st.DrawFn, index: int, first_start: datetime) -> _Person:
    kind = draw(st.sampled_from(Personnummertyp))
    age_days = draw(st.one_of(st.integers(*_ADULT_DAYS), st.integers(*_CHILD_DAYS)))
    birth = first_start.date() - timedelta(days=age_days)
    if kind is Personnummertyp.RESERVNUMMER:
        number = draw(values(_G["personnummer"]))
        number = number[:-2] + f"{index:02d}"  # unique by position
        if number.isdigit():  # never a valid personnummer look-alike (SIR-R016)
            number = "R" + number[1:]
        return _Person(kind, number, draw(st.sampled_from(Kon)), birth)
    kon = draw(st.sampled_from([Kon.MAN, Kon.KVINNA]))
    sex_digit = draw(st.sampled_from([1, 3, 5, 7, 9] if kon is Kon.MAN else [0, 2, 4, 6, 8]))
    module = samordningsnummer if kind is Personnummertyp.SAMORDNINGSNUMMER else personnummer
    number = module.build(birth, index * 10 + sex_digit)
    return _Person(kind, number, kon, birth)


@st.composite
def _coherent_report(
    draw: st.DrawFn,
    min_episodes: int,
    max_episodes: int,
    kinds: tuple[tuple[Vardtyp, ...], ...],
) -> SIRData:
    kind = draw(st.sampled_from(kinds))
    era = draw(st.sampled_from(_eras(kind, max_episodes)))
    window, budget = _minutes(era), _budget(era, max_episodes)
    longest = min(_MAX_STAY, budget // 2)

    n = draw(st.integers(min_episodes, max_episodes))
    owners = _owners(draw, n)
    # Each person's episodes follow each other: start, stay, gap, start, ... (SIR-R060, R061).
    times: dict[int, tuple[datetime, datetime]] = {}
    people: dict[int, _Person] = {}
    last_of: dict[int, int] = {}
    for person in dict.fromkeys(owners):
        chain = [i for i, owner in enumerate(owners) if owner == person]
        moment = era[0] + timedelta(minutes=draw(st.integers(0, window - len(chain) * budget)))
        people[person] = draw(_person(person, moment))
        for i in chain:
            end = moment + timedelta(minutes=draw(st.integers(_MIN_STAY, longest)))
            times[i] = (at_wall_clock(moment), at_wall_clock(end))
            moment = end + timedelta(minutes=draw(st.integers(0, budget - longest)))
        last_of[person] = chain[-1]

    rows = []
    for i, person in enumerate(owners):
        start, end = times[i]
        # Only a person's last episode may end in death.
        died = last_of[person] == i and draw(st.integers(0, 3)) == 3
        vardtyp = draw(st.sampled_from(kind))
        rows.append(draw(_episode(_Plan(i, people[person], start, end, vardtyp, died))))

    huvud: Huvud = draw(model_values(Huvud, frozenset({"skapad"})))
    organisation = draw(
        st.tuples(st.integers(1, 9), st.integers(0, 9), st.integers(2, 9), st.integers(0, 999999))
    )
    huvud.hsa_id = hsa_id.with_organisation_number(
        huvud.hsa_id, "{}{}{}{:06d}".format(*organisation)
    )
    last_end = max(end for _, end in times.values())
    huvud.skapad = at_wall_clock(last_end + timedelta(minutes=draw(st.integers(0, _DAY - 1))))
    return SIRData(huvud=huvud, vardtillfalle=rows)


def _other(draw: st.DrawFn, current: Any, avoid: Any) -> Any:
    """``current``, or another member of its enumeration when it is ``avoid``."""
    if current is not avoid:
        return current
    return draw(st.sampled_from([m for m in type(avoid) if m is not avoid]))


def _present(draw: st.DrawFn, current: Any, py_name: str) -> Any:
    return current if current is not None else draw(values(_G[py_name]))


def _before(draw: st.DrawFn, start: datetime, most: int) -> datetime:
    return at_wall_clock(start - timedelta(minutes=draw(st.integers(0, most))))


@st.composite
def _grunddata(draw: st.DrawFn, plan: _Plan) -> Grunddata:
    person, start, end, vardtyp = plan.person, plan.start, plan.end, plan.vardtyp
    g: Grunddata = draw(model_values(Grunddata, _SET_BY_PLAN))
    g.personnummertyp, g.personnummer = person.kind, person.number
    g.kon, g.fodelsedatum = person.kon, person.birth
    reserve = person.kind is Personnummertyp.RESERVNUMMER  # Idbegrepp iff (SIR-R012)
    g.idbegrepp = draw(values(_G["idbegrepp"])) if reserve else None
    g.vardtyp, g.inskrivningstid, g.utskrivningstid = vardtyp, start, end
    icu = vardtyp is not Vardtyp.IMA
    if icu:  # rows mandatory outside IMA (SIR-R036); Ankomsttid is set from the start below
        for py_name in _M_ICU_DRAWN:
            setattr(g, py_name, _present(draw, getattr(g, py_name), py_name))
    if icu or draw(st.booleans()):
        g.ankomsttid = _before(draw, start, _MAX_ARRIVAL_BEFORE)
    if vardtyp is not Vardtyp.TIVA:  # SIR-R027
        g.ankomstvag = _other(draw, g.ankomstvag, Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA)
    operated = g.opereradstatus not in (None, Opereradstatus.EJ_OPERERAD)
    if operated and draw(st.booleans()):  # SIR-R025
        g.pre_opererad_tidpunkt = _before(draw, start, _MAX_OPERATION_BEFORE)
    if plan.died:  # SIR-R040
        g.vardresultat = Vardresultat.AVLIDEN
        g.utskriven_till = UtskrivenTill.EJ_TILLAMPBART
        if g.utskrivningsorsak is not None:
            g.utskrivningsorsak = Utskrivningsorsak.AVLIDEN
    else:
        g.vardresultat = Vardresultat.LEVANDE
        g.utskriven_till = _other(draw, g.utskriven_till, UtskrivenTill.EJ_TILLAMPBART)
        g.utskrivningsorsak = _other(draw, g.utskrivningsorsak, Utskrivningsorsak.AVLIDEN)
    return g


@st.composite
def _episode(draw: st.DrawFn, plan: _Plan) -> Vardtillfalle:
    grunddata = draw(_grunddata(plan))
    operated = grunddata.opereradstatus not in (None, Opereradstatus.EJ_OPERERAD)
    stay = Stay(plan.vardtyp, plan.start, plan.end, plan.person.birth, plan.died, operated)
    modules: dict[str, Any] = {}
    for wire_name in MODULES:
        if applies(wire_name, stay) and draw(st.booleans()):
            value = build_module(draw, wire_name, stay)
            if value is not None:
                modules[wire_name] = value
    actions = link_actions(
        modules.get(_ATGARDER),
        modules.get(_KOMPLIKATIONER),
        sedation=_SEDERINGSMAL in modules,
        first_day=plan.start.date(),
    )
    if actions is not None:
        modules[_ATGARDER] = actions
    codes = draw(
        st.lists(st.sampled_from(DIAGNOSIS_CODES), min_size=1, max_size=1 + LIST_CAP, unique=True)
    )
    return Vardtillfalle(
        lokalt_id=f"VT-{plan.index + 1}" if draw(st.booleans()) else None,  # unique (SIR-R062)
        grunddata=grunddata,
        diagnoser=Diagnoser(huvudsaklig_ivadiagnos=codes[0], ovrig_diagnos=codes[1:]),
        **{_V.by_wire[name].py_name: value for name, value in modules.items()},
    )
