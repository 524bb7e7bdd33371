"""Tests of ``invalid_reports()``: labelled cases whose findings match their labels."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis_profiles import examples

from sir_format import UnitDeclaration, validate
from sir_format.testing import InvalidCase, check_case, invalid_reports
from sir_format.testing.invalid import select
from sir_format.validation.unit import example_path


@settings(max_examples=examples(40))
@given(invalid_reports())
def test_every_case_matches_its_label(case: InvalidCase) -> None:
    assert check_case(case) == []
    assert case.format in ("xml", "json")
    assert case.label.expected


def test_select_by_catalog_code_takes_every_defect_that_reports_it() -> None:
    chosen = {d.code for d in select(["SIR-X011"])}
    assert chosen == {
        "X011-unknown-element",
        "X011-nfd-element-name",
        "X013-element-order",
        "X014-repeated-element",
    }


def test_select_by_format_keeps_the_defects_of_that_format() -> None:
    assert {d.code for d in select(["SIR-X011"], "json")} == {"X011-unknown-element"}


@pytest.mark.parametrize(
    ("names", "format", "message"),
    [
        (["SIR-X999"], None, "no defect is named 'SIR-X999' or reports it"),
        (["X002-doctype"], "json", "none of the selected defects applies to json"),
        (None, "yaml", "format must be one of xml, json, not 'yaml'"),
    ],
)
def test_select_refuses_what_selects_nothing(
    names: list[str] | None, format: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        invalid_reports(names, format=format)
    assert str(caught.value) == message


def test_the_options_are_checked_when_the_strategy_is_made() -> None:
    with pytest.raises(ValueError, match=r"^vardtyp=IMA contradicts ima=False$"):
        invalid_reports(vardtyp="IMA", ima=False)


@settings(max_examples=examples(10))
@given(invalid_reports(["X012-missing-element"], format="xml", reveal_identities=True))
def test_a_document_defect_has_no_model_and_no_unit(case: InvalidCase) -> None:
    assert (case.model, case.unit, case.format) == (None, None, "xml")
    assert case.label.layer == "schema"
    assert case.label.after is None
    assert check_case(case) == []


_UNIT = UnitDeclaration.load(example_path("iva"))


@settings(max_examples=examples(10))
@given(invalid_reports(["X012-missing-element", "SIR-X020"], unit=_UNIT))
def test_cases_for_a_unit_are_checked_against_its_declaration(case: InvalidCase) -> None:
    assert case.unit is _UNIT
    assert check_case(case) == []
    codes = {f.code for f in validate(case.payload, unit=_UNIT, max_findings=None).findings}
    assert codes and codes <= case.label.expected


_TEST_NUMBERS = ["191212121212", "194809224464", "195711069137"]


@settings(max_examples=examples(20), deadline=None)
@given(invalid_reports(defects=["SIR-R021", "SIR-X020"], identity=_TEST_NUMBERS))
def test_identity_option_draws_base_reports_from_the_given_numbers(case: InvalidCase) -> None:
    assert check_case(case) == []
    if case.model is not None:
        numbers = {e.grunddata.personnummer for e in case.model.vardtillfalle}
        assert numbers <= set(_TEST_NUMBERS)


def test_identity_option_keeps_only_the_defects_that_agree_with_it() -> None:
    with pytest.raises(ValueError, match="none of the selected defects applies"):
        invalid_reports(defects=["R011-samordningsnummer-check-digit"], identity="personnummer")
    with pytest.raises(ValueError, match="identity must be one of"):
        invalid_reports(identity="passnummer")  # type: ignore[arg-type]
