"""The ``sir-format`` command line.

Subcommands are plain data: a :class:`Subcommand` names the command, a function that adds its
arguments and a function that runs it. Adding one is a matter of writing those two functions and
calling :func:`register` at import time of a module listed in ``EXTENSIONS``::

    def _validate_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("files", nargs="+")

    def _run_validate(args: argparse.Namespace) -> int:
        ...
        return 0

    register(Subcommand("validate", "check report files", _validate_arguments, _run_validate))

Exit codes: 0 success, 1 invalid input (any :class:`~sir_format.errors.SirFormatError`),
2 usage errors and files that cannot be read or written, 3 an internal error (a bug: rerun
with ``--debug`` for the traceback). Errors are one line on stderr, in the run's language
(Swedish unless ``--lang en`` or ``SIR_FORMAT_LANG=en``; see :mod:`sir_format._cli_texts`).
The codec is imported inside the commands that use it; an extension that fails to import is
an internal error (exit 3).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from importlib import metadata, resources
from typing import Any

from sir_format import _cli
from sir_format._cli import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    FORMAT_CHOICES,
    PROG,
    STDIO,
    SUBCOMMANDS,
    Parser,
    Subcommand,
    check_files,
    error_message,
    format_of,
    os_reason,
    read_input,
    register,
    write_output,
)
from sir_format._cli_texts import ENV_LANG, LANGUAGES, choose_language, language, text
from sir_format.errors import SirFormatError, UsageError

__all__ = ["SUBCOMMANDS", "Subcommand", "UsageError", "build_parser", "main", "register"]

XSD_RESOURCE = "SIRDataVer52.xsd"

EXTENSIONS: tuple[str, ...] = (
    "sir_format.validation.cli",
    "sir_format.testing.cli",
    "sir_format.testing._cli_anonymize",
)
"""Modules that register further subcommands when imported (loaded by :func:`build_parser`)."""


def _version() -> str:
    try:
        return metadata.version("sir-format")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand (extensions loaded first), its
    texts in the current language."""
    for module in EXTENSIONS:
        importlib.import_module(module)
    parser = Parser(prog=PROG, description=text("prog.description"))
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {_version()}", help=text("prog.version")
    )
    parser.add_argument("--debug", action="store_true", help=text("prog.debug"))
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=text("prog.lang", env=ENV_LANG),
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, title=text("prog.commands")
    )
    for command in sorted(_cli.SUBCOMMANDS, key=_listing_order):
        line = command.help_text()
        child = sub.add_parser(command.name, help=line, description=line)
        command.arguments(child)
        child.set_defaults(run=command.run)
    return parser


_FIRST = ("validate", "rules", "convert", "schema")
"""The commands ``--help`` lists first, the most used first; the others follow as registered."""


def _listing_order(command: Subcommand) -> int:
    return _FIRST.index(command.name) if command.name in _FIRST else len(_FIRST)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: {text('error.prefix')}: {_one_line(message)}", file=sys.stderr)
    return code


def _os_message(error: OSError) -> str:
    reason = os_reason(error)
    return f"{error.filename}: {reason}" if error.filename else reason


def _silence_stdout() -> None:
    """Point stdout at the null device so that the exit flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
        pass


def main(argv: list[str] | None = None) -> int:
    """Run ``sir-format`` on ``argv`` (default: the process arguments); return the exit code."""
    arguments = sys.argv[1:] if argv is None else argv
    try:
        lang = choose_language(arguments, os.environ)
    except ValueError as error:
        return _fail(str(error), EXIT_USAGE)
    with language(lang):
        return _main(arguments)


def _main(argv: list[str]) -> int:
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else EXIT_OK
    except UsageError as error:
        return _fail(str(error), EXIT_USAGE)
    except SirFormatError as error:
        return _fail(error_message(error), EXIT_INVALID)
    except BrokenPipeError:  # the reader of stdout went away: nothing left to tell
        _silence_stdout()
        return EXIT_USAGE
    except OSError as error:
        return _fail(_os_message(error), EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail(text("error.interrupted"), 130)
    except Exception as error:
        if args is not None and args.debug:
            raise
        message = text("error.internal", kind=type(error).__name__, detail=error)
        return _fail(message, EXIT_INTERNAL)


# --- convert -------------------------------------------------------------------------------


def _convert_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help=text("convert.input"))
    parser.add_argument("output", metavar="OUT", help=text("convert.output"))
    choices = FORMAT_CHOICES
    parser.add_argument("--from", dest="source_format", choices=choices, help=text("convert.from"))
    parser.add_argument("--to", dest="target_format", choices=choices, help=text("convert.to"))
    parser.add_argument("--pretty", action="store_true", help=text("convert.pretty"))
    _cli.add_lang_argument(parser)


def _run_convert(args: argparse.Namespace) -> int:
    import sir_format

    check_files([args.input], args.output)
    source = format_of(args.input, args.source_format, "input")
    target = format_of(args.output, args.target_format, "output")
    if target is None:
        raise UsageError(text("error.stdout_needs_to"))
    data = read_input(args.input)
    if source is None:
        source = _detect(data)
    report: Any = sir_format.from_xml(data) if source == "xml" else sir_format.from_json(data)
    if target == "xml":
        result = sir_format.to_xml(report)
    else:
        result = sir_format.to_json(report, pretty=args.pretty)
    write_output(args.output, result)
    return EXIT_OK


def _detect(data: bytes) -> str:
    import sir_format

    try:
        return sir_format.detect_format(data)
    except SirFormatError as error:
        if error.finding is not None:
            raise
        raise SirFormatError(text("error.unknown_content")) from None


# --- schema --------------------------------------------------------------------------------


def _schema_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--xsd", action="store_true", help=text("schema.xsd"))
    which.add_argument("--json", action="store_true", help=text("schema.json"))
    _cli.add_lang_argument(parser)


def _run_schema(args: argparse.Namespace) -> int:
    if args.xsd:
        data = (resources.files("sir_format") / "schemas" / XSD_RESOURCE).read_bytes()
    else:
        from sir_format.jsonschema import schema_text

        data = schema_text().encode("utf-8")
    write_output(STDIO, data)
    return EXIT_OK


# --- completion ----------------------------------------------------------------------------


def _completion_arguments(parser: argparse.ArgumentParser) -> None:
    from sir_format._completion import SHELLS

    parser.add_argument("shell", choices=SHELLS, help=text("completion.shell"))
    _cli.add_lang_argument(parser)


def _run_completion(args: argparse.Namespace) -> int:
    from sir_format._completion import script

    write_output(STDIO, script(args.shell, build_parser()).encode("utf-8"))
    return EXIT_OK


register(Subcommand("convert", "convert.help", _convert_arguments, _run_convert))
register(Subcommand("schema", "schema.help", _schema_arguments, _run_schema))
register(Subcommand("completion", "completion.help", _completion_arguments, _run_completion))
