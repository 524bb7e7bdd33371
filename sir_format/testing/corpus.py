"""Seeded examples of any strategy, and corpora of report files with a manifest.

:func:`seeded_examples` draws examples from a Hypothesis strategy reproducibly: the same seed,
strategy, sir-format and Hypothesis versions give the same examples, in any process (the
``PYTHONHASHSEED`` of the process does not matter). It runs the strategy through Hypothesis's
public API only: a ``@given`` function under ``@seed(S)`` with the database off and the
generate phase alone, collecting what it is given.

:func:`write_corpus` writes valid reports and labelled invalid cases to a directory with a
``manifest.json`` that says, per file, what it is and what a correct validator reports for it
(``sir-format testdata generate`` on the command line).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

import sir_format
from sir_format._files import write_atomically
from sir_format.codec import to_json, to_xml
from sir_format.domain.tokens import enum_member
from sir_format.metadata import model_info
from sir_format.models import Huvud, SIRData, Vardtyp
from sir_format.testing._defects import InvalidCase, Label
from sir_format.testing._identity import IdentitySource, identity_source
from sir_format.testing.strategies import reports

if TYPE_CHECKING:
    from sir_format.validation.unit import UnitDeclaration

__all__ = [
    "MANIFEST",
    "MANIFEST_VERSION",
    "Corpus",
    "CorpusFile",
    "manifest_bytes",
    "schema_version",
    "seeded_example",
    "seeded_examples",
    "write_corpus",
]

T = TypeVar("T")
Format = Literal["xml", "json"]

MANIFEST = "manifest.json"
"""The name of the manifest in a corpus directory."""

MANIFEST_VERSION = 1
"""The version of the manifest's layout; raised when a key changes meaning or goes away."""

_MAX_ROUNDS = 20
"""Runs of Hypothesis (each with its own seed) before a strategy counts as too small."""


# ------------------------------------------------------------------ seeded examples


def _round_seed(base: int, round_: int) -> int:
    """A seed for each run after the first, derived from the caller's seed without ``hash``."""
    if round_ == 0:
        return base
    digest = hashlib.sha256(f"{base}:{round_}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _run(strategy: st.SearchStrategy[T], count: int, at: int) -> list[T]:
    """The examples Hypothesis draws in one generate-only run of ``count`` examples."""
    drawn: list[T] = []

    @seed(at)
    @settings(
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        max_examples=count,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
        backend="hypothesis",  # a profile's other backend would not follow the seed
    )
    @given(strategy)
    def collect(example: T) -> None:
        drawn.append(example)

    collect()
    return drawn


def seeded_examples(
    strategy: st.SearchStrategy[T],
    count: int,
    *,
    seed: int,
    key: Callable[[T], Hashable] = repr,
) -> list[T]:
    """``count`` distinct examples of ``strategy``, the same ones for the same ``seed``.

    Distinct means distinct ``key(example)`` (default: ``repr``); the first example of each
    key is kept, in the order Hypothesis drew them. The result depends only on the seed, the
    strategy and the versions of sir-format and Hypothesis.

    Call it outside a running Hypothesis test (it runs a ``@given`` function of its own).

    Raises:
        ValueError: ``count`` is negative, or the strategy yields fewer than ``count``
            distinct examples.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    found: dict[Hashable, T] = {}
    for round_ in range(_MAX_ROUNDS):
        if len(found) >= count:
            break
        # A run starts with the simplest example, seen already after the first run.
        wanted = count - len(found) if round_ == 0 else 2 * (count - len(found)) + 1
        try:
            drawn = _run(strategy, wanted, _round_seed(seed, round_))
        except Unsatisfiable:  # every draw was rejected: other seeds would fare no better
            break
        for example in drawn:
            found.setdefault(key(example), example)
    if len(found) < count:
        raise ValueError(f"the strategy gave {len(found)} distinct examples, not {count}")
    return list(found.values())[:count]


def seeded_example(
    strategy: st.SearchStrategy[T], *, seed: int, key: Callable[[T], Hashable] = repr
) -> T:
    """One example of ``strategy``, the same one for the same ``seed``.

    Hypothesis tries the simplest example first; this returns the second distinct example,
    so that different seeds give different examples (the simplest one only where the
    strategy has no other).
    """
    try:
        return seeded_examples(strategy, 2, seed=seed, key=key)[-1]
    except ValueError:
        return seeded_examples(strategy, 1, seed=seed, key=key)[0]


# ------------------------------------------------------------------ corpora


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One file of a corpus: its name, format and, for an invalid case, its label."""

    name: str
    format: Format
    label: Label | None

    @property
    def valid(self) -> bool:
        return self.label is None


@dataclass(frozen=True, slots=True)
class Corpus:
    """What :func:`write_corpus` wrote: the directory, the files and the manifest's data."""

    directory: Path
    files: tuple[CorpusFile, ...]
    manifest: Mapping[str, Any]


def schema_version() -> dict[str, str]:
    """The report format version and the SHA-256 of the bundled XSD."""
    version = model_info(Huvud).by_py["formatversion"].facets.enumeration[0]
    xsd = resources.files("sir_format.schemas").joinpath("SIRDataVer52.xsd").read_bytes()
    return {"format_version": version, "xsd_sha256": hashlib.sha256(xsd).hexdigest()}


def _encode(report: SIRData, fmt: Format) -> bytes:
    return to_xml(report) if fmt == "xml" else to_json(report, pretty=True)


def _safe(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", code).strip("-")


def _label_entry(label: Label) -> dict[str, Any]:
    return {
        "defect": label.defect,
        "layer": label.layer,
        "expected": sorted(label.expected),
        "location": {
            "path": label.path,
            "xpath": label.xpath,
            "json_pointer": label.json_pointer,
        },
        "before": label.before,
        "after": label.after,
    }


def _unit_entry(unit: UnitDeclaration) -> dict[str, str]:
    digest = hashlib.sha256(unit.dumps().encode("utf-8")).hexdigest()
    return {"hsa_id": unit.hsa_id, "sha256": digest}


def _identity_entry(source: IdentitySource) -> str | dict[str, int]:
    checked = identity_source(source)
    return checked if isinstance(checked, str) else {"list": len(checked)}


def write_corpus(
    directory: str | Path,
    *,
    valid: int,
    invalid: int = 0,
    seed: int,
    formats: Sequence[Format] = ("xml",),
    defects: Iterable[str] | None = None,
    vardtyp: Vardtyp | str | None = None,
    unit: UnitDeclaration | None = None,
    identity: IdentitySource = "personnummer",
    reveal_identities: bool = False,
) -> Corpus:
    """Write ``valid`` reports and ``invalid`` cases per format, and ``manifest.json``.

    Each valid report is written in every format of ``formats`` (``valid-0001.xml``,
    ``valid-0001.json``: the same report); invalid cases are drawn for each format on its own
    and numbered on after the cases of the format before (``invalid-0001-<defect>.xml``),
    since a defect of the document exists in one format.
    The same arguments and versions give a byte-identical directory.

    Args:
        directory: created when missing; must be empty.
        defects: defect codes to draw from (``None``: every defect).
        vardtyp, unit, identity: as for :func:`sir_format.testing.reports`.
        reveal_identities: identity numbers in labels unmasked.

    Raises:
        ValueError: a count below 0, no format or an unknown one, a bad identity source, a
            directory that is not empty.
        SirFormatError: an unknown vårdtyp token.
    """
    if valid < 0 or invalid < 0:
        raise ValueError("the numbers of valid and invalid files must be >= 0")
    chosen = tuple(dict.fromkeys(formats))
    if not chosen or any(f not in ("xml", "json") for f in chosen):
        raise ValueError("formats must be one or both of xml, json")
    identity_entry = _identity_entry(identity)  # checks the source before any drawing
    out = Path(directory)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} is not an empty directory")
    options: dict[str, Any] = {}
    if vardtyp is not None:
        vardtyp = enum_member(Vardtyp, vardtyp, name="vardtyp")
        options["vardtyp"] = vardtyp
    if unit is not None:
        options["unit"] = unit
    if identity != "personnummer":
        options["identity"] = identity

    files: list[CorpusFile] = []
    payloads: list[bytes] = []
    valid_reports = seeded_examples(reports(**options), valid, seed=seed, key=to_xml)
    width = max(4, len(str(max(valid, invalid * len(chosen)))))
    for number, report in enumerate(valid_reports, start=1):
        for fmt in chosen:
            files.append(CorpusFile(f"valid-{number:0{width}d}.{fmt}", fmt, None))
            payloads.append(_encode(report, fmt))
    cases = [
        case
        for fmt in (chosen if invalid else ())
        for case in _invalid_cases(
            invalid, seed, defects, options, fmt=fmt, reveal_identities=reveal_identities
        )
    ]
    for number, case in enumerate(cases, start=1):
        name = f"invalid-{number:0{width}d}-{_safe(case.label.defect)}.{case.format}"
        files.append(CorpusFile(name, case.format, case.label))
        payloads.append(case.payload)

    manifest = _manifest(
        files,
        seed=seed,
        settings={
            "valid": valid,
            "invalid": invalid,
            "formats": list(chosen),
            "defects": None if defects is None else sorted(set(defects)),
            "vardtyp": None if vardtyp is None else enum_member(Vardtyp, vardtyp).value,
            "unit": None if unit is None else _unit_entry(unit),
            "identity": identity_entry,
            "reveal_identities": reveal_identities,
        },
    )
    out.mkdir(parents=True, exist_ok=True)
    for file, payload in zip(files, payloads, strict=True):
        write_atomically(out / file.name, payload)
    write_atomically(out / MANIFEST, manifest_bytes(manifest))
    return Corpus(out, tuple(files), manifest)


def _invalid_cases(
    count: int,
    seed: int,
    defects: Iterable[str] | None,
    base: Mapping[str, Any],
    *,
    fmt: Format,
    reveal_identities: bool,
) -> list[InvalidCase]:
    from sir_format.testing import invalid_reports

    options = dict(base)
    options.update(format=fmt, reveal_identities=reveal_identities)
    wanted = None if defects is None else sorted(set(defects))
    strategy = invalid_reports(wanted, **options)
    cases: list[InvalidCase] = seeded_examples(
        strategy, count, seed=seed, key=lambda case: case.payload
    )
    return cases


def _manifest(
    files: Sequence[CorpusFile], *, seed: int, settings: Mapping[str, Any]
) -> dict[str, Any]:
    import hypothesis

    library = {"name": "sir-format", "version": sir_format.__version__}
    schema = schema_version()
    entries = []
    for file in files:
        entry: dict[str, Any] = {"name": file.name, "format": file.format, "valid": file.valid}
        if file.label is not None:
            entry["label"] = _label_entry(file.label)
        entry.update(
            library_version=library["version"],
            schema_version=schema["format_version"],
            seed=seed,
        )
        entries.append(entry)
    return {
        "manifest_version": MANIFEST_VERSION,
        "library": library,
        "schema": schema,
        "hypothesis_version": hypothesis.__version__,
        "seed": seed,
        "settings": dict(settings),
        "files": entries,
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as written: UTF-8 JSON, keys in a fixed order, two-space indents."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
