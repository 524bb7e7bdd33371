"""SIR-R120 (file mixes IMA and ICU) and SIR-R121 (IMA before 2025-04-01), dictionary §6.10."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import pytest

from sir_format import from_xml
from sir_format.models import SIRData, Vardtillfalle, Vardtyp
from sir_format.validation._core import (
    EpisodeContext,
    Finding,
    Severity,
    registered_episode_rules,
    registered_file_rules,
)
from sir_format.validation.catalog import get_rule
from sir_format.validation.rules import ima

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILE_A = from_xml((FIXTURES / "file_a_iva.xml").read_bytes())
FILE_B = from_xml((FIXTURES / "file_b_ima.xml").read_bytes())


def to_finding(code: str, hit: object) -> Finding:
    rule = get_rule(code)
    finding = Finding(
        code,
        hit.severity or rule.severity,  # type: ignore[attr-defined]
        hit.params,  # type: ignore[attr-defined]
        hit.location,  # type: ignore[attr-defined]
        variant=hit.variant,  # type: ignore[attr-defined]
    )
    for lang in ("sv", "en"):
        assert "{" not in finding.message(lang), finding.message(lang)
    return finding


def file_findings(code: str, report: SIRData) -> list[Finding]:
    """Run the file rules of ``code`` over the report, one episode at a time."""
    factories = [factory for c, factory in registered_file_rules() if c == code]
    assert factories, f"no file rule registered for {code}"
    out: list[Finding] = []
    for factory in factories:
        rule = factory()
        assert rule.code == code
        hits = list(rule.start(report.huvud, None))
        for index, episode in enumerate(report.vardtillfalle):
            hits.extend(rule.visit(EpisodeContext(episode, index, report.huvud)))
        hits.extend(rule.finish())
        out.extend(to_finding(code, hit) for hit in hits)
    return out


def episode_findings(code: str, ep: Vardtillfalle) -> list[Finding]:
    functions = [fn for c, fn in registered_episode_rules() if c == code]
    assert functions, f"no rule registered for {code}"
    ctx = EpisodeContext(ep, 0, FILE_B.huvud, None)
    return [to_finding(code, hit) for fn in functions for hit in fn(ctx)]


def report_of(*vardtyper: Vardtyp) -> SIRData:
    report = copy.deepcopy(FILE_A)
    template = report.vardtillfalle[0]
    report.vardtillfalle = []
    for vardtyp in vardtyper:
        ep = copy.deepcopy(template)
        ep.grunddata.vardtyp = vardtyp
        report.vardtillfalle.append(ep)
    return report


@pytest.mark.parametrize("report", [FILE_A, FILE_B], ids=["A", "B"])
def test_dictionary_examples_are_clean(report: SIRData) -> None:
    assert file_findings("SIR-R120", report) == []
    assert episode_findings("SIR-R121", copy.deepcopy(report.vardtillfalle[0])) == []


@pytest.mark.parametrize(
    ("vardtyper", "index"),
    [
        ((Vardtyp.IVA, Vardtyp.IMA), 2),
        ((Vardtyp.IMA, Vardtyp.TIVA), 2),
        ((Vardtyp.IMA, Vardtyp.IMA, Vardtyp.HIA, Vardtyp.IVA, Vardtyp.IMA), 3),
    ],
)
def test_r120_mixed_file_is_reported_once(vardtyper: tuple[Vardtyp, ...], index: int) -> None:
    [f] = file_findings("SIR-R120", report_of(*vardtyper))
    assert f.severity is Severity.FATAL
    assert f.path == f"Vårdtillfälle[{index}]/Grunddata/Vårdtyp"
    assert f.params == {}


@pytest.mark.parametrize(
    "vardtyper",
    [
        (
            Vardtyp.IVA,
            Vardtyp.TIVA,
            Vardtyp.BIVA,
            Vardtyp.POSTOPERATIV,
            Vardtyp.HIA,
            Vardtyp.OVRIG,
        ),
        (Vardtyp.IMA, Vardtyp.IMA),
    ],
)
def test_r120_near_miss_one_kind(vardtyper: tuple[Vardtyp, ...]) -> None:
    assert file_findings("SIR-R120", report_of(*vardtyper)) == []


def test_r120_state_is_per_file() -> None:
    factory = next(f for c, f in registered_file_rules() if c == "SIR-R120")
    first, second = factory(), factory()
    report = report_of(Vardtyp.IMA)
    ctx = EpisodeContext(report.vardtillfalle[0], 0, report.huvud)
    assert list(first.visit(ctx)) == []
    assert list(second.visit(EpisodeContext(FILE_A.vardtillfalle[0], 0, FILE_A.huvud))) == []


def test_r121_ima_before_opening() -> None:
    ep = copy.deepcopy(FILE_B.vardtillfalle[0])
    ep.grunddata.inskrivningstid = datetime(2025, 3, 31, 23, 59)
    [f] = episode_findings("SIR-R121", ep)
    assert f.severity is Severity.WARNING
    assert f.path == "Grunddata/Inskrivningstid"
    assert f.params == {"s": datetime(2025, 3, 31, 23, 59)}
    assert "2025-03-31T23:59:00" in f.message("sv")


def test_r121_near_miss() -> None:
    ep = copy.deepcopy(FILE_B.vardtillfalle[0])
    ep.grunddata.inskrivningstid = datetime(ima.IMA_REPORTING_OPENED.year, 4, 1, 0, 0)
    assert episode_findings("SIR-R121", ep) == []
    ep.grunddata.inskrivningstid = datetime(2025, 3, 1, 8, 0)
    ep.grunddata.vardtyp = Vardtyp.IVA  # an ICU episode is not concerned
    assert episode_findings("SIR-R121", ep) == []
