"""The bad-input corpus: each invalid call raises ValidationError naming the parameter,
and nothing reaches AWS (the Session refuses and counts every attempted request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support.offline import IMAGE, ROLE, CallRecorder

from sagemaker_lite import Session
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import FileSystemInput, ShuffleConfig, TrainingInput


def est(session: Session, **kwargs: Any) -> Estimator:
    args = {
        "image_uri": IMAGE,
        "role": ROLE,
        "instance_count": 1,
        "instance_type": "ml.m5.large",
        "output_path": "s3://out-bucket/out",
    }
    args.update(kwargs)
    return Estimator(sagemaker_session=session, **args)


def fit(
    session: Session, inputs: Any = "s3://in-bucket/train", fit_kwargs: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    est(session, **kwargs).fit(inputs, wait=False, **(fit_kwargs or {}))


CASES: list[tuple[str, str, Callable[[Session], Any]]] = [
    ("instance type format", "instance_type", lambda s: est(s, instance_type="m5.large")),
    ("instance type not a string", "instance_type", lambda s: est(s, instance_type=5)),
    ("instance count zero", "instance_count", lambda s: est(s, instance_count=0)),
    ("instance count bool", "instance_count", lambda s: est(s, instance_count=True)),
    ("instance count missing", "instance_count", lambda s: Estimator(IMAGE, ROLE, instance_type="ml.m5.large")),
    ("instance type missing", "instance_type", lambda s: Estimator(IMAGE, ROLE, instance_count=1)),
    ("role ARN malformed", "role", lambda s: est(s, role="arn:aws:iam::12345:role/x")),
    ("role with spaces", "role", lambda s: est(s, role="my role")),
    ("role missing at fit", "role", lambda s: fit(s, role=None)),
    ("image missing at fit", "image_uri", lambda s: fit(s, image_uri=None)),
    ("output path not s3", "output_path", lambda s: est(s, output_path="/tmp/out")),
    ("output path file:// outside local", "output_path", lambda s: fit(s, output_path="file:///tmp/out")),
    ("bucket name too short", "output_path", lambda s: est(s, output_path="s3://ab/x")),
    ("volume size zero", "volume_size", lambda s: est(s, volume_size=0)),
    ("volume size huge", "volume_size", lambda s: est(s, volume_size=100000)),
    ("max_run zero", "max_run", lambda s: est(s, max_run=0)),
    ("max_run string", "max_run", lambda s: est(s, max_run="3600")),
    ("max_wait without spot", "max_wait", lambda s: est(s, max_wait=7200)),
    ("max_wait below max_run", "max_wait", lambda s: est(s, use_spot_instances=True, max_run=3600, max_wait=60)),
    ("input mode unknown", "input_mode", lambda s: est(s, input_mode="Stream")),
    ("subnets without security groups", "subnets", lambda s: est(s, subnets=["subnet-0abc"])),
    ("security groups without subnets", "security_group_ids", lambda s: est(s, security_group_ids=["sg-1"])),
    ("subnet id malformed", "subnets", lambda s: est(s, subnets=["net-1"], security_group_ids=["sg-1"])),
    ("subnets a string", "subnets", lambda s: est(s, subnets="subnet-1", security_group_ids=["sg-1"])),
    ("tag value int", "tags", lambda s: est(s, tags=[{"Key": "cost", "Value": 12}])),
    ("tag value int in dict", "tags", lambda s: est(s, tags={"cost": 12})),
    ("tag missing Value", "tags", lambda s: est(s, tags=[{"Key": "a"}])),
    ("tags a string", "tags", lambda s: est(s, tags="team=ml")),
    ("environment value int", "environment", lambda s: est(s, environment={"A": 1})),
    ("metric definition without regex", "metric_definitions", lambda s: est(s, metric_definitions=[{"Name": "a"}])),
    ("retry attempts too many", "max_retry_attempts", lambda s: est(s, max_retry_attempts=31)),
    ("keep alive too long", "keep_alive_period_in_seconds", lambda s: est(s, keep_alive_period_in_seconds=21601)),
    ("checkpoint uri not s3", "checkpoint_s3_uri", lambda s: est(s, checkpoint_s3_uri="bucket/ckpt")),
    ("checkpoint local path alone", "checkpoint_local_path", lambda s: est(s, checkpoint_local_path="/opt/ml/c")),
    ("model uri not s3", "model_uri", lambda s: est(s, model_uri="model.tar.gz")),
    ("unknown keyword", "train_instance_countt", lambda s: est(s, train_instance_countt=1)),
    ("both v1 and v2 names", "train_instance_count", lambda s: est(s, train_instance_count=2)),
    ("job name too long", "job_name", lambda s: fit(s, fit_kwargs={"job_name": "j" * 64})),
    ("job name with underscore", "job_name", lambda s: fit(s, fit_kwargs={"job_name": "my_job"})),
    ("job name leading hyphen", "job_name", lambda s: fit(s, fit_kwargs={"job_name": "-job"})),
    ("input URI not s3", "inputs", lambda s: fit(s, "bucket/train")),
    ("input of wrong type", "inputs", lambda s: fit(s, 42)),
    ("channel name invalid", "inputs", lambda s: fit(s, {"train data": "s3://in-bucket/t"})),
    ("file:// input outside local mode", "inputs", lambda s: fit(s, "file:///tmp/train")),
    (
        "Pipe over a file system",
        "inputs",
        lambda s: fit(
            s,
            {"efs": FileSystemInput("fs-0123456789abcdef0", "EFS", "/d")},
            input_mode="Pipe",
            subnets=["subnet-1"],
            security_group_ids=["sg-1"],
        ),
    ),
    (
        "file system without VPC",
        "inputs",
        lambda s: fit(s, {"efs": FileSystemInput("fs-0123456789abcdef0", "EFS", "/d")}),
    ),
    ("file system type unknown", "file_system_type", lambda s: FileSystemInput("fs-0123456789abcdef0", "NFS", "/d")),
    (
        "file system access mode",
        "file_system_access_mode",
        lambda s: FileSystemInput("fs-0123456789abcdef0", "EFS", "/d", "w"),
    ),
    ("distribution unknown", "distribution", lambda s: TrainingInput("s3://in-bucket/t", distribution="Sharded")),
    ("compression unknown", "compression", lambda s: TrainingInput("s3://in-bucket/t", compression="zip")),
    ("record wrapping unknown", "record_wrapping", lambda s: TrainingInput("s3://in-bucket/t", record_wrapping="x")),
    ("s3 data type unknown", "s3_data_type", lambda s: TrainingInput("s3://in-bucket/t", s3_data_type="Prefix")),
    ("channel input mode unknown", "input_mode", lambda s: TrainingInput("s3://in-bucket/t", input_mode="pipe")),
    (
        "attribute names on a prefix",
        "attribute_names",
        lambda s: TrainingInput("s3://in-bucket/t", attribute_names=["a"]),
    ),
    ("file system id malformed", "file_system_id", lambda s: FileSystemInput("efs-1", "EFS", "/d")),
    ("shuffle seed negative", "seed", lambda s: ShuffleConfig(-1)),
    ("logs mode unknown", "logs", lambda s: fit(s, fit_kwargs={"logs": "Everything"})),
    ("experiment config values", "experiment_config", lambda s: fit(s, fit_kwargs={"experiment_config": {"a": 1}})),
    ("hyperparameter name not str", "hyperparameters", lambda s: est(s, hyperparameters={1: "a"})),
    ("session retry mode", "retry_mode", lambda s: Session(region_name="us-west-2", retry_mode="fast")),
    ("session default bucket", "default_bucket", lambda s: Session(region_name="us-west-2", default_bucket="B_")),
    ("attach job name", "training_job_name", lambda s: Estimator.attach("bad_name", sagemaker_session=s)),
]


@pytest.mark.parametrize(("parameter", "call"), [(p, c) for _, p, c in CASES], ids=[i for i, _, _ in CASES])
def test_bad_input_is_refused_before_any_call(
    offline_session: tuple[Session, CallRecorder], parameter: str, call: Callable[[Session], Any]
) -> None:
    session, recorder = offline_session
    with pytest.raises(ValidationError) as info:
        call(session)
    assert parameter in str(info.value), str(info.value)
    assert info.value.parameter.startswith(parameter.split("[")[0]) or parameter in info.value.parameter
    assert recorder.calls == []


def test_corpus_is_large() -> None:
    assert len(CASES) >= 50
