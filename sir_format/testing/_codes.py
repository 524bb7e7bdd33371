"""Small lists of real codes for coherent reports.

Schema-only strategies draw codes from the XSD patterns. Coherent reports use these lists
instead, so that the reference-list rules (SIR-R052 unknown diagnosis, SIR-R071 unknown action,
SIR-R072 retired action) have codes to recognise.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "ACTION_CODES",
    "DIAGNOSIS_CODES",
    "INVASIVE_VENTILATION",
    "THORACIC_DRAIN",
    "actions_on",
]

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

INVASIVE_VENTILATION = "DG021"
"""KVÅ invasive ventilation; a sedation goal expects it (SIR-R037)."""

THORACIC_DRAIN = "GAA10"
"""KVÅ thoracic drain; a pneumothorax drained at the unit requires it (SIR-R070)."""

ACTION_CODES: dict[str, tuple[date | None, date | None]] = {
    INVASIVE_VENTILATION: (None, None),
    "DG023": (None, None),  # non-invasive ventilation
    THORACIC_DRAIN: (None, None),
    "AAA20": (None, None),  # ICP monitoring
    "ZX903": (None, date(2016, 12, 31)),  # cohort care, replaced by ZV048
    "ZV048": (date(2017, 1, 1), None),
    "DV023": (None, date(2020, 12, 31)),  # ECMO, replaced by DV100-DV106
    "DV100": (date(2021, 1, 1), None),
    "DV106": (date(2021, 1, 1), None),
    "FXL10": (None, date(2021, 12, 31)),  # VAD, replaced by FXL40/FXL50/FXL60
    "FXL40": (date(2022, 1, 1), None),
}
"""KVÅ codes named in the data dictionary (§4.2, SIR-R072), with the first and last day each
may be used (``None`` = open)."""


def actions_on(day: date) -> list[str]:
    """The action codes that may be used on ``day``."""
    return [
        code
        for code, (first, last) in ACTION_CODES.items()
        if (first is None or first <= day) and (last is None or day <= last)
    ]
