"""Validation reports as text, JSON, SARIF 2.1.0, JUnit XML, GitHub, GitLab and HTML.

Every function takes one :class:`~sir_format.validation.ValidationReport` or several (one per
file) and a language. Identity numbers are masked unless ``reveal_identities=True``.

- :func:`to_text`: for people, grouped by episode, most severe first (defined with the report
  type in :mod:`sir_format.validation.report`, so that ``report.render()`` needs no output
  module).
- :func:`to_json`: for programs; the layout is published as the JSON Schema
  ``sir_format/schemas/validation-report.schema.json`` (:func:`report_schema`).
- :func:`to_sarif`: SARIF 2.1.0 for code-scanning dashboards.
- :func:`to_junit`: JUnit XML for CI test reports: one test suite per file, one test case per
  episode (plus one for the file itself), failures for fatal findings and errors.
- :func:`to_github` and :func:`to_gitlab`: GitHub workflow commands (annotations) and a GitLab
  Code Quality report (in :mod:`sir_format.validation._ci_formats`).
- :func:`to_html`: one self-contained HTML page for people (in
  :mod:`sir_format.validation._html`).

Each finding code's documentation address (:func:`help_uri`) is in SARIF (``helpUri``), JSON
(``help_uri``) and HTML.

Every format shows findings left out by ``max_findings`` (``report.omitted``), and every text
taken from a finding goes through :func:`printable`, so any content gives valid output.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import cache
from importlib import metadata, resources
from pathlib import PurePath
from typing import IO, Any
from urllib.parse import quote

from lxml import etree

from sir_format.validation._base import Severity
from sir_format.validation._ci_formats import (
    GITLAB_SEVERITY,
    github_data,
    github_property,
    gitlab_bytes,
    to_github,
    to_gitlab,
)
from sir_format.validation._findings import Finding
from sir_format.validation._html import to_html
from sir_format.validation._links import DOCS_URL, help_uri
from sir_format.validation.catalog import Rule, catalog, format_value
from sir_format.validation.report import (
    _WORDS,
    Reports,
    ValidationReport,
    _check_lang,
    _episode_label,
    _groups,
    _omitted_line,
    _reports,
    printable,
    to_text,
)

__all__ = [
    "COLOR_CHOICES",
    "DOCS_URL",
    "FORMATS",
    "GITLAB_SEVERITY",
    "REPORT_FORMAT",
    "SARIF_SCHEMA",
    "github_data",
    "github_property",
    "help_uri",
    "printable",
    "render",
    "report_schema",
    "to_dict",
    "to_github",
    "to_gitlab",
    "to_html",
    "to_json",
    "to_junit",
    "to_sarif",
    "to_text",
    "use_color",
]

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "html")
"""Output formats :func:`render` knows."""

COLOR_CHOICES = ("auto", "always", "never")
"""When the text output is coloured (see :func:`use_color`)."""

REPORT_FORMAT = "sir_format.validation-report/1"
"""Value of the ``format`` member of JSON reports (the version of their layout)."""

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL = "sir-format"


def _printable_tree(value: Any) -> Any:
    """Every string (keys too) of a JSON-like value through :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(k): _printable_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_tree(v) for v in value]
    return value


def _version() -> str:
    try:
        return metadata.version("sir-format")
    except metadata.PackageNotFoundError:  # pragma: no cover - bare source tree
        return "0.0.0"


# --------------------------------------------------------------------------- JSON


def _finding_dict(f: Finding, lang: str, reveal: bool) -> dict[str, Any]:
    rule = catalog().get(f.code)
    return {
        "code": f.code,
        "severity": f.severity.value,
        "title": rule.title_in(lang) if rule is not None else f.code,
        "help_uri": help_uri(f.code) if rule is not None else None,
        "message": f.message(lang, reveal_identities=reveal),
        "path": f.path,
        "xpath": f.xpath,
        "json_pointer": f.json_pointer,
        "line": f.line,
        "column": f.column,
        "episode": f.episode,
        "episode_index": f.episode_index,
        "params": {
            name: format_value(value, lang, reveal_identities=reveal)
            for name, value in f.params.items()
        },
    }


def _report_dict(report: ValidationReport, lang: str, reveal: bool) -> dict[str, Any]:
    return {
        "source": report.source,
        "format": report.format,
        "profile": report.profile,
        "unit": report.unit,
        "layers": [layer.value for layer in report.layers],
        "ok": report.ok,
        "complete": report.complete,
        "episodes": len(report.episodes),
        "summary": {
            "fatal": len(report.fatal),
            "error": len(report.errors) - len(report.fatal),
            "warning": len(report.warnings),
            "skipped": len(report.skipped),
        },
        "findings": [_finding_dict(f, lang, reveal) for f in report.findings],
        "omitted": dict(report.omitted),
        "skipped": [
            {
                "codes": list(s.codes),
                "reason": s.message(lang),
                "episode": s.episode,
                "episode_index": s.episode_index,
                "path": s.path,
            }
            for s in report.skipped
        ],
    }


def to_dict(
    reports: Reports, *, lang: str = "sv", reveal_identities: bool = False
) -> dict[str, Any]:
    """The JSON report as Python builtins (see :func:`report_schema`)."""
    _check_lang(lang)
    items = [_report_dict(r, lang, reveal_identities) for r in _reports(reports)]
    return {
        "format": REPORT_FORMAT,
        "tool": {"name": TOOL, "version": _version()},
        "lang": lang,
        "ok": all(item["ok"] for item in items),
        "reports": _printable_tree(items),
    }


def to_json(
    reports: Reports, *, lang: str = "sv", reveal_identities: bool = False, pretty: bool = True
) -> bytes:
    """The JSON report, UTF-8."""
    data = to_dict(reports, lang=lang, reveal_identities=reveal_identities)
    text = json.dumps(data, ensure_ascii=False, indent=2 if pretty else None)
    return (text + "\n").encode("utf-8")


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`to_json` output."""
    source = resources.files("sir_format").joinpath("schemas", "validation-report.schema.json")
    loaded: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return loaded


# --------------------------------------------------------------------------- SARIF

_LEVELS = {Severity.FATAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning"}


def _uri(source: str) -> str:
    source = printable(source)
    if source.startswith("<"):
        return quote(source.strip("<>"))
    return quote(PurePath(source).as_posix(), safe="/:")


def _full_description(rule: Rule, lang: str) -> str:
    """What the rule checks: the dictionary's check in English; in Swedish, where the
    dictionary states checks in English only, the Swedish message the rule reports."""
    if lang == "en" and rule.check:
        return rule.check
    group = rule.group.sv if lang == "sv" else rule.group.en
    return f"{group}: {rule.template(lang)}"


def _sarif_rule(rule: Rule, lang: str) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": "".join(word[:1].upper() + word[1:] for word in re.findall(r"\w+", rule.title.en)),
        "shortDescription": {"text": rule.title_in(lang)},
        "fullDescription": {"text": _full_description(rule, lang)},
        "helpUri": help_uri(rule.code),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"severity": rule.severity.value, "layer": rule.layer.value},
    }


def to_sarif(
    reports: Reports, *, lang: str = "sv", reveal_identities: bool = False
) -> dict[str, Any]:
    """One SARIF 2.1.0 log with one run; every file is an artifact."""
    _check_lang(lang)
    items = _reports(reports)
    used = sorted({f.code for r in items for f in r.findings})
    rules = [catalog()[code] for code in used if code in catalog()]
    rule_index = {rule.code: i for i, rule in enumerate(rules)}
    artifacts = [{"location": {"uri": _uri(r.source)}} for r in items]
    results: list[dict[str, Any]] = []
    for artifact, report in enumerate(items):
        for f in report.findings:
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": _uri(report.source), "index": artifact}
            }
            if f.line:
                region: dict[str, Any] = {"startLine": f.line}
                if f.column:
                    region["startColumn"] = f.column
                physical["region"] = region
            location: dict[str, Any] = {"physicalLocation": physical}
            if f.path:
                location["logicalLocations"] = [{"fullyQualifiedName": f.path, "kind": "element"}]
            result: dict[str, Any] = {
                "ruleId": f.code,
                "level": _LEVELS[f.severity],
                "message": {"text": f.message(lang, reveal_identities=reveal_identities)},
                "locations": [location],
                "properties": {
                    "severity": f.severity.value,
                    "episode": f.episode,
                    "xpath": f.xpath,
                    "jsonPointer": f.json_pointer,
                },
            }
            if f.code in rule_index:
                result["ruleIndex"] = rule_index[f.code]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": _version(),
                        "rules": [_sarif_rule(rule, lang) for rule in rules],
                    }
                },
                "artifacts": artifacts,
                "results": _printable_tree(results),
                "invocations": [_sarif_invocation(items, lang)],
            }
        ],
    }


def _sarif_invocation(items: list[ValidationReport], lang: str) -> dict[str, Any]:
    """The invocation, with a notification for each file whose findings were not all listed."""
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notes = [
        {
            "level": "note",
            "descriptor": {"id": "findings-omitted"},
            "message": {"text": printable(_omitted_line(report, lang) or "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(report.source), "index": artifact}
                    }
                }
            ],
            "properties": {"omitted": dict(report.omitted)},
        }
        for artifact, report in enumerate(items)
        if report.omitted
    ]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


# --------------------------------------------------------------------------- JUnit


def to_junit(reports: Reports, *, lang: str = "sv", reveal_identities: bool = False) -> bytes:
    """JUnit XML: a test suite per file, a test case per episode and one for the file."""
    _check_lang(lang)
    suites = etree.Element("testsuites", name=f"{TOOL} validate")
    totals = {"tests": 0, "failures": 0}
    for report in _reports(reports):
        tests, failures = _junit_suite(suites, report, lang, reveal_identities)
        totals["tests"] += tests
        totals["failures"] += failures
    suites.set("tests", str(totals["tests"]))
    suites.set("failures", str(totals["failures"]))
    suites.set("errors", "0")
    return bytes(etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    """A child element; its text and attribute values through :func:`printable`."""
    child = etree.SubElement(parent, tag, {k: printable(v) for k, v in attrs.items()})
    if text is not None:
        child.text = printable(text)
    return child


def _junit_cases(report: ValidationReport, lang: str) -> list[tuple[str, list[Finding]]]:
    """(test case name, findings): the file, each episode seen, then any episode past them.

    When findings were left out (``report.omitted``), an episode without a listed finding may
    still have failed, so only the episodes with a listed finding are test cases.
    """
    by_episode: dict[int | None, list[Finding]] = dict(_groups(report))
    cases = [("file", by_episode.get(None, []))]
    for index, key in enumerate(report.episodes):
        if index in by_episode or not report.omitted:
            cases.append((_episode_label(index, key, lang), by_episode.get(index, [])))
    for later, extra in by_episode.items():
        if later is not None and later >= len(report.episodes):
            cases.append((_episode_label(later, None, lang), extra))
    return cases


def _junit_suite(
    suites: etree._Element, report: ValidationReport, lang: str, reveal: bool
) -> tuple[int, int]:
    """Add the test suite of one report; (tests, failures)."""
    suite = _sub(suites, "testsuite", name=report.source)
    props = _sub(suite, "properties")
    for name, value in (("format", report.format), ("profile", report.profile)):
        _sub(props, "property", name=name, value=value)
    for code, n in report.omitted.items():
        _sub(props, "property", name=f"omitted.{code}", value=str(n))
    cases = _junit_cases(report, lang)
    failures = 0
    for name, findings in cases:
        case = _sub(suite, "testcase", classname=report.source, name=name)
        errors = [f for f in findings if f.severity is not Severity.WARNING]
        warnings = [f for f in findings if f.severity is Severity.WARNING]
        if errors:
            failures += 1
            message = errors[0].message(lang, reveal_identities=reveal)
            lines = "\n".join(_junit_line(f, lang, reveal) for f in errors)
            _sub(case, "failure", lines, type=errors[0].code, message=message)
        if warnings:
            _sub(case, "system-out", "\n".join(_junit_line(f, lang, reveal) for f in warnings))
    omitted = _omitted_line(report, lang)
    if omitted:
        _sub(suite, "system-out", omitted)
    counts = {"tests": len(cases), "failures": failures, "errors": 0, "skipped": 0}
    for name, count in counts.items():
        suite.set(name, str(count))
    return len(cases), failures


def _junit_line(f: Finding, lang: str, reveal: bool) -> str:
    where = f.path or "-"
    if f.line:
        where += f" ({_WORDS[lang]['line']} {f.line})"
    message = f.message(lang, reveal_identities=reveal)
    return printable(f"{f.severity.value} {f.code} {where}: {message}")


# --------------------------------------------------------------------------- dispatch


def use_color(
    choice: str = "auto", stream: IO[Any] | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether the text output is coloured: ``always``, ``never``, or ``auto``.

    ``auto`` colours when ``stream`` is a terminal, unless ``NO_COLOR`` is set to any
    non-empty value (no-color.org) or ``TERM`` is ``dumb``; ``FORCE_COLOR`` set to a non-empty
    value other than ``0`` colours even when the output is not a terminal (a CI log).
    ``NO_COLOR`` wins over ``FORCE_COLOR``.
    """
    if choice not in COLOR_CHOICES:
        raise ValueError(
            f"unknown colour choice {choice!r}; use one of {', '.join(COLOR_CHOICES)}"
        )
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb" or stream is None:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


def render(
    reports: Reports,
    format: str = "text",
    *,
    lang: str = "sv",
    reveal_identities: bool = False,
    color: bool = False,
) -> bytes:
    """Any output format of :data:`FORMATS` as bytes; ``color`` colours the text format."""
    if format == "text":
        text = to_text(reports, lang=lang, reveal_identities=reveal_identities, color=color)
        return text.encode("utf-8")
    if format == "github":
        return to_github(reports, lang=lang, reveal_identities=reveal_identities).encode("utf-8")
    if format == "gitlab":
        return gitlab_bytes(to_gitlab(reports, lang=lang, reveal_identities=reveal_identities))
    if format == "html":
        return to_html(reports, lang=lang, reveal_identities=reveal_identities).encode("utf-8")
    if format == "json":
        return to_json(reports, lang=lang, reveal_identities=reveal_identities)
    if format == "sarif":
        data = to_sarif(reports, lang=lang, reveal_identities=reveal_identities)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if format == "junit":
        return to_junit(reports, lang=lang, reveal_identities=reveal_identities)
    raise ValueError(f"unknown output format {format!r}; use one of {', '.join(FORMATS)}")
