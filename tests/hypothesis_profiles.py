"""Hypothesis profiles of the test suite, chosen by ``SIR_HYPOTHESIS_PROFILE``.

- ``ci`` (the default): Hypothesis's 100 examples per property, and each test's own count
  where it sets one; the whole suite stays within a few minutes on two cores.
- ``nightly``: ten times as many examples everywhere, for a scheduled long run.
- ``dev``: a fifth of them, for a quick local loop.

A test that needs its own count writes ``settings(max_examples=examples(60))``: ``60`` under
``ci``, scaled like the default under the other profiles, so no test keeps a fixed count that
a profile cannot change.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE_VARIABLE = "SIR_HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "ci"
BASE_EXAMPLES = 100
"""Examples per property under ``ci`` (Hypothesis's own default); other profiles scale it."""

FACTORS = {"dev": 0.2, "ci": 1, "nightly": 10}
"""Each profile's number of examples as a multiple of ``ci``."""


def register_profiles() -> None:
    """Register every profile of :data:`FACTORS` and load the one the environment names."""
    for name, factor in FACTORS.items():
        settings.register_profile(
            name,
            max_examples=max(1, round(BASE_EXAMPLES * factor)),
            # Two busy cores make timings noisy; a deadline would fail tests at random.
            deadline=None,
            print_blob=True,
        )
    name = os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE)
    if name not in FACTORS:
        known = ", ".join(FACTORS)
        raise ValueError(f"{PROFILE_VARIABLE}={name!r} is not a profile (known: {known})")
    settings.load_profile(name)


def examples(n: int) -> int:
    """``n`` examples under ``ci``, scaled like the loaded profile's default elsewhere."""
    return max(1, round(n * settings.default.max_examples / BASE_EXAMPLES))
