"""Hypothesis entry point: register the report strategies when Hypothesis starts."""


def _hypothesis_setup_hook() -> None:
    """Register type strategies lazily (placeholder while the strategies are written)."""
