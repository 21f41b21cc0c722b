"""PyTorch script mode on the SageMaker PyTorch training containers.

    from sagemaker_lite.pytorch import PyTorch

    est = PyTorch(entry_point="train.py", source_dir="source_dir", role=role,
                  framework_version="2.5", py_version="py311",
                  instance_count=1, instance_type="ml.p3.2xlarge",
                  hyperparameters={"epochs": 10})
    est.fit({"training": "s3://bucket/train"})
    predictor = est.deploy(1, "ml.m5.xlarge")        # PyTorchModel on the inference image

``source_dir/requirements.txt`` is installed by the container before the script runs.
Distributions: see ``pytorch/distribution.py``. ``compiler_config`` (Training Compiler) is
refused with a ValidationError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..family import FamilyConfig, FamilyEstimator, FrameworkSpec, tag_parser
from . import distribution as dist

SPEC = FrameworkSpec(
    name="pytorch",
    estimator="PyTorch",
    model="sagemaker_lite.pytorch.model:PyTorchModel",
    parse_image=tag_parser(
        "pytorch-training", r"(?P<framework_version>[0-9.]+)-(?:cpu|gpu)-(?P<py_version>py[0-9]+)(?:-.*)?"
    ),
    metrics_from="1.3",
)


class PyTorch(FamilyEstimator):
    """The PyTorch estimator (script mode); see the module docstring for an example."""

    SPEC: ClassVar[FrameworkSpec] = SPEC
    JOB_CLASS_NAME: ClassVar[str] = "pytorch-training"

    def _normalize_distribution(self, distribution: Mapping[str, Any] | None) -> dict[str, Any] | None:
        normalized = super()._normalize_distribution(distribution)
        return None if normalized is None else dist.normalize(normalized)

    def _validate_distribution(self, config: FamilyConfig) -> None:
        assert config.distribution is not None
        dist.validate(
            config.distribution,
            framework_version=config.framework_version,
            py_version=config.py_version,
            instance_type=config.instance_type,
            image_uri=config.image_uri,
            entry_point=config.entry_point,
        )

    def _framework_hyperparameters(self) -> dict[str, Any]:
        config = self._config
        if not config.distribution:
            return {}
        return dist.hyperparameters(config.distribution, instance_type=config.instance_type)

    @classmethod
    def _distribution_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        mp_parameters = params["hyperparameters"].pop("mp_parameters", None)
        distribution = dist.from_hyperparameters(reserved, mp_parameters)
        if distribution:
            params["distribution"] = distribution
