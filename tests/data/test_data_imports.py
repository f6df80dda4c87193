"""The module graph: no two modules import each other; every data-layer module imports alone.

A cycle works or breaks depending on which module happens to be imported first; the split of the
task catalog (:mod:`predbench.data.catalog`) from the merge/load code
(:mod:`predbench.data.loading`) removed the last one. The graph is read from the source with
:mod:`ast` (imports under ``if TYPE_CHECKING:`` excluded, since they never run) and each module
is imported in a fresh interpreter, so import order inside this test process cannot hide a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Packages whose module graph is checked for cycles (cheap: read with ast, nothing imported).
PACKAGES = ("predbench", "featurizers")
#: Packages whose modules are each imported alone in a fresh interpreter.
IMPORTED_ALONE = ("predbench/data", "featurizers/spaces")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    return {_module_name(p): p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))}


def _runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``name`` imports when it runs (TYPE_CHECKING blocks skipped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                found.add(stem)
                found.update(f"{stem}.{a.name}" for a in node.names)
            for field in ("body", "orelse", "finalbody", "handlers"):
                child = getattr(node, field, None)
                if isinstance(child, list) and not isinstance(node, ast.FunctionDef):
                    visit([c for c in child if isinstance(c, ast.stmt | ast.ExceptHandler)])

    visit(tree.body)
    return {m for m in found if m in known and m != name}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := dfs(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := dfs(node)):
            return cycle
    return None


def test_cycle_finder_sees_a_cycle():
    """The detector itself: a two-module loop is reported, a chain is not."""
    assert _find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def _graph() -> dict[str, set[str]]:
    """Module -> modules it imports at run time. ``from . import x`` inside a package names the
    package too, but only needs ``x``: edges to a module's own ancestor packages are left out."""
    modules = _modules()
    known = set(modules)
    return {
        name: {d for d in _runtime_imports(name, path, known) if not name.startswith(d + ".")}
        for name, path in modules.items()
    }


def test_no_import_cycle_in_the_package():
    graph = _graph()
    assert {"predbench.data.catalog", "predbench.data.loading"} <= set(graph)
    cycle = _find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_catalog_does_not_depend_on_the_loading_code():
    """The catalog is data: it imports neither the merge/load code nor the cache nor a reader
    that opens files (only the unit/name tables of HW-NAS-Bench and the robustness table)."""
    deps = _graph()["predbench.data.catalog"]
    assert "predbench.data.loading" not in deps
    assert "predbench.data._cache" not in deps
    assert not {d for d in deps if d.startswith("predbench.data.readers")} - {
        "predbench.data.readers",
        "predbench.data.readers.hw_nas_bench",
        "predbench.data.readers.robustness",
    }
    assert "predbench.data.catalog" in _graph()["predbench.data.loading"]


@pytest.mark.parametrize("module", sorted(_modules(IMPORTED_ALONE)))
def test_module_imports_alone(module):
    """Each module imports first in a fresh interpreter (a cycle fails for some entry order)."""
    out = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
