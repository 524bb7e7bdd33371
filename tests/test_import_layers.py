"""The package's modules import each other without cycles, and the layers hold.

The import graph is read from the source with :mod:`ast`: every ``import`` counts, also one
inside a function (a lazy import) or under ``if TYPE_CHECKING:``. An edge goes from a module to
the module it names (``from sir_format.validation import outputs`` names
``sir_format.validation.outputs``; ``from sir_format.errors import ParseError`` names
``sir_format.errors``). Importing a submodule also runs its package's ``__init__``; that edge is
not counted, as a package's ``__init__`` only gathers its public names.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Mapping
from pathlib import Path

import sir_format

Graph = dict[str, set[str]]

ROOT = Path(sir_format.__file__).parent


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement names: for ``from x import y``, ``x.y`` (which is
    a module when ``y`` is a submodule) and ``x``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, node.module] if node.module else parts)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def _module_named(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module ``name`` is, or lies in (``a.b.Class`` -> ``a.b``); None if outside."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in modules else None


def import_graph(root: Path, package: str) -> Graph:
    """Edges module -> modules of the same package it imports, anywhere in its source."""
    modules = modules_of(root, package)
    graph: Graph = {}
    for module, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _targets(module, path.name == "__init__.py", node)
            if isinstance(node, ast.ImportFrom):  # each name: a submodule, else the module
                base = names.pop()
                names = [n if n in modules else base for n in names]
            edges |= {m for m in (_module_named(n, modules) for n in names) if m}
        edges.discard(module)
        graph[module] = edges
    return graph


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def a_cycle(graph: Mapping[str, set[str]], group: list[str]) -> list[str]:
    """One cycle through the group's first module: ``[a, b, ..., a]`` (shortest, by BFS)."""
    members = set(group)
    start = group[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{group} is not strongly connected")


def cycle_report(graph: Mapping[str, set[str]]) -> str:
    """One line per cycle (``a -> b -> a``) with every module of its group; empty if none."""
    lines = []
    for group in strongly_connected(graph):
        lines.append(" -> ".join(a_cycle(graph, group)) + f"  (group: {', '.join(group)})")
    return "\n".join(lines)


def without(graph: Graph, edges: frozenset[tuple[str, str]]) -> Graph:
    return {m: {t for t in targets if (m, t) not in edges} for m, targets in graph.items()}


# --------------------------------------------------------------------------- the package


def test_the_package_has_no_import_cycles() -> None:
    graph = import_graph(ROOT, "sir_format")
    report = cycle_report(graph)
    assert not report, f"import cycles:\n{report}"


def test_validation_does_not_import_the_command_line_entry_point() -> None:
    graph = import_graph(ROOT, "sir_format")
    upward = sorted(
        m for m in graph if m.startswith("sir_format.validation") and "sir_format.cli" in graph[m]
    )
    assert not upward


# The generated models' run-time support: a leaf that imports nothing of the package.
GENERATED_SUPPORT = {"sir_format._numbers"}


def test_generated_code_imports_nothing_hand_written() -> None:
    graph = import_graph(ROOT, "sir_format")
    generated = [m for m in graph if m.startswith("sir_format._generated")]
    assert generated
    for module in generated:
        outside = {t for t in graph[module] if not t.startswith("sir_format._generated")}
        assert outside <= GENERATED_SUPPORT, f"{module} imports {sorted(outside)}"
    for module in GENERATED_SUPPORT:
        assert not graph[module], f"{module} imports {sorted(graph[module])}"


def test_errors_sit_below_every_reader_and_writer() -> None:
    """``errors`` imports only leaves (locations; findings for annotations)."""
    graph = import_graph(ROOT, "sir_format")
    assert graph["sir_format.errors"] <= {"sir_format._paths", "sir_format.validation._findings"}


def test_every_exception_type_is_defined_in_errors() -> None:
    elsewhere = []
    for info in pkgutil.walk_packages(sir_format.__path__, "sir_format."):
        if info.name.startswith("sir_format.testing"):
            continue  # needs the optional Hypothesis; it defines no exception
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
                and info.name != "sir_format.errors"
            ):
                elsewhere.append(f"{info.name}.{name}")
    assert not elsewhere


def test_no_module_under_testing_defines_an_exception() -> None:
    """The AST twin of the test above, for the modules that need Hypothesis."""
    for path in (ROOT / "testing").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b) for b in node.bases}
                assert not any(b.endswith(("Error", "Exception")) for b in bases), path


# --------------------------------------------------------------------------- the checker


def _package(tmp_path: Path, files: Mapping[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_checker_finds_a_cycle_through_a_lazy_and_a_type_checking_import(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "low.py": """
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from pkg.high import High
                """,
            "mid.py": "from . import low\n",
            "high.py": """
                def make():
                    from .mid import something
                """,
            "leaf.py": "import os\n",
        },
    )
    graph = import_graph(root, "pkg")
    assert graph["pkg.low"] == {"pkg.high"}
    assert graph["pkg.mid"] == {"pkg.low"}
    assert graph["pkg.high"] == {"pkg.mid"}
    assert strongly_connected(graph) == [["pkg.high", "pkg.low", "pkg.mid"]]
    report = cycle_report(graph)
    assert report.startswith("pkg.high -> pkg.mid -> pkg.low -> pkg.high")
    assert not cycle_report(without(graph, frozenset({("pkg.low", "pkg.high")})))


def test_checker_resolves_packages_and_names(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "sub/__init__.py": "from .inner import thing\n",
            "sub/inner.py": "from ..top import name\nimport pkg.sub.other as other\n",
            "sub/other.py": "from pkg import top\n",
            "top.py": "from pkg.sub import inner\n",
        },
    )
    graph = import_graph(root, "pkg")
    assert graph["pkg.sub"] == {"pkg.sub.inner"}
    assert graph["pkg.sub.inner"] == {"pkg.top", "pkg.sub.other"}
    assert graph["pkg.sub.other"] == {"pkg.top"}
    assert graph["pkg.top"] == {"pkg.sub.inner"}
    assert strongly_connected(graph) == [["pkg.sub.inner", "pkg.sub.other", "pkg.top"]]
