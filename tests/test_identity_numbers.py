"""The identifier modules of sir_format.domain: personnummer, samordningsnummer, reservnummer,
HSA-id, and identity numbers inside free text.

Valid numbers are checked against python-stdnum where it covers them, and against an
independent Luhn written here (not the library's), so a wrong check digit in the library
cannot hide behind the same mistake in the test.
"""

from __future__ import annotations

import doctest
import random
from datetime import date
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples
from stdnum.se import orgnr
from stdnum.se import personnummer as stdnum_personnummer

from sir_format.domain import embedded, hsa_id, personnummer, reservnummer, samordningsnummer
from sir_format.errors import (
    IdentifierError,
    InvalidChecksumError,
    InvalidComponentError,
    InvalidDateError,
    InvalidFormatError,
    InvalidLengthError,
    SirFormatError,
)
from sir_format.models import Kon

SETTINGS = settings(max_examples=examples(150), deadline=None)
BORN = st.dates(min_value=date(1890, 1, 1), max_value=date(2099, 12, 31))
SEXES = st.sampled_from([Kon.MAN, Kon.KVINNA])


def luhn_digit(digits: str) -> str:
    """Independent mod-10 check digit (doubling every second digit from the right)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        value = int(ch) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def number(ymd: str, serial: str = "913") -> str:
    """``ymd + serial`` with its check digit over the last nine of those eleven digits."""
    return ymd + serial + luhn_digit((ymd + serial)[2:])


def wrong_check(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


@pytest.mark.parametrize(
    "module", [personnummer, samordningsnummer, reservnummer, hsa_id, embedded]
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_errors_are_sir_format_errors_with_stable_reasons() -> None:
    reasons = {
        InvalidLengthError: "length",
        InvalidFormatError: "format",
        InvalidDateError: "date",
        InvalidComponentError: "component",
        InvalidChecksumError: "checksum",
    }
    for cls, reason in reasons.items():
        assert issubclass(cls, IdentifierError)
        assert issubclass(cls, SirFormatError) and issubclass(cls, ValueError)
        assert cls.reason == reason


# -- personnummer ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["195711069137", "194809224464", number("20000229")])
def test_personnummer_valid_as_stdnum_says(value: str) -> None:
    assert personnummer.validate(value) == value
    assert personnummer.is_valid(value)
    assert stdnum_personnummer.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("5711069137", InvalidLengthError),  # python-stdnum accepts the 10-digit form; SIR not
        ("1957110691370", InvalidLengthError),
        ("", InvalidFormatError),
        ("19571106-9137", InvalidFormatError),  # validate does not compact
        ("19571106913X", InvalidFormatError),
        ("١٩٥٧١١٠٦٩١٣٧", InvalidFormatError),  # non-ASCII digits
        ("195711069138", InvalidChecksumError),
        (number("19571306"), InvalidDateError),
        (number("19570229"), InvalidDateError),  # 1957 is no leap year
        (number("19571100"), InvalidDateError),
        (number("19571131"), InvalidDateError),
        (number("19571166"), InvalidComponentError),  # day 61-91: a samordningsnummer
        (number("19571191"), InvalidComponentError),
    ],
)
def test_personnummer_invalid(value: str, error: type[IdentifierError]) -> None:
    with pytest.raises(error):
        personnummer.validate(value)
    assert not personnummer.is_valid(value)


def test_personnummer_compact_and_format() -> None:
    assert personnummer.compact(" 19571106-9137 ") == "195711069137"
    assert personnummer.compact("19571106+9137") == "195711069137"
    assert personnummer.format("19571106-9137") == "19571106-9137"
    with pytest.raises(InvalidChecksumError):
        personnummer.format("19571106-9138")


def test_personnummer_birth_date_and_sex() -> None:
    assert personnummer.birth_date("195711069137") == date(1957, 11, 6)
    assert personnummer.sex("195711069137") is Kon.MAN  # digit 11 = 3
    assert personnummer.sex("194809224464") is Kon.KVINNA  # digit 11 = 6
    assert personnummer.birth_date(wrong_check("195711069137")) == date(1957, 11, 6)
    with pytest.raises(InvalidDateError):
        personnummer.birth_date(number("19571166"))
    with pytest.raises(InvalidLengthError):
        personnummer.sex("5711069137")


def test_personnummer_build() -> None:
    assert personnummer.build(date(1957, 11, 6), 913) == "195711069137"
    assert personnummer.build(date(1948, 9, 22), 446) == "194809224464"
    for bad in (-1, 1000):
        with pytest.raises(ValueError, match=r"0\.\.999"):
            personnummer.build(date(1957, 11, 6), bad)


# -- samordningsnummer ----------------------------------------------------------------------


@pytest.mark.parametrize("ymd", ["19571166", "19900161", "19900191", "20000289"])
def test_samordningsnummer_valid(ymd: str) -> None:
    value = number(ymd)
    assert samordningsnummer.validate(value) == value
    assert samordningsnummer.is_valid(value)
    assert not personnummer.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("195711069137", InvalidComponentError),  # a personnummer: day 06
        (number("19571160"), InvalidComponentError),
        (number("19571192"), InvalidComponentError),
        (number("19571199"), InvalidComponentError),
        (number("19570289"), InvalidDateError),  # 29 Feb 1957
        (number("19570291"), InvalidDateError),
        (number("19571366"), InvalidDateError),
        (wrong_check(number("19571166")), InvalidChecksumError),
        ("5711669137", InvalidLengthError),
        ("19571166913A", InvalidFormatError),
    ],
)
def test_samordningsnummer_invalid(value: str, error: type[IdentifierError]) -> None:
    with pytest.raises(error):
        samordningsnummer.validate(value)
    assert not samordningsnummer.is_valid(value)


def test_samordningsnummer_facts() -> None:
    value = number("19571166")
    assert samordningsnummer.DAY_OFFSET == 60
    assert samordningsnummer.birth_date(value) == date(1957, 11, 6)
    assert samordningsnummer.sex(value) is Kon.MAN
    assert samordningsnummer.format(value) == value[:8] + "-" + value[8:]
    assert samordningsnummer.build(date(1957, 11, 6), 913) == value
    with pytest.raises(InvalidDateError):
        samordningsnummer.birth_date("195711069137")  # day 06 - 60 is no day


# -- properties: build / generate round-trip ------------------------------------------------


@SETTINGS
@given(BORN, st.integers(0, 999))
def test_built_numbers_validate_and_round_trip(born: date, serial: int) -> None:
    ymd = born.strftime("%Y%m%d")
    pnr = personnummer.build(born, serial)
    assert pnr == number(ymd, f"{serial:03d}")
    assert stdnum_personnummer.is_valid(pnr)
    assert personnummer.birth_date(pnr) == born
    assert (personnummer.sex(pnr) is Kon.MAN) is (serial % 2 == 1)
    snr = samordningsnummer.build(born, serial)
    assert snr == number(f"{ymd[:6]}{born.day + 60:02d}", f"{serial:03d}")
    assert samordningsnummer.is_valid(snr) and not personnummer.is_valid(snr)
    assert samordningsnummer.birth_date(snr) == born
    assert not personnummer.is_valid(wrong_check(pnr))
    assert not samordningsnummer.is_valid(wrong_check(snr))


@SETTINGS
@given(st.integers(0, 2**32), st.one_of(st.none(), BORN), st.one_of(st.none(), SEXES))
def test_generated_numbers_validate_and_keep_birth_date_and_sex(
    seed: int, born: date | None, sex: Kon | None
) -> None:
    for module in (personnummer, samordningsnummer):
        value = module.generate(random.Random(seed), birth_date=born, sex=sex)
        assert module.validate(value) == value
        assert module.generate(random.Random(seed), birth_date=born, sex=sex) == value
        if born is not None:
            assert module.birth_date(value) == born
        if sex is not None:
            assert module.sex(value) is sex
    assert not reservnummer.looks_like_personal_number(reservnummer.generate(random.Random(seed)))


def test_generate_rejects_an_unknown_sex() -> None:
    with pytest.raises(ValueError, match="Man or Kvinna"):
        personnummer.generate(random.Random(1), sex=Kon.VARDE_OKANT)


# -- reservnummer ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["AB1234", "RES2024000123", "A" * 20, "195711069137", "123456"])
def test_reservnummer_valid(value: str) -> None:
    assert reservnummer.validate(value) == value
    assert reservnummer.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("AB123", InvalidLengthError),
        ("A" * 21, InvalidLengthError),
        ("", InvalidLengthError),
        ("ab123456", InvalidFormatError),  # upper case only
        ("AB-1234", InvalidFormatError),
        ("AB 1234", InvalidFormatError),
        ("ÅB12345", InvalidFormatError),
    ],
)
def test_reservnummer_invalid(value: str, error: type[IdentifierError]) -> None:
    with pytest.raises(error):
        reservnummer.validate(value)
    assert not reservnummer.is_valid(value)


def test_reservnummer_compact_and_look_alikes() -> None:
    assert reservnummer.compact("  AB1234 ") == "AB1234"
    assert reservnummer.looks_like_personal_number("195711069137")
    assert reservnummer.looks_like_personal_number(number("19571166"))
    assert not reservnummer.looks_like_personal_number("195711069138")
    assert not reservnummer.looks_like_personal_number("RES00012345X")


@SETTINGS
@given(st.integers(0, 2**32))
def test_generated_reservnummer_is_valid(seed: int) -> None:
    value = reservnummer.generate(random.Random(seed))
    assert reservnummer.is_valid(value)
    assert value == reservnummer.generate(random.Random(seed))


# -- HSA-id ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["SE2321000016-7Q4T", "SE2321000131-IM02", "SE2321000016-" + "A" * 18]
)
def test_hsa_id_valid(value: str) -> None:
    assert hsa_id.validate(value) == value
    assert hsa_id.is_valid(value)
    assert orgnr.is_valid(hsa_id.organisation_number(value))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("SE2321000017-7Q4T", InvalidChecksumError),
        ("se2321000016-7Q4T", InvalidFormatError),
        ("SE2321000016", InvalidFormatError),
        ("SE232100001-7Q4T", InvalidFormatError),
        ("2321000016-7Q4T", InvalidFormatError),
        ("SE2321000016-7Q4T\n", InvalidFormatError),
        ("SE2321000016-7Q_T", InvalidFormatError),
        ("SE2321000016-" + "A" * 19, InvalidLengthError),  # 32 > maxLength 31
    ],
)
def test_hsa_id_invalid(value: str, error: type[IdentifierError]) -> None:
    with pytest.raises(error):
        hsa_id.validate(value)
    assert not hsa_id.is_valid(value)


def test_hsa_id_with_organisation_number() -> None:
    assert hsa_id.with_organisation_number("SE0000000000-A1", "232100001") == "SE2321000016-A1"
    for bad in ("23210000", "2321000016", "23210000X"):
        with pytest.raises(ValueError, match="nine digits"):
            hsa_id.with_organisation_number("SE0000000000-A1", bad)
    assert hsa_id.compact(" SE2321000016-7Q4T ") == "SE2321000016-7Q4T"


@SETTINGS
@given(st.integers(0, 2**32))
def test_generated_hsa_id_is_valid(seed: int) -> None:
    value = hsa_id.generate(random.Random(seed))
    assert hsa_id.is_valid(value)
    assert orgnr.is_valid(value[2:12])
    assert value == hsa_id.generate(random.Random(seed))


# -- embedded numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("VT-195711069137", ["195711069137"]),
        ("VT-19571106-9137-A", ["19571106-9137"]),
        ("id 571106-9137", ["571106-9137"]),  # 10 digits, century guessed
        ("id 571106+9137", ["571106+9137"]),
        (f"x{number('19571166')}", [number("19571166")]),  # samordningsnummer
        ("VT-195711069138", []),  # wrong check digit
        ("VT-1957110691370", []),  # 13 digits: no number
        ("VT-2024-000123", []),
        ("", []),
    ],
)
def test_embedded_identity_numbers(text: str, found: list[str]) -> None:
    assert [m[0] for m in embedded.embedded_identity_numbers(text)] == found
