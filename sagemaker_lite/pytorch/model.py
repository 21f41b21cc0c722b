"""PyTorchModel and PyTorchPredictor: a model served by the PyTorch inference container.

    from sagemaker_lite.pytorch import PyTorchModel

    model = PyTorchModel("s3://bucket/model.tar.gz", role, entry_point="inference.py",
                         source_dir="serve", framework_version="2.5", py_version="py311")
    predictor = model.deploy(1, "ml.m5.xlarge")
    predictor.predict(numpy_array)                     # NPY in, NPY out

The code is repacked into ``model.tar.gz`` under ``code/`` (TorchServe-based images load
``code/inference.py``: ``model_fn``/``input_fn``/``predict_fn``/``output_fn``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..deserializers import NumpyDeserializer
from ..family_model import FamilyModel
from ..predictor import Predictor
from ..serializers import NumpySerializer


class PyTorchModel(FamilyModel):
    """A PyTorch model behind the PyTorch inference image (see the module docstring)."""

    FRAMEWORK: ClassVar[str] = "pytorch"
    PREDICTOR: ClassVar[str] = "sagemaker_lite.pytorch.model:PyTorchPredictor"
    INFERENCE_CODE: ClassVar[str] = "repack"


class PyTorchPredictor(Predictor):
    """NPY in and out: ``PyTorchPredictor("my-endpoint").predict(np.array([[1.0, 2.0]]))``."""

    def _default_serializer(self) -> Any:
        return NumpySerializer()

    def _default_deserializer(self) -> Any:
        return NumpyDeserializer()
