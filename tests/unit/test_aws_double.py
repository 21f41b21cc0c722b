"""The one AWS-double interface (support.aws_double): both wirings answer the same handler the same way.

A handler written once (``params -> response``, ``ServiceError`` to refuse) is installed on a real
boto3 client through the call layer (``RecordingAWS``) and through the wire layer (a scripted
double); the client sees the same response, the same modeled exception, and the double records
the same ``Call``. The refuser and the pass-through recorder share the recording.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from support.aws_double import AWSDouble, Call, PassThrough, RecordingAWS, RefusingAWS, ServiceError
from support.scripted import ScriptedService

JOB = "job-1"


class WireSageMaker(ScriptedService):
    service_name = "sagemaker"


def describe(params: dict[str, Any]) -> dict[str, Any]:
    if params["TrainingJobName"] != JOB:
        raise ServiceError("ResourceNotFound", f"{params['TrainingJobName']} not found")
    return {
        "TrainingJobName": JOB,
        "TrainingJobArn": f"arn:aws:sagemaker:us-west-2:123456789012:training-job/{JOB}",
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "AlgorithmSpecification": {"TrainingInputMode": "File"},
        "CreationTime": 0,
        "ModelArtifacts": {"S3ModelArtifacts": "s3://b/model.tar.gz"},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }


def call_layer() -> AWSDouble:
    return RecordingAWS({"sagemaker.DescribeTrainingJob": describe})


def wire_layer() -> AWSDouble:
    double = WireSageMaker()
    double.on("DescribeTrainingJob", describe)
    return double


@pytest.fixture(params=[call_layer, wire_layer], ids=["call layer", "wire layer"])
def double(request: pytest.FixtureRequest) -> AWSDouble:
    return request.param()  # type: ignore[no-any-return]


def sagemaker(double: AWSDouble) -> Any:
    return double.boto_session().client("sagemaker", config=_no_retries())


def _no_retries() -> Any:
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1, "mode": "standard"})


def test_one_handler_answers_through_either_layer(double: AWSDouble) -> None:
    response = sagemaker(double).describe_training_job(TrainingJobName=JOB)
    assert response["TrainingJobStatus"] == "Completed"
    assert [c[:3] for c in double.calls] == [("sagemaker", "DescribeTrainingJob", {"TrainingJobName": JOB})]
    assert double.operations() == ["sagemaker.DescribeTrainingJob"]
    assert double.params_of("DescribeTrainingJob") == [{"TrainingJobName": JOB}]


def test_a_service_error_is_the_modeled_exception_in_either_layer(double: AWSDouble) -> None:
    client = sagemaker(double)
    with pytest.raises(client.exceptions.ResourceNotFound) as info:
        client.describe_training_job(TrainingJobName="other")
    assert info.value.response["Error"] == {"Code": "ResourceNotFound", "Message": "other not found"}


def test_planned_faults_in_either_layer(double: AWSDouble) -> None:
    double.fail_next("DescribeTrainingJob", code="InternalFailure")
    client = sagemaker(double)
    with pytest.raises(ClientError) as info:
        client.describe_training_job(TrainingJobName=JOB)
    assert info.value.response["Error"]["Code"] == "InternalFailure"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert client.describe_training_job(TrainingJobName=JOB)["TrainingJobName"] == JOB
    assert [f.code for f in double.faults] == ["InternalFailure"] and double.count("DescribeTrainingJob") == 2


def test_botocore_still_validates_parameters(double: AWSDouble) -> None:
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        sagemaker(double).describe_training_job(TrainingJobName=5)


def test_an_unanswered_operation_fails_loudly(double: AWSDouble) -> None:
    with pytest.raises(NotImplementedError, match="ListTrainingJobs"):
        sagemaker(double).list_training_jobs()


def test_the_refuser_records_every_service_and_lets_nothing_through() -> None:
    refuser = RefusingAWS()
    boto = refuser.install(boto3.Session(region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x"))
    with pytest.raises(AssertionError, match=r"unexpected AWS request: s3\.ListBuckets"):
        boto.client("s3").list_buckets()
    with pytest.raises(AssertionError, match=r"sts\.GetCallerIdentity"):
        boto.client("sts").get_caller_identity()
    assert refuser.operations() == ["s3.ListBuckets", "sts.GetCallerIdentity"]


def test_a_pass_through_records_without_answering() -> None:
    """On a session whose calls would reach the network, the pass-through only records (here: refused below it)."""
    refuser, recorder = RefusingAWS(), PassThrough()
    boto = boto3.Session(region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    recorder.install(boto)
    refuser.install(boto)
    with pytest.raises(AssertionError):
        boto.client("sagemaker").list_training_jobs(MaxResults=3)
    assert recorder.calls[0][:3] == ("sagemaker", "ListTrainingJobs", {"MaxResults": 3})
    assert isinstance(recorder.calls[0], Call) and len(refuser.calls) == 1


def test_concurrent_calls_each_get_their_own_answer(double: AWSDouble) -> None:
    """Each call is answered from its own parameters (botocore's per-request context), whatever the threads do.

    A barrier before the double's answer makes 8 calls record their parameters before any of them
    is answered, so a double that answered "the last recorded call" would give 8 the same answer.
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    echo = {**describe({"TrainingJobName": JOB})}
    double.on("sagemaker.DescribeTrainingJob", lambda p: {**echo, "TrainingJobName": p["TrainingJobName"]})
    client = sagemaker(double)
    barrier = threading.Barrier(8, timeout=30)  # a deadline on the wait, not a timed assertion

    def wait_for_eight(**_: Any) -> None:
        barrier.wait()

    client.meta.events.register_first("before-call.sagemaker.DescribeTrainingJob", wait_for_eight)
    names = [f"job-{i}" for i in range(80)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answered = list(pool.map(lambda n: client.describe_training_job(TrainingJobName=n)["TrainingJobName"], names))
    assert answered == names
    assert sorted(p["TrainingJobName"] for p in double.params_of("DescribeTrainingJob")) == sorted(names)
