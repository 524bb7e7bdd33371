"""``sir-format validate`` and ``sir-format rules``: outputs, exit codes, many files, progress."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lxml import etree
from rulekit import FIXTURES

import sir_format.validation.cli as validation_cli
from sir_format.cli import main
from sir_format.validation.catalog import rules

GOOD = [FIXTURES / "file_a_iva.xml", FIXTURES / "file_b_ima.json"]


@pytest.fixture
def bad_xml(tmp_path: Path) -> Path:
    text = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    path = tmp_path / "bad.xml"
    path.write_text(text.replace("<Kön>Man</Kön>", "<Kön>Okänd</Kön>"), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_files_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", *GOOD)
    assert code == 0, err
    assert out.count("godkänd") == 2
    assert err == ""


def test_invalid_file_exits_one_and_the_others_are_still_reported(
    capsys: pytest.CaptureFixture[str], bad_xml: Path
) -> None:
    code, out, _ = run(capsys, "validate", "--lang", "en", GOOD[0], bad_xml, GOOD[1])
    assert code == 1
    assert "SIR-X020" in out
    assert out.count(": OK") == 2


def test_unreadable_file_exits_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "validate", GOOD[0], tmp_path / "missing.xml")
    assert code == 2
    missing = tmp_path / "missing.xml"
    assert err == f"sir-format: fel: kan inte läsa {missing}: filen eller mappen finns inte\n"
    assert "file_a_iva.xml" in out


def test_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate")[0] == 2
    assert run(capsys, "validate", "--format", "yaml", GOOD[0])[0] == 2
    assert run(capsys, "validate", "--profile", "strict", GOOD[0])[0] == 2


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_machine_formats(capsys: pytest.CaptureFixture[str], bad_xml: Path, fmt: str) -> None:
    code, out, _ = run(capsys, "validate", "--format", fmt, GOOD[0], bad_xml)
    assert code == 1
    if fmt == "json":
        document = json.loads(out)
        assert [r["ok"] for r in document["reports"]] == [True, False]
    elif fmt == "sarif":
        log = json.loads(out)
        assert log["version"] == "2.1.0"
        assert log["runs"][0]["results"][0]["ruleId"] == "SIR-X020"
    else:
        root = etree.fromstring(out.encode("utf-8"))
        assert len(root.findall("testsuite")) == 2


def test_profile_and_output_file(
    capsys: pytest.CaptureFixture[str], bad_xml: Path, tmp_path: Path
) -> None:
    assert run(capsys, "validate", "--profile", "wellformed", bad_xml)[0] == 0
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "validate", "--format", "json", "-o", target, bad_xml)
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["ok"] is False


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIXTURES / "file_a_iva.json").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "validate", "-")
    assert code == 0
    assert out.startswith("<stdin>:")


def test_unit_declaration(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from sir_format.validation.unit import example_path

    code, out, _ = run(capsys, "validate", "--unit", example_path("iva"), GOOD[0])
    assert code == 1 and "SIR-R200" in out  # dictionary §9: file A lacks NEMS
    assert (
        run(capsys, "validate", "--unit", example_path("ima"), FIXTURES / "file_b_ima.xml")[0] == 0
    )
    bad = tmp_path / "sir-enhet.toml"
    bad.write_text(
        example_path("ima").read_text(encoding="utf-8").replace('"IMA"]', '"IMA", "IVA"]')
    )
    code, out, _ = run(capsys, "validate", "--unit", bad, FIXTURES / "file_b_ima.xml")
    assert code == 1 and "SIR-R206" in out
    code, _, err = run(capsys, "validate", "--unit", tmp_path / "none.toml", GOOD[0])
    assert code == 2 and "none.toml" in err


def test_identities_masked_unless_revealed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    path = tmp_path / "id.xml"
    path.write_text(text.replace(">195711069137<", ">195711069138<"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", path)
    assert code == 1 and "195711069138" not in out and "19571106****" in out
    _, out, _ = run(capsys, "validate", "--reveal-identities", path)
    assert "195711069138" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_for_large_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    start, end = text.index("<Vårdtillfälle>"), text.index("</SIRDataVer52>")
    episode = text[start:end]
    many = "".join(episode.replace("VT-2024-01187", f"VT-{i}") for i in range(260))
    path = tmp_path / "large.xml"
    path.write_text(text[:start] + many + text[end:], encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(validation_cli, "PROGRESS_THRESHOLD", 0)
    main(["validate", "--profile", "schema", str(path)])
    assert "\rlarge.xml: 250 vårdtillfällen" in terminal.getvalue().replace(
        str(tmp_path) + "/", ""
    )
    quiet = io.StringIO()  # not a terminal: no progress
    monkeypatch.setattr("sys.stderr", quiet)
    main(["validate", "--profile", "schema", str(path)])
    assert quiet.getvalue() == ""
    capsys.readouterr()


def test_rules_lists_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert len(out.splitlines()) == len(rules())
    assert "HSA-id i filhuvudet" in out
    code, out, _ = run(capsys, "rules", "--lang", "en", "--format", "json")
    data = json.loads(out)
    assert [d["code"] for d in data] == [r.code for r in rules()]
    assert data[0]["title"] == "Header HSA-id"


def test_rules_detail_and_unknown_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--lang", "en", "SIR-R037", "sir-r021")
    assert code == 0
    assert "E: Sedation goal is not reported for IMA." in out
    assert "SIR-R021  Discharge after the start" in out
    code, _, err = run(capsys, "rules", "SIR-R999")
    assert code == 2 and "SIR-R999" in err
