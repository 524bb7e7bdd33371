"""Other modules, SIR-R105…R109 (data dictionary §6.10): treatment strategy, sedation goal,
nursing assessments, weight and height."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sir_format._paths import Location
from sir_format.metadata import model_info
from sir_format.models import (
    CAMICU,
    Begransning,
    Behandlingsstrategi,
    BehandlingsstrategiVal,
    JaNej,
    Omvardnad,
    Omvardnadsbedomning,
    Sederingsmal,
    Sederingsregistrering,
    Vardtillfalle,
    ViktOchLangd,
)
from sir_format.validation._core import EpisodeContext, Hit, episode_rule

__all__ = ["RASS_NOT_ASSESSABLE"]

RASS_NOT_ASSESSABLE = -4
"""CAM-ICU is ``EjBedömbar`` exactly when RASS is at or below this level (SIR-R108)."""

_EPISODE = model_info(Vardtillfalle).by_py
_STRATEGY = _EPISODE["behandlingsstrategi"].wire_name
_B = model_info(Behandlingsstrategi).by_py
_LIMIT = model_info(Begransning).by_py
_SEDATION = _EPISODE["sederingsmal"].wire_name
_SEDATION_ROW = model_info(Sederingsmal).by_py["sederingsregistrering"].wire_name
_SR = model_info(Sederingsregistrering).by_py
_NURSING = _EPISODE["omvardnad"].wire_name
_NURSING_ROW = model_info(Omvardnad).by_py["omvardnadsbedomning"].wire_name
_O = model_info(Omvardnadsbedomning).by_py
_WEIGHT = _EPISODE["vikt_och_langd"].wire_name
_W = model_info(ViktOchLangd).by_py
_DAILY_WEIGHT = _W["daglig_vikt"].wire_name

# Assessment values of which at least one must be present (SIR-R107): every field but the time.
_NURSING_VALUES = tuple(f.py_name for f in model_info(Omvardnadsbedomning).fields[1:])


def _strategy_hit(py_name: str) -> Hit:
    wire = _B[py_name].wire_name
    return Hit({"field": wire}, ((_STRATEGY, None), (wire, None)))


@episode_rule("SIR-R105")
def treatment_strategy(ctx: EpisodeContext) -> Iterator[Hit]:
    """Rows 2 and 4 iff row 1 = Ja; row 3 iff row 1 = Ja and row 2 = Nej; limitations iff
    ``Strategi`` = Begränsning; a limitation's time unless the decision predates admission."""
    block = ctx.episode.behandlingsstrategi
    if block is None:
        return
    documented = block.dokumenterat_beslut is JaNej.JA
    before = block.beslut_taget_fore_iva
    expected: dict[str, bool] = {"beslut_taget_fore_iva": documented, "strategi": documented}
    if not documented or before is not None:  # row 3 is undecidable while row 2 is missing
        expected["forsta_beslutstidpunkt"] = documented and before is JaNej.NEJ
    for py_name, required in expected.items():
        if (getattr(block, py_name) is not None) != required:
            yield _strategy_hit(py_name)
    limited = block.strategi is BehandlingsstrategiVal.BEGRANSNING
    if bool(block.begransning) != limited:
        index = 0 if block.begransning else None
        wire = _B["begransning"].wire_name
        yield Hit({"field": wire}, ((_STRATEGY, None), (wire, index)))
    if before is not JaNej.JA:
        wire = _B["begransning"].wire_name
        time_wire = _LIMIT["tidpunkt"].wire_name
        for i, row in enumerate(block.begransning):
            if row.tidpunkt is None:
                loc: Location = ((_STRATEGY, None), (wire, i), (time_wire, None))
                yield Hit({"field": time_wire}, loc)


@episode_rule("SIR-R106")
def sedation_match(ctx: EpisodeContext) -> Iterator[Hit]:
    """``MotsvararSederingsmålet`` iff ``SederingsmålOrdinerat`` = Ja."""
    block = ctx.episode.sederingsmal
    if block is None:
        return
    for i, row in enumerate(block.sederingsregistrering):
        prescribed = row.sederingsmal_ordinerat is JaNej.JA
        if (row.motsvarar_sederingsmalet is not None) != prescribed:
            loc: Location = (
                (_SEDATION, None),
                (_SEDATION_ROW, i),
                (_SR["motsvarar_sederingsmalet"].wire_name, None),
            )
            yield Hit({"t": row.tidpunkt}, loc)


def _nursing_rows(ctx: EpisodeContext) -> list[Omvardnadsbedomning]:
    block = ctx.episode.omvardnad
    return list(block.omvardnadsbedomning) if block is not None else []


@episode_rule("SIR-R107")
def nursing_has_values(ctx: EpisodeContext) -> Iterator[Hit]:
    """Each nursing assessment holds a pain score, ``RASS`` or ``CAMICU``."""
    for i, row in enumerate(_nursing_rows(ctx)):
        if all(getattr(row, name) is None for name in _NURSING_VALUES):
            yield Hit({"t": row.tidpunkt}, ((_NURSING, None), (_NURSING_ROW, i)))


@episode_rule("SIR-R108")
def camicu_vs_rass(ctx: EpisodeContext) -> Iterator[Hit]:
    """``CAMICU`` = EjBedömbar exactly when ``RASS`` ≤ −4 (checked when both are present)."""
    for i, row in enumerate(_nursing_rows(ctx)):
        if row.rass is None or row.camicu is None:
            continue
        if (row.camicu is CAMICU.EJ_BEDOMBAR) != (row.rass <= RASS_NOT_ASSESSABLE):
            loc: Location = ((_NURSING, None), (_NURSING_ROW, i), (_O["camicu"].wire_name, None))
            yield Hit({"v": row.camicu.value, "r": row.rass}, loc)


@episode_rule("SIR-R109")
def weight_and_height(ctx: EpisodeContext) -> Iterator[Hit]:
    """``ViktOchLängd`` is not empty; at most one ``DagligVikt`` per date."""
    block = ctx.episode.vikt_och_langd
    if block is None:
        return
    values: list[Any] = [getattr(block, f.py_name) for f in model_info(ViktOchLangd).fields]
    if all(v is None or v == [] for v in values):
        yield Hit({"d": None}, ((_WEIGHT, None),))
        return
    seen: set[date] = set()
    for i, row in enumerate(block.daglig_vikt):
        if row.datum in seen:
            yield Hit({"d": row.datum}, ((_WEIGHT, None), (_DAILY_WEIGHT, i)))
        seen.add(row.datum)
