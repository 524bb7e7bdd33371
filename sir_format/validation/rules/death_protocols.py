"""Conditional answers in the death protocols, SIR-R090…R098 (data dictionary §6.9).

All rules share one message: "{module} question {q}: answer {field} is {state} given
{condition}." Parameters: ``module`` (wire name of the protocol), ``q`` (question number,
read from the field documentation in the metadata, e.g. ``2.2``), ``field`` (wire name of the
answer), ``state`` (a :class:`Text`: missing / not allowed) and ``condition`` (a :class:`Text`
stating the actual answer of the gating question, e.g. "question 2.1 is MöjligDBD").
The location is the answer's element inside the protocol.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Any

from sir_format.domain.registry import CONSENT_AGE
from sir_format.metadata import FieldInfo, model_info
from sir_format.models import (
    Avliden2024,
    Avlidna2020,
    Donationsvilja,
    EjOrgandonationOrsak,
    JaNej,
    JaNejEjTillampbart,
    MojligDonator,
    Organdonation,
    Vardtillfalle,
    ViljaResultat,
)
from sir_format.validation._core import EpisodeContext, Hit, Text, episode_rule

__all__ = ["ADULT_AGE", "MISSING", "NOT_ALLOWED"]

MISSING = Text(sv="saknas", en="missing")
"""``state`` of an answer that is required but absent."""

NOT_ALLOWED = Text(sv="ska inte anges", en="not allowed")
"""``state`` of an answer that is present but not allowed."""

ADULT_AGE = CONSENT_AGE
"""Age at death from which presumed consent replaces the guardians' answer (SIR-R093); see
:data:`sir_format.domain.registry.CONSENT_AGE`."""

_GUARDIAN_ANSWERS = frozenset(
    {ViljaResultat.VARDNADSHAVARE_MEDGAV, ViljaResultat.VARDNADSHAVARE_MEDGAV_EJ}
)
_ADULT_ANSWERS = frozenset({ViljaResultat.FORMODAT_SAMTYCKE, ViljaResultat.EJ_FORMODAT_SAMTYCKE})

_Q_PATTERN = re.compile(r"\(Q([0-9]+(?:\.[0-9x]+)*)\)")
_EPISODE = model_info(Vardtillfalle).by_py


def _question(info: FieldInfo) -> str:
    match = _Q_PATTERN.search(info.doc)
    if match is None:
        raise RuntimeError(f"no question number in the documentation of {info.wire_name}")
    return match.group(1)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class _Protocol:
    """One death protocol of an episode and the helpers that turn checks into hits."""

    def __init__(self, py_name: str, block: Any, model: type) -> None:
        self.module = _EPISODE[py_name].wire_name
        self.block = block
        self.fields = model_info(model).by_py

    def value(self, py_name: str) -> Any:
        return getattr(self.block, py_name)

    def answer(self, py_name: str) -> Text:
        """The condition text: the actual answer of a gating question."""
        q = _question(self.fields[py_name])
        value = self.value(py_name)
        if value is None:
            return Text(sv=f"fråga {q} är obesvarad", en=f"question {q} is unanswered")
        shown = value.value if isinstance(value, Enum) else str(value)
        return Text(sv=f"fråga {q} är {shown}", en=f"question {q} is {shown}")

    def hit(self, py_name: str, state: Text, condition: Text) -> Hit:
        info = self.fields[py_name]
        params = {
            "module": self.module,
            "q": _question(info),
            "field": info.wire_name,
            "state": state,
            "condition": condition,
        }
        return Hit(params, ((self.module, None), (info.wire_name, None)))

    def iff(self, py_name: str, required: bool, gate: str) -> Iterator[Hit]:
        """The answer is present exactly when ``required``; ``gate`` names the condition."""
        present = self.value(py_name) is not None
        if present != required:
            yield self.hit(py_name, MISSING if required else NOT_ALLOWED, self.answer(gate))


def _avliden2024(ctx: EpisodeContext) -> _Protocol | None:
    block = ctx.episode.avliden2024
    return _Protocol("avliden2024", block, Avliden2024) if block is not None else None


def _avlidna2020(ctx: EpisodeContext) -> _Protocol | None:
    block = ctx.episode.avlidna2020
    return _Protocol("avlidna2020", block, Avlidna2020) if block is not None else None


@episode_rule("SIR-R090")
def possible_donor(ctx: EpisodeContext) -> Iterator[Hit]:
    """Q2.2 iff Q2.1 = EjMöjligDonator; Q3, Q4, Q5 and Q6 iff Q2.1 ≠ EjMöjligDonator."""
    p = _avliden2024(ctx)
    if p is None:
        return
    not_donor = p.value("mojlig_donator") is MojligDonator.EJ_MOJLIG_DONATOR
    yield from p.iff("ej_mojlig_donator_orsak", not_donor, "mojlig_donator")
    for py_name in (
        "donationskoordinator_kontaktad",
        "donationsviljan_utredd",
        "polis_kontaktad",
        "organdonation_genomford",
    ):
        yield from p.iff(py_name, not not_donor, "mojlig_donator")


@episode_rule("SIR-R091")
def coordinator_reason(ctx: EpisodeContext) -> Iterator[Hit]:
    """Q3.2 iff Q3 = Nej."""
    p = _avliden2024(ctx)
    if p is None:
        return
    contacted = p.value("donationskoordinator_kontaktad")
    gate = "donationskoordinator_kontaktad"
    yield from p.iff("varfor_kontaktades_inte_koordinator", contacted is JaNej.NEJ, gate)


@episode_rule("SIR-R092")
def will_investigated(ctx: EpisodeContext) -> Iterator[Hit]:
    """Q4.1 and Q4.1.1 iff Q4 = Ja; Q4.2 iff Q4 = Nej."""
    p = _avliden2024(ctx)
    if p is None:
        return
    q4 = p.value("donationsviljan_utredd")
    gate = "donationsviljan_utredd"
    yield from p.iff("utredning_resultat", q4 is JaNej.JA, gate)
    yield from p.iff("donation_annat_medicinskt_andamal", q4 is JaNej.JA, gate)
    yield from p.iff("varfor_utreddes_inte_viljan", q4 is JaNej.NEJ, gate)


@episode_rule("SIR-R093")
def will_by_age(ctx: EpisodeContext) -> Iterator[Hit]:
    """Guardians' answers only if age at death < 18; presumed consent only if ≥ 18."""
    p = _avliden2024(ctx)
    if p is None:
        return
    result = p.value("utredning_resultat")
    age = _age_on(ctx.episode.grunddata.fodelsedatum, ctx.end.date())
    adult = age >= ADULT_AGE
    if (result in _GUARDIAN_ANSWERS and adult) or (result in _ADULT_ANSWERS and not adult):
        condition = Text(
            sv=f"patienten var {age} år vid dödsfallet",
            en=f"the patient was {age} years old at death",
        )
        yield p.hit("utredning_resultat", NOT_ALLOWED, condition)


@episode_rule("SIR-R094")
def police_answer(ctx: EpisodeContext) -> Iterator[Hit]:
    """Q5.1.1 iff Q5 = Ja."""
    p = _avliden2024(ctx)
    if p is None:
        return
    contacted = p.value("polis_kontaktad") is JaNejEjTillampbart.JA
    yield from p.iff("polis_besked", contacted, "polis_kontaktad")


@episode_rule("SIR-R095")
def no_donation_reason(ctx: EpisodeContext) -> Iterator[Hit]:
    """Q6.2 iff Q6 = Nej; Q6.2.2 iff Q6.2 = DCDGenomfördesInte, which needs Q2.1 = MöjligDCD."""
    p = _avliden2024(ctx)
    if p is None:
        return
    donated = p.value("organdonation_genomford")
    yield from p.iff(
        "ej_organdonation_orsak", donated is Organdonation.NEJ, "organdonation_genomford"
    )
    dcd_not_done = p.value("ej_organdonation_orsak") is EjOrgandonationOrsak.DCDGENOMFORDES_INTE
    yield from p.iff("varfor_genomfordes_inte_dcd", dcd_not_done, "ej_organdonation_orsak")
    if dcd_not_done and p.value("mojlig_donator") is not MojligDonator.MOJLIG_DCD:
        yield p.hit("ej_organdonation_orsak", NOT_ALLOWED, p.answer("mojlig_donator"))


@episode_rule("SIR-R096")
def dcd_pathway(ctx: EpisodeContext) -> Iterator[Hit]:
    """Q7.1 iff Q2.1 = MöjligDCD; Q7.2/Q7.3 iff Q7.1 = Ja; Q6 = JaDCD/JaDBD match Q2.1."""
    p = _avliden2024(ctx)
    if p is None:
        return
    pathway = p.value("mojlig_donator")
    withdrawn = p.value("behandling_avbruten_for_dcd") is JaNej.JA
    yield from p.iff(
        "behandling_avbruten_for_dcd", pathway is MojligDonator.MOJLIG_DCD, "mojlig_donator"
    )
    for py_name in (
        "langst_accepterad_tid_till_cirkulationsstillestand",
        "faktisk_tid_till_cirkulationsstillestand",
    ):
        yield from p.iff(py_name, withdrawn, "behandling_avbruten_for_dcd")
    donated = p.value("organdonation_genomford")
    if donated is Organdonation.JA_DCD:
        if pathway is not MojligDonator.MOJLIG_DCD:
            yield p.hit("organdonation_genomford", NOT_ALLOWED, p.answer("mojlig_donator"))
        elif not withdrawn:
            yield p.hit(
                "organdonation_genomford", NOT_ALLOWED, p.answer("behandling_avbruten_for_dcd")
            )
    elif donated is Organdonation.JA_DBD and pathway is not MojligDonator.MOJLIG_DBD:
        yield p.hit("organdonation_genomford", NOT_ALLOWED, p.answer("mojlig_donator"))


@episode_rule("SIR-R097")
def dcd_time_exceeded(ctx: EpisodeContext) -> Iterator[Hit]:
    """Warning: Q6 = JaDCD while the actual time to circulatory arrest (Q7.3) exceeds Q7.2."""
    p = _avliden2024(ctx)
    if p is None or p.value("organdonation_genomford") is not Organdonation.JA_DCD:
        return
    longest = p.value("langst_accepterad_tid_till_cirkulationsstillestand")
    actual = p.value("faktisk_tid_till_cirkulationsstillestand")
    if longest is None or actual is None or actual <= longest:
        return
    q6 = _question(p.fields["organdonation_genomford"])
    q72 = _question(p.fields["langst_accepterad_tid_till_cirkulationsstillestand"])
    condition = Text(
        sv=f"fråga {q6} är {Organdonation.JA_DCD.value} men fråga {q72} tillåter bara"
        f" {longest} min",
        en=f"question {q6} is {Organdonation.JA_DCD.value} but question {q72} allows only"
        f" {longest} min",
    )
    yield p.hit("faktisk_tid_till_cirkulationsstillestand", NOT_ALLOWED, condition)


@episode_rule("SIR-R098")
def protocol_2020(ctx: EpisodeContext) -> Iterator[Hit]:
    """Avlidna2020: Q3.1.1 iff Q3 = Nej; Q4, Q5, Q6 iff Q3 = Ja; Q4.2, Q4.3.1 and Q6.x by
    their gates."""
    p = _avlidna2020(ctx)
    if p is None:
        return
    donor = p.value("mojlig_donator")
    yield from p.iff("ej_mojlig_donator_orsak", donor is JaNej.NEJ, "mojlig_donator")
    for py_name in (
        "donationsvilja",
        "transplantationskoordinator_kontaktad",
        "organdonation_genomford",
    ):
        yield from p.iff(py_name, donor is JaNej.JA, "mojlig_donator")
    will = p.value("donationsvilja")
    yield from p.iff("negativ_vilja_grund", will is Donationsvilja.KAND_NEGATIV, "donationsvilja")
    yield from p.iff("okand_vilja_utfall", will is Donationsvilja.OKAND, "donationsvilja")
    donated = p.value("organdonation_genomford")
    yield from p.iff("ej_organdonation_orsak", donated is JaNej.NEJ, "organdonation_genomford")
