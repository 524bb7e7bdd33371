"""The opt-in pytest plugin ``sir_format.testing.pytest_plugin``, run in pytest subprocesses
outside this repository (so that its conftest and settings play no part)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import sir_format
from sir_format.testing.pytest_plugin import TestData, _derive

PLUGIN = "sir_format.testing.pytest_plugin"

INERT = """
import sys

def test_nothing_of_sir_format_is_loaded():
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sir_format", "hypothesis"))
    assert loaded == []
"""

OPTED_IN_BUT_UNUSED = """
import sys

def test_strategies_wait_for_a_fixture():
    assert "hypothesis" not in sys.modules
    assert "sir_format.testing.strategies" not in sys.modules
"""

USES_FIXTURES = """
import hashlib, json, os
import pytest
import sir_format
from sir_format.models import Vardtyp

def record(name, value):
    with open(os.environ["SIR_RECORD"], "a", encoding="utf-8") as out:
        out.write(json.dumps([name, value]) + "\\n")

def digest(report):
    return hashlib.sha256(sir_format.to_xml(report)).hexdigest()

def test_valid(sir_valid_report, sir_seed):
    assert sir_format.validate(sir_valid_report).ok
    record("valid", [sir_seed, digest(sir_valid_report)])

@pytest.mark.parametrize("n", [1, 2])
def test_parametrized(sir_valid_report, n):
    record(f"param{n}", digest(sir_valid_report))

def test_factory(sir_testdata):
    first = sir_testdata.report(vardtyp="IVA", max_episodes=1)
    second = sir_testdata.report(vardtyp="IVA", max_episodes=1)
    several = sir_testdata.reports(2, ima=True)
    assert [e.grunddata.vardtyp for e in (*first.vardtillfalle, *second.vardtillfalle)] == [
        Vardtyp.IVA, Vardtyp.IVA
    ]
    assert {e.grunddata.vardtyp for r in several for e in r.vardtillfalle} == {Vardtyp.IMA}
    assert len({digest(r) for r in several}) == 2
    record("factory", [digest(first), digest(second)])
"""

INVALID = """
def test_invalid(sir_invalid_case, sir_testdata):
    from sir_format.testing import check_case
    assert check_case(sir_invalid_case) == []
    more = sir_testdata.invalid_cases(2, ["SIR-X020"], format="json")
    assert [c.label.expected for c in more] == [frozenset({"SIR-X020"})] * 2
    assert more[0].payload != more[1].payload and {c.format for c in more} == {"json"}
    one = sir_testdata.invalid_case(["SIR-X024"], format="xml")
    assert check_case(one) == [] and one.label.expected == {"SIR-X024"}
"""

FAILS = """
def test_fails(sir_valid_report):
    assert sir_valid_report is None

def test_fails_without_data():
    assert False
"""


def pytest_run(
    tmp_path: Path, source: str, *args: str, record: Path | None = None, hash_seed: str = "0"
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_it.py").write_text(source, encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "HYPOTHESIS_", "SIR_"))
    }
    env["PYTHONHASHSEED"] = hash_seed
    if record is not None:
        env["SIR_RECORD"] = str(record)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_it.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def records(path: Path) -> dict[str, object]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(map(json.loads, lines))


def test_a_session_that_does_not_opt_in_is_untouched(tmp_path: Path) -> None:
    done = pytest_run(tmp_path, INERT + "\n\ndef test_asks(sir_valid_report):\n    pass\n")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith("1 passed, 1 error")
    assert "fixture 'sir_valid_report' not found" in done.stdout
    assert "sir_testdata" not in done.stdout  # not among the available fixtures either


def test_opting_in_imports_nothing_until_a_fixture_is_used(tmp_path: Path) -> None:
    done = pytest_run(tmp_path, OPTED_IN_BUT_UNUSED, "-p", PLUGIN)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("1 passed")


def drawn_here(base: int, test: str, call: int = 0) -> list[object]:
    """[seed, digest] of the report that the fixtures give ``test`` with ``base``, drawn in
    this process."""
    seed = _derive(base, f"test_it.py::{test}")
    data = TestData(seed)
    for _ in range(call):
        data.report()
    report = data.report()
    assert isinstance(report, sir_format.SIRData)
    return [seed, hashlib.sha256(sir_format.to_xml(report)).hexdigest()]


def test_fixtures_are_seeded_per_test_and_reproducible(tmp_path: Path) -> None:
    runs = []
    for name, extra, hash_seed in (("a", (), "1"), ("b", ("--hypothesis-seed=5",), "2")):
        record = tmp_path / f"{name}.jsonl"
        done = pytest_run(
            tmp_path, USES_FIXTURES, "-p", PLUGIN, *extra, record=record, hash_seed=hash_seed
        )
        assert done.returncode == 0, done.stdout + done.stderr
        runs.append(records(record))
    default, other_seed = runs
    # The same data in any process: these subprocesses and this one have other hash seeds.
    assert default["valid"] == drawn_here(0, "test_valid")
    # --hypothesis-seed is the base seed when --sir-seed is not given.
    assert other_seed["valid"] == drawn_here(5, "test_valid")
    assert other_seed["valid"] != default["valid"]
    assert other_seed["factory"] != default["factory"]
    assert default["param1"] != default["param2"]  # each test its own data
    factory = default["factory"]
    assert isinstance(factory, list) and factory[0] != factory[1]  # each call its own draw


def test_invalid_cases_and_a_failing_test_that_names_its_seed(tmp_path: Path) -> None:
    done = pytest_run(tmp_path, INVALID + FAILS, "-p", PLUGIN, "--sir-seed", "12")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith("2 failed, 1 passed"), done.stdout
    assert "test_it.py::test_invalid" not in done.stdout  # it passed
    assert done.stdout.count("sir-format test data") == 1  # only the test that used the data
    assert "base seed 12: rerun with --sir-seed=12 for the same data" in done.stdout
