"""What the reading pipeline yields: fragments (the header, each episode) and problems.

Shared by the source readers (:mod:`._sources` for XML, bytes, paths and models;
:mod:`._json_source` for careful JSON) and the validator; it imports no reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from sir_format._paths import Location
from sir_format.metadata import model_info
from sir_format.models import SIRData
from sir_format.validation._base import Layer

__all__ = [
    "EPISODE",
    "EPISODE_CLASS",
    "HEADER",
    "HEADER_CLASS",
    "Fragment",
    "Item",
    "Problem",
    "Source",
]

HEADER, EPISODE = (f.wire_name for f in model_info(SIRData).fields)
HEADER_CLASS, EPISODE_CLASS = (f.python_type for f in model_info(SIRData).fields)


@dataclass(slots=True)
class Fragment:
    """The header or one episode, ready for the schema layer."""

    role: str  # HEADER or EPISODE (the wire names)
    element: etree._Element | None  # None when read straight into the model
    index: int | None  # 0-based episode position; None for the header
    location: Location
    keep_lines: bool
    suppressed: tuple[Location, ...] = ()
    flagged: tuple[Location, ...] = ()  # where the reader reported a problem (JSON)
    failed: bool = False  # the reader already found it invalid (JSON-only problems)
    model: Any = None  # the model object, when the fast JSON path read it


@dataclass(slots=True)
class Problem:
    """Something wrong found while reading, before any fragment is validated."""

    code: str
    layer: Layer
    params: dict[str, Any] = field(default_factory=dict)
    location: Location = ()
    line: int | None = None
    column: int | None = None
    raw: str | None = None
    episode_index: int | None = None
    stop: bool = False  # reading stopped: whatever followed was not seen


Item = Fragment | Problem


@dataclass(slots=True)
class Source:
    """An opened source: its name and format, and its items."""

    name: str
    format: str  # "xml", "json", "model" or "unknown"
    items: Iterator[Item]
    locate: Callable[[Location], tuple[int, int] | None] | None = None
    """Line and column of a location, where the items' findings have none (JSON input)."""
