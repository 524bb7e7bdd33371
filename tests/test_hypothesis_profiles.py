"""The Hypothesis profiles: chosen by the environment; explicit counts scale with them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings
from hypothesis_profiles import PROFILE_VARIABLE, examples, register_profiles


@pytest.fixture
def restore_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Give the test the environment; load the profile of the run again afterwards."""
    loaded = settings.default
    yield monkeypatch
    monkeypatch.undo()
    register_profiles()
    assert settings.default.max_examples == loaded.max_examples


@pytest.mark.parametrize(
    ("profile", "default", "sixty"),
    [("ci", 100, 60), ("nightly", 1000, 600), ("dev", 20, 12), (None, 100, 60)],
)
def test_the_environment_chooses_the_profile_and_explicit_counts_follow(
    restore_profile: pytest.MonkeyPatch, profile: str | None, default: int, sixty: int
) -> None:
    if profile is None:
        restore_profile.delenv(PROFILE_VARIABLE, raising=False)
    else:
        restore_profile.setenv(PROFILE_VARIABLE, profile)
    register_profiles()
    assert settings.default.max_examples == default
    assert settings.default.deadline is None
    assert examples(60) == sixty
    assert examples(1) >= 1


def test_an_unknown_profile_is_refused(restore_profile: pytest.MonkeyPatch) -> None:
    restore_profile.setenv(PROFILE_VARIABLE, "weekly")
    with pytest.raises(ValueError, match=r"SIR_HYPOTHESIS_PROFILE='weekly'.*ci, nightly"):
        register_profiles()
