"""Validation of SIR reports: layers, rules, findings, reports and their outputs.

>>> from sir_format.validation import validate
>>> from importlib import resources
>>> data = resources.files("sir_format").joinpath("examples", "iva.xml").read_bytes()
>>> validate(data).ok
True
"""

from sir_format.errors import ValidationError
from sir_format.validation._base import Identity, Layer, LocalId, Severity, Text
from sir_format.validation._core import EpisodeContext, episode_rule, file_rule
from sir_format.validation._findings import Finding, Hit
from sir_format.validation.catalog import Rule, Variant, get_rule
from sir_format.validation.report import SkippedRules, ValidationReport
from sir_format.validation.validator import (
    PROFILES,
    check_episode,
    is_valid,
    iter_findings,
    validate,
)

__all__ = [
    "PROFILES",
    "EpisodeContext",
    "Finding",
    "Hit",
    "Identity",
    "Layer",
    "LocalId",
    "Rule",
    "Severity",
    "SkippedRules",
    "Text",
    "ValidationError",
    "ValidationReport",
    "Variant",
    "check_episode",
    "episode_rule",
    "file_rule",
    "get_rule",
    "is_valid",
    "iter_findings",
    "validate",
]
