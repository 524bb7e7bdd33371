"""Facts of the registry that rules, test data, builders and the bench all read.

One home for what the data dictionary states once: the age limits, the KVÅ codes other
modules depend on, the complication codes with special meaning, the ``Grunddata`` rows that are
mandatory outside IMA, the day IMA reporting opened, and the applicability matrix of §5.2.
Enumeration tokens are the generated enums' members (:class:`~sir_format.models.SKKod`,
:class:`~sir_format.models.Vardtyp`); element names come from the generated metadata. The KVÅ
validity table is :mod:`sir_format.domain.kva`.

The matrix: each row of :data:`MATRIX` is a :class:`ModuleApplicability`, keyed by the module's
wire name (an element of ``Vårdtillfälle``). A row holds one cell per vårdtyp token, in the
order of the ``Vårdtyp`` enumeration (IVA, TIVA, BIVA, Postoperativ, HIA, Övrig, IMA):

- ``"M"``: mandatory in every applicable episode;
- ``"D"``: required when the unit has declared the module (§7), otherwise optional;
- ``"-"``: not allowed (an error if present).

and the extra conditions of the matrix's last columns: an age range (completed years at
``Inskrivningstid``), the first episode start date the module is used for, a death-date
window for the death protocols, and an action code that must be registered (``Sederingsmål``
needs ``DG021``). The conditions are separate predicates so that each rule can use the ones it
checks (e.g. SIR-R030 checks vårdtyp and age, SIR-R039 the start date);
:meth:`ModuleApplicability.applies` combines all of them, as SIR-R200 needs. The unit
declaration (SIR-R206), the unit rules (SIR-R200), the registry rules (SIR-R030…R039), the
Hypothesis strategies and the bulk generator all read this one copy.

>>> from datetime import date
>>> row = MATRIX["Higgins"]
>>> sorted(row.allowed_vardtyper)
['TIVA']
>>> row.applies(vardtyp="TIVA", age=70, start=date(2024, 1, 1))
True
>>> MATRIX["SAPS3"].allows_vardtyp("IMA")
False
>>> MATRIX["PIM3"].max_age == ADULT_AGE - 1
True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from sir_format.domain.kva import INVASIVE_VENTILATION, THORACIC_DRAIN
from sir_format.metadata import model_info
from sir_format.models import Grunddata, SKKod, Vardtillfalle, Vardtyp

__all__ = [
    "ADULT_AGE",
    "CHEST_DRAIN_COMPLICATIONS",
    "CONSENT_AGE",
    "DEATH_PROTOCOL_VARDTYPER",
    "DECLARABLE_MODULES",
    "ICU_VARDTYPER",
    "IMA",
    "IMA_REPORTING_OPENED",
    "INVASIVE_VENTILATION",
    "MATRIX",
    "MAX_AGE",
    "M_ICU_FIELDS",
    "NO_COMPLICATION",
    "THORACIC_DRAIN",
    "TIVA_ONLY_COMPLICATIONS",
    "VARDTYPER",
    "ModuleApplicability",
    "applicable_modules",
]

# ------------------------------------------------------------------ ages and dates

ADULT_AGE = 16
"""Completed years from which SAPS3, Higgins, DagligSOFA and Clinical Frailty Scale apply and
PIM3 no longer does (§5.2; SIR-R030…R033, R038)."""

CONSENT_AGE = 18
"""Age at death from which the presumed-consent answers apply instead of the guardians'
(SIR-R093)."""

MAX_AGE = 125
"""Oldest plausible age in completed years at ``Inskrivningstid`` (SIR-R015)."""

IMA_REPORTING_OPENED = date(2025, 4, 1)
"""IMA episodes that start earlier get a warning (SIR-R121, §5.1)."""

# ------------------------------------------------------------------ codes

NO_COMPLICATION: SKKod = SKKod.SK_000
"""No complication occurred; the only row when present (SIR-R074, SIR-R075)."""

CHEST_DRAIN_COMPLICATIONS: frozenset[SKKod] = frozenset(
    {SKKod.SK_061, SKKod.SK_062, SKKod.SK_063, SKKod.SK_064}
)
"""Complications that carry ``ThoraxdränageInlagt`` (SIR-R070, SIR-R075); a drain needs the
action :data:`THORACIC_DRAIN`."""

TIVA_ONLY_COMPLICATIONS: frozenset[SKKod] = frozenset(
    code for code in SKKod if code.value.startswith("SK-4")
)
"""The ``SK-4xx`` complications, reported only with vårdtyp TIVA (SIR-R073)."""

# ------------------------------------------------------------------ Grunddata

M_ICU_FIELDS: tuple[str, ...] = tuple(
    model_info(Grunddata).by_py[name].wire_name
    for name in (
        "postnummer",
        "ankomsttid",
        "ankomstorsak",
        "akutinlaggning",
        "opereradstatus",
        "utskrivningsorsak",
    )
)
"""Wire names of the ``Grunddata`` rows marked M-ICU in dictionary §2.2: mandatory for ICU
vårdtyper, optional for IMA (SIR-R036). The XSD cannot say this (the rows have
``minOccurs="0"``)."""

for _name in M_ICU_FIELDS:  # a change in the schema must fail loudly, not silently skip
    if model_info(Grunddata).by_wire[_name].min_occurs != 0:
        raise RuntimeError(f"M-ICU row {_name} is not an optional Grunddata element")

# ------------------------------------------------------------------ the §5.2 matrix

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
    py_name: str,
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
        raise ValueError(f"bad matrix row for {py_name}: {cells!r}")
    return ModuleApplicability(
        module=model_info(Vardtillfalle).by_py[py_name].wire_name,
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


# Columns: IVA TIVA BIVA Postoperativ HIA Övrig IMA (data dictionary §5.2). Modules by their
# Python names; the wire names come from the metadata (a renamed element fails here, loudly).
_ROWS = (
    _row("grunddata", "M M M M M M M", rules="SIR-R036"),
    _row("diagnoser", "M M M M M M M", rules="schema"),
    _row("atgarder", "D D D D D D D", rules="SIR-R200"),
    _row("saps3", "D - D - - - -", min_age=ADULT_AGE, rules="SIR-R030"),
    _row("pim3", "D D D D D D -", max_age=ADULT_AGE - 1, rules="SIR-R031"),
    _row("higgins", "- D - - - - -", min_age=ADULT_AGE, rules="SIR-R032"),
    _row(
        "daglig_sofa",
        "D D - - - - -",
        min_age=ADULT_AGE,
        first_start=date(2023, 9, 1),
        rules="SIR-R033, SIR-R039",
    ),
    _row("nems", "D D D D D D D", rules="SIR-R200"),
    # SK-4xx codes are TIVA only: a code-level rule (SIR-R073), not a module condition.
    _row("komplikationer", "D D D - - - -", rules="SIR-R035, SIR-R073"),
    _row("behandlingsstrategi", "D D D D D D D", rules="SIR-R200"),
    _row("sederingsmal", "D D D D D D -", requires_action=INVASIVE_VENTILATION, rules="SIR-R037"),
    _row(
        "clinical_frailty_scale",
        "D D D D D D D",
        min_age=ADULT_AGE,
        first_start=date(2021, 10, 1),
        rules="SIR-R038, SIR-R039",
    ),
    _row("omvardnad", "D D D D D D D", first_start=date(2023, 3, 20), rules="SIR-R200, SIR-R039"),
    _row("vikt_och_langd", "D D D D D D D", rules="SIR-R200"),
    _row(
        "avlidna2020",
        "D D D - - - -",
        requires_death=True,
        death_from=date(2020, 1, 1),
        death_to=date(2023, 12, 31),
        rules="SIR-R034, SIR-R041…R044",
    ),
    _row(
        "avliden2024",
        "D D D - - - -",
        requires_death=True,
        death_from=date(2024, 1, 1),
        rules="SIR-R034, SIR-R041…R044",
    ),
)

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
