"""File and header rules SIR-R001…R004 (data dictionary §6.1).

All four are file rules: they read the header in ``start``; SIR-R004 also follows the
episodes to find the latest ``Utskrivningstid``. SIR-R002 and SIR-R003 repeat facets the
schema already checks for XML; here they guard model objects and JSON input.

SIR-R004 compares ``Skapad`` with "now": :func:`now` is the clock (Swedish local wall-clock
time, like ``Skapad``); tests replace it with ``monkeypatch.setattr(header, "now", ...)``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sir_format._paths import Location
from sir_format.domain import hsa_id
from sir_format.metadata import model_info
from sir_format.models import Huvud, SIRData
from sir_format.validation._core import EpisodeContext, Hit, file_rule

if TYPE_CHECKING:
    from sir_format.validation.unit import UnitDeclaration

__all__ = ["FUTURE_TOLERANCE", "now"]

FUTURE_TOLERANCE = timedelta(minutes=5)
"""How far ``Skapad`` may lie in the future (clock skew) before SIR-R004 warns."""

_TIMEZONE = "Europe/Stockholm"

_HEAD = model_info(Huvud).by_py
_HUVUD = model_info(SIRData).by_py["huvud"].wire_name


def now() -> datetime:
    """Current Swedish local time, naive (the clock of SIR-R004)."""
    try:
        return datetime.now(ZoneInfo(_TIMEZONE)).replace(tzinfo=None)
    except ZoneInfoNotFoundError:  # pragma: no cover - system without time-zone data
        return datetime.now()


def _at(py_name: str) -> Location:
    return ((_HUVUD, None), (_HEAD[py_name].wire_name, None))


class _HeaderRule:
    """Base of the rules that only read the header."""

    code = ""

    def start(self, header: Huvud, unit: UnitDeclaration | None) -> Iterator[Hit]:
        yield from self.check(header)

    def check(self, header: Huvud) -> Iterator[Hit]:
        raise NotImplementedError

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        return iter(())

    def finish(self) -> Iterator[Hit]:
        return iter(())


@file_rule("SIR-R001")
class HsaIdRule(_HeaderRule):
    """``Huvud/HsaId`` is SE + a Luhn-valid organisation number + ``-`` + suffix."""

    code = "SIR-R001"

    def check(self, header: Huvud) -> Iterator[Hit]:
        value = header.hsa_id or ""
        if not hsa_id.is_valid(value):
            yield Hit({"v": value}, _at("hsa_id"))


@file_rule("SIR-R002")
class AvdelningsnamnRule(_HeaderRule):
    """``Huvud/Avdelningsnamn``: 1–50 characters after trimming, no control characters."""

    code = "SIR-R002"

    def check(self, header: Huvud) -> Iterator[Hit]:
        facets = _HEAD["avdelningsnamn"].facets
        text = (header.avdelningsnamn or "").strip()
        lowest = facets.min_length or 1
        highest = facets.max_length
        too_short = len(text) < lowest
        too_long = highest is not None and len(text) > highest
        control = any(unicodedata.category(ch) == "Cc" for ch in text)
        if too_short or too_long or control:
            yield Hit({"n": len(text)}, _at("avdelningsnamn"))


@file_rule("SIR-R003")
class FormatversionRule(_HeaderRule):
    """``Huvud/Formatversion`` is 5.2 (the root name is checked where XML is read)."""

    code = "SIR-R003"

    def check(self, header: Huvud) -> Iterator[Hit]:
        raw = header.formatversion
        value = str(getattr(raw, "value", raw))
        if value not in _HEAD["formatversion"].facets.enumeration:
            yield Hit({"v": value}, _at("formatversion"))


@file_rule("SIR-R004")
class SkapadRule:
    """``Skapad`` is not in the future and not before the latest ``Utskrivningstid``."""

    code = "SIR-R004"

    def __init__(self) -> None:
        self._created: datetime | None = None
        self._latest_end: datetime | None = None

    def start(self, header: Huvud, unit: UnitDeclaration | None) -> Iterator[Hit]:
        self._created = header.skapad
        if self._created is not None and self._created > now() + FUTURE_TOLERANCE:
            yield Hit({"v": self._created}, _at("skapad"))

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        end = ctx.end
        if end is not None and (self._latest_end is None or end > self._latest_end):
            self._latest_end = end
        return iter(())

    def finish(self) -> Iterator[Hit]:
        created, latest = self._created, self._latest_end
        if created is not None and latest is not None and created < latest:
            yield Hit({"v": created}, _at("skapad"))
