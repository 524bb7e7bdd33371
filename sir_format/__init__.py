"""sir-format: read, write, convert and validate SIR report files (format 5.2).

The shipped schema is a reconstruction of SIR's format 5.2 from public guidelines (SIR's own XSD
is given to member units only); see the documentation for how to regenerate everything from
another XSD.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sir_format import builders, metadata, models
from sir_format.codec import (
    Codec,
    Format,
    Limits,
    ReportStream,
    convert,
    detect_format,
    from_json,
    from_xml,
    iter_episodes,
    load,
    load_async,
    open_stream,
    save,
    save_async,
    to_json,
    to_xml,
)
from sir_format.errors import (
    InputTooLargeError,
    InvalidUnitDeclarationError,
    ParseError,
    SchemaVersionError,
    SerializeError,
    SirFormatError,
    UnitDeclarationError,
    ValidationError,
)
from sir_format.models import *  # noqa: F403 - the model classes and enumerations

if TYPE_CHECKING:
    from sir_format.validation import (
        Finding,
        Layer,
        Severity,
        SkippedRules,
        ValidationReport,
        is_valid,
        iter_findings,
        validate,
    )
    from sir_format.validation.catalog import rules
    from sir_format.validation.unit import UnitDeclaration

    __version__: str

# Imported on first access (module ``__getattr__``): the validator's rule modules, the unit
# declaration reader and the installed version cost more to import than the codecs themselves.
_LAZY: dict[str, str] = {
    "Finding": "sir_format.validation",
    "Layer": "sir_format.validation",
    "Severity": "sir_format.validation",
    "SkippedRules": "sir_format.validation",
    "ValidationReport": "sir_format.validation",
    "is_valid": "sir_format.validation",
    "iter_findings": "sir_format.validation",
    "validate": "sir_format.validation",
    "rules": "sir_format.validation.catalog",
    "UnitDeclaration": "sir_format.validation.unit",
}


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sir-format")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0.0.0"


def __getattr__(name: str) -> Any:
    """Import the lazily exported names on first access, then cache them in the module."""
    if name == "__version__":
        value: Any = _installed_version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Codec",
    "Finding",
    "Format",
    "InputTooLargeError",
    "InvalidUnitDeclarationError",
    "Layer",
    "Limits",
    "ParseError",
    "ReportStream",
    "SchemaVersionError",
    "SerializeError",
    "Severity",
    "SirFormatError",
    "SkippedRules",
    "UnitDeclaration",
    "UnitDeclarationError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "builders",
    "convert",
    "detect_format",
    "from_json",
    "from_xml",
    "is_valid",
    "iter_episodes",
    "iter_findings",
    "load",
    "load_async",
    "metadata",
    "open_stream",
    "rules",
    "save",
    "save_async",
    "to_json",
    "to_xml",
    "validate",
]
__all__ += models.__all__
