"""Helpers shared by the rule tests: the dictionary examples, runners that call the registered
rules directly and check what they report against the catalog, and small report builders.

The runners work at two levels: :func:`hits` and :func:`file_hits` return the rules' own
``Hit`` objects, each checked against its catalog placeholders; :func:`episode_findings`,
:func:`file_findings` and :func:`one` return ``Finding`` objects as the validator reports them,
each with a completely rendered message.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sir_format import from_xml
from sir_format._paths import Location, Step
from sir_format.models import (
    PIM3,
    Higgins,
    HigginsIntagningsorsak,
    Huvud,
    JaNej,
    JaNejEjTillampbart,
    JaNejOkant,
    PIM3Ingrepp,
    Sederingsregistrering,
    SIRData,
    UtskrivenTill,
    Utskrivningsorsak,
    VardeOkant,
    Vardresultat,
    Vardtillfalle,
)
from sir_format.validation._core import (
    EpisodeContext,
    Finding,
    Hit,
    Layer,
    registered_episode_rules,
    registered_file_rules,
)
from sir_format.validation.catalog import get_rule, placeholders
from sir_format.validation.unit import UnitDeclaration, example_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# The dictionary examples, parsed once and shared by every test module: read them, never change
# them (file_a(), file_b() and episode() give fresh copies).
# File A (9.1): IVA, born 1957-11-06 (66 at the start), stay 2024-11-03 16:40 … 2024-11-06 11:20,
# action DG021, Behandlingsstrategi Ja/Nej/time/FullaInsatser.
FILE_A = from_xml((FIXTURES / "file_a_iva.xml").read_bytes())
# File B (9.2): IMA, 76 at the start, stay 2025-05-12 … 2025-05-13, NEMS and Omvårdnad,
# action DG023, Behandlingsstrategi Nej.
FILE_B = from_xml((FIXTURES / "file_b_ima.xml").read_bytes())

# Decorator: parametrize a test's ``report`` argument with both examples (ids ``A``, ``B``).
each_example = pytest.mark.parametrize("report", [FILE_A, FILE_B], ids=["A", "B"])

# The bundled example unit declarations (sir-enhet.toml) that go with files A and B.
IVA_UNIT = UnitDeclaration.load(example_path("iva"))
IMA_UNIT = UnitDeclaration.load(example_path("ima"))

UNKNOWN = VardeOkant.VARDE_OKANT


# -- fresh copies of the examples ------------------------------------------------------------


def file_a() -> SIRData:
    """A copy of file A, safe to change."""
    return copy.deepcopy(FILE_A)


def file_b() -> SIRData:
    """A copy of file B, safe to change."""
    return copy.deepcopy(FILE_B)


def episode(report: SIRData = FILE_A) -> Vardtillfalle:
    """A copy of the first episode of ``report``, safe to change."""
    return copy.deepcopy(report.vardtillfalle[0])


# -- running the registered rules ----------------------------------------------------------


def episode_rule_hits(code: str, ctx: EpisodeContext) -> list[Hit]:
    """What every episode rule registered under ``code`` reports for ``ctx``, unchecked."""
    rules = [fn for c, fn in registered_episode_rules() if c == code]
    assert rules, f"no episode rule registered for {code}"
    return [hit for rule in rules for hit in rule(ctx)]


def file_rule_hits(code: str, report: SIRData, unit: UnitDeclaration | None = None) -> list[Hit]:
    """What every file rule registered under ``code`` reports, fed the report as the validator
    does (header, one episode at a time, finish), unchecked."""
    factories = [factory for c, factory in registered_file_rules() if c == code]
    assert factories, f"no file rule registered for {code}"
    out: list[Hit] = []
    for factory in factories:
        rule = factory()
        assert rule.code == code
        out.extend(rule.start(report.huvud, unit))
        for index, ep in enumerate(report.vardtillfalle):
            out.extend(rule.visit(EpisodeContext(ep, index, report.huvud, unit)))
        out.extend(rule.finish())
    return out


def checked(code: str, found: list[Hit]) -> list[Hit]:
    """``found``, once each hit is seen to supply exactly the placeholders of its catalog message
    (both languages) and a severity the rule allows."""
    rule = get_rule(code)
    for hit in found:
        en = placeholders(rule.template("en", hit.variant))
        assert set(hit.params) == en == placeholders(rule.template("sv", hit.variant)), hit
        assert hit.severity is None or hit.severity in rule.severities
    return found


def as_findings(code: str, found: list[Hit], layer: Layer | None = None) -> list[Finding]:
    """``found`` as findings with the catalog severity (unless a hit sets its own), each message
    rendered completely in both languages; with ``layer``, the rule must belong to it."""
    rule = get_rule(code)
    assert layer is None or rule.layer is layer, rule.layer
    out: list[Finding] = []
    for hit in found:
        finding = Finding(
            code, hit.severity or rule.severity, hit.params, hit.location, variant=hit.variant
        )
        for lang in ("sv", "en"):
            assert "{" not in finding.message(lang), finding.message(lang)
        out.append(finding)
    return out


def hits(code: str, report: SIRData, unit: UnitDeclaration | None = None) -> list[Hit]:
    """The checked hits of the episode rules of ``code`` on the first episode of ``report``."""
    ctx = EpisodeContext(report.vardtillfalle[0], 0, report.huvud, unit)
    return checked(code, episode_rule_hits(code, ctx))


def file_hits(code: str, report: SIRData, unit: UnitDeclaration | None = None) -> list[Hit]:
    """The checked hits of the file rules of ``code`` on ``report``."""
    return checked(code, file_rule_hits(code, report, unit))


def episode_findings(
    code: str,
    ep: Vardtillfalle,
    unit: UnitDeclaration | None = None,
    *,
    header: Huvud = FILE_A.huvud,
    layer: Layer | None = None,
) -> list[Finding]:
    """The findings of the episode rules of ``code`` on ``ep``, the first episode of a file
    with ``header`` (see :func:`as_findings`)."""
    ctx = EpisodeContext(ep, 0, header, unit)
    return as_findings(code, episode_rule_hits(code, ctx), layer)


def file_findings(
    code: str, report: SIRData, unit: UnitDeclaration | None = None, *, layer: Layer | None = None
) -> list[Finding]:
    """The findings of the file rules of ``code`` on ``report`` (see :func:`as_findings`)."""
    return as_findings(code, file_rule_hits(code, report, unit), layer)


def one(code: str, ep: Vardtillfalle, unit: UnitDeclaration | None = None) -> Finding:
    """The single finding of the episode rules of ``code`` on ``ep``."""
    found = episode_findings(code, ep, unit)
    assert len(found) == 1, found
    return found[0]


# -- locations -------------------------------------------------------------------------------


def at(*steps: str | Step) -> Location:
    """A location from wire names; a ``(name, index)`` step is a repeated element (0-based)."""
    return tuple((step, None) if isinstance(step, str) else step for step in steps)


def g_at(name: str) -> Location:
    """The location of the ``Grunddata`` row ``name``."""
    return at("Grunddata", name)


# -- identity numbers ------------------------------------------------------------------------


def luhn_check(payload9: str) -> str:
    """Check digit over 9 digits, computed independently of stdnum (weights 2,1,2,…)."""
    total = 0
    for i, ch in enumerate(payload9):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def number(ymd: str, serial: str = "913") -> str:
    """A 12-digit number ``ymd + serial + check`` with a correct Luhn check digit."""
    first11 = ymd + serial
    return first11 + luhn_check(first11[2:])


# -- report parts ----------------------------------------------------------------------------


def die(ep: Vardtillfalle, when: datetime) -> Vardtillfalle:
    """``ep`` turned into a death at the unit at ``when`` (consistent discharge fields)."""
    g = ep.grunddata
    g.utskrivningstid = when
    g.vardresultat = Vardresultat.AVLIDEN
    g.utskrivningsorsak = Utskrivningsorsak.AVLIDEN
    g.utskriven_till = UtskrivenTill.EJ_TILLAMPBART
    return ep


def sedation_row(
    moment: datetime, prescribed: JaNej = JaNej.NEJ, match: JaNejEjTillampbart | None = None
) -> Sederingsregistrering:
    """A sedation registration at ``moment`` with a validated scale."""
    return Sederingsregistrering(
        tidpunkt=moment,
        sederingsskala_anvand=JaNej.JA,
        sederingsmal_ordinerat=prescribed,
        motsvarar_sederingsmalet=match,
    )


def pim3(pa_o2: Decimal | VardeOkant = UNKNOWN, fi_o2: int | VardeOkant = UNKNOWN) -> PIM3:
    """A complete PIM3 block with the given PaO2/FiO2 pair."""
    return PIM3(
        aterhamtning_efter_ingrepp=PIM3Ingrepp.NEJ,
        ljusstela_pupiller=JaNejOkant.NEJ,
        mekanisk_ventilation=JaNej.NEJ,
        systoliskt_blodtryck=90,
        basoverskott=UNKNOWN,
        pa_o2=pa_o2,
        fi_o2=fi_o2,
    )


def higgins(pa_o2: Decimal | VardeOkant = UNKNOWN, fi_o2: int | VardeOkant = UNKNOWN) -> Higgins:
    """A complete Higgins block with the given PaO2/FiO2 pair at arrival."""
    return Higgins(
        intagningsorsak=HigginsIntagningsorsak.KLAFFKIRURGI,
        akut_operation=JaNej.NEJ,
        reoperation=JaNej.NEJ,
        kreatinin_preoperativt=UNKNOWN,
        nedsatt_vansterkammarfunktion=JaNejOkant.NEJ,
        tidigare_karlkirurgi=JaNej.NEJ,
        kol=JaNej.NEJ,
        anemi=JaNejOkant.NEJ,
        perfusionstid=UNKNOWN,
        hjartfrekvens_vid_ankomst=UNKNOWN,
        cvpvid_ankomst=UNKNOWN,
        hjartindex_vid_ankomst=UNKNOWN,
        pa_o2_vid_ankomst=pa_o2,
        fi_o2_vid_ankomst=fi_o2,
        bikarbonat_vid_ankomst=UNKNOWN,
        iabpvid_ankomst=JaNej.NEJ,
    )
