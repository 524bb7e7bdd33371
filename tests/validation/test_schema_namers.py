"""The schema layer's fallbacks: libxml2 errors that the shipped schema does not raise today.

A new schema or libxml2 release may bring an error kind the layer has no code for, or an
enumeration on an element the metadata does not know; both must still give a finding with the
facts libxml2 reported.
"""

from __future__ import annotations

from types import SimpleNamespace

from lxml import etree

from sir_format.models import Huvud
from sir_format.validation._base import Text
from sir_format.validation._schema_layer import _classify

_T = etree.ErrorTypes


def classify(kind: int, message: str, xml: str, target_name: str) -> tuple[object, ...]:
    top = etree.fromstring(xml)
    target = top if top.tag == target_name else top.find(target_name)
    assert target is not None
    return _classify(SimpleNamespace(type=kind, message=message), target, top, Huvud)


def test_an_error_kind_without_a_code_is_sir_x049_without_libxml2s_text() -> None:
    code, params, location = classify(
        _T.SCHEMAV_CVC_IDC,
        "Element 'Avdelningsnamn': Duplicate key-sequence ['A'] in unique identity-constraint.",
        "<Huvud><Avdelningsnamn>A</Avdelningsnamn></Huvud>",
        "Avdelningsnamn",
    )
    assert code == "SIR-X049"
    assert params == {
        "element": "Avdelningsnamn",
        "detail": Text(
            sv="innehållet följer inte schemat här",
            en="the content does not follow the schema here",
        ),
    }
    assert location == (("Avdelningsnamn", None),)


def test_an_enumeration_on_an_unknown_element_lists_the_values_from_the_message() -> None:
    code, params, location = classify(
        _T.SCHEMAV_CVC_ENUMERATION_VALID,
        "Element 'Okänt': [facet 'enumeration'] The value 'x' is not an element of the set "
        "{'a', 'b c'}.",
        "<Huvud><Okänt>x</Okänt></Huvud>",
        "Okänt",
    )
    assert code == "SIR-X020"
    assert params == {"element": "Okänt", "v": "x", "allowed": ["a", "b c"]}
    assert location == (("Okänt", None),)


def test_an_enumeration_message_without_a_set_lists_nothing() -> None:
    code, params, _ = classify(
        _T.SCHEMAV_CVC_ENUMERATION_VALID,
        "Element 'Okänt': [facet 'enumeration'] The value 'x' is not accepted.",
        "<Huvud><Okänt>x</Okänt></Huvud>",
        "Okänt",
    )
    assert (code, params) == ("SIR-X020", {"element": "Okänt", "v": "x", "allowed": []})
