"""Public reading and writing verbs: XML, JSON, files, conversion and streaming.

The verbs mirror SIR's .NET packages (``ToXML()``, ``ToJsonDocument()``, ``Save()``,
``SaveAsync()``) and msgspec's symmetry::

    report = sir_format.load("rapport.xml")
    sir_format.save(report, "rapport.json")
    data = sir_format.to_xml(report)
    same = sir_format.from_xml(data)

A :class:`Codec` holds all cached state (compiled schema, binders, msgspec types) and the safety
:class:`Limits`; the module-level functions use a shared default codec.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

from sir_format import _xml
from sir_format._files import checked_path, write_atomically
from sir_format._xml import Limits
from sir_format.errors import ParseError, SirFormatError
from sir_format.metadata import model_info
from sir_format.models import Huvud, SIRData, Vardtillfalle

if TYPE_CHECKING:
    from sir_format._json import JsonCodec

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
_EXTENSIONS: dict[str, Format] = {".xml": "xml", ".json": "json"}
_BOM = b"\xef\xbb\xbf"
PathLike = str | os.PathLike[str]


def detect_format(data: bytes | str) -> Format:
    """Tell XML from JSON by the first significant character (a BOM is skipped)."""
    head = data[:4096].encode("utf-8") if isinstance(data, str) else data[:4096]
    head = head.removeprefix(_BOM).lstrip()
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json"
    raise ParseError("cannot tell the format: the input starts with neither '<' nor '{'")


def _format_of(path: Path, given: Format | None) -> Format | None:
    if given is not None:
        if given not in ("xml", "json"):
            raise SirFormatError(f"unknown format {given!r}; use 'xml' or 'json'")
        return given
    return _EXTENSIONS.get(path.suffix.lower())


class Codec:
    """Reads and writes reports; create one and reuse it (it caches compiled state).

    Args:
        limits: safety limits for reading (size, number of episodes).
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._json: JsonCodec | None = None

    @property
    def json(self) -> JsonCodec:
        if self._json is None:
            from sir_format._json import JsonCodec

            self._json = JsonCodec()
        return self._json

    # -- XML ----------------------------------------------------------------
    def from_xml(self, data: bytes | str) -> SIRData:
        """Parse and validate an XML report (``SIRDataVer52``)."""
        return _xml.read_xml(data, self.limits)

    def to_xml(self, report: SIRData) -> bytes:
        """Write a report as UTF-8 XML, schema order, deterministic."""
        return _xml.write_xml(report)

    # -- JSON ---------------------------------------------------------------
    def from_json(self, data: bytes | str) -> SIRData:
        """Parse and validate a JSON report (the ``SIRData`` object)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if self.limits.max_bytes is not None and len(raw) > self.limits.max_bytes:
            from sir_format.errors import InputTooLargeError

            raise InputTooLargeError(
                f"input is {len(raw)} bytes, above the limit of {self.limits.max_bytes} bytes"
            )
        report = self.json.decode(raw)
        limit = self.limits.episode_limit()
        if limit is not None and len(report.vardtillfalle) > limit:
            raise ParseError(
                f"{len(report.vardtillfalle)} episodes, above the limit of {limit} "
                "(raise Limits.max_episodes to read bulk files)"
            )
        return report

    def to_json(self, report: SIRData, *, pretty: bool = False) -> bytes:
        """Write a report as UTF-8 JSON, keys in schema order, deterministic."""
        return self.json.encode(report, pretty=pretty)

    # -- any format -----------------------------------------------------------
    def loads(self, data: bytes | str, format: Format | None = None) -> SIRData:
        """Parse XML or JSON; the format is detected from the content unless given."""
        chosen = format or detect_format(data)
        return self.from_xml(data) if chosen == "xml" else self.from_json(data)

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
        """Read a report file; the format comes from the extension, else from the content."""
        file = checked_path(path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise SirFormatError(f"cannot read {file}: {exc.strerror or exc}") from exc
        return self.loads(data, _format_of(file, format))

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
        return await asyncio.to_thread(self.load, path, format=format)

    async def save_async(
        self, report: SIRData, path: PathLike, *, format: Format | None = None
    ) -> None:
        """:meth:`save` in a worker thread."""
        await asyncio.to_thread(self.save, report, path, format=format)

    # -- streaming ----------------------------------------------------------
    def open_stream(self, source: PathLike | IO[bytes]) -> ReportStream:
        """Open an XML report for streaming: header first, then episodes one at a time."""
        return ReportStream(source, self.limits)

    def iter_episodes(self, source: PathLike | IO[bytes]) -> Iterator[Vardtillfalle]:
        """Yield the episodes of an XML report one at a time, in constant memory."""
        return iter(self.open_stream(source))


class ReportStream:
    """An XML report read incrementally: :attr:`header`, then iterate over episodes.

    Only the episode being handed out is held in memory; a 20,000-episode file streams in
    roughly constant space.
    """

    def __init__(self, source: PathLike | IO[bytes], limits: Limits | None = None) -> None:
        target: str | IO[bytes] = (
            os.fspath(source) if isinstance(source, str | os.PathLike) else source
        )
        if isinstance(target, str) and not checked_path(target).is_file():
            raise SirFormatError(f"cannot read {target}: no such file")
        self._elements = _xml.iter_episode_elements(target, limits)
        header_field = model_info(SIRData).fields[0]
        try:
            first = next(self._elements)
        except StopIteration:  # pragma: no cover - iter_episode_elements raises instead
            raise ParseError("the report is empty") from None
        self.header: Huvud = _xml.bind(first, header_field.python_type)
        self.count = 0

    def __iter__(self) -> Iterator[Vardtillfalle]:
        for element in self._elements:
            self.count += 1
            yield _xml.bind(element, Vardtillfalle)


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
