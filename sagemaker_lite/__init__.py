"""sagemaker_lite: train and host models on Amazon SageMaker, in the SDK v2 dialect.

    import sagemaker_lite
    from sagemaker_lite.estimator import Estimator

    est = Estimator(image_uri, role, instance_count=1, instance_type="ml.m5.large")
    est.fit({"train": "s3://bucket/train"})

Nothing happens at import: public names are resolved on first use (PEP 562), so
``import sagemaker_lite`` reads no file, imports no boto3 and opens no socket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__ as __version__

if TYPE_CHECKING:  # pragma: no cover - names for type checkers and IDEs only
    from . import image_uris as image_uris
    from .errors import (
        ConfigurationError as ConfigurationError,
    )
    from .errors import (
        JobFailedError as JobFailedError,
    )
    from .errors import (
        SageMakerLiteError as SageMakerLiteError,
    )
    from .errors import (
        ValidationError as ValidationError,
    )
    from .estimator import Estimator as Estimator
    from .inputs import FileSystemInput as FileSystemInput
    from .inputs import ShuffleConfig as ShuffleConfig
    from .inputs import TrainingInput as TrainingInput
    from .inputs import s3_input as s3_input
    from .jobs import TrainingJob as TrainingJob
    from .model import Model as Model
    from .predictor import Predictor as Predictor
    from .predictor import RealTimePredictor as RealTimePredictor
    from .session import Session as Session
    from .session import get_execution_role as get_execution_role

# public name -> module that defines it ("" means the name is itself a submodule)
_LAZY: dict[str, str] = {
    "Session": "session",
    "get_execution_role": "session",
    "Estimator": "estimator",
    "TrainingInput": "inputs",
    "FileSystemInput": "inputs",
    "ShuffleConfig": "inputs",
    "s3_input": "inputs",
    "TrainingJob": "jobs",
    "SageMakerLiteError": "errors",
    "ValidationError": "errors",
    "ConfigurationError": "errors",
    "JobFailedError": "errors",
    "Model": "model",
    "Predictor": "predictor",
    "RealTimePredictor": "predictor",
    "TrainingJobAnalytics": "analytics",
    "image_uris": "",
    "debugger": "",
    "estimator": "",
    "inputs": "",
    "session": "",
    "errors": "",
    "tensorflow": "",
    "amazon": "",
    "model": "",
    "predictor": "",
    "s3": "",
    "utils": "",
    "processing": "",
    "network": "",
    "serializers": "",
    "tuner": "",
    "transformer": "",
    "parameter": "",
    "analytics": "",
    "deserializers": "",
}

__all__ = sorted([*_LAZY, "__version__"])

__getattr__ = lazy_exports(__name__, _LAZY, globals())[0]  # __dir__ below also lists __version__


def __dir__() -> list[str]:
    return __all__
