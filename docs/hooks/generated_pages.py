"""MkDocs hook: fill generated sections of the docs from the library's own metadata.

A page asks for generated content with a marker line::

    <!-- generated: model-reference -->

and the hook replaces the marker with the output of the renderer of that name when the site is
built. An unknown marker fails the build, so a typo cannot ship an empty page.

Adding a generated page (for example the rules reference, rendered from the rule catalog):

1. write ``docs/hooks/<name>.py`` with a ``render() -> str`` function returning Markdown;
2. register it in :data:`RENDERERS` below under a marker name;
3. create the page with the marker line and add it to ``nav`` in ``mkdocs.yml``.

``tests/test_docs.py`` renders every registered marker, so a renderer that breaks fails the
test suite as well as the build.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import model_reference  # noqa: E402

RENDERERS: dict[str, Callable[[], str]] = {
    "model-reference": model_reference.render,
    # "rules-reference": rules_reference.render,  (added with the rule catalog)
}

MARKER = re.compile(r"^<!-- generated: ([a-z0-9-]+) -->$", re.MULTILINE)


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
