"""Hypothesis entry point: register the report strategies for ``st.from_type``.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, unless the environment
variable ``HYPOTHESIS_NO_PLUGINS`` is set. Registering imports the model classes only; the
strategies module is imported when a registered type is first resolved.

Registered: the report roots ``SIRData`` (:func:`~sir_format.testing.reports`) and
``SIRDataVer52`` (the same reports as the XML root object), ``Vardtillfalle``
(:func:`~sir_format.testing.episodes`), ``Huvud`` (the header of a valid report), and the
class of every module of ``Vårdtillfälle``, ``Grunddata`` and ``Diagnoser`` included
(:func:`~sir_format.testing.module`: coherent with a stay that the module applies to).
"""

from __future__ import annotations

from collections.abc import Callable
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


def _module_strategy(wire_name: str) -> Callable[[type], Any]:
    def strategy(cls: type) -> Any:
        from sir_format.testing.strategies import module

        return module(wire_name)

    return strategy


def _module_classes() -> dict[type, str]:
    """The model class of every module of ``Vårdtillfälle`` (rows of the §5.2 matrix)."""
    from sir_format.domain.registry import MATRIX
    from sir_format.metadata import Kind, model_info
    from sir_format.models import Vardtillfalle

    return {
        field.model.cls: field.wire_name
        for field in model_info(Vardtillfalle).fields
        if field.wire_name in MATRIX and field.kind is Kind.COMPLEX
    }


def _hypothesis_setup_hook() -> None:
    """Register the report roots, ``Vardtillfalle``, ``Huvud`` and every module class."""
    from hypothesis import strategies as st

    from sir_format.models import Huvud, SIRData, SIRDataVer52, Vardtillfalle

    st.register_type_strategy(SIRData, _report_strategy)
    st.register_type_strategy(SIRDataVer52, _root_strategy)
    st.register_type_strategy(Vardtillfalle, _episode_strategy)
    st.register_type_strategy(Huvud, _header_strategy)
    for cls, wire_name in _module_classes().items():
        st.register_type_strategy(cls, _module_strategy(wire_name))
