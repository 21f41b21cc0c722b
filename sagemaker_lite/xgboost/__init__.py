"""XGBoost in script mode (your train.py on the SageMaker XGBoost container), models and predictors.

    from sagemaker_lite.xgboost import XGBoost, XGBoostModel, XGBoostPredictor

Names load lazily so ``import sagemaker_lite.xgboost`` stays cheap (and imports no framework).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import XGBoost as XGBoost
    from .model import XGBoostModel as XGBoostModel
    from .model import XGBoostPredictor as XGBoostPredictor

_LAZY = {"XGBoost": "estimator", "XGBoostModel": "model", "XGBoostPredictor": "model"}

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
