"""Messages say what to fix: the missing element by name, a token in another Unicode
normalisation, bytes not in the file's encoding, and never a parser's own words."""

from __future__ import annotations

import json
import re
import unicodedata
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

import sir_format
from sir_format import cli
from sir_format.errors import ParseError
from sir_format.metadata import FieldInfo, model_info
from sir_format.models import Grunddata, Huvud, SIRData, Vardtillfalle
from sir_format.validation import validate

EXAMPLES = files("sir_format") / "examples"
XML = (EXAMPLES / "iva.xml").read_text(encoding="utf-8")
JSON_TEXT = (EXAMPLES / "iva.json").read_text(encoding="utf-8")
HEADER = model_info(SIRData).by_py["huvud"].wire_name
EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name
GRUNDDATA = model_info(Vardtillfalle).by_py["grunddata"].wire_name
SEX = model_info(Grunddata).by_py["kon"].wire_name
VARDTYP = model_info(Grunddata).by_py["vardtyp"].wire_name
UNKNOWN_SEX = model_info(Grunddata).by_py["kon"].facets.enumeration[-1]


def _required(cls: type) -> list[FieldInfo]:
    return [f for f in model_info(cls).fields if f.required]


# (parent in the file, parent's logical path, required field), from the metadata
REQUIRED = [
    *[(HEADER, HEADER, f) for f in _required(Huvud)],
    *[(GRUNDDATA, f"{EPISODE}[1]/{GRUNDDATA}", f) for f in _required(Grunddata)],
]


def _xml_without(name: str) -> str:
    pattern = re.compile(rf"\n\s*<{name}>.*?</{name}>", re.DOTALL)
    changed, count = pattern.subn("", XML, count=1)
    assert count == 1, name
    return changed


def _json_without(parent: str, name: str) -> str:
    data = json.loads(JSON_TEXT)
    holder = data[HEADER] if parent == HEADER else data[EPISODE][0][parent]
    del holder[name]
    return json.dumps(data, ensure_ascii=False, indent=2)


def _seen(report: Any) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.path, f.message("sv"), f.message("en")) for f in report.findings]


@pytest.mark.parametrize(
    ("parent", "path", "field"),
    [pytest.param(*case, id=f"{case[0]}-{case[2].wire_name}") for case in REQUIRED],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_missing_required_element_is_named_alone(
    fmt: str, parent: str, path: str, field: FieldInfo
) -> None:
    name = field.wire_name
    text = _xml_without(name) if fmt == "xml" else _json_without(parent, name)
    report = validate(text, profile="schema")
    assert _seen(report) == [
        (
            "SIR-X012",
            f"{path}/{name}",
            f"Det obligatoriska elementet {name} saknas.",
            f"Mandatory element {name} is missing.",
        )
    ]


def test_optional_elements_before_a_missing_one_are_not_named() -> None:
    """The issue's case: without the optional elements before it, a missing Vårdtyp was
    reported as "Postnummer, Kommunkod, Idbegrepp eller Vårdtyp"."""
    fields = model_info(Grunddata).fields
    cut = [f.wire_name for f in fields].index(VARDTYP)
    removed = [f.wire_name for f in fields[:cut] if not f.required] + [VARDTYP]
    assert len(removed) > 2
    text = XML
    for name in removed:
        text = re.sub(rf"\n\s*<{name}>.*?</{name}>", "", text, count=1)
    (finding,) = validate(text, profile="schema").findings
    assert finding.message("sv") == f"Det obligatoriska elementet {VARDTYP} saknas."


def test_a_started_choice_branch_names_its_next_member() -> None:
    text = XML.replace("<GCSVerbal>", "<!--", 1).replace("</GCSVerbal>", "-->", 1)
    assert text != XML
    (finding,) = validate(text, profile="schema").findings
    assert (finding.code, finding.message("en")) == (
        "SIR-X012",
        "Mandatory element GCSVerbal is missing.",
    )
    assert finding.path == f"{EPISODE}[1]/DagligSOFA/SOFARegistrering[2]/GCSVerbal"


# --------------------------------------------------------------------------- normalisation

NFD_TOKEN = unicodedata.normalize("NFD", UNKNOWN_SEX)


def test_the_example_token_has_a_composed_character() -> None:
    assert NFD_TOKEN != UNKNOWN_SEX  # else the tests below would prove nothing


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_token_in_nfd_says_so_with_code_points(fmt: str) -> None:
    if fmt == "xml":
        text = XML.replace(f"<{SEX}>Man</{SEX}>", f"<{SEX}>{NFD_TOKEN}</{SEX}>")
    else:
        text = JSON_TEXT.replace(f'"{SEX}": "Man"', f'"{SEX}": "{NFD_TOKEN}"')
    (finding,) = validate(text, profile="schema").findings
    assert (finding.code, finding.variant) == ("SIR-X020", "nfc")
    assert finding.message("en") == (
        f'{SEX}: "{NFD_TOKEN}" is written in another Unicode normalisation (NFD): '
        f'U+0061 U+0308 where the allowed value "{UNKNOWN_SEX}" has U+00E4; write it in NFC.'
    )
    assert finding.message("sv") == (
        f'{SEX}: "{NFD_TOKEN}" är skrivet med en annan Unicode-normalisering (NFD): '
        f'U+0061 U+0308 där det tillåtna värdet "{UNKNOWN_SEX}" har U+00E4; skriv det i NFC.'
    )


def test_a_token_that_is_simply_wrong_keeps_the_plain_message() -> None:
    text = XML.replace(f"<{SEX}>Man</{SEX}>", f"<{SEX}>Okänd</{SEX}>")
    (finding,) = validate(text, profile="schema").findings
    assert finding.variant is None
    assert finding.message("en").endswith(
        "is not an allowed value (allowed: Man, Kvinna, VärdeOkänt)."
    )


def test_an_element_name_in_nfd_says_so() -> None:
    decomposed = unicodedata.normalize("NFD", VARDTYP)
    text = XML.replace(f"<{VARDTYP}>IVA</{VARDTYP}>", f"<{decomposed}>IVA</{decomposed}>")
    (finding,) = validate(text, profile="schema").findings
    assert (finding.code, finding.variant) == ("SIR-X011", "nfc")
    assert finding.message("en") == (
        f"Element {decomposed} is written in another Unicode normalisation (NFD): "
        f"U+0061 U+030A where the element {VARDTYP} has U+00E5; write the name in NFC."
    )
    assert finding.message("sv") == (
        f"Elementnamnet {decomposed} är skrivet med en annan Unicode-normalisering (NFD): "
        f"U+0061 U+030A där elementet {VARDTYP} har U+00E5; skriv namnet i NFC."
    )


# --------------------------------------------------------------------------- encodings


def _position(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """Line and column (1-based, in characters) of byte ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode(encoding)) + 1


LATIN1 = XML.encode("latin-1")
FIRST_HIGH = next(i for i, byte in enumerate(LATIN1) if byte >= 0x80)


@pytest.mark.parametrize("source", ["bytes", "path"])
def test_latin1_labelled_utf8_names_the_bytes_and_where(source: str, tmp_path: Path) -> None:
    given: Any = LATIN1
    if source == "path":
        given = tmp_path / "latin1.xml"
        given.write_bytes(LATIN1)
    (finding,) = validate(given).findings
    byte = f"0x{LATIN1[FIRST_HIGH]:02X}"
    assert finding.code == "SIR-X001"
    assert (finding.line, finding.column) == _position(LATIN1, FIRST_HIGH, "latin-1")
    assert finding.message("en") == (
        f"The XML is not well-formed: the bytes {byte} at byte offset {FIRST_HIGH} are not "
        "UTF-8, the encoding the file declares; save the file as UTF-8 or declare its real "
        "encoding."
    )
    assert finding.message("sv") == (
        f"XML-filen är inte välformad: bytes {byte} vid byteoffset {FIRST_HIGH} är inte UTF-8, "
        "den teckenkodning som filen anger; spara filen som UTF-8 eller ange dess verkliga "
        "kodning."
    )


def test_latin1_without_a_declaration_names_the_default() -> None:
    data = LATIN1.replace(b' encoding="utf-8"', b"")
    assert data != LATIN1
    offset = next(i for i, byte in enumerate(data) if byte >= 0x80)
    (finding,) = validate(data).findings
    assert finding.message("en") == (
        f"The XML is not well-formed: the bytes 0x{data[offset]:02X} at byte offset {offset} "
        "are not UTF-8, the encoding that applies when the file declares none; save the file "
        "as UTF-8 or declare its real encoding."
    )


def test_latin1_json_names_the_bytes_and_where() -> None:
    data = b"\xef\xbb\xbf" + JSON_TEXT.encode("latin-1")
    offset = next(i for i, byte in enumerate(data) if byte >= 0x80 and i > 2)
    (finding,) = validate(data).findings
    body_offset = offset - 3
    assert (finding.line, finding.column) == _position(data[3:], body_offset, "latin-1")
    assert finding.message("en") == (
        f"The JSON is not valid: the bytes 0x{data[offset]:02X} at byte offset {offset} are not "
        "UTF-8, the encoding JSON must be in; save the file as UTF-8."
    )


# --------------------------------------------------------------------------- no raw parser text

RAW_PHRASES = (
    "Opening and ending tag mismatch",
    "expected",
    "Expecting",
    "Extra data",
    "line 1 column",
    "Char 0x",
    "StartTag",
    "EntityRef",
    "JSON is malformed",
    "Premature end",
    "not proper UTF-8",
    "Invalid bytes",
    "Unterminated",
    "Document is empty",
    "Start tag expected",
    "xmlParse",
    "delimiter",
    "Couldn't find",
    "out of range",
    "Exceeds the limit",
)

_B = XML.encode()
_J = JSON_TEXT.encode()
BROKEN: dict[str, bytes] = {
    "xml truncated": _B[:500],
    "xml truncated in a tag": _B[: _B.index(b"<Ankomst") + 6],
    "xml latin-1": LATIN1,
    "xml tag mismatch": _B.replace("</Kön>".encode(), b"</Kon>"),
    "xml bad entity": _B.replace(b"Man<", b"M&an<"),
    "xml undeclared entity": _B.replace(b"Man<", b"&foo;<"),
    "xml bare ampersand": _B.replace(b"Man<", b"M & n<"),
    "xml doctype": _B.replace(
        b"<SIRDataVer52>", b'<!DOCTYPE x [<!ENTITY e "x">]>\n<SIRDataVer52>'
    ),
    "xml extra content": _B + b"<x/>",
    "xml invalid name": _B.replace("<Kön>".encode(), "<1Kön>".encode()),
    "xml control character": _B.replace(b"Man<", b"M\x01an<"),
    "xml character reference": _B.replace(b"Man<", b"M&#0;an<"),
    "xml second declaration": _B.replace("<Kön>".encode(), "<?xml version='1.0'?><Kön>".encode()),
    "xml unsupported encoding": _B.replace(b"utf-8", b"foo-9"),
    "xml attribute": _B.replace("<Kön>".encode(), "<Kön a=>".encode()),
    "xml comment": _B.replace("<Kön>".encode(), "<!-- a -- b --><Kön>".encode()),
    "xml cdata": _B.replace("<Kön>".encode(), "<![CDATA[x<Kön>".encode()),
    "xml namespace prefix": _B.replace("<Kön>".encode(), "<p:Kön>".encode()).replace(
        "</Kön>".encode(), "</p:Kön>".encode()
    ),
    "xml no root": b"<?xml version='1.0'?>\n<!-- x -->",
    "json truncated": _J[:300],
    "json trailing comma": _J.replace(b'"Man"', b'"Man",,'),
    "json missing comma": _J.replace(b'"Man",', b'"Man"'),
    "json missing colon": _J.replace('"Kön":'.encode(), '"Kön"'.encode()),
    "json single quotes": _J.replace(b'"HsaId"', b"'HsaId'"),
    "json extra data": _J + b"x",
    "json two documents": _J * 2,
    "json control character": _J.replace(b'"Man"', b'"M\x01an"'),
    "json bad escape": _J.replace(b'"Man"', b'"M\\qan"'),
    "json bad unicode escape": _J.replace(b'"Man"', b'"M\\u12an"'),
    "json latin-1": JSON_TEXT.encode("latin-1"),
    "json huge exponent": _J.replace(
        b'"ClinicalFrailtyScale": 3', b'"ClinicalFrailtyScale": 1e99999999999999999999'
    ),
    "json huge integer": _J.replace(b'"GCS": 14', b'"GCS": ' + b"9" * 5000),
    "json comment": b"// SIR\n" + _J,
    "json second bom": b"\xef\xbb\xbf\xef\xbb\xbf" + _J,
    "json nan": _J.replace(b'"GCS": 14', b'"GCS": NaN'),
}


def _assert_no_raw_text(text: str) -> None:
    for phrase in RAW_PHRASES:
        assert phrase not in text, (phrase, text)


@pytest.mark.parametrize("data", BROKEN.values(), ids=BROKEN.keys())
def test_no_parser_text_reaches_validate_or_convert(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = validate(data)
    assert not report.ok
    for lang in ("sv", "en"):
        _assert_no_raw_text(report.render(lang))
    with pytest.raises(ParseError) as caught:
        sir_format.convert(data, to="json")
    _assert_no_raw_text(str(caught.value))
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    assert cli.main(["convert", str(source), str(tmp_path / "out.xml")]) != 0
    assert cli.main(["validate", str(source)]) != 0
    out, err = capsys.readouterr()
    _assert_no_raw_text(out + err)
