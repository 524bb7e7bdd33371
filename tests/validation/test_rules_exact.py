"""Exact behaviour of the rules where the other rule tests leave room: the values, texts and
edges that mutation testing (``nox -s mutate -- rules``) showed no test pinned down."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from rulekit import (
    FILE_B,
    IVA_UNIT,
    episode,
    episode_findings,
    file_a,
    file_findings,
    file_hits,
)
from test_rules_death_protocols import DCD as PROTOCOL_DCD

from sir_format.metadata import model_info
from sir_format.models import (
    CAMICU,
    Atgard,
    Atgarder,
    Avliden2024,
    JaNej,
    Komplikation,
    Komplikationer,
    MojligDonator,
    SIRData,
    SKKod,
    ViljaResultat,
)
from sir_format.validation.applicability import MATRIX, applicable_modules
from sir_format.validation.reference import kva
from sir_format.validation.rules import death_protocols, header

# -- applicability: the death protocols follow the death date ---------------------------------


@pytest.mark.parametrize(
    ("death_date", "protocol"),
    [
        (None, None),
        (date(2019, 12, 31), None),
        (date(2020, 1, 1), "Avlidna2020"),
        (date(2023, 12, 31), "Avlidna2020"),
        (date(2024, 1, 1), "Avliden2024"),
    ],
)
def test_applicable_modules_pick_the_death_protocol_by_death_date(
    death_date: date | None, protocol: str | None
) -> None:
    modules = applicable_modules(
        vardtyp="IVA", age=70, start=date(2019, 6, 1), death_date=death_date
    )
    protocols = {m for m in modules if m in {"Avlidna2020", "Avliden2024"}}
    assert protocols == ({protocol} if protocol else set())


@pytest.mark.parametrize("module", ["Grunddata", "NEMS", "SAPS3"])
def test_no_module_allows_a_vardtyp_outside_the_matrix(module: str) -> None:
    assert MATRIX[module].allows_vardtyp("IVA") is True
    assert MATRIX[module].allows_vardtyp("Intensivvård") is False
    assert MATRIX[module].allows_vardtyp("") is False


# -- unit rules: an empty header value is shown as empty --------------------------------------


def _with_header(**changes: Any) -> SIRData:
    report = file_a()
    report.huvud = msgspec.structs.replace(report.huvud, **changes)
    return report


@pytest.mark.parametrize(
    ("code", "field", "declared"),
    [
        ("SIR-R203", "hsa_id", IVA_UNIT.hsa_id),
        ("SIR-R204", "avdelningsnamn", IVA_UNIT.avdelningsnamn),
    ],
)
def test_unit_header_rules_report_an_empty_value_as_empty(
    code: str, field: str, declared: str
) -> None:
    [finding] = file_findings(code, _with_header(**{field: ""}), IVA_UNIT)
    assert finding.params == {"v": "", "d": declared}


# -- death protocols: the condition text of an unanswered gate --------------------------------


def test_unanswered_gate_question_is_named_in_both_languages() -> None:
    # A reason why the coordinator was not contacted (Q3.2), while Q3 itself is unanswered.
    ep = episode()
    ep.avliden2024 = Avliden2024(
        dokumenterat_brytpunktsbeslut=JaNej.JA,
        mojlig_donator=MojligDonator.MOJLIG_DBD,
        varfor_kontaktades_inte_koordinator=_any_reason(),
    )
    [finding] = episode_findings("SIR-R091", ep)
    assert finding.params["condition"].en == "question 3 is unanswered"
    assert finding.params["condition"].sv == "fråga 3 är obesvarad"
    assert finding.message("sv").endswith("eftersom fråga 3 är obesvarad.")


def _any_reason() -> Any:
    info = model_info(Avliden2024).by_py["varfor_kontaktades_inte_koordinator"]
    return next(iter(info.python_type))


def test_a_field_without_question_number_is_named_in_the_error() -> None:
    info = model_info(Avliden2024).by_py["mojlig_donator"]
    undocumented = dataclasses.replace(info, doc="Possible donor, without its number.")
    with pytest.raises(RuntimeError, match=f"documentation of {info.wire_name}$"):
        death_protocols._question(undocumented)


# -- actions: every complication row is checked ------------------------------------------------


def test_r070_checks_the_drains_after_a_complication_without_one() -> None:
    ep = episode()
    ep.komplikationer = Komplikationer(
        komplikation=[
            Komplikation(
                kod=SKKod.SK_062, datum=date(2024, 11, 4), thoraxdranage_inlagt=JaNej.NEJ
            ),
            Komplikation(kod=SKKod.SK_063, datum=date(2024, 11, 5), thoraxdranage_inlagt=JaNej.JA),
        ]
    )
    [finding] = episode_findings("SIR-R070", ep)
    assert finding.path == "Komplikationer/Komplikation[2]/ThoraxdränageInlagt"
    assert finding.params == {"sk": "SK-063"}


# -- nursing: every assessment row is checked ----------------------------------------------------


def test_r108_checks_the_rows_after_one_without_rass() -> None:
    ep = episode(FILE_B)
    assert ep.omvardnad is not None
    first, second = ep.omvardnad.omvardnadsbedomning[:2]
    first.rass = None
    second.rass, second.camicu = -5, CAMICU.POSITIV
    [finding] = episode_findings("SIR-R108", ep)
    assert finding.path == "Omvårdnad/Omvårdnadsbedömning[2]/CAMICU"
    assert finding.params == {"v": CAMICU.POSITIV.value, "r": -5}


# -- death protocols: the Swedish condition texts ---------------------------------------------

# The valid DCD protocol of the death-protocol tests, one minute past the accepted time.
DCD = msgspec.structs.replace(PROTOCOL_DCD, faktisk_tid_till_cirkulationsstillestand=61)


def test_r093_says_the_age_at_death_in_swedish() -> None:
    ep = episode()  # file A: the stay ends on 2024-11-06
    ep.grunddata.fodelsedatum = date(2010, 1, 1)
    ep.avliden2024 = msgspec.structs.replace(
        DCD, utredning_resultat=ViljaResultat.FORMODAT_SAMTYCKE
    )
    [finding] = episode_findings("SIR-R093", ep)
    assert finding.params["condition"].sv == "patienten var 14 år vid dödsfallet"
    assert finding.params["condition"].en == "the patient was 14 years old at death"


def test_r097_says_the_accepted_time_in_swedish() -> None:
    ep = episode()
    ep.avliden2024 = DCD
    [finding] = episode_findings("SIR-R097", ep)
    assert finding.params["condition"].sv == "fråga 6 är JaDCD men fråga 7.2 tillåter bara 60 min"


# -- overlapping episodes: touching is allowed in either order ---------------------------------


def test_r061_an_earlier_stay_listed_after_a_touching_one_is_no_overlap() -> None:
    report = file_a()
    first = report.vardtillfalle[0]
    start, end = datetime(2024, 10, 1, 10, 0), datetime(2024, 10, 1, 12, 0)
    later = copy.deepcopy(first)
    later.lokalt_id = "VT-later"
    later.grunddata.inskrivningstid = later.grunddata.ankomsttid = start
    later.grunddata.utskrivningstid = end
    earlier = copy.deepcopy(later)
    earlier.lokalt_id = "VT-earlier"
    earlier.grunddata.inskrivningstid = earlier.grunddata.ankomsttid = start - timedelta(hours=2)
    earlier.grunddata.utskrivningstid = start
    report.vardtillfalle = [later, earlier]
    assert file_hits("SIR-R061", report) == []
    earlier.grunddata.utskrivningstid = start + timedelta(minutes=1)
    assert len(file_hits("SIR-R061", report)) == 1


# -- retired action codes: a code without a replacement ------------------------------------------


@pytest.fixture
def retired_code() -> Iterator[str]:
    kva.register_kva_codes([kva.KVACode("QX999", retired=date(2020, 1, 1))])
    yield "QX999"
    kva.clear_registered_kva_codes()


def test_r072_a_retired_code_without_replacement_names_none(retired_code: str) -> None:
    ep = episode()
    ep.atgarder = Atgarder(atgard=[Atgard(kod=retired_code, datum=date(2024, 11, 4))])
    [finding] = episode_findings("SIR-R072", ep)
    assert finding.params == {"c": retired_code, "d": date(2020, 1, 1), "replacement": ""}


# -- header rules --------------------------------------------------------------------------------


def test_r001_reports_an_empty_hsa_id_as_empty() -> None:
    [finding] = file_findings("SIR-R001", _with_header(hsa_id=""))
    assert finding.params == {"v": ""}


def test_r004_clock_is_swedish_local_time() -> None:
    swedish = datetime.now(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
    assert header.now().tzinfo is None
    assert abs(header.now() - swedish) < timedelta(minutes=1)
