"""The JSON codec (data dictionary §8, decisions D2 and D4 of §12).

Reading: ``from_json`` takes the fast path (``sir_format._json.decode_fast``, msgspec straight
into the model) and, when that declines, the careful path of the validator's reading pipeline,
whose first error becomes the ``ParseError``. These tests assert on what is stable: the
finding's code, its path, and that the message is one line with identity numbers masked. Where
the fast and the careful path could disagree, they check that ``from_json`` agrees with
``validate(..., profile="schema")``: it raises exactly when the report holds an error, and the
finding it raises is one of the report's.

Writing: ``to_json`` checks value types, shapes and decimals and names the path of the first
value it cannot write.
"""

from __future__ import annotations

import contextlib
import copy
import json
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

import sir_format
import sir_format.validation._json_source as json_source
from sir_format import Codec, Limits, ParseError, SerializeError, Severity
from sir_format.metadata import FieldInfo, Kind, all_models, model_info
from sir_format.models import Atgarder, JaNej, SIRData, VardeOkant, ViktOchLangd

FIXTURES = Path(__file__).parent / "fixtures"
STEMS = ["file_a_iva", "file_b_ima"]
ENCODER = msgspec.json.Encoder(decimal_format="number")
ERRORS = (Severity.FATAL, Severity.ERROR)
EP = "Vårdtillfälle[1]"

Document = dict[str, Any]


# --------------------------------------------------------------------------- helpers
def fixture(stem: str = "file_a_iva") -> Document:
    """A dictionary example (§9.3, §9.4) as builtins; numbers with a fraction as Decimal."""
    loaded: Document = json.loads((FIXTURES / f"{stem}.json").read_bytes(), parse_float=Decimal)
    return loaded


def encode(document: Any) -> bytes:
    """Compact JSON, decimals as numbers (exactly as written in the Decimal)."""
    return ENCODER.encode(document)


def episode(document: Document) -> Document:
    first: Document = document["Vårdtillfälle"][0]
    return first


def changed(edit: Callable[[Document], object], stem: str = "file_a_iva") -> bytes:
    """The encoded example after ``edit`` changed a copy of it."""
    document = fixture(stem)
    edit(document)
    return encode(document)


def replaced(old: str, new: str | bytes, stem: str = "file_a_iva") -> bytes:
    """The compact encoded example with one piece of text (occurring once) replaced."""
    data = encode(fixture(stem))
    assert data.count(old.encode()) == 1, old
    return data.replace(old.encode(), new if isinstance(new, bytes) else new.encode())


def one_line(text: str) -> bool:
    return len(text.splitlines()) == 1


def is_one_of(finding: Any, report: Any) -> bool:
    """Whether ``finding`` is one of the report's; validate cannot tell the format of input
    that starts with neither "{" nor "[" (SIR-X008), which from_json reads as JSON."""
    if [f.code for f in report.findings] == ["SIR-X008"]:
        return finding is not None
    return finding in report.findings


def refused(data: bytes | str) -> ParseError:
    """The ParseError of ``from_json``, checked against ``validate``'s schema profile."""
    report = sir_format.validate(data, profile="schema")
    with pytest.raises(ParseError) as caught:
        sir_format.from_json(data)
    error = caught.value
    assert error.finding is not None
    assert is_one_of(error.finding, report)
    assert error.finding.severity in ERRORS
    assert error.path == (error.finding.path or None)
    assert one_line(str(error))
    str(error).encode("utf-8")  # printable: no lone surrogate in the message
    return error


def agrees(data: bytes) -> SIRData | ParseError:
    """``from_json`` raises exactly when ``validate`` finds an error, with one of its findings."""
    report = sir_format.validate(data, profile="schema")
    errors = [f for f in report.findings if f.severity in ERRORS]
    outcome: SIRData | ParseError
    try:
        outcome = sir_format.from_json(data)
    except ParseError as exc:
        outcome = exc
    if isinstance(outcome, SIRData):
        assert not errors, f"from_json accepted what validate refuses: {errors[0].code}"
    else:
        assert errors, f"from_json refused what validate accepts: {outcome}"
        assert is_one_of(outcome.finding, report)
        assert one_line(str(outcome))
    return outcome


@pytest.fixture
def no_careful_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the careful JSON path runs (the fast path must accept alone)."""

    def careful(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the fast path fell back to the careful path")

    monkeypatch.setattr(json_source, "json_items", careful)


def path_of(steps: tuple[tuple[str, int | None], ...]) -> str:
    return "/".join(name if index is None else f"{name}[{index + 1}]" for name, index in steps)


Steps = tuple[tuple[str, int | None], ...]
Trail = tuple[str | int, ...]


def values(document: Document) -> Iterator[tuple[Trail, Steps, FieldInfo, Any]]:
    """Every value of a document, objects and lists included, with its field metadata.

    Yields (trail of keys and indices into the document, logical steps, field, value); a list
    is yielded itself and then each of its items.
    """

    def walk(value: Document, cls: type, trail: Trail, steps: Steps) -> Iterator[Any]:
        info = model_info(cls)
        for key, item in value.items():
            f = info.by_wire[key]
            here: Steps = (*steps, (key, None))
            yield (*trail, key), here, f, item
            items = list(enumerate(item)) if f.is_list else [(None, item)]
            for index, child in items:
                child_trail: Trail = (*trail, key) if index is None else (*trail, key, index)
                child_steps: Steps = here if index is None else (*steps, (key, index))
                if index is not None:
                    yield child_trail, child_steps, f, child
                if f.kind is Kind.COMPLEX:
                    yield from walk(child, f.python_type, child_trail, child_steps)

    return walk(document, SIRData, (), ())


def distinct(document: Document) -> list[tuple[Trail, Steps, FieldInfo, Any]]:
    """One value per field and shape (a list, or a single value or list item): the last one,
    so that paths run through later episodes and list items."""
    last: dict[tuple[int, bool], tuple[Trail, Steps, FieldInfo, Any]] = {}
    for trail, steps, f, value in values(document):
        last[(id(f), isinstance(value, list))] = (trail, steps, f, value)
    return list(last.values())


def put(document: Document, trail: Trail, value: Any) -> None:
    holder: Any = document
    for step in trail[:-1]:
        holder = holder[step]
    holder[trail[-1]] = value


PIM3 = {
    "ÅterhämtningEfterIngrepp": "Nej",
    "LjusstelaPupiller": "Nej",
    "MekaniskVentilation": "Ja",
    "SystolisktBlodtryck": 85,
    "Basöverskott": Decimal("-2.5"),
    "PaO2": Decimal("9.1"),
    "FiO2": 40,
}
HIGGINS = {
    "Intagningsorsak": "Kranskärlskirurgi",
    "AkutOperation": "Nej",
    "Reoperation": "Nej",
    "KreatininPreoperativt": 90,
    "NedsattVänsterkammarfunktion": "Nej",
    "TidigareKärlkirurgi": "Nej",
    "KOL": "Nej",
    "Anemi": "VärdeOkänt",
    "Perfusionstid": 95,
    "HjärtfrekvensVidAnkomst": 80,
    "CVPVidAnkomst": 8,
    "HjärtindexVidAnkomst": 2,
    "PaO2VidAnkomst": Decimal("12.50"),
    "FiO2VidAnkomst": 50,
    "BikarbonatVidAnkomst": Decimal("24.1"),
    "IABPVidAnkomst": "Nej",
}


def several_episodes(count: int = 5) -> Document:
    """Episodes of both examples in turn; PIM3 in the second, Higgins in the fourth."""
    document = fixture()
    sources = [episode(fixture(stem)) for stem in STEMS]
    items = []
    for index in range(count):
        item = {**copy.deepcopy(sources[index % 2]), "LokaltId": f"VT-{index}"}
        if index == 1:
            item["PIM3"] = copy.deepcopy(PIM3)
        if index == 3:
            item["Higgins"] = copy.deepcopy(HIGGINS)
        items.append(item)
    document["Vårdtillfälle"] = items
    return document


def rich() -> Document:
    """Both examples' content plus PIM3 and Higgins: every kind of value the model has."""
    return several_episodes(4)


def test_the_rich_document_is_valid_and_covers_every_kind() -> None:
    data = encode(rich())
    assert isinstance(agrees(data), SIRData)
    kinds = {f.kind for _, _, f, _ in values(rich())}
    assert kinds >= {Kind.ENUM, Kind.DATE, Kind.DATETIME, Kind.NUMBER_OR_UNKNOWN, Kind.DECIMAL}
    unknown_decimals = {
        f.wire_name
        for _, _, f, _ in values(rich())
        if f.kind is Kind.NUMBER_OR_UNKNOWN and f.python_type is Decimal
    }
    assert unknown_decimals == {
        "Basöverskott",
        "PaO2",
        "HjärtindexVidAnkomst",
        "PaO2VidAnkomst",
        "BikarbonatVidAnkomst",
    }


# --------------------------------------------------------------------------- reading
@pytest.mark.parametrize("stem", STEMS)
def test_dictionary_examples_take_the_fast_path(stem: str, no_careful_path: None) -> None:
    report = sir_format.from_json((FIXTURES / f"{stem}.json").read_bytes())
    assert type(report) is SIRData
    assert not sir_format.validate((FIXTURES / f"{stem}.json").read_bytes()).findings


@pytest.mark.parametrize("stem", STEMS)
def test_dictionary_examples_read_like_their_xml(stem: str) -> None:
    from_json = sir_format.from_json((FIXTURES / f"{stem}.json").read_bytes())
    assert from_json == sir_format.from_xml((FIXTURES / f"{stem}.xml").read_bytes())


def test_the_rich_document_takes_the_fast_path(no_careful_path: None) -> None:
    report = sir_format.from_json(encode(rich()))
    assert report.vardtillfalle[1].pim3 is not None
    assert report.vardtillfalle[3].higgins is not None


@pytest.mark.parametrize("stem", STEMS)
def test_round_trip_is_json_equal_to_the_example(stem: str) -> None:
    data = (FIXTURES / f"{stem}.json").read_bytes()
    report = sir_format.from_json(data)
    written = sir_format.to_json(report)
    assert json.loads(written, parse_float=Decimal) == json.loads(data, parse_float=Decimal)
    assert sir_format.from_json(written) == report
    assert sir_format.from_json(sir_format.to_json(report, pretty=True)) == report
    assert sir_format.from_xml(sir_format.convert(data, to="xml")) == report


def test_decimals_are_read_from_json_numbers_exactly() -> None:
    data = replaced('"ViktVidAnkomst":92.5', '"ViktVidAnkomst":0.300')
    report = sir_format.from_json(data)
    saps3 = report.vardtillfalle[0].saps3
    weights = report.vardtillfalle[0].vikt_och_langd
    assert saps3 is not None
    assert weights is not None
    assert str(saps3.p_hlagst) == "7.28"
    assert str(saps3.kroppstemperatur_hogst) == "38.9"
    assert str(weights.vikt_vid_ankomst) == "0.300"
    written = sir_format.to_json(report)
    assert b'"ViktVidAnkomst":0.300' in written
    assert '"pHLägst":7.28'.encode() in written


def test_trailing_zeros_count_as_the_value_for_fraction_digits() -> None:
    # pHLägst allows 2 fraction digits; 7.280 is the value 7.28 (§8: 7.40 counts as 7.4)
    data = replaced('"pHLägst":7.28', '"pHLägst":7.280')
    report = agrees(data)
    assert isinstance(report, SIRData)
    saps3 = report.vardtillfalle[0].saps3
    assert saps3 is not None
    assert saps3.p_hlagst == Decimal("7.28")
    assert str(saps3.p_hlagst) == "7.280"
    assert '"pHLägst":7.280'.encode() in sir_format.to_json(report)
    error = refused(replaced('"pHLägst":7.28', '"pHLägst":7.281'))
    assert (error.code, error.path) == ("SIR-X027", f"{EP}/SAPS3/pHLägst")


def is_decimal(f: FieldInfo) -> bool:
    return f.kind is Kind.DECIMAL or (
        f.kind is Kind.NUMBER_OR_UNKNOWN and f.python_type is Decimal
    )


def with_zeros(value: Decimal | int) -> Decimal:
    """The same value written with two more (insignificant) trailing zeros."""
    plain = f"{Decimal(value):f}"
    return Decimal(plain + ("00" if "." in plain else ".00"))


def test_every_decimal_keeps_its_digits_and_trailing_zeros() -> None:
    document = rich()
    decimals = [
        trail
        for trail, _, f, value in values(document)
        if is_decimal(f) and isinstance(value, Decimal | int) and not isinstance(value, bool)
    ]
    assert len(decimals) >= 10
    for trail in decimals:
        expected: Any = document
        for step in trail:
            expected = expected[step]
        put(document, trail, with_zeros(expected))
    data = encode(document)
    report = agrees(data)
    assert isinstance(report, SIRData)
    assert json.loads(sir_format.to_json(report), parse_float=Decimal) == json.loads(
        data, parse_float=Decimal
    )
    for trail in decimals:
        wanted: Any = document
        got: Any = json.loads(sir_format.to_json(report), parse_float=Decimal)
        for step in trail:
            wanted, got = wanted[step], got[step]
        assert str(got) == str(wanted)


def test_exponents_and_integers_are_read_for_decimals_and_written_plainly() -> None:
    report = sir_format.from_json(replaced('"ViktVidAnkomst":92.5', '"ViktVidAnkomst":1E2'))
    weights = report.vardtillfalle[0].vikt_och_langd
    assert weights is not None
    assert weights.vikt_vid_ankomst == 100
    assert b'"ViktVidAnkomst":100' in sir_format.to_json(report)
    whole = sir_format.from_json(replaced('"ViktVidAnkomst":92.5', '"ViktVidAnkomst":92'))
    assert whole.vardtillfalle[0].vikt_och_langd == ViktOchLangd(
        langd=181, vikt_vid_ankomst=Decimal(92)
    )


def _key_orders(value: Any, cls: type) -> list[tuple[list[str], list[str]]]:
    """(keys written, keys in schema order) for every object of a written document."""
    if isinstance(value, list):
        return [pair for item in value for pair in _key_orders(item, cls)]
    info = model_info(cls)
    pairs = [(list(value), [f.wire_name for f in info.fields if f.wire_name in value])]
    for f in info.fields:
        if f.kind is Kind.COMPLEX and f.wire_name in value:
            pairs += _key_orders(value[f.wire_name], f.python_type)
    return pairs


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed_keys(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_keys(item) for item in value]
    return value


@pytest.mark.parametrize("stem", STEMS)
def test_member_order_is_free_and_keys_are_written_in_schema_order(stem: str) -> None:
    shuffled = _reversed_keys(fixture(stem))
    assert list(shuffled) == ["Vårdtillfälle", "Huvud"]
    report = sir_format.from_json(encode(shuffled))
    assert report == sir_format.from_json(encode(fixture(stem)))
    written = json.loads(sir_format.to_json(report))
    assert list(written) == ["Huvud", "Vårdtillfälle"]
    for keys, schema_order in _key_orders(written, SIRData):
        assert keys == schema_order


def test_output_is_deterministic_utf8_without_bom() -> None:
    report = sir_format.from_json((FIXTURES / "file_a_iva.json").read_bytes())
    first = sir_format.to_json(report)
    assert first == sir_format.to_json(copy.deepcopy(report))
    assert first == sir_format.to_json(sir_format.from_json(first))
    assert first.startswith(b'{"Huvud":{"Formatversion":"5.2",')
    assert "Vårdtillfälle".encode() in first  # raw UTF-8, not \\u escapes
    assert b"\n" not in first


def test_pretty_output_is_indented_and_the_same_json() -> None:
    report = sir_format.from_json((FIXTURES / "file_a_iva.json").read_bytes())
    pretty = sir_format.to_json(report, pretty=True)
    assert pretty.startswith(b'{\n  "Huvud": {\n    "Formatversion": "5.2",\n')
    assert not pretty.startswith(b"\xef\xbb\xbf")
    assert pretty == sir_format.to_json(copy.deepcopy(report), pretty=True)
    assert json.loads(pretty, parse_float=Decimal) == json.loads(
        sir_format.to_json(report), parse_float=Decimal
    )
    assert '"pHLägst": 7.28'.encode() in pretty  # numbers stay numbers


def test_bom_text_and_escaped_keys_are_accepted() -> None:
    data = (FIXTURES / "file_b_ima.json").read_bytes()
    expected = sir_format.from_json(data)
    assert sir_format.from_json(b"\xef\xbb\xbf" + data) == expected
    assert sir_format.from_json(data.decode("utf-8")) == expected
    assert sir_format.from_json("\ufeff" + data.decode("utf-8")) == expected
    ascii_only = json.dumps(json.loads(data), ensure_ascii=True)
    assert "\\u00e5" in ascii_only
    assert sir_format.from_json(ascii_only) == expected


def test_non_nfc_key_is_normalised_and_accepted() -> None:
    decomposed = unicodedata.normalize("NFD", "Kön")
    assert decomposed != "Kön"
    data = replaced('"Kön":"Man"', f'"{decomposed}":"Man"')
    assert agrees(data) == sir_format.from_json(encode(fixture()))


def test_an_empty_object_is_accepted_where_the_schema_allows_it() -> None:
    data = changed(lambda d: episode(d).update({"Åtgärder": {}}))
    report = agrees(data)
    assert isinstance(report, SIRData)
    assert report.vardtillfalle[0].atgarder == Atgarder()
    assert '"Åtgärder":{}'.encode() in sir_format.to_json(report)


def test_an_empty_weight_module_passes_the_schema_and_is_sir_r109() -> None:
    data = changed(lambda d: episode(d).update({"ViktOchLängd": {}}))
    report = agrees(data)
    assert isinstance(report, SIRData)
    assert report.vardtillfalle[0].vikt_och_langd == ViktOchLangd()
    findings = sir_format.validate(data).findings
    assert [(f.code, f.path) for f in findings] == [("SIR-R109", f"{EP}/ViktOchLängd")]


def test_number_or_unknown_accepts_the_unknown_token() -> None:
    data = changed(lambda d: episode(d).update(ClinicalFrailtyScale="VärdeOkänt"))
    report = sir_format.from_json(data)
    assert report.vardtillfalle[0].clinical_frailty_scale is VardeOkant.VARDE_OKANT
    assert '"ClinicalFrailtyScale":"VärdeOkänt"'.encode() in sir_format.to_json(report)


def test_escaped_letters_are_read_as_the_letters() -> None:
    data = replaced('"2024-11-03T18:00:00"', '"2024-11-03\\u005418:00:00"')
    assert sir_format.from_json(data) == sir_format.from_json(encode(fixture()))
    data = replaced('"Namn":"ExempelPDMS"', '"Namn":"Exempel\\u002ePDMS\\u003a"')
    assert sir_format.from_json(data).huvud.forsystem.namn == "Exempel.PDMS:"


def test_a_colon_or_quote_inside_a_string_is_text() -> None:
    data = changed(lambda d: d["Huvud"].update(Avdelningsnamn='IVA: "a":b \\u003a'))
    assert sir_format.from_json(data).huvud.avdelningsnamn == 'IVA: "a":b \\u003a'


def test_many_episodes_decode_in_order_with_number_or_unknown_decimals() -> None:
    document = several_episodes()
    document["Vårdtillfälle"][1]["PIM3"]["PaO2"] = "VärdeOkänt"
    document["Vårdtillfälle"][3]["Higgins"]["BikarbonatVidAnkomst"] = "VärdeOkänt"
    report = sir_format.from_json(encode(document))
    assert [e.lokalt_id for e in report.vardtillfalle] == [f"VT-{i}" for i in range(5)]
    pim3 = report.vardtillfalle[1].pim3
    higgins = report.vardtillfalle[3].higgins
    assert pim3 is not None
    assert higgins is not None
    assert str(pim3.basoverskott) == "-2.5"
    assert pim3.pa_o2 is VardeOkant.VARDE_OKANT
    assert higgins.hjartindex_vid_ankomst == Decimal(2)
    assert isinstance(higgins.hjartindex_vid_ankomst, Decimal)
    assert str(higgins.pa_o2_vid_ankomst) == "12.50"
    assert higgins.bikarbonat_vid_ankomst is VardeOkant.VARDE_OKANT
    written = sir_format.to_json(report)
    assert json.loads(written, parse_float=Decimal) == json.loads(
        encode(document), parse_float=Decimal
    )
    assert sir_format.from_xml(sir_format.to_xml(report)) == report


def test_the_number_of_episodes_is_a_setting() -> None:
    document = fixture("file_b_ima")
    document["Vårdtillfälle"] = document["Vårdtillfälle"] * 5001
    data = encode(document)
    error = refused(data)
    assert (error.code, error.path) == ("SIR-X014", "Vårdtillfälle[5001]")
    bulk = Codec(Limits(max_episodes=None))
    report = bulk.from_json(data)
    assert len(report.vardtillfalle) == 5001
    assert bulk.from_json(bulk.to_json(report)) == report


def test_errors_in_later_episodes_are_located() -> None:
    document = several_episodes()
    document["Vårdtillfälle"][3]["Higgins"]["HjärtindexVidAnkomst"] = Decimal("2.45")
    error = refused(encode(document))
    where = "Vårdtillfälle[4]/Higgins/HjärtindexVidAnkomst"
    assert (error.code, error.path) == ("SIR-X034", where)  # a union: number or VärdeOkänt

    document = several_episodes()
    document["Vårdtillfälle"][1]["PIM3"]["PaO2"] = "Okänt"
    error = refused(encode(document))
    assert (error.code, error.path) == ("SIR-X050", "Vårdtillfälle[2]/PIM3/PaO2")

    document = several_episodes()
    document["Vårdtillfälle"][4]["Åtgärder"]["Åtgärd"][0]["Klockslag"] = "17:60"
    error = refused(encode(document))
    assert (error.code, error.path) == (
        "SIR-X021",
        "Vårdtillfälle[5]/Åtgärder/Åtgärd[1]/Klockslag",
    )


# --------------------------------------------------------------------------- rejections
def _set(
    where: Callable[[Document], Document], key: str, value: Any
) -> Callable[[Document], None]:
    def edit(document: Document) -> None:
        where(document)[key] = value

    return edit


def _grunddata(d: Document) -> Document:
    found: Document = episode(d)["Grunddata"]
    return found


def _saps3(d: Document) -> Document:
    found: Document = episode(d)["SAPS3"]
    return found


def _diagnoser(d: Document) -> Document:
    found: Document = episode(d)["Diagnoser"]
    return found


def _sofa(index: int) -> Callable[[Document], Document]:
    def find(d: Document) -> Document:
        found: Document = episode(d)["DagligSOFA"]["SOFARegistrering"][index]
        return found

    return find


def _deep(depth: int) -> bytes:
    return b'{"Huvud":' + b"[" * depth + b"]" * depth + b"}"


REJECTED: list[tuple[str, Callable[[], bytes], str, str | None]] = [
    # JSON that XML cannot say
    ("null", lambda: changed(_set(_grunddata, "Kön", None)), "SIR-X050", f"{EP}/Grunddata/Kön"),
    (
        "unknown key",
        lambda: changed(_set(_grunddata, "Hemligt", 1)),
        "SIR-X011",
        f"{EP}/Grunddata/Hemligt",
    ),
    (
        "unknown key that is no XML name",
        lambda: changed(_set(_grunddata, "<a b>", 1)),
        "SIR-X011",
        f"{EP}/Grunddata/<a b>",
    ),
    (
        "unknown key at the root",
        lambda: changed(lambda d: d.update(Extra={})),
        "SIR-X011",
        "Extra",
    ),
    (
        "duplicate key",
        lambda: replaced('"Kön":"Man"', '"Kön":"Man","Kön":"Kvinna"'),
        "SIR-X005",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "duplicate key with the same value",
        lambda: replaced('"Kön":"Man"', '"Kön":"Man","Kön":"Man"'),
        "SIR-X005",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "duplicate key holding an object",
        lambda: replaced(
            '"ClinicalFrailtyScale":3',
            '"ClinicalFrailtyScale":3,"Diagnoser":{"HuvudsakligIVADiagnos":"J189"}',
        ),
        "SIR-X005",
        f"{EP}/Diagnoser",
    ),
    (
        "duplicate key, one spelled in NFD",
        lambda: replaced(
            '"Kön":"Man"', '"Kön":"Man","' + unicodedata.normalize("NFD", "Kön") + '":"Man"'
        ),
        "SIR-X005",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "empty array",
        lambda: changed(_set(_diagnoser, "ÖvrigDiagnos", [])),
        "SIR-X051",
        f"{EP}/Diagnoser/ÖvrigDiagnos",
    ),
    (
        "empty array of episodes",
        lambda: changed(lambda d: d.update({"Vårdtillfälle": []})),
        "SIR-X051",
        "Vårdtillfälle",
    ),
    (
        "single value where an array is required",
        lambda: changed(_set(_diagnoser, "ÖvrigDiagnos", "J960")),
        "SIR-X050",
        f"{EP}/Diagnoser/ÖvrigDiagnos",
    ),
    (
        "single episode instead of an array",
        lambda: changed(lambda d: d.update({"Vårdtillfälle": episode(d)})),
        "SIR-X050",
        "Vårdtillfälle",
    ),
    (
        "array where a single value is required",
        lambda: changed(_set(_grunddata, "Kön", ["Man"])),
        "SIR-X050",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "boolean for JaNej",
        lambda: changed(_set(_grunddata, "Akutinläggning", True)),
        "SIR-X050",
        f"{EP}/Grunddata/Akutinläggning",
    ),
    (
        "number for an enumeration",
        lambda: changed(_set(_grunddata, "Kön", 1)),
        "SIR-X050",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "object for a module",
        lambda: changed(_set(episode, "SAPS3", "SAPS3")),
        "SIR-X050",
        f"{EP}/SAPS3",
    ),
    # numbers
    ("NaN", lambda: replaced('"pHLägst":7.28', '"pHLägst":NaN'), "SIR-X006", None),
    ("Infinity", lambda: replaced('"GCS":14', '"GCS":-Infinity'), "SIR-X006", None),
    (
        "1e400 in a decimal field",
        lambda: replaced('"pHLägst":7.28', '"pHLägst":1e400'),
        "SIR-X031",
        f"{EP}/SAPS3/pHLägst",
    ),
    (
        "1e400 in an integer field",
        lambda: replaced('"GCS":14', '"GCS":1e400'),
        "SIR-X030",
        f"{EP}/SAPS3/GCS",
    ),
    (
        "integer 2**70",
        lambda: replaced('"GCS":14', f'"GCS":{2**70}'),
        "SIR-X023",
        f"{EP}/SAPS3/GCS",
    ),
    (
        "integer of 5000 digits",
        lambda: replaced('"Längd":181', '"Längd":' + "9" * 5000),
        "SIR-X004",
        None,
    ),
    (
        "fraction in an integer field",
        lambda: replaced('"HjärtfrekvensHögst":118', '"HjärtfrekvensHögst":85.0'),
        "SIR-X030",
        f"{EP}/SAPS3/HjärtfrekvensHögst",
    ),
    (
        "exponent in an integer field",
        lambda: replaced('"HjärtfrekvensHögst":118', '"HjärtfrekvensHögst":1e2'),
        "SIR-X030",
        f"{EP}/SAPS3/HjärtfrekvensHögst",
    ),
    (
        "integer out of range",
        lambda: changed(_set(_saps3, "GCS", 16)),
        "SIR-X023",
        f"{EP}/SAPS3/GCS",
    ),
    (
        "decimal with too many fraction digits",
        lambda: replaced('"pHLägst":7.28', '"pHLägst":7.281'),
        "SIR-X027",
        f"{EP}/SAPS3/pHLägst",
    ),
    (
        "decimal out of range",
        lambda: replaced('"ViktVidAnkomst":92.5', '"ViktVidAnkomst":0.299'),
        "SIR-X022",
        f"{EP}/ViktOchLängd/ViktVidAnkomst",
    ),
    (
        "decimal as a string",
        lambda: replaced('"pHLägst":7.28', '"pHLägst":"7.28"'),
        "SIR-X050",
        f"{EP}/SAPS3/pHLägst",
    ),
    (
        "unknown string for a number-or-unknown",
        lambda: changed(_set(episode, "ClinicalFrailtyScale", "Okänd")),
        "SIR-X050",
        f"{EP}/ClinicalFrailtyScale",
    ),
    (
        "number-or-unknown out of range",
        lambda: changed(_set(episode, "ClinicalFrailtyScale", 12)),
        "SIR-X034",
        f"{EP}/ClinicalFrailtyScale",
    ),
    # enumerations, patterns, lengths
    (
        "wrong enumeration token",
        lambda: changed(_set(_grunddata, "Kön", "Okänd")),
        "SIR-X020",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "enumeration token in another case",
        lambda: changed(_set(_grunddata, "Kön", "man")),
        "SIR-X020",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "empty enumeration token",
        lambda: changed(_set(_grunddata, "Kön", "")),
        "SIR-X036",
        f"{EP}/Grunddata/Kön",
    ),
    (
        "wrong format version",
        lambda: changed(_set(lambda d: d["Huvud"], "Formatversion", "5.1")),
        "SIR-R003",
        "Huvud/Formatversion",
    ),
    (
        "pattern violation",
        lambda: changed(_set(_diagnoser, "HuvudsakligIVADiagnos", "J18.9")),
        "SIR-X021",
        f"{EP}/Diagnoser/HuvudsakligIVADiagnos",
    ),
    (
        "pattern is anchored",
        lambda: changed(_set(_grunddata, "Kommunkod", "01801")),
        "SIR-X021",
        f"{EP}/Grunddata/Kommunkod",
    ),
    (
        "pattern violation in a list item",
        lambda: changed(_set(_diagnoser, "ÖvrigDiagnos", ["J960", "x"])),
        "SIR-X021",
        f"{EP}/Diagnoser/ÖvrigDiagnos[2]",
    ),
    (
        "string too long",
        lambda: changed(_set(lambda d: d["Huvud"], "Avdelningsnamn", "x" * 51)),
        "SIR-X024",
        "Huvud/Avdelningsnamn",
    ),
    (
        "empty free text after trimming",
        lambda: changed(_set(lambda d: d["Huvud"]["Försystem"], "Namn", " \t ")),
        "SIR-X036",
        "Huvud/Försystem/Namn",
    ),
    # dates and times (D1, §8: the lexical form of XML)
    (
        "date-time with a zone",
        lambda: changed(_set(_grunddata, "Inskrivningstid", "2024-11-03T16:40:00+01:00")),
        "SIR-X033",
        f"{EP}/Grunddata/Inskrivningstid",
    ),
    (
        "date-time with Z",
        lambda: changed(_set(_sofa(1), "Tidpunkt", "2024-11-05T09:00:00Z")),
        "SIR-X033",
        f"{EP}/DagligSOFA/SOFARegistrering[2]/Tidpunkt",
    ),
    (
        "date-time with a fraction",
        lambda: changed(_set(_grunddata, "Inskrivningstid", "2024-11-03T16:40:00.000")),
        "SIR-X033",
        f"{EP}/Grunddata/Inskrivningstid",
    ),
    (
        "date-time whose fraction rounds to the next day",
        lambda: changed(_set(_grunddata, "Utskrivningstid", "2024-11-06T23:59:59.9999999")),
        "SIR-X033",
        f"{EP}/Grunddata/Utskrivningstid",
    ),
    (
        "date-time with a space separator",
        lambda: changed(_set(_grunddata, "Utskrivningstid", "2024-11-06 11:20:00")),
        "SIR-X033",
        f"{EP}/Grunddata/Utskrivningstid",
    ),
    (
        "date-time with a lower-case t",
        lambda: changed(_set(_sofa(0), "Tidpunkt", "2024-11-04t09:00:00")),
        "SIR-X033",
        f"{EP}/DagligSOFA/SOFARegistrering[1]/Tidpunkt",
    ),
    (
        "date-time with an escaped space separator",
        lambda: replaced('"2024-11-04T09:00:00"', '"2024-11-04\\u002009:00:00"'),
        "SIR-X033",
        f"{EP}/DagligSOFA/SOFARegistrering[1]/Tidpunkt",
    ),
    (
        "zero fraction next to an escaped dot",
        lambda: replaced('"Namn":"ExempelPDMS"', '"Namn":"Exempel\\u002ePDMS"').replace(
            b'"2024-11-03T18:00:00"', b'"2024-11-03T18:00:00.0"'
        ),
        "SIR-X033",
        f"{EP}/Behandlingsstrategi/FörstaBeslutstidpunkt",
    ),
    (
        "space separator next to a repeated key (both change the count of T)",
        lambda: replaced(
            '"Strategi":"FullaInsatser"', '"Strategi":"FullaInsatser","Strategi":"FullaInsatser"'
        ).replace(b'"2024-11-03T18:00:00"', b'"2024-11-03 18:00:00"'),
        "SIR-X033",
        f"{EP}/Behandlingsstrategi/FörstaBeslutstidpunkt",
    ),
    (
        "zero fraction next to a number with an exponent",
        lambda: replaced('"pHLägst":7.28', '"pHLägst":728e-2').replace(
            b'"2024-11-03T18:00:00"', b'"2024-11-03T18:00:00.00"'
        ),
        "SIR-X033",
        f"{EP}/Behandlingsstrategi/FörstaBeslutstidpunkt",
    ),
    (
        "date-time at hour 24 (D1)",
        lambda: changed(_set(_grunddata, "Inskrivningstid", "2024-11-03T24:00:00")),
        "SIR-X033",
        f"{EP}/Grunddata/Inskrivningstid",
    ),
    (
        "clock time at 24:00 (D1)",
        lambda: replaced('"Klockslag":"17:10"', '"Klockslag":"24:00"'),
        "SIR-X021",
        f"{EP}/Åtgärder/Åtgärd[1]/Klockslag",
    ),
    (
        "date-time out of range",
        lambda: changed(_set(_grunddata, "Ankomsttid", "1999-12-31T23:59:59")),
        "SIR-X022",
        f"{EP}/Grunddata/Ankomsttid",
    ),
    (
        "date out of range",
        lambda: changed(_set(_grunddata, "Födelsedatum", "1889-12-31")),
        "SIR-X022",
        f"{EP}/Grunddata/Födelsedatum",
    ),
    (
        "date that does not exist",
        lambda: changed(_set(_grunddata, "Födelsedatum", "1957-02-29")),
        "SIR-X032",
        f"{EP}/Grunddata/Födelsedatum",
    ),
    (
        "date with a two-digit year",
        lambda: changed(_set(_grunddata, "Födelsedatum", "57-11-06")),
        "SIR-X032",
        f"{EP}/Grunddata/Födelsedatum",
    ),
    # structure
    (
        "choice violation: GCS and RLS85",
        lambda: changed(_set(_saps3, "RLS85", 3)),
        "SIR-X013",
        f"{EP}/SAPS3/RLS85",
    ),
    (
        "choice violation: GCS branch and RLS85",
        lambda: changed(_set(_sofa(2), "RLS85", 3)),
        "SIR-X011",
        f"{EP}/DagligSOFA/SOFARegistrering[3]/RLS85",
    ),
    (
        "incomplete GCS branch",
        lambda: changed(lambda d: _sofa(1)(d).pop("GCSVerbal")),
        "SIR-X012",
        f"{EP}/DagligSOFA/SOFARegistrering[2]/GCSVerbal",
    ),
    (
        "missing required key",
        lambda: changed(lambda d: _grunddata(d).pop("Vårdtyp")),
        "SIR-X012",
        f"{EP}/Grunddata/Vårdtyp",
    ),
    (
        "missing header",
        lambda: changed(lambda d: d.pop("Huvud")),
        "SIR-X012",
        "Huvud",
    ),
    (
        "missing episodes",
        lambda: changed(lambda d: d.pop("Vårdtillfälle")),
        "SIR-X012",
        "Vårdtillfälle",
    ),
    (
        "empty object for a type with required elements",
        lambda: changed(_set(episode, "Diagnoser", {})),
        "SIR-X012",
        f"{EP}/Diagnoser/HuvudsakligIVADiagnos",
    ),
    (
        "too many items",
        lambda: changed(_set(_saps3, "Intagningsorsak", ["Trauma"] * 6)),
        "SIR-X014",
        f"{EP}/SAPS3/Intagningsorsak[6]",
    ),
    # text
    (
        "unpaired surrogate escape",
        lambda: replaced('"Namn":"ExempelPDMS"', '"Namn":"Exempel\\ud800"'),
        "SIR-X035",
        "Huvud/Försystem/Namn",
    ),
    (
        "escaped NUL",
        lambda: replaced('"Namn":"ExempelPDMS"', '"Namn":"Exempel\\u0000"'),
        "SIR-X035",
        "Huvud/Försystem/Namn",
    ),
    # the document
    ("invalid UTF-8", lambda: replaced('"Man"', b'"M\xffan"'), "SIR-X004", None),
    ("top-level array", lambda: b"[" + encode(fixture()) + b"]", "SIR-X050", None),
    ("top-level string", lambda: b'"SIRData"', "SIR-X050", None),
    ("empty document", lambda: b"", "SIR-X007", None),
    ("blank document", lambda: b" \r\n\t", "SIR-X007", None),
    ("only a BOM", lambda: b"\xef\xbb\xbf", "SIR-X007", None),
    ("truncated document", lambda: encode(fixture())[:-3], "SIR-X004", None),
    ("trailing garbage", lambda: encode(fixture()) + b"x", "SIR-X004", None),
    ("two documents", lambda: encode(fixture()) * 2, "SIR-X004", None),
    ("comment", lambda: b"// SIR\n" + encode(fixture()), "SIR-X004", None),
    ("single quotes", lambda: encode(fixture()).replace(b'"HsaId"', b"'HsaId'"), "SIR-X004", None),
    ("nested 100 000 deep", lambda: _deep(100_000), "SIR-X004", None),
]


@pytest.mark.parametrize(
    ("make", "code", "path"),
    [pytest.param(make, code, path, id=name) for name, make, code, path in REJECTED],
)
def test_rejected_input(make: Callable[[], bytes], code: str, path: str | None) -> None:
    error = refused(make())
    assert (error.code, error.path) == (code, path)
    assert error.__cause__ is None


def test_invalid_utf8_is_located_by_line_and_column() -> None:
    data = (FIXTURES / "file_b_ima.json").read_bytes().replace(b"Kvinna", b"Kv\xffinna")
    error = refused(data)
    assert error.code == "SIR-X004"
    before = data[: data.index(b"\xff")]
    assert error.line == before.count(b"\n") + 1
    line_so_far = before[before.rfind(b"\n") + 1 :].decode("utf-8")
    assert "ö" in line_so_far  # so that counting bytes instead of characters fails
    assert error.column == len(line_so_far) + 1


def test_syntax_errors_are_located_by_line_and_column() -> None:
    data = (FIXTURES / "file_b_ima.json").read_bytes().replace(b'"Kvinna"', b'"Kvinna"x')
    error = refused(data)
    assert error.code == "SIR-X004"
    text = data.decode("utf-8")
    before = text[: text.index('"Kvinna"x') + len('"Kvinna"')]
    assert error.line == before.count("\n") + 1
    assert error.column == len(before) - before.rfind("\n")  # the x, counted in characters


@pytest.mark.parametrize(
    "personnummer", ["19571106-9137", "195711069137 ", "1957110691370000000000"]
)
def test_identity_numbers_are_masked_in_messages(personnummer: str) -> None:
    error = refused(changed(_set(_grunddata, "Personnummer", personnummer)))
    assert error.path == f"{EP}/Grunddata/Personnummer"
    assert "9137" not in str(error)
    assert error.finding is not None
    assert "9137" not in error.finding.message("en")
    assert "9137" not in error.finding.message("sv")


# --------------------------------------------------------------------------- D4: tokens exactly
@pytest.fixture
def careful_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the fast path decline everything, so the careful path alone reads."""
    from sir_format import _json

    def decline(raw: bytes) -> SIRData:
        raise _json.Rejected

    monkeypatch.setattr(_json, "decode_fast", decline)


PATHS = ["both", "careful"]


@pytest.fixture(params=PATHS)
def reader(request: pytest.FixtureRequest) -> str:
    """Run the test with the fast path in front (as shipped), then with the careful path alone."""
    if request.param == "careful":
        request.getfixturevalue("careful_only")
    return str(request.param)


TOKEN_KINDS = (Kind.ENUM, Kind.DATE, Kind.DATETIME, Kind.NUMBER_OR_UNKNOWN)
SPACES = [" ", "\t", "\n", "\r", " \t"]


def _slots(kinds: tuple[Kind, ...]) -> list[tuple[Trail, Steps, FieldInfo, Any]]:
    return [
        (trail, steps, f, value)
        for trail, steps, f, value in distinct(rich())
        if f.kind in kinds and not isinstance(value, list)
    ]


def _token(f: FieldInfo, value: Any) -> str:
    if isinstance(value, str):
        return value
    assert f.unknown is not None
    return str(next(iter(f.unknown)).value)  # "VärdeOkänt"


def _padded(index: int, token: str) -> str:
    space = SPACES[index % len(SPACES)]
    return [space + token, token + space, space + token + space][index % 3]


TOKEN_SLOTS = [
    pytest.param(trail, steps, _padded(i, _token(f, value)), id=path_of(steps))
    for i, (trail, steps, f, value) in enumerate(_slots(TOKEN_KINDS))
]


def test_every_kind_of_token_is_covered() -> None:
    kinds = {f.kind for _, _, f, _ in _slots(TOKEN_KINDS)}
    assert kinds == set(TOKEN_KINDS)
    assert len(TOKEN_SLOTS) > 50


@pytest.mark.parametrize(("trail", "steps", "padded"), TOKEN_SLOTS)
def test_whitespace_around_a_token_is_an_error(
    trail: Trail, steps: Steps, padded: str, reader: str
) -> None:
    document = rich()
    put(document, trail, padded)
    error = refused(encode(document))
    assert (error.code, error.path) == ("SIR-X037", path_of(steps))
    report = sir_format.validate(encode(document), profile="schema")
    assert [(f.code, f.path) for f in report.findings] == [("SIR-X037", path_of(steps))]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("Vårdtyp", "IMA "),
        ("Födelsedatum", " 2024-11-03"),
        ("Inskrivningstid", "2024-11-03T16:40:00\t"),
    ],
)
def test_whitespace_examples_of_d4(where: str, value: str) -> None:
    error = refused(changed(_set(_grunddata, where, value), "file_b_ima"))
    assert (error.code, error.path) == ("SIR-X037", f"{EP}/Grunddata/{where}")
    error = refused(changed(_set(episode, "ClinicalFrailtyScale", "VärdeOkänt ")))
    assert (error.code, error.path) == ("SIR-X037", f"{EP}/ClinicalFrailtyScale")


# --------------------------------------------------------------------------- D4: null
NULL_SLOTS = [
    pytest.param(trail, steps, id=path_of(steps) + ("[]" if isinstance(value, list) else ""))
    for trail, steps, _, value in distinct(rich())
]


@pytest.mark.parametrize(("trail", "steps"), NULL_SLOTS)
def test_null_is_never_a_value(trail: Trail, steps: Steps, reader: str) -> None:
    document = rich()
    put(document, trail, None)
    error = refused(encode(document))
    assert (error.code, error.path) == ("SIR-X050", path_of(steps))
    report = sir_format.validate(encode(document), profile="schema")
    assert [(f.code, f.path) for f in report.findings] == [("SIR-X050", path_of(steps))]


@pytest.mark.parametrize(
    ("module", "key", "index"),
    [
        ("PIM3", "Basöverskott", 1),
        ("PIM3", "PaO2", 1),
        ("Higgins", "HjärtindexVidAnkomst", 3),
        ("Higgins", "PaO2VidAnkomst", 3),
        ("Higgins", "BikarbonatVidAnkomst", 3),
    ],
)
def test_null_in_a_mandatory_number_or_unknown_decimal(
    module: str, key: str, index: int, reader: str
) -> None:
    document = rich()
    document["Vårdtillfälle"][index][module][key] = None
    error = refused(encode(document))
    assert (error.code, error.path) == ("SIR-X050", f"Vårdtillfälle[{index + 1}]/{module}/{key}")


# --------------------------------------------------------------------------- numbers
NUMBER_SLOTS = [
    pytest.param(trail, steps, value, id=path_of(steps))
    for trail, steps, f, value in distinct(rich())
    if f.kind in (Kind.INTEGER, Kind.DECIMAL, Kind.NUMBER_OR_UNKNOWN)
    and not isinstance(value, list | str)
]


@pytest.mark.parametrize(("trail", "steps", "value"), NUMBER_SLOTS)
def test_a_number_written_as_a_string_is_an_error(
    trail: Trail, steps: Steps, value: Any, reader: str
) -> None:
    document = rich()
    put(document, trail, str(value))
    error = refused(encode(document))
    assert (error.code, error.path) == ("SIR-X050", path_of(steps))


def test_a_decimal_string_is_refused_however_it_looks() -> None:
    for text in ["7.28", " 7.28", "7.28 ", "7,28", "VärdeOkänt"]:
        error = refused(changed(_set(_saps3, "pHLägst", text)))
        assert (error.code, error.path) == ("SIR-X050", f"{EP}/SAPS3/pHLägst")


def test_fraction_digits_count_the_value_not_the_zeros(reader: str) -> None:
    # KroppstemperaturHögst allows one fraction digit: 37.40 is 37.4, 37.45 is not
    data = replaced('"KroppstemperaturHögst":38.9', '"KroppstemperaturHögst":37.40')
    report = agrees(data)
    assert isinstance(report, SIRData)
    saps3 = report.vardtillfalle[0].saps3
    assert saps3 is not None
    assert saps3.kroppstemperatur_hogst == Decimal("37.4")
    assert str(saps3.kroppstemperatur_hogst) == "37.40"
    error = refused(replaced('"KroppstemperaturHögst":38.9', '"KroppstemperaturHögst":37.45'))
    assert (error.code, error.path) == ("SIR-X027", f"{EP}/SAPS3/KroppstemperaturHögst")


# --------------------------------------------------------------------------- D2: free text
FREE_TEXT = [
    ("Huvud/Avdelningsnamn", ("Huvud", "Avdelningsnamn")),
    ("Huvud/Försystem/Namn", ("Huvud", "Försystem", "Namn")),
    ("Huvud/Försystem/Leverantör", ("Huvud", "Försystem", "Leverantör")),
]


def test_the_free_text_fields_are_these() -> None:
    found = {
        f"{info.cls.__name__}/{f.wire_name}"
        for info in all_models()
        for f in info.fields
        if f.free_text
    }
    assert found == {"Huvud/Avdelningsnamn", "Forsystem/Namn", "Forsystem/Leverantör"}


def with_text(trail: tuple[str, ...], text: str) -> bytes:
    document = fixture()
    put(document, trail, text)
    return encode(document)


def test_free_text_is_trimmed_and_kept_inside(reader: str) -> None:
    data = with_text(("Huvud", "Avdelningsnamn"), "  IVA  Avd  ")
    report = agrees(data)
    assert isinstance(report, SIRData)
    assert report.huvud.avdelningsnamn == "IVA  Avd"
    assert not sir_format.validate(data).findings
    assert b'"Avdelningsnamn":"IVA  Avd"' in sir_format.to_json(report)


@pytest.mark.parametrize(("path", "trail"), FREE_TEXT)
def test_free_text_length_counts_the_trimmed_value(
    path: str, trail: tuple[str, ...], reader: str
) -> None:
    fifty = "x" * 50
    for padded in [f" {fifty} ", f"\t{fifty}\n", f"\r\n {fifty}"]:
        report = agrees(with_text(trail, padded))
        assert isinstance(report, SIRData), padded
        field = trail[-1]
        holder = report.huvud if len(trail) == 2 else report.huvud.forsystem
        name = {"Avdelningsnamn": "avdelningsnamn", "Namn": "namn", "Leverantör": "leverantor"}
        assert getattr(holder, name[field]) == fifty
    error = refused(with_text(trail, " " + "x" * 51 + " "))
    assert (error.code, error.path) == ("SIR-X024", path)


@pytest.mark.parametrize("inside", ["\t", "\n", "\r", "\r\n"])
def test_a_line_break_or_tab_in_the_department_name_is_sir_r002(inside: str, reader: str) -> None:
    data = with_text(("Huvud", "Avdelningsnamn"), f"IVA{inside}Avd")
    report = agrees(data)
    assert isinstance(report, SIRData)
    assert report.huvud.avdelningsnamn == f"IVA{inside}Avd"
    assert not sir_format.validate(data, profile="schema").findings
    registry = sir_format.validate(data)
    assert [(f.code, f.severity, f.path) for f in registry.findings] == [
        ("SIR-R002", Severity.FATAL, "Huvud/Avdelningsnamn")
    ]


@pytest.mark.parametrize("inside", ["\t", "\n", "\r"])
@pytest.mark.parametrize(("path", "trail"), FREE_TEXT[1:])
def test_a_line_break_or_tab_in_other_free_text_is_a_schema_error(
    path: str, trail: tuple[str, ...], inside: str, reader: str
) -> None:
    error = refused(with_text(trail, f"Exempel{inside}PDMS"))
    assert (error.code, error.path) == ("SIR-X021", path)


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe"])
@pytest.mark.parametrize(("path", "trail"), FREE_TEXT)
def test_control_characters_in_free_text_are_refused(
    path: str, trail: tuple[str, ...], control: str, reader: str
) -> None:
    data = with_text(trail, f"IVA{control}Avd")
    error = refused(data)
    assert (error.code, error.path) == ("SIR-X035", path)
    assert control not in str(error)  # shown escaped, the message stays printable
    registry = sir_format.validate(data)
    assert [(f.code, f.path) for f in registry.findings if f.severity in ERRORS] == [
        ("SIR-X035", path)
    ]


# --------------------------------------------------------------------------- lone surrogates
FIXTURE_TEXT = {
    "json": (FIXTURES / "file_a_iva.json").read_text(encoding="utf-8"),
    "xml": (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8"),
}
SURROGATE_PLACES = {
    "in free text": ("ExempelPDMS", "Exempel\ud800PDMS"),
    "in a code": ("195711069137", "1957110\udc009137"),
    "in a name": ("Grunddata", "Grund\udfffdata"),
}


@pytest.mark.parametrize("place", SURROGATE_PLACES)
@pytest.mark.parametrize("kind", ["json", "xml"])
def test_text_holding_a_lone_surrogate_is_a_parse_error(kind: str, place: str) -> None:
    old, new = SURROGATE_PLACES[place]
    text = FIXTURE_TEXT[kind].replace(old, new, 1)
    read = sir_format.from_json if kind == "json" else sir_format.from_xml
    with pytest.raises(ParseError) as caught:
        read(text)
    assert caught.value.code == ("SIR-X004" if kind == "json" else "SIR-X001")
    assert one_line(str(caught.value))
    str(caught.value).encode("utf-8")
    for target in ("json", "xml"):
        with pytest.raises(ParseError) as converted:
            sir_format.convert(text, to=target)  # type: ignore[arg-type]
        assert converted.value.code == caught.value.code
    assert sir_format.detect_format(text) == kind
    report = sir_format.validate(text)
    assert [f.code for f in report.findings] == [caught.value.code]


@pytest.mark.parametrize("text", ["\ud800{}", "\udfff<a/>", "\ud800"])
def test_detect_format_of_text_starting_with_a_lone_surrogate(text: str) -> None:
    with pytest.raises(ParseError, match="cannot tell the format"):
        sir_format.detect_format(text)


def _model_path(report: SIRData, steps: Steps) -> tuple[Any, str]:
    """The object holding the value at ``steps`` and the attribute's name."""
    node: Any = report
    cls: type = SIRData
    for position, (name, index) in enumerate(steps):
        f = model_info(cls).by_wire[name]
        if position == len(steps) - 1 and index is None:
            return node, f.py_name
        value = getattr(node, f.py_name)
        if index is not None:
            if position == len(steps) - 1:
                return value, str(index)
            value = value[index]
        node, cls = value, f.python_type
    raise AssertionError(steps)  # pragma: no cover


def model_set(report: SIRData, steps: Steps, value: Any) -> None:
    holder, name = _model_path(report, steps)
    if isinstance(holder, list):
        holder[int(name)] = value
    else:
        setattr(holder, name, value)


def rich_report() -> SIRData:
    return sir_format.from_json(encode(rich()))


STRING_SLOTS = [
    pytest.param(steps, value, id=path_of(steps))
    for _, steps, f, value in distinct(rich())
    if f.kind is Kind.STRING and isinstance(value, str)
]


@pytest.mark.parametrize(("steps", "value"), STRING_SLOTS)
def test_writing_a_lone_surrogate_is_a_serialize_error(steps: Steps, value: str) -> None:
    report = rich_report()
    model_set(report, steps, value[:1] + "\udc80" + value[1:])
    for write in (sir_format.to_json, sir_format.to_xml):
        with pytest.raises(SerializeError) as caught:
            write(report)
        assert caught.value.path == path_of(steps)
        assert "surrogate" in caught.value.message
    findings = sir_format.validate(report, profile="schema").findings
    assert [(f.code, f.path) for f in findings] == [("SIR-X060", path_of(steps))]


def test_every_string_field_of_the_model_is_covered() -> None:
    assert len(STRING_SLOTS) >= 10
    names = {steps[-1][0] for steps, _ in (p.values[:2] for p in STRING_SLOTS)}
    assert {"Avdelningsnamn", "Namn", "LokaltId", "Personnummer", "HsaId"} <= names


# --------------------------------------------------------------------------- encodings
def _xml_in(encoding: str, *, bom: bool, declared: bool, defect: bool) -> bytes:
    text = FIXTURE_TEXT["xml"]
    if defect:
        text = text.replace("<Kön>Man</Kön>", "<Kön>Okänd</Kön>", 1)
    name = encoding.upper()[:6]
    text = text.replace('encoding="UTF-8"', f'encoding="{name}"' if declared else "")
    return ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)


WIDE = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("defect", [False, True], ids=["valid", "invalid"])
@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
@pytest.mark.parametrize("encoding", WIDE)
def test_wide_xml_with_a_bom_gives_the_same_answer_everywhere(
    encoding: str, declared: bool, defect: bool, tmp_path: Path
) -> None:
    data = _xml_in(encoding, bom=True, declared=declared, defect=defect)
    utf8 = _xml_in("utf-8", bom=False, declared=True, defect=defect)
    file = tmp_path / "rapport.xml"
    file.write_bytes(data)

    def answer(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except ParseError as exc:
            return (exc.code, exc.path, exc.line)

    expected = answer(lambda: sir_format.from_xml(utf8))
    assert answer(lambda: sir_format.from_xml(data)) == expected
    assert answer(lambda: sir_format.load(file)) == expected
    assert answer(lambda: sir_format.from_json(sir_format.convert(data, to="json"))) == expected
    findings = [(f.code, f.path, f.line) for f in sir_format.validate(utf8).findings]
    assert [(f.code, f.path, f.line) for f in sir_format.validate(data).findings] == findings
    assert [(f.code, f.path, f.line) for f in sir_format.validate(file).findings] == findings
    assert bool(findings) == defect
    assert sir_format.detect_format(data) == "xml"


def _json_in(encoding: str, *, bom: bool) -> bytes:
    return ("\ufeff" if bom else "").encode(encoding) + FIXTURE_TEXT["json"].encode(encoding)


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("encoding", WIDE)
def test_wide_json_is_refused_with_a_clear_error_everywhere(
    encoding: str, bom: bool, tmp_path: Path
) -> None:
    data = _json_in(encoding, bom=bom)
    file = tmp_path / "rapport.json"
    file.write_bytes(data)
    unnamed = tmp_path / "rapport"
    unnamed.write_bytes(data)
    wanted = f"JSON must be UTF-8; this input is {encoding.upper()[:6]}"
    readers: list[Callable[[], Any]] = [
        lambda: sir_format.from_json(data),
        lambda: Codec().loads(data),
        lambda: sir_format.load(file),
        lambda: sir_format.load(unnamed),
        lambda: sir_format.convert(data, to="xml"),
    ]
    for read in readers:
        with pytest.raises(ParseError) as caught:
            read()
        assert caught.value.code == "SIR-X004"
        assert wanted in str(caught.value)
    for source in (data, file, unnamed):
        findings = sir_format.validate(source).findings
        assert [f.code for f in findings] == ["SIR-X004"]
        assert wanted in findings[0].message("en")
    assert sir_format.detect_format(data) == "json"  # it is JSON; the readers refuse it


# --------------------------------------------------------------------------- writing
def _wrong_values(f: FieldInfo) -> list[Any]:
    """Values of the wrong type for ``f`` (each must be refused with the field's path)."""
    if f.kind is Kind.COMPLEX:
        return [{}, "x", JaNej.JA]
    if f.kind is Kind.STRING:
        return [5, b"bytes", JaNej.JA]
    if f.kind is Kind.ENUM:
        member = next(iter(f.python_type))
        other = VardeOkant.VARDE_OKANT if f.python_type is not VardeOkant else JaNej.JA
        return [1, member.value, other]
    if f.kind is Kind.INTEGER:
        return ["1", True, 1.0, Decimal(1)]
    if f.kind is Kind.DECIMAL:
        return ["7.5", 7.5, True]
    if f.kind is Kind.DATE:
        return [datetime(2024, 11, 3), "2024-11-03"]
    if f.kind is Kind.DATETIME:
        return [date(2024, 11, 3), "2024-11-03T16:40:00"]
    assert f.kind is Kind.NUMBER_OR_UNKNOWN
    return ["VärdeOkänt", "1", 1.5, True]


WRONG_SLOTS = [
    pytest.param(steps, wrong, id=f"{path_of(steps)}={type(wrong).__name__}:{wrong!r}")
    for _, steps, f, value in distinct(rich())
    if not isinstance(value, list)
    for wrong in _wrong_values(f)
]


@pytest.mark.parametrize(("steps", "wrong"), WRONG_SLOTS)
def test_writing_a_value_of_the_wrong_type_names_its_path(steps: Steps, wrong: Any) -> None:
    report = rich_report()
    model_set(report, steps, wrong)
    for write in (sir_format.to_json, sir_format.to_xml):
        with pytest.raises(SerializeError) as caught:
            write(report)
        assert caught.value.path == path_of(steps)
        assert one_line(str(caught.value))


LIST_SLOTS = [
    pytest.param(steps, id=path_of(steps))
    for _, steps, f, value in distinct(rich())
    if isinstance(value, list)
]


@pytest.mark.parametrize("steps", LIST_SLOTS)
@pytest.mark.parametrize("shape", ["item", "tuple", "none-item"])
def test_writing_a_non_list_where_a_list_belongs_names_its_path(steps: Steps, shape: str) -> None:
    report = rich_report()
    holder, name = _model_path(report, steps)
    items = getattr(holder, name)
    wrong: Any = {"item": items[0], "tuple": tuple(items), "none-item": [*items, None]}[shape]
    setattr(holder, name, wrong)
    where = path_of(steps) if shape != "none-item" else f"{path_of(steps)}[{len(items) + 1}]"
    for write in (sir_format.to_json, sir_format.to_xml):
        with pytest.raises(SerializeError) as caught:
            write(report)
        assert caught.value.path == where


DATETIME_SLOTS = [
    pytest.param(steps, value, id=path_of(steps))
    for _, steps, f, value in distinct(rich())
    if f.kind is Kind.DATETIME
]
BAD_TIMES: list[Callable[[datetime], datetime]] = [
    lambda t: t.replace(tzinfo=UTC),
    lambda t: t.replace(tzinfo=timezone(timedelta(hours=1))),
    lambda t: t.replace(microsecond=1),
    lambda t: t.replace(microsecond=500_000, tzinfo=UTC),
]


@pytest.mark.parametrize("bad", range(len(BAD_TIMES)))
@pytest.mark.parametrize(("steps", "value"), DATETIME_SLOTS)
def test_writing_an_aware_or_fractional_time_names_its_path(
    steps: Steps, value: str, bad: int
) -> None:
    report = rich_report()
    model_set(report, steps, BAD_TIMES[bad](datetime.fromisoformat(value)))
    for write in (sir_format.to_json, sir_format.to_xml):
        with pytest.raises(SerializeError) as caught:
            write(report)
        assert caught.value.path == path_of(steps)


DECIMAL_SLOTS = [
    pytest.param(steps, id=path_of(steps))
    for _, steps, f, value in distinct(rich())
    if is_decimal(f) and not isinstance(value, list)
]


@pytest.mark.parametrize("special", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("steps", DECIMAL_SLOTS)
def test_writing_a_decimal_that_is_not_finite_names_its_path(steps: Steps, special: str) -> None:
    report = rich_report()
    model_set(report, steps, Decimal(special))
    for write in (sir_format.to_json, sir_format.to_xml):
        with pytest.raises(SerializeError) as caught:
            write(report)
        assert caught.value.path == path_of(steps)
    with pytest.raises(SerializeError, match="finite"):
        sir_format.to_json(report)


REQUIRED_SLOTS = [
    pytest.param(steps, id=path_of(steps))
    for _, steps, f, value in distinct(rich())
    if f.required and (isinstance(value, list) or steps[-1][1] is None)
]


@pytest.mark.parametrize("steps", REQUIRED_SLOTS)
def test_writing_without_a_required_value_names_its_path(steps: Steps) -> None:
    report = rich_report()
    holder, name = _model_path(report, steps)
    for missing in (None, []) if isinstance(getattr(holder, name), list) else (None,):
        setattr(holder, name, missing)
        with pytest.raises(SerializeError) as caught:
            sir_format.to_json(report)
        assert caught.value.path == path_of(steps)
        with pytest.raises(SerializeError) as caught:
            sir_format.to_xml(report)
        assert caught.value.path == path_of(steps)


def test_writing_something_else_than_a_report() -> None:
    for wrong in ("report", None, {"Huvud": {}}, rich_report().huvud):
        with pytest.raises(SerializeError, match="expected a SIRData report"):
            sir_format.to_json(wrong)  # type: ignore[arg-type]


def test_the_header_must_be_a_header() -> None:
    report = rich_report()
    report.huvud = report.vardtillfalle[0]  # type: ignore[assignment]
    with pytest.raises(SerializeError) as caught:
        sir_format.to_json(report)
    assert caught.value.path == "Huvud"


def test_decimals_are_written_without_exponent() -> None:
    report = rich_report()
    weights = report.vardtillfalle[0].vikt_och_langd
    assert weights is not None
    weights.vikt_vid_ankomst = Decimal("1E+2")
    weights.vikt_fore_insjuknande = Decimal("4.0E-7")
    written = sir_format.to_json(report)
    assert '"ViktFöreInsjuknande":0.00000040,"ViktVidAnkomst":100}'.encode() in written
    tokens: list[str] = []
    json.loads(written, parse_float=tokens.append, parse_int=tokens.append)
    assert tokens
    assert not [token for token in tokens if "e" in token.lower()]
    assert str(weights.vikt_fore_insjuknande) == "4.0E-7"  # the report is left as it was
    assert str(weights.vikt_vid_ankomst) == "1E+2"


def test_integers_are_accepted_for_decimals() -> None:
    report = rich_report()
    saps3 = report.vardtillfalle[0].saps3
    assert saps3 is not None
    saps3.p_hlagst = 7  # type: ignore[assignment]
    assert '"pHLägst":7,'.encode() in sir_format.to_json(report)


def test_text_that_looks_like_a_fraction_of_a_second_is_written() -> None:
    report = rich_report()
    report.huvud.avdelningsnamn = "IVA 1.123456"
    assert b'"Avdelningsnamn":"IVA 1.123456"' in sir_format.to_json(report)


def test_absent_values_and_empty_optional_lists_are_omitted() -> None:
    report = rich_report()
    report.vardtillfalle[0].diagnoser.ovrig_diagnos = []
    report.vardtillfalle[0].lokalt_id = None
    written = sir_format.to_json(report)
    assert "ÖvrigDiagnos".encode() not in written.split(b'"LokaltId"')[0]
    assert written.count(b"LokaltId") == len(report.vardtillfalle) - 1
    assert b"null" not in written
    assert b"[]" not in written


def test_the_xml_root_class_writes_like_the_report() -> None:
    from sir_format.models import SIRDataVer52

    report = rich_report()
    as_root = SIRDataVer52(huvud=report.huvud, vardtillfalle=report.vardtillfalle)
    assert sir_format.to_json(as_root) == sir_format.to_json(report)


# --------------------------------------------------------------------------- properties
class _Duplicated(dict[str, Any]):
    """An object written with one of its keys twice (the second value wins when read)."""

    def __init__(self, items: dict[str, Any], key: str, first: Any) -> None:
        super().__init__(items)
        self.key = key
        self.first = first


def _dumps(value: Any) -> bytes:
    if isinstance(value, dict):
        pairs = list(value.items())
        if isinstance(value, _Duplicated):
            pairs.insert(0, (value.key, value.first))
        inner = b",".join(encode(k) + b":" + _dumps(v) for k, v in pairs)
        return b"{" + inner + b"}"
    if isinstance(value, list):
        return b"[" + b",".join(_dumps(v) for v in value) + b"]"
    return encode(value)


def _trails(value: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths (keys and indices) to every value of a document."""
    found = [trail] if trail else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _trails(item, (*trail, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _trails(item, (*trail, index))
    return found


POOL: list[Any] = [
    None, True, 0, -1, 3, 15, 16, 2**70, Decimal("7.28"), Decimal("7.281"), Decimal("0.300"),
    Decimal("7.40"), Decimal("1E+2"), Decimal("-0.0"), "", " x ", "Ja", "Ja ", "Man",
    " Man", "VärdeOkänt", "VärdeOkänt\t", "7.28", "J189", "j189", "DG021", "SK-000", "17:10",
    "24:00", "2024-11-03", " 2024-11-03", "1889-12-31", "2024-02-30", "2024-11-03T16:40:00",
    "2024-11-03T16:40:00 ", "2024-11-03 16:40:00", "2024-11-03T16:40:00Z",
    "2024-11-03t16:40:00", "2024-11-03T16:40:00.0", "2024-11-03T16:40:00.5",
    "1999-12-31T23:59:59", "195711069137", "Kön", "IVA\tAvd", "IVA\x01", "  IVA  Avd  ",
    "x" * 50 + " ", "x" * 51, [], ["J960"], [3], [None], [{}], {},
    {"Kod": "DG021", "Datum": "2024-11-03"},
]  # fmt: skip


def _mutate(document: Document, trail: tuple[Any, ...], action: str, value: Any) -> None:
    """Apply one edit at ``trail``; raises LookupError/TypeError when the trail is gone."""
    holder: Any = None
    parent: Any = document
    for step in trail[:-1]:
        holder, parent = parent, parent[step]
    last = trail[-1]
    if isinstance(parent, list) or action == "replace":
        parent[last] = copy.deepcopy(value)
    elif action == "drop":
        del parent[last]
    elif action == "unknown":
        parent["Okänt" if isinstance(value, str) else "kön"] = 1
    elif holder is not None and isinstance(parent, dict):
        holder[trail[-2]] = _Duplicated(parent, last, value)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    document = draw(st.sampled_from([fixture, lambda _: rich()]))(draw(st.sampled_from(STEMS)))
    trails = _trails(document)
    for _ in range(draw(st.integers(1, 2))):
        trail = draw(st.sampled_from(trails))
        action = draw(st.sampled_from(["replace", "drop", "unknown", "duplicate"]))
        with contextlib.suppress(LookupError, TypeError):
            _mutate(document, trail, action, draw(st.sampled_from(POOL)))
    return _dumps(document)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_from_json_agrees_with_validate(data: bytes) -> None:
    outcome = agrees(data)
    if isinstance(outcome, SIRData):  # what is read is written back and read the same
        assert sir_format.from_json(sir_format.to_json(outcome)) == outcome
        assert sir_format.from_xml(sir_format.to_xml(outcome)) == outcome


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(0, 3300), st.binary(max_size=4))
def test_damaged_input_only_ever_raises_parse_error(cut: int, noise: bytes) -> None:
    data = (FIXTURES / "file_a_iva.json").read_bytes()
    damaged = data[:cut] + noise + data[cut + len(noise) :]
    with contextlib.suppress(ParseError):
        agrees(damaged)


# --------------------------------------------------------------------------- missing keys
REQUIRED_KEYS = [
    pytest.param(trail, steps, id=path_of(steps))
    for trail, steps, f, value in distinct(rich())
    if f.required and isinstance(trail[-1], str)
]


@pytest.mark.parametrize(("trail", "steps"), REQUIRED_KEYS)
def test_a_missing_required_key_is_an_error(trail: Trail, steps: Steps, reader: str) -> None:
    # a repeated element reads as [] when its key is missing: that must not pass either
    document = rich()
    holder: Any = document
    for step in trail[:-1]:
        holder = holder[step]
    del holder[trail[-1]]
    error = refused(encode(document))
    assert error.code == "SIR-X012"
    assert error.path in (path_of(steps), path_of(steps[:-1]) or None)


def test_required_repeated_keys_are_among_them() -> None:
    names = {str(p.id).rsplit("/", 1)[-1] for p in REQUIRED_KEYS}
    assert {"Vårdtillfälle", "SOFARegistrering", "Intagningsorsak", "Omvårdnadsbedömning"} <= names


@pytest.mark.parametrize("number", ["1e9999999999999999999", "-1e-9999999999999999999"])
def test_a_number_beyond_decimal_range_is_invalid_json(number: str) -> None:
    data = (FIXTURES / "file_b_ima.json").read_text(encoding="utf-8")
    changed_data = data.replace('"ClinicalFrailtyScale": 5', f'"ClinicalFrailtyScale": {number}')
    assert changed_data != data
    with pytest.raises(ParseError) as caught:
        sir_format.from_json(changed_data)
    assert caught.value.code == "SIR-X004"
    assert "a number with too many digits or too large an exponent" in str(caught.value)
    assert [f.code for f in sir_format.validate(changed_data).findings] == ["SIR-X004"]
