"""The seeded bulk generator (``sir_format.testing.bulk``) and its writer, on small sizes."""

from __future__ import annotations

import io
import itertools
import random
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

import msgspec
import pytest
from lxml import etree
from stdnum import luhn

import sir_format
from sir_format import Codec, Limits, ParseError, SerializeError, SirFormatError
from sir_format._xml import xml_schema
from sir_format.domain import kva, personnummer, samordningsnummer
from sir_format.domain.registry import DECLARABLE_MODULES, MATRIX
from sir_format.metadata import model_info
from sir_format.models import (
    Kon,
    Personnummertyp,
    SIRData,
    SKKod,
    UtskrivenTill,
    Utskrivningsorsak,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.testing import bulk
from sir_format.testing._identity import IdentityKind
from sir_format.validation import validate

ICU_ONLY = {Vardtyp.IVA, Vardtyp.TIVA, Vardtyp.BIVA}
EPISODE = model_info(Vardtillfalle).by_py


def _age(born: date, at: date) -> int:
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def icu() -> SIRData:
    return bulk.generate(300, 11)


@pytest.fixture(scope="module")
def ima() -> SIRData:
    return bulk.generate(120, 12, kind="ima")


# --------------------------------------------------------------------------- the package


def test_imports_without_hypothesis() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from sir_format.testing import bulk\n"
        "import sir_format.testing._cli_bulk\n"
        "print(len(bulk.generate(3, 1).vardtillfalle), 'hypothesis' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "3 True\n", "")


def test_the_hypothesis_block_is_real() -> None:
    code = "import sys; sys.modules['hypothesis'] = None\nimport sir_format.testing.strategies"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "ModuleNotFoundError: import of hypothesis halted" in done.stderr


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_the_same_report_and_bytes() -> None:
    first, second = bulk.generate(15, 5), bulk.generate(15, 5)
    assert first == second
    assert sir_format.to_xml(first) == sir_format.to_xml(second)


def test_other_seed_gives_another_report() -> None:
    assert bulk.generate(15, 5) != bulk.generate(15, 6)


def test_size_is_exact() -> None:
    for n in (1, 7, 20):
        assert len(bulk.generate(n, 3).vardtillfalle) == n


def test_the_generator_names_itself_and_its_version(icu: SIRData) -> None:
    assert icu.huvud.forsystem is not None
    assert icu.huvud.forsystem.version == f"{bulk.GENERATOR_VERSION}.0"


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"episodes": 0}, "episodes: a report needs at least one episode (got 0)"),
        ({"episodes": -3}, "episodes: a report needs at least one episode (got -3)"),
        ({"episodes": True}, "episodes: a report needs at least one episode (got True)"),
        ({"episodes": 2.0}, "episodes: a report needs at least one episode (got 2.0)"),
        ({"seed": "1"}, "seed: expected a whole number (got '1')"),
        ({"kind": "hia"}, "kind: unknown kind 'hia'; use icu or ima"),
        ({"identity": "passnummer"}, "identity must be one of personnummer, samordningsnummer"),
        ({"identity": []}, "identity: the list of numbers is empty"),
        ({"identity": ["195711069138"]}, "identity: number 1 of the list is not a valid"),
        ({"start": date(2023, 12, 31)}, "start: the earliest start is 2024-01-01"),
        (
            {"kind": "ima", "start": date(2025, 3, 31)},
            "start: IMA units report from 2025-04-01 (SIR-R121)",
        ),
        (
            {"start": date(2025, 5, 2), "end": date(2025, 5, 1)},
            "end: the end comes before the start",
        ),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"episodes": 5, "seed": 1, **kwargs}
    with pytest.raises(SirFormatError) as caught:
        bulk.generate(**arguments)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_a_list_too_short_for_the_episodes_is_refused() -> None:
    numbers = ["195711069137", "198112289874"]
    with pytest.raises(SirFormatError) as caught:
        bulk.generate(200, 1, identity=numbers)
    assert str(caught.value) == bulk.TOO_FEW_NUMBERS


def test_a_list_whose_persons_are_all_too_old_is_refused() -> None:
    born_1890 = personnummer.build(date(1890, 1, 1), 123)
    with pytest.raises(SirFormatError) as caught:
        bulk.generate(1, 1, identity=[born_1890])
    assert str(caught.value) == bulk.TOO_FEW_NUMBERS


# --------------------------------------------------------------------------- schema and codec


@pytest.mark.parametrize(("kind", "seed"), [("icu", 1), ("icu", 2), ("ima", 3)])
def test_output_validates_against_the_xsd(kind: bulk.Kind, seed: int) -> None:
    data = sir_format.to_xml(bulk.generate(20, seed, kind=kind))
    schema = xml_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log


def test_the_xsd_check_can_fail() -> None:
    report = bulk.generate(5, 1)
    report.vardtillfalle[0].grunddata.personnummer = "19x"
    data = sir_format.to_xml(report)
    assert not xml_schema().validate(etree.fromstring(data))


@pytest.mark.parametrize(("kind", "seed"), [("icu", 4), ("ima", 5)])
def test_round_trips_through_xml_and_json(kind: bulk.Kind, seed: int) -> None:
    report = bulk.generate(20, seed, kind=kind)
    data = sir_format.to_xml(report)
    again = sir_format.from_xml(data)
    assert again == report
    assert sir_format.to_xml(again) == data
    assert sir_format.from_json(sir_format.to_json(report)) == report


def test_above_the_episode_limit_the_limit_must_be_lifted() -> None:
    data = sir_format.to_xml(bulk.generate(12, 9))
    with pytest.raises(ParseError, match="at most 10 allowed") as caught:
        Codec(Limits(max_episodes=10)).from_xml(data)
    assert caught.value.code == "SIR-X014"
    assert len(Codec(Limits(max_episodes=None)).from_xml(data).vardtillfalle) == 12


def test_about_six_kilobytes_an_episode() -> None:
    report = bulk.generate(400, 31)
    per_episode = len(sir_format.to_xml(report)) / 400
    assert 5000 < per_episode < 7000, per_episode


# --------------------------------------------------------------------------- the writer


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_write_gives_the_codec_s_bytes_in_pieces(
    fmt: bulk.Format, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "_WRITE_STEP", 7)
    report = bulk.generate(20, 8)
    expected = sir_format.to_xml(report) if fmt == "xml" else sir_format.to_json(report)
    calls: list[tuple[int, int]] = []
    path = tmp_path / f"bulk.{fmt}"
    assert bulk.write(report, path, progress=lambda done, total: calls.append((done, total))) == (
        len(expected)
    )
    assert path.read_bytes() == expected
    assert calls == [(7, 20), (14, 20), (20, 20), (20, 20)]
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_write_to_a_stream_and_by_format(tmp_path: Path) -> None:
    report = bulk.generate(3, 2)
    stream = io.BytesIO()
    assert bulk.write(report, stream) == len(sir_format.to_xml(report))
    assert stream.getvalue() == sir_format.to_xml(report)
    stream = io.BytesIO()
    bulk.write(report, stream, format="json")
    assert stream.getvalue() == sir_format.to_json(report)
    path = tmp_path / "report.data"
    bulk.write(report, path, format="json")
    assert path.read_bytes() == sir_format.to_json(report)


def test_write_refuses_an_unknown_format(tmp_path: Path) -> None:
    report = bulk.generate(2, 2)
    with pytest.raises(SirFormatError, match=r"cannot tell the format from '.*report\.txt'"):
        bulk.write(report, tmp_path / "report.txt")
    with pytest.raises(SirFormatError, match="format: unknown format 'yaml'; use xml or json"):
        bulk.write(report, tmp_path / "report.xml", format="yaml")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "_WRITE_STEP", 2)
    path = tmp_path / "bulk.xml"
    path.write_bytes(b"before")
    report = bulk.generate(5, 3)
    report.vardtillfalle[4].grunddata.inskrivningstid = "tomorrow"  # type: ignore[assignment]
    with pytest.raises(SerializeError) as caught:
        bulk.write(report, path)
    assert caught.value.path == "Vårdtillfälle[5]/Grunddata/Inskrivningstid"  # as the codec's
    with pytest.raises(SerializeError) as whole:
        sir_format.to_xml(report)
    assert str(caught.value) == str(whole.value)
    assert path.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["bulk.xml"]


# --------------------------------------------------------------------------- identity numbers


def _identity_ok(episode: Vardtillfalle) -> bool:
    g = episode.grunddata
    if g.personnummertyp is Personnummertyp.RESERVNUMMER:
        return g.idbegrepp is not None and not g.personnummer.isdigit()
    number = g.personnummer
    day_shift = 60 if g.personnummertyp is Personnummertyp.SAMORDNINGSNUMMER else 0
    born = date(int(number[:4]), int(number[4:6]), int(number[6:8]) - day_shift)
    sex = Kon.MAN if int(number[10]) % 2 else Kon.KVINNA
    return (
        len(number) == 12
        and luhn.is_valid(number[2:])
        and born == g.fodelsedatum
        and sex is g.kon
        and g.idbegrepp is None
    )


def test_identity_numbers_are_valid_and_consistent(icu: SIRData, ima: SIRData) -> None:
    for report in (icu, ima):
        assert all(_identity_ok(e) for e in report.vardtillfalle)
        kinds = {e.grunddata.personnummertyp for e in report.vardtillfalle}
        assert kinds == {Personnummertyp.PERSONNUMMER}


def test_identity_check_catches_a_wrong_sex(icu: SIRData) -> None:
    episode = icu.vardtillfalle[0]
    wrong = Kon.KVINNA if episode.grunddata.kon is Kon.MAN else Kon.MAN
    changed = msgspec.structs.replace(
        episode, grunddata=msgspec.structs.replace(episode.grunddata, kon=wrong)
    )
    assert not _identity_ok(changed)


@pytest.mark.parametrize(
    ("identity", "kind"),
    [
        ("samordningsnummer", Personnummertyp.SAMORDNINGSNUMMER),
        ("reservnummer", Personnummertyp.RESERVNUMMER),
    ],
)
def test_the_identity_option_chooses_the_kind(
    identity: IdentityKind, kind: Personnummertyp
) -> None:
    report = bulk.generate(60, 41, identity=identity)
    assert {e.grunddata.personnummertyp for e in report.vardtillfalle} == {kind}
    assert all(_identity_ok(e) for e in report.vardtillfalle)
    assert validate(sir_format.to_xml(report)).codes() == []


def test_a_list_of_numbers_gives_the_persons(tmp_path: Path) -> None:
    rng = random.Random(3)
    numbers = [personnummer.generate(rng) for _ in range(30)]
    numbers += [samordningsnummer.generate(rng, birth_date=date(1980, 2, 29)) for _ in range(10)]
    report = bulk.generate(150, 42, identity=[f"{n[:8]}-{n[8:]}" for n in numbers])
    used = Counter(e.grunddata.personnummer for e in report.vardtillfalle)
    assert set(used) <= set(numbers)
    assert len(used) > 20
    for episode in report.vardtillfalle:
        g = episode.grunddata
        module = personnummer if personnummer.is_valid(g.personnummer) else samordningsnummer
        assert g.fodelsedatum == module.birth_date(g.personnummer)
        assert g.kon is module.sex(g.personnummer)
        expected = (
            Personnummertyp.PERSONNUMMER
            if module is personnummer
            else Personnummertyp.SAMORDNINGSNUMMER
        )
        assert g.personnummertyp is expected
    assert validate(sir_format.to_xml(report)).codes() == []


# --------------------------------------------------------------------------- coherence


def test_episodes_of_a_person_never_overlap(icu: SIRData) -> None:
    stays: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for e in icu.vardtillfalle:
        g = e.grunddata
        assert g.inskrivningstid < g.utskrivningstid <= icu.huvud.skapad
        stays[g.personnummer].append((g.inskrivningstid, g.utskrivningstid))
    for intervals in stays.values():
        intervals.sort()
        for (_, end), (start, _) in itertools.pairwise(intervals):
            assert end <= start
    assert any(len(v) > 1 for v in stays.values()), "some persons should come back"
    ids = [e.lokalt_id for e in icu.vardtillfalle]
    assert len(set(ids)) == len(ids)


def test_the_date_range_is_kept() -> None:
    report = bulk.generate(40, 7, start=date(2024, 3, 1), end=date(2024, 3, 31))
    starts = [e.grunddata.inskrivningstid for e in report.vardtillfalle]
    assert min(starts) >= datetime(2024, 3, 1)
    assert max(starts) < datetime(2024, 4, 1)
    assert validate(sir_format.to_xml(report)).codes() == []


def test_vardtyper_are_never_mixed(icu: SIRData, ima: SIRData) -> None:
    icu_types = {e.grunddata.vardtyp for e in icu.vardtillfalle}
    assert Vardtyp.IMA not in icu_types
    assert {Vardtyp.IVA, Vardtyp.TIVA, Vardtyp.POSTOPERATIV} <= icu_types
    assert {e.grunddata.vardtyp for e in ima.vardtillfalle} == {Vardtyp.IMA}


def test_modules_appear_only_where_they_apply(icu: SIRData, ima: SIRData) -> None:
    for e in icu.vardtillfalle + ima.vardtillfalle:
        g = e.grunddata
        age = _age(g.fodelsedatum, g.inskrivningstid.date())
        if e.saps3 is not None:
            assert g.vardtyp in {Vardtyp.IVA, Vardtyp.BIVA} and age >= 16
        if e.pim3 is not None:
            assert g.vardtyp is not Vardtyp.IMA and age < 16
        if e.higgins is not None:
            assert g.vardtyp is Vardtyp.TIVA and age >= 16
        if e.daglig_sofa is not None:
            assert g.vardtyp in {Vardtyp.IVA, Vardtyp.TIVA} and age >= 16
        if e.komplikationer is not None:
            assert g.vardtyp in ICU_ONLY
        if e.clinical_frailty_scale is not None:
            assert age >= 16
        if e.sederingsmal is not None:
            assert e.atgarder is not None
            assert any(a.kod == "DG021" for a in e.atgarder.atgard)
        if e.avliden2024 is not None:
            assert g.vardtyp in ICU_ONLY
            assert g.vardresultat is Vardresultat.AVLIDEN
        assert e.avlidna2020 is None


def test_every_declarable_module_has_a_share() -> None:
    older_follow_up = EPISODE["avlidna2020"].wire_name
    assert set(bulk.MODULE_SHARES) == set(DECLARABLE_MODULES) - {older_follow_up}
    assert all(0 < share <= 1 for share in bulk.MODULE_SHARES.values())


SOFA = EPISODE["daglig_sofa"].wire_name


def _has_sofa_time(start: datetime, end: datetime) -> bool:
    first = datetime.combine(start.date(), time(9))
    return (first if first >= start else first + timedelta(1)) <= end


def _share_of(report: SIRData, wire_name: str) -> tuple[int, int]:
    """(episodes carrying the module, episodes where the matrix allows it)."""
    py_name = next(name for name, f in EPISODE.items() if f.wire_name == wire_name)
    row = MATRIX[wire_name]
    carried = allowed = 0
    for e in report.vardtillfalle:
        g = e.grunddata
        codes = [a.kod for a in e.atgarder.atgard] if e.atgarder is not None else None
        died = g.vardresultat is Vardresultat.AVLIDEN
        if wire_name == SOFA and not _has_sofa_time(g.inskrivningstid, g.utskrivningstid):
            assert e.daglig_sofa is None  # no 09:00 inside the stay, nothing to register
        elif row.applies(
            vardtyp=g.vardtyp.value,
            age=_age(g.fodelsedatum, g.inskrivningstid.date()),
            start=g.inskrivningstid.date(),
            death_date=g.utskrivningstid.date() if died else None,
            action_codes=codes,
        ):
            allowed += 1
            carried += getattr(e, py_name) is not None
        else:
            assert getattr(e, py_name) is None, (wire_name, e.lokalt_id)
    return carried, allowed


@pytest.mark.parametrize(("kind", "seed"), [("icu", 51), ("ima", 52)])
def test_every_module_appears_at_its_share(kind: bulk.Kind, seed: int) -> None:
    report = bulk.generate(1500, seed, kind=kind)
    seen = set()
    for wire_name, share in bulk.MODULE_SHARES.items():
        carried, allowed = _share_of(report, wire_name)
        if allowed >= 40:  # enough episodes to measure the share
            seen.add(wire_name)
            assert abs(carried / allowed - share) < 0.1, (wire_name, carried, allowed)
    expected_icu = set(bulk.MODULE_SHARES)
    ima_modules = {"atgarder", "nems", "behandlingsstrategi", "clinical_frailty_scale"}
    ima_modules |= {"omvardnad", "vikt_och_langd"}
    expected_ima = {EPISODE[name].wire_name for name in ima_modules}
    assert seen == (expected_icu if kind == "icu" else expected_ima)


def test_outcome_fields_agree(icu: SIRData) -> None:
    deaths = 0
    for e in icu.vardtillfalle:
        g = e.grunddata
        died = g.vardresultat is Vardresultat.AVLIDEN
        deaths += died
        assert (g.utskriven_till is UtskrivenTill.EJ_TILLAMPBART) == died
        assert (g.utskrivningsorsak is Utskrivningsorsak.AVLIDEN) == died
    assert 0 < deaths < len(icu.vardtillfalle) // 4


def test_daily_registrations(icu: SIRData) -> None:
    for e in icu.vardtillfalle:
        start, end = e.grunddata.inskrivningstid, e.grunddata.utskrivningstid
        if e.daglig_sofa is not None:
            times = [r.tidpunkt for r in e.daglig_sofa.sofaregistrering]
            first_day = start.date() if start.time() <= time(9) else start.date() + timedelta(1)
            expected = []
            day = first_day
            while datetime.combine(day, time(9)) <= end:
                expected.append(datetime.combine(day, time(9)))
                day += timedelta(1)
            assert times == expected
        if e.nems is not None:
            days = [r.datum for r in e.nems.nemsregistrering]
            span = (end.date() - start.date()).days + 1
            assert days == [start.date() + timedelta(n) for n in range(span)]
            for r in e.nems.nemsregistrering:
                assert not (
                    r.mekanisk_ventilation.value == r.kompletterande_andningsstod.value == "Ja"
                )
        if e.omvardnad is not None:
            for assessment in e.omvardnad.omvardnadsbedomning:
                assert start <= assessment.tidpunkt <= end
        if e.atgarder is not None:
            for a in e.atgarder.atgard:
                assert start.date() <= a.datum <= end.date()


def test_action_codes_are_in_the_kva_table(icu: SIRData, ima: SIRData) -> None:
    for e in icu.vardtillfalle + ima.vardtillfalle:
        for a in e.atgarder.atgard if e.atgarder is not None else ():
            assert kva.is_known(a.kod, a.datum), a.kod


def test_every_action_meaning_has_codes_in_the_kva_table() -> None:
    for meaning in bulk._ACTION_RATES:
        assert bulk._codes_meaning(meaning, date(2025, 6, 1)), meaning
    assert bulk._codes_meaning("extracorporeal membrane oxygenation", date(2024, 1, 1)) == tuple(
        f"DV10{n}" for n in range(7)
    )
    with pytest.raises(LookupError, match="no KVÅ code means 'teleportation' on 2025-01-01"):
        bulk._codes_meaning("teleportation", date(2025, 1, 1))


def test_complications_are_coherent(icu: SIRData) -> None:
    thorax = {SKKod.SK_061, SKKod.SK_062, SKKod.SK_063, SKKod.SK_064}
    for e in icu.vardtillfalle:
        if e.komplikationer is None:
            continue
        rows = e.komplikationer.komplikation
        codes = [r.kod for r in rows]
        assert len(set(codes)) == len(codes)
        if SKKod.SK_000 in codes:
            assert codes == [SKKod.SK_000] and rows[0].datum is None
        for r in rows:
            assert (r.thoraxdranage_inlagt is not None) == (r.kod in thorax)
            if r.kod.value.startswith("SK-4"):
                assert e.grunddata.vardtyp is Vardtyp.TIVA
            if r.thoraxdranage_inlagt is not None and r.thoraxdranage_inlagt.value == "Ja":
                assert e.atgarder is not None and r.datum is not None
                assert any(a.kod == "GAA10" and a.datum >= r.datum for a in e.atgarder.atgard)


@pytest.mark.parametrize(("kind", "episodes", "seed"), [("icu", 400, 21), ("ima", 300, 22)])
def test_the_registry_profile_finds_nothing(kind: bulk.Kind, episodes: int, seed: int) -> None:
    report = validate(sir_format.to_xml(bulk.generate(episodes, seed, kind=kind)))
    assert report.codes() == []
    assert len(report.episodes) == episodes
    assert report.complete


def test_the_registry_check_can_fail(icu: SIRData) -> None:
    changed = msgspec.structs.replace(icu, vardtillfalle=icu.vardtillfalle[:5])
    episode = changed.vardtillfalle[0]
    changed.vardtillfalle[0] = msgspec.structs.replace(
        episode,
        grunddata=msgspec.structs.replace(
            episode.grunddata, fodelsedatum=episode.grunddata.fodelsedatum + timedelta(1)
        ),
    )
    assert "SIR-R013" in validate(sir_format.to_xml(changed)).codes()
