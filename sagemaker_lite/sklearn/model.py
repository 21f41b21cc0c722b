"""SKLearnModel and SKLearnPredictor: a model served by the SageMaker scikit-learn container.

    from sagemaker_lite.sklearn import SKLearnModel

    model = SKLearnModel("s3://bucket/model.tar.gz", role, entry_point="inference.py",
                         framework_version="1.2-1")
    predictor = model.deploy(1, "ml.m5.xlarge")
    predictor.predict(numpy_array)

``inference.py`` must define ``model_fn(model_dir)`` (the container has no default). The
code is uploaded as ``<model name>/sourcedir.tar.gz`` and ``model_data`` is used as is.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..deserializers import NumpyDeserializer
from ..family_model import FamilyModel
from ..predictor import Predictor
from ..serializers import NumpySerializer


class SKLearnModel(FamilyModel):
    """A scikit-learn model (see the module docstring)."""

    FRAMEWORK: ClassVar[str] = "sklearn"
    PREDICTOR: ClassVar[str] = "sagemaker_lite.sklearn.model:SKLearnPredictor"
    INFERENCE_CODE: ClassVar[str] = "upload"
    PY_VERSIONS: ClassVar[tuple[str, ...] | None] = ("py3",)

    def __init__(
        self,
        model_data: str | None = None,
        role: str | None = None,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str = "py3",
        **kwargs: Any,
    ) -> None:
        super().__init__(model_data, role, entry_point, framework_version, py_version, **kwargs)


class SKLearnPredictor(Predictor):
    """NPY in and out: ``SKLearnPredictor("my-endpoint").predict(np.array([[1.0, 2.0]]))``."""

    def _default_serializer(self) -> Any:
        return NumpySerializer()

    def _default_deserializer(self) -> Any:
        return NumpyDeserializer()
