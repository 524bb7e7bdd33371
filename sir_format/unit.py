"""The old home of the unit declaration, kept for compatibility.

The unit declaration now lives in :mod:`sir_format.validation.unit` and its errors in
:mod:`sir_format.errors`; import them from there (or from :mod:`sir_format`). The names are
resolved on first access, so importing this module does not load the validator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sir_format.validation.unit import (
        DECLARATION_FORMAT,
        DEFAULT_SOFA_TID,
        InvalidUnitDeclarationError,
        UnitDeclaration,
        example_path,
    )

__all__ = [
    "DECLARATION_FORMAT",
    "DEFAULT_SOFA_TID",
    "InvalidUnitDeclarationError",
    "UnitDeclaration",
    "example_path",
]


def __getattr__(name: str) -> Any:
    """The names of :mod:`sir_format.validation.unit`, imported on first access."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module("sir_format.validation.unit"), name)
