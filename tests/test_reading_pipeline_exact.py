"""Exact behaviour of the reading pipeline (what reaches the validator from text, XML and
model objects) where mutation testing (``nox -s mutate -- codecs``) found no test pinning it
down."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

import sir_format
from sir_format import Limits, ParseError, _xml, from_xml, validate
from sir_format.metadata import ROOT_ELEMENT
from sir_format.models import Vardtillfalle
from sir_format.validation._base import Text

EXAMPLE_DIR = Path(sir_format.__file__).parent / "examples"
EXAMPLE = (EXAMPLE_DIR / "iva.xml").read_bytes()
END = f"</{ROOT_ELEMENT}>".encode()


def _findings(source: object) -> list[tuple[str, str, dict[str, object], int | None]]:
    return [
        (f.code, f.path, dict(f.params), f.line)
        for f in validate(source, profile="schema").findings
    ]


# -- text that is content, not a path -----------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\ufeff"], ids=["empty", "spaces", "bom"])
def test_text_with_nothing_in_it_is_an_empty_document(text: str) -> None:
    assert _findings(text) == [("SIR-X007", "", {}, None)]


# -- what the root element holds besides the header and the episodes ----------------------------


def test_text_in_a_root_without_children_is_sir_x040_at_the_root() -> None:
    data = f"<?xml version='1.0'?>\n<{ROOT_ELEMENT}>stray</{ROOT_ELEMENT}>".encode()
    assert _findings(data) == [
        ("SIR-X012", "Huvud", {"element": "Huvud"}, None),
        ("SIR-X012", "Vårdtillfälle", {"element": "Vårdtillfälle"}, None),
        ("SIR-X040", "", {"element": ROOT_ELEMENT}, 2),
    ]


def test_text_after_the_last_episode_is_sir_x040_at_the_root() -> None:
    assert EXAMPLE.count(END) == 1
    data = EXAMPLE.replace(END, b"stray\n" + END)
    assert _findings(data) == [("SIR-X040", "", {"element": ROOT_ELEMENT}, 2)]


@pytest.mark.parametrize("streamed", [False, True], ids=["bytes", "file"])
def test_a_header_nested_in_an_episode_does_not_stop_the_reading(
    streamed: bool, tmp_path: Path
) -> None:
    start = EXAMPLE.index("<Vårdtillfälle>".encode())
    episode = EXAMPLE[start : EXAMPLE.index(END)]
    two = EXAMPLE.replace(END, episode + END).replace(b"<Grunddata>", b"<Grunddata><Huvud/>", 1)
    path = tmp_path / "nested.xml"
    path.write_bytes(two)
    report = validate(path if streamed else two, profile="schema")
    assert [(f.code, f.path, f.line) for f in report.findings] == [
        ("SIR-X011", "Vårdtillfälle[1]/Grunddata/Huvud", 12)
    ]
    assert len(report.episodes) == 2


# -- a model with values that cannot be written ---------------------------------------------------


def test_a_model_written_one_part_at_a_time_keeps_its_episodes() -> None:
    report = from_xml(EXAMPLE)
    second = copy.deepcopy(report.vardtillfalle[0])
    second.lokalt_id = "VT-2"
    report.vardtillfalle.append(second)
    report.huvud.avdelningsnamn = "IVA\x01"  # the header cannot be written
    second.grunddata.postnummer = "1"  # written, and refused by the schema
    result = validate(report, profile="schema")
    assert [(f.code, f.path, f.episode, f.episode_index) for f in result.findings] == [
        ("SIR-X060", "Huvud/Avdelningsnamn", None, None),
        ("SIR-X021", "Vårdtillfälle[2]/Grunddata/Postnummer", "VT-2", 1),
    ]
    assert result.episodes == (report.vardtillfalle[0].lokalt_id, "VT-2")


def test_a_streamed_file_under_a_foreign_root_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "foreign.xml"
    path.write_bytes(b"<?xml version='1.0'?>\n<Other>\n<Huvud/>\n<Huvud/>\n<broken></Other>")
    findings = validate(path, profile="schema").findings
    assert [(f.code, f.line, f.column) for f in findings] == [
        ("SIR-X010", 2, None),
        ("SIR-X001", 5, 17),
    ]
    assert dict(findings[0].params) == {"element": "Other", "expected": ROOT_ELEMENT}


def test_a_document_type_naming_a_local_file_is_refused_without_reading_it(
    tmp_path: Path,
) -> None:
    dtd = tmp_path / "broken.dtd"
    dtd.write_bytes(b"<!ELEMENT oops")  # reading it would be a syntax error (SIR-X001)
    start = f"<{ROOT_ELEMENT}>".encode()
    data = EXAMPLE.replace(
        start, f'<!DOCTYPE {ROOT_ELEMENT} SYSTEM "{dtd.as_posix()}">\n'.encode() + start, 1
    )
    path = tmp_path / "doctype.xml"
    path.write_bytes(data)
    line = data[: data.index(b"<!DOCTYPE")].count(b"\n") + 1
    assert line == 2  # after the XML declaration
    for source in (data, path):
        assert [(f.code, f.line) for f in validate(source).findings] == [("SIR-X002", line)]
    with pytest.raises(ParseError) as error:
        from_xml(data)
    finding = error.value.finding
    assert finding is not None
    assert (finding.code, finding.line) == ("SIR-X002", line)


# -- binding an element the schema did not check ------------------------------------------------

ACTION = "<Åtgärd><Kod>DG021</Kod><Datum>2024-11-03</Datum><Klockslag>17:10</Klockslag></Åtgärd>"


@pytest.mark.parametrize(
    ("old", "new", "path", "line"),
    [
        ("<Grunddata>", "<Grunddata>\n<Extra/>", "Vårdtillfälle[1]/Grunddata/Extra", 13),
        (
            ACTION,
            ACTION + ACTION.replace("<Kod>", "<Extra/><Kod>"),
            "Vårdtillfälle[1]/Åtgärder/Åtgärd[2]/Extra",
            36,
        ),
    ],
    ids=["in-a-single-element", "in-the-second-of-a-list"],
)
def test_binding_an_unexpected_element_names_its_place(
    old: str, new: str, path: str, line: int
) -> None:
    assert old.encode() in EXAMPLE
    data = EXAMPLE.replace(old.encode(), new.encode(), 1)
    root = etree.fromstring(data, _xml._parser())
    with pytest.raises(ParseError) as error:
        _xml.bind(root[1], Vardtillfalle)
    assert (str(error.value), error.value.path, error.value.line) == (
        f"unexpected element 'Extra' (at {path}; line {line})",
        path,
        line,
    )


def test_episodes_that_are_not_a_list_say_so_in_both_languages() -> None:
    report = from_xml(EXAMPLE)
    report.vardtillfalle = tuple(report.vardtillfalle)  # type: ignore[assignment]
    (finding,) = validate(report, profile="schema").findings
    assert (finding.code, dict(finding.params)) == (
        "SIR-X060",
        {"element": "Vårdtillfälle", "detail": Text(sv="ska vara en lista", en="expected a list")},
    )


@pytest.mark.parametrize("suffix", ["xml", "json"])
def test_input_over_the_size_limit_is_only_sir_x003(suffix: str) -> None:
    data = (EXAMPLE_DIR / f"iva.{suffix}").read_bytes()
    findings = validate(data, limits=Limits(max_bytes=10)).findings
    assert [(f.code, dict(f.params)) for f in findings] == [
        ("SIR-X003", {"size": len(data), "limit": 10})
    ]


def test_a_model_with_one_unwritable_episode_still_runs_the_rules_on_the_others() -> None:
    report = from_xml(EXAMPLE)
    second = copy.deepcopy(report.vardtillfalle[0])
    second.lokalt_id = "VT-2"
    second.grunddata.postnummer = "118\x02"
    report.vardtillfalle.append(second)
    result = validate(report)
    assert [(f.code, f.path, f.episode_index) for f in result.findings] == [
        ("SIR-X060", "Vårdtillfälle[2]/Grunddata/Postnummer", 1)
    ]
    assert result.skipped == ()


def test_elements_nested_deeper_than_the_parser_allows_are_not_well_formed() -> None:
    start, end = f"<{ROOT_ELEMENT}>", f"</{ROOT_ELEMENT}>"
    data = (start + "<a>" * 300 + "</a>" * 300 + end).encode()
    findings = validate(data).findings
    # libxml2 stops at the 257th level: the column of the <a> that opens it
    assert [(f.code, f.line, f.column) for f in findings] == [
        ("SIR-X001", 1, len(start) + 256 * len("<a>"))
    ]
