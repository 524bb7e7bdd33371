"""Outcome and death-protocol rules SIR-R040…R044 (data dictionary §6.5).

The death date is the date of ``Utskrivningstid`` when ``Vårdresultat`` = ``Avliden``. Which
protocol applies to which death dates is read from the death-date windows of the §5.2 matrix
(:mod:`sir_format.domain.registry`). SIR-R041 needs the unit declaration
(``ctx.unit.modules``) and does nothing without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sir_format._paths import Location
from sir_format.domain.registry import DEATH_PROTOCOL_VARDTYPER, MATRIX
from sir_format.metadata import model_info
from sir_format.models import Grunddata, UtskrivenTill, Utskrivningsorsak, Vardtillfalle
from sir_format.validation._core import EpisodeContext, Hit, Text, episode_rule

__all__ = ["DEATH_PROTOCOLS", "NO_PROTOCOL", "protocol_for"]

DEATH_PROTOCOLS: tuple[str, ...] = tuple(
    row.module for row in MATRIX.values() if row.requires_death
)
"""Wire names of the death protocols (``Avlidna2020``, ``Avliden2024``), in schema order."""

NO_PROTOCOL = Text(sv="inget protokoll", en="no protocol")
"""``{other}`` of SIR-R043 when no protocol applies to the death date (before 2020)."""

_EPISODE = model_info(Vardtillfalle).by_py
_EPISODE_WIRE = model_info(Vardtillfalle).by_wire
_G = model_info(Grunddata).by_py
_GRUNDDATA = _EPISODE["grunddata"].wire_name


def _module(wire: str) -> Location:
    return ((wire, None),)


def _at(py_name: str) -> Location:
    return ((_GRUNDDATA, None), (_G[py_name].wire_name, None))


def protocol_for(death: date) -> str | None:
    """Wire name of the protocol that applies to a death on ``death``, if any."""
    for wire in DEATH_PROTOCOLS:
        if MATRIX[wire].covers_death(death):
            return wire
    return None


def _present_protocols(ctx: EpisodeContext) -> list[str]:
    return [
        w for w in DEATH_PROTOCOLS if getattr(ctx.episode, _EPISODE_WIRE[w].py_name) is not None
    ]


@episode_rule("SIR-R040")
def discharge_matches_outcome(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Avliden`` ⇔ ``Utskrivningsorsak`` = ``Avliden`` (if present) ⇔ ``EjTillämpbart``.

    Each contradicting field is reported at its own location.
    """
    g = ctx.episode.grunddata
    died = ctx.died
    params = {"v": g.vardresultat.value}
    reason = g.utskrivningsorsak
    if reason is not None and (reason is Utskrivningsorsak.AVLIDEN) != died:
        yield Hit(params, _at("utskrivningsorsak"))
    if (g.utskriven_till is UtskrivenTill.EJ_TILLAMPBART) != died:
        yield Hit(params, _at("utskriven_till"))


@episode_rule("SIR-R041")
def declared_protocol_present(ctx: EpisodeContext) -> Iterator[Hit]:
    """A death in IVA/TIVA/BIVA has the protocol for its date when the unit declared it."""
    death = ctx.death_date
    if ctx.unit is None or death is None:
        return
    if ctx.episode.grunddata.vardtyp.value not in DEATH_PROTOCOL_VARDTYPER:
        return
    protocol = protocol_for(death)
    if protocol is None or protocol not in ctx.unit.modules:
        return
    if getattr(ctx.episode, _EPISODE_WIRE[protocol].py_name) is None:
        yield Hit({"d": death, "module": protocol}, _module(protocol))


@episode_rule("SIR-R042")
def protocol_needs_death(ctx: EpisodeContext) -> Iterator[Hit]:
    """A death protocol requires ``Vårdresultat`` = ``Avliden``."""
    if ctx.died:
        return
    for name in _present_protocols(ctx):
        yield Hit({}, _module(name))


@episode_rule("SIR-R043")
def protocol_matches_date(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Avlidna2020`` for deaths 2020–2023, ``Avliden2024`` for deaths from 2024."""
    death = ctx.death_date
    if death is None:
        return
    right = protocol_for(death)
    for name in _present_protocols(ctx):
        if name != right:
            other: str | Text = NO_PROTOCOL if right is None else right
            yield Hit({"module": name, "d": death, "other": other}, _module(name))


@episode_rule("SIR-R044")
def one_protocol(ctx: EpisodeContext) -> Iterator[Hit]:
    """Not both death protocols in one episode (reported at the second)."""
    present = _present_protocols(ctx)
    if len(present) > 1:
        yield Hit({}, _module(present[-1]))
