"""Scores and daily registrations, SIR-R080…R087 (data dictionary §6.8).

SIR-R080 and SIR-R082 use the unit's SOFA time (``sofa_tid`` of the unit declaration,
09:00 without one). SIR-R082 and SIR-R087 look for gaps only when the module is present;
a missing module is SIR-R200's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

from sir_format._paths import Location
from sir_format.metadata import model_info
from sir_format.models import (
    NEMS,
    PIM3,
    SAPS3,
    DagligSOFA,
    Higgins,
    JaNej,
    NEMSRegistrering,
    Opereradstatus,
    SAPS3Intagningsorsak,
    SOFARegistrering,
    Vardtillfalle,
)
from sir_format.validation._core import EpisodeContext, Hit, Severity, episode_rule
from sir_format.validation.unit import DEFAULT_SOFA_TID

__all__ = ["format_dates", "sofa_time"]

_EPISODE = model_info(Vardtillfalle).by_py
_SOFA = _EPISODE["daglig_sofa"].wire_name
_SOFA_ROW = model_info(DagligSOFA).by_py["sofaregistrering"].wire_name
_S = model_info(SOFARegistrering).by_py
_NEMS = _EPISODE["nems"].wire_name
_NEMS_ROW = model_info(NEMS).by_py["nemsregistrering"].wire_name
_N = model_info(NEMSRegistrering).by_py
_SAPS3 = _EPISODE["saps3"].wire_name
_SAPS = model_info(SAPS3).by_py
_PIM3 = _EPISODE["pim3"].wire_name
_PIM = model_info(PIM3).by_py
_HIGGINS = _EPISODE["higgins"].wire_name
_HIG = model_info(Higgins).by_py

# Mutually exclusive NEMS items (SIR-R081): the second of each pair is reported.
_NEMS_EXCLUSIVE = (
    ("mekanisk_ventilation", "kompletterande_andningsstod"),
    ("ett_vasoaktivt_lakemedel", "flera_vasoaktiva_lakemedel"),
)


def sofa_time(ctx: EpisodeContext) -> time:
    """The unit's SOFA time: ``sofa_tid`` of the declaration, else 09:00."""
    return ctx.unit.sofa_tid if ctx.unit is not None else DEFAULT_SOFA_TID


def format_dates(days: Iterable[date]) -> str:
    """Sorted dates with runs of consecutive days joined: ``2024-11-04–2024-11-06, 2024-11-09``."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()}–{run[-1].isoformat()}"
        for run in runs
    )


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _sofa_rows(ctx: EpisodeContext) -> list[SOFARegistrering]:
    module = ctx.episode.daglig_sofa
    return list(module.sofaregistrering) if module is not None else []


def _sofa_at(index: int, py_name: str | None = None) -> Location:
    loc: Location = ((_SOFA, None), (_SOFA_ROW, index))
    return (*loc, (_S[py_name].wire_name, None)) if py_name else loc


def _nems_at(index: int, py_name: str | None = None) -> Location:
    loc: Location = ((_NEMS, None), (_NEMS_ROW, index))
    return (*loc, (_N[py_name].wire_name, None)) if py_name else loc


@episode_rule("SIR-R080")
def sofa_at_unit_time(ctx: EpisodeContext) -> Iterator[Hit]:
    """Each SOFA registration is at the unit's SOFA time, at most one per date.

    A row off the SOFA time is reported for its time; a row at the SOFA time is reported when
    an earlier row of its date was also at the SOFA time. So the rows found do not depend on
    the order of the registrations in the file.
    """
    at = sofa_time(ctx)
    clock = f"{at.hour:02d}:{at.minute:02d}"
    seen: set[date] = set()
    for i, row in enumerate(_sofa_rows(ctx)):
        moment: datetime = row.tidpunkt
        if moment.time() != at or moment.date() in seen:
            yield Hit({"t": moment, "hh:mm": clock}, _sofa_at(i, "tidpunkt"))
        else:
            seen.add(moment.date())


@episode_rule("SIR-R081")
def nems_day(ctx: EpisodeContext) -> Iterator[Hit]:
    """One NEMS registration per date; mutually exclusive items not both ``Ja``."""
    module = ctx.episode.nems
    if module is None:
        return
    seen: set[date] = set()
    for i, row in enumerate(module.nemsregistrering):
        if row.datum in seen:
            yield Hit({"d": row.datum}, _nems_at(i, "datum"))
        seen.add(row.datum)
        for first, second in _NEMS_EXCLUSIVE:
            if getattr(row, first) is JaNej.JA and getattr(row, second) is JaNej.JA:
                yield Hit({"d": row.datum}, _nems_at(i, second))


@episode_rule("SIR-R082")
def sofa_complete(ctx: EpisodeContext) -> Iterator[Hit]:
    """Every SOFA time inside the stay has a registration (when ``DagligSOFA`` is present)."""
    if ctx.episode.daglig_sofa is None:
        return
    at = sofa_time(ctx)
    start, end = ctx.start, ctx.end
    expected = [
        day for day in _days(start.date(), end.date()) if start <= datetime.combine(day, at) <= end
    ]
    registered = {row.tidpunkt.date() for row in _sofa_rows(ctx)}
    missing = [day for day in expected if day not in registered]
    if missing:
        yield Hit({"dates": format_dates(missing)}, ((_SOFA, None),))


@episode_rule("SIR-R083")
def sofa_pao2_fio2(ctx: EpisodeContext) -> Iterator[Hit]:
    """SOFA ``PaO2`` and ``FiO2`` both present or both absent."""
    for i, row in enumerate(_sofa_rows(ctx)):
        if (row.pa_o2 is None) != (row.fi_o2 is None):
            yield Hit({"t": row.tidpunkt}, _sofa_at(i))


def _saps_at(py_name: str) -> Location:
    return ((_SAPS3, None), (_SAPS[py_name].wire_name, None))


@episode_rule("SIR-R084")
def saps3_conditional(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Operationstyp`` iff the patient was operated; ``PaO2`` and ``FiO2`` together."""
    saps = ctx.episode.saps3
    if saps is None:
        return
    status = ctx.episode.grunddata.opereradstatus
    if status is not None and (saps.operationstyp is not None) != (
        status is not Opereradstatus.EJ_OPERERAD
    ):
        yield Hit({"field": _SAPS["operationstyp"].wire_name}, _saps_at("operationstyp"))
    if (saps.pa_o2 is None) != (saps.fi_o2 is None):
        missing = "fi_o2" if saps.fi_o2 is None else "pa_o2"
        yield Hit({"field": _SAPS[missing].wire_name}, _saps_at(missing))


def _first_repeat(values: list[Any]) -> int | None:
    seen: set[Any] = set()
    for i, value in enumerate(values):
        if value in seen:
            return i
        seen.add(value)
    return None


@episode_rule("SIR-R085")
def saps3_lists(ctx: EpisodeContext) -> Iterator[Hit]:
    """E: no repeated token in ``Samsjuklighet``/``Intagningsorsak``. W: basal observation
    combined with another reason."""
    saps = ctx.episode.saps3
    if saps is None:
        return
    for py_name in ("samsjuklighet", "intagningsorsak"):
        values: list[Enum] = list(getattr(saps, py_name))
        repeat = _first_repeat(values)
        if repeat is not None:
            wire = _SAPS[py_name].wire_name
            yield Hit(
                {"field": wire},
                ((_SAPS3, None), (wire, repeat)),
                severity=Severity.ERROR,
                variant="E",
            )
    reasons = list(saps.intagningsorsak)
    basal = SAPS3Intagningsorsak.BASAL_OBSERVATION
    if basal in reasons and any(r is not basal for r in reasons):
        wire = _SAPS["intagningsorsak"].wire_name
        yield Hit(
            {"field": wire},
            ((_SAPS3, None), (wire, reasons.index(basal))),
            severity=Severity.WARNING,
            variant="W",
        )


@episode_rule("SIR-R086")
def paired_unknowns(ctx: EpisodeContext) -> Iterator[Hit]:
    """PIM3 and Higgins: PaO2 and FiO2 both numbers or both ``VärdeOkänt``."""
    pairs: list[tuple[str, object, dict[str, Any], str, str]] = []
    if ctx.episode.pim3 is not None:
        pairs.append((_PIM3, ctx.episode.pim3, _PIM, "pa_o2", "fi_o2"))
    if ctx.episode.higgins is not None:
        pairs.append(
            (_HIGGINS, ctx.episode.higgins, _HIG, "pa_o2_vid_ankomst", "fi_o2_vid_ankomst")
        )
    for module, block, fields, pao2, fio2 in pairs:
        unknown_pao2 = isinstance(getattr(block, pao2), Enum)
        unknown_fio2 = isinstance(getattr(block, fio2), Enum)
        if unknown_pao2 != unknown_fio2:
            yield Hit({"module": module}, ((module, None), (fields[fio2].wire_name, None)))


@episode_rule("SIR-R087")
def nems_complete(ctx: EpisodeContext) -> Iterator[Hit]:
    """A NEMS registration for each calendar day of the stay (when ``NEMS`` is present)."""
    module = ctx.episode.nems
    if module is None:
        return
    registered = {row.datum for row in module.nemsregistrering}
    missing = [d for d in _days(ctx.start.date(), ctx.end.date()) if d not in registered]
    if missing:
        yield Hit({"dates": format_dates(missing)}, ((_NEMS, None),))
