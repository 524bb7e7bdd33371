"""Registry and unit defects (SIR-R…): changes of the model that break one rule each.

Placeholder: no rule defects yet. :data:`RULE_DEFECTS` lists the defects,
:data:`RULES_NOT_GENERATABLE` the rules (error or fatal) that no defect breaks, with the reason,
and :func:`declaration_for` a unit declaration that a report passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from sir_format.testing._defects import ModelDefect

if TYPE_CHECKING:
    from sir_format.models import SIRData
    from sir_format.validation.unit import UnitDeclaration

__all__ = ["RULES_NOT_GENERATABLE", "RULE_DEFECTS", "declaration_for"]

RULE_DEFECTS: tuple[ModelDefect, ...] = ()
"""Every registry and unit defect."""

RULES_NOT_GENERATABLE: Mapping[str, str] = MappingProxyType({})
"""Catalog code -> why no defect breaks that rule."""


def declaration_for(report: SIRData) -> UnitDeclaration:
    """A unit declaration that ``report`` passes."""
    raise NotImplementedError("unit declarations for generated reports are not built yet")
