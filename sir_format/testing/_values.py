"""Schema-level strategies: one value per field, and whole model objects, from the metadata.

Everything here honours the XSD facets read from :mod:`sir_format.metadata` and nothing else:
the values are valid against the schema, not necessarily coherent with the registry rules.
"""

from __future__ import annotations

import enum
import math
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import strategies as st

from sir_format.metadata import Facets, FieldInfo, Kind, model_info

__all__ = ["LIST_CAP", "model_values", "number_values", "python_pattern", "values"]

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
_WORD = st.text(st.characters(categories=("L", "M", "N", "P", "S")), min_size=1, max_size=12)


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


def _token_text(facets: Facets) -> st.SearchStrategy[str]:
    low = facets.min_length or 1
    high = facets.max_length

    def fit(parts: tuple[list[str], str]) -> str:
        words, space = parts
        text = space.join(words)
        return text[:high].rstrip(" ") if high is not None else text

    spaces = st.sampled_from([" ", "  "])
    text = st.tuples(st.lists(_WORD, min_size=1, max_size=6), spaces).map(fit)
    return text.filter(lambda s: len(s) >= low) if low > 1 else text


def _string(facets: Facets, *, free_text: bool = False) -> st.SearchStrategy[str]:
    if facets.pattern is None or free_text:
        return _token_text(facets)
    strategy = st.from_regex(python_pattern(facets.pattern), fullmatch=True)
    low, high = facets.min_length, facets.max_length
    if low is None and high is None:
        return strategy
    return strategy.filter(
        lambda s: (low is None or len(s) >= low) and (high is None or len(s) <= high)
    )


def _integer(facets: Facets) -> st.SearchStrategy[int]:
    low = facets.min_inclusive
    high = facets.max_inclusive
    if facets.total_digits is not None:
        bound = 10**facets.total_digits - 1
        low = max(int(low), -bound) if isinstance(low, int) else -bound
        high = min(int(high), bound) if isinstance(high, int) else bound
    return st.integers(
        min_value=int(low) if isinstance(low, int) else None,
        max_value=int(high) if isinstance(high, int) else None,
    )


def _decimal(facets: Facets) -> st.SearchStrategy[Decimal]:
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
    return st.integers(math.ceil(low * scale), math.floor(high * scale)).map(
        lambda n: Decimal(n).scaleb(-places)
    )


def _date(facets: Facets) -> st.SearchStrategy[date]:
    low = facets.min_inclusive if isinstance(facets.min_inclusive, date) else _EARLIEST_DATE
    high = facets.max_inclusive if isinstance(facets.max_inclusive, date) else _LATEST_DATE
    return st.dates(min_value=max(low, _EARLIEST_DATE), max_value=min(high, _LATEST_DATE))


def _datetime(facets: Facets) -> st.SearchStrategy[datetime]:
    earliest = datetime.combine(_EARLIEST_DATE, datetime.min.time())
    latest = datetime.combine(_LATEST_DATE, datetime.max.time()).replace(microsecond=0)
    low = facets.min_inclusive if isinstance(facets.min_inclusive, datetime) else earliest
    high = facets.max_inclusive if isinstance(facets.max_inclusive, datetime) else latest
    # Naive local times with whole seconds; min is a whole second, so truncation stays in range.
    return st.datetimes(min_value=max(low, earliest), max_value=min(high, latest)).map(
        lambda d: d.replace(microsecond=0, fold=0)
    )


def number_values(field: FieldInfo) -> st.SearchStrategy[Any]:
    """Strategy for the numeric part of an integer, decimal or number-or-unknown field."""
    if field.python_type is int:
        return _integer(field.facets)
    if field.python_type is Decimal:
        return _decimal(field.facets)
    raise TypeError(f"{field.wire_name} is not a numeric field")


@cache
def values(field: FieldInfo) -> st.SearchStrategy[Any]:
    """Strategy for one schema-valid value of ``field`` (one item, for a repeated element).

    Facets honoured: pattern, enumeration, min/max inclusive, min/max length, fraction and
    total digits. A complex field yields a schema-valid object of its model class.
    """
    kind = field.kind
    if kind is Kind.COMPLEX:
        return model_values(field.python_type)
    if kind is Kind.ENUM:
        members: list[enum.Enum] = list(field.python_type)  # type: ignore[call-overload]
        return st.sampled_from(members)
    if kind is Kind.STRING:
        return _string(field.facets, free_text=field.free_text)
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        return number_values(field)
    if kind is Kind.DATE:
        return _date(field.facets)
    if kind is Kind.DATETIME:
        return _datetime(field.facets)
    if kind is Kind.NUMBER_OR_UNKNOWN:
        assert field.unknown is not None
        return st.one_of(number_values(field), st.sampled_from(list(field.unknown)))
    raise TypeError(f"unsupported field kind {kind!r}")  # pragma: no cover


def _occurrences(field: FieldInfo, *, present: bool = False) -> st.SearchStrategy[Any]:
    """The attribute value: a list within the occurrence bounds, or a value or ``None``."""
    item = values(field)
    if field.is_list:
        low = max(field.min_occurs, 1) if present else field.min_occurs
        high = max(low, min(field.max_occurs, LIST_CAP))
        return st.lists(item, min_size=low, max_size=high)
    if field.required or present:
        return item
    return st.one_of(st.none(), item)


def _left_out(field: FieldInfo) -> st.SearchStrategy[Any]:
    return st.builds(list) if field.is_list else st.none()


@cache
def model_values(cls: type, omit: frozenset[str] = frozenset()) -> st.SearchStrategy[Any]:
    """Strategy for schema-valid objects of a model class.

    Each ``xs:choice`` group takes at most one branch (every choice in the schema is optional),
    and a chosen branch is complete. Long lists are capped at :data:`LIST_CAP` items.

    Fields named (by Python name) in ``omit`` are not drawn: they are left ``None`` (or an empty
    list), and the caller must set them. Coherent builders use this to draw only what they keep.
    """
    info = model_info(cls)
    plain = {
        f.py_name: _left_out(f) if f.py_name in omit else _occurrences(f)
        for f in info.fields
        if f.choice is None
    }
    groups: list[st.SearchStrategy[dict[str, Any]]] = []
    for group in info.choices:
        branches = [
            st.fixed_dictionaries(
                {info.by_wire[w].py_name: _occurrences(info.by_wire[w], present=True) for w in b}
            )
            for b in group
        ]
        groups.append(st.one_of(st.just({}), *branches))
    unknown = omit - set(info.by_py)
    if unknown:
        raise ValueError(f"{cls.__name__} has no fields {sorted(unknown)}")
    return _build(cls, st.tuples(st.fixed_dictionaries(plain), *groups))


@st.composite
def _build(
    draw: st.DrawFn, cls: type, parts: st.SearchStrategy[tuple[dict[str, Any], ...]]
) -> Any:
    # Built here rather than with ``.map``: Hypothesis would print a failing example through
    # the mapping call, showing values that the coherent builders have since replaced.
    kwargs: dict[str, Any] = {}
    for part in draw(parts):
        kwargs.update(part)
    return cls(**kwargs)
