"""The report model: stable ASCII names for every class and enumeration of the schema.

The classes are generated from ``sir_format/schemas/SIRDataVer52.xsd`` by xsdata
(``python tools/generate.py``); this module is their public home. Python names are ASCII
(``Vardtillfalle``, ``vardtillfalle``); the Swedish element names are kept on the wire and in
:mod:`sir_format.metadata`.

Every class is a :class:`msgspec.Struct`: keyword construction, equality, ``repr``, copies
with changes (:func:`msgspec.structs.replace`) and conversion to builtins with the wire names
(:func:`msgspec.to_builtins`). The names exported here are exactly the generated ones
(``sir_format._generated.__all__``), so a regenerated schema needs no edit.

``SIRData`` is the report (the JSON root object); ``SIRDataVer52`` is the XML root element class
of the same type. Dates are :class:`datetime.date`, local times naive
:class:`datetime.datetime` (Swedish wall-clock time, no zone, whole seconds), decimals
:class:`decimal.Decimal`, code lists :class:`enum.Enum` members whose value is the token.
"""

from sir_format._generated import *  # noqa: F403 - the generated names are the public model
from sir_format._generated import __all__ as _generated_names

__all__ = sorted(_generated_names)  # noqa: PLE0605 - the generated list, kept in one place
