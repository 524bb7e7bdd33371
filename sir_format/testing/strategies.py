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

With ``unit=`` (a :class:`~sir_format.UnitDeclaration`) reports also pass the unit rules
SIR-R041 and R200-R207: the header carries the unit's HSA-id and department name, episodes
have the declared vårdtyper and start on or after ``giltig_fran``, every declared module is
present wherever the §5.2 matrix applies it (stays then last at least a day, so that daily SOFA
has its registration at the unit's ``sofa_tid``), undeclared modules are absent and actions
come from the declared codes only.

Not guaranteed:

- without a unit, which modules appear is drawn (swarm style: per report a set of modules
  is switched on, then each appears in about three quarters of the episodes where it applies),
  so SIR-R041 and R200-R207 have nothing to check;
- SIR-R052 and R071 (known ICD-10-SE and KVÅ codes) hold only as far as the reference lists
  go: codes come from short lists of real codes (:mod:`sir_format.testing._codes`), which the
  tests check against the bundled lists of :mod:`sir_format.validation.reference`; other lists
  may disagree.

Reports hold at most a few episodes and short lists: large files are not Hypothesis's job.
Arguments are checked when the strategy is created (``ValueError``), not when it is drawn.

Shrinking keeps all of this: choices are read from blocks of drawn bytes
(:mod:`sir_format.testing._source`) and every byte string decodes to a valid report;
identifiers come from positions, times from ordered offsets, and every fix-up is a function of
the values drawn. All-zero bytes, where Hypothesis shrinks to, give the smallest report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal

from hypothesis import strategies as st

from sir_format.codec import to_json, to_xml
from sir_format.domain import hsa_id
from sir_format.domain import personnummer as pnr
from sir_format.domain import samordningsnummer as snr
from sir_format.domain.registry import (
    ADULT_AGE,
    IMA_REPORTING_OPENED,
    INVASIVE_VENTILATION,
    M_ICU_FIELDS,
    MATRIX,
    MAX_AGE,
)
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
from sir_format.testing._codes import ACTION_CODES, DIAGNOSIS_CODES, actions_on
from sir_format.testing._identity import IdentitySource, identity_source
from sir_format.testing._modules import MODULES, applies, build_module, link_actions
from sir_format.testing._source import Source
from sir_format.testing._timeline import LATEST_END, SOFA_TIME, Stay, age, at_wall_clock
from sir_format.testing._values import LIST_CAP, model_from, value_from, values
from sir_format.validation.unit import UnitDeclaration

__all__ = [
    "MODULE_NAMES",
    "codes",
    "episodes",
    "hsa_ids",
    "module",
    "personnummer",
    "reports",
    "reservnummer",
    "samordningsnummer",
    "values",
]

Format = Literal["xml", "json"]

_ICU_TYPES = tuple(v for v in Vardtyp if v is not Vardtyp.IMA)
_IMA_ERA = (datetime.combine(IMA_REPORTING_OPENED, time()), LATEST_END)  # SIR-R121
_ICU_ERAS = (
    # A file's episodes fall in one era, so that every era's modules are drawn often.
    (datetime(2000, 1, 8), datetime(2019, 12, 31)),  # a week after the schema's earliest time
    (datetime(2020, 1, 1), datetime(2023, 12, 31)),  # death protocol 2020; CFS, Omvårdnad
    (datetime(2024, 1, 1), LATEST_END),  # death protocol 2024; every module in use
)
_EARLIEST_START = _ICU_ERAS[0][0]
_ERA_WEIGHTS: dict[Any, int] = {_ICU_ERAS[1]: 2, _ICU_ERAS[2]: 3}
_VARDTYP_WEIGHTS: dict[Any, int] = {Vardtyp.IVA: 3, Vardtyp.TIVA: 2, Vardtyp.BIVA: 2}
_MIN_STAY = 120  # minutes; keeps start < end through the daylight-saving adjustment
_DAY = 24 * 60
_DAY_STAY = _DAY + 1  # any longer stay holds every clock time of a day (a unit's SOFA time)
_MAX_STAY = 7 * 24 * 60  # a week: daily SOFA and NEMS rows stay few
_MAX_ARRIVAL_BEFORE = 3 * 24 * 60  # hospital arrival before the episode (SIR-R026 allows a year)
_MAX_OPERATION_BEFORE = 2 * 24 * 60
_MAX_PERSONS = 100  # person keys are unique by position: two digits of the birth number
_ADULT_DAYS = (ADULT_AGE * 366, 100 * 365)
_CHILD_DAYS = (0, ADULT_AGE * 365)
_BIRTHS = (date(1900, 1, 1), LATEST_END.date())  # birth dates of the identity strategies
_SWARM_ON = 0.8  # chance that a report switches a module on (swarm testing)
_MODULE_SHARE = 0.75  # chance that a switched-on module appears where it applies
_DEATH_SHARE = 0.5  # of the persons' last episodes

_SET_BY_PLAN = frozenset(
    {
        "personnummertyp", "personnummer", "kon", "fodelsedatum", "idbegrepp", "vardtyp",
        "inskrivningstid", "ankomsttid", "pre_opererad_tidpunkt", "utskrivningstid",
        "vardresultat",
    }
)  # fmt: skip
_VARDTILLFALLE = model_info(SIRData).by_py["vardtillfalle"]
_G = model_info(Grunddata).by_py
_H = model_info(Huvud).by_py
_M_ICU_DRAWN = tuple(
    py_name
    for py_name in (model_info(Grunddata).by_wire[wire].py_name for wire in M_ICU_FIELDS)
    if py_name != "ankomsttid"
)
_V = model_info(Vardtillfalle)
_ATGARDER = _V.by_py["atgarder"].wire_name
_KOMPLIKATIONER = _V.by_py["komplikationer"].wire_name
_SEDERINGSMAL = _V.by_py["sederingsmal"].wire_name
_DAGLIG_SOFA = _V.by_py["daglig_sofa"].wire_name
_GRUNDDATA = _V.by_py["grunddata"].wire_name
_DIAGNOSER = _V.by_py["diagnoser"].wire_name

MODULE_NAMES: tuple[str, ...] = tuple(f.wire_name for f in _V.fields if f.wire_name in MATRIX)
"""Wire names of every module of ``Vårdtillfälle`` (the rows of the §5.2 matrix, in schema
order): the names :func:`module` takes."""

_CODE_KINDS = ("icd10", "kva")


# ------------------------------------------------------------------ options


Era = tuple[datetime, datetime]


@dataclass(frozen=True)
class _Options:
    """The checked arguments of :func:`reports`."""

    min_episodes: int
    max_episodes: int
    kinds: tuple[tuple[Vardtyp, ...], ...]
    eras: dict[tuple[Vardtyp, ...], tuple[Era, ...]]
    unit: UnitDeclaration | None
    modules: frozenset[str] | None  # None: drawn per report
    identity: str | tuple[str, ...]
    min_stay: int


def _file_kinds(
    given: Vardtyp | str | None, ima: bool | None, unit: UnitDeclaration | None
) -> tuple[tuple[Vardtyp, ...], ...]:
    """The vårdtyper one file may hold, per kind of file (SIR-R120, R205)."""
    if given is not None:
        vardtyp = enum_member(Vardtyp, given, name="vardtyp")
        if ima is not None and ima != (vardtyp is Vardtyp.IMA):
            raise ValueError(f"vardtyp={vardtyp.value} contradicts ima={ima}")
        if unit is not None and vardtyp.value not in unit.vardtyper:
            raise ValueError(f"vardtyp={vardtyp.value} is not declared by the unit")
        return ((vardtyp,),)
    kinds: tuple[tuple[Vardtyp, ...], ...] = (_ICU_TYPES, (Vardtyp.IMA,))
    if ima is not None:
        kinds = ((Vardtyp.IMA,),) if ima else (_ICU_TYPES,)
    if unit is not None:
        kinds = tuple(
            declared
            for kind in kinds
            if (declared := tuple(v for v in kind if v.value in unit.vardtyper))
        )
        if not kinds:
            raise ValueError(f"ima={ima} contradicts the unit's vårdtyper")
    return kinds


def _window(
    start: date | None, end: date | None, unit: UnitDeclaration | None
) -> tuple[datetime, datetime]:
    """The moments that episodes may occupy: from ``start`` to the end of ``end``."""
    low, high = _EARLIEST_START, LATEST_END
    firsts = [d for d in (start, unit.giltig_fran if unit else None) if d is not None]
    if firsts:
        low = max(low, datetime.combine(max(firsts), time()))
    if end is not None:
        high = min(high, datetime.combine(end, time(23, 59)))
    return low, high


def _eras(
    kind: tuple[Vardtyp, ...], options_window: Era, max_episodes: int, min_stay: int
) -> tuple[Era, ...]:
    """Time windows for a file in which every person's episodes fit."""
    low, high = options_window
    eras = [_IMA_ERA] if kind == (Vardtyp.IMA,) else list(_ICU_ERAS)
    clipped = [(max(a, low), min(b, high)) for a, b in eras]
    return tuple(era for era in clipped if _budget(era, max_episodes) >= 2 * min_stay)


def _minutes(era: Era) -> int:
    return max(0, int((era[1] - era[0]).total_seconds()) // 60)


def _budget(era: Era, max_episodes: int) -> int:
    """Minutes of the era available to each episode (its stay plus the gap after it)."""
    return _minutes(era) // (max_episodes + 1)


def _candidates(numbers: tuple[str, ...], era: Era) -> tuple[str, ...]:
    """The caller's numbers whose holders are born before the era and not too old in it."""
    return tuple(
        number
        for number in numbers
        if _birth_and_sex(number)[0] < era[0].date()
        and age(_birth_and_sex(number)[0], era[1].date()) < MAX_AGE
    )


def _birth_and_sex(number: str) -> tuple[date, Kon]:
    module = pnr if pnr.is_valid(number) else snr
    return module.birth_date(number), module.sex(number)


def _options(
    *,
    min_episodes: int,
    max_episodes: int,
    vardtyp: Vardtyp | str | None,
    ima: bool | None,
    unit: UnitDeclaration | None,
    modules: Iterable[str] | None,
    start: date | None,
    end: date | None,
    identity: IdentitySource,
) -> _Options:
    if not 1 <= min_episodes <= max_episodes <= _VARDTILLFALLE.max_occurs:
        raise ValueError(f"need 1 <= min_episodes <= max_episodes <= {_VARDTILLFALLE.max_occurs}")
    if unit is not None and not isinstance(unit, UnitDeclaration):
        raise ValueError("unit must be a UnitDeclaration")
    if isinstance(modules, str):
        raise ValueError("modules must be a collection of wire names, not one string")
    chosen = None if modules is None else frozenset(modules)
    if chosen is not None and chosen - set(MODULES):
        unknown = ", ".join(sorted(chosen - set(MODULES)))
        raise ValueError(f"modules: not an optional module of Vårdtillfälle: {unknown}")
    if unit is not None:
        if chosen is not None and chosen != unit.modules:
            raise ValueError("modules: a unit's reports hold exactly the modules it declares")
        chosen = unit.modules
    if start is not None and end is not None and end < start:
        raise ValueError("end is before start")
    source = identity_source(identity)
    min_stay = _DAY_STAY if chosen is not None and _DAGLIG_SOFA in chosen else _MIN_STAY
    window = _window(start, end, unit)
    eras = {}
    for kind in _file_kinds(vardtyp, ima, unit):
        fitting = _eras(kind, window, max_episodes, min_stay)
        if isinstance(source, tuple):
            fitting = tuple(era for era in fitting if _candidates(source, era))
        if fitting:
            eras[kind] = fitting
    if not eras:
        raise ValueError(
            f"no room for {max_episodes} episodes between the dates allowed "
            "(start, end, the unit's giltig_fran, IMA from 2025-04-01, birth dates of the "
            "identity numbers given)"
        )
    return _Options(
        min_episodes,
        max_episodes,
        _weighted(tuple(eras)),
        {kind: _weighted(kind_eras) for kind, kind_eras in eras.items()},
        unit,
        chosen,
        source,
        min_stay,
    )


@cache
def _weighted(options: tuple[Any, ...]) -> tuple[Any, ...]:
    """Options repeated by their weight, so that a uniform choice favours the richer ones:
    ICU files over IMA files (more modules), later eras over earlier ones (modules
    introduced since), and IVA, TIVA and BIVA among the ICU vårdtyper (the only ones with
    SAPS3, Higgins, daily SOFA or a death protocol)."""
    weights = {_ICU_TYPES: 3, (Vardtyp.IMA,): 1, **_ERA_WEIGHTS, **_VARDTYP_WEIGHTS}
    return tuple(option for option in options for _ in range(weights.get(option, 1)))


# ------------------------------------------------------------------ public API


def reports(
    *,
    min_episodes: int = 1,
    max_episodes: int = 3,
    vardtyp: Vardtyp | str | None = None,
    ima: bool | None = None,
    coherent: bool = True,
    unit: UnitDeclaration | None = None,
    modules: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    identity: IdentitySource = "personnummer",
    format: Format | None = None,
) -> st.SearchStrategy[Any]:
    """Strategy for whole reports (``SIRData``), or their bytes with ``format=``.

    Args:
        min_episodes / max_episodes: number of ``Vårdtillfälle`` elements.
        vardtyp: give every episode this vårdtyp (a ``Vardtyp`` member or its token, ``"IVA"``).
        ima: ``True`` for an IMA file, ``False`` for an ICU file, ``None`` for either.
        coherent: also follow the registry rules listed in this module's docstring; with
            ``False`` only schema validity is guaranteed (and vårdtyper may mix).
        unit: a unit declaration whose rules (SIR-R041, R200-R207) the reports pass.
        modules: wire names of the optional modules to report wherever they apply (and no
            others); ``None`` draws them. With ``unit``, the declared modules.
        start / end: the first and last day an episode may start (and, here, end).
        identity: where identity numbers come from: ``"personnummer"``,
            ``"samordningsnummer"``, ``"reservnummer"`` or a list of numbers (see
            :mod:`sir_format.testing._identity`).
        format: ``"xml"`` or ``"json"`` for the encoded bytes instead of the model.

    Raises:
        ValueError: for contradictory or out-of-range arguments.
    """
    if format not in (None, "xml", "json"):
        raise ValueError(f"format must be xml, json or None, not {format!r}")
    if not coherent:
        given = (unit, modules, start, end)
        if any(v is not None for v in given) or identity != "personnummer":
            raise ValueError("unit, modules, start, end and identity need coherent=True")
        if not 1 <= min_episodes <= max_episodes <= _VARDTILLFALLE.max_occurs:
            raise ValueError(
                f"need 1 <= min_episodes <= max_episodes <= {_VARDTILLFALLE.max_occurs}"
            )
        kinds = _file_kinds(vardtyp, ima, None)
        allowed = tuple(dict.fromkeys(v for kind in kinds for v in kind))
        strategy: st.SearchStrategy[SIRData] = _schema_report(min_episodes, max_episodes, allowed)
    else:
        strategy = _coherent_report(
            _options(
                min_episodes=min_episodes,
                max_episodes=max_episodes,
                vardtyp=vardtyp,
                ima=ima,
                unit=unit,
                modules=modules,
                start=start,
                end=end,
                identity=identity,
            )
        )
    if format is None:
        return strategy
    return strategy.map(to_xml if format == "xml" else to_json)


def episodes(
    *,
    vardtyp: Vardtyp | str | None = None,
    ima: bool | None = None,
    coherent: bool = True,
    unit: UnitDeclaration | None = None,
    modules: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    identity: IdentitySource = "personnummer",
) -> st.SearchStrategy[Vardtillfalle]:
    """Strategy for single episodes (``Vårdtillfälle``); arguments as for :func:`reports`."""
    strategy: st.SearchStrategy[SIRData] = reports(
        max_episodes=1,
        vardtyp=vardtyp,
        ima=ima,
        coherent=coherent,
        unit=unit,
        modules=modules,
        start=start,
        end=end,
        identity=identity,
    )
    return strategy.map(lambda report: report.vardtillfalle[0])


@st.composite
def _identity_number(draw: st.DrawFn, kind: str) -> str:
    src = Source(draw)
    if kind == "reservnummer":
        return _reserve_number(src, src.below(_MAX_PERSONS))
    birth = date.fromordinal(src.integer(_BIRTHS[0].toordinal(), _BIRTHS[1].toordinal()))
    build = pnr.build if kind == "personnummer" else snr.build
    return build(birth, src.integer(0, 999))


def personnummer() -> st.SearchStrategy[str]:
    """Strategy for valid personnummer (12 digits, born 1900-2025, check digit correct).

    They are synthetic, but a random valid personnummer may belong to a real person.
    """
    return _identity_number("personnummer")


def samordningsnummer() -> st.SearchStrategy[str]:
    """Strategy for valid samordningsnummer (12 digits, birth day + 60, check digit correct)."""
    return _identity_number("samordningsnummer")


def reservnummer() -> st.SearchStrategy[str]:
    """Strategy for reservnummer: the schema's pattern, with a letter, never a personnummer."""
    return _identity_number("reservnummer")


@st.composite
def _hsa_id(draw: st.DrawFn) -> str:
    src = Source(draw)
    drawn: str = value_from(src, _H["hsa_id"])
    return _valid_hsa_id(src, drawn)


def hsa_ids() -> st.SearchStrategy[str]:
    """Strategy for valid HSA-ids (``SE`` + an organisation number that passes Luhn + suffix)."""
    return _hsa_id()


def codes(kind: str, *, on: date | None = None) -> st.SearchStrategy[str]:
    """Strategy for known codes: ``"icd10"`` (ICD-10-SE diagnoses, without the dot) or
    ``"kva"`` (KVÅ actions; with ``on``, only those valid on that day).

    Raises:
        ValueError: an unknown kind, or no KVÅ code valid on the day.
    """
    if kind not in _CODE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(_CODE_KINDS)}, not {kind!r}")
    if kind == "icd10":
        return st.sampled_from(DIAGNOSIS_CODES)
    known = ACTION_CODES if on is None else tuple(actions_on(on))
    if not known:
        raise ValueError(f"no known KVÅ code is valid on {on}")
    return st.sampled_from(known)


def module(wire_name: str, *, vardtyp: Vardtyp | str | None = None) -> st.SearchStrategy[Any]:
    """Strategy for one module of ``Vårdtillfälle`` (by wire name, see :data:`MODULE_NAMES`),
    coherent with a drawn stay that the §5.2 matrix applies it to.

    Args:
        wire_name: ``"SAPS3"``, ``"DagligSOFA"``, ``"Grunddata"``, …
        vardtyp: the stay's vårdtyp; by default one the module allows.

    Raises:
        ValueError: an unknown module, or a vårdtyp the module does not apply to.
    """
    if wire_name not in MODULE_NAMES:
        raise ValueError(f"{wire_name!r} is not a module of Vårdtillfälle")
    row = MATRIX[wire_name]
    types = tuple(v for v in Vardtyp if row.allows_vardtyp(v.value))
    if vardtyp is not None:
        chosen = enum_member(Vardtyp, vardtyp, name="vardtyp")
        if chosen not in types:
            raise ValueError(f"{wire_name} does not apply to vårdtyp {chosen.value}")
        types = (chosen,)
    return _module(wire_name, types)


# ------------------------------------------------------------ schema only


@st.composite
def _schema_report(
    draw: st.DrawFn, min_episodes: int, max_episodes: int, allowed: tuple[Vardtyp, ...]
) -> SIRData:
    src = Source(draw)
    huvud: Huvud = model_from(src, Huvud)
    rows: list[Vardtillfalle] = [
        model_from(src, Vardtillfalle) for _ in range(src.count(min_episodes, max_episodes))
    ]
    for row in rows:
        row.grunddata.vardtyp = src.choice(allowed)
    return SIRData(huvud=huvud, vardtillfalle=rows)


# --------------------------------------------------------------- coherent


@dataclass(frozen=True)
class _Person:
    kind: Personnummertyp
    number: str
    kon: Kon
    birth: date


@dataclass(frozen=True)
class _Plan:
    """What the report level decides for one episode."""

    index: int
    person: _Person
    start: datetime
    end: datetime
    vardtyp: Vardtyp
    died: bool


def _owners(src: Source, n: int, persons_max: int) -> list[int]:
    """Person index of each episode; a new person takes the next index."""
    owners: list[int] = []
    for _ in range(n):
        persons = max(owners, default=-1) + 1
        newest = min(persons, persons_max - 1)
        owners.append(src.integer(0, newest) if owners else 0)
    return owners


def _reserve_number(src: Source, index: int) -> str:
    """A reservnummer unique by ``index`` that always holds a letter (SIR-R012, R016)."""
    number: str = value_from(src, _G["personnummer"])
    number = number[:-2] + f"{index:02d}"  # unique by position
    if number.isdigit():  # never a valid personnummer look-alike (SIR-R016)
        number = "R" + number[1:]
    return number


def _valid_hsa_id(src: Source, drawn: str) -> str:
    digits = (src.integer(1, 9), src.integer(0, 9), src.integer(2, 9), src.integer(0, 999999))
    return hsa_id.with_organisation_number(drawn, "{}{}{}{:06d}".format(*digits))


_KINDS = {
    "personnummer": Personnummertyp.PERSONNUMMER,
    "samordningsnummer": Personnummertyp.SAMORDNINGSNUMMER,
    "reservnummer": Personnummertyp.RESERVNUMMER,
}


def _person(src: Source, index: int, first_start: datetime, identity: str) -> _Person:
    kind = _KINDS[identity]
    adult = src.choice((_ADULT_DAYS, _ADULT_DAYS, _ADULT_DAYS, _CHILD_DAYS))
    birth = first_start.date() - timedelta(days=src.integer(*adult))
    if kind is Personnummertyp.RESERVNUMMER:
        return _Person(kind, _reserve_number(src, index), src.choice(tuple(Kon)), birth)
    kon = src.choice((Kon.MAN, Kon.KVINNA))
    sex_digit = src.choice((1, 3, 5, 7, 9) if kon is Kon.MAN else (0, 2, 4, 6, 8))
    module = snr if kind is Personnummertyp.SAMORDNINGSNUMMER else pnr
    return _Person(kind, module.build(birth, index * 10 + sex_digit), kon, birth)


def _listed_person(number: str) -> _Person:
    birth, kon = _birth_and_sex(number)
    valid = pnr.is_valid(number)
    kind = Personnummertyp.PERSONNUMMER if valid else Personnummertyp.SAMORDNINGSNUMMER
    return _Person(kind, number, kon, birth)


def _switched_on(src: Source, options: _Options) -> frozenset[str]:
    """The modules a report may hold: the chosen ones, or a swarm drawn for this report."""
    if options.modules is not None:
        return options.modules
    return frozenset(name for name in MODULES if src.chance(_SWARM_ON))


@st.composite
def _coherent_report(draw: st.DrawFn, options: _Options) -> SIRData:
    src = Source(draw)
    kind = src.choice(options.kinds)
    era = src.choice(options.eras[kind])
    window, budget = _minutes(era), _budget(era, options.max_episodes)
    longest = min(_MAX_STAY, budget // 2)
    listed = _candidates(options.identity, era) if isinstance(options.identity, tuple) else ()
    if listed:
        listed = tuple(src.sample(listed, len(listed), len(listed)))
    n = src.integer(options.min_episodes, options.max_episodes)
    owners = _owners(src, n, len(listed) or _MAX_PERSONS)
    # Each person's episodes follow each other: start, stay, gap, start, ... (SIR-R060, R061).
    times: dict[int, tuple[datetime, datetime]] = {}
    people: dict[int, _Person] = {}
    last_of: dict[int, int] = {}
    for person in dict.fromkeys(owners):
        chain = [i for i, owner in enumerate(owners) if owner == person]
        moment = era[0] + timedelta(minutes=src.integer(0, window - len(chain) * budget))
        if listed:
            people[person] = _listed_person(listed[person])
        else:
            people[person] = _person(src, person, moment, str(options.identity))
        for i in chain:
            end = moment + timedelta(minutes=src.integer(options.min_stay, longest))
            times[i] = (at_wall_clock(moment), at_wall_clock(end))
            moment = end + timedelta(minutes=src.integer(0, budget - longest))
        last_of[person] = chain[-1]

    on = _switched_on(src, options)
    rows = []
    for i, person in enumerate(owners):
        start, end = times[i]
        # Only a person's last episode may end in death.
        died = last_of[person] == i and src.chance(_DEATH_SHARE)
        plan = _Plan(i, people[person], start, end, src.choice(_weighted(kind)), died)
        rows.append(_episode(src, plan, on, options))

    unit = options.unit
    huvud: Huvud = model_from(src, Huvud, frozenset({"skapad"}))
    if unit is not None:  # SIR-R203, R204
        huvud.hsa_id, huvud.avdelningsnamn = unit.hsa_id, unit.avdelningsnamn
    else:
        huvud.hsa_id = _valid_hsa_id(src, huvud.hsa_id)
    last_end = max(end for _, end in times.values())
    huvud.skapad = at_wall_clock(last_end + timedelta(minutes=src.integer(0, _DAY - 1)))
    return SIRData(huvud=huvud, vardtillfalle=rows)


def _other(src: Source, current: Any, avoid: Any) -> Any:
    """``current``, or another member of its enumeration when it is ``avoid``."""
    if current is not avoid:
        return current
    return src.choice([m for m in type(avoid) if m is not avoid])


def _present(src: Source, current: Any, py_name: str) -> Any:
    return current if current is not None else value_from(src, _G[py_name])


def _before(src: Source, start: datetime, most: int) -> datetime:
    return at_wall_clock(start - timedelta(minutes=src.integer(0, most)))


def _grunddata(src: Source, plan: _Plan) -> Grunddata:
    person, start, end, vardtyp = plan.person, plan.start, plan.end, plan.vardtyp
    g: Grunddata = model_from(src, Grunddata, _SET_BY_PLAN)
    g.personnummertyp, g.personnummer = person.kind, person.number
    g.kon, g.fodelsedatum = person.kon, person.birth
    reserve = person.kind is Personnummertyp.RESERVNUMMER  # Idbegrepp iff (SIR-R012)
    g.idbegrepp = value_from(src, _G["idbegrepp"]) if reserve else None
    g.vardtyp, g.inskrivningstid, g.utskrivningstid = vardtyp, start, end
    icu = vardtyp is not Vardtyp.IMA
    if icu:  # rows mandatory outside IMA (SIR-R036); Ankomsttid is set from the start below
        for py_name in _M_ICU_DRAWN:
            setattr(g, py_name, _present(src, getattr(g, py_name), py_name))
    if icu or src.boolean():
        g.ankomsttid = _before(src, start, _MAX_ARRIVAL_BEFORE)
    if vardtyp is not Vardtyp.TIVA:  # SIR-R027
        g.ankomstvag = _other(src, g.ankomstvag, Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA)
    operated = g.opereradstatus not in (None, Opereradstatus.EJ_OPERERAD)
    if operated and src.boolean():  # SIR-R025
        g.pre_opererad_tidpunkt = _before(src, start, _MAX_OPERATION_BEFORE)
    if plan.died:  # SIR-R040
        g.vardresultat = Vardresultat.AVLIDEN
        g.utskriven_till = UtskrivenTill.EJ_TILLAMPBART
        if g.utskrivningsorsak is not None:
            g.utskrivningsorsak = Utskrivningsorsak.AVLIDEN
    else:
        g.vardresultat = Vardresultat.LEVANDE
        g.utskriven_till = _other(src, g.utskriven_till, UtskrivenTill.EJ_TILLAMPBART)
        g.utskrivningsorsak = _other(src, g.utskrivningsorsak, Utskrivningsorsak.AVLIDEN)
    return g


def _diagnoser(src: Source) -> Diagnoser:
    drawn = src.sample(DIAGNOSIS_CODES, 1, 1 + LIST_CAP)
    return Diagnoser(huvudsaklig_ivadiagnos=drawn[0], ovrig_diagnos=drawn[1:])


def _allowed_actions(options: _Options | None) -> frozenset[str] | None:
    """The action codes a report may hold: a unit's declared ones, none when the chosen
    modules leave out ``Åtgärder`` (a drained pneumothorax is then reported as not drained),
    or ``None`` for any."""
    if options is None or options.modules is None:
        return None
    if _ATGARDER not in options.modules:
        return frozenset()
    return options.unit.actions if options.unit is not None else None


def _stay(plan: _Plan, operated: bool, options: _Options | None) -> Stay:
    unit = options.unit if options is not None else None
    return Stay(
        plan.vardtyp,
        plan.start,
        plan.end,
        plan.person.birth,
        plan.died,
        operated,
        sofa_time=unit.sofa_tid if unit is not None else SOFA_TIME,
        actions=_allowed_actions(options),
    )


def _wanted(src: Source, name: str, stay: Stay, on: frozenset[str], options: _Options) -> bool:
    """Whether the episode reports the module: always where a chosen module applies, else by
    a draw; a sedation goal only where its ``DG021`` can be reported (SIR-R037)."""
    if name not in on or not applies(name, stay):
        return False
    if name == _SEDERINGSMAL and _ATGARDER in on and not stay.allows_action(INVASIVE_VENTILATION):
        return False
    return options.modules is not None or src.chance(_MODULE_SHARE)


def _episode(src: Source, plan: _Plan, on: frozenset[str], options: _Options) -> Vardtillfalle:
    grunddata = _grunddata(src, plan)
    operated = grunddata.opereradstatus not in (None, Opereradstatus.EJ_OPERERAD)
    stay = _stay(plan, operated, options)
    modules: dict[str, Any] = {}
    for wire_name in MODULES:
        if _wanted(src, wire_name, stay, on, options):
            value = build_module(src, wire_name, stay)
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
    return Vardtillfalle(
        lokalt_id=f"VT-{plan.index + 1}" if src.boolean() else None,  # unique (SIR-R062)
        grunddata=grunddata,
        diagnoser=_diagnoser(src),
        **{_V.by_wire[name].py_name: value for name, value in modules.items()},
    )


# ------------------------------------------------------------ single modules


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@st.composite
def _module(draw: st.DrawFn, wire_name: str, types: tuple[Vardtyp, ...]) -> Any:
    src = Source(draw)
    row = MATRIX[wire_name]
    vardtyp = src.choice(types)
    firsts = [_EARLIEST_START.date(), row.first_start, row.death_from]
    if vardtyp is Vardtyp.IMA:
        firsts.append(IMA_REPORTING_OPENED)
    lasts = [LATEST_END.date(), row.death_to]
    first = max(d for d in firsts if d is not None)
    last = min(d for d in lasts if d is not None) - timedelta(days=8)  # room for the stay
    day = date.fromordinal(src.integer(first.toordinal(), last.toordinal()))
    start = at_wall_clock(
        datetime.combine(day, time()) + timedelta(minutes=src.integer(0, _DAY - 1))
    )
    end = at_wall_clock(start + timedelta(minutes=src.integer(_DAY_STAY, _MAX_STAY)))
    years = src.integer(row.min_age or 0, row.max_age if row.max_age is not None else 100)
    birth = _years_before(day, years) - timedelta(days=src.integer(0, 300))
    kon = src.choice((Kon.MAN, Kon.KVINNA))
    sex_digit = src.choice((1, 3, 5, 7, 9) if kon is Kon.MAN else (0, 2, 4, 6, 8))
    person = _Person(Personnummertyp.PERSONNUMMER, pnr.build(birth, sex_digit), kon, birth)
    plan = _Plan(0, person, start, end, vardtyp, row.requires_death)
    if wire_name == _GRUNDDATA:
        return _grunddata(src, plan)
    if wire_name == _DIAGNOSER:
        return _diagnoser(src)
    return build_module(src, wire_name, _stay(plan, src.boolean(), None))
