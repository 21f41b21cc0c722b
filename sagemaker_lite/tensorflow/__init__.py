"""TensorFlow: script-mode training, TensorFlow Serving models and predictors.

    from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel, TensorFlowPredictor

Names load lazily so ``import sagemaker_lite.tensorflow`` stays cheap (and never imports
TensorFlow itself).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import TensorFlow as TensorFlow
    from .model import TensorFlowModel as TensorFlowModel
    from .model import TensorFlowPredictor as TensorFlowPredictor

_LAZY = {
    "TensorFlow": "estimator",
    "TensorFlowModel": "model",
    "TensorFlowPredictor": "model",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sagemaker_lite.tensorflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
