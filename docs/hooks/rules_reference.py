"""Render the rules reference (``docs/reference/rules.md``) from the rule catalog.

Nothing here names a rule: every row is read from :func:`sir_format.validation.catalog.rules`
when the site is built, so the page always matches ``catalog.toml``, the validator and the CLI's
``rules`` command.
"""

from __future__ import annotations

from collections.abc import Iterable

from sir_format.validation._links import rule_anchor
from sir_format.validation.catalog import Rule, rules

MARKER = "rules-reference"

_SEVERITY = {"fatal": "fatal (F)", "error": "error (E)", "warning": "warning (W)"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def anchor(rule: Rule) -> str:
    return rule_anchor(rule.code)


def _severity(rule: Rule) -> str:
    return " / ".join(_SEVERITY[s.value] for s in rule.severities)


def _messages(rule: Rule) -> str:
    if not rule.variants:
        return f"{_cell(rule.message.en)}<br>*{_cell(rule.message.sv)}*"
    return "<br>".join(
        f"**{v.key}:** {_cell(v.message.en)}<br>*{_cell(v.message.sv)}*" for v in rule.variants
    )


def _table(entries: Iterable[Rule]) -> list[str]:
    lines = [
        "| Code | Severity | Rule | Checks | Message (en) / *meddelande (sv)* | Fields |",
        "|---|---|---|---|---|---|",
    ]
    for rule in entries:
        fields = ", ".join(_code(f) for f in rule.fields) or "–"
        lines.append(
            f'| <span id="{anchor(rule)}"></span>`{rule.code}` | {_severity(rule)} '
            f"| {_cell(rule.title.en)}<br>*{_cell(rule.title.sv)}* | {_cell(rule.check)} "
            f"| {_messages(rule)} | {fields} |"
        )
    return lines


def render() -> str:
    """Markdown: one section per dictionary section, one table row per code."""
    sections: dict[str, list[Rule]] = {}
    for rule in rules():
        sections.setdefault(rule.section, []).append(rule)
    total = sum(len(group) for group in sections.values())
    out = [
        f"The catalog holds {total} codes: "
        f"{sum(1 for r in rules() if r.code.startswith('SIR-R'))} registry and unit rules "
        f"(`SIR-R…`) and {sum(1 for r in rules() if r.code.startswith('SIR-X'))} format and "
        "schema codes (`SIR-X…`).",
        "",
    ]
    for section, group in sections.items():
        first = group[0]
        number = "" if section == "X" else f"{section} "
        out.append(f"## {number}{first.group.en} — *{first.group.sv}*")
        out.append("")
        out.extend(_table(group))
        out.append("")
    return "\n".join(out)
