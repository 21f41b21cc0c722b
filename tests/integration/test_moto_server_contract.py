"""moto 5.2.1's behaviour over the server, as the SDK's tests rely on it (see support/moto_server.py).

A moto upgrade that changes any of these must fail here, loudly, before it confuses other tests.
"""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support.moto_server import MotoHandle, MotoServer, MotoServerError

pytestmark = pytest.mark.integration

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})


def error_of(call: Any, **kwargs: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def training_job(name: str, **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {
            "TrainingImage": "123.dkr.ecr.us-west-2.amazonaws.com/img:1",
            "TrainingInputMode": "File",
        },
        "RoleArn": ROLE,
        "InputDataConfig": [
            {
                "ChannelName": "training",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/data"}},
            }
        ],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"epochs": "3"},
    }
    request.update(extra)
    return request


# -- the server itself ---------------------------------------------------------------------------------
def test_fixture_shape(moto: MotoHandle) -> None:
    assert moto.url.startswith("http://127.0.0.1:") and moto.region == "us-west-2"
    session = moto.boto_session()
    assert session.region_name == "us-west-2"
    assert session.get_credentials().get_frozen_credentials().access_key == "testing"
    assert moto.client("sts").meta.endpoint_url == moto.url
    assert session.client("sts").meta.endpoint_url == moto.url  # AWS_ENDPOINT_URL points at the server


def test_reset_forgets_everything(moto: MotoHandle) -> None:
    moto.client("s3").create_bucket(Bucket="bucket-a", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    moto.server.reset()
    assert moto.client("s3").list_buckets()["Buckets"] == []


def test_start_stop_leaves_no_process() -> None:
    server = MotoServer().start()
    pid = server.pid
    assert server.is_running() and server.startup_seconds is not None and server.startup_seconds < 30
    server.stop()
    assert not server.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # type: ignore[arg-type]


def test_a_server_that_dies_reports_its_output() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = MotoServer(port=taken.getsockname()[1], startup_timeout=30)
        with pytest.raises(MotoServerError, match=r"(?s)exited with code .*already in use"):
            server.start()
    assert not server.is_running()


# -- SageMaker -----------------------------------------------------------------------------------------
def test_training_job_is_completed_at_once(moto: MotoHandle) -> None:
    sm = moto.client("sagemaker")
    arn = sm.create_training_job(
        **training_job(
            "job-1", EnableNetworkIsolation=True, VpcConfig={"SecurityGroupIds": ["sg-1"], "Subnets": ["s-1"]}
        )
    )
    assert arn["TrainingJobArn"] == f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/job-1"
    d = sm.describe_training_job(TrainingJobName="job-1")
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("Completed", "Completed")
    assert d["ModelArtifacts"] == {"S3ModelArtifacts": "s3://bucket/output/job-1/output/model.tar.gz"}
    assert [(t["Status"], t["StatusMessage"]) for t in d["SecondaryStatusTransitions"]] == [
        ("Starting", "Preparing the instances for training")
    ]
    assert d["HyperParameters"] == {"epochs": "3"} and d["RoleArn"] == ROLE
    assert d["VpcConfig"] == {"SecurityGroupIds": ["sg-1"], "Subnets": ["s-1"]} and d["EnableNetworkIsolation"] is True
    assert d["AlgorithmSpecification"]["MetricDefinitions"]  # moto invents one
    for field in ("CreationTime", "TrainingStartTime", "TrainingEndTime", "LastModifiedTime"):
        assert field in d
    assert "FailureReason" not in d


def test_duplicate_training_job_name_is_accepted_silently(moto: MotoHandle) -> None:
    """Real SageMaker says ResourceInUse; moto overwrites. Test that trap with support.scripted."""
    sm = moto.client("sagemaker")
    sm.create_training_job(**training_job("dup"))
    again = sm.create_training_job(**training_job("dup", HyperParameters={"epochs": "9"}))
    assert again["TrainingJobArn"].endswith("training-job/dup")
    assert sm.describe_training_job(TrainingJobName="dup")["HyperParameters"] == {"epochs": "9"}
    assert len(sm.list_training_jobs()["TrainingJobSummaries"]) == 1


def test_missing_training_job(moto: MotoHandle) -> None:
    code, message, status = error_of(moto.client("sagemaker").describe_training_job, TrainingJobName="nope")
    assert (code, status) == ("ValidationException", 400)
    assert message == f"Could not find training job 'arn:aws:sagemaker:us-west-2:{ACCOUNT}:training-job/nope'."


def test_list_training_jobs(moto: MotoHandle) -> None:
    sm = moto.client("sagemaker")
    for name in ("a-1", "b-2", "a-3"):
        sm.create_training_job(**training_job(name))
    summaries = sm.list_training_jobs()["TrainingJobSummaries"]
    assert [s["TrainingJobName"] for s in summaries] == ["a-1", "b-2", "a-3"]
    assert {s["TrainingJobStatus"] for s in summaries} == {"Completed"}
    assert [s["TrainingJobName"] for s in sm.list_training_jobs(NameContains="a-")["TrainingJobSummaries"]] == [
        "a-1",
        "a-3",
    ]
    assert len(sm.list_training_jobs(StatusEquals="InProgress")["TrainingJobSummaries"]) == 0


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("stop_training_job", {"TrainingJobName": "job"}),
        ("update_endpoint", {"EndpointName": "e", "EndpointConfigName": "c"}),
    ],
)
def test_not_implemented_operations_are_http_500(moto: MotoHandle, operation: str, kwargs: dict[str, str]) -> None:
    sm = moto.client("sagemaker", config=ONE_ATTEMPT)
    sm.create_training_job(**training_job("job"))
    code, message, status = error_of(getattr(sm, operation), **kwargs)
    assert (code, status) == ("500", 500) and "Internal Server Error" in message


def test_model_endpoint_config_endpoint_lifecycle(moto: MotoHandle) -> None:
    sm = moto.client("sagemaker")
    arn = sm.create_model(
        ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img:1", "ModelDataUrl": "s3://b/model.tar.gz"}
    )
    assert arn["ModelArn"] == f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:model/m"
    assert sm.describe_model(ModelName="m")["PrimaryContainer"]["ModelDataUrl"] == "s3://b/model.tar.gz"
    assert sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img:2"})  # no error
    variants = [
        {
            "VariantName": "AllTraffic",
            "ModelName": "m",
            "InitialInstanceCount": 1,
            "InstanceType": "ml.m5.large",
            "InitialVariantWeight": 1.0,
        }
    ]
    assert sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=variants)["EndpointConfigArn"] == (
        f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:endpoint-config/c"
    )
    assert (
        error_of(
            sm.create_endpoint_config, EndpointConfigName="c2", ProductionVariants=[dict(variants[0], ModelName="none")]
        )[0]
        == "ValidationException"
    )
    assert sm.create_endpoint(EndpointName="e", EndpointConfigName="c")["EndpointArn"] == (
        f"arn:aws:sagemaker:us-west-2:{ACCOUNT}:endpoint/e"
    )
    assert sm.create_endpoint(EndpointName="e", EndpointConfigName="c")  # duplicate: no error either
    code, message, _ = error_of(sm.create_endpoint, EndpointName="e2", EndpointConfigName="none")
    assert code == "ValidationException" and message.startswith("Could not find endpoint configuration")
    d = sm.describe_endpoint(EndpointName="e")
    assert d["EndpointStatus"] == "InService" and d["EndpointConfigName"] == "c"
    assert d["ProductionVariants"][0]["VariantName"] == "AllTraffic"
    for delete, kwargs in (
        (sm.delete_endpoint, {"EndpointName": "e"}),
        (sm.delete_endpoint_config, {"EndpointConfigName": "c"}),
        (sm.delete_model, {"ModelName": "m"}),
    ):
        delete(**kwargs)
        assert error_of(delete, **kwargs)[:3:2] == ("ValidationException", 400)
    assert error_of(sm.describe_endpoint, EndpointName="e")[1] == (
        f"Could not find endpoint 'arn:aws:sagemaker:us-west-2:{ACCOUNT}:endpoint/e'."
    )


def test_invoke_endpoint_results_queue(moto: MotoHandle) -> None:
    rt = moto.client("sagemaker-runtime")
    moto.queue_invoke_endpoint_results(
        [
            "[1, 2]",
            {
                "Body": "a,b",
                "ContentType": "text/csv",
                "InvokedProductionVariant": "AllTraffic",
                "CustomAttributes": "attr",
            },
        ]
    )
    first = rt.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"x", ContentType="text/csv")
    assert (first["Body"].read(), first["ContentType"]) == (b"[1, 2]", "application/json")
    second = rt.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"y")
    assert (second["Body"].read(), second["InvokedProductionVariant"], second["CustomAttributes"]) == (
        b"a,b",
        "AllTraffic",
        "attr",
    )
    repeat = rt.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"x", ContentType="text/csv")
    assert repeat["Body"].read() == b"[1, 2]"  # memoised per identical request
    default = rt.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"z")
    assert (default["Body"].read(), default["ContentType"]) == (b"body", "content_type")


# -- CloudWatch Logs -------------------------------------------------------------------------------------
GROUP = "/aws/sagemaker/TrainingJobs"


def test_log_streams(moto: MotoHandle) -> None:
    logs = moto.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    assert error_of(logs.create_log_group, logGroupName=GROUP)[0] == "ResourceAlreadyExistsException"
    for stream in ("job-1/algo-2-1700000000", "job-1/algo-1-1700000000", "job-10/algo-1-1700000001"):
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    assert (
        error_of(logs.create_log_stream, logGroupName=GROUP, logStreamName="job-1/algo-1-1700000000")[0]
        == "ResourceAlreadyExistsException"
    )
    names = [
        s["logStreamName"]
        for s in logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix="job-1")["logStreams"]
    ]
    assert names == ["job-1/algo-1-1700000000", "job-1/algo-2-1700000000", "job-10/algo-1-1700000001"]
    first = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix="job-1/", limit=1)
    assert [s["logStreamName"] for s in first["logStreams"]] == ["job-1/algo-1-1700000000"]
    rest = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix="job-1/", nextToken=first["nextToken"])
    assert [s["logStreamName"] for s in rest["logStreams"]] == ["job-1/algo-2-1700000000"]
    assert "firstEventTimestamp" not in rest["logStreams"][0]
    assert error_of(
        logs.describe_log_streams, logGroupName=GROUP, orderBy="LastEventTime", logStreamNamePrefix="job-1"
    )[:2] == ("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
    assert error_of(logs.describe_log_streams, logGroupName="/nope")[0] == "ResourceNotFoundException"
    assert error_of(logs.get_log_events, logGroupName=GROUP, logStreamName="nope")[0] == "ResourceNotFoundException"


def test_get_log_events_paging_and_stable_forward_token(moto: MotoHandle) -> None:
    logs = moto.client("logs")
    stream = "job/algo-1-1700000000"
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    empty = logs.get_log_events(logGroupName=GROUP, logStreamName=stream, startFromHead=True)
    assert empty["events"] == [] and empty["nextForwardToken"] == "f/-" + "0" * 54 + "1"
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": now + i, "message": f"line {i}"} for i in range(5)],
    )
    page = logs.get_log_events(logGroupName=GROUP, logStreamName=stream, startFromHead=True, limit=3)
    assert [e["message"] for e in page["events"]] == ["line 0", "line 1", "line 2"]
    assert page["nextForwardToken"].startswith("f/") and page["nextBackwardToken"].startswith("b/")
    page = logs.get_log_events(
        logGroupName=GROUP, logStreamName=stream, startFromHead=True, limit=3, nextToken=page["nextForwardToken"]
    )
    assert [e["message"] for e in page["events"]] == ["line 3", "line 4"]
    end = logs.get_log_events(
        logGroupName=GROUP, logStreamName=stream, startFromHead=True, nextToken=page["nextForwardToken"]
    )
    assert end["events"] == [] and end["nextForwardToken"] == page["nextForwardToken"]  # stable at the end
    logs.put_log_events(
        logGroupName=GROUP, logStreamName=stream, logEvents=[{"timestamp": now + 10, "message": "late"}]
    )
    late = logs.get_log_events(
        logGroupName=GROUP, logStreamName=stream, startFromHead=True, nextToken=end["nextForwardToken"]
    )
    assert [e["message"] for e in late["events"]] == ["late"]
    info = logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix="job/")["logStreams"][0]
    assert (info["firstEventTimestamp"], info["lastEventTimestamp"]) == (now, now + 10)


# -- STS, IAM, S3 ------------------------------------------------------------------------------------------
def test_caller_identity(moto: MotoHandle) -> None:
    identity = moto.client("sts").get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        ACCOUNT,
        f"arn:aws:sts::{ACCOUNT}:user/moto",
        "AKIAIOSFODNN7EXAMPLE",
    )


def test_iam_get_role(moto: MotoHandle) -> None:
    iam = moto.client("iam")
    assert error_of(iam.get_role, RoleName="SageMakerRole") == ("NoSuchEntity", "Role SageMakerRole not found", 404)
    iam.create_role(
        RoleName="SageMakerRole", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )
    assert iam.get_role(RoleName="SageMakerRole")["Role"]["Arn"] == ROLE


def test_s3_buckets_in_us_west_2(moto: MotoHandle) -> None:
    s3 = moto.client("s3")
    assert error_of(s3.create_bucket, Bucket="no-constraint")[::2] == ("IllegalLocationConstraintException", 400)
    created = s3.create_bucket(Bucket="bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert created["Location"] == "/bucket"
    assert error_of(s3.create_bucket, Bucket="bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})[
        ::2
    ] == ("BucketAlreadyOwnedByYou", 409)
    assert s3.head_bucket(Bucket="bucket")["BucketRegion"] == "us-west-2"
    assert s3.get_bucket_location(Bucket="bucket")["LocationConstraint"] == "us-west-2"
    assert error_of(s3.head_bucket, Bucket="missing-bucket") == ("404", "Not Found", 404)
    assert error_of(s3.head_object, Bucket="bucket", Key="missing") == ("404", "Not Found", 404)
