"""Seeded bulk generator: realistic SIR report files of any size, without Hypothesis.

Hypothesis does not build examples of thousands of episodes, so large files come from this
plain generator: :func:`generate` builds a report (:mod:`sir_format.models`) with
``random.Random(seed)``, and :func:`write` streams it to a file or a binary stream as XML or
JSON, reporting its progress. The same arguments and the same version of sir-format always give
the same report and the same bytes.

>>> from sir_format.testing import bulk
>>> report = bulk.generate(3, seed=1)
>>> len(report.vardtillfalle), report.vardtillfalle[0].grunddata.vardtyp.value
(3, 'IVA')

What the content honours (data dictionary §2–§6, §5.2); the registry profile finds nothing in
it:

- distinct persons with valid identity numbers from :mod:`sir_format.domain` (the
  ``identity=`` option: random personnummer, samordningsnummer, reservnummer, or the caller's
  list, whose birth date and sex are then the number's); about one person in eight comes back,
  and one person's episodes never overlap;
- an ICU file mixes IVA, TIVA, BIVA, Postoperativ, HIA and Övrig (about 5 % children); an IMA
  file holds only IMA (the two are never mixed, SIR-R120);
- log-normal lengths of stay (median 14–40 hours by vårdtyp, at most 60 days), 1–9 % deaths;
- each module where the §5.2 matrix (:func:`sir_format.domain.registry.applicable_modules`)
  lets it appear, at the share of :data:`MODULE_SHARES`; daily registrations once a day
  (DagligSOFA at 09:00, NEMS every calendar day), nursing assessments every 6–12 hours.

Files above the schema's 5,000-episode limit are read with ``Codec(Limits(max_episodes=None,
max_bytes=None))``.
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import IO, Literal, TypeAlias, TypeVar, get_args

from sir_format import codec
from sir_format._files import PathLike, checked_path, writing_atomically
from sir_format._gc import gc_paused
from sir_format._input import EXTENSIONS
from sir_format.domain import hsa_id, kva, personnummer, reservnummer, samordningsnummer
from sir_format.domain.registry import (
    ADULT_AGE,
    CHEST_DRAIN_COMPLICATIONS,
    CONSENT_AGE,
    IMA_REPORTING_OPENED,
    INVASIVE_VENTILATION,
    MATRIX,
    MAX_AGE,
    NO_COMPLICATION,
    THORACIC_DRAIN,
    TIVA_ONLY_COMPLICATIONS,
    applicable_modules,
)
from sir_format.errors import SerializeError, SirFormatError
from sir_format.metadata import ROOT_ELEMENT, model_info
from sir_format.models import (
    CAMICU,
    NEMS,
    PIM3,
    SAPS3,
    Ankomstorsak,
    Ankomstvag,
    Atgard,
    Atgarder,
    Avliden2024,
    Avliden2024EjDonatorOrsak,
    BegransadBehandling,
    Begransning,
    Begransningstyp,
    Behandlingsstrategi,
    BehandlingsstrategiVal,
    DagligSOFA,
    DagligVikt,
    Diagnoser,
    EjDCDOrsak,
    EjKontaktOrsak,
    EjOrgandonationOrsak,
    EjUtreddOrsak,
    Formatversion,
    Forsystem,
    Grunddata,
    Higgins,
    HigginsIntagningsorsak,
    Huvud,
    JaNej,
    JaNejEjTillampbart,
    JaNejOkant,
    Komplikation,
    Komplikationer,
    Kon,
    Moderklinik,
    MojligDonator,
    NEMSRegistrering,
    Omvardnad,
    Omvardnadsbedomning,
    Opereradstatus,
    Organdonation,
    Personnummertyp,
    PIM3Hogrisk,
    PIM3Ingrepp,
    PIM3Lagrisk,
    PIM3MycketHogrisk,
    PolisBesked,
    SAPS3Intagningsorsak,
    SAPS3Operationstyp,
    SAPS3Samsjuklighet,
    Sederingsmal,
    Sederingsregistrering,
    SIRData,
    SKKod,
    SOFADopaminDos,
    SOFAKatekolaminDos,
    SOFARegistrering,
    UtskrivenTill,
    Utskrivningsorsak,
    VardeOkant,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
    ViktOchLangd,
    ViljaResultat,
)
from sir_format.testing._identity import IdentityKind, IdentitySource, identity_source
from sir_format.testing._timeline import SOFA_TIME, age, days

__all__ = [
    "FORMATS",
    "GENERATOR_VERSION",
    "KINDS",
    "MODULE_SHARES",
    "TOO_FEW_NUMBERS",
    "Format",
    "Kind",
    "Progress",
    "dates",
    "generate",
    "window_problem",
    "write",
]

GENERATOR_VERSION = 2
"""Changes whenever the same arguments give other content (cache keys may include it)."""

Kind: TypeAlias = Literal["icu", "ima"]
KINDS: tuple[str, ...] = get_args(Kind)
"""The kinds of unit: an ICU's file (every vårdtyp but IMA) or an IMA unit's file."""

Format: TypeAlias = Literal["xml", "json"]
FORMATS: tuple[str, ...] = get_args(Format)
"""The formats :func:`write` writes."""

Progress: TypeAlias = Callable[[int, int], None]
"""A progress callback: called with (episodes done, episodes in all)."""

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

JA, NEJ = JaNej.JA, JaNej.NEJ
UNKNOWN = VardeOkant.VARDE_OKANT
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_EPISODE = model_info(Vardtillfalle).by_py

# Header of each kind of file: the data dictionary's example units (§7.3, §7.4).
_UNITS: dict[str, tuple[str, str]] = {
    "icu": ("SE2321000016-7Q4T", "IVA Exempelsjukhuset"),
    "ima": ("SE2321000131-IM02", "IMA Medicin Exempelsjukhuset"),
}
# Episode starts by default: ICU from 2025, IMA from the opening of IMA reporting (SIR-R121),
# both to mid-2026, so that every death falls under Avliden2024.
_WINDOWS: dict[str, tuple[date, date]] = {
    "icu": (date(2025, 1, 1), date(2026, 6, 30)),
    "ima": (IMA_REPORTING_OPENED, date(2026, 6, 30)),
}
_DEATH_FOLLOW_UP = _EPISODE["avliden2024"].wire_name
_EARLIEST_START = MATRIX[_DEATH_FOLLOW_UP].death_from
"""The generator writes the death follow-up of 2024 (Avliden2024), not the older one."""
_MAX_STAY = timedelta(days=60)  # well below the 180-day warning (SIR-R024)
_MIN_GAP = timedelta(hours=1)  # between two stays of one person
_PROGRESS_STEP = 500  # episodes between two progress calls
TOO_FEW_NUMBERS = (
    "identity: the list of numbers is too short for this many episodes in the date range "
    "(one person's stays never overlap, nobody comes back after death, and nobody is older "
    f"than {MAX_AGE} years); give more numbers "
    "(about one for every five episodes) or ask for fewer episodes"
)
"""The message of the error :func:`generate` raises when the caller's numbers run out."""

# Share of the episodes that carry a module, among those where the §5.2 matrix allows it (by
# vårdtyp, age, dates, death and, for Sederingsmål, a DG021 action). The data dictionary gives
# no shares; these are estimates of a unit that reports every module it may: the scores of
# the admission (SAPS3, PIM3, Higgins) and the death follow-up are almost always sent, the
# daily DagligSOFA always (SIR-R080 asks for every day), the care modules a little less often.
_SHARES_BY_PY_NAME = {
    "atgarder": 0.90,
    "saps3": 0.95,
    "pim3": 0.95,
    "higgins": 0.90,
    "daglig_sofa": 1.0,
    "nems": 0.90,
    "komplikationer": 0.95,
    "behandlingsstrategi": 0.90,
    "sederingsmal": 0.80,
    "clinical_frailty_scale": 0.85,
    "omvardnad": 0.85,
    "vikt_och_langd": 0.75,
    "avliden2024": 0.95,
}
MODULE_SHARES: Mapping[str, float] = MappingProxyType(
    {_EPISODE[name].wire_name: share for name, share in _SHARES_BY_PY_NAME.items()}
)
"""Module wire name → the share of the episodes that carry it, among those where the §5.2
matrix allows it. The older death follow-up (Avlidna2020, deaths 2020–2023) is not generated."""
_ACTIONS = _EPISODE["atgarder"].wire_name
_EPISODE_LIST = model_info(SIRData).by_py["vardtillfalle"].wire_name
_WRITE_STEP = 256  # episodes a piece when writing

_DRAWN = frozenset(MODULE_SHARES) - {_ACTIONS}

# Occurrence caps, read from the schema rather than written here.
_MAX_OTHER_DIAGNOSES = model_info(Diagnoser).by_py["ovrig_diagnos"].max_occurs
_MAX_DAILY = min(
    model_info(NEMS).by_py["nemsregistrering"].max_occurs,
    model_info(DagligSOFA).by_py["sofaregistrering"].max_occurs,
)
_MAX_ASSESSMENTS = model_info(Omvardnad).by_py["omvardnadsbedomning"].max_occurs

# ICD-10-SE codes (dotless) whose categories are in ICD-10.
_MAIN_ADULT = (
    "J189", "A419", "J960", "I469", "S065", "K650", "N179", "J441", "I500", "T424",
    "R570", "G419", "J809A", "I214", "K566", "I610", "S270", "E101", "K922", "J690",
)  # fmt: skip
_MAIN_THORAX = ("I251", "I350", "I209", "I710", "I340", "I214", "Q211")
_MAIN_CHILD = ("J210", "J189", "A419", "J46", "G409", "E101", "S065", "J050", "T510")
_MAIN_IMA = ("J441", "I500", "J189", "E101", "T424", "I480", "N390", "K859", "R55", "G409")
_OTHER = (
    "J960", "F058", "N179", "E119", "I10", "I48", "D649", "R578", "E872", "J90",
    "B962", "K729", "D696", "E46", "G934", "I269", "L899", "Z992",
)  # fmt: skip
_KOMMUNER = ("0180", "1480", "1280", "0380", "0580", "1880", "1980", "0680", "2480", "2281")
_FORSYSTEM = Forsystem(namn="sir-format bulk", version=f"{GENERATOR_VERSION}.0")

_ICU_TYPES = (Vardtyp.IVA, Vardtyp.TIVA, Vardtyp.POSTOPERATIV, Vardtyp.HIA, Vardtyp.OVRIG)
_ICU_WEIGHTS = (70, 10, 10, 6, 4)
_CHILD_TYPES = (Vardtyp.BIVA, Vardtyp.IVA, Vardtyp.POSTOPERATIV)
_CHILD_WEIGHTS = (75, 17, 8)
# Median length of stay in hours per vårdtyp (log-normal around it).
_MEDIAN_HOURS = {
    Vardtyp.IVA: 34.0,
    Vardtyp.TIVA: 22.0,
    Vardtyp.BIVA: 40.0,
    Vardtyp.POSTOPERATIV: 14.0,
    Vardtyp.HIA: 30.0,
    Vardtyp.OVRIG: 20.0,
    Vardtyp.IMA: 26.0,
}
_DEATH_RATE = {
    Vardtyp.IVA: 0.09,
    Vardtyp.TIVA: 0.03,
    Vardtyp.BIVA: 0.02,
    Vardtyp.POSTOPERATIV: 0.01,
    Vardtyp.HIA: 0.04,
    Vardtyp.OVRIG: 0.04,
    Vardtyp.IMA: 0.03,
}
_ARRIVALS = (
    Ankomstvag.AKUTMOTTAGNING,
    Ankomstvag.OPERATIONSAVDELNING,
    Ankomstvag.VARDAVDELNING,
    Ankomstvag.INTERMEDIARVARD,
    Ankomstvag.IVASAMMA_SJUKHUS,
    Ankomstvag.IVAANNAT_SJUKHUS,
    Ankomstvag.ANNAT_SJUKHUS,
    Ankomstvag.PREHOSPITALT,
    Ankomstvag.OVRIGT,
)
_ARRIVAL_WEIGHTS = (40, 20, 18, 4, 3, 5, 4, 4, 2)
_DESTINATIONS = (
    UtskrivenTill.VARDAVDELNING,
    UtskrivenTill.INTERMEDIARVARD,
    UtskrivenTill.IVASAMMA_SJUKHUS,
    UtskrivenTill.IVAANNAT_SJUKHUS,
    UtskrivenTill.ANNAT_SJUKHUS,
    UtskrivenTill.OPERATIONSAVDELNING,
    UtskrivenTill.HEM,
    UtskrivenTill.OVRIGT,
)
_DESTINATION_WEIGHTS = (70, 10, 2, 4, 4, 1, 7, 2)
_DISCHARGE_REASONS = (
    Utskrivningsorsak.EJ_LANGRE_BEHOV,
    Utskrivningsorsak.BEHOV_AV_HOGRE_VARDNIVA,
    Utskrivningsorsak.RESURSBRIST,
    Utskrivningsorsak.SPECIALISTVARD,
    Utskrivningsorsak.HEMORTSVARD,
    Utskrivningsorsak.PALLIATIV_VARD,
    Utskrivningsorsak.OVRIGT,
)
_DISCHARGE_WEIGHTS = (80, 3, 4, 4, 4, 3, 2)
_NEGATIVE_WILL = frozenset({ViljaResultat.NEGATIV_VILJA, ViljaResultat.TOLKAD_NEGATIV_VILJA})
_RESULTS_ADULT = (
    ViljaResultat.POSITIV_VILJA,
    ViljaResultat.NEGATIV_VILJA,
    ViljaResultat.TOLKAD_NEGATIV_VILJA,
    ViljaResultat.FORMODAT_SAMTYCKE,
    ViljaResultat.EJ_FORMODAT_SAMTYCKE,
)
_RESULTS_CHILD = (
    ViljaResultat.POSITIV_VILJA,
    ViljaResultat.NEGATIV_VILJA,
    ViljaResultat.TOLKAD_NEGATIV_VILJA,
    ViljaResultat.VARDNADSHAVARE_MEDGAV,
    ViljaResultat.VARDNADSHAVARE_MEDGAV_EJ,
)
_NO_DONATION = tuple(
    e for e in EjOrgandonationOrsak if e is not EjOrgandonationOrsak.DCDGENOMFORDES_INTE
)
_SK_GENERAL = (SKKod.SK_010, SKKod.SK_020, SKKod.SK_030, SKKod.SK_040, SKKod.SK_050)
_SK_THORAX = tuple(code for code in SKKod if code in CHEST_DRAIN_COMPLICATIONS)
_SK_TIVA = tuple(code for code in SKKod if code in TIVA_ONLY_COMPLICATIONS)
# Actions besides invasive ventilation, by their meaning in the KVÅ table: the share of ICU and
# of IMA episodes that get one, and the share of those with a time of day.
_ACTION_RATES: Mapping[str, tuple[float, float, float]] = {
    "non-invasive ventilation": (0.2, 0.12, 0.7),
    "intracranial pressure monitoring": (0.03, 0.0, 0.5),
    "cohort care": (0.03, 0.0, 0.5),
    "extracorporeal membrane oxygenation": (0.008, 0.0, 0.5),
    "ventricular assist device": (0.004, 0.0, 0.5),
}


@cache
def _codes_meaning(meaning: str, day: date) -> tuple[str, ...]:
    """The KVÅ codes of the bundled table with this meaning that are valid on ``day``."""
    codes = tuple(
        e.code for e in kva.bundled_entries() if e.meaning == meaning and e.valid_on(day)
    )
    if not codes:
        raise LookupError(f"no KVÅ code means {meaning!r} on {day.isoformat()}")
    return codes


_RASS_VALUES = (-5, -4, -3, -2, -1, 0, 1, 2, 3)
_RASS_WEIGHTS = (3, 4, 6, 10, 14, 50, 8, 4, 1)


@dataclass(slots=True)
class _Person:
    kind: Personnummertyp
    number: str
    born: date
    sex: Kon
    idbegrepp: str | None
    free_from: datetime = datetime.min  # no episode of the person starts before this
    alive: bool = True


@dataclass(slots=True)
class _Stay:
    """Facts about one episode that several modules need."""

    start: datetime
    end: datetime
    born: date
    age: int
    vardtyp: Vardtyp
    died: bool
    operated: bool
    ventilated: bool


def _tenths(value: float) -> Decimal:
    text = f"{value:.1f}"
    return Decimal("0.0" if text == "-0.0" else text)


@cache
def _members(enum_type: type[E]) -> tuple[E, ...]:
    return tuple(enum_type)


class _Random(random.Random):
    """``random.Random`` with a cheaper ``randint`` and ``randrange`` (one float a draw).

    The bulk generator draws several hundred thousand integers for a large file; the standard
    methods, exact for any range, cost three times as much. A float has 53 random bits, which
    is ample for the ranges drawn here (at most 10**8).
    """

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        if step != 1:
            return super().randrange(start, stop, step)
        return start + int(self.random() * (stop - start))


@cache
def _cumulative(weights: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(itertools.accumulate(weights))


def _listed_person(number: str) -> _Person:
    """A person of the caller's list: birth date and sex come from the number."""
    if personnummer.is_valid(number):
        born = personnummer.birth_date(number)
        return _Person(Personnummertyp.PERSONNUMMER, number, born, personnummer.sex(number), None)
    born = samordningsnummer.birth_date(number)
    sex = samordningsnummer.sex(number)
    return _Person(Personnummertyp.SAMORDNINGSNUMMER, number, born, sex, None)


class _Generator:
    def __init__(self, seed: int, kind: Kind, identity: IdentityKind | tuple[str, ...]) -> None:
        self.rng = _Random(seed)
        self.kind = kind
        self.numbers: set[str] = set()
        self.identity = identity
        self.listed = (
            [_listed_person(n) for n in dict.fromkeys(identity)]
            if isinstance(identity, tuple)
            else []
        )

    # ------------------------------------------------------------------ helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T], weights: tuple[int, ...] | None = None) -> T:
        if weights is None:
            return items[int(self.rng.random() * len(items))]
        bounds = _cumulative(weights)
        return items[bisect.bisect(bounds, self.rng.random() * bounds[-1])]

    def yes(self, p: float) -> JaNej:
        return JA if self.rng.random() < p else NEJ

    def moment(self, stay: _Stay, *, latest: datetime | None = None) -> datetime:
        """A whole minute inside the stay (and not after ``latest``)."""
        end = min(stay.end, latest) if latest is not None else stay.end
        minutes = int((end - stay.start).total_seconds() // 60)
        return stay.start + timedelta(minutes=self.rng.randint(0, minutes))

    # ------------------------------------------------------------------ persons
    def person(self, first_start: datetime, high: datetime) -> _Person:
        """A new person, or one of the caller's list whose earlier stays are over."""
        if self.listed:
            return self._listed(first_start, high)
        rng = self.rng
        child = self.kind == "icu" and rng.random() < 0.05
        if child:
            age = rng.choice((0, 0, 0, 1, 1, 2, 3, 5, 7, 9, 11, 13, 14, 15))
        else:
            age = int(min(99, max(ADULT_AGE, rng.gauss(64, 16))))
        born = first_start.date() - timedelta(days=age * 365 + rng.randint(1, 364))
        if self.identity == "reservnummer":
            return self._reserve_person(born)
        coordination = self.identity == "samordningsnummer"
        kind = Personnummertyp.SAMORDNINGSNUMMER if coordination else Personnummertyp.PERSONNUMMER
        module = samordningsnummer if coordination else personnummer
        sex = Kon.MAN if rng.random() < 0.6 else Kon.KVINNA
        while True:
            number = module.generate(rng, birth_date=born, sex=sex)
            if number not in self.numbers:
                self.numbers.add(number)
                return _Person(kind, number, born, sex, None)

    def _listed(self, first_start: datetime, high: datetime) -> _Person:
        chosen = self.pick(self.listed)
        if not chosen.alive or max(chosen.free_from, _born_at(chosen)) > high:
            living = [p for p in self.listed if p.alive]
            if not living:
                raise SirFormatError(TOO_FEW_NUMBERS)
            chosen = min(living, key=lambda p: max(p.free_from, _born_at(p)))
        if max(chosen.free_from, _born_at(chosen), first_start) > high:
            raise SirFormatError(TOO_FEW_NUMBERS)
        return chosen

    def _reserve_person(self, born: date) -> _Person:
        while True:
            number = reservnummer.generate(self.rng)
            if number not in self.numbers:
                self.numbers.add(number)
                sex = self.pick((Kon.MAN, Kon.KVINNA, Kon.VARDE_OKANT))
                issuer = hsa_id.organisation_number(_UNITS[self.kind][0])
                return _Person(Personnummertyp.RESERVNUMMER, number, born, sex, f"SE{issuer}")

    # ------------------------------------------------------------------ episodes
    def episodes(
        self, episodes: int, window: tuple[datetime, datetime], progress: Progress | None
    ) -> list[Vardtillfalle]:
        rng = self.rng
        low, high = window
        span = max(1, int((high - low).total_seconds() // 60))
        made: list[Vardtillfalle] = []
        while len(made) < episodes:
            proposed = low + timedelta(minutes=rng.randrange(span))
            person = self.person(proposed, high)
            start = max(proposed, person.free_from, _born_at(person))
            chain = 1 + (rng.random() < 0.12) + (rng.random() < 0.03)
            for _ in range(chain):
                if len(made) >= episodes or start > high:
                    break
                if age(person.born, start.date()) > MAX_AGE:  # SIR-R015
                    person.alive = False
                    break
                episode = self.episode(person, start)
                made.append(episode)
                if progress is not None and len(made) % _PROGRESS_STEP == 0:
                    progress(len(made), episodes)
                if episode.grunddata.vardresultat is Vardresultat.AVLIDEN:
                    person.alive = False
                    break
                gap = timedelta(minutes=rng.randint(60, 60 * 24 * 120))
                start = episode.grunddata.utskrivningstid + gap
                person.free_from = episode.grunddata.utskrivningstid + _MIN_GAP
        made.sort(key=lambda e: (e.grunddata.inskrivningstid, e.grunddata.personnummer))
        for number, episode in enumerate(made, 1):
            year = episode.grunddata.inskrivningstid.year
            episode.lokalt_id = f"VT-{year}-{number:06d}"
        return made

    def report(
        self, episodes: int, window: tuple[datetime, datetime], progress: Progress | None
    ) -> SIRData:
        made = self.episodes(episodes, window, progress)
        last = max(e.grunddata.utskrivningstid for e in made)
        unit, department = _UNITS[self.kind]
        header = Huvud(
            formatversion=Formatversion.VALUE_5_2,
            hsa_id=unit,
            avdelningsnamn=department,
            skapad=datetime.combine(last.date() + DAY, datetime.min.time()).replace(hour=7),
            forsystem=_FORSYSTEM,
        )
        if progress is not None:
            progress(episodes, episodes)
        return SIRData(huvud=header, vardtillfalle=made)

    def vardtyp(self, age: int) -> Vardtyp:
        if self.kind == "ima":
            return Vardtyp.IMA
        if age < ADULT_AGE:
            return self.pick(_CHILD_TYPES, _CHILD_WEIGHTS)
        if age < CONSENT_AGE and self.chance(0.5):
            return Vardtyp.BIVA
        return self.pick(_ICU_TYPES, _ICU_WEIGHTS)

    def stay(self, person: _Person, start: datetime) -> _Stay:
        rng = self.rng
        age_now = age(person.born, start.date())
        vardtyp = self.vardtyp(age_now)
        hours = rng.lognormvariate(math.log(_MEDIAN_HOURS[vardtyp]), 0.9)
        stay_length = min(_MAX_STAY, timedelta(minutes=max(90, int(hours * 60))))
        died = rng.random() < _DEATH_RATE[vardtyp] * (1.6 if age_now >= 75 else 1.0)
        operated = vardtyp in (Vardtyp.POSTOPERATIV, Vardtyp.TIVA) or rng.random() < 0.25
        ventilated = vardtyp is not Vardtyp.IMA and rng.random() < (
            0.55 if died or vardtyp is Vardtyp.TIVA else 0.3
        )
        return _Stay(
            start, start + stay_length, person.born, age_now, vardtyp, died, operated, ventilated
        )

    def modules(self, stay: _Stay, actions: Atgarder | None) -> frozenset[str]:
        """The modules of the episode: each one the §5.2 matrix allows, at its share."""
        allowed = applicable_modules(
            vardtyp=stay.vardtyp.value,
            age=stay.age,
            start=stay.start.date(),
            death_date=stay.end.date() if stay.died else None,
            action_codes=[a.kod for a in actions.atgard] if actions is not None else None,
        )
        return frozenset(
            name for name in allowed if name in _DRAWN and self.chance(MODULE_SHARES[name])
        )

    def episode(self, person: _Person, start: datetime) -> Vardtillfalle:
        stay = self.stay(person, start)
        actions = self.actions(stay) if self.chance(MODULE_SHARES[_ACTIONS]) else None
        chosen = self.modules(stay, actions)

        def has(py_name: str) -> bool:
            return _EPISODE[py_name].wire_name in chosen

        complications = self.complications(stay, actions) if has("komplikationer") else None
        return Vardtillfalle(
            grunddata=self.grunddata(person, stay),
            diagnoser=self.diagnoses(stay),
            atgarder=actions,
            saps3=self.saps3(stay) if has("saps3") else None,
            pim3=self.pim3() if has("pim3") else None,
            higgins=self.higgins() if has("higgins") else None,
            daglig_sofa=self.sofa(stay) if has("daglig_sofa") else None,
            nems=self.nems(stay) if has("nems") else None,
            komplikationer=complications,
            behandlingsstrategi=self.strategy(stay) if has("behandlingsstrategi") else None,
            sederingsmal=self.sedation(stay) if has("sederingsmal") else None,
            clinical_frailty_scale=self.frailty() if has("clinical_frailty_scale") else None,
            omvardnad=self.nursing(stay) if has("omvardnad") else None,
            vikt_och_langd=self.weight(stay) if has("vikt_och_langd") else None,
            avliden2024=self.death_2024(stay) if has("avliden2024") else None,
        )

    def grunddata(self, person: _Person, stay: _Stay) -> Grunddata:
        rng = self.rng
        icu = stay.vardtyp is not Vardtyp.IMA
        full = icu or rng.random() < 0.8  # M-ICU rows: mandatory for ICU, mostly sent by IMA

        arrival = self.pick(_ARRIVALS, _ARRIVAL_WEIGHTS)
        if stay.vardtyp is Vardtyp.TIVA and rng.random() < 0.03:
            arrival = Ankomstvag.KONVERTERAD_FRAN_IVATILL_TIVA
        before = rng.randint(20, 300) if rng.random() < 0.8 else rng.randint(300, 60 * 24 * 14)
        if stay.operated:
            status = (
                Opereradstatus.ELEKTIV_OPERATION
                if rng.random() < 0.6
                else Opereradstatus.AKUT_OPERATION
            )
        else:
            status = Opereradstatus.EJ_OPERERAD
        pre_op = None
        if stay.operated and rng.random() < 0.6:
            pre_op = stay.start - timedelta(minutes=rng.randint(5, 240))
        if stay.died:
            destination, reason, outcome = (
                UtskrivenTill.EJ_TILLAMPBART,
                Utskrivningsorsak.AVLIDEN,
                Vardresultat.AVLIDEN,
            )
        else:
            destination = self.pick(_DESTINATIONS, _DESTINATION_WEIGHTS)
            reason = self.pick(_DISCHARGE_REASONS, _DISCHARGE_WEIGHTS)
            if not icu and destination in (
                UtskrivenTill.IVASAMMA_SJUKHUS,
                UtskrivenTill.IVAANNAT_SJUKHUS,
            ):
                reason = Utskrivningsorsak.BEHOV_AV_HOGRE_VARDNIVA
            outcome = Vardresultat.LEVANDE
        postcode = (
            str(rng.randint(10000, 98999))
            if rng.random() < 0.97
            else self.pick(("Utland", UNKNOWN.value))
        )
        return Grunddata(
            personnummertyp=person.kind,
            personnummer=person.number,
            kon=person.sex,
            fodelsedatum=person.born,
            postnummer=postcode if full else None,
            kommunkod=self.pick(_KOMMUNER) if rng.random() < 0.9 else None,
            idbegrepp=person.idbegrepp,
            vardtyp=stay.vardtyp,
            inskrivningstid=stay.start,
            ankomsttid=stay.start - timedelta(minutes=before) if full else None,
            ankomstvag=arrival,
            ankomstorsak=(
                (
                    Ankomstorsak.VARDBEHOV
                    if rng.random() < 0.85
                    else self.pick(_members(Ankomstorsak))
                )
                if full
                else None
            ),
            akutinlaggning=(
                self.yes(0.3 if status is Opereradstatus.ELEKTIV_OPERATION else 0.92)
                if full
                else None
            ),
            opereradstatus=status if full else None,
            pre_opererad_tidpunkt=pre_op if full else None,
            moderklinik=self.pick(_members(Moderklinik)) if rng.random() < 0.7 else None,
            utskriven_till=destination,
            utskrivningsorsak=reason if full else None,
            utskrivningstid=stay.end,
            vardresultat=outcome,
        )

    def diagnoses(self, stay: _Stay) -> Diagnoser:
        if stay.vardtyp is Vardtyp.IMA:
            main = self.pick(_MAIN_IMA)
        elif stay.age < ADULT_AGE:
            main = self.pick(_MAIN_CHILD)
        elif stay.vardtyp is Vardtyp.TIVA:
            main = self.pick(_MAIN_THORAX)
        else:
            main = self.pick(_MAIN_ADULT)
        count = min(_MAX_OTHER_DIAGNOSES, self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 6)))
        others = [c for c in self.rng.sample(_OTHER, count) if c != main]
        return Diagnoser(huvudsaklig_ivadiagnos=main, ovrig_diagnos=others)

    # ------------------------------------------------------------------ modules
    def action(self, code: str, when: datetime, *, timed: bool = True) -> Atgard:
        clock = f"{when.hour:02d}:{when.minute:02d}" if timed else None
        return Atgard(kod=code, datum=when.date(), klockslag=clock)

    def actions(self, stay: _Stay) -> Atgarder:
        rng = self.rng
        items: list[Atgard] = []
        if stay.ventilated:
            items.append(
                self.action(INVASIVE_VENTILATION, self.moment(stay, latest=stay.start + 6 * HOUR))
            )
        icu = stay.vardtyp is not Vardtyp.IMA
        for meaning, (icu_rate, ima_rate, timed) in _ACTION_RATES.items():
            if rng.random() < (icu_rate if icu else ima_rate):
                when = self.moment(stay)
                code = self.pick(_codes_meaning(meaning, when.date()))
                items.append(self.action(code, when, timed=rng.random() < timed))
        return Atgarder(atgard=items)

    def complications(self, stay: _Stay, actions: Atgarder | None) -> Komplikationer:
        rng = self.rng
        if rng.random() < 0.88:
            return Komplikationer(komplikation=[Komplikation(kod=NO_COMPLICATION)])
        pool = list(_SK_GENERAL + _SK_THORAX)
        if stay.vardtyp is Vardtyp.TIVA:
            pool.extend(_SK_TIVA)
        rows: list[Komplikation] = []
        for code in rng.sample(pool, rng.choice((1, 1, 1, 2))):
            when = self.moment(stay)
            drain = None
            if code in _SK_THORAX:
                drain = self.yes(0.6)
                if drain is JA and actions is None:
                    drain = NEJ
                elif drain is JA and actions is not None:
                    day = when.date()
                    if not any(a.kod == THORACIC_DRAIN and a.datum >= day for a in actions.atgard):
                        actions.atgard.append(self.action(THORACIC_DRAIN, when))  # SIR-R070
            rows.append(
                Komplikation(
                    kod=code,
                    datum=when.date(),
                    klockslag=f"{when.hour:02d}:{when.minute:02d}" if rng.random() < 0.3 else None,
                    thoraxdranage_inlagt=drain,
                )
            )
        return Komplikationer(komplikation=rows)

    def saps3(self, stay: _Stay) -> SAPS3:
        rng = self.rng
        reasons = rng.sample(_members(SAPS3Intagningsorsak)[1:], rng.choice((1, 1, 1, 2, 2, 3)))
        if rng.random() < 0.05:
            reasons = [SAPS3Intagningsorsak.BASAL_OBSERVATION]
        comorbidity = rng.sample(_members(SAPS3Samsjuklighet), rng.choice((0, 0, 0, 0, 1, 1, 2)))
        with_gas = rng.random() < 0.85
        gcs = rng.random() < 0.6
        return SAPS3(
            samsjuklighet=comorbidity,
            vasoaktiva_droger=self.yes(0.2),
            intagningsorsak=reasons,
            operationstyp=self.pick(_members(SAPS3Operationstyp)) if stay.operated else None,
            nosokomial_infektion=self.yes(0.08),
            respiratorisk_infektion=self.yes(0.25),
            gcs=rng.randint(3, 15) if gcs else None,
            rls85=rng.randint(1, 8) if not gcs and rng.random() < 0.7 else None,
            bilirubin_hogst=rng.randint(3, 180) if rng.random() < 0.7 else None,
            kroppstemperatur_hogst=_tenths(rng.uniform(35.0, 40.5)),
            kreatinin_hogst=rng.randint(30, 600) if rng.random() < 0.9 else None,
            hjartfrekvens_hogst=rng.randint(45, 180),
            leukocyter_hogst=_tenths(rng.uniform(1.0, 35.0)) if rng.random() < 0.9 else None,
            p_hlagst=Decimal(f"{rng.uniform(6.95, 7.55):.2f}") if with_gas else None,
            trombocyter_lagst=rng.randint(20, 600) if rng.random() < 0.9 else None,
            systoliskt_blodtryck_lagst=rng.randint(50, 170),
            ventilator=JA if stay.ventilated else NEJ,
            pa_o2=_tenths(rng.uniform(5.5, 30.0)) if with_gas else None,
            fi_o2=rng.randint(21, 100) if with_gas else None,
        )

    def pim3(self) -> PIM3:
        rng = self.rng
        gas = rng.random() < 0.7
        return PIM3(
            aterhamtning_efter_ingrepp=self.pick(_members(PIM3Ingrepp), (80, 5, 5, 10)),
            ljusstela_pupiller=self.pick(_members(JaNejOkant), (3, 94, 3)),
            mekanisk_ventilation=self.yes(0.35),
            systoliskt_blodtryck=rng.randint(50, 140) if rng.random() < 0.95 else UNKNOWN,
            basoverskott=_tenths(rng.uniform(-15.0, 5.0)) if gas else UNKNOWN,
            pa_o2=_tenths(rng.uniform(5.0, 25.0)) if gas else UNKNOWN,
            fi_o2=rng.randint(21, 100) if gas else UNKNOWN,
            mycket_hogriskdiagnos=(
                self.pick(_members(PIM3MycketHogrisk)) if rng.random() < 0.03 else None
            ),
            hogriskdiagnos=self.pick(_members(PIM3Hogrisk)) if rng.random() < 0.06 else None,
            lagriskdiagnos=self.pick(_members(PIM3Lagrisk)) if rng.random() < 0.25 else None,
        )

    def higgins(self) -> Higgins:
        rng = self.rng
        gas = rng.random() < 0.95
        return Higgins(
            intagningsorsak=self.pick(_members(HigginsIntagningsorsak), (45, 20, 10, 10, 5, 7, 3)),
            akut_operation=self.yes(0.15),
            reoperation=self.yes(0.07),
            kreatinin_preoperativt=rng.randint(45, 250) if rng.random() < 0.95 else UNKNOWN,
            nedsatt_vansterkammarfunktion=self.pick(_members(JaNejOkant), (15, 80, 5)),
            tidigare_karlkirurgi=self.yes(0.08),
            kol=self.yes(0.1),
            anemi=self.pick(_members(JaNejOkant), (20, 75, 5)),
            perfusionstid=rng.choice((0, rng.randint(40, 240)))
            if rng.random() < 0.95
            else UNKNOWN,
            hjartfrekvens_vid_ankomst=rng.randint(50, 130),
            cvpvid_ankomst=rng.randint(2, 18) if rng.random() < 0.9 else UNKNOWN,
            hjartindex_vid_ankomst=_tenths(rng.uniform(1.5, 4.0))
            if rng.random() < 0.7
            else UNKNOWN,
            pa_o2_vid_ankomst=_tenths(rng.uniform(8.0, 30.0)) if gas else UNKNOWN,
            fi_o2_vid_ankomst=rng.randint(30, 80) if gas else UNKNOWN,
            bikarbonat_vid_ankomst=_tenths(rng.uniform(18.0, 28.0)),
            iabpvid_ankomst=self.yes(0.03),
            diabetes=self.pick(_members(JaNejOkant), (25, 73, 2)) if rng.random() < 0.8 else None,
            cerebrovaskular_sjukdom=(
                self.pick(_members(JaNejOkant), (8, 90, 2)) if rng.random() < 0.8 else None
            ),
        )

    def sofa(self, stay: _Stay) -> DagligSOFA | None:
        """One registration at the SOFA time of every day inside the stay (SIR-R080/R082)."""
        rng = self.rng
        first = datetime.combine(stay.start.date(), SOFA_TIME)
        if first < stay.start:
            first += DAY
        rows: list[SOFARegistrering] = []
        when = first
        while when <= stay.end and len(rows) < _MAX_DAILY:
            gas = rng.random() < 0.8
            scale = rng.random()
            rows.append(
                SOFARegistrering(
                    tidpunkt=when,
                    pa_o2=_tenths(rng.uniform(6.0, 25.0)) if gas else None,
                    fi_o2=rng.randint(21, 90) if gas else None,
                    andningsstod=JA if stay.ventilated and rng.random() < 0.8 else NEJ,
                    trombocyter_lagst=rng.randint(15, 500) if rng.random() < 0.9 else None,
                    bilirubin_hogst=rng.randint(3, 150) if rng.random() < 0.6 else None,
                    medelartartryck_lagst=rng.randint(45, 100),
                    noradrenalin=self.pick(_members(SOFAKatekolaminDos), (65, 25, 10)),
                    adrenalin=self.pick(_members(SOFAKatekolaminDos), (95, 4, 1)),
                    dopamin=self.pick(_members(SOFADopaminDos), (97, 1, 1, 1)),
                    dobutamin=self.yes(0.04),
                    gcsogon=rng.randint(1, 4) if scale < 0.5 else None,
                    gcsverbal=rng.randint(1, 5) if scale < 0.5 else None,
                    gcsmotorik=rng.randint(1, 6) if scale < 0.5 else None,
                    rls85=rng.randint(1, 8) if 0.5 <= scale < 0.8 else None,
                    kreatinin_hogst=rng.randint(30, 500) if rng.random() < 0.9 else None,
                    diures=rng.randint(0, 4000) if rng.random() < 0.8 else None,
                )
            )
            when += DAY
        return DagligSOFA(sofaregistrering=rows) if rows else None

    def days(self, stay: _Stay) -> list[date]:
        return days(stay.start.date(), stay.end.date())[:_MAX_DAILY]

    def nems(self, stay: _Stay) -> NEMS:
        """One registration per calendar day of the stay (SIR-R081/R087)."""
        rng = self.rng
        rows: list[NEMSRegistrering] = []
        for day in self.days(stay):
            mechanical = stay.ventilated and rng.random() < 0.8
            single = rng.random() < 0.25
            rows.append(
                NEMSRegistrering(
                    datum=day,
                    basmonitorering=JA,
                    intravenos_lakemedelsbehandling=self.yes(0.85),
                    mekanisk_ventilation=JA if mechanical else NEJ,
                    kompletterande_andningsstod=NEJ if mechanical else self.yes(0.3),
                    ett_vasoaktivt_lakemedel=JA if single else NEJ,
                    flera_vasoaktiva_lakemedel=NEJ if single else self.yes(0.08),
                    dialys=self.yes(0.06),
                    specifika_atgarder_pa_enheten=self.yes(0.15),
                    specifika_atgarder_utanfor_enheten=self.yes(0.1),
                )
            )
        return NEMS(nemsregistrering=rows)

    def strategy(self, stay: _Stay) -> Behandlingsstrategi:
        rng = self.rng
        if rng.random() < 0.1:
            return Behandlingsstrategi(dokumenterat_beslut=NEJ)
        before = self.yes(0.2)
        limited = rng.random() < (0.7 if stay.died else 0.08)
        limits: list[Begransning] = []
        if limited:
            for treatment in rng.sample(_members(BegransadBehandling), rng.choice((1, 1, 2, 3))):
                limits.append(
                    Begransning(
                        typ=self.pick(_members(Begransningstyp), (70, 30)),
                        behandling=treatment,
                        tidpunkt=self.moment(stay) if before is NEJ else None,
                    )
                )
        return Behandlingsstrategi(
            dokumenterat_beslut=JA,
            beslut_taget_fore_iva=before,
            forsta_beslutstidpunkt=(
                self.moment(stay, latest=stay.start + 24 * HOUR) if before is NEJ else None
            ),
            strategi=BehandlingsstrategiVal.BEGRANSNING
            if limited
            else BehandlingsstrategiVal.FULLA_INSATSER,
            begransning=limits,
        )

    def sedation(self, stay: _Stay) -> Sederingsmal:
        rng = self.rng
        rows: list[Sederingsregistrering] = []
        when = stay.start + timedelta(minutes=rng.randint(30, 180))
        when = min(when, stay.end)
        while when <= stay.end and len(rows) < _MAX_DAILY:
            ordered = self.yes(0.85)
            rows.append(
                Sederingsregistrering(
                    tidpunkt=when,
                    sederingsskala_anvand=self.yes(0.95),
                    sederingsmal_ordinerat=ordered,
                    motsvarar_sederingsmalet=(
                        self.pick(_members(JaNejEjTillampbart), (70, 25, 5))
                        if ordered is JA
                        else None
                    ),
                    rassmal=rng.choice((-3, -2, -1, 0)) if ordered is JA else None,
                    rassaktuellt=self.pick(_RASS_VALUES, _RASS_WEIGHTS),
                )
            )
            when += DAY
        return Sederingsmal(sederingsregistrering=rows)

    def frailty(self) -> int | VardeOkant:
        return self.rng.randint(1, 9) if self.rng.random() < 0.93 else UNKNOWN

    def nursing(self, stay: _Stay) -> Omvardnad:
        rng = self.rng
        rows: list[Omvardnadsbedomning] = []
        when = stay.start + timedelta(minutes=rng.randint(15, 120))
        when = min(when, stay.end)
        while when <= stay.end and len(rows) < _MAX_ASSESSMENTS:
            pain = rng.random()
            rass = self.pick(_RASS_VALUES, _RASS_WEIGHTS) if rng.random() < 0.85 else None
            if rass is not None and rass <= -4:
                delirium: CAMICU | None = CAMICU.EJ_BEDOMBAR
            elif rng.random() < 0.6:
                delirium = CAMICU.POSITIV if rng.random() < 0.15 else CAMICU.NEGATIV
            else:
                delirium = None
            if rass is None and delirium is None and pain >= 0.7:
                rass = 0  # at least one value per assessment (SIR-R107)
            child = stay.age < ADULT_AGE
            rows.append(
                Omvardnadsbedomning(
                    tidpunkt=when,
                    smarta_nrs=rng.randint(0, 8) if pain < 0.4 and not child else None,
                    smarta_cpot=rng.randint(0, 5) if 0.4 <= pain < 0.6 and not child else None,
                    smarta_bps=rng.randint(3, 8) if 0.6 <= pain < 0.7 and not child else None,
                    smarta_flacc=rng.randint(0, 6) if pain < 0.7 and child else None,
                    rass=rass,
                    camicu=delirium,
                )
            )
            when += timedelta(minutes=rng.randint(6 * 60, 12 * 60))
        return Omvardnad(omvardnadsbedomning=rows)

    def weight(self, stay: _Stay) -> ViktOchLangd:
        rng = self.rng
        if stay.age < ADULT_AGE:
            base = 3.4 + stay.age * 3.2 + rng.uniform(-1.0, 1.5)
            height: int = min(190, 50 + stay.age * 7 + rng.randint(-3, 3))
            grams = True
        else:
            base = max(40.0, rng.gauss(80.0, 16.0))
            height = rng.randint(150, 198)
            grams = False
        base = min(250.0, max(2.0, base))

        def kilos(value: float) -> Decimal:
            return Decimal(f"{value:.3f}") if grams else _tenths(value)

        daily: list[DagligVikt] = []
        if rng.random() < 0.3:
            for day in self.days(stay)[1:]:
                daily.append(DagligVikt(datum=day, vikt=kilos(base + rng.uniform(-2.0, 2.0))))
        return ViktOchLangd(
            langd=height if rng.random() < 0.9 else None,
            vikt_fore_insjuknande=kilos(base + 1.0) if rng.random() < 0.3 else None,
            vikt_vid_ankomst=kilos(base),
            daglig_vikt=daily,
            vikt_vid_utskrivning=(
                kilos(base - 0.5) if not stay.died and rng.random() < 0.3 else None
            ),
        )

    def death_2024(self, stay: _Stay) -> Avliden2024:
        """A coherent 2024 death follow-up (SIR-R090…R097)."""
        rng = self.rng
        possible = self.pick(_members(MojligDonator), (75, 12, 13))
        if possible is MojligDonator.EJ_MOJLIG_DONATOR:
            return Avliden2024(
                dokumenterat_brytpunktsbeslut=self.yes(0.7),
                mojlig_donator=possible,
                ej_mojlig_donator_orsak=self.pick(_members(Avliden2024EjDonatorOrsak)),
            )
        contacted = self.yes(0.85)
        investigated = self.yes(0.8)
        adult_at_death = age(stay.born, stay.end.date()) >= CONSENT_AGE  # SIR-R093
        results = _RESULTS_ADULT if adult_at_death else _RESULTS_CHILD
        result = self.pick(results) if investigated is JA else None
        police = self.pick(_members(JaNejEjTillampbart), (20, 10, 70))
        withdrawn = self.yes(0.7) if possible is MojligDonator.MOJLIG_DCD else None
        longest = actual = None
        if withdrawn is JA:
            longest = rng.choice((60, 120, 180))
            actual = rng.randint(5, longest + 60)
        donation = Organdonation.NEJ
        if result is None or result not in _NEGATIVE_WILL:
            if possible is MojligDonator.MOJLIG_DBD and rng.random() < 0.6:
                donation = Organdonation.JA_DBD
            if (
                withdrawn is JA
                and actual is not None
                and longest is not None
                and actual <= longest
            ):
                donation = Organdonation.JA_DCD  # SIR-R096/R097
        reason = dcd_reason = None
        if donation is Organdonation.NEJ:
            if result in _NEGATIVE_WILL:
                reason = EjOrgandonationOrsak.NEGATIV_VILJA
            elif possible is MojligDonator.MOJLIG_DCD and rng.random() < 0.5:
                reason = EjOrgandonationOrsak.DCDGENOMFORDES_INTE
                dcd_reason = self.pick(_members(EjDCDOrsak))
            else:
                reason = self.pick(_NO_DONATION)
        return Avliden2024(
            dokumenterat_brytpunktsbeslut=self.yes(0.8),
            mojlig_donator=possible,
            donationskoordinator_kontaktad=contacted,
            varfor_kontaktades_inte_koordinator=(
                self.pick(_members(EjKontaktOrsak)) if contacted is NEJ else None
            ),
            donationsviljan_utredd=investigated,
            utredning_resultat=result,
            donation_annat_medicinskt_andamal=(
                self.pick(_members(JaNejOkant)) if investigated is JA else None
            ),
            varfor_utreddes_inte_viljan=(
                self.pick(_members(EjUtreddOrsak)) if investigated is NEJ else None
            ),
            polis_kontaktad=police,
            polis_besked=(
                self.pick(_members(PolisBesked), (85, 5, 10))
                if police is JaNejEjTillampbart.JA
                else None
            ),
            organdonation_genomford=donation,
            ej_organdonation_orsak=reason,
            varfor_genomfordes_inte_dcd=dcd_reason,
            behandling_avbruten_for_dcd=withdrawn,
            langst_accepterad_tid_till_cirkulationsstillestand=longest,
            faktisk_tid_till_cirkulationsstillestand=actual,
        )


def _born_at(person: _Person) -> datetime:
    """The first moment a stay of the person may start: the day after the birth."""
    return datetime.combine(person.born + DAY, datetime.min.time())


def window_problem(kind: str, start: date, end: date) -> tuple[str, date | None] | None:
    """What is wrong with the dates between which episodes start, or ``None``.

    The problem is a key and the date it names: ``("earliest", date)`` (the generator writes
    the death follow-up of 2024 on), ``("ima_start", date)`` (SIR-R121) or
    ``("end_before_start", None)``.
    """
    if _EARLIEST_START is not None and start < _EARLIEST_START:
        return "earliest", _EARLIEST_START
    if kind == "ima" and start < IMA_REPORTING_OPENED:
        return "ima_start", IMA_REPORTING_OPENED
    if end < start:
        return "end_before_start", None
    return None


_WINDOW_PROBLEMS = {
    "earliest": "start: the earliest start is {date}",
    "ima_start": "start: IMA units report from {date} (SIR-R121)",
    "end_before_start": "end: the end comes before the start",
}


def dates(kind: str, start: date | None, end: date | None) -> tuple[date, date]:
    """The dates between which episodes start, defaults filled in (end: a year on at least)."""
    default_start, default_end = _WINDOWS[kind]
    first = start if start is not None else default_start
    return first, end if end is not None else max(default_end, first + timedelta(days=365))


def _window(kind: str, start: date | None, end: date | None) -> tuple[datetime, datetime]:
    first, last = dates(kind, start, end)
    problem = window_problem(kind, first, last)
    if problem is not None:
        key, day = problem
        raise SirFormatError(_WINDOW_PROBLEMS[key].format(date=day.isoformat() if day else ""))
    low = datetime.combine(first, datetime.min.time())
    return low, datetime.combine(last, datetime.max.time()).replace(second=0, microsecond=0)


def generate(
    episodes: int,
    seed: int,
    *,
    kind: Kind = "icu",
    identity: IdentitySource = "personnummer",
    start: date | None = None,
    end: date | None = None,
    progress: Progress | None = None,
) -> SIRData:
    """A report of ``episodes`` episodes; the same arguments always give the same report.

    Args:
        episodes: how many episodes (at least 1; above 5,000 the file exceeds the schema's
            limit, see the module's notes).
        seed: the seed of the random generator.
        kind: ``"icu"`` (an ICU's file) or ``"ima"`` (an IMA unit's file).
        identity: where identity numbers come from (:mod:`sir_format.testing._identity`):
            ``"personnummer"``, ``"samordningsnummer"``, ``"reservnummer"``, or a list of
            numbers whose birth date and sex the episodes take.
        start, end: the dates between which episodes start (by default 2025-01-01, or
            2025-04-01 for IMA, to 2026-06-30); the earliest start is 2024-01-01.
        progress: called with (episodes built, episodes) as the report grows.

    Raises:
        SirFormatError: an argument is out of range, or the list of numbers is too short.
    """
    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise SirFormatError(f"episodes: a report needs at least one episode (got {episodes!r})")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SirFormatError(f"seed: expected a whole number (got {seed!r})")
    if kind not in KINDS:
        raise SirFormatError(f"kind: unknown kind {kind!r}; use {' or '.join(KINDS)}")
    try:
        source = identity_source(identity)
    except ValueError as exc:
        raise SirFormatError(str(exc)) from None
    window = _window(kind, start, end)
    with gc_paused():
        return _Generator(seed, kind, source).report(episodes, window, progress)


def _format_for(target: PathLike | IO[bytes], format: Format | None) -> Format:
    if format is not None:
        if format not in FORMATS:
            raise SirFormatError(f"format: unknown format {format!r}; use xml or json")
        return format
    if isinstance(target, str | os.PathLike):
        chosen = EXTENSIONS.get(Path(os.fspath(target)).suffix.lower())
        if chosen is None:
            raise SirFormatError(
                f"cannot tell the format from {os.fspath(target)!r}: use .xml or .json, "
                "or pass format="
            )
        return chosen  # type: ignore[return-value]
    return "xml"


def _pieces(report: SIRData, format: Format) -> Iterator[tuple[bytes, int]]:
    """The encoding of ``report`` in pieces, each with the episodes written so far.

    Each piece is encoded by the codec (a report of the header and a few episodes) and cut at
    the episode list, so the pieces join to exactly ``to_xml(report)`` or ``to_json(report)``.
    """
    episodes = report.vardtillfalle
    if not isinstance(episodes, list) or not episodes:
        yield codec.to_xml(report) if format == "xml" else codec.to_json(report), 0
        return
    wire = _EPISODE_LIST.encode()
    if format == "xml":
        encode: Callable[[SIRData], bytes] = codec.to_xml
        start, end, joint = b"  <" + wire + b">", f"</{ROOT_ELEMENT}>\n".encode(), b""
    else:
        encode = codec.to_json
        start, end, joint = b'"' + wire + b'":[', b"]}", b","
    cut = 0
    for first in range(0, len(episodes), _WRITE_STEP):
        part = SIRData(huvud=report.huvud, vardtillfalle=episodes[first : first + _WRITE_STEP])
        try:
            data = encode(part)
        except SerializeError:
            encode(report)  # raises the same error, located in the whole report
            raise
        if first == 0:
            cut = data.index(start) + (0 if format == "xml" else len(start))
            piece = data[: -len(end)]
        else:
            piece = joint + data[cut : -len(end)]
        yield piece, first + len(part.vardtillfalle)
    yield end, len(episodes)


def write(
    report: SIRData,
    target: PathLike | IO[bytes],
    *,
    format: Format | None = None,
    progress: Progress | None = None,
) -> int:
    """Write ``report`` to a file (atomically) or to a binary stream, a few episodes at a time.

    The bytes are exactly the codec's: ``to_xml(report)``, or ``to_json(report)`` (compact).

    Args:
        report: the report, from :func:`generate` or anywhere else.
        target: a file name, or an open binary stream (written, not closed).
        format: ``"xml"`` or ``"json"``; by default the file name's extension decides, and a
            stream gets XML.
        progress: called with (episodes written, episodes) after each piece.

    Returns:
        The number of bytes written.

    Raises:
        SirFormatError: no format can be chosen; SerializeError (a subclass) when the report
            cannot be written (then a file is left unchanged).
        OSError: the file cannot be written.
    """
    chosen = _format_for(target, format)
    total = len(report.vardtillfalle) if isinstance(report.vardtillfalle, list) else 0
    if isinstance(target, str | os.PathLike):
        with writing_atomically(checked_path(target)) as handle:
            return _stream(report, chosen, handle, total, progress)
    return _stream(report, chosen, target, total, progress)


def _stream(
    report: SIRData, format: Format, out: IO[bytes], total: int, progress: Progress | None
) -> int:
    written = 0
    for piece, done in _pieces(report, format):
        out.write(piece)
        written += len(piece)
        if progress is not None:
            progress(done, total)
    return written
