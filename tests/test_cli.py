"""The ``sir-format`` command line: conversion, schemas, version, exit codes and error lines."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import pytest
from lxml import etree

import sir_format
from sir_format import _cli, cli
from sir_format.jsonschema import SCHEMA_RESOURCE, json_schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
XML_FIXTURES = sorted(FIXTURES.glob("*.xml"))
JSON_FIXTURES = sorted(FIXTURES.glob("*.json"))
ids = lambda p: p.name  # noqa: E731

Capture = pytest.CaptureFixture[bytes]


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def error_line(err: bytes | str) -> str:
    """The single error line; fails when stderr holds anything else."""
    text = err.decode("utf-8") if isinstance(err, bytes) else err
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("sir-format: fel: "), text  # Swedish by default
    assert "Traceback" not in text
    return lines[0]


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# --- convert: files --------------------------------------------------------------------------


@pytest.mark.parametrize("source", XML_FIXTURES, ids=ids)
def test_convert_xml_to_json(source: Path, tmp_path: Path, capsysbinary: Capture) -> None:
    out = tmp_path / "report.json"
    assert cli.main(["convert", str(source), str(out)]) == 0
    assert out.read_bytes() == sir_format.to_json(sir_format.from_xml(source.read_bytes()))
    assert capsysbinary.readouterr() == (b"", b"")


@pytest.mark.parametrize("source", JSON_FIXTURES, ids=ids)
def test_convert_json_to_xml(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    assert cli.main(["convert", str(source), str(out)]) == 0
    assert out.read_bytes() == sir_format.to_xml(sir_format.from_json(source.read_bytes()))


@pytest.mark.parametrize("source", XML_FIXTURES, ids=ids)
def test_round_trip_xml_json_xml(source: Path, tmp_path: Path) -> None:
    middle, back = tmp_path / "a.json", tmp_path / "b.xml"
    assert cli.main(["convert", str(source), str(middle)]) == 0
    assert cli.main(["convert", str(middle), str(back)]) == 0
    assert back.read_bytes() == sir_format.to_xml(sir_format.from_xml(source.read_bytes()))


def test_convert_pretty_json(tmp_path: Path) -> None:
    source, out = XML_FIXTURES[0], tmp_path / "pretty.json"
    assert cli.main(["convert", "--pretty", str(source), str(out)]) == 0
    report = sir_format.from_xml(source.read_bytes())
    assert out.read_bytes() == sir_format.to_json(report, pretty=True)
    assert out.read_bytes() != sir_format.to_json(report)


def test_convert_replaces_an_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    out.write_bytes(b"old content")
    assert cli.main(["convert", str(XML_FIXTURES[0]), str(out)]) == 0
    assert out.read_bytes() == sir_format.to_xml(sir_format.from_xml(XML_FIXTURES[0].read_bytes()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xml"]


def test_from_and_to_override_extensions(tmp_path: Path) -> None:
    source = tmp_path / "report.dat"
    shutil.copy(XML_FIXTURES[0], source)
    out = tmp_path / "report.out"
    assert cli.main(["convert", "--from", "xml", "--to", "json", str(source), str(out)]) == 0
    assert out.read_bytes() == sir_format.to_json(sir_format.from_xml(source.read_bytes()))


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    source = tmp_path / "REPORT.XML"
    shutil.copy(XML_FIXTURES[0], source)
    assert cli.main(["convert", str(source), str(tmp_path / "out.JSON")]) == 0
    assert json.loads((tmp_path / "out.JSON").read_bytes())


# --- convert: stdin and stdout ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [(XML_FIXTURES[0], "json"), (JSON_FIXTURES[0], "xml"), (XML_FIXTURES[0], "xml")],
    ids=["xml-to-json", "json-to-xml", "xml-to-xml"],
)
def test_convert_stdin_to_stdout(
    source: Path, target: str, monkeypatch: pytest.MonkeyPatch, capsysbinary: Capture
) -> None:
    data = source.read_bytes()
    set_stdin(monkeypatch, data)
    assert cli.main(["convert", "-", "-", "--to", target]) == 0
    out, err = capsysbinary.readouterr()
    report = sir_format.from_xml(data) if source.suffix == ".xml" else sir_format.from_json(data)
    expected = sir_format.to_json(report) if target == "json" else sir_format.to_xml(report)
    assert (out, err) == (expected, b"")


def test_convert_file_to_stdout_takes_input_format_from_extension(capsysbinary: Capture) -> None:
    source = JSON_FIXTURES[0]
    assert cli.main(["convert", str(source), "-", "--to", "json"]) == 0
    out, _ = capsysbinary.readouterr()
    assert out == sir_format.to_json(sir_format.from_json(source.read_bytes()))


def test_convert_stdin_to_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = JSON_FIXTURES[0].read_bytes()
    set_stdin(monkeypatch, data)
    out = tmp_path / "report.xml"
    assert cli.main(["convert", "-", str(out)]) == 0
    assert out.read_bytes() == sir_format.to_xml(sir_format.from_json(data))


def test_stdout_needs_to(capsysbinary: Capture) -> None:
    assert cli.main(["convert", str(XML_FIXTURES[0]), "-"]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b""
    assert "--to" in error_line(err)


def test_stdin_with_unknown_content_is_invalid_input(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: Capture
) -> None:
    set_stdin(monkeypatch, b"hello")
    assert cli.main(["convert", "-", "-", "--to", "json"]) == 1
    out, err = capsysbinary.readouterr()
    assert out == b""
    error_line(err)


# --- convert: errors -------------------------------------------------------------------------


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothere.xml"
    assert cli.main(["convert", str(missing), str(tmp_path / "out.json")]) == 2
    assert "nothere.xml" in error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("source_name", "target_name"), [("report.txt", "out.json"), ("report.xml", "out.yaml")]
)
def test_unknown_extension(
    source_name: str, target_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / source_name
    shutil.copy(XML_FIXTURES[0], source)
    assert cli.main(["convert", str(source), str(tmp_path / target_name)]) == 2
    assert "extension" in error_line(capsys.readouterr().err)
    assert [p.name for p in tmp_path.iterdir()] == [source_name]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.xml", b"<SIRDataVer52><Huvud>"),
        ("bad.xml", "<SIRDataVer52><Okänd/></SIRDataVer52>".encode()),
        ("bad.xml", b"not xml at all"),
        ("bad.json", b'{"Huvud": null}'),
        ("bad.json", b"{"),
    ],
)
def test_invalid_content_exits_1_without_output(
    name: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    target = tmp_path / ("out.json" if name.endswith(".xml") else "out.xml")
    assert cli.main(["convert", str(source), str(target)]) == 1
    error_line(capsys.readouterr().err)
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_failed_conversion_keeps_the_old_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(b"<SIRDataVer52/>")
    target = tmp_path / "out.json"
    target.write_bytes(b"previous")
    assert cli.main(["convert", str(source), str(target)]) == 1
    error_line(capsys.readouterr().err)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xml", "out.json"]


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no such dir" / "out.xml"
    assert cli.main(["convert", str(XML_FIXTURES[0]), str(target)]) == 2
    error_line(capsys.readouterr().err)
    assert not target.parent.exists()


def test_input_is_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "dir.xml"
    folder.mkdir()
    assert cli.main(["convert", str(folder), str(tmp_path / "out.json")]) == 2
    error_line(capsys.readouterr().err)


def test_write_failure_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    assert cli.main(["convert", str(XML_FIXTURES[0]), str(tmp_path / "out.xml")]) == 2
    target = tmp_path / "out.xml"
    assert error_line(capsys.readouterr().err) == f"sir-format: fel: {target}: åtkomst nekad"
    assert list(tmp_path.iterdir()) == []


def test_new_output_gets_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    assert cli.main(["convert", str(XML_FIXTURES[0]), str(out)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# --- schema, version, usage ------------------------------------------------------------------


def test_schema_xsd(capsysbinary: Capture) -> None:
    assert cli.main(["schema", "--xsd"]) == 0
    out, err = capsysbinary.readouterr()
    assert err == b""
    root = etree.fromstring(out)
    assert root.tag == "{http://www.w3.org/2001/XMLSchema}schema"
    etree.XMLSchema(root)  # a usable schema
    shipped = resources.files("sir_format") / "schemas" / cli.XSD_RESOURCE
    assert out == shipped.read_bytes()


def test_schema_json(capsysbinary: Capture) -> None:
    assert cli.main(["schema", "--json"]) == 0
    out, err = capsysbinary.readouterr()
    assert err == b""
    assert json.loads(out.decode("utf-8")) == json_schema()
    assert "Vårdtillfälle".encode() in out  # UTF-8, not \\u escapes
    shipped = resources.files("sir_format") / "schemas" / SCHEMA_RESOURCE
    assert out == shipped.read_bytes()


@pytest.mark.parametrize("argv", [["schema"], ["schema", "--xsd", "--json"]])
def test_schema_needs_exactly_one_kind(argv: list[str], capsysbinary: Capture) -> None:
    assert cli.main(argv) == 2
    out, err = capsysbinary.readouterr()
    assert out == b""
    error_line(err)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out == f"sir-format {metadata.version('sir-format')}\n"


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert cli.SUBCOMMANDS
    for command in cli.SUBCOMMANDS:
        assert command.name in out


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["convert"], ["convert", "a.xml"], ["convert", "--to", "yaml", "a", "b"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    error_line(captured.err)


def test_internal_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(data: bytes) -> object:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(sir_format, "from_xml", broken)
    assert cli.main(["convert", str(XML_FIXTURES[0]), "-", "--to", "json"]) == 3
    assert "boom second line" in error_line(capsys.readouterr().err)
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "convert", str(XML_FIXTURES[0]), "-", "--to", "json"])


# --- registration ---------------------------------------------------------------------------


def test_registered_subcommand_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("word")

    def run(args: argparse.Namespace) -> int:
        print(args.word.upper())
        return 0

    monkeypatch.setattr(_cli, "SUBCOMMANDS", list(cli.SUBCOMMANDS))
    cli.register(cli.Subcommand("shout", "say it loud", arguments, run))
    assert cli.main(["shout", "hej"]) == 0
    assert capsys.readouterr().out == "HEJ\n"
    with pytest.raises(ValueError, match="already registered"):
        cli.register(cli.Subcommand("shout", "again", arguments, run))


# --- real processes --------------------------------------------------------------------------


def run_process(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, input=stdin, capture_output=True, timeout=60, check=False)


def test_python_m_sir_format_converts_stdin(tmp_path: Path) -> None:
    data = XML_FIXTURES[0].read_bytes()
    done = run_process(
        sys.executable, "-m", "sir_format", "convert", "-", "-", "--to", "json", stdin=data
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == sir_format.to_json(sir_format.from_xml(data))


def test_console_script_reports_invalid_input_on_one_line(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("sir-format")
    if not script.exists():  # installed elsewhere: find it on PATH
        found = shutil.which("sir-format")
        assert found, "the sir-format console script is not installed"
        script = Path(found)
    source = tmp_path / "bad.xml"
    source.write_bytes(b"<SIRDataVer52>")
    done = run_process(str(script), "convert", str(source), str(tmp_path / "out.json"))
    assert done.returncode == 1
    assert done.stdout == b""
    error_line(done.stderr)
    version = run_process(str(script), "--version")
    assert version.stdout.decode().strip() == f"sir-format {metadata.version('sir-format')}"


def _choices(command: str) -> dict[str, tuple[str, ...]]:
    """The choices of each option of a subcommand, by option string."""
    parser = cli.build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    child = sub.choices[command]
    return {
        option: tuple(action.choices)
        for action in child._actions
        if action.choices is not None
        for option in action.option_strings
    }


def test_choice_lists_are_the_constants_they_mirror() -> None:
    from typing import get_args

    from sir_format.codec import Format
    from sir_format.validation import outputs, validator
    from sir_format.validation.catalog import LANGUAGES

    convert = _choices("convert")
    assert convert["--from"] == convert["--to"] == get_args(Format)
    validate = _choices("validate")
    assert validate["--format"] == outputs.FORMATS
    assert validate["--lang"] == LANGUAGES
    assert validate["--profile"] == tuple(validator.PROFILES)
    rules = _choices("rules")
    assert rules["--lang"] == LANGUAGES
    assert set(rules["--format"]) <= set(outputs.FORMATS)


def test_every_output_format_and_profile_is_accepted(tmp_path: Path) -> None:
    """Each choice the parser offers is one the library knows (no stale literal)."""
    from sir_format.validation import outputs, validator

    example = resources.files("sir_format").joinpath("examples", "iva.xml")
    path = tmp_path / "iva.xml"
    path.write_bytes(example.read_bytes())
    for fmt in outputs.FORMATS:
        out = tmp_path / f"report.{fmt}"
        assert cli.main(["validate", str(path), "--format", fmt, "-o", str(out)]) == 0
        assert out.read_bytes()
    for profile in validator.PROFILES:
        assert cli.main(["validate", str(path), "--profile", profile, "-o", os.devnull]) == 0


# --- rules: short codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [("R010", "SIR-R010"), ("r010", "SIR-R010"), ("x007", "SIR-X007"), ("sir-r021", "SIR-R021")],
)
def test_rules_accepts_short_codes(
    given: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sir_format.validation.catalog import get_rule
    from sir_format.validation.cli import rule_code

    assert rule_code(given) == code
    assert cli.main(["rules", "--lang", "en", given]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{code}  {get_rule(code).title.en}"


def test_rules_names_unknown_codes_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules", "R010", "R999", "Q1"]) == 2
    assert capsys.readouterr() == ("", "sir-format: fel: okända regelkoder: R999, Q1\n")


def test_rules_detail_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    from sir_format.validation.catalog import get_rule

    assert cli.main(["rules", "R010"]) == 0
    rule = get_rule("SIR-R010")
    assert capsys.readouterr().out.splitlines()[:2] == [
        f"SIR-R010  {rule.title.sv}",
        "  allvarlighetsgrad: error; lager: registry",
    ]


def test_help_lists_validate_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(f"\n    {name} ") for name in ("validate", "rules", "convert")]
    assert positions == sorted(positions)
    assert out.index("\n    completion ") > positions[-1]


def test_testdata_requires_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    from sir_format.cli import main

    assert main(["--lang", "en", "testdata"]) == 2
    assert "ACTION" in capsys.readouterr().err
