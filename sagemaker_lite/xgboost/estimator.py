"""XGBoost script mode: your ``train.py`` on the SageMaker XGBoost container.

    from sagemaker_lite.xgboost import XGBoost

    est = XGBoost(entry_point="train.py", source_dir="src", framework_version="1.7-1",
                  role=role, instance_count=1, instance_type="ml.m5.xlarge",
                  hyperparameters={"num_round": 50})
    est.fit({"train": "s3://bucket/train"})

(The built-in XGBoost algorithm, without a script, is the generic ``Estimator`` with
``image_uris.retrieve("xgboost", region, "1.7-1")``.)
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..family import FamilyEstimator, FrameworkSpec, tag_parser

SPEC = FrameworkSpec(
    name="xgboost",
    estimator="XGBoost",
    model="sagemaker_lite.xgboost.model:XGBoostModel",
    parse_image=tag_parser(
        "sagemaker-xgboost", r"(?P<framework_version>[0-9.]+-[0-9]+)(?:-cpu-(?P<py_version>py[0-9]+))?"
    ),
    py_versions=("py3",),
)


class XGBoost(FamilyEstimator):
    """The XGBoost script-mode estimator (see the module docstring)."""

    SPEC: ClassVar[FrameworkSpec] = SPEC
    JOB_CLASS_NAME: ClassVar[str] = "sagemaker-xgboost"

    def __init__(
        self,
        entry_point: str | None = None,
        framework_version: str | None = None,
        source_dir: str | None = None,
        hyperparameters: Any = None,
        py_version: str = "py3",
        **kwargs: Any,
    ) -> None:
        super().__init__(entry_point, framework_version, py_version, source_dir, hyperparameters, **kwargs)

    @classmethod
    def _settings_from_reserved(cls, reserved: dict[str, Any], params: dict[str, Any]) -> None:
        super()._settings_from_reserved(reserved, params)
        if params.get("framework_version"):
            params.setdefault("py_version", "py3")
