"""TensorFlow script mode against the real moto server: code staging, re-fit reuse, attach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.aws_double import PassThrough
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite.tensorflow import TensorFlow

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "helper").mkdir(parents=True)
    (src / "train.py").write_text("import helper\nprint('training')\n")
    (src / "helper" / "__init__.py").write_text("VALUE = 1\n")
    (src / "requirements.txt").write_text("numpy\n")
    return src


def session_counting_uploads(moto: MotoHandle) -> tuple[Session, dict[str, Any]]:
    boto = moto.boto_session()
    recorder = PassThrough()
    stats: dict[str, Any] = {"bytes": 0, "calls": recorder}

    def count(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("PutObject", "UploadPart"):
            body = params.get("Body")
            if hasattr(body, "seek") and hasattr(body, "tell"):
                position = body.tell()
                body.seek(0, 2)
                stats["bytes"] += body.tell() - position
                body.seek(position)
            elif isinstance(body, (bytes, bytearray)):
                stats["bytes"] += len(body)

    recorder.install(boto)
    boto.events.register("before-parameter-build.s3", count)
    return Session(boto_session=boto, endpoint_url=moto.url), stats


def make(session: Session, source: Path, **kwargs: Any) -> TensorFlow:
    return TensorFlow(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="2.13",
        py_version="py310",
        role=ROLE,
        instance_count=kwargs.pop("instance_count", 1),
        instance_type=kwargs.pop("instance_type", "ml.m5.large"),
        sagemaker_session=session,
        hyperparameters={"epochs": 3, "layers": [64, 32]},
        **kwargs,
    )


def test_refit_with_unchanged_code_uploads_zero_bytes(moto: MotoHandle, source: Path) -> None:
    session, stats = session_counting_uploads(moto)
    make(session, source).fit("s3://in-bucket/train", wait=False, job_name="tf-first")
    first = stats["bytes"]
    assert first > 0
    make(session, source).fit("s3://in-bucket/train", wait=False, job_name="tf-second")
    assert stats["bytes"] == first  # nothing more uploaded
    s3 = moto.client("s3")
    bucket = "sagemaker-us-west-2-123456789012"
    one = s3.get_object(Bucket=bucket, Key="tf-first/source/sourcedir.tar.gz")["Body"].read()
    two = s3.get_object(Bucket=bucket, Key="tf-second/source/sourcedir.tar.gz")["Body"].read()
    assert one == two  # the second job's request points at a valid, identical archive
    creates = stats["calls"].params_of("CreateTrainingJob")
    assert (
        creates[1]["HyperParameters"]["sagemaker_submit_directory"]
        == '"s3://sagemaker-us-west-2-123456789012/tf-second/source/sourcedir.tar.gz"'
    )
    (source / "train.py").write_text("print('changed')\n")
    make(session, source).fit("s3://in-bucket/train", wait=False, job_name="tf-third")
    assert stats["bytes"] > first


def test_attach_round_trip(moto: MotoHandle, source: Path) -> None:
    session, stats = session_counting_uploads(moto)
    moto.client("s3").create_bucket(Bucket="out-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    est = make(
        session,
        source,
        instance_count=2,
        instance_type="ml.p3.16xlarge",
        distribution={"mpi": {"enabled": True, "processes_per_host": 8}},
        output_path="s3://out-bucket/tf",
    )
    est.fit({"train": "s3://in-bucket/train"}, job_name="tf-attach", logs=False)
    attached = TensorFlow.attach("tf-attach", sagemaker_session=session)
    assert attached.framework_version == "2.13" and attached.py_version == "py310"
    assert attached.distribution == {
        "mpi": {
            "enabled": True,
            "processes_per_host": 8,
        }
    }
    assert attached.model_dir is None  # the default (/opt/ml/model under MPI) is restored as default
    assert attached.hyperparameters() == {"epochs": "3", "layers": "[64, 32]"}
    before = stats["bytes"]
    attached.fit(attached.attached_inputs, wait=False, job_name="tf-attach")
    assert stats["bytes"] == before  # the attached estimator points at the uploaded archive
    first, again = stats["calls"].params_of("CreateTrainingJob")
    for request in (first, again):  # moto replaces MetricDefinitions and drops Environment (see contract tests)
        request["AlgorithmSpecification"].pop("MetricDefinitions", None)
    assert again == first
