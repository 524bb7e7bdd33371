"""JSON codec: the model's msgspec Structs ⇄ UTF-8 JSON (data dictionary §8).

The model classes are msgspec Structs whose wire names are the JSON keys, so msgspec decodes
JSON straight into the model and encodes the model straight to JSON; no second family of types
and no conversion.

Reading (:func:`decode_fast`) is the fast path of the one reading pipeline
(:mod:`sir_format._reading`): it either returns a report that is valid against every facet of
the schema, or raises :class:`Rejected` without saying why. The pipeline then reads the input
the careful way, which names every problem as a coded finding. What msgspec checks while
decoding: wire names, unknown keys, types, exact enumeration tokens, anchored patterns, string
lengths, integer ranges, occurrences of repeated elements, naive date-times. What is checked
here afterwards, column by column over all objects of a class (no Python code per object):
required repeated elements (a missing key reads as the default ``[]``), decimal and date
ranges, fraction digits, free text (trimmed in place, D2), choice groups, and
— by comparing the input with msgspec's re-encoding of what it read — repeated keys, ``null``,
empty arrays, decimals written as strings, date-times written with a space or a fraction.
Decimals are read exactly (msgspec parses the number's text; ``float_hook=Decimal`` for the
decimal-or-unknown markers, which :func:`_decimal_or_unknown` completes), never via ``float``.

Writing (:meth:`JsonCodec.encode`) checks the value types of every field (a column at a time)
and the decimals (finite, plain notation), then lets msgspec encode the model.
"""

from __future__ import annotations

import copy
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
from sir_format._input import XSD_SPACE
from sir_format._numbers import TOO_MANY_DIGITS, plain_decimal
from sir_format._paths import Location, logical_path
from sir_format.errors import Rejected, SerializeError
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
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
    required_lists: tuple[_Field, ...]  # default to [] in the Struct: a missing key reads so
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
            required_lists=tuple(f for f in fields if f.is_list and f.info.required),
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
        plan.reading = bool(plan.checks or plan.choices or plan.required_lists) or any(
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
                items = (
                    chain.from_iterable(column)
                    if f.is_list
                    else (v for v in column if v is not None)
                )
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
        texts = [v.strip(XSD_SPACE) for v in value] if f.is_list else [value.strip(XSD_SPACE)]
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
def _decimal_or_unknown(kind: type, value: Any) -> Any:
    """msgspec's dec_hook for the decimal-or-unknown markers: a JSON number, or the token."""
    cls = value.__class__
    if cls is Decimal:
        return value
    if cls is int:
        return Decimal(value)
    unknown = getattr(kind, "unknown", None)
    if cls is str and unknown is not None:
        return unknown(value)  # ValueError unless the token is exact
    raise Rejected


_MARKED = b':T."eE'
_MARKS = bytes(b for b in range(256) if b not in _MARKED)  # every byte but the counted ones
_ESCAPED_MARKS: dict[bytes, tuple[bytes, ...]] = {
    b":": (b"\\u003a", b"\\u003A"),
    b"T": (b"\\u0054",),
    b".": (b"\\u002e", b"\\u002E"),
    b'"': (b"\\u0022",),
    b"e": (b"\\u0065",),
    b"E": (b"\\u0045",),
}


def _kept(data: bytes) -> bytes:
    """The counted bytes of ``data`` (``:``, ``T``, ``.``, ``"``, ``e``, ``E``), in order."""
    return data.translate(None, _MARKS)


def _marks(data: bytes, kept: bytes) -> tuple[int, ...]:
    """How many of each counted byte ``data`` holds, escapes counted as what they stand for.

    A quote escaped inside a string (``\\"``) is not counted: it is text, not a delimiter.
    """
    counts = [kept.count(bytes((b,))) for b in _MARKED]
    if b"\\" in data:
        for i, mark in enumerate(_MARKED):
            counts[i] += sum(data.count(e) for e in _ESCAPED_MARKS[bytes((mark,))])
        counts[3] -= data.count(b'\\"')
    return tuple(counts)


_ENCODER = msgspec.json.Encoder(decimal_format="number")


@functools.cache
def _decoder() -> msgspec.json.Decoder[SIRData]:
    _plans()
    return msgspec.json.Decoder(SIRData, dec_hook=_decimal_or_unknown, float_hook=Decimal)


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
                for f in plan.required_lists:  # a missing key gives the default, []
                    if not all(map(attrgetter(f.py), objects)):
                        raise Rejected
                for f in plan.checks:
                    _check_column(f, objects)
                _check_choices(plan, objects)
    return root


def _check_reencoding(raw: bytes, root: Any) -> None:
    """Reject what msgspec read more leniently than the schema, by comparing byte counts.

    The input is compared with msgspec's re-encoding of what it read, by the number of ``:``,
    ``T``, ``.``, ``"``, ``e`` and ``E`` bytes (escapes counted as what they stand for).
    Strings and numbers in plain notation are written back unchanged, so:

    - a repeated key (msgspec keeps the last), a ``null`` or an empty array (omitted when
      written back) is a colon fewer;
    - a decimal written as a JSON string comes back as a number: two quotes fewer;
    - a date-time with ``" "`` or ``"t"`` between date and time comes back with ``"T"``;
    - a fraction of a second comes back without its ``"."``;
    - a number with an exponent loses or changes its ``e``/``E`` unless it comes back
      exactly as written (``1E+2``), which the careful path accepts as well.

    A change that could raise one count (``15e-1`` written back as ``1.5``) also changes
    another (the ``e``), so no difference can hide another; a mismatch with innocent causes
    (an escaped letter) only costs a trip through the careful path.
    """
    out = _ENCODER.encode(root)
    kept_in, kept_out = _kept(raw), _kept(out)
    if kept_in == kept_out:  # the usual case: the same marks in the same order
        return
    if _marks(raw, kept_in) != _marks(out, kept_out):
        raise Rejected


# --------------------------------------------------------------------------- writing
_NOT_A_VALUE = {type(None)}  # a set no field's types include


def _column_types(f: _Field, objects: list[Any]) -> set[type]:
    """The types of the values of ``f`` in ``objects`` (list items for lists).

    ``None`` counts only where the field may be absent; a non-list where a list belongs, or a
    required list left empty, gives a type no field accepts.
    """
    if f.is_list:
        lists = list(map(attrgetter(f.py), objects))
        if set(map(type, lists)) != {list} or (f.info.required and not all(lists)):
            return _NOT_A_VALUE
        return set(map(type, chain.from_iterable(lists)))
    types = set(map(type, map(attrgetter(f.py), objects)))
    if not f.info.required:
        types.discard(type(None))
    return types


def _check_types(root: Any) -> None:
    """Raise SerializeError at the first value whose type its field does not accept.

    One C-level pass per field over all objects of a class: the set of value types must be
    within the field's types; datetimes must be naive and whole seconds. A structure too broken
    to gather (an object where a list belongs) goes to :func:`_type_problems`, which names it.
    """
    try:
        found = _gather(root, _ALWAYS)
    except (TypeError, AttributeError):
        _raise_bad_type(root)
        raise  # pragma: no cover - _raise_bad_type raises
    for plan in _ORDER:
        objects = found.get(plan.cls)
        if not objects:
            continue
        if not all(issubclass(t, plan.cls) for t in set(map(type, objects))):
            _raise_bad_type(root)
        for f in plan.fields:
            if f.kind is Kind.COMPLEX:
                if _has_gap(f, objects):
                    _raise_bad_type(root)
                continue
            if not _column_types(f, objects) <= f.types:
                _raise_bad_type(root)
            if f.kind is Kind.DATETIME:
                column = map(attrgetter(f.py), objects)
                moments = list(filter(None, chain.from_iterable(column) if f.is_list else column))
                if any(map(attrgetter("tzinfo"), moments)) or any(
                    map(attrgetter("microsecond"), moments)
                ):
                    _raise_bad_time(root, f)


def _has_gap(f: _Field, objects: list[Any]) -> bool:
    """A complex field whose shape is wrong: a list field holding anything but a list (or an
    empty list where one item is required), a required single field left ``None``."""
    column = list(map(attrgetter(f.py), objects))
    if f.is_list:
        return set(map(type, column)) != {list} or (f.info.required and not all(column))
    return f.info.required and None in column


def _ALWAYS(plan: _Plan) -> bool:
    return True


def _has_exponent(report: Any) -> bool:
    """True when a decimal would be written with an exponent (``str(Decimal("1E+2"))``)."""
    found = _gather(report, _ALWAYS)
    for plan in _ORDER:
        objects = found.get(plan.cls)
        if objects:
            for f in plan.fields:
                if f.decimal:
                    column = map(attrgetter(f.py), objects)
                    values: Any = chain.from_iterable(column) if f.is_list else column
                    if f.unknown is not None:
                        values = [v for v in values if v.__class__ is Decimal]
                    try:
                        if "E" in "".join(map(str, values)):
                            return True
                    except ValueError:  # an integer too long for text: encoding refuses it
                        return False
    return False


def _plain_decimals(report: Any) -> Any:
    """A copy of ``report`` with every decimal in plain notation (the caller's is unchanged)."""
    plain = copy.deepcopy(report)
    found = _gather(plain, _ALWAYS)
    for plan in _ORDER:
        for f in plan.fields:
            if f.decimal:
                for obj in found.get(plan.cls, ()):
                    value = getattr(obj, f.py)
                    if value is not None:
                        fixed = [_plain(v) for v in value] if f.is_list else _plain(value)
                        setattr(obj, f.py, fixed)
    return plain


def _unwritable_number(report: Any) -> SerializeError:
    """The first number msgspec refused: a decimal that is not finite, or an integer with
    more digits than Python turns into text (``sys.get_int_max_str_digits()``)."""
    numeric = (Kind.INTEGER, Kind.DECIMAL, Kind.NUMBER_OR_UNKNOWN)
    for loc, value in _locate(report, lambda g: g.kind in numeric):
        if value.__class__ is Decimal and not value.is_finite():
            return SerializeError(_NOT_FINITE, path=logical_path(loc))
        if value.__class__ is int and not _has_text(value):
            return SerializeError(_TOO_LONG, path=logical_path(loc))
        if value.__class__ is Decimal and not _has_plain_text(value):
            return SerializeError(TOO_MANY_DIGITS, path=logical_path(loc))
    return SerializeError(_NOT_FINITE)  # pragma: no cover - the walk finds it


_NOT_FINITE = "a decimal must be finite (not NaN or Infinity)"
_TOO_LONG = "an integer with too many digits to write"


def _has_plain_text(value: Decimal) -> bool:
    try:
        plain_decimal(value)
    except ValueError:
        return False
    return True


def _has_text(value: int) -> bool:
    try:
        int.__repr__(value)
    except ValueError:
        return False
    return True


def _plain(value: Any) -> Any:
    """A decimal that ``str`` would write with an exponent, as its plain-notation text."""
    if value.__class__ is Decimal and "E" in str(value):
        return msgspec.Raw(plain_decimal(value).encode())
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
        if f.is_list and not value and f.info.required:
            yield (*loc, (f.wire, None)), "a required list is empty"
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
                if _has_exponent(report):
                    report = _plain_decimals(report)  # the mapping's plain notation: 1E+2 -> 100
                out = _ENCODER.encode(report)
            except UnicodeEncodeError:
                raise _unencodable(report) from None
            except ValueError:  # msgspec refuses NaN, Infinity and integers too long for text
                raise _unwritable_number(report) from None
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
