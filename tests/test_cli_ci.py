"""The pre-commit hook and the CI examples of docs/cli.md: valid YAML with the keys each
system needs, and ``sir-format`` commands that the command line accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from sir_format import cli
from sir_format._cli_texts import language

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / ".pre-commit-hooks.yaml"
CLI_PAGE = ROOT / "docs" / "cli.md"


def yaml_blocks() -> list[Any]:
    tokens = MarkdownIt("commonmark").parse(CLI_PAGE.read_text(encoding="utf-8"))
    return [yaml.safe_load(t.content) for t in tokens if t.type == "fence" and t.info == "yaml"]


def block_with(key: str) -> dict[Any, Any]:
    found = [b for b in yaml_blocks() if isinstance(b, dict) and key in str(b)]
    assert len(found) == 1, f"one YAML example with {key!r} in docs/cli.md"
    return found[0]


def assert_command_parses(command: str) -> None:
    """A ``sir-format ...`` line is accepted by the parser (options, choices, arguments)."""
    argv = shlex.split(command)
    assert argv[0] == "sir-format", command
    with language("en"):
        args = cli.build_parser().parse_args(argv[1:])
    assert args.command in {c.name for c in cli.SUBCOMMANDS}


def commands_in(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("sir-format ")]


# --- pre-commit -------------------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    [hook] = hooks
    assert hook["id"] == "sir-format-validate"
    assert hook["entry"] == "sir-format validate"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["xml", "json"]
    files = re.compile(hook["files"])
    assert files.search("export/a.xml") and files.search("b.json")
    assert not files.search("notes.xmlx") and not files.search("sir-enhet.toml")
    assert_command_parses(f"{hook['entry']} a.xml b.json")
    assert set(hook) <= {
        "id",
        "name",
        "description",
        "entry",
        "language",
        "types_or",
        "files",
        "require_serial",
    }
    assert hook["name"] and hook["description"]


def test_pre_commit_config_example_uses_the_hook() -> None:
    config = block_with("repos")
    [repo] = config["repos"]
    assert {"repo", "rev", "hooks"} <= set(repo)
    [hook] = repo["hooks"]
    assert hook["id"] == yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]["id"]
    assert_command_parses(" ".join(["sir-format validate", *hook["args"], "a.xml"]))


# --- GitHub Actions ---------------------------------------------------------------------------


def test_github_actions_example() -> None:
    workflow = block_with("runs-on")
    # YAML 1.1 reads the key `on` as True; GitHub reads it as "on".
    assert workflow.get("on", workflow.get(True)) == ["push", "pull_request"]
    assert workflow["name"]
    [job] = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert job["permissions"]["security-events"] == "write"  # upload-sarif needs it
    steps = job["steps"]
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        assert set(step) <= {"uses", "run", "with", "if", "name"}, step
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    ]
    runs = [s["run"] for s in steps if "run" in s]
    validating = commands_in(runs)
    assert len(validating) == 2
    for command in validating:
        assert_command_parses(command)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action"))
    sarif = shlex.split(validating[1])
    assert sarif[sarif.index("--format") + 1] == "sarif"
    assert sarif[sarif.index("-o") + 1] == upload["with"]["sarif_file"]


# --- GitLab CI --------------------------------------------------------------------------------


def test_gitlab_ci_example() -> None:
    pipeline = block_with("script")
    [(name, job)] = pipeline.items()
    assert re.fullmatch(r"[a-z][a-z-]*", name)
    assert isinstance(job["image"], str)
    assert all(isinstance(line, str) for line in job["script"])
    [command] = commands_in(job["script"])
    assert_command_parses(command)
    argv = shlex.split(command)
    assert argv[argv.index("--format") + 1] == "junit"
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == argv[argv.index("-o") + 1]


@pytest.mark.parametrize("command", ["sir-format validate --formt json x", "sir-format vaildate"])
def test_a_command_the_parser_refuses_is_caught(command: str) -> None:
    from sir_format.errors import UsageError

    with pytest.raises(UsageError):
        assert_command_parses(command)
