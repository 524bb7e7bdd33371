"""Addresses of the documentation: where each finding code is explained.

One base address (:data:`DOCS_URL`, the site's ``site_url``) and one anchor function, shared
by the rules reference page (``docs/hooks/rules_reference.py`` writes the anchors) and the
outputs (SARIF ``helpUri``, the JSON report's ``help_uri``, the HTML report's links).
"""

from __future__ import annotations

__all__ = ["DOCS_URL", "RULES_PAGE", "help_uri", "rule_anchor"]

DOCS_URL = "https://sir-format.github.io/sir-format/"
"""The documentation site (mkdocs ``site_url``)."""

RULES_PAGE = "reference/rules/"
"""The rules reference page, relative to :data:`DOCS_URL` (``docs/reference/rules.md``)."""


def rule_anchor(code: str) -> str:
    """The anchor of ``code`` on the rules reference page: ``SIR-R021`` → ``sir-r021``."""
    return code.lower()


def help_uri(code: str) -> str:
    """The documentation address of ``code``: the rules page with the code's anchor."""
    return f"{DOCS_URL}{RULES_PAGE}#{rule_anchor(code)}"
