"""The unit declaration sir-enhet.toml (dictionary §7) and SIR-R206, plus the §5.2 matrix."""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from sir_format.errors import SirFormatError, UnitDeclarationError
from sir_format.metadata import model_info
from sir_format.models import Vardtillfalle, Vardtyp
from sir_format.validation._core import Finding, Severity, Text
from sir_format.validation.applicability import (
    DECLARABLE_MODULES,
    MATRIX,
    VARDTYPER,
    applicable_modules,
)
from sir_format.validation.unit import (
    DECLARATION_FORMAT,
    InvalidUnitDeclarationError,
    UnitDeclaration,
    example_path,
)

IVA_TOML = example_path("iva").read_text(encoding="utf-8")
IMA_TOML = example_path("ima").read_text(encoding="utf-8")


def iva_data() -> dict[str, Any]:
    return tomllib.loads(IVA_TOML)


def ima_data() -> dict[str, Any]:
    return tomllib.loads(IMA_TOML)


def ima_declaring(vardtyper: list[str], module: str) -> dict[str, Any]:
    """The IMA example with other vårdtyper and one more declared module."""
    data = ima_data()
    data["enhet"]["vardtyper"] = vardtyper
    data["moduler"]["deklarerade"].append(module)
    return data


def keys_of(findings: list[Finding]) -> list[str]:
    return [f.params["key"] for f in findings]


# -- the bundled examples ---------------------------------------------------------------


def test_iva_example_loads_cleanly() -> None:
    unit = UnitDeclaration.load(example_path("iva"))
    assert unit.hsa_id == "SE2321000016-7Q4T"
    assert unit.officiellt_namn == "Exempelsjukhuset, Anestesi- och intensivvårdsavdelning"
    assert unit.kortnamn == "EXS IVA"
    assert unit.avdelningsnamn == "IVA Exempelsjukhuset"
    assert unit.vardtyper == frozenset({"IVA"})
    assert unit.sofa_tid == time(9, 0)
    assert unit.giltig_fran == date(2024, 1, 1)
    assert unit.modules == frozenset(
        {
            "Åtgärder",
            "SAPS3",
            "PIM3",
            "DagligSOFA",
            "NEMS",
            "Komplikationer",
            "Behandlingsstrategi",
            "Sederingsmål",
            "ClinicalFrailtyScale",
            "Omvårdnad",
            "ViktOchLängd",
            "Avliden2024",
        }
    )
    assert unit.actions == frozenset(
        {"DG021", "DG023", "GAA10", "DV100", "DV101", "AAA20", "ZV048"}
    )


def test_ima_example_loads_cleanly() -> None:
    unit = UnitDeclaration.load(example_path("ima"))
    assert unit.hsa_id == "SE2321000131-IM02"
    assert unit.vardtyper == frozenset({"IMA"})
    assert unit.sofa_tid == time(9, 0)  # default: the IMA example sets none
    assert unit.giltig_fran == date(2025, 4, 1)
    assert unit.modules == frozenset(
        {"Åtgärder", "NEMS", "Behandlingsstrategi", "ClinicalFrailtyScale", "Omvårdnad"}
    )
    assert unit.actions == frozenset({"DG023"})


@pytest.mark.parametrize("text", [IVA_TOML, IMA_TOML], ids=["iva", "ima"])
def test_examples_check_clean_and_round_trip(text: str) -> None:
    assert UnitDeclaration.check(tomllib.loads(text)) == []
    unit = UnitDeclaration.loads(text)
    again = UnitDeclaration.loads(unit.dumps())
    assert again == unit
    assert again.dumps() == unit.dumps()


def test_declaration_is_frozen_and_hashable() -> None:
    unit = UnitDeclaration.loads(IMA_TOML)
    with pytest.raises(AttributeError):
        unit.kortnamn = "X"  # type: ignore[misc]
    assert hash(unit) == hash(UnitDeclaration.loads(IMA_TOML))


def test_constructor_coerces_iterables_and_checks() -> None:
    unit = UnitDeclaration(
        hsa_id="SE2321000131-IM02",
        officiellt_namn="Namn",
        kortnamn="Kort",
        avdelningsnamn="Avd",
        vardtyper=["IMA"],  # type: ignore[arg-type]
        modules=("NEMS",),  # type: ignore[arg-type]
    )
    assert unit.vardtyper == frozenset({"IMA"})
    assert unit.modules == frozenset({"NEMS"})
    assert unit.actions == frozenset()
    with pytest.raises(InvalidUnitDeclarationError) as info:
        UnitDeclaration(
            hsa_id="SE2321000131-IM02",
            officiellt_namn="Namn",
            kortnamn="Kort",
            avdelningsnamn="Avd",
            vardtyper=frozenset({"IMA"}),
            modules=frozenset({"SAPS3"}),
        )
    assert keys_of(list(info.value.findings)) == ["[moduler].deklarerade"]
    with pytest.raises(InvalidUnitDeclarationError) as info:
        UnitDeclaration(
            hsa_id="SE2321000131-IM02",
            officiellt_namn="Namn",
            kortnamn="Kort",
            avdelningsnamn="Avd",
            vardtyper="IMA",  # type: ignore[arg-type]
        )
    assert keys_of(list(info.value.findings)) == ["[enhet].vardtyper"]
    assert "expected an array" in info.value.findings[0].params["reason"].en


def test_covers_and_declares() -> None:
    unit = UnitDeclaration.loads(IMA_TOML)
    assert unit.covers(date(2025, 4, 1))
    assert not unit.covers(date(2025, 3, 31))
    assert unit.declares("NEMS")
    assert not unit.declares("SAPS3")


# -- SIR-R206: invalid declarations ------------------------------------------------------


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *tables, key = path.split(".")
    target = data
    for table in tables:
        target = target[table]
    if value is _DELETE:
        del target[key]
    else:
        target[key] = value
    return data


class _Delete:
    """Sentinel: remove the key (a stable repr keeps test ids the same run to run)."""

    def __repr__(self) -> str:
        return "DELETE"


_DELETE = _Delete()

INVALID_IVA: list[tuple[str, Any, str]] = [
    ("extra", 1, "extra"),
    ("enhet.telefon", "123", "[enhet].telefon"),
    ("moduler.valfria", [], "[moduler].valfria"),
    ("atgarder.ovriga", [], "[atgarder].ovriga"),
    ("format", "sir_format.enhet/2", "format"),
    ("format", 1, "format"),
    ("format", _DELETE, "format"),
    ("enhet", _DELETE, "[enhet]"),
    ("enhet", "IVA", "[enhet]"),
    ("moduler", _DELETE, "[moduler]"),
    ("moduler.deklarerade", _DELETE, "[moduler].deklarerade"),
    ("moduler.deklarerade", "NEMS", "[moduler].deklarerade"),
    ("moduler.deklarerade", ["NEMS", 3], "[moduler].deklarerade[…]"),
    ("enhet.hsa_id", _DELETE, "[enhet].hsa_id"),
    ("enhet.hsa_id", "SE232100001-7Q4T", "[enhet].hsa_id"),
    ("enhet.hsa_id", "SE2321000017-7Q4T", "[enhet].hsa_id"),  # organisation number check digit
    ("enhet.hsa_id", "SE2321000016-" + "X" * 19, "[enhet].hsa_id"),
    ("enhet.hsa_id", 2321000016, "[enhet].hsa_id"),
    ("enhet.officiellt_namn", "O" * 101, "[enhet].officiellt_namn"),
    ("enhet.officiellt_namn", "   ", "[enhet].officiellt_namn"),
    ("enhet.kortnamn", "K" * 16, "[enhet].kortnamn"),
    ("enhet.kortnamn", "", "[enhet].kortnamn"),
    ("enhet.avdelningsnamn", "A" * 51, "[enhet].avdelningsnamn"),
    ("enhet.avdelningsnamn", "IVA\tExempel", "[enhet].avdelningsnamn"),
    ("enhet.avdelningsnamn", ["IVA"], "[enhet].avdelningsnamn"),
    ("enhet.vardtyper", "IVA", "[enhet].vardtyper"),
    ("enhet.vardtyper", [], "[enhet].vardtyper"),
    ("enhet.vardtyper", ["Iva"], "[enhet].vardtyper"),
    ("enhet.vardtyper", ["IVA", "IMA"], "[enhet].vardtyper"),
    ("enhet.sofa_tid", "9:00", "[enhet].sofa_tid"),
    ("enhet.sofa_tid", "24:00", "[enhet].sofa_tid"),
    ("enhet.sofa_tid", time(9, 0), "[enhet].sofa_tid"),
    ("enhet.giltig_fran", "2024-01-01", "[enhet].giltig_fran"),
    ("atgarder", _DELETE, "[atgarder].deklarerade"),
    ("atgarder.deklarerade", [], "[atgarder].deklarerade"),
    ("atgarder.deklarerade", ["DG021", "dg023"], "[atgarder].deklarerade"),
    ("atgarder.deklarerade", ["DG0211"], "[atgarder].deklarerade"),
]


@pytest.mark.parametrize(
    ("path", "value", "key"), INVALID_IVA, ids=[f"{p}={v!r}"[:60] for p, v, _ in INVALID_IVA]
)
def test_invalid_declaration_names_the_key(path: str, value: Any, key: str) -> None:
    data = _set(iva_data(), path, value)
    findings = UnitDeclaration.check(data)
    assert keys_of(findings) == [key]
    finding = findings[0]
    assert finding.code == "SIR-R206"
    assert finding.severity is Severity.FATAL
    reason = finding.params["reason"]
    assert isinstance(reason, Text)
    assert reason.en.startswith(f"{key}: ")
    assert reason.sv.startswith(f"{key}: ")
    assert reason.en != reason.sv
    with pytest.raises(InvalidUnitDeclarationError) as info:
        UnitDeclaration.from_dict(data)
    assert keys_of(list(info.value.findings)) == [key]
    assert key in str(info.value)


@pytest.mark.parametrize(
    ("vardtyper", "module"),
    [
        (["IVA"], "Higgins"),
        (["BIVA", "HIA"], "DagligSOFA"),
        (["Postoperativ"], "Komplikationer"),
        (["HIA"], "Avliden2024"),
        (["Övrig"], "Avlidna2020"),
        (["IMA"], "SAPS3"),
        (["IMA"], "PIM3"),
        (["IMA"], "DagligSOFA"),
        (["IMA"], "Komplikationer"),
        (["IMA"], "Sederingsmål"),
        (["IMA"], "Avliden2024"),
    ],
)
def test_module_that_applies_to_no_declared_vardtyp(vardtyper: list[str], module: str) -> None:
    findings = UnitDeclaration.check(ima_declaring(vardtyper, module))
    assert keys_of(findings) == ["[moduler].deklarerade"]
    assert module in findings[0].params["reason"].en
    assert module in findings[0].params["reason"].sv


@pytest.mark.parametrize(
    ("vardtyper", "module"),
    [
        (["IVA", "TIVA"], "Higgins"),
        (["TIVA"], "DagligSOFA"),
        (["BIVA"], "SAPS3"),
        (["HIA"], "PIM3"),
        (["Postoperativ"], "Sederingsmål"),
        (["IVA"], "Avlidna2020"),
        (["IMA"], "ViktOchLängd"),
    ],
)
def test_module_for_a_declared_vardtyp_is_accepted(vardtyper: list[str], module: str) -> None:
    assert UnitDeclaration.check(ima_declaring(vardtyper, module)) == []


@pytest.mark.parametrize(
    ("module", "word"),
    [("Grunddata", "mandatory"), ("Diagnoser", "mandatory"), ("Vikt", "unknown")],
)
def test_undeclarable_modules(module: str, word: str) -> None:
    data = iva_data()
    data["moduler"]["deklarerade"].append(module)
    findings = UnitDeclaration.check(data)
    assert keys_of(findings) == ["[moduler].deklarerade"]
    assert word in findings[0].params["reason"].en


def test_actions_without_the_actions_module() -> None:
    data = ima_data()
    data["moduler"]["deklarerade"].remove("Åtgärder")
    findings = UnitDeclaration.check(data)
    assert keys_of(findings) == ["[atgarder].deklarerade"]
    assert "Åtgärder" in findings[0].params["reason"].en


def test_near_misses_are_accepted() -> None:
    data = ima_data()
    data["moduler"]["deklarerade"].remove("Åtgärder")
    data["atgarder"]["deklarerade"] = []  # empty list without Åtgärder: consistent
    data["enhet"]["kortnamn"] = "K" * 15
    data["enhet"]["officiellt_namn"] = "  " + "O" * 100 + "  "  # trimmed to 100
    data["enhet"]["avdelningsnamn"] = "A" * 50
    data["enhet"]["sofa_tid"] = "07:30"
    data["enhet"]["hsa_id"] = "SE2321000131-" + "x" * 18
    assert UnitDeclaration.check(data) == []
    unit = UnitDeclaration.from_dict(data)
    assert unit.sofa_tid == time(7, 30)
    assert unit.officiellt_namn == "O" * 100
    del data["atgarder"]
    del data["enhet"]["sofa_tid"]
    del data["enhet"]["giltig_fran"]
    unit = UnitDeclaration.from_dict(data)
    assert unit.sofa_tid == time(9, 0)
    assert unit.giltig_fran is None


def test_several_problems_are_all_reported() -> None:
    data = iva_data()
    data["enhet"]["kortnamn"] = "K" * 16
    data["enhet"]["vardtyper"] = ["IMA"]
    data["oversikt"] = True
    findings = UnitDeclaration.check(data)
    keys = keys_of(findings)
    assert "oversikt" in keys
    assert "[enhet].kortnamn" in keys
    # SAPS3, PIM3, DagligSOFA, Komplikationer, Sederingsmål, Avliden2024 don't apply to IMA
    assert keys.count("[moduler].deklarerade") == 6
    assert all(f.code == "SIR-R206" and f.severity is Severity.FATAL for f in findings)


def test_check_rejects_a_non_table_document() -> None:
    findings = UnitDeclaration.check(["not", "a", "table"])  # type: ignore[arg-type]
    assert [f.code for f in findings] == ["SIR-R206"]


# -- reading files ---------------------------------------------------------------------


def test_load_invalid_file_raises_with_findings(tmp_path: Path) -> None:
    path = tmp_path / "sir-enhet.toml"
    path.write_text(IMA_TOML.replace('"NEMS"', '"NEMS", "Higgins"'), encoding="utf-8")
    with pytest.raises(InvalidUnitDeclarationError) as info:
        UnitDeclaration.load(path)
    error = info.value
    assert isinstance(error, UnitDeclarationError)
    assert str(path) in str(error)
    assert [f.code for f in error.findings] == ["SIR-R206"]
    assert "Higgins" in error.findings[0].params["reason"].en


def test_load_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "sir-enhet.toml"
    path.write_bytes(b"\xef\xbb\xbf" + IMA_TOML.encode("utf-8"))
    assert UnitDeclaration.load(path) == UnitDeclaration.loads(IMA_TOML)
    assert UnitDeclaration.loads("\ufeff" + IMA_TOML) == UnitDeclaration.loads(IMA_TOML)


def test_missing_file_is_a_unit_declaration_error(tmp_path: Path) -> None:
    with pytest.raises(UnitDeclarationError) as info:
        UnitDeclaration.load(tmp_path / "missing.toml")
    assert not isinstance(info.value, InvalidUnitDeclarationError)
    assert isinstance(info.value, SirFormatError)
    assert "missing.toml" in str(info.value)


def test_not_utf8_is_a_unit_declaration_error(tmp_path: Path) -> None:
    path = tmp_path / "sir-enhet.toml"
    path.write_bytes(IMA_TOML.encode("latin-1"))
    with pytest.raises(UnitDeclarationError, match="UTF-8") as info:
        UnitDeclaration.load(path)
    assert not isinstance(info.value, InvalidUnitDeclarationError)


def test_not_toml_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sir-enhet.toml"
    path.write_text('format = "sir_format.enhet/1"\n[enhet]\nhsa_id = SE1\n', encoding="utf-8")
    with pytest.raises(UnitDeclarationError, match="not valid TOML") as info:
        UnitDeclaration.load(path)
    assert not isinstance(info.value, InvalidUnitDeclarationError)
    assert info.value.line == 3
    assert info.value.column == len("hsa_id = ") + 1


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnitDeclarationError):
        UnitDeclaration.load(tmp_path)


def test_dumps_escapes_strings() -> None:
    unit = UnitDeclaration.loads(IMA_TOML)
    odd = type(unit)(
        hsa_id=unit.hsa_id,
        officiellt_namn='Sjukhus "Norr" \\ avd',
        kortnamn=unit.kortnamn,
        avdelningsnamn=unit.avdelningsnamn,
        vardtyper=unit.vardtyper,
        sofa_tid=time(7, 15),
        modules=unit.modules,
        actions=unit.actions,
    )
    assert UnitDeclaration.loads(odd.dumps()) == odd
    assert f'format = "{DECLARATION_FORMAT}"' in odd.dumps()


def test_docstring_examples() -> None:
    import doctest

    import sir_format.validation.applicability
    import sir_format.validation.reference.kva
    import sir_format.validation.unit

    for module in (
        sir_format.validation.unit,
        sir_format.validation.applicability,
        sir_format.validation.reference.kva,
    ):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0


# -- the §5.2 matrix -----------------------------------------------------------------------


def test_matrix_modules_are_episode_fields() -> None:
    wires = model_info(Vardtillfalle).by_wire
    for module, row in MATRIX.items():
        assert module in wires, module
        assert row.module == module
        assert set(row.cells) == {v.value for v in Vardtyp}


def test_matrix_covers_every_module_of_the_episode() -> None:
    modules = [f.wire_name for f in model_info(Vardtillfalle).fields if f.wire_name != "LokaltId"]
    assert list(MATRIX) == modules


def test_declarable_modules_are_the_dictionary_list() -> None:
    assert set(DECLARABLE_MODULES) == {
        "Åtgärder",
        "SAPS3",
        "PIM3",
        "Higgins",
        "DagligSOFA",
        "NEMS",
        "Komplikationer",
        "Behandlingsstrategi",
        "Sederingsmål",
        "ClinicalFrailtyScale",
        "Omvårdnad",
        "ViktOchLängd",
        "Avlidna2020",
        "Avliden2024",
    }
    assert MATRIX["Grunddata"].mandatory
    assert not MATRIX["NEMS"].mandatory


def test_matrix_conditions() -> None:
    start = date(2024, 6, 1)
    assert MATRIX["SAPS3"].allowed_vardtyper == {"IVA", "BIVA"}
    assert MATRIX["PIM3"].allowed_vardtyper == set(VARDTYPER) - {"IMA"}
    assert MATRIX["PIM3"].applies(vardtyp="TIVA", age=15, start=start)
    assert not MATRIX["PIM3"].applies(vardtyp="TIVA", age=16, start=start)
    assert MATRIX["SAPS3"].applies(vardtyp="IVA", age=16, start=start)
    assert not MATRIX["SAPS3"].applies(vardtyp="IVA", age=15, start=start)
    sofa = MATRIX["DagligSOFA"]
    assert sofa.applies(vardtyp="IVA", age=40, start=date(2023, 9, 1))
    assert not sofa.applies(vardtyp="IVA", age=40, start=date(2023, 8, 31))
    assert not MATRIX["Omvårdnad"].in_use_on(date(2023, 3, 19))
    assert MATRIX["ClinicalFrailtyScale"].in_use_on(date(2021, 10, 1))
    sedation = MATRIX["Sederingsmål"]
    assert sedation.applies(vardtyp="HIA", age=50, start=start, action_codes=["DG021"])
    assert not sedation.applies(vardtyp="HIA", age=50, start=start, action_codes=["DG023"])
    assert not sedation.applies(vardtyp="HIA", age=50, start=start)
    p2020, p2024 = MATRIX["Avlidna2020"], MATRIX["Avliden2024"]
    assert not p2024.applies(vardtyp="IVA", age=70, start=start)  # alive
    assert p2024.applies(vardtyp="IVA", age=70, start=start, death_date=date(2024, 1, 1))
    assert not p2020.applies(vardtyp="IVA", age=70, start=start, death_date=date(2024, 1, 1))
    assert p2020.applies(vardtyp="BIVA", age=1, start=start, death_date=date(2023, 12, 31))
    assert not p2020.covers_death(date(2019, 12, 31))
    assert not p2024.applies(vardtyp="HIA", age=70, start=start, death_date=date(2024, 5, 1))


def test_applicable_modules_for_the_examples() -> None:
    # File A: IVA, 66 years, alive, DG021 registered.
    a = applicable_modules(vardtyp="IVA", age=66, start=date(2024, 11, 3), action_codes=["DG021"])
    assert "PIM3" not in a
    assert "Higgins" not in a
    assert "Avliden2024" not in a
    assert {"SAPS3", "DagligSOFA", "Sederingsmål", "Omvårdnad"} <= set(a)
    # File B: IMA, 76 years.
    b = applicable_modules(vardtyp="IMA", age=76, start=date(2025, 5, 12), action_codes=["DG023"])
    assert set(b) == {
        "Grunddata",
        "Diagnoser",
        "Åtgärder",
        "NEMS",
        "Behandlingsstrategi",
        "ClinicalFrailtyScale",
        "Omvårdnad",
        "ViktOchLängd",
    }


# -- SIR-R206 texts come from the catalog ---------------------------------------------------


def _text_names_used_by_the_reader() -> set[str]:
    """Names of catalog texts the reader's source asks for (``_problem(key, "name")``)."""
    import ast

    import sir_format.validation.unit as unit_module

    tree = ast.parse(Path(unit_module.__file__).read_text(encoding="utf-8"))
    used = {
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_problem"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    }
    named = {  # get_rule(_CODE).text("name", ...)
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "text"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    conditional = {"mandatory_module", "unknown_module"}  # chosen by an expression
    return used | named | conditional | set(unit_module._TOML_TYPES.values())


def test_every_reason_text_is_in_the_catalog_and_used() -> None:
    from sir_format.validation.catalog import get_rule, placeholders

    texts = get_rule("SIR-R206").texts
    assert set(texts) == _text_names_used_by_the_reader()
    for name, text in texts.items():
        assert placeholders(text.sv) == placeholders(text.en), name
        assert text.sv != text.en or not text.sv.strip(), name


def test_reason_texts_are_filled_in_both_languages() -> None:
    from sir_format.validation.catalog import get_rule

    rule = get_rule("SIR-R206")
    text = rule.text("unknown_vardtyp", v="ICU", known=("IVA", "IMA"))
    assert text.en == 'unknown vårdtyp "ICU"; expected one of IVA, IMA'
    assert text.sv == 'okänd vårdtyp "ICU"; förväntat en av IVA, IMA'
    with pytest.raises(KeyError, match="no text 'nonsense'"):
        rule.text("nonsense")
    data = iva_data()
    data["enhet"]["vardtyper"] = ["ICU"]
    [finding] = UnitDeclaration.check(data)
    assert finding.message("sv") == (
        "Enhetens deklaration är ogiltig: [enhet].vardtyper: "
        'okänd vårdtyp "ICU"; förväntat en av IVA, TIVA, BIVA, Postoperativ, HIA, Övrig, IMA.'
    )
