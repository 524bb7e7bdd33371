"""Unit rules SIR-R200…R205 and SIR-R207 (data dictionary §7.2).

They run only with a unit declaration (``ctx.unit``); SIR-R206 (an invalid declaration) is
reported when the declaration is read, see :mod:`sir_format.validation.unit`.

Interpretations:

- An episode that started before the declaration's ``giltig_fran`` is not covered by it: it
  gets SIR-R207 and none of SIR-R200, R201, R202 or R205.
- SIR-R200 uses the one §5.2 matrix (:mod:`sir_format.domain.registry`): vårdtyp,
  age, episode start date, outcome and death date, and for ``Sederingsmål`` a registered
  ``DG021``. An empty ``<Åtgärder/>`` satisfies a declared ``Åtgärder``.
- SIR-R201 considers the declarable modules only (``Grunddata`` and ``Diagnoser`` are
  always mandatory).
- SIR-R202 runs only when the unit declares ``Åtgärder``; otherwise SIR-R201 already reports
  the whole module.
- SIR-R203 and SIR-R204 are file rules on the header; they are fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sir_format._paths import Location
from sir_format.domain.registry import MATRIX
from sir_format.metadata import model_info
from sir_format.models import Atgard, Atgarder, Grunddata, Huvud, SIRData, Vardtillfalle
from sir_format.validation._core import EpisodeContext, Hit, episode_rule, file_rule

if TYPE_CHECKING:
    from sir_format.validation.unit import UnitDeclaration

__all__ = ["DepartmentNameRule", "HsaIdMatchRule"]

_EPISODE_WIRE = model_info(Vardtillfalle).by_wire
_EPISODE = model_info(Vardtillfalle).by_py
_GRUNDDATA = _EPISODE["grunddata"].wire_name
_G = model_info(Grunddata).by_py
_ACTIONS = _EPISODE["atgarder"].wire_name
_ACTION = model_info(Atgarder).by_py["atgard"].wire_name
_CODE = model_info(Atgard).by_py["kod"].wire_name
_HUVUD = model_info(SIRData).by_py["huvud"].wire_name
_H = model_info(Huvud).by_py
# (matrix row, attribute name on the episode) of every declarable module, in matrix order
_DECLARABLE = tuple(
    (row, _EPISODE_WIRE[row.module].py_name) for row in MATRIX.values() if row.declarable
)


def _covering_unit(ctx: EpisodeContext) -> UnitDeclaration | None:
    """The declaration when it covers the episode's start date, else ``None``."""
    unit = ctx.unit
    return unit if unit is not None and unit.covers(ctx.start.date()) else None


def _grunddata(py_name: str) -> Location:
    return ((_GRUNDDATA, None), (_G[py_name].wire_name, None))


@episode_rule("SIR-R200")
def declared_module_missing(ctx: EpisodeContext) -> Iterator[Hit]:
    """A declared module is present wherever the §5.2 matrix says it applies."""
    unit = _covering_unit(ctx)
    if unit is None:
        return
    episode = ctx.episode
    missing = [
        row
        for row, py_name in _DECLARABLE
        if row.module in unit.modules and getattr(episode, py_name) is None
    ]
    if not missing:
        return
    actions = episode.atgarder
    codes = [a.kod for a in actions.atgard] if actions is not None else None
    vardtyp = episode.grunddata.vardtyp.value
    age, start, death_date = ctx.age, ctx.start.date(), ctx.death_date
    for row in missing:
        if row.applies(
            vardtyp=vardtyp, age=age, start=start, death_date=death_date, action_codes=codes
        ):
            yield Hit({"module": row.module}, ((row.module, None),))


@episode_rule("SIR-R201")
def undeclared_module(ctx: EpisodeContext) -> Iterator[Hit]:
    """A module is present that the unit has not declared (warning)."""
    unit = _covering_unit(ctx)
    if unit is None:
        return
    for row, py_name in _DECLARABLE:
        if row.module not in unit.modules and getattr(ctx.episode, py_name) is not None:
            yield Hit({"module": row.module}, ((row.module, None),))


@episode_rule("SIR-R202")
def undeclared_action(ctx: EpisodeContext) -> Iterator[Hit]:
    """An ``Åtgärd/Kod`` is not among the unit's declared actions (warning)."""
    unit = _covering_unit(ctx)
    actions = ctx.episode.atgarder
    if unit is None or actions is None or _ACTIONS not in unit.modules:
        return
    for i, action in enumerate(actions.atgard):
        if action.kod not in unit.actions:
            yield Hit({"c": action.kod}, ((_ACTIONS, None), (_ACTION, i), (_CODE, None)))


class _HeaderRule:
    """A file rule that compares the header with the declaration once, at the start."""

    code = ""

    def start(self, header: Huvud, unit: UnitDeclaration | None) -> Iterator[Hit]:
        if unit is not None:
            yield from self.compare(header, unit)

    def compare(self, header: Huvud, unit: UnitDeclaration) -> Iterator[Hit]:
        raise NotImplementedError

    def visit(self, ctx: EpisodeContext) -> Iterator[Hit]:
        return iter(())

    def finish(self) -> Iterator[Hit]:
        return iter(())


@file_rule("SIR-R203")
class HsaIdMatchRule(_HeaderRule):
    """``Huvud/HsaId`` equals the declaration's ``hsa_id`` (case-insensitive)."""

    code = "SIR-R203"

    def compare(self, header: Huvud, unit: UnitDeclaration) -> Iterator[Hit]:
        found = header.hsa_id or ""
        if found.strip().casefold() != unit.hsa_id.strip().casefold():
            loc: Location = ((_HUVUD, None), (_H["hsa_id"].wire_name, None))
            yield Hit({"v": found, "d": unit.hsa_id}, loc)


@file_rule("SIR-R204")
class DepartmentNameRule(_HeaderRule):
    """``Huvud/Avdelningsnamn`` equals the declaration's ``avdelningsnamn`` after trimming."""

    code = "SIR-R204"

    def compare(self, header: Huvud, unit: UnitDeclaration) -> Iterator[Hit]:
        found = header.avdelningsnamn or ""
        if found.strip() != unit.avdelningsnamn.strip():
            loc: Location = ((_HUVUD, None), (_H["avdelningsnamn"].wire_name, None))
            yield Hit({"v": found, "d": unit.avdelningsnamn}, loc)


@episode_rule("SIR-R205")
def undeclared_vardtyp(ctx: EpisodeContext) -> Iterator[Hit]:
    """The episode's ``Vårdtyp`` is one of the declared vårdtyper."""
    unit = _covering_unit(ctx)
    if unit is None:
        return
    vardtyp = ctx.episode.grunddata.vardtyp.value
    if vardtyp not in unit.vardtyper:
        yield Hit({"v": vardtyp}, _grunddata("vardtyp"))


@episode_rule("SIR-R207")
def before_declaration(ctx: EpisodeContext) -> Iterator[Hit]:
    """The episode started before the declaration's ``giltig_fran`` (warning)."""
    unit = ctx.unit
    if unit is None or unit.giltig_fran is None or unit.covers(ctx.start.date()):
        return
    yield Hit({"s": ctx.start, "d": unit.giltig_fran}, _grunddata("inskrivningstid"))
