"""XML codec: hardened parsing, schema checks, binding to the model and a fast writer.

Design (see ``docs/xml-json.md``):

- Parsing uses one hardened :class:`lxml.etree.XMLParser`: no DTD loading, no entity
  resolution, no network, no huge trees; a document with a DOCTYPE is refused outright.
- Validation uses the shipped XSD through libxml2. The root's content (``Huvud`` then
  ``Vårdtillfälle`` elements) is checked here; the header and every episode are validated as
  fragments against a schema derived in memory from the same XSD (the root's child element
  declarations made global). That keeps errors local to an episode, lets large files stream, and
  makes the episode limit a setting (:class:`Limits`) instead of a hard schema failure.
- Binding walks the validated tree and calls the dataclass constructors directly, with one
  converter per field built once from :mod:`sir_format.metadata`.
- Writing walks the model with one formatter per field, emitting schema order and canonical
  lexical forms; the same object always gives the same bytes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import IO, Any, TypeVar, cast

from lxml import etree

from sir_format._gc import gc_paused
from sir_format._paths import Location, Step, logical_path
from sir_format._privacy import identity_types, mask_identity
from sir_format.errors import (
    InputTooLargeError,
    ParseError,
    SchemaVersionError,
    SerializeError,
)
from sir_format.metadata import ROOT_ELEMENT, FieldInfo, Kind, model_info
from sir_format.models import SIRData

__all__ = [
    "Limits",
    "bind",
    "fragment_schema",
    "iter_episode_elements",
    "location_of",
    "parse_document",
    "read_xml",
    "write_xml",
    "xml_schema",
]

T = TypeVar("T")
XSD_NS = "http://www.w3.org/2001/XMLSchema"
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for reading.

    Attributes:
        max_bytes: largest accepted input for whole-document reads (default 256 MiB);
            ``None`` for no limit. Streaming reads (:func:`iter_episodes`) ignore it.
        max_episodes: most ``Vårdtillfälle`` elements in one file. Defaults to the schema's
            ``maxOccurs`` (5000); raise it (or ``None``) to read larger bulk files.
    """

    max_bytes: int | None = 256 * _MiB
    max_episodes: int | None = -1  # -1: take the schema's maxOccurs

    def episode_limit(self) -> int | None:
        if self.max_episodes is not None and self.max_episodes < 0:
            return model_info(SIRData).by_py["vardtillfalle"].max_occurs
        return self.max_episodes


# --------------------------------------------------------------------------- parsing


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _syntax_error(exc: etree.XMLSyntaxError) -> ParseError:
    line, column = exc.position if exc.position else (None, None)
    message = exc.msg or "not well-formed XML"
    message = re.sub(r",? line \d+, column \d+$", "", message)
    return ParseError(f"XML is not well-formed: {message}", line=line, column=column)


def _check_size(data: bytes, limits: Limits) -> None:
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        raise InputTooLargeError(
            f"input is {len(data)} bytes, above the limit of {limits.max_bytes} bytes "
            "(raise Limits.max_bytes, or stream it with iter_episodes)"
        )


def parse_document(data: bytes | str, limits: Limits | None = None) -> etree._ElementTree:
    """Parse bytes (or text) into an lxml tree with the hardened parser."""
    limits = limits or Limits()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if isinstance(data, str) and raw.lstrip().startswith(b"<?xml"):
        # a declared encoding would contradict the text we were given: re-declare UTF-8
        raw = re.sub(rb"^(\s*<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']", rb"\1", raw, count=1)
    _check_size(raw, limits)
    if not raw.strip():
        raise ParseError("input is empty")
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    tree = root.getroottree()
    _refuse_doctype(tree)
    return tree


def _refuse_doctype(tree: etree._ElementTree) -> None:
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ParseError("DOCTYPE declarations (DTDs, entities) are not allowed", line=1)


# --------------------------------------------------------------------------- schemas


@cache
def xml_schema() -> etree.XMLSchema:
    """The shipped XSD, compiled (whole documents)."""
    return etree.XMLSchema(_xsd_document())


def _xsd_document() -> etree._ElementTree:
    source = resources.files("sir_format.schemas").joinpath("SIRDataVer52.xsd").read_bytes()
    return etree.fromstring(source, _parser()).getroottree()


@cache
def fragment_schema() -> etree.XMLSchema:
    """The XSD with the root's child elements declared globally, for fragment validation."""
    doc = _xsd_document()
    schema_el = doc.getroot()
    for f in model_info(SIRData).fields:
        element = etree.SubElement(schema_el, f"{{{XSD_NS}}}element")
        element.set("name", f.wire_name)
        element.set("type", f.xsd_type)
    return etree.XMLSchema(doc)


def location_of(element: etree._Element) -> Location:
    """The logical location of an element in a report tree (root excluded)."""
    steps: list[Step] = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        assert parent is not None
        tag = node.tag if isinstance(node.tag, str) else "?"
        repeated = _is_repeated(parent, tag)
        index = None
        if repeated:
            index = sum(1 for _ in node.itersiblings(tag, preceding=True))
        steps.append((tag, index))
        node = parent
    return tuple(reversed(steps))


def _field_of(element: etree._Element) -> FieldInfo | None:
    """The metadata of an element in a report tree, or None outside the model."""
    parent = element.getparent()
    if parent is None or not isinstance(element.tag, str):
        return None
    cls = _model_at(parent)
    return model_info(cls).by_wire.get(element.tag) if cls is not None else None


def _model_at(element: etree._Element) -> type | None:
    chain: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        chain.append(node.tag if isinstance(node.tag, str) else "?")
        node = node.getparent()
    cls: type = SIRData
    for name in reversed(chain[:-1]):
        field_info = model_info(cls).by_wire.get(name)
        if field_info is None or field_info.kind is not Kind.COMPLEX:
            return None
        cls = field_info.python_type
    return cls


def _is_repeated(parent: etree._Element, tag: str) -> bool:
    cls = _model_at(parent)
    field_info = model_info(cls).by_wire.get(tag) if cls is not None else None
    return bool(field_info and field_info.is_list)


def _schema_error(schema: etree.XMLSchema, element: etree._Element) -> ParseError:
    error = schema.error_log.last_error
    message = error.message if error else "invalid against the schema"
    target = element
    if error is not None and error.path:
        found = _element_at(element, error.path)
        if found is not None:
            target = found
    line = error.line if error is not None and error.line else _line(target)
    field_info = _field_of(target)
    if field_info is not None and field_info.xsd_type in identity_types() and target.text:
        message = message.replace(target.text.strip(), mask_identity(target.text.strip()))
    return ParseError(
        f"invalid against the schema: {message}",
        path=logical_path(location_of(target)) or None,
        line=line or None,
        column=(error.column or None) if error is not None else None,
    )


def _element_at(element: etree._Element, path: str) -> etree._Element | None:
    """Resolve libxml2's error path, which is relative to the validated fragment's root."""
    steps = path.strip("/").split("/")
    if not steps or steps[0].split("[")[0] != element.tag:
        return None
    if len(steps) == 1:
        return element
    try:
        found = element.xpath("/".join(steps[1:]))
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def _validate_fragment(element: etree._Element) -> None:
    schema = fragment_schema()
    if not schema.validate(element):
        raise _schema_error(schema, element)


# --------------------------------------------------------------------------- binding

_Binder = Callable[[etree._Element], Any]
_XSD_SPACE = re.compile("[ \t\n\r]+")  # XSD whitespace: no other Unicode spaces


def _leaf_converter(f: FieldInfo) -> Callable[[str], Any]:
    kind = f.kind
    if kind is Kind.ENUM:
        table = {member.value: member for member in f.python_type}  # type: ignore[attr-defined]
        return lambda text: table[text.strip()]
    if kind is Kind.INTEGER:
        return int
    if kind is Kind.DECIMAL:
        return lambda text: Decimal(text.strip())
    if kind is Kind.DATE:
        return lambda text: date.fromisoformat(text.strip())
    if kind is Kind.DATETIME:
        return lambda text: datetime.fromisoformat(text.strip())
    if kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        unknown = {m.value: m for m in f.unknown}
        number: Callable[[str], Any] = int if f.python_type is int else Decimal

        def number_or_unknown(text: str) -> Any:
            text = text.strip()
            member = unknown.get(text)
            return member if member is not None else number(text)

        return number_or_unknown
    if f.white_space == "collapse":
        return lambda text: _XSD_SPACE.sub(" ", text).strip(" ")
    if f.white_space == "replace":
        return lambda text: re.sub(r"[\t\n\r]", " ", text)
    return str


@cache
def _binder(cls: type) -> _Binder:
    info = model_info(cls)
    table: dict[str, tuple[str, bool, bool, Callable[[Any], Any]]] = {}
    for f in info.fields:
        if f.kind is Kind.COMPLEX:
            target = f.python_type
            table[f.wire_name] = (f.py_name, f.is_list, True, _lazy_binder(target))
        else:
            table[f.wire_name] = (f.py_name, f.is_list, False, _leaf_converter(f))

    def bind_element(element: etree._Element) -> Any:
        values: dict[str, Any] = {}
        for child in element:
            try:
                py_name, is_list, is_complex, convert = table[child.tag]
            except KeyError:
                raise _unexpected(child) from None
            value = convert(child) if is_complex else convert(child.text or "")
            if is_list:
                values.setdefault(py_name, []).append(value)
            else:
                values[py_name] = value
        return cls(**values)

    return bind_element


def _lazy_binder(cls: type) -> _Binder:
    def bind_child(element: etree._Element) -> Any:
        return _binder(cls)(element)

    return bind_child


def _unexpected(child: etree._Element) -> ParseError:
    tag = child.tag if isinstance(child.tag, str) else "a non-element node"
    return ParseError(
        f"unexpected element {tag!r}",
        path=logical_path(location_of(child)),
        line=_line(child),
    )


def bind(element: etree._Element, cls: type[T]) -> T:
    """Bind a schema-valid element to a model object of ``cls`` (no validation)."""
    try:
        binder: _Binder = _binder(cast(Hashable, cls))
        return cast(T, binder(element))
    except ParseError:
        raise
    except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
        raise ParseError(
            f"cannot bind element: {exc}",
            path=logical_path(location_of(element)) or None,
            line=_line(element),
        ) from None


# --------------------------------------------------------------------------- reading


def _check_root(root: etree._Element) -> None:
    if root.tag != ROOT_ELEMENT:
        tag = root.tag if isinstance(root.tag, str) else "?"
        raise SchemaVersionError(
            f"root element is {tag!r}, expected {ROOT_ELEMENT!r} (SIR format 5.2)",
            line=_line(root),
        )
    if any(not str(k).startswith(_XSI) for k in root.attrib):
        raise ParseError(f"{ROOT_ELEMENT} takes no attributes", line=_line(root))
    _no_text(root.text, root)


def _no_text(text: str | None, where: etree._Element) -> None:
    if text and text.strip():
        raise ParseError(
            "text is not allowed between elements here",
            path=logical_path(location_of(where)) or None,
            line=_line(where),
        )


def _root_fields() -> tuple[FieldInfo, FieldInfo]:
    header, episodes = model_info(SIRData).fields
    return header, episodes


def read_xml(data: bytes | str, limits: Limits | None = None) -> SIRData:
    """Parse, validate and bind a whole XML report."""
    limits = limits or Limits()
    tree = parse_document(data, limits)
    root = tree.getroot()
    _check_root(root)
    header_field, episode_field = _root_fields()
    children = list(root)
    if not children or children[0].tag != header_field.wire_name:
        where = children[0] if children else root
        raise ParseError(
            f"expected {header_field.wire_name!r} as the first element",
            path=logical_path(location_of(where)) or None,
            line=_line(where),
        )
    limit = limits.episode_limit()
    episodes_el = children[1:]
    if not episodes_el:
        raise ParseError(
            f"a report needs at least one {episode_field.wire_name!r}", line=_line(root)
        )
    if limit is not None and len(episodes_el) > limit:
        raise ParseError(
            f"{len(episodes_el)} episodes, above the limit of {limit} "
            "(raise Limits.max_episodes to read bulk files)",
            line=_line(episodes_el[limit]),
        )
    for element in children:
        _no_text(element.tail, root)
    header_el = children[0]
    _validate_fragment(header_el)
    with gc_paused():
        header: Any = bind(header_el, header_field.python_type)
        episodes: list[Any] = []
        for element in episodes_el:
            if element.tag != episode_field.wire_name:
                raise _unexpected(element)
            _validate_fragment(element)
            episodes.append(bind(element, episode_field.python_type))
        return SIRData(huvud=header, vardtillfalle=episodes)


def iter_episode_elements(
    source: str | IO[bytes], limits: Limits | None = None
) -> Iterator[etree._Element]:
    """Stream the header element first, then each episode element.

    Each yielded element is validated against the schema and cleared once the consumer moves
    on, so memory stays flat however large the file is.
    """
    limits = limits or Limits()
    header_field, episode_field = _root_fields()
    context = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    limit = limits.episode_limit()
    depth = 0
    count = 0
    seen_header = False
    root: etree._Element | None = None
    try:
        for event, element in context:
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                    _refuse_doctype(element.getroottree())
                    _check_root(element)
                continue
            depth -= 1
            if depth != 1:
                continue
            assert root is not None
            _no_text(element.tail, root)
            if element.tag == header_field.wire_name and not seen_header and count == 0:
                seen_header = True
            elif element.tag == episode_field.wire_name and seen_header:
                count += 1
                if limit is not None and count > limit:
                    raise ParseError(
                        f"more than {limit} episodes (raise Limits.max_episodes)",
                        line=_line(element),
                    )
            else:
                raise _unexpected(element)
            _validate_fragment(element)
            yield element
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    if not seen_header:
        raise ParseError(f"expected {header_field.wire_name!r} as the first element")
    if count == 0:
        raise ParseError(f"a report needs at least one {episode_field.wire_name!r}")


# --------------------------------------------------------------------------- writing

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_Formatter = Callable[[Any], str]


def _format_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    found = _INVALID_XML_CHARS.search(value)
    if found:
        if "\ud800" <= found.group() <= "\udfff":
            raise ValueError("text holds a lone surrogate, which UTF-8 cannot encode")
        raise ValueError("contains a character that XML 1.0 cannot represent")
    return value.translate(_ESCAPES)


def _format_int(value: Any) -> str:
    if type(value) is not int:
        raise TypeError(f"expected int, got {type(value).__name__}")
    return int.__repr__(value)


def _format_decimal(value: Any) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"expected Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite decimal")
    return format(value, "f")


def _format_date(value: Any) -> str:
    if type(value) is not date:
        raise TypeError(f"expected datetime.date, got {type(value).__name__}")
    return value.isoformat()


def _format_datetime(value: Any) -> str:
    if type(value) is not datetime:
        raise TypeError(f"expected datetime.datetime, got {type(value).__name__}")
    if value.tzinfo is not None:
        raise ValueError("local times are naive (Swedish wall-clock time): remove tzinfo")
    if value.microsecond:
        raise ValueError("local times have whole seconds: remove microseconds")
    return value.isoformat()


def _enum_formatter(enum_type: type[enum.Enum]) -> _Formatter:
    tokens = {member: str(member.value).translate(_ESCAPES) for member in enum_type}

    def format_enum(value: Any) -> str:
        try:
            return tokens[value]
        except (KeyError, TypeError):
            raise TypeError(f"expected {enum_type.__name__}, got {type(value).__name__}") from None

    return format_enum


def _leaf_formatter(f: FieldInfo) -> _Formatter:
    if f.kind is Kind.ENUM:
        return _enum_formatter(f.python_type)
    if f.kind is Kind.INTEGER:
        return _format_int
    if f.kind is Kind.DECIMAL:
        return _format_decimal
    if f.kind is Kind.DATE:
        return _format_date
    if f.kind is Kind.DATETIME:
        return _format_datetime
    if f.kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        unknown = _enum_formatter(f.unknown)
        number = _format_int if f.python_type is int else _format_decimal

        def number_or_unknown(value: Any) -> str:
            return unknown(value) if isinstance(value, enum.Enum) else number(value)

        return number_or_unknown
    return _format_text


_Writer = Callable[[Any, list[str], str], None]


@cache
def _writer(cls: type) -> _Writer:
    info = model_info(cls)
    specs: list[tuple[str, str, bool, bool, bool, Any]] = []
    for f in info.fields:
        if f.kind is Kind.COMPLEX:
            specs.append((f.py_name, f.wire_name, f.is_list, f.required, True, f.python_type))
        else:
            specs.append(
                (f.py_name, f.wire_name, f.is_list, f.required, False, _leaf_formatter(f))
            )
    child_indent = "  "

    def write(obj: Any, out: list[str], indent: str) -> None:
        if type(obj) is not cls and not isinstance(obj, cls):
            raise TypeError(f"expected {cls.__name__}, got {type(obj).__name__}")
        inner = indent + child_indent
        for py_name, wire, is_list, required, is_complex, how in specs:
            value = getattr(obj, py_name)
            if value is None or (is_list and not value):
                if required:
                    raise _MissingValue(wire)
                continue
            items = value if is_list else (value,)
            if is_list and not isinstance(value, list):
                raise _Located(wire, None, TypeError("expected a list"))
            for position, item in enumerate(items):
                index = position if is_list else None
                try:
                    if is_complex:
                        if item is None:
                            raise TypeError("expected an object, got None")
                        nested: list[str] = []
                        _writer(how)(item, nested, inner)
                        if nested:
                            out.append(f"{inner}<{wire}>\n")
                            out.extend(nested)
                            out.append(f"{inner}</{wire}>\n")
                        else:
                            out.append(f"{inner}<{wire}/>\n")
                    else:
                        out.append(f"{inner}<{wire}>{how(item)}</{wire}>\n")
                except _Located as located:
                    raise located.prepend((wire, index)) from None
                except _MissingValue as missing:
                    raise _Located(
                        missing.wire, None, ValueError("required value is missing")
                    ).prepend((wire, index)) from None
                except (TypeError, ValueError, AttributeError) as exc:
                    raise _Located(wire, index, exc) from None

    return write


class _MissingValue(Exception):
    def __init__(self, wire: str) -> None:
        self.wire = wire


class _Located(Exception):
    def __init__(self, wire: str, index: int | None, cause: Exception) -> None:
        self.location: Location = ((wire, index),)
        self.cause = cause

    def prepend(self, step: Step) -> _Located:
        self.location = (step, *self.location)
        return self


def write_xml(report: SIRData) -> bytes:
    """Serialise a report as UTF-8 XML in schema order (deterministic)."""
    if not isinstance(report, SIRData):
        raise SerializeError(f"expected a SIRData report, got {type(report).__name__}")
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<{ROOT_ELEMENT}>\n"]
    try:
        with gc_paused():
            _writer(SIRData)(report, out, "")
    except _Located as located:
        raise SerializeError(
            f"cannot write value: {located.cause}", path=logical_path(located.location)
        ) from None
    except _MissingValue as missing:
        raise SerializeError("required value is missing", path=missing.wire) from None
    out.append(f"</{ROOT_ELEMENT}>\n")
    return "".join(out).encode("utf-8")
