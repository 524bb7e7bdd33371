"""The unit declaration ``sir-enhet.toml`` (data dictionary §7).

A unit (one HSA-id) declares its identity, the vårdtyper it reports, the modules and the KVÅ
actions it commits to report. The validator runs SIR-R200…R207 against it.

API::

    UnitDeclaration.load(path) -> UnitDeclaration    # read and check a TOML file
    UnitDeclaration.loads(text) -> UnitDeclaration   # same, from a string
    UnitDeclaration.from_dict(data) -> UnitDeclaration  # from parsed TOML (a mapping)
    UnitDeclaration.check(data) -> list[Finding]     # SIR-R206 findings; [] when valid
    declaration.dumps() -> str                       # canonical TOML text

Errors (both are :class:`~sir_format.errors.SirFormatError`, i.e. ``ValueError``):

- :class:`~sir_format.errors.UnitDeclarationError`: the file cannot be read, is not UTF-8, is
  not TOML or nests too deeply to parse (``line``/``column`` set where the parser knows them).
- :class:`InvalidUnitDeclarationError` (a subclass): the TOML is readable but the declaration
  is invalid. ``.findings`` holds one SIR-R206 finding (severity fatal) per problem; each
  names the offending key in its ``reason`` parameter and in ``params["key"]``.

A :class:`UnitDeclaration` object is always valid: the constructor runs the same checks and
raises :class:`InvalidUnitDeclarationError`. A validator reports an invalid declaration so::

    try:
        unit = UnitDeclaration.load(path)
    except InvalidUnitDeclarationError as exc:
        findings.extend(exc.findings)   # SIR-R206, fatal
        unit = None

>>> from sir_format.unit import UnitDeclaration, example_path
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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sir_format._files import checked_path
from sir_format.errors import UnitDeclarationError
from sir_format.metadata import model_info
from sir_format.models import Atgard, Huvud, Vardtillfalle

if TYPE_CHECKING:
    from sir_format.validation._core import Finding

__all__ = [
    "DECLARATION_FORMAT",
    "DEFAULT_SOFA_TID",
    "InvalidUnitDeclarationError",
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
_EXAMPLES = Path(__file__).parent / "examples"


def example_path(kind: Literal["iva", "ima"]) -> Path:
    """Path of a bundled example declaration: ``"iva"`` (§7.3) or ``"ima"`` (§7.4)."""
    return _EXAMPLES / f"sir-enhet-{kind}.toml"


@dataclass(frozen=True, slots=True)
class _Problem:
    key: str
    en: str
    sv: str


class InvalidUnitDeclarationError(UnitDeclarationError):
    """A readable unit declaration with invalid content; ``findings`` are SIR-R206 findings."""

    def __init__(self, problems: Iterable[_Problem], *, source: str | None = None) -> None:
        self.problems: tuple[_Problem, ...] = tuple(problems)
        self.findings: tuple[Finding, ...] = tuple(_to_findings(self.problems))
        where = f" {source}" if source else ""
        detail = "; ".join(f"{p.key}: {p.en}" for p in self.problems)
        super().__init__(f"unit declaration{where} is invalid: {detail}")


def _to_findings(problems: Iterable[_Problem]) -> list[Finding]:
    from sir_format.validation._core import Finding, Severity, Text

    return [
        Finding(
            code="SIR-R206",
            severity=Severity.FATAL,
            params={"reason": Text(sv=f"{p.key}: {p.sv}", en=f"{p.key}: {p.en}"), "key": p.key},
            location=(),
        )
        for p in problems
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitDeclaration:
    """A unit's declaration (``sir-enhet.toml``); construction checks it (SIR-R206).

    Attributes:
        hsa_id: the unit's HSA-id; must equal ``Huvud/HsaId`` (SIR-R203, case-insensitive).
        officiellt_namn: official name registered with SIR (1–100 characters).
        kortnamn: short name registered with SIR (1–15 characters).
        avdelningsnamn: department name used in the file; must equal ``Huvud/Avdelningsnamn``
            after trimming (SIR-R204).
        vardtyper: vårdtyp tokens the unit reports (``"IVA"``, ``"IMA"``, …).
        sofa_tid: the unit's fixed daily SOFA time (default 09:00).
        giltig_fran: first episode start date the declaration covers, or ``None``.
        modules: wire names of the declared modules (``"Åtgärder"``, ``"NEMS"``, …).
        actions: declared KVÅ codes; non-empty exactly when ``Åtgärder`` is declared.
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

    def __post_init__(self) -> None:
        for name in _SET_FIELDS:
            value = getattr(self, name)
            if isinstance(value, Iterable) and not isinstance(value, str | frozenset):
                object.__setattr__(self, name, frozenset(value))
        problems = list(_semantic_problems({f: getattr(self, f) for f in _FIELDS}))
        if problems:
            raise InvalidUnitDeclarationError(problems)

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
            message, line, column = _split_toml_error(str(exc))
            raise UnitDeclarationError(
                f"unit declaration{where} is not valid TOML: {message}", line=line, column=column
            ) from None
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
            raise InvalidUnitDeclarationError(problems, source=source)
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
        from sir_format.validation.applicability import DECLARABLE_MODULES, VARDTYPER

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


def _split_toml_error(message: str) -> tuple[str, int | None, int | None]:
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if match is None:
        match_line = re.search(r"\s*\(at line (\d+)\)\s*$", message)
        if match_line is None:
            return message, None, None
        return message[: match_line.start()], int(match_line.group(1)), None
    return message[: match.start()], int(match.group(1)), int(match.group(2))


_TOML_TYPES: dict[type, tuple[str, str]] = {
    str: ("a string", "en sträng"),
    list: ("an array", "en array"),
    dict: ("a table", "en tabell"),
    bool: ("a boolean", "ett booleskt värde"),
    int: ("an integer", "ett heltal"),
    float: ("a float", "ett flyttal"),
    datetime: ("a date-time", "en tidpunkt"),
    date: ("a local date", "ett lokalt datum"),
    time: ("a local time", "en lokal tid"),
}


def _type_name(value: object) -> tuple[str, str]:
    for kind, names in _TOML_TYPES.items():
        if type(value) is kind:
            return names
    return type(value).__name__, type(value).__name__


def _wrong_type(key: str, value: object, expected: type) -> _Problem:
    want_en, want_sv = _TOML_TYPES[expected]
    got_en, got_sv = _type_name(value)
    return _Problem(
        key, f"expected {want_en}, found {got_en}", f"förväntade {want_sv}, fann {got_sv}"
    )


def _missing(key: str) -> _Problem:
    return _Problem(key, "required key is missing", "obligatorisk nyckel saknas")


def _unknown_keys(
    table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str
) -> list[_Problem]:
    return [
        _Problem(f"{prefix}{_key_text(key)}", "unknown key", "okänd nyckel")
        for key in table
        if key not in allowed
    ]


def _key_text(key: object) -> str:
    """A key as text; a key that is no string (never so in TOML) by its type alone."""
    return key if isinstance(key, str) else f"<{_type_name(key)[0]}>"


def _table(
    data: Mapping[str, Any], name: str, problems: list[_Problem]
) -> Mapping[str, Any] | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(_wrong_type(f"[{name}]", value, dict))
        return None
    return value


def _string_list(
    table: Mapping[str, Any], key: str, label: str, problems: list[_Problem]
) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        problems.append(_wrong_type(label, value, list))
        return None
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        problems.append(_wrong_type(label + "[…]", bad[0], str))
        return None
    return [item.strip() for item in value]


def _read(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[_Problem]]:
    """Type-check raw TOML data; return constructor arguments and the problems found."""
    problems: list[_Problem] = []
    if not isinstance(data, Mapping):
        return {}, [_wrong_type("(document)", data, dict)]
    problems += _unknown_keys(data, _TOP_KEYS, "")

    fmt = data.get("format")
    if fmt is None:
        problems.append(_missing("format"))
    elif not isinstance(fmt, str):
        problems.append(_wrong_type("format", fmt, str))
    elif fmt != DECLARATION_FORMAT:
        problems.append(
            _Problem(
                "format",
                f'unsupported format "{fmt}"; expected "{DECLARATION_FORMAT}"',
                f'formatet "{fmt}" stöds inte; förväntat "{DECLARATION_FORMAT}"',
            )
        )

    values: dict[str, Any] = {}
    unit = _table(data, "enhet", problems)
    if unit is None and "enhet" not in data:
        problems.append(_missing("[enhet]"))
    if unit is not None:
        problems += _unknown_keys(unit, _UNIT_KEYS, "[enhet].")
        for key in _UNIT_REQUIRED:
            if key not in unit:
                problems.append(_missing(f"[enhet].{key}"))
        for key in ("hsa_id", "officiellt_namn", "kortnamn", "avdelningsnamn"):
            value = unit.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                values[key] = value.strip() if key != "hsa_id" else value
            else:
                problems.append(_wrong_type(f"[enhet].{key}", value, str))
        vardtyper = _string_list(unit, "vardtyper", "[enhet].vardtyper", problems)
        if vardtyper is not None:
            values["vardtyper"] = frozenset(vardtyper)
        sofa = unit.get("sofa_tid")
        if sofa is not None:
            parsed = _read_clock(sofa, problems)
            if parsed is not None:
                values["sofa_tid"] = parsed
        valid_from = unit.get("giltig_fran")
        if valid_from is not None:
            if isinstance(valid_from, date) and not isinstance(valid_from, datetime):
                values["giltig_fran"] = valid_from
            else:
                problems.append(_wrong_type("[enhet].giltig_fran", valid_from, date))

    modules = _table(data, "moduler", problems)
    if modules is None and "moduler" not in data:
        problems.append(_missing("[moduler]"))
    if modules is not None:
        problems += _unknown_keys(modules, _LIST_KEYS, "[moduler].")
        if "deklarerade" not in modules:
            problems.append(_missing("[moduler].deklarerade"))
        declared = _string_list(modules, "deklarerade", "[moduler].deklarerade", problems)
        if declared is not None:
            values["modules"] = frozenset(declared)

    actions = _table(data, "atgarder", problems)
    if actions is not None:
        problems += _unknown_keys(actions, _LIST_KEYS, "[atgarder].")
        codes = _string_list(actions, "deklarerade", "[atgarder].deklarerade", problems)
        if codes is not None:
            values["actions"] = frozenset(codes)
    return values, problems


def _read_clock(value: object, problems: list[_Problem]) -> time | None:
    key = "[enhet].sofa_tid"
    if not isinstance(value, str):
        problems.append(_wrong_type(key, value, str))
        return None
    if not _CLOCK_PATTERN.fullmatch(value):
        problems.append(
            _Problem(
                key, f'"{value}" is not a time "HH:MM"', f'"{value}" är inte ett klockslag "TT:MM"'
            )
        )
        return None
    return time.fromisoformat(value)


# -- checks on typed values (shared by the constructor and check()) ----------------------


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _length_problem(key: str, value: str, low: int, high: int) -> _Problem | None:
    n = len(value.strip())
    if low <= n <= high and not _has_control(value):
        return None
    return _Problem(
        key,
        f"must be {low}–{high} characters without control characters (found {n})",
        f"ska vara {low}–{high} tecken utan styrtecken (fann {n})",
    )


def _semantic_problems(values: Mapping[str, Any]) -> list[_Problem]:
    """Check the values that are present (constructor arguments by field name)."""
    return list(_semantic(values))


def _semantic(values: Mapping[str, Any]) -> Iterator[_Problem]:
    from sir_format.validation.applicability import DECLARABLE_MODULES, IMA, MATRIX, VARDTYPER
    from sir_format.validation.identity import hsa_id_reason

    hsa = values.get("hsa_id")
    if "hsa_id" in values:
        if not isinstance(hsa, str):
            yield _wrong_type("[enhet].hsa_id", hsa, str)
        else:
            reason = hsa_id_reason(hsa)
            if reason is not None:
                yield _Problem(
                    "[enhet].hsa_id",
                    f'"{hsa}" is not a valid HSA-id ({reason.en})',
                    f'"{hsa}" är inget giltigt HSA-id ({reason.sv})',
                )
    for key, low, high in (
        ("officiellt_namn", 1, _OFFICIAL_NAME_MAX),
        ("kortnamn", 1, _SHORT_NAME_MAX),
        ("avdelningsnamn", _DEPT.min_length or 1, _DEPT.max_length or 50),
    ):
        if key not in values:
            continue
        value = values[key]
        if not isinstance(value, str):
            yield _wrong_type(f"[enhet].{key}", value, str)
            continue
        problem = _length_problem(f"[enhet].{key}", value, low, high)
        if problem is not None:
            yield problem

    sofa = values.get("sofa_tid", DEFAULT_SOFA_TID)
    if not isinstance(sofa, time):
        yield _wrong_type("[enhet].sofa_tid", sofa, time)
    elif sofa.second or sofa.microsecond or sofa.tzinfo is not None:
        yield _Problem(
            "[enhet].sofa_tid",
            f'"{sofa}" is not a whole-minute local time "HH:MM"',
            f'"{sofa}" är inte ett lokalt klockslag i hela minuter "TT:MM"',
        )
    valid_from = values.get("giltig_fran")
    if valid_from is not None and (
        not isinstance(valid_from, date) or isinstance(valid_from, datetime)
    ):
        yield _wrong_type("[enhet].giltig_fran", valid_from, date)

    for name, key in _SET_FIELDS.items():
        if name in values and not isinstance(values[name], frozenset):
            yield _wrong_type(key, values[name], list)
            return
        non_strings = [v for v in values.get(name, ()) if not isinstance(v, str)]
        if non_strings:
            yield _wrong_type(key + "[…]", non_strings[0], str)
            return
    vardtyper: frozenset[str] = values.get("vardtyper", frozenset())
    unknown_vt = sorted((v for v in vardtyper if v not in VARDTYPER), key=str)
    for v in unknown_vt:
        yield _Problem(
            "[enhet].vardtyper",
            f'unknown vårdtyp "{v}"; expected one of {", ".join(VARDTYPER)}',
            f'okänd vårdtyp "{v}"; förväntat en av {", ".join(VARDTYPER)}',
        )
    if "vardtyper" in values and not vardtyper:
        yield _Problem(
            "[enhet].vardtyper", "at least one vårdtyp is required", "minst en vårdtyp krävs"
        )
    if IMA in vardtyper and len(vardtyper) > 1:
        others = ", ".join(v for v in VARDTYPER if v in vardtyper and v != IMA)
        yield _Problem(
            "[enhet].vardtyper",
            f"IMA cannot be combined with ICU vårdtyper ({others})",
            f"IMA kan inte kombineras med IVA-vårdtyper ({others})",
        )

    known_vt = vardtyper - set(unknown_vt)
    modules: frozenset[str] = values.get("modules", frozenset())
    actions: frozenset[str] = values.get("actions", frozenset())
    for module in sorted(modules, key=_module_order(DECLARABLE_MODULES)):
        if module not in DECLARABLE_MODULES:
            if module in _MODULE_FIELDS:
                yield _Problem(
                    "[moduler].deklarerade",
                    f'"{module}" is always mandatory and is not declared',
                    f'"{module}" är alltid obligatorisk och deklareras inte',
                )
            else:
                yield _Problem(
                    "[moduler].deklarerade",
                    f'unknown module "{module}"',
                    f'okänd modul "{module}"',
                )
            continue
        allowed = MATRIX[module].allowed_vardtyper
        if known_vt and not (allowed & known_vt):
            listed = ", ".join(v for v in VARDTYPER if v in allowed)
            declared = ", ".join(v for v in VARDTYPER if v in known_vt)
            yield _Problem(
                "[moduler].deklarerade",
                f'module "{module}" applies to none of the declared vårdtyper ({declared});'
                f" it applies to {listed}",
                f'modulen "{module}" gäller ingen av de deklarerade vårdtyperna ({declared});'
                f" den gäller {listed}",
            )

    for code in sorted(actions, key=str):
        if not isinstance(code, str) or not _KVA_PATTERN.fullmatch(code):
            yield _Problem(
                "[atgarder].deklarerade",
                f'"{code}" is not a KVÅ code (5 characters, e.g. DG021)',
                f'"{code}" är ingen KVÅ-kod (5 tecken, t.ex. DG021)',
            )
    declares_actions = _ACTIONS_MODULE in modules
    if declares_actions and not actions:
        yield _Problem(
            "[atgarder].deklarerade",
            f'must list at least one KVÅ code when "{_ACTIONS_MODULE}" is declared',
            f'ska ange minst en KVÅ-kod när "{_ACTIONS_MODULE}" är deklarerad',
        )
    if actions and not declares_actions and "modules" in values:
        yield _Problem(
            "[atgarder].deklarerade",
            f'lists actions but the module "{_ACTIONS_MODULE}" is not declared',
            f'anger åtgärder men modulen "{_ACTIONS_MODULE}" är inte deklarerad',
        )


def _module_order(order: tuple[str, ...]) -> Any:
    rank = {name: i for i, name in enumerate(order)}
    return lambda name: (rank.get(name, len(order)), name)
