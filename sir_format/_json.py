"""JSON codec: ``SIRData`` objects ⇄ UTF-8 JSON (data dictionary §8), driven by the metadata.

Every facet of the schema is enforced except the number of episodes, which the caller limits
(``Limits.max_episodes`` in :mod:`sir_format.codec`), so that bulk files can be read.

Reading has a fast path and a careful path.

- Fast path: msgspec decodes into ``msgspec.Struct`` types built once from
  :mod:`sir_format.metadata` (wire names, unknown keys forbidden, types, integer ranges,
  lengths, occurrences). What msgspec cannot express — patterns, decimal ranges and fraction
  digits, date ranges, ``xs:choice`` groups, whitespace collapsing, duplicate keys — is checked
  column by column, over all objects of a class at once, so that no Python code runs per
  object. The structs then become the generated dataclasses.
- Careful path: whenever the fast path objects to anything, the input is parsed again with the
  standard library (keys NFC-normalised, duplicates and NaN noticed) and checked value by value
  by :class:`_Validator`, which names the first problem and its location. Input that is valid
  after key normalisation (a key in NFD, say) is decoded from its canonical re-encoding.

The fast path only has to be complete (accept nothing invalid); the careful path is the one
that explains. ``tests/test_json_codec.py`` checks that the two agree.

Writing converts the dataclasses to structs of the same shape (wire names; absent values and
empty lists omitted) and encodes them with msgspec; decimals are written in plain notation.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from itertools import chain, repeat
from operator import attrgetter, eq, is_, is_not
from typing import Annotated, Any, Union

import msgspec

from sir_format._gc import gc_paused
from sir_format._paths import Location, logical_path
from sir_format.errors import ParseError, SerializeError
from sir_format.metadata import FieldInfo, Kind, ModelInfo, all_models, model_info
from sir_format.models import SIRData

__all__ = ["JsonCodec"]

_INT64 = (-(2**63), 2**63 - 1)
# The JSON mapping's lexical forms (§8), used only where the schema gives no pattern.
_DEFAULT_LEXICAL = {
    Kind.DATE: r"\d{4}-\d{2}-\d{2}",
    Kind.DATETIME: r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}",
}
# Patterns whose language (of valid calendar values) msgspec's own date and datetime parsers
# accept, except for what _check_reencoding catches: a " " or "t" for the "T" and a fraction
# of a second. Fields with these patterns are parsed by msgspec; others get the regex.
_NATIVE_PATTERNS = {
    Kind.DATE: {r"\d{4}-\d{2}-\d{2}"},
    Kind.DATETIME: {
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}",
        r"\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):\d{2}:\d{2}",
    },
}
_MARKS = bytes(b for b in range(256) if b not in b":T.")  # all bytes but the counted ones
_FRACTION = re.compile(rb"\.[0-9]{6}\"")  # in output: a time with microseconds, or text
_XSD_SPACE = re.compile(r"[ \t\n\r]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"
_not_none = partial(is_not, None)
# What the fast path may raise on bad input; the careful path then explains it.
_FAST_ERRORS = (msgspec.MsgspecError, ValueError, RecursionError, ArithmeticError)

Problem = tuple[str, Location]


class _Rejected(Exception):
    """The fast path found something to object to; the careful path will say what."""


def _collapse(text: str) -> str:
    """XSD ``whiteSpace="collapse"``: runs of space, tab, CR and LF become one space; trimmed."""
    return _XSD_SPACE.sub(" ", text).strip(" ")


def _describe(value: Any) -> str:
    """The JSON type of a parsed value, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    kinds = {int: "an integer", Decimal: "a number with a fraction or exponent", str: "a string"}
    kinds |= {list: "an array", dict: "an object", type(None): "null"}
    for kind, text in kinds.items():
        if isinstance(value, kind):
            return text
    return type(value).__name__


# --------------------------------------------------------------------------- fields and plans
@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class _Field:
    """What the codec needs to know about one element, precomputed from its FieldInfo."""

    info: FieldInfo
    py: str
    wire: str
    kind: Kind
    is_list: bool
    most: int | None  # maxOccurs; none for the episodes (a Limits setting of the caller)
    regex: re.Pattern[str] | None  # the XSD pattern, for fullmatch
    lines_regex: re.Pattern[str] | None  # the same, anchored per line (column checks)
    low: Any  # bounds (a date or datetime for dates and times)
    high: Any
    native: bool  # a date or time that msgspec parses itself (see _NATIVE_PATTERNS)
    quantum: Decimal | None  # 10 ** -fractionDigits
    collapse: bool  # free text (whiteSpace collapse)
    tokens: tuple[str, ...]
    unknown: Enum | None  # the "VärdeOkänt" member of a number-or-unknown field

    @classmethod
    def of(cls, f: FieldInfo, *, root: bool = False) -> _Field:
        facets = f.facets
        pattern = facets.pattern or _DEFAULT_LEXICAL.get(f.kind)
        low: Any = facets.min_inclusive
        high: Any = facets.max_inclusive
        if f.python_type is int:
            low = _INT64[0] if low is None else low
            high = _INT64[1] if high is None else high
        digits = facets.fraction_digits
        return cls(
            info=f,
            py=f.py_name,
            wire=f.wire_name,
            kind=f.kind,
            is_list=f.is_list,
            most=None if root and f.is_list else f.max_occurs,
            regex=re.compile(f"(?:{pattern})") if pattern else None,
            lines_regex=re.compile(f"^(?:{pattern})$", re.MULTILINE) if pattern else None,
            low=low,
            high=high,
            native=pattern in _NATIVE_PATTERNS.get(f.kind, ()),
            quantum=Decimal(1).scaleb(-digits) if digits is not None else None,
            collapse=f.kind is Kind.STRING and f.white_space == "collapse",
            tokens=facets.enumeration,
            unknown=next(iter(f.unknown)) if f.unknown is not None else None,
        )

    @property
    def decimal(self) -> bool:
        """Holds a decimal (maybe "or unknown"): checked and converted by this module."""
        return self.kind is Kind.DECIMAL or (
            self.kind is Kind.NUMBER_OR_UNKNOWN and self.info.python_type is not int
        )

    def range_text(self) -> str:
        low, high = (b.isoformat() if isinstance(b, date) else b for b in (self.low, self.high))
        if low is not None and high is not None:
            return f"the range {low}..{high}"
        return f"the range from {low}" if high is None else f"the range up to {high}"


@dataclasses.dataclass(slots=True, eq=False)
class _Plan:
    """Per model class: its fields, choice groups, and what the column checks look at."""

    cls: type
    fields: tuple[_Field, ...]
    by_wire: dict[str, _Field]
    by_py: dict[str, _Field]
    choices: tuple[tuple[tuple[_Field, ...], ...], ...]
    convertible: bool  # msgspec can build it (it cannot convert a Decimal | Enum union)
    checks: tuple[_Field, ...]  # facets checked column-wise when reading
    outputs: tuple[_Field, ...]  # decimals, checked column-wise when writing
    reading: bool = False  # has checks, or contains a class that has
    writing: bool = False  # has outputs, or contains a class that has

    @classmethod
    def of(cls, info: ModelInfo) -> _Plan:
        fields = tuple(_Field.of(f, root=info.cls is SIRData) for f in info.fields)
        by_wire = {f.wire: f for f in fields}
        try:
            msgspec.convert([], list[info.cls])  # type: ignore[name-defined]
            convertible = True
        except TypeError:
            convertible = False
        return cls(
            cls=info.cls,
            fields=fields,
            by_wire=by_wire,
            by_py={f.py: f for f in fields},
            choices=tuple(
                tuple(tuple(by_wire[name] for name in branch) for branch in group)
                for group in info.choices
            ),
            convertible=convertible,
            checks=tuple(
                f
                for f in fields
                if f.decimal or f.kind in (Kind.DATE, Kind.DATETIME) or f.regex or f.collapse
            ),
            outputs=tuple(f for f in fields if f.decimal),
        )


_PLANS: dict[type, _Plan] = {}
_ORDER: list[_Plan] = []  # every class after all classes that contain it
_PLANS_LOCK = threading.Lock()


def _plans() -> list[_Plan]:
    """Build the plans once (first use), in containment order."""
    with _PLANS_LOCK:
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
        plan.reading = bool(plan.checks or plan.choices) or any(c.reading for c in children)
        plan.writing = bool(plan.outputs) or any(c.writing for c in children)
    _PLANS.update(plans)
    _ORDER.extend(order)


def _choice_error(group: tuple[tuple[_Field, ...], ...], present: set[str]) -> str | None:
    """Message when ``present`` (wire names) breaks an ``xs:choice`` group, else ``None``."""
    branches = [b for b in group if any(f.wire in present for f in b)]
    if len(branches) > 1:
        names = " / ".join("+".join(f.wire for f in b) for b in branches)
        return f"only one of {names} may be given"
    for branch in branches:
        missing = [f.wire for f in branch if f.wire not in present]
        if missing:
            together = ", ".join(f.wire for f in branch)
            return f"{together} must be given together (missing {', '.join(missing)})"
    return None


# --------------------------------------------------------------------------- struct types
def _list_of(t: Any) -> Any:
    return list.__class_getitem__(t)


def _annotated(t: Any, meta: msgspec.Meta) -> Any:
    return Annotated[t, meta]


def _reading_type(f: FieldInfo, child: Callable[[type], type]) -> Any:
    """The msgspec type of one item of ``f`` in the structs that JSON is decoded into."""
    facets = f.facets
    if f.kind is Kind.COMPLEX:
        return child(f.python_type)
    if f.kind is Kind.ENUM:
        return f.python_type
    if f.kind is Kind.STRING:
        if f.white_space == "collapse" or (
            facets.min_length is None and facets.max_length is None
        ):
            return str  # free text: lengths are checked after collapsing
        return _annotated(
            str, msgspec.Meta(min_length=facets.min_length, max_length=facets.max_length)
        )
    if f.python_type is int:  # integers, and integer-or-unknown
        low: Any = _INT64[0] if facets.min_inclusive is None else facets.min_inclusive
        high: Any = _INT64[1] if facets.max_inclusive is None else facets.max_inclusive
        number = _annotated(int, msgspec.Meta(ge=low, le=high))
        return Union[number, f.unknown] if f.unknown is not None else number  # noqa: UP007
    if f.kind in (Kind.DATE, Kind.DATETIME):
        if _Field.of(f).native:
            return (
                _annotated(datetime, msgspec.Meta(tz=False)) if f.kind is Kind.DATETIME else date
            )
        return str  # pattern checked by column, parsed when the dataclasses are built
    return Any  # decimals: JSON numbers arrive through the float hook, checked by column


def _writing_type(f: FieldInfo, child: Callable[[type], type]) -> Any:
    """The msgspec type of one item of ``f`` in the structs that are encoded to JSON."""
    if f.kind is Kind.COMPLEX:
        return child(f.python_type)
    if f.kind is Kind.DATETIME:
        return _annotated(datetime, msgspec.Meta(tz=False))
    if f.unknown is not None and f.python_type is int:
        return Union[int, f.unknown]  # noqa: UP007
    if f.kind in (Kind.DECIMAL, Kind.NUMBER_OR_UNKNOWN):
        return Any  # checked by column (type, finite, plain notation)
    return f.python_type


def _struct_family(
    prefix: str, item_type: Callable[[FieldInfo, Callable[[type], type]], Any], *, reading: bool
) -> Callable[[type], type]:
    """A cached factory of msgspec Struct types that mirror the model classes."""
    made: dict[type, type] = {}

    def struct(cls: type) -> type:
        if cls in made:
            return made[cls]
        info = model_info(cls)
        specs: list[tuple[Any, ...]] = []
        for f in info.fields:
            t = item_type(f, struct)
            if f.is_list:
                if reading or f.min_occurs:
                    most = f.max_occurs if reading and cls is not SIRData else None
                    meta = msgspec.Meta(min_length=max(1, f.min_occurs), max_length=most)
                    t = _annotated(_list_of(t), meta)
                else:
                    t = _list_of(t)
                default: Any = msgspec.field(default_factory=list)
            else:
                # reading: ``null`` stays invalid; writing: ``None`` is an absent value
                t = t if reading or f.min_occurs else Union[t, None]  # noqa: UP007
                default = None
            specs.append((f.py_name, t) if f.min_occurs else (f.py_name, t, default))
        made[cls] = msgspec.defstruct(
            f"{prefix}{cls.__name__}",
            specs,
            kw_only=True,
            rename={f.py_name: f.wire_name for f in info.fields},
            forbid_unknown_fields=True,
            omit_defaults=True,
            gc=False,
        )
        return made[cls]

    return struct


# --------------------------------------------------------------------------- careful path
class _Object(dict[str, Any]):
    """A JSON object as parsed by the careful path: NFC keys, duplicates remembered."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.duplicates: list[str] = []
        for key, value in pairs:
            name = unicodedata.normalize("NFC", key)
            if name in self:
                self.duplicates.append(name)
            self[name] = value


@dataclasses.dataclass(frozen=True, slots=True)
class _Invalid:
    """A JSON number that is not acceptable anywhere (NaN, Infinity, a huge integer)."""

    message: str


def _parse_builtins(raw: bytes) -> Any:
    """Parse ``raw`` with the standard library, or raise a ParseError saying why not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        message = f"the input is not valid UTF-8 (byte {exc.start})"
        raise ParseError(message, line=line, column=column) from None
    if not text.strip():
        raise ParseError("the document is empty")

    def constant(name: str) -> _Invalid:
        return _Invalid(f"{name} is not allowed: JSON numbers must be finite")

    def integer(token: str) -> int | _Invalid:
        if len(token.lstrip("-")) > 19:
            return _Invalid(f"the integer {token[:24]}… is too large (beyond 64 bits)")
        return int(token)

    try:
        return json.loads(
            text,
            object_pairs_hook=_Object,
            parse_float=Decimal,
            parse_int=integer,
            parse_constant=constant,
        )
    except json.JSONDecodeError as exc:
        raise ParseError(f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise ParseError("the JSON document is nested too deeply") from None


class _Validator:
    """Finds the first schema violation in a parsed JSON document, with its location."""

    def first_error(self, document: Any) -> Problem | None:
        if not isinstance(document, dict):
            return f"the document must be a JSON object (SIRData), not {_describe(document)}", ()
        return self._object(document, _PLANS[SIRData], ())

    def _object(self, obj: Any, plan: _Plan, loc: Location) -> Problem | None:
        if not isinstance(obj, dict):
            return f"expected an object, got {_describe(obj)}", loc
        duplicates = getattr(obj, "duplicates", ())
        if duplicates:
            return f"duplicate key {duplicates[0]!r}", (*loc, (duplicates[0], None))
        for key, value in obj.items():
            f = plan.by_wire.get(key)
            if f is None:
                return f"unknown key {key!r}", (*loc, (key, None))
            problem = self._field(f, value, loc)
            if problem:
                return problem
        for f in plan.fields:
            if f.info.required and f.wire not in obj:
                return f"required key {f.wire!r} is missing", loc
        for group in plan.choices:
            message = _choice_error(group, set(obj))
            if message:
                return message, loc
        return None

    def _field(self, f: _Field, value: Any, loc: Location) -> Problem | None:
        here: Location = (*loc, (f.wire, None))
        if not f.is_list:
            if isinstance(value, list):
                return "expected a single value, not an array (this element occurs once)", here
            return self._item(f, value, here)
        least, most = f.info.min_occurs, f.most
        occurs = f"{least}..{most}" if most is not None else f"at least {least}"
        if not isinstance(value, list):
            return f"expected an array ({f.wire} occurs {occurs} times)", here
        if not value:
            return "an empty array is not allowed: omit the key", here
        if len(value) < least or (most is not None and len(value) > most):
            return f"{len(value)} items, but {f.wire} occurs {occurs} times", here
        for index, item in enumerate(value):
            problem = self._item(f, item, (*loc, (f.wire, index)))
            if problem:
                return problem
        return None

    def _item(self, f: _Field, value: Any, loc: Location) -> Problem | None:
        if value is None:
            return "null is not allowed: omit the key for an absent value", loc
        if isinstance(value, _Invalid):
            return value.message, loc
        if f.kind is Kind.COMPLEX:
            return self._object(value, _PLANS[f.info.python_type], loc)
        message = _scalar_error(f, value)
        return (message, loc) if message else None


def _scalar_error(f: _Field, value: Any) -> str | None:
    """What is wrong with a parsed JSON scalar for field ``f``, or ``None``."""
    if f.kind is Kind.ENUM:
        if not isinstance(value, str):
            return f"expected a string (one of: {', '.join(f.tokens)}), got {_describe(value)}"
        return (
            None if value in f.tokens else f"{value[:40]!r} is not one of: {', '.join(f.tokens)}"
        )
    if f.unknown is not None and isinstance(value, str):
        if value == f.unknown.value:
            return None
        return f"expected a number or the string {f.unknown.value!r}, got another string"
    if f.kind in (Kind.STRING, Kind.DATE, Kind.DATETIME):
        if not isinstance(value, str):
            return f"expected a string, got {_describe(value)}"
        return _text_error(f, value)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return f"expected a number, got {_describe(value)}"
    if f.info.python_type is int:
        if not isinstance(value, int):
            return "expected an integer (no fraction or exponent)"
        if not _INT64[0] <= value <= _INT64[1]:
            return "the integer is too large (beyond 64 bits)"
    if (f.low is not None and value < f.low) or (f.high is not None and value > f.high):
        return f"{value} is outside {f.range_text()}"
    if f.quantum is not None and isinstance(value, Decimal) and not _fits(value, f.quantum):
        return f"{value} has more than {-f.quantum.adjusted()} fraction digits"
    return None


def _fits(value: Decimal, quantum: Decimal) -> bool:
    """True when ``value`` has no more fraction digits than ``quantum`` (7.40 counts as 7.4)."""
    try:
        return value == value.quantize(quantum)
    except ArithmeticError:  # more digits than the context holds
        return False


def _parse_moment(f: _Field, text: str) -> date:
    """The date or datetime written as ``text`` (already matched against the pattern)."""
    return datetime.fromisoformat(text) if f.kind is Kind.DATETIME else date.fromisoformat(text)


def _text_error(f: _Field, value: str) -> str | None:
    """What is wrong with a string for field ``f`` (text, code, date or time), or ``None``."""
    text = _collapse(value) if f.collapse else value
    if _SURROGATE.search(text):
        return "the text contains an unpaired surrogate (not a Unicode character)"
    facets = f.info.facets
    if facets.min_length is not None and len(text) < facets.min_length:
        if not text:
            return "the text is empty" + (" (after collapsing whitespace)" if value else "")
        return f"the text is shorter than {facets.min_length} characters"
    if facets.max_length is not None and len(text) > facets.max_length:
        return f"the text is longer than {facets.max_length} characters"
    if f.regex is not None and not f.regex.fullmatch(text):
        if f.kind is Kind.DATE:
            return "not a date of the form 2024-11-03 (no zone)"
        if f.kind is Kind.DATETIME:
            return "not a local date-time of the form 2024-11-03T16:40:00 (no zone, no fraction)"
        return f"the value does not match the pattern {f.regex.pattern[3:-1]}"  # not echoed
    if f.kind in (Kind.DATE, Kind.DATETIME):
        try:
            moment = _parse_moment(f, text)
        except ValueError:
            return "not a valid calendar date or time"
        if (f.low is not None and moment < f.low) or (f.high is not None and moment > f.high):
            return f"the value is outside {f.range_text()}"
    return None


# --------------------------------------------------------------------------- column checks
def _gather(root: Any, wanted: Callable[[_Plan], bool]) -> dict[type, list[Any]]:
    """All struct objects under ``root`` per model class, for the classes ``wanted``."""
    found: dict[type, list[Any]] = {SIRData: [root]}
    for plan in _ORDER:
        objects = found.get(plan.cls)
        if not objects:
            continue
        for f in plan.fields:
            if f.kind is Kind.COMPLEX and wanted(_PLANS[f.info.python_type]):
                column = map(attrgetter(f.py), objects)
                items = chain.from_iterable(column) if f.is_list else filter(_not_none, column)
                found.setdefault(f.info.python_type, []).extend(items)
    return found


def _values(f: _Field, objects: list[Any]) -> list[Any]:
    """The values of ``f`` over ``objects``: absent ones dropped, lists flattened."""
    column = map(attrgetter(f.py), objects)
    return list(chain.from_iterable(column) if f.is_list else filter(_not_none, column))


def _all_match(f: _Field, texts: list[str]) -> bool:
    """True when every text matches the pattern of ``f``: one regex call for the column."""
    assert f.lines_regex is not None
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return False  # a value holds a newline: leave it to the careful path
    # A match starts at a line start and cannot swallow the next one: n matches = n lines.
    return len(f.lines_regex.findall(joined)) == len(texts)


def _check_column(f: _Field, objects: list[Any]) -> None:
    """Raise _Rejected unless every value of ``f`` in ``objects`` passes its facets."""
    if f.collapse:  # free text: few values (header fields); collapsed in place
        for obj in objects:
            value = getattr(obj, f.py)
            if value is not None:
                texts = [_collapse(v) for v in value] if f.is_list else [_collapse(value)]
                setattr(obj, f.py, texts if f.is_list else texts[0])
                if any(_text_error(f, text) for text in texts):
                    raise _Rejected
        return
    if f.native:  # dates and times parsed by msgspec (lexical form: see _check_reencoding)
        moments = _values(f, objects)
        if moments and (
            (f.low is not None and min(moments) < f.low)
            or (f.high is not None and max(moments) > f.high)
            or (f.kind is Kind.DATETIME and any(map(attrgetter("microsecond"), moments)))
        ):
            raise _Rejected
        return
    if not f.decimal:  # strings (the struct type says so): each distinct value once
        column = map(attrgetter(f.py), objects)
        distinct = set(chain.from_iterable(column) if f.is_list else column)
        distinct.discard(None)
        texts = list(distinct)
        if not texts:
            return
        if not _all_match(f, texts):
            raise _Rejected
        if f.kind in (Kind.DATE, Kind.DATETIME):  # other date patterns than msgspec's
            moments = [_parse_moment(f, text) for text in texts]
            if (f.low is not None and min(moments) < f.low) or (
                f.high is not None and max(moments) > f.high
            ):
                raise _Rejected
        return
    numbers = _values(f, objects)  # no set() here: True == 1 == Decimal(1)
    if f.unknown is not None:
        if any(v != f.unknown.value for v in numbers if v.__class__ is str):
            raise _Rejected
        numbers = [v for v in numbers if v.__class__ is not str]
    if not numbers:
        return
    if not set(map(type, numbers)) <= {Decimal, int}:
        raise _Rejected
    if (f.low is not None and min(numbers) < f.low) or (
        f.high is not None and max(numbers) > f.high
    ):
        raise _Rejected
    if f.quantum is not None:
        decimals = [v for v in numbers if v.__class__ is Decimal]
        if not all(map(eq, decimals, map(Decimal.quantize, decimals, repeat(f.quantum)))):
            raise _Rejected


def _check_choices(plan: _Plan, objects: list[Any]) -> None:
    """Raise _Rejected when an object breaks a choice group (each combination once)."""
    for group in plan.choices:
        names = [f.wire for branch in group for f in branch]
        getter = attrgetter(*[f.py for branch in group for f in branch])
        for combination in set(map(getter, objects)):
            values = combination if len(names) > 1 else (combination,)
            present = {n for n, v in zip(names, values, strict=True) if v is not None}
            if _choice_error(group, present):
                raise _Rejected


# --------------------------------------------------------------------------- building objects
@functools.cache
def _assembler(cls: type) -> Callable[..., list[Any]]:
    """``assemble(column, ...)``: objects of ``cls`` from one column per field, in order.

    Generated like a dataclass ``__init__``, with plain attribute stores (measured four times
    faster than ``setattr`` over columns, and no keyword dictionaries).
    """
    names = [f.py_name for f in model_info(cls).fields]
    values = ", ".join(f"v{i}" for i in range(len(names)))
    stores = "".join(f"        o.{name} = v{i}\n" for i, name in enumerate(names))
    source = (
        f"def assemble({', '.join(names)}):\n"
        "    out = []\n"
        f"    for {values} in zip({', '.join(names)}, strict=True):\n"
        "        o = new(cls)\n"
        f"{stores}"
        "        out.append(o)\n"
        "    return out\n"
    )
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    exec(source, namespace)  # the names are the model's Python identifiers
    assemble: Callable[..., list[Any]] = namespace["assemble"]
    return assemble


@functools.cache
def _column_type(item: type, is_list: bool) -> Any:
    """``list[list[item]]`` or ``list[item | None]``: the type of a column to convert."""
    return _list_of(_list_of(item) if is_list else Union[item, None])  # noqa: UP007


def _build(plan: _Plan, structs: list[Any]) -> list[Any]:
    """Model objects for ``structs`` (all of class ``plan.cls``), in the same order."""
    if plan.convertible:
        built: list[Any] = msgspec.convert(
            structs, _column_type(plan.cls, False), from_attributes=True
        )
        return built
    columns = [_build_column(f, list(map(attrgetter(f.py), structs))) for f in plan.fields]
    return _assembler(plan.cls)(*columns)


def _build_column(f: _Field, column: list[Any]) -> list[Any]:
    """Model values for one field's column of struct values (``None`` where absent)."""
    if f.kind is Kind.COMPLEX:
        plan = _PLANS[f.info.python_type]
        if plan.convertible:
            built: list[Any] = msgspec.convert(
                column, _column_type(plan.cls, f.is_list), from_attributes=True
            )
            return built
        if f.is_list:
            objects = iter(_build(plan, list(chain.from_iterable(column))))
            return [[next(objects) for _ in items] for items in column]
        objects = iter(_build(plan, [s for s in column if s is not None]))
        return [None if s is None else next(objects) for s in column]
    if f.decimal and f.unknown is not None:
        if f.is_list:
            return [[_number_or_unknown(f, v) for v in items] for items in column]
        return [_number_or_unknown(f, v) for v in column]
    if f.kind is Kind.DECIMAL or (f.kind in (Kind.DATE, Kind.DATETIME) and not f.native):
        converted: list[Any] = msgspec.convert(column, _column_type(f.info.python_type, f.is_list))
        return converted
    return column


def _number_or_unknown(f: _Field, value: Any) -> Any:
    if value is None or value.__class__ is Decimal:
        return value
    return f.unknown if value.__class__ is str else Decimal(value)


# --------------------------------------------------------------------------- writing helpers
def _is_datetime(f: _Field) -> bool:
    return f.kind is Kind.DATETIME


def _output_problem_of_time(value: datetime) -> str | None:
    return "a local time has whole seconds (no fraction)" if value.microsecond else None


def _output_problem(f: _Field) -> Callable[[Any], str | None]:
    """A check of one written decimal of ``f``: message, or ``None`` when fine."""

    def problem(value: Any) -> str | None:
        if value.__class__ is Decimal:
            return None if value.is_finite() else "a decimal must be finite (not NaN or Infinity)"
        if value.__class__ is int or (f.unknown is not None and value is f.unknown):
            return None
        expected = "a Decimal" + (f" or {type(f.unknown).__name__}" if f.unknown else "")
        return f"expected {expected}, got {type(value).__name__}"

    return problem


def _check_output(root: Any, f: _Field, objects: list[Any]) -> None:
    """Check the decimals of ``f`` about to be written; give them plain notation."""
    values = _values(f, objects)
    allowed = {Decimal, int} | ({type(f.unknown)} if f.unknown is not None else set())
    if not set(map(type, values)) <= allowed:
        _raise_at(root, partial(is_, f), _output_problem(f))
        raise SerializeError(f"invalid value in {f.wire}")  # pragma: no cover
    numbers = values if f.unknown is None else [v for v in values if v is not f.unknown]
    written = "".join(map(str, numbers))  # what msgspec writes: digits, "-", "." ...
    if "E" in written or "N" in written or "I" in written:  # ... or exponents, NaN, Infinity
        if not all(map(Decimal.is_finite, (v for v in numbers if v.__class__ is Decimal))):
            _raise_at(root, partial(is_, f), _output_problem(f))
            raise SerializeError(f"invalid value in {f.wire}")  # pragma: no cover
        for obj in objects:
            value = getattr(obj, f.py)
            setattr(obj, f.py, [_plain(v) for v in value] if f.is_list else _plain(value))


def _plain(value: Any) -> Any:
    if value.__class__ is Decimal and "E" in str(value):
        return msgspec.Raw(format(value, "f").encode())
    return value


def _raise_at(
    root: Any, wanted: Callable[[_Field], bool], problem: Callable[[Any], str | None]
) -> None:
    """Raise SerializeError at the first value of a ``wanted`` field that has a ``problem``.

    A walk over the whole report, for error messages only.
    """
    for loc, value in _locate(root, wanted):
        message = problem(value)
        if message:
            raise SerializeError(message, path=logical_path(loc))


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


_MSGSPEC_PATH = re.compile(r" - at `\$(.*)`$")
_PATH_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def _serialize_error(exc: msgspec.ValidationError) -> SerializeError:
    """msgspec's ``message - at `$.a[0].b``` (Python names) as a SerializeError."""
    text = str(exc)
    match = _MSGSPEC_PATH.search(text)
    message = text[: match.start()] if match else text
    steps: list[tuple[str, int | None]] = []
    plan: _Plan | None = _PLANS[SIRData]
    f: _Field | None = None
    for name, index in _PATH_STEP.findall(match.group(1) if match else ""):
        if name:
            f = plan.by_py.get(name) if plan else None
            steps.append((f.wire if f else name, None))
            plan = _PLANS[f.info.python_type] if f and f.kind is Kind.COMPLEX else None
        elif steps:
            steps[-1] = (steps[-1][0], int(index))
    got = message.rpartition("got ")[2].strip("`")
    if got == "null":
        message = "a required value is missing (None)"
    elif f is not None and f.kind is Kind.ENUM and "got" in message:
        message = f"expected a {f.info.python_type.__name__} member, got {got}"
    else:
        message = message.replace("Expected", "expected").replace(" | null", "").replace("`", "")
    return SerializeError(message, path=logical_path(tuple(steps)) or None)


# --------------------------------------------------------------------------- the codec
def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParseError(f"the text contains an unpaired surrogate at {exc.start}") from None
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise ParseError(f"expected bytes or str, got {type(data).__name__}")
    return raw[len(_BOM) :] if raw.startswith(_BOM) else raw


def _json_decimal(token: str) -> Decimal:
    """msgspec's float hook: a JSON number with a fraction, read exactly.

    Exponents go to the careful path: re-encoded, such a number would change the count of
    "." that _check_reencoding relies on.
    """
    if "e" in token or "E" in token:
        raise _Rejected
    return Decimal(token)


def _plain_numbers(value: Any) -> Any:
    """A parsed document with every Decimal as a plain-notation JSON number (1E+2 -> 100)."""
    if isinstance(value, dict):
        return {key: _plain_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(item) for item in value]
    if isinstance(value, Decimal):
        plain = value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]
        return msgspec.Raw(format(plain, "f").encode())
    return value


def _marks(data: bytes) -> tuple[int, int, int]:
    """How many ``:``, ``T`` and ``.`` bytes ``data`` holds (one pass)."""
    kept = data.translate(None, _MARKS)
    return kept.count(b":"), kept.count(b"T"), kept.count(b".")


class JsonCodec:
    """Reads and writes the JSON form of a report; build once and reuse (cached state).

    ``decode`` raises :class:`~sir_format.errors.ParseError` naming the location of the first
    problem; ``encode`` raises :class:`~sir_format.errors.SerializeError` for a value outside
    its type. Both pause the cyclic garbage collector while they work.
    """

    def __init__(self) -> None:
        _plans()
        reading = _struct_family("_In", _reading_type, reading=True)
        writing = _struct_family("_Out", _writing_type, reading=False)
        self._decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
            reading(SIRData), float_hook=_json_decimal
        )
        self._out_type = writing(SIRData)
        self._encoder = msgspec.json.Encoder(decimal_format="number")

    # ------------------------------------------------------------------ reading
    def decode(self, data: bytes | str) -> SIRData:
        """Parse a JSON report (bytes or text, BOM tolerated) into the model."""
        raw = _as_bytes(data)
        with gc_paused():
            try:
                return self._decode_fast(raw)
            except (_Rejected, *_FAST_ERRORS):
                pass
            return self._decode_careful(raw)

    def _decode_fast(self, raw: bytes, *, keys_checked: bool = False) -> SIRData:
        root = self._decoder.decode(raw)
        if not keys_checked:
            self._check_reencoding(raw, root)
        found = _gather(root, attrgetter("reading"))
        for plan in _ORDER:
            objects = found.get(plan.cls)
            if objects:
                for f in plan.checks:
                    _check_column(f, objects)
                _check_choices(plan, objects)
        report: SIRData = _build(_PLANS[SIRData], [root])[0]
        return report

    def _decode_careful(self, raw: bytes) -> SIRData:
        document = _parse_builtins(raw)
        problem = _Validator().first_error(document)
        if problem is not None:
            message, loc = problem
            raise ParseError(message, path=logical_path(loc) or None)
        canonical = self._encoder.encode(_plain_numbers(document))  # NFC keys, no duplicates
        try:
            return self._decode_fast(canonical, keys_checked=True)
        except (_Rejected, *_FAST_ERRORS) as exc:  # pragma: no cover - the two paths agree
            raise ParseError(f"invalid report: {exc}") from None

    def _check_reencoding(self, raw: bytes, root: Any) -> None:
        """Reject (for the careful path) what msgspec read more leniently than the schema.

        The input is compared with msgspec's re-encoding of what it read, by the number of
        ``:``, ``T`` and ``.`` bytes (escapes such as ``\\u003a`` counted as what they stand
        for). Text in strings and numbers without exponent are written back unchanged, so:

        - a repeated key (msgspec keeps the last) is a key and colon fewer when re-encoded;
        - a date-time with ``" "`` or ``"t"`` between date and time comes back with ``"T"``;
        - a fraction of a second comes back without its ``"."`` (or with microseconds, which
          the column check rejects).

        No change makes a count go the other way, so none can hide another; a mismatch with
        innocent causes (an escaped letter, a number msgspec writes with an exponent) only
        costs a trip through the careful path.
        """
        marks = _marks(raw)
        if b"\\" in raw:
            escaped = (
                raw.count(b"\\u003a") + raw.count(b"\\u003A"),
                raw.count(b"\\u0054"),
                raw.count(b"\\u002e") + raw.count(b"\\u002E"),
            )
            marks = (marks[0] + escaped[0], marks[1] + escaped[1], marks[2] + escaped[2])
        if marks != _marks(self._encoder.encode(root)):
            raise _Rejected

    # ------------------------------------------------------------------ writing
    def encode(self, report: SIRData, *, pretty: bool = False) -> bytes:
        """Write ``report`` as UTF-8 JSON without BOM, keys in schema order, deterministic."""
        if not isinstance(report, SIRData):
            raise SerializeError(f"expected a SIRData report, got {type(report).__name__}")
        with gc_paused():
            try:
                root: Any = msgspec.convert(report, self._out_type, from_attributes=True)
            except msgspec.ValidationError as exc:
                raise _serialize_error(exc) from None
            found = _gather(root, attrgetter("writing"))
            for plan in _ORDER:
                objects = found.get(plan.cls)
                if objects:
                    for f in plan.outputs:
                        _check_output(root, f, objects)
            out = self._encoder.encode(root)
            if _FRACTION.search(out):  # microseconds are written as ".ffffff" (or text is)
                _raise_at(root, _is_datetime, _output_problem_of_time)
        return msgspec.json.format(out, indent=2) if pretty else out
