"""The test suite's own layout: no test module imports another test module (issue 12 item 5).

Definitions, for the ``.py`` files under tests/:

* a **test module** is a file pytest collects: its name is ``test_*.py`` or ``*_test.py``
  (pytest's default ``python_files``; setup.cfg does not change it);
* a **conftest** (``conftest.py``) is pytest's: its fixtures reach tests by name, never by import;
* every other file is a **helper module**: tests/support/** (the AWS doubles, the moto server,
  shared case tables) and the few helpers that sit beside the only tests using them
  (tests/local/local_helpers.py, tests/faults/scenarios.py, ...). A helper module defines no
  ``test_*`` function and no ``Test*`` class: pytest never collects a helper, so a test there
  would never run.

Rules checked here with an AST walk (imports inside functions count; an ``if TYPE_CHECKING:``
import counts too, it is still a dependency on the module):

1. no file under tests/ imports a test module or a conftest -- by ``import``, ``from ... import``
   (absolute or relative, the module or a name that is one), ``importlib.import_module("...")``
   or ``__import__("...")`` with a literal name. Helpers go into tests/support/ (or a helper
   module beside its tests), fixtures into a conftest;
2. helper modules define no tests (above);
3. helper modules outside a package that tests import by a top-level name have unique names:
   pytest puts each test directory on ``sys.path`` and imports such helpers as top-level
   modules, so two ``helpers.py`` in two directories would shadow each other. (Training and
   inference scripts under tests/data and the stand-in packages are data the tests run, not
   helpers they import; they are not checked.)
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _python_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts and ".no-such-dir" not in p.parts)


def is_test_module(path: Path) -> bool:
    return path.name.startswith("test_") or path.name.endswith("_test.py")


def _test_module_names() -> set[str]:
    names = {p.stem for p in _python_files() if is_test_module(p)}
    return names | {"conftest"}


def _in_package(path: Path) -> bool:
    return (path.parent / "__init__.py").exists()


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every module an AST imports, or may import (``from a import b``: a and a.b)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.append((node.lineno, base))
            joiner = "" if base.endswith(".") or not base else "."
            found += [(node.lineno, f"{base}{joiner}{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((node.lineno, first.value))
    return found


def forbidden_imports(path: Path, forbidden: set[str]) -> list[tuple[int, str]]:
    """(line, name) of the imports in ``path`` that name a test module or a conftest."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        (line, name)
        for line, name in imported_modules(tree)
        if any(part in forbidden for part in name.split(".") if part)
    ]


def test_no_test_module_imports_another_test_module() -> None:
    forbidden = _test_module_names()
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}: imports {name}"
        for path in _python_files()
        for line, name in forbidden_imports(path, forbidden)
    ]
    assert offenders == [], "\n".join(offenders)


def test_helper_modules_hold_no_tests() -> None:
    offenders = []
    for path in _python_files():
        if is_test_module(path) or path.name == "conftest.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                offenders.append(f"{path.relative_to(TESTS.parent)}:{node.lineno}: def {node.name}")
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                offenders.append(f"{path.relative_to(TESTS.parent)}:{node.lineno}: class {node.name}")
    assert offenders == [], "\n".join(offenders)


def test_top_level_helper_modules_have_unique_names() -> None:
    """Among the helpers imported by a top-level name (scripts under tests/data are data, not helpers)."""
    imported = {
        name.split(".")[0]
        for path in _python_files()
        for _, name in imported_modules(ast.parse(path.read_text(), filename=str(path)))
        if not name.startswith(".")
    }
    helpers = [
        p
        for p in _python_files()
        if not is_test_module(p) and p.name not in ("conftest.py", "__init__.py") and not _in_package(p)
    ]
    counts = Counter(p.stem for p in helpers if p.stem in imported)
    assert {name for name in counts} >= {"local_helpers", "serving_helpers", "xgb_helpers"}  # not vacuous
    assert [name for name, n in counts.items() if n > 1] == []


def test_the_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The walker is not vacuous: each spelling of an import of a test module is caught, a helper's is not."""
    source = tmp_path / "sample.py"
    source.write_text(
        "import test_a\n"
        "from test_b import x\n"
        "from . import test_c\n"
        "from .test_d import y\n"
        "from pkg.test_e import z\n"
        "import conftest\n"
        "def f():\n"
        "    import importlib\n"
        "    importlib.import_module('test_f')\n"
        "    __import__('test_g')\n"
        "from support.aws_double import RecordingAWS\n"
        "import local_helpers\n"
    )
    forbidden = {f"test_{letter}" for letter in "abcdefg"} | {"conftest"}
    lines = sorted({line for line, _ in forbidden_imports(source, forbidden)})
    assert lines == [1, 2, 3, 4, 5, 6, 9, 10]
