"""``from sagemaker_lite.tensorflow.processing import TensorFlowProcessor``: the official import path.

The class lives with the other processors in ``sagemaker_lite.processing.framework``; this
module only gives it the path notebooks import it from (TensorFlow processing jobs).
"""

from __future__ import annotations

from ..processing.framework import TensorFlowProcessor as TensorFlowProcessor

__all__ = ["TensorFlowProcessor"]
