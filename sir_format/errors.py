"""Exceptions raised by sir_format.

Every error the library raises on bad input is a :class:`SirFormatError`, which is itself a
:class:`ValueError`. Messages name the location (a logical path such as
``Vårdtillfälle[3]/Grunddata/Kön`` and, for XML, the line).
"""

from __future__ import annotations

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
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.line:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        return f"{self.message} (at {'; '.join(where)})" if where else self.message


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
