"""Identity rules SIR-R010…R016 (data dictionary §6.2): identity number, birth date, sex.

Identity numbers are passed as :class:`~sir_format.validation._core.Identity` parameters,
so rendered messages mask them unless the caller asks otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sir_format._paths import Location
from sir_format.metadata import model_info
from sir_format.models import Grunddata, Kon, Personnummertyp, Vardtillfalle
from sir_format.validation._core import EpisodeContext, Hit, Identity, episode_rule
from sir_format.validation.identity import (
    birth_date,
    is_male,
    personnummer_reason,
    reservnummer_reason,
    samordningsnummer_reason,
)

__all__ = ["MAX_AGE"]

MAX_AGE = 125
"""Oldest plausible age in completed years at ``Inskrivningstid`` (SIR-R015)."""

_G = model_info(Grunddata).by_py
_GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name


def _at(py_name: str) -> Location:
    return ((_GRUNDDATA, None), (_G[py_name].wire_name, None))


@episode_rule("SIR-R010")
def personnummer_valid(ctx: EpisodeContext) -> Iterator[Hit]:
    """A personnummer has 12 digits, a real birth date not after the start, and Luhn."""
    g = ctx.episode.grunddata
    if g.personnummertyp is not Personnummertyp.PERSONNUMMER:
        return
    reason = personnummer_reason(g.personnummer, not_after=ctx.start.date())
    if reason is not None:
        yield Hit({"v": Identity(g.personnummer), "reason": reason}, _at("personnummer"))


@episode_rule("SIR-R011")
def samordningsnummer_valid(ctx: EpisodeContext) -> Iterator[Hit]:
    """A samordningsnummer has 12 digits, day 61–91 with day − 60 a real date, and Luhn."""
    g = ctx.episode.grunddata
    if g.personnummertyp is not Personnummertyp.SAMORDNINGSNUMMER:
        return
    reason = samordningsnummer_reason(g.personnummer)
    if reason is not None:
        yield Hit({"v": Identity(g.personnummer), "reason": reason}, _at("personnummer"))


@episode_rule("SIR-R012")
def reservnummer_valid(ctx: EpisodeContext) -> Iterator[Hit]:
    """A reservnummer is well formed; ``Idbegrepp`` is present iff the type is Reservnummer."""
    g = ctx.episode.grunddata
    params = {"v": Identity(g.personnummer)}
    is_reserv = g.personnummertyp is Personnummertyp.RESERVNUMMER
    if is_reserv and reservnummer_reason(g.personnummer) is not None:
        yield Hit(params, _at("personnummer"))
    if is_reserv != (g.idbegrepp is not None):
        yield Hit(params, _at("idbegrepp"))


def _encoded_birth_date(g: Grunddata) -> tuple[bool, date | None]:
    """(applies, date or None) for the kinds that encode a birth date."""
    if g.personnummertyp is Personnummertyp.PERSONNUMMER:
        return True, birth_date(g.personnummer)
    if g.personnummertyp is Personnummertyp.SAMORDNINGSNUMMER:
        return True, birth_date(g.personnummer, samordning=True)
    return False, None


@episode_rule("SIR-R013")
def birth_date_matches(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Födelsedatum`` equals the date the number encodes (skipped if it encodes none)."""
    g = ctx.episode.grunddata
    applies, encoded = _encoded_birth_date(g)
    if applies and encoded is not None and encoded != g.fodelsedatum:
        yield Hit({"d": g.fodelsedatum}, _at("fodelsedatum"))


@episode_rule("SIR-R014")
def sex_matches(ctx: EpisodeContext) -> Iterator[Hit]:
    """Digit 11 odd = Man, even = Kvinna; ``VärdeOkänt`` only with a reservnummer."""
    g = ctx.episode.grunddata
    hit = Hit({"k": g.kon.value}, _at("kon"))
    if g.personnummertyp is Personnummertyp.RESERVNUMMER:
        return
    if g.kon is Kon.VARDE_OKANT:
        yield hit
        return
    male = is_male(g.personnummer)
    if male is not None and male != (g.kon is Kon.MAN):
        yield hit


@episode_rule("SIR-R015")
def birth_date_plausible(ctx: EpisodeContext) -> Iterator[Hit]:
    """Birth date ≤ date(``Inskrivningstid``) and age ≤ 125."""
    g = ctx.episode.grunddata
    if g.fodelsedatum > ctx.start.date() or ctx.age > MAX_AGE:
        yield Hit({"d": g.fodelsedatum}, _at("fodelsedatum"))


@episode_rule("SIR-R016")
def reservnummer_looks_valid(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warn when a reservnummer is also a valid personnummer or samordningsnummer."""
    g = ctx.episode.grunddata
    if g.personnummertyp is not Personnummertyp.RESERVNUMMER:
        return
    value = g.personnummer
    if personnummer_reason(value) is None or samordningsnummer_reason(value) is None:
        yield Hit({"v": Identity(value)}, _at("personnummer"))
