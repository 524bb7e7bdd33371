"""The unit declaration ``sir-enhet.toml`` (data dictionary §7).

A unit (one HSA-id) declares its identity, the vårdtyper it reports, the modules and the KVÅ
actions it commits to report. The validator runs SIR-R200…R207 against it. The texts of the
SIR-R206 findings (why a declaration is invalid) come from the rule catalog.

API::

    UnitDeclaration.load(path) -> UnitDeclaration    # read and check a TOML file
    UnitDeclaration.loads(text) -> UnitDeclaration   # same, from a string
    UnitDeclaration.from_dict(data) -> UnitDeclaration  # from parsed TOML (a mapping)
    UnitDeclaration.check(data) -> list[Finding]     # SIR-R206 findings; [] when valid
    declaration.dumps() -> str                       # canonical TOML text

Errors (both are :class:`~sir_format.errors.SirFormatError`, i.e. ``ValueError``):

- :class:`~sir_format.errors.UnitDeclarationError`: the file cannot be read, is not UTF-8, is
  not TOML or nests too deeply to parse (``line``/``column`` set where the parser knows them).
- :class:`~sir_format.errors.InvalidUnitDeclarationError` (a subclass): the TOML is readable
  but the declaration is invalid. ``.findings`` holds one SIR-R206 finding (severity fatal)
  per problem; each names the offending key in its ``reason`` parameter and in
  ``params["key"]``.

A :class:`UnitDeclaration` object is always valid: the constructor runs the same checks and
raises :class:`InvalidUnitDeclarationError`. A validator reports an invalid declaration so::

    try:
        unit = UnitDeclaration.load(path)
    except InvalidUnitDeclarationError as exc:
        findings.extend(exc.findings)   # SIR-R206, fatal
        unit = None

>>> from sir_format.validation.unit import UnitDeclaration, example_path
>>> unit = UnitDeclaration.load(example_path("ima"))
>>> sorted(unit.vardtyper), unit.sofa_tid.isoformat(timespec="minutes")
(['IMA'], '09:00')
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from sir_format._files import checked_path
from sir_format.domain.registry import DECLARABLE_MODULES, IMA, MATRIX, VARDTYPER
from sir_format.domain.tokens import enum_member
from sir_format.errors import InvalidUnitDeclarationError, SirFormatError, UnitDeclarationError
from sir_format.metadata import model_info
from sir_format.models import Atgard, Huvud, Vardtillfalle, Vardtyp
from sir_format.validation._base import Severity, Text
from sir_format.validation._findings import Finding
from sir_format.validation.catalog import get_rule
from sir_format.validation.identity import hsa_id_reason

__all__ = [
    "DECLARATION_FORMAT",
    "DEFAULT_SOFA_TID",
    "InvalidUnitDeclarationError",  # defined in sir_format.errors, re-exported
    "UnitDeclaration",
    "example_path",
]

DECLARATION_FORMAT = "sir_format.enhet/1"
"""Value of the ``format`` key: the version of the declaration format."""

DEFAULT_SOFA_TID = time(9, 0)
"""The SOFA time when a unit declares none (§4.6, SIR-R080)."""

# Limits of the registered names that are not sent in the file (§1.2, §7.1); the department
# name's limits come from the schema (Huvud/Avdelningsnamn).
_OFFICIAL_NAME_MAX = 100
_SHORT_NAME_MAX = 15

_HUVUD = model_info(Huvud).by_py
_DEPT = _HUVUD["avdelningsnamn"].facets
_KVA_PATTERN = re.compile(f"(?:{model_info(Atgard).by_py['kod'].facets.pattern})")
_CLOCK_PATTERN = re.compile(f"(?:{model_info(Atgard).by_py['klockslag'].facets.pattern})")
_MODULE_FIELDS = model_info(Vardtillfalle).by_wire
_ACTIONS_MODULE = model_info(Vardtillfalle).by_py["atgarder"].wire_name

_TOP_KEYS = ("format", "enhet", "moduler", "atgarder")
_UNIT_KEYS = (
    "hsa_id",
    "officiellt_namn",
    "kortnamn",
    "avdelningsnamn",
    "vardtyper",
    "sofa_tid",
    "giltig_fran",
)
_UNIT_REQUIRED = _UNIT_KEYS[:5]
_LIST_KEYS = ("deklarerade",)

_SET_FIELDS = {
    "vardtyper": "[enhet].vardtyper",
    "modules": "[moduler].deklarerade",
    "actions": "[atgarder].deklarerade",
}
_FIELDS = (*_UNIT_KEYS, "modules", "actions")
_EXAMPLES = Path(__file__).parent.parent / "examples"
_CODE = "SIR-R206"


def example_path(kind: Literal["iva", "ima"]) -> Path:
    """Path of a bundled example declaration: ``"iva"`` (§7.3) or ``"ima"`` (§7.4)."""
    return _EXAMPLES / f"sir-enhet-{kind}.toml"


@dataclass(frozen=True, slots=True)
class _Problem:
    """One reason the declaration is invalid: the key and the catalog's text about it."""

    key: str
    reason: Text


def _problem(key: str, text: str, **params: Any) -> _Problem:
    """A problem with the SIR-R206 catalog text named ``text``, its placeholders filled."""
    return _Problem(key, get_rule(_CODE).text(text, **params))


def _to_findings(problems: Iterable[_Problem]) -> list[Finding]:
    return [
        Finding(
            code=_CODE,
            severity=Severity.FATAL,
            params={
                "reason": Text(sv=f"{p.key}: {p.reason.sv}", en=f"{p.key}: {p.reason.en}"),
                "key": p.key,
            },
            location=(),
        )
        for p in problems
    ]


def _invalid(
    problems: Iterable[_Problem], source: str | None = None
) -> InvalidUnitDeclarationError:
    problems = tuple(problems)
    where = f" {source}" if source else ""
    detail = "; ".join(f"{p.key}: {p.reason.en}" for p in problems)
    return InvalidUnitDeclarationError(
        f"unit declaration{where} is invalid: {detail}", _to_findings(problems)
    )


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class UnitDeclaration:
    """A unit's declaration (``sir-enhet.toml``); construction checks it (SIR-R206).

    Attributes:
        hsa_id: the unit's HSA-id; must equal ``Huvud/HsaId`` (SIR-R203, case-insensitive).
        officiellt_namn: official name registered with SIR (1–100 characters).
        kortnamn: short name registered with SIR (1–15 characters).
        avdelningsnamn: department name used in the file; must equal ``Huvud/Avdelningsnamn``
            after trimming (SIR-R204).
        vardtyper: vårdtyp tokens the unit reports (``"IVA"``, ``"IMA"``, …); the constructor
            takes any iterable of ``Vardtyp`` members or tokens and keeps the tokens.
        sofa_tid: the unit's fixed daily SOFA time (default 09:00).
        giltig_fran: first episode start date the declaration covers, or ``None``.
        modules: wire names of the declared modules (``"Åtgärder"``, ``"NEMS"``, …); the
            constructor takes any iterable of them.
        actions: declared KVÅ codes; non-empty exactly when ``Åtgärder`` is declared; the
            constructor takes any iterable of them.

    The attributes are frozen sets of strings whatever iterable the constructor was given;
    ``dataclasses.replace`` builds a new declaration through the same checks.
    """

    hsa_id: str
    officiellt_namn: str
    kortnamn: str
    avdelningsnamn: str
    vardtyper: frozenset[str]
    sofa_tid: time = DEFAULT_SOFA_TID
    giltig_fran: date | None = None
    modules: frozenset[str] = field(default_factory=frozenset)
    actions: frozenset[str] = field(default_factory=frozenset)

    def __init__(
        self,
        *,
        hsa_id: str,
        officiellt_namn: str,
        kortnamn: str,
        avdelningsnamn: str,
        vardtyper: Iterable[Vardtyp | str],
        sofa_tid: time = DEFAULT_SOFA_TID,
        giltig_fran: date | None = None,
        modules: Iterable[str] = frozenset(),
        actions: Iterable[str] = frozenset(),
    ) -> None:
        given = {
            "hsa_id": hsa_id,
            "officiellt_namn": officiellt_namn,
            "kortnamn": kortnamn,
            "avdelningsnamn": avdelningsnamn,
            "vardtyper": vardtyper,
            "sofa_tid": sofa_tid,
            "giltig_fran": giltig_fran,
            "modules": modules,
            "actions": actions,
        }
        for name, value in given.items():
            object.__setattr__(self, name, value)
        self._normalise_and_check()

    def _normalise_and_check(self) -> None:
        """Keep every set as a frozen set of strings (tokens for ``Vardtyp`` members), then
        check the declaration (SIR-R206)."""
        for name in _SET_FIELDS:
            value = getattr(self, name)
            if isinstance(value, Iterable) and not isinstance(value, str | frozenset):
                object.__setattr__(self, name, frozenset(value))
        if isinstance(self.vardtyper, Iterable) and not isinstance(self.vardtyper, str):
            object.__setattr__(self, "vardtyper", frozenset(map(_vardtyp_token, self.vardtyper)))
        problems = _semantic_problems({f: getattr(self, f) for f in _FIELDS})
        if problems:
            raise _invalid(problems)

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> UnitDeclaration:
        """Read and check a ``sir-enhet.toml`` file (UTF-8; a BOM is accepted)."""
        name = os.fspath(path)
        try:
            raw = checked_path(name, UnitDeclarationError).read_bytes()
        except OSError as exc:
            raise UnitDeclarationError(
                f"cannot read unit declaration {name}: {exc.strerror or exc}"
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnitDeclarationError(
                f"unit declaration {name} is not UTF-8 (byte {exc.start})"
            ) from None
        return cls._parse(text, source=name)

    @classmethod
    def loads(cls, text: str) -> UnitDeclaration:
        """Parse and check the TOML text of a declaration."""
        return cls._parse(text.removeprefix("\ufeff"), source=None)

    @classmethod
    def _parse(cls, text: str, *, source: str | None) -> UnitDeclaration:
        where = f" {source}" if source else ""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _not_toml(exc, text, source) from None
        except RecursionError:  # arrays or inline tables nested deeper than the parser goes
            raise UnitDeclarationError(
                f"unit declaration{where} cannot be read: it is nested too deeply"
            ) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> UnitDeclaration:
        """Build a declaration from parsed TOML; raises :class:`InvalidUnitDeclarationError`."""
        values, problems = _read(data)
        problems += _semantic_problems(values)
        if problems:
            raise _invalid(problems, source)
        return cls(**values)

    @staticmethod
    def check(data: Mapping[str, Any]) -> list[Finding]:
        """SIR-R206 findings for parsed TOML data (``[]`` when the declaration is valid)."""
        values, problems = _read(data)
        problems += _semantic_problems(values)
        return _to_findings(problems)

    # -- use -------------------------------------------------------------------------------

    def declares(self, module: str) -> bool:
        """True when the module (wire name) is declared."""
        return module in self.modules

    def covers(self, start: date) -> bool:
        """True when an episode starting on ``start`` is covered (not before ``giltig_fran``)."""
        day = start.date() if isinstance(start, datetime) else start
        return self.giltig_fran is None or day >= self.giltig_fran

    def dumps(self) -> str:
        """The declaration as canonical TOML text (loads back to an equal object)."""

        def text(value: str) -> str:
            return json.dumps(value, ensure_ascii=False)

        def array(values: Iterable[str]) -> str:
            return "[" + ", ".join(text(v) for v in values) + "]"

        lines = [
            f"format = {text(DECLARATION_FORMAT)}",
            "",
            "[enhet]",
            f"hsa_id = {text(self.hsa_id)}",
            f"officiellt_namn = {text(self.officiellt_namn)}",
            f"kortnamn = {text(self.kortnamn)}",
            f"avdelningsnamn = {text(self.avdelningsnamn)}",
            f"vardtyper = {array(v for v in VARDTYPER if v in self.vardtyper)}",
            f"sofa_tid = {text(self.sofa_tid.strftime('%H:%M'))}",
        ]
        if self.giltig_fran is not None:
            lines.append(f"giltig_fran = {self.giltig_fran.isoformat()}")
        modules = array(m for m in DECLARABLE_MODULES if m in self.modules)
        lines += ["", "[moduler]", f"deklarerade = {modules}"]
        if self.actions:
            lines += ["", "[atgarder]", f"deklarerade = {array(sorted(self.actions))}"]
        return "\n".join(lines) + "\n"


# -- reading raw TOML data ---------------------------------------------------------------


def _toml_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, int]:
    """Line and column (1-based) of a TOML syntax error: the exception's own attributes where
    the parser has them, else the position its message ends with (``(at line L, column C)``;
    ``(at end of document)`` is the position after the last character)."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if isinstance(line, int) and isinstance(column, int):
        return line, column
    match = re.search(r"\(at line (\d+), column (\d+)\)\s*$", str(exc))
    if match is not None:
        return int(match.group(1)), int(match.group(2))
    last = text.rsplit("\n", 1)[-1]
    return text.count("\n") + 1, len(last) + 1


def _not_toml(exc: tomllib.TOMLDecodeError, text: str, source: str | None) -> UnitDeclarationError:
    """The error of a declaration that is not TOML: the line and column, in our own words
    (a SIR-R206 finding in Swedish and English), never the TOML parser's text."""
    line, column = _toml_position(exc, text)
    reason = get_rule(_CODE).text("not_toml", line=line, column=column)
    if source:
        reason = Text(sv=f"{source}: {reason.sv}", en=f"{source}: {reason.en}")
    finding = Finding(
        code=_CODE,
        severity=Severity.FATAL,
        params={"reason": reason, "key": ""},
        location=(),
    )
    where = f" {source}" if source else ""
    return UnitDeclarationError(
        f"unit declaration{where} is not valid TOML", line=line, column=column, finding=finding
    )


# The catalog text naming each TOML type (``type_string`` is "a string" / "en sträng").
_TOML_TYPES: dict[type, str] = {
    str: "type_string",
    list: "type_array",
    dict: "type_table",
    bool: "type_boolean",
    int: "type_integer",
    float: "type_float",
    datetime: "type_datetime",
    date: "type_date",
    time: "type_time",
}


def _type_name(value: object) -> Text:
    name = _TOML_TYPES.get(type(value))
    if name is None:
        return Text(sv=type(value).__name__, en=type(value).__name__)
    return get_rule(_CODE).text(name)


def _wrong_type(key: str, value: object, expected: type) -> _Problem:
    want = get_rule(_CODE).text(_TOML_TYPES[expected])
    return _problem(key, "wrong_type", expected=want, found=_type_name(value))


def _missing(key: str) -> _Problem:
    return _problem(key, "missing")


def _unknown_keys(
    table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str
) -> list[_Problem]:
    return [
        _problem(f"{prefix}{_key_text(key)}", "unknown_key") for key in table if key not in allowed
    ]


def _key_text(key: object) -> str:
    """A key as text; a key that is no string (never so in TOML) by its type alone."""
    return key if isinstance(key, str) else f"<{_type_name(key).en}>"


# A reader turns one raw TOML value into a constructor argument, or names the problem.
_Reader = Callable[[str, Any], Any]


def _as_text(key: str, value: object) -> str | _Problem:
    return value.strip() if isinstance(value, str) else _wrong_type(key, value, str)


def _as_hsa_id(key: str, value: object) -> str | _Problem:
    return value if isinstance(value, str) else _wrong_type(key, value, str)


def _as_strings(key: str, value: object) -> frozenset[str] | _Problem:
    if not isinstance(value, list):
        return _wrong_type(key, value, list)
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        return _wrong_type(key + "[…]", bad[0], str)
    return frozenset(item.strip() for item in value)


def _as_clock(key: str, value: object) -> time | _Problem:
    if not isinstance(value, str):
        return _wrong_type(key, value, str)
    if not _CLOCK_PATTERN.fullmatch(value):
        return _problem(key, "clock", v=value)
    return time.fromisoformat(value)


def _as_date(key: str, value: object) -> date | _Problem:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return _wrong_type(key, value, date)


_UNIT_READERS: dict[str, _Reader] = {
    "hsa_id": _as_hsa_id,
    "officiellt_namn": _as_text,
    "kortnamn": _as_text,
    "avdelningsnamn": _as_text,
    "vardtyper": _as_strings,
    "sofa_tid": _as_clock,
    "giltig_fran": _as_date,
}


@dataclass(frozen=True, slots=True)
class _TableSpec:
    """One table of the declaration: its keys, which are required, how each is read."""

    name: str
    required: bool
    keys: tuple[str, ...]
    required_keys: tuple[str, ...]
    readers: Mapping[str, tuple[str, _Reader]]  # TOML key -> (constructor argument, reader)


_TABLES = (
    _TableSpec(
        "enhet",
        True,
        _UNIT_KEYS,
        _UNIT_REQUIRED,
        {key: (key, reader) for key, reader in _UNIT_READERS.items()},
    ),
    _TableSpec("moduler", True, _LIST_KEYS, _LIST_KEYS, {"deklarerade": ("modules", _as_strings)}),
    _TableSpec("atgarder", False, _LIST_KEYS, (), {"deklarerade": ("actions", _as_strings)}),
)


def _read(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[_Problem]]:
    """Type-check raw TOML data; return constructor arguments and the problems found."""
    if not isinstance(data, Mapping):
        return {}, [_wrong_type("(document)", data, dict)]
    problems = _unknown_keys(data, _TOP_KEYS, "")
    problems += _format_problems(data.get("format"))
    values: dict[str, Any] = {}
    for spec in _TABLES:
        problems += _read_table(spec, data.get(spec.name), values)
    return values, problems


def _format_problems(fmt: object) -> list[_Problem]:
    if fmt is None:
        return [_missing("format")]
    if not isinstance(fmt, str):
        return [_wrong_type("format", fmt, str)]
    if fmt != DECLARATION_FORMAT:
        return [_problem("format", "format", found=fmt, expected=DECLARATION_FORMAT)]
    return []


def _read_table(spec: _TableSpec, table: object, values: dict[str, Any]) -> list[_Problem]:
    """Read one table into ``values``; the problems found in it."""
    label = f"[{spec.name}]"
    if table is None:
        return [_missing(label)] if spec.required else []
    if not isinstance(table, dict):
        return [_wrong_type(label, table, dict)]
    problems = _unknown_keys(table, spec.keys, f"{label}.")
    problems += [_missing(f"{label}.{key}") for key in spec.required_keys if key not in table]
    for key, (argument, reader) in spec.readers.items():
        if key not in table:
            continue
        result = reader(f"{label}.{key}", table[key])
        if isinstance(result, _Problem):
            problems.append(result)
        else:
            values[argument] = result
    return problems


# -- checks on typed values (shared by the constructor and check()) ----------------------


def _semantic_problems(values: Mapping[str, Any]) -> list[_Problem]:
    """Check the values that are present (constructor arguments by field name)."""
    problems = [p for check in _VALUE_CHECKS for p in check(values)]
    set_problem = _set_type_problem(values)
    if set_problem is not None:  # the set checks below need sets of strings
        return [*problems, set_problem]
    return problems + [p for check in _SET_CHECKS for p in check(values)]


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _check_hsa_id(values: Mapping[str, Any]) -> Iterator[_Problem]:
    if "hsa_id" not in values:
        return
    hsa, key = values["hsa_id"], "[enhet].hsa_id"
    if not isinstance(hsa, str):
        yield _wrong_type(key, hsa, str)
        return
    reason = hsa_id_reason(hsa)
    if reason is not None:
        yield _problem(key, "hsa_id", v=hsa, detail=reason)


def _check_names(values: Mapping[str, Any]) -> Iterator[_Problem]:
    for name, low, high in _NAME_LIMITS:
        if name not in values:
            continue
        value, key = values[name], f"[enhet].{name}"
        if not isinstance(value, str):
            yield _wrong_type(key, value, str)
            continue
        n = len(value.strip())
        if not low <= n <= high or _has_control(value):
            yield _problem(key, "length", low=low, high=high, n=n)


_NAME_LIMITS = (
    ("officiellt_namn", 1, _OFFICIAL_NAME_MAX),
    ("kortnamn", 1, _SHORT_NAME_MAX),
    ("avdelningsnamn", _DEPT.min_length or 1, _DEPT.max_length or 50),
)


def _check_times(values: Mapping[str, Any]) -> Iterator[_Problem]:
    sofa = values.get("sofa_tid", DEFAULT_SOFA_TID)
    if not isinstance(sofa, time):
        yield _wrong_type("[enhet].sofa_tid", sofa, time)
    elif sofa.second or sofa.microsecond or sofa.tzinfo is not None:
        yield _problem("[enhet].sofa_tid", "whole_minute", v=str(sofa))
    valid_from = values.get("giltig_fran")
    if valid_from is not None and (
        not isinstance(valid_from, date) or isinstance(valid_from, datetime)
    ):
        yield _wrong_type("[enhet].giltig_fran", valid_from, date)


_VALUE_CHECKS = (_check_hsa_id, _check_names, _check_times)


def _set_type_problem(values: Mapping[str, Any]) -> _Problem | None:
    """The first set field that is not a frozenset of strings, if any."""
    for name, key in _SET_FIELDS.items():
        if name in values and not isinstance(values[name], frozenset):
            return _wrong_type(key, values[name], list)
        non_strings = [v for v in values.get(name, ()) if not isinstance(v, str)]
        if non_strings:
            return _wrong_type(key + "[…]", non_strings[0], str)
    return None


def _vardtyp_token(value: object) -> object:
    """A ``Vardtyp`` member as its token; anything else as given, for the checks to judge."""
    if isinstance(value, Enum):
        try:
            return enum_member(Vardtyp, value).value
        except SirFormatError:
            return value  # another enumeration's member: reported as not a string
    return value


def _check_vardtyper(values: Mapping[str, Any]) -> Iterator[_Problem]:
    key = "[enhet].vardtyper"
    vardtyper: frozenset[str] = values.get("vardtyper", frozenset())
    for v in sorted(vardtyper - set(VARDTYPER)):
        yield _problem(key, "unknown_vardtyp", v=v, known=VARDTYPER)
    if "vardtyper" in values and not vardtyper:
        yield _problem(key, "no_vardtyp")
    if IMA in vardtyper and len(vardtyper) > 1:
        others = [v for v in VARDTYPER if v in vardtyper and v != IMA]
        yield _problem(key, "ima_combined", others=others)


def _check_modules(values: Mapping[str, Any]) -> Iterator[_Problem]:
    key = "[moduler].deklarerade"
    known_vt = values.get("vardtyper", frozenset()) & set(VARDTYPER)
    for module in sorted(values.get("modules", ()), key=_module_rank):
        if module not in DECLARABLE_MODULES:
            text = "mandatory_module" if module in _MODULE_FIELDS else "unknown_module"
            yield _problem(key, text, module=module)
            continue
        allowed = MATRIX[module].allowed_vardtyper
        if known_vt and not (allowed & known_vt):
            yield _problem(
                key,
                "module_not_applicable",
                module=module,
                declared=[v for v in VARDTYPER if v in known_vt],
                allowed=[v for v in VARDTYPER if v in allowed],
            )


def _check_actions(values: Mapping[str, Any]) -> Iterator[_Problem]:
    key = "[atgarder].deklarerade"
    actions: frozenset[str] = values.get("actions", frozenset())
    for code in sorted(actions):
        if not _KVA_PATTERN.fullmatch(code):
            yield _problem(key, "kva_code", v=code)
    declares_actions = _ACTIONS_MODULE in values.get("modules", ())
    if declares_actions and not actions:
        yield _problem(key, "actions_missing", module=_ACTIONS_MODULE)
    if actions and not declares_actions and "modules" in values:
        yield _problem(key, "actions_undeclared", module=_ACTIONS_MODULE)


_SET_CHECKS = (_check_vardtyper, _check_modules, _check_actions)
_MODULE_RANK = {name: i for i, name in enumerate(DECLARABLE_MODULES)}


def _module_rank(name: str) -> tuple[int, str]:
    return (_MODULE_RANK.get(name, len(DECLARABLE_MODULES)), name)
