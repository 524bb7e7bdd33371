"""Grunddata and time-order rules SIR-R020…R027 (data dictionary §6.3).

SIR-R023 checks every dated row of the episode. The rows are found once, from the metadata:
every ``LokalTidpunktTyp`` or ``DatumTyp`` element inside a module (anything but
``Grunddata``). Times are compared with the stay [``Inskrivningstid``, ``Utskrivningstid``],
dates with [date(``Inskrivningstid``), date(``Utskrivningstid``)].
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sir_format._paths import Location
from sir_format.metadata import FieldInfo, Kind, ModelInfo, model_info
from sir_format.models import (
    Ankomstvag,
    Begransning,
    Behandlingsstrategi,
    Grunddata,
    JaNej,
    Opereradstatus,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.validation._core import EpisodeContext, Hit, episode_rule

__all__ = ["MAX_ARRIVAL_BEFORE_START", "MAX_STAY", "DatedRow", "dated_rows"]

MAX_STAY = timedelta(days=180)
"""Longest usual length of stay (SIR-R024)."""
MAX_ARRIVAL_BEFORE_START = timedelta(days=365)
"""Longest usual time from hospital arrival to the episode start (SIR-R026)."""

_DAY = timedelta(days=1)
_G = model_info(Grunddata).by_py
_EPISODE = model_info(Vardtillfalle).by_py
_GRUNDDATA = _EPISODE["grunddata"].wire_name


def _at(py_name: str) -> Location:
    return ((_GRUNDDATA, None), (_G[py_name].wire_name, None))


@dataclass(frozen=True, slots=True)
class DatedRow:
    """A dated element inside a module: the field steps from the episode down to it."""

    steps: tuple[FieldInfo, ...]

    @property
    def element(self) -> str:
        """``Parent/Field`` wire names, e.g. ``SOFARegistrering/Tidpunkt``."""
        return f"{self.steps[-2].wire_name}/{self.steps[-1].wire_name}"

    @property
    def has_time(self) -> bool:
        return self.steps[-1].kind is Kind.DATETIME


def _collect(info: ModelInfo, prefix: tuple[FieldInfo, ...], out: list[DatedRow]) -> None:
    for f in info.fields:
        if f.kind is Kind.COMPLEX:
            _collect(f.model, (*prefix, f), out)
        elif f.kind in (Kind.DATE, Kind.DATETIME):
            out.append(DatedRow((*prefix, f)))


def _dated_rows() -> tuple[DatedRow, ...]:
    out: list[DatedRow] = []
    for f in model_info(Vardtillfalle).fields:
        if f.kind is Kind.COMPLEX and f.python_type is not Grunddata:
            _collect(f.model, (f,), out)
    return tuple(out)


_DATED_ROWS = _dated_rows()


def dated_rows() -> tuple[DatedRow, ...]:
    """Every dated module row SIR-R023 checks, in schema order."""
    return _DATED_ROWS


def _values(
    obj: Any, steps: tuple[FieldInfo, ...], loc: Location
) -> Iterator[tuple[Location, Any]]:
    head, rest = steps[0], steps[1:]
    value = getattr(obj, head.py_name, None)
    if value is None:
        return
    items: list[tuple[int | None, Any]] = (
        list(enumerate(value)) if head.is_list else [(None, value)]
    )
    for index, item in items:
        here = (*loc, (head.wire_name, index))
        if rest:
            yield from _values(item, rest, here)
        elif item is not None:
            yield here, item


@episode_rule("SIR-R020")
def arrival_before_start(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Ankomsttid`` ≤ ``Inskrivningstid``."""
    arrival = ctx.episode.grunddata.ankomsttid
    if arrival is not None and arrival > ctx.start:
        yield Hit({"a": arrival, "s": ctx.start}, _at("ankomsttid"))


@episode_rule("SIR-R021")
def start_before_end(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Inskrivningstid`` < ``Utskrivningstid``."""
    if not ctx.start < ctx.end:
        yield Hit({"u": ctx.end, "s": ctx.start}, _at("utskrivningstid"))


@episode_rule("SIR-R022")
def end_before_created(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Utskrivningstid`` ≤ ``Huvud/Skapad``: only finished episodes are reported."""
    created = ctx.header.skapad
    if created is not None and ctx.end > created:
        yield Hit({"u": ctx.end}, _at("utskrivningstid"))


def _begransning_may_predate(ctx: EpisodeContext) -> bool:
    strategy: Behandlingsstrategi | None = ctx.episode.behandlingsstrategi
    return strategy is not None and strategy.beslut_taget_fore_iva is JaNej.JA


@episode_rule("SIR-R023")
def rows_inside_stay(ctx: EpisodeContext) -> Iterator[Hit]:
    """Every dated module row lies inside the stay (``Begränsning`` may predate it)."""
    start, end = ctx.start, ctx.end
    for row in _DATED_ROWS:
        lower: datetime | date | None
        upper: datetime | date
        if row.has_time:
            lower, upper = start, end
        else:
            lower, upper = start.date(), end.date()
        if row.steps[-2].python_type is Begransning and _begransning_may_predate(ctx):
            lower = None
        for loc, value in _values(ctx.episode, row.steps, ()):
            if (lower is not None and value < lower) or value > upper:
                shown_start = start if row.has_time else start.date()
                params = {"element": row.element, "t": value, "s": shown_start, "u": upper}
                yield Hit(params, loc)


@episode_rule("SIR-R024")
def stay_not_too_long(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warn when the stay is longer than 180 days; ``{n}`` is whole days, rounded up."""
    stay = ctx.end - ctx.start
    if stay > MAX_STAY:
        days = stay // _DAY + (1 if stay % _DAY else 0)
        yield Hit({"n": days}, _at("utskrivningstid"))


@episode_rule("SIR-R025")
def preop_time_allowed(ctx: EpisodeContext) -> Iterator[Hit]:
    """``PreOpereradTidpunkt`` only when operated (status ≠ ``EjOpererad``) and ≤ start.

    An absent ``Opereradstatus`` (allowed for IMA) does not forbid the time.
    """
    g = ctx.episode.grunddata
    preop = g.pre_opererad_tidpunkt
    if preop is None:
        return
    if g.opereradstatus is Opereradstatus.EJ_OPERERAD or preop > ctx.start:
        yield Hit({"t": preop}, _at("pre_opererad_tidpunkt"))


@episode_rule("SIR-R026")
def arrival_not_too_early(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warn when hospital arrival is more than 365 days before the episode start."""
    arrival = ctx.episode.grunddata.ankomsttid
    if arrival is not None and ctx.start - arrival > MAX_ARRIVAL_BEFORE_START:
        yield Hit({"a": arrival}, _at("ankomsttid"))


@episode_rule("SIR-R027")
def conversion_only_tiva(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Ankomstväg`` = ``KonverteradFrånIVATillTIVA`` only with ``Vårdtyp`` = ``TIVA``."""
    g = ctx.episode.grunddata
    if g.ankomstvag is Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA and g.vardtyp is not Vardtyp.TIVA:
        yield Hit({"v": g.ankomstvag.value}, _at("ankomstvag"))
