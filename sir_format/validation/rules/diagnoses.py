"""Diagnosis, duplicate and overlap rules SIR-R050…R052, SIR-R060…R063 (dictionary §6.6).

SIR-R060…R062 are file rules. They keep only small keys per episode (person key, start and
end, ``LokaltId``), so a file can be validated while it streams. The person key is
(``Personnummertyp``, ``Personnummer``). SIR-R063 warns of an identity number inside
``LokaltId``; a ``LokaltId`` is passed as :class:`~sir_format.validation._core.LocalId`, so the
number is masked when shown. SIR-R052 checks codes against the reference of
:mod:`sir_format.validation.reference.icd10se` (3-character categories; see its limits).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sir_format._paths import Location
from sir_format.metadata import model_info
from sir_format.models import Diagnoser, Grunddata, Huvud, Vardtillfalle
from sir_format.validation._core import EpisodeContext, Hit, LocalId, episode_rule, file_rule
from sir_format.validation.identity import embedded_identity_numbers
from sir_format.validation.reference.icd10se import icd10se, normalise

if TYPE_CHECKING:
    from sir_format.validation.unit import UnitDeclaration

__all__: list[str] = []

_EPISODE = model_info(Vardtillfalle).by_py
_D = model_info(Diagnoser).by_py
_G = model_info(Grunddata).by_py
_DIAGNOSER = _EPISODE["diagnoser"].wire_name
_MAIN = _D["huvudsaklig_ivadiagnos"].wire_name
_OTHER = _D["ovrig_diagnos"].wire_name
_LOKALT_ID = _EPISODE["lokalt_id"].wire_name

PersonKey = tuple[str, str]


def _codes(diagnoser: Diagnoser) -> Iterator[tuple[str, Location]]:
    """Every diagnosis code with its location, main diagnosis first."""
    main: Any = diagnoser.huvudsaklig_ivadiagnos
    mains = main if isinstance(main, list) else [main]
    for code in mains:
        if code:
            yield code, ((_DIAGNOSER, None), (_MAIN, None))
    for index, code in enumerate(diagnoser.ovrig_diagnos or ()):
        yield code, ((_DIAGNOSER, None), (_OTHER, index))


@episode_rule("SIR-R050")
def one_main_diagnosis(ctx: EpisodeContext) -> Iterator[Hit]:
    """Exactly one ``HuvudsakligIVADiagnos`` (guards model objects and JSON)."""
    diagnoser: Diagnoser | None = ctx.episode.diagnoser
    if diagnoser is None:
        yield Hit({"n": 0}, ((_DIAGNOSER, None),))
        return
    main: Any = diagnoser.huvudsaklig_ivadiagnos
    found = len([c for c in main if c]) if isinstance(main, list) else int(bool(main))
    if found != 1:
        yield Hit({"n": found}, ((_DIAGNOSER, None), (_MAIN, None)))


@episode_rule("SIR-R051")
def no_repeated_diagnosis(ctx: EpisodeContext) -> Iterator[Hit]:
    """No code twice in the episode (dotted and undotted forms count as one)."""
    if ctx.episode.diagnoser is None:
        return
    seen: set[str] = set()
    reported: set[str] = set()
    for code, loc in _codes(ctx.episode.diagnoser):
        key = normalise(code)
        if key in seen and key not in reported:
            reported.add(key)
            yield Hit({"c": code}, loc)
        seen.add(key)


@episode_rule("SIR-R052")
def known_diagnosis(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warn for a code whose category is not in the ICD-10-SE reference on the start date."""
    if ctx.episode.diagnoser is None:
        return
    reference = icd10se()
    started = ctx.start.date()
    for code, loc in _codes(ctx.episode.diagnoser):
        if not reference.is_known(code, started):
            yield Hit({"c": code, "year": started.year}, loc)


def _person(ctx: EpisodeContext) -> PersonKey:
    g = ctx.episode.grunddata
    kind = getattr(g.personnummertyp, "value", g.personnummertyp)
    return str(kind), g.personnummer


def _grunddata_at(ctx: EpisodeContext, py_name: str) -> Location:
    return (*ctx.location, (_EPISODE["grunddata"].wire_name, None), (_G[py_name].wire_name, None))


class _StreamingRule:
    code = ""

    def start(self, header: Huvud, unit: UnitDeclaration | None) -> Iterator[Hit]:
        return iter(())

    def finish(self) -> Iterator[Hit]:
        return iter(())


@file_rule("SIR-R060")
class DuplicateEpisodes(_StreamingRule):
    """No two episodes with the same person key and ``Inskrivningstid``; later ones fail."""

    code = "SIR-R060"

    def __init__(self) -> None:
        self._seen: set[tuple[PersonKey, datetime]] = set()

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        key = (_person(ctx), ctx.start)
        if key in self._seen:
            yield Hit({"s": ctx.start}, _grunddata_at(ctx, "inskrivningstid"))
        else:
            self._seen.add(key)


@file_rule("SIR-R061")
class OverlappingEpisodes(_StreamingRule):
    """Episodes of one person do not overlap; touching is allowed.

    A pair with the same start is a duplicate (SIR-R060) and is not reported again here.
    Each later episode that overlaps an earlier one is reported once.
    """

    code = "SIR-R061"

    def __init__(self) -> None:
        self._stays: dict[PersonKey, list[tuple[datetime, datetime]]] = {}

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        start, end = ctx.start, ctx.end
        stays = self._stays.setdefault(_person(ctx), [])
        if any(s != start and s < end and start < e for s, e in stays):
            yield Hit({"s": start, "u": end}, _grunddata_at(ctx, "inskrivningstid"))
        stays.append((start, end))


@file_rule("SIR-R062")
class UniqueLokaltId(_StreamingRule):
    """``LokaltId`` is unique within the file; the second and later uses are reported."""

    code = "SIR-R062"

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        local_id = ctx.episode.lokalt_id
        if local_id is None:
            return
        if local_id in self._seen:
            yield Hit({"v": LocalId(local_id)}, (*ctx.location, (_LOKALT_ID, None)))
        else:
            self._seen.add(local_id)


@episode_rule("SIR-R063")
def no_identity_in_lokalt_id(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warn when ``LokaltId`` holds a valid personnummer or samordningsnummer."""
    local_id = ctx.episode.lokalt_id
    if local_id and embedded_identity_numbers(local_id):
        yield Hit({"v": LocalId(local_id)}, ((_LOKALT_ID, None),))
