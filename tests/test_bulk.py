"""The seeded bulk generator of the benchmarks (``bench/bulk.py``), on small sizes."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType

import msgspec
import pytest
from lxml import etree
from stdnum import luhn

import sir_format
from sir_format import Codec, Limits, ParseError
from sir_format._xml import xml_schema
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
from sir_format.validation import validate

ROOT = Path(__file__).resolve().parents[1]


def _load_bulk() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sir_bench_bulk", ROOT / "bench" / "bulk.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bulk = _load_bulk()

ICU_ONLY = {Vardtyp.IVA, Vardtyp.TIVA, Vardtyp.BIVA}


def _age(born: date, at: date) -> int:
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def icu() -> SIRData:
    report: SIRData = bulk.generate(300, 11)
    return report


@pytest.fixture(scope="module")
def ima() -> SIRData:
    report: SIRData = bulk.generate(120, 12, kind="ima")
    return report


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


@pytest.mark.parametrize("bad", [0, -3])
def test_refuses_an_empty_report(bad: int) -> None:
    with pytest.raises(ValueError, match="at least one episode"):
        bulk.generate(bad, 1)


def test_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        bulk.generate(5, 1, kind="hia")


# --------------------------------------------------------------------------- schema and codec


@pytest.mark.parametrize(("kind", "seed"), [("icu", 1), ("icu", 2), ("ima", 3)])
def test_output_validates_against_the_xsd(kind: str, seed: int) -> None:
    data = sir_format.to_xml(bulk.generate(20, seed, kind=kind))
    schema = xml_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log


def test_the_xsd_check_can_fail() -> None:
    report = bulk.generate(5, 1)
    report.vardtillfalle[0].grunddata.personnummer = "19x"
    data = sir_format.to_xml(report)
    assert not xml_schema().validate(etree.fromstring(data))


@pytest.mark.parametrize(("kind", "seed"), [("icu", 4), ("ima", 5)])
def test_round_trips_through_xml(kind: str, seed: int) -> None:
    report = bulk.generate(20, seed, kind=kind)
    data = sir_format.to_xml(report)
    again = sir_format.from_xml(data)
    assert again == report
    assert sir_format.to_xml(again) == data


def test_iter_episodes_yields_the_same_episodes(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xml"
    report = bulk.generate(20, 8)
    sir_format.save(report, path)
    whole = sir_format.load(path)
    stream = sir_format.open_stream(path)
    streamed = list(stream)
    assert stream.header == whole.huvud
    assert streamed == whole.vardtillfalle == report.vardtillfalle
    assert list(sir_format.iter_episodes(path)) == streamed


def test_bulk_codec_lifts_the_episode_limit() -> None:
    data = sir_format.to_xml(bulk.generate(12, 9))
    with pytest.raises(ParseError, match="at most 10 allowed") as caught:
        Codec(Limits(max_episodes=10)).from_xml(data)
    assert caught.value.code == "SIR-X014"
    limits = bulk.bulk_codec().limits
    assert limits.max_episodes is None
    assert limits.max_bytes is None
    assert len(bulk.bulk_codec().from_xml(data).vardtillfalle) == 12


def test_cli_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.xml"
    assert bulk.main(["--episodes", "6", "--seed", "2", "--out", str(out)]) == 0
    assert "6 episodes" in capsys.readouterr().out
    assert sir_format.load(out) == bulk.generate(6, 2)


def test_cache_is_keyed_by_seed_and_size(tmp_path: Path) -> None:
    path = bulk.cached(7, 3, directory=tmp_path)
    assert "n7-s3" in path.name
    stamp = path.stat().st_mtime_ns
    assert bulk.cached(7, 3, directory=tmp_path) == path
    assert path.stat().st_mtime_ns == stamp  # reused, not regenerated
    assert bulk.cached(7, 4, directory=tmp_path) != path
    assert sir_format.load(path) == bulk.generate(7, 3)


def test_json_round_trip() -> None:
    report = bulk.generate(10, 10)
    assert sir_format.from_json(sir_format.to_json(report)) == report


# --------------------------------------------------------------------------- coherence


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
    kinds = {e.grunddata.personnummertyp for e in icu.vardtillfalle}
    assert Personnummertyp.PERSONNUMMER in kinds


def test_identity_check_catches_a_wrong_sex(icu: SIRData) -> None:
    episode = next(
        e for e in icu.vardtillfalle if e.grunddata.personnummertyp is Personnummertyp.PERSONNUMMER
    )
    wrong = Kon.KVINNA if episode.grunddata.kon is Kon.MAN else Kon.MAN
    changed = msgspec.structs.replace(
        episode, grunddata=msgspec.structs.replace(episode.grunddata, kon=wrong)
    )
    assert not _identity_ok(changed)


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
    present = {
        name
        for e in icu.vardtillfalle
        for name in ("saps3", "daglig_sofa", "nems", "komplikationer", "omvardnad", "avliden2024")
        if getattr(e, name) is not None
    }
    assert len(present) == 6, present


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


def test_registry_rules_find_nothing() -> None:
    for kind, seed in (("icu", 21), ("ima", 22)):
        report = validate(sir_format.to_xml(bulk.generate(60, seed, kind=kind)))
        assert report.codes() == []
