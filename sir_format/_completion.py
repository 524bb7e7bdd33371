"""Shell completion scripts for ``sir-format``, written from its argument parser.

:func:`script` reads the parser (subcommands, their options, which options take a value and
the choices they offer) and writes a completion script for bash, zsh or fish. Nothing here
depends on anything but :mod:`argparse`; a new option or subcommand is completed as soon as it
is registered.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["SHELLS", "script"]

SHELLS = ("bash", "zsh", "fish")
"""The shells :func:`script` writes for."""

_FUNCTION = "_sir_format"


@dataclass(frozen=True, slots=True)
class _Option:
    strings: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]
    file_value: bool


@dataclass(frozen=True, slots=True)
class _Command:
    name: str
    help: str
    options: tuple[_Option, ...]
    positional_choices: tuple[str, ...]
    takes_files: bool


def _options(parser: argparse.ArgumentParser) -> Iterator[_Option]:
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        yield _Option(
            strings=tuple(action.option_strings),
            help=_plain(action.help or ""),
            takes_value=action.nargs != 0,
            choices=tuple(str(c) for c in action.choices or ()),
            file_value=action.type is None and not action.choices,
        )


def _subparsers(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise ValueError("the parser has no subcommands")


def _commands(parser: argparse.ArgumentParser) -> list[_Command]:
    sub = _subparsers(parser)
    helps = {choice.dest: _plain(choice.help or "") for choice in sub._choices_actions}
    commands = []
    for name, child in sub.choices.items():
        positionals = [a for a in child._actions if not a.option_strings]
        choices = tuple(str(c) for a in positionals for c in (a.choices or ()))
        commands.append(
            _Command(
                name=name,
                help=helps.get(name, ""),
                options=tuple(_options(child)),
                positional_choices=choices,
                takes_files=any(not a.choices for a in positionals),
            )
        )
    return commands


def _plain(help_text: str) -> str:
    """One line without argparse's ``%(...)s`` fields or characters the shells treat apart."""
    line = re.sub(r"\s*\([^()]*%\([a-z]+\)s[^()]*\)", "", help_text)
    line = re.sub(r"[\[\]:'\"`$\\]", "", " ".join(line.split()))
    return line


# --------------------------------------------------------------------------- bash


def _bash(parser: argparse.ArgumentParser) -> str:
    commands = _commands(parser)
    top = " ".join(s for o in _options(parser) for s in o.strings)
    names = " ".join(c.name for c in commands)
    lines = [
        "# bash completion for sir-format",
        "# Load it with: source <(sir-format completion bash)",
        f"{_FUNCTION}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    local command="" word',
        '    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do',
        '        case "$word" in',
        f'            {"|".join(c.name for c in commands)}) command="$word"; break ;;',
        "        esac",
        "    done",
        '    case "$command" in',
        "        '')",
        '            if [[ "$cur" == -* ]]; then',
        f'                COMPREPLY=($(compgen -W {shlex.quote(top)} -- "$cur"))',
        "            else",
        f'                COMPREPLY=($(compgen -W {shlex.quote(names)} -- "$cur"))',
        "            fi",
        "            return ;;",
    ]
    for command in commands:
        lines.append(f"        {command.name})")
        lines.append('            case "$prev" in')
        for option in command.options:
            if not option.takes_value:
                continue
            words = 'COMPREPLY=($(compgen -f -- "$cur"))' if option.file_value else "COMPREPLY=()"
            if option.choices:
                choices = shlex.quote(" ".join(option.choices))
                words = f'COMPREPLY=($(compgen -W {choices} -- "$cur"))'
            lines.append(f"                {'|'.join(option.strings)}) {words}; return ;;")
        lines.append("            esac")
        flags = " ".join(s for o in command.options for s in o.strings)
        lines.append('            if [[ "$cur" == -* ]]; then')
        lines.append(f'                COMPREPLY=($(compgen -W {shlex.quote(flags)} -- "$cur"))')
        if command.positional_choices:
            choices = shlex.quote(" ".join(command.positional_choices))
            lines.append("            else")
            lines.append(f'                COMPREPLY=($(compgen -W {choices} -- "$cur"))')
        elif command.takes_files:
            lines.append("            else")
            lines.append('                COMPREPLY=($(compgen -f -- "$cur"))')
        lines.append("            fi")
        lines.append("            ;;")
    lines += ["    esac", "}", f"complete -o filenames -F {_FUNCTION} sir-format", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- zsh


def _zsh_spec(option: _Option) -> str:
    names = option.strings
    exclusive = f"({' '.join(names)})" if len(names) > 1 else ""
    body = "{" + ",".join(names) + "}" if len(names) > 1 else names[0]
    value = ""
    if option.takes_value:
        action = f"({' '.join(option.choices)})" if option.choices else "_files"
        value = f":value:{action}"
    return f"'{exclusive}'{body}'[{option.help}]{value}'"


def _zsh(parser: argparse.ArgumentParser) -> str:
    commands = _commands(parser)
    lines = [
        "#compdef sir-format",
        "# zsh completion for sir-format",
        "# Install it as _sir-format in a folder of $fpath,",
        "# or load it with: source <(sir-format completion zsh)",
        f"{_FUNCTION}() {{",
        "    local curcontext=$curcontext state line",
        "    local -a commands",
        "    commands=(",
        *(f"        '{c.name}:{c.help}'" for c in commands),
        "    )",
        "    _arguments -C \\",
        *(f"        {_zsh_spec(o)} \\" for o in _options(parser)),
        "        '1:command:->command' \\",
        "        '*::argument:->argument'",
        "    case $state in",
        "        command) _describe -t commands command commands ;;",
        "        argument)",
        "            case $line[1] in",
    ]
    for command in commands:
        specs = [_zsh_spec(o) for o in command.options]
        if command.positional_choices:
            specs.append(f"'*:argument:({' '.join(command.positional_choices)})'")
        elif command.takes_files:
            specs.append("'*:file:_files'")
        lines.append(f"                {command.name}) _arguments {' '.join(specs)} ;;")
    lines += [
        "            esac ;;",
        "    esac",
        "}",
        "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then",
        f'    {_FUNCTION} "$@"',
        "else",
        f"    compdef {_FUNCTION} sir-format",
        "fi",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- fish


def _fish_option(condition: str, option: _Option) -> str:
    parts = ["complete -c sir-format", f"-n {shlex.quote(condition)}"]
    for string in option.strings:
        parts.append(f"-l {string[2:]}" if string.startswith("--") else f"-s {string[1:]}")
    if option.takes_value:
        if option.choices:
            parts.append(f"-xa {shlex.quote(' '.join(option.choices))}")
        else:
            parts.append("-rF" if option.file_value else "-x")
    parts.append(f"-d {shlex.quote(option.help)}")
    return " ".join(parts)


def _fish(parser: argparse.ArgumentParser) -> str:
    commands = _commands(parser)
    lines = [
        "# fish completion for sir-format",
        "# Install it with:",
        "#   sir-format completion fish > ~/.config/fish/completions/sir-format.fish",
        "complete -c sir-format -f",
    ]
    lines += [_fish_option("__fish_use_subcommand", o) for o in _options(parser)]
    for command in commands:
        lines.append(
            f"complete -c sir-format -n __fish_use_subcommand -a {command.name} "
            f"-d {shlex.quote(command.help)}"
        )
        condition = f"__fish_seen_subcommand_from {command.name}"
        lines += [_fish_option(condition, o) for o in command.options]
        if command.positional_choices:
            choices = shlex.quote(" ".join(command.positional_choices))
            lines.append(f"complete -c sir-format -n {shlex.quote(condition)} -xa {choices}")
        elif command.takes_files:
            lines.append(f"complete -c sir-format -n {shlex.quote(condition)} -F")
    return "\n".join(lines) + "\n"


_WRITERS = {"bash": _bash, "zsh": _zsh, "fish": _fish}


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`) of ``parser``."""
    try:
        writer = _WRITERS[shell]
    except KeyError:
        raise ValueError(f"unknown shell {shell!r}; use one of {', '.join(SHELLS)}") from None
    return writer(parser)
