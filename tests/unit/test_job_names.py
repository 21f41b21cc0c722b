"""Job names: a re-used name is refused, only our own lost create is adopted (issue 11, item 1).

Before: ``fit(job_name="cv-fold")`` twice with different data returned normally the second
time, with the FIRST job's model (the duplicate was "adopted" because four request fields
matched), and generated names collided across processes started in the same millisecond.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.aws_double import PassThrough
from support.offline import ROLE
from support.scripted import ScriptedAWS
from support.waiting import make_estimator, make_session

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.jobs import TrainingJob

FROZEN_NAME = """
import sys, time
time.time_ns = lambda: 1_765_000_000_123_000_000  # both processes in the same millisecond
sys.path.insert(0, sys.argv[1])
from sagemaker_lite.naming import name_from_base
print(name_from_base("tensorflow-training"))
"""


def created_request(scripted: ScriptedAWS, session: Any, inputs: str, name: str) -> dict[str, Any]:
    """Fit (wait=False) and return the CreateTrainingJob request that reached the double."""
    make_estimator(session).fit(inputs, job_name=name, wait=False)
    return dict([c.params for c in scripted.sagemaker.calls if c.operation == "CreateTrainingJob"][-1])


def test_fitting_twice_under_one_name_with_other_data_is_refused(scripted: ScriptedAWS) -> None:
    """A built-in algorithm stages nothing under the name: the service's ResourceInUse is raised."""
    scripted.sagemaker.script_job("cv-fold", [("Completed", "Completed")])
    session = make_session(scripted)
    first = make_estimator(session)
    first.fit("s3://in-bucket/fold-1", job_name="cv-fold", wait=False)
    second = make_estimator(session)
    with pytest.raises(ClientError) as info:
        second.fit("s3://in-bucket/fold-2", job_name="cv-fold", wait=False)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"
    assert second.training_job_name is None  # its model_data is not the first job's model


def test_a_framework_refit_under_a_used_name_is_refused_before_its_code_is_staged(
    scripted: ScriptedAWS, tmp_path: Any
) -> None:
    from sagemaker_lite.tensorflow import TensorFlow

    scripted.sagemaker.script_job("tf-fold", [("InProgress", "Training")])
    session = make_session(scripted)
    (tmp_path / "train.py").write_text("print('hi')\n")
    uploads = PassThrough()  # records the S3 client's calls; the scripted doubles answer SageMaker and Logs
    uploads.install(session.s3_client)
    created_request(scripted, make_session(scripted), "s3://in-bucket/old", "tf-fold")  # the old job
    tf = TensorFlow(
        entry_point="train.py",
        source_dir=str(tmp_path),
        framework_version="2.13",
        py_version="py310",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.large",
        output_path="s3://out-bucket/out",
        sagemaker_session=session,
    )
    with pytest.raises(ValidationError) as info:
        tf.fit("s3://in-bucket/train", job_name="tf-fold", wait=False)
    assert info.value.parameter == "job_name" and "already exists (InProgress)" in str(info.value)
    assert "Estimator.attach('tf-fold')" in str(info.value)
    assert uploads.calls == []  # nothing staged over the old job's sourcedir.tar.gz


def test_a_duplicate_after_refused_attempts_only_is_never_adopted(scripted: ScriptedAWS, fast_retries: Any) -> None:
    """Same whole request, but no attempt of OUR call can have created it: someone else's job."""
    session = make_session(scripted)
    request = created_request(scripted, make_session(scripted), "s3://in-bucket/train", "twin")  # "another process"
    scripted.sagemaker.fail_next("CreateTrainingJob", 1, code="ThrottlingException")
    with pytest.raises(ClientError) as info:
        TrainingJob.start_new(session, request)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"


def test_our_own_lost_create_is_adopted(scripted: ScriptedAWS, fast_retries: Any) -> None:
    scripted.sagemaker.script_job("job-lost", [("Completed", "Completed")])
    scripted.sagemaker.lose_response_once("CreateTrainingJob")
    est = make_estimator(make_session(scripted))
    est.fit("s3://in-bucket/train", job_name="job-lost", wait=False)
    assert est.latest_training_job.job_name == "job-lost"
    assert scripted.sagemaker.count("CreateTrainingJob") == 2 and list(scripted.sagemaker.jobs) == ["job-lost"]


def test_a_lost_create_whose_name_holds_another_request_is_not_adopted(
    scripted: ScriptedAWS, fast_retries: Any
) -> None:
    session = make_session(scripted)
    theirs = created_request(scripted, make_session(scripted), "s3://in-bucket/theirs", "taken")
    ours = {**theirs, "InputDataConfig": [{**theirs["InputDataConfig"][0], "ChannelName": "other"}]}
    scripted.sagemaker.lose_response_once("CreateTrainingJob")  # ours "may have acted", but it is not ours
    with pytest.raises(ClientError) as info:
        TrainingJob.start_new(session, ours)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"


def test_generated_names_differ_across_processes_in_the_same_millisecond(tmp_path: Any) -> None:
    root = os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or os.getcwd()
    names = {
        subprocess.run(
            [sys.executable, "-c", FROZEN_NAME, root], capture_output=True, text=True, check=True, timeout=60
        ).stdout.strip()
        for _ in range(4)
    }
    assert len(names) == 4, names
    for name in names:  # the official shape, plus entropy; still a valid name
        assert name.startswith("tensorflow-training-2025-12-06-05-46-40-123-") and len(name) <= 63


def test_deploying_twice_under_one_endpoint_name_is_refused_not_silently_reused() -> None:
    """The same cause on the hosting side: an existing endpoint config/endpoint was taken as ours."""
    from support.hosting import FakeHosting

    from sagemaker_lite.model import Model

    image = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-cpu"
    fake = FakeHosting()

    def deploy() -> Any:
        model = Model(
            image, model_data="s3://in-bucket/model.tar.gz", role=ROLE, name="m-once", sagemaker_session=fake.session()
        )
        return model.deploy(1, "ml.m5.large", endpoint_name="ep-once")

    deploy()
    with pytest.raises(ClientError) as info:  # the identical model is reused (as officially); the rest is not
        deploy()
    assert "already existing endpoint configuration" in str(info.value)
    assert fake.operations().count("CreateEndpoint") == 1 and fake.operations().count("CreateEndpointConfig") == 2
