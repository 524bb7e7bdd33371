"""The applicability matrix of data dictionary §5.2: which module applies to which episode.

This is the ONE copy of the matrix. The unit declaration (SIR-R206: a declared module must
apply to at least one declared vårdtyp), the unit rules (SIR-R200: a declared module that
applies must be present) and the registry applicability rules (SIR-R030…R039) all read it.

Each row of :data:`MATRIX` is a :class:`ModuleApplicability`, keyed by the module's wire name
(an element of ``Vårdtillfälle``). A row holds one cell per vårdtyp token, in the order of the
``Vårdtyp`` enumeration (IVA, TIVA, BIVA, Postoperativ, HIA, Övrig, IMA):

- ``"M"``: mandatory in every applicable episode;
- ``"D"``: required when the unit has declared the module (§7), otherwise optional;
- ``"-"``: not allowed (an error if present).

and the extra conditions of the matrix's last columns: an age range (completed years at
``Inskrivningstid``), the first episode start date the module is used for, a death-date
window for the death protocols, and an action code that must be registered (``Sederingsmål``
needs ``DG021``). The conditions are separate predicates so that each rule can use the ones it
checks (e.g. SIR-R030 checks vårdtyp and age, SIR-R039 the start date);
:meth:`ModuleApplicability.applies` combines all of them, as SIR-R200 needs.

>>> from datetime import date
>>> row = MATRIX["Higgins"]
>>> sorted(row.allowed_vardtyper)
['TIVA']
>>> row.applies(vardtyp="TIVA", age=70, start=date(2024, 1, 1))
True
>>> MATRIX["SAPS3"].allows_vardtyp("IMA")
False
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from sir_format.metadata import model_info
from sir_format.models import Vardtillfalle, Vardtyp

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

VARDTYPER: tuple[str, ...] = tuple(v.value for v in Vardtyp)
"""Vårdtyp tokens in schema order: the columns of the matrix."""

IMA: str = Vardtyp.IMA.value
"""The intermediate-care vårdtyp token."""

ICU_VARDTYPER: frozenset[str] = frozenset(VARDTYPER) - {IMA}
""""ICU vårdtyper" (§0.4): every vårdtyp except IMA."""

DEATH_PROTOCOL_VARDTYPER: frozenset[str] = frozenset(
    {Vardtyp.IVA.value, Vardtyp.TIVA.value, Vardtyp.BIVA.value}
)
"""Vårdtyper that report the death follow-up protocols (IVA, TIVA, BIVA)."""

_CELLS = {"M", "D", "-"}


@dataclass(frozen=True, slots=True)
class ModuleApplicability:
    """One row of the §5.2 matrix.

    Attributes:
        module: wire name of the module (an element of ``Vårdtillfälle``).
        cells: vårdtyp token → ``"M"``, ``"D"`` or ``"-"``.
        min_age / max_age: inclusive age bounds in completed years, or ``None``.
        first_start: first episode start date the module is used for, or ``None``.
        requires_death: the module applies only when the patient died at the unit.
        death_from / death_to: inclusive death-date window, or ``None`` for open ends.
        requires_action: a KVÅ code that must be registered for the module to be required.
        rules: the dictionary rules that enforce the row (documentation only).
    """

    module: str
    cells: Mapping[str, str]
    min_age: int | None = None
    max_age: int | None = None
    first_start: date | None = None
    requires_death: bool = False
    death_from: date | None = None
    death_to: date | None = None
    requires_action: str | None = None
    rules: str = ""

    @property
    def allowed_vardtyper(self) -> frozenset[str]:
        """Vårdtyper whose cell is not ``-``."""
        return frozenset(v for v, cell in self.cells.items() if cell != "-")

    @property
    def mandatory(self) -> bool:
        """True for rows that are mandatory wherever they apply (``Grunddata``, ``Diagnoser``)."""
        return all(cell in {"M", "-"} for cell in self.cells.values())

    @property
    def declarable(self) -> bool:
        """True when a unit can declare the module (some cell is ``D``)."""
        return any(cell == "D" for cell in self.cells.values())

    def allows_vardtyp(self, vardtyp: str) -> bool:
        """True when the module may be reported for this vårdtyp token."""
        return self.cells.get(vardtyp, "-") != "-"

    def allows_age(self, age: int) -> bool:
        """True when ``age`` (completed years at ``Inskrivningstid``) is within the bounds."""
        if self.min_age is not None and age < self.min_age:
            return False
        return self.max_age is None or age <= self.max_age

    def in_use_on(self, start: date) -> bool:
        """True when the module existed on the episode's start date."""
        return self.first_start is None or start >= self.first_start

    def covers_death(self, death_date: date | None) -> bool:
        """True when the death condition holds (always true for rows without one)."""
        if not self.requires_death:
            return True
        if death_date is None:
            return False
        if self.death_from is not None and death_date < self.death_from:
            return False
        return self.death_to is None or death_date <= self.death_to

    def action_condition(self, action_codes: Collection[str]) -> bool:
        """True when the required action (if any) is among the registered codes."""
        return self.requires_action is None or self.requires_action in action_codes

    def applies(
        self,
        *,
        vardtyp: str,
        age: int,
        start: date,
        death_date: date | None = None,
        action_codes: Collection[str] | None = None,
    ) -> bool:
        """True when every condition of the row holds for an episode.

        ``start`` is the date of ``Inskrivningstid``; ``death_date`` is the date of
        ``Utskrivningstid`` when ``Vårdresultat`` = ``Avliden``, else ``None``;
        ``action_codes`` are the registered ``Åtgärd/Kod`` values (``None`` = no
        ``Åtgärder`` module, which never satisfies an action condition).
        """
        return (
            self.allows_vardtyp(vardtyp)
            and self.allows_age(age)
            and self.in_use_on(start)
            and self.covers_death(death_date)
            and self.action_condition(action_codes or ())
        )


def _row(
    module: str,
    cells: str,
    *,
    min_age: int | None = None,
    max_age: int | None = None,
    first_start: date | None = None,
    requires_death: bool = False,
    death_from: date | None = None,
    death_to: date | None = None,
    requires_action: str | None = None,
    rules: str = "",
) -> ModuleApplicability:
    split = cells.split()
    if len(split) != len(VARDTYPER) or not set(split) <= _CELLS:
        raise ValueError(f"bad matrix row for {module}: {cells!r}")
    return ModuleApplicability(
        module=module,
        cells=MappingProxyType(dict(zip(VARDTYPER, split, strict=True))),
        min_age=min_age,
        max_age=max_age,
        first_start=first_start,
        requires_death=requires_death,
        death_from=death_from,
        death_to=death_to,
        requires_action=requires_action,
        rules=rules,
    )


# Columns: IVA TIVA BIVA Postoperativ HIA Övrig IMA (data dictionary §5.2).
_ROWS = (
    _row("Grunddata", "M M M M M M M", rules="SIR-R036"),
    _row("Diagnoser", "M M M M M M M", rules="schema"),
    _row("Åtgärder", "D D D D D D D", rules="SIR-R200"),
    _row("SAPS3", "D - D - - - -", min_age=16, rules="SIR-R030"),
    _row("PIM3", "D D D D D D -", max_age=15, rules="SIR-R031"),
    _row("Higgins", "- D - - - - -", min_age=16, rules="SIR-R032"),
    _row(
        "DagligSOFA",
        "D D - - - - -",
        min_age=16,
        first_start=date(2023, 9, 1),
        rules="SIR-R033, SIR-R039",
    ),
    _row("NEMS", "D D D D D D D", rules="SIR-R200"),
    # SK-4xx codes are TIVA only: a code-level rule (SIR-R073), not a module condition.
    _row("Komplikationer", "D D D - - - -", rules="SIR-R035, SIR-R073"),
    _row("Behandlingsstrategi", "D D D D D D D", rules="SIR-R200"),
    _row("Sederingsmål", "D D D D D D -", requires_action="DG021", rules="SIR-R037"),
    _row(
        "ClinicalFrailtyScale",
        "D D D D D D D",
        min_age=16,
        first_start=date(2021, 10, 1),
        rules="SIR-R038, SIR-R039",
    ),
    _row("Omvårdnad", "D D D D D D D", first_start=date(2023, 3, 20), rules="SIR-R200, SIR-R039"),
    _row("ViktOchLängd", "D D D D D D D", rules="SIR-R200"),
    _row(
        "Avlidna2020",
        "D D D - - - -",
        requires_death=True,
        death_from=date(2020, 1, 1),
        death_to=date(2023, 12, 31),
        rules="SIR-R034, SIR-R041…R044",
    ),
    _row(
        "Avliden2024",
        "D D D - - - -",
        requires_death=True,
        death_from=date(2024, 1, 1),
        rules="SIR-R034, SIR-R041…R044",
    ),
)


def _check_against_model() -> None:
    fields = model_info(Vardtillfalle).by_wire
    unknown = [row.module for row in _ROWS if row.module not in fields]
    if unknown:
        raise RuntimeError(f"applicability matrix names unknown modules: {unknown}")


_check_against_model()

MATRIX: Mapping[str, ModuleApplicability] = MappingProxyType({row.module: row for row in _ROWS})
"""Module wire name → its row of the §5.2 matrix, in the matrix's order."""

DECLARABLE_MODULES: tuple[str, ...] = tuple(row.module for row in _ROWS if row.declarable)
"""Modules a unit may list in ``[moduler].deklarerade`` (§7.1), in matrix order."""


def applicable_modules(
    *,
    vardtyp: str,
    age: int,
    start: date,
    death_date: date | None = None,
    action_codes: Collection[str] | None = None,
) -> tuple[str, ...]:
    """Wire names of the modules whose every condition holds for an episode (matrix order)."""
    return tuple(
        row.module
        for row in _ROWS
        if row.applies(
            vardtyp=vardtyp,
            age=age,
            start=start,
            death_date=death_date,
            action_codes=action_codes,
        )
    )
