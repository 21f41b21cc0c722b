"""scikit-learn: script-mode training and models on the SageMaker scikit-learn containers.

    from sagemaker_lite.sklearn import SKLearn, SKLearnModel, SKLearnPredictor

Names load lazily so ``import sagemaker_lite.sklearn`` stays cheap (and imports no framework).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import SKLearn as SKLearn
    from .model import SKLearnModel as SKLearnModel
    from .model import SKLearnPredictor as SKLearnPredictor

_LAZY = {"SKLearn": "estimator", "SKLearnModel": "model", "SKLearnPredictor": "model"}

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
