"""SIR-R001…R004: file header rules."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rulekit import each_example, file_a, file_hits

from sir_format.models import SIRData
from sir_format.validation._core import Hit, Severity
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules import header

REAL_NOW = header.now


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    moment = datetime(2025, 6, 1, 12, 0)
    monkeypatch.setattr(header, "now", lambda: moment)
    return moment


@pytest.mark.parametrize("code", ["SIR-R001", "SIR-R002", "SIR-R003", "SIR-R004"])
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert file_hits(code, report) == []


# -- SIR-R001 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hsa_id", ["SE2321000017-7Q4T", "SE232100001-7Q4T", "se2321000016-7Q4T", "SE2321000016"]
)
def test_r001_fires_on_bad_hsa_id(hsa_id: str) -> None:
    report = file_a()
    report.huvud.hsa_id = hsa_id
    assert file_hits("SIR-R001", report) == [
        Hit({"v": hsa_id}, (("Huvud", None), ("HsaId", None)))
    ]


def test_r001_near_miss_other_valid_orgnr() -> None:
    report = file_a()
    report.huvud.hsa_id = "SE5560000004-X"  # 556000-0004 fails Luhn …
    assert len(file_hits("SIR-R001", report)) == 1
    report.huvud.hsa_id = "SE5560000001-X"  # … 556000-0001 passes
    assert file_hits("SIR-R001", report) == []


# -- SIR-R002 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n"),
    [("", 0), ("   ", 0), ("A" * 51, 51), ("IVA\x07Exempel", 11), ("IVA\tExempel", 11)],
)
def test_r002_fires(name: str, n: int) -> None:
    report = file_a()
    report.huvud.avdelningsnamn = name
    assert file_hits("SIR-R002", report) == [
        Hit({"n": n}, (("Huvud", None), ("Avdelningsnamn", None)))
    ]


@pytest.mark.parametrize("name", ["A", "A" * 50, "  " + "A" * 50 + "  ", "IVA Östra sjukhuset"])
def test_r002_near_miss(name: str) -> None:
    report = file_a()
    report.huvud.avdelningsnamn = name
    assert file_hits("SIR-R002", report) == []


# -- SIR-R003 -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["5.1", "5.3", ""])
def test_r003_fires_on_other_version(version: str) -> None:
    report = file_a()
    bad: Any = version  # a model object built by hand, or JSON, can carry any string
    report.huvud.formatversion = bad
    assert file_hits("SIR-R003", report) == [
        Hit({"v": version}, (("Huvud", None), ("Formatversion", None)))
    ]


def test_r003_near_miss_plain_string_5_2() -> None:
    report = file_a()
    good: Any = "5.2"
    report.huvud.formatversion = good
    assert file_hits("SIR-R003", report) == []


# -- SIR-R004 -------------------------------------------------------------------------------


def test_r004_fires_when_created_in_the_future(fixed_clock: datetime) -> None:
    report = file_a()
    report.huvud.skapad = fixed_clock + timedelta(minutes=6)
    assert file_hits("SIR-R004", report) == [
        Hit({"v": report.huvud.skapad}, (("Huvud", None), ("Skapad", None)))
    ]


def test_r004_tolerates_five_minutes(fixed_clock: datetime) -> None:
    report = file_a()
    report.huvud.skapad = fixed_clock + timedelta(minutes=5)
    assert file_hits("SIR-R004", report) == []


def test_r004_fires_when_created_before_the_latest_discharge() -> None:
    report = file_a()
    second = copy.deepcopy(report.vardtillfalle[0])
    second.grunddata.utskrivningstid = report.huvud.skapad + timedelta(minutes=1)
    report.vardtillfalle.append(second)
    assert file_hits("SIR-R004", report) == [
        Hit({"v": report.huvud.skapad}, (("Huvud", None), ("Skapad", None)))
    ]


def test_r004_near_miss_created_at_the_latest_discharge() -> None:
    report = file_a()
    second = copy.deepcopy(report.vardtillfalle[0])
    second.grunddata.utskrivningstid = report.huvud.skapad
    report.vardtillfalle.append(second)
    assert file_hits("SIR-R004", report) == []


def test_real_clock_is_naive_swedish_time() -> None:
    moment = REAL_NOW()
    assert moment.tzinfo is None
    utc = datetime.now(UTC).replace(tzinfo=None)
    assert timedelta(hours=0) < moment - utc + timedelta(minutes=1) < timedelta(hours=2, minutes=2)


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("SIR-R001", Severity.FATAL),
        ("SIR-R002", Severity.FATAL),
        ("SIR-R003", Severity.FATAL),
        ("SIR-R004", Severity.WARNING),
    ],
)
def test_catalog_severity(code: str, severity: Severity) -> None:
    assert get_rule(code).severity is severity
