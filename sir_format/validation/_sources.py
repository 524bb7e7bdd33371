"""Turn any validation source into a stream of fragments and problems.

This is the one reading pipeline: the codec (``from_xml``, ``from_json``, ``load``,
``iter_episodes``, ``convert``) and ``validate`` both read through it. Opening (bytes, text,
path, file object, resource), the hardened parser, DOCTYPE refusal, BOM and encoding sniffing,
the size and episode limits, format detection and the extension map live here only.

Whatever the source (an XML file streamed with ``iterparse``, XML or JSON bytes, a model
object), the consumer sees the same thing: the ``Huvud``, then each ``Vårdtillfälle``,
interleaved with problems found while reading (well-formedness, the root and its direct
content). XML fragments are lxml elements with the wire names of the schema, checked by the
schema layer and then bound to the model. JSON is first decoded by the fast path straight into
the model (:func:`sir_format._json.decode_fast`), which accepts only schema-valid input; when it
declines, the JSON is decoded again and rebuilt as the equivalent element tree, so that the
same schema layer names every problem. Model objects are written as XML first. So every source
gives the same codes and logical paths.

An XML fragment is cleared as soon as the consumer asks for the next item, so a file of any
size is read in roughly constant memory.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from lxml import etree

from sir_format import _xml
from sir_format._files import checked_path
from sir_format._input import BOM as _BOM
from sir_format._input import (
    EXTENSIONS,
    XSD_SPACE,
    sniff,
    text_to_bytes,
    unicode_encoding,
)
from sir_format._paths import Location
from sir_format.errors import SerializeError, SirFormatError
from sir_format.metadata import ROOT_ELEMENT, Kind, model_info
from sir_format.models import SIRData, Vardtillfalle
from sir_format.validation._base import Layer, Text
from sir_format.validation._diagnostics import (
    declared_encoding,
    encoding_detail,
    first_undecodable,
    xml_detail,
)
from sir_format.validation._fragments import (
    EPISODE,
    EPISODE_CLASS,
    HEADER,
    HEADER_CLASS,
    Fragment,
    Item,
    Problem,
    Source,
)
from sir_format.validation.catalog import get_rule

__all__ = [
    "EPISODE",  # the fragment types are defined in _fragments and re-exported
    "EPISODE_CLASS",
    "EXTENSIONS",
    "HEADER",
    "HEADER_CLASS",
    "Fragment",
    "Problem",
    "Source",
    "bind",
    "fast_json",
    "open_source",
    "parse_logical_path",
    "sniff",
    "text_to_bytes",
    "trim_free_text",
]

_STREAM_ABOVE = 16 * 1024 * 1024  # XML bytes above this are parsed as a stream (memory)
bind = _xml.bind
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_VERSIONED_ROOT = re.compile(r"^SIRDataVer(\d)(\d+)$")
_CHUNK = 1 << 20


# --------------------------------------------------------------------------- opening


def open_source(source: Any, limits: _xml.Limits, format: str | None = None) -> Source:
    """Open ``source`` (model, bytes, text, path, resource, binary file object).

    ``format`` (``"xml"`` or ``"json"``) reads the input as that format whatever it looks
    like; by default the content decides, and for a path whose content is neither, the
    extension. Raises only on misuse (an unsupported type) or an unreadable path.
    """
    if isinstance(source, SIRData):
        return Source("<model>", "model", _model_items(source))
    if isinstance(source, bytes | bytearray | memoryview):
        return _from_bytes(bytes(source), "<bytes>", limits, format)
    if isinstance(source, str) and _looks_like_content(source):
        return _from_bytes(text_to_bytes(source), "<text>", limits, format)
    if isinstance(source, str | os.PathLike):
        return _from_path(Path(source), limits, format)
    if callable(getattr(source, "read_bytes", None)):  # importlib.resources Traversable
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise SirFormatError(f"cannot read {source}: {exc.strerror or exc}") from None
        return _from_bytes(data, str(getattr(source, "name", "<resource>")), limits, format)
    if callable(getattr(source, "read", None)):  # a binary file object
        data = source.read()
        if not isinstance(data, bytes):
            raise TypeError("validate() reads binary file objects: open the file with 'rb'")
        return _from_bytes(data, str(getattr(source, "name", "<stream>")), limits, format)
    raise TypeError(
        "validate() takes a report model (SIRData), XML or JSON bytes or text, or a path; "
        f"got {type(source).__name__}"
    )


def _looks_like_content(text: str) -> bool:
    head = text[:1024].lstrip("\ufeff \t\r\n")
    return head.startswith(("<", "{", "[")) or "\n" in text or len(text) > 4096 or not head


def _from_path(path: Path, limits: _xml.Limits, format: str | None = None) -> Source:
    path = checked_path(path)
    try:
        handle = path.open("rb")
        head = handle.read(4096)
    except OSError as exc:
        raise SirFormatError(f"cannot read {path}: {_reason(exc)}") from None
    kind = format or _sniff(head, path.suffix.lower())
    size = os.fstat(handle.fileno()).st_size
    if too_large(size, limits):  # before reading on: an XML file would stream past it
        handle.close()
        return Source(str(path), kind, iter([_size_problem(size, limits)]))
    if kind != "xml" or not head.removeprefix(_BOM).strip():  # blank: empty, as bytes are
        try:
            data = head + handle.read()
        except OSError as exc:
            raise SirFormatError(f"cannot read {path}: {_reason(exc)}") from None
        finally:
            handle.close()
        return _from_bytes(data, str(path), limits, format)
    handle.seek(0)
    items = _xml_items(handle, keep_lines=True, limits=limits, encoding=_stream_encoding(head))
    return Source(str(path), "xml", _closing(handle, items))


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _closing(handle: IO[bytes], items: Iterator[Item]) -> Iterator[Item]:
    with handle:
        yield from items


def _stream_encoding(head: bytes) -> str | None:
    """The encoding to tell libxml2's stream parser, which does not detect UTF-32 itself."""
    return {"utf-32-be": "UTF-32BE", "utf-32-le": "UTF-32LE"}.get(unicode_encoding(head) or "")


def _sniff(head: bytes, suffix: str = "") -> str:
    return sniff(head) or EXTENSIONS.get(suffix, "unknown")


def too_large(size: int, limits: _xml.Limits) -> bool:
    """Whether ``size`` bytes are above the size limit (the one place that decides it)."""
    return limits.max_bytes is not None and size > limits.max_bytes


def _size_problem(size: int, limits: _xml.Limits) -> Problem:
    return Problem(
        "SIR-X003", Layer.WELLFORMED, {"size": size, "limit": limits.max_bytes}, stop=True
    )


def _from_bytes(data: bytes, name: str, limits: _xml.Limits, format: str | None = None) -> Source:
    kind = format or _sniff(data[:4096])
    if too_large(len(data), limits):
        return Source(name, kind, iter([_size_problem(len(data), limits)]))
    if not data.strip() or not data.removeprefix(_BOM).strip():
        return Source(name, kind, iter([Problem("SIR-X007", Layer.WELLFORMED, stop=True)]))
    if kind == "json":
        return Source(name, "json", _json_items(data, limits), _json_positions(data))
    if kind == "unknown":
        return Source(name, kind, iter([Problem("SIR-X008", Layer.WELLFORMED, stop=True)]))
    if len(data) > _STREAM_ABOVE:  # a whole tree costs ~8x the input: stream large input
        stream = io.BytesIO(data)
        encoding = _stream_encoding(data)
        return Source(
            name, "xml", _xml_items(stream, keep_lines=True, limits=limits, encoding=encoding)
        )
    return Source(name, "xml", _xml_items(data, keep_lines=True, limits=limits))


def fast_json(data: bytes, limits: _xml.Limits) -> SIRData | None:
    """The report, when the fast path accepts JSON ``data`` within ``limits``; else None."""
    if too_large(len(data), limits):
        return None
    from sir_format import _json

    try:
        report = _json.decode_fast(data.removeprefix(_BOM))
    except _json.Rejected:
        return None
    limit = limits.episode_limit()
    if limit is not None and len(report.vardtillfalle) > limit:
        return None
    return report


def _json_positions(data: bytes) -> Callable[[Location], tuple[int, int] | None]:
    """Line and column of a location in JSON ``data`` (the index is built on first use)."""
    positions: list[Callable[[Location], tuple[int, int] | None]] = []

    def locate(location: Location) -> tuple[int, int] | None:
        if not positions:
            from sir_format.validation._json_source import JsonPositions

            positions.append(JsonPositions(data))
        return positions[0](location)

    return locate


def _json_items(data: bytes, limits: _xml.Limits) -> Iterator[Item]:
    """The fast path's models, or (when it declines) the careful path's fragments."""
    report = fast_json(data, limits)
    if report is None:
        from sir_format.validation._json_source import json_items

        yield from json_items(data, limits)
        return
    yield Fragment(HEADER, None, None, ((HEADER, None),), False, model=report.huvud)
    for index, episode in enumerate(report.vardtillfalle):
        yield Fragment(EPISODE, None, index, ((EPISODE, index),), False, model=episode)


# --------------------------------------------------------------------------- XML


@cache
def _free_text_places(tag: str) -> tuple[tuple[str, ...], frozenset[tuple[str, str]]]:
    """In a fragment ``tag``: wire names of its free-text elements, and (parent, name) pairs."""
    pairs: set[tuple[str, str]] = set()
    fragments = {f.wire_name: f for f in model_info(SIRData).fields}

    def visit(wire: str, cls: type) -> None:
        for g in model_info(cls).fields:
            if g.free_text:
                pairs.add((wire, g.wire_name))
            elif g.kind is Kind.COMPLEX:
                visit(g.wire_name, g.python_type)

    if tag in fragments:
        visit(tag, fragments[tag].python_type)
    return tuple(sorted({name for _, name in pairs})), frozenset(pairs)


def trim_free_text(element: etree._Element) -> None:
    """Trim the free text in a fragment in place (D2), before the schema sees it."""
    names, pairs = _free_text_places(element.tag)
    if not names:
        return
    for node in element.iter(*names):
        parent = node.getparent()
        if parent is not None and (parent.tag, node.tag) in pairs and node.text:
            node.text = node.text.strip(XSD_SPACE)


class _TreeEvents:
    """``iterparse``-like ``("end", element)`` events over a document already in memory.

    Bytes that are in memory anyway are parsed in one call (about half the cost of
    ``iterparse`` over a ``BytesIO``); files keep streaming.
    """

    def __init__(self, data: bytes) -> None:
        self.root: etree._Element = etree.fromstring(data, _xml._parser())

    def __iter__(self) -> Iterator[tuple[str, etree._Element]]:
        # Walk siblings instead of a list(root) snapshot: the snapshot would keep every
        # episode's node alive after it is cleared and removed, leaving thousands of small
        # live chunks between freed ones, and glibc's malloc then slows down with the number
        # of episodes already seen (the per-episode cost of validate() grew with file size).
        child = self.root[0] if len(self.root) else None
        while child is not None:
            following = child.getnext()
            if child.tag in (HEADER, EPISODE):
                yield "end", child
            child = following


def _xml_items(
    source: IO[bytes] | bytes,
    *,
    keep_lines: bool,
    limits: _xml.Limits | None = None,
    encoding: str | None = None,
) -> Iterator[Item]:
    """The fragments of an XML document (streamed from a file), checking the root's content."""
    limit = (limits or _xml.Limits(max_bytes=None)).episode_limit()
    state = _RootState(keep_lines=keep_lines, limit=limit, source=source)
    try:
        context: Any = (
            _TreeEvents(source)
            if isinstance(source, bytes)
            else etree.iterparse(
                source,
                events=("end",),
                tag=(HEADER, EPISODE),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
                remove_pis=True,
                encoding=encoding,
            )
        )
        for _, element in context:
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # nested: part of a fragment, the schema reports it
            if not state.started:
                yield from state.start(parent)
                if state.stopped:
                    return
            yield from state.between(parent, element)
            if state.wrong_root:
                element.clear(keep_tail=True)
                continue
            yield from state.fragment(element)
            if state.stopped:
                return
            element.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position and exc.position[0] else (None, None)
        yield Problem(
            "SIR-X001",
            Layer.WELLFORMED,
            {"detail": _syntax_detail(exc, source, encoding)},
            line=line if keep_lines else None,
            column=column if keep_lines else None,
            raw=exc.msg,
            stop=True,
        )
        return
    root = _root_of(context)
    if root is None:  # pragma: no cover - iterparse raises on an empty document
        yield Problem("SIR-X007", Layer.WELLFORMED, stop=True)
        return
    if not state.started:
        yield from state.start(root)
        if state.stopped:
            return
    yield from state.finish(root)


_ENCODING_ERRORS = (etree.ErrorTypes.ERR_INVALID_ENCODING, etree.ErrorTypes.ERR_INVALID_CHAR)


def _syntax_detail(
    exc: etree.XMLSyntaxError, source: IO[bytes] | bytes, encoding: str | None
) -> Text:
    """SIR-X001's detail: bytes not in the file's encoding (with their byte offset), or the
    kind of libxml2 error in the catalog's words."""
    code = exc.code
    if code in _ENCODING_ERRORS and encoding is None:
        chunks = _chunks(source)
        head = next(chunks, b"")
        declared = declared_encoding(head)
        if declared is not None or unicode_encoding(head) is None:
            wanted = declared or "utf-8"
            found = first_undecodable(itertools.chain([head], chunks), wanted)
            if found is not None:
                return encoding_detail(*found, wanted, declared is not None)
    return xml_detail(code, exc.msg or "")


def _chunks(source: IO[bytes] | bytes) -> Iterator[bytes]:
    """The source's bytes from the start, a chunk at a time (a file is read again)."""
    if isinstance(source, bytes):
        yield source
        return
    try:
        source.seek(0)
        while chunk := source.read(_CHUNK):
            yield chunk
    except (OSError, ValueError):  # pragma: no cover - a file that cannot be read again
        return


def _doctype_line(source: IO[bytes] | bytes) -> int | None:
    """The line of the DOCTYPE declaration, when it is in the first chunk of an ASCII-based
    encoding (None otherwise: it is not guessed)."""
    head = next(_chunks(source), b"")
    at = head.find(b"<!DOCTYPE")
    return head.count(b"\n", 0, at) + 1 if at >= 0 else None


def _root_of(context: Any) -> etree._Element | None:
    root = getattr(context, "root", None)
    return root if isinstance(root, etree._Element) else None


def _has_doctype(root: etree._Element) -> bool:
    info = root.getroottree().docinfo
    return bool(info.doctype) or info.internalDTD is not None


@dataclass(slots=True)
class _RootState:
    """The root element and its direct content, checked as the stream goes."""

    keep_lines: bool
    limit: int | None
    source: IO[bytes] | bytes | None = None
    started: bool = False
    stopped: bool = False
    wrong_root: bool = False
    header_seen: bool = False
    header_missing: bool = False
    count: int = 0
    last: etree._Element | None = None

    def _line(self, element: etree._Element) -> int | None:
        return element.sourceline if self.keep_lines else None

    def start(self, root: etree._Element) -> Iterator[Problem]:
        self.started = True
        if _has_doctype(root):
            self.stopped = True
            line = _doctype_line(self.source) if self.source is not None else None
            yield Problem("SIR-X002", Layer.WELLFORMED, line=line if self.keep_lines else None)
            return
        tag = root.tag if isinstance(root.tag, str) else "?"
        if tag != ROOT_ELEMENT:
            self.wrong_root = True
            versioned = _VERSIONED_ROOT.match(tag)
            if versioned:
                version = f"{versioned.group(1)}.{versioned.group(2)}"
                yield Problem(
                    "SIR-R003", Layer.SCHEMA, {"v": version}, line=self._line(root), raw=tag
                )
            else:
                yield Problem(
                    "SIR-X010",
                    Layer.SCHEMA,
                    {"element": tag, "expected": ROOT_ELEMENT},
                    line=self._line(root),
                )
            return
        for name in root.attrib:
            if not name.startswith(_XSI):
                yield Problem(
                    "SIR-X042",
                    Layer.SCHEMA,
                    {"element": ROOT_ELEMENT, "attribute": name},
                    line=self._line(root),
                )

    def _text(self, text: str | None, root: etree._Element) -> Iterator[Problem]:
        if text and text.strip() and not self.wrong_root:
            yield Problem(
                "SIR-X040", Layer.SCHEMA, {"element": ROOT_ELEMENT}, line=self._line(root)
            )

    def between(self, root: etree._Element, element: etree._Element) -> Iterator[Problem]:
        """Check and drop what precedes ``element`` at the root: the last fragment, junk."""
        if self.last is None:
            yield from self._text(root.text, root)
        while True:
            previous = element.getprevious()
            if previous is None:
                break
            if previous is not self.last:
                yield from self._unexpected(previous)
            yield from self._text(previous.tail, root)
            root.remove(previous)

    def _unexpected(self, element: etree._Element) -> Iterator[Problem]:
        if self.wrong_root or not isinstance(element.tag, str):
            return
        expected: Any = EPISODE if self.header_seen else HEADER
        yield Problem(
            "SIR-X011",
            Layer.SCHEMA,
            {"element": element.tag, "expected": expected},
            location=((element.tag, None),),
            line=self._line(element),
        )

    def fragment(self, element: etree._Element) -> Iterator[Item]:
        self.last = element
        trim_free_text(element)
        line = self._line(element)
        if element.tag == HEADER:
            if self.header_seen or self.count:
                code = "SIR-X014" if self.header_seen else "SIR-X011"
                params: dict[str, Any] = (
                    {"element": HEADER, "n": 1}
                    if self.header_seen
                    else {"element": HEADER, "expected": EPISODE}
                )
                yield Problem(code, Layer.SCHEMA, params, location=((HEADER, 1),), line=line)
                return
            self.header_seen = True
            yield Fragment(HEADER, element, None, ((HEADER, None),), self.keep_lines)
            return
        if not self.header_seen and not self.header_missing:
            self.header_missing = True
            yield Problem(
                "SIR-X012",
                Layer.SCHEMA,
                {"element": HEADER},
                location=((HEADER, None),),
                line=line,
            )
        index = self.count
        self.count += 1
        if self.limit is not None and index == self.limit:
            # a hard limit, like the size limit: reading stops here (JSON does the same)
            self.stopped = True
            yield Problem(
                "SIR-X014",
                Layer.SCHEMA,
                {"element": EPISODE, "n": self.limit},
                location=((EPISODE, index),),
                line=line,
                episode_index=index,
                stop=True,
            )
            return
        yield Fragment(EPISODE, element, index, ((EPISODE, index),), self.keep_lines)

    def finish(self, root: etree._Element) -> Iterator[Problem]:
        if self.wrong_root:
            return
        if self.last is None:
            yield from self._text(root.text, root)
        for child in root:
            if child is not self.last:
                yield from self._unexpected(child)
            yield from self._text(child.tail, root)
        if not self.header_seen and not self.header_missing:
            yield Problem(
                "SIR-X012", Layer.SCHEMA, {"element": HEADER}, location=((HEADER, None),)
            )
        if not self.count:
            yield Problem(
                "SIR-X012", Layer.SCHEMA, {"element": EPISODE}, location=((EPISODE, None),)
            )


# --------------------------------------------------------------------------- model objects


def _model_items(report: SIRData) -> Iterator[Item]:
    """Write the model as XML and stream that; a value that cannot be written is a finding."""
    try:
        data = _xml.write_xml(report)
    except SerializeError:
        yield from _model_items_one_by_one(report)
        return
    yield from _xml_items(data, keep_lines=False)


@cache
def _stand_ins() -> tuple[Any, Vardtillfalle]:
    """A valid header and episode (the bundled example) to write the others beside."""
    data = resources.files("sir_format").joinpath("examples", "iva.xml").read_bytes()
    root = etree.fromstring(data, _xml._parser())
    header, episode = root[0], root[1]
    trim_free_text(header)
    return bind(header, HEADER_CLASS), bind(episode, EPISODE_CLASS)


def _model_items_one_by_one(report: SIRData) -> Iterator[Item]:
    """Write the header and each episode on its own, to find every value that cannot be."""
    header, episode = _stand_ins()
    element = _written(SIRData(huvud=report.huvud, vardtillfalle=[episode]), None)
    if isinstance(element, Problem):
        yield element
    else:
        yield Fragment(HEADER, element[0], None, ((HEADER, None),), keep_lines=False)
    episodes = report.vardtillfalle
    if not isinstance(episodes, list):
        yield Problem(
            "SIR-X060",
            Layer.SCHEMA,
            {"element": EPISODE, "detail": Text(sv="ska vara en lista", en="expected a list")},
            location=((EPISODE, None),),
        )
        return
    if not episodes:
        yield Problem("SIR-X012", Layer.SCHEMA, {"element": EPISODE}, location=((EPISODE, None),))
    for index, item in enumerate(episodes):
        written = _written(SIRData(huvud=header, vardtillfalle=[item]), index)
        if isinstance(written, Problem):
            yield written
        else:
            yield Fragment(EPISODE, written[1], index, ((EPISODE, index),), keep_lines=False)


def _written(report: SIRData, index: int | None) -> etree._Element | Problem:
    try:
        data = _xml.write_xml(report)
    except SerializeError as exc:
        location = parse_logical_path(exc.path or "")
        if index is not None and location and location[0][0] == EPISODE:
            location = ((EPISODE, index), *location[1:])
        element = location[-1][0] if location else ROOT_ELEMENT
        return Problem(
            "SIR-X060",
            Layer.SCHEMA,
            {"element": element, "detail": _unwritable_detail(exc.message)},
            location=location,
            episode_index=index,
            raw=str(exc),
        )
    return etree.fromstring(data, _xml._parser())


def _unwritable_detail(message: str) -> Text | str:
    """Why a value cannot be written, in Swedish and English (the SIR-X060 texts of the
    catalog); the writer's own message if it is of no known form."""
    known = _xml.write_problem(message)
    if known is None:
        return message
    key, found = known
    params: dict[str, Any] = dict(found)
    if "expected" in params:  # "Decimal or int": the names of the types, joined per language
        names = found["expected"].split(" or ")
        params["expected"] = Text(sv=" eller ".join(names), en=" or ".join(names))
    return get_rule("SIR-X060").text(key, **params)


_STEP = re.compile(r"^(.*?)(?:\[(\d+)\])?$")


def parse_logical_path(path: str) -> Location:
    """``Vårdtillfälle[2]/Grunddata/Kön`` → ``(("Vårdtillfälle", 1), ("Grunddata", None), …)``."""
    steps = []
    for part in filter(None, path.split("/")):
        match = _STEP.match(part)
        assert match is not None
        name, number = match.groups()
        steps.append((name, int(number) - 1 if number else None))
    return tuple(steps)
