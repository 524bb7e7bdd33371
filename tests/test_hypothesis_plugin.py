"""The Hypothesis entry point: type strategies registered lazily, and not at all with
``HYPOTHESIS_NO_PLUGINS``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

from sir_format.domain import hsa_id, personnummer, samordningsnummer
from sir_format.metadata import Kind, model_info
from sir_format.models import Diagnoser, Grunddata, Huvud, Personnummertyp, Vardtillfalle
from sir_format.testing import MODULE_NAMES, module, seeded_examples

PROBE = """
import sys
import hypothesis
from hypothesis import strategies as st
from sir_format.models import SIRData

after_import = "sir_format.testing.strategies" in sys.modules
try:
    st.from_type(SIRData).example()
except Exception:
    pass
print(after_import, "sir_format.testing._hypothesis_plugin" in sys.modules,
      "sir_format.testing.strategies" in sys.modules)
"""


def probe(**extra: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, **extra},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_strategies_are_imported_when_a_type_is_first_resolved() -> None:
    # Registered when Hypothesis is imported; the strategies load on the first from_type.
    assert probe() == "False True True"


def test_hypothesis_no_plugins_is_respected() -> None:
    assert probe(HYPOTHESIS_NO_PLUGINS="1") == "False False False"


@settings(max_examples=examples(20), deadline=None)
@given(st.from_type(Huvud), st.from_type(Grunddata), st.from_type(Diagnoser))
def test_parts_of_a_report_are_registered(
    huvud: Huvud, grunddata: Grunddata, diagnoser: Diagnoser
) -> None:
    assert type(huvud) is Huvud and type(grunddata) is Grunddata
    assert type(diagnoser) is Diagnoser
    assert hsa_id.is_valid(huvud.hsa_id)  # coherent: the organisation number passes Luhn
    kind = grunddata.personnummertyp
    if kind is Personnummertyp.PERSONNUMMER:
        assert personnummer.birth_date(grunddata.personnummer) == grunddata.fodelsedatum
    elif kind is Personnummertyp.SAMORDNINGSNUMMER:
        assert samordningsnummer.birth_date(grunddata.personnummer) == grunddata.fodelsedatum


MODULE_CLASSES = {
    field.model.cls: field.wire_name
    for field in model_info(Vardtillfalle).fields
    if field.wire_name in MODULE_NAMES and field.kind is Kind.COMPLEX
}


@pytest.mark.parametrize("cls", MODULE_CLASSES, ids=lambda cls: cls.__name__)
def test_every_module_class_draws_from_its_module_strategy(cls: type) -> None:
    wire_name = MODULE_CLASSES[cls]
    drawn = seeded_examples(st.from_type(cls), 3, seed=1)
    assert drawn == seeded_examples(module(wire_name), 3, seed=1)
    assert all(type(value) is cls for value in drawn)


def test_the_module_classes_are_those_of_the_matrix() -> None:
    assert {cls.__name__ for cls in MODULE_CLASSES} >= {"SAPS3", "DagligSOFA", "Avliden2024"}
    assert len(MODULE_CLASSES) == len([n for n in MODULE_NAMES if n != "ClinicalFrailtyScale"])
