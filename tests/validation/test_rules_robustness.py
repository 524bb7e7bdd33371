"""No rule raises on a schema-valid report, whatever optional fields it leaves out.

A rule that assumes an optional field is present (or that rows come in some order) raises on
real files; the validator then reports SIR-X090 instead of the rule's answer. These tests run
every registered rule directly, so an exception fails with its traceback, and the whole
validator, which must report no SIR-X090.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from rulekit import FILE_A, FILE_B, IMA_UNIT, IVA_UNIT, file_a

from sir_format.metadata import Kind, model_info
from sir_format.models import JaNej, Komplikation, Komplikationer, SIRData, SKKod, Vardtillfalle
from sir_format.testing import strategies
from sir_format.validation import _core, validate
from sir_format.validation._core import (
    EpisodeContext,
    Hit,
    registered_episode_rules,
    registered_file_rules,
)
from sir_format.validation.unit import UnitDeclaration

Optional = tuple[str, str]  # (model class name, Python field name)


def _optional_fields(cls: type, seen: set[type]) -> Iterator[Optional]:
    if cls in seen:
        return
    seen.add(cls)
    for f in model_info(cls).fields:
        if f.min_occurs == 0:
            yield cls.__name__, f.py_name
        if f.kind is Kind.COMPLEX:
            yield from _optional_fields(f.python_type, seen)


OPTIONAL: tuple[Optional, ...] = tuple(sorted(set(_optional_fields(SIRData, set()))))
MODULES = frozenset(o for o in OPTIONAL if o[0] == Vardtillfalle.__name__)


def drop(obj: Any, names: frozenset[Optional]) -> Any:
    """``obj`` with every optional field named in ``names`` left out, at any depth."""
    for f in model_info(type(obj)).fields:
        value = getattr(obj, f.py_name)
        if f.min_occurs == 0 and (type(obj).__name__, f.py_name) in names:
            setattr(obj, f.py_name, [] if f.is_list else None)
        elif f.kind is Kind.COMPLEX and value is not None:
            for item in value if f.is_list else [value]:
                drop(item, names)
    return obj


def run_every_rule(report: SIRData, unit: UnitDeclaration | None) -> list[tuple[str, Hit]]:
    """Every registered rule on ``report``, called directly: an exception propagates."""
    out: list[tuple[str, Hit]] = []
    contexts = [
        EpisodeContext(ep, i, report.huvud, unit) for i, ep in enumerate(report.vardtillfalle)
    ]
    for ctx in contexts:
        for code, fn in registered_episode_rules():
            out.extend((code, hit) for hit in fn(ctx))
    for code, factory in registered_file_rules():
        rule = factory()
        out.extend((code, hit) for hit in rule.start(report.huvud, unit))
        for ctx in contexts:
            out.extend((code, hit) for hit in rule.visit(ctx))
        out.extend((code, hit) for hit in rule.finish())
    return out


def crashes(report: SIRData, unit: UnitDeclaration | None = None) -> list[str]:
    return [f.message("en") for f in validate(report, unit=unit).findings if f.code == "SIR-X090"]


def schema_findings(report: SIRData) -> list[str]:
    return [f.code for f in validate(report, profile="schema").findings]


def test_optional_fields_are_found() -> None:
    assert ("Grunddata", "opereradstatus") in OPTIONAL
    assert ("Komplikation", "datum") in OPTIONAL
    assert ("Vardtillfalle", "saps3") in MODULES
    assert ("Grunddata", "vardtyp") not in OPTIONAL


def test_drop_leaves_out_only_what_is_named() -> None:
    report = drop(file_a(), frozenset({("Grunddata", "opereradstatus")}))
    g = report.vardtillfalle[0].grunddata
    assert g.opereradstatus is None
    assert g.ankomsttid is not None and report.vardtillfalle[0].saps3 is not None


def test_the_checks_catch_a_rule_that_assumes_an_optional_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The checks can fail: a rule comparing a complication's ``Datum`` without looking."""

    def assumes_datum(ctx: EpisodeContext) -> Iterator[Hit]:
        module = ctx.episode.komplikationer
        for row in module.komplikation if module is not None else []:
            if row.datum < ctx.start.date():  # type: ignore[operator]
                yield Hit({"sk": row.kod.value})

    rules = [*_core._EPISODE_RULES, ("SIR-R070", assumes_datum)]
    monkeypatch.setattr(_core, "_EPISODE_RULES", rules)
    report = file_a()
    report.vardtillfalle[0].komplikationer = Komplikationer(
        komplikation=[Komplikation(kod=SKKod("SK-062"), thoraxdranage_inlagt=JaNej.JA)]
    )
    with pytest.raises(TypeError):
        run_every_rule(report, None)
    assert crashes(report) == [
        "Rule SIR-R070 could not be checked: TypeError: '<' not supported between instances"
        " of 'NoneType' and 'datetime.date'."
    ]


@pytest.mark.parametrize("unit", [None, IVA_UNIT, IMA_UNIT], ids=["no-unit", "iva", "ima"])
@pytest.mark.parametrize("source", [FILE_A, FILE_B], ids=["A", "B"])
def test_examples_with_every_optional_field_left_out_inside_the_modules(
    source: SIRData, unit: UnitDeclaration | None
) -> None:
    report = drop(copy.deepcopy(source), frozenset(OPTIONAL) - MODULES)
    assert schema_findings(report) == []
    run_every_rule(report, unit)
    assert crashes(report, unit) == []


def test_every_complication_code_without_optional_fields() -> None:
    """Every SK code, with no ``Datum``, ``Klockslag`` or chest drain answer."""
    report = file_a()
    rows = [Komplikation(kod=code) for code in SKKod]
    report.vardtillfalle[0].komplikationer = Komplikationer(komplikation=rows)
    run_every_rule(report, IVA_UNIT)
    assert crashes(report, IVA_UNIT) == []


DROPS = st.frozensets(st.sampled_from(OPTIONAL))
ROBUST = settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@ROBUST
@given(report=strategies.reports(max_episodes=2), names=DROPS)
def test_coherent_reports_with_optional_fields_left_out(
    report: SIRData, names: frozenset[Optional]
) -> None:
    drop(report, names)
    run_every_rule(report, None)
    assert crashes(report) == []


@ROBUST
@given(report=strategies.reports(max_episodes=2, coherent=False), names=DROPS)
def test_schema_only_reports_with_optional_fields_left_out(
    report: SIRData, names: frozenset[Optional]
) -> None:
    drop(report, names)
    run_every_rule(report, IVA_UNIT)
    assert crashes(report, IVA_UNIT) == []


@ROBUST
@given(report=strategies.reports(max_episodes=3))
def test_coherent_reports_with_episodes_and_rows_reversed(report: SIRData) -> None:
    """Rules do not assume an order of episodes or of rows inside a module."""
    report.vardtillfalle.reverse()
    for ep in report.vardtillfalle:
        reverse_rows(ep)
    run_every_rule(report, None)
    assert crashes(report) == []


def reverse_rows(obj: Any) -> None:
    """Reverse every repeated element inside ``obj``, at any depth."""
    for f in model_info(type(obj)).fields:
        value = getattr(obj, f.py_name)
        if value is None:
            continue
        if f.is_list:
            value.reverse()
        if f.kind is Kind.COMPLEX:
            for item in value if f.is_list else [value]:
                reverse_rows(item)
