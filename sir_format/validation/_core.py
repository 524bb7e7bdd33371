"""Core types of the validator: severities, layers, findings and the rule registry.

Rules are small functions registered with :func:`episode_rule` or small classes registered with
:func:`file_rule`. They never build messages: they yield :class:`Hit` objects (parameters and a
location); the validator turns hits into :class:`Finding` objects using the rule catalog, and a
finding renders its message in either language when asked.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sir_format._paths import Location, json_pointer, logical_path, xpath
from sir_format._privacy import mask_embedded_identities, mask_identity

if TYPE_CHECKING:
    from sir_format.models import Huvud, Vardtillfalle
    from sir_format.unit import UnitDeclaration

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


class Severity(enum.Enum):
    """How bad a finding is (data dictionary §6): fatal rejects the file, error the episode."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        """0 for fatal, 1 for error, 2 for warning (sort key: most severe first)."""
        return _RANK[self]


_RANK = {Severity.FATAL: 0, Severity.ERROR: 1, Severity.WARNING: 2}


class Layer(enum.Enum):
    """Validation layers, in the order they run."""

    WELLFORMED = "wellformed"
    SCHEMA = "schema"
    REGISTRY = "registry"
    UNIT = "unit"


@dataclass(frozen=True, slots=True)
class Text:
    """A message parameter that is itself text, in both languages (e.g. a reason)."""

    sv: str
    en: str

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True, slots=True)
class Identity:
    """A message parameter holding a personal identity number; masked when rendered."""

    value: str

    def masked(self) -> str:
        """Keep the birth date part, hide the rest: ``19571106****``."""
        return mask_identity(self.value)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Identity({self.masked()!r})"


@dataclass(frozen=True, slots=True)
class LocalId:
    """A message parameter holding a ``LokaltId``; an identity number in it is masked when
    rendered (``VT-19480922****-A``, SIR-R063)."""

    value: str

    def masked(self) -> str:
        return mask_embedded_identities(self.value)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"LocalId({self.masked()!r})"


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
        return (("Vårdtillfälle", self.index),)

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
        return self.episode.grunddata.vardresultat.value == "Avliden"

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


@dataclass(frozen=True, slots=True)
class Finding:
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

    @property
    def path(self) -> str:
        return logical_path(self.location)

    @property
    def xpath(self) -> str:
        return xpath(self.location)

    @property
    def json_pointer(self) -> str:
        return json_pointer(self.location)

    def message(self, lang: str = "sv", *, reveal_identities: bool = False) -> str:
        from sir_format.validation.catalog import render

        return render(self, lang, reveal_identities=reveal_identities)
