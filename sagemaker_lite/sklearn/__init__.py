"""scikit-learn: script-mode training and models on the SageMaker scikit-learn containers.

    from sagemaker_lite.sklearn import SKLearn, SKLearnModel, SKLearnPredictor

Names load lazily so ``import sagemaker_lite.sklearn`` stays cheap (and imports no framework).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import SKLearn as SKLearn
    from .model import SKLearnModel as SKLearnModel
    from .model import SKLearnPredictor as SKLearnPredictor

_LAZY = {"SKLearn": "estimator", "SKLearnModel": "model", "SKLearnPredictor": "model"}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
