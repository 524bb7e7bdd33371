"""SIR-R090…R098: conditional answers in the death protocols (dictionary §6.9)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest
from rulekit import episode, episode_findings

from sir_format.models import (
    Avliden2024,
    Avliden2024EjDonatorOrsak,
    Avlidna2020,
    Avlidna2020EjDonationOrsak,
    Avlidna2020EjDonatorOrsak,
    Donationsvilja,
    EjDCDOrsak,
    EjKontaktOrsak,
    EjOrgandonationOrsak,
    EjUtreddOrsak,
    JaNej,
    JaNejEjTillampbart,
    JaNejOkant,
    MojligDonator,
    NegativViljaGrund,
    OkandViljaUtfall,
    Organdonation,
    PolisBesked,
    Vardtillfalle,
    ViljaResultat,
)
from sir_format.validation._core import Finding, Severity, Text
from sir_format.validation.rules import death_protocols

CODES = [f"SIR-R09{n}" for n in range(9)]

NOT_DONOR = Avliden2024(
    dokumenterat_brytpunktsbeslut=JaNej.JA,
    mojlig_donator=MojligDonator.EJ_MOJLIG_DONATOR,
    ej_mojlig_donator_orsak=Avliden2024EjDonatorOrsak.OLAMPLIG_MEDICINSKA_SKAL,
)
DBD = Avliden2024(
    dokumenterat_brytpunktsbeslut=JaNej.JA,
    mojlig_donator=MojligDonator.MOJLIG_DBD,
    donationskoordinator_kontaktad=JaNej.JA,
    donationsviljan_utredd=JaNej.JA,
    utredning_resultat=ViljaResultat.POSITIV_VILJA,
    donation_annat_medicinskt_andamal=JaNejOkant.NEJ,
    polis_kontaktad=JaNejEjTillampbart.EJ_TILLAMPBART,
    organdonation_genomford=Organdonation.JA_DBD,
)
DCD = Avliden2024(
    dokumenterat_brytpunktsbeslut=JaNej.JA,
    mojlig_donator=MojligDonator.MOJLIG_DCD,
    donationskoordinator_kontaktad=JaNej.JA,
    donationsviljan_utredd=JaNej.JA,
    utredning_resultat=ViljaResultat.POSITIV_VILJA,
    donation_annat_medicinskt_andamal=JaNejOkant.NEJ,
    polis_kontaktad=JaNejEjTillampbart.JA,
    polis_besked=PolisBesked.INGA_INVANDNINGAR,
    organdonation_genomford=Organdonation.JA_DCD,
    behandling_avbruten_for_dcd=JaNej.JA,
    langst_accepterad_tid_till_cirkulationsstillestand=60,
    faktisk_tid_till_cirkulationsstillestand=20,
)
DCD_NOT_DONE = msgspec.structs.replace(
    DCD,
    organdonation_genomford=Organdonation.NEJ,
    ej_organdonation_orsak=EjOrgandonationOrsak.DCDGENOMFORDES_INTE,
    varfor_genomfordes_inte_dcd=EjDCDOrsak.CIRKULATIONSSTILLESTAND_INOM_ACCEPTERAD_TID_UTEBLEV,
    faktisk_tid_till_cirkulationsstillestand=90,
)
OLD_NOT_DONOR = Avlidna2020(
    dod_med_direkta_kriterier=JaNej.NEJ,
    mojlig_donator=JaNej.NEJ,
    ej_mojlig_donator_orsak=Avlidna2020EjDonatorOrsak.OLAMPLIG_MEDICINSKA_SKAL,
)
OLD_DONOR = Avlidna2020(
    dod_med_direkta_kriterier=JaNej.JA,
    mojlig_donator=JaNej.JA,
    donationsvilja=Donationsvilja.KAND_NEGATIV,
    negativ_vilja_grund=NegativViljaGrund.DONATIONSREGISTRET_ELLER_KORT,
    transplantationskoordinator_kontaktad=JaNej.JA,
    organdonation_genomford=JaNej.NEJ,
    ej_organdonation_orsak=Avlidna2020EjDonationOrsak.NEGATIV_VILJA,
)
OLD_UNKNOWN_WILL = msgspec.structs.replace(
    OLD_DONOR,
    donationsvilja=Donationsvilja.OKAND,
    negativ_vilja_grund=None,
    okand_vilja_utfall=OkandViljaUtfall.NARSTAENDE_INFORMERADE,
)
BASELINES: dict[str, Avliden2024 | Avlidna2020] = {
    "OLD_UNKNOWN_WILL": OLD_UNKNOWN_WILL,
    "NOT_DONOR": NOT_DONOR,
    "DBD": DBD,
    "DCD": DCD,
    "DCD_NOT_DONE": DCD_NOT_DONE,
    "OLD_NOT_DONOR": OLD_NOT_DONOR,
    "OLD_DONOR": OLD_DONOR,
}


def with_protocol(protocol: Avliden2024 | Avlidna2020, **changes: Any) -> Vardtillfalle:
    ep = episode()
    block = msgspec.structs.replace(protocol, **changes)
    if isinstance(block, Avliden2024):
        ep.avliden2024 = block
    else:
        ep.avlidna2020 = block
    return ep


def summary(findings: list[Finding]) -> set[tuple[str, str, str, str]]:
    """(q, field, state, condition) in English, checking the shared parameter shapes."""
    out = set()
    for f in findings:
        p = f.params
        assert set(p) == {"module", "q", "field", "state", "condition"}
        assert isinstance(p["state"], Text)
        assert isinstance(p["condition"], Text)
        assert f.path == f"{p['module']}/{p['field']}"
        out.add((p["q"], p["field"], p["state"].en, p["condition"].en))
    return out


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("baseline", list(BASELINES), ids=str)
def test_valid_protocols_are_clean(code: str, baseline: str) -> None:
    assert episode_findings(code, with_protocol(BASELINES[baseline])) == []


@pytest.mark.parametrize("code", CODES)
def test_no_protocol_no_findings(code: str) -> None:
    assert episode_findings(code, episode()) == []


MISSING, NOT_ALLOWED = "missing", "not allowed"
_Q2 = "question 2.1 is "

CASES: list[tuple[str, str, Any, dict[str, Any], set[tuple[str, str, str, str]]]] = [
    # SIR-R090
    (
        "R090-q3-not-allowed",
        "SIR-R090",
        NOT_DONOR,
        {"donationskoordinator_kontaktad": JaNej.JA},
        {("3", "DonationskoordinatorKontaktad", NOT_ALLOWED, _Q2 + "EjMöjligDonator")},
    ),
    (
        "R090-q2.2-missing",
        "SIR-R090",
        NOT_DONOR,
        {"ej_mojlig_donator_orsak": None},
        {("2.2", "EjMöjligDonatorOrsak", MISSING, _Q2 + "EjMöjligDonator")},
    ),
    (
        "R090-q5-missing",
        "SIR-R090",
        DBD,
        {"polis_kontaktad": None},
        {("5", "PolisKontaktad", MISSING, _Q2 + "MöjligDBD")},
    ),
    (
        "R090-q2.2-not-allowed",
        "SIR-R090",
        DBD,
        {"ej_mojlig_donator_orsak": Avliden2024EjDonatorOrsak.OVRIGA_SKAL},
        {("2.2", "EjMöjligDonatorOrsak", NOT_ALLOWED, _Q2 + "MöjligDBD")},
    ),
    # SIR-R091
    (
        "R091-missing",
        "SIR-R091",
        DBD,
        {"donationskoordinator_kontaktad": JaNej.NEJ},
        {("3.2", "VarförKontaktadesInteKoordinator", MISSING, "question 3 is Nej")},
    ),
    (
        "R091-not-allowed",
        "SIR-R091",
        DBD,
        {"varfor_kontaktades_inte_koordinator": EjKontaktOrsak.FORBISETT},
        {("3.2", "VarförKontaktadesInteKoordinator", NOT_ALLOWED, "question 3 is Ja")},
    ),
    # SIR-R092
    (
        "R092-will-not-investigated",
        "SIR-R092",
        DBD,
        {"donationsviljan_utredd": JaNej.NEJ},
        {
            ("4.1", "UtredningResultat", NOT_ALLOWED, "question 4 is Nej"),
            ("4.1.1", "DonationAnnatMedicinsktÄndamål", NOT_ALLOWED, "question 4 is Nej"),
            ("4.2", "VarförUtreddesInteViljan", MISSING, "question 4 is Nej"),
        },
    ),
    (
        "R092-reason-while-investigated",
        "SIR-R092",
        DBD,
        {"varfor_utreddes_inte_viljan": EjUtreddOrsak.FORBISETT, "utredning_resultat": None},
        {
            ("4.1", "UtredningResultat", MISSING, "question 4 is Ja"),
            ("4.2", "VarförUtreddesInteViljan", NOT_ALLOWED, "question 4 is Ja"),
        },
    ),
    # SIR-R093
    (
        "R093-guardians-for-an-adult",
        "SIR-R093",
        DBD,
        {"utredning_resultat": ViljaResultat.VARDNADSHAVARE_MEDGAV},
        {("4.1", "UtredningResultat", NOT_ALLOWED, "the patient was 67 years old at death")},
    ),
    # SIR-R094
    (
        "R094-missing",
        "SIR-R094",
        DCD,
        {"polis_besked": None},
        {("5.1.1", "PolisBesked", MISSING, "question 5 is Ja")},
    ),
    (
        "R094-not-allowed",
        "SIR-R094",
        DBD,
        {"polis_besked": PolisBesked.INVANDNING_MOT_DONATION},
        {("5.1.1", "PolisBesked", NOT_ALLOWED, "question 5 is EjTillämpbart")},
    ),
    # SIR-R095
    (
        "R095-q6.2-missing",
        "SIR-R095",
        DBD,
        {"organdonation_genomford": Organdonation.NEJ},
        {("6.2", "EjOrgandonationOrsak", MISSING, "question 6 is Nej")},
    ),
    (
        "R095-dcd-reason-without-dcd-pathway",
        "SIR-R095",
        DCD_NOT_DONE,
        {"mojlig_donator": MojligDonator.MOJLIG_DBD},
        {("6.2", "EjOrgandonationOrsak", NOT_ALLOWED, _Q2 + "MöjligDBD")},
    ),
    (
        "R095-q6.2.2-missing",
        "SIR-R095",
        DCD_NOT_DONE,
        {"varfor_genomfordes_inte_dcd": None},
        {("6.2.2", "VarförGenomfördesInteDCD", MISSING, "question 6.2 is DCDGenomfördesInte")},
    ),
    (
        "R095-q6.2.2-not-allowed",
        "SIR-R095",
        DCD_NOT_DONE,
        {"ej_organdonation_orsak": EjOrgandonationOrsak.MEDICINSKA_SKAL},
        {("6.2.2", "VarförGenomfördesInteDCD", NOT_ALLOWED, "question 6.2 is MedicinskaSkäl")},
    ),
    # SIR-R096
    (
        "R096-withdrawal-outside-dcd",
        "SIR-R096",
        DBD,
        {"behandling_avbruten_for_dcd": JaNej.JA},
        {
            ("7.1", "BehandlingAvbrutenFörDCD", NOT_ALLOWED, _Q2 + "MöjligDBD"),
            (
                "7.2",
                "LängstAccepteradTidTillCirkulationsstillestånd",
                MISSING,
                "question 7.1 is Ja",
            ),
            ("7.3", "FaktiskTidTillCirkulationsstillestånd", MISSING, "question 7.1 is Ja"),
        },
    ),
    (
        "R096-withdrawal-unanswered",
        "SIR-R096",
        DCD,
        {"behandling_avbruten_for_dcd": None},
        {
            ("7.1", "BehandlingAvbrutenFörDCD", MISSING, _Q2 + "MöjligDCD"),
            (
                "7.2",
                "LängstAccepteradTidTillCirkulationsstillestånd",
                NOT_ALLOWED,
                "question 7.1 is unanswered",
            ),
            (
                "7.3",
                "FaktiskTidTillCirkulationsstillestånd",
                NOT_ALLOWED,
                "question 7.1 is unanswered",
            ),
            ("6", "OrgandonationGenomförd", NOT_ALLOWED, "question 7.1 is unanswered"),
        },
    ),
    (
        "R096-dcd-without-withdrawal",
        "SIR-R096",
        DCD,
        {
            "behandling_avbruten_for_dcd": JaNej.NEJ,
            "langst_accepterad_tid_till_cirkulationsstillestand": None,
            "faktisk_tid_till_cirkulationsstillestand": None,
        },
        {("6", "OrgandonationGenomförd", NOT_ALLOWED, "question 7.1 is Nej")},
    ),
    (
        "R096-dcd-on-dbd-pathway",
        "SIR-R096",
        DBD,
        {"organdonation_genomford": Organdonation.JA_DCD},
        {("6", "OrgandonationGenomförd", NOT_ALLOWED, _Q2 + "MöjligDBD")},
    ),
    (
        "R096-dbd-on-dcd-pathway",
        "SIR-R096",
        DCD,
        {"organdonation_genomford": Organdonation.JA_DBD},
        {("6", "OrgandonationGenomförd", NOT_ALLOWED, _Q2 + "MöjligDCD")},
    ),
    # SIR-R098
    (
        "R098-will-without-donor",
        "SIR-R098",
        OLD_NOT_DONOR,
        {"donationsvilja": Donationsvilja.KAND_POSITIV},
        {("4", "Donationsvilja", NOT_ALLOWED, "question 3 is Nej")},
    ),
    (
        "R098-q3.1.1-with-donor",
        "SIR-R098",
        OLD_DONOR,
        {"ej_mojlig_donator_orsak": Avlidna2020EjDonatorOrsak.OVRIGA_SKAL},
        {("3.1.1", "EjMöjligDonatorOrsak", NOT_ALLOWED, "question 3 is Ja")},
    ),
    (
        "R098-q5-missing",
        "SIR-R098",
        OLD_DONOR,
        {"transplantationskoordinator_kontaktad": None},
        {("5", "TransplantationskoordinatorKontaktad", MISSING, "question 3 is Ja")},
    ),
    (
        "R098-unknown-will",
        "SIR-R098",
        OLD_DONOR,
        {"donationsvilja": Donationsvilja.OKAND},
        {
            ("4.2", "NegativViljaGrund", NOT_ALLOWED, "question 4 is Okänd"),
            ("4.3.1", "OkändViljaUtfall", MISSING, "question 4 is Okänd"),
        },
    ),
    (
        "R098-q6.x-missing",
        "SIR-R098",
        OLD_DONOR,
        {"ej_organdonation_orsak": None},
        {("6.x", "EjOrgandonationOrsak", MISSING, "question 6 is Nej")},
    ),
    (
        "R098-q6.x-not-allowed",
        "SIR-R098",
        OLD_DONOR,
        {"organdonation_genomford": JaNej.JA},
        {("6.x", "EjOrgandonationOrsak", NOT_ALLOWED, "question 6 is Ja")},
    ),
]


@pytest.mark.parametrize(
    ("code", "baseline", "changes", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_conditional_answer(
    code: str, baseline: Any, changes: dict[str, Any], expected: set[tuple[str, str, str, str]]
) -> None:
    found = episode_findings(code, with_protocol(baseline, **changes))
    assert all(f.severity is Severity.ERROR for f in found)
    assert summary(found) == expected
    assert len(found) == len(expected)
    module = found[0].params["module"]
    assert module == ("Avliden2024" if isinstance(baseline, Avliden2024) else "Avlidna2020")


def test_message_in_both_languages() -> None:
    [f] = episode_findings(
        "SIR-R091", with_protocol(DBD, donationskoordinator_kontaktad=JaNej.NEJ)
    )
    assert f.message("en") == (
        "Avliden2024 question 3.2: answer VarförKontaktadesInteKoordinator is missing"
        " given question 3 is Nej."
    )
    assert f.message("sv") == (
        "Avliden2024 fråga 3.2: svaret VarförKontaktadesInteKoordinator saknas"
        " eftersom fråga 3 är Nej."
    )


@pytest.mark.parametrize(
    ("born", "answer", "fires"),
    [
        (date(2010, 1, 1), ViljaResultat.FORMODAT_SAMTYCKE, True),
        (date(2010, 1, 1), ViljaResultat.EJ_FORMODAT_SAMTYCKE, True),
        (date(2010, 1, 1), ViljaResultat.VARDNADSHAVARE_MEDGAV_EJ, False),
        (date(2006, 11, 7), ViljaResultat.FORMODAT_SAMTYCKE, True),  # 17 at death (2024-11-06)
        (date(2006, 11, 6), ViljaResultat.FORMODAT_SAMTYCKE, False),  # 18 on the day of death
        (
            date(2006, 11, 5),
            ViljaResultat.FORMODAT_SAMTYCKE,
            False,
        ),  # 17 at admission, 18 at death
        (date(2006, 11, 5), ViljaResultat.VARDNADSHAVARE_MEDGAV, True),
        (date(1957, 11, 6), ViljaResultat.POSITIV_VILJA, False),
    ],
)
def test_r093_age_at_death(born: date, answer: ViljaResultat, fires: bool) -> None:
    ep = with_protocol(DBD, utredning_resultat=answer)
    ep.grunddata.fodelsedatum = born
    found = episode_findings("SIR-R093", ep)
    assert len(found) == (1 if fires else 0)
    if fires:
        assert found[0].path == "Avliden2024/UtredningResultat"
        assert "years old at death" in found[0].params["condition"].en


def test_r097_dcd_time_exceeded_is_a_warning() -> None:
    [f] = episode_findings(
        "SIR-R097", with_protocol(DCD, faktisk_tid_till_cirkulationsstillestand=61)
    )
    assert f.severity is Severity.WARNING
    assert f.path == "Avliden2024/FaktiskTidTillCirkulationsstillestånd"
    assert summary([f]) == {
        (
            "7.3",
            "FaktiskTidTillCirkulationsstillestånd",
            NOT_ALLOWED,
            "question 6 is JaDCD but question 7.2 allows only 60 min",
        )
    }


@pytest.mark.parametrize(
    ("protocol", "actual"), [(DCD, 60), (DCD_NOT_DONE, 90), (DCD, None)], ids=["equal", "no", "na"]
)
def test_r097_near_miss(protocol: Avliden2024, actual: int | None) -> None:
    ep = with_protocol(protocol, faktisk_tid_till_cirkulationsstillestand=actual)
    assert episode_findings("SIR-R097", ep) == []


def test_states_are_translated() -> None:
    assert death_protocols.MISSING.sv == "saknas"
    assert death_protocols.NOT_ALLOWED.en == "not allowed"
