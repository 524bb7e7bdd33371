"""The unit declaration's constructor is typed as it behaves (checked with ``mypy --strict``).

``UnitDeclaration(vardtyper=...)`` takes any iterable of ``Vardtyp`` members or tokens, and
``modules`` and ``actions`` any iterable of strings, while the attributes stay
``frozenset[str]``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sir_format.models import Vardtyp
from sir_format.unit import UnitDeclaration, example_path

GOOD = """\
from datetime import date

from sir_format.models import Vardtyp
from sir_format.unit import UnitDeclaration



def members() -> UnitDeclaration:
    return UnitDeclaration(
        hsa_id="SE2321000016-7Q4T",
        officiellt_namn="Exempelsjukhuset, Anestesi- och intensivvårdsavdelning",
        kortnamn="EXS IVA",
        avdelningsnamn="IVA Exempelsjukhuset",
        vardtyper={Vardtyp.IVA},
        giltig_fran=date(2024, 1, 1),
        modules=["Åtgärder", "SAPS3"],
        actions=("DG021",),
    )


def mixed() -> UnitDeclaration:
    return UnitDeclaration(
        hsa_id="SE2321000016-7Q4T",
        officiellt_namn="Exempelsjukhuset",
        kortnamn="EXS IVA",
        avdelningsnamn="IVA Exempelsjukhuset",
        vardtyper=[Vardtyp.IVA, "TIVA"],
    )


def tokens() -> UnitDeclaration:
    return UnitDeclaration(
        hsa_id="SE2321000016-7Q4T",
        officiellt_namn="Exempelsjukhuset",
        kortnamn="EXS IVA",
        avdelningsnamn="IVA Exempelsjukhuset",
        vardtyper=frozenset({"IVA"}),
    )


vardtyper: frozenset[str] = members().vardtyper
modules: frozenset[str] = members().modules
actions: frozenset[str] = members().actions
"""

BAD = """\
from sir_format.models import JaNej, Vardtyp
from sir_format.unit import UnitDeclaration


def not_a_vardtyp() -> UnitDeclaration:
    return UnitDeclaration(
        hsa_id="x", officiellt_namn="x", kortnamn="x", avdelningsnamn="x", vardtyper=[JaNej.JA]
    )


def numbers_as_modules() -> UnitDeclaration:
    return UnitDeclaration(
        hsa_id="x", officiellt_namn="x", kortnamn="x", avdelningsnamn="x", vardtyper=["IVA"],
        modules=[1],
    )


def members_kept(unit: UnitDeclaration) -> frozenset[Vardtyp]:
    return unit.vardtyper
"""


def _mypy(*files: Path) -> list[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in done.stdout.splitlines() if line.strip()]


def test_mypy_accepts_members_tokens_and_any_iterable_and_refuses_other_types(
    tmp_path: Path,
) -> None:
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    lines = _mypy(good, bad)
    # the file's name and line (mypy may name a file by the path it had when it was cached)
    assert [Path(line.split(": error: ")[0]).name for line in lines] == [
        "bad.py:7",
        "bad.py:14",
        "bad.py:19",
    ]
    assert [line.rsplit("  ", 1)[-1] for line in lines] == [
        "[list-item]",
        "[list-item]",
        "[return-value]",
    ]
    assert 'expected "Vardtyp | str"' in lines[0]


def test_the_typed_snippet_runs_and_keeps_tokens() -> None:
    namespace: dict[str, object] = {}
    exec(compile(GOOD, "good.py", "exec"), namespace)
    assert namespace["vardtyper"] == frozenset({"IVA"})
    assert namespace["modules"] == frozenset({"Åtgärder", "SAPS3"})
    assert namespace["actions"] == frozenset({"DG021"})
    mixed = namespace["mixed"]
    assert callable(mixed)
    assert mixed().vardtyper == frozenset({"IVA", "TIVA"})


def test_a_generator_is_taken_and_kept_as_a_frozen_set() -> None:
    loaded = UnitDeclaration.load(example_path("iva"))
    rebuilt = UnitDeclaration(
        hsa_id=loaded.hsa_id,
        officiellt_namn=loaded.officiellt_namn,
        kortnamn=loaded.kortnamn,
        avdelningsnamn=loaded.avdelningsnamn,
        vardtyper=(member for member in [Vardtyp.IVA]),
        giltig_fran=loaded.giltig_fran,
        modules=iter(sorted(loaded.modules)),
        actions=list(loaded.actions),
    )
    assert rebuilt == loaded
    assert type(rebuilt.vardtyper) is frozenset
    assert type(rebuilt.modules) is frozenset
    assert type(rebuilt.actions) is frozenset
