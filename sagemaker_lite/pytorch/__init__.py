"""PyTorch: script-mode training, models served by the PyTorch inference containers, predictors.

    from sagemaker_lite.pytorch import PyTorch, PyTorchModel, PyTorchPredictor

Names load lazily so ``import sagemaker_lite.pytorch`` stays cheap (and never imports torch).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import PyTorch as PyTorch
    from .model import PyTorchModel as PyTorchModel
    from .model import PyTorchPredictor as PyTorchPredictor

_LAZY = {"PyTorch": "estimator", "PyTorchModel": "model", "PyTorchPredictor": "model"}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
