"""Applicability rules SIR-R030…R039 (data dictionary §5.2 and §6.4).

The §5.2 matrix itself lives in :mod:`sir_format.domain.registry` (one copy, shared with the
unit declaration, SIR-R200 and the test data); these rules read its vårdtyp, age and
first-start conditions. :data:`M_ICU_FIELDS` (the ``Grunddata`` rows the dictionary marks
**M-ICU**: mandatory for ICU vårdtyper, optional for IMA) lives there too.
"""

from __future__ import annotations

from collections.abc import Iterator

from sir_format._paths import Location
from sir_format.domain.registry import M_ICU_FIELDS, MATRIX
from sir_format.metadata import model_info
from sir_format.models import Grunddata, Vardtillfalle, Vardtyp
from sir_format.validation._core import EpisodeContext, Hit, Severity, episode_rule

__all__ = ["M_ICU_FIELDS"]

_EPISODE = model_info(Vardtillfalle).by_py
_EPISODE_WIRE = model_info(Vardtillfalle).by_wire
_G_WIRE = model_info(Grunddata).by_wire
_GRUNDDATA = _EPISODE["grunddata"].wire_name

_SAPS3 = _EPISODE["saps3"].wire_name
_PIM3 = _EPISODE["pim3"].wire_name
_HIGGINS = _EPISODE["higgins"].wire_name
_DAGLIG_SOFA = _EPISODE["daglig_sofa"].wire_name
_KOMPLIKATIONER = _EPISODE["komplikationer"].wire_name
_SEDERINGSMAL = _EPISODE["sederingsmal"].wire_name
_CFS = _EPISODE["clinical_frailty_scale"].wire_name
_DEATH_PROTOCOLS = tuple(row.module for row in MATRIX.values() if row.requires_death)
_INTRODUCED = tuple(row for row in MATRIX.values() if row.first_start is not None)


def _module(wire: str) -> Location:
    return ((wire, None),)


def _present(ctx: EpisodeContext, wire: str) -> bool:
    return getattr(ctx.episode, _EPISODE_WIRE[wire].py_name) is not None


def _out_of_scope(ctx: EpisodeContext, wire: str) -> bool:
    """Present although the matrix forbids it for this vårdtyp or age."""
    if not _present(ctx, wire):
        return False
    row = MATRIX[wire]
    return not (
        row.allows_vardtyp(ctx.episode.grunddata.vardtyp.value) and row.allows_age(ctx.age)
    )


@episode_rule("SIR-R030")
def saps3_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """``SAPS3`` only for IVA/BIVA, age ≥16."""
    if _out_of_scope(ctx, _SAPS3):
        yield Hit({}, _module(_SAPS3))


@episode_rule("SIR-R031")
def pim3_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """``PIM3`` only for ICU vårdtyper, age <16."""
    if _out_of_scope(ctx, _PIM3):
        yield Hit({}, _module(_PIM3))


@episode_rule("SIR-R032")
def higgins_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Higgins`` only for TIVA, age ≥16."""
    if _out_of_scope(ctx, _HIGGINS):
        yield Hit({}, _module(_HIGGINS))


@episode_rule("SIR-R033")
def daglig_sofa_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """``DagligSOFA`` only for IVA/TIVA, age ≥16."""
    if _out_of_scope(ctx, _DAGLIG_SOFA):
        yield Hit({}, _module(_DAGLIG_SOFA))


@episode_rule("SIR-R034")
def death_protocol_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """Death protocols only for IVA/TIVA/BIVA (one finding per protocol present)."""
    for wire in _DEATH_PROTOCOLS:
        if _out_of_scope(ctx, wire):
            yield Hit({}, _module(wire))


@episode_rule("SIR-R035")
def komplikationer_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """``Komplikationer`` only for IVA/TIVA/BIVA."""
    if _out_of_scope(ctx, _KOMPLIKATIONER):
        yield Hit({}, _module(_KOMPLIKATIONER))


@episode_rule("SIR-R036")
def m_icu_present(ctx: EpisodeContext) -> Iterator[Hit]:
    """Each M-ICU ``Grunddata`` row is present when ``Vårdtyp`` ≠ ``IMA``."""
    g = ctx.episode.grunddata
    if g.vardtyp is Vardtyp.IMA:
        return
    for wire in M_ICU_FIELDS:
        if getattr(g, _G_WIRE[wire].py_name) is None:
            yield Hit({"element": wire, "v": g.vardtyp.value}, ((_GRUNDDATA, None), (wire, None)))


def _lacks_required_action(ctx: EpisodeContext, code: str) -> bool:
    """True when ``Åtgärder`` is present and holds no action with ``code``."""
    actions = ctx.episode.atgarder
    return actions is not None and all(a.kod != code for a in actions.atgard)


@episode_rule("SIR-R037")
def sederingsmal_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """E: no ``Sederingsmål`` for IMA. W: present while ``Åtgärder`` exists without DG021.

    The error comes first; the validator then leaves the warning out (the catalog's
    ``suppressed_by``, data dictionary §12 D6).
    """
    if not _present(ctx, _SEDERINGSMAL):
        return
    row = MATRIX[_SEDERINGSMAL]
    where = _module(_SEDERINGSMAL)
    if not row.allows_vardtyp(ctx.episode.grunddata.vardtyp.value):
        yield Hit({}, where, severity=Severity.ERROR, variant="E")
    if row.requires_action is not None and _lacks_required_action(ctx, row.requires_action):
        yield Hit({}, where, severity=Severity.WARNING, variant="W")


@episode_rule("SIR-R038")
def cfs_scope(ctx: EpisodeContext) -> Iterator[Hit]:
    """``ClinicalFrailtyScale`` only for age ≥16."""
    if _out_of_scope(ctx, _CFS):
        yield Hit({}, _module(_CFS))


@episode_rule("SIR-R039")
def module_introduced(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warn when a module is sent for an episode that started before it was introduced.

    The dates are the matrix's first-start dates: ``ClinicalFrailtyScale`` 2021-10-01,
    ``Omvårdnad`` 2023-03-20, ``DagligSOFA`` 2023-09-01.
    """
    started = ctx.start.date()
    for row in _INTRODUCED:
        if _present(ctx, row.module) and not row.in_use_on(started):
            yield Hit({"module": row.module, "date": row.first_start}, _module(row.module))
