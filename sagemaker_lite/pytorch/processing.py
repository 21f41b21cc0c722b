"""``from sagemaker_lite.pytorch.processing import PyTorchProcessor``: the official import path.

The class lives with the other processors in ``sagemaker_lite.processing.framework``; this
module only gives it the path notebooks import it from (PyTorch processing jobs).
"""

from __future__ import annotations

from ..processing.framework import PyTorchProcessor as PyTorchProcessor

__all__ = ["PyTorchProcessor"]
