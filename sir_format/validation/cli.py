"""The ``validate`` and ``rules`` subcommands of ``sir-format``.

Importing this module registers both with :func:`sir_format._cli.register` (the shared
command-line pieces; this module does not import :mod:`sir_format.cli`). The choices of
``--format``, ``--lang`` and ``--profile`` are the constants they mirror.

``sir-format validate FILE... [--unit sir-enhet.toml] [--format text|json|sarif|junit]
[--lang sv|en] [--profile wellformed|schema|registry] [--output OUT] [--reveal-identities]
[--max-findings N]``
exits 0 when no file has a fatal finding or an error, 1 when any has, and 2 on usage errors
or files that cannot be read (the other files are still validated and reported).

``sir-format rules [--lang sv|en] [--format text|json] [CODE...]`` lists the rule catalog.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sir_format._cli import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    STDIO,
    SUBCOMMANDS,
    Subcommand,
    check_files,
    read_input,
    register,
    write_output,
)
from sir_format.errors import InvalidUnitDeclarationError, SirFormatError, UsageError
from sir_format.validation import outputs
from sir_format.validation.catalog import LANGUAGES, Rule, catalog
from sir_format.validation.outputs import FORMATS
from sir_format.validation.report import ValidationReport
from sir_format.validation.unit import UnitDeclaration
from sir_format.validation.validator import MAX_FINDINGS, PROFILES, validate

__all__ = ["PROGRESS_THRESHOLD", "RULES", "RULE_FORMATS", "VALIDATE"]

PROGRESS_THRESHOLD = 8 * 1024 * 1024
"""Files at least this large show a progress counter when stderr is a terminal."""

RULE_FORMATS = FORMATS[:2]
"""The output formats of ``sir-format rules``: ``text`` and ``json``."""


# --------------------------------------------------------------------------- validate


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", metavar="FILE", nargs="+", help="report files (.xml or .json), or - for stdin"
    )
    parser.add_argument(
        "--unit", metavar="TOML", help="the unit declaration (sir-enhet.toml): adds SIR-R2nn"
    )
    parser.add_argument(
        "--format", dest="output_format", choices=FORMATS, default="text", help="output format"
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="sv", help="message language")
    parser.add_argument(
        "--color",
        choices=outputs.COLOR_CHOICES,
        default="auto",
        help="colour the text output (default auto: on a terminal, unless NO_COLOR is set)",
    )
    parser.add_argument(
        "--profile",
        choices=tuple(PROFILES),
        default="registry",
        help="layers to run (default: all)",
    )
    parser.add_argument(
        "--output", "-o", metavar="OUT", default=STDIO, help="write the report here (default: -)"
    )
    parser.add_argument(
        "--reveal-identities",
        action="store_true",
        help="show identity numbers unmasked (they are masked by default)",
    )
    parser.add_argument(
        "--max-findings",
        metavar="N",
        type=_count,
        default=MAX_FINDINGS,
        help=f"list at most N findings per file, count the rest (default {MAX_FINDINGS}; 0: all)",
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a count >= 0, got {text!r}")
    return value


def _progress(name: str, stream: IO[str]) -> Callable[[int], None]:
    def report(count: int) -> None:
        if count % 250 == 0:
            stream.write(f"\r{name}: {count} episodes")
            stream.flush()

    return report


def _wants_progress(name: str, stream: IO[str]) -> bool:
    if name == STDIO or not getattr(stream, "isatty", lambda: False)():
        return False
    try:
        return os.path.getsize(name) >= PROGRESS_THRESHOLD
    except OSError:
        return False


def _run_validate(args: argparse.Namespace) -> int:
    check_files(args.files if args.unit is None else [*args.files, args.unit], args.output)
    unit: Any = None
    if args.unit is not None:
        try:
            unit = UnitDeclaration.load(args.unit)
        except InvalidUnitDeclarationError:
            unit = Path(args.unit)  # each report then carries the SIR-R206 findings
        except SirFormatError as error:
            raise UsageError(str(error)) from None
    reports: list[ValidationReport] = []
    unreadable = False
    for name in args.files:
        progress = _progress(name, sys.stderr) if _wants_progress(name, sys.stderr) else None
        try:
            if name == STDIO:
                report = validate(
                    read_input(name),
                    unit=unit,
                    lang=args.lang,
                    profile=args.profile,
                    max_findings=args.max_findings,
                )
                report = dataclasses.replace(report, source="<stdin>")
            else:
                report = validate(
                    Path(name),
                    unit=unit,
                    lang=args.lang,
                    profile=args.profile,
                    progress=progress,
                    max_findings=args.max_findings,
                )
        except (SirFormatError, OSError) as error:
            print(f"{PROG}: error: {' '.join(str(error).split())}", file=sys.stderr)
            unreadable = True
            continue
        finally:
            if progress is not None:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
        reports.append(report)
    stream = sys.stdout if args.output == STDIO else None
    data = outputs.render(
        reports,
        args.output_format,
        lang=args.lang,
        reveal_identities=args.reveal_identities,
        color=outputs.use_color(args.color, stream),
    )
    write_output(args.output, data)
    if unreadable:
        return EXIT_USAGE
    return EXIT_OK if all(r.ok for r in reports) else EXIT_INVALID


# --------------------------------------------------------------------------- rules


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("codes", metavar="CODE", nargs="*", help="show these rules in full")
    parser.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of the texts")
    parser.add_argument("--format", dest="output_format", choices=RULE_FORMATS, default="text")


def _run_rules(args: argparse.Namespace) -> int:
    known = catalog()
    missing = [code for code in args.codes if code.upper() not in known]
    if missing:
        raise UsageError(f"unknown rule code(s): {', '.join(missing)}")
    chosen: list[Rule] = (
        [known[code.upper()] for code in args.codes] if args.codes else list(known.values())
    )
    lang = args.lang
    if args.output_format == "json":
        data = [
            {
                "code": rule.code,
                "severity": rule.severity.value,
                "severities": [s.value for s in rule.severities],
                "layer": rule.layer.value,
                "section": rule.section,
                "group": rule.group.sv if lang == "sv" else rule.group.en,
                "title": rule.title_in(lang),
                "message": rule.template(lang),
                "variants": {v.key: rule.template(lang, v.key) for v in rule.variants},
                "fields": list(rule.fields),
                "check": rule.check,
            }
            for rule in chosen
        ]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif args.codes:
        text = "\n".join(_rule_detail(rule, lang) for rule in chosen)
    else:
        text = "".join(
            f"{rule.code}  {'/'.join(s.value for s in rule.severities):<13} "
            f"{rule.layer.value:<10} {rule.title_in(lang)}\n"
            for rule in chosen
        )
    write_output(STDIO, text.encode("utf-8"))
    return EXIT_OK


def _rule_detail(rule: Rule, lang: str) -> str:
    lines = [
        f"{rule.code}  {rule.title_in(lang)}",
        f"  severity: {'/'.join(s.value for s in rule.severities)}; layer: {rule.layer.value}",
    ]
    if rule.fields:
        lines.append(f"  fields: {', '.join(rule.fields)}")
    if rule.check:
        lines.append(f"  check: {rule.check}")
    if rule.variants:
        lines.extend(f"  {v.key}: {rule.template(lang, v.key)}" for v in rule.variants)
    else:
        lines.append(f"  message: {rule.template(lang)}")
    return "\n".join(lines) + "\n"


VALIDATE = Subcommand(
    "validate",
    "check report files (schema and registry rules)",
    _validate_arguments,
    _run_validate,
)
RULES = Subcommand("rules", "list the validation rules", _rules_arguments, _run_rules)

for _command in (VALIDATE, RULES):
    if not any(existing.name == _command.name for existing in SUBCOMMANDS):
        register(_command)
