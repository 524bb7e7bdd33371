"""``sir-format validate PATH...``: folders, patterns, ``--exclude``, the summary line,
``--quiet``, ``--statistics``, ``--max-findings`` and the exit status of mixed runs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import sir_format
from sir_format import _cli
from sir_format.cli import main
from sir_format.errors import UsageError
from sir_format.validation import cli as validation_cli
from sir_format.validation.catalog import get_rule

EXAMPLES = Path(sir_format.__file__).parent / "examples"
IMA = (EXAMPLES / "ima.xml").read_text(encoding="utf-8")
GOOD_PNR, BAD_PNR = ">194809224464<", ">194809224465<"
GOOD_HSA, BAD_HSA = "SE2321000131-IM02", "SE2321000132-IM02"
SKAPAD = "<Skapad>2025-05-20T07:30:00"


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def write(path: Path, text: str = IMA) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def wrong_id(path: Path) -> Path:
    """One error (SIR-R010), no warning."""
    return write(path, IMA.replace(GOOD_PNR, BAD_PNR))


def warning_only(path: Path) -> Path:
    """One warning (SIR-R004: created in the future), no error."""
    return write(path, IMA.replace(SKAPAD, "<Skapad>2099-05-20T07:30:00"))


def error_and_warning(path: Path) -> Path:
    """SIR-R010 (error: a wrong check digit) and SIR-R004 (warning: created in the future),
    two findings of independent causes (neither suppresses the other)."""
    return write(
        path, IMA.replace(GOOD_PNR, BAD_PNR).replace(SKAPAD, "<Skapad>2099-05-20T07:30:00")
    )


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main(["validate", *(str(a) for a in argv)])
    out, err = capsys.readouterr()
    return code, out, err


def file_lines(out: str) -> list[str]:
    """The first word of each file's line: the file names, in output order."""
    return [line.split(": ")[0] for line in out.splitlines() if line and not line[0].isspace()]


# --- what the paths name --------------------------------------------------------------------


def test_a_folder_means_every_report_file_below_it_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["b.xml", "a/z.json", "a/b.XML", "c/d/e.xml", ".hidden/x.xml", "notes.txt"]:
        write(tmp_path / "export" / name)
    (tmp_path / "export" / "a" / "z.json").write_text(
        sir_format.to_json(sir_format.from_xml(IMA.encode())).decode(), encoding="utf-8"
    )
    code, out, err = run(capsys, "--lang", "en", "export")
    assert (code, err) == (0, "")
    assert file_lines(out)[:-1] == [
        "export/a/b.XML",
        "export/a/z.json",
        "export/b.xml",
        "export/c/d/e.xml",
    ]
    assert out.splitlines()[-1] == "Summary: 4 files, 4 episodes, 0 errors, 0 warnings"


def test_exclude_matches_names_parts_and_relative_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["keep.xml", "old/a.xml", "new/old-b.xml", "new/c-test.xml", "new/d.xml"]:
        write(tmp_path / "export" / name)
    argv = ["--lang", "en", "--exclude", "old", "--exclude", "*-test.xml", "export"]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert file_lines(out)[:-1] == ["export/keep.xml", "export/new/d.xml", "export/new/old-b.xml"]
    code, out, _ = run(capsys, "--lang", "en", "--exclude", "new/*.xml", "export")
    assert file_lines(out)[:-1] == ["export/keep.xml", "export/old/a.xml"]


def test_an_explicit_file_is_checked_even_when_excluded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "x-test.xml")
    code, out, _ = run(capsys, "--exclude", "*-test.xml", "x-test.xml")
    assert code == 0
    assert file_lines(out)[:-1] == ["x-test.xml"]


def test_patterns_are_expanded_recursively_and_a_file_counts_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["a.xml", "sub/b.xml", "sub/deeper/c.xml", "sub/d.json"]:
        write(tmp_path / name)
    code, out, _ = run(capsys, "--lang", "en", "sub/**/*.xml", "a.xml", "*.xml", "sub/b.xml")
    assert code == 0
    assert file_lines(out)[:-1] == ["sub/b.xml", "sub/deeper/c.xml", "a.xml"]
    assert out.splitlines()[-1].startswith("Summary: 3 files, 3 episodes")


def test_a_pattern_without_matches_and_an_empty_folder_are_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.xml")
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "--lang", "en", "*.json", "empty", "a.xml")
    assert code == 2
    assert err.splitlines() == [
        "sir-format: error: no file matches '*.json'",
        "sir-format: error: the folder empty holds no .xml or .json files",
    ]
    assert out.splitlines()[-1] == (
        "Summary: 3 files (2 unreadable), 1 episode, 0 errors, 0 warnings"
    )


def test_collect_inputs_refuses_a_nul_byte() -> None:
    with pytest.raises(UsageError, match="NUL"):
        _cli.collect_inputs(["a\0b"])


def test_stdin_with_other_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.xml")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(IMA.encode())))
    code, out, _ = run(capsys, "--lang", "en", "a.xml", "-")
    assert code == 0
    assert file_lines(out) == ["a.xml", "<stdin>", "Summary"]


# --- the summary line -----------------------------------------------------------------------


def test_the_summary_counts_files_episodes_errors_and_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        write(tmp_path / "a.xml"),
        wrong_id(tmp_path / "b.xml"),
        warning_only(tmp_path / "c.xml"),
        error_and_warning(tmp_path / "d.xml"),
    ]
    code, out, _ = run(capsys, "--lang", "en", *files)
    assert code == 1
    assert out.splitlines()[-1] == (
        "Summary: 4 files (2 failed), 4 episodes, 2 errors, 2 warnings"
    )
    code, out, _ = run(capsys, *files)
    assert out.splitlines()[-1] == (
        "Sammanfattning: 4 filer (2 underkända), 4 vårdtillfällen, 2 fel, 2 varningar"
    )


def test_the_summary_goes_to_stderr_beside_machine_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = write(tmp_path / "a.xml"), wrong_id(tmp_path / "b.xml")
    for fmt in ("json", "sarif"):
        code, out, err = run(capsys, "--lang", "en", "--format", fmt, good, bad)
        assert code == 1
        json.loads(out)  # stdout stays one document
        assert err == "Summary: 2 files (1 failed), 2 episodes, 1 error, 0 warnings\n"


def test_the_summary_ends_a_text_report_written_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "a.xml")
    target = tmp_path / "report.txt"
    code, out, err = run(capsys, "--lang", "en", "-o", target, good)
    assert (code, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == (
        f"{good}: OK, 0 warnings, 1 episode, xml, profile registry\n"
        "Summary: 1 file, 1 episode, 0 errors, 0 warnings\n"
    )


# --- exit status ----------------------------------------------------------------------------


def test_unreadable_wins_over_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = wrong_id(tmp_path / "bad.xml")
    missing = tmp_path / "missing.xml"
    code, out, err = run(capsys, "--lang", "en", bad, missing)
    assert code == 2
    assert err == f"sir-format: error: cannot read {missing}: No such file or directory\n"
    assert "SIR-R010" in out
    assert out.splitlines()[-1] == (
        "Summary: 2 files (1 failed, 1 unreadable), 1 episode, 1 error, 0 warnings"
    )
    assert run(capsys, bad)[0] == 1
    assert run(capsys, warning_only(tmp_path / "warn.xml"))[0] == 0


def test_a_folder_given_as_a_file_is_read_as_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "dir.xml" / "inner.xml")
    code, out, _ = run(capsys, "--lang", "en", tmp_path / "dir.xml")
    assert code == 0
    assert file_lines(out)[0] == str(tmp_path / "dir.xml" / "inner.xml")


def test_an_unreadable_file_names_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = write(tmp_path / "locked.xml")

    def refuse(name: object, mode: str = "r") -> object:
        raise PermissionError(13, "Permission denied", str(name))

    monkeypatch.setattr(validation_cli, "open", refuse, raising=False)
    code, _, err = run(capsys, locked)
    assert code == 2
    assert err == f"sir-format: fel: kan inte läsa {locked}: åtkomst nekad\n"


# --- --quiet, --statistics, --max-findings --------------------------------------------------


def test_quiet_shows_failed_files_and_only_their_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        write(tmp_path / "a.xml"),
        warning_only(tmp_path / "b.xml"),
        error_and_warning(tmp_path / "c.xml"),
    ]
    code, out, err = run(capsys, "--lang", "en", "--quiet", *files)
    assert (code, err) == (1, "")
    assert out.splitlines()[:4] == [
        f"{files[2]}: 1 error, 0 warnings, 1 episode, xml, profile registry",
        "  Episode #1",
        f"    ERROR    SIR-R010  {files[2]}:13 Vårdtillfälle[1]/Grunddata/Personnummer",
        "             Personnummer 19480922**** is invalid (the check digit is wrong).",
    ]
    assert "WARNING" not in out and "SIR-R004" not in out and "Summary" not in out
    assert run(capsys, "--quiet", *files[:2]) == (0, "", "")


def test_quiet_json_holds_only_the_failed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, mixed = write(tmp_path / "a.xml"), error_and_warning(tmp_path / "c.xml")
    code, out, err = run(capsys, "--quiet", "--format", "json", good, mixed)
    assert (code, err) == (1, "")
    [report] = json.loads(out)["reports"]
    assert report["source"] == str(mixed)
    assert [f["code"] for f in report["findings"]] == ["SIR-R010"]


def test_statistics_counts_codes_most_frequent_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        wrong_id(tmp_path / "a.xml"),
        wrong_id(tmp_path / "b.xml"),
        error_and_warning(tmp_path / "c.xml"),
    ]
    code, out, _ = run(capsys, "--lang", "en", "--statistics", *files)
    assert code == 1
    lines = out.splitlines()
    start = lines.index("Findings per code:")
    assert lines[start + 1 :] == [
        f"  3  SIR-R010  {get_rule('SIR-R010').title.en}",
        f"  1  SIR-R004  {get_rule('SIR-R004').title.en}",
        "Summary: 3 files (3 failed), 3 episodes, 3 errors, 1 warning",
    ]
    code, out, err = run(capsys, "--statistics", "--format", "json", files[0])
    json.loads(out)
    assert err.splitlines()[:2] == [
        "Anmärkningar per kod:",
        f"  1  SIR-R010  {get_rule('SIR-R010').title.sv}",
    ]


def test_statistics_without_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "a.xml")
    _, out, _ = run(capsys, "--statistics", good)
    assert out.splitlines()[-2:] == [
        "Inga anmärkningar.",
        "Sammanfattning: 1 fil, 1 vårdtillfälle, 0 fel, 0 varningar",
    ]


def test_max_findings_limits_the_listing_not_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two = write(tmp_path / "two.xml", IMA.replace(GOOD_PNR, BAD_PNR).replace(GOOD_HSA, BAD_HSA))
    code, out, _ = run(capsys, "--lang", "en", "--max-findings", "1", "--statistics", two)
    assert code == 1
    lines = out.splitlines()
    assert lines[:5] == [
        f"{two}: 2 errors, 0 warnings, 1 episode, xml, profile registry",
        "  File",
        f"    FATAL    SIR-R001  {two}:5 Huvud/HsaId",
        f"             {get_rule('SIR-R001').message.en.replace('{v}', BAD_HSA)}",
        "  … and 1 more finding (SIR-R010: 1)",
    ]
    assert "SIR-R010  Vårdtillfälle" not in out  # not listed, but counted:
    assert "  1  SIR-R010  Personnummer" in lines
    assert lines[-1] == "Summary: 1 file (1 failed), 1 episode, 2 errors, 0 warnings"
    _, out, _ = run(capsys, "--lang", "en", "--max-findings", "0", two)
    assert "… and" not in out
    assert out.count("SIR-R0") == 2
    _, out, _ = run(capsys, "--format", "json", "--max-findings", "1", two)
    [report] = json.loads(out)["reports"]
    assert [f["code"] for f in report["findings"]] == ["SIR-R001"]
    assert report["omitted"] == {"SIR-R010": 1}


@pytest.mark.parametrize("value", ["-1", "x", "1.5"])
def test_max_findings_must_be_a_count(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--max-findings", value, write(tmp_path / "a.xml"))
    assert (code, out) == (2, "")
    assert err == (
        f"sir-format: fel: argumentet --max-findings: förväntade ett antal >= 0, fick {value!r} "
        "(se 'sir-format validate --help')\n"
    )


def test_a_report_written_into_the_folder_is_not_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "export" / "a.xml")
    argv = ["--lang", "en", "--format", "json", "-o", "export/report.json", "export"]
    for _ in range(2):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (0, "")
        assert err == "Summary: 1 file, 1 episode, 0 errors, 0 warnings\n"
    # Named one by one, the report is an input, and writing over it is refused.
    code, _, err = run(capsys, *argv[:-1], "export/report.json")
    assert code == 2
    assert "is the same file as the input 'export/report.json'" in err
