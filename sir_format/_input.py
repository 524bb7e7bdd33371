"""Input bytes: format detection, byte order marks, text to bytes, the extension map.

The one place that knows how an input announces its format; the reading pipeline
(:mod:`sir_format.validation._sources`) and the codec's :func:`~sir_format.detect_format` use it.
"""

from __future__ import annotations

import re

__all__ = [
    "BOM",
    "EXTENSIONS",
    "XSD_SPACE",
    "sniff",
    "text_to_bytes",
    "unicode_encoding",
    "wide_encoding",
]

BOM = b"\xef\xbb\xbf"
XSD_SPACE = " \t\n\r"
"""XML Schema's whitespace (no other Unicode space): what trimming and collapsing remove."""
EXTENSIONS = {".xml": "xml", ".json": "json"}
"""File name extension → format, for paths whose content is neither (content decides first)."""


def text_to_bytes(text: str) -> bytes:
    """Text as the bytes the readers take (UTF-8; a declared encoding no longer applies).

    A lone surrogate is kept as its (invalid) UTF-8 bytes, so that the reader reports it
    where it is instead of failing to encode the whole text.
    """
    raw = text.encode("utf-8", errors="surrogatepass")
    if raw.lstrip().startswith(b"<?xml"):
        # the text is already decoded: a declared encoding would contradict it
        raw = re.sub(rb"^(\s*<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']", rb"\1", raw, count=1)
    return raw


_UNICODE_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def unicode_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 (``"utf-16-le"``, ``"utf-32-be"``, …) by its byte order mark or, without
    one, by the zero bytes around the first character; None for anything else (UTF-8)."""
    bom = next((codec for bom, codec in _UNICODE_BOMS if head.startswith(bom)), None)
    return bom or wide_encoding(head)


def sniff(head: bytes) -> str | None:
    """``"xml"`` or ``"json"`` by the first significant character (after any BOM), or None.

    UTF-16 and UTF-32 are recognised by a byte order mark or, without one, by the zero bytes
    around the first character: XML may be in those encodings (the parser detects them); JSON
    must be UTF-8 and is then refused as such by the JSON reader.
    """
    codec = unicode_encoding(head)
    if codec is not None:
        usable = len(head) - len(head) % 4
        decoded = head[:usable].decode(codec, errors="ignore").lstrip("\ufeff \t\r\n")
        if decoded.startswith("<"):
            return "xml"
        return "json" if decoded[:1] in ("{", "[") else None
    text = head.removeprefix(BOM).lstrip()
    if text.startswith(b"<"):
        return "xml"
    if text.startswith((b"{", b"[")):
        return "json"
    return None


def wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, told by the zero bytes around an ASCII first character
    (RFC 4627, §3): ``"utf-16-le"`` and so on, or None."""
    first = head[:4]
    if len(first) < 4 or 0 not in first:
        return None
    zeros = (first[0] == 0, first[1] == 0, first[2] == 0, first[3] == 0)
    return {
        (True, True, True, False): "utf-32-be",
        (False, True, True, True): "utf-32-le",
        (True, False, True, False): "utf-16-be",
        (False, True, False, True): "utf-16-le",
    }.get(zeros)
