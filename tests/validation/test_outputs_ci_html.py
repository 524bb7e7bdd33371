"""Outputs for CI servers and people: colour, GitHub, GitLab, HTML, help addresses, legend."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from rulekit import FIXTURES
from test_outputs import SECRET, _handmade, _reports

from sir_format.cli import main
from sir_format.validation import Finding, Severity, Text, ValidationReport, outputs
from sir_format.validation._html import CHART_ROWS, module_of
from sir_format.validation._links import DOCS_URL, RULES_PAGE, help_uri, rule_anchor
from sir_format.validation.catalog import catalog

ROOT = Path(__file__).resolve().parents[2]
ESC = "\x1b"

# --------------------------------------------------------------------------- help addresses


def test_help_uri_is_the_anchor_on_the_rules_page() -> None:
    assert help_uri("SIR-R021") == DOCS_URL + RULES_PAGE + "#sir-r021"
    page = (ROOT / "docs" / "reference" / "rules.md").read_text(encoding="utf-8")
    assert "<!-- generated: rules-reference -->" in page
    spec = importlib.util.spec_from_file_location(
        "rules_reference", ROOT / "docs" / "hooks" / "rules_reference.py"
    )
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    rendered = hook.render()
    for code in catalog():
        assert f'<span id="{rule_anchor(code)}"></span>`{code}`' in rendered


def test_docs_url_is_the_site_url() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^site_url:\s*(\S+)\s*$", config, re.MULTILINE)
    assert found is not None, "mkdocs.yml has no site_url"
    assert found.group(1) == DOCS_URL
    assert (ROOT / "docs" / RULES_PAGE.rstrip("/")).with_suffix(".md").is_file()


def test_sarif_and_json_carry_the_help_uri() -> None:
    log = outputs.to_sarif(_handmade(), lang="en")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r["helpUri"] for r in rules} == {
        "SIR-R010": DOCS_URL + "reference/rules/#sir-r010",
        "SIR-R026": DOCS_URL + "reference/rules/#sir-r026",
        "SIR-X001": DOCS_URL + "reference/rules/#sir-x001",
    }
    document = outputs.to_dict(_handmade(), lang="en")
    assert [f["help_uri"] for f in document["reports"][0]["findings"]] == [
        DOCS_URL + "reference/rules/#sir-x001",
        DOCS_URL + "reference/rules/#sir-r010",
        DOCS_URL + "reference/rules/#sir-r026",
    ]
    unknown = ValidationReport(findings=(Finding("SIR-X999", Severity.ERROR, {}, ()),))
    document = outputs.to_dict(unknown)
    assert document["reports"][0]["findings"][0]["help_uri"] is None
    jsonschema.validate(document, outputs.report_schema())
    document["reports"][0]["findings"][0]["help_uri"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, outputs.report_schema())


# --------------------------------------------------------------------------- SARIF in Swedish


def test_sarif_descriptions_follow_the_language() -> None:
    rule = catalog()["SIR-R010"]
    for lang in ("sv", "en"):
        log = outputs.to_sarif(_handmade(), lang=lang)
        (described,) = [
            r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == rule.code
        ]
        group = rule.group.sv if lang == "sv" else rule.group.en
        assert described["shortDescription"]["text"] == rule.title_in(lang)
        full = f"{group}: {rule.template(lang)}" if lang == "sv" else rule.check
        assert described["fullDescription"]["text"] == full
        message = log["runs"][0]["results"][1]["message"]["text"]
        assert message == _handmade().findings[1].message(lang)
    sv = outputs.to_sarif(_handmade(), lang="sv")["runs"][0]["tool"]["driver"]["rules"]
    assert sv[0]["shortDescription"]["text"] == "Personnummer"
    assert sv[0]["fullDescription"]["text"] == (
        "Identitet: personnummer, födelsedatum, kön: Personnumret {v} är ogiltigt ({reason})."
    )


# --------------------------------------------------------------------------- text and colour


def test_text_explains_the_severities_found() -> None:
    sv = outputs.to_text(_handmade()).splitlines()
    assert sv[-4:] == [
        "Allvarlighetsgrader:",
        "  KRITISKT hela filen avvisas vid uppladdningen",
        "  FEL      vårdtillfället avvisas; resten av filen läses in",
        "  VARNING  uppgifterna tas emot men flaggas; kontrollera dem",
    ]
    only_warning = replace(_handmade(), findings=_handmade().findings[2:])
    en = outputs.to_text(only_warning, lang="en").splitlines()
    assert en[-3:] == [
        "",
        "Severities:",
        "  WARNING  the data are accepted and flagged; check them",
    ]
    clean = outputs.to_text(_reports()[0], lang="en")
    assert "Severities" not in clean and clean.count("\n") == 1


def test_text_location_is_file_line_column() -> None:
    first = _handmade().findings[1]
    report = replace(_handmade(), findings=(replace(first, column=7),))
    text = outputs.to_text(report, lang="en")
    assert (
        "    ERROR    SIR-R010  reports/a.xml:14:7 Vårdtillfälle[1]/Grunddata/Personnummer\n"
        in text
    )


def test_colour_marks_severity_code_and_location() -> None:
    plain = outputs.to_text(_handmade(), lang="en")
    coloured = outputs.to_text(_handmade(), lang="en", color=True)
    assert ESC not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert (
        f"    {ESC}[31mERROR{ESC}[0m    {ESC}[1mSIR-R010{ESC}[0m  "
        f"{ESC}[2mreports/a.xml:14 Vårdtillfälle[1]/Grunddata/Personnummer{ESC}[0m\n"
    ) in coloured
    assert f"    {ESC}[1;31mFATAL{ESC}[0m    {ESC}[1mSIR-X001{ESC}[0m" in coloured
    assert f"    {ESC}[33mWARNING{ESC}[0m  {ESC}[1mSIR-R026{ESC}[0m" in coloured
    assert outputs.render(_handmade(), "text", color=True).decode("utf-8") == (
        outputs.to_text(_handmade(), color=True)
    )


def test_colour_escapes_control_characters_from_the_input() -> None:
    first = _handmade().findings[1]
    hostile = replace(first, params={**first.params, "reason": Text(sv="\x1b[2J", en="\x1b[2J")})
    text = outputs.to_text(replace(_handmade(), findings=(hostile,)), color=True)
    assert "\\x1b[2J" in text and "\x1b[2J" not in text


class _Tty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("choice", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "0"}, False),
        ("auto", True, {"NO_COLOR": "x", "FORCE_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_use_color(choice: str, tty: bool, env: dict[str, str], expected: bool) -> None:
    assert outputs.use_color(choice, _Tty(tty), env) is expected


def test_use_color_without_a_stream_and_with_a_bad_choice() -> None:
    assert outputs.use_color("auto", None, {}) is False
    with pytest.raises(ValueError, match="colour choice 'sometimes'"):
        outputs.use_color("sometimes", None, {})


def test_cli_color_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    text = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    bad.write_text(text.replace("<Kön>Man</Kön>", "<Kön>Okänd</Kön>"), encoding="utf-8")
    assert main(["validate", "--color", "always", str(bad)]) == 1
    assert f"{ESC}[1;31mKRITISKT{ESC}[0m" in capsys.readouterr().out
    assert main(["validate", str(bad)]) == 1  # captured output is no terminal
    assert ESC not in capsys.readouterr().out
    assert main(["validate", "--color", "rainbow", str(bad)]) == 2
    assert "--color" in capsys.readouterr().err


# --------------------------------------------------------------------------- GitHub


def test_github_workflow_commands() -> None:
    lines = outputs.render(_handmade(), "github", lang="en").decode("utf-8").splitlines()
    assert lines == [
        "reports/a.xml: 2 errors, 1 warning, 2 episodes, xml, profile registry",
        "::error file=reports/a.xml,line=3,title=SIR-X001::The XML is not well-formed: broken.",
        "::error file=reports/a.xml,line=14,title=SIR-R010::Vårdtillfälle[1]/Grunddata/"
        "Personnummer: Personnummer 19571106**** is invalid (check digit).",
        "::warning file=reports/a.xml,line=21,title=SIR-R026::Vårdtillfälle[1]/Grunddata/"
        "Ankomsttid: Hospital arrival 2023-10-01T14:05:00 is more than a year before the "
        "episode.",
    ]


def test_github_escapes_properties_and_data() -> None:
    assert outputs.github_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert outputs.github_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    first = _handmade().findings[0]
    odd = replace(first, params={"detail": "100% : ok, no"}, column=4)
    report = replace(_handmade(), findings=(odd,), source="dir:x,y%.xml", omitted={"SIR-X001": 2})
    lines = outputs.render(report, "github", lang="en").decode("utf-8").splitlines()
    assert lines[1] == (
        "::error file=dir%3Ax%2Cy%25.xml,line=3,col=4,title=SIR-X001::"
        "The XML is not well-formed: 100%25 : ok, no."
    )
    assert lines[2] == ("::notice file=dir%3Ax%2Cy%25.xml::… and 2 more findings (SIR-X001: 2)")
    colons = replace(report, source="::warning x.xml", omitted={})
    assert outputs.to_github(colons).splitlines()[0].startswith(" ::warning x.xml: ")


# --------------------------------------------------------------------------- GitLab


def test_gitlab_code_quality_report() -> None:
    issues = json.loads(outputs.render(_handmade(), "gitlab", lang="en"))
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        ("SIR-X001", "blocker", {"path": "reports/a.xml", "lines": {"begin": 3}}),
        ("SIR-R010", "critical", {"path": "reports/a.xml", "lines": {"begin": 14}}),
        ("SIR-R026", "minor", {"path": "reports/a.xml", "lines": {"begin": 21}}),
    ]
    assert issues[1]["description"] == (
        "SIR-R010 Vårdtillfälle[1]/Grunddata/Personnummer: "
        "Personnummer 19571106**** is invalid (check digit)."
    )
    assert all(re.fullmatch("[0-9a-f]{64}", i["fingerprint"]) for i in issues)
    assert len({i["fingerprint"] for i in issues}) == 3
    assert outputs.GITLAB_SEVERITY == {
        Severity.FATAL: "blocker",
        Severity.ERROR: "critical",
        Severity.WARNING: "minor",
    }


def test_gitlab_fingerprint_is_stable() -> None:
    base = outputs.to_gitlab(_handmade(), lang="en")
    assert outputs.to_gitlab(_handmade(), lang="sv")[1]["fingerprint"] == base[1]["fingerprint"]
    moved = [replace(f, line=(f.line or 0) + 10) for f in _handmade().findings]
    shifted = outputs.to_gitlab(replace(_handmade(), findings=tuple(moved)), lang="en")
    assert [i["fingerprint"] for i in shifted] == [i["fingerprint"] for i in base]
    revealed = outputs.to_gitlab(_handmade(), reveal_identities=True)
    assert revealed[1]["fingerprint"] == base[1]["fingerprint"]
    assert SECRET in revealed[1]["description"]
    key = "\x00".join(
        (
            "reports/a.xml",
            "SIR-R010",
            "Vårdtillfälle[1]/Grunddata/Personnummer",
            "VT-1",
            "Personnummer 19571106**** is invalid (check digit).",
        )
    )
    assert base[1]["fingerprint"] == hashlib.sha256(f"{key}\x000".encode()).hexdigest()
    twice = replace(_handmade(), findings=(_handmade().findings[1],) * 2)
    assert len({i["fingerprint"] for i in outputs.to_gitlab(twice)}) == 2
    without_line = replace(_handmade(), findings=(replace(_handmade().findings[0], line=None),))
    assert outputs.to_gitlab(without_line)[0]["location"]["lines"] == {"begin": 1}


# --------------------------------------------------------------------------- HTML

_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _html(reports: object, **kw: object) -> etree._Element:
    data = outputs.render(reports, "html", **kw)  # type: ignore[arg-type]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def _ns(tag: str) -> str:
    return f"{{http://www.w3.org/1999/xhtml}}{tag}"


def _text(root: etree._Element) -> str:
    return "".join(root.itertext())


def external_references(root: etree._Element) -> list[str]:
    """Every address the page would load: src, href (but links to the docs), url(), @import."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            docs_link = element.tag == _ns("a") and value.startswith(DOCS_URL)
            loads = local in ("src", "srcset", "data", "poster", "action", "background")
            if (
                loads
                or (local == "href" and not docs_link)
                or (local == "style" and "url(" in value)
            ):
                found.append(value)
        if element.tag in (_ns("style"), "{http://www.w3.org/2000/svg}style"):
            css = element.text or ""
            found.extend(re.findall(r"url\(|@import", css))
    return found


def test_html_is_well_formed_and_self_contained() -> None:
    root = _html([*_reports(), _handmade()])
    assert root.tag == _ns("html") and root.get("lang") == "sv"
    assert external_references(root) == []
    links = [a.get("href") for a in root.iter(_ns("a"))]
    assert links and all(link == help_uri(link.rsplit("#", 1)[1].upper()) for link in links)
    assert root.find(f".//{_ns('script')}") is None
    assert root.find(f".//{_ns('link')}") is None
    policy = root.find(f".//{_ns('meta')}[@http-equiv='Content-Security-Policy']")
    assert policy is not None and policy.get("content", "").startswith("default-src 'none'")


def test_the_reference_check_finds_what_a_page_would_load() -> None:
    page = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><link href="//cdn.example/x.css"/>'
        '<style>body { background: url("https://x.example/a.png") }</style></head>'
        f'<body><img src="http://x.example/b.png"/><a href="{DOCS_URL}ok">docs</a>'
        '<a href="https://elsewhere.example/">no</a></body></html>'
    )
    assert external_references(etree.fromstring(page)) == [
        "//cdn.example/x.css",
        "url(",
        "http://x.example/b.png",
        "https://elsewhere.example/",
    ]


def test_html_summary_charts_and_findings() -> None:
    reports = [*_reports(), _handmade()]
    root = _html(reports)
    text = _text(root)
    cards = [_text(card) for card in root.iter(_ns("div")) if card.get("class") == "card"]
    errors = sum(len(r.errors) for r in reports)
    fatal = sum(len(r.fatal) for r in reports)
    assert cards == [
        f"Filer{len(reports)}",
        f"Vårdtillfällen{sum(len(r.episodes) for r in reports)}",
        f"Fel (varav kritiska){errors} ({fatal})",
        f"Varningar{sum(len(r.warnings) for r in reports)}",
    ]
    for meaning in (
        "hela filen avvisas vid uppladdningen",
        "vårdtillfället avvisas; resten av filen läses in",
        "uppgifterna tas emot men flaggas; kontrollera dem",
    ):
        assert meaning in text
    svgs = list(root.iter("{http://www.w3.org/2000/svg}svg"))
    assert [_text(svg.find("{http://www.w3.org/2000/svg}title")) for svg in svgs] == [
        "Anmärkningar per regel",
        "Anmärkningar per modul",
    ]
    codes = sorted({f.code for r in reports for f in r.findings})
    labels = [t.text for t in svgs[0].iter("{http://www.w3.org/2000/svg}text")]
    assert sorted(labels[0::2]) == codes
    modules = [t.text for t in svgs[1].iter("{http://www.w3.org/2000/svg}text")][0::2]
    assert modules == ["Grunddata", "Filen"]
    assert "Vårdtillfälle #2 VT-2" in text and "Ej kontrollerat" in text
    rows = root.findall(f".//{_ns('td')}[@class='where']")
    assert "reports/a.xml:14 Vårdtillfälle[1]/Grunddata/Personnummer" in [_text(r) for r in rows]


def test_html_in_english() -> None:
    root = _html(_handmade(), lang="en")
    assert root.get("lang") == "en"
    text = _text(root)
    assert "Validation report" in text and "Findings per rule" in text
    assert "the whole file is rejected at upload" in text
    assert "Valideringsrapport" not in text


def test_html_masks_identities_unless_revealed() -> None:
    for reports in (_handmade(), _reports()):
        masked = outputs.render(reports, "html").decode("utf-8")
        assert SECRET not in masked and "19571106****" in masked
        assert "Identitetsnummer visas maskerade." in masked
    revealed = outputs.render(_handmade(), "html", reveal_identities=True).decode("utf-8")
    assert SECRET in revealed and "Identitetsnummer visas i klartext." in revealed


def test_html_escapes_everything_from_the_input() -> None:
    evil = '<script>alert("x")</script>&amp;'
    first = _handmade().findings[0]
    odd = replace(first, params={"detail": evil}, episode=evil)
    report = replace(_handmade(), findings=(odd,), source=f"{evil}.xml")
    data = outputs.render(report, "html").decode("utf-8")
    assert "<script>" not in data
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;" in data
    root = _html(report)
    assert f"{evil}.xml" in _text(root)
    assert f"The XML is not well-formed: {evil}." in _text(_html(report, lang="en"))


def test_html_chart_sums_the_rarest_rules() -> None:
    codes = sorted(catalog())[: CHART_ROWS + 5]
    findings = tuple(
        Finding(code, Severity.WARNING, {}, (), line=i + 1) for i, code in enumerate(codes)
    )
    root = _html(ValidationReport(findings=findings, source="many.xml"))
    svg = next(root.iter("{http://www.w3.org/2000/svg}svg"))
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")][0::2]
    assert len(labels) == CHART_ROWS
    assert labels[-1] == "övriga (6)"
    assert len(svg.findall("{http://www.w3.org/2000/svg}rect")) == CHART_ROWS


# --------------------------------------------------------------------------- in a browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_INSTALL = (
    "headless Chromium is not installed; install it with `apt-get install -y chromium` "
    "(Debian's package; .ci/run installs it in CI)"
)


def open_in_chromium(page: Path, work: Path) -> tuple[str, list[str], list[str]]:
    """Open ``page`` in headless Chromium: (DOM as rendered, console messages, addresses the
    page asked for). Host names resolve nowhere, so nothing leaves the machine."""
    assert CHROMIUM is not None
    netlog = work / "net.json"
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={netlog}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    requested = []
    for event in json.loads(netlog.read_text(encoding="utf-8"))["events"]:
        params = event.get("params", {})
        # requests made for a page opened from a file (the browser's own traffic has another key)
        if "url" in params and str(params.get("network_isolation_key", "")).startswith("file:"):
            requested.append(params["url"])
    return result.stdout, console, requested


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        pytest.skip(_INSTALL)
    return CHROMIUM


def test_html_report_renders_in_chromium(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert main(["validate", "--format", "html", "-o", str(page), *_cli_inputs(tmp_path)]) == 1
    dom, console, requested = open_in_chromium(page, tmp_path)
    assert console == []
    assert requested == []
    assert "<h1>Valideringsrapport</h1>" in dom
    assert dom.count("<svg") == 2
    assert SECRET not in dom


def test_the_browser_check_sees_console_errors_and_requests(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="https://x.example/a.png">'
        '<script>console.error("broken page")</script></body></html>',
        encoding="utf-8",
    )
    _, console, requested = open_in_chromium(page, tmp_path)
    assert len(console) == 1 and '"broken page"' in console[0]
    assert requested == ["https://x.example/a.png"]


def _cli_inputs(tmp_path: Path) -> list[str]:
    text = (FIXTURES / "file_a_iva.xml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(
        text.replace("<Personnummer>195711069137<", f"<Personnummer>{SECRET}<").replace(
            "<Kön>Man</Kön>", "<Kön>Okänd</Kön>"
        ),
        encoding="utf-8",
    )
    return [str(FIXTURES / "file_a_iva.xml"), str(bad), str(FIXTURES / "file_b_ima.json")]


def test_module_of_a_finding() -> None:
    episode = (("Vårdtillfälle", 0),)
    cases = [
        ((), "Filen"),
        ((("Huvud", None), ("HsaId", None)), "Huvud"),
        (episode, "Vårdtillfälle"),
        ((*episode, ("SAPS3", None), ("Puls", None)), "SAPS3"),
    ]
    for location, module in cases:
        finding = Finding("SIR-R001", Severity.ERROR, {}, location)
        assert module_of(finding, "sv") == module
    assert module_of(Finding("SIR-X001", Severity.FATAL, {}, ()), "en") == "File"


def test_every_text_of_the_outputs_is_in_both_languages() -> None:
    from sir_format.validation.report import _WORDS

    assert set(_WORDS) == {"sv", "en"}
    assert set(_WORDS["sv"]) == set(_WORDS["en"])
    assert all(_WORDS["sv"].values()) and all(_WORDS["en"].values())
