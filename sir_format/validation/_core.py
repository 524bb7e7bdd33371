"""What rules see and how they are registered: the episode context and the rule registry.

Rules are small functions registered with :func:`episode_rule` or small classes registered with
:func:`file_rule`. They never build messages: they yield :class:`Hit` objects (parameters and a
location); the validator turns hits into :class:`Finding` objects using the rule catalog, and a
finding renders its message in either language when asked.

The leaf types (:class:`Severity`, :class:`Layer`, :class:`Text`, :class:`Identity`,
:class:`LocalId`) live in ``_base`` and :class:`Hit`/:class:`Finding` in ``_findings``; they
are re-exported here, where the rules import them from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from sir_format._paths import Location
from sir_format._privacy import mask_embedded_identities
from sir_format.metadata import model_info
from sir_format.models import SIRData, Vardresultat
from sir_format.validation._base import Identity, Layer, LocalId, Severity, Text
from sir_format.validation._findings import Finding, Hit

if TYPE_CHECKING:
    from sir_format.models import Huvud, Vardtillfalle
    from sir_format.validation.unit import UnitDeclaration

__all__ = [
    "EpisodeContext",
    "EpisodeRule",
    "FileRule",
    "Finding",
    "Hit",
    "Identity",
    "Layer",
    "LocalId",
    "Severity",
    "Text",
    "episode_rule",
    "file_rule",
    "registered_episode_rules",
    "registered_file_rules",
]

_EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name


@dataclass(slots=True)
class EpisodeContext:
    """Everything an episode rule may look at."""

    episode: Vardtillfalle
    index: int
    header: Huvud
    unit: UnitDeclaration | None = None

    @property
    def key(self) -> str:
        """``LokaltId`` (an identity number in it masked) when present, else ``#<position>``."""
        local_id = self.episode.lokalt_id
        return mask_embedded_identities(local_id) if local_id else f"#{self.index + 1}"

    @property
    def location(self) -> Location:
        return ((_EPISODE, self.index),)

    @property
    def start(self) -> datetime:
        return self.episode.grunddata.inskrivningstid

    @property
    def end(self) -> datetime:
        return self.episode.grunddata.utskrivningstid

    @property
    def age(self) -> int:
        """Completed years at ``Inskrivningstid``."""
        born = self.episode.grunddata.fodelsedatum
        start = self.start.date()
        return start.year - born.year - ((start.month, start.day) < (born.month, born.day))

    @property
    def died(self) -> bool:
        return self.episode.grunddata.vardresultat is Vardresultat.AVLIDEN

    @property
    def death_date(self) -> date | None:
        return self.end.date() if self.died else None


EpisodeRule = Callable[[EpisodeContext], Iterable[Hit]]


class FileRule(Protocol):
    """A rule over the whole file, fed one episode at a time (streaming-friendly)."""

    code: str

    def start(self, header: Huvud, unit: UnitDeclaration | None) -> Iterable[Hit]: ...

    def visit(self, ctx: EpisodeContext) -> Iterable[Hit]: ...

    def finish(self) -> Iterable[Hit]: ...


_EPISODE_RULES: list[tuple[str, EpisodeRule]] = []
_FILE_RULES: list[tuple[str, Callable[[], FileRule]]] = []


def episode_rule(code: str) -> Callable[[EpisodeRule], EpisodeRule]:
    """Register an episode rule under a catalog code (several functions may share one code)."""

    def register(fn: EpisodeRule) -> EpisodeRule:
        _EPISODE_RULES.append((code, fn))
        return fn

    return register


def file_rule(code: str) -> Callable[[Callable[[], FileRule]], Callable[[], FileRule]]:
    """Register a file rule factory (a class) under a catalog code."""

    def register(factory: Callable[[], FileRule]) -> Callable[[], FileRule]:
        _FILE_RULES.append((code, factory))
        return factory

    return register


def registered_episode_rules() -> Iterator[tuple[str, EpisodeRule]]:
    yield from _EPISODE_RULES


def registered_file_rules() -> Iterator[tuple[str, Callable[[], FileRule]]]:
    yield from _FILE_RULES
