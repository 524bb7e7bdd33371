"""Pieces every ``sir-format`` subcommand shares: exit codes, the subcommand registry and
file input and output.

:mod:`sir_format.cli` (the entry point, ``convert`` and ``schema``) and
:mod:`sir_format.validation.cli` (``validate`` and ``rules``) both build on this module; it
imports neither of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sir_format._files import checked_path, same_file, write_atomically
from sir_format._input import EXTENSIONS
from sir_format.errors import SirFormatError, UsageError

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "FORMATS",
    "FORMAT_CHOICES",
    "PROG",
    "STDIO",
    "SUBCOMMANDS",
    "Subcommand",
    "check_files",
    "format_of",
    "read_input",
    "register",
    "write_output",
]

PROG = "sir-format"
STDIO = "-"
FORMATS: Mapping[str, str] = EXTENSIONS
"""Report formats by file extension (the codec's own map)."""
FORMAT_CHOICES: tuple[str, ...] = tuple(dict.fromkeys(EXTENSIONS.values()))
"""The report formats ``--from`` and ``--to`` accept."""

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True, slots=True)
class Subcommand:
    """One ``sir-format`` subcommand.

    Attributes:
        name: the word on the command line.
        help: one line for ``sir-format --help``.
        arguments: adds the subcommand's arguments to its parser.
        run: does the work and returns the exit code; raises :class:`SirFormatError` on
            invalid input, :class:`OSError` on file trouble, :class:`UsageError` on misuse.
    """

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


SUBCOMMANDS: list[Subcommand] = []
"""Registered subcommands, in the order ``--help`` lists them."""


def register(command: Subcommand) -> Subcommand:
    """Add a subcommand (its name must be new) and return it."""
    if any(existing.name == command.name for existing in SUBCOMMANDS):
        raise ValueError(f"subcommand {command.name!r} is already registered")
    SUBCOMMANDS.append(command)
    return command


def check_files(inputs: Sequence[str], output: str) -> None:
    """Refuse, before any file is touched, bad file names and an output that is an input."""
    for name in (*inputs, output):
        if name != STDIO:
            _file(name)
    if output == STDIO:
        return
    for name in inputs:
        if name != STDIO and same_file(name, output):
            raise UsageError(
                f"the output {output!r} is the same file as the input {name!r}; "
                "choose another output file"
            )


def _file(name: str) -> Path:
    """``name`` as a path; a name no OS accepts is a usage error."""
    try:
        return checked_path(name)
    except SirFormatError as error:
        raise UsageError(str(error)) from None


def read_input(name: str) -> bytes:
    """The bytes of a file, or of stdin for ``-``."""
    if name == STDIO:
        return sys.stdin.buffer.read()
    return _file(name).read_bytes()


def write_output(name: str, data: bytes) -> None:
    """Write to a file atomically (temporary file + rename), or to stdout for ``-``."""
    if name == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomically(name, data)


def format_of(name: str, given: str | None, role: str) -> str | None:
    """The format named by ``--from``/``--to`` or by the file extension; ``None`` for ``-``."""
    if given is not None:
        return given
    if name == STDIO:
        return None
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS)
        raise UsageError(
            f"cannot tell the format of {role} {name!r} from its extension (known: {known}); "
            f"use --{'from' if role == 'input' else 'to'}"
        )
    return FORMATS[suffix]
