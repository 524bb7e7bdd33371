"""JSON codec: the model's msgspec Structs ⇄ UTF-8 JSON (data dictionary §8).

The model classes are msgspec Structs whose wire names are the JSON keys, so msgspec decodes
JSON straight into the model and encodes the model straight to JSON; no second family of types
and no conversion.

Reading (:func:`decode_fast`) is the fast path of the one reading pipeline
(:mod:`sir_format._reading`): it either returns a report that is valid against every facet of
the schema, or raises :class:`Rejected` without saying why. The pipeline then reads the input
the careful way, which names every problem as a coded finding. What msgspec checks while
decoding: wire names, unknown keys, types, exact enumeration tokens, anchored patterns, string
lengths, integer ranges, occurrences of repeated elements that are present, naive date-times.
What is checked here afterwards, column by column over all objects of a class (no Python code
per object): repeated elements that must occur but are absent (an absent key reads as an empty
list), decimal and date ranges, fraction digits, free text (trimmed in place, D2), choice
groups, and — by comparing the input with msgspec's re-encoding of what it read — repeated
keys, ``null``, empty arrays, date-times written with a space or a fraction. Decimals are read by
:func:`_decimal_hook` from JSON numbers only, never through ``float``.

Writing (:meth:`JsonCodec.encode`) checks the value types of every field (a column at a time)
and the decimals (finite, plain notation), then lets msgspec encode the model.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from enum import Enum
from itertools import chain, repeat
from operator import attrgetter, eq
from typing import Any

import msgspec

from sir_format._gc import gc_paused
from sir_format._numbers import DecimalMarker
from sir_format._paths import Location, logical_path
from sir_format.errors import SerializeError
from sir_format.metadata import FieldInfo, Kind, ModelInfo, all_models
from sir_format.models import SIRData

__all__ = ["JsonCodec", "Rejected", "decode_fast"]

# Patterns whose language (of valid calendar values) msgspec's date and datetime parsers
# accept, except what the re-encoding check catches: a " " or "t" for the "T" and a fraction.
_NATIVE_PATTERNS = {
    Kind.DATE: {r"\d{4}-\d{2}-\d{2}"},
    Kind.DATETIME: {
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}",
        r"\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):\d{2}:\d{2}",
    },
}
_MARKS = bytes(b for b in range(256) if b not in b':T."')  # all bytes but the counted ones
_ESCAPED_MARKS = (
    (b"\\u003a", b"\\u003A"),
    (b"\\u0054",),
    (b"\\u002e", b"\\u002E"),
    (b"\\u0022",),
)
_XSD_SPACE = " \t\n\r"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Rejected(Exception):
    """The fast path declines the input; the careful path will say why."""


# --------------------------------------------------------------------------- fields and plans
@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class _Field:
    """What the column checks need to know about one element."""

    info: FieldInfo
    py: str
    wire: str
    kind: Kind
    is_list: bool
    regex: re.Pattern[str] | None  # an XSD pattern msgspec could not check, per line
    low: Any
    high: Any
    native: bool  # a date or time whose lexical form msgspec checks (see _NATIVE_PATTERNS)
    quantum: Decimal | None  # 10 ** -fractionDigits
    free_text: bool  # a string without pattern or enumeration: trimmed, lengths after (D2)
    unknown: Enum | None  # the "VärdeOkänt" member of a number-or-unknown field
    types: frozenset[type]  # the value types a writer accepts

    @classmethod
    def of(cls, f: FieldInfo) -> _Field:
        facets = f.facets
        digits = facets.fraction_digits
        unknown = next(iter(f.unknown)) if f.unknown is not None else None
        untranslatable = facets.pattern is not None and _untranslatable(facets.pattern)
        return cls(
            info=f,
            py=f.py_name,
            wire=f.wire_name,
            kind=f.kind,
            is_list=f.is_list,
            regex=_regex(facets.pattern) if untranslatable or f.free_text else None,
            low=facets.min_inclusive,
            high=facets.max_inclusive,
            native=(facets.pattern or "") in _NATIVE_PATTERNS.get(f.kind, ()),
            quantum=Decimal(1).scaleb(-digits) if digits is not None else None,
            free_text=f.free_text,
            unknown=unknown,
            types=_value_types(f),
        )

    @property
    def decimal(self) -> bool:
        return self.kind is Kind.DECIMAL or (
            self.kind is Kind.NUMBER_OR_UNKNOWN and self.info.python_type is Decimal
        )


def _regex(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(f"^(?:{pattern})$", re.MULTILINE) if pattern else None


def _untranslatable(pattern: str) -> bool:
    return re.search(r"\\[pPiIcC]|-\[", pattern) is not None


def _value_types(f: FieldInfo) -> frozenset[type]:
    if f.kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        return frozenset(
            {f.python_type, f.unknown} | ({int} if f.python_type is Decimal else set())
        )
    if f.kind is Kind.DECIMAL:
        return frozenset({Decimal, int})
    if f.kind is Kind.DATE:
        return frozenset({date})
    return frozenset({f.python_type})


@dataclasses.dataclass(slots=True, eq=False)
class _Plan:
    """Per model class: its fields, choice groups and what the column checks look at."""

    cls: type
    fields: tuple[_Field, ...]
    choices: tuple[tuple[tuple[_Field, ...], ...], ...]
    checks: tuple[_Field, ...]  # facets checked column-wise when reading
    required_lists: tuple[_Field, ...]  # repeated elements with minOccurs >= 1
    reading: bool = False  # has checks, required lists or choices, or contains such a class

    @classmethod
    def of(cls, info: ModelInfo) -> _Plan:
        fields = tuple(_Field.of(f) for f in info.fields)
        by_wire = {f.wire: f for f in fields}
        return cls(
            cls=info.cls,
            fields=fields,
            choices=tuple(
                tuple(tuple(by_wire[name] for name in branch) for branch in group)
                for group in info.choices
            ),
            checks=tuple(f for f in fields if _needs_check(f)),
            required_lists=tuple(f for f in fields if f.is_list and f.info.min_occurs > 0),
        )


def _needs_check(f: _Field) -> bool:
    if f.kind in (Kind.DATE, Kind.DATETIME):
        return f.low is not None or f.high is not None or f.kind is Kind.DATETIME
    return f.decimal or f.regex is not None or f.free_text


_PLANS: dict[type, _Plan] = {}
_ORDER: list[_Plan] = []  # every class after all classes that contain it
_LOCK = threading.Lock()


def _plans() -> list[_Plan]:
    with _LOCK:
        if not _ORDER:
            _build_plans()
    return _ORDER


def _build_plans() -> None:
    plans = {info.cls: _Plan.of(info) for info in all_models()}
    parents = dict.fromkeys(plans, 0)
    for plan in plans.values():
        for f in plan.fields:
            if f.kind is Kind.COMPLEX:
                parents[f.info.python_type] += 1
    ready: list[type] = [SIRData]
    order: list[_Plan] = []
    while ready:
        plan = plans[ready.pop()]
        order.append(plan)
        for f in plan.fields:
            if f.kind is Kind.COMPLEX:
                parents[f.info.python_type] -= 1
                if parents[f.info.python_type] == 0:
                    ready.append(f.info.python_type)
    for plan in reversed(order):  # children first
        children = [plans[f.info.python_type] for f in plan.fields if f.kind is Kind.COMPLEX]
        plan.reading = bool(plan.checks or plan.required_lists or plan.choices) or any(
            c.reading for c in children
        )
    _PLANS.update(plans)
    _ORDER.extend(order)


# --------------------------------------------------------------------------- column checks
def _gather(root: Any, wanted: Callable[[_Plan], bool]) -> dict[type, list[Any]]:
    """All objects under ``root`` per model class, for the classes ``wanted``."""
    found: dict[type, list[Any]] = {SIRData: [root]}
    for plan in _ORDER:
        objects = found.get(plan.cls)
        if not objects:
            continue
        for f in plan.fields:
            if f.kind is Kind.COMPLEX and wanted(_PLANS[f.info.python_type]):
                column = map(attrgetter(f.py), objects)
                items = chain.from_iterable(column) if f.is_list else filter(None, column)
                found.setdefault(f.info.python_type, []).extend(items)
    return found


def _values(f: _Field, objects: list[Any]) -> list[Any]:
    """The values of ``f`` over ``objects``: absent ones dropped, lists flattened."""
    column = map(attrgetter(f.py), objects)
    values = chain.from_iterable(column) if f.is_list else column
    return [v for v in values if v is not None]


def _free_text_problem(text: str, f: _Field) -> bool:
    """True when trimmed free text breaks its facets or holds what XML cannot."""
    facets = f.info.facets
    low = facets.min_length if facets.min_length is not None else 1
    return (
        len(text) < low
        or (facets.max_length is not None and len(text) > facets.max_length)
        or _NOT_XML.search(text) is not None
        or (f.regex is not None and f.regex.fullmatch(text) is None)
    )


def _check_free_text(f: _Field, objects: list[Any]) -> None:
    """Trim free text in place (D2: never collapsed inside), then check it."""
    for obj in objects:
        value = getattr(obj, f.py)
        if value is None:
            continue
        texts = [v.strip(_XSD_SPACE) for v in value] if f.is_list else [value.strip(_XSD_SPACE)]
        setattr(obj, f.py, texts if f.is_list else texts[0])
        if any(_free_text_problem(text, f) for text in texts):
            raise Rejected


def _check_column(f: _Field, objects: list[Any]) -> None:
    """Raise Rejected unless every value of ``f`` in ``objects`` passes its facets."""
    if f.free_text:
        _check_free_text(f, objects)
        return
    values = _values(f, objects)
    if not values:
        return
    if f.kind in (Kind.DATE, Kind.DATETIME):
        if not f.native:
            raise Rejected  # another lexical form than msgspec's: the careful path decides
        if (f.low is not None and min(values) < f.low) or (
            f.high is not None and max(values) > f.high
        ):
            raise Rejected
        if f.kind is Kind.DATETIME and any(map(attrgetter("microsecond"), values)):
            raise Rejected
        return
    if f.regex is not None:
        joined = "\n".join(values)
        if joined.count("\n") != len(values) - 1 or len(f.regex.findall(joined)) != len(values):
            raise Rejected
        return
    numbers = values if f.unknown is None else [v for v in values if v is not f.unknown]
    if not numbers:
        return
    if (f.low is not None and min(numbers) < f.low) or (
        f.high is not None and max(numbers) > f.high
    ):
        raise Rejected
    if f.quantum is not None and not all(
        map(eq, numbers, map(Decimal.quantize, numbers, repeat(f.quantum)))
    ):
        raise Rejected


def _check_choices(plan: _Plan, objects: list[Any]) -> None:
    """Raise Rejected when an object breaks a choice group (each combination once)."""
    for group in plan.choices:
        names = [f.wire for branch in group for f in branch]
        getter = attrgetter(*[f.py for branch in group for f in branch])
        for combination in set(map(getter, objects)):
            values = combination if len(names) > 1 else (combination,)
            present = {n for n, v in zip(names, values, strict=True) if v is not None}
            branches = [b for b in group if any(f.wire in present for f in b)]
            if len(branches) > 1 or any(
                f.wire not in present for branch in branches for f in branch
            ):
                raise Rejected


# --------------------------------------------------------------------------- decoding hooks
def _json_float(token: str) -> Decimal:
    """msgspec's float hook: a JSON number with a fraction, exactly; exponents are refused."""
    if "e" in token or "E" in token:
        raise Rejected
    return Decimal(token)


def _decimal_hook(kind: type, value: Any) -> Any:
    """msgspec's dec_hook for the decimal markers: JSON numbers (and the unknown token) only."""
    if isinstance(kind, type) and issubclass(kind, DecimalMarker):
        if value.__class__ is Decimal:
            return value
        if value.__class__ is int:
            return Decimal(value)
        if kind.unknown is not None and value.__class__ is str:
            return kind.unknown(value)  # ValueError unless the token is exact
    raise Rejected


def _marks(data: bytes) -> tuple[int, int, int, int]:
    """How many ``:``, ``T``, ``.`` and ``"`` bytes ``data`` holds, escapes counted as such."""
    kept = data.translate(None, _MARKS)
    counts = [kept.count(b":"), kept.count(b"T"), kept.count(b"."), kept.count(b'"')]
    if b"\\u" in data:
        for i, escapes in enumerate(_ESCAPED_MARKS):
            counts[i] += sum(data.count(e) for e in escapes)
    if b'\\"' in data:
        counts[3] -= data.count(b'\\"')  # an escaped quote is text, not a delimiter
    return counts[0], counts[1], counts[2], counts[3]


_ENCODER = msgspec.json.Encoder(decimal_format="number")


@functools.cache
def _decoder() -> msgspec.json.Decoder[SIRData]:
    _plans()
    return msgspec.json.Decoder(SIRData, dec_hook=_decimal_hook, float_hook=_json_float)


def decode_fast(raw: bytes) -> SIRData:
    """A schema-valid report from JSON bytes (no BOM), or :class:`Rejected`.

    Every facet of the schema is enforced except the largest number of episodes, which the
    reader limits. Free text is trimmed in place.
    """
    decoder = _decoder()
    with gc_paused():
        try:
            root = decoder.decode(raw)
        except (msgspec.MsgspecError, ValueError, RecursionError, ArithmeticError):
            raise Rejected from None
        _check_reencoding(raw, root)
        found = _gather(root, attrgetter("reading"))
        for plan in _ORDER:
            objects = found.get(plan.cls)
            if objects:
                for f in plan.required_lists:  # an absent key reads as the empty default
                    if not all(map(attrgetter(f.py), objects)):
                        raise Rejected
                for f in plan.checks:
                    _check_column(f, objects)
                _check_choices(plan, objects)
    return root


def _check_reencoding(raw: bytes, root: Any) -> None:
    """Reject what msgspec read more leniently than the schema, by comparing byte counts.

    The input is compared with msgspec's re-encoding of what it read, by the number of ``:``,
    ``T``, ``.`` and ``"`` bytes outside escapes. Strings and plain numbers are written back
    unchanged, so:

    - a repeated key (msgspec keeps the last), a ``null`` or an empty array (omitted when
      written back) is a colon fewer;
    - a date-time with ``" "`` or ``"t"`` between date and time comes back with ``"T"``;
    - a fraction of a second comes back without its ``"."``;
    - a control character in free text comes back escaped (``\\u0001``): checked by
      :func:`_check_free_text` instead.

    No change makes a count go the other way, so none can hide another; a mismatch with
    innocent causes (an escaped letter) only costs a trip through the careful path.
    """
    if _marks(raw) != _marks(_ENCODER.encode(root)):
        raise Rejected


# --------------------------------------------------------------------------- writing
def _check_types(root: Any) -> None:
    """Raise SerializeError at the first value whose type its field does not accept."""
    found = _gather(root, lambda plan: True)
    for plan in _ORDER:
        objects = found.get(plan.cls)
        if not objects:
            continue
        if any(type(obj) is not plan.cls and not isinstance(obj, plan.cls) for obj in objects):
            _raise_bad_type(root)
        for f in plan.fields:
            if f.kind is Kind.COMPLEX:
                continue
            values = _values(f, objects)
            if not set(map(type, values)) <= f.types:
                _raise_bad_type(root)
            if f.decimal:
                _check_decimals(root, f, objects, values)
            elif f.kind is Kind.DATETIME and any(
                v.tzinfo is not None or v.microsecond for v in values
            ):
                _raise_bad_time(root, f)


def _check_decimals(root: Any, f: _Field, objects: list[Any], values: list[Any]) -> None:
    numbers = [v for v in values if v.__class__ is Decimal]
    written = "".join(map(str, numbers))
    if "E" in written or "N" in written or "I" in written:  # exponents, NaN, Infinity
        if not all(map(Decimal.is_finite, numbers)):
            for loc, value in _locate(root, lambda g: g is f):
                if value.__class__ is Decimal and not value.is_finite():
                    raise SerializeError(
                        "a decimal must be finite (not NaN or Infinity)", path=logical_path(loc)
                    )
        for obj in objects:  # plain notation, as the mapping asks (1E+2 -> 100)
            value = getattr(obj, f.py)
            setattr(obj, f.py, [_plain(v) for v in value] if f.is_list else _plain(value))


def _plain(value: Any) -> Any:
    if value.__class__ is Decimal and "E" in str(value):
        return Decimal(format(value, "f"))
    return value


def _raise_bad_type(root: Any) -> None:
    for loc, problem in _type_problems(root, _PLANS[SIRData], ()):
        raise SerializeError(problem, path=logical_path(loc) or None)
    raise SerializeError("invalid report")  # pragma: no cover - the walk finds it


def _type_problems(obj: Any, plan: _Plan, loc: Location) -> Iterator[tuple[Location, str]]:
    if not isinstance(obj, plan.cls):
        yield loc, f"expected {plan.cls.__name__}, got {type(obj).__name__}"
        return
    for f in plan.fields:
        value = getattr(obj, f.py)
        if value is None:
            if f.info.required:
                yield (*loc, (f.wire, None)), "a required value is missing (None)"
            continue
        if f.is_list and not isinstance(value, list):
            yield (*loc, (f.wire, None)), f"expected a list, got {type(value).__name__}"
            continue
        for index, item in enumerate(value) if f.is_list else [(None, value)]:
            here: Location = (*loc, (f.wire, index))
            if f.kind is Kind.COMPLEX:
                yield from _type_problems(item, _PLANS[f.info.python_type], here)
            elif type(item) not in f.types:
                names = " or ".join(sorted(t.__name__ for t in f.types))
                yield here, f"expected {names}, got {type(item).__name__}"


def _locate(root: Any, wanted: Callable[[_Field], bool]) -> Iterator[tuple[Location, Any]]:
    """Every value of the ``wanted`` fields under ``root``, with its location."""

    def walk(obj: Any, plan: _Plan, loc: Location) -> Iterator[tuple[Location, Any]]:
        for g in plan.fields:
            value = getattr(obj, g.py)
            if value is None:
                continue
            for index, item in enumerate(value) if g.is_list else [(None, value)]:
                here: Location = (*loc, (g.wire, index))
                if wanted(g):
                    yield here, item
                elif g.kind is Kind.COMPLEX:
                    yield from walk(item, _PLANS[g.info.python_type], here)

    return walk(root, _PLANS[SIRData], ())


def _unencodable(root: Any) -> SerializeError:
    """The first string that UTF-8 cannot hold (a lone surrogate), located."""
    for loc, value in _locate(root, lambda g: g.kind is Kind.STRING):
        if isinstance(value, str) and re.search("[\ud800-\udfff]", value):
            return SerializeError(
                "text holds a lone surrogate, which UTF-8 cannot encode", path=logical_path(loc)
            )
    return SerializeError("text holds a lone surrogate, which UTF-8 cannot encode")


class JsonCodec:
    """Writes the JSON form of a report (reading is the reading pipeline's)."""

    def encode(self, report: SIRData, *, pretty: bool = False) -> bytes:
        """Write ``report`` as UTF-8 JSON without BOM, keys in schema order, deterministic."""
        if not isinstance(report, SIRData):
            raise SerializeError(f"expected a SIRData report, got {type(report).__name__}")
        _plans()
        with gc_paused():
            _check_types(report)
            try:
                out = _ENCODER.encode(report)
            except UnicodeEncodeError:
                raise _unencodable(report) from None
        return msgspec.json.format(out, indent=2) if pretty else out


def _raise_bad_time(root: Any, f: _Field) -> None:
    for loc, value in _locate(root, lambda g: g is f):
        if value.tzinfo is not None:
            raise SerializeError(
                "a local time has no time zone (naive datetime)", path=logical_path(loc)
            )
        if value.microsecond:
            raise SerializeError(
                "a local time has whole seconds (no fraction)", path=logical_path(loc)
            )
