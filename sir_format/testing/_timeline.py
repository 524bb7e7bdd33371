"""Time helpers for coherent reports: wall-clock times, stays and ages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from sir_format.models import Vardtyp
from sir_format.validation.unit import DEFAULT_SOFA_TID

__all__ = [
    "LATEST_END",
    "LATEST_SKAPAD",
    "SOFA_TIME",
    "Stay",
    "age",
    "at_wall_clock",
    "days",
]

LATEST_SKAPAD = datetime(2025, 12, 31, 23, 0)
"""Latest file creation time drawn: a fixed moment in the past, so that ``Skapad`` is never in
the future (SIR-R004) and examples do not depend on the day the tests run."""

LATEST_END = LATEST_SKAPAD - timedelta(days=1)
"""Latest ``Utskrivningstid`` drawn; ``Skapad`` follows within a day."""

SOFA_TIME = DEFAULT_SOFA_TID
"""Default daily SOFA time of a unit (SIR-R080); a unit declaration may name another."""

_DST_HOUR = 2  # 02:00-02:59 is skipped (March) or repeated (October) in Europe/Stockholm


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def at_wall_clock(moment: datetime) -> datetime:
    """Move a local time out of the daylight-saving change hour (02:00-02:59 on the last Sunday
    of March and October) to 03:00 of the same day, where it exists and is unambiguous.

    The map never reverses order (a later time never becomes earlier) and keeps the date, so
    times computed from ordered offsets stay ordered and inside their day.
    """
    if (
        moment.hour == _DST_HOUR
        and moment.month in (3, 10)
        and moment.date() == _last_sunday(moment.year, moment.month)
    ):
        return moment.replace(hour=_DST_HOUR + 1, minute=0, second=0)
    return moment


def age(birth: date, on: date) -> int:
    """Completed years on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def days(first: date, last: date) -> list[date]:
    """Calendar days from ``first`` to ``last`` inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Stay:
    """What the module builders need to know about one episode."""

    vardtyp: Vardtyp
    start: datetime
    end: datetime
    birth: date
    died: bool
    operated: bool
    sofa_time: time = SOFA_TIME
    actions: frozenset[str] | None = None
    """KVÅ codes the unit declared (SIR-R202), or ``None`` for any code."""

    def allows_action(self, code: str) -> bool:
        """True when the action may be reported (declared by the unit, or no unit given)."""
        return self.actions is None or code in self.actions

    @property
    def age(self) -> int:
        """Age at ``Inskrivningstid``."""
        return age(self.birth, self.start.date())

    @property
    def age_at_end(self) -> int:
        """Age at ``Utskrivningstid`` (for a death: at the death date)."""
        return age(self.birth, self.end.date())

    @cached_property
    def dates(self) -> list[date]:
        """Calendar days of the stay."""
        return days(self.start.date(), self.end.date())

    @property
    def minutes(self) -> int:
        """Length of the stay in whole minutes."""
        return int((self.end - self.start).total_seconds()) // 60

    def at(self, offset_minutes: int) -> datetime:
        """The wall-clock time ``offset_minutes`` after the start, inside the stay."""
        return at_wall_clock(self.start + timedelta(minutes=offset_minutes))

    @cached_property
    def sofa_times(self) -> list[datetime]:
        """Every daily SOFA time inside the stay (SIR-R080, R082)."""
        times = (datetime.combine(d, self.sofa_time) for d in self.dates)
        return [t for t in times if self.start <= t <= self.end]
