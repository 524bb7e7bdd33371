"""The xmllint comparison of the benchmarks (``bench/xmllint.py``), on a tiny file.

Only that it runs and reports: timings are never asserted.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sir_bench_xmllint", ROOT / "bench" / "xmllint.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load()


def _xmllint() -> str:
    found = shutil.which("xmllint")
    if found is None:
        pytest.skip(bench.INSTALL_HINT)
    return found


def test_without_xmllint_the_bench_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-xmllint"
    argv = ["--xmllint", str(missing), "--episodes", "20", "--data-dir", str(tmp_path)]
    assert bench.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == bench.INSTALL_HINT + "\n"
    assert "apt-get install libxml2-utils" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench.main(["--rounds", "0"])
    assert exit_.value.code == 2
    assert "--episodes and --rounds must be at least 1" in capsys.readouterr().err


def test_the_schema_is_shipped_unchanged_up_to_the_episode_limit(tmp_path: Path) -> None:
    limit = bench.episode_limit()
    shipped = Path(str(resources.files("sir_format.schemas").joinpath(bench.SCHEMA)))
    assert bench.schema_for(limit, tmp_path) == shipped
    assert list(tmp_path.iterdir()) == []


def test_above_the_limit_only_the_episode_limit_is_lifted(tmp_path: Path) -> None:
    limit = bench.episode_limit()
    copy = bench.schema_for(limit + 1, tmp_path)
    assert copy == tmp_path / bench.SCHEMA
    shipped = etree.fromstring(
        resources.files("sir_format.schemas").joinpath(bench.SCHEMA).read_bytes()
    )
    lifted = etree.parse(str(copy)).getroot()
    changed = [
        (a.get("name"), a.get("maxOccurs"), b.get("maxOccurs"))
        for a, b in zip(shipped.iter(), lifted.iter(), strict=True)
        if a.attrib != b.attrib
    ]
    assert changed == [("Vårdtillfälle", str(limit), "unbounded")]


def test_xmllint_reports_an_invalid_file(tmp_path: Path) -> None:
    xmllint = _xmllint()
    example = resources.files("sir_format") / "examples" / "ima.xml"
    broken = tmp_path / "broken.xml"
    broken.write_text(
        example.read_text(encoding="utf-8").replace("<Kön>Kvinna<", "<Kön>Okänd<"),
        encoding="utf-8",
    )
    schema = bench.schema_for(1, tmp_path)
    timing, status, errors = bench.run_xmllint(xmllint, schema, broken)
    assert status == 3
    assert f"{broken} fails to validate" in errors
    assert "Kön" in errors
    assert timing.cpu >= 0
    assert bench.run_xmllint(xmllint, schema, tmp_path / "missing.xml")[1] != 0


def test_the_bench_compares_both_on_a_small_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _xmllint()
    argv = ["--episodes", "20", "--rounds", "1", "--data-dir", str(tmp_path)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "# `sir-format validate` and `xmllint --noout --schema`"
    name = f"bulk-v{bench.data_cache.GENERATOR_VERSION}-icu-n20-s1.xml"
    assert f"- file: {name} (20 episodes, 0.1 MB)" in lines
    assert any(
        line.endswith("godkänd, 0 varningar, 20 vårdtillfällen, xml, profil register")
        for line in lines
    )
    assert "- xmllint's verdict: the file validates" in lines
    rows = [line.split(" | ")[0] for line in lines if line.startswith("| ")]
    assert rows == ["|", "| `xmllint --noout --schema`", "| `sir-format validate`", "| ratio"]
    assert "target of 5×" in out
    assert "episode limit" not in out
