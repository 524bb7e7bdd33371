"""What rules find (:class:`Hit`) and what a report holds (:class:`Finding`).

A finding renders its message from the rule catalog when it is read, so this module sits above
:mod:`sir_format.validation.catalog`; the catalog knows findings only by their shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sir_format._paths import Located, Location
from sir_format.validation._base import Severity
from sir_format.validation.catalog import render

__all__ = ["Finding", "Hit"]


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule found: message parameters and where.

    ``location`` is relative to the episode for episode rules (e.g.
    ``(("Grunddata", None), ("Kön", None))``) and absolute for file rules. ``severity``
    overrides the catalog severity for rules that have two (``E/W``, e.g. SIR-R037, SIR-R085).
    ``variant`` selects a message variant in the catalog for such rules (e.g. ``"W"``).
    """

    params: Mapping[str, Any] = field(default_factory=dict)
    location: Location = ()
    severity: Severity | None = None
    variant: str | None = None


@dataclass(frozen=True, slots=True)
class Finding(Located):
    """One validation finding.

    The message is rendered at read time from the catalog template and ``params``, so one
    report can be shown in Swedish and English. Identity numbers in ``params`` are masked
    unless ``reveal_identities=True``. ``episode`` is the episode key (``LokaltId``, else
    ``#<1-based position>``; an identity number in a ``LokaltId`` is always masked there) and
    ``episode_index`` its 0-based position; both are ``None`` for findings about the whole
    file. ``raw`` keeps the original diagnostic of schema findings (identity values masked).
    """

    code: str
    severity: Severity
    params: Mapping[str, Any]
    location: Location
    episode: str | None = None
    line: int | None = None
    column: int | None = None
    raw: str | None = None
    variant: str | None = None
    episode_index: int | None = None

    def message(self, lang: str = "sv", *, reveal_identities: bool = False) -> str:
        return render(self, lang, reveal_identities=reveal_identities)
