"""Checking another validator against the labels of invalid cases.

A pre-system's own checks, or any other validator, report problems in their own words. Given a
mapping from their codes or messages to sir-format's codes, :func:`assert_rejected_for` checks
that they rejected an :class:`~sir_format.testing.InvalidCase` for the reason its label gives,
and for no other.

This module does not draw with Hypothesis and imports without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sir_format._privacy import mask_embedded_identities
from sir_format.testing._defects import InvalidCase, Label
from sir_format.validation.catalog import catalog

__all__ = ["CodeMap", "assert_rejected_for"]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    codes: frozenset[str]


class CodeMap:
    """A mapping from another validator's findings to sir-format's codes.

    Keys are regular expressions searched in each finding (``re.search``: anchor them with
    ``^…$`` to match a whole code); values are one code or several (``"SIR-R021"``,
    ``{"SIR-X010", "SIR-X011"}``). Every pattern that matches a finding contributes its codes.

    Raises:
        ValueError: a pattern that is not a regular expression, or a code that is not in the
            rule catalog.
    """

    def __init__(self, mapping: Mapping[str, str | Iterable[str]]) -> None:
        known = catalog()
        rules = []
        for pattern, codes in mapping.items():
            wanted = frozenset([codes] if isinstance(codes, str) else codes)
            unknown = sorted(code for code in wanted if code not in known)
            if unknown or not wanted:
                raise ValueError(
                    f"mapping of {pattern!r}: {', '.join(unknown) or 'no code'} "
                    "is not a code of the rule catalog"
                )
            try:
                compiled = re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"mapping of {pattern!r}: not a regular expression: {error}"
                ) from None
            rules.append(_Rule(compiled, wanted))
        self._rules = tuple(rules)

    def codes(self, finding: str) -> frozenset[str]:
        """Our codes for one of their findings (empty: no pattern matches it)."""
        return frozenset().union(*(r.codes for r in self._rules if r.pattern.search(finding)))


def _compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(pattern) for pattern in patterns)
    except re.error as error:
        raise ValueError(f"ignore: not a regular expression: {error}") from None


@dataclass(frozen=True, slots=True)
class _Labelled:
    defect: str
    layer: str
    path: str
    expected: frozenset[str]


def _labelled(case: InvalidCase | Label | Mapping[str, Any]) -> _Labelled:
    if isinstance(case, InvalidCase):
        case = case.label
    if isinstance(case, Label):
        return _Labelled(case.defect, case.layer, case.path, case.expected)
    label = case.get("label", case)  # a manifest entry, or the label in it
    try:
        return _Labelled(
            str(label["defect"]),
            str(label["layer"]),
            str(label["location"]["path"]),
            frozenset(map(str, label["expected"])),
        )
    except (KeyError, TypeError):
        raise ValueError(
            "case: not an invalid case, a label, or a manifest entry with a label"
        ) from None


def assert_rejected_for(
    case: InvalidCase | Label | Mapping[str, Any],
    their_findings: Iterable[str],
    mapping: Mapping[str, str | Iterable[str]] | CodeMap,
    *,
    ignore: Iterable[str] = (),
) -> frozenset[str]:
    """Assert that another validator rejected ``case`` for the reason its label gives.

    Args:
        case: the invalid case the other validator was given: an ``InvalidCase``, its
            ``Label``, or the entry of a corpus's ``manifest.json`` (a mapping, as read with
            :func:`json.load`).
        their_findings: what it reported, one string per finding (a code, a message, or a
            line holding both).
        mapping: their codes or messages (regular expressions) to ours; see :class:`CodeMap`.
        ignore: regular expressions of findings to leave out (notices that are not about the
            file's content, for example).

    It passes when at least one finding maps to a code of the label's expected set, and every
    other finding maps into that set too. Returns our codes that their findings mapped to.

    Raises:
        AssertionError: nothing was reported; no finding maps to an expected code; a finding
            maps to an unexpected code; or a finding maps to no code at all. The message names
            the defect, its location, the expected codes and each offending finding (identity
            numbers in them masked).
        ValueError: a bad mapping or ``ignore`` pattern (see :class:`CodeMap`), or a mapping
            given as ``case`` that holds no label.
    """
    label = _labelled(case)
    codes = mapping if isinstance(mapping, CodeMap) else CodeMap(mapping)
    skipped = _compile_all(ignore)
    findings = [
        str(finding)
        for finding in their_findings
        if not any(pattern.search(str(finding)) for pattern in skipped)
    ]
    mapped = {finding: codes.codes(finding) for finding in findings}
    found = frozenset().union(*mapped.values())
    problems: list[str] = []
    if not findings:
        problems.append("the validator reported nothing: the case was accepted")
    elif not found & label.expected:
        problems.append(f"not found: {_expected(label)}")
    unexpected = [(f, c - label.expected) for f, c in mapped.items() if c - label.expected]
    unmapped = [f for f, c in mapped.items() if not c]
    problems.extend(
        f"unexpected: {_shown(f)} -> {', '.join(sorted(extra))}" for f, extra in unexpected
    )
    problems.extend(f"unmapped: {_shown(f)} matches no pattern of the mapping" for f in unmapped)
    if problems:
        head = (
            f"the validator did not reject the case for its defect {label.defect} "
            f"({label.layer}) at {label.path or '/'}; expected {_expected(label)}"
        )
        raise AssertionError("\n  ".join([head, *problems]))
    return found


def _expected(label: _Labelled) -> str:
    codes = sorted(label.expected)
    return codes[0] if len(codes) == 1 else "one of " + ", ".join(codes)


def _shown(finding: str) -> str:
    return repr(mask_embedded_identities(finding))
