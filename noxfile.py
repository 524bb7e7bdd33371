"""Developer sessions: ``nox -s tests | lint | typecheck | docs | generate | bench | mutate``.

``scripts/check`` runs lint, typecheck, tests and the docs build in one go; these sessions run
one step each in their own virtual environment.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
SHIPPED_XSD = ROOT / "sir_format" / "schemas" / "SIRDataVer52.xsd"
nox.options.sessions = ["lint", "typecheck", "tests", "docs"]
nox.options.reuse_existing_virtualenvs = True


def _install(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, including every code block of the docs and the README."""
    _install(session)
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    _install(session)
    session.run("python", "-m", "ruff", "check", ".")
    session.run("python", "-m", "ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy in strict mode on the hand-written package (configured in pyproject.toml)."""
    _install(session)
    session.run("python", "-m", "mypy", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly (``-- serve`` to preview it instead)."""
    _install(session)
    if session.posargs[:1] == ["serve"]:
        session.run("python", "-m", "mkdocs", "serve", *session.posargs[1:])
    else:
        session.run("python", "-m", "mkdocs", "build", "--strict", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate everything from an XSD: ``nox -s generate -- --xsd path/to/SIR.xsd``.

    With ``--xsd``, the file first replaces the shipped schema (the one the XML reader validates
    against); then the model and, when its exporter exists, the JSON Schema are regenerated.
    """
    parser = argparse.ArgumentParser(prog="nox -s generate --")
    parser.add_argument("--xsd", type=Path, help="XSD to generate from (default: the shipped one)")
    args = parser.parse_args(session.posargs)
    _install(session)
    if args.xsd is not None and args.xsd.resolve() != SHIPPED_XSD:
        if not args.xsd.is_file():
            session.error(f"no such XSD: {args.xsd}")
        session.log(f"copying {args.xsd} to {SHIPPED_XSD.relative_to(ROOT)}")
        shutil.copyfile(args.xsd, SHIPPED_XSD)
    session.run("python", "tools/generate.py", "--xsd", str(SHIPPED_XSD))
    if (ROOT / "tools" / "export_jsonschema.py").exists():
        session.run("python", "tools/export_jsonschema.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks; arguments after ``--`` go to ``bench/run.py``."""
    _install(session)
    session.run("python", "bench/run.py", *session.posargs)


@nox.session
def mutate(session: nox.Session) -> None:
    """Mutation testing with mutmut: ``nox -s mutate [-- rules | codecs] [--keep] [--survivors]``.

    Mutates the rule modules and the codecs (groups in ``tools/mutate.py``), runs for each mutant
    the tests that reach the mutated function, then prints killed/total per group and module and
    every surviving mutant. ``mutants/`` is rebuilt unless ``--keep`` is given (``--keep`` reuses
    the stored verdicts, e.g. to finish an interrupted run); ``--survivors`` re-runs only the
    last run's survivors, against the tests as they are now; ``--sample N`` runs N mutants drawn
    at random, for a quick estimate. Not part of the default sessions.
    """
    parser = argparse.ArgumentParser(prog="nox -s mutate --")
    parser.add_argument("groups", nargs="*", help="rules | codecs (default: both)")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ and its verdicts")
    parser.add_argument("--max-children", type=int, help="mutants run in parallel (default: CPUs)")
    parser.add_argument("--no-diff", action="store_true", help="list survivors without diffs")
    parser.add_argument("--survivors", action="store_true", help="re-run the last survivors only")
    parser.add_argument("--sample", type=int, metavar="N", help="a random sample of N mutants")
    args = parser.parse_args(session.posargs)
    _install(session)
    session.install("mutmut==3.8.1")
    if not (args.keep or args.survivors):
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    options = ["--no-diff"] if args.no_diff else []
    if args.survivors:
        options.append("--survivors")
    if args.sample:
        options += ["--sample", str(args.sample)]
    if args.max_children is not None:
        options += ["--max-children", str(args.max_children)]
    session.run("python", "tools/mutate.py", *args.groups, *options)
