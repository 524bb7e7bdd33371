"""File names, outputs that are inputs, and the atomic writer (library and command line)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sir_format
from sir_format import cli
from sir_format.errors import SirFormatError, UnitDeclarationError
from sir_format.jsonschema import schema_text, write_schema
from sir_format.validation.unit import UnitDeclaration, example_path

EXAMPLES = Path(sir_format.__file__).parent / "examples"
NUL_NAME = "a\x00b.xml"


def error_line(err: str) -> str:
    """The single error line; fails when stderr holds anything else."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sir-format: error: "), err
    return lines[0]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in English (this file checks their wording)."""
    monkeypatch.setenv("SIR_FORMAT_LANG", "en")


@pytest.fixture
def report() -> sir_format.SIRData:
    return sir_format.load(EXAMPLES / "ima.xml")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ima.xml and sir-enhet-ima.toml, made the current directory."""
    (tmp_path / "ima.xml").write_bytes((EXAMPLES / "ima.xml").read_bytes())
    (tmp_path / "unit.toml").write_bytes(example_path("ima").read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- a NUL byte in a file name ----------------------------------------------------------------

NUL_CALLS: dict[str, Callable[[Any], object]] = {
    "load": lambda report: sir_format.load(NUL_NAME),
    "load Path": lambda report: sir_format.load(Path(NUL_NAME)),
    "save": lambda report: sir_format.save(report, NUL_NAME),
    "validate": lambda report: sir_format.validate(NUL_NAME),
    "validate Path": lambda report: sir_format.validate(Path(NUL_NAME)),
    "is_valid": lambda report: sir_format.is_valid(Path(NUL_NAME)),
    "validate unit": lambda report: sir_format.validate(report, unit=Path("u\x00.toml")),
    "open_stream": lambda report: sir_format.open_stream(NUL_NAME),
    "iter_episodes": lambda report: sir_format.iter_episodes(Path(NUL_NAME)),
    "unit load": lambda report: UnitDeclaration.load("u\x00.toml"),
    "write_schema": lambda report: write_schema("s\x00.json"),
}


@pytest.mark.parametrize("call", NUL_CALLS.values(), ids=NUL_CALLS.keys())
def test_a_nul_byte_in_a_path_is_a_sir_format_error(
    call: Callable[[Any], object], report: sir_format.SIRData, workdir: Path
) -> None:
    before = snapshot(workdir)
    with pytest.raises(SirFormatError, match="contains a NUL byte") as info:
        call(report)
    assert "\x00" not in str(info.value)  # shown escaped, not as a raw NUL
    assert snapshot(workdir) == before


def test_a_nul_byte_in_the_unit_path_is_a_unit_declaration_error() -> None:
    with pytest.raises(UnitDeclarationError, match="NUL byte"):
        UnitDeclaration.load(Path("sir-enhet\x00.toml"))


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", NUL_NAME, "out.json"],
        ["convert", "ima.xml", "out\x00.json"],
        ["validate", NUL_NAME],
        ["validate", "ima.xml", NUL_NAME],
        ["validate", "ima.xml", "--output", "out\x00.txt"],
        ["validate", "--unit", "u\x00.toml", "ima.xml"],
    ],
    ids=["convert in", "convert out", "validate", "validate second", "validate -o", "unit"],
)
def test_cli_a_nul_byte_in_a_path_exits_two(
    argv: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(workdir)
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert "contains a NUL byte" in error_line(err)
    assert out == ""
    assert snapshot(workdir) == before


# --- an output that is one of the inputs ------------------------------------------------------


def _link(folder: Path, kind: str) -> str:
    """Another name for ima.xml in ``folder``: ``kind`` is a spelling or a link."""
    if kind == "symlink":
        (folder / "link.xml").symlink_to("ima.xml")
        return "link.xml"
    if kind == "hard link":
        os.link(folder / "ima.xml", folder / "hard.xml")
        return "hard.xml"
    return {"same": "ima.xml", "dot": "./ima.xml", "absolute": str(folder / "ima.xml")}[kind]


OTHER_NAMES = ["same", "dot", "absolute", "symlink", "hard link"]


@pytest.mark.parametrize("kind", OTHER_NAMES)
def test_convert_refuses_to_overwrite_its_input(
    kind: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = _link(workdir, kind)
    before = snapshot(workdir)
    assert cli.main(["convert", "--to", "json", "ima.xml", output]) == 2
    line = error_line(capsys.readouterr().err)
    assert "is the same file as the input 'ima.xml'" in line
    assert snapshot(workdir) == before
    assert (workdir / "link.xml").is_symlink() == (kind == "symlink")


@pytest.mark.parametrize("kind", OTHER_NAMES)
def test_validate_refuses_to_write_its_report_over_an_input(
    kind: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "copy.json").write_bytes((EXAMPLES / "ima.json").read_bytes())
    output = _link(workdir, kind)
    before = snapshot(workdir)
    assert cli.main(["validate", "copy.json", "ima.xml", "-o", output]) == 2
    out, err = capsys.readouterr()
    assert "is the same file as the input 'ima.xml'" in error_line(err)
    assert out == ""
    assert snapshot(workdir) == before


def test_validate_refuses_to_write_its_report_over_the_unit_declaration(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(workdir)
    assert cli.main(["validate", "--unit", "unit.toml", "ima.xml", "-o", "./unit.toml"]) == 2
    assert "the input 'unit.toml'" in error_line(capsys.readouterr().err)
    assert snapshot(workdir) == before


def test_an_output_beside_the_input_is_still_written(workdir: Path) -> None:
    assert cli.main(["convert", "ima.xml", "./ima.json"]) == 0
    assert cli.main(["validate", "ima.xml", "-o", "ima.txt"]) == 0
    assert (workdir / "ima.json").read_bytes() == sir_format.to_json(
        sir_format.load(workdir / "ima.xml")
    )
    assert (workdir / "ima.txt").read_text(encoding="utf-8").startswith("ima.xml: ")


# --- the atomic writer ------------------------------------------------------------------------


def test_save_through_a_symlink_writes_the_target(
    report: sir_format.SIRData, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    target = tmp_path / "data" / "report.xml"
    target.write_bytes(b"old")
    link = tmp_path / "link.xml"
    link.symlink_to(target)
    sir_format.save(report, link)
    assert link.is_symlink()
    assert target.read_bytes() == sir_format.to_xml(report)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.xml"]
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["report.xml"]


def test_save_through_a_dangling_symlink_creates_the_target(
    report: sir_format.SIRData, tmp_path: Path
) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("new.json")
    sir_format.save(report, link)
    assert link.is_symlink()
    assert (tmp_path / "new.json").read_bytes() == sir_format.to_json(report, pretty=True)


def test_cli_and_schema_export_write_through_symlinks(tmp_path: Path) -> None:
    for name, target in (("out.json", "real.json"), ("schema.json", "real-schema.json")):
        (tmp_path / target).write_bytes(b"old")
        (tmp_path / name).symlink_to(target)
    assert cli.main(["convert", str(EXAMPLES / "ima.xml"), str(tmp_path / "out.json")]) == 0
    write_schema(tmp_path / "schema.json")
    assert (tmp_path / "out.json").is_symlink()
    assert (tmp_path / "schema.json").is_symlink()
    report = sir_format.load(EXAMPLES / "ima.xml")
    assert (tmp_path / "real.json").read_bytes() == sir_format.to_json(report)
    assert (tmp_path / "real-schema.json").read_text(encoding="utf-8") == schema_text()


def test_a_write_error_names_the_file_not_the_temporary_file(
    report: sir_format.SIRData, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.xml"
    with pytest.raises(FileNotFoundError) as info:
        sir_format.save(report, target)
    assert info.value.filename == str(target)
    assert ".tmp" not in str(info.value)


def test_a_write_error_through_a_symlink_names_the_target(
    report: sir_format.SIRData, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.xml"
    link = tmp_path / "link.xml"
    link.symlink_to(target)
    with pytest.raises(FileNotFoundError) as info:
        sir_format.save(report, link)
    assert str(target) in str(info.value)
    assert ".tmp" not in str(info.value)
    assert link.is_symlink()


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs a non-root POSIX user"
)
def test_a_read_only_directory_names_the_target(
    report: sir_format.SIRData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.xml"
    target.write_bytes(b"old")
    folder.chmod(0o555)
    try:
        assert cli.main(["convert", str(EXAMPLES / "ima.xml"), str(target)]) == 2
    finally:
        folder.chmod(0o755)
    line = error_line(capsys.readouterr().err)
    assert line == f"sir-format: error: {target}: Permission denied"
    assert target.read_bytes() == b"old"


def test_a_failed_rename_names_the_target_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(src: str, dst: str) -> None:  # what the OS reports: both names, src first
        raise OSError(errno.EXDEV, "Invalid cross-device link", src, None, dst)

    monkeypatch.setattr(os, "replace", refuse)
    target = tmp_path / "out.json"
    assert cli.main(["convert", str(EXAMPLES / "ima.xml"), str(target)]) == 2
    line = error_line(capsys.readouterr().err)
    assert line == f"sir-format: error: {target}: Invalid cross-device link"
    assert list(tmp_path.iterdir()) == []


def test_data_and_directory_are_synced_around_the_rename(
    report: sir_format.SIRData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        kind = "directory" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(f"fsync {kind} ({os.fstat(fd).st_size if kind == 'file' else '-'})")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    sir_format.save(report, tmp_path / "out.xml")
    size = len(sir_format.to_xml(report))
    expected = [f"fsync file ({size})", "rename"]
    if os.name == "posix":
        expected.append("fsync directory (-)")
    assert events == expected
