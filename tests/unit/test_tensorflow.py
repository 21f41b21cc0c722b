"""TensorFlow estimator: validation, legacy arguments, distribution settings."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.tensorflow import TensorFlow
from sagemaker_lite.tensorflow.distribution import distribution_from_hyperparameters, distribution_hyperparameters

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def tf(**kwargs: Any) -> TensorFlow:
    args: dict[str, Any] = {
        "entry_point": "train.py",
        "framework_version": "2.13",
        "py_version": "py310",
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.large",
    }
    args.update(kwargs)
    return TensorFlow(**args)


def test_unsupported_version_lists_the_supported_ones() -> None:
    with pytest.raises(ValidationError) as info:
        tf(framework_version="9.9")
    assert "2.13" in str(info.value)


def test_legacy_arguments_map_with_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = tf(
            instance_count=None,
            script_mode=True,
            training_steps=100,
            evaluation_steps=10,
            checkpoint_path="s3://bucket/ckpt",
            requirements_file="requirements.txt",
            train_instance_count=1,
            distributions={"mpi": {"enabled": True}},
        )
    messages = " ".join(str(w.message) for w in caught if issubclass(w.category, DeprecationWarning))
    for word in (
        "script_mode",
        "training_steps",
        "checkpoint_path",
        "model_dir",
        "requirements_file",
        "train_instance_count",
        "distributions",
    ):
        assert word in messages, word
    assert est.config.hyperparameters == {"training_steps": 100, "evaluation_steps": 10}
    assert est.model_dir == "s3://bucket/ckpt"
    assert est.distribution == {"mpi": {"enabled": True}}


def test_metrics_default_on_for_tf_1_15_and_later() -> None:
    assert tf().enable_sagemaker_metrics is True
    assert tf(enable_sagemaker_metrics=False).enable_sagemaker_metrics is False


@pytest.mark.parametrize(
    "distribution",
    [
        {"parameter_server": {"enabled": True}},
        {"mpi": {"enabled": True, "processes_per_host": 8, "custom_mpi_options": "-verbose"}},
        {"multi_worker_mirrored_strategy": {"enabled": True}},
        {"smdistributed": {"dataparallel": {"enabled": True, "custom_mpi_options": "-x NCCL_DEBUG=INFO"}}},
        {
            "smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2}}},
            "mpi": {"enabled": True, "processes_per_host": 8},
        },
    ],
)
def test_distribution_round_trips_through_hyperparameters(distribution: dict[str, Any]) -> None:
    values = distribution_hyperparameters(distribution, instance_type="ml.p4d.24xlarge")
    mp = values.pop("mp_parameters", None)
    assert distribution_from_hyperparameters(values, mp) == distribution
