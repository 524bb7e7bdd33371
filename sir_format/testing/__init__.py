"""Hypothesis strategies for SIR reports (needs the ``testing`` extra: ``sir-format[testing]``).

>>> from hypothesis import given
>>> from sir_format.testing import reports
>>> @given(reports(max_episodes=2))
... def test_round_trip(report): ...

``reports()`` and ``episodes()`` build data that is valid against the XSD and, unless
``coherent=False``, follows the registry rules listed in :mod:`sir_format.testing.strategies`.
``values(field)`` draws one schema-valid value for a field of :mod:`sir_format.metadata`.

Installing the package also registers ``SIRData``, ``SIRDataVer52`` and ``Vardtillfalle`` with
Hypothesis, so ``st.from_type(SIRData)`` and ``@given(report=...)`` type inference use these
strategies.

The strategies need Hypothesis; the parts that do not draw with Hypothesis import without it.
"""

from typing import Any

# Public name -> the submodule that defines it. Submodules are imported on first use, so that
# the parts that do not draw with Hypothesis stay cheap to import.
_PUBLIC = {
    "MODULE_NAMES": "strategies",
    "codes": "strategies",
    "episodes": "strategies",
    "hsa_ids": "strategies",
    "module": "strategies",
    "personnummer": "strategies",
    "reservnummer": "strategies",
    "samordningsnummer": "strategies",
    "IdentitySource": "_identity",
    "reports": "strategies",
    "values": "strategies",
    "InvalidCase": "_defects",
    "Anonymized": "_anonymize",
    "Pseudonym": "_anonymize",
    "anonymize": "_anonymize",
    "anonymize_bytes": "_anonymize",
    "anonymize_file": "_anonymize",
    "anonymize_report": "_anonymize",
    "Label": "_defects",
    "CoverageRow": "_coverage",
    "check_case": "invalid",
    "coverage": "_coverage",
    "invalid_reports": "invalid",
    "CodeMap": "assertions",
    "assert_rejected_for": "assertions",
    "seeded_example": "corpus",
    "seeded_examples": "corpus",
    "write_corpus": "corpus",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sir_format.testing' has no attribute {name!r}")
    from importlib import import_module

    try:
        value = getattr(import_module(f"sir_format.testing.{module}"), name)
    except ImportError as exc:
        if exc.name != "hypothesis":
            raise
        raise ImportError(
            f"sir_format.testing.{name} needs Hypothesis: pip install 'sir-format[testing]'"
        ) from exc
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))


__all__ = [
    "MODULE_NAMES",
    "Anonymized",
    "CodeMap",
    "CoverageRow",
    "IdentitySource",
    "InvalidCase",
    "Label",
    "Pseudonym",
    "anonymize",
    "anonymize_bytes",
    "anonymize_file",
    "anonymize_report",
    "assert_rejected_for",
    "check_case",
    "codes",
    "coverage",
    "episodes",
    "hsa_ids",
    "invalid_reports",
    "module",
    "personnummer",
    "reports",
    "reservnummer",
    "samordningsnummer",
    "seeded_example",
    "seeded_examples",
    "values",
    "write_corpus",
]
