"""scikit-learn script mode on the SageMaker scikit-learn container (one CPU instance).

    from sagemaker_lite.sklearn import SKLearn

    est = SKLearn(entry_point="train.py", source_dir="src", framework_version="1.2-1",
                  role=role, instance_type="ml.m5.xlarge", hyperparameters={"alpha": 0.1})
    est.fit({"train": "s3://bucket/train"})
    predictor = est.deploy(1, "ml.m5.xlarge")   # the script's model_fn loads the model

scikit-learn trains on a single instance (``instance_count`` must be 1) and has no GPU
images; ``py_version`` is ``"py3"`` (the default).
"""

from __future__ import annotations

from typing import Any, ClassVar

from .._validation import GPU_LOCAL_INSTANCE_TYPES
from ..errors import ValidationError
from ..family import FamilyConfig, FamilyEstimator, FrameworkSpec, tag_parser

SPEC = FrameworkSpec(
    name="sklearn",
    estimator="SKLearn",
    model="sagemaker_lite.sklearn.model:SKLearnModel",
    parse_image=tag_parser(
        "sagemaker-scikit-learn", r"(?P<framework_version>[0-9.]+-[0-9]+)-(?:cpu|gpu)-(?P<py_version>py[0-9]+)"
    ),
    py_versions=("py3",),
    max_instance_count=1,
)


class SKLearn(FamilyEstimator):
    """The scikit-learn estimator (see the module docstring)."""

    SPEC: ClassVar[FrameworkSpec] = SPEC
    JOB_CLASS_NAME: ClassVar[str] = "sagemaker-scikit-learn"

    def __init__(
        self,
        entry_point: str | None = None,
        framework_version: str | None = None,
        py_version: str = "py3",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("instance_count", 1)  # the official SKLearn fills it in
        super().__init__(entry_point, framework_version, py_version, **kwargs)
        self._check_instance_type()

    def _validate_distribution(self, config: FamilyConfig) -> None:
        raise ValidationError("distribution", config.distribution, "None: scikit-learn trains on one instance")

    def _check_instance_type(self) -> None:
        instance_type = self._config.instance_type or ""
        family = instance_type.split(".")[1] if instance_type.startswith("ml.") else ""
        if family.startswith(("p", "g")) or instance_type in GPU_LOCAL_INSTANCE_TYPES:
            raise ValidationError(
                "instance_type", instance_type, "a CPU instance type (scikit-learn has no GPU images)"
            )
