"""The ``validate`` and ``rules`` subcommands of ``sir-format``.

Importing this module registers both with :func:`sir_format._cli.register` (the shared
command-line pieces; this module does not import :mod:`sir_format.cli`). The choices of
``--format``, ``--lang`` and ``--profile`` are the constants they mirror.

``sir-format validate PATH... [--exclude GLOB] [--unit sir-enhet.toml | --no-unit]
[--format text|json|sarif|junit] [--lang sv|en] [--profile wellformed|schema|registry]
[--output OUT] [--reveal-identities] [--max-findings N] [--quiet] [--statistics]``
takes files, folders (every ``.xml`` and ``.json`` file in them), patterns and ``-``; finds
each file's ``sir-enhet.toml`` unless told which (or none); exits 0 when no file has a fatal
finding or an error, 1 when any has, and 2 on usage errors or when any path cannot be read
(the other files are still validated and reported; 2 wins over 1).

``sir-format rules [--lang sv|en] [--format text|json] [CODE...]`` lists the rule catalog;
a code may be given short (``R010``, ``x007``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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
    UnitFinder,
    add_lang_argument,
    check_files,
    collect_inputs,
    count_argument,
    error_message,
    os_reason,
    read_input,
    register,
    write_output,
)
from sir_format._cli_texts import current_language, text
from sir_format.errors import InvalidUnitDeclarationError, SirFormatError, UsageError
from sir_format.validation import outputs
from sir_format.validation._base import Severity
from sir_format.validation.catalog import Rule, catalog
from sir_format.validation.outputs import FORMATS
from sir_format.validation.report import ValidationReport
from sir_format.validation.unit import UnitDeclaration
from sir_format.validation.validator import PROFILES, validate

__all__ = [
    "MAX_LISTED",
    "PROGRESS_THRESHOLD",
    "RULES",
    "RULE_FORMATS",
    "VALIDATE",
    "rule_code",
]

PROGRESS_THRESHOLD = 8 * 1024 * 1024
"""Files at least this large show a progress counter when stderr is a terminal."""

MAX_LISTED = 100
"""Default of ``--max-findings``: the most findings listed per file."""

RULE_FORMATS = FORMATS[:2]
"""The output formats of ``sir-format rules``: ``text`` and ``json``."""

_ERRORS = (Severity.FATAL, Severity.ERROR)


# --------------------------------------------------------------------------- validate


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", metavar="PATH", nargs="+", help=text("validate.paths"))
    parser.add_argument(
        "--exclude", metavar="GLOB", action="append", default=[], help=text("validate.exclude")
    )
    unit = parser.add_mutually_exclusive_group()
    unit.add_argument("--unit", metavar="TOML", help=text("validate.unit"))
    unit.add_argument("--no-unit", action="store_true", help=text("validate.no_unit"))
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=FORMATS,
        default="text",
        help=text("validate.format"),
    )
    add_lang_argument(parser)
    parser.add_argument(
        "--color", choices=outputs.COLOR_CHOICES, default="auto", help=text("validate.color")
    )
    parser.add_argument(
        "--profile", choices=tuple(PROFILES), default="registry", help=text("validate.profile")
    )
    parser.add_argument(
        "--output", "-o", metavar="OUT", default=STDIO, help=text("validate.output")
    )
    parser.add_argument("--reveal-identities", action="store_true", help=text("validate.reveal"))
    parser.add_argument(
        "--max-findings",
        metavar="N",
        type=count_argument(),
        default=MAX_LISTED,
        help=text("validate.max_findings"),
    )
    parser.add_argument("--quiet", "-q", action="store_true", help=text("validate.quiet"))
    parser.add_argument("--statistics", action="store_true", help=text("validate.statistics"))


def _progress(name: str, stream: IO[str]) -> Callable[[int], None]:
    def report(count: int) -> None:
        if count % 250 == 0:
            stream.write(text("validate.progress", name=name, count=count))
            stream.flush()

    return report


def _wants_progress(name: str, stream: IO[str]) -> bool:
    if name == STDIO or not getattr(stream, "isatty", lambda: False)():
        return False
    try:
        return os.path.getsize(name) >= PROGRESS_THRESHOLD
    except OSError:
        return False


def _shown_path(path: Path) -> str:
    """A declaration's path as the user would write it: relative below the working folder."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path.as_posix()
    return path.as_posix() if relative.startswith(os.pardir) else Path(relative).as_posix()


@dataclass(slots=True)
class _Units:
    """The unit declaration of each input: the one given, none, or the one found."""

    given: str | None
    disabled: bool
    finder: UnitFinder = field(default_factory=UnitFinder)
    loaded: dict[Path, Any] = field(default_factory=dict)

    def for_input(self, name: str) -> tuple[Any, str | None]:
        """(what ``validate(unit=...)`` takes, the path shown), or ``(None, None)``."""
        if self.disabled:
            return None, None
        path = Path(self.given) if self.given is not None else self.finder.for_input(name)
        if path is None:
            return None, None
        shown = _shown_path(path) if self.given is None else self.given
        if path not in self.loaded:
            self.loaded[path] = self._load(Path(shown))
        return self.loaded[path], shown

    @staticmethod
    def _load(path: Path) -> Any:
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            reason = os_reason(error)
            raise UsageError(text("error.cannot_read_unit", name=path, reason=reason)) from None
        try:
            return UnitDeclaration.load(path)
        except InvalidUnitDeclarationError:
            return path  # each report then carries the SIR-R206 findings
        except SirFormatError as error:  # a SIR-R206 finding, when it has one, in the language
            raise UsageError(error_message(error)) from None


@dataclass(slots=True)
class _Totals:
    """What the summary line and ``--statistics`` count over every file."""

    files: int = 0
    failed: int = 0
    unreadable: int = 0
    episodes: int = 0
    errors: int = 0
    warnings: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    units: set[str] = field(default_factory=set)

    def add(self, report: ValidationReport, unit: str | None) -> None:
        self.files += 1
        self.failed += not report.ok
        self.episodes += len(report.episodes)
        self.errors += len(report.errors)
        self.warnings += len(report.warnings)
        self.codes.update(f.code for f in report.findings)
        if unit is not None:
            self.units.add(unit)

    def summary(self) -> str:
        files = text("summary.files", n=self.files + self.unreadable)
        extra = [
            text(key, n=n)
            for key, n in (
                ("summary.failed", self.failed),
                ("summary.unreadable", self.unreadable),
            )
            if n
        ]
        parts = [f"{files} ({', '.join(extra)})" if extra else files]
        parts += [
            text("summary.episodes", n=self.episodes),
            text("summary.errors", n=self.errors),
            text("summary.warnings", n=self.warnings),
        ]
        if len(self.units) == 1:
            parts.append(text("summary.unit", name=next(iter(self.units))))
        elif self.units:
            parts.append(text("summary.units", n=len(self.units)))
        return text("summary.line", parts=", ".join(parts))

    def statistics(self) -> str:
        if not self.codes:
            return text("statistics.none")
        known = catalog()
        lines = [text("statistics.heading")]
        width = len(str(max(self.codes.values())))
        for code, n in sorted(self.codes.items(), key=lambda item: (-item[1], item[0])):
            rule = known.get(code)
            title = rule.title_in(current_language()) if rule is not None else ""
            lines.append(f"  {n:>{width}}  {code}  {title}".rstrip())
        return "\n".join(lines)


def _failures_only(report: ValidationReport) -> ValidationReport:
    """``--quiet``: only the errors and fatal findings, and no notes of skipped rules."""
    kept = tuple(f for f in report.findings if f.severity in _ERRORS)
    omitted = {
        code: n
        for code, n in report.omitted.items()
        if catalog().get(code) is None or catalog()[code].severity in _ERRORS
    }
    return dataclasses.replace(report, findings=kept, skipped=(), omitted=omitted)


def _listed(report: ValidationReport, limit: int) -> ValidationReport:
    """At most ``limit`` findings (0: all), the most severe first and the earliest among
    equals; the others counted by code in ``omitted`` (shown as "… and N more")."""
    if not limit or len(report.findings) <= limit:
        return report
    order = sorted(range(len(report.findings)), key=lambda i: report.findings[i].severity.rank)
    keep = set(order[:limit])
    kept = tuple(f for i, f in enumerate(report.findings) if i in keep)
    omitted: Counter[str] = Counter(report.omitted)
    omitted.update(f.code for i, f in enumerate(report.findings) if i not in keep)
    episodes = {f.episode_index for f in kept}
    skipped = tuple(
        s for s in report.skipped if s.episode_index is None or s.episode_index in episodes
    )
    return dataclasses.replace(
        report, findings=kept, skipped=skipped, omitted=dict(sorted(omitted.items()))
    )


def _validate_one(name: str, units: _Units, args: argparse.Namespace) -> ValidationReport:
    unit, shown = units.for_input(name)
    if name == STDIO:
        report = validate(
            read_input(name), unit=unit, lang=args.lang, profile=args.profile, max_findings=None
        )
        report = dataclasses.replace(report, source="<stdin>")
    else:
        _check_readable(name)
        progress = _progress(name, sys.stderr) if _wants_progress(name, sys.stderr) else None
        try:
            report = validate(
                Path(name),
                unit=unit,
                lang=args.lang,
                profile=args.profile,
                progress=progress,
                max_findings=None,
            )
        finally:
            if progress is not None:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
    return dataclasses.replace(report, unit=shown)


def _check_readable(name: str) -> None:
    """Fail with the reason in the run's language when a file cannot be opened."""
    try:
        with open(name, "rb"):
            pass
    except OSError as error:
        raise SirFormatError(
            text("error.cannot_read", name=name, reason=os_reason(error))
        ) from None
    if os.path.isdir(name):
        reason = text("os.EISDIR")
        raise SirFormatError(text("error.cannot_read", name=name, reason=reason))


def _complain(message: str) -> None:
    print(f"{PROG}: {text('error.prefix')}: {' '.join(message.split())}", file=sys.stderr)


def _run_validate(args: argparse.Namespace) -> int:
    inputs = collect_inputs(args.paths, args.exclude)
    inputs.without(args.output)
    check_files(inputs.files if args.unit is None else [*inputs.files, args.unit], args.output)
    units = _Units(args.unit, args.no_unit)
    if args.unit is not None:
        units.for_input(STDIO)  # a declaration that cannot be read is a usage error, at once
    totals = _Totals(unreadable=len(inputs.problems))
    for problem in inputs.problems:
        _complain(problem)
    reports: list[ValidationReport] = []
    for name in inputs.files:
        report = _checked(name, units, args, totals)
        if report is not None:
            reports.append(report)
    _finish(reports, totals, args)
    if totals.unreadable:
        return EXIT_USAGE
    return EXIT_INVALID if totals.failed else EXIT_OK


def _checked(
    name: str, units: _Units, args: argparse.Namespace, totals: _Totals
) -> ValidationReport | None:
    """The report of one input as it is to be shown, or ``None`` (unreadable, or passed over
    by ``--quiet``); counted in ``totals`` either way."""
    try:
        report = _validate_one(name, units, args)
    except (SirFormatError, UsageError) as error:
        _complain(str(error))
        totals.unreadable += 1
        return None
    except OSError as error:
        _complain(text("error.cannot_read", name=name, reason=os_reason(error)))
        totals.unreadable += 1
        return None
    totals.add(report, report.unit)
    if args.quiet:
        if report.ok:
            return None
        report = _failures_only(report)
    return _listed(report, args.max_findings)


def _finish(
    reports: Sequence[ValidationReport], totals: _Totals, args: argparse.Namespace
) -> None:
    """The report in its format. The statistics and the summary line end a text report; beside
    the other formats (whose output stays one parseable document) they go to stderr."""
    extra: list[str] = []
    if args.statistics:
        extra.append(totals.statistics())
    if not args.quiet:
        extra.append(totals.summary())
    tail = "".join(line + "\n" for line in extra)
    text_format = args.output_format == "text"
    data = b""
    if reports or not text_format:
        stream = sys.stdout if args.output == STDIO else None
        data = outputs.render(
            reports,
            args.output_format,
            lang=args.lang,
            reveal_identities=args.reveal_identities,
            color=outputs.use_color(args.color, stream),
        )
    if text_format:
        data += tail.encode("utf-8")
    if data or args.output != STDIO:
        write_output(args.output, data)
    if not text_format and tail:
        sys.stderr.write(tail)


# --------------------------------------------------------------------------- rules

_SHORT_CODE = re.compile(r"[RX]\d{3}")


def rule_code(given: str) -> str:
    """The catalog code a user means: ``SIR-R010`` from ``R010``, ``r010`` or ``sir-r010``."""
    code = given.strip().upper()
    return f"SIR-{code}" if _SHORT_CODE.fullmatch(code) else code


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("codes", metavar="CODE", nargs="*", help=text("rules.codes"))
    add_lang_argument(parser, "rules.lang")
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=RULE_FORMATS,
        default="text",
        help=text("rules.format"),
    )


def _run_rules(args: argparse.Namespace) -> int:
    known = catalog()
    codes = [rule_code(code) for code in args.codes]
    missing = [given for given, code in zip(args.codes, codes, strict=True) if code not in known]
    if missing:
        raise UsageError(text("error.unknown_rules", codes=", ".join(missing)))
    chosen: list[Rule] = [known[code] for code in codes] if codes else list(known.values())
    lang = args.lang
    if args.output_format == "json":
        text_out = json.dumps(
            [_rule_dict(rule, lang) for rule in chosen], ensure_ascii=False, indent=2
        )
        text_out += "\n"
    elif codes:
        text_out = "\n".join(_rule_detail(rule, lang) for rule in chosen)
    else:
        text_out = "".join(
            f"{rule.code}  {'/'.join(s.value for s in rule.severities):<13} "
            f"{rule.layer.value:<10} {rule.title_in(lang)}\n"
            for rule in chosen
        )
    write_output(STDIO, text_out.encode("utf-8"))
    return EXIT_OK


def _rule_dict(rule: Rule, lang: str) -> dict[str, Any]:
    return {
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


def _rule_detail(rule: Rule, lang: str) -> str:
    severities = "/".join(s.value for s in rule.severities)
    lines = [
        f"{rule.code}  {rule.title_in(lang)}",
        f"  {text('rules.severity', lang)}: {severities}; "
        f"{text('rules.layer', lang)}: {rule.layer.value}",
    ]
    if rule.fields:
        lines.append(f"  {text('rules.fields', lang)}: {', '.join(rule.fields)}")
    if rule.check:
        lines.append(f"  {text('rules.check', lang)}: {rule.check}")
    if rule.variants:
        lines.extend(f"  {v.key}: {rule.template(lang, v.key)}" for v in rule.variants)
    else:
        lines.append(f"  {text('rules.message', lang)}: {rule.template(lang)}")
    return "\n".join(lines) + "\n"


VALIDATE = Subcommand("validate", "validate.help", _validate_arguments, _run_validate)
RULES = Subcommand("rules", "rules.help", _rules_arguments, _run_rules)


def _register(commands: Iterable[Subcommand]) -> None:
    for command in commands:
        if not any(existing.name == command.name for existing in SUBCOMMANDS):
            register(command)


_register((VALIDATE, RULES))
