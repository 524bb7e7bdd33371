"""The leaf types of validation: severities, layers and the message parameter types.

Everything above (the rule catalog, findings, the unit declaration, the rules, the validator)
imports these; this module imports nothing of validation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sir_format._privacy import mask_embedded_identities, mask_identity

__all__ = ["Identity", "Layer", "LocalId", "Severity", "Text"]


class Severity(enum.Enum):
    """How bad a finding is (data dictionary §6): fatal rejects the file, error the episode."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        """0 for fatal, 1 for error, 2 for warning (sort key: most severe first)."""
        return _RANK[self]


_RANK = {Severity.FATAL: 0, Severity.ERROR: 1, Severity.WARNING: 2}


class Layer(enum.Enum):
    """Validation layers, in the order they run."""

    WELLFORMED = "wellformed"
    SCHEMA = "schema"
    REGISTRY = "registry"
    UNIT = "unit"


@dataclass(frozen=True, slots=True)
class Text:
    """A message parameter that is itself text, in both languages (e.g. a reason)."""

    sv: str
    en: str

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True, slots=True)
class Identity:
    """A message parameter holding a personal identity number; masked when rendered."""

    value: str

    def masked(self) -> str:
        """Keep the birth date part, hide the rest: ``19571106****``."""
        return mask_identity(self.value)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Identity({self.masked()!r})"


@dataclass(frozen=True, slots=True)
class LocalId:
    """A message parameter holding a ``LokaltId``; an identity number in it is masked when
    rendered (``VT-19480922****-A``, SIR-R063)."""

    value: str

    def masked(self) -> str:
        return mask_embedded_identities(self.value)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"LocalId({self.masked()!r})"
