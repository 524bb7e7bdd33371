"""Texts of our own in Swedish and English where a dependency's English used to show through.

SIR-X060 (a model value that cannot be written) gives its reason from the catalog in both
languages; a ``sir-enhet.toml`` that is not TOML says so with the line and column, through the
API and the command line, never with the TOML parser's text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from sir_format import UnitDeclarationError, from_xml, validate
from sir_format._xml import WRITE_PROBLEMS
from sir_format.cli import main
from sir_format.errors import InvalidUnitDeclarationError
from sir_format.models import SIRData
from sir_format.unit import UnitDeclaration
from sir_format.validation.catalog import get_rule

EXAMPLES = files("sir_format") / "examples"
IVA = (EXAMPLES / "iva.xml").read_bytes()
IMA_XML = (EXAMPLES / "ima.xml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- SIR-X060


def _set(change: Callable[[SIRData], None]) -> SIRData:
    report = from_xml(IVA)
    change(report)
    return report


def _grunddata(name: str, value: Any) -> Callable[[SIRData], None]:
    return lambda report: setattr(report.vardtillfalle[0].grunddata, name, value)


def _saps3(name: str, value: Any) -> Callable[[SIRData], None]:
    return lambda report: setattr(report.vardtillfalle[0].saps3, name, value)


START = datetime(2024, 11, 3, 16, 40)
G = "Vårdtillfälle[1]/Grunddata"
S = "Vårdtillfälle[1]/SAPS3"

UNWRITABLE: dict[str, tuple[Callable[[SIRData], None], str, str, str]] = {
    "wrong type": (
        _grunddata("kon", 1),
        f"{G}/Kön",
        "Kön: värdet kan inte skrivas: förväntade Kon, fick int.",
        "Kön: the value cannot be written: expected Kon, got int.",
    ),
    "two types": (
        _saps3("p_hlagst", "7.28"),
        f"{S}/pHLägst",
        "pHLägst: värdet kan inte skrivas: förväntade Decimal eller int, fick str.",
        "pHLägst: the value cannot be written: expected Decimal or int, got str.",
    ),
    "control character": (
        _grunddata("postnummer", "118\x02"),
        f"{G}/Postnummer",
        "Postnummer: värdet kan inte skrivas: texten innehåller U+0002, ett tecken som XML 1.0"
        " inte kan återge.",
        "Postnummer: the value cannot be written: text holds U+0002, a character XML 1.0 cannot"
        " represent.",
    ),
    "lone surrogate": (
        _grunddata("postnummer", "118\ud800"),
        f"{G}/Postnummer",
        "Postnummer: värdet kan inte skrivas: texten innehåller ett ensamt surrogattecken, som"
        " UTF-8 inte kan koda.",
        "Postnummer: the value cannot be written: text holds a lone surrogate, which UTF-8"
        " cannot encode.",
    ),
    "not finite": (
        _saps3("p_hlagst", Decimal("NaN")),
        f"{S}/pHLägst",
        "pHLägst: värdet kan inte skrivas: ett decimaltal måste vara ändligt (inte NaN eller"
        " Infinity).",
        "pHLägst: the value cannot be written: a decimal must be finite (not NaN or Infinity).",
    ),
    "time zone": (
        _grunddata("inskrivningstid", START.replace(tzinfo=UTC)),
        f"{G}/Inskrivningstid",
        "Inskrivningstid: värdet kan inte skrivas: en lokal tid har ingen tidszon (naiv"
        " datetime).",
        "Inskrivningstid: the value cannot be written: a local time has no time zone (naive"
        " datetime).",
    ),
    "fraction": (
        _grunddata("inskrivningstid", START.replace(microsecond=5)),
        f"{G}/Inskrivningstid",
        "Inskrivningstid: värdet kan inte skrivas: en lokal tid har hela sekunder (inga"
        " bråkdelar).",
        "Inskrivningstid: the value cannot be written: a local time has whole seconds (no"
        " fraction).",
    ),
    "missing": (
        _grunddata("kon", None),
        f"{G}/Kön",
        "Kön: värdet kan inte skrivas: ett obligatoriskt värde saknas (None).",
        "Kön: the value cannot be written: a required value is missing (None).",
    ),
    "not a list": (
        _saps3("intagningsorsak", ()),
        f"{S}/Intagningsorsak",
        "Intagningsorsak: värdet kan inte skrivas: förväntade en lista, fick tuple.",
        "Intagningsorsak: the value cannot be written: expected a list, got tuple.",
    ),
    "empty list": (
        _saps3("intagningsorsak", []),
        f"{S}/Intagningsorsak",
        "Intagningsorsak: värdet kan inte skrivas: en obligatorisk lista är tom.",
        "Intagningsorsak: the value cannot be written: a required list is empty.",
    ),
}


@pytest.mark.parametrize("case", UNWRITABLE)
def test_sir_x060_says_why_in_swedish_and_english(case: str) -> None:
    change, path, sv, en = UNWRITABLE[case]
    (finding,) = validate(_set(change), profile="schema").findings
    assert (finding.code, finding.path) == ("SIR-X060", path)
    assert finding.message("sv") == sv
    assert finding.message("en") == en
    rendered = validate(_set(change), profile="schema").render("sv")
    assert sv in rendered


def test_every_reason_of_the_writer_has_a_catalog_text_with_its_english_words() -> None:
    texts = get_rule("SIR-X060").texts
    assert set(texts) == set(WRITE_PROBLEMS)
    for key, english in WRITE_PROBLEMS.items():
        assert texts[key].en == english
        assert texts[key].sv != english


# --------------------------------------------------------------------------- sir-enhet.toml

NOT_TOML = 'format = "sir_format.enhet/1"\n[enhet]\nhsa_id = SE1\n'
NOT_TOML_AT = (3, len("hsa_id = ") + 1)


def test_loads_of_text_that_is_not_toml_names_line_and_column_in_both_languages() -> None:
    with pytest.raises(UnitDeclarationError) as info:
        UnitDeclaration.loads(NOT_TOML)
    error = info.value
    assert not isinstance(error, InvalidUnitDeclarationError)
    assert (error.line, error.column) == NOT_TOML_AT
    assert str(error) == "unit declaration is not valid TOML (at line 3, column 10)"
    assert error.finding is not None
    assert error.finding.code == "SIR-R206"
    assert error.finding.message("sv") == (
        "Enhetens deklaration är ogiltig: inte giltig TOML: felet finns på rad 3, kolumn 10."
    )
    assert error.finding.message("en") == (
        "Unit declaration is invalid: not valid TOML: the error is at line 3, column 10."
    )


def test_load_of_a_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sir-enhet.toml"
    path.write_text(NOT_TOML, encoding="utf-8")
    for load in (UnitDeclaration.load, lambda p: validate(IMA_XML, unit=p)):
        with pytest.raises(UnitDeclarationError) as info:
            load(path)
        error = info.value
        assert str(error) == f"unit declaration {path} is not valid TOML (at line 3, column 10)"
        assert error.finding is not None
        assert error.finding.message("sv") == (
            f"Enhetens deklaration är ogiltig: {path}: inte giltig TOML: felet finns på rad 3,"
            " kolumn 10."
        )
        assert "Invalid value" not in error.finding.message("en")


def test_an_error_at_the_end_of_the_text_is_placed_after_its_last_character() -> None:
    # tomllib says only "(at end of document)" here
    with pytest.raises(UnitDeclarationError) as info:
        UnitDeclaration.loads('format = "sir_format.enhet/1"\n[enhet]\nhsa_id = "SE1')
    assert (info.value.line, info.value.column) == (3, len('hsa_id = "SE1') + 1)
    assert info.value.finding is not None
    assert info.value.finding.message("en") == (
        "Unit declaration is invalid: not valid TOML: the error is at line 3, column 14."
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "sv",
            "sir-format: fel: SIR-R206: Enhetens deklaration är ogiltig: {path}: inte giltig TOML:"
            " felet finns på rad 3, kolumn 10.\n",
        ),
        (
            "en",
            "sir-format: error: SIR-R206: Unit declaration is invalid: {path}: not valid TOML:"
            " the error is at line 3, column 10.\n",
        ),
    ],
)
def test_cli_a_declaration_that_is_not_toml_in_both_languages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)
    Path("sir-enhet.toml").write_text(NOT_TOML, encoding="utf-8")
    Path("ima.xml").write_text(IMA_XML, encoding="utf-8")
    # found next to the file, and named with --unit
    for argv in (["ima.xml"], ["--unit", "sir-enhet.toml", "ima.xml"]):
        assert main(["validate", "--lang", lang, *argv]) == 2
        err = capsys.readouterr().err
        assert err == expected.format(path="sir-enhet.toml")
