"""pytest fixtures for SIR test data; opt-in.

Turn it on for a test suite in its top ``conftest.py``::

    pytest_plugins = ["sir_format.testing.pytest_plugin"]

or for one run with ``pytest -p sir_format.testing.pytest_plugin``. The plugin is not
registered through a ``pytest11`` entry point: sir-format is a run-time dependency of the
systems that export reports, and pytest would then load it into every test session of every
environment that has sir-format installed. Loaded, it only defines fixtures and an option;
Hypothesis and the strategies are imported by the first fixture a test asks for.

Fixtures:

- ``sir_valid_report``: a valid report (``SIRData``);
- ``sir_invalid_case``: an :class:`~sir_format.testing.InvalidCase` with one labelled defect;
- ``sir_testdata``: a :class:`TestData` factory for reports and cases with options;
- ``sir_seed``: the test's seed.

Every draw is seeded: the base seed (``--sir-seed``, else ``--hypothesis-seed``, else 0)
and the test's node id give the test its seed, so a test gets the same data in every run and
every test its own. A failing test's report names the base seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any, cast

import pytest

if TYPE_CHECKING:
    from sir_format.models import SIRData
    from sir_format.testing._defects import InvalidCase

__all__ = ["SEED_OPTION", "TestData"]

SEED_OPTION = "--sir-seed"
"""The option that sets the base seed of the fixtures."""

_SECTION = "sir-format test data"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sir-format")
    group.addoption(
        SEED_OPTION,
        type=int,
        default=None,
        metavar="SEED",
        help="base seed of the sir-format test-data fixtures (default: --hypothesis-seed, else 0)",
    )


def _base_seed(config: pytest.Config) -> int:
    chosen = config.getoption("sir_seed", None)
    if chosen is None:
        chosen = config.getoption("hypothesis_seed", None)
    try:
        return int(chosen) if chosen is not None else 0
    except ValueError:  # Hypothesis takes any text as its seed
        return _derive(0, str(chosen))


def _derive(base: int, *parts: object) -> int:
    """A 64-bit seed from ``base`` and ``parts``, the same in every process."""
    text = ":".join(map(str, (base, *parts)))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


class TestData:
    """Seeded reports and invalid cases for one test (the ``sir_testdata`` fixture).

    Each call draws with its own seed, derived from the test's seed and the number of the
    call, so that two calls give different data and a rerun gives the same. Keyword options
    are those of :func:`sir_format.testing.reports` and
    :func:`sir_format.testing.invalid_reports`.

    Call it outside a running Hypothesis test: it runs Hypothesis itself.
    """

    __test__ = False  # not a test class, whatever pytest's naming rules say

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._calls = 0

    def _next(self) -> int:
        self._calls += 1
        return _derive(self.seed, self._calls)

    def report(self, **options: Any) -> SIRData | bytes:
        """One valid report: a ``SIRData``, or bytes with ``format="xml"|"json"``."""
        from sir_format.testing.corpus import seeded_example
        from sir_format.testing.strategies import reports

        result: SIRData | bytes = seeded_example(reports(**options), seed=self._next())
        return result

    def reports(self, count: int, **options: Any) -> list[SIRData | bytes]:
        """``count`` distinct valid reports."""
        from sir_format.testing.corpus import seeded_examples
        from sir_format.testing.strategies import reports

        return seeded_examples(reports(**options), count, seed=self._next())

    def invalid_case(self, defects: Iterable[str] | None = None, **options: Any) -> InvalidCase:
        """One invalid case; ``defects`` limits the defect codes drawn from."""
        from sir_format.testing import invalid_reports
        from sir_format.testing.corpus import seeded_example

        case: InvalidCase = seeded_example(
            invalid_reports(defects, **options), seed=self._next(), key=_payload
        )
        return case

    def invalid_cases(
        self, count: int, defects: Iterable[str] | None = None, **options: Any
    ) -> list[InvalidCase]:
        """``count`` invalid cases with distinct payloads."""
        from sir_format.testing import invalid_reports
        from sir_format.testing.corpus import seeded_examples

        cases: list[InvalidCase] = seeded_examples(
            invalid_reports(defects, **options), count, seed=self._next(), key=_payload
        )
        return cases


def _payload(case: InvalidCase) -> bytes:
    return case.payload


@pytest.fixture
def sir_seed(request: pytest.FixtureRequest) -> int:
    """The test's seed: the base seed and the test's node id."""
    return _derive(_base_seed(request.config), request.node.nodeid)


@pytest.fixture
def sir_testdata(sir_seed: int) -> TestData:
    """A factory of seeded reports and invalid cases with options (:class:`TestData`)."""
    return TestData(sir_seed)


@pytest.fixture
def sir_valid_report(sir_testdata: TestData) -> SIRData:
    """A valid report (``SIRData``), the same in every run of the test."""
    return cast("SIRData", sir_testdata.report())


@pytest.fixture
def sir_invalid_case(sir_testdata: TestData) -> InvalidCase:
    """An invalid report with one labelled defect, the same in every run of the test."""
    return sir_testdata.invalid_case()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    uses_data = "sir_seed" in getattr(item, "fixturenames", ())
    if uses_data and report.failed:
        base = _base_seed(item.config)
        report.sections.append(
            (_SECTION, f"base seed {base}: rerun with {SEED_OPTION}={base} for the same data")
        )
    return report
