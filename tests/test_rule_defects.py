"""Tests of the model defects for registry and unit rules (``sir_format.testing._rule_defects``).

Each defect is applied to valid reports drawn from ``reports()``; the changed model, its XML
and its JSON are validated, and every finding must carry a code of the defect's ``expected``
set and lie at (or inside) the location the defect reports.
"""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from msgspec.structs import replace

from sir_format import to_json, to_xml, validate
from sir_format._paths import Location
from sir_format.domain.registry import DEATH_PROTOCOL_VARDTYPER, DECLARABLE_MODULES, MATRIX
from sir_format.metadata import model_info
from sir_format.models import (
    SIRData,
    UtskrivenTill,
    Utskrivningsorsak,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.testing import reports
from sir_format.testing._defects import ModelChange, ModelDefect
from sir_format.testing._modules import build_module
from sir_format.testing._rule_defects import (
    RULE_DEFECTS,
    RULES_NOT_GENERATABLE,
    _stay,
    declaration_for,
)
from sir_format.testing._source import Source
from sir_format.validation.catalog import rules
from sir_format.validation.report import ValidationReport
from sir_format.validation.unit import UnitDeclaration

BASE_TRIES = 25
"""Base reports drawn per example until one offers a place for the defect."""

_SEVERE = {"error", "fatal"}


def _severe_codes() -> set[str]:
    """Registry and unit codes of the catalog with an error or fatal severity (any variant)."""
    return {
        rule.code
        for rule in rules()
        if rule.code.startswith("SIR-R")
        and rule.layer.value in {"registry", "unit"}
        and any(s.value in _SEVERE for s in rule.severities)
    }


def _inside(location: Location, outer: Location) -> bool:
    return location[: len(outer)] == outer


def _found(report: ValidationReport) -> list[tuple[str, Location]]:
    return sorted((f.code, f.location) for f in report.findings)


_PROTOCOLS = ("Avlidna2020", "Avliden2024")
_DEATH_DEFECTS = {
    "R034-death-protocol-outside-icu": False,
    "R041-declared-death-protocol-missing": True,
    "R043-death-protocol-wrong-date": False,
    "R044-both-death-protocols": True,
    **{d.code: True for d in RULE_DEFECTS if "R090" <= d.code < "R099"},
}
"""Defects that need a death at the unit, and whether its protocol must be present.

Deaths are rare in ``reports()`` (a person's last episode, one in four), and a protocol rarer
still; the bases of these defects are turned into deaths by :func:`_as_death` so that the
test needs few draws."""


def _last_of_person(report: SIRData) -> list[int]:
    last: dict[tuple[object, str], int] = {}
    for i, episode in enumerate(report.vardtillfalle):
        g = episode.grunddata
        last[(g.personnummertyp, g.personnummer)] = i
    return sorted(last.values())


def _as_death(draw: st.DrawFn, report: SIRData, protocol: bool) -> SIRData:
    """The report with one person's last episode ended in death at the unit, coherently:
    the discharge fields say so, and (with ``protocol``) the protocol of the death date is
    present where the vårdtyp has one."""
    i = draw(st.sampled_from(_last_of_person(report)))
    episode = report.vardtillfalle[i]
    g = episode.grunddata
    if g.vardresultat is Vardresultat.AVLIDEN or any(
        getattr(episode, _py(name)) is not None for name in _PROTOCOLS
    ):
        return report
    g = replace(
        g,
        vardresultat=Vardresultat.AVLIDEN,
        utskriven_till=UtskrivenTill.EJ_TILLAMPBART,
        utskrivningsorsak=None if g.utskrivningsorsak is None else Utskrivningsorsak.AVLIDEN,
    )
    episode = replace(episode, grunddata=g)
    death = g.utskrivningstid.date()
    name = next((n for n in _PROTOCOLS if MATRIX[n].covers_death(death)), None)
    if protocol and name is not None and g.vardtyp.value in DEATH_PROTOCOL_VARDTYPER:
        value = build_module(Source(draw), name, _stay(episode))
        episode = replace(episode, **{_py(name): value})
    rows = list(report.vardtillfalle)
    rows[i] = episode
    return replace(report, vardtillfalle=rows)


@st.composite
def _cases(
    draw: st.DrawFn, defect: ModelDefect
) -> tuple[SIRData, UnitDeclaration | None, ModelChange]:
    """A base report, its declaration (for defects that need one) and the defect's change.

    Base reports are drawn until the defect finds a place, else the example is rejected
    (Hypothesis fails the test when it must reject every example). The defect must leave
    its input unchanged."""
    for _ in range(BASE_TRIES):
        base = draw(reports(**dict(defect.base)))
        if defect.code in _DEATH_DEFECTS:
            base = _as_death(draw, base, _DEATH_DEFECTS[defect.code])
        unit = declaration_for(base) if defect.needs_unit else None
        frozen = msgspec.json.encode(base)
        change = defect.mutate(draw, base, unit)
        assert msgspec.json.encode(base) == frozen, "the defect changed its input"
        if change is not None:
            return base, unit, change
    reject()  # e.g. Hypothesis's simplest report, drawn again on every try


# ------------------------------------------------------------------ coverage


def test_every_severe_rule_is_covered_or_listed() -> None:
    covered = {code for defect in RULE_DEFECTS for code in defect.expected}
    severe = _severe_codes()
    assert severe - covered - set(RULES_NOT_GENERATABLE) == set()
    assert set(RULES_NOT_GENERATABLE) <= severe
    assert not set(RULES_NOT_GENERATABLE) & covered
    assert all(reason and "\n" not in reason for reason in RULES_NOT_GENERATABLE.values())


def test_defect_codes_are_unique_and_name_their_rule() -> None:
    codes = [defect.code for defect in RULE_DEFECTS]
    assert len(codes) == len(set(codes))
    for defect in RULE_DEFECTS:
        main = "SIR-" + defect.code.split("-", 1)[0]
        assert main in defect.expected, defect.code
        assert defect.layer == ("unit" if main >= "SIR-R200" else "registry"), defect.code
        assert defect.needs_unit == (defect.layer == "unit" or main == "SIR-R041")


def test_a_catalog_code_missing_from_both_tables_is_reported() -> None:
    """The coverage check is not vacuous: dropping one defect leaves its rule uncovered."""
    without = [d for d in RULE_DEFECTS if d.code != "R021-discharge-at-admission"]
    covered = {code for defect in without for code in defect.expected}
    assert _severe_codes() - covered - set(RULES_NOT_GENERATABLE) == {"SIR-R021"}


# ------------------------------------------------------------------ each defect


@pytest.mark.parametrize("defect", RULE_DEFECTS, ids=lambda d: d.code)
def test_defect_gives_exactly_its_findings(defect: ModelDefect) -> None:
    @settings(
        max_examples=examples(3),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(_cases(defect))
    def check(case: tuple[SIRData, UnitDeclaration | None, ModelChange]) -> None:
        base, unit, change = case
        assert validate(base, unit=unit).findings == ()  # the base is valid
        by_source = {
            "model": validate(change.report, unit=unit),
            "xml": validate(to_xml(change.report), unit=unit),
            "json": validate(to_json(change.report), unit=unit),
        }
        for source, report in by_source.items():
            codes = {f.code for f in report.findings}
            assert codes, f"{source}: no finding"
            assert codes <= defect.expected, f"{source}: {sorted(codes)}"
            for f in report.findings:
                assert _inside(f.location, change.location), (source, f.code, f.path)
        assert _found(by_source["xml"]) == _found(by_source["model"])
        assert _found(by_source["json"]) == _found(by_source["model"])

    check()


# ------------------------------------------------------------------ declaration_for


@settings(max_examples=examples(20))
@given(reports(max_episodes=1))
def test_declaration_for_one_episode_gives_no_finding(report: SIRData) -> None:
    unit = declaration_for(report)
    assert validate(report, unit=unit).findings == ()
    assert unit.hsa_id == report.huvud.hsa_id
    assert unit.avdelningsnamn == report.huvud.avdelningsnamn
    assert unit.vardtyper == {e.grunddata.vardtyp.value for e in report.vardtillfalle}


@settings(max_examples=examples(20))
@given(reports(min_episodes=2, max_episodes=3))
def test_declaration_for_many_episodes_gives_no_error(report: SIRData) -> None:
    result = validate(report, unit=declaration_for(report))
    assert result.ok
    assert {f.code for f in result.findings} <= {"SIR-R201"}


@settings(max_examples=examples(20))
@given(reports(max_episodes=1))
def test_declaration_declares_every_module_and_action_of_one_episode(report: SIRData) -> None:
    episode = report.vardtillfalle[0]
    unit = declaration_for(report)
    present = {name for name in DECLARABLE_MODULES if getattr(episode, _py(name)) is not None}
    assert unit.modules == present
    codes = {a.kod for a in episode.atgarder.atgard} if episode.atgarder is not None else set()
    assert unit.actions == codes or (not codes and unit.actions == {"DG021"})
    assert unit.actions == set() or "Åtgärder" in unit.modules


def _py(wire_name: str) -> str:
    return model_info(Vardtillfalle).by_wire[wire_name].py_name


# ------------------------------------------------------------------ no place for a defect


def _defect(code: str) -> ModelDefect:
    return next(d for d in RULE_DEFECTS if d.code == code)


@st.composite
def _small_reports_and_changes(
    draw: st.DrawFn,
) -> tuple[SIRData, dict[str, ModelChange | None]]:
    report = draw(reports(max_episodes=2))
    codes = (
        "R037-sedation-goal-in-ima",
        "R062-lokalt-id-repeated",
        "R120-icu-episode-in-ima-file",
    )
    return report, {code: _defect(code).mutate(draw, report, None) for code in codes}


@settings(max_examples=examples(8))
@given(_small_reports_and_changes())
def test_defects_without_a_place_give_none(
    case: tuple[SIRData, dict[str, ModelChange | None]],
) -> None:
    report, changes = case
    ima = report.vardtillfalle[0].grunddata.vardtyp is Vardtyp.IMA
    one = len(report.vardtillfalle) == 1
    if not ima:  # a sedation goal is wrong only in IMA; no IMA file to mix into
        assert changes["R037-sedation-goal-in-ima"] is None
        assert changes["R120-icu-episode-in-ima-file"] is None
    if one:  # nothing to repeat a LokaltId from, nothing to mix with
        assert changes["R062-lokalt-id-repeated"] is None
        assert changes["R120-icu-episode-in-ima-file"] is None
    if ima and not one:
        assert changes["R120-icu-episode-in-ima-file"] is not None
