"""``sir-format anonymize``: key sources, options, files, errors and exit codes."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import msgspec
import pytest

import sir_format
from sir_format.cli import main
from sir_format.domain import personnummer
from sir_format.testing import anonymize
from sir_format.testing._anonymize import ENV_KEY, _shift
from sir_format.validation.unit import UnitDeclaration

KEY = "the unit's secret key"
EXAMPLES = resources.files("sir_format") / "examples"
REAL = "194809224464"  # the identity number of the IMA example


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("ima.xml", "ima.json", "iva.xml", "sir-enhet-iva.toml"):
        shutil.copyfile(str(EXAMPLES / name), tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_copy_is_written_in_the_input_format_with_the_library_result(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "anonymize", "ima.json", "out.json", "--key", KEY) == (0, "", "")
    written = (folder / "out.json").read_bytes()
    assert sir_format.detect_format(written) == "json"
    original = sir_format.from_json((folder / "ima.json").read_bytes())
    assert sir_format.from_json(written) == anonymize(original, key=KEY)
    assert REAL.encode() not in written
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("out")) == ["out.json"]


@pytest.mark.parametrize("source", ["env", "file"])
def test_the_key_from_the_environment_or_a_file_gives_the_same_copy(
    source: str, folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capsys, "anonymize", "ima.xml", "by-option.xml", "--key", KEY)
    if source == "env":
        monkeypatch.setenv(ENV_KEY, KEY)
        extra: list[str] = []
    else:
        (folder / "key.txt").write_text(KEY + "\n", encoding="utf-8")
        extra = ["--key-file", "key.txt"]
    assert _run(capsys, "anonymize", "ima.xml", "other.xml", *extra) == (0, "", "")
    assert (folder / "other.xml").read_bytes() == (folder / "by-option.xml").read_bytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [],
            "sir-format: error: no key: give --key, --key-file or the environment variable "
            "SIR_FORMAT_ANONYMIZE_KEY",
        ),
        (
            ["--key", "fifteen bytes!!"],
            "sir-format: error: the key is too short: at least 16 bytes are needed",
        ),
        (
            ["--key", ""],
            "sir-format: error: the key is too short: at least 16 bytes are needed",
        ),
        (
            ["--key", KEY, "--max-shift-days", "0"],
            "sir-format: error: argument --max-shift-days: expected a whole number >= 1, got '0' "
            "(see 'sir-format anonymize --help')",
        ),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    argv: list[str], message: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--lang", "en", "anonymize", "ima.xml", "out.xml", *argv)
    assert (code, out, err.strip()) == (2, "", message)
    assert not (folder / "out.xml").exists()


def test_key_and_key_file_exclude_each_other(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "key.txt").write_text(KEY, encoding="utf-8")
    code, _, err = _run(
        capsys,
        "--lang",
        "en",
        "anonymize",
        "ima.xml",
        "o.xml",
        "--key",
        KEY,
        "--key-file",
        "key.txt",
    )
    assert code == 2
    assert "argument --key-file: not allowed with argument --key" in err


def test_an_output_of_the_other_format_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "anonymize", "ima.xml", "out.json", "--key", KEY)
    assert (code, err.strip()) == (
        2,
        "sir-format: fel: kopian skrivs i indatas format (xml), men 'out.json' har filändelsen "
        "för json",
    )
    assert not (folder / "out.json").exists()


def test_an_unreadable_report_exits_1_and_writes_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (folder / "ima.xml").read_bytes().replace(b"<Personnummer>", b"<Personnummer>x")
    (folder / "bad.xml").write_bytes(data)
    code, out, err = _run(
        capsys, "anonymize", "bad.xml", "out.xml", "--key", KEY, "--write-mapping", "map.json"
    )
    assert (code, out) == (1, "")
    assert err.startswith("sir-format: fel: SIR-X")
    assert REAL not in err and "x1948" not in err
    assert not (folder / "out.xml").exists() and not (folder / "map.json").exists()


def test_the_output_must_not_be_the_input(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (folder / "ima.xml").read_bytes()
    code, _, err = _run(capsys, "--lang", "en", "anonymize", "ima.xml", "ima.xml", "--key", KEY)
    assert code == 2
    assert "is the same file as the input" in err
    assert (folder / "ima.xml").read_bytes() == before


def test_the_mapping_is_written_only_when_asked(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "anonymize", "ima.xml", "out.xml", "--key", KEY)
    assert not list(folder.glob("*.json*")) or [p.name for p in folder.glob("*.json")] == [
        "ima.json"
    ]
    assert _run(
        capsys, "anonymize", "ima.xml", "out.xml", "--key", KEY, "--write-mapping", "map.json"
    ) == (0, "", "")
    mapping = msgspec.json.decode((folder / "map.json").read_bytes())["mapping"]
    copy = sir_format.from_xml((folder / "out.xml").read_bytes())
    assert mapping == [
        {
            "kind": "Personnummer",
            "original": REAL,
            "pseudonym": copy.vardtillfalle[0].grunddata.personnummer,
        }
    ]


def test_options_reach_the_library(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--shift-dates", "--shift-birth-date", "--change-sex", "--replace-free-text"]
    argv += ["--max-shift-days", "40", "--unit", "sir-enhet-iva.toml"]
    assert _run(capsys, "anonymize", "iva.xml", "out.xml", "--key", KEY, *argv) == (0, "", "")
    original = sir_format.from_xml((folder / "iva.xml").read_bytes())
    expected = anonymize(
        original,
        key=KEY,
        shift_dates=True,
        keep_birth_date=False,
        keep_sex=False,
        replace_free_text=True,
        max_shift_days=40,
        unit=UnitDeclaration.load(folder / "sir-enhet-iva.toml"),
    )
    copy = sir_format.from_xml((folder / "out.xml").read_bytes())
    assert copy == expected
    old, new = original.vardtillfalle[0].grunddata, copy.vardtillfalle[0].grunddata
    assert 1 <= abs((new.inskrivningstid - old.inskrivningstid).days) <= 40
    assert personnummer.birth_date(new.personnummer) == new.fodelsedatum != old.fodelsedatum
    assert copy.huvud.avdelningsnamn == original.huvud.avdelningsnamn  # compared by SIR-R204
    assert copy.huvud.forsystem.namn != original.huvud.forsystem.namn


def test_a_person_whose_dates_cannot_move_is_reported(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The IMA example moved to start when IMA reporting opened, in a file created at its end.
    report = sir_format.from_xml((folder / "ima.xml").read_bytes())
    episode = report.vardtillfalle[0]
    opened = episode.grunddata.inskrivningstid.replace(month=4, day=1, hour=0, minute=0)
    days = (opened.date() - episode.grunddata.inskrivningstid.date()).days
    episode = _shift(episode, days, frozenset({"fodelsedatum"}))
    grunddata = msgspec.structs.replace(episode.grunddata, inskrivningstid=opened)
    episode = msgspec.structs.replace(episode, grunddata=grunddata)
    huvud = msgspec.structs.replace(report.huvud, skapad=grunddata.utskrivningstid)
    report = msgspec.structs.replace(report, huvud=huvud, vardtillfalle=[episode])
    (folder / "edge.xml").write_bytes(sir_format.to_xml(report))
    assert sir_format.validate(report).findings == ()
    code, out, err = _run(
        capsys, "--lang", "en", "anonymize", "edge.xml", "out.xml", "--key", KEY, "--shift-dates"
    )
    assert (code, out, err) == (
        0,
        "",
        "the dates of 1 persons are not shifted: every offset tried changed a finding\n",
    )
