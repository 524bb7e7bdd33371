"""The codec's side of the reading pipeline: models, or the first error as an exception.

``read`` and ``stream`` run the same layers as ``validate(..., profile="schema")`` (the
well-formedness and schema layers of :mod:`sir_format.validation.validator` over the sources of
:mod:`sir_format.validation._sources`) and hand out the models that run binds. The first finding
that is an error or fatal becomes the exception, carrying that finding. So ``from_xml`` and
``from_json`` succeed exactly when the schema profile of ``validate`` finds no error, and both
produce the same models: by construction, not by keeping two readers in step.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sir_format import _xml
from sir_format.errors import InputTooLargeError, ParseError, SchemaVersionError
from sir_format.models import Huvud, SIRData, Vardtillfalle
from sir_format.validation._core import Finding, Severity
from sir_format.validation._sources import HEADER, fast_json, sniff
from sir_format.validation.validator import Bound, _Run

__all__ = ["error_of", "read", "stream"]

_ERRORS = (Severity.FATAL, Severity.ERROR)
_EXCEPTIONS: dict[str, type[ParseError]] = {
    "SIR-X003": InputTooLargeError,
    "SIR-X010": SchemaVersionError,
    "SIR-R003": SchemaVersionError,
}


def error_of(finding: Finding) -> ParseError:
    """The exception for ``finding``: its English message (identities masked; characters that
    cannot be shown, such as control characters and lone surrogates, escaped) and location."""
    from sir_format.validation.outputs import printable  # deferred: it imports importlib.metadata

    kind = _EXCEPTIONS.get(finding.code, ParseError)
    return kind(
        printable(f"{finding.code}: {finding.message('en')}"),  # the input's text, escaped
        path=finding.path or None,
        line=finding.line,
        column=finding.column,
        finding=finding,
    )


def _events(source: Any, limits: _xml.Limits, format: str | None) -> Iterator[Bound]:
    run = _Run.prepare(
        source, unit=None, lang="en", profile="schema", limits=limits, format=format
    )
    run.bind = True
    for event in run.events():
        if isinstance(event, Bound):
            yield event
        elif event.severity in _ERRORS:
            raise error_of(run.located(event))


def read(source: Any, limits: _xml.Limits, format: str | None = None) -> SIRData:
    """The whole report, or :class:`ParseError` for the first error in the input.

    JSON bytes that the fast path accepts are returned as it read them: the same answer the
    events below would give (they start with the same fast path), without the per-episode
    bookkeeping of a validation run.
    """
    if isinstance(source, bytes) and (format or sniff(source[:4096])) == "json":
        report = fast_json(source, limits)
        if report is not None:
            return report
    header: Huvud | None = None
    episodes: list[Vardtillfalle] = []
    for event in _events(source, limits, format):
        if event.role == HEADER:
            header = event.model
        else:
            episodes.append(event.model)
    assert header is not None  # a missing header is a finding (SIR-X012)
    return SIRData(huvud=header, vardtillfalle=episodes)


def stream(source: Any, limits: _xml.Limits) -> tuple[Huvud, Iterator[Vardtillfalle]]:
    """The header, and an iterator over the episodes that reads them as it goes."""
    events = _events(source, limits, None)
    first = next(events, None)
    if first is None or first.role != HEADER:  # pragma: no cover - reported as SIR-X012
        raise ParseError("the report has no header")
    return first.model, (event.model for event in events)
