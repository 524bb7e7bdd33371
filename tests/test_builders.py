"""Typed builders: short, valid reports; clear errors; mypy catches missing fields."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from lxml import etree

import sir_format
from sir_format import builders as b
from sir_format._xml import xml_schema
from sir_format.models import (
    Ankomstvag,
    Forsystem,
    Kon,
    Personnummertyp,
    UtskrivenTill,
    Vardtyp,
    ViktOchLangd,
)


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

ICU_MODULES = """
from datetime import date, datetime
from decimal import Decimal
from sir_format import builders as b
from sir_format.models import JaNej, SAPS3Intagningsorsak

saps3 = b.saps3(
    vasoaktiva_droger=JaNej.NEJ,
    intagningsorsak=[SAPS3Intagningsorsak.RESPIRATORISK_SVIKT, "SeptiskChock"],
    nosokomial_infektion="Nej",
    respiratorisk_infektion="Ja",
    ventilator=JaNej.JA,
    pa_o2=Decimal("7.9"),
    fi_o2=60,
)
sofa = b.daglig_sofa(
    b.sofa_registrering(
        tidpunkt=datetime(2024, 11, 4, 9, 0), andningsstod="Ja", noradrenalin="LågDos",
        adrenalin="Ingen", dopamin="Ingen", dobutamin=JaNej.NEJ,
    )
)
weight = b.vikt_och_langd(b.daglig_vikt(datum=date(2024, 11, 4), vikt=Decimal("91.2")), langd=181)
"""

MISSING_MODULE_FIELD = """
from datetime import date
from sir_format import builders as b
day = b.nems_registrering(
    datum=date(2024, 11, 3), basmonitorering="Ja", intravenos_lakemedelsbehandling="Ja",
    mekanisk_ventilation="Ja", kompletterande_andningsstod="Nej",
    ett_vasoaktivt_lakemedel="Nej", flera_vasoaktiva_lakemedel="Nej",
    specifika_atgarder_pa_enheten="Nej", specifika_atgarder_utanfor_enheten="Nej",
)
"""

README = Path(__file__).resolve().parent.parent / "README.md"
FIXTURES_IMA = Path(__file__).resolve().parent / "fixtures" / "file_b_ima.xml"


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


def test_typing_accepts_module_builders_with_tokens_and_members(tmp_path: Path) -> None:
    ok = _mypy(tmp_path, ICU_MODULES)
    assert ok.returncode == 0, ok.stdout
    missing = _mypy(tmp_path, MISSING_MODULE_FIELD)
    assert missing.returncode == 1, missing.stdout
    assert 'Missing named argument "dialys" for "nems_registrering"' in missing.stdout


# --------------------------------------------------------------------------- the model classes
# The model classes are msgspec Structs. What the earlier keyword-only dataclasses gave users
# is kept: keyword construction, equality, repr, pattern matching by keyword
# (``__match_args__`` is ``()`` for both: keyword-only fields take no positional patterns),
# copy with changes, and conversion to builtins with the wire names.


def _weights() -> ViktOchLangd:
    return ViktOchLangd(langd=181, vikt_vid_ankomst=Decimal("92.5"))


def test_models_are_built_by_keyword_only() -> None:
    weights = _weights()
    assert weights.langd == 181
    assert weights.vikt_vid_ankomst == Decimal("92.5")
    assert weights.daglig_vikt == []  # defaults are fresh per instance
    assert weights.daglig_vikt is not ViktOchLangd().daglig_vikt
    with pytest.raises(TypeError, match="positional"):
        ViktOchLangd(181)  # type: ignore[misc]
    with pytest.raises(TypeError, match="Unexpected keyword argument 'vikt'"):
        ViktOchLangd(vikt=Decimal(1))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="Missing required argument 'version'"):
        Forsystem(namn="PDMS")  # type: ignore[call-arg]


def test_models_compare_by_value_and_are_not_hashable() -> None:
    assert _weights() == _weights()
    assert _weights() != ViktOchLangd(langd=180, vikt_vid_ankomst=Decimal("92.5"))
    assert _weights() != Forsystem(namn="x", version="1")
    with pytest.raises(TypeError, match="unhashable"):
        hash(_weights())


def test_model_repr_names_every_field_by_its_python_name() -> None:
    assert repr(Forsystem(namn="PDMS", version="4.2")) == (
        "Forsystem(namn='PDMS', version='4.2', leverantor=None)"
    )


def test_match_args_are_empty_and_keyword_patterns_match() -> None:
    assert ViktOchLangd.__match_args__ == ()
    assert Forsystem.__match_args__ == ()
    match _weights():
        case ViktOchLangd(langd=181, vikt_vid_ankomst=weight):
            assert weight == Decimal("92.5")
        case _:
            pytest.fail("the keyword pattern did not match")


def test_copy_with_changes() -> None:
    weights = _weights()
    changed = msgspec.structs.replace(weights, langd=180)
    assert changed.langd == 180
    assert changed.vikt_vid_ankomst == weights.vikt_vid_ankomst
    assert weights.langd == 181  # the original is unchanged
    with pytest.raises(TypeError):
        msgspec.structs.replace(weights, vikt=Decimal(1))


def test_to_builtins_uses_the_wire_names_and_omits_absent_values() -> None:
    assert msgspec.to_builtins(_weights()) == {"Längd": 181, "ViktVidAnkomst": "92.5"}
    header = sir_format.from_xml(FIXTURES_IMA.read_bytes()).huvud
    assert msgspec.to_builtins(header) == {
        "Formatversion": "5.2",
        "HsaId": "SE2321000131-IM02",
        "Avdelningsnamn": "IMA Medicin Exempelsjukhuset",
        "Skapad": "2025-05-20T07:30:00",
        "Försystem": {"Namn": "ExempelJournal", "Version": "2025.1"},
    }


MODEL_OK = """
from datetime import datetime
from decimal import Decimal
import msgspec
from sir_format.models import Forsystem, Formatversion, Huvud, ViktOchLangd

weights = ViktOchLangd(langd=181, vikt_vid_ankomst=Decimal("1.5"))
header = Huvud(
    formatversion=Formatversion.VALUE_5_2,
    hsa_id="SE2321000016-7Q4T",
    avdelningsnamn="IVA",
    skapad=datetime(2024, 11, 10, 8, 0),
    forsystem=Forsystem(namn="PDMS", version="4.2"),
)
lighter: ViktOchLangd = msgspec.structs.replace(weights, vikt_vid_ankomst=Decimal("1.4"))
kilos: Decimal | None = lighter.vikt_vid_ankomst
"""

MODEL_ERRORS = {
    "missing required field": 'from sir_format.models import Forsystem\nForsystem(namn="PDMS")\n',
    "unknown keyword": (
        'from sir_format.models import Forsystem\nForsystem(namn="P", version="1", vendor="x")\n'
    ),
    "str for a Decimal field": (
        'from sir_format.models import ViktOchLangd\nViktOchLangd(vikt_vid_ankomst="1.5")\n'
    ),
    "positional argument": "from sir_format.models import ViktOchLangd\nViktOchLangd(181)\n",
}

# What each checker says for each snippet (a part of its message).
MYPY_SAYS = {
    "missing required field": 'Missing named argument "version"',
    "unknown keyword": 'Unexpected keyword argument "vendor"',
    "str for a Decimal field": 'has incompatible type "str"; expected "Decimal | None"',
    "positional argument": "Too many positional arguments",
}
PYRIGHT_SAYS = {
    "missing required field": 'Argument missing for parameter "version"',
    "unknown keyword": 'No parameter named "vendor"',
    "str for a Decimal field": 'cannot be assigned to parameter "vikt_vid_ankomst"',
    "positional argument": "Expected 0 positional arguments",
}


def _pyright(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    target = tmp_path / "snippet.py"
    target.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, str(target)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy_accepts_valid_model_code(tmp_path: Path) -> None:
    ok = _mypy(tmp_path, MODEL_OK)
    assert ok.returncode == 0, ok.stdout


@pytest.mark.parametrize("case", sorted(MODEL_ERRORS))
def test_mypy_reports_misuse_of_the_model(tmp_path: Path, case: str) -> None:
    result = _mypy(tmp_path, MODEL_ERRORS[case])
    assert result.returncode == 1, result.stdout
    assert MYPY_SAYS[case] in result.stdout


def test_pyright_accepts_valid_model_code(tmp_path: Path) -> None:
    ok = _pyright(tmp_path, MODEL_OK)
    assert ok.returncode == 0, ok.stdout


@pytest.mark.parametrize("case", sorted(MODEL_ERRORS))
def test_pyright_reports_misuse_of_the_model(tmp_path: Path, case: str) -> None:
    result = _pyright(tmp_path, MODEL_ERRORS[case])
    assert result.returncode == 1, result.stdout
    assert PYRIGHT_SAYS[case] in result.stdout
