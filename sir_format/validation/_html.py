"""Validation reports as one self-contained HTML page, for the people at a unit.

:func:`to_html` writes a page that needs nothing but itself: the CSS is inline, the charts are
inline SVG, there is no script, no font and no image to load, and a Content-Security-Policy
forbids the browser to fetch anything. The only addresses in it are links (``<a href>``) to
the rules reference of the documentation, which load nothing when the page is opened.

The page has a summary (files, episodes, errors, warnings, what the severities mean for the
upload), bar charts of findings per rule and per module, and the findings of each file per
episode. Every text taken from the input goes through :func:`~sir_format.validation.report.
printable` and is HTML-escaped; identity numbers are masked unless ``reveal_identities``.
The markup is also well-formed XML, so any XML or HTML parser reads it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape
from importlib import metadata

from sir_format.metadata import model_info
from sir_format.models import SIRData
from sir_format.validation._base import Severity
from sir_format.validation._findings import Finding
from sir_format.validation._links import help_uri
from sir_format.validation.catalog import catalog
from sir_format.validation.report import (
    _WORDS,
    Reports,
    ValidationReport,
    _check_lang,
    _group_title,
    _groups,
    _omitted_line,
    _reports,
    _skipped_line,
    _summary,
    printable,
    severity_legend,
    where,
)

__all__ = ["CHART_ROWS", "module_of", "to_html"]

_EPISODE = model_info(SIRData).by_py["vardtillfalle"].wire_name

CHART_ROWS = 20
"""Bars per chart; the rest are summed in one last bar."""

_COLORS = {Severity.FATAL: "#8b0000", Severity.ERROR: "#d32f2f", Severity.WARNING: "#e0a800"}
_ORDER = (Severity.FATAL, Severity.ERROR, Severity.WARNING)

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #1b1b1b; background: #fff;
  line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
table { border-collapse: collapse; margin: .5rem 0; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem;
  border-bottom: 1px solid #e3e3e3; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: .75rem 0; }
.card { border: 1px solid #ddd; border-radius: .4rem; padding: .5rem .9rem; min-width: 8rem; }
.card b { display: block; font-size: 1.5rem; }
.sev { display: inline-block; padding: 0 .4rem; border-radius: .25rem; font-weight: 600;
  font-size: .85rem; color: #fff; }
.sev-fatal { background: #8b0000; }
.sev-error { background: #d32f2f; }
.sev-warning { background: #e0a800; color: #1b1b1b; }
.ok { color: #1b5e20; font-weight: 600; }
.bad { color: #b71c1c; font-weight: 600; }
.where { color: #555; font-size: .9rem; }
table.findings { table-layout: fixed; }
table.findings th:nth-child(1) { width: 7rem; }
table.findings th:nth-child(2) { width: 6.5rem; }
table.findings th:nth-child(3) { width: 38%; }
table.findings td.where { overflow-wrap: anywhere; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.charts figure { margin: 0; flex: 1 1 30rem; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: .3rem .75rem; }
dl.legend dd { margin: 0; }
footer { margin-top: 2rem; color: #666; font-size: .85rem; }
"""


def _e(text: str) -> str:
    """Text from anywhere, as HTML: printable, then escaped (quotes too)."""
    return escape(printable(text), quote=True)


def _version() -> str:
    try:
        return metadata.version("sir-format")
    except metadata.PackageNotFoundError:  # pragma: no cover - bare source tree
        return "0.0.0"


def module_of(finding: Finding, lang: str) -> str:
    """The module a finding is in: the element below the episode (``Grunddata``, ``SAPS3``),
    the episode itself, the top element of a file-level finding (``Huvud``), or the file."""
    location = finding.location
    if not location:
        return _WORDS[lang]["file"]
    if location[0][0] != _EPISODE or len(location) == 1:
        return location[0][0]
    return location[1][0]


def _bars(counts: dict[str, Counter[Severity]], lang: str, caption: str) -> str:
    """A horizontal bar chart (inline SVG), one stacked bar per key, largest first."""
    rows = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    if len(rows) > CHART_ROWS:
        rest: Counter[Severity] = Counter()
        for _, counter in rows[CHART_ROWS - 1 :]:
            rest.update(counter)
        label = f"{_WORDS[lang]['page others']} ({len(rows) - CHART_ROWS + 1})"
        rows = [*rows[: CHART_ROWS - 1], (label, rest)]
    top = max((sum(c.values()) for _, c in rows), default=1)
    label_w, bar_w, row_h = 150, 330, 22
    height = row_h * len(rows) + 4
    width = label_w + bar_w + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-size="12">',
        f"<title>{_e(caption)}</title>",
    ]
    for i, (key, counter) in enumerate(rows):
        y = 2 + i * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_e(key)}</text>')
        x = float(label_w)
        for severity in _ORDER:
            n = counter.get(severity, 0)
            if not n:
                continue
            w = max(bar_w * n / top, 1.0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{_COLORS[severity]}"><title>{_e(_WORDS[lang][severity.value])}: '
                f"{n}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 5:.1f}" y="{y + 15}">{sum(counter.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _charts(items: list[ValidationReport], lang: str) -> str:
    words = _WORDS[lang]
    per_rule: dict[str, Counter[Severity]] = {}
    per_module: dict[str, Counter[Severity]] = {}
    for report in items:
        for f in report.findings:
            per_rule.setdefault(f.code, Counter())[f.severity] += 1
            per_module.setdefault(module_of(f, lang), Counter())[f.severity] += 1
    if not per_rule:
        return ""
    figures = "".join(
        f"<figure><figcaption>{_e(caption)}</figcaption>{_bars(counts, lang, caption)}</figure>"
        for caption, counts in (
            (words["page per rule"], per_rule),
            (words["page per module"], per_module),
        )
    )
    return f'<div class="charts">{figures}</div>'


def _summary_section(items: list[ValidationReport], lang: str) -> str:
    words = _WORDS[lang]
    fatal = sum(len(r.fatal) for r in items)
    cards = (
        (words["page files"], str(len(items))),
        (words["page episodes"], str(sum(len(r.episodes) for r in items))),
        (words["page errors"], f"{sum(len(r.errors) for r in items)} ({fatal})"),
        (words["page warnings"], str(sum(len(r.warnings) for r in items))),
    )
    out = [f"<h2>{_e(words['page summary'])}</h2>", '<div class="cards">']
    out.extend(f'<div class="card">{_e(name)}<b>{_e(value)}</b></div>' for name, value in cards)
    out.append("</div>")
    out.append(
        f"<table><tr><th>{_e(words['page file'])}</th><th>{_e(words['page result'])}</th></tr>"
    )
    for report in items:
        state = "ok" if report.ok else "bad"
        text = _summary(report, lang).removeprefix(f"{report.source}: ")
        out.append(
            f"<tr><td><code>{_e(report.source)}</code></td>"
            f'<td class="{state}">{_e(text)}</td></tr>'
        )
    out.append("</table>")
    out.append(f"<h3>{_e(words['severities'])}</h3>")
    out.append('<dl class="legend">')
    for severity, (label, meaning) in zip(_ORDER, severity_legend(_ORDER, lang), strict=True):
        out.append(
            f'<dt><span class="sev sev-{severity.value}">{_e(label)}</span></dt>'
            f"<dd>{_e(meaning)}</dd>"
        )
    out.append("</dl>")
    return "".join(out)


def _finding_row(report: ValidationReport, f: Finding, lang: str, reveal: bool) -> str:
    words = _WORDS[lang]
    code = _e(f.code)
    if f.code in catalog():
        title = catalog()[f.code].title_in(lang)
        code = f'<a href="{_e(help_uri(f.code))}" title="{_e(title)}">{code}</a>'
    place = " ".join(part for part in (where(report, f), f.path) if part)
    return (
        f'<tr><td><span class="sev sev-{f.severity.value}">{_e(words[f.severity.value])}'
        f"</span></td><td><code>{code}</code></td>"
        f'<td class="where"><code>{_e(place)}</code></td>'
        f"<td>{_e(f.message(lang, reveal_identities=reveal))}</td></tr>"
    )


def _report_section(report: ValidationReport, lang: str, reveal: bool) -> str:
    words = _WORDS[lang]
    out = [
        f"<h3><code>{_e(report.source)}</code></h3>",
        f"<p>{_e(_summary(report, lang).removeprefix(f'{report.source}: '))}</p>",
    ]
    omitted = _omitted_line(report, lang)
    if omitted:
        out.append(f"<p>{_e(omitted)}</p>")
    head = "".join(
        f"<th>{_e(words['page ' + name])}</th>"
        for name in ("severity", "code", "place", "message")
    )
    groups = list(_groups(report))
    if not groups:
        out.append(f'<p class="ok">{_e(words["page none"])}</p>')
    for index, findings in groups:
        label = _group_title(index, findings, lang)
        rows = "".join(_finding_row(report, f, lang, reveal) for f in findings)
        out.append(f'<h4>{_e(label)}</h4><table class="findings"><tr>{head}</tr>{rows}</table>')
    if report.skipped:
        items = "".join(f"<li>{_e(_skipped_line(s, lang, words))}</li>" for s in report.skipped)
        out.append(f"<ul>{items}</ul>")
    return "".join(out)


def to_html(reports: Reports, *, lang: str = "sv", reveal_identities: bool = False) -> str:
    """One self-contained HTML page: summary, charts and the findings per episode."""
    _check_lang(lang)
    items = _reports(reports)
    words = _WORDS[lang]
    shown = "revealed" if reveal_identities else "masked"
    body: Iterable[str] = (
        f"<h1>{_e(words['page title'])}</h1>",
        f"<p>{_e(words['page intro'])} {_e(words[f'page {shown}'])}</p>",
        _summary_section(items, lang),
        _charts(items, lang),
        f"<h2>{_e(words['page findings'])}</h2>",
        *(_report_section(r, lang, reveal_identities) for r in items),
        f"<footer>{_e(words['page made by'])} sir-format {_e(_version())}</footer>",
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}" xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<meta charset="utf-8"/>'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\"/>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{_e(words['page title'])}</title><style>{_CSS}</style></head>\n"
        f"<body>{''.join(body)}</body></html>\n"
    )
