"""The command line's language: one table of texts, Swedish by default, English with
``--lang en`` or ``SIR_FORMAT_LANG=en``, help and argparse's own texts included."""

from __future__ import annotations

import argparse
import ast
import inspect
import re
import string
from pathlib import Path

import pytest

import sir_format
from sir_format import _cli_texts, cli
from sir_format._cli_texts import ARGPARSE, TEXTS, choose_language, text
from sir_format.errors import SirFormatError
from sir_format.validation import validate
from sir_format.validation.catalog import LANGUAGES

PACKAGE = Path(sir_format.__file__).parent
EXAMPLES = PACKAGE / "examples"
CLI_MODULES = [
    PACKAGE / "cli.py",
    PACKAGE / "_cli.py",
    PACKAGE / "validation" / "cli.py",
    PACKAGE / "_completion.py",
    PACKAGE / "_cli_texts.py",
    *sorted((PACKAGE / "testing").glob("*cli*.py")),
]


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIR_FORMAT_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # one help line per option


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- the table ------------------------------------------------------------------------------


def test_the_languages_are_the_catalogs() -> None:
    assert _cli_texts.LANGUAGES == LANGUAGES == ("sv", "en")


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_both_languages_with_the_same_placeholders(key: str) -> None:
    sv, en = TEXTS[key]
    assert sv.strip() and en.strip(), key
    assert fields(sv) == fields(en), key
    assert sv.count("|") == en.count("|") <= 1, key
    if "|" in sv:
        assert "n" in fields(sv), key


def _keys_in_source() -> tuple[set[str], set[str]]:
    """(the first arguments of ``text(...)`` calls, every string constant) of the CLI modules."""
    called: set[str] = set()
    constants: set[str] = set()
    for path in CLI_MODULES:
        table = path.name == "_cli_texts.py"  # its constants are the table itself
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not table and isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "text":
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    called.add(first.value)
    return called, constants


def test_every_key_used_exists_and_every_key_is_used() -> None:
    called, constants = _keys_in_source()
    assert called, "the scan found no text() call"
    assert called - set(TEXTS) == set()
    dynamic = ("os.", "role.")  # text(f"os.{name}"), text(f"role.{role}")
    used = constants | called
    unused = {key for key in TEXTS if key not in used and not key.startswith(dynamic)}
    assert unused == set()


def test_argparse_texts_translated_are_argparse_s_own() -> None:
    source = inspect.getsource(argparse)
    for english, swedish in ARGPARSE.items():
        assert repr(english) in source or f'"{english}"' in source, english
        assert re.findall(r"%\(\w+\)\w|%\w", english) == re.findall(r"%\(\w+\)\w|%\w", swedish)


def test_text_picks_the_plural_by_count() -> None:
    assert text("summary.files", "sv", n=1) == "1 fil"
    assert text("summary.files", "sv", n=2) == "2 filer"
    assert text("summary.files", "en", n=0) == "0 files"


# --- choosing the language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, "sv"),
        (["validate", "x.xml"], {"SIR_FORMAT_LANG": "en"}, "en"),
        (["validate", "--lang", "en", "x.xml"], {}, "en"),
        (["--lang=en", "validate", "x.xml"], {}, "en"),
        (["validate", "--lang", "en", "--lang", "sv"], {"SIR_FORMAT_LANG": "en"}, "sv"),
        (["validate", "--lang", "de"], {"SIR_FORMAT_LANG": "en"}, "en"),
        (["validate", "--", "--lang", "en"], {}, "sv"),
        (["validate", "--lang"], {}, "sv"),
        ([], {"SIR_FORMAT_LANG": " "}, "sv"),
    ],
)
def test_choose_language(argv: list[str], env: dict[str, str], expected: str) -> None:
    assert choose_language(argv, env) == expected


def test_an_unknown_environment_language_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIR_FORMAT_LANG", "de")
    assert cli.main(["rules"]) == 2
    assert capsys.readouterr() == (
        "",
        "sir-format: fel: SIR_FORMAT_LANG='de' är inget känt språk; välj sv eller en\n",
    )
    assert cli.main(["rules", "--lang", "en", "R010"]) == 0  # --lang wins over the environment


def test_argparse_is_left_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    before = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    assert cli.main(["--help"]) == 0
    assert cli.main(["validate", "--format", "yaml", "x"]) == 2
    assert (argparse._, argparse.ngettext) == before  # type: ignore[attr-defined]
    capsys.readouterr()


# --- help -----------------------------------------------------------------------------------


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert cli.main(list(argv)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_help_is_swedish_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    out = help_text(capsys, "validate", "--help")
    assert out.startswith("användning: sir-format validate ")
    assert "\npositionella argument:\n" in out
    assert "\nflaggor:\n" in out
    assert "visa den här hjälptexten och avsluta" in out
    assert f"{text('validate.format', 'sv')} (standard: text)" in out
    for line in (
        "(standard: registry)",
        "(standard: 100)",
        "(standard: sv)",
        "(standard: -)",
    ):
        assert line in out
    top = help_text(capsys, "--help")
    assert "\nkommandon:\n" in top
    for command in cli.SUBCOMMANDS:
        assert f"    {command.name}" in top
        assert text(command.help, "sv") in top


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--help", "--lang", "en"],
        ["--lang", "en", "validate", "--help"],
        ["validate", "--lang=en", "--help"],
    ],
)
def test_help_is_english_with_lang_en_anywhere(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = help_text(capsys, *argv)
    assert out.startswith("usage: sir-format validate ")
    assert "\npositional arguments:\n" in out
    assert "\noptions:\n" in out
    assert "(default: registry)" in out
    assert text("validate.quiet", "en") in out
    assert "användning" not in out


def test_help_is_english_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIR_FORMAT_LANG", "en")
    assert help_text(capsys, "convert", "--help").startswith("usage: sir-format convert ")


def test_every_option_of_every_command_has_help_in_both_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for lang in LANGUAGES:
        with _cli_texts.language(lang):
            parser = cli.build_parser()
        [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for name, child in sub.choices.items():
            for action in child._actions:
                assert action.help, (lang, name, action.dest)


# --- errors ---------------------------------------------------------------------------------


def error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    return err


def test_usage_errors_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert error(capsys, "validate") == (
        "sir-format: fel: följande argument krävs: PATH (se 'sir-format validate --help')\n"
    )
    assert error(capsys, "validate", "--lang", "en") == (
        "sir-format: error: the following arguments are required: PATH "
        "(see 'sir-format validate --help')\n"
    )
    assert error(capsys, "frobnicate").startswith(
        "sir-format: fel: argumentet COMMAND: ogiltigt val:"
    )
    assert error(capsys, "schema", "--xsd", "--json") == (
        "sir-format: fel: argumentet --json: kan inte användas tillsammans med --xsd "
        "(se 'sir-format schema --help')\n"
    )


def test_convert_errors_in_swedish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert error(capsys, "convert", str(EXAMPLES / "ima.xml"), str(tmp_path / "x.txt")) == (
        f"sir-format: fel: kan inte avgöra formatet för utdata '{tmp_path / 'x.txt'}' av "
        "filändelsen (kända: .xml, .json); ange --to\n"
    )
    assert error(capsys, "convert", str(EXAMPLES / "ima.xml"), "-") == (
        "sir-format: fel: utskrift till standard ut kräver --to xml eller --to json\n"
    )
    missing = tmp_path / "missing.xml"
    assert error(capsys, "convert", str(missing), str(tmp_path / "out.json")) == (
        f"sir-format: fel: {missing}: filen eller mappen finns inte\n"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.xml", b"<SIRDataVer52><Huvud/></SIRDataVer52>"),
        ("bad.xml", b"<SIRDataVer52><Huvud>"),
        ("bad.json", b'{"Huvud": null}'),
        ("bad.json", b"["),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_convert_shows_the_finding_validate_reports(
    name: str, content: bytes, lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    err = error(capsys, "convert", "--lang", lang, str(source), str(tmp_path / "out.xml"))
    reader = sir_format.from_xml if name.endswith(".xml") else sir_format.from_json
    with pytest.raises(SirFormatError) as raised:
        reader(content)
    finding = raised.value.finding
    assert finding is not None
    assert (finding.code, finding.path, finding.message(lang)) in {
        (f.code, f.path, f.message(lang)) for f in validate(content).findings
    }
    where = [finding.path] if finding.path else []
    if finding.line:
        line = text("error.line", lang, line=finding.line)
        if finding.column:
            line += ", " + text("error.column", lang, column=finding.column)
        where.append(line)
    prefix = "fel" if lang == "sv" else "error"
    expected = f"{finding.code}: {finding.message(lang)}"
    if where:
        expected += f" ({text('error.where', lang, where='; '.join(where))})"
    assert err == f"sir-format: {prefix}: {' '.join(expected.split())}\n"


def test_stdin_that_is_neither_xml_nor_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"hello")))
    assert error(capsys, "convert", "-", "-", "--to", "json") == (
        "sir-format: fel: kan inte avgöra formatet: indata börjar varken med '<' eller '{'\n"
    )


def test_progress_line_in_both_languages() -> None:
    assert text("validate.progress", "sv", name="a.xml", count=250) == (
        "\ra.xml: 250 vårdtillfällen"
    )
    assert text("validate.progress", "en", name="a.xml", count=250) == "\ra.xml: 250 episodes"


def test_profile_names_are_shown_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    ima = str(EXAMPLES / "ima.xml")
    shown = {}
    for profile, word in (
        ("wellformed", "välformad"),
        ("schema", "schema"),
        ("registry", "register"),
    ):
        assert cli.main(["validate", "--no-unit", "--profile", profile, ima]) == 0
        shown[profile] = capsys.readouterr().out.splitlines()[0]
        assert shown[profile].endswith(f", xml, profil {word}")
    assert cli.main(["validate", "--no-unit", "--lang", "en", "--profile", "wellformed", ima]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(", xml, profile wellformed")
