"""Schema-level strategies: one value per field, and whole model objects, from the metadata.

Everything here honours the XSD facets read from :mod:`sir_format.metadata` and nothing else:
the values are valid against the schema, not necessarily coherent with the registry rules.
"""

from __future__ import annotations

import enum
import importlib
import math
import re
import string
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, cast

from hypothesis import strategies as st

from sir_format.metadata import Facets, FieldInfo, Kind, model_info
from sir_format.testing._source import Source

# The regular-expression parser of the standard library, for the schema's patterns.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

__all__ = [
    "LIST_CAP",
    "model_from",
    "model_values",
    "number_from",
    "number_values",
    "python_pattern",
    "value_from",
    "values",
]

LIST_CAP = 3
"""Largest list drawn for a repeated element whose ``max_occurs`` is larger (unless its
``min_occurs`` asks for more): keeps examples small and fast."""

_DEFAULT_DECIMAL_PLACES = 3
_DEFAULT_NUMBER_BOUND = 10**9
_EARLIEST_DATE = date(1000, 1, 1)  # four-digit years, as the lexical pattern needs
_LATEST_DATE = date(9999, 12, 31)

# Free text: words of printable characters joined by one or two spaces, so there is no leading
# or trailing space, no tab or line break and no control character, while the inside keeps
# what a reader must not collapse (data dictionary §12, D2). Letters, marks, numbers,
# punctuation and symbols are all legal XML 1.0 characters.
_TEXT_CATEGORIES = ("L", "M", "N", "P", "S")
_ASCII = string.ascii_letters + string.digits + string.punctuation
_ASCII_SHARE = 192  # of 256: a byte below it picks an ASCII character, above it any other
_MAX_WORDS = 6
_MAX_WORD = 12
_UNBOUNDED_REPEAT = 8  # extra repetitions drawn for "+" and "*" in a pattern
_UNKNOWN_CHANCE = 0.1  # number-or-unknown fields: how often the unknown token


def python_pattern(xsd_pattern: str) -> str:
    """Translate an XSD pattern to an anchorable Python regex (use it with ``fullmatch``).

    XSD patterns are implicitly anchored; the result is wrapped in a group so that an
    alternation stays whole under ``fullmatch``. XSD ``\\d`` means any Unicode digit, but the
    generators produce ASCII digits, so it becomes ``[0-9]``.
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(xsd_pattern):
        char = xsd_pattern[i]
        if char == "\\" and i + 1 < len(xsd_pattern):
            escape = xsd_pattern[i : i + 2]
            if escape == "\\d":
                out.append("0-9" if in_class else "[0-9]")
            else:
                out.append(escape)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "(?:" + "".join(out) + ")"


# ------------------------------------------------------------------ text


@cache
def _other_characters() -> tuple[str, ...]:
    """Every non-ASCII character of the Basic Multilingual Plane in the free-text categories."""
    return tuple(
        char
        for char in map(chr, range(0xA0, 0x10000))
        if unicodedata.category(char)[0] in _TEXT_CATEGORIES
    )


def _char(src: Source) -> str:
    pick = src.byte()
    if pick < _ASCII_SHARE:
        return _ASCII[pick % len(_ASCII)]
    others = _other_characters()
    return others[src.below(len(others))]


def _word(src: Source) -> str:
    return "".join(_char(src) for _ in range(1 + src.count(0, _MAX_WORD - 1)))


def _text(src: Source, facets: Facets) -> str:
    low = facets.min_length or 1
    high = facets.max_length
    words = [_word(src) for _ in range(1 + src.count(0, _MAX_WORDS - 1))]
    text = ("  " if src.chance(0.1) else " ").join(words)
    if high is not None:
        text = text[:high].rstrip(" ")
    return text + _ASCII[0] * (low - len(text))


# ------------------------------------------------------------------ patterns

_Gen = Callable[[Source], str]


def _class_chars(items: list[tuple[Any, Any]]) -> tuple[str, ...]:
    """The ASCII characters of a character class (its ranges and literals)."""
    negate = False
    chars: list[str] = []
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.append(chr(arg))
        elif op is sre.RANGE:
            chars.extend(map(chr, range(arg[0], arg[1] + 1)))
        elif op is sre.CATEGORY and arg is sre.CATEGORY_DIGIT:
            chars.extend(string.digits)
        else:  # pragma: no cover - the schema's patterns use none of the others
            raise ValueError(f"unsupported character class item {op}")
    if negate:
        return tuple(c for c in _ASCII if c not in chars)
    return tuple(dict.fromkeys(chars))


def _compile(pattern: Any) -> _Gen:
    """A generator of strings that match a parsed pattern (a subset of regular expressions)."""
    parts = [_compile_item(op, arg) for op, arg in pattern]

    def generate(src: Source) -> str:
        return "".join(part(src) for part in parts)

    return generate


def _compile_item(op: Any, arg: Any) -> _Gen:
    if op is sre.LITERAL:
        char = chr(arg)
        return lambda src: char
    if op is sre.IN:
        chars = _class_chars(arg)
        return lambda src: src.choice(chars)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, inner = arg
        high = low + _UNBOUNDED_REPEAT if high is sre.MAXREPEAT else high
        item = _compile(inner)
        return lambda src: "".join(item(src) for _ in range(src.integer(low, high)))
    if op is sre.SUBPATTERN:
        return _compile(arg[-1])
    if op is sre.BRANCH:
        branches = [_compile(branch) for branch in arg[1]]
        return lambda src: src.choice(branches)(src)
    if op is sre.AT:
        return lambda src: ""
    raise ValueError(f"unsupported pattern operator {op}")  # pragma: no cover


@cache
def _pattern(xsd_pattern: str, low: int | None, high: int | None) -> _Gen:
    generate = _compile(sre_parse.parse(python_pattern(xsd_pattern)))
    matches = re.compile(python_pattern(xsd_pattern)).fullmatch

    def fitting(src: Source) -> str:
        text = generate(src)
        if high is not None and len(text) > high:
            text = text[:high]
        if (low is None or len(text) >= low) and matches(text):
            return text
        # A cut or short string that no longer fits: the pattern's smallest match instead.
        return generate(_ZEROS)

    return fitting


class _Zeros(Source):
    """A source of zero bytes only: every choice the simplest."""

    def __init__(self) -> None:
        super().__init__(lambda strategy: bytes(32))


_ZEROS = _Zeros()


# ------------------------------------------------------------------ numbers and dates


def _integer_bounds(facets: Facets) -> tuple[int, int]:
    low = facets.min_inclusive
    high = facets.max_inclusive
    bound = 10**facets.total_digits - 1 if facets.total_digits is not None else None
    lowest = -(bound if bound is not None else _DEFAULT_NUMBER_BOUND)
    highest = bound if bound is not None else _DEFAULT_NUMBER_BOUND
    return (
        max(int(low), lowest) if isinstance(low, int) else lowest,
        min(int(high), highest) if isinstance(high, int) else highest,
    )


def _decimal_bounds(facets: Facets) -> tuple[int, int, int]:
    """Scaled bounds and the number of decimal places of a decimal field."""
    places = (
        facets.fraction_digits if facets.fraction_digits is not None else _DEFAULT_DECIMAL_PLACES
    )
    if facets.total_digits is not None:
        places = min(places, facets.total_digits)
        bound = Decimal(10**facets.total_digits - 1).scaleb(-places)
    else:
        bound = Decimal(_DEFAULT_NUMBER_BOUND)
    low = Decimal(facets.min_inclusive) if facets.min_inclusive is not None else -bound  # type: ignore[arg-type]
    high = Decimal(facets.max_inclusive) if facets.max_inclusive is not None else bound  # type: ignore[arg-type]
    low, high = max(low, -bound), min(high, bound)
    scale = 10**places
    return math.ceil(low * scale), math.floor(high * scale), places


@cache
def _number_decoder(field: FieldInfo) -> Callable[[Source], Any]:
    if field.python_type is int:
        low, high = _integer_bounds(field.facets)
        return lambda src: src.integer(low, high)
    if field.python_type is Decimal:
        scaled_low, scaled_high, places = _decimal_bounds(field.facets)
        return lambda src: Decimal(src.integer(scaled_low, scaled_high)).scaleb(-places)
    raise TypeError(f"{field.wire_name} is not a numeric field")


def number_from(src: Source, field: FieldInfo) -> Any:
    """The numeric part of an integer, decimal or number-or-unknown field."""
    return _number_decoder(field)(src)


def _date_range(facets: Facets) -> tuple[int, int]:
    low = facets.min_inclusive if isinstance(facets.min_inclusive, date) else _EARLIEST_DATE
    high = facets.max_inclusive if isinstance(facets.max_inclusive, date) else _LATEST_DATE
    return max(low, _EARLIEST_DATE).toordinal(), min(high, _LATEST_DATE).toordinal()


def _datetime_range(facets: Facets) -> tuple[datetime, int]:
    """The earliest whole second and the number of seconds after it of a date-time field."""
    earliest = datetime.combine(_EARLIEST_DATE, datetime.min.time())
    latest = datetime.combine(_LATEST_DATE, datetime.max.time()).replace(microsecond=0)
    low = facets.min_inclusive if isinstance(facets.min_inclusive, datetime) else earliest
    high = facets.max_inclusive if isinstance(facets.max_inclusive, datetime) else latest
    low, high = max(low, earliest), min(high, latest).replace(microsecond=0)
    low = low if not low.microsecond else low.replace(microsecond=0) + timedelta(seconds=1)
    return low, int((high - low).total_seconds())


# ------------------------------------------------------------------ fields and models


@cache
def _decoder(field: FieldInfo) -> Callable[[Source], Any]:
    """Decode one schema-valid value of ``field`` (one item of a repeated element)."""
    kind, facets = field.kind, field.facets
    if kind is Kind.COMPLEX:
        cls = field.python_type
        return lambda src: model_from(src, cls)
    if kind is Kind.ENUM:
        members = tuple(cast("type[enum.Enum]", field.python_type))
        return lambda src: src.choice(members)
    if kind is Kind.STRING:
        if facets.pattern is None or field.free_text:
            return lambda src: _text(src, facets)
        return _pattern(facets.pattern, facets.min_length, facets.max_length)
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        return _number_decoder(field)
    if kind is Kind.DATE:
        first, last = _date_range(facets)
        return lambda src: date.fromordinal(src.integer(first, last))
    if kind is Kind.DATETIME:
        start, seconds = _datetime_range(facets)
        return lambda src: start + timedelta(seconds=src.integer(0, seconds))
    if kind is Kind.NUMBER_OR_UNKNOWN:
        assert field.unknown is not None
        unknown = tuple(field.unknown)
        number = _number_decoder(field)
        return lambda src: src.choice(unknown) if src.chance(_UNKNOWN_CHANCE) else number(src)
    raise TypeError(f"unsupported field kind {kind!r}")  # pragma: no cover


def value_from(src: Source, field: FieldInfo) -> Any:
    """One schema-valid value of ``field`` read from ``src``."""
    return _decoder(field)(src)


def _occurrences_from(src: Source, field: FieldInfo, *, present: bool = False) -> Any:
    """The attribute value: a list within the occurrence bounds, or a value or ``None``."""
    decode = _decoder(field)
    if field.is_list:
        low = max(field.min_occurs, 1) if present else field.min_occurs
        high = max(low, min(field.max_occurs, LIST_CAP))
        return [decode(src) for _ in range(src.count(low, high))]
    if field.required or present or src.boolean():
        return decode(src)
    return None


@cache
def _model_plan(
    cls: type, omit: frozenset[str]
) -> tuple[tuple[tuple[FieldInfo, bool], ...], tuple[tuple[tuple[FieldInfo, ...], ...], ...]]:
    info = model_info(cls)
    unknown = omit - set(info.by_py)
    if unknown:
        raise ValueError(f"{cls.__name__} has no fields {sorted(unknown)}")
    plain = tuple((f, f.py_name in omit) for f in info.fields if f.choice is None)
    groups = tuple(
        tuple(tuple(info.by_wire[w] for w in branch) for branch in group) for group in info.choices
    )
    return plain, groups


def model_from(src: Source, cls: type, omit: frozenset[str] = frozenset()) -> Any:
    """A schema-valid object of a model class read from ``src``; see :func:`model_values`."""
    plain, groups = _model_plan(cls, omit)
    kwargs: dict[str, Any] = {}
    for field, left_out in plain:
        if left_out:
            kwargs[field.py_name] = [] if field.is_list else None
        else:
            kwargs[field.py_name] = _occurrences_from(src, field)
    for group in groups:
        chosen = src.below(len(group) + 1)  # 0: no branch
        for field in group[chosen - 1] if chosen else ():
            kwargs[field.py_name] = _occurrences_from(src, field, present=True)
    return cls(**kwargs)


# ------------------------------------------------------------------ strategies


def number_values(field: FieldInfo) -> st.SearchStrategy[Any]:
    """Strategy for the numeric part of an integer, decimal or number-or-unknown field."""
    decode = _number_decoder(field)
    return st.composite(lambda draw: decode(Source(draw)))()


@cache
def values(field: FieldInfo) -> st.SearchStrategy[Any]:
    """Strategy for one schema-valid value of ``field`` (one item, for a repeated element).

    Facets honoured: pattern, enumeration, min/max inclusive, min/max length, fraction and
    total digits. A complex field yields a schema-valid object of its model class.
    """
    decode = _decoder(field)
    return st.composite(lambda draw: decode(Source(draw)))()


@cache
def model_values(cls: type, omit: frozenset[str] = frozenset()) -> st.SearchStrategy[Any]:
    """Strategy for schema-valid objects of a model class.

    Each ``xs:choice`` group takes at most one branch (every choice in the schema is optional),
    and a chosen branch is complete. Long lists are capped at :data:`LIST_CAP` items.

    Fields named (by Python name) in ``omit`` are not drawn: they are left ``None`` (or an empty
    list), and the caller must set them. Coherent builders use this to draw only what they keep.
    """
    _model_plan(cls, omit)  # unknown names fail here, when the strategy is made
    return st.composite(lambda draw: model_from(Source(draw), cls, omit))()
