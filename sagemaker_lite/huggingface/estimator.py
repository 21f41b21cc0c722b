"""Hugging Face: transformers training scripts on the Hugging Face training containers.

    from sagemaker_lite.huggingface import HuggingFace

    est = HuggingFace(entry_point="train.py", source_dir="src", role=role,
                      transformers_version="4.28", pytorch_version="2.0", py_version="py310",
                      instance_count=1, instance_type="ml.g5.xlarge",
                      hyperparameters={"epochs": 1, "model_name": "distilbert-base-uncased"})
    est.fit({"train": "s3://bucket/train"})

The image is ``huggingface-pytorch-training:<pytorch>-transformers<transformers>-...`` (or
``tensorflow_version`` for the TensorFlow images); ``transformers_version`` plays the role
of ``framework_version``. ``pytorchddp`` and ``torch_distributed`` are sent as such here
(PyTorch's estimator sends ``pytorchddp`` as SMDDP), as the official SDK does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .. import _validation as v
from ..errors import ValidationError
from ..family import FamilyConfig, FamilyEstimator, FrameworkSpec
from ..pytorch import distribution as dist

_TAG = r"(?P<base>[0-9.]+)-transformers(?P<transformers>[0-9.]+)-(?:cpu|gpu)-(?P<py>py[0-9]+)"


def _parse_image(image: str) -> dict[str, Any] | None:
    import re

    match = re.search(rf"/huggingface-(?P<kind>pytorch|tensorflow)-training:{_TAG}", image or "")
    if not match:
        return None
    return {
        "transformers_version": match.group("transformers"),
        f"{match.group('kind')}_version": match.group("base"),
        "py_version": match.group("py"),
    }


SPEC = FrameworkSpec(
    name="huggingface",
    estimator="HuggingFace",
    model="sagemaker_lite.huggingface.model:HuggingFaceModel",
    parse_image=_parse_image,
    version_field="transformers_version",
    model_reuses_training_script=False,  # the official HuggingFace.create_model passes entry_point as given
)


def check_versions(
    transformers_version: str | None, pytorch_version: str | None, tensorflow_version: str | None
) -> None:
    """The official rules: one base framework, versions written with the same number of parts."""
    if transformers_version is None:
        raise ValidationError("transformers_version", None, "a transformers version such as '4.28' (or image_uri)")
    if pytorch_version is not None and tensorflow_version is not None:
        raise ValidationError("tensorflow_version", tensorflow_version, "None when pytorch_version is given")
    base = pytorch_version or tensorflow_version
    if base is None:
        raise ValidationError("pytorch_version", None, "a PyTorch version such as '2.0' (or tensorflow_version)")
    if len(base.split(".")) != len(transformers_version.split(".")):
        raise ValidationError(
            "pytorch_version" if pytorch_version else "tensorflow_version",
            base,
            f"a version with as many parts as transformers_version={transformers_version!r}",
        )


@attrs.frozen(kw_only=True)
class HuggingFaceConfig(FamilyConfig):
    """``framework_version`` holds the transformers version; the base framework's version beside it."""

    pytorch_version: str | None = attrs.field(default=None, validator=v.optional_str)
    tensorflow_version: str | None = attrs.field(default=None, validator=v.optional_str)


class HuggingFace(FamilyEstimator):
    """The Hugging Face estimator (see the module docstring)."""

    SPEC: ClassVar[FrameworkSpec] = SPEC
    JOB_CLASS_NAME: ClassVar[str] = "huggingface-training"
    _config_class: ClassVar[type[Any]] = HuggingFaceConfig
    _config: HuggingFaceConfig

    def __init__(
        self,
        py_version: str | None = None,
        entry_point: str | None = None,
        transformers_version: str | None = None,
        tensorflow_version: str | None = None,
        pytorch_version: str | None = None,
        source_dir: str | None = None,
        hyperparameters: Mapping[str, Any] | None = None,
        image_uri: str | None = None,
        distribution: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if image_uri is None:
            check_versions(transformers_version, pytorch_version, tensorflow_version)
        kwargs.setdefault("enable_sagemaker_metrics", True)
        for key, value in (("pytorch_version", pytorch_version), ("tensorflow_version", tensorflow_version)):
            if value is not None:
                kwargs[key] = value
        super().__init__(
            entry_point,
            transformers_version,
            py_version,
            source_dir,
            hyperparameters,
            image_uri,
            distribution,
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

    def _validate_distribution(self, config: FamilyConfig) -> None:
        assert config.distribution is not None and isinstance(config, HuggingFaceConfig)
        dist.validate(
            config.distribution,
            framework_version=config.pytorch_version or config.tensorflow_version,
            py_version=config.py_version,
            instance_type=config.instance_type,
            image_uri=config.image_uri,
            entry_point=config.entry_point,
        )

    def _framework_hyperparameters(self) -> dict[str, Any]:
        from ..tensorflow.distribution import distribution_hyperparameters

        config = self._config
        distribution = config.distribution or {}
        for key, name in (("pytorchddp", "sagemaker_pytorch_ddp_enabled"), ("torch_distributed", None)):
            section = distribution.get(key)
            if isinstance(section, Mapping) and section.get("enabled"):
                flag = name or "sagemaker_torch_distributed_enabled"
                values: dict[str, Any] = {flag: True}
                if config.instance_type is not None:
                    values["sagemaker_instance_type"] = config.instance_type
                return values
        return distribution_hyperparameters(distribution, instance_type=config.instance_type) if distribution else {}

    def _model_settings(self) -> dict[str, Any]:
        config = self._config
        return {
            "transformers_version": config.framework_version,
            "pytorch_version": config.pytorch_version,
            "tensorflow_version": config.tensorflow_version,
            "py_version": config.py_version,
        }

    @classmethod
    def _settings_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        super()._settings_from_reserved(reserved, params)
        if "transformers_version" in params:
            params["framework_version"] = params.pop("transformers_version")

    @classmethod
    def _init_params_from_description(cls, description: Any, model_channel_name: str) -> dict[str, Any]:
        params = super()._init_params_from_description(description, model_channel_name)
        params["transformers_version"] = params.pop("framework_version", None)
        return params
