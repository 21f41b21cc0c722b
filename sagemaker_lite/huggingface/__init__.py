"""Hugging Face: transformers scripts on the Hugging Face training containers, models and predictors.

    from sagemaker_lite.huggingface import HuggingFace, HuggingFaceModel, HuggingFacePredictor

Names load lazily so ``import sagemaker_lite.huggingface`` stays cheap (and imports no framework).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
