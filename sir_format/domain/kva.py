"""The KVÅ validity table: a small, versioned list of action codes (SIR-R071, SIR-R072).

The full KVÅ classification (Klassifikation av vårdåtgärder) is published by Socialstyrelsen
and changes every year; it is not bundled. This list holds only the codes that the data
dictionary names (§4.2) and the retirements of SIR-R072, so SIR-R071 ("not a known KVÅ code",
a warning) fires for every other code unless the list is extended. Two ways to extend it:

- **Per unit:** the codes a unit lists in ``[atgarder].deklarerade`` of its declaration
  (``sir-enhet.toml``) count as known for that unit's files.
- **Per process:** :func:`register_kva_codes` adds codes (or full :class:`KVACode` entries
  with validity dates) for every validation in the process, e.g. from a file exported from
  the unit's own KVÅ table. :func:`clear_registered_kva_codes` removes them again.

>>> from datetime import date
>>> is_known("DG021", date(2024, 11, 3))
True
>>> retired_on("DV023", date(2021, 3, 1)).replacement
'DV100–DV106'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

__all__ = [
    "INVASIVE_VENTILATION",
    "KVA_LIST_VERSION",
    "THORACIC_DRAIN",
    "KVACode",
    "bundled_entries",
    "clear_registered_kva_codes",
    "is_known",
    "known_kva_codes",
    "kva_entry",
    "register_kva_codes",
    "retired_on",
]

KVA_LIST_VERSION = "sir_format-kva/2025.1"
"""Version of the bundled list; changes whenever an entry is added, dated or retired."""

INVASIVE_VENTILATION = "DG021"
"""Invasive ventilation: ``Sederingsmål`` expects it among the actions (SIR-R037, §5.2)."""

THORACIC_DRAIN = "GAA10"
"""Thoracic drain: a pneumothorax drained at the unit requires it (SIR-R070)."""


@dataclass(frozen=True, slots=True)
class KVACode:
    """One KVÅ code and its validity.

    Attributes:
        code: the 5-character code (``DG021``).
        valid_from: first day the code may be used, or ``None`` (valid since before 2000).
        retired: first day the code may no longer be used, or ``None`` (still valid).
        replacement: what to use instead once retired (for the SIR-R072 message).
        meaning: a short English description, empty where no public source confirms one.
    """

    code: str
    valid_from: date | None = None
    retired: date | None = None
    replacement: str | None = None
    meaning: str = ""

    def valid_on(self, day: date) -> bool:
        """True when the code may be used on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.retired is None or day < self.retired


_2017 = date(2017, 1, 1)
_2021 = date(2021, 1, 1)
_2022 = date(2022, 1, 1)

_BUILTIN: tuple[KVACode, ...] = (
    KVACode(INVASIVE_VENTILATION, meaning="invasive ventilation"),
    KVACode("DG023", meaning="non-invasive ventilation"),
    KVACode(THORACIC_DRAIN, meaning="thoracic drain"),
    *(
        KVACode(f"DV10{n}", valid_from=_2021, meaning="extracorporeal membrane oxygenation")
        for n in range(7)
    ),
    KVACode(
        "DV023",
        retired=_2021,
        replacement="DV100–DV106",
        meaning="extracorporeal membrane oxygenation (before 2021)",
    ),
    *(
        KVACode(f"FXL{n}0", valid_from=_2022, meaning="ventricular assist device")
        for n in (4, 5, 6)
    ),
    *(
        KVACode(
            f"FXL{n}0",
            retired=_2022,
            replacement="FXL40/FXL50/FXL60",
            meaning="ventricular assist device (before 2022)",
        )
        for n in (1, 2, 3)
    ),
    KVACode("AAA20", meaning="intracranial pressure monitoring"),
    KVACode("ZV048", valid_from=_2017, meaning="cohort care"),
    KVACode("ZX903", retired=_2017, replacement="ZV048", meaning="cohort care (before 2017)"),
    # Seen in SIR material without a meaning we can confirm (§4.2).
    *(
        KVACode(code)
        for code in (
            "XV027",
            "XV013",
            "TGA35",
            "DV032",
            "DF025",
            "DF026",
            "DF027",
            "FXC00",
            "DV034",
        )
    ),
)

_TABLE: dict[str, KVACode] = {entry.code: entry for entry in _BUILTIN}
_REGISTERED: dict[str, KVACode] = {}


def bundled_entries() -> tuple[KVACode, ...]:
    """Every entry of the bundled list, in the list's order (registered codes not included)."""
    return _BUILTIN


def register_kva_codes(codes: Iterable[str | KVACode]) -> None:
    """Add codes to the list for this process (a plain code is valid on every date)."""
    for item in codes:
        entry = item if isinstance(item, KVACode) else KVACode(item.strip().upper())
        _REGISTERED[entry.code] = entry


def clear_registered_kva_codes() -> None:
    """Remove every code added with :func:`register_kva_codes`."""
    _REGISTERED.clear()


def kva_entry(code: str) -> KVACode | None:
    """The entry of ``code`` (registered entries take precedence), or ``None``."""
    return _REGISTERED.get(code) or _TABLE.get(code)


def known_kva_codes() -> frozenset[str]:
    """Every code in the list, bundled and registered, whatever its validity dates."""
    return frozenset(_TABLE) | frozenset(_REGISTERED)


def is_known(code: str, on: date, extra: Collection[str] = ()) -> bool:
    """True when ``code`` is a known code that had come into use by ``on``.

    A retired code stays *known* (SIR-R072 reports its use after retirement, not SIR-R071).
    ``extra`` holds further codes accepted on every date (e.g. a unit's declared actions).
    """
    if code in extra:
        return True
    entry = kva_entry(code)
    return entry is not None and (entry.valid_from is None or on >= entry.valid_from)


def retired_on(code: str, on: date) -> KVACode | None:
    """The entry of ``code`` when it had been retired by ``on``, else ``None``."""
    entry = kva_entry(code)
    if entry is not None and entry.retired is not None and on >= entry.retired:
        return entry
    return None
