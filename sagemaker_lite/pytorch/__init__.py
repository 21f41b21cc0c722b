"""PyTorch: script-mode training, models served by the PyTorch inference containers, predictors.

    from sagemaker_lite.pytorch import PyTorch, PyTorchModel, PyTorchPredictor

Names load lazily so ``import sagemaker_lite.pytorch`` stays cheap (and never imports torch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import PyTorch as PyTorch
    from .model import PyTorchModel as PyTorchModel
    from .model import PyTorchPredictor as PyTorchPredictor

_LAZY = {"PyTorch": "estimator", "PyTorchModel": "model", "PyTorchPredictor": "model"}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
