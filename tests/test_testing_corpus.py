"""Seeded examples and corpora: ``seeded_examples``, ``write_corpus`` and
``sir-format testdata generate``."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import strategies as st

import sir_format
from sir_format import cli
from sir_format.domain import personnummer
from sir_format.domain.embedded import embedded_identity_numbers
from sir_format.models import Personnummertyp, Vardtyp
from sir_format.testing import reports, seeded_example, seeded_examples, write_corpus
from sir_format.testing.corpus import MANIFEST, MANIFEST_VERSION, manifest_bytes, schema_version
from sir_format.validation.unit import UnitDeclaration, example_path


@pytest.fixture(autouse=True)
def _swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)


def tree(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


# ------------------------------------------------------------------ seeded examples


def test_seeded_examples_are_distinct_and_follow_the_seed() -> None:
    first = seeded_examples(st.integers(0, 10**9), 20, seed=3)
    assert len(first) == len(set(first)) == 20
    assert seeded_examples(st.integers(0, 10**9), 20, seed=3) == first
    assert seeded_examples(st.integers(0, 10**9), 20, seed=4) != first


def test_seeded_examples_of_a_small_strategy() -> None:
    assert sorted(seeded_examples(st.integers(0, 2), 3, seed=1)) == [0, 1, 2]
    assert seeded_examples(st.integers(0, 2), 0, seed=1) == []
    with pytest.raises(ValueError, match=r"^the strategy gave 3 distinct examples, not 4$"):
        seeded_examples(st.integers(0, 2), 4, seed=1)
    with pytest.raises(ValueError, match=r"^count must be >= 0, got -1$"):
        seeded_examples(st.integers(), -1, seed=1)


def test_a_strategy_that_rejects_everything() -> None:
    never = st.integers().filter(lambda n: False)
    with pytest.raises(ValueError, match=r"^the strategy gave 0 distinct examples, not 1$"):
        seeded_examples(never, 1, seed=1)


def test_distinct_by_key() -> None:
    drawn = seeded_examples(st.integers(0, 100), 2, seed=5, key=lambda n: n % 2)
    assert sorted(n % 2 for n in drawn) == [0, 1]


def test_seeded_example_depends_on_the_seed() -> None:
    drawn = {seeded_example(st.integers(0, 10**9), seed=s) for s in range(5)}
    assert len(drawn) == 5
    assert seeded_example(st.integers(0, 10**9), seed=2) == seeded_example(
        st.integers(0, 10**9), seed=2
    )
    assert seeded_example(st.just("only"), seed=9) == "only"


def test_seeded_reports_are_valid_and_reproducible() -> None:
    drawn = seeded_examples(reports(vardtyp="IVA"), 4, seed=11, key=sir_format.to_xml)
    assert [sir_format.to_xml(r) for r in drawn] == [
        sir_format.to_xml(r)
        for r in seeded_examples(reports(vardtyp="IVA"), 4, seed=11, key=sir_format.to_xml)
    ]
    for report in drawn:
        assert sir_format.validate(report).ok
        assert {e.grunddata.vardtyp for e in report.vardtillfalle} == {Vardtyp.IVA}


# ------------------------------------------------------------------ write_corpus


def test_a_corpus_of_valid_reports(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    corpus = write_corpus(out, valid=2, seed=7, formats=("xml", "json"), vardtyp="TIVA")
    names = ["valid-0001.xml", "valid-0001.json", "valid-0002.xml", "valid-0002.json"]
    assert [f.name for f in corpus.files] == names
    assert sorted(tree(out)) == sorted([*names, MANIFEST])
    manifest = json.loads((out / MANIFEST).read_bytes())
    assert (out / MANIFEST).read_bytes() == manifest_bytes(corpus.manifest)
    assert manifest["manifest_version"] == MANIFEST_VERSION
    assert manifest["library"] == {"name": "sir-format", "version": sir_format.__version__}
    assert manifest["schema"] == schema_version()
    assert manifest["schema"]["format_version"] == "5.2"
    assert manifest["seed"] == 7
    assert manifest["settings"]["vardtyp"] == "TIVA"
    assert manifest["settings"]["formats"] == ["xml", "json"]
    assert manifest["settings"]["identity"] == "personnummer"
    assert [entry["name"] for entry in manifest["files"]] == names
    for entry in manifest["files"]:
        assert entry == {
            "name": entry["name"],
            "format": entry["name"].rsplit(".", 1)[1],
            "valid": True,
            "library_version": sir_format.__version__,
            "schema_version": "5.2",
            "seed": 7,
        }
        result = sir_format.validate(out / entry["name"])
        assert result.ok and result.warnings == (), result.render()
    # The two files of a report hold the same report.
    for number in ("0001", "0002"):
        xml = sir_format.from_xml((out / f"valid-{number}.xml").read_bytes())
        assert sir_format.from_json((out / f"valid-{number}.json").read_bytes()) == xml
    assert sir_format.from_xml((out / "valid-0001.xml").read_bytes()) != sir_format.from_xml(
        (out / "valid-0002.xml").read_bytes()
    )


def test_a_corpus_of_invalid_cases(tmp_path: Path) -> None:
    out = tmp_path / "cases"
    corpus = write_corpus(
        out,
        valid=1,
        invalid=3,
        seed=2,
        formats=("xml", "json"),
        defects=["SIR-X020", "X021-pattern"],
    )
    manifest = json.loads((out / MANIFEST).read_bytes())
    assert sorted(tree(out)) == sorted([MANIFEST, *(f.name for f in corpus.files)])
    entries = manifest["files"]
    assert [e["name"] for e in entries[:2]] == ["valid-0001.xml", "valid-0001.json"]
    invalid = entries[2:]
    assert [e["name"][:13] for e in invalid] == [f"invalid-000{n}-" for n in range(1, 7)]
    assert [e["format"] for e in invalid] == ["xml"] * 3 + ["json"] * 3
    assert manifest["settings"]["defects"] == ["SIR-X020", "X021-pattern"]
    for entry, file in zip(invalid, corpus.files[2:], strict=True):
        label = entry["label"]
        assert file.label is not None and not file.valid
        assert entry["valid"] is False
        assert (
            entry["name"] == f"invalid-{entry['name'][8:12]}-{label['defect']}.{entry['format']}"
        )
        assert label["defect"].startswith(("X020-", "X021-pattern"))
        assert label == {
            "defect": file.label.defect,
            "layer": "schema",
            "expected": sorted(file.label.expected),
            "location": {
                "path": file.label.path,
                "xpath": file.label.xpath,
                "json_pointer": file.label.json_pointer,
            },
            "before": file.label.before,
            "after": file.label.after,
        }
        # The file gives exactly the findings its label expects.
        found = {f.code for f in sir_format.validate(out / entry["name"]).findings}
        assert found and found <= set(label["expected"]), entry["name"]
    # Identity numbers in labels are masked unless asked for.
    assert embedded_identity_numbers((out / MANIFEST).read_text(encoding="utf-8")) == []
    assert manifest["settings"]["reveal_identities"] is False


def test_write_corpus_refuses_bad_arguments(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.xml").write_bytes(b"")
    with pytest.raises(ValueError, match=r"is not an empty directory$"):
        write_corpus(tmp_path / "full", valid=1, seed=1)
    with pytest.raises(ValueError, match=r"^formats must be one or both of xml, json$"):
        write_corpus(tmp_path / "a", valid=1, seed=1, formats=("csv",))
    with pytest.raises(ValueError, match=r"^formats must be one or both of xml, json$"):
        write_corpus(tmp_path / "a", valid=1, seed=1, formats=())
    with pytest.raises(ValueError, match=r"^the numbers of valid and invalid files must be >= 0$"):
        write_corpus(tmp_path / "a", valid=-1, seed=1)
    with pytest.raises(ValueError, match=r"^identity: number 1 of the list is not a valid"):
        write_corpus(tmp_path / "a", valid=1, seed=1, identity=["199001011234"])
    with pytest.raises(ValueError, match=r"^no defect is named 'SIR-R999' or reports it$"):
        write_corpus(tmp_path / "a", valid=0, invalid=1, seed=1, defects=["SIR-R999"])
    with pytest.raises(sir_format.SirFormatError, match=r"^vardtyp: 'ICU' is not a Vardtyp"):
        write_corpus(tmp_path / "a", valid=1, seed=1, vardtyp="ICU")
    assert not (tmp_path / "a").exists()


# ------------------------------------------------------------------ the command


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sir_format", "testdata", "generate", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "SIR_FORMAT_LANG": "sv"},
    )


def test_same_seed_gives_a_byte_identical_corpus_in_any_process(tmp_path: Path) -> None:
    runs = {}
    for name, hash_seed, seed in (("a", "1", "42"), ("b", "2", "42"), ("c", "1", "43")):
        out = tmp_path / name
        env_seed = {"PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [
                sys.executable, "-m", "sir_format", "testdata", "generate", "--valid", "3",
                "--invalid", "2", "--format", "xml,json", "--seed", seed, "--out", str(out),
                "--lang", "en",
            ],
            capture_output=True, text=True, timeout=300, check=False,
            env={**os.environ, **env_seed},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout == ""
        assert done.stderr == f"wrote 10 files and manifest.json to {out}\n"
        runs[name] = tree(out)
    assert len(runs["a"]) == 11
    assert runs["a"] == runs["b"]  # every name, every byte
    # The first report is the strategy's simplest one whatever the seed; the others differ.
    assert runs["c"]["valid-0001.xml"] == runs["a"]["valid-0001.xml"]
    for name in ("valid-0002.xml", "valid-0002.json", "valid-0003.xml", "valid-0003.json"):
        assert runs["c"][name] != runs["a"][name]
    invalid_a = [runs["a"][name] for name in sorted(runs["a"]) if name.startswith("invalid-")]
    invalid_c = [runs["c"][name] for name in sorted(runs["c"]) if name.startswith("invalid-")]
    assert len(invalid_a) == len(invalid_c) == 4 and invalid_a != invalid_c


def test_the_command_matches_the_function(tmp_path: Path) -> None:
    args = ["testdata", "generate", "--valid", "1", "--seed", "5", "--out", str(tmp_path / "cli")]
    assert cli.main(args) == 0
    write_corpus(tmp_path / "api", valid=1, seed=5)
    assert tree(tmp_path / "cli") == tree(tmp_path / "api")
    digest = hashlib.sha256((tmp_path / "cli" / "valid-0001.xml").read_bytes()).hexdigest()
    assert digest == hashlib.sha256((tmp_path / "api" / "valid-0001.xml").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--valid", "1", "--seed", "x", "--out", "{out}"],
            "argumentet --seed: fröet måste vara ett heltal, fick 'x'"
            " (se 'sir-format testdata generate --help')",
        ),
        (
            ["--valid", "-2", "--seed", "1", "--out", "{out}"],
            "argumentet --valid: förväntade ett antal >= 0, fick '-2'"
            " (se 'sir-format testdata generate --help')",
        ),
        (
            ["--valid", "1", "--format", "xml,csv", "--seed", "1", "--out", "{out}"],
            "argumentet --format: okänt format i 'xml,csv'; välj bland xml, json"
            " (se 'sir-format testdata generate --help')",
        ),
        (
            ["--seed", "1", "--out", "{out}"],
            "inget att skriva: ange --valid N, --invalid M eller båda",
        ),
        (
            ["--valid", "1", "--seed", "1", "--out", "{full}"],
            "{full} är inte en tom katalog; välj en ny eller tom katalog",
        ),
        (
            ["--valid", "1", "--seed", "1", "--identity", "{numbers}", "--out", "{out}"],
            "kan inte skapa korpusen: identity: number 2 of the list is not a valid "
            "personnummer or samordningsnummer in the 12-digit form",
        ),
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("")
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("# test numbers\n19121212-1212\n190101011234\n", encoding="utf-8")
    names = {"out": str(tmp_path / "out"), "full": str(full), "numbers": str(numbers)}
    code = cli.main(["testdata", "generate", *(a.format(**names) for a in args)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"sir-format: fel: {message.format(**names)}\n"
    assert "1234" not in err.replace(str(tmp_path), "")  # the bad number is not shown
    assert not (tmp_path / "out").exists()


def test_english_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["testdata", "generate", "--seed", "1", "--out", str(tmp_path), "--lang", "en"]
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "sir-format: error: nothing to write: give --valid N, --invalid M or both\n"
    )


def test_without_hypothesis_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "sir_format.testing.corpus", raising=False)
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    args = ["testdata", "generate", "--valid", "1", "--seed", "1", "--out", str(tmp_path / "o")]
    code = cli.main(args)
    assert code == 2
    assert capsys.readouterr().err == (
        "sir-format: fel: testdata generate behöver Hypothesis: "
        "pip install 'sir-format[testing]'\n"
    )


def test_the_parser_is_built_without_hypothesis() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from sir_format.cli import main\n"
        "raise SystemExit(main(['testdata', 'generate', '--help', '--lang', 'en']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "--seed S" in done.stdout and "--reveal-identities" in done.stdout


def test_defects_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["testdata", "generate", "--invalid", "1", "--format", "json", "--seed", "4"]
    defects = ["--defects", "SIR-X020,X024-too-long", "--defects", "X021-pattern"]
    assert cli.main([*args, *defects, "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"skrev 1 fil och manifest.json till {out}\n"
    manifest = json.loads((out / MANIFEST).read_bytes())
    assert manifest["settings"]["defects"] == ["SIR-X020", "X021-pattern", "X024-too-long"]
    assert manifest["settings"]["unit"] is None
    (entry,) = manifest["files"]
    assert entry["label"]["defect"].startswith(("X020-", "X021-", "X024-"))
    assert cli.main([*args, "--defects", "NOPE", "--out", str(tmp_path / "other")]) == 2
    assert capsys.readouterr().err == (
        "sir-format: fel: kan inte skapa korpusen: no defect is named 'NOPE' or reports it\n"
    )
    assert not (tmp_path / "other").exists()


def test_a_corpus_for_a_unit_with_another_identity_source(tmp_path: Path) -> None:
    unit = UnitDeclaration.load(example_path("iva"))
    numbers = [
        personnummer.build(date(1950, 1, 2), 123),
        personnummer.build(date(1971, 8, 9), 456),
    ]
    out = tmp_path / "unit"
    write_corpus(out, valid=2, seed=8, unit=unit, identity=numbers)
    manifest = json.loads((out / MANIFEST).read_bytes())
    assert manifest["settings"]["unit"] == {
        "hsa_id": unit.hsa_id,
        "sha256": hashlib.sha256(unit.dumps().encode("utf-8")).hexdigest(),
    }
    assert manifest["settings"]["identity"] == {"list": 2}
    assert not any(number in (out / MANIFEST).read_text(encoding="utf-8") for number in numbers)
    for name in ("valid-0001.xml", "valid-0002.xml"):
        result = sir_format.validate(out / name, unit=unit)
        assert result.ok and result.warnings == (), result.render()
        report = sir_format.from_xml((out / name).read_bytes())
        assert {e.grunddata.personnummer for e in report.vardtillfalle} <= set(numbers)
    other = tmp_path / "samordning"
    write_corpus(other, valid=1, seed=8, identity="samordningsnummer")
    report = sir_format.from_xml((other / "valid-0001.xml").read_bytes())
    assert {e.grunddata.personnummertyp for e in report.vardtillfalle} == {
        Personnummertyp.SAMORDNINGSNUMMER
    }


def test_invalid_cases_draw_their_persons_from_the_identity_source(tmp_path: Path) -> None:
    numbers = ["191212121212", "194809224464", "195711069137"]
    out = tmp_path / "cases"
    corpus = write_corpus(
        out, valid=0, invalid=3, seed=5, formats=("xml",), defects=["SIR-R021"], identity=numbers
    )
    assert len(corpus.files) == 3
    for file in corpus.files:
        report = sir_format.from_xml((out / file.name).read_bytes())
        assert {e.grunddata.personnummer for e in report.vardtillfalle} <= set(numbers)
