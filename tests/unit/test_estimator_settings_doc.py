"""The settings table (training_fields) is complete, drives both directions, and its docs page is current.

When the page test fails, a setting or botocore's model changed: run ``python tools/estimator_settings.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from support.tools import tool

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.limits import constraints_for
from sagemaker_lite.training import TrainingConfig, build_training_request
from sagemaker_lite.training_attach import config_kwargs_from_description
from sagemaker_lite.training_fields import BY_HAND, CALL, TRAINING_SETTINGS, simple_settings

ROOT = Path(__file__).resolve().parents[2]
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def load_tool() -> Any:
    return tool("estimator_settings")


def test_settings_page_is_current() -> None:
    assert (ROOT / "docs" / "estimator_settings.md").read_text(encoding="utf-8") == load_tool().render()


def test_every_training_setting_is_declared_once_with_a_path_the_service_model_has() -> None:
    declared = [s.keyword for s in TRAINING_SETTINGS if s.write != CALL]
    fields = [field.name for field in attrs.fields(TrainingConfig)]
    assert sorted(set(declared)) == sorted(fields)
    simple = [s.keyword for s in simple_settings()]
    assert len(simple) == len(set(simple))
    for setting in TRAINING_SETTINGS:
        assert constraints_for("CreateTrainingJob", setting.path).type_name  # raises on a wrong path
    assert {s.keyword for s in TRAINING_SETTINGS if s.write == BY_HAND}.isdisjoint(simple)


# one non-default value per simple setting, chosen within the service model's bounds
SIMPLE_VALUES: dict[str, Any] = {
    "image_uri": "123456789012.dkr.ecr.us-west-2.amazonaws.com/algo:1",
    "input_mode": "Pipe",
    "metric_definitions": [{"Name": "loss", "Regex": "loss=([0-9.]+)"}],
    "enable_sagemaker_metrics": False,
    "container_entry_point": ["python", "-m", "train"],
    "container_arguments": ["--epochs", "2"],
    "training_repository_access_mode": "Vpc",
    "training_repository_credentials_provider_arn": "arn:aws:lambda:us-west-2:123456789012:function:creds",
    "output_kms_key": "alias/out",
    "disable_output_compression": True,
    "volume_size": 77,
    "volume_kms_key": "alias/vol",
    "keep_alive_period_in_seconds": 21600,
    "max_run": 7200,
    "max_wait": 7300,
    "max_pending_time": 7200,
    "subnets": ["subnet-0abc"],
    "security_group_ids": ["sg-0abc"],
    "tags": [{"Key": "team", "Value": "ml"}],
    "enable_network_isolation": True,
    "encrypt_inter_container_traffic": True,
    "use_spot_instances": True,
    "environment": {"A": "1"},
    "max_retry_attempts": 3,
}


def _request(**settings: Any) -> dict[str, Any]:
    config = TrainingConfig(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", **settings)
    return build_training_request(
        config, job_name="job-1", channels=(), output_path="s3://my-bucket/out/", hyperparameters={}
    )


def test_every_simple_setting_reaches_its_path_and_comes_back_from_a_description() -> None:
    assert set(SIMPLE_VALUES) == {s.keyword for s in simple_settings()}
    request = _request(**SIMPLE_VALUES)
    for setting in simple_settings():
        wire: Any = request
        for part in setting.path.split("."):
            wire = wire[part]
        assert wire == (setting.flag if setting.flag is not None else SIMPLE_VALUES[setting.keyword]), setting
    back = config_kwargs_from_description(request)
    assert {key: back[key] for key in SIMPLE_VALUES} == SIMPLE_VALUES
    rebuilt = TrainingConfig(**{key: value for key, value in back.items() if value is not None})
    assert (
        build_training_request(
            rebuilt, job_name="job-1", channels=(), output_path="s3://my-bucket/out/", hyperparameters={}
        )
        == request
    )


def test_defaults_send_nothing_optional_and_read_back_as_defaults() -> None:
    request = _request()
    assert set(request) == {
        "TrainingJobName",
        "AlgorithmSpecification",
        "RoleArn",
        "OutputDataConfig",
        "ResourceConfig",
        "StoppingCondition",
    }
    back = config_kwargs_from_description(request)
    defaults = {field.name: field.default for field in attrs.fields(TrainingConfig)}
    assert {s.keyword: back[s.keyword] for s in simple_settings()} == {
        s.keyword: defaults[s.keyword] for s in simple_settings()
    }


@pytest.mark.parametrize(
    ("keyword", "path"), [("keep_alive_period_in_seconds", "ResourceConfig.KeepAlivePeriodInSeconds")]
)
def test_bounds_come_from_the_service_model(keyword: str, path: str) -> None:
    high = int(constraints_for("CreateTrainingJob", path).maximum or 0)
    assert _request(**{keyword: high})["ResourceConfig"]["KeepAlivePeriodInSeconds"] == high
    with pytest.raises(ValidationError, match=str(high)):
        _request(**{keyword: high + 1})
