"""Where generated identity numbers come from: the ``identity=`` option of the generators.

Every generator of test data (the strategies, the bulk generator, the corpus command) takes the
same option:

- ``"personnummer"`` (the default): random check-digit-valid personnummer. They are synthetic,
  but a random valid personnummer may belong to a real person.
- ``"samordningsnummer"``: random samordningsnummer (day + 60).
- ``"reservnummer"``: the unit's own reserve numbers (``Idbegrepp`` is then required).
- a sequence of numbers the caller supplies, such as a published list of test personnummer;
  each must be a valid personnummer or samordningsnummer in SIR's 12-digit form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias, get_args

from sir_format.domain import personnummer, samordningsnummer

__all__ = ["IdentityKind", "IdentitySource", "identity_source"]

IdentityKind: TypeAlias = Literal["personnummer", "samordningsnummer", "reservnummer"]
IdentitySource: TypeAlias = IdentityKind | Sequence[str]

KINDS: tuple[str, ...] = get_args(IdentityKind)


def identity_source(source: IdentitySource) -> IdentityKind | tuple[str, ...]:
    """Check an ``identity=`` option: a kind, or the caller's numbers as a tuple (compacted).

    Raises:
        ValueError: an unknown kind, an empty list, or a number in the list that is neither a
            valid personnummer nor a valid samordningsnummer (the number is not shown).
    """
    if isinstance(source, str):
        if source not in KINDS:
            raise ValueError(f"identity must be one of {', '.join(KINDS)} or a list of numbers")
        return source  # type: ignore[return-value]
    numbers = tuple(personnummer.compact(str(number)) for number in source)
    if not numbers:
        raise ValueError("identity: the list of numbers is empty")
    for position, number in enumerate(numbers, start=1):
        if not (personnummer.is_valid(number) or samordningsnummer.is_valid(number)):
            raise ValueError(
                f"identity: number {position} of the list is not a valid personnummer or "
                "samordningsnummer in the 12-digit form"
            )
    return numbers
