"""Which catalog codes the invalid reports can produce, and why the others cannot.

One row per code of the rule catalog that rejects data: every code of the ``wellformed`` and
``schema`` layers, and every registry and unit rule that can report an error or a fatal
finding (either severity of a rule that has two). A row names the defects whose expected codes
hold the code, or the reason no defect is made for it. A code with neither is a gap
(:func:`gaps`); a test keeps the list empty.

The module imports without Hypothesis; the defects are only listed, never drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sir_format.testing._defects import ModelDefect
from sir_format.validation._base import Layer, Severity, Text
from sir_format.validation.catalog import Rule, catalog

__all__ = ["CoverageRow", "coverage", "gaps"]

Status = Literal["covered", "not-generatable", "gap"]

_ALWAYS = (Layer.WELLFORMED, Layer.SCHEMA)
_REJECTING = (Severity.FATAL, Severity.ERROR)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One catalog code and how invalid reports reach it.

    Attributes:
        code: the catalog code (``SIR-X020``, ``SIR-R021``).
        layer: the layer that reports it.
        severities: every severity the code can have.
        title: the rule's title, Swedish and English.
        defects: the codes of the defects that may produce it.
        reason: why no defect produces it (``None`` when one does, or for a gap).
    """

    code: str
    layer: Layer
    severities: tuple[Severity, ...]
    title: Text
    defects: tuple[str, ...]
    reason: Text | None

    @property
    def status(self) -> Status:
        if self.defects:
            return "covered"
        return "not-generatable" if self.reason is not None else "gap"


def _counted(rule: Rule) -> bool:
    return rule.layer in _ALWAYS or any(s in _REJECTING for s in rule.severities)


def coverage() -> tuple[CoverageRow, ...]:
    """A row for every catalog code that rejects data, in catalog order."""
    from sir_format.testing._document_defects import (
        DOCUMENT_DEFECTS,
        DOCUMENT_NOT_GENERATABLE,
        DocumentDefect,
    )
    from sir_format.testing._rule_defects import RULE_DEFECTS, RULES_NOT_GENERATABLE

    defects: list[DocumentDefect | ModelDefect] = [*DOCUMENT_DEFECTS, *RULE_DEFECTS]
    reasons: dict[str, Text] = dict(DOCUMENT_NOT_GENERATABLE)
    for code, reason in RULES_NOT_GENERATABLE.items():
        reasons.setdefault(code, Text(sv=reason, en=reason))
    rows = []
    for rule in catalog().values():
        if not _counted(rule):
            continue
        covering = tuple(d.code for d in defects if rule.code in d.expected)
        rows.append(
            CoverageRow(
                code=rule.code,
                layer=rule.layer,
                severities=rule.severities,
                title=rule.title,
                defects=covering,
                reason=None if covering else reasons.get(rule.code),
            )
        )
    return tuple(rows)


def gaps() -> list[str]:
    """The codes that no defect produces and no reason explains."""
    return [row.code for row in coverage() if row.status == "gap"]
