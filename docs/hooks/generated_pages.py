"""MkDocs hook: fill generated sections of the docs from the library's own data.

A page asks for generated content with a marker line::

    <!-- generated: model-reference -->

and the hook replaces the marker with the output of the renderer of that name when the site is
built. An unknown marker fails the build, so a typo cannot ship an empty page.

Renderers are discovered: every other module in this folder that defines ``MARKER`` (the marker
name) and ``render() -> str`` (Markdown) is one. To add a generated page, for example the
rules reference rendered from the rule catalog:

1. write ``docs/hooks/rules_reference.py`` with ``MARKER = "rules-reference"`` and ``render()``,
   reading everything from the library (never a hand-written list);
2. create the page (``docs/reference/rules.md``) with the marker line;
3. add the page to ``nav`` in ``mkdocs.yml``.

No change to this file is needed. ``tests/test_docs.py`` renders every discovered renderer and
checks that every marker in the docs has one.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MARKER = re.compile(r"^<!-- generated: ([a-z0-9-]+) -->$", re.MULTILINE)


def discover() -> dict[str, Callable[[], str]]:
    """Marker name → renderer, from the modules beside this one."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    found: dict[str, Callable[[], str]] = {}
    for path in sorted(HERE.glob("*.py")):
        if path.stem == Path(__file__).stem or path.stem.startswith("_"):
            continue
        module = importlib.import_module(path.stem)
        name, render = getattr(module, "MARKER", None), getattr(module, "render", None)
        if isinstance(name, str) and callable(render):
            if name in found:
                raise ValueError(f"two renderers for marker {name!r}")
            found[name] = render
    return found


RENDERERS = discover()


class UnknownMarkerError(LookupError):
    """A page asks for a generated section that no renderer provides."""


def expand(markdown: str) -> str:
    """Replace every marker line in ``markdown`` by its rendered Markdown."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        renderer = RENDERERS.get(name)
        if renderer is None:
            known = ", ".join(sorted(RENDERERS))
            raise UnknownMarkerError(f"unknown generated section {name!r} (known: {known})")
        return renderer()

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs event: expand markers before the page is rendered."""
    return expand(markdown)
