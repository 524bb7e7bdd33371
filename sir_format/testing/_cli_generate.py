"""``sir-format testdata generate``: a seeded corpus of valid and invalid reports.

The corpus is written by :func:`sir_format.testing.corpus.write_corpus`, which needs
Hypothesis; this module imports it only when the action runs, so that the parser of
``sir-format`` is built without Hypothesis installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sir_format import _cli
from sir_format._cli import EXIT_OK, Subcommand, count_argument
from sir_format._cli_texts import text
from sir_format.errors import UsageError
from sir_format.models import Vardtyp
from sir_format.testing._identity import KINDS
from sir_format.testing.cli import add_action

__all__ = ["FORMATS"]

FORMATS: tuple[str, ...] = ("xml", "json")
"""The formats ``--format`` accepts (a comma-separated list of them)."""


def _seed(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(text("generate.bad_seed", value=value)) from None


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip() for part in value.split(",")))
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            text("generate.bad_format", value=value, choices=", ".join(FORMATS))
        )
    return chosen


def _defects(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--valid", metavar="N", type=count_argument(), default=0, help=text("generate.valid")
    )
    parser.add_argument(
        "--invalid", metavar="M", type=count_argument(), default=0, help=text("generate.invalid")
    )
    parser.add_argument(
        "--defects",
        metavar="CODE[,CODE...]",
        type=_defects,
        action="extend",
        help=text("generate.defects"),
    )
    parser.add_argument(
        "--format",
        metavar="xml,json",
        type=_formats,
        default=FORMATS[0],
        help=text("generate.format"),
    )
    parser.add_argument(
        "--vardtyp", choices=[v.value for v in Vardtyp], help=text("generate.vardtyp")
    )
    parser.add_argument("--unit", metavar="FILE", help=text("generate.unit"))
    parser.add_argument(
        "--identity",
        metavar="|".join((*KINDS, "FILE")),
        default=KINDS[0],
        help=text("generate.identity"),
    )
    parser.add_argument(
        "--reveal-identities", action="store_true", help=text("generate.reveal_identities")
    )
    parser.add_argument(
        "--seed", metavar="S", type=_seed, required=True, help=text("generate.seed")
    )
    parser.add_argument("--out", metavar="DIR", required=True, help=text("generate.out"))
    _cli.add_lang_argument(parser)


def _identity(value: str) -> Any:
    if value in KINDS:
        return value
    numbers = []
    for line in Path(value).read_text(encoding="utf-8").splitlines():
        number = line.split("#", 1)[0].strip()
        if number:
            numbers.append(number)
    return numbers


def _run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(text("generate.out_not_empty", out=args.out))
    if args.valid + args.invalid == 0:
        raise UsageError(text("generate.nothing"))
    identity = _identity(args.identity)
    try:
        from sir_format.testing.corpus import write_corpus
    except ImportError as exc:
        if exc.name != "hypothesis":
            raise
        raise UsageError(text("generate.needs_hypothesis")) from None
    unit = None
    if args.unit is not None:
        from sir_format.validation.unit import UnitDeclaration

        unit = UnitDeclaration.load(args.unit)
    try:
        corpus = write_corpus(
            out,
            valid=args.valid,
            invalid=args.invalid,
            seed=args.seed,
            formats=args.format,
            defects=args.defects,
            vardtyp=args.vardtyp,
            unit=unit,
            identity=identity,
            reveal_identities=args.reveal_identities,
        )
    except ValueError as error:
        raise UsageError(text("generate.refused", reason=error)) from None
    print(text("generate.done", n=len(corpus.files), out=args.out), file=sys.stderr)
    return EXIT_OK


add_action(Subcommand("generate", "generate.help", _arguments, _run))
