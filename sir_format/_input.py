"""Input bytes: format detection, byte order marks, text to bytes, the extension map.

The one place that knows how an input announces its format; the reading pipeline
(:mod:`sir_format.validation._sources`) and the codec's :func:`~sir_format.detect_format` use it.
"""

from __future__ import annotations

import re

__all__ = ["BOM", "EXTENSIONS", "sniff", "text_to_bytes"]

BOM = b"\xef\xbb\xbf"
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


def sniff(head: bytes) -> str | None:
    """``"xml"`` or ``"json"`` by the first significant character (after any BOM), or None.

    A UTF-16 or UTF-32 byte order mark is honoured: XML may be in those encodings (the parser
    reads the BOM); JSON must be UTF-8 and is then reported as such by the JSON reader.
    """
    for bom, codec in _UNICODE_BOMS:
        if head.startswith(bom):
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
