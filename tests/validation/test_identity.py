"""The reasons of SIR-R001 and SIR-R010…R012 over the identity modules of sir_format.domain."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from rulekit import number

from sir_format.domain import personnummer, samordningsnummer
from sir_format.errors import IdentifierError
from sir_format.models import Kon
from sir_format.validation import identity as ident
from sir_format.validation.identity import Reason as Text


def wrong_check(value: str) -> str:
    """The same number with a wrong check digit."""
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def test_independent_luhn_agrees_with_the_dictionary_example() -> None:
    assert number("19571106", "913") == "195711069137"


# -- personnummer ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["195711069137", "194809224464", number("20000229")])
def test_valid_personnummer(value: str) -> None:
    assert ident.personnummer_reason(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("5711069137", ident.NOT_12_DIGITS),  # stdnum accepts the 10-digit form; SIR does not
        ("19571106-9137", ident.NOT_12_DIGITS),
        ("1957110691370", ident.NOT_12_DIGITS),
        ("19571106913X", ident.NOT_12_DIGITS),
        ("١٩٥٧١١٠٦٩١٣٧", ident.NOT_12_DIGITS),  # non-ASCII digits
        ("", ident.NOT_12_DIGITS),
        ("195711069138", ident.BAD_CHECK_DIGIT),
        (number("19571306"), ident.NOT_A_DATE),
        (number("19570229"), ident.NOT_A_DATE),
        (number("19571100"), ident.NOT_A_DATE),
        (number("19571166"), ident.LOOKS_SAMORDNING),
    ],
)
def test_invalid_personnummer(value: str, reason: Text) -> None:
    assert ident.personnummer_reason(value) == reason


def test_personnummer_birth_date_not_after_start() -> None:
    value = number("20241201")
    assert ident.personnummer_reason(value, not_after=date(2024, 11, 30)) == ident.AFTER_START
    assert ident.personnummer_reason(value, not_after=date(2024, 12, 1)) is None


# -- samordningsnummer ----------------------------------------------------------------------


@pytest.mark.parametrize("ymd", ["19571166", "19900161", "19900191", "20000289"])
def test_valid_samordningsnummer(ymd: str) -> None:
    assert ident.samordningsnummer_reason(number(ymd)) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("195711069137", ident.DAY_NOT_61_91),  # a personnummer
        (number("19571160"), ident.DAY_NOT_61_91),
        (number("19571192"), ident.DAY_NOT_61_91),
        (number("19570289"), ident.NOT_A_DATE),  # 29 Feb 1957
        (number("19570291"), ident.NOT_A_DATE),
        (number("19571366"), ident.NOT_A_DATE),
        (wrong_check(number("19571166")), ident.BAD_CHECK_DIGIT),
        ("5711669137", ident.NOT_12_DIGITS),
    ],
)
def test_invalid_samordningsnummer(value: str, reason: Text) -> None:
    assert ident.samordningsnummer_reason(value) == reason


def test_birth_date_and_sex() -> None:
    assert personnummer.birth_date("195711069137") == date(1957, 11, 6)
    assert samordningsnummer.birth_date(number("19571166")) == date(1957, 11, 6)
    assert personnummer.sex("195711069137") is Kon.MAN  # digit 11 = 3
    assert personnummer.sex("194809224464") is Kon.KVINNA  # digit 11 = 6
    for read in (personnummer.birth_date, samordningsnummer.birth_date, personnummer.sex):
        with pytest.raises(IdentifierError):
            read("AB123456")
    with pytest.raises(IdentifierError):
        personnummer.birth_date(number("19571166"))  # day 66 is no date
    with pytest.raises(IdentifierError):
        samordningsnummer.birth_date(number("19571106"))


@settings(max_examples=examples(80), deadline=None)
@given(
    st.dates(min_value=date(1890, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(0, 999),
)
def test_generated_numbers_round_trip(born: date, serial: int) -> None:
    ymd = born.strftime("%Y%m%d")
    pnr = number(ymd, f"{serial:03d}")
    assert ident.personnummer_reason(pnr) is None
    assert personnummer.birth_date(pnr) == born
    assert (personnummer.sex(pnr) is Kon.MAN) is (serial % 10 % 2 == 1)
    snr = number(f"{ymd[:6]}{born.day + 60:02d}", f"{serial:03d}")
    assert ident.samordningsnummer_reason(snr) is None
    assert samordningsnummer.birth_date(snr) == born
    assert ident.personnummer_reason(wrong_check(pnr)) == ident.BAD_CHECK_DIGIT


# -- reservnummer, organisation number, HSA-id ----------------------------------------------


@pytest.mark.parametrize("value", ["AB1234", "RES2024000123", "A" * 20, "195711069137"])
def test_valid_reservnummer(value: str) -> None:
    assert ident.reservnummer_reason(value) is None


@pytest.mark.parametrize("value", ["ab123456", "AB123", "A" * 21, "AB-1234", "AB 1234", ""])
def test_invalid_reservnummer(value: str) -> None:
    assert ident.reservnummer_reason(value) == ident.BAD_RESERV_FORMAT


@pytest.mark.parametrize(
    "value", ["SE2321000016-7Q4T", "SE2321000131-IM02", "SE2321000016-" + "A" * 18]
)
def test_valid_hsa_id(value: str) -> None:
    assert ident.hsa_id_reason(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("SE2321000017-7Q4T", ident.BAD_CHECK_DIGIT),
        ("se2321000016-7Q4T", ident.BAD_HSA_FORMAT),
        ("SE2321000016", ident.BAD_HSA_FORMAT),
        ("SE232100001-7Q4T", ident.BAD_HSA_FORMAT),
        ("SE2321000016-" + "A" * 19, ident.BAD_HSA_FORMAT),
        ("SE2321000016-7Q4T\n", ident.BAD_HSA_FORMAT),
        ("SE2321000016-7Q_T", ident.BAD_HSA_FORMAT),
    ],
)
def test_invalid_hsa_id(value: str, reason: Text) -> None:
    assert ident.hsa_id_reason(value) == reason


def test_reasons_have_both_languages() -> None:
    reasons = [v for v in vars(ident).values() if isinstance(v, Text)]
    assert len(reasons) >= 8
    for reason in reasons:
        assert reason.sv.strip()
        assert reason.en.strip()
        assert reason.sv != reason.en
