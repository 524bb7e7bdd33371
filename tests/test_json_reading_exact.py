"""Exact behaviour of JSON reading where mutation testing (``nox -s mutate -- codecs``) found
no test pinning it down: what the fast path accepts and refuses, and the codes, parameters,
lines and columns of the careful path's findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_json_codec import rich_report

import sir_format
from sir_format import ParseError, from_json, validate
from sir_format._json import decode_fast
from sir_format.errors import Rejected
from sir_format.metadata import model_info
from sir_format.models import PIM3
from sir_format.validation._base import Text

EXAMPLE = (Path(sir_format.__file__).parent / "examples" / "iva.json").read_bytes()


def _changed(data: bytes, old: str, new: str) -> bytes:
    """``data`` with the first ``old`` replaced by ``new`` (which must be there)."""
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


# -- the fast path ------------------------------------------------------------------------------

UNKNOWN = next(iter(model_info(PIM3).by_wire["Basöverskott"].unknown or ())).value


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"Avdelningsnamn": "IVA Exempelsjukhuset"', '"Avdelningsnamn": "I"'),
        ('"Namn": "ExempelPDMS"', '"Namn": " E "'),
        ('"Basöverskott": -2.5', f'"Basöverskott": "{UNKNOWN}"'),
        ('"Basöverskott": -2.5', '"Basöverskott": -3'),
        ('"Skapad": "2024-11-10T08:00:00"', '"Skapad": "2000-01-01T00:00:00"'),
    ],
    ids=["one-character-text", "text-to-trim", "unknown-decimal", "integer-decimal", "first-time"],
)
def test_the_fast_path_reads_valid_values_at_their_limits(old: str, new: str) -> None:
    raw = _changed(sir_format.to_json(rich_report(), pretty=True), old, new)
    assert validate(raw, profile="schema").findings == ()
    assert decode_fast(raw) == from_json(raw)


@pytest.mark.parametrize(
    ("old", "new", "code", "path"),
    [
        (
            '"Datum": "2024-11-03"',
            '"Datum": "1889-12-31"',
            "SIR-X022",
            "Vårdtillfälle[1]/Åtgärder/Åtgärd[1]/Datum",
        ),
        (
            '"Skapad": "2024-11-10T08:00:00"',
            '"Skapad": "1999-12-31T23:59:59"',
            "SIR-X022",
            "Huvud/Skapad",
        ),
        (
            '"Avdelningsnamn": "IVA Exempelsjukhuset"',
            '"Avdelningsnamn": " "',
            "SIR-X036",
            "Huvud/Avdelningsnamn",
        ),
    ],
    ids=["date-in-a-nested-object", "date-time-in-the-header", "blank-text"],
)
def test_the_fast_path_refuses_values_out_of_their_range(
    old: str, new: str, code: str, path: str
) -> None:
    raw = _changed(EXAMPLE, old, new)
    with pytest.raises(Rejected):
        decode_fast(raw)
    with pytest.raises(ParseError) as error:
        from_json(raw)
    finding = error.value.finding
    assert finding is not None
    assert (finding.code, finding.path) == (code, path)


# -- the careful path -----------------------------------------------------------------------


def _only(data: bytes) -> tuple[str, dict[str, object], int | None, int | None, str | None]:
    (finding,) = validate(data, profile="schema").findings
    return finding.code, dict(finding.params), finding.line, finding.column, finding.raw


def _not_utf8(byte: str, offset: int) -> Text:
    return Text(
        sv=f"bytes {byte} vid byteoffset {offset} är inte UTF-8, som JSON ska vara skrivet i; "
        "spara filen som UTF-8",
        en=f"the bytes {byte} at byte offset {offset} are not UTF-8, the encoding JSON must be "
        "in; save the file as UTF-8",
    )


SURROGATE = Text(
    sv="ett ensamt surrogattecken (ogiltig UTF-8)", en="a lone surrogate (invalid UTF-8)"
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"Huvud": "\xed\xa0\x80"}', ("SIR-X004", {"detail": SURROGATE}, 1, 12, None)),
        (
            b'{"Huvud":\n "a\xff\xa0"}',
            ("SIR-X004", {"detail": _not_utf8("0xFF", 13)}, 2, 4, None),
        ),
        (
            b'{"Huvud": "\xed\x9f\xbf\xed"}',
            ("SIR-X004", {"detail": _not_utf8("0xED", 14)}, 1, 13, None),
        ),
        (b'{"Huvud": NaN}', ("SIR-X006", {"v": "NaN"}, None, None, None)),
        (b'{"Huvud": -Infinity}', ("SIR-X006", {"v": "-Infinity"}, None, None, None)),
        (
            b'{"Huvud": }',
            (
                "SIR-X004",
                {
                    "detail": Text(
                        sv="ett värde saknas eller är felskrivet",
                        en="a value is missing or malformed",
                    )
                },
                1,
                11,
                "Expecting value: line 1 column 11 (char 10)",
            ),
        ),
    ],
    ids=["lone-surrogate", "not-utf8", "surrogate-lead-at-the-end", "nan", "infinity", "syntax"],
)
def test_json_that_cannot_be_read_is_named_exactly(
    data: bytes, expected: tuple[str, dict[str, object], int | None, int | None, str | None]
) -> None:
    assert _only(data) == expected


OBJECT = Text(sv="ett objekt", en="an object")
ARRAY = Text(sv="en lista", en="an array")


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"[1]", Text(sv="en lista", en="an array")),
        (b"12", Text(sv="ett tal", en="a number")),
        (b'"SIR"', Text(sv="en sträng", en="a string")),
        (b"true", Text(sv="ett sanningsvärde", en="a boolean")),
        (b"null", Text(sv="null", en="null")),
    ],
    ids=["array", "number", "string", "boolean", "null"],
)
def test_a_root_that_is_not_an_object_says_what_it_is(data: bytes, found: Text) -> None:
    with pytest.raises(ParseError) as error:
        from_json(data)
    finding = error.value.finding
    assert finding is not None
    assert (finding.code, dict(finding.params), finding.location) == (
        "SIR-X050",
        {"element": "SIRData", "expected": OBJECT, "found": found},
        (),
    )


def test_a_repeated_root_key_is_sir_x005_at_the_key() -> None:
    raw = _changed(EXAMPLE, '{\n  "Huvud"', '{"Huvud": {}, "Huvud"')
    (finding,) = validate(raw, profile="schema").findings
    assert (finding.code, dict(finding.params), finding.location) == (
        "SIR-X005",
        {"element": "Huvud"},
        (("Huvud", None),),
    )


def test_root_keys_written_with_escapes_are_read_like_plain_ones() -> None:
    # a key with an escape is read by the JSON decoder, not the quick pattern; a value that
    # follows its colon without a space must start where it does
    escaped = EXAMPLE.replace(b'"Huvud": ', b'"Hu\\u0076ud":').replace(
        '"Vårdtillfälle": '.encode(), b'"V\\u00e5rdtillf\\u00e4lle":'
    )
    assert escaped != EXAMPLE
    assert validate(escaped, profile="schema").findings == ()
    assert from_json(escaped) == from_json(EXAMPLE)


def test_a_list_where_a_number_or_unknown_belongs_names_both() -> None:
    raw = _changed(EXAMPLE, '"ClinicalFrailtyScale": 3', '"ClinicalFrailtyScale": [3]')
    (finding,) = validate(raw, profile="schema").findings
    token = '"VärdeOkänt"'
    assert (finding.code, dict(finding.params), finding.path) == (
        "SIR-X050",
        {
            "element": "ClinicalFrailtyScale",
            "expected": Text(sv=f"ett tal eller {token}", en=f"a number or {token}"),
            "found": Text(sv="en lista", en="an array"),
        },
        "Vårdtillfälle[1]/ClinicalFrailtyScale",
    )


def test_a_string_where_an_object_belongs_says_it_is_a_string() -> None:
    raw = _changed(
        EXAMPLE,
        '"Försystem": {"Namn": "ExempelPDMS", "Version": "4.2.1"}',
        '"Försystem": "ExempelPDMS"',
    )
    findings = validate(raw, profile="schema").findings
    assert [(f.code, dict(f.params), f.path) for f in findings] == [
        (
            "SIR-X050",
            {
                "element": "Försystem",
                "expected": OBJECT,
                "found": Text(sv="en sträng", en="a string"),
            },
            "Huvud/Försystem",
        )
    ]


def test_a_key_that_is_no_xml_name_is_an_unknown_element() -> None:
    raw = _changed(
        EXAMPLE, '"LokaltId": "VT-2024-01187",', '"LokaltId": "VT-2024-01187", "1a": 1,'
    )
    (finding,) = validate(raw, profile="schema").findings
    assert (finding.code, dict(finding.params), finding.path) == (
        "SIR-X011",
        {"element": "1a", "expected": Text(sv="ett känt element", en="a known element")},
        "Vårdtillfälle[1]/1a",
    )


def test_null_where_a_list_belongs_names_the_list() -> None:
    start = EXAMPLE.index('"ÖvrigDiagnos": ['.encode())
    end = EXAMPLE.index(b"]", start) + 1
    raw = EXAMPLE[:start] + '"ÖvrigDiagnos": null'.encode() + EXAMPLE[end:]
    (finding,) = validate(raw, profile="schema").findings
    assert (finding.code, dict(finding.params), finding.path) == (
        "SIR-X050",
        {"element": "ÖvrigDiagnos", "expected": ARRAY, "found": Text(sv="null", en="null")},
        "Vårdtillfälle[1]/Diagnoser/ÖvrigDiagnos",
    )
