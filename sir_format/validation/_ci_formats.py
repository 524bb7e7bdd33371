"""Validation reports for CI servers: GitHub workflow commands and a GitLab Code Quality report.

- :func:`to_github`: each file's summary line (plain text in the log), then one workflow
  command per finding (``::error file=F,line=L,col=C,title=CODE::message``), which GitHub
  Actions shows as an annotation on the file and in the run's summary. Fatal findings and
  errors are ``error``, warnings ``warning``; findings left out by ``max_findings`` are one
  ``notice`` per file.
- :func:`to_gitlab`: a Code Quality report (a JSON array of issues), which GitLab shows in
  merge requests. Severities map as ``fatal`` → ``blocker`` (the file is rejected),
  ``error`` → ``critical`` (the episode is rejected), ``warning`` → ``minor`` (accepted,
  to check). The fingerprint is a SHA-256 of what names the finding (file, code, element,
  episode, its English message with identities masked), not of its line or language, so it
  stays the same when other lines move.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sir_format.validation._base import Severity
from sir_format.validation.report import (
    Reports,
    _check_lang,
    _omitted_line,
    _reports,
    _summary,
    printable,
)

__all__ = ["GITLAB_SEVERITY", "github_data", "github_property", "to_github", "to_gitlab"]

_GITHUB_LEVEL = {Severity.FATAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning"}

GITLAB_SEVERITY = {
    Severity.FATAL: "blocker",
    Severity.ERROR: "critical",
    Severity.WARNING: "minor",
}
"""The Code Quality severity of each finding severity."""


def github_data(text: str) -> str:
    """``text`` as the message of a workflow command: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """``text`` as a property value of a workflow command: also ``:`` and ``,`` escaped."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(reports: Reports, *, lang: str = "sv", reveal_identities: bool = False) -> str:
    """GitHub Actions workflow commands, one line per finding, after each file's summary
    line (plain log text)."""
    _check_lang(lang)
    lines: list[str] = []
    for report in _reports(reports):
        source = printable(report.source)
        summary = printable(_summary(report, lang))
        # a log line that starts with "::" would be read as a command
        lines.append(" " + summary if summary.startswith("::") else summary)
        for f in report.findings:
            props = {"file": source}
            if f.line:
                props["line"] = str(f.line)
                if f.column:
                    props["col"] = str(f.column)
            props["title"] = f.code
            message = f.message(lang, reveal_identities=reveal_identities)
            if f.path:
                message = f"{f.path}: {message}"
            shown = ",".join(f"{k}={github_property(v)}" for k, v in props.items())
            lines.append(
                f"::{_GITHUB_LEVEL[f.severity]} {shown}::{github_data(printable(message))}"
            )
        omitted = _omitted_line(report, lang)
        if omitted:
            note = github_data(printable(omitted))
            lines.append(f"::notice file={github_property(source)}::{note}")
    return "".join(line + "\n" for line in lines)


def to_gitlab(
    reports: Reports, *, lang: str = "sv", reveal_identities: bool = False
) -> list[dict[str, Any]]:
    """A GitLab Code Quality report: one issue per finding."""
    _check_lang(lang)
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for report in _reports(reports):
        source = printable(report.source)
        for f in report.findings:
            message = printable(f.message(lang, reveal_identities=reveal_identities))
            path = printable(f.path)
            # the same in every language, and never with an identity number in it
            named = printable(f.message("en"))
            key = "\x00".join((source, f.code, path, printable(f.episode or ""), named))
            # the same finding twice in one place (e.g. a repeated row) gets its own fingerprint
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            digest = hashlib.sha256(f"{key}\x00{nth}".encode()).hexdigest()
            issues.append(
                {
                    "type": "issue",
                    "check_name": f.code,
                    "description": f"{f.code} {path}: {message}"
                    if path
                    else f"{f.code} {message}",
                    "severity": GITLAB_SEVERITY[f.severity],
                    "fingerprint": digest,
                    "location": {"path": source, "lines": {"begin": f.line or 1}},
                }
            )
    return issues


def gitlab_bytes(issues: list[dict[str, Any]]) -> bytes:
    """The Code Quality report as UTF-8 JSON."""
    return (json.dumps(issues, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
