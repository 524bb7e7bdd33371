"""Builders make a complete ICU report: every module has a builder checked against the
metadata, tokens and enum members give equal models, the bundled ICU example is what the
builders make and passes its unit's declaration."""

from __future__ import annotations

import doctest
import enum
import inspect
import re
import typing
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import examples

import sir_format
from sir_format import builders as b
from sir_format.domain import tokens
from sir_format.errors import InvalidUnitDeclarationError, SirFormatError
from sir_format.metadata import FieldInfo, Kind, model_info
from sir_format.models import (
    SAPS3,
    Begransning,
    JaNej,
    JaNejOkant,
    NEMSRegistrering,
    SIRData,
    Vardtillfalle,
    Vardtyp,
)
from sir_format.testing import episodes, values
from sir_format.validation.unit import UnitDeclaration, example_path

EXAMPLES = files("sir_format") / "examples"
JA, NEJ = "Ja", "Nej"


# ---------------------------------------------------------------- a complete ICU report


def _nems_day(day: int, *, ventilated: bool, vasoactive: bool, intubated: bool) -> Any:
    return b.nems_registrering(
        datum=date(2024, 11, day),
        basmonitorering=JA,
        intravenos_lakemedelsbehandling=JA,
        mekanisk_ventilation=JA if ventilated else NEJ,
        kompletterande_andningsstod=NEJ if ventilated else JA,
        ett_vasoaktivt_lakemedel=JA if vasoactive else NEJ,
        flera_vasoaktiva_lakemedel=NEJ,
        dialys=NEJ,
        specifika_atgarder_pa_enheten=JA if intubated else NEJ,
        specifika_atgarder_utanfor_enheten=NEJ,
    )


def _sofa(day: int, **measured: Any) -> Any:
    return b.sofa_registrering(
        tidpunkt=datetime(2024, 11, day, 9, 0), adrenalin="Ingen", dopamin="Ingen",
        dobutamin=NEJ, **measured,
    )  # fmt: skip


def _sedation(when: datetime, matches: str, goal: int, actual: int) -> Any:
    return b.sederingsregistrering(
        tidpunkt=when, sederingsskala_anvand=JA, sederingsmal_ordinerat=JA,
        motsvarar_sederingsmalet=matches, rassmal=goal, rassaktuellt=actual,
    )  # fmt: skip


def icu_report() -> SIRData:
    """The bundled IVA example, built from the builders alone with tokens as text."""
    episode = b.episode(
        b.grunddata(
            personnummer="195711069137",
            vardtyp="IVA",
            postnummer="11822",
            kommunkod="0180",
            inskrivningstid=datetime(2024, 11, 3, 16, 40),
            ankomsttid=datetime(2024, 11, 3, 14, 5),
            ankomstvag="Akutmottagning",
            ankomstorsak="Vårdbehov",
            akutinlaggning=JA,
            opereradstatus="EjOpererad",
            utskriven_till="Vårdavdelning",
            utskrivningsorsak="EjLängreBehov",
            utskrivningstid=datetime(2024, 11, 6, 11, 20),
        ),
        b.diagnoses("J18.9", "J96.0"),
        lokalt_id="VT-2024-01187",
        atgarder=b.actions(b.action("DG021", datetime(2024, 11, 3, 17, 10))),
        saps3=b.saps3(
            vasoaktiva_droger=NEJ,
            intagningsorsak="RespiratoriskSvikt",
            nosokomial_infektion=NEJ,
            respiratorisk_infektion=JA,
            gcs=14,
            kroppstemperatur_hogst=Decimal("38.9"),
            hjartfrekvens_hogst=118,
            p_hlagst=Decimal("7.28"),
            systoliskt_blodtryck_lagst=95,
            ventilator=JA,
            pa_o2=Decimal("7.9"),
            fi_o2=60,
        ),
        daglig_sofa=b.daglig_sofa(
            _sofa(
                4,
                pa_o2=Decimal("9.1"),
                fi_o2=50,
                andningsstod=JA,
                trombocyter_lagst=182,
                medelartartryck_lagst=64,
                noradrenalin="LågDos",
                rls85=3,
                kreatinin_hogst=96,
            ),
            _sofa(
                5,
                pa_o2=Decimal("11.4"),
                fi_o2=35,
                andningsstod=JA,
                noradrenalin="Ingen",
                gcsogon=3,
                gcsverbal=1,
                gcsmotorik=6,
            ),
            _sofa(6, andningsstod=NEJ, noradrenalin="Ingen", gcsogon=4, gcsverbal=5, gcsmotorik=6),
        ),
        nems=b.nems(
            _nems_day(3, ventilated=True, vasoactive=True, intubated=True),
            _nems_day(4, ventilated=True, vasoactive=True, intubated=False),
            _nems_day(5, ventilated=True, vasoactive=False, intubated=False),
            _nems_day(6, ventilated=False, vasoactive=False, intubated=False),
        ),
        komplikationer=b.komplikationer(b.komplikation("SK-000")),
        behandlingsstrategi=b.behandlingsstrategi(
            dokumenterat_beslut=JA,
            beslut_taget_fore_iva=NEJ,
            forsta_beslutstidpunkt=datetime(2024, 11, 3, 18, 0),
            strategi="FullaInsatser",
        ),
        sederingsmal=b.sederingsmal(
            _sedation(datetime(2024, 11, 3, 20, 0), JA, -2, -2),
            _sedation(datetime(2024, 11, 4, 20, 0), NEJ, -1, -3),
            _sedation(datetime(2024, 11, 5, 8, 0), JA, 0, 0),
        ),
        clinical_frailty_scale=3,
        omvardnad=b.omvardnad(
            b.omvardnadsbedomning(
                tidpunkt=datetime(2024, 11, 3, 20, 0), smarta_bps=4, rass=-2, camicu="Negativ"
            ),
            b.omvardnadsbedomning(
                tidpunkt=datetime(2024, 11, 4, 20, 0), smarta_bps=3, rass=-3, camicu="Negativ"
            ),
            b.omvardnadsbedomning(
                tidpunkt=datetime(2024, 11, 5, 20, 0), smarta_nrs=3, rass=0, camicu="Negativ"
            ),
            b.omvardnadsbedomning(
                tidpunkt=datetime(2024, 11, 6, 8, 0), smarta_nrs=2, rass=0, camicu="Negativ"
            ),
        ),
        vikt_och_langd=b.vikt_och_langd(langd=181, vikt_vid_ankomst=Decimal("92.5")),
    )
    huvud = b.header(
        hsa_id="SE2321000016-7Q4T",
        avdelningsnamn="IVA Exempelsjukhuset",
        system="ExempelPDMS",
        version="4.2.1",
        skapad=datetime(2024, 11, 10, 8, 0),
    )
    return b.report(huvud, episode)


def test_icu_report_from_builders_passes_the_bundled_icu_declaration() -> None:
    report = sir_format.validate(icu_report(), unit=example_path("iva"))
    assert report.findings == ()
    assert report.skipped == ()
    assert report.ok


def test_the_icu_example_files_are_what_the_builders_make() -> None:
    built = icu_report()
    assert sir_format.load(EXAMPLES / "iva.xml") == built
    assert sir_format.load(EXAMPLES / "iva.json") == built


@pytest.mark.parametrize("name", ["iva.xml", "iva.json"])
def test_the_icu_example_passes_its_declaration_with_no_finding(name: str) -> None:
    report = sir_format.validate(EXAMPLES / name, unit=EXAMPLES / "sir-enhet-iva.toml")
    assert (report.findings, report.skipped) == ((), ())
    episode = sir_format.load(EXAMPLES / name).vardtillfalle[0]
    assert episode.saps3 and episode.daglig_sofa and episode.nems and episode.atgarder


def test_the_icu_example_is_file_a_with_the_missing_modules_added() -> None:
    """Line for line: file A's lines keep their numbers up to the first added module."""
    added = [
        model_info(Vardtillfalle).by_py[name].wire_name
        for name in ("nems", "sederingsmal", "omvardnad")
    ]
    pattern = "|".join(f"    <{wire}>\n.*?    </{wire}>\n" for wire in added)
    complete = (EXAMPLES / "iva.xml").read_text(encoding="utf-8")
    without, count = re.subn(pattern, "", complete, flags=re.S)
    assert count == 3
    assert without == (EXAMPLES / "iva-with-errors.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["iva-with-errors.xml", "iva-with-errors.json"])
def test_the_example_with_errors_lacks_declared_modules(name: str) -> None:
    report = sir_format.validate(EXAMPLES / name, unit=EXAMPLES / "sir-enhet-iva.toml")
    assert report.codes() == ["SIR-R200"] * 3
    assert [f.params["module"] for f in report] == ["NEMS", "Omvårdnad", "Sederingsmål"]
    assert sir_format.validate(EXAMPLES / name).findings == ()  # without the declaration


def test_every_bundled_report_example_is_valid_or_named_for_its_errors() -> None:
    declaration = {"iva": EXAMPLES / "sir-enhet-iva.toml", "ima": EXAMPLES / "sir-enhet-ima.toml"}
    reports = [p for p in EXAMPLES.iterdir() if p.name.endswith((".xml", ".json"))]
    assert len(reports) == 6
    for path in reports:
        report = sir_format.validate(path, unit=declaration[path.name[:3]])
        assert (report.findings == ()) == ("with-errors" not in path.name), path.name


# ------------------------------------------------------- every module has a builder

# Parameters named otherwise than the field they set (the first builders' short forms).
ALIASES: dict[str, dict[str, str]] = {
    "diagnoses": {"huvudsaklig_ivadiagnos": "main", "ovrig_diagnos": "others"},
    "action": {"kod": "code", "datum": "when", "klockslag": "when"},
}


def _builders() -> dict[type, Callable[..., Any]]:
    """Each builder by the model class it returns (from its return annotation)."""
    found: dict[type, Callable[..., Any]] = {}
    for name in b.__all__:
        function = getattr(b, name)
        returned = typing.get_type_hints(function)["return"]
        assert returned not in found, f"two builders return {returned.__name__}"
        found[returned] = function
    return found


def _classes_under(cls: type) -> Iterator[type]:
    yield cls
    for field in model_info(cls).fields:
        if field.kind is Kind.COMPLEX:
            yield from _classes_under(field.python_type)


def _accepts_text(hint: Any) -> bool:
    """True when ``str`` is among the types the parameter takes (for a list: of its items)."""
    args = typing.get_args(hint)
    if not args:
        return hint is str
    return any(_accepts_text(arg) for arg in args)


def missing_parameters(cls: type, builder: Callable[..., Any]) -> list[str]:
    """The fields of ``cls`` that ``builder`` takes no parameter for, or takes code-list values
    for without their tokens."""
    parameters = inspect.signature(builder).parameters
    hints = typing.get_type_hints(builder)
    rows = [p for p in parameters.values() if p.kind is inspect.Parameter.VAR_POSITIONAL]
    lists = [f for f in model_info(cls).fields if f.is_list and f.kind is Kind.COMPLEX]
    aliases = ALIASES.get(builder.__name__, {})
    missing = []
    for field in model_info(cls).fields:
        name = aliases.get(field.py_name, field.py_name)
        if name in parameters:
            takes_tokens = field.kind is not Kind.ENUM or _accepts_text(hints[name])
            if not takes_tokens:
                missing.append(f"{field.py_name} (no tokens)")
        elif not (rows and lists == [field]) and name not in (r.name for r in rows):
            missing.append(field.py_name)
    return missing


def test_every_module_and_row_of_an_episode_has_a_builder() -> None:
    builders = _builders()
    classes = list(dict.fromkeys(_classes_under(Vardtillfalle)))
    assert len(classes) == 24  # Vårdtillfälle, Grunddata, Diagnoser, 13 modules, 8 rows
    without = [cls.__name__ for cls in classes if cls not in builders]
    assert without == []
    gaps = {cls.__name__: missing_parameters(cls, builders[cls]) for cls in classes}
    assert {name: gap for name, gap in gaps.items() if gap} == {}


def test_module_builders_are_named_after_the_episode_attribute() -> None:
    builders = _builders()
    for field in model_info(Vardtillfalle).fields:
        if field.kind is Kind.COMPLEX and field.py_name not in ("diagnoser", "atgarder"):
            assert builders[field.python_type].__name__ == field.py_name


def test_the_coverage_check_finds_a_missing_parameter_and_a_missing_token_type() -> None:
    def short_saps3(*, vasoaktiva_droger: JaNej | str) -> SAPS3:
        raise NotImplementedError

    def strict_limitation(*, typ: str, behandling: JaNej, tidpunkt: datetime) -> Begransning:
        raise NotImplementedError

    assert missing_parameters(SAPS3, b.saps3) == []
    missing = missing_parameters(SAPS3, short_saps3)
    assert missing[:2] == ["samsjuklighet", "intagningsorsak"]
    assert len(missing) == len(model_info(SAPS3).fields) - 1
    assert missing_parameters(Begransning, strict_limitation) == ["behandling (no tokens)"]


# -------------------------------------------------- tokens and members: equal models


def _keyword_fields(builder: Callable[..., Any], cls: type) -> list[FieldInfo]:
    by_py = model_info(cls).by_py
    return [
        by_py[p.name]
        for p in inspect.signature(builder).parameters.values()
        if p.kind is not inspect.Parameter.VAR_POSITIONAL and p.name in by_py
    ]


def _as_tokens(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_tokens(v) for v in value]
    return value.value if isinstance(value, enum.Enum) else value


def _field_value(field: FieldInfo) -> st.SearchStrategy[Any]:
    if field.is_list:
        return st.lists(values(field), min_size=max(field.min_occurs, 1), max_size=3)
    return values(field)


ENUM_BUILDERS = sorted(
    (
        (cls, builder)
        for cls, builder in _builders().items()
        if any(f.kind is Kind.ENUM or f.unknown is not None for f in _keyword_fields(builder, cls))
    ),
    key=lambda pair: pair[1].__name__,
)


@pytest.mark.parametrize(
    ("cls", "builder"), ENUM_BUILDERS, ids=[builder.__name__ for _, builder in ENUM_BUILDERS]
)
@settings(max_examples=examples(10), deadline=None)
@given(data=st.data())
def test_tokens_and_members_give_equal_models(
    cls: type, builder: Callable[..., Any], data: st.DataObject
) -> None:
    fields = _keyword_fields(builder, cls)
    members = {f.py_name: data.draw(_field_value(f), label=f.py_name) for f in fields}
    as_tokens = {name: _as_tokens(value) for name, value in members.items()}
    built = builder(**members)
    assert builder(**as_tokens) == built == cls(**members)
    for field in fields:
        if field.kind is Kind.ENUM and not field.is_list:
            assert isinstance(getattr(built, field.py_name), field.python_type)


def test_number_or_unknown_takes_the_unknown_token() -> None:
    episode = b.episode(icu_report().vardtillfalle[0].grunddata, b.diagnoses("J18.9"))
    assert episode.clinical_frailty_scale is None
    known = b.episode(episode.grunddata, episode.diagnoser, clinical_frailty_scale="VärdeOkänt")
    unknown = model_info(Vardtillfalle).by_py["clinical_frailty_scale"].unknown
    assert unknown is not None
    assert known.clinical_frailty_scale is next(iter(unknown))


# ------------------------------------------------------------- bad tokens: clear errors


def test_a_bad_token_names_the_argument_and_the_allowed_tokens() -> None:
    with pytest.raises(SirFormatError) as caught:
        b.omvardnadsbedomning(tidpunkt=datetime(2024, 11, 3, 20, 0), camicu="positiv")
    assert str(caught.value) == (
        "camicu: 'positiv' is not a CAMICU token; allowed: Positiv, Negativ, EjBedömbar"
    )


def test_a_token_in_decomposed_unicode_is_named_as_such() -> None:
    decomposed = unicodedata.normalize("NFD", "Övrig")
    with pytest.raises(SirFormatError) as caught:
        tokens.enum_member(Vardtyp, decomposed, name="vardtyp")
    assert str(caught.value) == (
        f"vardtyp: {decomposed!r} is not a Vardtyp token; allowed: IVA, TIVA, BIVA, "
        "Postoperativ, HIA, Övrig, IMA (it spells Övrig in decomposed Unicode: use the "
        "composed form, NFC)"
    )


def test_a_member_of_another_code_list_is_refused() -> None:
    with pytest.raises(SirFormatError) as caught:
        b.saps3(
            vasoaktiva_droger=JaNejOkant.JA,  # type: ignore[arg-type]
            intagningsorsak="RespiratoriskSvikt",
            nosokomial_infektion=NEJ,
            respiratorisk_infektion=NEJ,
            ventilator=NEJ,
        )
    assert str(caught.value) == "vasoaktiva_droger: JaNejOkant.JA is not a JaNej; allowed: Ja, Nej"


def test_a_bad_token_in_a_list_and_an_empty_module_are_refused() -> None:
    with pytest.raises(SirFormatError, match=r"^intagningsorsak: 'Sepsis' is not a SAPS3In"):
        b.saps3(
            vasoaktiva_droger=NEJ,
            intagningsorsak=["RespiratoriskSvikt", "Sepsis"],
            nosokomial_infektion=NEJ,
            respiratorisk_infektion=NEJ,
            ventilator=NEJ,
        )
    with pytest.raises(SirFormatError) as caught:
        b.nems()
    assert str(caught.value) == "NEMS needs at least 1 nemsregistrering, got 0"


def test_a_complication_time_is_given_once() -> None:
    row = b.komplikation("SK-020", datetime(2024, 11, 5, 14, 30))
    assert (row.datum, row.klockslag) == (date(2024, 11, 5), "14:30")
    assert b.komplikation("SK-020", date(2024, 11, 5), klockslag="14:30") == row
    with pytest.raises(SirFormatError) as caught:
        b.komplikation("SK-020", datetime(2024, 11, 5, 14, 30), klockslag="14:30")
    assert str(caught.value) == (
        "komplikation: give the time in the datetime or in klockslag, not both"
    )


# -------------------------------------------- the same conversion in strategies and units


@settings(max_examples=examples(5), deadline=None)
@given(episode=episodes(vardtyp="TIVA"))
def test_strategies_take_the_vardtyp_token(episode: Vardtillfalle) -> None:
    assert episode.grunddata.vardtyp is Vardtyp.TIVA


def test_strategies_refuse_an_unknown_vardtyp_token() -> None:
    with pytest.raises(SirFormatError) as caught:
        sir_format.testing.reports(vardtyp="ICU")
    assert str(caught.value).startswith("vardtyp: 'ICU' is not a Vardtyp token; allowed: IVA,")


def test_the_unit_declaration_takes_vardtyp_members_as_tokens() -> None:
    loaded = UnitDeclaration.load(example_path("iva"))
    fields = {
        "hsa_id": loaded.hsa_id,
        "officiellt_namn": loaded.officiellt_namn,
        "kortnamn": loaded.kortnamn,
        "avdelningsnamn": loaded.avdelningsnamn,
        "giltig_fran": loaded.giltig_fran,
        "modules": loaded.modules,
        "actions": loaded.actions,
    }
    with_members = UnitDeclaration(vardtyper=frozenset({Vardtyp.IVA}), **fields)  # type: ignore[arg-type]
    assert with_members == loaded
    assert with_members.vardtyper == frozenset({"IVA"})
    with pytest.raises(InvalidUnitDeclarationError) as caught:
        UnitDeclaration(vardtyper=frozenset({JaNej.JA}), **fields)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "unit declaration is invalid: [enhet].vardtyper[…]: expected a string, found JaNej"
    )


def test_docstring_examples() -> None:
    for module in (b, tokens):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_nems_rows_are_struct_equal_to_the_model() -> None:
    row = _nems_day(3, ventilated=True, vasoactive=False, intubated=False)
    assert isinstance(row, NEMSRegistrering)
    assert row.mekanisk_ventilation is JaNej.JA and row.kompletterande_andningsstod is JaNej.NEJ
