"""Actions and complications, SIR-R070…R077 (data dictionary §6.7).

SIR-R071/R072 read the small KVÅ reference list of
:mod:`sir_format.domain.kva`; the actions a unit declares in its ``sir-enhet.toml`` count as
known codes for SIR-R071. The codes with a special meaning come from
:mod:`sir_format.domain.registry`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sir_format._paths import Location
from sir_format.domain import kva, registry
from sir_format.metadata import model_info
from sir_format.models import (
    Atgard,
    Atgarder,
    JaNej,
    Komplikation,
    Komplikationer,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.validation._core import EpisodeContext, Hit, episode_rule

__all__ = ["CHEST_DRAIN_CODES", "NO_COMPLICATION", "THORACIC_DRAIN_ACTION"]

CHEST_DRAIN_CODES = frozenset(code.value for code in registry.CHEST_DRAIN_COMPLICATIONS)
"""Complications that carry ``ThoraxdränageInlagt`` (SIR-R070, SIR-R075)."""

NO_COMPLICATION = registry.NO_COMPLICATION.value
"""The code stating that no complication occurred (SIR-R074, SIR-R075)."""

THORACIC_DRAIN_ACTION = registry.THORACIC_DRAIN
"""KVÅ code of a thoracic drain (SIR-R070)."""

_TIVA_ONLY_PREFIX = "SK-4"

_EPISODE = model_info(Vardtillfalle).by_py
_ACTIONS = _EPISODE["atgarder"].wire_name
_ACTION = model_info(Atgarder).by_py["atgard"].wire_name
_COMPLICATIONS = _EPISODE["komplikationer"].wire_name
_COMPLICATION = model_info(Komplikationer).by_py["komplikation"].wire_name
_A = model_info(Atgard).by_py
_K = model_info(Komplikation).by_py


def _action_at(index: int, py_name: str | None = None) -> Location:
    loc: Location = ((_ACTIONS, None), (_ACTION, index))
    return (*loc, (_A[py_name].wire_name, None)) if py_name else loc


def _complication_at(index: int, py_name: str | None = None) -> Location:
    loc: Location = ((_COMPLICATIONS, None), (_COMPLICATION, index))
    return (*loc, (_K[py_name].wire_name, None)) if py_name else loc


def _actions(ctx: EpisodeContext) -> list[Atgard]:
    module = ctx.episode.atgarder
    return list(module.atgard) if module is not None else []


def _complications(ctx: EpisodeContext) -> list[Komplikation]:
    module = ctx.episode.komplikationer
    return list(module.komplikation) if module is not None else []


@episode_rule("SIR-R070")
def chest_drain_needs_action(ctx: EpisodeContext) -> Iterator[Hit]:
    """A chest drain for SK-061…064 needs a GAA10 action on or after the complication date."""
    drains = [a.datum for a in _actions(ctx) if a.kod == THORACIC_DRAIN_ACTION]
    for i, row in enumerate(_complications(ctx)):
        code = row.kod.value
        if code not in CHEST_DRAIN_CODES or row.thoraxdranage_inlagt is not JaNej.JA:
            continue
        since: date | None = row.datum
        if not any(since is None or day >= since for day in drains):
            yield Hit({"sk": code}, _complication_at(i, "thoraxdranage_inlagt"))


@episode_rule("SIR-R071")
def known_action_code(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Åtgärd/Kod`` is a known KVÅ code on ``Datum`` (reference list + declared actions)."""
    declared = ctx.unit.actions if ctx.unit is not None else frozenset()
    for i, action in enumerate(_actions(ctx)):
        if not kva.is_known(action.kod, action.datum, declared):
            yield Hit({"c": action.kod}, _action_at(i, "kod"))


@episode_rule("SIR-R072")
def retired_action_code(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Åtgärd/Kod`` was not retired before ``Datum``."""
    for i, action in enumerate(_actions(ctx)):
        entry = kva.retired_on(action.kod, action.datum)
        if entry is not None:
            params = {"c": action.kod, "d": entry.retired, "replacement": entry.replacement or ""}
            yield Hit(params, _action_at(i, "kod"))


@episode_rule("SIR-R073")
def tiva_only_complication(ctx: EpisodeContext) -> Iterator[Hit]:
    """SK-4xx complications only with vårdtyp TIVA."""
    if ctx.episode.grunddata.vardtyp is Vardtyp.TIVA:
        return
    for i, row in enumerate(_complications(ctx)):
        if row.kod.value.startswith(_TIVA_ONLY_PREFIX):
            yield Hit({"sk": row.kod.value}, _complication_at(i, "kod"))


@episode_rule("SIR-R074")
def no_complication_alone(ctx: EpisodeContext) -> Iterator[Hit]:
    """SK-000 is the only row when present (reported once, at the first SK-000)."""
    rows = _complications(ctx)
    if len(rows) < 2:
        return
    for i, row in enumerate(rows):
        if row.kod.value == NO_COMPLICATION:
            yield Hit({}, _complication_at(i, "kod"))
            return


@episode_rule("SIR-R075")
def complication_fields(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Datum`` iff code ≠ SK-000; ``ThoraxdränageInlagt`` iff code in SK-061…064."""
    for i, row in enumerate(_complications(ctx)):
        code = row.kod.value
        for py_name, required in (
            ("datum", code != NO_COMPLICATION),
            ("thoraxdranage_inlagt", code in CHEST_DRAIN_CODES),
        ):
            if (getattr(row, py_name) is not None) != required:
                params = {"sk": code, "field": _K[py_name].wire_name}
                yield Hit(params, _complication_at(i, py_name))


@episode_rule("SIR-R076")
def complication_once(ctx: EpisodeContext) -> Iterator[Hit]:
    """Each complication code at most once per episode; later occurrences are reported."""
    seen: set[str] = set()
    for i, row in enumerate(_complications(ctx)):
        code = row.kod.value
        if code in seen:
            yield Hit({"sk": code}, _complication_at(i, "kod"))
        seen.add(code)


@episode_rule("SIR-R077")
def action_twice(ctx: EpisodeContext) -> Iterator[Hit]:
    """No two actions with equal (``Kod``, ``Datum``, ``Klockslag``); later ones reported."""
    seen: set[tuple[str, date, str | None]] = set()
    for i, action in enumerate(_actions(ctx)):
        key = (action.kod, action.datum, action.klockslag)
        if key in seen:
            yield Hit({"c": action.kod, "d": action.datum}, _action_at(i))
        seen.add(key)
