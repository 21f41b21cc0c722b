"""No import cycles in sagemaker_lite: an AST import graph, function-level imports included.

An import inside a function is still a dependency (it runs on first use), so it counts; an
import under ``if TYPE_CHECKING:`` never runs, so it does not. ``from . import sub`` depends
on ``sub`` only (the package's ``__init__`` runs first for any submodule anyway).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sagemaker_lite"

#: Cycles left (issue 12): none; keep it that way.
KNOWN_CYCLES: set[frozenset[str]] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
        while pending:
            node = pending.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    pending.extend(child.orelse)
                    continue
                if isinstance(child, ast.ImportFrom):
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)] if child.level else []
                    target = ".".join([*base, *([child.module] if child.module else [])])
                    subs = [f"{target}.{alias.name}" for alias in child.names if f"{target}.{alias.name}" in modules]
                    targets = subs if len(subs) == len(child.names) else [target, *subs]
                elif isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    pending.append(child)
                    continue
                graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert found == KNOWN_CYCLES, sorted(sorted(c) for c in found - KNOWN_CYCLES)


def test_the_graph_sees_function_level_imports_and_skips_type_checking() -> None:
    graph = import_graph()
    assert "sagemaker_lite.repack" in graph["sagemaker_lite.endpoints"]  # imported inside a function
    assert "sagemaker_lite.limits" not in graph["sagemaker_lite._request_names"]  # under TYPE_CHECKING
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}
