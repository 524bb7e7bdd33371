"""What the XML writer refuses: every value it cannot write is a SerializeError with its path.

The table mirrors the JSON writer's (``tests/test_json_codec.py``): values of the wrong type,
wrong shapes of repeated elements, missing required values, time-zone-aware or fractional
local times, decimals that are not finite, lone surrogates; and, for XML only, characters that
XML 1.0 cannot represent (control characters, U+FFFE, U+FFFF). Both writers accept the same
types and word the same problem the same way, so the messages are compared exactly.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from test_json_codec import rich_report

import sir_format
from sir_format import SerializeError
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import Atgard, JaNej, SIRData, VardeOkant

Steps = tuple[tuple[str, int | None], ...]


# --------------------------------------------------------------------------- the model's slots
def _walk(obj: Any, cls: type, steps: Steps) -> Iterator[tuple[Steps, FieldInfo, Any]]:
    for f in model_info(cls).fields:
        value = getattr(obj, f.py_name)
        if value is None or (f.is_list and not value):
            continue
        here: Steps = (*steps, (f.wire_name, None))
        yield here, f, value
        items = list(enumerate(value)) if f.is_list else [(None, value)]
        for index, item in items:
            item_steps: Steps = here if index is None else (*steps, (f.wire_name, index))
            if index is not None:
                yield item_steps, f, item
            if f.kind is Kind.COMPLEX:
                yield from _walk(item, f.python_type, item_steps)


def slots() -> list[tuple[Steps, FieldInfo, Any]]:
    """One place per field and shape (a list, or one value): the last, so that paths run
    through later episodes and list items."""
    last: dict[tuple[int, bool], tuple[Steps, FieldInfo, Any]] = {}
    for steps, f, value in _walk(rich_report(), SIRData, ()):
        last[(id(f), isinstance(value, list))] = (steps, f, value)
    return list(last.values())


def path_of(steps: Steps) -> str:
    return "/".join(name if index is None else f"{name}[{index + 1}]" for name, index in steps)


def put(report: SIRData, steps: Steps, value: Any) -> None:
    """Set the value at ``steps`` (an attribute, or a list item when the last step has one)."""
    node: Any = report
    cls: type = SIRData
    for position, (name, index) in enumerate(steps):
        f = model_info(cls).by_wire[name]
        last = position == len(steps) - 1
        if last and index is None:
            setattr(node, f.py_name, value)
            return
        node = getattr(node, f.py_name)
        if index is not None:
            if last:
                node[index] = value
                return
            node = node[index]
        cls = f.python_type


def refusal(report: SIRData, write: Any = sir_format.to_xml) -> tuple[str, str | None]:
    with pytest.raises(SerializeError) as caught:
        write(report)
    error = caught.value
    assert type(error) is SerializeError
    assert str(error) == (f"{error.message} (at {error.path})" if error.path else error.message)
    return error.message, error.path


def refused_by_both(report: SIRData) -> tuple[str, str | None]:
    """The XML writer's (message, path), checked equal to the JSON writer's."""
    answer = refusal(report)
    assert refusal(report, sir_format.to_json) == answer
    return answer


SLOTS = slots()
STRINGS = [(s, v) for s, f, v in SLOTS if f.kind is Kind.STRING and isinstance(v, str)]
SINGLE = [(s, f) for s, f, v in SLOTS if not isinstance(v, list)]
LISTS = [(s, f) for s, f, v in SLOTS if isinstance(v, list)]


def test_the_table_reaches_every_kind_and_shape() -> None:
    kinds = {f.kind for _, f in SINGLE}
    assert kinds == set(Kind)
    names = {steps[-1][0] for steps, _ in STRINGS}
    assert {"Avdelningsnamn", "Namn", "LokaltId", "Personnummer", "HsaId"} <= names
    assert {steps[-1][0] for steps, _ in LISTS} >= {"Vårdtillfälle", "Åtgärd", "ÖvrigDiagnos"}
    assert any(index for steps, _ in SINGLE for _, index in steps)  # a later list item


# --------------------------------------------------------------------------- characters
NOT_XML = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffe", "\uffff"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]


@pytest.mark.parametrize("char", NOT_XML, ids=[f"U+{ord(c):04X}" for c in NOT_XML])
@pytest.mark.parametrize(("steps", "value"), STRINGS, ids=[path_of(s) for s, _ in STRINGS])
def test_a_character_xml_cannot_represent_names_its_path(
    steps: Steps, value: str, char: str
) -> None:
    report = rich_report()
    put(report, steps, value[:1] + char + value[1:])
    message = f"text holds U+{ord(char):04X}, a character XML 1.0 cannot represent"
    assert refusal(report) == (message, path_of(steps))
    findings = sir_format.validate(report, profile="schema").findings
    assert [(f.code, f.path) for f in findings] == [("SIR-X060", path_of(steps))]


@pytest.mark.parametrize("char", SURROGATES, ids=[f"U+{ord(c):04X}" for c in SURROGATES])
@pytest.mark.parametrize(("steps", "value"), STRINGS, ids=[path_of(s) for s, _ in STRINGS])
def test_a_lone_surrogate_names_its_path(steps: Steps, value: str, char: str) -> None:
    report = rich_report()
    put(report, steps, value + char)
    message = "text holds a lone surrogate, which UTF-8 cannot encode"
    assert refused_by_both(report) == (message, path_of(steps))


ALLOWED = ["\t", "\n", "\x7f", "\x85", "\ud7ff", "\ue000", "\ufffd", "\U00010000", "\U0010ffff"]


@pytest.mark.parametrize("char", ALLOWED, ids=[f"U+{ord(c):04X}" for c in ALLOWED])
def test_characters_next_to_the_refused_ones_are_written(char: str) -> None:
    report = rich_report()
    report.huvud.avdelningsnamn = f"IVA{char}1"
    written = sir_format.to_xml(report)
    assert f"<Avdelningsnamn>IVA{char}1</Avdelningsnamn>".encode() in written
    assert sir_format.from_xml(written).huvud.avdelningsnamn == f"IVA{char}1"


def test_markup_and_carriage_returns_are_escaped() -> None:
    report = rich_report()
    report.huvud.avdelningsnamn = "A&B <C> \r D"
    written = sir_format.to_xml(report)
    assert b"<Avdelningsnamn>A&amp;B &lt;C&gt; &#13; D</Avdelningsnamn>" in written


# --------------------------------------------------------------------------- wrong types
EXPECTED: dict[Kind, str] = {
    Kind.STRING: "str",
    Kind.INTEGER: "int",
    Kind.DECIMAL: "Decimal or int",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
}


def expected_types(f: FieldInfo) -> str:
    if f.kind is Kind.NUMBER_OR_UNKNOWN:
        assert f.unknown is not None
        number = "int" if f.python_type is int else "Decimal"
        names = {number, f.unknown.__name__, "int"}
        return " or ".join(sorted(names))
    if f.kind in (Kind.ENUM, Kind.COMPLEX):
        return str(f.python_type.__name__)
    return EXPECTED[f.kind]


class Text(str):
    """A str subclass: refused, like every subclass of a value type."""


class Number(Decimal):
    """A Decimal subclass."""


def wrong_values(f: FieldInfo) -> list[Any]:
    if f.kind is Kind.COMPLEX:
        return [{}, "x", JaNej.JA]
    if f.kind is Kind.STRING:
        return [5, b"bytes", JaNej.JA, Text("x")]
    if f.kind is Kind.ENUM:
        member: Any = next(iter(f.python_type.__members__.values()))
        other = VardeOkant.VARDE_OKANT if f.python_type is not VardeOkant else JaNej.JA
        return [1, member.value, other]
    if f.kind is Kind.INTEGER:
        return ["1", True, 1.0, Decimal(1)]
    if f.kind is Kind.DECIMAL:
        return ["7.5", 7.5, True, Number("7.5")]
    if f.kind is Kind.DATE:
        return [datetime(2024, 11, 3), "2024-11-03"]
    if f.kind is Kind.DATETIME:
        return [date(2024, 11, 3), "2024-11-03T16:40:00"]
    assert f.kind is Kind.NUMBER_OR_UNKNOWN
    return ["VärdeOkänt", "1", 1.5, True, JaNej.NEJ]


WRONG = [
    pytest.param(steps, f, wrong, id=f"{path_of(steps)}={type(wrong).__name__}:{wrong!r}")
    for steps, f in SINGLE
    for wrong in wrong_values(f)
]


@pytest.mark.parametrize(("steps", "f", "wrong"), WRONG)
def test_a_value_of_the_wrong_type_names_its_path(steps: Steps, f: FieldInfo, wrong: Any) -> None:
    report = rich_report()
    put(report, steps, wrong)
    message = f"expected {expected_types(f)}, got {type(wrong).__name__}"
    assert refused_by_both(report) == (message, path_of(steps))


def test_integers_are_written_for_decimals_and_bools_are_not() -> None:
    report = rich_report()
    saps3 = report.vardtillfalle[0].saps3
    assert saps3 is not None
    saps3.p_hlagst = 7  # type: ignore[assignment]
    assert b"<pHL\xc3\xa4gst>7</pHL\xc3\xa4gst>" in sir_format.to_xml(report)
    saps3.p_hlagst = True  # type: ignore[assignment]
    path = "Vårdtillfälle[1]/SAPS3/pHLägst"
    assert refused_by_both(report) == ("expected Decimal or int, got bool", path)


@pytest.mark.parametrize("where", ["integer", "decimal"])
def test_an_integer_too_long_for_text_names_its_path(where: str) -> None:
    report = rich_report()
    digits = sys.get_int_max_str_digits() or 4300
    if where == "integer":
        report.vardtillfalle[0].clinical_frailty_scale = 10**digits
        path = "Vårdtillfälle[1]/ClinicalFrailtyScale"
    else:
        saps3 = report.vardtillfalle[0].saps3
        assert saps3 is not None
        saps3.p_hlagst = 10**digits
        path = "Vårdtillfälle[1]/SAPS3/pHLägst"
    assert refused_by_both(report) == ("an integer with too many digits to write", path)
    assert sir_format.validate(report, profile="schema").findings[0].code == "SIR-X060"


def test_a_long_integer_within_the_text_limit_is_written() -> None:
    report = rich_report()
    report.vardtillfalle[0].clinical_frailty_scale = 10**300
    assert f"<ClinicalFrailtyScale>{10**300}</".encode() in sir_format.to_xml(report)


# --------------------------------------------------------------------------- shapes
@pytest.mark.parametrize(("steps", "f"), LISTS, ids=[path_of(s) for s, _ in LISTS])
@pytest.mark.parametrize("shape", ["tuple", "item", "str", "zero", "empty-tuple"])
def test_a_non_list_where_a_list_belongs_names_its_path(
    steps: Steps, f: FieldInfo, shape: str
) -> None:
    report = rich_report()
    items = list(_value_at(report, steps))
    wrong: Any = {
        "tuple": tuple(items),
        "item": items[0],
        "str": "",
        "zero": 0,
        "empty-tuple": (),
    }[shape]
    put(report, steps, wrong)
    message = f"expected a list, got {type(wrong).__name__}"
    assert refused_by_both(report) == (message, path_of(steps))


@pytest.mark.parametrize(("steps", "f"), LISTS, ids=[path_of(s) for s, _ in LISTS])
def test_a_none_item_in_a_list_names_its_index(steps: Steps, f: FieldInfo) -> None:
    report = rich_report()
    items = list(_value_at(report, steps))
    put(report, steps, [*items, None])
    where = f"{path_of(steps)}[{len(items) + 1}]"
    message = f"expected {expected_types(f)}, got NoneType"
    assert refused_by_both(report) == (message, where)


REQUIRED = [(s, f) for s, f in SINGLE + LISTS if f.required and s[-1][1] is None]


@pytest.mark.parametrize(("steps", "f"), REQUIRED, ids=[path_of(s) for s, _ in REQUIRED])
def test_a_missing_required_value_names_its_path(steps: Steps, f: FieldInfo) -> None:
    report = rich_report()
    put(report, steps, None)
    assert refused_by_both(report) == ("a required value is missing (None)", path_of(steps))
    if f.is_list:
        put(report, steps, [])
        assert refused_by_both(report) == ("a required list is empty", path_of(steps))


def test_optional_values_may_be_absent_or_empty() -> None:
    report = rich_report()
    episode = report.vardtillfalle[0]
    episode.diagnoser.ovrig_diagnos = []
    episode.lokalt_id = None
    episode.saps3 = None
    written = sir_format.to_xml(report)
    first = written.split("</Vårdtillfälle>".encode())[0]
    assert "ÖvrigDiagnos".encode() not in first
    assert b"LokaltId" not in first
    assert b"SAPS3" not in first


def _value_at(report: SIRData, steps: Steps) -> Any:
    node: Any = report
    cls: type = SIRData
    for name, index in steps:
        f = model_info(cls).by_wire[name]
        node = getattr(node, f.py_name)
        if index is not None:
            node = node[index]
        cls = f.python_type
    return node


# --------------------------------------------------------------------------- times, decimals
DATETIMES = [(s, v) for s, f, v in SLOTS if f.kind is Kind.DATETIME and not isinstance(v, list)]
BAD_TIMES = [
    (lambda t: t.replace(tzinfo=UTC), "a local time has no time zone (naive datetime)"),
    (
        lambda t: t.replace(tzinfo=timezone(timedelta(hours=1))),
        "a local time has no time zone (naive datetime)",
    ),
    (lambda t: t.replace(microsecond=1), "a local time has whole seconds (no fraction)"),
    (
        lambda t: t.replace(microsecond=500_000, tzinfo=UTC),
        "a local time has no time zone (naive datetime)",
    ),
]


@pytest.mark.parametrize("bad", range(len(BAD_TIMES)))
@pytest.mark.parametrize(("steps", "value"), DATETIMES, ids=[path_of(s) for s, _ in DATETIMES])
def test_an_aware_or_fractional_time_names_its_path(
    steps: Steps, value: datetime, bad: int
) -> None:
    change, message = BAD_TIMES[bad]
    report = rich_report()
    put(report, steps, change(value))
    assert refused_by_both(report) == (message, path_of(steps))


DECIMALS = [
    (s, f)
    for s, f in SINGLE
    if f.kind is Kind.DECIMAL or (f.kind is Kind.NUMBER_OR_UNKNOWN and f.python_type is Decimal)
]


@pytest.mark.parametrize("special", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize(("steps", "f"), DECIMALS, ids=[path_of(s) for s, _ in DECIMALS])
def test_a_decimal_that_is_not_finite_names_its_path(
    steps: Steps, f: FieldInfo, special: str
) -> None:
    report = rich_report()
    put(report, steps, Decimal(special))
    message = "a decimal must be finite (not NaN or Infinity)"
    assert refused_by_both(report) == (message, path_of(steps))


@pytest.mark.parametrize("huge", ["1E+999999999", "-1E+4300", "1E-4300", "9.9E-999999999"])
@pytest.mark.parametrize(("steps", "f"), DECIMALS, ids=[path_of(s) for s, _ in DECIMALS])
def test_a_decimal_too_long_in_plain_notation_names_its_path(
    steps: Steps, f: FieldInfo, huge: str
) -> None:
    report = rich_report()
    put(report, steps, Decimal(huge))
    assert refused_by_both(report) == ("a decimal with too many digits to write", path_of(steps))


@pytest.mark.parametrize(
    ("value", "plain_length"),
    [("1E+4299", 4300), ("-1E+4299", 4301), ("1E-4299", 4301), ("1.5E+4298", 4299)],
)
def test_a_decimal_at_the_plain_notation_limit_is_written(value: str, plain_length: int) -> None:
    report = rich_report()
    weights = report.vardtillfalle[0].vikt_och_langd
    assert weights is not None
    weights.vikt_vid_ankomst = Decimal(value)
    for written in (sir_format.to_xml(report), sir_format.to_json(report)):
        plain = format(Decimal(value), "f")
        assert len(plain) == plain_length
        assert plain.encode() in written


def test_decimals_are_written_in_plain_notation() -> None:
    report = rich_report()
    weights = report.vardtillfalle[0].vikt_och_langd
    assert weights is not None
    weights.vikt_vid_ankomst = Decimal("1E+2")
    weights.vikt_fore_insjuknande = Decimal("4.0E-7")
    written = sir_format.to_xml(report)
    assert b"<ViktVidAnkomst>100</ViktVidAnkomst>" in written
    assert "<ViktFöreInsjuknande>0.00000040</ViktFöreInsjuknande>".encode() in written


# --------------------------------------------------------------------------- the report itself
@pytest.mark.parametrize("wrong", ["report", None, {"Huvud": {}}, 5])
def test_something_else_than_a_report(wrong: Any) -> None:
    message = f"expected a SIRData report, got {type(wrong).__name__}"
    assert refused_by_both(wrong) == (message, None)


def test_a_part_of_a_report_is_not_a_report() -> None:
    report = rich_report()
    assert refused_by_both(report.huvud) == ("expected a SIRData report, got Huvud", None)  # type: ignore[arg-type]


def test_objects_in_each_others_places() -> None:
    report = rich_report()
    episode, header = report.vardtillfalle[0], report.huvud
    report.huvud = episode  # type: ignore[assignment]
    assert refused_by_both(report) == ("expected Huvud, got Vardtillfalle", "Huvud")
    report.huvud = header
    report.vardtillfalle[1] = header  # type: ignore[call-overload]
    assert refused_by_both(report) == ("expected Vardtillfalle, got Huvud", "Vårdtillfälle[2]")


def test_an_action_in_place_of_a_module() -> None:
    report = rich_report()
    action = Atgard(kod="DG021", datum=date(2024, 11, 3))
    report.vardtillfalle[0].diagnoser = action  # type: ignore[assignment]
    path = "Vårdtillfälle[1]/Diagnoser"
    assert refused_by_both(report) == ("expected Diagnoser, got Atgard", path)
