"""sir-format: read, write, convert and validate SIR report files (format 5.2).

The shipped schema is a reconstruction of SIR's format 5.2 from public guidelines (SIR's own XSD
is given to member units only); see the documentation for how to regenerate everything from
another XSD.
"""

from importlib.metadata import PackageNotFoundError, version

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
    ParseError,
    SchemaVersionError,
    SerializeError,
    SirFormatError,
    UnitDeclarationError,
)
from sir_format.models import *  # noqa: F403 - the model classes and enumerations
from sir_format.unit import InvalidUnitDeclarationError, UnitDeclaration
from sir_format.validation import (
    Finding,
    Layer,
    Severity,
    SkippedRules,
    ValidationError,
    ValidationReport,
    is_valid,
    iter_findings,
    validate,
)
from sir_format.validation.catalog import rules

try:
    __version__ = version("sir-format")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

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
