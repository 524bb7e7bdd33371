"""Small lists of real codes for coherent reports.

Schema-only strategies draw codes from the XSD patterns. Coherent reports use these lists
instead, so that the reference-list rules (SIR-R052 unknown diagnosis, SIR-R071 unknown action,
SIR-R072 retired action) have codes to recognise. Action codes come from the KVÅ validity table
of :mod:`sir_format.domain.kva` (the codes with a known meaning), so that table is the only copy.
"""

from __future__ import annotations

from datetime import date

from sir_format.domain import kva

__all__ = ["ACTION_CODES", "DIAGNOSIS_CODES", "actions_on"]

DIAGNOSIS_CODES = (
    "J189",  # pneumonia, unspecified
    "J960",  # acute respiratory failure
    "J441",  # COPD with acute exacerbation
    "A419",  # sepsis, unspecified
    "I469",  # cardiac arrest, unspecified
    "I219",  # acute myocardial infarction, unspecified
    "I639",  # cerebral infarction, unspecified
    "I619",  # intracerebral haemorrhage, unspecified
    "N179",  # acute kidney failure, unspecified
    "K859",  # acute pancreatitis, unspecified
    "R570",  # cardiogenic shock
    "G419",  # status epilepticus, unspecified
    "E101",  # type 1 diabetes with ketoacidosis
    "F058",  # other delirium (the dictionary's example for ICU delirium)
)
"""ICD-10-SE codes (without the dot) valid throughout 2000-2025."""

_ENTRIES = tuple(entry for entry in kva.bundled_entries() if entry.meaning)

ACTION_CODES: tuple[str, ...] = tuple(entry.code for entry in _ENTRIES)
"""KVÅ codes of the bundled table whose meaning is known (§4.2, SIR-R072)."""


def actions_on(day: date) -> list[str]:
    """The action codes that may be used on ``day`` (neither before their start nor retired)."""
    return [entry.code for entry in _ENTRIES if entry.valid_on(day)]
