"""Typed builders: short, valid reports; clear errors; mypy catches missing fields."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree

import sir_format
from sir_format import builders as b
from sir_format._xml import xml_schema
from sir_format.models import Ankomstvag, Kon, Personnummertyp, UtskrivenTill, Vardtyp


def ima_report() -> sir_format.SIRData:
    return b.report(
        b.header(
            hsa_id="SE2321000131-IM02",
            avdelningsnamn="IMA Medicin Exempelsjukhuset",
            system="ExempelJournal",
            version="2025.1",
            skapad=datetime(2025, 5, 20, 7, 30),
        ),
        b.episode(
            b.grunddata(
                personnummer="194809224464",
                vardtyp=Vardtyp.IMA,
                inskrivningstid=datetime(2025, 5, 12, 8, 15),
                utskrivningstid=datetime(2025, 5, 13, 15, 30),
                ankomstvag=Ankomstvag.AKUTMOTTAGNING,
                utskriven_till=UtskrivenTill.VARDAVDELNING,
            ),
            b.diagnoses("J44.1"),
            atgarder=b.actions(b.action("DG023", datetime(2025, 5, 12, 8, 40))),
        ),
    )


def test_builder_report_is_schema_valid_and_round_trips() -> None:
    report = ima_report()
    written = sir_format.to_xml(report)
    assert xml_schema().validate(etree.fromstring(written))
    assert sir_format.from_xml(written) == report


def test_derived_values() -> None:
    grunddata = ima_report().vardtillfalle[0].grunddata
    assert grunddata.fodelsedatum == date(1948, 9, 22)
    assert grunddata.kon is Kon.KVINNA
    samordning = b.grunddata(
        personnummer="194809824469",
        personnummertyp="Samordningsnummer",
        vardtyp="IMA",
        inskrivningstid=datetime(2025, 5, 12, 8, 15),
        utskrivningstid=datetime(2025, 5, 13, 15, 30),
        ankomstvag="Akutmottagning",
        utskriven_till="Vårdavdelning",
    )
    assert samordning.fodelsedatum == date(1948, 9, 22)
    assert samordning.personnummertyp is Personnummertyp.SAMORDNINGSNUMMER
    action = b.action("DG021", datetime(2024, 11, 3, 17, 10))
    assert (action.datum, action.klockslag) == (date(2024, 11, 3), "17:10")
    assert b.action("DG021", date(2024, 11, 3)).klockslag is None
    assert b.diagnoses("J80.9A", "f05.8").ovrig_diagnos == ["F058"]


def test_builder_errors_are_clear() -> None:
    with pytest.raises(sir_format.SirFormatError, match="not a Vardtyp token"):
        b.grunddata(
            personnummer="194809224464",
            vardtyp="ICU",
            inskrivningstid=datetime(2025, 5, 12, 8, 15),
            utskrivningstid=datetime(2025, 5, 13, 15, 30),
            ankomstvag="Akutmottagning",
            utskriven_till="Vårdavdelning",
        )
    with pytest.raises(sir_format.SirFormatError, match="cannot be derived"):
        b.grunddata(
            personnummer="RES123456",
            personnummertyp="Reservnummer",
            vardtyp="IMA",
            inskrivningstid=datetime(2025, 5, 12, 8, 15),
            utskrivningstid=datetime(2025, 5, 13, 15, 30),
            ankomstvag="Akutmottagning",
            utskriven_till="Vårdavdelning",
        )
    with pytest.raises(sir_format.SirFormatError, match="at least one episode"):
        b.report(ima_report().huvud)


MISSING_FIELD = """
from sir_format.models import Diagnoser
d = Diagnoser(ovrig_diagnos=["J960"])
"""

MISSING_BUILDER_ARG = """
from datetime import datetime
from sir_format import builders as b
g = b.grunddata(personnummer="194809224464", vardtyp="IMA",
                inskrivningstid=datetime(2025, 5, 12), utskrivningstid=datetime(2025, 5, 13),
                ankomstvag="Akutmottagning")
"""

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example() -> str:
    """The README's Python block that builds a report."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return next(block for block in blocks if "b.report(" in block)


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    target = tmp_path / "snippet.py"
    target.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_readme_example_is_short_and_builds_the_promised_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = readme_example()
    assert len([line for line in source.splitlines() if line.strip()]) <= 15
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(source, "README.md", "exec"), namespace)
    report = namespace["report"]
    assert isinstance(report, sir_format.SIRData)
    episode = report.vardtillfalle[0]
    assert episode.grunddata.vardtyp is Vardtyp.IMA
    assert episode.diagnoser.huvudsaklig_ivadiagnos == "J441"
    assert episode.atgarder is not None
    assert len(episode.atgarder.atgard) == 1
    assert sir_format.load(tmp_path / "ima-report.xml") == report


def test_typing_accepts_readme_example_and_rejects_missing_fields(tmp_path: Path) -> None:
    ok = _mypy(tmp_path, readme_example())
    assert ok.returncode == 0, ok.stdout
    missing = _mypy(tmp_path, MISSING_FIELD)
    assert missing.returncode != 0
    assert 'Missing named argument "huvudsaklig_ivadiagnos"' in missing.stdout
    builder = _mypy(tmp_path, MISSING_BUILDER_ARG)
    assert builder.returncode != 0
    assert 'Missing named argument "utskriven_till"' in builder.stdout
