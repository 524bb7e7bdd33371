"""Exceptions raised by sir_format.

Every error the library raises on bad input is a :class:`SirFormatError`, which is itself a
:class:`ValueError`. Messages name the location (a logical path such as
``Vårdtillfälle[3]/Grunddata/Kön`` and, for XML, the line).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sir_format.validation._core import Finding

__all__ = [
    "InputTooLargeError",
    "ParseError",
    "SchemaVersionError",
    "SerializeError",
    "SirFormatError",
    "UnitDeclarationError",
]


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


# -- identity numbers (sir_format.domain) -------------------------------------------------
__all__ += [
    "IdentifierError",
    "InvalidChecksumError",
    "InvalidComponentError",
    "InvalidDateError",
    "InvalidFormatError",
    "InvalidLengthError",
]


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
