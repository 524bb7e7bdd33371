"""``sir-format testdata coverage``: which catalog codes the invalid reports reach.

Prints :func:`sir_format.testing._coverage.coverage` as a text table, a Markdown table or JSON,
in Swedish or English. Exits with 1 when a code is neither covered nor explained.
"""

from __future__ import annotations

import argparse
import json

from sir_format._cli import EXIT_OK, STDIO, Subcommand, add_lang_argument, write_output
from sir_format._cli_texts import language, text
from sir_format.errors import UsageError
from sir_format.testing._coverage import CoverageRow, coverage
from sir_format.testing.cli import add_action

__all__ = ["COVERAGE", "FORMATS"]

FORMATS = ("text", "markdown", "json")
"""Output formats of ``testdata coverage``."""

EXIT_GAPS = 1
"""Exit code when a catalog code is neither covered by a defect nor listed with a reason."""


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_lang_argument(parser, "coverage.lang")
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=FORMATS,
        default="text",
        help=text("coverage.format"),
    )


def _how(row: CoverageRow, lang: str) -> str:
    """The defects that cover the code, or why none does."""
    if row.defects:
        return ", ".join(row.defects)
    if row.reason is not None:
        reason = row.reason.sv if lang == "sv" else row.reason.en
        return text("coverage.not_generatable", reason=reason)
    return text("coverage.gap")


def _severities(row: CoverageRow) -> str:
    return "/".join(s.value for s in row.severities)


def _title(row: CoverageRow, lang: str) -> str:
    return row.title.sv if lang == "sv" else row.title.en


def _text(rows: tuple[CoverageRow, ...], lang: str) -> str:
    return "".join(
        f"{row.code}  {row.layer.value:<10} {_severities(row):<13} {_title(row, lang)}\n"
        f"          {_how(row, lang)}\n"
        for row in rows
    )


def _markdown(rows: tuple[CoverageRow, ...], lang: str) -> str:
    head = [
        text("coverage.column.code"),
        text("coverage.column.layer"),
        text("coverage.column.severity"),
        text("coverage.column.title"),
        text("coverage.column.how"),
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in rows:
        cells = [row.code, row.layer.value, _severities(row), _title(row, lang), _how(row, lang)]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _json(rows: tuple[CoverageRow, ...], lang: str) -> str:
    data = [
        {
            "code": row.code,
            "layer": row.layer.value,
            "severities": [s.value for s in row.severities],
            "title": _title(row, lang),
            "status": row.status,
            "defects": list(row.defects),
            "reason": None if row.reason is None else _how(row, lang),
        }
        for row in rows
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _summary(rows: tuple[CoverageRow, ...]) -> str:
    statuses = [row.status for row in rows]
    return text(
        "coverage.summary",
        total=len(rows),
        covered=statuses.count("covered"),
        listed=statuses.count("not-generatable"),
        gaps=statuses.count("gap"),
    )


def _run(args: argparse.Namespace) -> int:
    try:
        rows = coverage()
    except ImportError as exc:  # the registry and unit defects draw with Hypothesis
        if exc.name != "hypothesis":
            raise
        raise UsageError(text("coverage.needs_hypothesis")) from None
    lang = args.lang
    with language(lang):
        if args.output_format == "json":
            out = _json(rows, lang)
        elif args.output_format == "markdown":
            out = _markdown(rows, lang) + "\n" + _summary(rows) + "\n"
        else:
            out = _text(rows, lang) + "\n" + _summary(rows) + "\n"
    write_output(STDIO, out.encode("utf-8"))
    return EXIT_GAPS if any(row.status == "gap" for row in rows) else EXIT_OK


COVERAGE = add_action(Subcommand("coverage", "coverage.help", _arguments, _run))
