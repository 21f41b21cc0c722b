"""One lazy-export mechanism for every package ``__init__`` (PEP 562), so imports stay cheap.

    _LAZY = {"PyTorch": "estimator", "PyTorchModel": "model"}
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

A name maps to the submodule that defines it (relative to the package; a leading ``.``
means a relative import spec such as ``"..network"``), or to ``""`` when the name is
itself a submodule. The value is cached in the package's namespace on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any


def lazy_exports(
    package: str, table: Mapping[str, str], namespace: MutableMapping[str, Any], eager: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose public names load on first use.

    ``eager``: public names the package defines itself, listed by ``__dir__`` beside the lazy ones.
    """
    names = sorted({*table, *eager})

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if module == "":
            value: Any = importlib.import_module(f"{package}.{name}")
        elif module.startswith("."):
            value = getattr(importlib.import_module(module, package), name)
        else:
            value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__
