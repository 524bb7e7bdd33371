"""SIR-R120 (file mixes IMA and ICU) and SIR-R121 (IMA before 2025-04-01), dictionary §6.10."""

from __future__ import annotations

from datetime import datetime

import pytest
from rulekit import FILE_A, FILE_B, each_example, episode, episode_findings, file_a, file_findings

from sir_format.models import SIRData, Vardtillfalle, Vardtyp
from sir_format.validation._core import EpisodeContext, Finding, Severity, registered_file_rules
from sir_format.validation.rules import ima


def r121(ep: Vardtillfalle) -> list[Finding]:
    """SIR-R121 on ``ep`` as an episode of file B."""
    return episode_findings("SIR-R121", ep, header=FILE_B.huvud)


def report_of(*vardtyper: Vardtyp) -> SIRData:
    report = file_a()
    report.vardtillfalle = []
    for vardtyp in vardtyper:
        ep = episode()
        ep.grunddata.vardtyp = vardtyp
        report.vardtillfalle.append(ep)
    return report


@each_example
def test_dictionary_examples_are_clean(report: SIRData) -> None:
    assert file_findings("SIR-R120", report) == []
    assert r121(episode(report)) == []


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
    ep = episode(FILE_B)
    ep.grunddata.inskrivningstid = datetime(2025, 3, 31, 23, 59)
    [f] = r121(ep)
    assert f.severity is Severity.WARNING
    assert f.path == "Grunddata/Inskrivningstid"
    assert f.params == {"s": datetime(2025, 3, 31, 23, 59)}
    assert "2025-03-31T23:59:00" in f.message("sv")


def test_r121_near_miss() -> None:
    ep = episode(FILE_B)
    ep.grunddata.inskrivningstid = datetime(ima.IMA_REPORTING_OPENED.year, 4, 1, 0, 0)
    assert r121(ep) == []
    ep.grunddata.inskrivningstid = datetime(2025, 3, 1, 8, 0)
    ep.grunddata.vardtyp = Vardtyp.IVA  # an ICU episode is not concerned
    assert r121(ep) == []
