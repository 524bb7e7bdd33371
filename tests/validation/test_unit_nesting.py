"""Unit declarations nested deeper than the TOML parser or the checks can follow."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest
from rulekit import FIXTURES

import sir_format
from sir_format.cli import main
from sir_format.errors import InvalidUnitDeclarationError, UnitDeclarationError
from sir_format.validation.unit import UnitDeclaration, example_path

VALID = example_path("ima").read_text(encoding="utf-8")


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_inline_tables(depth: int) -> str:
    return "{a = " * depth + "1" + "}" * depth


def nested_mixed(depth: int) -> str:
    return "[{a = " * depth + "1" + "}]" * depth


DEEP_DOCUMENTS = {
    "arrays": "a = " + nested_arrays(1000),
    "inline tables": "a = " + nested_inline_tables(1000),
    "arrays of inline tables": "a = " + nested_mixed(1000),
    "a declared key": VALID.replace('vardtyper = ["IMA"]', "vardtyper = " + nested_arrays(1000)),
    "very deep": "a = " + nested_arrays(100_000),
}


@pytest.mark.parametrize("text", DEEP_DOCUMENTS.values(), ids=DEEP_DOCUMENTS.keys())
def test_loads_of_a_too_deep_document_is_a_unit_declaration_error(text: str) -> None:
    with pytest.raises(UnitDeclarationError, match="nested too deeply") as info:
        UnitDeclaration.loads(text)
    assert not isinstance(info.value, InvalidUnitDeclarationError)


def test_load_of_a_too_deep_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sir-enhet.toml"
    path.write_text(DEEP_DOCUMENTS["inline tables"], encoding="utf-8")
    with pytest.raises(UnitDeclarationError, match="nested too deeply") as info:
        UnitDeclaration.load(path)
    assert str(path) in str(info.value)
    with pytest.raises(UnitDeclarationError, match="nested too deeply"):
        sir_format.validate(FIXTURES / "file_b_ima.xml", unit=path)


def test_cli_too_deep_declaration_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(DEEP_DOCUMENTS["arrays"], encoding="utf-8")
    argv = ["validate", "--lang", "en", "--unit", str(path), str(FIXTURES / "file_b_ima.xml")]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    message = f"unit declaration {path} cannot be read: it is nested too deeply"
    assert err == f"sir-format: error: {message}\n"


def deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def deep_tuple(depth: int) -> tuple[Any, ...]:
    value: tuple[Any, ...] = ()
    for _ in range(depth):
        value = (value,)
    return value


BASE = {
    "hsa_id": "SE2321000131-IM02",
    "officiellt_namn": "Namn",
    "kortnamn": "Kort",
    "avdelningsnamn": "Avd",
    "vardtyper": frozenset({"IMA"}),
    "sofa_tid": time(9, 0),
}


@pytest.mark.parametrize(
    ("name", "value", "key"),
    [
        ("sofa_tid", deep_list(5000), "[enhet].sofa_tid"),
        ("vardtyper", frozenset({deep_tuple(5000)}), "[enhet].vardtyper[…]"),
        ("modules", frozenset({deep_tuple(5000)}), "[moduler].deklarerade[…]"),
        ("actions", frozenset({deep_tuple(5000)}), "[atgarder].deklarerade[…]"),
        ("vardtyper", frozenset({"IMA", None}), "[enhet].vardtyper[…]"),
    ],
    ids=["sofa_tid", "vardtyper", "modules", "actions", "vardtyper None"],
)
def test_constructor_reports_a_deep_or_non_string_value_by_its_type(
    name: str, value: Any, key: str
) -> None:
    with pytest.raises(InvalidUnitDeclarationError) as info:
        UnitDeclaration(**{**BASE, name: value})
    assert [f.params["key"] for f in info.value.findings] == [key]
    assert "expected a " in info.value.findings[0].params["reason"].en


def test_from_dict_and_check_report_a_deep_key_by_its_type() -> None:
    raw: dict[Any, Any] = {
        "format": "sir_format.enhet/1",
        "enhet": {"hsa_id": BASE["hsa_id"], "officiellt_namn": "Namn", "kortnamn": "Kort"},
        "moduler": {"deklarerade": [deep_list(5000)]},
        deep_tuple(5000): 1,
    }
    raw["enhet"] |= {"avdelningsnamn": "Avd", "vardtyper": ["IMA"], deep_tuple(5000): 2}
    with pytest.raises(InvalidUnitDeclarationError) as info:
        UnitDeclaration.from_dict(raw)
    keys = [f.params["key"] for f in info.value.findings]
    assert keys == ["<tuple>", "[enhet].<tuple>", "[moduler].deklarerade[…]"]
    assert [f.params["key"] for f in UnitDeclaration.check(raw)] == keys
