"""The validation report: findings, skipped rules and the plain-text rendering.

:class:`ValidationReport` is what :func:`~sir_format.validation.validate` returns;
:func:`to_text` is its human-readable form (:meth:`ValidationReport.render`). The machine
formats (JSON, SARIF, JUnit) are in :mod:`sir_format.validation.outputs`, above this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from sir_format._paths import Location, logical_path
from sir_format.errors import ValidationError
from sir_format.metadata import model_info
from sir_format.models import SIRData
from sir_format.validation._base import Layer, Severity, Text
from sir_format.validation._findings import Finding
from sir_format.validation.catalog import LANGUAGES, catalog

__all__ = [
    "Reports",
    "SkippedRules",
    "ValidationReport",
    "printable",
    "severity_legend",
    "to_text",
    "where",
]

_ERRORS = (Severity.FATAL, Severity.ERROR)
_EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name


@dataclass(frozen=True, slots=True)
class SkippedRules:
    """Rules that were not run, and why.

    ``episode``/``episode_index`` name the episode, or are ``None`` when the rules were
    skipped for the whole file. ``location`` is the episode's, or, when the rules were skipped
    because of one element of the episode (invalid, missing, or already reported as wrong by
    the finding of another rule), that element's; the reason then names it.
    """

    codes: tuple[str, ...]
    reason: Text
    episode: str | None = None
    episode_index: int | None = None
    location: Location = ()

    def message(self, lang: str = "sv") -> str:
        return self.reason.sv if lang == "sv" else self.reason.en

    @property
    def path(self) -> str:
        return logical_path(self.location)


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The result of :func:`validate`.

    Attributes:
        findings: every finding, file-level first, then by episode, most severe first.
        skipped: rules not run because their inputs failed a lower layer.
        source: the file name (``<bytes>``, ``<text>``, ``<model>`` for in-memory input).
        format: ``xml``, ``json``, ``model`` or ``unknown``.
        profile: the profile that ran; ``layers`` the layers it ran.
        episodes: the key of every episode seen (``LokaltId``, else ``#<position>``).
        complete: ``False`` when the source could not be read to its end.
        lang: the default language of :meth:`render` and of raised errors.
        omitted: findings beyond ``max_findings`` that were counted but not kept, by code.
        unit: the unit declaration used, as the command line names it (the path of its
            ``sir-enhet.toml``), or ``None``.
    """

    findings: tuple[Finding, ...]
    skipped: tuple[SkippedRules, ...] = ()
    source: str = "<input>"
    format: str = "xml"
    profile: str = "registry"
    layers: tuple[Layer, ...] = ()
    episodes: tuple[str, ...] = ()
    complete: bool = True
    lang: str = "sv"
    omitted: dict[str, int] = field(default_factory=dict)
    unit: str | None = None

    @property
    def ok(self) -> bool:
        """No fatal finding and no error (warnings are allowed)."""
        return not any(f.severity in _ERRORS for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Fatal findings and errors."""
        return tuple(f for f in self.findings if f.severity in _ERRORS)

    @property
    def fatal(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.FATAL)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def codes(self) -> list[str]:
        """The codes of all findings, in report order."""
        return [f.code for f in self.findings]

    def raise_for_errors(self, lang: str | None = None) -> None:
        """Raise :class:`ValidationError` if there is any fatal finding or error."""
        if not self.ok:
            raise ValidationError(self, lang)

    def render(self, lang: str | None = None, *, reveal_identities: bool = False) -> str:
        """Human-readable text, grouped by episode, most severe first."""
        return to_text(self, lang=lang or self.lang, reveal_identities=reveal_identities)


# --------------------------------------------------------------------------- text

Reports = ValidationReport | Iterable[ValidationReport]
"""One report, or several (one per file)."""

# The texts of the outputs for people, Swedish and English ("page ...": the HTML page's). The
# meanings of the severities are data dictionary §6's: F rejects the whole file, E the episode
# (the rest of the file is loaded), W accepts the data and flags them.
_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "fatal": "KRITISKT",
        "error": "FEL",
        "warning": "VARNING",
        "fatal means": "hela filen avvisas vid uppladdningen",
        "error means": "vårdtillfället avvisas; resten av filen läses in",
        "warning means": "uppgifterna tas emot men flaggas; kontrollera dem",
        "severities": "Allvarlighetsgrader",
        "file": "Filen",
        "episode": _EPISODE,
        "line": "rad",
        "ok": "godkänd",
        "skipped": "Ej kontrollerat",
        "not checked": "ej kontrollerad",
        "not checked, plural": "ej kontrollerade",
        "for": "för",
        "rules for": "reglerna för",
        "rules": "reglerna",
        "incomplete": "filen kunde inte läsas till slutet",
        "profile": "profil",
        "omitted": "… och {total} till",
        "unit": "enhetsdeklaration",
        "wellformed": "välformad",
        "schema": "schema",
        "registry": "register",
        "page title": "Valideringsrapport",
        "page intro": "Resultatet av kontrollen av filerna mot SIR:s format och regler.",
        "page summary": "Sammanfattning",
        "page files": "Filer",
        "page episodes": "Vårdtillfällen",
        "page errors": "Fel (varav kritiska)",
        "page warnings": "Varningar",
        "page file": "Fil",
        "page result": "Resultat",
        "page per rule": "Anmärkningar per regel",
        "page per module": "Anmärkningar per modul",
        "page findings": "Anmärkningar per vårdtillfälle",
        "page none": "Inga anmärkningar.",
        "page code": "Regel",
        "page severity": "Allvarlighet",
        "page place": "Plats",
        "page message": "Meddelande",
        "page others": "övriga",
        "page masked": "Identitetsnummer visas maskerade.",
        "page revealed": "Identitetsnummer visas i klartext.",
        "page made by": "Skapad av",
    },
    "en": {
        "fatal": "FATAL",
        "error": "ERROR",
        "warning": "WARNING",
        "fatal means": "the whole file is rejected at upload",
        "error means": "the episode is rejected; the rest of the file is loaded",
        "warning means": "the data are accepted and flagged; check them",
        "severities": "Severities",
        "file": "File",
        "episode": "Episode",
        "line": "line",
        "ok": "OK",
        "skipped": "Not checked",
        "not checked": "not checked",
        "not checked, plural": "not checked",
        "for": "for",
        "rules for": "rules for",
        "rules": "rules",
        "incomplete": "the file could not be read to its end",
        "profile": "profile",
        "omitted": "… and {total}",
        "unit": "unit declaration",
        "wellformed": "wellformed",
        "schema": "schema",
        "registry": "registry",
        "page title": "Validation report",
        "page intro": "The result of checking the files against SIR's format and rules.",
        "page summary": "Summary",
        "page files": "Files",
        "page episodes": "Episodes",
        "page errors": "Errors (of which fatal)",
        "page warnings": "Warnings",
        "page file": "File",
        "page result": "Result",
        "page per rule": "Findings per rule",
        "page per module": "Findings per module",
        "page findings": "Findings per episode",
        "page none": "No findings.",
        "page code": "Code",
        "page severity": "Severity",
        "page place": "Location",
        "page message": "Message",
        "page others": "others",
        "page masked": "Identity numbers are shown masked.",
        "page revealed": "Identity numbers are shown unmasked.",
        "page made by": "Made by",
    },
}
_COUNTED: dict[str, dict[str, tuple[str, str]]] = {
    "sv": {
        "errors": ("fel", "fel"),
        "warnings": ("varning", "varningar"),
        "episodes": ("vårdtillfälle", "vårdtillfällen"),
        "findings": ("anmärkning", "anmärkningar"),
    },
    "en": {
        "errors": ("error", "errors"),
        "warnings": ("warning", "warnings"),
        "episodes": ("episode", "episodes"),
        "findings": ("more finding", "more findings"),
    },
}


_NONCHARACTERS = "".join(
    chr(plane | 0xFFFE) + chr(plane | 0xFFFF) for plane in range(0x10000, 0x110000, 0x10000)
)
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARACTERS + "]"
)


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def printable(text: str) -> str:
    """``text`` as every output format can hold it: control characters (C0 with TAB, LF and
    CR, DEL, C1), line and paragraph separators, lone surrogates and noncharacters are shown
    as Python-style escapes (``\\x01``, ``\\ud800``, ``\\uffff``); everything else is kept."""
    return _UNSHOWABLE.sub(_escape, text) if _UNSHOWABLE.search(text) else text


def _count(n: int, what: str, lang: str) -> str:
    one, many = _COUNTED[lang][what]
    return f"{n} {one if n == 1 else many}"


def _omitted_line(report: ValidationReport, lang: str) -> str | None:
    """``… and 3 more findings (SIR-X011: 2, SIR-X020: 1)``, or None if none were left out."""
    if not report.omitted:
        return None
    counts = ", ".join(f"{code}: {n}" for code, n in report.omitted.items())
    total = _count(sum(report.omitted.values()), "findings", lang)
    return f"{_WORDS[lang]['omitted'].replace('{total}', total)} ({counts})"


def _reports(reports: Reports) -> list[ValidationReport]:
    if isinstance(reports, ValidationReport):
        return [reports]
    return list(reports)


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")


def _groups(report: ValidationReport) -> Iterator[tuple[int | None, list[Finding]]]:
    """Findings by episode (file-level first), each group most severe first."""
    groups: dict[int | None, list[Finding]] = {}
    for finding in report.findings:
        groups.setdefault(finding.episode_index, []).append(finding)
    order = sorted(groups, key=lambda k: -1 if k is None else k)
    for key in order:
        yield key, sorted(groups[key], key=lambda f: (f.severity.rank, f.line or 0))


# --------------------------------------------------------------------------- text

# ANSI styles of the coloured text output (SGR codes): severities red and yellow, codes bold,
# locations dim.
_STYLES = {
    "fatal": "1;31",
    "error": "31",
    "warning": "33",
    "code": "1",
    "where": "2",
}

_Segment = tuple[str, str | None]


def _paint(segments: Iterable[_Segment], color: bool) -> str:
    """A line from (text, style) segments: each text through :func:`printable`, then styled."""
    out = []
    for text, style in segments:
        shown = printable(text)
        if color and style is not None and shown:
            shown = f"\033[{_STYLES[style]}m{shown}\033[0m"
        out.append(shown)
    return "".join(out).rstrip()


def severity_legend(severities: Iterable[Severity], lang: str = "sv") -> list[tuple[str, str]]:
    """(label, meaning) of each severity given, most severe first: what it means for the
    upload (``KRITISKT``: the whole file is rejected, ...)."""
    _check_lang(lang)
    words = _WORDS[lang]
    chosen = sorted(set(severities), key=lambda s: s.rank)
    return [(words[s.value], words[f"{s.value} means"]) for s in chosen]


def where(report: ValidationReport, finding: Finding) -> str:
    """``file:line:column`` of a finding (``file:line`` without a column), or ``""``."""
    if not finding.line:
        return ""
    place = f"{report.source}:{finding.line}"
    return f"{place}:{finding.column}" if finding.column else place


def to_text(
    reports: Reports, *, lang: str = "sv", reveal_identities: bool = False, color: bool = False
) -> str:
    """Human-readable text: per file a summary line, then findings grouped by episode, then
    what the severities found mean. ``color`` adds ANSI colours (for a terminal)."""
    _check_lang(lang)
    words = _WORDS[lang]
    out: list[list[_Segment]] = []
    seen: set[Severity] = set()
    for report in _reports(reports):
        out.append([(_summary(report, lang), None)])
        for index, findings in _groups(report):
            out.append([("  " + _group_title(index, findings, lang), None)])
            for f in findings:
                seen.add(f.severity)
                location = " ".join(part for part in (where(report, f), f.path) if part)
                label = words[f.severity.value]
                out.append(
                    [
                        ("    ", None),
                        (label, f.severity.value),
                        (" " * (9 - len(label)), None),
                        (f.code, "code"),
                        ("  ", None),
                        (location, "where"),
                    ]
                )
                message = f.message(lang, reveal_identities=reveal_identities)
                out.append([("             " + message, None)])
        for skipped in report.skipped:
            out.append([("  " + _skipped_line(skipped, lang, words), None)])
        omitted = _omitted_line(report, lang)
        if omitted:
            out.append([("  " + omitted, None)])
    if seen:
        out.append([])
        out.append([(words["severities"] + ":", None)])
        for severity, (label, meaning) in zip(
            sorted(seen, key=lambda s: s.rank), severity_legend(seen, lang), strict=True
        ):
            out.append(
                [
                    ("  ", None),
                    (label, severity.value),
                    (" " * (9 - len(label)) + meaning, None),
                ]
            )
    return "\n".join(_paint(line, color) for line in out) + "\n"


def _summary(report: ValidationReport, lang: str) -> str:
    words = _WORDS[lang]
    state = words["ok"] if report.ok else _count(_error_count(report), "errors", lang)
    parts = [
        state,
        _count(len(report.warnings), "warnings", lang),
        _count(len(report.episodes), "episodes", lang),
    ]
    profile = words.get(report.profile, report.profile)
    parts.append(f"{report.format}, {words['profile']} {profile}")
    if report.unit is not None:
        parts.append(f"{words['unit']} {report.unit}")
    line = f"{report.source}: " + ", ".join(parts)
    if not report.complete:
        line += f" ({words['incomplete']})"
    return line


def _error_count(report: ValidationReport) -> int:
    """Fatal findings and errors, those left out by ``max_findings`` included (counted by
    their code's default severity)."""
    known = catalog()
    omitted = sum(
        n
        for code, n in report.omitted.items()
        if code in known and known[code].severity in _ERRORS
    )
    return len(report.errors) + omitted


def _episode_label(index: int, key: str | None, lang: str) -> str:
    """``Vårdtillfälle #3 VT-2024-01187`` (the key is left out when it is the position)."""
    label = f"{_WORDS[lang]['episode']} #{index + 1}"
    return label if not key or key.startswith("#") else f"{label} {key}"


def _group_title(index: int | None, findings: list[Finding], lang: str) -> str:
    if index is None:
        return _WORDS[lang]["file"]
    return _episode_label(index, findings[0].episode, lang)


def _skipped_line(skipped: SkippedRules, lang: str, words: Mapping[str, str]) -> str:
    """``SIR-R014 ej kontrollerad för Vårdtillfälle #1 VT-1: Grunddata/Kön är ogiltigt`` for
    rules skipped because of one element or finding of an episode; else
    ``Ej kontrollerat: reglerna för … (reason)``."""
    if skipped.episode_index is None:
        what = words["rules"]
    else:
        label = _episode_label(skipped.episode_index, skipped.episode, lang)
        if len(skipped.location) > 1:  # below the episode: an element, or a finding there
            state = words["not checked" if len(skipped.codes) == 1 else "not checked, plural"]
            codes = ", ".join(skipped.codes)
            return f"{codes} {state} {words['for']} {label}: {skipped.message(lang)}"
        what = f"{words['rules for']} {label}"
    return f"{words['skipped']}: {what} ({skipped.message(lang)})"
