"""Exact behaviour of the input layer and the codecs where the other codec tests leave room:
the values, bytes and messages that mutation testing (``nox -s mutate -- codecs``) showed no
test pinned down."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from sir_format import (
    Codec,
    Limits,
    detect_format,
    from_xml,
    open_stream,
    save,
    to_json,
    to_xml,
)
from sir_format._input import sniff, text_to_bytes, unicode_encoding, wide_encoding
from sir_format.errors import ParseError, SerializeError, SirFormatError
from sir_format.models import SIRData

# -- format detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"<a/>", "xml"),
        (b" \t\r\n<a/>", "xml"),
        (b"\xef\xbb\xbf<a/>", "xml"),
        (b"\xef\xbb\xbf \n{}", "json"),
        (b"{}", "json"),
        (b"[1]", "json"),
        (b"", None),
        (b"   ", None),
        (b"SIR", None),
        ("<a/>".encode("utf-16-le"), "xml"),
        ("<a/>".encode("utf-16-be"), "xml"),
        ("\ufeff<a/>".encode("utf-16-le"), "xml"),
        ("\ufeff \n<a/>".encode("utf-32-be"), "xml"),
        ('{"a": 1}'.encode("utf-16-le"), "json"),
        ("[1]".encode("utf-32-le"), "json"),
        ("\ufeffSIR".encode("utf-16-be"), None),
    ],
)
def test_sniff_tells_the_format_by_the_first_significant_character(
    head: bytes, expected: str | None
) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\xfe\xff\x00\x00\x00<", "utf-32-be"),
        (b"\xff\xfe\x00\x00<\x00\x00\x00", "utf-32-le"),
        (b"\xfe\xff\x00<", "utf-16-be"),
        (b"\xff\xfe<\x00", "utf-16-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<\x00a", "utf-16-be"),
        (b"<\x00a\x00", "utf-16-le"),
        (b"<a/>", None),
        (b"\xef\xbb\xbf<a", None),
        (b"\x00<", None),
        (b"\x00\x00<a", None),
    ],
)
def test_unicode_encoding_by_byte_order_mark_or_zero_bytes(
    head: bytes, expected: str | None
) -> None:
    assert unicode_encoding(head) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<\x00a", "utf-16-be"),
        (b"<\x00a\x00", "utf-16-le"),
        (b"\x00\x00<\x00", None),
        (b"<\x00\x00a", None),
        (b"<a/>", None),
        (b"<\x00a", None),
    ],
)
def test_wide_encoding_without_byte_order_mark(head: bytes, expected: str | None) -> None:
    assert wide_encoding(head) == expected


def test_detect_format_names_what_it_found() -> None:
    assert detect_format(b"\xef\xbb\xbf<SIRDataVer52/>") == "xml"
    assert detect_format(' {"Huvud": {}}') == "json"
    with pytest.raises(ParseError) as caught:
        detect_format(b"SIR")
    assert str(caught.value).startswith(
        "cannot tell the format: the input starts with neither '<' nor '{'"
    )


# -- text to bytes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<?xml version="1.0" encoding="ISO-8859-1"?><a/>', b'<?xml version="1.0"?><a/>'),
        ("  <?xml version='1.0' encoding='latin-1' ?><a/>", b"  <?xml version='1.0' ?><a/>"),
        ('<?xml version="1.0"?><a encoding="x"/>', b'<?xml version="1.0"?><a encoding="x"/>'),
        ('<a encoding="x"/>', b'<a encoding="x"/>'),
        ("<å/>", "<å/>".encode()),
        ("<a>\ud800</a>", b"<a>\xed\xa0\x80</a>"),
        ('{"a": "encoding=\'x\'"}', b'{"a": "encoding=\'x\'"}'),
    ],
)
def test_text_to_bytes_drops_only_the_declared_encoding(text: str, expected: bytes) -> None:
    assert text_to_bytes(text) == expected


# -- the codec's verbs ------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures"
XML_A = (FIXTURES / "file_a_iva.xml").read_bytes()


@pytest.fixture(scope="module")
def report() -> SIRData:
    return from_xml(XML_A)


@pytest.mark.parametrize("data", [bytearray(XML_A), memoryview(XML_A)])
def test_byte_like_input_reads_like_bytes(data: bytearray | memoryview, report: SIRData) -> None:
    assert Codec().from_xml(data) == report


def test_other_input_types_are_named_in_the_error() -> None:
    with pytest.raises(ParseError, match=r"^expected bytes or str, got int$"):
        Codec().from_xml(42)  # type: ignore[arg-type]


def test_dumps_writes_pretty_json_and_refuses_other_formats(report: SIRData) -> None:
    codec = Codec()
    assert codec.dumps(report, "json") == to_json(report, pretty=True)
    assert codec.dumps(report, "xml") == to_xml(report)
    with pytest.raises(SirFormatError, match=r"^unknown format 'yaml'; use 'xml' or 'json'$"):
        codec.dumps(report, "yaml")  # type: ignore[arg-type]


def test_save_takes_the_format_from_the_extension_in_any_case(
    report: SIRData, tmp_path: Path
) -> None:
    save(report, tmp_path / "REPORT.XML")
    assert (tmp_path / "REPORT.XML").read_bytes() == to_xml(report)
    save(report, tmp_path / "report.Json")
    assert (tmp_path / "report.Json").read_bytes() == to_json(report, pretty=True)
    save(report, tmp_path / "report.txt", format="json")
    assert (tmp_path / "report.txt").read_bytes() == to_json(report, pretty=True)


def test_save_without_a_format_names_the_file(report: SIRData, tmp_path: Path) -> None:
    with pytest.raises(SirFormatError) as caught:
        save(report, tmp_path / "report.txt")
    assert str(caught.value).startswith(
        "cannot tell the format from 'report.txt': use .xml or .json, or pass format="
    )
    with pytest.raises(SirFormatError, match=r"^unknown format 'yaml'; use 'xml' or 'json'$"):
        save(report, tmp_path / "report.xml", format="yaml")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_codec_keeps_its_limits_and_defaults_to_the_standard_ones() -> None:
    assert Codec().limits == Limits()
    tight = Limits(max_bytes=10)
    assert Codec(tight).limits is tight
    with pytest.raises(ParseError):
        Codec(tight).from_xml(XML_A)


def test_a_stream_counts_the_episodes_it_hands_out(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_bytes(XML_A)
    stream = open_stream(path)
    assert stream.count == 0
    episodes = list(stream)
    assert stream.count == len(episodes) == len(from_xml(XML_A).vardtillfalle)
    # streaming ignores the size limit, not the episode limit
    assert list(Codec(Limits(max_bytes=10)).iter_episodes(path)) == episodes
    with pytest.raises(ParseError):
        list(Codec(Limits(max_episodes=0)).iter_episodes(path))


@pytest.mark.parametrize("name", ["bad\0name.xml", Path("bad\0name.xml")], ids=["str", "path"])
def test_a_stream_refuses_a_file_name_with_a_nul_byte(name: str | Path) -> None:
    with pytest.raises(SirFormatError) as caught:
        open_stream(name)
    assert type(caught.value) is SirFormatError
    assert str(caught.value) == (
        "cannot use 'bad\\x00name.xml' as a file name: it contains a NUL byte"
    )


@pytest.mark.parametrize("value", ["3", 3.0, True], ids=["str", "float", "bool"])
def test_a_wrong_type_where_a_number_or_unknown_belongs_names_both(
    report: SIRData, value: object
) -> None:
    changed = copy.deepcopy(report)
    changed.vardtillfalle[0].clinical_frailty_scale = value  # type: ignore[assignment]
    expected = f"expected VardeOkant or int, got {type(value).__name__}"
    for write in (to_xml, to_json):
        with pytest.raises(SerializeError) as caught:
            write(changed)
        assert (caught.value.path, caught.value.message) == (
            "Vårdtillfälle[1]/ClinicalFrailtyScale",
            expected,
        )


def test_a_stream_reads_past_the_default_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "large.xml"
    path.write_bytes(XML_A)
    with path.open("r+b") as handle:  # a sparse file: NUL bytes after the report
        handle.truncate(Limits().max_bytes + 1)  # type: ignore[operator]
    stream = open_stream(path)  # the default limits, but not their size limit
    with pytest.raises(ParseError) as caught:
        list(stream)
    finding = caught.value.finding
    assert finding is not None
    assert (finding.code, finding.line) == ("SIR-X001", XML_A.count(b"\n") + 1)
