"""``sir-format testdata bulk``: writes the bulk generator's file, with a progress bar."""

from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path

import pytest

import sir_format
from sir_format import cli
from sir_format.domain import personnummer
from sir_format.models import Personnummertyp
from sir_format.testing import _cli_bulk, bulk
from sir_format.testing._cli_bulk import ProgressBar
from sir_format.validation import validate


@pytest.fixture(autouse=True)
def _swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["testdata", "bulk", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_the_generator_s_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bulk.xml"
    code, stdout, stderr = run(capsys, "--episodes", "6", "--seed", "2", str(out))
    assert (code, stdout) == (0, "")
    data = sir_format.to_xml(bulk.generate(6, 2))
    assert out.read_bytes() == data
    assert stderr == f"{out}: 6 vårdtillfällen, {len(data) / 1e6:.1f} MB\n"


def test_same_seed_same_bytes_other_seed_other_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [tmp_path / name for name in ("a.json", "b.json", "c.json")]
    for path, seed in zip(files, ("7", "7", "8"), strict=True):
        assert run(capsys, "--episodes", "30", "--seed", seed, "-q", str(path)) == (0, "", "")
    first, second, third = (path.read_bytes() for path in files)
    assert first == second != third
    assert first == sir_format.to_json(bulk.generate(30, 7))


def test_the_options_reach_the_generator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ima.data"
    argv = ["--episodes", "25", "--seed", "3", "--kind", "ima", "--identity", "reservnummer"]
    argv += ["--format", "json", "--start", "2025-06-01", "--end", "2025-08-31", "-q", str(out)]
    assert run(capsys, *argv) == (0, "", "")
    expected = bulk.generate(
        25, 3, kind="ima", identity="reservnummer", start=date(2025, 6, 1), end=date(2025, 8, 31)
    )
    assert out.read_bytes() == sir_format.to_json(expected)
    report = sir_format.from_json(out.read_bytes())
    assert {e.grunddata.personnummertyp for e in report.vardtillfalle} == {
        Personnummertyp.RESERVNUMMER
    }
    assert validate(out).codes() == []


def test_a_file_of_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(9)
    numbers = [personnummer.generate(rng) for _ in range(12)]
    listing = tmp_path / "numbers.txt"
    lines = ["# test persons", "", *(f"{n[:8]}-{n[8:]}  # a person" for n in numbers)]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "listed.xml"
    argv = ["--episodes", "20", "--seed", "4", "--identity", str(listing), "-q", str(out)]
    assert run(capsys, *argv) == (0, "", "")
    assert out.read_bytes() == sir_format.to_xml(bulk.generate(20, 4, identity=numbers))


def test_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert cli.main(["testdata", "bulk", "--episodes", "3", "--seed", "1", "-q", "-"]) == 0
    assert capsysbinary.readouterr() == (sir_format.to_xml(bulk.generate(3, 1)), b"")


def test_a_note_above_the_schema_s_episode_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _cli_bulk._EPISODE_LIMIT == 5000
    monkeypatch.setattr(_cli_bulk, "_EPISODE_LIMIT", 4)  # 5,000 episodes are slow to build
    out = tmp_path / "big.xml"
    code, _, stderr = run(capsys, "--episodes", "5", "--seed", "1", "--lang", "en", str(out))
    assert code == 0
    size = len(out.read_bytes()) / 1e6
    assert stderr == (
        f"{out}: 5 episodes, {size:.1f} MB\n"
        "note: more episodes than the schema's limit of 4; read the file with "
        "Codec(Limits(max_episodes=None, max_bytes=None))\n"
    )


def test_the_progress_bar_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "_PROGRESS_STEP", 5)
    monkeypatch.setattr(bulk, "_WRITE_STEP", 5)
    out = tmp_path / "bulk.xml"
    code, _, plain = run(capsys, "--episodes", "10", "--seed", "1", str(out))
    size = f"{len(out.read_bytes()) / 1e6:.1f}"
    assert (code, plain) == (0, f"{out}: 10 vårdtillfällen, {size} MB\n")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    code, _, drawn = run(capsys, "--episodes", "10", "--seed", "1", "--lang", "en", str(out))
    assert code == 0
    lines = drawn.split("\n")
    assert lines[0] == (
        f"\rbuilding [{'#' * 15}{'.' * 15}]  50 % 5/10\rbuilding [{'#' * 30}] 100 % 10/10"
    )
    assert lines[1] == (
        f"\rwriting [{'#' * 15}{'.' * 15}]  50 % 5/10\rwriting [{'#' * 30}] 100 % 10/10"
    )
    assert lines[2:] == [f"{out}: 10 episodes, {size} MB", ""]
    assert run(capsys, "--episodes", "10", "--seed", "1", "--quiet", str(out)) == (0, "", "")


def test_the_bar_redraws_only_when_the_percentage_changes() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, "skapar")
    bar.close()
    assert stream.getvalue() == ""
    for done in (0, 1, 2, 200):
        bar(done, 200)
    bar.close()
    empty = "." * 30
    assert stream.getvalue() == (
        f"\rskapar [{empty}]   0 % 0/200\rskapar [{empty}]   1 % 2/200"
        f"\rskapar [{'#' * 30}] 100 % 200/200\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--episodes", "0", "--seed", "1", "x.xml"],
            "argumentet --episodes: förväntade ett antal >= 1, fick '0' "
            "(se 'sir-format testdata bulk --help')",
        ),
        (
            ["--episodes", "many", "--seed", "1", "x.xml"],
            "argumentet --episodes: förväntade ett antal >= 1, fick 'many' "
            "(se 'sir-format testdata bulk --help')",
        ),
        (
            ["--episodes", "5", "--seed", "x", "x.xml"],
            "argumentet --seed: förväntade ett heltal, fick 'x' "
            "(se 'sir-format testdata bulk --help')",
        ),
        (
            ["--episodes", "5", "x.xml"],
            "följande argument krävs: --seed (se 'sir-format testdata bulk --help')",
        ),
        (
            ["--episodes", "5", "--seed", "1", "--start", "1.5.2025", "x.xml"],
            "argumentet --start: förväntade ett datum ÅÅÅÅ-MM-DD, fick '1.5.2025' "
            "(se 'sir-format testdata bulk --help')",
        ),
        (
            ["--episodes", "5", "--seed", "1", "--start", "2023-12-31", "x.xml"],
            "--start och --end: den tidigaste starten är 2024-01-01",
        ),
        (
            ["--episodes", "5", "--seed", "1", "--kind", "ima", "--start", "2025-01-01", "x.xml"],
            "--start och --end: IMA-enheter rapporterar från 2025-04-01 (SIR-R121)",
        ),
        (
            ["--episodes", "5", "--seed", "1", "--end", "2024-06-30", "x.xml"],
            "--start och --end: slutet kommer före starten",
        ),
        (
            ["--episodes", "5", "--seed", "1", "x.txt"],
            "kan inte avgöra formatet för 'x.txt' av filändelsen (kända: .xml, .json); "
            "ange --format",
        ),
    ],
)
def test_bad_arguments(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (2, "", f"sir-format: fel: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_files_of_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.xml"
    listing = tmp_path / "numbers.txt"
    listing.write_text("195711069137\n\n19571106-9138\n", encoding="utf-8")
    argv = ["--episodes", "5", "--seed", "1", "--identity", str(listing), str(out)]
    assert run(capsys, *argv) == (
        2,
        "",
        f"sir-format: fel: {listing}, rad 3: inte ett giltigt personnummer eller "
        "samordningsnummer med 12 siffror\n",
    )
    listing.write_text("# nobody\n\n", encoding="utf-8")
    assert run(capsys, *argv, "--lang", "en") == (
        2,
        "",
        f"sir-format: error: {listing} holds no numbers\n",
    )
    listing.write_text("195711069137\n", encoding="utf-8")
    argv[1] = "200"
    assert run(capsys, *argv) == (
        2,
        "",
        "sir-format: fel: 1 nummer räcker inte till 200 vårdtillfällen (en persons "
        "vårdtillfällen överlappar aldrig och ingen kommer tillbaka efter döden); ge ungefär "
        "ett nummer per fem vårdtillfällen\n",
    )
    missing = tmp_path / "missing.txt"
    argv[5] = str(missing)
    assert run(capsys, *argv) == (
        2,
        "",
        f"sir-format: fel: {missing}: filen eller mappen finns inte\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["numbers.txt"]


def test_help_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help", "--lang", "en")
    assert code == 0
    assert out.startswith("usage: sir-format testdata bulk [-h] --episodes N --seed S")
    assert "write a large, realistic report file from a seed" in out
    assert "--kind {icu,ima}" in out
