"""Tests of ``invalid_reports()``: labelled cases whose findings match their labels."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from sir_format import from_xml, to_json, to_xml
from sir_format.metadata import model_info
from sir_format.models import Grunddata, SIRData, Vardtillfalle
from sir_format.testing import InvalidCase, Label, check_case, invalid_reports
from sir_format.testing._document_defects import DOCUMENT_DEFECTS, apply_edit, targets
from sir_format.testing.invalid import select

_EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name
_GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name
_PERSONNUMMER = model_info(Grunddata).by_py["personnummer"]


def _example() -> SIRData:
    data = resources.files("sir_format").joinpath("examples", "iva.xml").read_bytes()
    return from_xml(data)


def _first(strategy: st.SearchStrategy[Any]) -> Any:
    """The simplest value of ``strategy``: a stand-in for ``draw`` that always picks it."""
    # Hypothesis tries the simplest choice first; with generation only, find() returns it.
    return find(
        strategy, lambda _: True, settings=settings(database=None, phases=[Phase.generate])
    )


def _defect(code: str) -> Any:
    return next(d for d in DOCUMENT_DEFECTS if d.code == code)


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


def test_a_missing_personnummer_is_labelled_with_the_number_masked() -> None:
    report = _example()
    xml = to_xml(report)
    location = ((_EPISODE, 0), (_GRUNDDATA, None), (_PERSONNUMMER.wire_name, None))
    found = [t for t in targets(xml) if t.location == location]
    edit = _defect("X012-missing-element").draw(_first, found)
    number = report.vardtillfalle[0].grunddata.personnummer
    assert edit is not None
    assert (edit.location, edit.before, edit.after, edit.identity) == (
        location,
        number,
        None,
        True,
    )
    for format in ("xml", "json"):
        payload = apply_edit(edit, format, xml, to_json(report))
        label = Label(
            "X012-missing-element",
            "schema",
            location,
            number[:8] + "****",
            None,
            frozenset({"SIR-X012"}),
        )
        case = InvalidCase(payload, format, None, label)
        assert check_case(case) == []
        assert case.label.path == "Vårdtillfälle[1]/Grunddata/Personnummer"
