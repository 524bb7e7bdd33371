"""Tests of the document defects (SIR-X…) and of the cases that ``invalid_reports()`` draws.

- every defect, on the example report, makes exactly the findings its label expects, at the
  place it names (the same in XML and JSON for the defects both formats carry);
- over many generated reports, no case has a finding its label does not expect (issue 9,
  item 5: 2,000 cases under the ``ci`` profile), and the same defect gives the same codes
  and logical paths in XML and in JSON (item 7).
"""

from __future__ import annotations

import unicodedata
from importlib import resources
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from sir_format import from_xml, to_json, to_xml, validate
from sir_format._paths import logical_path
from sir_format.metadata import model_info
from sir_format.models import Grunddata, SIRData, Vardtillfalle
from sir_format.testing import InvalidCase, check_case, invalid_reports
from sir_format.testing._defects import ModelDefect
from sir_format.testing._document_defects import (
    BOTH,
    DOCUMENT_DEFECTS,
    DocumentDefect,
    apply_edit,
    targets,
)
from sir_format.testing._rule_defects import RULE_DEFECTS, declaration_for
from sir_format.testing.invalid import FORMATS, all_defects, apply_defect, base_reports
from sir_format.validation.unit import UnitDeclaration

_EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name
_GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name
_PERSONNUMMER = model_info(Grunddata).by_py["personnummer"].wire_name
_DEFECTS = {d.code: d for d in DOCUMENT_DEFECTS}


def _example() -> SIRData:
    data = resources.files("sir_format").joinpath("examples", "iva.xml").read_bytes()
    return from_xml(data)


def _first(strategy: st.SearchStrategy[Any]) -> Any:
    """The simplest value of ``strategy``: a stand-in for ``draw`` that always picks it."""
    # Hypothesis tries the simplest choice first; with generation only, find() returns it.
    return find(
        strategy, lambda _: True, settings=settings(database=None, phases=[Phase.generate])
    )


FIRST = cast(st.DrawFn, _first)


def _drawing(data: st.DataObject) -> st.DrawFn:
    return cast(st.DrawFn, data.draw)


def _found(payload: bytes, unit: UnitDeclaration | None = None) -> list[tuple[str, str]]:
    return [(f.code, f.path) for f in validate(payload, unit=unit, max_findings=None).findings]


# On examples/iva.xml, the simplest draw of each defect: the label's logical path, and the
# findings (code, logical path) of the written document in every format the defect applies to.
EXAMPLE_CASES = {
    "X020-bad-token": (
        "Vårdtillfälle[1]/Grunddata/Personnummertyp",
        [("SIR-X020", "Vårdtillfälle[1]/Grunddata/Personnummertyp")],
    ),
    "X021-pattern": ("Huvud/HsaId", [("SIR-X021", "Huvud/HsaId")]),
    "X022-below-minimum": ("Huvud/Skapad", [("SIR-X022", "Huvud/Skapad")]),
    "X023-above-maximum": ("Huvud/Skapad", [("SIR-X023", "Huvud/Skapad")]),
    "X024-too-long": ("Huvud/Avdelningsnamn", [("SIR-X024", "Huvud/Avdelningsnamn")]),
    "X027-too-many-decimals": (
        "Vårdtillfälle[1]/SAPS3/KroppstemperaturHögst",
        [("SIR-X027", "Vårdtillfälle[1]/SAPS3/KroppstemperaturHögst")],
    ),
    "X030-not-an-integer": (
        "Vårdtillfälle[1]/SAPS3/GCS",
        [("SIR-X030", "Vårdtillfälle[1]/SAPS3/GCS")],
    ),
    "X032-not-a-date": (
        "Vårdtillfälle[1]/Grunddata/Födelsedatum",
        [("SIR-X032", "Vårdtillfälle[1]/Grunddata/Födelsedatum")],
    ),
    "X033-not-a-local-time": ("Huvud/Skapad", [("SIR-X033", "Huvud/Skapad")]),
    "X034-out-of-range": (
        "Vårdtillfälle[1]/ClinicalFrailtyScale",
        [("SIR-X034", "Vårdtillfälle[1]/ClinicalFrailtyScale")],
    ),
    "X036-empty-value": ("Huvud/Formatversion", [("SIR-X036", "Huvud/Formatversion")]),
    "X011-unknown-element": ("Extra", [("SIR-X011", "Extra")]),
    "X012-missing-element": ("Huvud", [("SIR-X012", "Huvud")]),
    "X014-too-many": (
        "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos[31]",
        [("SIR-X014", "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos[31]")],
    ),
    "X007-empty-input": ("", [("SIR-X007", "")]),
    "X008-unknown-format": ("", [("SIR-X008", "")]),
    "X001-malformed": ("", [("SIR-X001", "")]),
    "X002-doctype": ("", [("SIR-X002", "")]),
    "X010-root-element": ("", [("SIR-X010", "")]),
    "X011-nfd-element-name": (
        "Huvud/Försystem",
        [("SIR-X011", "Huvud/" + unicodedata.normalize("NFD", "Försystem"))],
    ),
    "X013-element-order": ("Huvud", [("SIR-X012", "Huvud"), ("SIR-X011", "Huvud[2]")]),
    "X014-repeated-element": ("Huvud[2]", [("SIR-X014", "Huvud[2]")]),
    "X020-nfd-token": (
        "Vårdtillfälle[1]/Grunddata/Ankomstorsak",
        [("SIR-X020", "Vårdtillfälle[1]/Grunddata/Ankomstorsak")],
    ),
    "X031-comma-decimal": (
        "Vårdtillfälle[1]/SAPS3/KroppstemperaturHögst",
        [("SIR-X031", "Vårdtillfälle[1]/SAPS3/KroppstemperaturHögst")],
    ),
    "X040-text-in-container": ("Huvud", [("SIR-X040", "Huvud")]),
    "X041-element-in-value": ("Huvud/Formatversion", [("SIR-X041", "Huvud/Formatversion")]),
    "X042-attribute": ("Huvud", [("SIR-X042", "Huvud")]),
    "X043-xsi-nil": ("Huvud", [("SIR-X043", "Huvud")]),
    "X004-invalid-json": ("", [("SIR-X004", "")]),
    "X005-duplicate-key": ("Huvud", [("SIR-X005", "Huvud")]),
    "X006-not-finite": ("Vårdtillfälle[1]/SAPS3/GCS", [("SIR-X006", "")]),
    "X035-control-character": ("Huvud/HsaId", [("SIR-X035", "Huvud/HsaId")]),
    "X037-whitespace-around-token": (
        "Huvud/Formatversion",
        [("SIR-X037", "Huvud/Formatversion")],
    ),
    "X050-null": ("Huvud", [("SIR-X050", "Huvud")]),
    "X051-empty-array": (
        "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos",
        [("SIR-X051", "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos")],
    ),
}


def test_the_example_table_names_every_document_defect() -> None:
    assert set(EXAMPLE_CASES) == set(_DEFECTS)
    assert len(_DEFECTS) == len(DOCUMENT_DEFECTS)  # codes are unique


@pytest.mark.parametrize(
    ("code", "format"),
    [(d.code, f) for d in DOCUMENT_DEFECTS for f in sorted(d.formats)],
)
def test_each_defect_on_the_example_makes_exactly_its_findings(code: str, format: Any) -> None:
    defect = _DEFECTS[code]
    report = _example()
    case = apply_defect(FIRST, defect, report, format)
    assert case is not None
    path, found = EXAMPLE_CASES[code]
    assert (case.label.defect, case.label.path, case.format) == (code, path, format)
    assert _found(case.payload) == found
    assert check_case(case) == []
    assert {c for c, _ in found} <= defect.expected


@pytest.mark.parametrize("defect", DOCUMENT_DEFECTS, ids=lambda d: d.code)
def test_defect_codes_start_with_a_code_they_expect(defect: DocumentDefect) -> None:
    assert f"SIR-{defect.code.split('-')[0]}" in defect.expected
    assert defect.layer == ("wellformed" if defect.code[:4] in _WELLFORMED else "schema")


_WELLFORMED = {"X001", "X002", "X004", "X006", "X007", "X008"}


def test_another_root_element_is_labelled_with_both_names() -> None:
    case = apply_defect(FIRST, _DEFECTS["X010-root-element"], _example(), "xml")
    assert case is not None
    assert (case.label.before, case.label.after) == ("SIRDataVer52", "Rapport")
    assert case.payload.count(b"<Rapport>") == 1


def test_a_value_defect_labels_the_value_before_and_after() -> None:
    case = apply_defect(FIRST, _DEFECTS["X034-out-of-range"], _example(), "json")
    assert case is not None
    assert (case.label.before, case.label.after) == ("3", "10")
    assert case.label.json_pointer == "/Vårdtillfälle/0/ClinicalFrailtyScale"
    assert case.label.xpath == "/SIRDataVer52/Vårdtillfälle[1]/ClinicalFrailtyScale"
    assert case.model is None


def _missing_personnummer() -> DocumentDefect:
    """``X012-missing-element`` on the first episode's ``Personnummer`` only."""
    location = ((_EPISODE, 0), (_GRUNDDATA, None), (_PERSONNUMMER, None))
    missing = _DEFECTS["X012-missing-element"]
    return DocumentDefect(
        "X012-missing-personnummer",
        missing.layer,
        missing.expected,
        BOTH,
        lambda draw, found: missing.draw(draw, [t for t in found if t.location == location]),
    )


@pytest.mark.parametrize("format", FORMATS)
def test_identity_numbers_are_masked_in_labels_unless_revealed(format: Any) -> None:
    report = _example()
    number = report.vardtillfalle[0].grunddata.personnummer
    masked = apply_defect(FIRST, _missing_personnummer(), report, format)
    shown = apply_defect(FIRST, _missing_personnummer(), report, format, reveal_identities=True)
    assert masked is not None and shown is not None
    assert (masked.label.before, masked.label.after) == (number[:8] + "****", None)
    assert (shown.label.before, shown.label.after) == (number, None)
    assert masked.label.path == "Vårdtillfälle[1]/Grunddata/Personnummer"
    assert _found(masked.payload) == [("SIR-X012", "Vårdtillfälle[1]/Grunddata/Personnummer")]


def test_check_case_names_unexpected_findings_and_missing_ones() -> None:
    case = apply_defect(FIRST, _DEFECTS["X021-pattern"], _example(), "xml")
    assert case is not None
    wrong = InvalidCase(
        case.payload, "xml", None, case.label.__class__(
            "X999-test", "schema", case.label.location, None, None, frozenset({"SIR-X020"})
        )
    )  # fmt: skip
    assert check_case(wrong) == [
        "unexpected SIR-X021 at Huvud/HsaId",
        "none of SIR-X020 reported",
    ]
    valid = InvalidCase(to_xml(_example()), "xml", None, wrong.label)
    assert check_case(valid) == ["none of SIR-X020 reported"]


# ------------------------------------------------------------------- generated reports

_PER_REPORT = 5
"""Cases drawn from one generated report: the report costs more to draw than a case."""


def _base_kwargs(defect: Any) -> dict[str, Any]:
    return dict(getattr(defect, "base", ()))


@settings(
    max_examples=examples(400),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.data())
def test_2000_cases_match_their_labels(data: st.DataObject) -> None:
    """Item 5: every case of every defect has only the findings its label allows, and one at
    least. ``examples(400)`` reports of five cases each: 2,000 cases under ``ci``."""
    first = data.draw(st.sampled_from(all_defects()), label="defect")
    kwargs = _base_kwargs(first)
    report = data.draw(base_reports(first), label="report")
    same_base = [d for d in all_defects() if _base_kwargs(d) == kwargs]
    checked = 0
    for attempt in range(3 * _PER_REPORT):
        defect = first if attempt == 0 else data.draw(st.sampled_from(same_base))
        format = data.draw(st.sampled_from(sorted(getattr(defect, "formats", FORMATS))))
        case = apply_defect(_drawing(data), defect, report, format)
        if case is None:
            continue
        assert check_case(case) == [], (case.label, case.payload[:2000])
        checked += 1
        if checked == _PER_REPORT:
            break
    assume(checked)


_BOTH_FORMATS = [d for d in DOCUMENT_DEFECTS if d.formats == BOTH]


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_same_defect_gives_the_same_findings_in_xml_and_json(data: st.DataObject) -> None:
    """Item 7: one change, written as XML and as JSON: the same codes at the same paths."""
    pool: list[DocumentDefect | ModelDefect] = [*_BOTH_FORMATS, *RULE_DEFECTS]
    defect = data.draw(st.sampled_from(pool), label="defect")
    report = data.draw(base_reports(defect), label="report")
    unit = None
    if isinstance(defect, DocumentDefect):
        xml = to_xml(report)
        edit = defect.draw(_drawing(data), targets(xml))
        assume(edit is not None)
        assert edit is not None
        payloads = [apply_edit(edit, f, xml, to_json(report)) for f in FORMATS]
    else:  # the registry and unit defects of _rule_defects.py
        unit = declaration_for(report) if defect.needs_unit else None
        change = defect.mutate(_drawing(data), report, unit)
        assume(change is not None)
        assert change is not None
        payloads = [to_xml(change.report), to_json(change.report)]
    in_xml, in_json = (_found(p, unit) for p in payloads)
    assert in_xml == in_json
    assert in_xml
    assert {code for code, _ in in_xml} <= defect.expected


@settings(max_examples=examples(20))
@given(invalid_reports(["SIR-X020"], format="json"))
def test_selected_defects_and_format_are_kept(case: InvalidCase) -> None:
    assert case.format == "json"
    assert case.label.defect == "X020-bad-token"
    assert case.payload.startswith(b"{")
    assert logical_path(case.label.location) == case.label.path
