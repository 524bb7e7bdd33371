"""The registry and unit rules, one module per group of data dictionary §6–§7.

Importing this package registers every rule with :mod:`sir_format.validation._core`.
"""

from sir_format.validation.rules import (
    actions,
    applicability,
    death_protocols,
    diagnoses,
    grunddata,
    header,
    identity,
    ima,
    modules,
    outcome,
    scores,
    unit_rules,
)

__all__ = [
    "actions",
    "applicability",
    "death_protocols",
    "diagnoses",
    "grunddata",
    "header",
    "identity",
    "ima",
    "modules",
    "outcome",
    "scores",
    "unit_rules",
]
