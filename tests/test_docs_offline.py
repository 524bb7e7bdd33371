"""The built documentation site works offline and shows its navigation on every page.

Hospital networks are often offline, so no page may load anything from outside the site: no
web fonts, no scripts or stylesheets from a CDN, no remote images. Plain links (``<a href>``)
to other sites are fine: nothing is fetched until the reader follows one. The site is built
once for this module with the same command as ``scripts/check`` (``mkdocs build --strict``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# <link rel=...> values that name a document without fetching it.
_NOT_FETCHED = frozenset({"canonical", "prev", "next", "alternate", "author", "license", "help"})
# Elements and attributes whose URL the browser fetches while showing the page.
_FETCHED = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
_EXTERNAL = re.compile(r"\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _is_external(url: str) -> bool:
    """True for an absolute URL with a host (``https://``, ``http://``, ``//``); ``data:`` and
    relative URLs stay on the page or the site."""
    return bool(_EXTERNAL.match(url))


def css_references(css: str) -> list[str]:
    """The URLs a stylesheet fetches: ``url(...)`` and ``@import "..."``."""
    matches = sorted(
        [*_CSS_URL.finditer(css), *_CSS_IMPORT.finditer(css)], key=lambda m: m.start()
    )
    return [next(g for g in m.groups() if g is not None).strip() for m in matches]


class _Resources(HTMLParser):
    """Collects the URLs an HTML page fetches, and the attributes of the primary sidebar."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetched: list[str] = []
        self.sidebars: list[dict[str, str | None]] = []
        self.classes: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.classes.update((values.get("class") or "").split())
        if tag == "link":
            rels = set((values.get("rel") or "").lower().split())
            if not rels or not rels <= _NOT_FETCHED:
                self._add(values.get("href"))
        for name in _FETCHED.get(tag, ()):
            value = values.get(name)
            if value and name.endswith("srcset"):
                for candidate in value.split(","):
                    self._add(candidate.strip().split(" ")[0])
            else:
                self._add(value)
        if values.get("style"):
            self.fetched += css_references(values["style"] or "")
        if "md-sidebar--primary" in (values.get("class") or "").split():
            self.sidebars.append(values)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.fetched += css_references(data)

    def _add(self, url: str | None) -> None:
        if url:
            self.fetched.append(url)


def parse(html: str) -> _Resources:
    parser = _Resources()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, _Resources]:
    found = {
        str(path.relative_to(site)): parse(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }
    assert "index.html" in found
    assert "checking-before-upload/index.html" in found
    return found


# --- the checker itself ----------------------------------------------------------------------


def test_the_checker_finds_every_kind_of_fetched_resource_and_ignores_links() -> None:
    page = parse(
        """<html><head>
        <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
        <link rel="preconnect" href="https://fonts.gstatic.com">
        <link rel="icon" href="//cdn.example/favicon.png">
        <link rel="canonical" href="https://sir-format.example/page/">
        <link rel="stylesheet" href="assets/main.css">
        <script src="https://unpkg.com/mermaid@11/dist/mermaid.min.js"></script>
        <script src="assets/bundle.js"></script>
        <style>@import "https://cdn.example/a.css";
        .x { background: url('http://e.example/b.png') }
        .y { background: url("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>") }
        </style></head><body>
        <a href="https://www.icuregswe.org/">SIR</a>
        <img src="HTTPS://img.example/c.png"><img src="images/d.png">
        <img srcset="e.png 1x, https://img.example/f.png 2x">
        <div style="background-image: url(//img.example/g.png)"></div>
        <iframe src="https://video.example/embed"></iframe>
        </body></html>"""
    )
    external = [url for url in page.fetched if _is_external(url)]
    assert external == [
        "https://fonts.googleapis.com/css?family=Roboto",
        "https://fonts.gstatic.com",
        "//cdn.example/favicon.png",
        "https://unpkg.com/mermaid@11/dist/mermaid.min.js",
        "https://cdn.example/a.css",
        "http://e.example/b.png",
        "HTTPS://img.example/c.png",
        "https://img.example/f.png",
        "//img.example/g.png",
        "https://video.example/embed",
    ]
    assert "assets/main.css" in page.fetched
    assert "https://sir-format.example/page/" not in page.fetched
    assert "https://www.icuregswe.org/" not in page.fetched


# --- the built site --------------------------------------------------------------------------


def test_no_page_loads_anything_from_outside_the_site(pages: dict[str, _Resources]) -> None:
    external = {
        name: [url for url in page.fetched if _is_external(url)] for name, page in pages.items()
    }
    assert {name: urls for name, urls in external.items() if urls} == {}
    # The check saw the theme's own assets, so it read the pages' heads.
    assert all(any("assets/" in url for url in page.fetched) for page in pages.values())


def test_no_stylesheet_of_the_site_loads_anything_from_outside(site: Path) -> None:
    sheets = sorted(site.rglob("*.css"))
    assert any(sheet.name == "extra.css" for sheet in sheets)
    external = {
        str(sheet.relative_to(site)): [
            url for url in css_references(sheet.read_text(encoding="utf-8")) if _is_external(url)
        ]
        for sheet in sheets
    }
    assert {name: urls for name, urls in external.items() if urls} == {}


def test_nothing_makes_the_theme_fetch_from_outside(pages: dict[str, _Resources]) -> None:
    """mkdocs-material fetches some things at run time from its script: repository facts from
    the GitHub API when ``repo_url`` is set, mermaid from unpkg.com for a diagram, web fonts
    unless ``theme.font`` is false."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False
    assert "repo_url" not in config
    assert "extra_javascript" not in config
    for name, page in pages.items():
        assert not {"md-source", "mermaid", "arithmatex"} & page.classes, name


def test_every_page_shows_the_navigation(pages: dict[str, _Resources]) -> None:
    for name, page in pages.items():
        assert len(page.sidebars) == 1, name
        assert "hidden" not in page.sidebars[0], f"{name} hides the navigation"
    for reference in ("reference/model/index.html", "reference/rules/index.html"):
        assert reference in pages
