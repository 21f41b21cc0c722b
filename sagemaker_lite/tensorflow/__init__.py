"""TensorFlow: script-mode training, TensorFlow Serving models and predictors.

    from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel, TensorFlowPredictor

Names load lazily so ``import sagemaker_lite.tensorflow`` stays cheap (and never imports
TensorFlow itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

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

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
