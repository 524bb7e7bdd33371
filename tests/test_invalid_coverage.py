"""Coverage of the catalog by invalid reports (issue 9, item 6), and ``testdata coverage``."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from sir_format import cli
from sir_format._xml import Limits
from sir_format.metadata import all_models
from sir_format.testing import CoverageRow, coverage
from sir_format.testing import _cli_coverage as cli_coverage
from sir_format.testing._coverage import gaps
from sir_format.testing._defects import ModelDefect
from sir_format.testing._document_defects import (
    DOCUMENT_DEFECTS,
    DOCUMENT_NOT_GENERATABLE,
    DocumentDefect,
)
from sir_format.testing._rule_defects import RULE_DEFECTS, RULES_NOT_GENERATABLE
from sir_format.validation._base import Layer, Severity, Text
from sir_format.validation.catalog import catalog

_ROWS = {row.code: row for row in coverage()}


@pytest.fixture(autouse=True)
def _swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def test_the_rows_are_every_code_that_rejects_data() -> None:
    rejecting = {
        rule.code
        for rule in catalog().values()
        if rule.layer in (Layer.WELLFORMED, Layer.SCHEMA)
        or Severity.ERROR in rule.severities
        or Severity.FATAL in rule.severities
    }
    assert set(_ROWS) == rejecting
    assert "SIR-R004" not in _ROWS  # a warning only
    assert _ROWS["SIR-R037"].severities == (Severity.ERROR, Severity.WARNING)  # either variant
    assert _ROWS["SIR-X090"].layer is Layer.REGISTRY


def test_every_schema_code_is_covered_or_listed() -> None:
    layers = (Layer.WELLFORMED, Layer.SCHEMA)
    assert [
        code for code in gaps() if code.startswith("SIR-X") or _ROWS[code].layer in layers
    ] == []


@pytest.mark.xfail(
    not RULE_DEFECTS,
    reason="the registry and unit defects of _rule_defects.py are not in this tree yet",
    strict=True,
)
def test_every_catalog_code_is_covered_or_listed() -> None:
    assert gaps() == []


def test_a_row_names_every_defect_that_may_report_its_code() -> None:
    row = _ROWS["SIR-X012"]
    assert row.defects == ("X012-missing-element", "X013-element-order")
    assert (row.status, row.reason) == ("covered", None)


def test_a_reason_is_given_only_for_a_code_no_defect_reports() -> None:
    defects: list[DocumentDefect | ModelDefect] = [*DOCUMENT_DEFECTS, *RULE_DEFECTS]
    expected = {code for d in defects for code in d.expected}
    listed = set(DOCUMENT_NOT_GENERATABLE) | set(RULES_NOT_GENERATABLE)
    assert listed & expected == set()
    assert set(DOCUMENT_NOT_GENERATABLE) == {
        "SIR-X003", "SIR-X025", "SIR-X026", "SIR-X028", "SIR-X049", "SIR-X060", "SIR-X090",
    }  # fmt: skip
    for code, reason in DOCUMENT_NOT_GENERATABLE.items():
        assert _ROWS[code].status == "not-generatable"
        assert _ROWS[code].reason == reason
        assert reason.sv.strip() and reason.en.strip()


def test_the_facet_reasons_hold_for_the_schema() -> None:
    fields = [f for info in all_models() for f in info.fields]
    assert max(f.facets.min_length or 0 for f in fields) == 1  # SIR-X025
    assert all(f.facets.total_digits is None for f in fields)  # SIR-X028
    xsd = resources.files("sir_format").joinpath("schemas", "SIRDataVer52.xsd").read_text("utf-8")
    assert re.search(r"<xs:length\b", xsd) is None  # SIR-X026
    assert str(Limits().max_bytes) in DOCUMENT_NOT_GENERATABLE["SIR-X003"].en


# ------------------------------------------------------------------------- command line


def test_the_text_table_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["testdata", "coverage"])
    out = capsys.readouterr().out
    assert code == (1 if gaps() else 0)
    assert (
        "SIR-X020  schema     fatal         Värde i kodlista\n"
        "          X020-bad-token, X020-nfd-token\n"
    ) in out
    assert (
        "SIR-X026  schema     fatal         Fel längd\n"
        "          kan inte genereras: ingen typ i schemat har en length-fasett\n"
    ) in out
    rows = coverage()
    statuses = [row.status for row in rows]
    assert out.endswith(
        f"\n{len(rows)} koder: {statuses.count('covered')} med defekter, "
        f"{statuses.count('not-generatable')} som inte kan genereras, "
        f"{statuses.count('gap')} saknas\n"
    )


def test_the_markdown_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--lang", "en", "testdata", "coverage", "--format", "markdown"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        "| Code | Layer | Severity | Rule | Defects or reason |",
        "| --- | --- | --- | --- | --- |",
    ]
    assert "| SIR-X051 | schema | fatal | Empty JSON array | X051-empty-array |" in lines
    assert (
        "| SIR-X028 | schema | fatal | Too many digits | "
        "not generatable: no type of the schema has a totalDigits facet |"
    ) in lines


def test_the_json_rows(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["testdata", "coverage", "--format", "json", "--lang", "en"])
    rows = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in rows] == [row.code for row in coverage()]
    by_code = {row["code"]: row for row in rows}
    assert by_code["SIR-X013"] == {
        "code": "SIR-X013",
        "layer": "schema",
        "severities": ["fatal"],
        "title": "Element order",
        "status": "covered",
        "defects": ["X013-element-order"],
        "reason": None,
    }
    assert by_code["SIR-X060"]["status"] == "not-generatable"
    assert by_code["SIR-X060"]["reason"].startswith("not generatable: found only when")


def _row(code: str, defects: tuple[str, ...], reason: Text | None) -> CoverageRow:
    return CoverageRow(code, Layer.SCHEMA, (Severity.FATAL,), Text("t", "t"), defects, reason)


@pytest.mark.parametrize(
    ("rows", "exit_code", "last"),
    [
        (
            (_row("SIR-X1", ("d",), None),),
            0,
            "1 codes: 1 with defects, 0 not generatable, 0 missing",
        ),
        (
            (_row("SIR-X1", ("d",), None), _row("SIR-X2", (), None)),
            1,
            "2 codes: 1 with defects, 0 not generatable, 1 missing",
        ),
    ],
)
def test_a_gap_is_marked_and_fails_the_command(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    rows: tuple[CoverageRow, ...],
    exit_code: int,
    last: str,
) -> None:
    monkeypatch.setattr(cli_coverage, "coverage", lambda: rows)
    assert cli.main(["--lang", "en", "testdata", "coverage"]) == exit_code
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == last
    assert ("          MISSING: no defect and no reason\n" in out) == (exit_code == 1)


def test_the_guide_names_every_document_defect() -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "testing.md").read_text("utf-8")
    section = guide[guide.index("## Invalid reports") :]
    assert [d.code for d in DOCUMENT_DEFECTS if f"`{d.code}`" not in section] == []


def test_without_hypothesis_the_coverage_command_says_what_to_install() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from sir_format.cli import main\n"
        "raise SystemExit(main(['testdata', 'coverage', '--lang', 'en']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr == (
        "sir-format: error: testdata coverage needs Hypothesis: "
        "pip install 'sir-format[testing]'\n"
    )
    assert done.stdout == ""
