"""SIR-R010…R016: identity number, birth date and sex."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rulekit import FILE_A, each_example, file_a, g_at, hits, number

import sir_format.validation.rules.identity  # noqa: F401  (registers the rules)
from sir_format.models import Kon, Personnummertyp, SIRData
from sir_format.validation import identity as ident
from sir_format.validation._core import Finding, Hit, Identity, Severity
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules.identity import reason_text

PNR = FILE_A.vardtillfalle[0].grunddata.personnummer  # 195711069137, man, born 1957-11-06
PERSONNUMMER = g_at("Personnummer")
IDBEGREPP = g_at("Idbegrepp")


def with_id(kind: Personnummertyp, value: str, idbegrepp: str | None = None) -> SIRData:
    report = file_a()
    g = report.vardtillfalle[0].grunddata
    g.personnummertyp, g.personnummer, g.idbegrepp = kind, value, idbegrepp
    return report


CODES = ["SIR-R010", "SIR-R011", "SIR-R012", "SIR-R013", "SIR-R014", "SIR-R015", "SIR-R016"]


@pytest.mark.parametrize("code", CODES)
@each_example
def test_dictionary_examples_are_clean(code: str, report: SIRData) -> None:
    assert hits(code, report) == []


# -- SIR-R010 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("195711069138", ident.BAD_CHECK_DIGIT),
        ("5711069137", ident.NOT_12_DIGITS),
        (number("19571131"), ident.NOT_A_DATE),
        (number("19571166"), ident.LOOKS_SAMORDNING),
        (number("20241104"), ident.AFTER_START),  # born the day after Inskrivningstid
    ],
)
def test_r010_fires(value: str, reason: ident.Reason) -> None:
    report = with_id(Personnummertyp.PERSONNUMMER, value)
    assert hits("SIR-R010", report) == [
        Hit({"v": Identity(value), "reason": reason_text(reason)}, PERSONNUMMER)
    ]


def test_r010_near_miss_born_on_the_start_date() -> None:
    assert hits("SIR-R010", with_id(Personnummertyp.PERSONNUMMER, number("20241103"))) == []


def test_r010_ignores_other_kinds() -> None:
    assert hits("SIR-R010", with_id(Personnummertyp.SAMORDNINGSNUMMER, number("19571166"))) == []


# -- SIR-R011 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (PNR, ident.DAY_NOT_61_91),
        (number("19570290"), ident.NOT_A_DATE),
        (number("19571166")[:-1] + "0", ident.BAD_CHECK_DIGIT),
    ],
)
def test_r011_fires(value: str, reason: ident.Reason) -> None:
    assert value != number("19571166")
    report = with_id(Personnummertyp.SAMORDNINGSNUMMER, value)
    assert hits("SIR-R011", report) == [
        Hit({"v": Identity(value), "reason": reason_text(reason)}, PERSONNUMMER)
    ]


def test_r011_near_miss() -> None:
    assert hits("SIR-R011", with_id(Personnummertyp.SAMORDNINGSNUMMER, number("19571166"))) == []


# -- SIR-R012 -------------------------------------------------------------------------------


def test_r012_fires_on_malformed_reservnummer() -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, "res-123", "SE2321000016-1")
    assert hits("SIR-R012", report) == [Hit({"v": Identity("res-123")}, PERSONNUMMER)]


def test_r012_fires_on_missing_idbegrepp() -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, "RES2024000123")
    assert hits("SIR-R012", report) == [Hit({"v": Identity("RES2024000123")}, IDBEGREPP)]


def test_r012_fires_on_unexpected_idbegrepp() -> None:
    report = with_id(Personnummertyp.PERSONNUMMER, PNR, "SE2321000016-1")
    assert hits("SIR-R012", report) == [Hit({"v": Identity(PNR)}, IDBEGREPP)]


def test_r012_near_miss() -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, "RES2024000123", "SE2321000016-1")
    assert hits("SIR-R012", report) == []


# -- SIR-R013 -------------------------------------------------------------------------------


def test_r013_fires_for_personnummer() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.fodelsedatum = date(1957, 11, 7)
    assert hits("SIR-R013", report) == [
        Hit({"d": date(1957, 11, 7)}, (("Grunddata", None), ("Födelsedatum", None)))
    ]


def test_r013_samordningsnummer_uses_day_minus_60() -> None:
    report = with_id(Personnummertyp.SAMORDNINGSNUMMER, number("19571166"))
    assert hits("SIR-R013", report) == []  # Födelsedatum 1957-11-06 = day 66 − 60
    report.vardtillfalle[0].grunddata.fodelsedatum = date(1957, 11, 26)
    assert [h.params for h in hits("SIR-R013", report)] == [{"d": date(1957, 11, 26)}]


def test_r013_skips_numbers_without_a_date_and_reservnummer() -> None:
    report = with_id(Personnummertyp.PERSONNUMMER, number("19571131"))
    assert hits("SIR-R013", report) == []  # SIR-R010 reports the number itself
    report = with_id(Personnummertyp.RESERVNUMMER, "19000101ABCD", "X1")
    assert hits("SIR-R013", report) == []


# -- SIR-R014 -------------------------------------------------------------------------------


KON = g_at("Kön")


def test_r014_fires_on_wrong_sex() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.kon = Kon.KVINNA
    assert hits("SIR-R014", report) == [Hit({"k": "Kvinna"}, KON)]


def test_r014_fires_on_unknown_sex_with_personnummer() -> None:
    report = file_a()
    report.vardtillfalle[0].grunddata.kon = Kon.VARDE_OKANT
    assert hits("SIR-R014", report) == [Hit({"k": "VärdeOkänt"}, KON)]


def test_r014_samordningsnummer_uses_digit_11() -> None:
    report = with_id(Personnummertyp.SAMORDNINGSNUMMER, number("19571166", "924"))
    report.vardtillfalle[0].grunddata.kon = Kon.KVINNA
    assert hits("SIR-R014", report) == []
    report.vardtillfalle[0].grunddata.kon = Kon.MAN
    assert hits("SIR-R014", report) == [Hit({"k": "Man"}, KON)]


def test_r014_near_miss_unknown_sex_with_reservnummer() -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, "RES2024000123", "X1")
    report.vardtillfalle[0].grunddata.kon = Kon.VARDE_OKANT
    assert hits("SIR-R014", report) == []


# -- SIR-R015 -------------------------------------------------------------------------------


FODELSEDATUM = g_at("Födelsedatum")


@pytest.mark.parametrize("born", [date(2024, 11, 4), date(1898, 11, 3)])
def test_r015_fires(born: date) -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, "RES2024000123", "X1")
    report.vardtillfalle[0].grunddata.fodelsedatum = born
    assert hits("SIR-R015", report) == [Hit({"d": born}, FODELSEDATUM)]


@pytest.mark.parametrize("born", [date(2024, 11, 3), date(1899, 11, 3), date(1898, 11, 4)])
def test_r015_near_miss(born: date) -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, "RES2024000123", "X1")
    g = report.vardtillfalle[0].grunddata
    g.fodelsedatum = born
    assert g.inskrivningstid == datetime(2024, 11, 3, 16, 40)
    assert hits("SIR-R015", report) == []


# -- SIR-R016 -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [PNR, number("19571166")])
def test_r016_fires_when_reservnummer_is_a_real_number(value: str) -> None:
    report = with_id(Personnummertyp.RESERVNUMMER, value, "X1")
    assert hits("SIR-R016", report) == [Hit({"v": Identity(value)}, PERSONNUMMER)]


@pytest.mark.parametrize("value", ["RES2024000123", "195711069138", "999999999999"])
def test_r016_near_miss(value: str) -> None:
    assert hits("SIR-R016", with_id(Personnummertyp.RESERVNUMMER, value, "X1")) == []


# -- masking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "value", "idbegrepp"),
    [
        ("SIR-R010", Personnummertyp.PERSONNUMMER, "195711069138", None),
        ("SIR-R011", Personnummertyp.SAMORDNINGSNUMMER, "195711069137", None),
        ("SIR-R012", Personnummertyp.RESERVNUMMER, "RES2024000123", None),
        ("SIR-R016", Personnummertyp.RESERVNUMMER, "195711069137", "X1"),
    ],
)
def test_identity_numbers_are_masked(
    code: str, kind: Personnummertyp, value: str, idbegrepp: str | None
) -> None:
    (hit,) = hits(code, with_id(kind, value, idbegrepp))
    shown = hit.params["v"]
    assert isinstance(shown, Identity)
    assert shown.value == value
    assert value not in str(shown)
    assert str(shown).endswith("****")


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("SIR-R010", Severity.ERROR),
        ("SIR-R011", Severity.ERROR),
        ("SIR-R012", Severity.ERROR),
        ("SIR-R013", Severity.ERROR),
        ("SIR-R014", Severity.ERROR),
        ("SIR-R015", Severity.ERROR),
        ("SIR-R016", Severity.WARNING),
    ],
)
def test_catalog_severity(code: str, severity: Severity) -> None:
    assert get_rule(code).severity is severity


@pytest.mark.parametrize(
    ("code", "kind", "value", "idbegrepp"),
    [
        ("SIR-R010", Personnummertyp.PERSONNUMMER, "195711069138", None),
        ("SIR-R011", Personnummertyp.SAMORDNINGSNUMMER, "195711069137", None),
        ("SIR-R012", Personnummertyp.RESERVNUMMER, "RES2024000123", None),
        ("SIR-R016", Personnummertyp.RESERVNUMMER, "195711069137", "X1"),
    ],
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_rendered_messages_mask_identity_numbers(
    code: str, kind: Personnummertyp, value: str, idbegrepp: str | None, lang: str
) -> None:
    (hit,) = hits(code, with_id(kind, value, idbegrepp))
    finding = Finding(code, get_rule(code).severity, hit.params, hit.location)
    masked = finding.message(lang)
    assert value not in masked
    assert Identity(value).masked() in masked
    assert value in finding.message(lang, reveal_identities=True)
