"""The KVÅ reference list of SIR-R071 and SIR-R072 (re-exported).

Its home is :mod:`sir_format.domain.kva`; this module keeps the import path
``sir_format.validation.reference.kva`` working.

>>> from datetime import date
>>> is_known("DG021", date(2024, 11, 3))
True
"""

from __future__ import annotations

from sir_format.domain.kva import (
    KVA_LIST_VERSION,
    KVACode,
    clear_registered_kva_codes,
    is_known,
    known_kva_codes,
    kva_entry,
    register_kva_codes,
    retired_on,
)

__all__ = [
    "KVA_LIST_VERSION",
    "KVACode",
    "clear_registered_kva_codes",
    "is_known",
    "known_kva_codes",
    "kva_entry",
    "register_kva_codes",
    "retired_on",
]
