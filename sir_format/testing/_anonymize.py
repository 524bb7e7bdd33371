"""Anonymised copies of real report files, to share with a vendor or the registry's support.

:func:`anonymize` replaces every identity number (personnummer, samordningsnummer,
reservnummer) and every ``LokaltId`` with a synthetic one derived from a secret key with
HMAC-SHA256, so that the same person gets the same pseudonym within a file and across files
anonymised with the same key. A personnummer becomes a check-digit-valid personnummer, a
samordningsnummer a samordningsnummer, a reservnummer a reservnummer; a number that breaks a
rule is replaced by one that breaks it in the same way (a wrong check digit stays wrong).

Options shift each person's birth date, change the sex, shift every date and time of a
person's episodes by one offset per person, and replace the free text of the header. The copy
is validated against the original under the same declaration: it gives exactly the same
finding codes, episode by episode, or it is not returned.

Nothing here draws with Hypothesis: the module imports without it.

>>> from importlib import resources
>>> import sir_format
>>> from sir_format.testing import anonymize
>>> report = sir_format.from_xml((resources.files("sir_format") / "examples/iva.xml").read_bytes())
>>> copy = anonymize(report, key="a secret of sixteen characters or more")
>>> copy.vardtillfalle[0].grunddata.personnummer != report.vardtillfalle[0].grunddata.personnummer
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from stdnum import luhn

from sir_format import codec
from sir_format._files import write_atomically
from sir_format.domain import _digits
from sir_format.domain.embedded import embedded_identity_numbers
from sir_format.errors import AnonymizationError
from sir_format.metadata import Kind, model_info
from sir_format.models import Grunddata, Huvud, Personnummertyp, SIRData, Vardtillfalle
from sir_format.validation.unit import UnitDeclaration
from sir_format.validation.validator import validate

__all__ = [
    "ENV_KEY",
    "MIN_KEY_LENGTH",
    "Anonymized",
    "Pseudonym",
    "anonymize",
    "anonymize_bytes",
    "anonymize_file",
    "anonymize_report",
    "check_key",
]

MIN_KEY_LENGTH = 16
"""Shortest key accepted, in bytes of its UTF-8 form."""

ENV_KEY = "SIR_FORMAT_ANONYMIZE_KEY"
"""Environment variable the command line reads the key from when no option gives it."""

MAX_SHIFT_DAYS = 365
"""Default of ``max_shift_days``: the largest shift, in days, of a date or a birth date."""

_TRIES = 8
"""Offsets tried per person before its dates are left where they are."""

_ATTEMPTS = 10_000
"""Candidates tried for one pseudonym before giving up (the space of values is exhausted)."""

_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"

_T = TypeVar("_T")


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True, slots=True)
class Pseudonym:
    """One replaced value: an identity number (``kind`` is its ``Personnummertyp`` token) or
    a ``LokaltId`` (``kind`` is the element's wire name). ``repr`` hides both values."""

    kind: str
    original: str = field(repr=False)
    pseudonym: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Anonymized:
    """The result of :func:`anonymize_report`.

    Attributes:
        report: the anonymised copy.
        mapping: every replaced identity number and ``LokaltId``, real and synthetic. Keep it
            secret; nothing is written unless asked.
        unshifted: persons whose dates (or birth date) are not shifted, because every offset
            tried would have changed a finding (for example a death on either side of
            2024-01-01, which decides the death protocol).
    """

    report: SIRData
    mapping: tuple[Pseudonym, ...]
    unshifted: int = 0

    def mapping_json(self) -> bytes:
        """The mapping as JSON (UTF-8), for ``--write-mapping``."""
        rows = [
            {"kind": p.kind, "original": p.original, "pseudonym": p.pseudonym}
            for p in self.mapping
        ]
        return (json.dumps({"mapping": rows}, ensure_ascii=False, indent=2) + "\n").encode()


@dataclass(frozen=True, slots=True)
class _Options:
    keep_birth_date: bool
    keep_sex: bool
    shift_dates: bool
    replace_free_text: bool
    max_shift_days: int


# --------------------------------------------------------------------------- the key


def check_key(key: str | bytes) -> bytes:
    """The key as bytes; raise :class:`AnonymizationError` when it is empty or shorter than
    :data:`MIN_KEY_LENGTH` bytes."""
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw.strip()) < MIN_KEY_LENGTH:
        raise AnonymizationError(
            f"the anonymisation key must hold at least {MIN_KEY_LENGTH} bytes "
            f"(got {len(raw.strip())})"
        )
    return raw


class _Keyed:
    """Deterministic numbers from HMAC-SHA256 of the key and a label."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, *parts: object) -> bytes:
        message = "\x1f".join(str(p) for p in parts).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def number(self, *parts: object) -> int:
        return int.from_bytes(self.digest(*parts), "big")

    def rng(self, *parts: object) -> random.Random:
        return random.Random(self.number(*parts))


# --------------------------------------------------------------------------- persons

_GRUNDDATA = model_info(Grunddata).by_py
_LOKALT_ID = model_info(Vardtillfalle).by_py["lokalt_id"]
_BIRTH = _GRUNDDATA["fodelsedatum"]
_KINDS = (Personnummertyp.PERSONNUMMER, Personnummertyp.SAMORDNINGSNUMMER)


@dataclass(frozen=True, slots=True)
class _Person:
    """A person key (SIR's definition): the kind and the number as sent."""

    kind: Personnummertyp
    number: str


@dataclass(frozen=True, slots=True)
class _Plan:
    """What changes for one person at one try."""

    birth_days: int = 0
    date_days: int = 0
    flip_sex: bool = False


def _person_of(episode: Vardtillfalle) -> _Person:
    grunddata = episode.grunddata
    return _Person(grunddata.personnummertyp, grunddata.personnummer)


def _plan(keyed: _Keyed, person: _Person, options: _Options, attempt: int) -> _Plan:
    if attempt >= _TRIES:
        return _Plan()

    def offset(label: str) -> int:
        drawn = keyed.number(label, person.kind.value, person.number, attempt)
        days = 1 + drawn % options.max_shift_days
        return days if drawn >> 128 & 1 else -days

    date_days = offset("dates") if options.shift_dates else 0
    if options.keep_birth_date:
        birth_days = 0
    else:
        birth_days = date_days if options.shift_dates else offset("birth")
    flip = not options.keep_sex and keyed.number("sex", person.kind.value, person.number) & 1
    return _Plan(birth_days, date_days, bool(flip))


# --------------------------------------------------------------------------- pseudonyms


def _same_shape(rng: random.Random, value: str) -> str:
    """Each digit by a digit, each letter by a letter of the same case; other characters kept."""
    out = []
    for char in value:
        if char.isascii() and char.isdigit():
            out.append(rng.choice(_DIGITS))
        elif char.isascii() and char.isupper():
            out.append(rng.choice(_UPPER))
        elif char.isascii() and char.islower():
            out.append(rng.choice(_LOWER))
        elif char.isalpha():
            out.append(rng.choice(_UPPER if char.isupper() else _LOWER))
        else:
            out.append(char)
    return "".join(out)


def _encoded(number: str) -> tuple[date, int] | None:
    """The birth date a 12-digit number encodes and its day offset (0 or 60), or None."""
    if not _digits.twelve_digits(number):
        return None
    offset = _digits.DAY_OFFSET if int(number[6:8]) > _digits.DAY_OFFSET else 0
    born = _digits.decoded_date(number, offset)
    return None if born is None else (born, offset)


def _personal(rng: random.Random, number: str, plan: _Plan) -> str:
    """A number of the same form as ``number``: its date shifted by the plan, a new birth
    number of the same (or the flipped) sex, and a check digit right exactly when it was."""
    encoded = _encoded(number)
    if encoded is None:  # not a real date: keep the date part, replace the birth number
        body = number[:8] + "".join(rng.choice(_DIGITS) for _ in range(3))
        return _with_check(body, number, rng)
    born, offset = encoded
    sex = _digits.sex(number)
    if plan.flip_sex:
        sex = _digits.SEXES[1 - _digits.SEXES.index(sex)]
    try:
        built = _digits.build(born + timedelta(days=plan.birth_days), 0, offset)
    except OverflowError:  # pragma: no cover - dates near year 1 or 9999
        built = _digits.build(born, 0, offset)
    body = built[:8] + f"{_digits.draw_birth_number(rng, sex):03d}"
    return _with_check(body, number, rng)


def _with_check(body: str, number: str, rng: random.Random) -> str:
    """``body`` (11 digits) with the Luhn digit when ``number``'s is right, else a wrong one."""
    check = int(luhn.calc_check_digit(body[2:]))
    if not _digits.luhn_ok(number):
        check = (check + 1 + rng.randrange(9)) % 10
    return body + str(check)


def _identity_candidate(keyed: _Keyed, person: _Person, plan: _Plan, attempt: int) -> str:
    rng = keyed.rng("identity", person.kind.value, person.number, attempt)
    if _digits.twelve_digits(person.number):
        return _personal(rng, person.number, plan)
    return _same_shape(rng, person.number)


def _keeps_kind(original: str, candidate: str) -> bool:
    """The candidate is a valid personnummer or samordningsnummer exactly when the original
    is (SIR-R016 for reservnummer), with the same day offset."""
    for offset in (0, _digits.DAY_OFFSET):
        if _digits.is_valid(original, offset) != _digits.is_valid(candidate, offset):
            return False
    return True


def _assign(
    items: Iterable[_T],
    order: Callable[[_T], bytes],
    candidate: Callable[[_T, int], str],
    original: Callable[[_T], str],
    acceptable: Callable[[_T, str], bool],
) -> dict[_T, str]:
    """Give each item the first of its candidates that no other item has taken.

    Items are served in the order of their keyed digest, not of the file, so that which of
    two colliding items keeps its first candidate does not depend on where they stand.
    """
    taken: set[str] = set()
    chosen: dict[_T, str] = {}
    for item in sorted(set(items), key=order):
        for attempt in range(_ATTEMPTS):
            value = candidate(item, attempt)
            if value in taken or not acceptable(item, value):
                continue
            if value == original(item) and attempt < _ATTEMPTS // 2:
                continue
            break
        else:
            raise AnonymizationError("no free synthetic value is left for a replaced value")
        taken.add(value)
        chosen[item] = value
    return chosen


# --------------------------------------------------------------------------- LokaltId


def _local_id_candidate(
    keyed: _Keyed, value: str, identities: dict[str, str], attempt: int
) -> str:
    """A ``LokaltId`` of the same shape; an identity number inside it becomes the pseudonym
    of that number (SIR-R063 keeps seeing one)."""
    rng = keyed.rng("local-id", value, attempt)
    out: list[str] = []
    done = 0
    for match in embedded_identity_numbers(value):
        out.append(_same_shape(rng, value[done : match.start("date")]))
        digits = match["date"] + match["serial"]
        replaced = identities.get(digits) or identities.get(_twelve(digits), "")
        replaced = replaced[-len(digits) :]
        out.append(replaced[: len(match["date"])])
        out.append(value[match.end("date") : match.start("serial")])
        out.append(replaced[len(match["date"]) :])
        done = match.end("serial")
    out.append(_same_shape(rng, value[done:]))
    return "".join(out)


def _twelve(digits: str) -> str:
    """The 12-digit form of an embedded number (the first century in which it is valid)."""
    if len(digits) == 12:
        return digits
    for century in ("18", "19", "20"):
        if any(_digits.is_valid(century + digits, o) for o in (0, _digits.DAY_OFFSET)):
            return century + digits
    return digits  # pragma: no cover - only valid numbers are embedded


def _embedded_persons(value: str) -> Iterator[_Person]:
    for match in embedded_identity_numbers(value):
        number = _twelve(match["date"] + match["serial"])
        kind = _KINDS[1] if int(number[6:8]) > _digits.DAY_OFFSET else _KINDS[0]
        yield _Person(kind, number)


def _same_embedded(original: str, candidate: str) -> bool:
    spans = [m.span() for m in embedded_identity_numbers(original)]
    return spans == [m.span() for m in embedded_identity_numbers(candidate)]


# --------------------------------------------------------------------------- building


def _shift(value: _T, days: int, skip: frozenset[str]) -> _T:
    """A copy of a model value with every date and date-time moved by ``days``."""
    if not days or not isinstance(value, msgspec.Struct):
        return value
    changes: dict[str, Any] = {}
    for info in model_info(type(value)).fields:
        current = getattr(value, info.py_name)
        if current is None or info.py_name in skip:
            continue
        if info.kind is Kind.COMPLEX:
            items = current if isinstance(current, list) else [current]
            moved = [_shift(item, days, skip) for item in items]
            changes[info.py_name] = moved if isinstance(current, list) else moved[0]
        elif info.kind in (Kind.DATE, Kind.DATETIME) and isinstance(current, date | datetime):
            changes[info.py_name] = current + timedelta(days=days)
    return msgspec.structs.replace(value, **changes) if changes else value


def _free_text(keyed: _Keyed, value: msgspec.Struct, keep: frozenset[str]) -> Any:
    """A copy with each free-text value replaced by text of the same shape."""
    changes: dict[str, Any] = {}
    for info in model_info(type(value)).fields:
        current = getattr(value, info.py_name)
        if current is None or info.py_name in keep:
            continue
        if info.kind is Kind.COMPLEX and not isinstance(current, list):
            changes[info.py_name] = _free_text(keyed, current, keep)
        elif info.free_text and isinstance(current, str):
            changes[info.py_name] = _same_shape(keyed.rng("text", current), current)
    return msgspec.structs.replace(value, **changes) if changes else value


@dataclass(slots=True)
class _Build:
    keyed: _Keyed
    options: _Options
    unit: UnitDeclaration | None
    attempts: dict[_Person, int]
    _candidates: dict[tuple[_Person, _Plan, int], str] = field(default_factory=dict)
    _episodes: dict[tuple[int, _Plan, str, str | None], Vardtillfalle] = field(
        default_factory=dict
    )

    def plans(self) -> dict[_Person, _Plan]:
        return {p: _plan(self.keyed, p, self.options, a) for p, a in self.attempts.items()}

    def run(self, report: SIRData) -> Anonymized:
        plans = self.plans()
        persons = set(plans)
        local_ids = {e.lokalt_id for e in report.vardtillfalle if e.lokalt_id is not None}
        for value in local_ids:
            persons.update(_embedded_persons(value))
        identities = self._identities(persons, plans)
        by_number = {p.number: identities[p] for p in persons}
        locals_ = _assign(
            local_ids,
            lambda v: self.keyed.digest("order", "local-id", v),
            lambda v, i: _local_id_candidate(self.keyed, v, by_number, i),
            lambda v: v,
            _same_embedded,
        )
        episodes = [
            self._episode(i, e, plans, identities, locals_)
            for i, e in enumerate(report.vardtillfalle)
        ]
        huvud = report.huvud
        if self.options.replace_free_text:
            keep: frozenset[str] = frozenset()
            if self.unit is not None:  # compared with the declaration (SIR-R204)
                keep = frozenset({model_info(Huvud).by_py["avdelningsnamn"].py_name})
            huvud = _free_text(self.keyed, huvud, keep)
        copy = msgspec.structs.replace(report, huvud=huvud, vardtillfalle=episodes)
        mapping = [
            Pseudonym(p.kind.value, p.number, identities[p])
            for p in sorted(plans, key=lambda p: (p.kind.value, p.number))
        ]
        mapping += [Pseudonym(_LOKALT_ID.wire_name, v, locals_[v]) for v in sorted(locals_)]
        unshifted = sum(1 for p, a in self.attempts.items() if a >= _TRIES)
        return Anonymized(copy, tuple(mapping), unshifted)

    def _identities(
        self, persons: set[_Person], plans: dict[_Person, _Plan]
    ) -> dict[_Person, str]:
        chosen: dict[_Person, str] = {}
        for kind in Personnummertyp:  # a person key includes the kind: one space per kind
            chosen.update(
                _assign(
                    (p for p in persons if p.kind is kind),
                    lambda p: self.keyed.digest("order", p.kind.value, p.number),
                    lambda p, i: self._candidate(p, plans.get(p, _Plan()), i),
                    lambda p: p.number,
                    lambda p, v: _keeps_kind(p.number, v),
                )
            )
        return chosen

    def _candidate(self, person: _Person, plan: _Plan, attempt: int) -> str:
        key = (person, plan, attempt)
        found = self._candidates.get(key)
        if found is None:
            found = self._candidates[key] = _identity_candidate(self.keyed, person, plan, attempt)
        return found

    def _episode(
        self,
        index: int,
        episode: Vardtillfalle,
        plans: dict[_Person, _Plan],
        identities: dict[_Person, str],
        locals_: dict[str, str],
    ) -> Vardtillfalle:
        person = _person_of(episode)
        plan = plans[person]
        local_id = locals_[episode.lokalt_id] if episode.lokalt_id is not None else None
        key = (index, plan, identities[person], local_id)
        built = self._episodes.get(key)
        if built is None:
            built = self._episodes[key] = self._built(episode, plan, identities[person], local_id)
        return built

    def _built(
        self, episode: Vardtillfalle, plan: _Plan, identity: str, local_id: str | None
    ) -> Vardtillfalle:
        grunddata = episode.grunddata
        kon = grunddata.kon
        if plan.flip_sex and kon in _digits.SEXES:
            kon = _digits.SEXES[1 - _digits.SEXES.index(kon)]
        grunddata = msgspec.structs.replace(
            grunddata,
            personnummer=identity,
            kon=kon,
            fodelsedatum=grunddata.fodelsedatum + timedelta(days=plan.birth_days),
        )
        moved = _shift(episode, plan.date_days, frozenset({_BIRTH.py_name}))
        return msgspec.structs.replace(
            moved,
            lokalt_id=local_id,
            grunddata=_shift(grunddata, plan.date_days, frozenset({_BIRTH.py_name})),
        )


# --------------------------------------------------------------------------- verification


def _codes(report: SIRData, unit: UnitDeclaration | None) -> dict[int | None, tuple[str, ...]]:
    """Finding codes by episode index (``None``: the file)."""
    found: dict[int | None, list[str]] = {}
    for finding in validate(report, unit=unit, max_findings=None).findings:
        found.setdefault(finding.episode_index, []).append(finding.code)
    return {index: tuple(sorted(codes)) for index, codes in found.items()}


def anonymize_report(
    report: SIRData,
    *,
    key: str | bytes,
    keep_birth_date: bool = True,
    keep_sex: bool = True,
    shift_dates: bool = False,
    replace_free_text: bool = False,
    unit: UnitDeclaration | None = None,
    max_shift_days: int = MAX_SHIFT_DAYS,
) -> Anonymized:
    """Anonymise ``report`` and return the copy with its mapping (see :func:`anonymize`)."""
    if not isinstance(report, SIRData):
        raise TypeError(f"anonymize() takes a report (SIRData), not {type(report).__name__}")
    if max_shift_days < 1:
        raise ValueError("max_shift_days must be 1 or more")
    options = _Options(keep_birth_date, keep_sex, shift_dates, replace_free_text, max_shift_days)
    build = _Build(_Keyed(check_key(key)), options, unit, {})
    owners = [_person_of(e) for e in report.vardtillfalle]
    build.attempts = dict.fromkeys(owners, 0)
    check = _Check(report, unit, owners)
    pending: frozenset[_Person] | None = None  # None: the whole file
    for _ in range(3 * _TRIES + 4):
        result = build.run(report)
        changed = check.changed(result.report, pending)
        if not changed and pending is None:
            return result
        if not changed:  # the persons retried are right: check the whole file once more
            pending = None
            continue
        suspects = _suspects(build, owners, changed, pending)
        if not suspects:
            break
        for person in suspects:
            build.attempts[person] += 1
        pending = suspects
    raise AnonymizationError(
        "the anonymised copy would not give the same findings as the original; nothing is written"
    )


class _Check:
    """Compares the findings of a copy with the original's, for the whole file or for the
    episodes of some persons (rules across persons do not depend on what is retried)."""

    def __init__(
        self, report: SIRData, unit: UnitDeclaration | None, owners: list[_Person]
    ) -> None:
        self.report = report
        self.unit = unit
        self.owners = owners
        self.full = _codes(report, unit)
        self._before: dict[frozenset[_Person], dict[int | None, tuple[str, ...]]] = {}

    def changed(self, copy: SIRData, persons: frozenset[_Person] | None) -> set[int | None]:
        """Episode indexes (``None``: the file) whose finding codes differ."""
        if persons is None:
            return _differences(self.full, _codes(copy, self.unit))
        kept = [i for i, owner in enumerate(self.owners) if owner in persons]
        before = self._before.get(persons)
        if before is None:
            before = self._before[persons] = _codes(self._part(self.report, kept), self.unit)
        after = _codes(self._part(copy, kept), self.unit)
        return {None if i is None else kept[i] for i in _differences(before, after)}

    @staticmethod
    def _part(report: SIRData, kept: list[int]) -> SIRData:
        episodes = [report.vardtillfalle[i] for i in kept]
        return msgspec.structs.replace(report, vardtillfalle=episodes)


def _differences(
    before: dict[int | None, tuple[str, ...]], after: dict[int | None, tuple[str, ...]]
) -> set[int | None]:
    return {i for i in set(before) | set(after) if before.get(i) != after.get(i)}


def _suspects(
    build: _Build,
    owners: list[_Person],
    changed: set[int | None],
    pending: frozenset[_Person] | None,
) -> frozenset[_Person]:
    """The persons to move to their next offsets: those of the episodes whose findings
    changed (for a file finding, every person checked); none when nothing is left to try."""
    if None in changed:
        suspects = set(build.attempts) if pending is None else set(pending)
    else:
        suspects = {owners[i] for i in changed if i is not None}
    return frozenset(p for p in suspects if build.attempts[p] < _TRIES)


def anonymize(
    report: SIRData,
    *,
    key: str | bytes,
    keep_birth_date: bool = True,
    keep_sex: bool = True,
    shift_dates: bool = False,
    replace_free_text: bool = False,
    unit: UnitDeclaration | None = None,
    max_shift_days: int = MAX_SHIFT_DAYS,
) -> SIRData:
    """An anonymised copy of ``report`` that gives the same finding codes.

    Args:
        report: the report to copy (it is not changed).
        key: the secret (at least :data:`MIN_KEY_LENGTH` bytes). The same key gives the same
            pseudonyms in every file.
        keep_birth_date: keep each person's birth date (``False``: shift it, in the number and
            in ``Födelsedatum``, by the person's date offset or by an offset of its own).
        keep_sex: keep each person's sex (``False``: a keyed choice per person, in the number
            and in ``Kön``).
        shift_dates: move every date and time of a person's episodes by one offset per
            person (up to ``max_shift_days`` either way), so that the episodes of one person
            keep their order and gaps.
        replace_free_text: replace the free text of the header (department name, system name
            and vendor) with text of the same length and shape; with a declaration the
            department name is kept, as SIR-R204 compares it.
        unit: the declaration the findings are compared under.
        max_shift_days: the largest shift of a date or a birth date.

    Raises:
        AnonymizationError: the key is too short, or the copy would not give the same
            finding codes as the original.
    """
    return anonymize_report(
        report,
        key=key,
        keep_birth_date=keep_birth_date,
        keep_sex=keep_sex,
        shift_dates=shift_dates,
        replace_free_text=replace_free_text,
        unit=unit,
        max_shift_days=max_shift_days,
    ).report


def anonymize_bytes(data: bytes | str, *, key: str | bytes, **options: Any) -> bytes:
    """Anonymise an XML or JSON report given as bytes; the result is in the same format.

    Raises:
        ParseError: the input cannot be read (nothing is anonymised).
        AnonymizationError: see :func:`anonymize`.
    """
    return _anonymize_data(data, key=key, **options)[0]


def _anonymize_data(
    data: bytes | str, *, key: str | bytes, **options: Any
) -> tuple[bytes, Anonymized]:
    check_key(key)
    fmt = codec.detect_format(data)
    report = codec.from_xml(data) if fmt == "xml" else codec.from_json(data)
    result = anonymize_report(report, key=key, **options)
    out = codec.to_xml(result.report) if fmt == "xml" else codec.to_json(result.report)
    return out, result


def anonymize_file(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    key: str | bytes,
    mapping_file: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Anonymized:
    """Anonymise the report file ``source`` into ``target``, in the format of the source.

    Nothing is written when the source cannot be read or cannot be anonymised. The mapping
    from real to synthetic values is written only to ``mapping_file``, when given.
    """
    data = Path(source).read_bytes()
    out, result = _anonymize_data(data, key=key, **options)
    write_atomically(target, out)
    if mapping_file is not None:
        write_atomically(mapping_file, result.mapping_json())
    return result
