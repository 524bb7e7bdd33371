"""The zsh and fish completion scripts parse in their own shells (and fish completes with them).

``zsh -n`` and ``fish --no-execute`` read a script without running it and fail on a syntax
error. Where a shell is not installed the test skips and says how to install it (``.ci/run``
installs both in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sir_format import cli

_INSTALL = (
    "{shell} is not installed; install it with `apt-get install -y {shell}` "
    "(Debian's package; .ci/run installs it in CI)"
)
CHECKS = {"zsh": ["-n"], "fish": ["--no-execute"]}
# a statement left open at the end of the script: a syntax error in either shell
BROKEN = {"zsh": "if true; then\n", "fish": "if true\n"}


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def shell_path(shell: str) -> str:
    found = shutil.which(shell)
    if found is None:
        pytest.skip(_INSTALL.format(shell=shell))
    return found


def written(shell: str, capsys: pytest.CaptureFixture[str], folder: Path, *lang: str) -> Path:
    assert cli.main(["completion", shell, *lang]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    path = folder / f"sir-format.{shell}"
    path.write_text(out, encoding="utf-8")
    return path


def check(shell: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [shell_path(shell), *CHECKS[shell], str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "HOME": str(path.parent)},
    )


@pytest.mark.parametrize("lang", [(), ("--lang", "en")], ids=["sv", "en"])
@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_script_parses_in_its_shell(
    shell: str, lang: tuple[str, ...], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = written(shell, capsys, tmp_path, *lang)
    done = check(shell, path)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_check_fails_on_a_script_with_a_syntax_error(
    shell: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = written(shell, capsys, tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + BROKEN[shell], encoding="utf-8")
    done = check(shell, path)
    assert done.returncode != 0
    assert done.stderr != ""


def test_fish_completes_commands_and_choices_with_the_script(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fish = shell_path("fish")
    path = written("fish", capsys, tmp_path)

    def offered(line: str) -> list[str]:
        done = subprocess.run(
            [fish, "--no-config", "-c", f"source {path}; complete -C'{line}'"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert offered("sir-format va") == ["validate"]
    assert offered("sir-format validate --profile s") == ["schema"]
    assert sorted(offered("sir-format completion ")) == ["bash", "fish", "zsh"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_ci_installs_the_shell_when_it_is_missing(shell: str) -> None:
    # what the skip message promises
    run = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert f'command -v {shell} >/dev/null 2>&1 || missing="$missing {shell}"\n' in run
