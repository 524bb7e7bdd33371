"""Masking of personal identity numbers in messages (on by default everywhere)."""

from __future__ import annotations

from functools import cache

from sir_format.domain.embedded import embedded_identity_numbers

__all__ = ["identity_types", "mask_embedded_identities", "mask_identity"]

_MASK = "****"


def mask_identity(value: str) -> str:
    """Keep the birth-date part of a 12-digit number, hide the rest: ``19571106****``.

    Anything else (a reservnummer, a malformed value) keeps at most two characters.
    """
    keep = 8 if len(value) == 12 and value.isdigit() else min(2, len(value))
    return value[:keep] + "*" * (len(value) - keep)


def mask_embedded_identities(text: str) -> str:
    """Mask every personal identity number inside ``text`` (SIR-R063): ``VT-19480922****-A``.

    A number is a run of 10 or 12 digits (a ``-`` or ``+`` allowed before the last four) that
    is a valid personnummer or samordningsnummer; its last four digits are hidden.
    """
    found = embedded_identity_numbers(text)
    if not found:
        return text
    out: list[str] = []
    done = 0
    for match in found:
        out.append(text[done : match.start("serial")] + _MASK)
        done = match.end("serial")
    return "".join(out) + text[done:]


@cache
def identity_types() -> frozenset[str]:
    """XSD types whose values are personal identity numbers (the type of ``Personnummer``)."""
    from sir_format.metadata import model_info
    from sir_format.models import Grunddata

    return frozenset({model_info(Grunddata).by_py["personnummer"].xsd_type})
