"""Pieces every ``sir-format`` subcommand shares: exit codes, the subcommand registry, the
argument parser, file input and output, and finding the unit declaration of a file.

:mod:`sir_format.cli` (the entry point, ``convert``, ``schema`` and ``completion``) and
:mod:`sir_format.validation.cli` (``validate`` and ``rules``) both build on this module; it
imports neither of them. Every text comes from :mod:`sir_format._cli_texts`.
"""

from __future__ import annotations

import argparse
import errno
import fnmatch
import glob
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from sir_format._cli_texts import LANGUAGES, TEXTS, current_language, text
from sir_format._files import same_file, write_atomically
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
    "UNIT_FILE",
    "Inputs",
    "Parser",
    "Subcommand",
    "UnitFinder",
    "add_lang_argument",
    "check_files",
    "collect_inputs",
    "error_message",
    "format_of",
    "os_reason",
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
UNIT_FILE = "sir-enhet.toml"
"""The name of the unit declaration that ``validate`` looks for beside each file."""

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True, slots=True)
class Subcommand:
    """One ``sir-format`` subcommand.

    Attributes:
        name: the word on the command line.
        help: one line for ``sir-format --help``: a key of the command line's texts
            (:data:`sir_format._cli_texts.TEXTS`, shown in the run's language) or plain text.
        arguments: adds the subcommand's arguments to its parser.
        run: does the work and returns the exit code; raises :class:`SirFormatError` on
            invalid input, :class:`OSError` on file trouble, :class:`UsageError` on misuse.
    """

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]

    def help_text(self) -> str:
        """The help line in the current language."""
        return text(self.help) if self.help in TEXTS else self.help


SUBCOMMANDS: list[Subcommand] = []
"""Registered subcommands, in the order ``--help`` lists them."""


def register(command: Subcommand) -> Subcommand:
    """Add a subcommand (its name must be new) and return it."""
    if any(existing.name == command.name for existing in SUBCOMMANDS):
        raise ValueError(f"subcommand {command.name!r} is already registered")
    SUBCOMMANDS.append(command)
    return command


# --------------------------------------------------------------------------- parser


class _HelpFormatter(argparse.HelpFormatter):
    """Help that states each option's default, in the run's language."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        help_text = action.help or ""
        default = action.default
        shown = default not in (None, False, argparse.SUPPRESS) and not isinstance(default, list)
        if shown and "%(default)" not in help_text and action.option_strings:
            word = "standard" if current_language() == "sv" else "default"
            help_text += f" ({word}: %(default)s)"
        return help_text


class Parser(argparse.ArgumentParser):
    """An argument parser that reports errors by raising instead of exiting, and states
    defaults in its help."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} ({text('error.see_help', prog=self.prog)})")


def count_argument(minimum: int = 0) -> Callable[[str], int]:
    """An argparse ``type``: a whole number of at least ``minimum`` (0 or 1)."""
    key = "error.count" if minimum <= 0 else "error.positive"

    def count(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise argparse.ArgumentTypeError(text(key, value=value))
        return number

    return count


def add_lang_argument(parser: argparse.ArgumentParser, help_key: str = "validate.lang") -> None:
    """``--lang sv|en``, its default the language the run was started in."""
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=current_language(), help=text(help_key)
    )


# --------------------------------------------------------------------------- messages


def os_reason(error: OSError) -> str:
    """Why an operating-system call failed, in the current language where the cause is a
    common one (else the system's own words)."""
    name = errno.errorcode.get(error.errno or 0, "")
    try:
        return text(f"os.{name}")
    except KeyError:
        return error.strerror or str(error)


def error_message(error: SirFormatError) -> str:
    """The one-line message of an input error in the current language: the finding's code,
    message and place when the error carries a finding, else the error's own text."""
    finding = error.finding
    if finding is None:
        return str(error)
    where: list[str] = []
    if finding.path:
        where.append(finding.path)
    if finding.line:
        place = text("error.line", line=finding.line)
        if finding.column:
            place += ", " + text("error.column", column=finding.column)
        where.append(place)
    message = f"{finding.code}: {finding.message(current_language())}"
    if where:
        message += f" ({text('error.where', where='; '.join(where))})"
    return " ".join(message.split())


# --------------------------------------------------------------------------- files


def check_files(inputs: Sequence[str], output: str) -> None:
    """Refuse, before any file is touched, bad file names and an output that is an input."""
    for name in (*inputs, output):
        if name != STDIO:
            _file(name)
    if output == STDIO:
        return
    for name in inputs:
        if name != STDIO and same_file(name, output):
            raise UsageError(text("error.same_file", output=output, name=name))


def _file(name: str) -> Path:
    """``name`` as a path; a name no OS accepts is a usage error."""
    if "\0" in name:
        raise UsageError(text("error.nul_name", name=name))
    return Path(name)


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
        raise UsageError(
            text(
                "error.unknown_extension",
                role=text(f"role.{role}"),
                name=name,
                known=", ".join(FORMATS),
                option="from" if role == "input" else "to",
            )
        )
    return FORMATS[suffix]


# --------------------------------------------------------------------------- many inputs

_MAGIC = frozenset("*?[")


@dataclass(slots=True)
class Inputs:
    """What the paths of ``validate`` name: the files in order, and the problems (one
    message each: a name that is not there, a pattern that matches nothing)."""

    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    found: set[str] = field(default_factory=set)
    """The files that folders and patterns brought (not named one by one)."""

    def add(self, name: str, *, found: bool = False) -> None:
        if name not in self.files:
            self.files.append(name)
            if found:
                self.found.add(name)

    def without(self, output: str) -> None:
        """Leave out a file that folders or patterns brought and that is ``output`` (the
        report of an earlier run written among the inputs)."""
        if output == STDIO:
            return
        self.files = [f for f in self.files if f not in self.found or not same_file(f, output)]


def _is_report(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in FORMATS


def _excluded(relative: str, patterns: Sequence[str]) -> bool:
    """A path matches when the pattern matches it whole or any of its parts."""
    parts = relative.replace(os.sep, "/").split("/")
    for given in patterns:
        pattern = given.rstrip("/")
        if fnmatch.fnmatchcase("/".join(parts), pattern):
            return True
        if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def _walk(folder: str, excludes: Sequence[str]) -> Iterator[str]:
    """The report files under ``folder``, sorted; hidden folders (``.git``) are skipped."""
    found: list[tuple[tuple[str, ...], str]] = []
    for root, dirs, files in os.walk(folder):
        rel_root = os.path.relpath(root, folder)
        rel_root = "" if rel_root == os.curdir else rel_root
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and not _excluded(os.path.join(rel_root, d), excludes)
        ]
        for name in files:
            relative = os.path.join(rel_root, name)
            if _is_report(name) and not _excluded(relative, excludes):
                found.append((tuple(Path(relative).parts), os.path.join(root, name)))
    for _, path in sorted(found):
        yield path


def collect_inputs(paths: Sequence[str], excludes: Sequence[str] = ()) -> Inputs:
    """Files, folders (every ``.xml`` and ``.json`` file in them, recursively, sorted),
    patterns (expanded here too, for shells that leave them: ``*.xml``, ``data/**/*.json``)
    and ``-``. ``excludes`` applies to what folders and patterns bring; a file named
    explicitly is always taken."""
    inputs = Inputs()
    for name in paths:
        if name == STDIO:
            inputs.add(name)
        elif "\0" in name:
            raise UsageError(text("error.nul_name", name=name))
        elif os.path.isdir(name):
            found = list(_walk(name, excludes))
            if not found:
                inputs.problems.append(text("error.no_reports", name=name))
            for path in found:
                inputs.add(path, found=True)
        elif not os.path.lexists(name) and _MAGIC & set(name):
            matches = sorted(glob.glob(name, recursive=True))
            matches = [m for m in matches if not _excluded(m, excludes)]
            files = [m for m in matches if not os.path.isdir(m)]
            for folder in (m for m in matches if os.path.isdir(m)):
                files.extend(_walk(folder, excludes))
            if not files:
                inputs.problems.append(text("error.no_match", pattern=name))
            for path in files:
                inputs.add(path, found=True)
        else:
            inputs.add(name)
    return inputs


# --------------------------------------------------------------------------- unit declaration


class UnitFinder:
    """Finds the unit declaration of a file as ruff finds its configuration: ``sir-enhet.toml``
    in the file's folder, else in the nearest folder above, stopping at the repository's root
    (a folder holding ``.git``) or the file system's root. Answers are kept per folder."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Path | None] = {}

    def for_input(self, name: str) -> Path | None:
        """The declaration of the file ``name`` (for ``-``: of the working folder)."""
        start = Path.cwd() if name == STDIO else Path(os.path.abspath(name)).parent
        return self.for_folder(start)

    def for_folder(self, folder: Path) -> Path | None:
        seen: list[Path] = []
        found: Path | None = None
        current = folder
        while True:
            if current in self._by_folder:
                found = self._by_folder[current]
                break
            seen.append(current)
            candidate = current / UNIT_FILE
            if candidate.is_file():
                found = candidate
                break
            if (current / ".git").exists() or current.parent == current:
                break
            current = current.parent
        for folder_seen in seen:
            self._by_folder[folder_seen] = found
        return found
