"""``sir-format anonymize IN OUT``: an anonymised copy of a report file.

The key comes from ``--key``, ``--key-file`` or the environment variable
:data:`~sir_format.testing._anonymize.ENV_KEY`, so that it need not appear in the shell's
history. Exit codes: 0 the copy is written; 1 the input cannot be read or cannot be
anonymised with the same findings (nothing is written); 2 usage errors (no key, a short key,
a bad option) and files that cannot be read or written.
"""

from __future__ import annotations

import argparse
import os
import sys

from sir_format import _cli
from sir_format._cli import EXIT_OK, FORMATS, STDIO, Subcommand
from sir_format._cli_texts import text
from sir_format.errors import UsageError
from sir_format.testing._anonymize import ENV_KEY as _ENV_KEY
from sir_format.testing._anonymize import MAX_SHIFT_DAYS as _MAX_SHIFT_DAYS
from sir_format.testing._anonymize import MIN_KEY_LENGTH as _MIN_KEY_LENGTH
from sir_format.testing._anonymize import anonymize_report

__all__: list[str] = []


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help=text("anonymize.input"))
    parser.add_argument("output", metavar="OUT", help=text("anonymize.output"))
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--key",
        metavar="K",
        help=text("anonymize.key", length=_MIN_KEY_LENGTH, env=_ENV_KEY),
    )
    source.add_argument("--key-file", metavar="FILE", help=text("anonymize.key_file"))
    parser.add_argument(
        "--shift-birth-date", action="store_true", help=text("anonymize.shift_birth_date")
    )
    parser.add_argument("--change-sex", action="store_true", help=text("anonymize.change_sex"))
    parser.add_argument("--shift-dates", action="store_true", help=text("anonymize.shift_dates"))
    parser.add_argument(
        "--max-shift-days",
        type=_cli.count_argument(1),
        default=_MAX_SHIFT_DAYS,
        metavar="N",
        help=text("anonymize.max_shift_days"),
    )
    parser.add_argument(
        "--replace-free-text", action="store_true", help=text("anonymize.replace_free_text")
    )
    parser.add_argument("--unit", metavar="FILE", help=text("anonymize.unit"))
    parser.add_argument("--write-mapping", metavar="FILE", help=text("anonymize.write_mapping"))
    _cli.add_lang_argument(parser)


def _key(args: argparse.Namespace) -> bytes:
    key: bytes
    if args.key is not None:
        key = str(args.key).encode("utf-8")
    elif args.key_file is not None:
        key = _cli.read_input(args.key_file).rstrip(b"\r\n")
    elif os.environ.get(_ENV_KEY):
        key = os.environ[_ENV_KEY].encode("utf-8")
    else:
        raise UsageError(text("anonymize.no_key", env=_ENV_KEY))
    if len(key.strip()) < _MIN_KEY_LENGTH:
        raise UsageError(text("anonymize.short_key", length=_MIN_KEY_LENGTH))
    return key


def _check_output_format(name: str, source: str) -> None:
    if name == STDIO:
        return
    target = FORMATS.get(os.path.splitext(name)[1].lower())
    if target is not None and target != source:
        raise UsageError(
            text("anonymize.format_mismatch", source=source, name=name, target=target)
        )


def _run(args: argparse.Namespace) -> int:
    from sir_format import codec
    from sir_format.validation.unit import UnitDeclaration

    outputs = [args.output] + ([args.write_mapping] if args.write_mapping else [])
    for output in outputs:
        _cli.check_files([args.input], output)
    if args.write_mapping:
        _cli.check_files([args.output], args.write_mapping)
    key = _key(args)
    unit = UnitDeclaration.load(args.unit) if args.unit else None
    data = _cli.read_input(args.input)
    source = codec.detect_format(data)
    _check_output_format(args.output, source)
    report = codec.from_xml(data) if source == "xml" else codec.from_json(data)
    result = anonymize_report(
        report,
        key=key,
        keep_birth_date=not args.shift_birth_date,
        keep_sex=not args.change_sex,
        shift_dates=args.shift_dates,
        replace_free_text=args.replace_free_text,
        unit=unit,
        max_shift_days=args.max_shift_days,
    )
    copy = result.report
    _cli.write_output(args.output, codec.to_xml(copy) if source == "xml" else codec.to_json(copy))
    if args.write_mapping:
        _cli.write_output(args.write_mapping, result.mapping_json())
    if result.unshifted:
        print(text("anonymize.unshifted", count=result.unshifted), file=sys.stderr)
    return EXIT_OK


_cli.register(Subcommand("anonymize", "anonymize.help", _arguments, _run))
