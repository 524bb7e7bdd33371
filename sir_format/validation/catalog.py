"""The rule catalog: every finding code with its severity, layer, fields, titles and messages.

The catalog is data (``catalog.toml`` beside this module): registry rules SIR-R001…R121 and
unit rules SIR-R200…R207 from data dictionary §6–§7, plus SIR-X codes for format and schema
violations. It feeds the validator (severity and messages), the docs page of rules and the
CLI's ``rules`` command.

Messages are templates with ``{name}`` placeholders, stored in Swedish and English with the
same (English) placeholder names. :func:`render` fills them when a message is read, so one
report can be shown in either language.

>>> from sir_format.validation.catalog import get_rule
>>> get_rule("SIR-R021").title.en
'Discharge after the start'
"""

from __future__ import annotations

import enum
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Protocol

from sir_format.validation._base import Identity, Layer, LocalId, Severity, Text

__all__ = [
    "LANGUAGES",
    "Rule",
    "Suppression",
    "Variant",
    "catalog",
    "format_value",
    "get_rule",
    "placeholders",
    "render",
    "rules",
]

LANGUAGES = ("sv", "en")
"""Languages every message and title is available in."""

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def placeholders(template: str) -> frozenset[str]:
    """The placeholder names of a message template (``{v}``, ``{hh:mm}`` ...)."""
    return frozenset(_PLACEHOLDER.findall(template))


@dataclass(frozen=True, slots=True)
class Variant:
    """One severity variant of a rule the dictionary marks ``E/W`` (e.g. SIR-R037)."""

    key: str
    severity: Severity
    message: Text


@dataclass(frozen=True, slots=True)
class Suppression:
    """When a finding of another rule (``code``) is reported for an episode, a finding of this
    rule is not, because it would report the same cause again (data dictionary §12 D6).

    ``variant`` limits the other rule's findings to one variant; ``same`` names parameters both
    findings must agree on (``module``); ``where`` gives parameter values the other finding
    must have; ``only`` limits the suppressed findings to one variant of this rule.
    """

    code: str
    variant: str | None = None
    same: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)
    only: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A catalog entry.

    Attributes:
        code: ``SIR-Rnnn`` (registry and unit rules) or ``SIR-Xnnn`` (format and schema).
        severity: the default severity (the first variant's for ``E/W`` rules).
        layer: the validation layer that reports it.
        title: short name, Swedish and English.
        message: message template (the default variant's), Swedish and English.
        group: the dictionary section's heading, Swedish and English.
        section: the dictionary section (``6.3``, ``7.2``; ``X`` for SIR-X codes).
        fields: wire-name paths of the elements the rule reads (``Huvud/HsaId``).
        check: what the rule checks, in English, as the dictionary states it.
        variants: the severity variants of ``E/W`` rules (empty for the others).
        texts: named texts that fill a parameter of the rule's message, Swedish and English,
            themselves templates (SIR-R206 takes its ``{reason}`` from them); see :meth:`text`.
        skipped_after: codes whose finding for an episode means this rule is not checked for
            that episode: it would judge the episode against data already reported as wrong.
        suppressed_by: findings of other rules that make a finding of this rule a repeat of
            the same cause (see :class:`Suppression`).
    """

    code: str
    severity: Severity
    layer: Layer
    title: Text
    message: Text
    group: Text
    section: str
    fields: tuple[str, ...]
    check: str
    variants: tuple[Variant, ...] = ()
    texts: Mapping[str, Text] = field(default_factory=dict, compare=False)
    skipped_after: tuple[str, ...] = ()
    suppressed_by: tuple[Suppression, ...] = ()

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity the rule can report."""
        return tuple(dict.fromkeys(v.severity for v in self.variants)) or (self.severity,)

    def variant(self, key: str | None) -> Variant | None:
        """The variant named ``key`` (``"E"``/``"W"``), or ``None``."""
        for v in self.variants:
            if v.key == key:
                return v
        return None

    def template(self, lang: str = "sv", variant: str | None = None) -> str:
        """The message template in ``lang`` (of ``variant`` when given and known)."""
        chosen = self.variant(variant)
        text = chosen.message if chosen is not None else self.message
        return _pick(text, lang)

    def text(self, name: str, **params: Any) -> Text:
        """The named text ``name`` in both languages, its placeholders filled from ``params``
        (formatted per language, like message parameters); :class:`KeyError` if unknown."""
        try:
            template = self.texts[name]
        except KeyError:
            raise KeyError(f"{self.code} has no text {name!r}") from None
        return Text(sv=_fill(template.sv, params, "sv"), en=_fill(template.en, params, "en"))

    def title_in(self, lang: str = "sv") -> str:
        return _pick(self.title, lang)

    @property
    def placeholders(self) -> frozenset[str]:
        """Placeholder names used by any template of the rule."""
        texts = [self.message, *(v.message for v in self.variants)]
        return frozenset().union(*(placeholders(t.en) | placeholders(t.sv) for t in texts))


def _pick(text: Text, lang: str) -> str:
    if lang == "sv":
        return text.sv
    if lang == "en":
        return text.en
    raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")


def _text(raw: Mapping[str, str]) -> Text:
    return Text(sv=raw["sv"], en=raw["en"])


def _suppression(raw: Mapping[str, Any]) -> Suppression:
    return Suppression(
        code=raw["code"],
        variant=raw.get("variant"),
        same=tuple(raw.get("same", ())),
        where=MappingProxyType(dict(raw.get("where", {}))),
        only=raw.get("only"),
    )


def _load(entries: Iterable[Mapping[str, Any]]) -> dict[str, Rule]:
    loaded: dict[str, Rule] = {}
    for raw in entries:
        code = raw["code"]
        if code in loaded:
            raise ValueError(f"duplicate rule code {code} in the catalog")
        variants = tuple(
            Variant(key=key, severity=Severity(v["severity"]), message=_text(v["message"]))
            for key, v in raw.get("variants", {}).items()
        )
        if variants:
            severity, message = variants[0].severity, variants[0].message
        else:
            severity, message = Severity(raw["severity"]), _text(raw["message"])
        loaded[code] = Rule(
            code=code,
            severity=severity,
            layer=Layer(raw["layer"]),
            title=_text(raw["title"]),
            message=message,
            group=_text(raw["group"]),
            section=raw["section"],
            fields=tuple(raw.get("fields", ())),
            check=raw.get("check", ""),
            variants=variants,
            texts=MappingProxyType({k: _text(v) for k, v in raw.get("texts", {}).items()}),
            skipped_after=tuple(raw.get("skipped_after", ())),
            suppressed_by=tuple(_suppression(s) for s in raw.get("suppressed_by", ())),
        )
    return loaded


@cache
def catalog() -> Mapping[str, Rule]:
    """Every catalog entry by code (read once from the packaged ``catalog.toml``)."""
    data = resources.files("sir_format.validation").joinpath("catalog.toml").read_bytes()
    entries = tomllib.loads(data.decode("utf-8"))["rule"]
    return MappingProxyType(dict(sorted(_load(entries).items())))


def rules() -> tuple[Rule, ...]:
    """Every catalog entry, ordered by code (SIR-R… then SIR-X…)."""
    return tuple(catalog().values())


def get_rule(code: str) -> Rule:
    """The catalog entry of ``code``; :class:`KeyError` for an unknown code."""
    try:
        return catalog()[code]
    except KeyError:
        raise KeyError(f"unknown rule code {code!r}") from None


# --------------------------------------------------------------------------- rendering

_WORDS = {"sv": ("ja", "nej", " och "), "en": ("yes", "no", " and ")}


def format_value(value: Any, lang: str = "sv", *, reveal_identities: bool = False) -> str:
    """A message parameter as text: :class:`Text` by language, :class:`Identity` and
    :class:`LocalId` masked, dates and times in XSD lexical form, enums as their token,
    sequences comma-separated."""
    if isinstance(value, Text):
        return _pick(value, lang)
    if isinstance(value, Identity | LocalId):
        return value.value if reveal_identities else value.masked()
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _WORDS.get(lang, _WORDS["en"])[0 if value else 1]
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat("minutes" if not value.second else "seconds")
    if isinstance(value, Decimal):
        plain = value.is_finite() and abs(value.adjusted()) <= 40
        return format(value, "f") if plain else str(value)
    if isinstance(value, enum.Enum):
        return format_value(value.value, lang, reveal_identities=reveal_identities)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(format_value(v, lang, reveal_identities=reveal_identities) for v in items)
    if value is None:
        return "–"
    return str(value)


class Message(Protocol):
    """What :func:`render` reads of a finding: its code, parameters and message variant."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    @property
    def variant(self) -> str | None: ...


def render(finding: Message, lang: str = "sv", *, reveal_identities: bool = False) -> str:
    """The message of ``finding`` in ``lang``; a missing parameter shows as ``{name}``."""
    _pick(Text("", ""), lang)  # reject an unknown language early
    params = finding.params
    try:
        template = get_rule(finding.code).template(lang, finding.variant)
    except KeyError:
        shown = ", ".join(
            f"{k}={format_value(v, lang, reveal_identities=reveal_identities)}"
            for k, v in params.items()
        )
        return f"{finding.code}: {shown}" if shown else finding.code

    return _fill(template, params, lang, reveal_identities=reveal_identities)


def _fill(
    template: str, params: Mapping[str, Any], lang: str, *, reveal_identities: bool = False
) -> str:
    """``template`` with each ``{name}`` in ``params`` replaced by its formatted value."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        return format_value(params[name], lang, reveal_identities=reveal_identities)

    return _PLACEHOLDER.sub(fill, template)
