"""Public reading and writing verbs: XML, JSON, files, conversion and streaming.

The verbs mirror SIR's .NET packages (``ToXML()``, ``ToJsonDocument()``, ``Save()``,
``SaveAsync()``) and msgspec's symmetry::

    report = sir_format.load("rapport.xml")
    sir_format.save(report, "rapport.json")
    data = sir_format.to_xml(report)
    same = sir_format.from_xml(data)

A :class:`Codec` holds the safety :class:`Limits`; the module-level functions use a shared
default codec. Every reading verb goes through the one reading pipeline that ``validate`` uses
(:mod:`sir_format.validation._sources`): a read succeeds exactly when
``validate(..., profile="schema")`` finds no error, and a :class:`~sir_format.errors.ParseError`
carries the :class:`~sir_format.validation.Finding` that ``validate`` reports.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from sir_format import _xml
from sir_format._files import checked_path, write_atomically
from sir_format._input import EXTENSIONS, sniff, text_to_bytes
from sir_format._json import JsonCodec
from sir_format._xml import Limits
from sir_format.errors import ParseError, SirFormatError
from sir_format.models import Huvud, SIRData, Vardtillfalle

__all__ = [
    "Codec",
    "Format",
    "Limits",
    "ReportStream",
    "convert",
    "detect_format",
    "from_json",
    "from_xml",
    "iter_episodes",
    "load",
    "load_async",
    "open_stream",
    "save",
    "save_async",
    "to_json",
    "to_xml",
]

Format = Literal["xml", "json"]
PathLike = str | os.PathLike[str]


def detect_format(data: bytes | str) -> Format:
    """Tell XML from JSON by the first significant character (a BOM is skipped)."""
    head = text_to_bytes(data[:4096]) if isinstance(data, str) else bytes(data[:4096])
    found = sniff(head)
    if found is None:
        raise ParseError("cannot tell the format: the input starts with neither '<' nor '{'")
    return "xml" if found == "xml" else "json"


def _format_of(path: Path, given: Format | None) -> Format | None:
    if given is not None:
        if given not in ("xml", "json"):
            raise SirFormatError(f"unknown format {given!r}; use 'xml' or 'json'")
        return given
    found = EXTENSIONS.get(path.suffix.lower())
    return None if found is None else "xml" if found == "xml" else "json"


def _read(source: Any, limits: Limits, format: str | None) -> SIRData:
    """The reading pipeline (loaded on first use: it brings the validator's schema layer)."""
    from sir_format.validation import _reading

    return _reading.read(source, limits, format)


def _content(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return text_to_bytes(data)
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise ParseError(f"expected bytes or str, got {type(data).__name__}")


class Codec:
    """Reads and writes reports; create one and reuse it (it caches compiled state).

    Args:
        limits: safety limits for reading (size, number of episodes).
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.json = JsonCodec()

    # -- XML ----------------------------------------------------------------
    def from_xml(self, data: bytes | str) -> SIRData:
        """Parse and validate an XML report (``SIRDataVer52``)."""
        return _read(_content(data), self.limits, "xml")

    def to_xml(self, report: SIRData) -> bytes:
        """Write a report as UTF-8 XML, schema order, deterministic."""
        return _xml.write_xml(report)

    # -- JSON ---------------------------------------------------------------
    def from_json(self, data: bytes | str) -> SIRData:
        """Parse and validate a JSON report (the ``SIRData`` object)."""
        return _read(_content(data), self.limits, "json")

    def to_json(self, report: SIRData, *, pretty: bool = False) -> bytes:
        """Write a report as UTF-8 JSON, keys in schema order, deterministic."""
        return self.json.encode(report, pretty=pretty)

    # -- any format -----------------------------------------------------------
    def loads(self, data: bytes | str, format: Format | None = None) -> SIRData:
        """Parse XML or JSON; the format is detected from the content unless given."""
        return _read(_content(data), self.limits, format)

    def dumps(self, report: SIRData, format: Format) -> bytes:
        """Write a report in the given format."""
        if format == "xml":
            return self.to_xml(report)
        if format == "json":
            return self.to_json(report, pretty=True)
        raise SirFormatError(f"unknown format {format!r}; use 'xml' or 'json'")

    def convert(self, data: bytes | str, *, to: Format) -> bytes:
        """Convert a report between XML and JSON (the input format is detected)."""
        return self.dumps(self.loads(data), to)

    def load(self, path: PathLike, *, format: Format | None = None) -> SIRData:
        """Read a report file; the format comes from the content, else from the extension."""
        return _read(checked_path(path), self.limits, format)

    def save(self, report: SIRData, path: PathLike, *, format: Format | None = None) -> None:
        """Write a report file atomically; the format comes from the extension unless given."""
        file = checked_path(path)
        chosen = _format_of(file, format)
        if chosen is None:
            raise SirFormatError(
                f"cannot tell the format from {file.name!r}: use .xml or .json, or pass format="
            )
        data = self.dumps(report, chosen)
        write_atomically(file, data)

    async def load_async(self, path: PathLike, *, format: Format | None = None) -> SIRData:
        """:meth:`load` in a worker thread."""
        import asyncio  # deferred: asyncio costs about 20 ms to import

        return await asyncio.to_thread(self.load, path, format=format)

    async def save_async(
        self, report: SIRData, path: PathLike, *, format: Format | None = None
    ) -> None:
        """:meth:`save` in a worker thread."""
        import asyncio

        await asyncio.to_thread(self.save, report, path, format=format)

    # -- streaming ----------------------------------------------------------
    def open_stream(self, source: PathLike | IO[bytes]) -> ReportStream:
        """Open an XML report for streaming: header first, then episodes one at a time."""
        return ReportStream(source, self.limits)

    def iter_episodes(self, source: PathLike | IO[bytes]) -> Iterator[Vardtillfalle]:
        """Yield the episodes of an XML report one at a time, in constant memory."""
        return iter(self.open_stream(source))


class ReportStream:
    """A report read incrementally: :attr:`header`, then iterate over episodes.

    XML files stream: only the episode being handed out is held in memory, so a
    20,000-episode file reads in roughly constant space. The size limit does not apply; the
    episode limit does (raise ``Limits.max_episodes`` for bulk files).
    """

    def __init__(self, source: PathLike | IO[bytes], limits: Limits | None = None) -> None:
        chosen = limits or Limits()
        unbounded = Limits(max_bytes=None, max_episodes=chosen.max_episodes)
        target = checked_path(source) if isinstance(source, str | os.PathLike) else source
        self.header: Huvud
        from sir_format.validation import _reading

        self.header, self._episodes = _reading.stream(target, unbounded)
        self.count = 0

    def __iter__(self) -> Iterator[Vardtillfalle]:
        for episode in self._episodes:
            self.count += 1
            yield episode


_default = Codec()


def from_xml(data: bytes | str) -> SIRData:
    """Parse and validate an XML report. Raises :class:`~sir_format.errors.ParseError`."""
    return _default.from_xml(data)


def to_xml(report: SIRData) -> bytes:
    """Write a report as UTF-8 XML (schema order, deterministic)."""
    return _default.to_xml(report)


def from_json(data: bytes | str) -> SIRData:
    """Parse and validate a JSON report. Raises :class:`~sir_format.errors.ParseError`."""
    return _default.from_json(data)


def to_json(report: SIRData, *, pretty: bool = False) -> bytes:
    """Write a report as UTF-8 JSON (schema order, deterministic)."""
    return _default.to_json(report, pretty=pretty)


def convert(data: bytes | str, *, to: Format) -> bytes:
    """Convert a report between XML and JSON."""
    return _default.convert(data, to=to)


def load(path: PathLike, *, format: Format | None = None) -> SIRData:
    """Read a report file (format from the extension, else from the content)."""
    return _default.load(path, format=format)


def save(report: SIRData, path: PathLike, *, format: Format | None = None) -> None:
    """Write a report file atomically (format from the extension unless given)."""
    _default.save(report, path, format=format)


async def load_async(path: PathLike, *, format: Format | None = None) -> SIRData:
    """Asynchronous :func:`load`."""
    return await _default.load_async(path, format=format)


async def save_async(report: SIRData, path: PathLike, *, format: Format | None = None) -> None:
    """Asynchronous :func:`save`."""
    await _default.save_async(report, path, format=format)


def open_stream(source: PathLike | IO[bytes]) -> ReportStream:
    """Open an XML report for streaming (see :class:`ReportStream`)."""
    return _default.open_stream(source)


def iter_episodes(source: PathLike | IO[bytes]) -> Iterator[Vardtillfalle]:
    """Yield the episodes of an XML report one at a time, in constant memory."""
    return _default.iter_episodes(source)
