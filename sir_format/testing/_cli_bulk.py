"""``sir-format testdata bulk``: a large, realistic report file from a seed.

The work is :mod:`sir_format.testing.bulk`'s; this module reads the arguments, shows a progress
bar on stderr (only when stderr is a terminal, and not with ``--quiet``) and says what it wrote.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO

from sir_format import _cli
from sir_format._cli import STDIO, Subcommand
from sir_format._cli_texts import text
from sir_format.domain import personnummer, samordningsnummer
from sir_format.errors import SirFormatError, UsageError
from sir_format.metadata import model_info
from sir_format.models import SIRData
from sir_format.testing import bulk
from sir_format.testing._identity import KINDS as IDENTITY_KINDS
from sir_format.testing._identity import IdentitySource
from sir_format.testing.cli import add_action

__all__ = ["ProgressBar", "run"]

_BAR_WIDTH = 30
_EPISODE_LIMIT = model_info(SIRData).by_py["vardtillfalle"].max_occurs
"""The schema's limit on episodes in one file (5,000)."""


def _episodes(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(text("error.episodes", value=value))
    return number


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(text("error.integer", value=value)) from None


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(text("error.date", value=value)) from None


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output", metavar="OUT", help=text("bulk.output"))
    parser.add_argument(
        "--episodes", type=_episodes, required=True, metavar="N", help=text("bulk.episodes")
    )
    parser.add_argument(
        "--seed", type=_integer, required=True, metavar="S", help=text("bulk.seed")
    )
    parser.add_argument("--format", choices=bulk.FORMATS, help=text("bulk.format"))
    parser.add_argument("--kind", choices=bulk.KINDS, default="icu", help=text("bulk.kind"))
    parser.add_argument(
        "--identity",
        default=IDENTITY_KINDS[0],
        metavar="ID",
        help=text("bulk.identity"),
    )
    parser.add_argument("--start", type=_date, metavar="DATE", help=text("bulk.start"))
    parser.add_argument("--end", type=_date, metavar="DATE", help=text("bulk.end"))
    parser.add_argument("-q", "--quiet", action="store_true", help=text("bulk.quiet"))
    _cli.add_lang_argument(parser)


def _identity(value: str) -> IdentitySource:
    """A kind of number, or the numbers of a file (one a line; ``#`` starts a comment)."""
    if value in IDENTITY_KINDS:
        return value
    numbers: list[str] = []
    lines = Path(value).read_text(encoding="utf-8-sig").splitlines()
    for line_number, line in enumerate(lines, start=1):
        number = personnummer.compact(line.partition("#")[0])
        if not number:
            continue
        if not (personnummer.is_valid(number) or samordningsnummer.is_valid(number)):
            raise UsageError(text("bulk.not_a_number", name=value, line=line_number))
        numbers.append(number)
    if not numbers:
        raise UsageError(text("bulk.no_numbers", name=value))
    return numbers


def _format(args: argparse.Namespace) -> bulk.Format:
    if args.format is not None:
        return args.format  # type: ignore[no-any-return]
    if args.output == STDIO:
        return "xml"
    chosen = _cli.FORMATS.get(Path(args.output).suffix.lower())
    if chosen is None:
        known = ", ".join(_cli.FORMATS)
        raise UsageError(text("bulk.unknown_extension", name=args.output, known=known))
    return chosen  # type: ignore[return-value]


_WINDOW_TEXTS = {
    "earliest": "bulk.earliest",
    "ima_start": "bulk.ima_start",
    "end_before_start": "bulk.end_before_start",
}


def _check_dates(args: argparse.Namespace) -> None:
    first, last = bulk.dates(args.kind, args.start, args.end)
    problem = bulk.window_problem(args.kind, first, last)
    if problem is not None:
        key, day = problem
        reason = text(_WINDOW_TEXTS[key], date=day.isoformat() if day else "")
        raise UsageError(text("bulk.bad_range", reason=reason))


class ProgressBar:
    """A one-line progress bar, redrawn in place (``\\r``) when the shown percentage changes."""

    def __init__(self, stream: IO[str], label: str) -> None:
        self.stream = stream
        self.label = label
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.shown:
            return
        self.shown = percent
        filled = _BAR_WIDTH * percent // 100
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d} % {done}/{total}")
        self.stream.flush()

    def close(self) -> None:
        """End the line, if anything was drawn."""
        if self.shown >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _bar(args: argparse.Namespace, key: str) -> ProgressBar | None:
    if args.quiet or not sys.stderr.isatty():
        return None
    return ProgressBar(sys.stderr, text(key))


def _build(args: argparse.Namespace, identity: IdentitySource) -> SIRData:
    bar = _bar(args, "bulk.building")
    try:
        return bulk.generate(
            args.episodes,
            args.seed,
            kind=args.kind,
            identity=identity,
            start=args.start,
            end=args.end,
            progress=bar,
        )
    except SirFormatError as error:
        if str(error) != bulk.TOO_FEW_NUMBERS or isinstance(identity, str):
            raise
        raise UsageError(text("bulk.too_few", n=len(identity), episodes=args.episodes)) from None
    finally:
        if bar is not None:
            bar.close()


def _write(args: argparse.Namespace, report: SIRData, chosen: bulk.Format) -> int:
    bar = _bar(args, "bulk.writing")
    progress: Callable[[int, int], None] | None = bar
    try:
        if args.output == STDIO:
            size = bulk.write(report, sys.stdout.buffer, format=chosen, progress=progress)
            sys.stdout.buffer.flush()
            return size
        return bulk.write(report, args.output, format=chosen, progress=progress)
    finally:
        if bar is not None:
            bar.close()


def run(args: argparse.Namespace) -> int:
    """Write the file; the exit code."""
    if args.output != STDIO:
        _cli.check_files([], args.output)
    chosen = _format(args)
    _check_dates(args)
    identity = _identity(args.identity)
    report = _build(args, identity)
    size = _write(args, report, chosen)
    if not args.quiet:
        name = args.output
        megabytes = f"{size / 1e6:.1f}"
        print(text("bulk.done", name=name, n=args.episodes, size=megabytes), file=sys.stderr)
        if _EPISODE_LIMIT is not None and args.episodes > _EPISODE_LIMIT:
            print(text("bulk.above_limit", limit=_EPISODE_LIMIT), file=sys.stderr)
    return _cli.EXIT_OK


add_action(Subcommand("bulk", "bulk.help", _arguments, run))
