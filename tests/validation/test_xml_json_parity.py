"""XML and JSON give the same findings for the same content (codes, severities, paths).

A property over generated coherent reports, each with at most one injected defect.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

import sir_format
from sir_format.models import Kon, Personnummertyp, SIRData
from sir_format.testing import reports

Defect = Callable[[SIRData], bool]


def _swap_times(report: SIRData) -> bool:
    g = report.vardtillfalle[0].grunddata
    g.inskrivningstid, g.utskrivningstid = g.utskrivningstid, g.inskrivningstid
    return True


def _wrong_sex(report: SIRData) -> bool:
    g = report.vardtillfalle[0].grunddata
    if g.personnummertyp is Personnummertyp.RESERVNUMMER:
        return False
    g.kon = Kon.KVINNA if g.kon is Kon.MAN else Kon.MAN
    return True


def _duplicate_diagnosis(report: SIRData) -> bool:
    d = report.vardtillfalle[0].diagnoser
    d.ovrig_diagnos = [*d.ovrig_diagnos, d.huvudsaklig_ivadiagnos][:30]
    return True


def _bad_check_digit(report: SIRData) -> bool:
    g = report.vardtillfalle[0].grunddata
    if g.personnummertyp is not Personnummertyp.PERSONNUMMER:
        return False
    last = (int(g.personnummer[-1]) + 1) % 10
    g.personnummer = g.personnummer[:-1] + str(last)
    return True


def _arrival_after_start(report: SIRData) -> bool:
    g = report.vardtillfalle[-1].grunddata
    g.ankomsttid = g.inskrivningstid + timedelta(minutes=5)
    return True


def _pattern_violation(report: SIRData) -> bool:
    report.vardtillfalle[0].grunddata.personnummer = "abc"
    return True


def _too_long_name(report: SIRData) -> bool:
    report.huvud.avdelningsnamn = "x" * 60
    return True


def _bad_local_id(report: SIRData) -> bool:
    report.vardtillfalle[-1].lokalt_id = "has space"
    return True


DEFECTS: list[Defect] = [
    _swap_times,
    _wrong_sex,
    _duplicate_diagnosis,
    _bad_check_digit,
    _arrival_after_start,
    _pattern_violation,
    _too_long_name,
    _bad_local_id,
]


def _key(report: sir_format.ValidationReport) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity.value, f.path) for f in report.findings)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(max_episodes=2), st.sampled_from([None, *DEFECTS]))
def test_xml_and_json_give_the_same_findings(report: SIRData, defect: Defect | None) -> None:
    report = copy.deepcopy(report)
    injected = defect(report) if defect is not None else False
    from_xml = sir_format.validate(sir_format.to_xml(report))
    from_json = sir_format.validate(sir_format.to_json(report))
    assert _key(from_xml) == _key(from_json)
    if defect is None:
        assert from_xml.findings == ()
    elif injected:
        assert not from_xml.ok, defect.__name__
