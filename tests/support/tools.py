"""The repository's ``tools/`` scripts as modules, for tests that check what they generate.

``tools/`` is not a package (each file is run as a script), so tests load one by path:
``tool("estimator_settings").render()``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def tool(name: str) -> Any:
    """``tools/<name>.py``, loaded afresh as a module named ``name``."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
