"""An independent reading of XML reports: xmlschema's decoder on the shipped XSD.

The library binds reports to its own model classes; xmlschema knows nothing of them. It decodes
a document against the same XSD to plain builtins keyed by element name, which is compared with
``msgspec.to_builtins`` of the library's model (keyed by wire name, the element names). Both
sides are brought to one lexical form first:

- a mapping becomes a list of ``(name, value)`` pairs, so the order of elements counts;
- a decimal becomes ``("decimal", str(value))``: the exact digits count, not just the value;
- a date or time stays the string xmlschema read (``datetime_types=False``); the model's side
  writes ISO 8601, the only form the schema's patterns allow;
- free text is trimmed of XSD whitespace on the oracle's side (data dictionary §12 D2: readers
  trim ``TextTyp``, never collapse inside; xmlschema already collapses the token types);
- an element without content (``<Åtgärder/>``) is ``None`` on both sides.
"""

from __future__ import annotations

import io
from decimal import Decimal
from importlib import resources
from typing import Any

import msgspec
import xmlschema

from sir_format.models import SIRData

_XSD_SPACE = " \t\n\r"
_SCHEMA: xmlschema.XMLSchema | None = None


def shipped_schema() -> xmlschema.XMLSchema:
    """The shipped XSD, compiled by xmlschema (once)."""
    global _SCHEMA  # noqa: PLW0603 - a cache
    if _SCHEMA is None:
        source = resources.files("sir_format.schemas").joinpath("SIRDataVer52.xsd")
        with resources.as_file(source) as path:
            _SCHEMA = xmlschema.XMLSchema(str(path))
    return _SCHEMA


def _lexical(value: Any, *, oracle: bool) -> Any:
    if isinstance(value, dict):
        if not value:
            return None
        return [(key, _lexical(item, oracle=oracle)) for key, item in value.items()]
    if isinstance(value, list):
        return [_lexical(item, oracle=oracle) for item in value]
    if isinstance(value, Decimal):
        return ("decimal", str(value))
    if isinstance(value, bool | float):  # neither occurs in a report: fail loudly if it does
        raise TypeError(f"unexpected {type(value).__name__} {value!r}")
    if isinstance(value, str) and oracle:
        return value.strip(_XSD_SPACE)
    return value


def oracle_view(xml: bytes | str) -> Any:
    """The XML document as xmlschema decodes it, in the common lexical form."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    decoded = shipped_schema().to_dict(
        io.BytesIO(data),
        decimal_type=Decimal,
        datetime_types=False,
        validation="strict",
    )
    return _lexical(decoded, oracle=True)


def model_view(report: SIRData) -> Any:
    """The library's report as builtins with wire names, in the common lexical form."""
    builtins = msgspec.to_builtins(report, builtin_types=(Decimal,))
    return _lexical(builtins, oracle=False)
