"""``validate()``: run the layers on a source and collect a :class:`ValidationReport`.

Layers, in order: well-formedness, schema (libxml2), registry rules SIR-R001…R121 and, with a
unit declaration, SIR-R200…R207. A profile selects the layers. Validation never raises on bad
input: every problem is a finding. An episode that fails the schema is bound partially
(:mod:`._partial`): a rule that reads one of its invalid or missing elements is reported as not
checked (:class:`SkippedRules`, naming the element), the others run. All registry rules are
skipped when the header is missing or invalid.

One cause, one finding: the catalog says which findings make another rule's findings for the
same episode a repeat (``skipped_after``, ``suppressed_by``); the rules run in an order that
puts the findings they depend on first.

Sources stream: the header, then one episode at a time; episode rules see each episode once
and file rules are fed episodes in order, so a file of any size validates in flat memory.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from lxml import etree

from sir_format import _xml
from sir_format._paths import Location, Step, logical_path
from sir_format._privacy import mask_embedded_identities
from sir_format.errors import ParseError, Unusable, ValidationError
from sir_format.metadata import model_info
from sir_format.models import Huvud, Vardtillfalle
from sir_format.validation import rules as _rules  # noqa: F401  (registers the rules)
from sir_format.validation._base import Layer, Severity, Text
from sir_format.validation._core import (
    EpisodeContext,
    FileRule,
    registered_episode_rules,
    registered_file_rules,
)
from sir_format.validation._findings import Finding, Hit
from sir_format.validation._masking import protect
from sir_format.validation._partial import Rechecked, bind_partial, recheck
from sir_format.validation._schema_layer import check_fragment
from sir_format.validation._sources import (
    EPISODE,
    EPISODE_CLASS,
    HEADER,
    HEADER_CLASS,
    Fragment,
    Problem,
    bind,
    open_source,
)
from sir_format.validation.catalog import LANGUAGES, Suppression, catalog
from sir_format.validation.report import SkippedRules, ValidationReport
from sir_format.validation.unit import InvalidUnitDeclarationError, UnitDeclaration

__all__ = [
    "MAX_FINDINGS",
    "PROFILES",
    "SkippedRules",  # defined in sir_format.validation.report, re-exported
    "ValidationError",  # defined in sir_format.errors, re-exported
    "ValidationReport",  # defined in sir_format.validation.report, re-exported
    "check_episode",
    "is_valid",
    "iter_findings",
    "validate",
]

PROFILES: dict[str, tuple[Layer, ...]] = {
    "wellformed": (Layer.WELLFORMED,),
    "schema": (Layer.WELLFORMED, Layer.SCHEMA),
    "registry": (Layer.WELLFORMED, Layer.SCHEMA, Layer.REGISTRY, Layer.UNIT),
}
"""The layers each profile runs (the unit layer only when a declaration is given)."""

MAX_FINDINGS = 1000
"""Default of ``validate(max_findings=...)``: most findings a report keeps."""

_ERRORS = (Severity.FATAL, Severity.ERROR)


# --------------------------------------------------------------------------- entry points


def validate(
    source: Any,
    *,
    unit: UnitDeclaration | str | os.PathLike[str] | None = None,
    lang: str = "sv",
    profile: str = "registry",
    limits: _xml.Limits | None = None,
    progress: Callable[[int], None] | None = None,
    max_findings: int | None = MAX_FINDINGS,
) -> ValidationReport:
    """Validate a report and return every finding.

    Args:
        source: a model object (``SIRData``), XML or JSON as bytes or text, a path
            (``pathlib.Path``; a ``str`` that does not start like XML or JSON is a path), a
            package resource or a binary file object. XML files are streamed.
        unit: the unit declaration (a ``UnitDeclaration`` or the path of ``sir-enhet.toml``);
            turns on the unit rules SIR-R200…R207.
        lang: default language of the report's texts (``sv`` or ``en``).
        profile: ``wellformed``, ``schema`` or ``registry`` (all layers).
        limits: safety limits (input size, number of episodes).
        progress: called with the number of episodes read so far, as episodes stream.
        max_findings: most findings to keep (``None`` or 0: all). Beyond it the most severe
            are kept, the earliest first among equals; the others are counted by code in
            ``ValidationReport.omitted``. A report that has errors keeps at least one, so
            ``ok`` is right whatever the limit. Notes of skipped rules are then kept only
            for the file and for the episodes that have a finding listed.

    Raises only on misuse: an unknown profile or language, an unsupported source type, an
    unreadable path (:class:`~sir_format.errors.SirFormatError`).
    """
    _check_limit(max_findings)
    run = _Run.prepare(source, unit=unit, lang=lang, profile=profile, limits=limits)
    run.progress = progress
    run.skipped = _SkippedList(max_findings)
    kept, omitted = _keep(run.findings(), max_findings)
    kept = [run.located(finding) for finding in kept]  # only those kept are looked up
    return ValidationReport(
        findings=tuple(sorted(kept, key=_sort_key)),
        skipped=_skipped_of(run.skipped, kept, omitted),
        source=run.source_name,
        format=run.source_format,
        profile=profile,
        layers=run.layers,
        episodes=tuple(run.keys),
        complete=run.complete,
        lang=lang,
        omitted=omitted,
    )


def iter_findings(
    source: Any,
    *,
    unit: UnitDeclaration | str | os.PathLike[str] | None = None,
    profile: str = "registry",
    limits: _xml.Limits | None = None,
    max_findings: int | None = None,
) -> Iterator[Finding]:
    """Yield findings as they are found (stream order, not sorted). The source is opened
    now, so an unreadable path raises here; the checks run as the iterator is consumed.

    The iterator holds no findings, so by default it yields them all. With ``max_findings``
    it stops after that many (the first ones in stream order) and reads no further.
    """
    _check_limit(max_findings)
    run = _Run.prepare(source, unit=unit, lang="sv", profile=profile, limits=limits)
    found = (run.located(finding) for finding in run.findings())
    return itertools.islice(found, max_findings) if max_findings else found


def is_valid(
    source: Any,
    *,
    unit: UnitDeclaration | str | os.PathLike[str] | None = None,
    profile: str = "registry",
    limits: _xml.Limits | None = None,
) -> bool:
    """``True`` when the source has no fatal finding and no error (stops at the first)."""
    for finding in iter_findings(source, unit=unit, profile=profile, limits=limits):
        if finding.severity in _ERRORS:
            return False
    return True


def check_episode(
    episode: Vardtillfalle,
    header: Huvud,
    *,
    unit: UnitDeclaration | None = None,
    index: int = 0,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Run the episode rules on one model episode directly (no schema layer, no file rules).

    Meant for rule tests and tools that hold model objects: ``codes`` limits the rules run;
    without a unit declaration the unit rules are left out. Findings are sorted like a report's.
    """
    layers = PROFILES["registry"] if unit is not None else PROFILES["registry"][:3]
    wanted = set(codes) if codes is not None else None
    episode_rules, _ = _select_rules(layers)
    ctx = EpisodeContext(episode=episode, index=index, header=header, unit=unit)
    run = _Run(layers, unit, [], "<model>", "model", iter(()))
    run.keys = [f"#{n + 1}" for n in range(index)] + [ctx.key]
    plan = _plan([(c, fn) for c, fn in episode_rules if wanted is None or c in wanted], [])
    found = run._judge(ctx, plan, ctx.location, None, ctx.key)
    return sorted(found, key=_sort_key)


def _check_limit(max_findings: int | None) -> None:
    if max_findings is not None and (isinstance(max_findings, bool) or max_findings < 0):
        raise ValueError(f"max_findings must be None or a count >= 0, not {max_findings!r}")


def _keep(findings: Iterable[Finding], limit: int | None) -> tuple[list[Finding], dict[str, int]]:
    """The ``limit`` most severe findings (earliest first among equals), and the number of
    the others by code. Holds at most ``limit`` findings at any time."""
    if not limit:
        return list(findings), {}
    heap: list[tuple[int, int, Finding]] = []  # the least severe, latest finding on top
    omitted: Counter[str] = Counter()
    for seq, finding in enumerate(findings):
        entry = (-finding.severity.rank, -seq, finding)
        if len(heap) < limit:
            heapq.heappush(heap, entry)
        else:
            omitted[heapq.heappushpop(heap, entry)[2].code] += 1
    return [finding for _, _, finding in heap], dict(sorted(omitted.items()))


class _SkippedList(list[SkippedRules]):
    """Skipped rules, holding at most ``limit`` notes about single episodes."""

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self.limit = limit
        self.episodes = 0

    def append(self, item: SkippedRules) -> None:
        if item.episode_index is not None:
            if self.limit and self.episodes >= self.limit:
                return
            self.episodes += 1
        super().append(item)


def _skipped_of(
    skipped: Iterable[SkippedRules], kept: Iterable[Finding], omitted: dict[str, int]
) -> tuple[SkippedRules, ...]:
    """Every note, or when findings were left out the notes of the file and of the episodes
    that still have a finding listed."""
    if not omitted:
        return tuple(skipped)
    listed = {f.episode_index for f in kept}
    return tuple(s for s in skipped if s.episode_index is None or s.episode_index in listed)


def _sort_key(f: Finding) -> tuple[int, int, int, str, str]:
    episode = -1 if f.episode_index is None else f.episode_index
    return (episode, f.severity.rank, f.line or 0, f.code, f.path)


# --------------------------------------------------------------------------- the run


_SCHEMA_FAILED = Text(
    sv="vårdtillfället klarade inte schemakontrollen", en="the episode failed the schema check"
)
_HEADER_REASONS = {
    "failed": Text(
        sv="filhuvudet klarade inte schemakontrollen", en="the header failed the schema check"
    ),
    "missing": Text(sv="filhuvudet saknas", en="the header is missing"),
    "root": Text(
        sv="rotelementet är inte en rapport i format 5.2",
        en="the root element is not a format 5.2 report",
    ),
    "unread": Text(sv="filen kunde inte läsas", en="the file could not be read"),
}
_TRUNCATED = Text(
    sv="filen kunde inte läsas till slutet", en="the file could not be read to its end"
)
_UNIT_INVALID = Text(sv="enhetens deklaration är ogiltig", en="the unit declaration is invalid")
_INVALID = Text(sv="{} är ogiltigt", en="{} is invalid")
_MISSING = Text(sv="{} saknas", en="{} is missing")
_REPORTED = Text(sv="{} är redan rapporterad", en="{} is already reported")


@dataclass
class _Run:
    """State of one validation run."""

    layers: tuple[Layer, ...]
    unit: Any
    unit_findings: list[Finding]
    source_name: str
    source_format: str
    items: Iterator[Fragment | Problem]
    progress: Callable[[int], None] | None = None
    skipped: list[SkippedRules] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)
    complete: bool = True
    header: Huvud | None = None
    header_state: str = "unread"
    header_lines: dict[tuple[Step, ...], int] = field(default_factory=dict)
    rule_codes: tuple[str, ...] = ()
    bind: bool = False  # hand out the models of valid fragments (the codec's reads)
    locate: Callable[[Location], tuple[int, int] | None] | None = None

    @classmethod
    def prepare(
        cls,
        source: Any,
        *,
        unit: Any,
        lang: str,
        profile: str,
        limits: _xml.Limits | None,
        format: str | None = None,
    ) -> _Run:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}")
        declaration, unit_findings, given = _load_unit(unit)
        layers = PROFILES[profile]
        if not given:
            layers = tuple(layer for layer in layers if layer is not Layer.UNIT)
        opened = open_source(source, limits or _xml.Limits(), format)
        return cls(
            layers=layers,
            unit=declaration,
            unit_findings=unit_findings if Layer.UNIT in layers else [],
            source_name=opened.name,
            source_format=opened.format,
            items=opened.items,
            locate=opened.locate,
        )

    # -- main loop -----------------------------------------------------------------
    def findings(self) -> Iterator[Finding]:
        for event in self.events():
            if isinstance(event, Finding):
                yield event

    def located(self, finding: Finding) -> Finding:
        """``finding`` with the line and column of its location, when it has none and the
        source can tell them (JSON input)."""
        if finding.line is not None or self.locate is None or not finding.location:
            return finding
        position = self.locate(finding.location)
        if position is None:
            return finding
        return dataclasses.replace(finding, line=position[0], column=position[1])

    def events(self) -> Iterator[Finding | Bound]:
        """Findings, and each schema-valid header and episode as a model, in file order."""
        schema_on = Layer.SCHEMA in self.layers
        registry_on = Layer.REGISTRY in self.layers
        unit_ok = True
        for finding in self.unit_findings:
            unit_ok = unit_ok and finding.severity is not Severity.FATAL
            yield finding
        rule_layers = tuple(layer for layer in self.layers if unit_ok or layer is not Layer.UNIT)
        episode_rules, file_factories = _select_rules(rule_layers)
        self.rule_codes = tuple(
            sorted({code for code, _ in episode_rules} | {code for code, _ in file_factories})
        )
        if not unit_ok and Layer.UNIT in self.layers:
            unit_codes = tuple(c for c, r in catalog().items() if r.layer is Layer.UNIT)
            self.skipped.append(SkippedRules(unit_codes, _UNIT_INVALID))
        file_rules: list[tuple[str, FileRule]] = []
        plan: list[_Step] | None = None
        for item in self.items:
            if isinstance(item, Problem):
                yield from self._problem(item)
                continue
            if item.role == EPISODE:
                self._count(item)
            if not schema_on:
                continue
            key = self._key(item)
            errors, checked = _schema_findings(item, key)
            yield from errors
            failed = item.failed or bool(errors)
            model = None if failed or not (self.bind or registry_on) else _model_of(item)
            if model is not None:
                yield Bound(item.role, item.index, model)
            if not registry_on:
                continue
            if item.role == HEADER:
                yield from self._header(item, model, file_factories, file_rules)
            elif self.header_state == "ok":
                if model is None:
                    model = _partial_model(item, checked)
                if model is None:
                    self.skipped.append(
                        SkippedRules(
                            self.rule_codes, _SCHEMA_FAILED, key, item.index, item.location
                        )
                    )
                    continue
                if plan is None:
                    plan = _plan(episode_rules, file_rules)
                yield from self._episode(item, model, key, plan)
        if registry_on:
            yield from self._finish(file_rules)

    def _problem(self, item: Problem) -> Iterator[Finding]:
        if item.stop:
            self.complete = False
        if item.code in ("SIR-X010", "SIR-R003") and not item.location:
            self.header_state = "root"
        elif item.code == "SIR-X012" and item.location == ((HEADER, None),):
            self.header_state = "missing"
        if item.layer not in self.layers:
            return
        index = item.episode_index
        key = None
        if index is not None:
            key = self.keys[index] if index < len(self.keys) else f"#{index + 1}"
        params, raw = protect(item.location, item.params, item.raw)
        yield Finding(
            code=item.code,
            severity=_severity(item.code),
            params=params,
            location=item.location,
            episode=key,
            episode_index=index,
            line=item.line,
            column=item.column,
            raw=raw,
        )

    def _count(self, item: Fragment) -> None:
        self.keys.append(_episode_key(item, item.index or 0))
        line = item.element.sourceline if item.keep_lines and item.element is not None else None
        self.lines.append(line)
        if self.progress is not None:
            self.progress(len(self.keys))

    def _key(self, item: Fragment) -> str | None:
        if item.index is None:
            return None
        return self.keys[item.index] if item.index < len(self.keys) else f"#{item.index + 1}"

    def _header(
        self,
        item: Fragment,
        header: Huvud | None,
        factories: Sequence[tuple[str, Callable[[], FileRule]]],
        file_rules: list[tuple[str, FileRule]],
    ) -> Iterator[Finding]:
        if header is None:
            self.header_state = "failed"
            return
        self.header = header
        self.header_state = "ok"
        if item.keep_lines and item.element is not None:
            self.header_lines = _line_map(item.element, item.location)
        for code, factory in factories:
            rule = factory()
            file_rules.append((code, rule))
            yield from self._hits(code, partial(rule.start, self.header, self.unit), (), None)

    def _episode(
        self, item: Fragment, episode: Vardtillfalle, key: str | None, plan: Sequence[_Step]
    ) -> Iterator[Finding]:
        index = item.index or 0
        assert self.header is not None
        ctx = EpisodeContext(episode=episode, index=index, header=self.header, unit=self.unit)
        live = item if item.keep_lines else None
        return self._judge(ctx, plan, item.location, live, key)

    def _judge(
        self,
        ctx: EpisodeContext,
        plan: Sequence[_Step],
        base: Location,
        live: Fragment | None,
        key: str | None,
    ) -> Iterator[Finding]:
        """Run the rules of ``plan`` on one episode, leaving out what the catalog says repeats a
        cause already reported, and noting the rules that read an unusable element."""
        reported: dict[str, list[Finding]] = {}
        unusable: dict[tuple[Location, bool], list[str]] = {}
        after: dict[str, list[str]] = {}
        for code, run, relative, gate in plan:
            if gate is not None and reported:
                cause = gate.cause(reported)
                if cause is not None:
                    after.setdefault(cause, []).append(code)
                    continue
            try:
                for hit in run(ctx):
                    finding = self._finding(code, hit, base if relative else (), live)
                    if gate is not None and reported and gate.repeats(finding, reported):
                        continue
                    reported.setdefault(code, []).append(finding)
                    yield finding
            except Unusable as signal:
                unusable.setdefault((signal.location, signal.missing), []).append(code)
            except Exception as exc:
                yield self._crash(code, exc, base, ctx.index)
        if unusable or after:
            self._note(ctx.index, key, base, unusable=unusable, after=after, reported=reported)

    def _note(
        self,
        index: int,
        key: str | None,
        base: Location,
        *,
        unusable: dict[tuple[Location, bool], list[str]],
        after: dict[str, list[str]],
        reported: dict[str, list[Finding]],
    ) -> None:
        """Notes of the rules not checked for one episode, one per element or cause."""
        for (location, missing), codes in unusable.items():
            where = logical_path(location[len(base) :])
            template = _MISSING if missing else _INVALID
            reason = Text(sv=template.sv.format(where), en=template.en.format(where))
            self.skipped.append(SkippedRules(tuple(sorted(codes)), reason, key, index, location))
        for cause, codes in after.items():
            reason = Text(sv=_REPORTED.sv.format(cause), en=_REPORTED.en.format(cause))
            location = reported[cause][0].location
            self.skipped.append(SkippedRules(tuple(sorted(codes)), reason, key, index, location))

    def _finish(self, file_rules: Sequence[tuple[str, FileRule]]) -> Iterator[Finding]:
        if self.header_state != "ok":
            reason = _HEADER_REASONS.get(self.header_state, _HEADER_REASONS["unread"])
            if self.rule_codes:
                self.skipped.append(SkippedRules(self.rule_codes, reason))
            return
        if not self.complete:
            codes = tuple(code for code, _ in file_rules)
            if codes:
                self.skipped.append(SkippedRules(codes, _TRUNCATED))
            return
        for code, rule in file_rules:
            yield from self._hits(code, rule.finish, (), None)

    # -- hits → findings ----------------------------------------------------------
    def _hits(
        self,
        code: str,
        produce: Callable[[], Iterable[Hit]],
        base: Location,
        live: Fragment | None,
    ) -> Iterator[Finding]:
        try:
            for hit in produce():
                yield self._finding(code, hit, base, live)
        except Exception as exc:
            yield self._crash(code, exc, base, live.index if live is not None else None)

    def _crash(self, code: str, exc: Exception, location: Location, index: int | None) -> Finding:
        """A rule raised: report it as SIR-X090 instead of stopping the validation."""
        params, _ = protect(
            location, {"rule": code, "detail": f"{type(exc).__name__}: {exc}"}, None
        )
        return Finding(
            code="SIR-X090",
            severity=Severity.ERROR,
            params=params,
            location=location,
            episode=self.keys[index] if index is not None and index < len(self.keys) else None,
            episode_index=index,
        )

    def _finding(self, code: str, hit: Hit, base: Location, live: Fragment | None) -> Finding:
        location = base + tuple(hit.location)
        severity = hit.severity or _severity(code, hit.variant)
        index: int | None = None
        line: int | None = None
        if location and location[0][0] == EPISODE and location[0][1] is not None:
            index = location[0][1]
            if live is not None and live.index == index:
                line = _line_at(live.element, location[1:])
            elif index < len(self.lines):
                line = self.lines[index]
        elif location and location[0][0] == HEADER:
            line = _header_line(self.header_lines, location)
        key = None
        if index is not None:
            key = self.keys[index] if index < len(self.keys) else f"#{index + 1}"
        return Finding(
            code=code,
            severity=severity,
            params=hit.params,
            location=location,
            episode=key,
            episode_index=index,
            line=line,
            variant=hit.variant,
        )


# --------------------------------------------------------------------------- helpers


def _severity(code: str, variant: str | None = None) -> Severity:
    rule = catalog().get(code)
    if rule is None:
        return Severity.ERROR
    chosen = rule.variant(variant)
    return chosen.severity if chosen is not None else rule.severity


def _select_rules(
    layers: Sequence[Layer],
) -> tuple[
    list[tuple[str, Callable[[EpisodeContext], Iterable[Hit]]]],
    list[tuple[str, Callable[[], FileRule]]],
]:
    def active(code: str) -> bool:
        rule = catalog().get(code)
        return (rule.layer if rule is not None else Layer.REGISTRY) in layers

    episode_rules = [(c, fn) for c, fn in registered_episode_rules() if active(c)]
    file_rules = [(c, f) for c, f in registered_file_rules() if active(c)]
    return _ordered(episode_rules), _ordered(file_rules)


@dataclass(frozen=True, slots=True)
class _Gate:
    """When a rule's findings for an episode are left out (the catalog's ``skipped_after``
    and ``suppressed_by``): one cause, one finding."""

    skipped_after: tuple[str, ...]
    suppressed_by: tuple[Suppression, ...]

    def cause(self, reported: dict[str, list[Finding]]) -> str | None:
        """The reported code that means the rule is not checked for the episode, if any."""
        for code in self.skipped_after:
            if code in reported:
                return code
        return None

    def repeats(self, finding: Finding, reported: dict[str, list[Finding]]) -> bool:
        """Whether ``finding`` reports a cause that a reported finding already reports."""
        for rule in self.suppressed_by:
            if rule.only is not None and finding.variant != rule.only:
                continue
            for other in reported.get(rule.code, ()):
                if rule.variant is not None and other.variant != rule.variant:
                    continue
                if any(other.params.get(k) != v for k, v in rule.where.items()):
                    continue
                if all(other.params.get(k) == finding.params.get(k) for k in rule.same):
                    return True
        return False

    @property
    def depends_on(self) -> tuple[str, ...]:
        return (*self.skipped_after, *(rule.code for rule in self.suppressed_by))


@cache
def _gates() -> dict[str, _Gate]:
    return {
        code: _Gate(rule.skipped_after, rule.suppressed_by)
        for code, rule in catalog().items()
        if rule.skipped_after or rule.suppressed_by
    }


def _ordered(entries: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``entries`` in registration order, except that a rule runs after the rules its gate
    depends on (so their findings are known when it runs)."""
    by_code: dict[str, list[tuple[str, Any]]] = {}
    for entry in entries:
        by_code.setdefault(entry[0], []).append(entry)
    gates = _gates()
    out: list[tuple[str, Any]] = []
    placed: set[str] = set()

    def place(code: str, path: frozenset[str]) -> None:
        if code in placed or code not in by_code or code in path:
            return
        gate = gates.get(code)
        for first in gate.depends_on if gate is not None else ():
            place(first, path | {code})
        placed.add(code)
        out.extend(by_code[code])

    for code, _ in entries:
        place(code, frozenset())
    return out


_Step = tuple[str, Callable[[EpisodeContext], Iterable[Hit]], bool, _Gate | None]
"""One rule of an episode's run: code, what to call, whether its hits are relative to the
episode (episode rules) or absolute (file rules), and its gate."""


def _plan(
    episode_rules: Sequence[tuple[str, Callable[[EpisodeContext], Iterable[Hit]]]],
    file_rules: Sequence[tuple[str, FileRule]],
) -> list[_Step]:
    gates = _gates()
    plan: list[_Step] = [(code, fn, True, gates.get(code)) for code, fn in episode_rules]
    plan.extend((code, rule.visit, False, gates.get(code)) for code, rule in file_rules)
    return plan


def _schema_findings(item: Fragment, key: str | None) -> tuple[list[Finding], Rechecked | None]:
    """The schema layer's findings of a fragment, completed by the relaxed check where it
    failed (the values libxml2 left unchecked), and the relaxed check's result."""
    if item.element is None:
        return [], None
    errors = check_fragment(
        item.element,
        item.location,
        episode=key,
        episode_index=item.index,
        keep_lines=item.keep_lines,
        suppressed=item.suppressed,
    )
    checked = _recheck(item, key, errors) if errors else None
    if checked is not None:
        errors.extend(checked.findings)
    return errors, checked


def _recheck(item: Fragment, key: str | None, errors: Sequence[Finding]) -> Rechecked | None:
    """The relaxed check of a schema-invalid fragment (see :mod:`._partial`): the findings of
    the values libxml2 left unchecked, and where the invalid values are."""
    if item.element is None:
        return None
    try:
        return recheck(
            item.element,
            HEADER_CLASS if item.role == HEADER else EPISODE_CLASS,
            item.location,
            reported=errors,
            episode=key,
            episode_index=item.index,
            keep_lines=item.keep_lines,
            suppressed=item.suppressed,
            flagged=item.flagged,
        )
    except Exception:  # pragma: no cover - a safety net: the schema layer's findings stand
        return None


def _partial_model(item: Fragment, checked: Rechecked | None) -> Any:
    """A schema-invalid episode bound partially (see :mod:`._partial`), or ``None``."""
    if item.element is None:
        return None
    replaced = (*item.suppressed, *item.flagged)
    try:
        return bind_partial(item.element, EPISODE_CLASS, item.location, replaced, checked)
    except Exception:  # pragma: no cover - a safety net: the episode is then skipped whole
        return None


def _load_unit(unit: Any) -> tuple[Any, list[Finding], bool]:
    """(declaration or None, SIR-R206 findings, whether a declaration was given)."""
    if unit is None:
        return None, [], False
    if isinstance(unit, str | os.PathLike):
        try:
            return UnitDeclaration.load(unit), [], True
        except InvalidUnitDeclarationError as exc:
            return None, [f for f in exc.findings if isinstance(f, Finding)], True
    return unit, [], True


_LOKALT_ID = model_info(Vardtillfalle).by_py["lokalt_id"].wire_name


def _episode_key(item: Fragment, index: int) -> str:
    """``LokaltId`` (as written, whitespace trimmed, an identity number in it masked) or
    ``#<1-based position>``."""
    if item.element is None:
        text = getattr(item.model, "lokalt_id", None)
    else:
        first = next(iter(item.element), None)
        text = first.text if first is not None and first.tag == _LOKALT_ID else None
    if isinstance(text, str) and text.strip():
        return mask_embedded_identities(text.strip())
    return f"#{index + 1}"


def _model_of(item: Fragment) -> Any:
    """The fragment's model: bound from its element (schema-valid), or read as a model."""
    if item.model is not None:
        return item.model
    assert item.element is not None
    try:
        return bind(item.element, HEADER_CLASS if item.role == HEADER else EPISODE_CLASS)
    except ParseError:  # pragma: no cover - schema-valid input binds
        return None


@dataclass(frozen=True, slots=True)
class Bound:
    """A schema-valid header or episode, as a model object."""

    role: str  # HEADER or EPISODE
    index: int | None
    model: Any


def _line_at(element: etree._Element, steps: Location) -> int | None:
    """Source line of the deepest element of ``steps`` that exists below ``element``."""
    node = element
    line: int | None = node.sourceline
    for name, index in steps:
        matches = [child for child in node if child.tag == name]
        position = index or 0
        if position >= len(matches):
            break
        node = matches[position]
        line = node.sourceline or line
    return int(line) if line else None


def _line_map(element: etree._Element, base: Location) -> dict[tuple[Step, ...], int]:
    """Lines of every element of a (small) fragment, by location."""
    lines: dict[tuple[Step, ...], int] = {}

    def walk(node: etree._Element, location: tuple[Step, ...]) -> None:
        if node.sourceline:
            lines[location] = node.sourceline
        for child in node:
            if isinstance(child.tag, str):
                walk(child, (*location, (child.tag, None)))

    walk(element, tuple(base))
    return lines


def _header_line(lines: dict[tuple[Step, ...], int], location: Location) -> int | None:
    probe = tuple((name, None) for name, _ in location)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None
