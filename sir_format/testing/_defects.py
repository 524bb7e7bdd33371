"""The vocabulary of invalid test data: defects, their labels and the cases they produce.

A *defect* is one recorded mutation of a valid report. Applied, it gives an
:class:`InvalidCase`: the payload (XML or JSON bytes), the model where one exists, and a
:class:`Label` that says what was changed, where, and which finding codes a correct validator
may report for it.

Two kinds of defect exist:

- :class:`ModelDefect` changes the model (``SIRData``) with values the model can hold and the
  encoders can write; the change is then written as XML or as JSON. Registry and unit rules
  (SIR-R…) are broken this way.
- Document defects (schema and well-formedness, SIR-X…) change the written document itself;
  they are defined in :mod:`sir_format.testing._document_defects`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from sir_format._paths import Located, Location

if TYPE_CHECKING:
    from hypothesis import strategies as st

    from sir_format.models import SIRData
    from sir_format.validation.unit import UnitDeclaration

Layer: TypeAlias = Literal["wellformed", "schema", "registry", "unit"]
PayloadFormat: TypeAlias = Literal["xml", "json"]


@dataclass(frozen=True, slots=True)
class Label(Located):
    """What a defect changed, where, and what a correct validator may report.

    Attributes:
        defect: the defect's code (``"R021-discharge-before-admission"``).
        layer: the validation layer that must catch it.
        location: where the change was made (steps of wire names and 0-based indices).
        before: the value before the change as written in the file (``None``: absent);
            identity numbers masked unless the case was made with ``reveal_identities``.
        after: the value after the change (``None``: removed).
        expected: the finding codes a correct validator may report; every finding of the
            case has one of these codes, and at least one is reported. More than one code is
            an equivalence set: the defect cannot be told apart from the others by every
            engine.
    """

    defect: str
    layer: Layer
    location: Location
    before: str | None
    after: str | None
    expected: frozenset[str]


@dataclass(frozen=True, slots=True)
class InvalidCase:
    """One invalid report: the bytes, the model where one exists, and its label.

    ``model`` is ``None`` when the payload cannot be read into the model (schema and
    well-formedness defects). ``unit`` is the declaration the case was checked against, or
    ``None`` when it was checked without one.
    """

    payload: bytes
    format: PayloadFormat
    model: SIRData | None
    label: Label
    unit: UnitDeclaration | None = None


@dataclass(frozen=True, slots=True)
class ModelChange:
    """The result of a model defect: the changed report and what changed where."""

    report: SIRData
    location: Location
    before: str | None
    after: str | None


ModelMutator: TypeAlias = (
    "Callable[[st.DrawFn, SIRData, UnitDeclaration | None], ModelChange | None]"
)
"""Draws one change of a valid report; ``None`` when the report offers no place for it."""


@dataclass(frozen=True, slots=True)
class ModelDefect:
    """A defect made by changing the model.

    Attributes:
        code: the defect's code, starting with the main rule it breaks
            (``"R021-discharge-before-admission"``).
        layer: ``registry`` or ``unit``.
        expected: the finding codes a correct validator may report.
        mutate: draws the change; must not touch anything else of the report.
        needs_unit: the defect breaks a unit rule and needs a declaration.
        base: keyword arguments for ``reports()`` that give a base report where the defect
            applies (``{"vardtyp": "IVA"}``); empty for any report.
    """

    code: str
    layer: Layer
    expected: frozenset[str]
    mutate: ModelMutator
    needs_unit: bool = False
    base: tuple[tuple[str, object], ...] = ()
