"""Domain facts have one home: no wire names or tokens as literals, one Luhn, one day offset,
one KVÅ table, one applicability matrix.

The literal check reads the source of ``sir_format`` (not the generated package, not
``metadata.py``): a string constant equal to a wire name or an enumeration token is an error,
except in docstrings and in ``__all__`` (which names Python objects, such as the constant
``IMA``). Code refers to the metadata (``model_info(...).by_py[...].wire_name``) or the enum.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from stdnum import luhn

from sir_format.domain import kva, registry, samordningsnummer
from sir_format.metadata import all_models, enum_types
from sir_format.models import SKKod, Vardtillfalle, Vardtyp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sir_format"
SOURCES = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if "_generated" not in p.relative_to(PACKAGE).parts and p.name != "metadata.py"
)
CODE = [*SOURCES, *sorted((ROOT / "bench").glob("*.py"))]

WIRE_NAMES = frozenset(f.wire_name for info in all_models() for f in info.fields)
TOKENS = (
    frozenset(m.value for enum in enum_types() for m in enum if isinstance(m.value, str))
    - WIRE_NAMES
)


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """ids of the constants that are docstrings or entries of ``__all__``."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            exempt.add(id(body[0].value))
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AugAssign | ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            exempt.update(id(c) for c in ast.walk(node) if isinstance(c, ast.Constant))
    return exempt


def wire_literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, value) of each string constant that is a wire name or an enumeration token."""
    tree = ast.parse(source)
    exempt = _exempt_nodes(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in exempt
            and (node.value in WIRE_NAMES or node.value in TOKENS)
        ):
            yield node.lineno, node.value


def test_the_metadata_has_names_and_tokens() -> None:
    assert {"Vårdtillfälle", "Personnummer", "Sederingsmål"} <= WIRE_NAMES
    assert {"IMA", "SK-000", "Reservnummer"} <= TOKENS | WIRE_NAMES


def test_no_wire_name_or_token_literals_in_hand_written_code() -> None:
    found = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        for line, value in wire_literals(path.read_text(encoding="utf-8")):
            found.append(f"{rel}:{line} {value!r}")
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x = "Vårdtillfälle"\n', [(1, "Vårdtillfälle")]),
        ('def f():\n    return {"kod": "SK-000"}\n', [(2, "SK-000")]),
        ('x = ("IMA", "TIVA")\n', [(1, "IMA"), (1, "TIVA")]),
        ('"""Vårdtillfälle"""\n', []),  # a module docstring
        ('def f():\n    """IMA"""\n', []),  # a function docstring
        ('__all__ = ["IMA"]\n', []),  # Python names, not tokens
        ('x = "vårdtillfälle"\n', []),  # a Python-style name is not a wire name
        ('x = f"{y} IMA"\n', []),  # text around a word is not the token
    ],
)
def test_the_literal_check_catches_planted_literals(
    source: str, expected: list[tuple[int, str]]
) -> None:
    assert sorted(wire_literals(source)) == sorted(expected)


# -- one Luhn, one day offset ---------------------------------------------------------------


def _trees() -> Iterator[tuple[str, ast.AST]]:
    for path in CODE:
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _is_mod_10(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.right, ast.Constant)
        and node.right.value == 10
    )


def luhn_implementations(tree: ast.AST) -> list[str]:
    """Functions whose arithmetic doubles (``* 2``) and takes ``% 10``: a mod-10 check digit."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.Lambda):
            inner = list(ast.walk(node))
            doubles = any(
                isinstance(n, ast.BinOp)
                and isinstance(n.op, ast.Mult)
                and any(isinstance(s, ast.Constant) and s.value == 2 for s in (n.left, n.right))
                for n in inner
            )
            if doubles and any(_is_mod_10(n) for n in inner):
                found.append(getattr(node, "name", "<lambda>"))
    return found


def day_offsets(tree: ast.AST) -> list[str]:
    """Places that add or take 60 from something called a day, or name 60 an offset."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            for this, other in ((node.left, node.right), (node.right, node.left)):
                sixty = isinstance(this, ast.Constant) and this.value == 60
                if sixty and "day" in ast.unparse(other).lower():
                    found.append(ast.unparse(node))
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and node.value.value == 60
            and any(isinstance(t, ast.Name) and "OFFSET" in t.id for t in node.targets)
        ):
            found.append(ast.unparse(node))
    return found


def test_luhn_is_python_stdnums_alone() -> None:
    found = {rel: names for rel, tree in _trees() if (names := luhn_implementations(tree))}
    assert found == {}


def test_the_day_offset_is_written_once() -> None:
    found = {rel: hits for rel, tree in _trees() if (hits := day_offsets(tree))}
    assert found == {"sir_format/domain/_digits.py": ["DAY_OFFSET = 60"]}
    assert samordningsnummer.DAY_OFFSET == 60


@pytest.mark.parametrize(
    ("source", "luhn_hits", "offset_hits"),
    [
        (
            "def check(d):\n    t = sum(int(c) * 2 for c in d)\n    return (10 - t % 10) % 10\n",
            ["check"],
            [],
        ),
        ("def luhn_ok(d):\n    return stdnum_luhn.is_valid(d)\n", [], []),
        ("f = lambda d: sum(int(c) * 2 for c in d) % 10\n", ["<lambda>"], []),
        ("def f(born):\n    return born.day + 60\n", [], ["born.day + 60"]),
        ("COORDINATION_OFFSET = 60\n", [], ["COORDINATION_OFFSET = 60"]),
        ("minutes = hours * 60\n", [], []),
    ],
)
def test_the_duplicate_checks_catch_planted_copies(
    source: str, luhn_hits: list[str], offset_hits: list[str]
) -> None:
    tree = ast.parse(source)
    assert luhn_implementations(tree) == luhn_hits
    assert day_offsets(tree) == offset_hits


def test_the_library_check_digit_is_python_stdnums() -> None:
    from sir_format.domain import personnummer

    cases = ((date(1957, 11, 6), 913), (date(2000, 2, 29), 2), (date(1890, 1, 1), 999))
    for born, serial in cases:
        value = personnummer.build(born, serial)
        assert value[-1] == luhn.calc_check_digit(value[2:-1])


# -- one KVÅ table, one matrix --------------------------------------------------------------


def test_kva_codes_are_written_only_in_the_kva_table() -> None:
    codes = kva.known_kva_codes()
    found = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "sir_format/domain/kva.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exempt = _exempt_nodes(tree)
        found += [
            f"{rel}:{n.lineno} {n.value}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and n.value in codes and id(n) not in exempt
        ]
    assert found == []


def test_one_kva_table_behind_both_import_paths() -> None:
    from sir_format.testing import _codes
    from sir_format.validation.reference import kva as reexported

    assert reexported.kva_entry is kva.kva_entry
    assert set(_codes.ACTION_CODES) <= kva.known_kva_codes()
    assert registry.INVASIVE_VENTILATION in _codes.actions_on(date(2024, 1, 1))
    retired = kva.kva_entry("DV023")
    assert retired is not None and retired.retired is not None
    assert "DV023" in _codes.actions_on(date(2020, 12, 31))
    assert "DV023" not in _codes.actions_on(retired.retired)


def test_one_matrix_behind_both_import_paths() -> None:
    from sir_format.validation import applicability

    assert applicability.MATRIX is registry.MATRIX
    assert applicability.ModuleApplicability is registry.ModuleApplicability


def test_registry_facts_agree_with_the_dictionary() -> None:
    """§5.2, §6.2, §6.7 and §6.9, read once more from the dictionary's text."""
    assert registry.ADULT_AGE == 16
    assert registry.CONSENT_AGE == 18
    assert registry.MAX_AGE == 125
    assert registry.IMA_REPORTING_OPENED.isoformat() == "2025-04-01"
    assert registry.INVASIVE_VENTILATION == "DG021"
    assert registry.THORACIC_DRAIN == "GAA10"
    assert registry.NO_COMPLICATION is SKKod.SK_000
    assert {c.value for c in registry.CHEST_DRAIN_COMPLICATIONS} == {
        "SK-061",
        "SK-062",
        "SK-063",
        "SK-064",
    }
    assert {c.value for c in registry.TIVA_ONLY_COMPLICATIONS} == {
        c.value for c in SKKod if c.value.startswith("SK-4")
    }
    assert registry.M_ICU_FIELDS == (
        "Postnummer",
        "Ankomsttid",
        "Ankomstorsak",
        "Akutinläggning",
        "Opereradstatus",
        "Utskrivningsorsak",
    )
    sederingsmal = registry.MATRIX["Sederingsmål"]
    assert sederingsmal.requires_action == registry.INVASIVE_VENTILATION
    assert not sederingsmal.allows_vardtyp(Vardtyp.IMA.value)
    pim3, saps3 = registry.MATRIX["PIM3"], registry.MATRIX["SAPS3"]
    assert pim3.allows_age(registry.ADULT_AGE - 1) and not pim3.allows_age(registry.ADULT_AGE)
    assert saps3.allows_age(registry.ADULT_AGE) and not saps3.allows_age(registry.ADULT_AGE - 1)


def test_matrix_rows_are_episode_elements() -> None:
    from sir_format.metadata import model_info

    fields = model_info(Vardtillfalle).by_wire
    assert set(registry.MATRIX) <= set(fields)
    assert "Grunddata" in registry.MATRIX and not registry.MATRIX["Grunddata"].declarable


# -- the domain package sits low ------------------------------------------------------------

ALLOWED_IMPORTS = ("sir_format.domain", "sir_format.errors", "sir_format.metadata")
ALLOWED_IMPORTS += ("sir_format.models", "stdnum")


def test_the_domain_package_imports_only_the_model_and_stdnum() -> None:
    import sys

    stdlib = sys.stdlib_module_names
    found = []
    for path in sorted((PACKAGE / "domain").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or name == "__future__" or name.startswith(ALLOWED_IMPORTS):
                    continue
                found.append(f"{path.name}: {name}")
    assert found == []


def test_masking_does_not_import_validation() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sir_format._privacy as p\n"
        "assert p.mask_embedded_identities('a 19571106-9137') == 'a 19571106-****'\n"
        "print(sorted(m for m in sys.modules if m.startswith('sir_format.validation')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
