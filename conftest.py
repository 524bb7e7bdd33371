"""Load the Hypothesis profile, and run every ```python block of the Markdown docs as a test.

The profile comes from ``SIR_HYPOTHESIS_PROFILE`` (``ci`` by default, ``nightly``, ``dev``); see
``tests/hypothesis_profiles.py``.

pytest-markdown-docs extracts the blocks; this wiring collects only ``.md`` files (its own
``--markdown-docs`` switch would also re-import every ``.py`` file for docstrings), keeps
pytest's output capture on, and runs each block in a fresh namespace inside its own temporary
working directory, so examples that save files leave nothing behind. Blocks marked
``python notest`` are skipped by the extractor; use ``bash``/``console`` for shell snippets.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis_profiles import register_profiles
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem, MarkdownTextFile

register_profiles()


class DocsCodeBlock(MarkdownInlinePythonItem):
    """One fenced Python block, run with output capture left on."""

    def runtest(self) -> None:
        namespace: dict[str, Any] = {"__name__": "__docs__"}
        # Plain pytest items get no fixtures, so the working directory is switched here.
        previous = os.getcwd()
        with tempfile.TemporaryDirectory(prefix="sir-format-docs-") as workdir:
            os.chdir(workdir)
            try:
                self.runner.runtest(self.test_definition, namespace)
            finally:
                os.chdir(previous)


class DocsMarkdownFile(MarkdownTextFile):
    def collect(self) -> Iterator[DocsCodeBlock]:
        for item in super().collect():  # type: ignore[no-untyped-call]
            assert isinstance(item, MarkdownInlinePythonItem)
            yield DocsCodeBlock.from_parent(
                self, name=item.name, test_definition=item.test_definition
            )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".md" and not parent.config.option.markdowndocs:
        return DocsMarkdownFile.from_parent(parent, path=file_path)
    return None
