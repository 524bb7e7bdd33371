"""Short, typed constructors for the common path.

The generated model classes can always be used directly (every mandatory field is a required
keyword argument, so a type checker reports a missing one). These helpers fill in what can be
derived: the format version, the creation time, birth date and sex from a personnummer or
samordningsnummer, the dot of an ICD-10 code, and the time of day of an action.

>>> from datetime import datetime
>>> from sir_format import builders as b
>>> b.diagnoses("J44.1", "F05.8").ovrig_diagnos
['F058']
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TypeVar

from sir_format.domain import personnummer, samordningsnummer
from sir_format.errors import IdentifierError, InvalidDateError, SirFormatError
from sir_format.models import (
    Ankomstvag,
    Atgard,
    Atgarder,
    Diagnoser,
    Formatversion,
    Forsystem,
    Grunddata,
    Huvud,
    Kon,
    Personnummertyp,
    SIRData,
    UtskrivenTill,
    Utskrivningsorsak,
    Vardresultat,
    Vardtillfalle,
    Vardtyp,
)

__all__ = [
    "action",
    "actions",
    "diagnoses",
    "episode",
    "grunddata",
    "header",
    "report",
]

E = TypeVar("E", bound=Enum)


def _token(enum_type: type[E], value: E | str) -> E:
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        tokens = ", ".join(str(m.value) for m in enum_type)
        raise SirFormatError(
            f"{value!r} is not a {enum_type.__name__} token (one of: {tokens})"
        ) from None


def header(
    *,
    hsa_id: str,
    avdelningsnamn: str,
    system: str,
    version: str,
    leverantor: str | None = None,
    skapad: datetime | None = None,
) -> Huvud:
    """The file header; ``skapad`` defaults to now (local time, whole minutes)."""
    created = skapad or datetime.now().replace(second=0, microsecond=0)
    return Huvud(
        formatversion=Formatversion.VALUE_5_2,
        hsa_id=hsa_id,
        avdelningsnamn=avdelningsnamn,
        skapad=created,
        forsystem=Forsystem(namn=system, version=version, leverantor=leverantor),
    )


_ENCODING = {
    Personnummertyp.PERSONNUMMER: personnummer,
    Personnummertyp.SAMORDNINGSNUMMER: samordningsnummer,
}


def _identity_facts(number: str, kind: Personnummertyp) -> tuple[date, Kon]:
    module = _ENCODING.get(kind)
    if module is None:
        raise SirFormatError(
            "fodelsedatum and kon cannot be derived from this identity number: pass them"
        )
    try:
        return module.birth_date(number), module.sex(number)
    except InvalidDateError:
        raise SirFormatError("the identity number does not start with a real date") from None
    except IdentifierError:
        raise SirFormatError(
            "fodelsedatum and kon cannot be derived from this identity number: pass them"
        ) from None


def grunddata(
    *,
    personnummer: str,
    vardtyp: Vardtyp | str,
    inskrivningstid: datetime,
    utskrivningstid: datetime,
    ankomstvag: Ankomstvag | str,
    utskriven_till: UtskrivenTill | str,
    vardresultat: Vardresultat | str = Vardresultat.LEVANDE,
    personnummertyp: Personnummertyp | str = Personnummertyp.PERSONNUMMER,
    fodelsedatum: date | None = None,
    kon: Kon | str | None = None,
    utskrivningsorsak: Utskrivningsorsak | str | None = None,
) -> Grunddata:
    """Basic data; birth date and sex are derived from a personnummer/samordningsnummer.

    Optional rows not named here (postnummer, ankomsttid, opereradstatus …) can be set on the
    returned object, or pass the full :class:`~sir_format.models.Grunddata` yourself.
    """
    kind = _token(Personnummertyp, personnummertyp)
    if fodelsedatum is None or kon is None:
        born, sex = _identity_facts(personnummer, kind)
        fodelsedatum = fodelsedatum or born
        kon = kon or sex
    return Grunddata(
        personnummertyp=kind,
        personnummer=personnummer,
        kon=_token(Kon, kon),
        fodelsedatum=fodelsedatum,
        vardtyp=_token(Vardtyp, vardtyp),
        inskrivningstid=inskrivningstid,
        ankomstvag=_token(Ankomstvag, ankomstvag),
        utskriven_till=_token(UtskrivenTill, utskriven_till),
        utskrivningsorsak=(
            None if utskrivningsorsak is None else _token(Utskrivningsorsak, utskrivningsorsak)
        ),
        utskrivningstid=utskrivningstid,
        vardresultat=_token(Vardresultat, vardresultat),
    )


def _icd(code: str) -> str:
    return code.replace(".", "").strip().upper()


def diagnoses(main: str, *others: str) -> Diagnoser:
    """Main diagnosis and other diagnoses; dotted ICD-10 codes (``J44.1``) are accepted."""
    return Diagnoser(huvudsaklig_ivadiagnos=_icd(main), ovrig_diagnos=[_icd(c) for c in others])


def action(code: str, when: date | datetime) -> Atgard:
    """One KVÅ action; a ``datetime`` also sets the time of day (``Klockslag``)."""
    if isinstance(when, datetime):
        return Atgard(kod=code, datum=when.date(), klockslag=when.strftime("%H:%M"))
    return Atgard(kod=code, datum=when)


def actions(*items: Atgard) -> Atgarder:
    """The actions module; with no items it states "assessed, none performed"."""
    return Atgarder(atgard=list(items))


def episode(
    grunddata: Grunddata,
    diagnoser: Diagnoser,
    *,
    lokalt_id: str | None = None,
    atgarder: Atgarder | None = None,
) -> Vardtillfalle:
    """One episode; set further modules (``nems``, ``saps3`` …) on the returned object."""
    return Vardtillfalle(
        lokalt_id=lokalt_id, grunddata=grunddata, diagnoser=diagnoser, atgarder=atgarder
    )


def report(huvud: Huvud, *episodes: Vardtillfalle) -> SIRData:
    """A report of one unit: the header and at least one episode."""
    if not episodes:
        raise SirFormatError("a report needs at least one episode")
    return SIRData(huvud=huvud, vardtillfalle=list(episodes))
