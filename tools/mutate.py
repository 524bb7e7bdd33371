"""Run mutmut over groups of modules and report a score per group and module.

``nox -s mutate`` runs this script; by hand: ``python tools/mutate.py [rules] [codecs]``
from the repository root with mutmut installed. mutmut's settings (which tests, how pytest
runs) are ``[tool.mutmut]`` in pyproject.toml; the groups below say which files are mutated
and how the results are grouped. Results stay in ``mutants/`` (``mutmut browse`` or
``mutmut show NAME`` explain a mutant).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GROUPS: dict[str, tuple[str, ...]] = {
    "rules": (
        "sir_format/validation/rules/*.py",
        "sir_format/validation/applicability.py",
        "sir_format/domain/*.py",
    ),
    "codecs": (
        "sir_format/_xml.py",
        "sir_format/_json.py",
        "sir_format/codec.py",
        "sir_format/_input.py",
        "sir_format/validation/_reading.py",
        "sir_format/validation/_sources.py",
        "sir_format/validation/_json_source.py",
    ),
}

# mutmut's verdicts, by the status names of mutmut.stats.status_by_exit_code.
DETECTED = frozenset({"killed", "timeout", "caught by type check"})
UNCHECKED = "not checked"

SUMMARY = Path("mutants") / "mutation-summary.json"
IMPORT_TIME = Path("mutants") / "import-time-functions.json"

# Module-level memos, other than functools caches, that the mutated modules fill on first use
# (module -> attribute names; each must have a ``clear()``). See _clear_caches.
MEMOS: dict[str, tuple[str, ...]] = {
    "sir_format._json": ("_PLANS", "_ORDER"),
}

# Decorators that only register a function and return it unchanged. mutmut skips every
# decorated function (a decorator may have side effects); these are safe, and most registry
# rules are such functions, so they are mutated: the registered function is mutmut's
# trampoline, and the original and its mutants are plain, unregistered copies.
REGISTRATION_DECORATORS = frozenset({"episode_rule", "file_rule"})


@dataclass
class Module:
    """The verdicts of one file's mutants."""

    path: str
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def detected(self) -> int:
        return sum(status in DETECTED for status in self.statuses.values())

    @property
    def total(self) -> int:
        """Mutants with a verdict (an interrupted run leaves some ``not checked``)."""
        return sum(status != UNCHECKED for status in self.statuses.values())

    def undetected(self) -> list[tuple[str, str]]:
        return sorted(
            (n, s) for n, s in self.statuses.items() if s not in DETECTED and s != UNCHECKED
        )


def _configured_patterns() -> list[str]:
    """``[tool.mutmut] only_mutate`` of pyproject.toml."""
    config = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"].get("only_mutate", []))


def _check_config(groups: list[str]) -> None:
    """Fail when a group names a file that ``[tool.mutmut] only_mutate`` leaves out."""
    listed = _configured_patterns()
    for group in groups:
        for pattern in GROUPS[group]:
            if pattern not in listed:
                sys.exit(f"{pattern} (group {group}) is missing from [tool.mutmut] only_mutate")


def _is_registration(decorator: Any) -> bool:
    import libcst as cst

    call = decorator.decorator
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value in REGISTRATION_DECORATORS
    )


def _mutate_registered_functions() -> None:
    """Let mutmut (3.8) mutate functions whose only decorators are registrations."""
    import libcst as cst
    from libcst.metadata import PositionProvider
    from mutmut.mutation import file_mutation as fm

    if getattr(fm, "_registrations_mutated", False):
        return
    fm._registrations_mutated = True  # type: ignore[attr-defined]
    skip = fm.MutationVisitor._skip_node_and_children
    arrange = fm.function_trampoline_arrangement

    def registered(node: Any) -> bool:
        return (
            isinstance(node, cst.FunctionDef)
            and bool(node.decorators)
            and all(_is_registration(d) for d in node.decorators)
        )

    def skip_node(self: Any, node: Any) -> bool:
        if not registered(node):
            return bool(skip(self, node))
        position = self.get_metadata(PositionProvider, node, None)
        pragma = position is not None and position.start.line in self._ignored_node_lines
        return pragma or node.name.value in fm.NEVER_MUTATE_FUNCTION_NAMES

    def arrangement(function: Any, mutants: Any, class_name: str | None) -> Any:
        if not registered(function):
            return arrange(function, mutants, class_name=class_name)
        plain = function.with_changes(decorators=[])
        declared, methods, assigned, names = arrange(plain, mutants, class_name=class_name)
        trampoline = methods[0].with_changes(
            decorators=[*function.decorators, *methods[0].decorators]
        )
        return declared, [trampoline, *methods[1:]], assigned, names

    fm.MutationVisitor._skip_node_and_children = skip_node
    fm.function_trampoline_arrangement = arrangement


def _module_of(function: str) -> str:
    """``pkg.mod`` of a recorded function name ``pkg.mod.x_name`` or ``pkg.mod.xǁClassǁname``."""
    return function.rpartition(".")[0]


def _mutated_modules() -> list[str]:
    """Dotted names of the modules ``[tool.mutmut] only_mutate`` names."""
    return [
        path.with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
        for path in sorted(Path().glob("sir_format/**/*.py"))
        if any(fnmatch.fnmatch(path.as_posix(), pattern) for pattern in _configured_patterns())
    ]


def _check_memos() -> None:
    """Fail early when a name in ``MEMOS`` is no longer assigned at module level.

    Read from the source: importing the package here would make mutmut's processes use the
    checkout instead of the mutated copy.
    """
    import ast

    for module_name, names in MEMOS.items():
        path = Path(*module_name.split(".")).with_suffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        for name in sorted(set(names) - assigned):
            sys.exit(f"MEMOS in tools/mutate.py: {module_name}.{name} is not assigned in {path}")


def _clear_caches(modules: list[str], keep: frozenset[str] = frozenset()) -> int:
    """Empty the caches of the mutated ``modules`` that are loaded; return how many.

    mutmut forks each mutant's process from one that already ran the tests with no mutant
    active, so ``functools.cache``/``lru_cache`` functions and memo tables (``MEMOS``) hold
    results of the original code. A mutant reached only through such a cache (a reader table
    built once, a compiled schema) would survive though the tests would notice it. Clearing
    them in the mutant's process, once its tests are collected, makes the mutated code rebuild
    them. Caches of modules that are not mutated hold results of code that is not mutated and stay.
    """
    cleared = 0
    for name in modules:
        module = sys.modules.get(name)
        if module is None:
            continue
        owners = [module, *(v for v in vars(module).values() if isinstance(v, type))]
        for owner in owners:
            for attribute, value in list(vars(owner).items()):
                target = getattr(value, "__func__", value)  # staticmethod / classmethod
                if attribute not in keep and callable(getattr(target, "cache_clear", None)):
                    target.cache_clear()
                    cleared += 1
        for memo in MEMOS.get(name, ()):
            getattr(module, memo).clear()
            cleared += 1
    return cleared


def _whole_functions(tests: Any) -> list[str]:
    """The test ids without their parameters (``test_x[a]`` -> ``test_x``), each once.

    Some suites derive parameter ids from the data they build while being collected, and a
    second collection in the same process can name them differently; pytest then refuses an id
    mutmut recorded. Selecting whole test functions runs every parameter instead.
    """
    return list(dict.fromkeys(test.partition("[")[0] for test in tests))


# Caches too costly to rebuild before every test of the statistics run (compiled schemas):
# their functions are credited to the tests that ran while they were first filled.
KEEP_WHILE_COUNTING = frozenset({"xml_schema", "fragment_schema"})


class _CachesPerTest:
    """Pytest plugin for mutmut's statistics run: empty the mutated modules' caches and memo
    tables before each test.

    mutmut runs a mutant against the tests that reached its function in that run. A function
    that only fills a cache or memo (``_json._build_plans`` and what it calls, the XML binders
    and writers) runs once, in the first test that needs it, and would be credited to that test
    alone; its mutants would then survive although later tests notice them. Emptied before
    each test, the caches are filled again by every test that uses them.
    """

    def __init__(self, modules: list[str]) -> None:
        self.modules = modules

    def pytest_runtest_setup(self, item: Any) -> None:
        _clear_caches(self.modules, keep=KEEP_WHILE_COUNTING)


class _FreshCaches:
    """Pytest plugin: empty the mutated modules' caches once the tests are collected.

    Not before: some test modules build their parameters (and so the test ids mutmut selects
    by) from objects those caches hold, and would be collected with other ids.
    """

    def __init__(self, modules: list[str]) -> None:
        self.modules = modules

    def pytest_collection_finish(self, session: Any) -> None:
        _clear_caches(self.modules)


def _test_import_time_code() -> None:
    """Give mutants of code that runs at import time (tables built when a module loads) real
    verdicts.

    mutmut imports the package once and forks a process per mutant, so a function called only
    while a module loads would never run with its mutant active and would always survive.
    Here, the functions the mutated modules call while they load are recorded before mutmut
    collects its statistics; their mutants run with the mutated tree's modules imported afresh,
    against the tests of the functions of the same module. Every other mutant runs with the
    caches of the mutated modules emptied first (``_clear_caches``).
    """
    import importlib
    import os

    import mutmut.__main__ as mutmut_main
    from mutmut.runners.harness import PytestRunner
    from mutmut.state import state
    from mutmut.stats import save_stats
    from mutmut.utils.format_utils import mangled_name_from_mutant_name

    record = IMPORT_TIME
    modules = _mutated_modules()
    run_stats = PytestRunner.run_stats
    run_tests = PytestRunner.run_tests
    collect = mutmut_main.collect_or_load_stats

    def stats(self: Any, *, tests: Any) -> int:
        tests = list(tests)
        if not tests:  # the full statistics run, in a process that imported nothing yet
            for module in modules:
                importlib.import_module(module)
            found = set(state()._stats)
            state()._stats.clear()
            record.write_text(json.dumps(sorted(found), indent=1) + "\n", encoding="utf-8")
        execute = self.execute_pytest

        def execute_counting(params: list[str], **kwargs: Any) -> int:
            kwargs["plugins"] = [*kwargs.get("plugins", []), _CachesPerTest(modules)]
            return int(execute(params, **kwargs))

        self.execute_pytest = execute_counting  # the statistics run only
        try:
            return int(run_stats(self, tests=tests))
        finally:
            del self.execute_pytest

    def collect_then_assign(*args: Any, **kwargs: Any) -> None:
        collect(*args, **kwargs)
        found = set(json.loads(record.read_text(encoding="utf-8"))) if record.exists() else set()
        by_function = state().tests_by_mangled_function_name
        for function in found:
            module = _module_of(function)
            for other, tests in list(by_function.items()):
                if _module_of(other) == module and other not in found:
                    by_function[function] |= tests
        save_stats()

    def run_fresh(self: Any, *, mutant_name: str | None, tests: Any) -> int:
        found = json.loads(record.read_text(encoding="utf-8")) if record.exists() else []
        if mutant_name and mangled_name_from_mutant_name(mutant_name) in found:
            tree = str(Path("mutants").resolve()) + os.sep
            for name, module in list(sys.modules.items()):
                places = [getattr(module, "__file__", None), *getattr(module, "__path__", [])]
                if any(str(place).startswith(tree) for place in places):
                    del sys.modules[name]
        tests = _whole_functions(tests)
        if not mutant_name:  # the clean run: nothing to rebuild
            return int(run_tests(self, mutant_name=mutant_name, tests=tests))
        execute = self.execute_pytest

        def execute_then_clear(params: list[str], **kwargs: Any) -> int:
            kwargs["plugins"] = [*kwargs.get("plugins", []), _FreshCaches(modules)]
            return int(execute(params, **kwargs))

        self.execute_pytest = execute_then_clear  # this mutant's process only
        try:
            return int(run_tests(self, mutant_name=mutant_name, tests=tests))
        finally:
            del self.execute_pytest

    PytestRunner.run_stats = stats  # type: ignore[method-assign]
    PytestRunner.run_tests = run_fresh  # type: ignore[method-assign]
    mutmut_main.collect_or_load_stats = collect_then_assign


def _sample(patterns: list[str], size: int, max_children: int | None) -> list[str]:
    """Generate the mutants of ``patterns`` and draw ``size`` unchecked ones (fixed seed)."""
    import os
    import random

    from mutmut.__main__ import create_mutants
    from mutmut.configuration import config
    from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir

    _mutate_registered_functions()
    config().only_mutate = patterns
    Path("mutants").mkdir(exist_ok=True)
    copy_src_dir()
    copy_also_copy_files()
    create_mutants(max_children or os.cpu_count() or 1)
    unchecked = sorted(
        name
        for pattern in patterns
        for module in _collect((pattern,))
        for name, status in module.statuses.items()
        if status == UNCHECKED
    )
    return sorted(random.Random(size).sample(unchecked, min(size, len(unchecked))))


def _run_mutmut(
    patterns: list[str], max_children: int | None, names: list[str] | None = None
) -> None:
    """``mutmut run``, limited to the files of ``patterns`` (and to ``names`` when given)."""
    from mutmut.__main__ import cli
    from mutmut.configuration import config

    _mutate_registered_functions()
    _test_import_time_code()
    config().only_mutate = patterns
    args = ["run"] if max_children is None else ["run", "--max-children", str(max_children)]
    args += names or []
    try:
        cli.main(args, standalone_mode=False)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise


def _collect(patterns: tuple[str, ...]) -> list[Module]:
    """The verdicts stored by mutmut (``mutants/<path>.meta``) for the files of ``patterns``."""
    from mutmut.stats import status_by_exit_code

    modules = []
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        source = meta.relative_to("mutants").with_suffix("").as_posix()
        if not any(fnmatch.fnmatch(source, pattern) for pattern in patterns):
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        statuses = {name: status_by_exit_code[code] for name, code in codes.items()}
        if statuses:
            modules.append(Module(source, statuses))
    return modules


def _change(name: str, path: str) -> str:
    """The lines a mutant changes, ``- old`` / ``+ new``, from mutmut's diff."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    try:
        diff = get_diff_for_mutant(name, path=path)
    except Exception as error:  # pragma: no cover - a mutant mutmut cannot show
        return f"      (no diff: {error})"
    lines = diff.splitlines()[2:]  # without the ---/+++ header
    return "\n".join(f"      {line}" for line in lines if line[:1] in "-+")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _report(groups: list[str], *, diffs: bool) -> dict[str, object]:
    summary: dict[str, object] = {}
    for group in groups:
        modules = _collect(GROUPS[group])
        detected = sum(m.detected for m in modules)
        total = sum(m.total for m in modules)
        unchecked = sum(len(m.statuses) - m.total for m in modules)
        tail = f"; {unchecked} not checked (interrupted run)" if unchecked else ""
        print(f"\n== {group}: {detected}/{total} killed ({_percent(detected, total)}){tail}")
        for module in modules:
            tally = Counter(module.statuses.values())
            rest = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()) if s != "killed")
            print(
                f"   {module.path}: {module.detected}/{module.total}"
                f" ({_percent(module.detected, module.total)}){'; ' + rest if rest else ''}"
            )
        for module in modules:
            for name, status in module.undetected():
                print(f"   [{status}] {name}")
                if diffs:
                    print(_change(name, module.path))
        summary[group] = {
            "killed": detected,
            "total": total,
            "not_checked": unchecked,
            "modules": {
                m.path: {
                    "killed": m.detected,
                    "total": m.total,
                    "undetected": dict(m.undetected()),
                }
                for m in modules
            },
        }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/mutate.py", description=__doc__)
    parser.add_argument(
        "groups", nargs="*", metavar="GROUP", help=f"{' | '.join(GROUPS)} (default: all)"
    )
    parser.add_argument("--max-children", type=int, help="parallel mutants (default: CPUs)")
    parser.add_argument("--report-only", action="store_true", help="report the last run")
    parser.add_argument(
        "--survivors", action="store_true", help="re-run only the last run's undetected mutants"
    )
    parser.add_argument(
        "--sample", type=int, metavar="N", help="run N unchecked mutants drawn at random"
    )
    parser.add_argument("--no-diff", action="store_true", help="list survivors without diffs")
    args = parser.parse_args(argv)
    groups = args.groups or list(GROUPS)
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    _check_config(groups)
    _check_memos()
    patterns = [pattern for group in groups for pattern in GROUPS[group]]
    started = time.monotonic()
    if args.survivors:
        names = [
            name
            for group in groups
            for module in _collect(GROUPS[group])
            for name, _ in module.undetected()
        ]
        if names:
            _run_mutmut(patterns, args.max_children, names)
    elif args.sample:
        _run_mutmut(patterns, args.max_children, _sample(patterns, args.sample, args.max_children))
    elif not args.report_only:
        _run_mutmut(patterns, args.max_children)
    summary = _report(groups, diffs=not args.no_diff)
    if not args.report_only:
        summary["seconds"] = round(time.monotonic() - started)
        print(f"\nmutation run: {summary['seconds']} s")
    SUMMARY.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"summary: {SUMMARY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
