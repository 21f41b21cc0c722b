"""A re-used job name against moto behind the proxy that enforces SageMaker's name uniqueness (issue 11, item 1).

Before: the TensorFlow re-fit staged its code over the old job's ``sourcedir.tar.gz`` and then
"adopted" the old job. Now the name is refused before anything is uploaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fault_proxy import FaultProxy
from support.moto_server import MotoHandle

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.tensorflow import TensorFlow

from .scenarios import DEFAULT_BUCKET, ROLE, make_sources, proxied_session, source_digest


def estimator(session: object, source: Path) -> TensorFlow:
    return TensorFlow(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="2.13",
        py_version="py310",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    )


def test_refitting_under_a_used_name_leaves_the_old_job_and_its_code_alone(
    moto: MotoHandle, proxy: FaultProxy, tmp_path: Path
) -> None:
    session = proxied_session(moto, proxy)
    first, second = make_sources(tmp_path, 2)
    estimator(session, first).fit("s3://in-bucket/train", job_name="tf-reused", wait=False)
    key = "tf-reused/source/sourcedir.tar.gz"
    s3 = moto.client("s3")
    before = s3.head_object(Bucket=DEFAULT_BUCKET, Key=key)
    with pytest.raises(ValidationError) as info:
        estimator(session, second).fit("s3://in-bucket/train", job_name="tf-reused", wait=False)
    assert info.value.parameter == "job_name" and "already exists" in str(info.value)
    after = s3.head_object(Bucket=DEFAULT_BUCKET, Key=key)
    assert after["ETag"] == before["ETag"]
    assert after["Metadata"].get("sha256") == source_digest(first, tmp_path)
    assert proxy.forwarded_creates["tf-reused"] == 1 and proxy.count("CreateTrainingJob") == 1


def test_generated_names_never_meet_an_existing_job(moto: MotoHandle, proxy: FaultProxy, tmp_path: Path) -> None:
    session = proxied_session(moto, proxy)
    (source,) = make_sources(tmp_path, 1)
    names = set()
    for _ in range(3):
        est = estimator(session, source)
        est.fit("s3://in-bucket/train", wait=False)
        names.add(est.latest_training_job.job_name)
    assert len(names) == 3 and proxy.count("DescribeTrainingJob") == 0  # no name check needed: unique by draw
