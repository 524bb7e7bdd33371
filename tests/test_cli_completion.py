"""``sir-format completion bash|zsh|fish``: scripts written from the parser."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import pytest

from sir_format import cli
from sir_format._cli_texts import language
from sir_format._completion import SHELLS, script


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def completion(capsys: pytest.CaptureFixture[str], shell: str) -> str:
    assert cli.main(["completion", shell]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def parser_facts() -> tuple[list[str], dict[str, list[str]], dict[str, tuple[str, ...]]]:
    """(subcommands, their option strings, the choices of each choice option)."""
    with language("en"):
        parser = cli.build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    options = {
        name: [s for a in child._actions for s in a.option_strings]
        for name, child in sub.choices.items()
    }
    choices = {
        f"{name} {a.option_strings[0]}": tuple(a.choices)
        for name, child in sub.choices.items()
        for a in child._actions
        if a.option_strings and a.choices
    }
    return list(sub.choices), options, choices


def test_bash_script_parses_and_names_every_command_and_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = completion(capsys, "bash")
    path = tmp_path / "sir-format.bash"
    path.write_text(text, encoding="utf-8")
    checked = subprocess.run(
        ["bash", "-n", str(path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    commands, options, choices = parser_facts()
    assert {"validate", "rules", "convert", "schema", "completion"} <= set(commands)
    for command in commands:
        assert f"        {command})" in text
        for option in options[command]:
            assert option in text, (command, option)
    for values in choices.values():
        assert f"'{' '.join(values)}'" in text
    assert text.rstrip().endswith("complete -o filenames -F _sir_format sir-format")


def complete(script_path: Path, *words: str) -> list[str]:
    """What bash completion offers after ``words`` (the last one is being typed)."""
    program = (
        f"source {script_path}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_sir_format\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "-c", program], capture_output=True, text=True, check=True, cwd=script_path.parent
    )
    return done.stdout.split()


def test_bash_completion_offers_commands_options_and_choices(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "sir-format.bash"
    path.write_text(completion(capsys, "bash"), encoding="utf-8")
    (tmp_path / "report.xml").write_text("<x/>", encoding="utf-8")
    assert complete(path, "sir-format", "va") == ["validate"]
    assert complete(path, "sir-format", "validate", "--form") == ["--format"]
    _, _, choices = parser_facts()
    formats = list(choices["validate --format"])
    assert complete(path, "sir-format", "validate", "--format", "") == formats
    assert complete(path, "sir-format", "validate", "--profile", "s") == ["schema"]
    assert complete(path, "sir-format", "validate", "rep") == ["report.xml"]
    assert complete(path, "sir-format", "completion", "") == ["bash", "zsh", "fish"]
    assert complete(path, "sir-format", "validate", "--max-findings", "") == []


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_every_command_and_option(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = completion(capsys, shell)
    commands, options, choices = parser_facts()
    for command in commands:
        assert command in text
        for option in options[command]:
            name = option.lstrip("-")
            expected = (
                option
                if shell == "zsh"
                else (f"-l {name}" if option.startswith("--") else f"-s {name}")
            )
            assert expected in text, (shell, command, option)
    for values in choices.values():
        wanted = f"({' '.join(values)})" if shell == "zsh" else f"-xa '{' '.join(values)}'"
        assert wanted in text


def test_zsh_script_declares_itself_and_fish_script_has_a_line_per_subcommand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert completion(capsys, "zsh").startswith("#compdef sir-format\n")
    fish = completion(capsys, "fish")
    commands, _, _ = parser_facts()
    for command in commands:
        assert f"complete -c sir-format -n __fish_use_subcommand -a {command} -d " in fish


def test_unknown_shell(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["completion", "tcsh"]) == 2
    assert "tcsh" in capsys.readouterr().err
    with pytest.raises(ValueError, match="tcsh"):
        script("tcsh", cli.build_parser())
    assert SHELLS == ("bash", "zsh", "fish")
