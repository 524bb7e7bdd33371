"""Hypothesis entry point: register the report strategies for ``st.from_type``.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported. The strategies module is
imported only when a registered type is first resolved.
"""

from __future__ import annotations

from typing import Any


def _report_strategy(cls: type) -> Any:
    from sir_format.testing.strategies import reports

    return reports()


def _root_strategy(cls: type) -> Any:
    from sir_format.models import SIRDataVer52
    from sir_format.testing.strategies import reports

    return reports().map(lambda r: SIRDataVer52(huvud=r.huvud, vardtillfalle=r.vardtillfalle))


def _episode_strategy(cls: type) -> Any:
    from sir_format.testing.strategies import episodes

    return episodes()


def _hypothesis_setup_hook() -> None:
    """Register ``SIRData``, ``SIRDataVer52`` and ``Vardtillfalle`` with Hypothesis."""
    from hypothesis import strategies as st

    from sir_format.models import SIRData, SIRDataVer52, Vardtillfalle

    st.register_type_strategy(SIRData, _report_strategy)
    st.register_type_strategy(SIRDataVer52, _root_strategy)
    st.register_type_strategy(Vardtillfalle, _episode_strategy)
