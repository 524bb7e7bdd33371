"""Facts of the domain, written once: identity numbers and the registry's rules of thumb.

Low in the package: these modules import only the standard library, python-stdnum and the
generated model and metadata, never validation, the codecs or the test-data code.

One module per identifier, in the style of python-stdnum (``compact``, ``validate`` raising a
precise :class:`~sir_format.errors.IdentifierError`, ``is_valid``, and where the number
carries them ``birth_date``, ``sex`` and ``format``; ``generate(rng, ...)`` for test data):

- :mod:`sir_format.domain.personnummer`
- :mod:`sir_format.domain.samordningsnummer` (day + 60)
- :mod:`sir_format.domain.reservnummer`
- :mod:`sir_format.domain.hsa_id` (``SE`` + organisation number + suffix)
- :mod:`sir_format.domain.embedded` (identity numbers inside free text, SIR-R063)

The registry's facts: :mod:`sir_format.domain.registry` (age limits, the codes other modules
depend on, the M-ICU rows, the §5.2 applicability matrix) and :mod:`sir_format.domain.kva`
(the KVÅ validity table). :mod:`sir_format.domain.tokens` turns a code-list value given as
an enum member or as its token into the member.
"""
