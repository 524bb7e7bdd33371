"""The parsers' own diagnostics as the texts of SIR-X001 and SIR-X004, in both languages.

libxml2 and Python's ``json`` describe a broken document in English, in their own words
("Opening and ending tag mismatch", "Expecting ',' delimiter"). Those words are kept only on
``Finding.raw``; what a user reads is one of the texts here, chosen by the parser's error code
(libxml2) or message (``json``), with the names and lines the parser found and, for bytes that
are not in the file's encoding, the byte offset of the first one.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from lxml import etree

from sir_format.validation._base import Text

__all__ = [
    "declared_encoding",
    "encoding_detail",
    "first_undecodable",
    "json_detail",
    "xml_detail",
]

_E = etree.ErrorTypes


def _text(sv: str, en: str) -> Text:
    return Text(sv=sv, en=en)


_BROKEN = _text("märkningen är felskriven här", "the markup is broken here")
_NAME = _text(
    "ett ogiltigt namn (på ett element eller attribut, eller efter &)",
    "an invalid name (of an element or attribute, or after &)",
)
_AMPERSAND = _text(
    "ett &-tecken som inte inleder en giltig referens (skriv &amp; för tecknet &)",
    "an & that does not start a valid reference (write &amp; for the character &)",
)
_ATTRIBUTE = _text("ett felskrivet attribut", "a malformed attribute")
_COMMENT = _text("en felskriven kommentar", "a malformed comment")
_DECLARATION = _text(
    "en felskriven XML-deklaration (<?xml … ?>)", "a malformed XML declaration (<?xml … ?>)"
)

_XML_TEXTS: dict[int, Text] = {
    _E.ERR_DOCUMENT_EMPTY: _text("inget rotelement hittades", "no root element was found"),
    _E.ERR_DOCUMENT_END: _text(
        "text eller element efter rotelementets slut", "content after the end of the root element"
    ),
    _E.ERR_INVALID_CHAR: _text(
        "ett tecken som XML 1.0 inte tillåter", "a character that XML 1.0 does not allow"
    ),
    _E.ERR_INVALID_CHARREF: _text(
        "en teckenreferens till ett tecken som XML 1.0 inte tillåter",
        "a character reference to a character that XML 1.0 does not allow",
    ),
    _E.ERR_UNSUPPORTED_ENCODING: _text(
        "filen anger en teckenkodning som inte stöds", "the file declares an unsupported encoding"
    ),
    _E.ERR_ENTITYREF_SEMICOL_MISSING: _AMPERSAND,
    _E.ERR_UNDECLARED_ENTITY: _AMPERSAND,
    _E.WAR_UNDECLARED_ENTITY: _AMPERSAND,
    _E.ERR_NAME_REQUIRED: _NAME,
    _E.ERR_GT_REQUIRED: _text(
        "en tagg som inte avslutas med > (är filen avkortad?)",
        "a tag that is not closed with > (is the file cut short?)",
    ),
    _E.ERR_LTSLASH_REQUIRED: _text("en sluttagg saknas", "an end tag is missing"),
    _E.ERR_TAG_NOT_FINISHED: _text(
        "filen tar slut innan alla element är avslutade (är filen avkortad?)",
        "the input ends before every element is closed (is the file cut short?)",
    ),
    _E.ERR_TAG_NAME_MISMATCH: _text(
        "en sluttagg som inte passar starttaggen", "an end tag that does not match its start tag"
    ),
    _E.ERR_RESERVED_XML_NAME: _text(
        "en XML-deklaration som inte står först i filen",
        "an XML declaration that is not at the start of the file",
    ),
    _E.ERR_ATTRIBUTE_NOT_STARTED: _ATTRIBUTE,
    _E.ERR_ATTRIBUTE_WITHOUT_VALUE: _ATTRIBUTE,
    _E.ERR_ATTRIBUTE_REDEFINED: _text(
        "samma attribut två gånger i en tagg", "the same attribute twice in one tag"
    ),
    _E.ERR_LT_IN_ATTRIBUTE: _ATTRIBUTE,
    _E.ERR_HYPHEN_IN_COMMENT: _COMMENT,
    _E.ERR_COMMENT_NOT_FINISHED: _COMMENT,
    _E.ERR_CDATA_NOT_FINISHED: _text(
        "en CDATA-sektion som inte avslutas", "a CDATA section that is not closed"
    ),
    _E.ERR_PI_NOT_FINISHED: _text(
        "en processinstruktion som inte avslutas", "a processing instruction that is not closed"
    ),
    _E.NS_ERR_UNDEFINED_NAMESPACE: _text(
        "ett namnrymdsprefix som inte är deklarerat", "a namespace prefix that is not declared"
    ),
    _E.ERR_XMLDECL_NOT_FINISHED: _DECLARATION,
    _E.ERR_XMLDECL_NOT_STARTED: _DECLARATION,
    _E.ERR_VERSION_MISSING: _DECLARATION,
    _E.ERR_SPACE_REQUIRED: _DECLARATION,
    _E.ERR_STRING_NOT_STARTED: _DECLARATION,
    _E.ERR_STRING_NOT_CLOSED: _DECLARATION,
}

_MISMATCH = re.compile(r"mismatch: (\S+) line (\d+) and ([^,\s]+)")
_NOT_FINISHED = re.compile(r"in tag (\S+) line (\d+)")


def xml_detail(code: int, message: str) -> Text:
    """The text of a libxml2 well-formedness error (``code``), never libxml2's ``message``;
    the element names and lines that the message gives are kept."""
    mismatch = _MISMATCH.search(message) if code == _E.ERR_TAG_NAME_MISMATCH else None
    if mismatch is not None:
        start, line, end = mismatch.groups()
        return _text(
            f"sluttaggen </{end}> passar inte starttaggen <{start}> på rad {line}",
            f"the end tag </{end}> does not match the start tag <{start}> on line {line}",
        )
    open_tag = _NOT_FINISHED.search(message) if code == _E.ERR_TAG_NOT_FINISHED else None
    if open_tag is not None:
        name, line = open_tag.groups()
        return _text(
            f"filen tar slut innan elementet <{name}> från rad {line} är avslutat "
            "(är filen avkortad?)",
            f"the input ends before the element <{name}> of line {line} is closed "
            "(is the file cut short?)",
        )
    return _XML_TEXTS.get(code, _BROKEN)


_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def declared_encoding(head: bytes) -> str | None:
    """The encoding named in the XML declaration at the start of ``head``, or None."""
    found = _DECLARED.match(head.removeprefix(b"\xef\xbb\xbf"))
    return found.group(1).decode("ascii") if found else None


def first_undecodable(chunks: Iterable[bytes], encoding: str) -> tuple[int, bytes] | None:
    """(offset, bytes) of the first bytes of ``chunks`` that are not ``encoding``; None when
    all are, or when Python does not know the encoding."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        return None
    consumed = 0
    for chunk in chunks:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            start = consumed - pending + exc.start
            return start, exc.object[exc.start : exc.end]
        consumed += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return consumed - len(exc.object) + exc.start, exc.object[exc.start : exc.end]
    return None


def encoding_detail(offset: int, found: bytes, encoding: str, declared: bool) -> Text:
    """The text of bytes at ``offset`` that are not in ``encoding`` (declared or the default)."""
    shown = " ".join(f"0x{byte:02X}" for byte in found[:4])
    name = encoding.upper()
    if declared:
        return _text(
            f"bytes {shown} vid byteoffset {offset} är inte {name}, den teckenkodning som "
            f"filen anger; spara filen som {name} eller ange dess verkliga kodning",
            f"the bytes {shown} at byte offset {offset} are not {name}, the encoding the file "
            f"declares; save the file as {name} or declare its real encoding",
        )
    return _text(
        f"bytes {shown} vid byteoffset {offset} är inte {name}, den teckenkodning som gäller "
        "när filen inte anger någon; spara filen som UTF-8 eller ange dess verkliga kodning",
        f"the bytes {shown} at byte offset {offset} are not {name}, the encoding that applies "
        "when the file declares none; save the file as UTF-8 or declare its real encoding",
    )


_JSON_TEXTS: dict[str, Text] = {
    "Expecting value": _text(
        "ett värde saknas eller är felskrivet", "a value is missing or malformed"
    ),
    "Expecting property name enclosed in double quotes": _text(
        "en nyckel ska stå inom dubbla citattecken (och inget kommatecken före })",
        "a key must be in double quotes (and no comma before })",
    ),
    "Expecting ',' delimiter": _text(
        "ett kommatecken saknas mellan två värden", "a comma is missing between two values"
    ),
    "Expecting ':' delimiter": _text(
        "ett kolon saknas efter en nyckel", "a colon is missing after a key"
    ),
    "Unterminated string starting at": _text(
        "en sträng som inte avslutas (är filen avkortad?)",
        "a string that is not closed (is the file cut short?)",
    ),
    "Invalid control character at": _text(
        "ett kontrolltecken i en sträng (skriv det som \\n, \\t eller \\u00XX)",
        "a control character in a string (write it as \\n, \\t or \\u00XX)",
    ),
    "Invalid \\escape": _text(
        "en ogiltig escape-sekvens efter \\ i en sträng",
        "an invalid escape sequence after \\ in a string",
    ),
    "Invalid \\uXXXX escape": _text(
        "en ogiltig \\uXXXX-sekvens i en sträng", "an invalid \\uXXXX sequence in a string"
    ),
    "Extra data": _text(
        "mer text efter JSON-dokumentets slut", "more text after the end of the JSON document"
    ),
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": _text(
        "ett extra byte order mark (BOM)", "an extra byte order mark (BOM)"
    ),
}
_JSON_BROKEN = _text("JSON-koden är felskriven här", "the JSON is malformed here")


def json_detail(message: str) -> Text:
    """The text of a ``json`` decoding error (its ``msg``), never the ``json`` words."""
    return _JSON_TEXTS.get(message, _JSON_BROKEN)
