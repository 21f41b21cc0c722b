"""HuggingFaceModel and HuggingFacePredictor: a model served by the Hugging Face inference container.

    from sagemaker_lite.huggingface import HuggingFaceModel

    model = HuggingFaceModel(role=role, model_data="s3://bucket/model.tar.gz",
                             transformers_version="4.28", pytorch_version="2.0", py_version="py310",
                             env={"HF_TASK": "text-classification"})
    predictor = model.deploy(1, "ml.m5.xlarge")
    predictor.predict({"inputs": "I love this!"})

Without ``entry_point`` the container builds a ``transformers.pipeline`` for ``HF_TASK``
from the model directory; with one, ``code/inference.py`` overrides ``model_fn`` etc.
(repacked into ``model.tar.gz``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from .. import _validation as v
from ..deserializers import JSONDeserializer
from ..family_model import FamilyModel, FamilyModelConfig
from ..predictor import Predictor
from ..serializers import JSONSerializer
from .estimator import check_versions


@attrs.frozen(kw_only=True)
class HuggingFaceModelConfig(FamilyModelConfig):
    pytorch_version: str | None = attrs.field(default=None, validator=v.optional_str)
    tensorflow_version: str | None = attrs.field(default=None, validator=v.optional_str)


class HuggingFaceModel(FamilyModel):
    """A transformers model behind the Hugging Face inference image (see the module docstring)."""

    _config_class: ClassVar[type[Any]] = HuggingFaceModelConfig
    _config: HuggingFaceModelConfig
    FRAMEWORK: ClassVar[str] = "huggingface"
    PREDICTOR: ClassVar[str] = "sagemaker_lite.huggingface.model:HuggingFacePredictor"
    INFERENCE_CODE: ClassVar[str] = "repack"
    VERSION_REQUIRED: ClassVar[str | None] = None

    def __init__(
        self,
        role: str | None = None,
        model_data: str | None = None,
        entry_point: str | None = None,
        transformers_version: str | None = None,
        tensorflow_version: str | None = None,
        pytorch_version: str | None = None,
        py_version: str | None = None,
        image_uri: str | None = None,
        predictor_cls: Any = None,
        model_server_workers: int | None = None,
        **kwargs: Any,
    ) -> None:
        if image_uri is None:
            check_versions(transformers_version, pytorch_version, tensorflow_version)
        for key, value in (("pytorch_version", pytorch_version), ("tensorflow_version", tensorflow_version)):
            if value is not None:
                kwargs[key] = value
        super().__init__(
            model_data,
            role,
            entry_point,
            transformers_version,
            py_version,
            image_uri,
            predictor_cls,
            model_server_workers,
            **kwargs,
        )

    @property
    def transformers_version(self) -> str | None:
        return self._config.framework_version

    def _image_arguments(self) -> dict[str, Any]:
        config = self._config
        base = (
            f"tensorflow{config.tensorflow_version}"
            if config.tensorflow_version
            else f"pytorch{config.pytorch_version}"
        )
        return {"version": config.framework_version, "py_version": config.py_version, "base_framework_version": base}


class HuggingFacePredictor(Predictor):
    """JSON in and out: ``predictor.predict({"inputs": "I love this!"})``."""

    def _default_serializer(self) -> Any:
        return JSONSerializer()

    def _default_deserializer(self) -> Any:
        return JSONDeserializer()
