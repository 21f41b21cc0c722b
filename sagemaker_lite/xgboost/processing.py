"""``from sagemaker_lite.xgboost.processing import XGBoostProcessor``: the official import path.

The class lives with the other processors in ``sagemaker_lite.processing.framework``; this
module only gives it the path notebooks import it from (XGBoost processing jobs).
"""

from __future__ import annotations

from ..processing.framework import XGBoostProcessor as XGBoostProcessor

__all__ = ["XGBoostProcessor"]
