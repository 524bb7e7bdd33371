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
"""

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "sir_format.testing needs Hypothesis: pip install 'sir-format[testing]'"
    ) from exc

from sir_format.testing.strategies import episodes, reports, values

__all__ = ["episodes", "reports", "values"]
