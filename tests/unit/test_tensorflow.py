"""TensorFlow estimator: validation, legacy arguments, distribution settings."""

from __future__ import annotations

import warnings
from collections.abc import Callable
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


BAD: list[tuple[str, str, Callable[[], Any]]] = [
    ("unknown framework version", "version", lambda: tf(framework_version="9.9")),
    ("py version not available", "py_version", lambda: tf(py_version="py27")),
    ("framework version missing", "framework_version", lambda: tf(framework_version=None)),
    ("py version missing", "py_version", lambda: tf(py_version=None)),
    ("distribution not a dict", "distribution", lambda: tf(distribution="mpi")),
    ("distribution unknown strategy", "distribution", lambda: tf(distribution={"horovod": {"enabled": True}})),
    (
        "two strategies",
        "distribution",
        lambda: tf(instance_count=2, distribution={"mpi": {"enabled": True}, "parameter_server": {"enabled": True}}),
    ),
    (
        "processes per host zero",
        "processes_per_host",
        lambda: tf(distribution={"mpi": {"enabled": True, "processes_per_host": 0}}),
    ),
    (
        "smddp on a small instance",
        "instance_type",
        lambda: tf(
            framework_version="2.11",
            py_version="py39",
            distribution={"smdistributed": {"dataparallel": {"enabled": True}}},
        ),
    ),
    (
        "smddp on new TF",
        "framework_version",
        lambda: tf(
            instance_type="ml.p4d.24xlarge", distribution={"smdistributed": {"dataparallel": {"enabled": True}}}
        ),
    ),
    (
        "model parallel without mpi",
        "distribution['mpi']",
        lambda: tf(
            instance_type="ml.p3.16xlarge", distribution={"smdistributed": {"modelparallel": {"enabled": True}}}
        ),
    ),
    (
        "mwms on old TF",
        "framework_version",
        lambda: tf(
            framework_version="2.4",
            py_version="py37",
            distribution={"multi_worker_mirrored_strategy": {"enabled": True}},
        ),
    ),
    ("model_dir relative", "model_dir", lambda: tf(model_dir="model")),
    ("git_config", "git_config", lambda: tf(git_config={"repo": "https://github.com/x/y.git"})),
    ("reserved hyperparameter", "hyperparameters", lambda: tf(hyperparameters={"sagemaker_program": "x.py"})),
    ("legacy script_mode False", "script_mode", lambda: tf(script_mode=False)),
    ("legacy requirements_file", "requirements_file", lambda: tf(requirements_file="reqs/dev.txt")),
    ("container log level", "container_log_level", lambda: tf(container_log_level=99)),
    ("code location not s3", "code_location", lambda: tf(code_location="/tmp/code")),
    ("dependencies a string", "dependencies", lambda: tf(dependencies="lib")),
]


@pytest.mark.parametrize(("parameter", "call"), [(p, c) for _, p, c in BAD], ids=[i for i, _, _ in BAD])
def test_bad_tensorflow_settings(parameter: str, call: Callable[[], Any]) -> None:
    with pytest.raises(ValidationError) as info:
        call()
    assert parameter in str(info.value)


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
