"""Model defects that break one registry rule (SIR-R0xx/R1xx) or unit rule (SIR-R2xx).

Every defect changes a valid, coherent report (from :func:`sir_format.testing.reports`) in one
place, with values the model can hold and the encoders can write, so that the validator
reports exactly the codes in the defect's ``expected`` set; see
:mod:`sir_format.testing._defects` for the vocabulary.

- :data:`RULE_DEFECTS`: at least one defect for every registry and unit rule of the catalog
  whose severity (or one of its variants) is error or fatal, except
- :data:`RULES_NOT_GENERATABLE`: the rules no model change can break, with the reason.
- :func:`declaration_for`: a unit declaration a report passes without errors. Unit defects
  (and SIR-R041) are checked against the caller's declaration, or against
  ``declaration_for(report)`` of the unchanged report when the caller gives none.

Registry defects are labelled for a check without a unit declaration: with one, a changed
header or vårdtyp may also break a unit rule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar

import msgspec
from hypothesis import strategies as st
from msgspec.structs import replace

from sir_format._paths import Location, Step
from sir_format.domain import hsa_id
from sir_format.domain.kva import INVASIVE_VENTILATION, THORACIC_DRAIN, bundled_entries
from sir_format.domain.registry import (
    CHEST_DRAIN_COMPLICATIONS,
    CONSENT_AGE,
    DEATH_PROTOCOL_VARDTYPER,
    DECLARABLE_MODULES,
    M_ICU_FIELDS,
    MATRIX,
    MAX_AGE,
    NO_COMPLICATION,
    TIVA_ONLY_COMPLICATIONS,
)
from sir_format.metadata import FieldInfo, model_info
from sir_format.models import (
    NEMS,
    PIM3,
    SAPS3,
    Ankomstvag,
    Atgard,
    Atgarder,
    Avliden2024,
    Avlidna2020,
    Behandlingsstrategi,
    BehandlingsstrategiVal,
    DagligSOFA,
    DagligVikt,
    Diagnoser,
    EjOrgandonationOrsak,
    Grunddata,
    Higgins,
    Huvud,
    JaNej,
    Komplikation,
    Komplikationer,
    Kon,
    MojligDonator,
    NEMSRegistrering,
    Omvardnad,
    Omvardnadsbedomning,
    Opereradstatus,
    Personnummertyp,
    Sederingsmal,
    Sederingsregistrering,
    SIRData,
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
from sir_format.testing._defects import Layer, ModelChange, ModelDefect
from sir_format.testing._modules import applies, build_module
from sir_format.testing._source import Source
from sir_format.testing._timeline import Stay, age, at_wall_clock
from sir_format.testing._values import number_values, values
from sir_format.validation.unit import UnitDeclaration

__all__ = ["RULES_NOT_GENERATABLE", "RULE_DEFECTS", "declaration_for"]

T = TypeVar("T")
Draw = st.DrawFn
Mutator = Callable[[st.DrawFn, SIRData, UnitDeclaration | None], ModelChange | None]


# ------------------------------------------------------------------ names and locations


def _wire(cls: type, py_name: str) -> str:
    return model_info(cls).by_py[py_name].wire_name


_EP = _wire(SIRData, "vardtillfalle")
_HUVUD = _wire(SIRData, "huvud")
_GD = _wire(Vardtillfalle, "grunddata")
_EPISODE_BY_WIRE = model_info(Vardtillfalle).by_wire
_G_BY_WIRE = model_info(Grunddata).by_wire
_SAPS3 = _wire(Vardtillfalle, "saps3")
_PIM3 = _wire(Vardtillfalle, "pim3")
_HIGGINS = _wire(Vardtillfalle, "higgins")
_SOFA = _wire(Vardtillfalle, "daglig_sofa")
_KOMPLIKATIONER = _wire(Vardtillfalle, "komplikationer")
_SEDERINGSMAL = _wire(Vardtillfalle, "sederingsmal")
_CFS = _wire(Vardtillfalle, "clinical_frailty_scale")
_ATGARDER = _wire(Vardtillfalle, "atgarder")
_AVLIDNA2020 = _wire(Vardtillfalle, "avlidna2020")
_AVLIDEN2024 = _wire(Vardtillfalle, "avliden2024")
_DEATH_PROTOCOLS = (_AVLIDNA2020, _AVLIDEN2024)
_STRATEGY = _wire(Vardtillfalle, "behandlingsstrategi")
_WEIGHTS = _wire(Vardtillfalle, "vikt_och_langd")
_NURSING = _wire(Vardtillfalle, "omvardnad")
_NEMS = _wire(Vardtillfalle, "nems")


def _row_in(module: str, cls: type, py_name: str) -> Callable[[int], Location]:
    row = _wire(cls, py_name)
    return lambda k: ((module, None), (row, k))


_SEDATION_ROW = _row_in(_SEDERINGSMAL, Sederingsmal, "sederingsregistrering")
_NURSING_ROW = _row_in(_NURSING, Omvardnad, "omvardnadsbedomning")
_SOFA_ROW = _row_in(_SOFA, DagligSOFA, "sofaregistrering")
_NEMS_ROW = _row_in(_NEMS, NEMS, "nemsregistrering")
_COMPLICATION_ROW = _row_in(_KOMPLIKATIONER, Komplikationer, "komplikation")
_ACTION_ROW = _row_in(_ATGARDER, Atgarder, "atgard")
_PROTOCOL_ROWS = {name: MATRIX[name] for name in _DEATH_PROTOCOLS}
_KVA = {entry.code: entry for entry in bundled_entries()}
_RETIRED = tuple(entry for entry in _KVA.values() if entry.retired is not None)
_DEPARTMENT_MAX = model_info(Huvud).by_py["avdelningsnamn"].facets.max_length or 50
_SHORT_NAME_MAX = 15


def _earliest_birth() -> date:
    """The schema's earliest ``Födelsedatum``."""
    earliest = model_info(Grunddata).by_py["fodelsedatum"].facets.min_inclusive
    assert isinstance(earliest, date)
    return earliest


_EARLIEST_BIRTH = _earliest_birth()
_MAX_EPISODES = model_info(SIRData).by_py["vardtillfalle"].max_occurs


def _episode_step(index: int) -> Step:
    return (_EP, index)


def _grunddata_location(index: int, py_name: str) -> Location:
    return (_episode_step(index), (_GD, None), (_wire(Grunddata, py_name), None))


def _header_location(py_name: str) -> Location:
    return ((_HUVUD, None), (_wire(Huvud, py_name), None))


def _text(value: object) -> str | None:
    """A value as written in the file; structures as compact JSON."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str | int | Decimal):
        return str(value)
    return msgspec.json.encode(value).decode()


# ------------------------------------------------------------------ copying with a change


def _with_episode(report: SIRData, index: int, episode: Vardtillfalle) -> SIRData:
    rows = list(report.vardtillfalle)
    rows[index] = episode
    return replace(report, vardtillfalle=rows)


def _with_grunddata(report: SIRData, index: int, **changes: Any) -> SIRData:
    episode = report.vardtillfalle[index]
    return _with_episode(
        report, index, replace(episode, grunddata=replace(episode.grunddata, **changes))
    )


def _with_module(report: SIRData, index: int, wire_name: str, value: Any) -> SIRData:
    py_name = _EPISODE_BY_WIRE[wire_name].py_name
    return _with_episode(report, index, replace(report.vardtillfalle[index], **{py_name: value}))


def _set_field(report: SIRData, index: int, py_name: str, value: Any) -> ModelChange:
    """Change one field of an episode's ``Grunddata``."""
    before = getattr(report.vardtillfalle[index].grunddata, py_name)
    return ModelChange(
        report=_with_grunddata(report, index, **{py_name: value}),
        location=_grunddata_location(index, py_name),
        before=_text(before),
        after=_text(value),
    )


def _fields(node: Any) -> Mapping[str, FieldInfo]:
    """The fields of a model object by wire name."""
    cls: type = type(node)
    return model_info(cls).by_wire


def _read(node: Any, location: Location) -> Any:
    """The value at a location below ``node`` (wire names and 0-based indices)."""
    for name, index in location:
        node = getattr(node, _fields(node)[name].py_name)
        if index is not None:
            node = node[index]
    return node


def _replace_at(node: Any, location: Location, value: Any) -> Any:
    """A copy of ``node`` with ``value`` at ``location``; an index one past the end appends."""
    (name, index), rest = location[0], location[1:]
    py_name = _fields(node)[name].py_name
    current = getattr(node, py_name)
    if index is None:
        new = _replace_at(current, rest, value) if rest else value
    else:
        items = list(current)
        if index == len(items):
            items.append(value)
        else:
            items[index] = _replace_at(items[index], rest, value) if rest else value
        new = items
    return replace(node, **{py_name: new})


def _change(
    report: SIRData, location: Location, value: Any, at: Location | None = None
) -> ModelChange:
    """Put ``value`` at ``location``; the label's location is ``at`` when given."""
    before = None
    with contextlib.suppress(IndexError):
        before = _read(report, location)
    return ModelChange(
        report=_replace_at(report, location, value),
        location=location if at is None else at,
        before=_text(before),
        after=_text(value),
    )


def _pick(draw: Draw, options: Iterable[T]) -> T | None:
    """One of ``options``, or ``None`` when there is none."""
    choices = list(options)
    return draw(st.sampled_from(choices)) if choices else None


# ------------------------------------------------------------------ what an episode holds


def _stay(episode: Vardtillfalle) -> Stay:
    g = episode.grunddata
    return Stay(
        g.vardtyp,
        g.inskrivningstid,
        g.utskrivningstid,
        g.fodelsedatum,
        g.vardresultat is Vardresultat.AVLIDEN,
        g.opereradstatus not in (None, Opereradstatus.EJ_OPERERAD),
    )


def _episodes(report: SIRData, keep: Callable[[Vardtillfalle], bool]) -> list[int]:
    return [i for i, episode in enumerate(report.vardtillfalle) if keep(episode)]


def _module(episode: Vardtillfalle, wire_name: str) -> Any:
    return getattr(episode, _EPISODE_BY_WIRE[wire_name].py_name)


def _action_codes(episode: Vardtillfalle) -> list[str] | None:
    return None if episode.atgarder is None else [a.kod for a in episode.atgarder.atgard]


def _applies_fully(wire_name: str, episode: Vardtillfalle) -> bool:
    """The §5.2 matrix row holds for the episode, its action condition included (SIR-R200)."""
    g = episode.grunddata
    died = g.vardresultat is Vardresultat.AVLIDEN
    return MATRIX[wire_name].applies(
        vardtyp=g.vardtyp.value,
        age=age(g.fodelsedatum, g.inskrivningstid.date()),
        start=g.inskrivningstid.date(),
        death_date=g.utskrivningstid.date() if died else None,
        action_codes=_action_codes(episode),
    )


def _first_valid(wire_name: str, episode: Vardtillfalle) -> bool:
    """The episode started on or after the module's first valid date (no SIR-R039)."""
    return MATRIX[wire_name].in_use_on(episode.grunddata.inskrivningstid.date())


# ------------------------------------------------------------------ the unit declaration


def declaration_for(report: SIRData) -> UnitDeclaration:
    """A unit declaration the report passes: no SIR-R2xx error or fatal finding.

    HSA-id, department name and vårdtyper come from the report. A module is declared when it
    is present in every episode where it applies (§5.2 matrix, actions included), and in at
    least one; the actions are every ``Åtgärd/Kod`` of the report. A module present in some
    episodes where it applies but absent in others is left undeclared, so such a report gets
    SIR-R201 warnings; a report of one episode gets none.
    """
    episodes = report.vardtillfalle
    modules = set()
    for name in DECLARABLE_MODULES:
        present = [_module(e, name) is not None for e in episodes]
        applicable = [p for p, e in zip(present, episodes, strict=True) if _applies_fully(name, e)]
        if any(present) and all(applicable):
            modules.add(name)
    actions = {a.kod for e in episodes if e.atgarder is not None for a in e.atgarder.atgard}
    if _ATGARDER in modules and not actions:  # an empty <Åtgärder/> still needs a declaration
        actions.add(INVASIVE_VENTILATION)
    if _ATGARDER not in modules:
        actions = set()
    name = report.huvud.avdelningsnamn.strip()
    return UnitDeclaration(
        hsa_id=report.huvud.hsa_id,
        officiellt_namn=name,
        kortnamn=name[:_SHORT_NAME_MAX].strip() or name[0],
        avdelningsnamn=report.huvud.avdelningsnamn,
        vardtyper=frozenset(e.grunddata.vardtyp.value for e in episodes),
        modules=frozenset(modules),
        actions=frozenset(actions),
    )


# ------------------------------------------------------------------ header (R001, R002)


def _bad_hsa_id(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange:
    """SIR-R001: the organisation number's Luhn digit is wrong."""
    old = report.huvud.hsa_id
    digit = int(old[11])
    wrong = (digit + draw(st.integers(1, 9))) % 10
    new = old[:11] + str(wrong) + old[12:]
    return ModelChange(
        report=replace(report, huvud=replace(report.huvud, hsa_id=new)),
        location=_header_location("hsa_id"),
        before=old,
        after=new,
    )


def _control_in_department(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange:
    """SIR-R002: a control character inside the department name.

    Only DEL and the C1 controls are drawn: XML 1.0 can hold them, while the schema collapses
    white space (an empty or all-space name is a schema finding, SIR-X036) and limits the
    length (SIR-X024)."""
    old = report.huvud.avdelningsnamn.strip()
    control = chr(draw(st.sampled_from([0x7F, *range(0x80, 0xA0)])))
    keep = draw(st.integers(1, _DEPARTMENT_MAX - 1))
    text = old[:keep] or "A"
    position = draw(st.integers(1, len(text)))
    new = text[:position] + control + text[position:]
    return _change(report, _header_location("avdelningsnamn"), new)


# ------------------------------------------------------------------ identity (R010-R015)


def _kind_episodes(report: SIRData, kind: Personnummertyp) -> list[int]:
    return _episodes(report, lambda e: e.grunddata.personnummertyp is kind)


def _wrong_check_digit(kind: Personnummertyp) -> Mutator:
    def mutate(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
        i = _pick(draw, _kind_episodes(report, kind))
        if i is None:
            return None
        number = report.vardtillfalle[i].grunddata.personnummer
        wrong = (int(number[-1]) + draw(st.integers(1, 9))) % 10
        return _set_field(report, i, "personnummer", number[:-1] + str(wrong))

    return mutate


def _idbegrepp(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange:
    """SIR-R012: ``Idbegrepp`` removed from a reserve number, or added to another number."""
    i = draw(st.integers(0, len(report.vardtillfalle) - 1))
    g = report.vardtillfalle[i].grunddata
    if g.personnummertyp is Personnummertyp.RESERVNUMMER:
        return _set_field(report, i, "idbegrepp", None)
    return _set_field(
        report, i, "idbegrepp", draw(values(model_info(Grunddata).by_py["idbegrepp"]))
    )


def _same_ages(episode: Vardtillfalle, birth: date) -> bool:
    g = episode.grunddata
    moments = (g.inskrivningstid.date(), g.utskrivningstid.date())
    return all(age(birth, d) == age(g.fodelsedatum, d) for d in moments) and birth <= moments[0]


def _national(episode: Vardtillfalle) -> bool:
    return episode.grunddata.personnummertyp is not Personnummertyp.RESERVNUMMER


def _birth_date_mismatch(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R013: the birth date is a day off the identity number; ages stay the same."""
    i = _pick(draw, _episodes(report, _national))
    if i is None:
        return None
    episode = report.vardtillfalle[i]
    birth = episode.grunddata.fodelsedatum
    shifts = [d for d in (-1, 1) if _same_ages(episode, birth + timedelta(days=d))]
    shift = _pick(draw, shifts)
    if shift is None:
        return None
    return _set_field(report, i, "fodelsedatum", birth + timedelta(days=shift))


def _sex_mismatch(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R014: ``Kön`` disagrees with the number's sex digit."""
    i = _pick(draw, _episodes(report, _national))
    if i is None:
        return None
    kon = report.vardtillfalle[i].grunddata.kon
    return _set_field(report, i, "kon", Kon.KVINNA if kon is Kon.MAN else Kon.MAN)


def _too_old(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R015: an adult with a reserve number is older than 125 at admission (the schema's
    earliest birth date permitting)."""

    def latest_birth(e: Vardtillfalle) -> date:
        start = e.grunddata.inskrivningstid.date()
        return date(start.year - MAX_AGE - 1, start.month, min(start.day, 28)) - timedelta(days=1)

    def adult_reserve(e: Vardtillfalle) -> bool:
        g = e.grunddata
        return (
            not _national(e)
            and age(g.fodelsedatum, g.inskrivningstid.date()) >= CONSENT_AGE
            and latest_birth(e) >= _EARLIEST_BIRTH
        )

    i = _pick(draw, _episodes(report, adult_reserve))
    if i is None:
        return None
    latest = latest_birth(report.vardtillfalle[i])
    days = draw(st.integers(0, min((latest - _EARLIEST_BIRTH).days, 3 * 366)))
    return _set_field(report, i, "fodelsedatum", latest - timedelta(days=days))


# ------------------------------------------------------------------ time order (R020-R027)


def _arrival_after_start(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange:
    """SIR-R020: ``Ankomsttid`` after ``Inskrivningstid``."""
    i = draw(st.integers(0, len(report.vardtillfalle) - 1))
    g = report.vardtillfalle[i].grunddata
    later = at_wall_clock(g.inskrivningstid + timedelta(minutes=draw(st.integers(1, 60))))
    if later <= g.inskrivningstid:
        later = g.inskrivningstid + timedelta(hours=1)
    return _set_field(report, i, "ankomsttid", later)


def _no_stay(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R021: ``Utskrivningstid`` equal to ``Inskrivningstid``.

    A living patient's discharge moves back to the start; for a death the start moves to the
    death time instead (the death date decides the protocol), when no age changes.
    """
    i = draw(st.integers(0, len(report.vardtillfalle) - 1))
    episode = report.vardtillfalle[i]
    g = episode.grunddata
    same_day = g.utskrivningstid.date() == g.inskrivningstid.date()
    if g.vardresultat is not Vardresultat.AVLIDEN or same_day:
        return _set_field(report, i, "utskrivningstid", g.inskrivningstid)
    if age(g.fodelsedatum, g.utskrivningstid.date()) != age(
        g.fodelsedatum, g.inskrivningstid.date()
    ):
        return None
    change = _set_field(report, i, "inskrivningstid", g.utskrivningstid)
    # the rule reports Utskrivningstid: the label names the Grunddata that holds both
    return ModelChange(change.report, change.location[:-1], change.before, change.after)


def _end_after_created(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R022: the latest episode ends after the file was created."""
    ends = [e.grunddata.utskrivningstid for e in report.vardtillfalle]
    latest = max(ends)
    if ends.count(latest) > 1:
        return None
    i = ends.index(latest)
    g = report.vardtillfalle[i].grunddata
    skapad = report.huvud.skapad
    new_end = at_wall_clock(skapad + timedelta(minutes=draw(st.integers(1, 120))))
    if new_end <= skapad:
        return None
    died = g.vardresultat is Vardresultat.AVLIDEN
    if died and new_end.date() != g.utskrivningstid.date():
        return None  # the death date decides the protocol
    return _set_field(report, i, "utskrivningstid", new_end)


def _row_times(episode: Vardtillfalle) -> list[tuple[Location, str]]:
    """Times and dates of rows that only SIR-R023 ties to the stay: (location, kind)."""
    out: list[tuple[Location, str]] = []
    sedation = episode.sederingsmal
    if sedation is not None:
        for k in range(len(sedation.sederingsregistrering)):
            out.append(
                ((*_SEDATION_ROW(k), (_wire(Sederingsregistrering, "tidpunkt"), None)), "time")
            )
    nursing = episode.omvardnad
    if nursing is not None:
        for k in range(len(nursing.omvardnadsbedomning)):
            out.append(
                ((*_NURSING_ROW(k), (_wire(Omvardnadsbedomning, "tidpunkt"), None)), "time")
            )
    strategy = episode.behandlingsstrategi
    if strategy is not None and strategy.forsta_beslutstidpunkt is not None:
        field = _wire(Behandlingsstrategi, "forsta_beslutstidpunkt")
        out.append((((_STRATEGY, None), (field, None)), "time"))
    weights = episode.vikt_och_langd
    if weights is not None and weights.daglig_vikt:
        last = len(weights.daglig_vikt) - 1  # the last date: moving it keeps dates unique
        out.append(
            (
                (
                    (_WEIGHTS, None),
                    (_wire(ViktOchLangd, "daglig_vikt"), last),
                    (_wire(DagligVikt, "datum"), None),
                ),
                "date",
            )
        )
    return out


def _row_outside_stay(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R023: a row's time (or date) after the end of the stay."""
    places = [
        (i, place)
        for i, episode in enumerate(report.vardtillfalle)
        for place in _row_times(episode)
    ]
    if not places:
        return None
    i, (location, kind) = draw(st.sampled_from(places))
    end = report.vardtillfalle[i].grunddata.utskrivningstid
    if kind == "date":
        value: Any = end.date() + timedelta(days=draw(st.integers(1, 3)))
    else:
        value = at_wall_clock(end + timedelta(minutes=draw(st.integers(1, 600))))
        if value <= end:
            value = end + timedelta(hours=1)
    return _change(report, (_episode_step(i), *location), value)


def _preoperative_after_start(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R025: the pre-operative time after the start, or given without an operation."""

    def has_status(e: Vardtillfalle) -> bool:
        return e.grunddata.opereradstatus is not None

    i = _pick(draw, _episodes(report, has_status))
    if i is None:
        return None
    g = report.vardtillfalle[i].grunddata
    if g.opereradstatus is Opereradstatus.EJ_OPERERAD:
        moment = at_wall_clock(g.inskrivningstid - timedelta(minutes=draw(st.integers(30, 600))))
    else:
        moment = at_wall_clock(g.inskrivningstid + timedelta(minutes=draw(st.integers(1, 60))))
        if moment <= g.inskrivningstid:
            moment = g.inskrivningstid + timedelta(hours=1)
    return _set_field(report, i, "pre_opererad_tidpunkt", moment)


def _converted_outside_tiva(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R027: ``KonverteradFrånIVATillTIVA`` for an episode that is not TIVA."""
    i = _pick(draw, _episodes(report, lambda e: e.grunddata.vardtyp is not Vardtyp.TIVA))
    if i is None:
        return None
    return _set_field(report, i, "ankomstvag", Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA)


# ------------------------------------------------------------------ applicability (R030-R039)


def _add_module(wire_name: str, fits: Callable[[Vardtillfalle, Stay], bool]) -> Mutator:
    """Add a coherent module to an episode where the matrix does not allow it."""

    def mutate(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
        def candidate(e: Vardtillfalle) -> bool:
            stay = _stay(e)
            return _module(e, wire_name) is None and not applies(wire_name, stay) and fits(e, stay)

        i = _pick(draw, _episodes(report, candidate))
        if i is None:
            return None
        stay = _stay(report.vardtillfalle[i])
        value = build_module(Source(draw), wire_name, stay)
        if value is None:
            return None
        if isinstance(value, Komplikationer):  # no drain, so no GAA10 action is expected
            value = replace(value, komplikation=[_undrained(row) for row in value.komplikation])
        return ModelChange(
            report=_with_module(report, i, wire_name, value),
            location=(_episode_step(i), (wire_name, None)),
            before=None,
            after=_text(value),
        )

    return mutate


def _undrained(row: Komplikation) -> Komplikation:
    if row.thoraxdranage_inlagt is JaNej.JA:
        return replace(row, thoraxdranage_inlagt=JaNej.NEJ)
    return row


def _in_use(wire_name: str) -> Callable[[Vardtillfalle, Stay], bool]:
    """The episode started after the module's first valid date (no SIR-R039 as well)."""
    return lambda e, stay: _first_valid(wire_name, e)


def _death_protocol_fits(e: Vardtillfalle, stay: Stay) -> bool:
    """A death outside IVA/TIVA/BIVA whose date one protocol covers (SIR-R034 alone)."""
    return (
        stay.died
        and stay.vardtyp.value not in DEATH_PROTOCOL_VARDTYPER
        and _protocol_for(stay.end.date()) is not None
    )


def _protocol_for(day: date) -> str | None:
    """The death protocol that covers a death date."""
    for name, row in _PROTOCOL_ROWS.items():
        if row.covers_death(day):
            return name
    return None


def _death_protocol_outside_icu(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R034: a death protocol for a death in a vårdtyp that has none."""
    candidates = _episodes(report, lambda e: _death_protocol_fits(e, _stay(e)))
    i = _pick(draw, candidates)
    if i is None:
        return None
    stay = _stay(report.vardtillfalle[i])
    name = _protocol_for(stay.end.date())
    assert name is not None
    value = build_module(Source(draw), name, stay)
    return ModelChange(
        report=_with_module(report, i, name, value),
        location=(_episode_step(i), (name, None)),
        before=None,
        after=_text(value),
    )


_ICU_DRAWN_FIELDS = tuple(
    _G_BY_WIRE[wire].py_name
    for wire in M_ICU_FIELDS
    if _G_BY_WIRE[wire].py_name not in ("ankomsttid", "opereradstatus", "vardtyp")
)


def _icu_field_missing(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R036: a field mandatory outside IMA left out."""
    i = _pick(draw, _episodes(report, lambda e: e.grunddata.vardtyp is not Vardtyp.IMA))
    if i is None:
        return None
    g = report.vardtillfalle[i].grunddata
    py_name = draw(st.sampled_from([n for n in _ICU_DRAWN_FIELDS if getattr(g, n) is not None]))
    return _set_field(report, i, py_name, None)


def _sedation_in_ima(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R037 (E): ``Sederingsmål`` for an IMA episode."""

    def ima(e: Vardtillfalle) -> bool:
        return e.grunddata.vardtyp is Vardtyp.IMA and e.sederingsmal is None

    i = _pick(draw, _episodes(report, ima))
    if i is None:
        return None
    value = build_module(Source(draw), _SEDERINGSMAL, _stay(report.vardtillfalle[i]))
    return ModelChange(
        report=_with_module(report, i, _SEDERINGSMAL, value),
        location=(_episode_step(i), (_SEDERINGSMAL, None)),
        before=None,
        after=_text(value),
    )


# ------------------------------------------------------------------ outcome (R040-R044)


def _died(e: Vardtillfalle) -> bool:
    return e.grunddata.vardresultat is Vardresultat.AVLIDEN


def _protocol_ward(e: Vardtillfalle) -> bool:
    return e.grunddata.vardtyp.value in DEATH_PROTOCOL_VARDTYPER


def _protocols(e: Vardtillfalle) -> list[str]:
    return [name for name in _DEATH_PROTOCOLS if _module(e, name) is not None]


def _alive_not_applicable(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R040: a living patient discharged to ``EjTillämpbart``."""
    i = _pick(draw, _episodes(report, lambda e: not _died(e)))
    if i is None:
        return None
    return _set_field(report, i, "utskriven_till", UtskrivenTill.EJ_TILLAMPBART)


def _declared_protocol_missing(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R041: the declared death protocol left out of a death at the unit."""
    declared = (unit or declaration_for(report)).modules

    def candidate(e: Vardtillfalle) -> bool:
        return _died(e) and _protocol_ward(e) and any(p in declared for p in _protocols(e))

    i = _pick(draw, _episodes(report, candidate))
    if i is None:
        return None
    name = draw(st.sampled_from([p for p in _protocols(report.vardtillfalle[i]) if p in declared]))
    return _change(report, (_episode_step(i), (name, None)), None)


def _protocol_without_death(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R042: a death protocol for a patient discharged alive."""

    def candidate(e: Vardtillfalle) -> bool:
        return (
            not _died(e)
            and _protocol_ward(e)
            and _protocol_for(e.grunddata.utskrivningstid.date()) is not None
        )

    i = _pick(draw, _episodes(report, candidate))
    if i is None:
        return None
    episode = report.vardtillfalle[i]
    name = _protocol_for(episode.grunddata.utskrivningstid.date())
    assert name is not None
    return _change(
        report, (_episode_step(i), (name, None)), build_module(Source(draw), name, _stay(episode))
    )


def _wrong_protocol(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R043: the death protocol that does not cover the death date."""

    def candidate(e: Vardtillfalle) -> bool:
        return _died(e) and _protocol_ward(e) and not _protocols(e)

    i = _pick(draw, _episodes(report, candidate))
    if i is None:
        return None
    episode = report.vardtillfalle[i]
    right = _protocol_for(episode.grunddata.utskrivningstid.date())
    name = draw(st.sampled_from([p for p in _DEATH_PROTOCOLS if p != right]))
    return _change(
        report, (_episode_step(i), (name, None)), build_module(Source(draw), name, _stay(episode))
    )


def _both_protocols(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R044 (with R043 for the added one): ``Avliden2024`` added to ``Avlidna2020``."""

    def candidate(e: Vardtillfalle) -> bool:
        return _died(e) and _protocols(e) == [_AVLIDNA2020]

    i = _pick(draw, _episodes(report, candidate))
    if i is None:
        return None
    episode = report.vardtillfalle[i]
    value = build_module(Source(draw), _AVLIDEN2024, _stay(episode))
    return _change(report, (_episode_step(i), (_AVLIDEN2024, None)), value)


# ------------------------------------------------------------------ diagnoses, duplicates


def _repeated_diagnosis(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R051: the main diagnosis repeated among the other diagnoses."""
    limit = model_info(Diagnoser).by_py["ovrig_diagnos"].max_occurs or 1

    def room(e: Vardtillfalle) -> bool:
        return len(e.diagnoser.ovrig_diagnos) < limit

    i = _pick(draw, _episodes(report, room))
    if i is None:
        return None
    d = report.vardtillfalle[i].diagnoser
    code = draw(st.sampled_from([d.huvudsaklig_ivadiagnos, *d.ovrig_diagnos]))
    where = (
        _episode_step(i),
        (_wire(Vardtillfalle, "diagnoser"), None),
        (_wire(Diagnoser, "ovrig_diagnos"), len(d.ovrig_diagnos)),
    )
    return _change(report, where, code)


def _earlier_start(episode: Vardtillfalle) -> Vardtillfalle | None:
    """The episode starting a minute earlier; ``None`` when that changes anything else a rule
    reads (the start date, the SOFA times inside the stay)."""
    g = episode.grunddata
    start = g.inskrivningstid - timedelta(minutes=1)
    if start.date() != g.inskrivningstid.date() or at_wall_clock(start) != start:
        return None
    changes: dict[str, Any] = {"inskrivningstid": start}
    for py_name in ("ankomsttid", "pre_opererad_tidpunkt"):
        moment = getattr(g, py_name)
        if moment is not None and moment > start:
            changes[py_name] = start
    moved = replace(episode, grunddata=replace(g, **changes))
    if _stay(moved).sofa_times != _stay(episode).sofa_times:
        return None
    return moved


def _add_episode(report: SIRData, episode: Vardtillfalle) -> ModelChange:
    """Append an episode; the label shows its ``Inskrivningstid``."""
    n = len(report.vardtillfalle)
    return ModelChange(
        report=replace(report, vardtillfalle=[*report.vardtillfalle, episode]),
        location=(_episode_step(n),),
        before=None,
        after=_text(episode.grunddata.inskrivningstid),
    )


def _duplicate_episode(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R060: an episode sent twice (the copy without ``LokaltId``)."""
    if len(report.vardtillfalle) >= _MAX_EPISODES:
        return None
    i = draw(st.integers(0, len(report.vardtillfalle) - 1))
    return _add_episode(report, replace(report.vardtillfalle[i], lokalt_id=None))


def _overlapping_episode(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R061: a copy of an episode that starts a minute earlier, so the two overlap."""
    if len(report.vardtillfalle) >= _MAX_EPISODES:
        return None
    i = draw(st.integers(0, len(report.vardtillfalle) - 1))
    moved = _earlier_start(report.vardtillfalle[i])
    if moved is None:
        return None
    return _add_episode(report, replace(moved, lokalt_id=None))


def _repeated_local_id(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R062: a later episode takes the ``LokaltId`` of an earlier one."""
    rows = report.vardtillfalle
    pairs = [
        (i, j)
        for i in range(len(rows))
        for j in range(i + 1, len(rows))
        if rows[i].lokalt_id is not None and rows[j].lokalt_id != rows[i].lokalt_id
    ]
    pair = _pick(draw, pairs)
    if pair is None:
        return None
    i, j = pair
    where = (_episode_step(j), (_wire(Vardtillfalle, "lokalt_id"), None))
    return _change(report, where, rows[i].lokalt_id)


# ------------------------------------------------------------------ actions, complications


def _complications(e: Vardtillfalle) -> list[Komplikation]:
    return list(e.komplikationer.komplikation) if e.komplikationer is not None else []


def _actions(e: Vardtillfalle) -> list[Atgard]:
    return list(e.atgarder.atgard) if e.atgarder is not None else []


def _complication_field(i: int, k: int, py_name: str) -> Location:
    return (_episode_step(i), *_COMPLICATION_ROW(k), (_wire(Komplikation, py_name), None))


def _drain_without_action(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R070: a chest drain recorded for a pneumothorax with no GAA10 action after it."""
    places = []
    for i, e in enumerate(report.vardtillfalle):
        drains = [a.datum for a in _actions(e) if a.kod == THORACIC_DRAIN]
        for k, row in enumerate(_complications(e)):
            if (
                row.kod in CHEST_DRAIN_COMPLICATIONS
                and row.thoraxdranage_inlagt is JaNej.NEJ
                and row.datum is not None
                and not any(day >= row.datum for day in drains)
            ):
                places.append((i, k))
    place = _pick(draw, places)
    if place is None:
        return None
    return _change(report, _complication_field(*place, "thoraxdranage_inlagt"), JaNej.JA)


def _retired_action(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R072 (and the warning SIR-R071: not in the list on that date): a retired code."""
    places = []
    for i, e in enumerate(report.vardtillfalle):
        for k, a in enumerate(_actions(e)):
            if a.kod in (INVASIVE_VENTILATION, THORACIC_DRAIN):
                continue  # other rules read these two
            retired = [r.code for r in _RETIRED if r.retired is not None and r.retired <= a.datum]
            taken = {(b.kod, b.datum, b.klockslag) for b in _actions(e)}
            codes = [c for c in retired if (c, a.datum, a.klockslag) not in taken]
            if codes:
                places.append((i, k, codes))
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, codes = place
    where = (_episode_step(i), *_ACTION_ROW(k), (_wire(Atgard, "kod"), None))
    return _change(report, where, draw(st.sampled_from(codes)))


def _plain_rows(e: Vardtillfalle) -> list[int]:
    """Complication rows that are not SK-000 and carry no drain answer."""
    return [
        k
        for k, row in enumerate(_complications(e))
        if row.kod is not NO_COMPLICATION and row.kod not in CHEST_DRAIN_COMPLICATIONS
    ]


def _tiva_code_elsewhere(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R073: an SK-4xx code in an episode that is not TIVA."""
    places = []
    for i, e in enumerate(report.vardtillfalle):
        if e.grunddata.vardtyp is Vardtyp.TIVA:
            continue
        present = {row.kod for row in _complications(e)}
        free = sorted(
            (c for c in TIVA_ONLY_COMPLICATIONS if c not in present), key=lambda c: c.value
        )
        places += [(i, k, free) for k in _plain_rows(e) if free]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, free = place
    return _change(report, _complication_field(i, k, "kod"), draw(st.sampled_from(free)))


def _no_complication_among_others(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R074: ``SK-000`` added after real complications."""
    limit = model_info(Komplikationer).by_py["komplikation"].max_occurs

    def candidate(e: Vardtillfalle) -> bool:
        rows = _complications(e)
        return bool(rows) and len(rows) < limit and all(r.kod is not NO_COMPLICATION for r in rows)

    i = _pick(draw, _episodes(report, candidate))
    if i is None:
        return None
    n = len(_complications(report.vardtillfalle[i]))
    return _change(
        report, (_episode_step(i), *_COMPLICATION_ROW(n)), Komplikation(kod=NO_COMPLICATION)
    )


def _complication_without_date(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R075: a complication other than SK-000 without ``Datum``."""
    places = [(i, k) for i, e in enumerate(report.vardtillfalle) for k in _plain_rows(e)]
    place = _pick(draw, places)
    if place is None:
        return None
    return _change(report, _complication_field(*place, "datum"), None)


def _complication_twice(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R076: a complication row repeated at the end of the list."""
    limit = model_info(Komplikationer).by_py["komplikation"].max_occurs
    places = [
        (i, k)
        for i, e in enumerate(report.vardtillfalle)
        for k, row in enumerate(_complications(e))
        if row.kod is not NO_COMPLICATION and len(_complications(e)) < limit
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k = place
    rows = _complications(report.vardtillfalle[i])
    return _change(report, (_episode_step(i), *_COMPLICATION_ROW(len(rows))), rows[k])


# ------------------------------------------------------------------ scores (R080-R086)


def _sofa_twice(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R080: a second registration on a date that has one, at the same time."""
    limit = model_info(DagligSOFA).by_py["sofaregistrering"].max_occurs
    places = [
        (i, k)
        for i, e in enumerate(report.vardtillfalle)
        if e.daglig_sofa is not None and len(e.daglig_sofa.sofaregistrering) < limit
        for k in range(len(e.daglig_sofa.sofaregistrering))
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k = place
    module = report.vardtillfalle[i].daglig_sofa
    assert module is not None
    rows = list(module.sofaregistrering)
    rows.insert(k + 1, rows[k])
    where = (_episode_step(i), *_SOFA_ROW(k + 1))
    change = _change(
        report, (_episode_step(i), (_SOFA, None)), replace(module, sofaregistrering=rows)
    )
    return ModelChange(change.report, where, None, _text(rows[k].tidpunkt))


_NEMS_EXCLUSIVE = (
    ("mekanisk_ventilation", "kompletterande_andningsstod"),
    ("ett_vasoaktivt_lakemedel", "flera_vasoaktiva_lakemedel"),
)


def _nems_both(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R081: two exclusive NEMS items both ``Ja`` (the second one set)."""
    places = [
        (i, k, second)
        for i, e in enumerate(report.vardtillfalle)
        if e.nems is not None
        for k, row in enumerate(e.nems.nemsregistrering)
        for first, second in _NEMS_EXCLUSIVE
        if getattr(row, first) is JaNej.JA and getattr(row, second) is JaNej.NEJ
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, py_name = place
    where = (_episode_step(i), *_NEMS_ROW(k), (_wire(NEMSRegistrering, py_name), None))
    return _change(report, where, JaNej.JA)


def _sofa_unpaired(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R083: a SOFA row with ``PaO2`` but no ``FiO2`` (or the reverse)."""
    places = [
        (i, k, row)
        for i, e in enumerate(report.vardtillfalle)
        if e.daglig_sofa is not None
        for k, row in enumerate(e.daglig_sofa.sofaregistrering)
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, row = place
    if row.fi_o2 is not None:
        value = None
    else:
        value = draw(values(model_info(SOFARegistrering).by_py["fi_o2"]))
    field = (_wire(SOFARegistrering, "fi_o2"), None)
    return _change(
        report,
        (_episode_step(i), *_SOFA_ROW(k), field),
        value,
        at=(_episode_step(i), *_SOFA_ROW(k)),
    )


def _saps3_operation(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R084: ``Operationstyp`` given without an operation, or left out after one."""

    def candidate(e: Vardtillfalle) -> bool:
        return e.saps3 is not None and e.grunddata.opereradstatus is not None

    i = _pick(draw, _episodes(report, candidate))
    if i is None:
        return None
    saps = report.vardtillfalle[i].saps3
    assert saps is not None
    if saps.operationstyp is not None:
        value = None
    else:
        value = draw(values(model_info(SAPS3).by_py["operationstyp"]))
    where = (_episode_step(i), (_SAPS3, None), (_wire(SAPS3, "operationstyp"), None))
    return _change(report, where, value)


def _saps3_repeat(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R085 (E): a SAPS 3 list token repeated at the end of its list."""
    places = []
    for i, e in enumerate(report.vardtillfalle):
        if e.saps3 is None:
            continue
        for py_name in ("samsjuklighet", "intagningsorsak"):
            items = getattr(e.saps3, py_name)
            if items and len(items) < model_info(SAPS3).by_py[py_name].max_occurs:
                places.append((i, py_name, items))
    place = _pick(draw, places)
    if place is None:
        return None
    i, py_name, items = place
    where = (_episode_step(i), (_SAPS3, None), (_wire(SAPS3, py_name), len(items)))
    return _change(report, where, draw(st.sampled_from(items)))


def _unknown_pair(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R086: PIM3 or Higgins ``FiO2`` a number while ``PaO2`` is unknown, or the reverse."""
    pairs = ((_PIM3, PIM3, "fi_o2"), (_HIGGINS, Higgins, "fi_o2_vid_ankomst"))
    places = [
        (i, name, cls, py_name)
        for i, e in enumerate(report.vardtillfalle)
        for name, cls, py_name in pairs
        if _module(e, name) is not None
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, name, cls, py_name = place
    current = getattr(_module(report.vardtillfalle[i], name), py_name)
    if isinstance(current, VardeOkant):
        value: Any = draw(number_values(model_info(cls).by_py[py_name]))
    else:
        value = VardeOkant.VARDE_OKANT
    return _change(report, (_episode_step(i), (name, None), (_wire(cls, py_name), None)), value)


# ------------------------------------------------------------------ death protocols (R090-R098)


def _protocol_answer(
    protocol: str, cls: type, choose: Callable[[Draw, Any, Vardtillfalle], tuple[str, Any] | None]
) -> Mutator:
    """Change one answer of a death protocol; ``choose`` gives (field, new value) or ``None``."""

    def mutate(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
        i = _pick(draw, _episodes(report, lambda e: _module(e, protocol) is not None))
        if i is None:
            return None
        episode = report.vardtillfalle[i]
        choice = choose(draw, _module(episode, protocol), episode)
        if choice is None:
            return None
        py_name, value = choice
        return _change(
            report, (_episode_step(i), (protocol, None), (_wire(cls, py_name), None)), value
        )

    return mutate


def _toggle(draw: Draw, module: Any, cls: type, py_name: str) -> tuple[str, Any]:
    """Remove a present answer, or give an absent one."""
    if getattr(module, py_name) is not None:
        return py_name, None
    return py_name, draw(values(model_info(cls).by_py[py_name]))


def _q2_2(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R090: Q2.2 iff Q2.1 = EjMöjligDonator."""
    return _toggle(draw, m, Avliden2024, "ej_mojlig_donator_orsak")


def _q3_2(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R091: Q3.2 iff Q3 = Nej."""
    if m.donationskoordinator_kontaktad is None:
        return None
    return _toggle(draw, m, Avliden2024, "varfor_kontaktades_inte_koordinator")


def _q4_2(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R092: Q4.2 iff Q4 = Nej."""
    if m.donationsviljan_utredd is None:
        return None
    return _toggle(draw, m, Avliden2024, "varfor_utreddes_inte_viljan")


def _q4_1_age(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R093: a guardian's answer for an adult, or presumed consent for a minor."""
    if m.utredning_resultat is None:
        return None
    g = e.grunddata
    minor = age(g.fodelsedatum, g.utskrivningstid.date()) < CONSENT_AGE
    wrong = (
        [ViljaResultat.FORMODAT_SAMTYCKE, ViljaResultat.EJ_FORMODAT_SAMTYCKE]
        if minor
        else [ViljaResultat.VARDNADSHAVARE_MEDGAV, ViljaResultat.VARDNADSHAVARE_MEDGAV_EJ]
    )
    return "utredning_resultat", draw(st.sampled_from(wrong))


def _q5_1_1(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R094: Q5.1.1 iff Q5 = Ja."""
    if m.polis_kontaktad is None:
        return None
    return _toggle(draw, m, Avliden2024, "polis_besked")


def _q6_2(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R095: Q6.2 iff Q6 = Nej (kept clear of Q6.2.2 and of DCD)."""
    if m.organdonation_genomford is None or m.varfor_genomfordes_inte_dcd is not None:
        return None
    if m.ej_organdonation_orsak is not None:
        return "ej_organdonation_orsak", None
    reasons = [
        r for r in EjOrgandonationOrsak if r is not EjOrgandonationOrsak.DCDGENOMFORDES_INTE
    ]
    return "ej_organdonation_orsak", draw(st.sampled_from(reasons))


def _q7_1(draw: Draw, m: Avliden2024, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R096: Q7.1 (Nej) given although Q2.1 is not MöjligDCD."""
    if m.mojlig_donator is not MojligDonator.MOJLIG_DBD:
        return None
    return "behandling_avbruten_for_dcd", JaNej.NEJ  # Ja would ask for Q7.2 and Q7.3 too


def _2020_q3_1_1(draw: Draw, m: Avlidna2020, e: Vardtillfalle) -> tuple[str, Any] | None:
    """SIR-R098: Q3.1.1 iff Q3 = Nej."""
    return _toggle(draw, m, Avlidna2020, "ej_mojlig_donator_orsak")


# ------------------------------------------------------------------ other modules (R105-R109)


def _strategy_without_choice(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R105: a documented decision without its strategy, or a strategy without one."""
    i = _pick(draw, _episodes(report, lambda e: e.behandlingsstrategi is not None))
    if i is None:
        return None
    m = report.vardtillfalle[i].behandlingsstrategi
    assert m is not None
    where = (_episode_step(i), (_STRATEGY, None), (_wire(Behandlingsstrategi, "strategi"), None))
    if m.strategi is not None:
        if m.begransning:
            return None  # the limitation rows would be reported as well
        return _change(report, where, None)
    return _change(report, where, BehandlingsstrategiVal.FULLA_INSATSER)


def _sedation_match(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R106: ``MotsvararSederingsmålet`` given without a goal, or left out with one."""
    places = [
        (i, k, row)
        for i, e in enumerate(report.vardtillfalle)
        if e.sederingsmal is not None
        for k, row in enumerate(e.sederingsmal.sederingsregistrering)
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, row = place
    py_name = "motsvarar_sederingsmalet"
    value = (
        None
        if row.motsvarar_sederingsmalet is not None
        else draw(values(model_info(Sederingsregistrering).by_py[py_name]))
    )
    where = (_episode_step(i), *_SEDATION_ROW(k), (_wire(Sederingsregistrering, py_name), None))
    return _change(report, where, value)


_ASSESSMENTS = ("smarta_nrs", "smarta_cpot", "smarta_bps", "smarta_flacc", "rass", "camicu")


def _empty_assessment(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R107: a nursing assessment with only its time."""
    places = [
        (i, k, row)
        for i, e in enumerate(report.vardtillfalle)
        if e.omvardnad is not None
        for k, row in enumerate(e.omvardnad.omvardnadsbedomning)
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, row = place
    where = (_episode_step(i), *_NURSING_ROW(k))
    return _change(report, where, replace(row, **dict.fromkeys(_ASSESSMENTS)))


def _weight_twice(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange | None:
    """SIR-R109: a second daily weight on a date that has one."""
    limit = model_info(ViktOchLangd).by_py["daglig_vikt"].max_occurs
    places = [
        (i, k, e.vikt_och_langd.daglig_vikt)
        for i, e in enumerate(report.vardtillfalle)
        if e.vikt_och_langd is not None and len(e.vikt_och_langd.daglig_vikt) < limit
        for k in range(len(e.vikt_och_langd.daglig_vikt))
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, k, rows = place
    where = (_episode_step(i), (_WEIGHTS, None), (_wire(ViktOchLangd, "daglig_vikt"), len(rows)))
    return _change(report, where, rows[k])


# ------------------------------------------------------------------ IMA (R120)


def _icu_in_ima_file(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R120: an IMA file whose later episode becomes vårdtyp Övrig.

    The fields mandatory outside IMA (SIR-R036) are filled in where the episode lacks them,
    so only the mixing is wrong.
    """
    rows = report.vardtillfalle
    if rows[0].grunddata.vardtyp is not Vardtyp.IMA or len(rows) < 2:
        return None
    i = draw(st.integers(1, len(rows) - 1))
    g = rows[i].grunddata
    changes: dict[str, Any] = {"vardtyp": Vardtyp.OVRIG}
    for py_name in _ICU_DRAWN_FIELDS:
        if getattr(g, py_name) is None:
            changes[py_name] = draw(values(model_info(Grunddata).by_py[py_name]))
    died = g.vardresultat is Vardresultat.AVLIDEN
    if "utskrivningsorsak" in changes:
        reasons = [r for r in Utskrivningsorsak if (r is Utskrivningsorsak.AVLIDEN) == died]
        changes["utskrivningsorsak"] = draw(st.sampled_from(reasons))
    if g.ankomsttid is None:
        changes["ankomsttid"] = g.inskrivningstid
    if g.opereradstatus is None:
        operated = [s for s in Opereradstatus if s is not Opereradstatus.EJ_OPERERAD]
        changes["opereradstatus"] = (
            draw(st.sampled_from(operated))
            if g.pre_opererad_tidpunkt is not None
            else Opereradstatus.EJ_OPERERAD
        )
    new = replace(g, **changes)
    return ModelChange(
        report=_with_grunddata(report, i, **changes),
        location=(_episode_step(i), (_GD, None)),
        before=_text(g.vardtyp),
        after=_text(new.vardtyp),
    )


# ------------------------------------------------------------------ unit rules (R200-R205)


def _declared_module_missing(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R200: a declared module left out of an episode where it applies."""
    declared = (unit or declaration_for(report)).modules
    places = [
        (i, name)
        for i, e in enumerate(report.vardtillfalle)
        for name in DECLARABLE_MODULES
        if name in declared
        and name not in _DEATH_PROTOCOLS  # SIR-R041 reports those
        and _module(e, name) is not None
        and _applies_fully(name, e)
        and not _needed_by_others(name, e)
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, name = place
    return _change(report, (_episode_step(i), (name, None)), None)


def _needed_by_others(name: str, e: Vardtillfalle) -> bool:
    """Leaving out ``Åtgärder`` would also take the DG021 that a sedation goal expects."""
    return name == _ATGARDER and e.sederingsmal is not None


def _other_hsa_id(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange:
    """SIR-R203: a valid HSA-id that is not the declared one."""
    declared = (unit or declaration_for(report)).hsa_id
    old = report.huvud.hsa_id
    digits = st.tuples(
        st.integers(1, 9), st.integers(0, 9), st.integers(2, 9), st.integers(0, 999999)
    ).map(lambda t: "{}{}{}{:06d}".format(*t))
    ids = digits.map(lambda body: hsa_id.with_organisation_number(old, body))
    new = draw(ids.filter(lambda h: h.casefold() != declared.casefold()))
    return _change(report, _header_location("hsa_id"), new)


def _other_department(draw: Draw, report: SIRData, unit: UnitDeclaration | None) -> ModelChange:
    """SIR-R204: a valid department name that is not the declared one."""
    declared = (unit or declaration_for(report)).avdelningsnamn.strip()
    letters = st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ", min_size=1, max_size=_DEPARTMENT_MAX - 4
    )
    name = "Avd " + draw(letters.filter(lambda t: "Avd " + t != declared))
    return _change(report, _header_location("avdelningsnamn"), name)


def _vardtyp_fits(e: Vardtillfalle, vardtyp: Vardtyp, declared: frozenset[str]) -> bool:
    """The episode stays coherent as ``vardtyp`` and the declaration asks for nothing new."""
    g = e.grunddata
    if vardtyp is Vardtyp.IMA or g.vardtyp is Vardtyp.IMA:
        return False
    if vardtyp is not Vardtyp.TIVA and (
        g.ankomstvag is Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA
        or any(r.kod in TIVA_ONLY_COMPLICATIONS for r in _complications(e))
    ):
        return False
    moved = replace(e, grunddata=replace(g, vardtyp=vardtyp))
    for name in DECLARABLE_MODULES:
        present = _module(e, name) is not None
        if present and not MATRIX[name].allows_vardtyp(vardtyp.value):
            return False
        if not present and name in declared and _applies_fully(name, moved):
            return False
    return True


def _undeclared_vardtyp(
    draw: Draw, report: SIRData, unit: UnitDeclaration | None
) -> ModelChange | None:
    """SIR-R205: an episode of a vårdtyp the unit has not declared (modules still fit)."""
    declaration = unit or declaration_for(report)
    places = [
        (i, v)
        for i, e in enumerate(report.vardtillfalle)
        for v in Vardtyp
        if v.value not in declaration.vardtyper and _vardtyp_fits(e, v, declaration.modules)
    ]
    place = _pick(draw, places)
    if place is None:
        return None
    i, vardtyp = place
    return _set_field(report, i, "vardtyp", vardtyp)


# ------------------------------------------------------------------ the tables


def _defect(
    code: str,
    mutate: Mutator,
    *expected: str,
    layer: Layer = "registry",
    needs_unit: bool = False,
    **base: object,
) -> ModelDefect:
    return ModelDefect(
        code=code,
        layer=layer,
        expected=frozenset(expected or (f"SIR-{code.split('-', 1)[0]}",)),
        mutate=mutate,
        needs_unit=needs_unit,
        base=tuple(base.items()),
    )


def _unit(code: str, mutate: Mutator, *expected: str, **base: object) -> ModelDefect:
    """A defect checked against a unit declaration; one episode, so that the declaration of
    :func:`declaration_for` fits the base report without a warning."""
    layer: Layer = "unit" if code.startswith("R2") else "registry"
    return _defect(code, mutate, *expected, layer=layer, needs_unit=True, max_episodes=1, **base)


def _anywhere(e: Vardtillfalle, stay: Stay) -> bool:
    """Any episode where the module does not apply."""
    return True


RULE_DEFECTS: tuple[ModelDefect, ...] = (
    _defect("R001-hsa-id-check-digit", _bad_hsa_id),
    _defect("R002-control-in-department-name", _control_in_department),
    _defect("R010-personnummer-check-digit", _wrong_check_digit(Personnummertyp.PERSONNUMMER)),
    _defect(
        "R011-samordningsnummer-check-digit",
        _wrong_check_digit(Personnummertyp.SAMORDNINGSNUMMER),
        identity="samordningsnummer",
    ),
    _defect("R012-idbegrepp-iff-reservnummer", _idbegrepp),
    _defect("R013-birth-date-mismatch", _birth_date_mismatch),
    _defect("R014-sex-mismatch", _sex_mismatch),
    _defect("R015-older-than-125", _too_old, identity="reservnummer"),
    _defect("R020-arrival-after-admission", _arrival_after_start),
    _defect("R021-discharge-at-admission", _no_stay),
    _defect("R022-discharge-after-file-created", _end_after_created),
    _defect("R023-row-after-discharge", _row_outside_stay),
    _defect("R025-preoperative-time", _preoperative_after_start),
    _defect("R027-converted-outside-tiva", _converted_outside_tiva),
    _defect("R030-saps3-not-applicable", _add_module(_SAPS3, _anywhere)),
    _defect("R031-pim3-not-applicable", _add_module(_PIM3, _anywhere)),
    _defect("R032-higgins-not-applicable", _add_module(_HIGGINS, _anywhere)),
    _defect("R033-daily-sofa-not-applicable", _add_module(_SOFA, _in_use(_SOFA))),
    _defect("R034-death-protocol-outside-icu", _death_protocol_outside_icu),
    _defect("R035-complications-not-applicable", _add_module(_KOMPLIKATIONER, _anywhere)),
    _defect("R036-icu-field-missing", _icu_field_missing),
    _defect("R037-sedation-goal-in-ima", _sedation_in_ima, ima=True),
    _defect("R038-frailty-for-child", _add_module(_CFS, _in_use(_CFS))),
    _defect("R040-alive-discharged-nowhere", _alive_not_applicable),
    _unit("R041-declared-death-protocol-missing", _declared_protocol_missing, vardtyp=Vardtyp.IVA),
    _defect("R042-death-protocol-alive", _protocol_without_death, vardtyp=Vardtyp.IVA),
    _defect("R043-death-protocol-wrong-date", _wrong_protocol, vardtyp=Vardtyp.IVA),
    _defect(
        "R044-both-death-protocols", _both_protocols, "SIR-R043", "SIR-R044", vardtyp=Vardtyp.IVA
    ),
    _defect("R051-diagnosis-repeated", _repeated_diagnosis),
    _defect("R060-episode-sent-twice", _duplicate_episode),
    _defect("R061-episodes-overlap", _overlapping_episode),
    _defect("R062-lokalt-id-repeated", _repeated_local_id, min_episodes=2),
    _defect("R070-drain-without-action", _drain_without_action, vardtyp=Vardtyp.IVA),
    _defect("R072-retired-action-code", _retired_action, "SIR-R071", "SIR-R072"),
    _defect("R073-tiva-complication-elsewhere", _tiva_code_elsewhere, vardtyp=Vardtyp.IVA),
    _defect(
        "R074-no-complication-among-others", _no_complication_among_others, vardtyp=Vardtyp.IVA
    ),
    _defect("R075-complication-without-date", _complication_without_date, vardtyp=Vardtyp.IVA),
    _defect("R076-complication-twice", _complication_twice, vardtyp=Vardtyp.IVA),
    _defect("R080-sofa-twice-a-day", _sofa_twice, vardtyp=Vardtyp.IVA),
    _defect("R081-nems-exclusive-items", _nems_both),
    _defect("R083-sofa-pao2-without-fio2", _sofa_unpaired, vardtyp=Vardtyp.IVA),
    _defect("R084-saps3-operation-type", _saps3_operation, vardtyp=Vardtyp.IVA),
    _defect("R085-saps3-token-repeated", _saps3_repeat, vardtyp=Vardtyp.IVA),
    _defect("R086-pao2-fio2-kinds", _unknown_pair, ima=False),
    _defect(
        "R090-q2-2-iff-not-donor",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q2_2),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R091-q3-2-iff-not-contacted",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q3_2),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R092-q4-2-iff-not-investigated",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q4_2),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R093-consent-for-age",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q4_1_age),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R094-q5-1-1-iff-police",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q5_1_1),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R095-q6-2-iff-no-donation",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q6_2),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R096-q7-1-without-dcd",
        _protocol_answer(_AVLIDEN2024, Avliden2024, _q7_1),
        vardtyp=Vardtyp.IVA,
    ),
    _defect(
        "R098-2020-q3-1-1-iff-not-donor",
        _protocol_answer(_AVLIDNA2020, Avlidna2020, _2020_q3_1_1),
        vardtyp=Vardtyp.IVA,
    ),
    _defect("R105-strategy-iff-decision", _strategy_without_choice),
    _defect("R106-sedation-match-iff-goal", _sedation_match),
    _defect("R107-empty-nursing-assessment", _empty_assessment),
    _defect("R109-daily-weight-twice", _weight_twice),
    _defect("R120-icu-episode-in-ima-file", _icu_in_ima_file, ima=True, min_episodes=2),
    _unit("R200-declared-module-missing", _declared_module_missing),
    _unit("R203-other-hsa-id", _other_hsa_id),
    _unit("R204-other-department", _other_department),
    _unit("R205-undeclared-vardtyp", _undeclared_vardtyp, ima=False),
)
"""Model defects for the registry and unit rules of severity error or fatal."""

RULES_NOT_GENERATABLE: Mapping[str, str] = MappingProxyType(
    {
        "SIR-R003": "The model holds only format version 5.2 and the encoders write the root "
        "element themselves; only a document defect reaches the rule.",
        "SIR-R050": "The model holds exactly one HuvudsakligIVADiagnos; a missing or second "
        "one is a document defect, caught by the schema first.",
        "SIR-R206": "An invalid unit declaration cannot be constructed (UnitDeclaration "
        "checks itself); the rule is about the declaration, not the report.",
    }
)
"""Error and fatal rules no model change can break: catalog code -> reason."""
