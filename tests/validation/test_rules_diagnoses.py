"""SIR-R050…R052 (diagnoses) and SIR-R060…R063 (duplicates, overlaps, LokaltId)."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from rulekit import at, each_example, file_a, file_hits, hits, number

import sir_format.validation.rules.diagnoses  # noqa: F401  (registers the rules)
from sir_format._paths import Location
from sir_format.models import Personnummertyp, SIRData, Vardtillfalle
from sir_format.validation import outputs, validate
from sir_format.validation._core import Hit, LocalId, Severity
from sir_format.validation.catalog import get_rule
from sir_format.validation.reference import icd10se as ref

MAIN = at("Diagnoser", "HuvudsakligIVADiagnos")


def other_at(index: int) -> Location:
    return at("Diagnoser", ("ÖvrigDiagnos", index))


@pytest.mark.parametrize("code", ["SIR-R050", "SIR-R051", "SIR-R052", "SIR-R063"])
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert hits(code, report) == []


@pytest.mark.parametrize("code", ["SIR-R060", "SIR-R061", "SIR-R062"])
@each_example
def test_dictionary_examples_are_clean_file_rules(code: str, report: SIRData) -> None:
    assert file_hits(code, report) == []


# -- SIR-R050 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("main", "n"), [("", 0), (None, 0), (["J189", "J960"], 2)])
def test_r050_fires(main: Any, n: int) -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.huvudsaklig_ivadiagnos = main
    assert hits("SIR-R050", report) == [Hit({"n": n}, MAIN)]


def test_r050_fires_without_diagnoser() -> None:
    report = file_a()
    missing: Any = None
    report.vardtillfalle[0].diagnoser = missing
    assert hits("SIR-R050", report) == [Hit({"n": 0}, (("Diagnoser", None),))]


def test_r050_near_miss_single_item_list() -> None:
    report = file_a()
    one: Any = ["J189"]
    report.vardtillfalle[0].diagnoser.huvudsaklig_ivadiagnos = one
    assert hits("SIR-R050", report) == []


# -- SIR-R051 -------------------------------------------------------------------------------


def test_r051_main_repeated_as_other() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["J960", "J189"]
    assert hits("SIR-R051", report) == [Hit({"c": "J189"}, other_at(1))]


def test_r051_reports_each_code_once_and_normalises_dots() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["J960", "J96.0", "J960", "F058"]
    assert hits("SIR-R051", report) == [Hit({"c": "J96.0"}, other_at(1))]


def test_r051_near_miss_related_codes() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["J18", "J1890", "J809A", "J809B"]
    assert hits("SIR-R051", report) == []


# -- SIR-R052 -------------------------------------------------------------------------------


def test_r052_unknown_category() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["J960", "D49", "U999"]
    assert hits("SIR-R052", report) == [
        Hit({"c": "D49", "year": 2024}, other_at(1)),
        Hit({"c": "U999", "year": 2024}, other_at(2)),
    ]


def test_r052_main_diagnosis_checked_too() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.huvudsaklig_ivadiagnos = "D49"
    assert hits("SIR-R052", report) == [Hit({"c": "D49", "year": 2024}, MAIN)]


def test_r052_supplement_codes_are_dated() -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = ["U109"]
    assert hits("SIR-R052", report) == []  # 2024: in use
    g = report.vardtillfalle[0].grunddata
    g.inskrivningstid = datetime(2019, 5, 1, 10, 0)
    assert hits("SIR-R052", report) == [Hit({"c": "U109", "year": 2019}, other_at(0))]


@pytest.mark.parametrize("code", ["J809A", "J809X", "F058", "U071", "Z998", "X59", "j18.9"])
def test_r052_near_miss_known_codes(code: str) -> None:
    report = file_a()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = [code]
    assert hits("SIR-R052", report) == []


def test_reference_data() -> None:
    reference = ref.icd10se()
    assert len(reference.who_categories) > 2000
    assert {"A00", "J80", "F05", "Z99", "U07"} <= reference.who_categories
    assert reference.supplement["U10"] == date(2020, 1, 1)
    assert not (set(reference.supplement) & reference.who_categories)
    assert ref.normalise(" j80.9a ") == "J809A"
    assert "2019" in ref.REFERENCE_VERSION


# -- SIR-R060 / R061 / R062 -----------------------------------------------------------------


def report_of(*stays: tuple[datetime, datetime], pnr: str | None = None) -> SIRData:
    """File A with one episode per stay, all of the same person unless changed."""
    report = file_a()
    template = report.vardtillfalle[0]
    episodes: list[Vardtillfalle] = []
    for i, (start, end) in enumerate(stays):
        ep = copy.deepcopy(template)
        ep.lokalt_id = f"VT-{i}"
        ep.grunddata.inskrivningstid, ep.grunddata.utskrivningstid = start, end
        ep.grunddata.ankomsttid = start
        episodes.append(ep)
    report.vardtillfalle = episodes
    return report


T0 = datetime(2024, 10, 1, 8, 0)
HOUR = timedelta(hours=1)


def start_of(index: int) -> Location:
    return at(("Vårdtillfälle", index), "Grunddata", "Inskrivningstid")


def test_r060_second_and_later_duplicates() -> None:
    report = report_of(
        (T0, T0 + HOUR), (T0, T0 + 2 * HOUR), (T0 + 9 * HOUR, T0 + 10 * HOUR), (T0, T0 + HOUR)
    )
    assert file_hits("SIR-R060", report) == [
        Hit({"s": T0}, start_of(1)),
        Hit({"s": T0}, start_of(3)),
    ]


def test_r060_near_miss_other_person_or_other_kind() -> None:
    report = report_of((T0, T0 + HOUR), (T0, T0 + HOUR), (T0, T0 + HOUR))
    report.vardtillfalle[1].grunddata.personnummer = "194809224464"
    g = report.vardtillfalle[2].grunddata
    g.personnummertyp = Personnummertyp.RESERVNUMMER  # same digits, other key
    assert file_hits("SIR-R060", report) == []


def test_r061_overlap() -> None:
    report = report_of((T0, T0 + 5 * HOUR), (T0 + 4 * HOUR, T0 + 6 * HOUR))
    assert file_hits("SIR-R061", report) == [
        Hit({"s": T0 + 4 * HOUR, "u": T0 + 6 * HOUR}, start_of(1))
    ]


def test_r061_contained_earlier_in_file_order() -> None:
    report = report_of(
        (T0 + 2 * HOUR, T0 + 3 * HOUR),
        (T0, T0 + 5 * HOUR),
        (T0 + HOUR, T0 + 90 * timedelta(minutes=1)),
    )
    assert [h.location for h in file_hits("SIR-R061", report)] == [start_of(1), start_of(2)]


def test_r061_near_misses() -> None:
    touching = report_of(
        (T0, T0 + HOUR), (T0 + HOUR, T0 + 2 * HOUR), (T0 + 2 * HOUR, T0 + 3 * HOUR)
    )
    assert file_hits("SIR-R061", touching) == []
    duplicate = report_of((T0, T0 + HOUR), (T0, T0 + HOUR))  # SIR-R060's finding
    assert file_hits("SIR-R061", duplicate) == []
    others = report_of((T0, T0 + 5 * HOUR), (T0 + HOUR, T0 + 2 * HOUR))
    others.vardtillfalle[1].grunddata.personnummer = "194809224464"
    assert file_hits("SIR-R061", others) == []


def test_r062_repeated_lokalt_id() -> None:
    report = report_of(
        (T0, T0 + HOUR), (T0 + 2 * HOUR, T0 + 3 * HOUR), (T0 + 4 * HOUR, T0 + 5 * HOUR)
    )
    for ep in report.vardtillfalle:
        ep.lokalt_id = "VT-7"
    assert file_hits("SIR-R062", report) == [
        Hit({"v": LocalId("VT-7")}, (("Vårdtillfälle", 1), ("LokaltId", None))),
        Hit({"v": LocalId("VT-7")}, (("Vårdtillfälle", 2), ("LokaltId", None))),
    ]


def test_r062_near_miss_missing_ids_are_not_duplicates() -> None:
    report = report_of(
        (T0, T0 + HOUR), (T0 + 2 * HOUR, T0 + 3 * HOUR), (T0 + 4 * HOUR, T0 + 5 * HOUR)
    )
    report.vardtillfalle[0].lokalt_id = None
    report.vardtillfalle[1].lokalt_id = None
    assert file_hits("SIR-R062", report) == []


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("SIR-R050", Severity.ERROR),
        ("SIR-R051", Severity.ERROR),
        ("SIR-R052", Severity.WARNING),
        ("SIR-R060", Severity.ERROR),
        ("SIR-R061", Severity.ERROR),
        ("SIR-R062", Severity.ERROR),
        ("SIR-R063", Severity.WARNING),
    ],
)
def test_catalog_severity(code: str, severity: Severity) -> None:
    assert get_rule(code).severity is severity


# -- SIR-R063 -------------------------------------------------------------------------------

PNR = "194809224464"
SAMORDNING = number("19480982", "446")  # day 22 + 60
LOKALT_ID = at("LokaltId")


def with_local_id(local_id: str | None, report: SIRData | None = None) -> SIRData:
    report = report if report is not None else file_a()
    report.vardtillfalle[0].lokalt_id = local_id
    return report


@pytest.mark.parametrize(
    "local_id",
    [PNR, "19480922-4464", "4809224464", "480922+4464", SAMORDNING, f"VT-{PNR}-A", f"x{PNR}"],
)
def test_r063_fires_on_an_identity_number(local_id: str) -> None:
    assert hits("SIR-R063", with_local_id(local_id)) == [Hit({"v": LocalId(local_id)}, LOKALT_ID)]


@pytest.mark.parametrize(
    "local_id",
    [
        "194809224465",  # Luhn fails
        "19480922446",  # 11 digits
        "1948092244641",  # 13 digits: not a run of 12
        "19481322-4464",  # month 13
        "4809224465",  # 10 digits, Luhn fails
        "19480922 4464",  # only - or + before the last four
        "VT-2024-01187",
    ],
)
def test_r063_near_misses(local_id: str) -> None:
    assert hits("SIR-R063", with_local_id(local_id)) == []


def test_r063_near_miss_without_local_id() -> None:
    assert hits("SIR-R063", with_local_id(None)) == []


def test_r063_masks_the_number_in_its_message_unless_revealed() -> None:
    report = validate(with_local_id(f"VT-{PNR}-A"))
    (finding,) = (f for f in report if f.code == "SIR-R063")
    assert finding.severity is Severity.WARNING
    assert (
        finding.message("en")
        == "Local id VT-19480922****-A appears to contain a personal identity number."
    )
    assert finding.message("sv", reveal_identities=True) == (
        f"Lokalt id VT-{PNR}-A verkar innehålla ett personnummer."
    )
    assert PNR not in repr(finding)


@pytest.mark.parametrize("local_id", [PNR, "19480922-4464", "4809224464", SAMORDNING])
@pytest.mark.parametrize("fmt", outputs.FORMATS)
def test_masked_local_id_in_every_output_format(local_id: str, fmt: str) -> None:
    report = with_local_id(local_id)
    report.vardtillfalle.append(copy.deepcopy(report.vardtillfalle[0]))
    report.vardtillfalle[1].grunddata.personnummer = "194809224464"  # another person
    found = validate(report)
    assert {"SIR-R062", "SIR-R063"} <= set(found.codes())
    digits = local_id.replace("-", "").replace("+", "")
    assert found.episodes == (local_id[:-4] + "****",) * 2
    shown = outputs.render(found, fmt, lang="en").decode("utf-8")
    assert local_id[:-4] + "****" in shown
    assert local_id not in shown and digits not in shown
    revealed = outputs.render(found, fmt, lang="en", reveal_identities=True).decode("utf-8")
    assert local_id in revealed  # in the messages of R062 and R063


@pytest.mark.parametrize(
    ("local_id", "key"), [(f"VT {PNR}", "VT 19480922****"), ("480922+4464", "480922+****")]
)
def test_masked_local_id_in_schema_findings(local_id: str, key: str) -> None:
    """A LokaltId that fails the schema is masked too, in its finding and as the key."""
    report = validate(with_local_id(local_id))  # a space or a + fails the pattern
    (finding,) = report.findings
    assert (finding.code, finding.path) == ("SIR-X021", "Vårdtillfälle[1]/LokaltId")
    assert finding.episode == key
    for fmt in outputs.FORMATS:
        assert local_id not in outputs.render(report, fmt).decode("utf-8"), fmt
    assert local_id not in (finding.raw or "") + repr(finding)
    assert local_id in finding.message("en", reveal_identities=True)
