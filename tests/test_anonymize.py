"""Anonymised copies of reports: pseudonyms, options, and the same findings as the original."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

import sir_format
from sir_format.domain import _digits, personnummer, reservnummer, samordningsnummer
from sir_format.domain.embedded import embedded_identity_numbers
from sir_format.errors import AnonymizationError, ParseError
from sir_format.models import Kon, Personnummertyp, SIRData, Vardtillfalle
from sir_format.testing import (
    InvalidCase,
    _anonymize,
    anonymize,
    anonymize_bytes,
    anonymize_file,
    anonymize_report,
    invalid_reports,
    reports,
)
from sir_format.validation.unit import UnitDeclaration

KEY = "a key of more than sixteen bytes"
EXAMPLES = resources.files("sir_format") / "examples"


def _text(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def _example(name: str) -> SIRData:
    data = (EXAMPLES / name).read_bytes()
    return sir_format.from_xml(data) if name.endswith(".xml") else sir_format.from_json(data)


def _codes(report: SIRData, unit: UnitDeclaration | None = None) -> list[tuple[int | None, str]]:
    found = sir_format.validate(report, unit=unit, max_findings=None).findings
    return sorted(((f.episode_index, f.code) for f in found), key=lambda x: (x[0] or -1, x[1]))


def _grunddata(report: SIRData, index: int, **changes: object) -> SIRData:
    episodes = list(report.vardtillfalle)
    episode = episodes[index]
    grunddata = msgspec.structs.replace(episode.grunddata, **changes)
    episodes[index] = msgspec.structs.replace(episode, grunddata=grunddata)
    return msgspec.structs.replace(report, vardtillfalle=episodes)


def _episode(report: SIRData, index: int, **changes: object) -> SIRData:
    episodes = list(report.vardtillfalle)
    episodes[index] = msgspec.structs.replace(episodes[index], **changes)
    return msgspec.structs.replace(report, vardtillfalle=episodes)


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _one(report: SIRData, number: str, kind: Personnummertyp) -> SIRData:
    """Episode 0 with ``number`` of ``kind`` (birth date and sex left as they are)."""
    idbegrepp = "SE2321000016-ABC" if kind is Personnummertyp.RESERVNUMMER else None
    return _grunddata(report, 0, personnummertyp=kind, personnummer=number, idbegrepp=idbegrepp)


# --------------------------------------------------------------------------- hand-made defects
# Each takes a valid report and breaks identity, time-order or duplicate rules, the rules an
# anonymiser could break by replacing numbers and moving dates.


def _personal(report: SIRData) -> SIRData:
    """Episode 0 with a valid personnummer that matches its birth date and sex."""
    grunddata = report.vardtillfalle[0].grunddata
    kon = grunddata.kon if grunddata.kon in _digits.SEXES else Kon.MAN
    number = personnummer.build(grunddata.fodelsedatum, 123 if kon is Kon.MAN else 124)
    return _grunddata(
        _one(report, number, Personnummertyp.PERSONNUMMER), 0, kon=kon, idbegrepp=None
    )


def _luhn(report: SIRData) -> SIRData:
    report = _personal(report)
    number = report.vardtillfalle[0].grunddata.personnummer
    return _grunddata(report, 0, personnummer=_wrong_check_digit(number))


def _birth_mismatch(report: SIRData) -> SIRData:
    report = _personal(report)
    born = report.vardtillfalle[0].grunddata.fodelsedatum
    return _grunddata(report, 0, fodelsedatum=born - timedelta(days=3))


def _sex_mismatch(report: SIRData) -> SIRData:
    report = _personal(report)
    kon = report.vardtillfalle[0].grunddata.kon
    return _grunddata(report, 0, kon=Kon.KVINNA if kon is Kon.MAN else Kon.MAN)


def _wrong_kind(report: SIRData) -> SIRData:
    grunddata = report.vardtillfalle[0].grunddata
    kind = (
        Personnummertyp.SAMORDNINGSNUMMER
        if grunddata.personnummertyp is Personnummertyp.PERSONNUMMER
        else Personnummertyp.PERSONNUMMER
    )
    return _grunddata(report, 0, personnummertyp=kind)


def _reserve_like_personnummer(report: SIRData) -> SIRData:
    grunddata = report.vardtillfalle[0].grunddata
    number = personnummer.build(grunddata.fodelsedatum, 123)
    return _one(report, number, Personnummertyp.RESERVNUMMER)


def _short_reserve(report: SIRData) -> SIRData:
    return _one(report, "AB12CD", Personnummertyp.RESERVNUMMER)


def _duplicate(report: SIRData) -> SIRData:
    first = report.vardtillfalle[0]
    return msgspec.structs.replace(report, vardtillfalle=[*report.vardtillfalle, first])


def _overlap(report: SIRData) -> SIRData:
    first = report.vardtillfalle[0]
    grunddata = first.grunddata
    later = msgspec.structs.replace(
        grunddata,
        inskrivningstid=grunddata.inskrivningstid + timedelta(minutes=1),
        ankomsttid=None if grunddata.ankomsttid is None else grunddata.inskrivningstid,
    )
    copy = msgspec.structs.replace(first, grunddata=later, lokalt_id=None)
    return msgspec.structs.replace(report, vardtillfalle=[*report.vardtillfalle, copy])


def _same_local_id(report: SIRData) -> SIRData:
    changed = _episode(report, 0, lokalt_id="VT-1")
    extra = msgspec.structs.replace(changed.vardtillfalle[0], lokalt_id="VT-1")
    grunddata = extra.grunddata
    moved = msgspec.structs.replace(grunddata, personnummer=_wrong_check_digit("195711069137"))
    extra = msgspec.structs.replace(extra, grunddata=moved)
    return msgspec.structs.replace(changed, vardtillfalle=[*changed.vardtillfalle, extra])


def _identity_in_local_id(report: SIRData) -> SIRData:
    report = _personal(report)
    number = report.vardtillfalle[0].grunddata.personnummer
    return _episode(report, 0, lokalt_id=f"VT-{number[:8]}-{number[8:]}-A")


def _created_before_discharge(report: SIRData) -> SIRData:
    first = report.vardtillfalle[0].grunddata.utskrivningstid
    huvud = msgspec.structs.replace(report.huvud, skapad=first - timedelta(hours=1))
    return msgspec.structs.replace(report, huvud=huvud)


def _ends_before_start(report: SIRData) -> SIRData:
    grunddata = report.vardtillfalle[0].grunddata
    return _grunddata(report, 0, utskrivningstid=grunddata.inskrivningstid - timedelta(hours=1))


DEFECTS: dict[str, tuple[Callable[[SIRData], SIRData], str]] = {
    "luhn": (_luhn, "SIR-R010"),
    "birth date": (_birth_mismatch, "SIR-R013"),
    "sex": (_sex_mismatch, "SIR-R014"),
    "kind": (lambda r: _wrong_kind(_personal(r)), "SIR-R011"),
    "reservnummer like a personnummer": (_reserve_like_personnummer, "SIR-R016"),
    "short reservnummer": (_short_reserve, ""),
    "duplicate": (_duplicate, "SIR-R060"),
    "overlap": (_overlap, "SIR-R061"),
    "same LokaltId": (_same_local_id, "SIR-R062"),
    "identity in LokaltId": (_identity_in_local_id, "SIR-R063"),
    "created before discharge": (_created_before_discharge, "SIR-R022"),
    "ends before start": (_ends_before_start, "SIR-R021"),
}
"""Each defect and the codes one of which its input is sure to give (empty: which one depends
on the number)."""


OPTIONS = [
    {},
    {"shift_dates": True},
    {"keep_birth_date": False},
    {"keep_sex": False},
    {"shift_dates": True, "keep_birth_date": False, "keep_sex": False, "replace_free_text": True},
]
PROPERTY_OPTIONS = [OPTIONS[0], OPTIONS[1], OPTIONS[-1]]
"""The property tests run with the defaults, shifted dates, and every option (budget)."""


# --------------------------------------------------------------------------- same findings


@pytest.mark.parametrize("options", PROPERTY_OPTIONS, ids=lambda o: ",".join(o) or "defaults")
@settings(max_examples=examples(10), suppress_health_check=[HealthCheck.too_slow])
@given(report=reports(max_episodes=4))
def test_generated_reports_keep_their_findings(report: SIRData, options: dict[str, bool]) -> None:
    copy = anonymize(report, key=KEY, **options)
    assert _codes(copy) == _codes(report)
    _assert_no_identity_kept(report, copy)


@pytest.mark.parametrize("options", PROPERTY_OPTIONS, ids=lambda o: ",".join(o) or "defaults")
@settings(max_examples=examples(20), suppress_health_check=[HealthCheck.too_slow])
@given(report=reports(max_episodes=3), defect=st.sampled_from(sorted(DEFECTS)))
def test_hand_made_invalid_reports_keep_their_findings(
    report: SIRData, defect: str, options: dict[str, bool]
) -> None:
    broken, code = DEFECTS[defect]
    report = broken(report)
    before = _codes(report)
    assert not code or set(code.split()) & {c for _, c in before}
    copy = anonymize(report, key=KEY, **options)
    assert _codes(copy) == before
    _assert_no_identity_kept(report, copy)


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(case=invalid_reports(), options=st.sampled_from(PROPERTY_OPTIONS))
def test_invalid_cases_keep_their_findings(case: InvalidCase, options: dict[str, bool]) -> None:
    if case.model is None:  # a schema or well-formedness defect: the reader refuses it
        with pytest.raises(ParseError):
            anonymize_bytes(case.payload, key=KEY, unit=case.unit, **options)
        return
    copy = anonymize_bytes(case.payload, key=KEY, unit=case.unit, **options)
    assert sir_format.detect_format(copy) == case.format
    before = sir_format.validate(case.payload, unit=case.unit, max_findings=None).findings
    after = sir_format.validate(copy, unit=case.unit, max_findings=None).findings
    assert [(f.episode_index, f.code) for f in after] == [
        (f.episode_index, f.code) for f in before
    ]
    assert before and {f.code for f in before} <= case.label.expected
    read = sir_format.from_xml if case.format == "xml" else sir_format.from_json
    _assert_no_identity_kept(case.model, read(copy))


def _assert_no_identity_kept(report: SIRData, copy: SIRData) -> None:
    originals = {e.grunddata.personnummer for e in report.vardtillfalle}
    pseudonyms = {e.grunddata.personnummer for e in copy.vardtillfalle}
    assert not originals & pseudonyms
    ids = {e.lokalt_id for e in report.vardtillfalle} - {None}
    assert not ids & {e.lokalt_id for e in copy.vardtillfalle}


@pytest.mark.parametrize(("example", "unit"), [("iva.xml", "iva"), ("ima.xml", "ima")])
def test_examples_keep_their_findings_under_their_declaration(example: str, unit: str) -> None:
    declaration = UnitDeclaration.loads(_text(f"sir-enhet-{unit}.toml"))
    report = _example(example)
    for options in OPTIONS:
        copy = anonymize(report, key=KEY, unit=declaration, **options)
        assert _codes(copy, declaration) == _codes(report, declaration)


def test_free_text_is_kept_where_the_declaration_compares_it() -> None:
    declaration = UnitDeclaration.loads(_text("sir-enhet-iva.toml"))
    report = _example("iva.xml")
    with_unit = anonymize(report, key=KEY, unit=declaration, replace_free_text=True)
    without = anonymize(report, key=KEY, replace_free_text=True)
    huvud = report.huvud
    assert with_unit.huvud.avdelningsnamn == huvud.avdelningsnamn
    assert without.huvud.avdelningsnamn != huvud.avdelningsnamn
    assert len(without.huvud.avdelningsnamn) == len(huvud.avdelningsnamn)
    assert without.huvud.forsystem.namn != huvud.forsystem.namn
    assert with_unit.huvud.forsystem.namn == without.huvud.forsystem.namn


# --------------------------------------------------------------------------- pseudonyms


def _report_of(*numbers: tuple[Personnummertyp, str], episodes: int = 1) -> SIRData:
    """The IVA example with one episode per number, a week apart."""
    base = _example("iva.xml")
    template = base.vardtillfalle[0]
    rows: list[Vardtillfalle] = []
    for index, (kind, number) in enumerate(numbers):
        encoded = _anonymize._encoded(number)
        born = encoded[0] if encoded else template.grunddata.fodelsedatum
        kon = _digits.sex(number) if encoded else Kon.VARDE_OKANT
        for repeat in range(episodes):
            moved = (
                template if not repeat else _anonymize._shift(template, 30 * repeat, frozenset())
            )
            grunddata = msgspec.structs.replace(
                moved.grunddata,
                personnummertyp=kind,
                personnummer=number,
                fodelsedatum=born,
                kon=kon,
                idbegrepp="SE2321000016-ABC" if kind is Personnummertyp.RESERVNUMMER else None,
            )
            rows.append(
                msgspec.structs.replace(
                    moved, grunddata=grunddata, lokalt_id=f"VT-{index}-{repeat}"
                )
            )
    latest = max(r.grunddata.utskrivningstid for r in rows)
    huvud = msgspec.structs.replace(base.huvud, skapad=latest + timedelta(days=1))
    return msgspec.structs.replace(base, huvud=huvud, vardtillfalle=rows)


SAMNR = samordningsnummer.build(date(1948, 9, 22), 446)
PNR = Personnummertyp.PERSONNUMMER
SAM = Personnummertyp.SAMORDNINGSNUMMER
RES = Personnummertyp.RESERVNUMMER


def test_each_kind_maps_to_a_number_of_its_kind_with_birth_date_and_sex_kept() -> None:
    numbers = [
        (PNR, "195711069137"),
        (SAM, samordningsnummer.build(date(1980, 2, 29), 246)),
        (RES, "RES0001234X"),
    ]
    report = _report_of(*numbers)
    copy = anonymize(report, key=KEY)
    new = [e.grunddata for e in copy.vardtillfalle]
    assert personnummer.is_valid(new[0].personnummer)
    assert personnummer.birth_date(new[0].personnummer) == date(1957, 11, 6)
    assert personnummer.sex(new[0].personnummer) is Kon.MAN
    assert samordningsnummer.is_valid(new[1].personnummer)
    assert samordningsnummer.birth_date(new[1].personnummer) == date(1980, 2, 29)
    assert samordningsnummer.sex(new[1].personnummer) is Kon.KVINNA
    assert reservnummer.is_valid(new[2].personnummer)
    assert len(new[2].personnummer) == len("RES0001234X")
    assert new[2].personnummer[:3].isupper() and new[2].personnummer[3:10].isdigit()
    assert not reservnummer.looks_like_personal_number(new[2].personnummer)
    assert [g.fodelsedatum for g in new] == [
        e.grunddata.fodelsedatum for e in report.vardtillfalle
    ]
    assert all(
        a.personnummer != b.grunddata.personnummer
        for a, b in zip(new, report.vardtillfalle, strict=True)
    )


def test_a_wrong_check_digit_stays_wrong_and_the_date_part_stays() -> None:
    wrong = _wrong_check_digit("195711069137")
    copy = anonymize(_report_of((PNR, wrong)), key=KEY)
    number = copy.vardtillfalle[0].grunddata.personnummer
    assert number != wrong and number[:8] == "19571106"
    assert not personnummer.is_valid(number)
    assert personnummer.validate(number[:-1] + _luhn_digit(number)) == number[:-1] + _luhn_digit(
        number
    )


def _luhn_digit(number: str) -> str:
    for digit in "0123456789":
        if personnummer.is_valid(number[:-1] + digit):
            return digit
    raise AssertionError("no check digit makes the number valid")


def test_a_date_that_is_not_real_is_kept_and_the_birth_number_replaced() -> None:
    bad = "195713320005"  # month 13
    copy = anonymize(_report_of((PNR, bad)), key=KEY)
    number = copy.vardtillfalle[0].grunddata.personnummer
    assert number[:8] == bad[:8] and number != bad and len(number) == 12


def test_the_same_person_gets_the_same_pseudonym_within_and_across_files() -> None:
    one = _report_of((PNR, "195711069137"), (SAM, SAMNR), episodes=2)
    other = _report_of((SAM, SAMNR), (PNR, "195711069137"))
    first = anonymize_report(one, key=KEY)
    second = anonymize_report(other, key=KEY)
    numbers = [e.grunddata.personnummer for e in first.report.vardtillfalle]
    assert numbers[0] == numbers[1] and numbers[2] == numbers[3] and numbers[0] != numbers[2]
    again = [e.grunddata.personnummer for e in second.report.vardtillfalle]
    assert again == [numbers[2], numbers[0]]
    third = anonymize(other, key=KEY + "!")
    assert [e.grunddata.personnummer for e in third.vardtillfalle] != again


def test_colliding_persons_are_not_merged() -> None:
    # 80 women born the same day: at most 500 birth numbers for them, so first choices collide.
    numbers = [(PNR, personnummer.build(date(1950, 5, 5), n)) for n in range(0, 160, 2)]
    report = _report_of(*numbers)
    keyed = _anonymize._Keyed(_anonymize.check_key(KEY))
    first = [
        _anonymize._identity_candidate(keyed, _anonymize._Person(kind, n), _anonymize._Plan(), 0)
        for kind, n in numbers
    ]
    assert len(set(first)) < len(first)  # the test meets a collision
    copy = anonymize(report, key=KEY)
    new = [e.grunddata.personnummer for e in copy.vardtillfalle]
    assert len(set(new)) == len(numbers)
    assert all(personnummer.birth_date(n) == date(1950, 5, 5) for n in new)
    assert all(personnummer.sex(n) is Kon.KVINNA for n in new)
    assert _codes(copy) == _codes(report)


def test_local_ids_are_replaced_consistently_and_keep_their_shape() -> None:
    report = _report_of((PNR, "195711069137"), episodes=3)
    report = _episode(report, 2, lokalt_id="VT-0-0")
    copy = anonymize_report(report, key=KEY)
    ids = [e.lokalt_id for e in copy.report.vardtillfalle]
    assert ids[0] == ids[2] != ids[1]
    assert all(i is not None and len(i) == 6 and i[2] == "-" and i[4] == "-" for i in ids)
    assert _codes(copy.report) == _codes(report)
    kinds = [p.kind for p in copy.mapping]
    assert kinds == ["Personnummer", "LokaltId", "LokaltId"]


def test_an_identity_number_in_a_local_id_becomes_the_persons_pseudonym() -> None:
    report = _report_of((PNR, "195711069137"))
    report = _episode(report, 0, lokalt_id="VT-19571106-9137-A")
    copy = anonymize(report, key=KEY)
    episode = copy.vardtillfalle[0]
    assert episode.lokalt_id is not None
    found = embedded_identity_numbers(episode.lokalt_id)
    assert [m["date"] + m["serial"] for m in found] == [episode.grunddata.personnummer]
    assert "9137" not in episode.lokalt_id


# --------------------------------------------------------------------------- options


def test_shifted_dates_move_every_episode_of_a_person_by_one_offset() -> None:
    report = _report_of((PNR, "195711069137"), (PNR, "194809224464"), episodes=3)
    result = anonymize_report(report, key=KEY, shift_dates=True, max_shift_days=60)
    assert result.unshifted == 0
    offsets: dict[str, set[timedelta]] = {}
    for old, new in zip(report.vardtillfalle, result.report.vardtillfalle, strict=True):
        delta = new.grunddata.inskrivningstid - old.grunddata.inskrivningstid
        offsets.setdefault(old.grunddata.personnummer, set()).add(delta)
        assert new.grunddata.utskrivningstid - old.grunddata.utskrivningstid == delta
        assert new.grunddata.fodelsedatum == old.grunddata.fodelsedatum
        old_days = [a.datum for a in (old.atgarder.atgard if old.atgarder else [])]
        new_days = [a.datum for a in (new.atgarder.atgard if new.atgarder else [])]
        assert new_days == [d + delta for d in old_days]
    assert all(len(d) == 1 for d in offsets.values())
    assert all(
        timedelta(days=1) <= abs(next(iter(d))) <= timedelta(days=60) for d in offsets.values()
    )
    assert result.report.huvud.skapad == report.huvud.skapad


def test_a_shifted_birth_date_moves_in_the_number_and_in_the_field() -> None:
    report = _report_of((PNR, "195711069137"), (SAM, SAMNR))
    copy = anonymize(report, key=KEY, keep_birth_date=False, max_shift_days=30)
    for old, new in zip(report.vardtillfalle, copy.vardtillfalle, strict=True):
        moved = new.grunddata.fodelsedatum - old.grunddata.fodelsedatum
        assert timedelta(days=1) <= abs(moved) <= timedelta(days=30)
        encoded = _anonymize._encoded(new.grunddata.personnummer)
        assert encoded is not None and encoded[0] == new.grunddata.fodelsedatum
    assert samordningsnummer.is_valid(copy.vardtillfalle[1].grunddata.personnummer)


def test_a_changed_sex_changes_the_number_and_kon_together() -> None:
    numbers = [
        (PNR, personnummer.build(date(1960, 1, 1) + timedelta(days=n), 11)) for n in range(12)
    ]
    report = _report_of(*numbers)
    copy = anonymize(report, key=KEY, keep_sex=False)
    flipped = 0
    for old, new in zip(report.vardtillfalle, copy.vardtillfalle, strict=True):
        assert personnummer.sex(new.grunddata.personnummer) is new.grunddata.kon
        flipped += new.grunddata.kon is not old.grunddata.kon
    assert 0 < flipped < len(numbers)


def test_dates_stay_when_every_offset_would_change_a_finding() -> None:
    # An IMA episode that starts when IMA reporting opened (SIR-R121 for any earlier start) in
    # a file created when it ended (SIR-R022 for any later end): no shift keeps the findings.
    report = _example("ima.xml")
    episode = report.vardtillfalle[0]
    opened = episode.grunddata.inskrivningstid.replace(month=4, day=1, hour=0, minute=0)
    days = (opened.date() - episode.grunddata.inskrivningstid.date()).days
    episode = _anonymize._shift(episode, days, frozenset({"fodelsedatum"}))
    episode = msgspec.structs.replace(
        episode, grunddata=msgspec.structs.replace(episode.grunddata, inskrivningstid=opened)
    )
    huvud = msgspec.structs.replace(report.huvud, skapad=episode.grunddata.utskrivningstid)
    report = msgspec.structs.replace(report, huvud=huvud, vardtillfalle=[episode])
    assert _codes(report) == []
    result = anonymize_report(report, key=KEY, shift_dates=True)
    assert result.unshifted == 1
    assert result.report.vardtillfalle[0].grunddata.inskrivningstid == opened
    assert _codes(result.report) == []


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("key", "length"), [("", 0), ("fifteen bytes!!", 15), (b"   ", 0)])
def test_an_empty_or_short_key_is_refused(key: str | bytes, length: int) -> None:
    with pytest.raises(AnonymizationError) as caught:
        anonymize(_example("iva.xml"), key=key)
    assert caught.value.message == (
        f"the anonymisation key must hold at least 16 bytes (got {length})"
    )


def test_a_report_that_cannot_be_read_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    source = tmp_path / "in.xml"
    source.write_bytes(
        (EXAMPLES / "iva.xml").read_bytes().replace("Kön>Man".encode(), "Kön>Okänd".encode())
    )
    target = tmp_path / "out.xml"
    with pytest.raises(ParseError) as caught:
        anonymize_file(source, target, key=KEY, mapping_file=tmp_path / "map.json")
    assert caught.value.code == "SIR-X020"
    assert not target.exists() and not (tmp_path / "map.json").exists()
    with pytest.raises(ParseError):
        anonymize_bytes(b"not a report", key=KEY)


def test_a_model_is_required() -> None:
    with pytest.raises(TypeError, match="anonymize\\(\\) takes a report \\(SIRData\\), not bytes"):
        anonymize(b"<SIRDataVer52/>", key=KEY)


def test_mapping_and_reprs_hide_identity_numbers_unless_written() -> None:
    result = anonymize_report(_report_of((PNR, "195711069137")), key=KEY)
    assert "195711069137" not in repr(result.mapping)
    assert "195711069137" in result.mapping_json().decode()


# --------------------------------------------------------------------------- formats and files


@pytest.mark.parametrize("name", ["iva.xml", "iva.json", "ima.xml", "ima.json"])
def test_bytes_keep_their_format(name: str) -> None:
    data = (EXAMPLES / name).read_bytes()
    out = anonymize_bytes(data, key=KEY)
    assert sir_format.detect_format(out) == sir_format.detect_format(data)
    original = _example(name)
    copy = sir_format.from_xml(out) if name.endswith(".xml") else sir_format.from_json(out)
    assert copy == anonymize(original, key=KEY)


def test_a_file_and_its_mapping_are_written_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = anonymize_file(EXAMPLES / "ima.json", target, key=KEY)
    assert sir_format.from_json(target.read_bytes()) == result.report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    anonymize_file(EXAMPLES / "ima.json", target, key=KEY, mapping_file=tmp_path / "m.json")
    written = msgspec.json.decode((tmp_path / "m.json").read_bytes())
    assert [row["kind"] for row in written["mapping"]] == [p.kind for p in result.mapping]


def test_the_module_imports_without_hypothesis() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from importlib import resources\n"
        "from sir_format.testing import anonymize_bytes\n"
        "import sir_format.testing._cli_anonymize\n"
        "data = (resources.files('sir_format') / 'examples/iva.xml').read_bytes()\n"
        "print(len(anonymize_bytes(data, key='k' * 16)) > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "True\n", "")


def test_shifted_dates_respect_the_first_day_of_the_declaration() -> None:
    # Both episodes start on giltig_fran: an earlier start would add SIR-R207.
    text = _text("sir-enhet-iva.toml").replace(
        "giltig_fran = 2024-01-01", "giltig_fran = 2024-11-03"
    )
    declaration = UnitDeclaration.loads(text)
    report = _report_of((PNR, "195711069137"), (PNR, personnummer.build(date(1960, 2, 2), 11)))
    later = report.huvud.skapad + timedelta(days=400)
    report = msgspec.structs.replace(
        report, huvud=msgspec.structs.replace(report.huvud, skapad=later)
    )
    first = report.vardtillfalle[0].grunddata.inskrivningstid
    assert first.date() == date(2024, 11, 3)
    result = anonymize_report(report, key=KEY, unit=declaration, shift_dates=True)
    starts = [e.grunddata.inskrivningstid for e in result.report.vardtillfalle]
    assert result.unshifted == 0
    assert all(start > first for start in starts)
    assert _codes(result.report, declaration) == _codes(report, declaration)
    assert "SIR-R207" not in {code for _, code in _codes(result.report, declaration)}
