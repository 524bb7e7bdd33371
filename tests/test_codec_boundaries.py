"""The codec's limits at their boundaries, and the streaming reader's error paths.

``Limits.max_episodes`` (default: the schema's 5,000) and ``Limits.max_bytes``: exactly the
limit is accepted and one more is refused, by every reading verb, whole-file and streaming,
XML and JSON. Files are built by repeating the bytes of one small episode (the bundled IVA
example without its optional elements), one episode a line, so the largest file here reads in
a fraction of a second. Sizes are reached by padding with whitespace after the document: after
the root's end tag in XML (``Misc``) and after the closing brace in JSON, where both formats
allow it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import sir_format
import sir_format.validation._json_source as json_source
from sir_format import Codec, InputTooLargeError, Limits, ParseError
from sir_format.metadata import Kind, model_info

EPISODE = "Vårdtillfälle"


# --------------------------------------------------------------------------- building files
def _required_only(obj: Any) -> None:
    """Drop the optional elements of a model object, in place."""
    for f in model_info(type(obj)).fields:
        value = getattr(obj, f.py_name)
        if not f.required:
            setattr(obj, f.py_name, [] if f.is_list else None)
        elif f.kind is Kind.COMPLEX:
            for item in value if f.is_list else [value]:
                _required_only(item)


def _parts() -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """XML head (declaration, root, header: lines 1-3), one episode line, XML end; and the
    JSON text before the episodes and one episode, both compact. The XML declaration names no
    encoding, so that text and bytes have the same size (a reader drops a declared encoding
    from text, which is already decoded)."""
    data = resources.files("sir_format").joinpath("examples", "iva.xml").read_bytes()
    report = sir_format.from_xml(data)
    _required_only(report.vardtillfalle[0])
    report.vardtillfalle = report.vardtillfalle[:1]
    xml = re.sub(rb">\s+<", b"><", sir_format.to_xml(report))
    header = xml.index(b"<Huvud>")
    episode = xml.index(f"<{EPISODE}>".encode())
    end = xml.rindex(b"</SIRDataVer52>")
    head = b'<?xml version="1.0"?>\n<SIRDataVer52>\n' + xml[header:episode]
    json = sir_format.to_json(report)
    start = json.index(b"[", json.index(EPISODE.encode())) + 1
    assert json.endswith(b"]}")
    return (
        head + b"\n",
        xml[episode:end] + b"\n",
        b"</SIRDataVer52>\n",
        json[:start],
        json[start:-2],
    )


XML_HEAD, XML_EPISODE, XML_END, JSON_HEAD, JSON_EPISODE = _parts()


def xml_file(episodes: int) -> bytes:
    """A valid report; episode k (1-based) is on line 3 + k."""
    return XML_HEAD + XML_EPISODE * episodes + XML_END


def json_file(episodes: int) -> bytes:
    return JSON_HEAD + b",".join([JSON_EPISODE] * episodes) + b"]}"


BUILD: dict[str, Callable[[int], bytes]] = {"xml": xml_file, "json": json_file}


def padded(data: bytes, size: int) -> bytes:
    """``data`` with whitespace after the document, to exactly ``size`` bytes."""
    assert size >= len(data)
    return data + b" " * (size - len(data) - 1) + b"\n" if size > len(data) else data


def test_the_files_are_valid_and_small() -> None:
    assert sir_format.validate(xml_file(2), profile="schema").findings == ()
    assert sir_format.validate(json_file(2), profile="schema").findings == ()
    assert len(XML_EPISODE) < 600
    assert len(JSON_EPISODE) < 600
    assert xml_file(3).splitlines()[5].startswith(f"<{EPISODE}>".encode())
    assert sir_format.from_xml(xml_file(3)) == sir_format.from_json(json_file(3))


# --------------------------------------------------------------------------- readers
Reader = Callable[[Codec, bytes, Path], int]  # the number of episodes read


def _stream(codec: Codec, source: Any) -> int:
    count = 0
    for _ in codec.iter_episodes(source):
        count += 1
    return count


def _read_stream(
    episodes: Callable[[Any], Iterator[Any]], source: Any
) -> tuple[int, Exception | None]:
    """The number of episodes handed out, and the exception that ended the stream."""
    seen = 0
    try:
        for _ in episodes(source):
            seen += 1
    except Exception as exc:
        return seen, exc
    return seen, None


def _file(tmp_path: Path, data: bytes, suffix: str) -> Path:
    path = tmp_path / f"rapport{suffix}"
    path.write_bytes(data)
    return path


def whole_file_readers(fmt: str) -> dict[str, Reader]:
    parse = Codec.from_xml if fmt == "xml" else Codec.from_json
    return {
        "bytes": lambda codec, data, _: len(parse(codec, data).vardtillfalle),
        "text": lambda codec, data, _: len(parse(codec, data.decode()).vardtillfalle),
        "loads": lambda codec, data, _: len(codec.loads(data).vardtillfalle),
        "load": lambda codec, data, tmp: len(
            codec.load(_file(tmp, data, f".{fmt}")).vardtillfalle
        ),
        "load-unnamed": lambda codec, data, tmp: len(
            codec.load(_file(tmp, data, "")).vardtillfalle
        ),
    }


def streaming_readers(fmt: str) -> dict[str, Reader]:
    return {
        "iter-path": lambda codec, data, tmp: _stream(codec, _file(tmp, data, f".{fmt}")),
        "iter-file-object": lambda codec, data, _: _stream(codec, io.BytesIO(data)),
    }


READERS = [
    pytest.param(fmt, name, read, id=f"{fmt}-{name}")
    for fmt in ("xml", "json")
    for name, read in {**whole_file_readers(fmt), **streaming_readers(fmt)}.items()
]
WHOLE = [
    pytest.param(fmt, name, read, id=f"{fmt}-{name}")
    for fmt in ("xml", "json")
    for name, read in whole_file_readers(fmt).items()
]
STREAMING = [
    pytest.param(fmt, name, read, id=f"{fmt}-{name}")
    for fmt in ("xml", "json")
    for name, read in streaming_readers(fmt).items()
]


def json_column(episode: int) -> int:
    """The column (1-based, in characters) where episode ``episode`` (0-based) of a
    :func:`json_file` starts: the file is one line."""
    return len(JSON_HEAD.decode()) + episode * (len(JSON_EPISODE.decode()) + 1) + 1


def episode_limit_error(fmt: str, limit: int) -> str:
    place = f"line {3 + limit + 1}" if fmt == "xml" else f"line 1, column {json_column(limit)}"
    where = f"{EPISODE}[{limit + 1}]; {place}"
    return f"SIR-X014: Element {EPISODE} occurs too often (at most {limit} allowed). (at {where})"


def check_episode_limit(error: ParseError, fmt: str, limit: int) -> None:
    assert type(error) is ParseError
    assert error.code == "SIR-X014"
    assert error.path == f"{EPISODE}[{limit + 1}]"
    assert error.line == (3 + limit + 1 if fmt == "xml" else 1)
    assert error.column == (None if fmt == "xml" else json_column(limit))
    assert str(error) == episode_limit_error(fmt, limit)


# --------------------------------------------------------------------------- max_episodes
@pytest.mark.parametrize("limit", [1, 3])
@pytest.mark.parametrize(("fmt", "name", "read"), READERS)
def test_exactly_max_episodes_is_accepted_and_one_more_refused(
    fmt: str, name: str, read: Reader, limit: int, tmp_path: Path
) -> None:
    codec = Codec(Limits(max_episodes=limit))
    assert read(codec, BUILD[fmt](limit), tmp_path) == limit
    with pytest.raises(ParseError) as caught:
        read(codec, BUILD[fmt](limit + 1), tmp_path)
    check_episode_limit(caught.value, fmt, limit)


@pytest.mark.parametrize("limit", [1, 3])
def test_json_at_the_limit_is_read_by_the_fast_path(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the careful path gives the same answer, a little later: only its absence tells
    def careful(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the fast path declined a report within the episode limit")

    monkeypatch.setattr(json_source, "json_items", careful)
    limits = Limits(max_episodes=limit)
    data = json_file(limit)
    assert len(Codec(limits).from_json(data).vardtillfalle) == limit
    assert sum(1 for _ in Codec(limits).iter_episodes(io.BytesIO(data))) == limit
    assert sir_format.validate(data, profile="schema", limits=limits).findings == ()
    with pytest.raises(AssertionError, match="fast path declined"):
        Codec(limits).from_json(json_file(limit + 1))


@pytest.mark.parametrize(("fmt", "name", "read"), STREAMING)
def test_the_stream_hands_out_every_episode_before_the_limit(
    fmt: str, name: str, read: Reader, tmp_path: Path
) -> None:
    source: Any = _file(tmp_path, BUILD[fmt](4), f".{fmt}") if "path" in name else None
    seen, error = _read_stream(
        Codec(Limits(max_episodes=3)).iter_episodes, source or io.BytesIO(BUILD[fmt](4))
    )
    assert isinstance(error, ParseError)
    check_episode_limit(error, fmt, 3)
    assert seen == 3


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("source", ["bytes", "path"])
def test_validate_stops_at_the_episode_limit(fmt: str, source: str, tmp_path: Path) -> None:
    limits = Limits(max_episodes=2)

    def findings(episodes: int) -> list[tuple[str, str, int | None, int | None]]:
        data = BUILD[fmt](episodes)
        given: Any = data if source == "bytes" else _file(tmp_path, data, f".{fmt}")
        report = sir_format.validate(given, profile="schema", limits=limits)
        return [(f.code, f.path, f.line, f.column) for f in report.findings]

    assert findings(2) == []
    place = (3 + 3, None) if fmt == "xml" else (1, json_column(2))
    assert findings(3) == [("SIR-X014", f"{EPISODE}[3]", *place)]


def test_the_default_limit_is_the_schema_maximum_of_5000() -> None:
    assert Limits().episode_limit() == 5000
    assert model_info(sir_format.SIRData).by_py["vardtillfalle"].max_occurs == 5000
    assert Limits(max_episodes=None).episode_limit() is None
    assert Limits(max_episodes=0).episode_limit() == 0


@pytest.fixture(scope="module")
def default_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("default")
    files = {}
    for fmt in ("xml", "json"):
        for count in (5000, 5001):
            files[f"{fmt}{count}"] = _file(folder, BUILD[fmt](count), f"{count}.{fmt}")
    return files


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_default_limit_whole_file(fmt: str, default_files: dict[str, Path]) -> None:
    read = sir_format.from_xml if fmt == "xml" else sir_format.from_json
    assert len(read(default_files[f"{fmt}5000"].read_bytes()).vardtillfalle) == 5000
    with pytest.raises(ParseError) as caught:
        read(default_files[f"{fmt}5001"].read_bytes())
    check_episode_limit(caught.value, fmt, 5000)


def test_the_default_limit_streaming(default_files: dict[str, Path]) -> None:
    # XML only: JSON streams through the same ReportStream and the same reading as from_json,
    # whose default limit is tested above (and a refused JSON file costs a careful read).
    assert _read_stream(sir_format.iter_episodes, default_files["xml5000"]) == (5000, None)
    seen, error = _read_stream(sir_format.iter_episodes, default_files["xml5001"])
    assert isinstance(error, ParseError)
    check_episode_limit(error, "xml", 5000)
    assert seen == 5000


def test_no_episode_limit_reads_past_5000(default_files: dict[str, Path]) -> None:
    codec = Codec(Limits(max_episodes=None))
    assert sum(1 for _ in codec.iter_episodes(default_files["xml5001"])) == 5001


# --------------------------------------------------------------------------- max_bytes
def size_error(size: int, limit: int) -> str:
    return f"SIR-X003: The input is {size} bytes, above the limit of {limit} bytes."


@pytest.mark.parametrize(("fmt", "name", "read"), WHOLE)
def test_exactly_max_bytes_is_accepted_and_one_more_refused(
    fmt: str, name: str, read: Reader, tmp_path: Path
) -> None:
    data = BUILD[fmt](2)
    limit = len(data) + 10
    codec = Codec(Limits(max_bytes=limit))
    assert read(codec, padded(data, limit), tmp_path) == 2
    with pytest.raises(InputTooLargeError) as caught:
        read(codec, padded(data, limit + 1), tmp_path)
    error = caught.value
    assert (error.code, error.path, error.line) == ("SIR-X003", None, None)
    assert str(error) == size_error(limit + 1, limit)


@pytest.mark.parametrize(("fmt", "name", "read"), STREAMING)
def test_streaming_ignores_max_bytes(fmt: str, name: str, read: Reader, tmp_path: Path) -> None:
    data = BUILD[fmt](2)
    codec = Codec(Limits(max_bytes=len(data) - 1))
    assert read(codec, data, tmp_path) == 2


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("source", ["bytes", "path"])
def test_validate_refuses_one_byte_over_max_bytes(fmt: str, source: str, tmp_path: Path) -> None:
    data = BUILD[fmt](1)

    def findings(limit: int) -> list[tuple[str, str]]:
        given: Any = data if source == "bytes" else _file(tmp_path, data, f".{fmt}")
        report = sir_format.validate(given, profile="schema", limits=Limits(max_bytes=limit))
        return [(f.code, f.message("en")) for f in report.findings]

    assert findings(len(data)) == []
    message = size_error(len(data), len(data) - 1).removeprefix("SIR-X003: ")
    assert findings(len(data) - 1) == [("SIR-X003", message)]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_size_of_text_is_counted_in_utf8_bytes(fmt: str) -> None:
    data = BUILD[fmt](1)
    text = data.decode()
    assert len(text) < len(data) - 1  # the example holds letters of two bytes (å, ä, ö)
    assert Codec(Limits(max_bytes=len(data))).loads(text)
    with pytest.raises(InputTooLargeError) as caught:
        Codec(Limits(max_bytes=len(data) - 1)).loads(text)
    assert str(caught.value) == size_error(len(data), len(data) - 1)


def test_no_size_limit() -> None:
    data = padded(xml_file(1), 300_000)
    assert Codec(Limits(max_bytes=None)).from_xml(data)
    with pytest.raises(InputTooLargeError):
        Codec(Limits(max_bytes=299_999)).from_xml(data)


# --------------------------------------------------------------------------- streaming errors
def _doc(*parts: bytes) -> bytes:
    return b"".join(parts)


DECLARATION_AND_ROOT = b'<?xml version="1.0"?>\n<SIRDataVer52>\n'
HEADER_LINE = XML_HEAD.removeprefix(DECLARATION_AND_ROOT)
BROKEN_EPISODE = XML_EPISODE.replace("</Kön>".encode(), b"</Kon>")
BROKEN_TO_THE_TAG = BROKEN_EPISODE[: BROKEN_EPISODE.index(b"</Kon>") + len(b"</Kon>")]
CUT = XML_EPISODE[:100]


def column_after(text: bytes) -> int:
    """libxml2's column for an error at the end of ``text`` (a line): 1-based, in characters."""
    return len(text.decode()) + 1


UNKNOWN = "<Okänt/>\n".encode()

# name: (document, where it is raised ("open" or after n episodes), message)
STREAM_ERRORS: dict[str, tuple[bytes, str | int, str]] = {
    "unexpected-element-between-episodes": (
        _doc(XML_HEAD, XML_EPISODE, UNKNOWN, XML_EPISODE, XML_END),
        1,
        "SIR-X011: Element Okänt is not allowed here (expected: Vårdtillfälle). "
        "(at Okänt; line 5)",
    ),
    "unexpected-element-after-the-episodes": (
        _doc(XML_HEAD, XML_EPISODE, XML_EPISODE, UNKNOWN, XML_END),
        2,
        "SIR-X011: Element Okänt is not allowed here (expected: Vårdtillfälle). "
        "(at Okänt; line 6)",
    ),
    "unexpected-element-before-the-header": (
        _doc(DECLARATION_AND_ROOT, UNKNOWN, HEADER_LINE, XML_EPISODE, XML_END),
        "open",
        "SIR-X011: Element Okänt is not allowed here (expected: Huvud). (at Okänt; line 3)",
    ),
    "syntax-error-mid-file": (
        _doc(XML_HEAD, XML_EPISODE, BROKEN_EPISODE, XML_EPISODE, XML_END),
        1,
        "SIR-X001: The XML is not well-formed: the end tag </Kon> does not match the start "
        f"tag <Kön> on line 5. (at line 5, column {column_after(BROKEN_TO_THE_TAG)})",
    ),
    "cut-off-mid-file": (
        _doc(XML_HEAD, XML_EPISODE, CUT),
        1,
        "SIR-X001: The XML is not well-formed: the input ends before the element "
        "<Personnummer> of line 5 is closed (is the file cut short?). "
        f"(at line 5, column {column_after(CUT)})",
    ),
    "no-header": (
        _doc(DECLARATION_AND_ROOT, XML_EPISODE, XML_EPISODE, XML_END),
        "open",
        "SIR-X012: Mandatory element Huvud is missing. (at Huvud; line 3)",
    ),
    "no-episodes": (
        _doc(XML_HEAD, XML_END),
        0,
        "SIR-X012: Mandatory element Vårdtillfälle is missing. (at Vårdtillfälle)",
    ),
    "empty": (b"", "open", "SIR-X007: The input is empty."),
    "blank": (b" \n\t\n", "open", "SIR-X007: The input is empty."),
}


def _raised(source: Any) -> tuple[str | int, ParseError]:
    """Where reading ``source`` as a stream fails ("open" or after n episodes), and how."""
    try:
        stream = sir_format.open_stream(source)
    except ParseError as exc:
        return "open", exc
    count = 0
    try:
        for _ in stream:
            count += 1
    except ParseError as exc:
        return count, exc
    raise AssertionError("the stream read to its end")


@pytest.mark.parametrize("source", ["path", "file-object"])
@pytest.mark.parametrize("case", list(STREAM_ERRORS))
def test_streaming_error_paths(case: str, source: str, tmp_path: Path) -> None:
    data, where, message = STREAM_ERRORS[case]
    given: Any = _file(tmp_path, data, ".xml") if source == "path" else io.BytesIO(data)
    raised_at, error = _raised(given)
    assert type(error) is ParseError
    assert str(error) == message
    assert error.code == message.split(":")[0]
    assert error.finding is not None
    assert (error.path, error.line) == (error.finding.path or None, error.finding.line)
    if source == "path" or isinstance(where, str) or error.code != "SIR-X001":
        assert raised_at == where
    else:  # a file object is read whole: its syntax errors come before any episode
        assert raised_at == "open"


@pytest.mark.parametrize("case", list(STREAM_ERRORS))
def test_whole_file_reading_fails_the_same_way(case: str, tmp_path: Path) -> None:
    data, _, message = STREAM_ERRORS[case]
    for read in (
        lambda: sir_format.from_xml(data),
        lambda: sir_format.load(_file(tmp_path, data, ".xml")),
    ):
        with pytest.raises(ParseError) as caught:
            read()
        assert str(caught.value) == message
    first = sir_format.validate(_file(tmp_path, data, ".xml"), profile="schema").findings[0]
    assert f"{first.code}: {first.message('en')}" == message.split(" (at ")[0]
