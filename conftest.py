"""Run every ```python block of the Markdown docs (``docs/``, ``README.md``) as a test.

pytest-markdown-docs extracts the blocks; this wiring collects only ``.md`` files (its own
``--markdown-docs`` switch would also re-import every ``.py`` file for docstrings), keeps
pytest's output capture on, and runs each block in a fresh namespace inside its own temporary
working directory, so examples that save files leave nothing behind. Blocks marked
``python notest`` are skipped by the extractor; use ``bash``/``console`` for shell snippets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem, MarkdownTextFile


class DocsCodeBlock(MarkdownInlinePythonItem):
    """One fenced Python block, run with output capture left on."""

    def runtest(self) -> None:
        namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.runner.runtest(self.test_definition, namespace)


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


@pytest.fixture(autouse=True)
def _docs_block_in_temporary_directory(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if isinstance(request.node, DocsCodeBlock):
        monkeypatch.chdir(tmp_path_factory.mktemp("docs"))
