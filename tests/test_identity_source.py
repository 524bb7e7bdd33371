"""The ``identity=`` option shared by the test-data generators."""

from __future__ import annotations

import pytest

from sir_format.testing._identity import identity_source


@pytest.mark.parametrize("kind", ["personnummer", "samordningsnummer", "reservnummer"])
def test_kinds_are_accepted(kind: str) -> None:
    assert identity_source(kind) == kind  # type: ignore[arg-type]


def test_a_list_is_compacted_and_kept_in_order() -> None:
    assert identity_source(["19121212-1212", "195711069137"]) == (
        "191212121212",
        "195711069137",
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("passnummer", "identity must be one of personnummer, samordningsnummer, reservnummer"),
        ([], "the list of numbers is empty"),
        (["195711069137", "195711069138"], "number 2 of the list is not a valid"),
        (["5711069137"], "number 1 of the list is not a valid"),
    ],
)
def test_bad_sources_are_refused_without_showing_the_number(source: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        identity_source(source)  # type: ignore[arg-type]
    assert "1957110691" not in str(caught.value)
