"""XGBoost in script mode (your train.py on the SageMaker XGBoost container), models and predictors.

    from sagemaker_lite.xgboost import XGBoost, XGBoostModel, XGBoostPredictor

Names load lazily so ``import sagemaker_lite.xgboost`` stays cheap (and imports no framework).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import XGBoost as XGBoost
    from .model import XGBoostModel as XGBoostModel
    from .model import XGBoostPredictor as XGBoostPredictor

_LAZY = {"XGBoost": "estimator", "XGBoostModel": "model", "XGBoostPredictor": "model"}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
