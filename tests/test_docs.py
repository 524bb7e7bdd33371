"""The documentation tooling: generated reference pages, doc-test wiring, README and CI commands.

The code blocks of the pages themselves run as tests through ``conftest.py`` at the repository
root; these tests check that nothing escapes that net and that the generated pages are complete.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from markdown_it import MarkdownIt

from sir_format import cli
from sir_format.metadata import Kind, all_models, enum_types

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HOOKS = DOCS / "hooks"
README = ROOT / "README.md"
TEST_COMMAND = 'pip install -e ".[dev]" && scripts/check'


def _load_hook(name: str) -> ModuleType:
    if str(HOOKS) not in sys.path:
        sys.path.insert(0, str(HOOKS))
    spec = importlib.util.spec_from_file_location(name, HOOKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages() -> ModuleType:
    return _load_hook("generated_pages")


@pytest.fixture(scope="module")
def reference() -> str:
    text: str = _load_hook("model_reference").render()
    return text


def _sections(markdown: str) -> dict[str, str]:
    """Level-3 sections of the reference, keyed by their anchor."""
    found = re.split(r"^### .*\{ #([\w-]+) \}$", markdown, flags=re.MULTILINE)
    return dict(zip(found[1::2], found[2::2], strict=True))


def _rows(section: str) -> dict[str, str]:
    """Table rows of a type section, keyed by the element's wire name (first code span)."""
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|(?=(?:[^`]*`[^`]*`)*[^`]*$)", line)]
        if len(cells) > 3 and cells[1].isdigit():
            rows[cells[2].split("`")[1]] = line
    return rows


# --- the generated data model reference ---------------------------------------------------


def test_reference_has_a_section_per_complex_type_with_every_element(reference: str) -> None:
    sections = _sections(reference)
    for info in all_models():
        section = sections[f"model-{info.cls.__name__}"]
        assert f"sir_format.models.{info.cls.__name__}" in section
        rows = _rows(section)
        assert list(rows) == [f.wire_name for f in info.fields], info.xsd_type
        for f in info.fields:
            row = rows[f.wire_name]
            assert f"`{f.wire_name}`<br>`{f.py_name}`" in row
            assert f.doc in row
            assert f"| {f.provenance or '–'} |" in row
            upper = "*" if f.max_occurs >= 2**31 else str(f.max_occurs)
            assert f"| {f.min_occurs}..{upper}" in row
            if f.xsd_type:
                assert f.xsd_type in row
            if f.facets.pattern is not None:
                assert f"`{f.facets.pattern}`" in row
            for limit in (f.facets.min_length, f.facets.max_length, f.facets.fraction_digits):
                if limit is not None:
                    assert str(limit) in row


def test_reference_links_complex_and_enumerated_fields_to_their_sections(reference: str) -> None:
    anchors = set(_sections(reference))
    for info in all_models():
        rows = _rows(_sections(reference)[f"model-{info.cls.__name__}"])
        for f in info.fields:
            target = {
                Kind.COMPLEX: f"model-{f.python_type.__name__}",
                Kind.ENUM: f"enum-{f.python_type.__name__}",
            }.get(f.kind)
            if f.unknown is not None:
                target = f"enum-{f.unknown.__name__}"
            if target is not None:
                assert target in anchors
                assert f"(#{target})" in rows[f.wire_name]


def test_reference_lists_every_enumeration_with_its_tokens(reference: str) -> None:
    sections = _sections(reference)
    for cls in enum_types():
        section = sections[f"enum-{cls.__name__}"]
        tokens = re.findall(r"^\| `([^`]*)` \| `", section, flags=re.MULTILINE)
        assert tokens == [m.value for m in cls]
        for member in cls:
            assert f"`{cls.__name__}.{member.name}`" in section


def test_reference_states_the_choices(reference: str) -> None:
    sections = _sections(reference)
    models_with_choices = [info for info in all_models() if info.choices]
    assert models_with_choices, "the schema has xs:choice groups"
    for info in models_with_choices:
        section = sections[f"model-{info.cls.__name__}"]
        for group in info.choices:
            for branch in group:
                assert "(" + ", ".join(f"`{n}`" for n in branch) + ")" in section


# --- the generated-pages hook ---------------------------------------------------------------


def test_marker_is_replaced_by_the_rendered_reference(pages: ModuleType, reference: str) -> None:
    page = "# Title\n\n<!-- generated: model-reference -->\n\nAfter.\n"
    expanded = pages.expand(page)
    assert expanded == f"# Title\n\n{reference}\n\nAfter.\n"
    assert pages.on_page_markdown(page, page=None, config=None, files=None) == expanded


def test_unknown_marker_fails_instead_of_rendering_nothing(pages: ModuleType) -> None:
    with pytest.raises(pages.UnknownMarkerError, match="rules-refrence"):
        pages.expand("<!-- generated: rules-refrence -->\n")


def test_every_marker_in_the_docs_names_a_renderer(pages: ModuleType) -> None:
    used = {
        match.group(1): path
        for path in DOCS.rglob("*.md")
        for match in pages.MARKER.finditer(path.read_text(encoding="utf-8"))
    }
    assert "model-reference" in used
    assert used["model-reference"] == DOCS / "reference" / "model.md"
    assert set(used) <= set(pages.RENDERERS)
    for name, renderer in pages.RENDERERS.items():
        text = renderer()
        assert text.strip(), name
        assert not pages.MARKER.search(text), name


def test_a_renderer_module_beside_the_hook_is_discovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extension point: a new module with MARKER and render() needs no other change."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    shutil.copyfile(HOOKS / "generated_pages.py", tmp_path / "generated_pages.py")
    (tmp_path / "zz_docs_test_reference.py").write_text(
        'MARKER = "docs-test-reference"\n\ndef render() -> str:\n    return "| rendered |"\n',
        encoding="utf-8",
    )
    copy = tmp_path / "generated_pages.py"
    spec = importlib.util.spec_from_file_location("docs_hook_copy", copy)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        assert set(module.RENDERERS) == {"docs-test-reference"}
        assert module.expand("<!-- generated: docs-test-reference -->") == "| rendered |"
    finally:
        sys.modules.pop("zz_docs_test_reference", None)


# --- every Python block runs ------------------------------------------------------------------


def _markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_is_a_collected_fence(path: Path) -> None:
    """A Python block hidden in an indented container (admonition, tab) would never run."""
    text = path.read_text(encoding="utf-8")
    fences = [
        token
        for token in MarkdownIt("commonmark").parse(text)
        if token.type == "fence" and token.info.split()[:1] == ["python"]
    ]
    written = re.findall(r"^[ \t>]*```\s*python\b.*$", text, flags=re.MULTILINE)
    assert len(written) == len(fences), "a python block is not a top-level fence"
    skipped = [token.info for token in fences if "notest" in token.info.split()]
    assert not skipped, "use bash/console fences for what is not Python"


# --- console sessions run as shown -----------------------------------------------------------


def _console_blocks() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """``console`` fences of the docs: (id, [(command, output lines shown), ...])."""
    blocks = []
    for path in sorted(DOCS.rglob("*.md")):
        tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
        for token in tokens:
            if token.type != "fence" or token.info.strip() != "console":
                continue
            session: list[tuple[str, list[str]]] = []
            for line in token.content.splitlines():
                if line.startswith("$ "):
                    session.append((line[2:], []))
                else:
                    session[-1][1].append(line)
            assert token.map is not None
            blocks.append((f"{path.relative_to(ROOT)}:{token.map[0] + 1}", session))
    return blocks


@pytest.mark.parametrize(
    ("where", "session"), [pytest.param(*block, id=block[0]) for block in _console_blocks()]
)
def test_console_examples_run_as_shown(
    where: str, session: list[tuple[str, list[str]]], tmp_path: Path
) -> None:
    for example in (files("sir_format") / "examples").iterdir():
        if example.is_file():
            shutil.copyfile(str(example), tmp_path / example.name)
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for command, shown in session:
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        output = (result.stdout + result.stderr).splitlines()
        assert output == shown, f"{where}: $ {command}"
        expect_failure = any(" error: " in line or " fel: " in line for line in shown)
        assert (result.returncode != 0) == expect_failure, f"{where}: $ {command}"


# --- README, scripts and CI -------------------------------------------------------------------


def _readme_commands() -> list[str]:
    tokens = MarkdownIt("commonmark").parse(README.read_text(encoding="utf-8"))
    quick_start = False
    commands: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.map is not None and token.content == "Quick start":
            quick_start = True
        elif token.type == "heading_open" and token.tag == "h2" and commands:
            break
        elif quick_start and token.type == "fence" and token.info == "bash":
            commands += [line for line in token.content.splitlines() if line.strip()]
    return commands


def test_readme_quick_start_is_two_commands_and_the_second_is_ci() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install . && sir-format ")
    assert commands[1] == TEST_COMMAND
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line.strip() == TEST_COMMAND]


def test_readme_main_command_validates_a_bundled_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = shlex.split(_readme_commands()[0].split("&&", 1)[1])
    assert argv[:2] == ["sir-format", "validate"]
    assert "--unit" in argv
    paths = [a for a in argv[2:] if not a.startswith("-")]
    for path in paths:
        assert (ROOT / path).is_file(), f"{path} is not in the repository"
    args = [str(ROOT / a) if (ROOT / a).is_file() else a for a in argv[2:]]
    assert cli.main(["validate", *args]) == 0
    out = capsys.readouterr().out
    assert "ima.xml" in out


@pytest.mark.parametrize("script", ["scripts/check", ".ci/run"])
def test_scripts_are_executable_bash_that_parses(script: str) -> None:
    path = ROOT / script
    assert path.stat().st_mode & 0o111
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_check_runs_every_step_and_fails_fast() -> None:
    text = (ROOT / "scripts" / "check").read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    steps = [
        "-m ruff check .",
        "-m ruff format --check .",
        "-m mypy",
        "-m mkdocs build --strict",
        "-m pytest",
    ]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions)
    assert text.rstrip().endswith('"$PYTHON" -m pytest'), "pytest's summary must close the output"
    mkdocs_line = next(line for line in text.splitlines() if "-m mkdocs build" in line)
    assert "--quiet" not in mkdocs_line, "--quiet hides the warnings that --strict fails on"


def _nav_pages(entries: object) -> list[str]:
    if isinstance(entries, str):
        return [entries]
    if isinstance(entries, list):
        return [page for entry in entries for page in _nav_pages(entry)]
    if isinstance(entries, dict):
        return [page for value in entries.values() for page in _nav_pages(value)]
    return []


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(nav) == pages


def test_changelog_has_an_unreleased_section_shown_in_the_docs() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## \[Unreleased\]\n\n### Added\n", changelog, flags=re.MULTILINE)
    assert '--8<-- "CHANGELOG.md"' in (DOCS / "changelog.md").read_text(encoding="utf-8")


# --- the README on a package index, and the project's addresses -----------------------------


def _project_urls() -> dict[str, str]:
    urls: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["urls"]
    return urls


_HTML_TARGET = re.compile(r"""(?:href|src)\s*=\s*["']?([^"'\s>]+)""")
_ABSOLUTE = re.compile(r"(https?://|mailto:)")


def _readme_targets(path: Path = README) -> list[str]:
    """Every link and image target of a README: Markdown links (inline, reference and
    autolinks), images, and href/src attributes of raw HTML."""
    targets: list[str] = []
    for token in MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8")):
        if token.type in ("html_block", "html_inline"):
            targets += _HTML_TARGET.findall(token.content)
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                targets.append(str(child.attrs["href"]))
            elif child.type == "image":
                targets.append(str(child.attrs["src"]))
            elif child.type in ("html_block", "html_inline") and child is not token:
                targets += _HTML_TARGET.findall(child.content)
    return targets


def _docs_page(url: str, site: str) -> Path:
    """The Markdown page behind a URL of the docs site (directory URLs, as mkdocs builds them)."""
    path = url[len(site) :].split("#", 1)[0]
    assert path == "" or path.endswith("/"), url
    return DOCS / (f"{path.rstrip('/')}.md" if path else "index.md")


def test_project_urls_are_defined_once_and_mkdocs_uses_them() -> None:
    urls = _project_urls()
    assert set(urls) == {"Homepage", "Documentation", "Repository", "Changelog", "Issues"}
    assert all(url.startswith("https://") for url in urls.values()), urls
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    site = config["site_url"]
    assert urls["Documentation"] == urls["Homepage"] == site
    assert site.endswith("/")
    assert urls["Changelog"] == f"{site}changelog/"
    assert _docs_page(urls["Changelog"], site) == DOCS / "changelog.md"
    assert urls["Issues"] == f"{urls['Repository']}/issues"
    assert [entry["link"] for entry in config["extra"]["social"]] == [urls["Repository"]]


def test_readme_links_are_absolute_so_that_they_work_on_a_package_index() -> None:
    targets = _readme_targets()
    assert len(targets) >= 15
    relative = [t for t in targets if not _ABSOLUTE.match(t)]
    assert relative == [], "the README is shown on the package index: use absolute URLs"


def test_readme_links_into_the_project_point_at_pages_and_files_that_exist() -> None:
    urls = _project_urls()
    site, repository = urls["Documentation"], urls["Repository"]
    pages = [t for t in _readme_targets() if t.startswith(site)]
    files_ = [t for t in _readme_targets() if t.startswith(f"{repository}/blob/main/")]
    assert len(pages) >= 14
    assert files_ == [f"{repository}/blob/main/LICENSE"]
    for url in pages:
        assert _docs_page(url, site).is_file(), url
    linked = {_docs_page(url, site) for url in pages}
    assert DOCS / "checking-before-upload.md" in linked
    for url in files_:
        assert (ROOT / url.removeprefix(f"{repository}/blob/main/")).is_file(), url
    other = [t for t in _readme_targets() if "sir-format" in t and t not in pages + files_]
    assert set(other) <= {site, repository}, other


def test_readme_link_checks_catch_relative_and_broken_links(tmp_path: Path) -> None:
    site = _project_urls()["Documentation"]
    broken = tmp_path / "README.md"
    broken.write_text(
        f"[a](docs/cli.md) [b]({site}no-such-page/) <a href='LICENSE'>c</a>\n\n[d]: docs/x.md\n"
        "[d] ![e](images/e.png)\n",
        encoding="utf-8",
    )
    targets = _readme_targets(broken)
    assert targets == [
        "docs/cli.md",
        f"{site}no-such-page/",
        "LICENSE",
        "docs/x.md",
        "images/e.png",
    ]
    assert [t for t in targets if not _ABSOLUTE.match(t)] == [
        "docs/cli.md",
        "LICENSE",
        "docs/x.md",
        "images/e.png",
    ]
    assert _docs_page(f"{site}no-such-page/", site) == DOCS / "no-such-page.md"
    assert not (DOCS / "no-such-page.md").exists()


# --- the page for units: "Checking a file before upload" -------------------------------------


def test_upload_page_states_each_codes_severity_as_the_catalog_does() -> None:
    from sir_format.validation import get_rule
    from sir_format.validation.report import _WORDS

    text = (DOCS / "checking-before-upload.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \[(SIR-[RX]\d{3})\]\(reference/rules\.md#([\w-]+)\) \| (\w+) \|",
        text,
        flags=re.MULTILINE,
    )
    assert len(rows) >= 10
    for code, anchor, severity in rows:
        assert anchor == code.lower()
        assert severity == _WORDS["sv"][get_rule(code).severity.value], code
    shown = {word for _, _, word in rows}
    assert shown == {_WORDS["sv"][s] for s in ("fatal", "error", "warning")}
    for word in shown:
        assert f"| **{word}** |" in text, f"the severity table explains {word}"
