"""Pytest plugin for mutation runs (``nox -s mutate``), loaded with ``-p tests.mutation_settings``.

Hypothesis runs derandomised, without a deadline, an example database or shrinking, so each
mutant gets the same verdict on every run and a failing example is reported without the time
spent minimising it. Tests that set ``max_examples`` themselves keep their count.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=20,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load the profile after the conftest files, before any test module is imported."""
    settings.load_profile("mutation")
