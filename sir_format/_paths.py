"""Locations inside a report, and their three spellings.

A location is a tuple of steps ``(wire_name, index)``; ``index`` is the 0-based position of a
repeated element and ``None`` for a single one. It renders as

- a logical path: ``Vårdtillfälle[1]/Grunddata/Kön`` (1-based, like XPath, no root),
- an XPath: ``/SIRDataVer52/Vårdtillfälle[1]/Grunddata/Kön``,
- a JSON Pointer: ``/Vårdtillfälle/0/Grunddata/Kön``.
"""

from __future__ import annotations

from typing import TypeAlias

Step: TypeAlias = tuple[str, int | None]
Location: TypeAlias = tuple[Step, ...]

ROOT_NAME = "SIRDataVer52"


class Located:
    """Mixin: the three spellings of the ``location`` attribute of the class it is mixed into."""

    __slots__ = ()
    location: Location

    @property
    def path(self) -> str:
        """Logical path: ``Vårdtillfälle[1]/Grunddata/Kön``."""
        return logical_path(self.location)

    @property
    def xpath(self) -> str:
        """XPath: ``/SIRDataVer52/Vårdtillfälle[1]/Grunddata/Kön``."""
        return xpath(self.location)

    @property
    def json_pointer(self) -> str:
        """JSON Pointer: ``/Vårdtillfälle/0/Grunddata/Kön``."""
        return json_pointer(self.location)


def logical_path(location: Location) -> str:
    """``Vårdtillfälle[1]/Grunddata/Kön`` (1-based indices on repeated elements)."""
    return "/".join(name if index is None else f"{name}[{index + 1}]" for name, index in location)


def xpath(location: Location, root: str = ROOT_NAME) -> str:
    """``/SIRDataVer52/Vårdtillfälle[1]/Grunddata/Kön``."""
    return f"/{root}/{logical_path(location)}" if location else f"/{root}"


def json_pointer(location: Location) -> str:
    """``/Vårdtillfälle/0/Grunddata/Kön`` (RFC 6901, 0-based)."""
    parts: list[str] = []
    for name, index in location:
        parts.append(name.replace("~", "~0").replace("/", "~1"))
        if index is not None:
            parts.append(str(index))
    return "/" + "/".join(parts) if parts else ""
