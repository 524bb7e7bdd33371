"""``validate`` finds each file's ``sir-enhet.toml`` beside it or in a folder above, up to
the repository's root; ``--unit`` overrides, ``--no-unit`` disables, the output names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sir_format
from sir_format._cli import UNIT_FILE, UnitFinder
from sir_format.cli import main
from sir_format.validation import unit as unit_module
from sir_format.validation.unit import example_path

EXAMPLES = Path(sir_format.__file__).parent / "examples"
IMA_XML = (EXAMPLES / "ima.xml").read_text(encoding="utf-8")
IVA_XML = (EXAMPLES / "iva-with-errors.xml").read_text(encoding="utf-8")
IMA_UNIT = example_path("ima").read_text(encoding="utf-8")
IVA_UNIT = example_path("iva").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIR_FORMAT_LANG", "en")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the search stops here, whatever lies above tmp_path


def put(path: str, text: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_declaration_beside_the_file_is_used_and_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    put("ima/sir-enhet.toml", IMA_UNIT)
    put("ima/ima.xml", IMA_XML)
    code, out, err = run(capsys, "ima/ima.xml")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "ima/ima.xml: OK, 0 warnings, 1 episode, xml, profile registry, "
        "unit declaration ima/sir-enhet.toml",
        "Summary: 1 file, 1 episode, 0 errors, 0 warnings, unit declaration ima/sir-enhet.toml",
    ]


def test_the_nearest_declaration_above_is_used_per_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    put("units/sir-enhet.toml", IMA_UNIT)
    put("units/ima/2024/jan/ima.xml", IMA_XML)
    put("units/iva/sir-enhet.toml", IVA_UNIT)
    put("units/iva/iva.xml", IVA_XML)
    code, out, _ = run(capsys, "units")
    assert code == 1  # iva-with-errors.xml lacks modules its declaration names
    lines = out.splitlines()
    assert lines[0].endswith("unit declaration units/sir-enhet.toml")
    assert lines[0].startswith("units/ima/2024/jan/ima.xml: OK")
    assert lines[1].startswith("units/iva/iva.xml: 3 errors")
    assert lines[1].endswith("unit declaration units/iva/sir-enhet.toml")
    assert out.count("SIR-R200") == 3
    assert (
        lines[-1]
        == "Summary: 2 files (1 failed), 2 episodes, 3 errors, 0 warnings, 2 unit declarations"
    )


def test_the_search_stops_at_the_repository_root(capsys: pytest.CaptureFixture[str]) -> None:
    put("sir-enhet.toml", IVA_UNIT)  # above the repository: never used
    Path("repo/.git").mkdir(parents=True)
    put("repo/data/ima.xml", IMA_XML)
    code, out, _ = run(capsys, "repo/data/ima.xml")
    assert code == 0
    assert "unit declaration" not in out
    put("repo/sir-enhet.toml", IMA_UNIT)  # at the root itself: used
    code, out, _ = run(capsys, "repo/data/ima.xml")
    assert code == 0
    assert out.splitlines()[0].endswith("unit declaration repo/sir-enhet.toml")


def test_a_git_file_marks_a_root_too(capsys: pytest.CaptureFixture[str]) -> None:
    put("sir-enhet.toml", IVA_UNIT)
    put("worktree/.git", "gitdir: /elsewhere\n")  # a worktree or submodule
    put("worktree/ima.xml", IMA_XML)
    assert run(capsys, "worktree/ima.xml")[1].splitlines()[0].endswith("profile registry")


def test_unit_overrides_and_no_unit_disables(capsys: pytest.CaptureFixture[str]) -> None:
    put("data/sir-enhet.toml", IVA_UNIT)
    put("data/ima.xml", IMA_XML)
    put("ima-unit.toml", IMA_UNIT)
    code, out, _ = run(capsys, "data/ima.xml")
    assert code == 1  # the IVA declaration does not fit an IMA file
    code, out, _ = run(capsys, "--unit", "ima-unit.toml", "data/ima.xml")
    assert code == 0
    assert out.splitlines()[0].endswith("unit declaration ima-unit.toml")
    code, out, _ = run(capsys, "--no-unit", "data/ima.xml")
    assert code == 0
    assert out.splitlines()[0] == "data/ima.xml: OK, 0 warnings, 1 episode, xml, profile registry"
    code, _, err = run(capsys, "--no-unit", "--unit", "ima-unit.toml", "data/ima.xml")
    assert code == 2
    assert "not allowed with argument" in err


def test_json_names_the_declaration_of_each_report(capsys: pytest.CaptureFixture[str]) -> None:
    put("a/sir-enhet.toml", IMA_UNIT)
    put("a/ima.xml", IMA_XML)
    put("b/ima.xml", IMA_XML)
    code, out, _ = run(capsys, "--format", "json", "a/ima.xml", "b/ima.xml")
    assert code == 0
    reports = json.loads(out)["reports"]
    assert [r["unit"] for r in reports] == ["a/sir-enhet.toml", None]


def test_stdin_looks_in_the_working_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    put(UNIT_FILE, IMA_UNIT)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(IMA_XML.encode())))
    code, out, _ = run(capsys, "-")
    assert code == 0
    assert out.splitlines()[0].endswith("unit declaration sir-enhet.toml")


def test_an_invalid_found_declaration_is_reported_as_r206(
    capsys: pytest.CaptureFixture[str],
) -> None:
    put("d/sir-enhet.toml", IMA_UNIT.replace('"IMA"]', '"IMA", "IVA"]'))
    put("d/ima.xml", IMA_XML)
    code, out, _ = run(capsys, "d/ima.xml")
    assert code == 1
    assert "SIR-R206" in out


def test_an_unreadable_found_declaration_fails_only_its_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    put("bad/sir-enhet.toml", "this is not = = toml")
    put("bad/ima.xml", IMA_XML)
    put("good/ima.xml", IMA_XML)
    code, out, err = run(capsys, "bad/ima.xml", "good/ima.xml")
    assert code == 2
    assert err.startswith(
        "sir-format: error: SIR-R206: Unit declaration is invalid: bad/sir-enhet.toml: not valid"
        " TOML: the error is at line 1, column 6.\n"
    )
    assert out.splitlines() == [
        "good/ima.xml: OK, 0 warnings, 1 episode, xml, profile registry",
        "Summary: 2 files (1 unreadable), 1 episode, 0 errors, 0 warnings",
    ]


def test_a_given_declaration_that_cannot_be_read_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    put("ima.xml", IMA_XML)
    code, out, err = run(capsys, "--unit", "none.toml", "ima.xml")
    assert (code, out) == (2, "")
    assert err == (
        "sir-format: error: cannot read the unit declaration none.toml: "
        "No such file or directory\n"
    )
    code, _, err = run(capsys, "--lang", "sv", "--unit", "none.toml", "ima.xml")
    assert err == (
        "sir-format: fel: kan inte läsa enhetsdeklarationen none.toml: "
        "filen eller mappen finns inte\n"
    )


def test_each_declaration_is_read_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    put("u/sir-enhet.toml", IMA_UNIT)
    for name in ("u/a.xml", "u/b.xml", "u/sub/c.xml"):
        put(name, IMA_XML)
    loads: list[Path] = []
    original = unit_module.UnitDeclaration.load.__func__  # type: ignore[attr-defined]

    def counting(cls: type, path: Path) -> object:
        loads.append(Path(path))
        return original(cls, path)

    monkeypatch.setattr(unit_module.UnitDeclaration, "load", classmethod(counting))
    assert run(capsys, "u")[0] == 0
    assert loads == [Path("u/sir-enhet.toml")]


def test_the_finder_keeps_its_answer_per_folder(tmp_path: Path) -> None:
    declaration = put("top/sir-enhet.toml", IMA_UNIT)
    put("top/a/b/x.xml", IMA_XML)
    finder = UnitFinder()
    assert finder.for_input("top/a/b/x.xml") == tmp_path / declaration
    declaration.unlink()
    # Every folder searched on the way up is answered from memory now.
    assert finder.for_input("top/a/other.xml") == tmp_path / declaration
    assert UnitFinder().for_input("top/a/b/x.xml") is None
