"""Identity rules SIR-R010…R016 (data dictionary §6.2): identity number, birth date, sex.

Identity numbers are passed as :class:`~sir_format.validation._core.Identity` parameters,
so rendered messages mask them unless the caller asks otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sir_format._paths import Location
from sir_format.domain import personnummer, reservnummer, samordningsnummer
from sir_format.domain.registry import MAX_AGE
from sir_format.errors import IdentifierError
from sir_format.metadata import model_info
from sir_format.models import Grunddata, Kon, Personnummertyp, Vardtillfalle
from sir_format.validation._core import EpisodeContext, Hit, Identity, Text, episode_rule
from sir_format.validation.identity import (
    Reason,
    personnummer_reason,
    reservnummer_reason,
    samordningsnummer_reason,
)

__all__ = ["MAX_AGE", "reason_text"]

_G = model_info(Grunddata).by_py
_GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name


def _at(py_name: str) -> Location:
    return ((_GRUNDDATA, None), (_G[py_name].wire_name, None))


def reason_text(reason: Reason) -> Text:
    """A reason as a message parameter (rendered in the finding's language)."""
    return Text(sv=reason.sv, en=reason.en)


@episode_rule("SIR-R010")
def personnummer_valid(ctx: EpisodeContext) -> Iterator[Hit]:
    """A personnummer has 12 digits, a real birth date not after the start, and Luhn."""
    g = ctx.episode.grunddata
    if g.personnummertyp is not Personnummertyp.PERSONNUMMER:
        return
    reason = personnummer_reason(g.personnummer, not_after=ctx.start.date())
    if reason is not None:
        params = {"v": Identity(g.personnummer), "reason": reason_text(reason)}
        yield Hit(params, _at("personnummer"))


@episode_rule("SIR-R011")
def samordningsnummer_valid(ctx: EpisodeContext) -> Iterator[Hit]:
    """A samordningsnummer has 12 digits, day 61–91 with day − 60 a real date, and Luhn."""
    g = ctx.episode.grunddata
    if g.personnummertyp is not Personnummertyp.SAMORDNINGSNUMMER:
        return
    reason = samordningsnummer_reason(g.personnummer)
    if reason is not None:
        params = {"v": Identity(g.personnummer), "reason": reason_text(reason)}
        yield Hit(params, _at("personnummer"))


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


_ENCODING = {
    Personnummertyp.PERSONNUMMER: personnummer,
    Personnummertyp.SAMORDNINGSNUMMER: samordningsnummer,
}
"""The kinds whose number encodes birth date and sex, and the module that reads them."""


def _encoded_birth_date(g: Grunddata) -> date | None:
    """The birth date the number encodes, or None (a reservnummer, or no real date)."""
    module = _ENCODING.get(g.personnummertyp)
    try:
        return module.birth_date(g.personnummer) if module is not None else None
    except IdentifierError:
        return None


def _encoded_sex(g: Grunddata) -> Kon | None:
    """The sex the number encodes, or None (a reservnummer, or not 12 digits)."""
    module = _ENCODING.get(g.personnummertyp)
    try:
        return module.sex(g.personnummer) if module is not None else None
    except IdentifierError:
        return None


@episode_rule("SIR-R013")
def birth_date_matches(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Födelsedatum`` equals the date the number encodes (skipped if it encodes none)."""
    g = ctx.episode.grunddata
    encoded = _encoded_birth_date(g)
    if encoded is not None and encoded != g.fodelsedatum:
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
    encoded = _encoded_sex(g)
    if encoded is not None and encoded is not g.kon:
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
    if reservnummer.looks_like_personal_number(g.personnummer):
        yield Hit({"v": Identity(g.personnummer)}, _at("personnummer"))
