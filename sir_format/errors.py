"""Every exception type of sir_format.

Every error the library raises on bad input is a :class:`SirFormatError`, which is itself a
:class:`ValueError`. Messages name the location (a logical path such as
``Vårdtillfälle[3]/Grunddata/Kön`` and, for XML, the line). :class:`UsageError` is the command
line's. The last section holds private control-flow signals: raised and caught inside the
library, never seen by callers.

This module sits low in the import layers: it imports the finding type for annotations only,
and nothing it imports imports it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from sir_format._paths import Location, Step

if TYPE_CHECKING:
    from sir_format.validation._findings import Finding

__all__ = [
    "AnonymizationError",
    "IdentifierError",
    "InputTooLargeError",
    "InvalidChecksumError",
    "InvalidComponentError",
    "InvalidDateError",
    "InvalidFormatError",
    "InvalidLengthError",
    "InvalidUnitDeclarationError",
    "ParseError",
    "SchemaVersionError",
    "SerializeError",
    "SirFormatError",
    "UnitDeclarationError",
    "UsageError",
    "ValidationError",
]

_MAX_LISTED = 5


class SirFormatError(ValueError):
    """Base class of every error sir_format raises on bad input or misuse.

    Attributes:
        path: logical location (``Vårdtillfälle[0]/Grunddata/Kön``), or ``None``.
        line: 1-based line in the source, where known.
        column: 1-based column in the source, where known.
        finding: for errors about the input, the :class:`~sir_format.validation.Finding` that
            ``validate`` reports for the same input (code, severity, messages in Swedish and
            English, path, XPath, JSON Pointer, line, column); ``None`` otherwise.
    """

    finding: Finding | None

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        finding: Any = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.finding = finding
        super().__init__(self._render())

    @property
    def code(self) -> str | None:
        """The finding's stable code (``SIR-X021``), when the error carries one."""
        return self.finding.code if self.finding is not None else None

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.line:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        text = f"{self.message} (at {'; '.join(where)})" if where else self.message
        return " ".join(text.split())  # one line, whatever the message holds


class ParseError(SirFormatError):
    """The input is not a well-formed, schema-valid SIR report (XML or JSON)."""


class InputTooLargeError(ParseError):
    """The input exceeds the configured size limit."""


class SchemaVersionError(ParseError):
    """The input is a report of another format version or has the wrong root element."""


class SerializeError(SirFormatError):
    """A model object cannot be written: a value is missing or outside its type."""


class UnitDeclarationError(SirFormatError):
    """A unit declaration file (``sir-enhet.toml``) cannot be read."""


class InvalidUnitDeclarationError(UnitDeclarationError):
    """A readable unit declaration with invalid content.

    Attributes:
        findings: one SIR-R206 finding (severity fatal) per problem.
    """

    def __init__(self, message: str, findings: Iterable[Finding]) -> None:
        self.findings: tuple[Finding, ...] = tuple(findings)
        super().__init__(message)


class _Report(Protocol):
    """What :class:`ValidationError` reads of a :class:`~sir_format.ValidationReport`."""

    @property
    def source(self) -> str: ...

    @property
    def lang(self) -> str: ...

    @property
    def errors(self) -> tuple[Finding, ...]: ...


class ValidationError(SirFormatError):
    """Raised by :meth:`ValidationReport.raise_for_errors` when a report has errors.

    Attributes:
        report: the :class:`~sir_format.ValidationReport`.
    """

    report: Any  # a ValidationReport; not imported here, as the report module imports this one

    def __init__(self, report: _Report, lang: str | None = None) -> None:
        self.report = report
        lang = lang or report.lang
        errors = report.errors
        shown = "; ".join(
            f"{f.code} {f.path or '(file)'}: {f.message(lang)}" for f in errors[:_MAX_LISTED]
        )
        more = f" (and {len(errors) - _MAX_LISTED} more)" if len(errors) > _MAX_LISTED else ""
        super().__init__(f"{report.source}: {len(errors)} error(s): {shown}{more}")


class AnonymizationError(SirFormatError):
    """A report cannot be anonymised: the key is empty or too short, or no synthetic identity
    keeps the copy's findings equal to the original's (the report is not written)."""


class UsageError(Exception):
    """The command line is wrong; ``sir-format`` reports it on one line with exit code 2."""


# -- identity numbers (sir_format.domain) -------------------------------------------------
class IdentifierError(SirFormatError):
    """An identity number, organisation number or HSA-id is not valid.

    The subclass says why (as python-stdnum's exceptions do); :attr:`reason` is the same as a
    stable key: ``length``, ``format``, ``date``, ``component`` or ``checksum``.
    """

    reason = "invalid"


class InvalidLengthError(IdentifierError):
    """The number has the wrong number of characters."""

    reason = "length"


class InvalidFormatError(IdentifierError):
    """The number holds characters or a layout its kind does not allow."""

    reason = "format"


class InvalidDateError(IdentifierError):
    """The date part of the number is not a real calendar date."""

    reason = "date"


class InvalidComponentError(IdentifierError):
    """A part of the number is out of range for its kind (e.g. a day 61–91 in a personnummer)."""

    reason = "component"


class InvalidChecksumError(IdentifierError):
    """The check digit does not match (Luhn)."""

    reason = "checksum"


# --------------------------------------------------------------------------- control flow


class Rejected(Exception):
    """The fast JSON path declines the input; the careful path will say why."""


class MissingValue(Exception):
    """The XML writer met a required value that is missing (``wire`` names the element)."""

    def __init__(self, wire: str) -> None:
        self.wire = wire


class Located(Exception):
    """The XML writer cannot write a value; ``location`` grows as the error travels up."""

    def __init__(self, wire: str, index: int | None, cause: Exception) -> None:
        self.location: Location = ((wire, index),)
        self.cause = cause

    def prepend(self, step: Step) -> Located:
        self.location = (step, *self.location)
        return self


class NotFinite(ValueError):
    """The JSON checker met ``NaN`` or an infinity (``token`` is how it was written)."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


class Unusable(Exception):
    """A registry rule read an element that is invalid or missing in a schema-invalid episode.

    Such an episode is bound partially (:mod:`sir_format.validation._partial`): reading an
    element the schema layer rejected, or a required one that is absent, raises this, and the
    validator reports the rule as not checked, naming ``location`` (``missing`` tells which).
    """

    def __init__(self, location: Location, missing: bool) -> None:
        super().__init__(location)
        self.location = location
        self.missing = missing
