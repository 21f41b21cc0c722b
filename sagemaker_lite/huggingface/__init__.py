"""Hugging Face: transformers scripts on the Hugging Face training containers, models and predictors.

    from sagemaker_lite.huggingface import HuggingFace, HuggingFaceModel, HuggingFacePredictor

Names load lazily so ``import sagemaker_lite.huggingface`` stays cheap (and imports no framework).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .estimator import HuggingFace as HuggingFace
    from .llm_utils import get_huggingface_llm_image_uri as get_huggingface_llm_image_uri
    from .model import HuggingFaceModel as HuggingFaceModel
    from .model import HuggingFacePredictor as HuggingFacePredictor

_LAZY = {
    "HuggingFace": "estimator",
    "HuggingFaceModel": "model",
    "HuggingFacePredictor": "model",
    "get_huggingface_llm_image_uri": "llm_utils",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
