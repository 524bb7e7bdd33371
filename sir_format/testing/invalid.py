"""Invalid reports: valid reports with one recorded, labelled defect each.

>>> from hypothesis import given
>>> from sir_format.testing import invalid_reports
>>> @given(invalid_reports(["SIR-X020"], format="json"))
... def test_rejects_bad_tokens(case): ...

Each case is drawn in four steps: a valid report from :func:`~sir_format.testing.reports`, one
defect, the defect applied (to the model, or to the written XML or JSON), and the payload
validated again with the ``registry`` profile. A case is returned only when its findings match
its label exactly: at least one finding, and every finding's code in ``label.expected``
(:func:`check_case`). A defect that finds no place in a report is drawn again a few times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import reject
from hypothesis import strategies as st

from sir_format._paths import Location
from sir_format._privacy import identity_types, mask_embedded_identities, mask_identity
from sir_format.codec import to_json, to_xml
from sir_format.domain.tokens import enum_member
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import SIRData, Vardtyp
from sir_format.testing._defects import InvalidCase, Label, ModelDefect, PayloadFormat
from sir_format.testing._document_defects import (
    DOCUMENT_DEFECTS,
    DocumentDefect,
    apply_edit,
    targets,
)
from sir_format.testing._identity import IdentityKind, IdentitySource, identity_source
from sir_format.testing._rule_defects import RULE_DEFECTS, declaration_for
from sir_format.testing.strategies import reports
from sir_format.validation.unit import UnitDeclaration
from sir_format.validation.validator import validate

__all__ = [
    "all_defects",
    "apply_defect",
    "base_reports",
    "candidate_cases",
    "check_case",
    "invalid_reports",
    "select",
]

Defect = DocumentDefect | ModelDefect
FORMATS: tuple[PayloadFormat, ...] = ("xml", "json")
_TRIES = 5  # draws of a defect that finds no place, or a case that does not match its label
_MAX_EPISODES = 1  # defects that need more episodes say so in their base


def all_defects() -> tuple[Defect, ...]:
    """Every defect: the document defects (SIR-X…), then the registry and unit defects."""
    return (*DOCUMENT_DEFECTS, *RULE_DEFECTS)


def _formats(defect: Defect) -> frozenset[PayloadFormat]:
    return defect.formats if isinstance(defect, DocumentDefect) else frozenset(FORMATS)


def select(
    defects: Iterable[str] | None, format: PayloadFormat | None = None
) -> tuple[Defect, ...]:
    """The defects named by defect code or by catalog code (``"SIR-X020"`` selects every
    defect that may report it), limited to those that apply to ``format``.

    Raises:
        ValueError: for a name that selects no defect, or when none applies to ``format``.
    """
    known = all_defects()
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if defects is None:
        chosen = list(known)
    else:
        if isinstance(defects, str):
            defects = [defects]
        chosen = []
        for name in defects:
            matched = [d for d in known if name == d.code or name in d.expected]
            if not matched:
                raise ValueError(f"no defect is named {name!r} or reports it")
            chosen.extend(d for d in matched if d not in chosen)
    if format is not None:
        chosen = [d for d in chosen if format in _formats(d)]
        if not chosen:
            raise ValueError(f"none of the selected defects applies to {format}")
    return tuple(chosen)


def invalid_reports(
    defects: Iterable[str] | None = None,
    *,
    format: Literal["xml", "json"] | None = None,
    unit: UnitDeclaration | None = None,
    vardtyp: Vardtyp | str | None = None,
    ima: bool | None = None,
    identity: IdentitySource | None = None,
    reveal_identities: bool = False,
) -> st.SearchStrategy[InvalidCase]:
    """Strategy for invalid reports (:class:`~sir_format.testing.InvalidCase`), each a valid
    report with one defect, checked against its label.

    Args:
        defects: defect codes (``"X020-bad-token"``) or catalog codes (``"SIR-X020"``: every
            defect whose expected codes hold it); ``None`` for every defect.
        format: ``"xml"`` or ``"json"``; ``None`` draws one of the formats the defect
            applies to.
        unit: check the cases against this unit declaration (and draw reports that pass it).
        vardtyp / ima: as for :func:`~sir_format.testing.reports`.
        identity: the identity source of the base reports, as for
            :func:`~sir_format.testing.reports`; ``None`` leaves each defect its own (most use
            personnummer; the defects of samordningsnummer and reservnummer need theirs), a
            given source keeps only the defects that agree with it.
        reveal_identities: keep identity numbers unmasked in the labels.

    Raises:
        ValueError: for a name that selects no defect, or a format no selected defect
            applies to.
    """
    source = None if identity is None else identity_source(identity)
    options = _Options(format, unit, vardtyp, ima, reveal_identities, source)
    pool = _compatible(select(defects, format), options)
    for defect in pool:
        _base(defect, options)  # the options are checked now, not when drawn
    return _checked(pool, options)


# ------------------------------------------------------------------------------ drawing


@dataclass(frozen=True)
class _Options:
    format: PayloadFormat | None
    unit: UnitDeclaration | None
    vardtyp: Vardtyp | str | None
    ima: bool | None
    reveal_identities: bool
    identity: IdentityKind | tuple[str, ...] | None = None


def _base(defect: Defect, options: _Options) -> st.SearchStrategy[SIRData]:
    kwargs: dict[str, Any] = {"max_episodes": _MAX_EPISODES}
    if options.vardtyp is not None:
        kwargs["vardtyp"] = options.vardtyp
    if options.ima is not None:
        kwargs["ima"] = options.ima
    if options.unit is not None:
        kwargs["unit"] = options.unit
    if options.identity is not None:
        kwargs["identity"] = options.identity
    if isinstance(defect, ModelDefect):
        kwargs.update(defect.base)
    kwargs["max_episodes"] = max(kwargs["max_episodes"], kwargs.get("min_episodes", 1))
    return reports(**kwargs)


def base_reports(defect: Defect) -> st.SearchStrategy[SIRData]:
    """The valid reports ``defect`` is applied to by :func:`invalid_reports` (no options)."""
    return _base(defect, _Options(None, None, None, None, False))


@st.composite
def _checked(draw: st.DrawFn, pool: Sequence[Defect], options: _Options) -> InvalidCase:
    for _ in range(_TRIES):
        case = draw(_candidate(pool, options))
        if case is not None and not check_case(case):
            return case
    reject()


@st.composite
def _candidate(draw: st.DrawFn, pool: Sequence[Defect], options: _Options) -> InvalidCase | None:
    """One defect applied to one report, not yet checked; ``None`` when the report offers the
    defect no place."""
    defect = draw(st.sampled_from(pool))
    formats = sorted(_formats(defect)) if options.format is None else [options.format]
    format: PayloadFormat = draw(st.sampled_from(formats))
    report = draw(_base(defect, options))
    return apply_defect(
        draw,
        defect,
        report,
        format,
        unit=options.unit,
        reveal_identities=options.reveal_identities,
    )


def apply_defect(
    draw: st.DrawFn,
    defect: Defect,
    report: SIRData,
    format: PayloadFormat,
    *,
    unit: UnitDeclaration | None = None,
    reveal_identities: bool = False,
) -> InvalidCase | None:
    """Apply ``defect`` to a valid ``report`` written as ``format``; the case is not checked.

    ``None`` when the report offers the defect no place. A unit defect without ``unit`` is
    checked against a declaration the report passes.
    """
    options = _Options(format, unit, None, None, reveal_identities)
    if isinstance(defect, DocumentDefect):
        return _document_case(draw, defect, report, format, options)
    return _model_case(draw, defect, report, format, options)


def candidate_cases(
    defects: Iterable[str] | None = None,
    *,
    format: Literal["xml", "json"] | None = None,
    vardtyp: Vardtyp | str | None = None,
    ima: bool | None = None,
    reveal_identities: bool = False,
) -> st.SearchStrategy[InvalidCase | None]:
    """The cases :func:`invalid_reports` draws before they are checked (for testing the
    defects themselves: a case whose findings do not match its label is a bug)."""
    options = _Options(format, None, vardtyp, ima, reveal_identities)
    return _candidate(_compatible(select(defects, format), options), options)


def _compatible(pool: Sequence[Defect], options: _Options) -> tuple[Defect, ...]:
    """The defects whose base reports agree with the options' vårdtyp and kind of file.

    Raises:
        ValueError: when none does.
    """
    wanted: dict[str, object] = {}
    if options.vardtyp is not None:
        wanted["vardtyp"] = enum_member(Vardtyp, options.vardtyp, name="vardtyp")
    if options.ima is not None:
        wanted["ima"] = options.ima
    if options.identity is not None:
        wanted["identity"] = options.identity

    def agrees(defect: Defect) -> bool:
        if not isinstance(defect, ModelDefect):
            return True
        base = dict(defect.base)
        if "identity" in base:
            base["identity"] = identity_source(base["identity"])  # type: ignore[arg-type]
        if "vardtyp" in base:
            base["vardtyp"] = enum_member(Vardtyp, base["vardtyp"], name="vardtyp")  # type: ignore[arg-type]
        return all(base.get(key, value) == value for key, value in wanted.items())

    kept = tuple(d for d in pool if agrees(d))
    if not kept:
        raise ValueError("none of the selected defects applies to reports of these options")
    return kept


def _document_case(
    draw: st.DrawFn,
    defect: DocumentDefect,
    report: SIRData,
    format: PayloadFormat,
    options: _Options,
) -> InvalidCase | None:
    xml = to_xml(report)
    edit = defect.draw(draw, targets(xml))
    if edit is None:
        return None
    payload = apply_edit(edit, format, xml, to_json(report) if format == "json" else b"")
    label = Label(
        defect=defect.code,
        layer=defect.layer,
        location=edit.location,
        before=_shown(edit.before, edit.identity, options.reveal_identities),
        after=_shown(edit.after, edit.identity, options.reveal_identities),
        expected=defect.expected,
    )
    return InvalidCase(payload, format, None, label, options.unit)


def _model_case(
    draw: st.DrawFn,
    defect: ModelDefect,
    report: SIRData,
    format: PayloadFormat,
    options: _Options,
) -> InvalidCase | None:
    unit = options.unit
    if unit is None and defect.needs_unit:
        unit = declaration_for(report)
    change = defect.mutate(draw, report, unit)
    if change is None:
        return None
    identity = _is_identity(change.location)
    label = Label(
        defect=defect.code,
        layer=defect.layer,
        location=change.location,
        before=_shown(change.before, identity, options.reveal_identities),
        after=_shown(change.after, identity, options.reveal_identities),
        expected=defect.expected,
    )
    payload = to_xml(change.report) if format == "xml" else to_json(change.report)
    return InvalidCase(payload, format, change.report, label, unit)


def _shown(value: str | None, identity: bool, reveal: bool) -> str | None:
    if value is None or reveal:
        return value
    return mask_identity(value) if identity else mask_embedded_identities(value)


def _field_at(location: Location) -> FieldInfo | None:
    info = model_info(SIRData)
    found: FieldInfo | None = None
    for name, _ in location:
        found = info.by_wire.get(name)
        if found is None:
            return None
        if found.kind is Kind.COMPLEX:
            info = found.model
    return found


def _is_identity(location: Location) -> bool:
    found = _field_at(location)
    return found is not None and found.xsd_type in identity_types()


# ----------------------------------------------------------------------------- checking


def check_case(case: InvalidCase) -> list[str]:
    """How the findings of ``case`` differ from its label; empty when they match.

    The payload is validated with the ``registry`` profile (and the case's unit declaration).
    Every finding's code must be in ``label.expected``, and at least one finding reported.
    """
    report = validate(case.payload, unit=case.unit, max_findings=None)
    expected = case.label.expected
    problems = [
        f"unexpected {finding.code} at {finding.path or '/'}"
        for finding in report.findings
        if finding.code not in expected
    ]
    if not any(finding.code in expected for finding in report.findings):
        problems.append(f"none of {', '.join(sorted(expected))} reported")
    return problems
