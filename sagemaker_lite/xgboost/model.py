"""XGBoostModel and XGBoostPredictor: a model served by the SageMaker XGBoost container in script mode.

    from sagemaker_lite.xgboost import XGBoostModel

    model = XGBoostModel("s3://bucket/model.tar.gz", role, entry_point="inference.py",
                         framework_version="1.7-1")
    predictor = model.deploy(1, "ml.m5.xlarge")
    predictor.predict(b"1:0.5 2:1.5")          # LibSVM in, CSV out (the official defaults)

The code is uploaded as ``<model name>/sourcedir.tar.gz``; ``inference.py`` must define
``model_fn`` (the container's script mode has no default loader).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..deserializers import CSVDeserializer
from ..family_model import FamilyModel
from ..predictor import Predictor
from ..serializers import LibSVMSerializer


class XGBoostModel(FamilyModel):
    """An XGBoost model served in script mode (see the module docstring)."""

    FRAMEWORK: ClassVar[str] = "xgboost"
    PREDICTOR: ClassVar[str] = "sagemaker_lite.xgboost.model:XGBoostPredictor"
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


class XGBoostPredictor(Predictor):
    """LibSVM in, CSV out: ``XGBoostPredictor("my-endpoint").predict("1:0.5 2:1.5")``."""

    def _default_serializer(self) -> Any:
        return LibSVMSerializer()

    def _default_deserializer(self) -> Any:
        return CSVDeserializer()
