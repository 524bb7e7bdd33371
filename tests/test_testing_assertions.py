"""``assert_rejected_for``: another validator's findings against a case's label."""

from __future__ import annotations

import re
from datetime import date

import pytest

from sir_format.domain import personnummer
from sir_format.metadata import model_info
from sir_format.models import Grunddata, SIRData, Vardtillfalle
from sir_format.testing import CodeMap, InvalidCase, Label, assert_rejected_for

EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name
GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name
UTSKRIVNING = model_info(Grunddata).by_py["utskrivningstid"].wire_name
WHERE = ((EPISODE, 1), (GRUNDDATA, None), (UTSKRIVNING, None))

DISCHARGE = Label(
    defect="R021-discharge-before-admission",
    layer="registry",
    location=WHERE,
    before="2024-03-02T10:00:00",
    after="2024-02-28T10:00:00",
    expected=frozenset({"SIR-R021"}),
)
SCHEMA = Label(
    defect="X-element-missing",
    layer="schema",
    location=WHERE,
    before="2024-03-02T10:00:00",
    after=None,
    expected=frozenset({"SIR-X010", "SIR-X011"}),
)
THEIR_CODES = {
    r"^E-0?42\b": "SIR-R021",
    r"^E-100\b": ["SIR-X010", "SIR-X011"],
    r"saknas": "SIR-X011",
    r"^E-200\b": "SIR-R010",
}
HEAD = (
    "the validator did not reject the case for its defect R021-discharge-before-admission "
    "(registry) at Vårdtillfälle[2]/Grunddata/Utskrivningstid; expected SIR-R021"
)


def test_rejected_for_the_labelled_reason() -> None:
    found = assert_rejected_for(DISCHARGE, ["E-042 Utskrivning före inskrivning"], THEIR_CODES)
    assert found == {"SIR-R021"}
    case = InvalidCase(payload=b"<x/>", format="xml", model=None, label=DISCHARGE)
    assert assert_rejected_for(case, ["E-42: dates"], CodeMap(THEIR_CODES)) == {"SIR-R021"}


def test_one_code_of_an_equivalence_set_is_enough() -> None:
    assert assert_rejected_for(SCHEMA, ["Fältet Utskrivningstid saknas"], THEIR_CODES) == {
        "SIR-X011"
    }
    found = assert_rejected_for(SCHEMA, ["E-100 missing", "Utskrivningstid saknas"], THEIR_CODES)
    assert found == {"SIR-X010", "SIR-X011"}


def test_nothing_reported() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_rejected_for(DISCHARGE, [], THEIR_CODES)
    assert str(raised.value) == (
        f"{HEAD}\n  the validator reported nothing: the case was accepted"
    )


def test_rejected_for_another_reason() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_rejected_for(DISCHARGE, ["E-200 fel personnummer"], THEIR_CODES)
    assert str(raised.value) == (
        f"{HEAD}\n  not found: SIR-R021\n  unexpected: 'E-200 fel personnummer' -> SIR-R010"
    )


def test_an_extra_finding_fails_even_beside_the_right_one() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_rejected_for(DISCHARGE, ["E-042 dates", "E-200 id", "W-7 odd"], THEIR_CODES)
    assert str(raised.value) == (
        f"{HEAD}\n"
        "  unexpected: 'E-200 id' -> SIR-R010\n"
        "  unmapped: 'W-7 odd' matches no pattern of the mapping"
    )


def test_ignored_findings_are_left_out() -> None:
    findings = ["E-042 dates", "W-7 odd", "INFO file read"]
    assert assert_rejected_for(DISCHARGE, findings, THEIR_CODES, ignore=[r"^W-", "^INFO"]) == {
        "SIR-R021"
    }
    with pytest.raises(AssertionError, match="reported nothing"):
        assert_rejected_for(DISCHARGE, ["W-7 odd"], THEIR_CODES, ignore=[r"^W-"])


def test_equivalence_set_named_when_missing() -> None:
    with pytest.raises(AssertionError) as raised:
        assert_rejected_for(SCHEMA, ["E-042 dates"], THEIR_CODES)
    assert str(raised.value).splitlines()[1:] == [
        "  not found: one of SIR-X010, SIR-X011",
        "  unexpected: 'E-042 dates' -> SIR-R021",
    ]
    assert str(raised.value).splitlines()[0].endswith("expected one of SIR-X010, SIR-X011")


def test_identity_numbers_in_their_findings_are_masked() -> None:
    number = personnummer.build(date(1980, 5, 17), 123)
    with pytest.raises(AssertionError) as raised:
        assert_rejected_for(DISCHARGE, [f"E-200 {number} is wrong"], THEIR_CODES)
    message = str(raised.value)
    assert number not in message
    assert f"'E-200 {number[:8]}**** is wrong' -> SIR-R010" in message


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"E-1": "SIR-R999"}, "mapping of 'E-1': SIR-R999 is not a code of the rule catalog"),
        ({"E-1": []}, "mapping of 'E-1': no code is not a code of the rule catalog"),
        ({"E-(": "SIR-R021"}, "mapping of 'E-(': not a regular expression: "),
    ],
)
def test_a_bad_mapping_is_refused(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        assert_rejected_for(DISCHARGE, ["E-1"], mapping)  # type: ignore[arg-type]


def test_a_bad_ignore_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^ignore: not a regular expression: "):
        assert_rejected_for(DISCHARGE, ["E-042"], THEIR_CODES, ignore=["("])


def test_a_manifest_entry_is_a_case() -> None:
    entry = {
        "name": "invalid-0001-R021-discharge-before-admission.xml",
        "format": "xml",
        "valid": False,
        "label": {
            "defect": DISCHARGE.defect,
            "layer": DISCHARGE.layer,
            "expected": sorted(DISCHARGE.expected),
            "location": {
                "path": DISCHARGE.path,
                "xpath": DISCHARGE.xpath,
                "json_pointer": DISCHARGE.json_pointer,
            },
            "before": DISCHARGE.before,
            "after": DISCHARGE.after,
        },
    }
    assert assert_rejected_for(entry, ["E-042"], THEIR_CODES) == {"SIR-R021"}
    assert assert_rejected_for(entry["label"], ["E-042"], THEIR_CODES) == {"SIR-R021"}
    with pytest.raises(AssertionError) as raised:
        assert_rejected_for(entry, ["E-200"], THEIR_CODES)
    assert str(raised.value).splitlines()[0] == HEAD
    with pytest.raises(ValueError, match=r"^case: not an invalid case, a label, or a manifest"):
        assert_rejected_for({"name": "valid-0001.xml", "valid": True}, ["E-042"], THEIR_CODES)
