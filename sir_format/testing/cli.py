"""``sir-format testdata ACTION``: test data from the command line.

Each action is a :class:`~sir_format._cli.Subcommand` registered in :data:`ACTIONS` by a module
listed in :data:`ACTION_MODULES`, imported when the parser is built.
"""

from __future__ import annotations

import argparse
import importlib

from sir_format import _cli
from sir_format._cli import Subcommand
from sir_format._cli_texts import text

__all__ = ["ACTIONS", "ACTION_MODULES", "add_action"]

ACTION_MODULES: tuple[str, ...] = (
    "sir_format.testing._cli_coverage",
    "sir_format.testing._cli_generate",
    "sir_format.testing._cli_bulk",
)
"""Modules that register ``testdata`` actions when imported."""

ACTIONS: list[Subcommand] = []
"""Registered ``testdata`` actions, in the order ``--help`` lists them."""


def add_action(action: Subcommand) -> Subcommand:
    """Add a ``testdata`` action (its name must be new) and return it."""
    if any(existing.name == action.name for existing in ACTIONS):
        raise ValueError(f"testdata action {action.name!r} is already registered")
    ACTIONS.append(action)
    return action


def _arguments(parser: argparse.ArgumentParser) -> None:
    for module in ACTION_MODULES:
        importlib.import_module(module)
    sub = parser.add_subparsers(
        dest="action",
        metavar="ACTION",
        required=True,
        title=text("testdata.actions"),
        help=text("testdata.action"),
    )
    for action in ACTIONS:
        line = action.help_text()
        child = sub.add_parser(action.name, help=line, description=line)
        action.arguments(child)
        child.set_defaults(run_action=action.run)


def _run(args: argparse.Namespace) -> int:
    return int(args.run_action(args))


_cli.register(Subcommand("testdata", "testdata.help", _arguments, _run))
