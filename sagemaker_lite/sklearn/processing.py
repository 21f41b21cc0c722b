"""``from sagemaker_lite.sklearn.processing import SKLearnProcessor``: the official import path.

The class lives with the other processors in ``sagemaker_lite.processing.framework``; this
module only gives it the path notebooks import it from (scikit-learn processing jobs).
"""

from __future__ import annotations

from ..processing.framework import SKLearnProcessor as SKLearnProcessor
from ..processing.processor import ScriptProcessor as ScriptProcessor

__all__ = ["SKLearnProcessor", "ScriptProcessor"]
