"""All findings in one round, one cause one finding (issue 8, items 1 and 2).

A schema error in one element skips only the rules that read that element; the catalog's
``skipped_after`` and ``suppressed_by`` keep a cause from being reported twice; the cascades of
docs/validation.md ("One cause, one finding") and the data dictionary's §12 D5–D8.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest
from rulekit import IVA_UNIT, die, file_a, file_b, sedation_row

from sir_format import from_xml, validate
from sir_format.models import (
    Atgarder,
    JaNej,
    Komplikation,
    Komplikationer,
    Sederingsmal,
    SIRData,
    SKKod,
)
from sir_format.validation import ValidationReport
from sir_format.validation.catalog import rules
from sir_format.validation.validator import check_episode

EXAMPLES = files("sir_format") / "examples"
IVA_XML = (EXAMPLES / "iva.xml").read_text(encoding="utf-8")
IMA_XML = (EXAMPLES / "ima.xml").read_text(encoding="utf-8")
IMA_JSON = (EXAMPLES / "ima.json").read_text(encoding="utf-8")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "validation.md"

G = "Vårdtillfälle[1]/Grunddata"
STAY_RULES = ("SIR-R023", "SIR-R082", "SIR-R087")


def shown(report: ValidationReport) -> list[tuple[str, str, str]]:
    return [(f.code, f.path, f.severity.value) for f in report.findings]


def notes(report: ValidationReport) -> list[tuple[tuple[str, ...], str, str, str]]:
    return [(s.codes, s.path, s.message("en"), s.message("sv")) for s in report.skipped]


def replace(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# --------------------------------------------------------------------------- one round

THREE = {
    "xml": (
        IMA_XML,
        ("<Kön>Kvinna</Kön>", "<Kön>Okänd</Kön>"),
        ("<SmärtaNRS>2</SmärtaNRS>", "<SmärtaNRS>11</SmärtaNRS>"),
        (">194809224464<", ">194809224465<"),
    ),
    "json": (
        IMA_JSON,
        ('"Kön": "Kvinna"', '"Kön": "Okänd"'),
        ('"SmärtaNRS": 2,', '"SmärtaNRS": 11,'),
        ('"194809224464"', '"194809224465"'),
    ),
}


@pytest.mark.parametrize("fmt", THREE)
def test_a_wrong_token_a_value_out_of_range_and_a_check_digit_in_one_run(fmt: str) -> None:
    source, *pairs = THREE[fmt]
    report = validate(replace(source, *pairs))
    assert shown(report) == [
        ("SIR-X020", f"{G}/Kön", "fatal"),
        ("SIR-X023", "Vårdtillfälle[1]/Omvårdnad/Omvårdnadsbedömning[1]/SmärtaNRS", "fatal"),
        ("SIR-R010", f"{G}/Personnummer", "error"),
    ]
    assert notes(report) == [
        (
            ("SIR-R014",),
            f"{G}/Kön",
            "Grunddata/Kön is invalid",
            "Grunddata/Kön är ogiltigt",
        ),
        (
            ("SIR-R107",),
            "Vårdtillfälle[1]/Omvårdnad/Omvårdnadsbedömning[1]/SmärtaNRS",
            "Omvårdnad/Omvårdnadsbedömning[1]/SmärtaNRS is invalid",
            "Omvårdnad/Omvårdnadsbedömning[1]/SmärtaNRS är ogiltigt",
        ),
    ]
    text = report.render("sv")
    assert "  SIR-R014 ej kontrollerad för Vårdtillfälle #1: Grunddata/Kön är ogiltigt\n" in text
    english = report.render("en")
    assert "  SIR-R014 not checked for Episode #1: Grunddata/Kön is invalid\n" in english


def test_a_value_after_a_content_error_is_still_checked_before_rules_read_it() -> None:
    # libxml2 checks nothing of Grunddata after the misplaced Födelsedatum; the relaxed check
    # reports Vårdtyp XXX, the rules still must not read it, and the others run
    text = replace(
        IVA_XML,
        (
            "<Kön>Man</Kön>\n      <Födelsedatum>1957-11-06</Födelsedatum>",
            "<Födelsedatum>1957-11-06</Födelsedatum><Kön>Man</Kön>",
        ),
        ("<Vårdtyp>IVA<", "<Vårdtyp>XXX<"),
        (">195711069137<", ">195711069138<"),
    )
    report = validate(text)
    assert shown(report) == [
        ("SIR-X013", f"{G}/Födelsedatum", "fatal"),
        ("SIR-X020", f"{G}/Vårdtyp", "fatal"),
        ("SIR-R010", f"{G}/Personnummer", "error"),
    ]
    assert [(s.codes[0], s.path, s.message("en")) for s in report.skipped] == [
        ("SIR-R030", f"{G}/Vårdtyp", "Grunddata/Vårdtyp is invalid")
    ]


def test_an_unknown_element_hides_no_rule() -> None:
    text = replace(
        IVA_XML,
        ("<Postnummer>11822</Postnummer>", "<Foo>1</Foo><Postnummer>11822</Postnummer>"),
        (">195711069137<", ">195711069138<"),
    )
    report = validate(text)
    assert shown(report) == [
        ("SIR-X011", f"{G}/Foo", "fatal"),
        ("SIR-R010", f"{G}/Personnummer", "error"),
    ]
    assert report.skipped == ()


# --------------------------------------------------------------------------- cascades

INVERTED = (
    "<Utskrivningstid>2024-11-06T11:20:00<",
    "<Utskrivningstid>2024-11-03T10:00:00<",
)


def test_d6_a_discharge_before_admission_gives_r021_alone() -> None:
    text = replace(IVA_XML, INVERTED)
    report = validate(text)
    assert shown(report) == [("SIR-R021", f"{G}/Utskrivningstid", "error")]
    assert notes(report) == [
        (
            ("SIR-R023", "SIR-R061", "SIR-R082", "SIR-R087"),
            f"{G}/Utskrivningstid",
            "SIR-R021 is already reported",
            "SIR-R021 är redan rapporterad",
        )
    ]
    assert "  SIR-R023, SIR-R061, SIR-R082, SIR-R087 not checked for Episode #1" in (
        report.render("en")
    )
    # the rows of the stay would be reported: 14 of them lie outside the inverted stay
    report_model = from_xml(text)
    ep, header = report_model.vardtillfalle[0], report_model.huvud
    assert [f.code for f in check_episode(ep, header, codes=["SIR-R023"])] == ["SIR-R023"] * 14
    assert [f.code for f in check_episode(ep, header)] == ["SIR-R021"]  # the same table


@pytest.mark.parametrize(
    ("pair", "code", "element", "also"),
    [
        (
            ("<Ankomsttid>2024-11-03T14:05:00<", "<Ankomsttid>2024-11-03T18:05:00<"),
            "SIR-R020",
            "Ankomsttid",
            (),
        ),
        (
            ("<Skapad>2024-11-10T08:00:00<", "<Skapad>2024-11-05T08:00:00<"),
            "SIR-R022",
            "Utskrivningstid",
            ("SIR-R004",),  # the same cause, seen from the file
        ),
    ],
    ids=["arrival-after-start", "discharge-after-creation"],
)
def test_d6_rows_are_not_judged_against_a_stay_whose_times_are_in_error(
    pair: tuple[str, str], code: str, element: str, also: tuple[str, ...]
) -> None:
    report = validate(replace(IVA_XML, pair))
    assert shown(report) == [(code, f"{G}/{element}", "error")]
    (note,) = report.skipped
    assert note.codes == tuple(sorted((*STAY_RULES, *also)))
    assert note.path == f"{G}/{element}"
    assert note.message("en") == f"{code} is already reported"


VARDTYP_READERS = (
    *("SIR-R030", "SIR-R033", "SIR-R035", "SIR-R036", "SIR-R037", "SIR-R038", "SIR-R073"),
)


@pytest.mark.parametrize(
    ("pair", "code", "state"),
    [
        (("<Vårdtyp>IVA</Vårdtyp>", "<Vårdtyp>XXX</Vårdtyp>"), "SIR-X020", "invalid"),
        (("<Vårdtyp>IVA</Vårdtyp>", ""), "SIR-X012", "missing"),
    ],
    ids=["invalid", "missing"],
)
def test_rules_that_depend_on_vardtyp_are_skipped_naming_it(
    pair: tuple[str, str], code: str, state: str
) -> None:
    report = validate(replace(IVA_XML, pair))
    assert [(f.code, f.severity.value) for f in report.findings] == [(code, "fatal")]
    assert report.findings[0].path.startswith(G)
    (note,) = report.skipped
    readers = (*VARDTYP_READERS, "SIR-R120", "SIR-R121")
    assert note.codes == tuple(sorted(readers))
    assert note.path == f"{G}/Vårdtyp"
    assert note.message("en") == f"Grunddata/Vårdtyp is {state}"
    with_unit = validate(replace(IVA_XML, pair), unit=IVA_UNIT)
    (note,) = with_unit.skipped
    assert note.codes == tuple(sorted((*readers, "SIR-R200", "SIR-R205")))


def test_an_is_comparison_with_an_invalid_vardtyp_cannot_report() -> None:
    # SIR-R027 tests `vardtyp is not Vardtyp.TIVA`: an invalid Vårdtyp must not pass for one
    text = replace(
        IVA_XML,
        ("<Vårdtyp>IVA</Vårdtyp>", "<Vårdtyp>XXX</Vårdtyp>"),
        ("<Ankomstväg>Akutmottagning<", "<Ankomstväg>KonverteradFrånIVATillTIVA<"),
    )
    report = validate(text)
    assert shown(report) == [("SIR-X020", f"{G}/Vårdtyp", "fatal")]
    (note,) = report.skipped
    assert "SIR-R027" in note.codes and note.path == f"{G}/Vårdtyp"


def test_a_missing_time_skips_every_rule_that_reads_it() -> None:
    report = validate(re.sub("<Inskrivningstid>.*?</Inskrivningstid>", "", IVA_XML))
    assert shown(report) == [("SIR-X012", f"{G}/Inskrivningstid", "fatal")]
    (note,) = report.skipped
    assert note.codes == (
        "SIR-R010",
        "SIR-R015",
        "SIR-R020",
        "SIR-R021",
        "SIR-R023",
        "SIR-R024",
        "SIR-R026",
        "SIR-R030",
        "SIR-R033",
        "SIR-R035",
        "SIR-R038",
        "SIR-R039",
        "SIR-R052",
        "SIR-R060",
        "SIR-R061",
        "SIR-R082",
        "SIR-R087",
    )
    assert note.message("sv") == "Grunddata/Inskrivningstid saknas"


def test_a_missing_module_is_reported_once() -> None:
    start, end = IVA_XML.index("<Diagnoser>"), IVA_XML.index("</Diagnoser>")
    report = validate(IVA_XML[:start] + IVA_XML[end + len("</Diagnoser>") :])
    assert shown(report) == [("SIR-X012", "Vårdtillfälle[1]/Diagnoser", "fatal")]
    # SIR-R050 would report the missing module again
    assert notes(report) == [
        (
            ("SIR-R050", "SIR-R051", "SIR-R052"),
            "Vårdtillfälle[1]/Diagnoser",
            "Diagnoser is missing",
            "Diagnoser saknas",
        )
    ]


def _chest_drain_without_actions() -> SIRData:
    report = file_a()
    ep = report.vardtillfalle[0]
    ep.atgarder = None
    ep.komplikationer = Komplikationer(
        komplikation=[
            Komplikation(
                kod=SKKod.SK_061,
                datum=date(2024, 11, 4),
                thoraxdranage_inlagt=JaNej.JA,
            )
        ]
    )
    return report


def test_a_missing_declared_actions_module_is_not_reported_again_by_r070() -> None:
    report = _chest_drain_without_actions()
    found = validate(report, unit=IVA_UNIT)
    modules = [f.params["module"] for f in found if f.code == "SIR-R200"]
    assert "Åtgärder" in modules
    assert "SIR-R070" not in found.codes()
    # without the declaration nothing else reports it, so SIR-R070 does
    assert [(f.code, f.path) for f in validate(report)] == [
        ("SIR-R070", "Vårdtillfälle[1]/Komplikationer/Komplikation[1]/ThoraxdränageInlagt")
    ]


# --------------------------------------------------------------------------- §12 D5–D8


def test_d5_an_episode_before_giltig_fran_gets_r207_alone() -> None:
    report = _chest_drain_without_actions()  # modules missing that IVA_UNIT declares
    ep = report.vardtillfalle[0]
    ep.grunddata.vardtyp = file_b().vardtillfalle[0].grunddata.vardtyp  # IMA: undeclared
    later = dataclasses.replace(IVA_UNIT, giltig_fran=date(2025, 1, 1))
    found = validate(report, unit=later)
    unit_codes = [f.code for f in found if f.code.startswith("SIR-R2")]
    assert unit_codes == ["SIR-R207"]
    covered = [f.code for f in validate(report, unit=IVA_UNIT) if f.code.startswith("SIR-R2")]
    assert {"SIR-R200", "SIR-R205"} <= set(covered) and "SIR-R207" not in covered


def test_d6_a_missing_death_protocol_is_r041_not_r200() -> None:
    report = file_a()
    die(report.vardtillfalle[0], datetime(2024, 11, 6, 11, 20))
    found = validate(report, unit=IVA_UNIT)
    assert [(f.code, f.params["module"]) for f in found if "module" in f.params] == [
        ("SIR-R041", "Avliden2024"),
        ("SIR-R200", "NEMS"),
        ("SIR-R200", "Omvårdnad"),
        ("SIR-R200", "Sederingsmål"),
    ]
    # SIR-R200 itself finds the protocol missing too
    ep, header = report.vardtillfalle[0], report.huvud
    own = check_episode(ep, header, unit=IVA_UNIT, codes=["SIR-R200"])
    assert "Avliden2024" in [f.params["module"] for f in own]


def _same_person(*stays: tuple[datetime, datetime]) -> SIRData:
    """File A with one episode per stay, all of the same person."""
    report = file_a()
    template = report.vardtillfalle[0]
    report.vardtillfalle = []
    for i, (start, end) in enumerate(stays):
        ep = copy.deepcopy(template)
        ep.lokalt_id = f"VT-{i}"
        ep.grunddata.inskrivningstid, ep.grunddata.utskrivningstid = start, end
        ep.grunddata.ankomsttid = start
        report.vardtillfalle.append(ep)
    return report


def test_d6_an_episode_identical_to_another_gets_r060_only() -> None:
    t0, hour = datetime(2024, 11, 3, 16, 40), timedelta(hours=1)
    first, overlapping = (t0, t0 + 2 * hour), (t0 + hour, t0 + 3 * hour)
    report = _same_person(first, overlapping, first)
    found = [(f.code, f.episode) for f in validate(report) if f.code in ("SIR-R060", "SIR-R061")]
    # VT-2 repeats VT-0 and overlaps VT-1 as well: the duplicate is the one cause
    assert found == [("SIR-R061", "VT-1"), ("SIR-R060", "VT-2")]


def test_d6_sederingsmal_in_ima_gets_the_r037_error_without_its_warning() -> None:
    report = file_b()  # IMA, registers DG023 and no DG021
    ep = report.vardtillfalle[0]
    ep.sederingsmal = Sederingsmal(
        sederingsregistrering=[sedation_row(ep.grunddata.inskrivningstid)]
    )
    found = [
        (f.code, f.severity.value, f.variant) for f in validate(report) if f.code == "SIR-R037"
    ]
    assert found == [("SIR-R037", "error", "E")]
    # in an ICU episode without DG021 the warning stands alone
    icu = file_a()
    icu.vardtillfalle[0].sederingsmal = ep.sederingsmal
    icu.vardtillfalle[0].atgarder = Atgarder(atgard=[])
    found = [(f.code, f.severity.value, f.variant) for f in validate(icu) if f.code == "SIR-R037"]
    assert found == [("SIR-R037", "warning", "W")]


def test_d8_r052_checks_the_icd10_category_and_says_so() -> None:
    known_category = replace(IVA_XML, ("<ÖvrigDiagnos>J960<", "<ÖvrigDiagnos>J18Z<"))
    assert validate(known_category).findings == ()
    report = validate(replace(IVA_XML, ("<ÖvrigDiagnos>J960<", "<ÖvrigDiagnos>J199<")))
    assert shown(report) == [("SIR-R052", "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos[1]", "warning")]
    assert "category" in report.findings[0].message("en")


# --------------------------------------------------------------------------- the docs table


def _docs_pairs() -> set[tuple[str, str]]:
    """(reported, left out) code pairs of the table in docs/validation.md."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## One cause, one finding") :]
    pairs: set[tuple[str, str]] = set()
    for line in section.splitlines():
        cells = line.strip().strip("|").split("|")
        if len(cells) != 3 or not cells[0].strip().startswith("SIR-R"):
            continue
        pairs |= {(a, b) for a in _codes(cells[0]) for b in _codes(cells[1])}
    return pairs


def _codes(cell: str) -> set[str]:
    """``SIR-R020, SIR-R021 or SIR-R022`` and ``SIR-R200, R201`` as codes."""
    return {f"SIR-R{n}" for n in re.findall(r"R(\d{3})", cell)}


def test_the_docs_table_lists_every_suppression_of_the_catalog() -> None:
    catalog_pairs = {
        (cause, rule.code)
        for rule in rules()
        for cause in (*rule.skipped_after, *(s.code for s in rule.suppressed_by))
    }
    assert catalog_pairs
    assert catalog_pairs <= _docs_pairs()


def test_the_suppressions_name_known_codes_and_variants() -> None:
    known = {rule.code: rule for rule in rules()}
    for rule in rules():
        for code in rule.skipped_after:
            assert code in known and code != rule.code, rule.code
        for suppression in rule.suppressed_by:
            other = known[suppression.code]
            if suppression.variant is not None:
                assert other.variant(suppression.variant) is not None, rule.code
            if suppression.only is not None:
                assert rule.variant(suppression.only) is not None, rule.code
            for name in (*suppression.same, *suppression.where):
                assert name in other.placeholders, rule.code
