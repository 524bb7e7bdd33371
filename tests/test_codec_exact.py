"""Exact behaviour of the input layer and the codecs where the other codec tests leave room:
the values, bytes and messages that mutation testing (``nox -s mutate -- codecs``) showed no
test pinned down."""

from __future__ import annotations

import pytest

from sir_format import detect_format
from sir_format._input import sniff, text_to_bytes, unicode_encoding, wide_encoding
from sir_format.errors import ParseError

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
