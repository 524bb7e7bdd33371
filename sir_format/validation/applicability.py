"""The applicability matrix of data dictionary §5.2 (re-exported).

Its home is :mod:`sir_format.domain.registry`, with the other facts of the registry; this
module keeps the import path ``sir_format.validation.applicability`` working.

>>> from sir_format.domain import registry
>>> MATRIX is registry.MATRIX
True
"""

from __future__ import annotations

from sir_format.domain.registry import (
    DEATH_PROTOCOL_VARDTYPER,
    DECLARABLE_MODULES,
    ICU_VARDTYPER,
    IMA,
    MATRIX,
    VARDTYPER,
    ModuleApplicability,
    applicable_modules,
)

__all__ = [
    "DEATH_PROTOCOL_VARDTYPER",
    "DECLARABLE_MODULES",
    "ICU_VARDTYPER",
    "IMA",
    "MATRIX",
    "VARDTYPER",
    "ModuleApplicability",
    "applicable_modules",
]
