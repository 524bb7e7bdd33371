"""Masking of personal identity numbers in messages (on by default everywhere)."""

from __future__ import annotations

from functools import cache

__all__ = ["identity_types", "mask_identity"]


def mask_identity(value: str) -> str:
    """Keep the birth-date part of a 12-digit number, hide the rest: ``19571106****``.

    Anything else (a reservnummer, a malformed value) keeps at most two characters.
    """
    keep = 8 if len(value) == 12 and value.isdigit() else min(2, len(value))
    return value[:keep] + "*" * (len(value) - keep)


@cache
def identity_types() -> frozenset[str]:
    """XSD types whose values are personal identity numbers (the type of ``Personnummer``)."""
    from sir_format.metadata import model_info
    from sir_format.models import Grunddata

    return frozenset({model_info(Grunddata).by_py["personnummer"].xsd_type})
