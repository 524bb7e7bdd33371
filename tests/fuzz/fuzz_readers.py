"""Fuzz the readers and the validator with atheris (not part of the pytest run).

Every input is read as JSON and as XML. ``from_json``, ``from_xml`` and
``validate(..., profile="schema")`` may only raise documented exceptions (``ParseError`` from
the readers; nothing from ``validate`` for bytes), and must agree: a read succeeds exactly when
``validate`` finds no error, and reads the model the careful path reads (see
``tests/test_reader_agreement.py``). Anything else is a crash that libFuzzer reports with the
input that caused it.

Run from the repository root (``pip install atheris`` first)::

    python tests/fuzz/fuzz_readers.py -max_total_time=300 [corpus directory ...]

Without a corpus directory the bundled examples and the test fixtures seed a temporary one.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["sir_format"]):
    import sir_format  # noqa: F401 - instrumented for coverage feedback

from tests.test_reader_agreement import assert_agreement  # noqa: E402


def one_input(data: bytes) -> None:
    for fmt in ("json", "xml"):
        assert_agreement(data, fmt)


def _seeds() -> str:
    corpus = Path(tempfile.mkdtemp(prefix="sir-fuzz-"))
    sources = [
        *(ROOT / "sir_format" / "examples").glob("*.*"),
        *(ROOT / "tests" / "fixtures").glob("*"),
    ]
    for source in sources:
        if source.suffix in (".json", ".xml"):
            shutil.copy(source, corpus / source.name)
    return str(corpus)


def main() -> None:
    args = sys.argv
    if not any(not a.startswith("-") for a in args[1:]):
        args = [*args, _seeds()]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
