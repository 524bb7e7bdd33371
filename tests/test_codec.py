"""Files, formats, async verbs, conversion and streaming."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

import sir_format
from sir_format import ParseError, SirFormatError

FIXTURES = Path(__file__).parent / "fixtures"


def test_detect_format() -> None:
    assert sir_format.detect_format(b"  <?xml version='1.0'?><a/>") == "xml"
    assert sir_format.detect_format(b'\xef\xbb\xbf {"Huvud": {}}') == "json"
    assert sir_format.detect_format("<SIRDataVer52/>") == "xml"
    with pytest.raises(ParseError, match="cannot tell the format"):
        sir_format.detect_format(b"Huvud: x")


def test_save_and_load_by_extension(tmp_path: Path) -> None:
    report = sir_format.load(FIXTURES / "file_a_iva.xml")
    sir_format.save(report, tmp_path / "a.xml")
    assert sir_format.load(tmp_path / "a.xml") == report
    assert (tmp_path / "a.xml").read_bytes() == sir_format.to_xml(report)


def test_load_detects_content_when_extension_is_unknown(tmp_path: Path) -> None:
    target = tmp_path / "report.dat"
    target.write_bytes((FIXTURES / "file_b_ima.xml").read_bytes())
    assert sir_format.load(target) == sir_format.load(FIXTURES / "file_b_ima.xml")


def test_save_needs_a_known_format(tmp_path: Path) -> None:
    report = sir_format.load(FIXTURES / "file_b_ima.xml")
    with pytest.raises(SirFormatError, match="cannot tell the format"):
        sir_format.save(report, tmp_path / "report.dat")
    sir_format.save(report, tmp_path / "report.dat", format="xml")
    assert sir_format.load(tmp_path / "report.dat", format="xml") == report
    assert not list(tmp_path.glob(".*.tmp"))


def test_failed_save_leaves_no_file(tmp_path: Path) -> None:
    report = sir_format.load(FIXTURES / "file_b_ima.xml")
    report.huvud.hsa_id = None  # type: ignore[assignment]
    with pytest.raises(sir_format.SerializeError):
        sir_format.save(report, tmp_path / "broken.xml")
    assert list(tmp_path.iterdir()) == []


def test_unreadable_path_raises_a_sir_format_error(tmp_path: Path) -> None:
    with pytest.raises(SirFormatError, match="cannot read"):
        sir_format.load(tmp_path / "missing.xml")


def test_async_verbs(tmp_path: Path) -> None:
    async def run() -> sir_format.SIRData:
        report = await sir_format.load_async(FIXTURES / "file_b_ima.xml")
        await sir_format.save_async(report, tmp_path / "b.xml")
        return await sir_format.load_async(tmp_path / "b.xml")

    assert asyncio.run(run()) == sir_format.load(FIXTURES / "file_b_ima.xml")


def test_xml_and_json_carry_the_same_report() -> None:
    for stem in ("file_a_iva", "file_b_ima"):
        from_xml = sir_format.load(FIXTURES / f"{stem}.xml")
        from_json = sir_format.load(FIXTURES / f"{stem}.json")
        assert from_xml == from_json


def test_convert_both_ways_is_lossless() -> None:
    xml = (FIXTURES / "file_a_iva.xml").read_bytes()
    json_bytes = sir_format.convert(xml, to="json")
    back = sir_format.convert(json_bytes, to="xml")
    assert sir_format.from_xml(back) == sir_format.from_xml(xml)
    assert back == sir_format.to_xml(sir_format.from_xml(xml))


def test_streaming_yields_the_same_episodes(tmp_path: Path) -> None:
    text = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    start = text.index("<Vårdtillfälle>")
    end = text.index("</Vårdtillfälle>") + len("</Vårdtillfälle>")
    episode = text[start:end]
    many = (
        text[:end]
        + "".join(episode.replace("VT-2024-01187", f"VT-{i}") for i in range(30))
        + text[end:]
    )
    path = tmp_path / "many.xml"
    path.write_text(many, encoding="utf-8")
    whole = sir_format.load(path)
    stream = sir_format.open_stream(path)
    assert stream.header == whole.huvud
    assert list(stream) == whole.vardtillfalle
    assert stream.count == 31
    assert list(sir_format.iter_episodes(io.BytesIO(many.encode()))) == whole.vardtillfalle


def test_streaming_reports_errors_with_lines(tmp_path: Path) -> None:
    text = (FIXTURES / "file_b_ima.xml").read_text(encoding="utf-8")
    path = tmp_path / "bad.xml"
    path.write_text(text.replace("<Kön>Kvinna</Kön>", "<Kön>X</Kön>"), encoding="utf-8")
    with pytest.raises(ParseError) as info:
        list(sir_format.iter_episodes(path))
    assert info.value.path == "Vårdtillfälle[1]/Grunddata/Kön"
    assert info.value.line == text[: text.index("<Kön>")].count("\n") + 1
    with pytest.raises(SirFormatError, match=r"(?i)no such file"):
        sir_format.open_stream(tmp_path / "missing.xml")
    path.write_text(text.replace("SIRDataVer52", "Rapport"), encoding="utf-8")
    with pytest.raises(sir_format.SchemaVersionError):
        sir_format.open_stream(path)


def test_saved_files_get_normal_permissions(tmp_path: Path) -> None:
    import os

    report = sir_format.load(FIXTURES / "file_b_ima.xml")
    umask = os.umask(0o022)
    try:
        sir_format.save(report, tmp_path / "new.xml")
        assert (tmp_path / "new.xml").stat().st_mode & 0o777 == 0o644
        (tmp_path / "new.xml").chmod(0o600)
        sir_format.save(report, tmp_path / "new.xml")
        assert (tmp_path / "new.xml").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)
