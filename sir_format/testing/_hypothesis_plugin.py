"""Hypothesis entry point: register the report strategies for ``st.from_type``.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, unless the environment
variable ``HYPOTHESIS_NO_PLUGINS`` is set. Registering imports the model classes only; the
strategies module is imported when a registered type is first resolved.

Registered: the report roots ``SIRData`` (:func:`~sir_format.testing.reports`) and
``SIRDataVer52`` (the same reports as the XML root object), ``Vardtillfalle``
(:func:`~sir_format.testing.episodes`), and the parts of a report that have a valid value of
their own: ``Huvud``, ``Grunddata`` and ``Diagnoser``, drawn as parts of a valid report.
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


def _header_strategy(cls: type) -> Any:
    from sir_format.testing.strategies import reports

    return reports(max_episodes=1).map(lambda r: r.huvud)


def _grunddata_strategy(cls: type) -> Any:
    from sir_format.testing.strategies import episodes

    return episodes().map(lambda e: e.grunddata)


def _diagnoses_strategy(cls: type) -> Any:
    from sir_format.testing.strategies import episodes

    return episodes().map(lambda e: e.diagnoser)


def _hypothesis_setup_hook() -> None:
    """Register the report roots, ``Vardtillfalle`` and its always-present parts."""
    from hypothesis import strategies as st

    from sir_format.models import Diagnoser, Grunddata, Huvud, SIRData, SIRDataVer52, Vardtillfalle

    st.register_type_strategy(SIRData, _report_strategy)
    st.register_type_strategy(SIRDataVer52, _root_strategy)
    st.register_type_strategy(Vardtillfalle, _episode_strategy)
    st.register_type_strategy(Huvud, _header_strategy)
    st.register_type_strategy(Grunddata, _grunddata_strategy)
    st.register_type_strategy(Diagnoser, _diagnoses_strategy)
