"""The scripted doubles behave like AWS as seen through a REAL botocore client (retries included)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ParamValidationError
from support.scripted import ScriptedAWS, ScriptedLogs, ScriptedSageMaker

REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def make_client(service: str, attempts: int = 3, mode: str = "standard") -> Any:
    config = Config(retries={"mode": mode, "total_max_attempts": attempts})
    return boto3.client(
        service, region_name=REGION, aws_access_key_id="fake", aws_secret_access_key="fake", config=config
    )


def job_request(name: str, **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {
            "TrainingImage": "123.dkr.ecr.us-west-2.amazonaws.com/x:1",
            "TrainingInputMode": "File",
        },
        "RoleArn": ROLE,
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/train"}},
            }
        ],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"epochs": "3"},
    }
    request.update(extra)
    return request


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sm() -> Any:
    double = ScriptedSageMaker()
    client = double.install(make_client("sagemaker"))
    client.double = double
    yield client
    double.uninstall()


def statuses(client: Any, name: str, n: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        d = client.describe_training_job(TrainingJobName=name)
        out.append((d["TrainingJobStatus"], d["SecondaryStatus"]))
    return out


# -- lifecycle -------------------------------------------------------------------------------------
def test_default_lifecycle_advances_one_step_per_describe(sm: Any) -> None:
    sm.create_training_job(**job_request("job-a"))
    assert statuses(sm, "job-a", 6) == [
        ("InProgress", "Starting"),
        ("InProgress", "Downloading"),
        ("InProgress", "Training"),
        ("InProgress", "Uploading"),
        ("Completed", "Completed"),
        ("Completed", "Completed"),
    ]


def test_describe_is_a_full_plausible_response(sm: Any) -> None:
    arn = sm.create_training_job(
        **job_request(
            "job-b", EnableNetworkIsolation=True, VpcConfig={"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}
        )
    )
    assert arn["TrainingJobArn"] == "arn:aws:sagemaker:us-west-2:123456789012:training-job/job-b"
    first = sm.describe_training_job(TrainingJobName="job-b")
    assert "ModelArtifacts" not in first and "TrainingEndTime" not in first
    assert isinstance(first["CreationTime"], dt.datetime)
    assert first["VpcConfig"] == {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}
    assert first["EnableNetworkIsolation"] is True
    assert first["HyperParameters"] == {"epochs": "3"} and first["RoleArn"] == ROLE
    sm.double.finish("job-b")
    done = sm.describe_training_job(TrainingJobName="job-b")
    assert done["ModelArtifacts"] == {"S3ModelArtifacts": "s3://bucket/output/job-b/output/model.tar.gz"}
    assert [t["Status"] for t in done["SecondaryStatusTransitions"]] == [
        "Starting",
        "Downloading",
        "Training",
        "Uploading",
        "Completed",
    ]
    assert all("EndTime" in t and t["StatusMessage"] for t in done["SecondaryStatusTransitions"])
    assert done["CreationTime"] <= done["TrainingStartTime"] <= done["TrainingEndTime"] == done["LastModifiedTime"]
    assert done["BillableTimeInSeconds"] >= 0 and "FailureReason" not in done


def test_fields_absent_from_the_request_are_not_echoed(sm: Any) -> None:
    sm.create_training_job(**job_request("job-c"))
    d = sm.describe_training_job(TrainingJobName="job-c")
    assert "VpcConfig" not in d and "EnableNetworkIsolation" not in d and "Tags" not in d


def test_scripts_match_exact_name_then_longest_prefix_then_default(sm: Any) -> None:
    sm.double.script_job(None, [("Completed", "Completed")])
    sm.double.script_job("tf-", [("InProgress", "Training"), ("Completed", "Completed")])
    sm.double.script_job("tf-special-", [("Stopped", "Stopped")])
    sm.double.script_job("tf-exact", [("Failed", "Failed")], failure_reason="boom")
    for name in ("other", "tf-1", "tf-special-1", "tf-exact"):
        sm.create_training_job(**job_request(name))
    assert statuses(sm, "other", 1) == [("Completed", "Completed")]
    assert statuses(sm, "tf-1", 2) == [("InProgress", "Training"), ("Completed", "Completed")]
    assert statuses(sm, "tf-special-1", 1) == [("Stopped", "Stopped")]
    assert statuses(sm, "tf-exact", 1) == [("Failed", "Failed")]


def test_failure_carries_failure_reason(sm: Any) -> None:
    reason = "AlgorithmError: ExecuteUserScriptError: exit code 1"
    sm.double.script_job(
        "bad", [("InProgress", "Starting"), ("InProgress", "Training"), ("Failed", "Failed")], failure_reason=reason
    )
    sm.create_training_job(**job_request("bad"))
    assert "FailureReason" not in sm.describe_training_job(TrainingJobName="bad")
    sm.describe_training_job(TrainingJobName="bad")
    failed = sm.describe_training_job(TrainingJobName="bad")
    assert failed["TrainingJobStatus"] == "Failed" and failed["FailureReason"] == reason
    assert "ModelArtifacts" not in failed and "TrainingEndTime" in failed
    assert reason in failed["SecondaryStatusTransitions"][-1]["StatusMessage"]


def test_stop_moves_a_running_job_to_stopping_then_stopped(sm: Any) -> None:
    sm.create_training_job(**job_request("stop-me"))
    assert statuses(sm, "stop-me", 1) == [("InProgress", "Starting")]
    sm.stop_training_job(TrainingJobName="stop-me")
    assert statuses(sm, "stop-me", 3) == [("Stopping", "Stopping"), ("Stopped", "Stopped"), ("Stopped", "Stopped")]
    with pytest.raises(ClientError) as err:
        sm.stop_training_job(TrainingJobName="stop-me")
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "in status Stopped" in err.value.response["Error"]["Message"]


def test_unknown_job_is_a_validation_error(sm: Any) -> None:
    for call in (sm.describe_training_job, sm.stop_training_job):
        with pytest.raises(ClientError) as err:
            call(TrainingJobName="nope")
        assert err.value.response["Error"] == {
            "Code": "ValidationException",
            "Message": "Requested resource not found.",
        }
    assert sm.double.count("DescribeTrainingJob") == 1  # a 400 validation error is not retried


def test_duplicate_name_is_resource_in_use(sm: Any) -> None:
    sm.create_training_job(**job_request("dup"))
    with pytest.raises(sm.exceptions.ResourceInUse) as err:
        sm.create_training_job(**job_request("dup"))
    assert err.value.response["Error"]["Message"] == (
        "Training job names must be unique within an AWS account and region, and a training job with this name "
        "already exists (arn:aws:sagemaker:us-west-2:123456789012:training-job/dup)"
    )


def test_list_training_jobs_filters_sorts_and_pages(sm: Any) -> None:
    sm.double.script_job("done-", [("Completed", "Completed")])
    for name in ("a-1", "done-2", "a-3"):
        sm.create_training_job(**job_request(name))
    names = [
        s["TrainingJobName"]
        for s in sm.list_training_jobs(SortBy="Name", SortOrder="Ascending")["TrainingJobSummaries"]
    ]
    assert names == ["a-1", "a-3", "done-2"]
    done = sm.list_training_jobs(StatusEquals="Completed")["TrainingJobSummaries"]
    assert [s["TrainingJobName"] for s in done] == ["done-2"] and "TrainingEndTime" in done[0]
    page = sm.list_training_jobs(NameContains="a-", MaxResults=1, SortBy="Name", SortOrder="Ascending")
    assert [s["TrainingJobName"] for s in page["TrainingJobSummaries"]] == ["a-1"]
    rest = sm.list_training_jobs(
        NameContains="a-", MaxResults=1, SortBy="Name", SortOrder="Ascending", NextToken=page["NextToken"]
    )
    assert [s["TrainingJobName"] for s in rest["TrainingJobSummaries"]] == ["a-3"] and "NextToken" not in rest


def test_botocore_still_validates_parameters(sm: Any) -> None:
    with pytest.raises(ParamValidationError):
        sm.create_training_job(TrainingJobName="x")
    assert sm.double.calls == []


# -- throttling, faults, the lost response ---------------------------------------------------------
def test_throttling_burst_within_max_attempts_is_retried_by_botocore(sm: Any, fast_retries: list[float]) -> None:
    sm.double.fail_next("ListTrainingJobs", 2)
    response = sm.list_training_jobs()
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert sm.double.count("ListTrainingJobs") == 3 and len(fast_retries) == 2
    assert [f.code for f in sm.double.faults] == ["ThrottlingException"] * 2


def test_throttling_beyond_max_attempts_surfaces(sm: Any, fast_retries: list[float]) -> None:
    sm.double.fail_next("ListTrainingJobs", 3)
    with pytest.raises(ClientError) as err:
        sm.list_training_jobs()
    assert err.value.response["Error"]["Code"] == "ThrottlingException"
    assert err.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert sm.double.count("ListTrainingJobs") == 3


@pytest.mark.parametrize(("code", "status"), [("InternalFailure", 500), ("ServiceUnavailable", 503)])
def test_server_errors_are_transient_for_botocore(sm: Any, fast_retries: list[float], code: str, status: int) -> None:
    sm.double.fail_next("ListTrainingJobs", 1, code=code)
    assert sm.list_training_jobs()["ResponseMetadata"]["RetryAttempts"] == 1
    sm.double.fail_next("ListTrainingJobs", 3, code=code)
    with pytest.raises(ClientError) as err:
        sm.list_training_jobs()
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_non_retryable_errors_surface_at_once(sm: Any) -> None:
    sm.double.fail_next("ListTrainingJobs", 1, code="ValidationException", message="bad input")
    with pytest.raises(ClientError) as err:
        sm.list_training_jobs()
    assert err.value.response["Error"] == {"Code": "ValidationException", "Message": "bad input"}
    assert sm.double.count("ListTrainingJobs") == 1


def test_random_faults_are_seeded_and_absorbed_by_retries(fast_retries: list[float]) -> None:
    outcomes = []
    for _ in range(2):
        double = ScriptedSageMaker()
        client = double.install(make_client("sagemaker", attempts=10))
        double.fail_randomly(0.3, codes=["ThrottlingException", "InternalFailure"], seed=7)
        for _ in range(30):
            client.list_training_jobs()
        outcomes.append([f.code for f in double.faults])
    assert outcomes[0] == outcomes[1] and len(outcomes[0]) > 3
    assert {"ThrottlingException", "InternalFailure"} == set(outcomes[0])


def test_lost_create_response_turns_the_retry_into_a_duplicate_name_error(sm: Any, fast_retries: list[float]) -> None:
    sm.double.lose_response_once("CreateTrainingJob")
    with pytest.raises(sm.exceptions.ResourceInUse) as err:
        sm.create_training_job(**job_request("trap"))
    assert "a training job with this name already exists" in str(err.value)
    assert sm.double.count("CreateTrainingJob") == 2 and "trap" in sm.double.jobs  # the server DID act
    assert [f.code for f in sm.double.faults] == ["LostResponse"]


def test_lost_response_without_retries_is_a_connection_error() -> None:
    double = ScriptedSageMaker()
    client = double.install(make_client("sagemaker", attempts=1))
    double.lose_response_once("CreateTrainingJob")
    with pytest.raises(ConnectionClosedError):
        client.create_training_job(**job_request("once"))
    assert "once" in double.jobs


# -- wiring ------------------------------------------------------------------------------------------
def test_install_on_a_session_and_uninstall_fails_loudly() -> None:
    session = boto3.Session(region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
    double = ScriptedSageMaker()
    double.install(session)
    client = session.client("sagemaker")
    arn = client.create_training_job(**job_request("sess"))["TrainingJobArn"]
    assert arn.startswith("arn:aws:sagemaker:eu-west-1:")  # the ARN uses the request's signing region
    double.uninstall()
    with pytest.raises(RuntimeError, match="uninstalled"):
        client.describe_training_job(TrainingJobName="sess")


def test_wrong_service_and_unscripted_operations_are_refused(sm: Any) -> None:
    with pytest.raises(ValueError, match="sagemaker"):
        ScriptedSageMaker().install(make_client("logs"))
    with pytest.raises(NotImplementedError, match="DescribeEndpoint"):
        sm.describe_endpoint(EndpointName="e")
    sm.double.on(
        "DescribeEndpoint",
        lambda p: {
            "EndpointName": p["EndpointName"],
            "EndpointArn": "arn:x",
            "EndpointStatus": "InService",
            "CreationTime": 0.0,
            "LastModifiedTime": 0.0,
        },
    )
    assert sm.describe_endpoint(EndpointName="e")["EndpointStatus"] == "InService"
    assert [c.operation for c in sm.double.calls][-2:] == ["DescribeEndpoint", "DescribeEndpoint"]
    service, op, params, timestamp = sm.double.calls[-1]
    assert (service, op, params) == ("sagemaker", "DescribeEndpoint", {"EndpointName": "e"}) and timestamp > 0


# -- CloudWatch Logs -----------------------------------------------------------------------------------
def test_logs_appear_as_the_job_advances(scripted: ScriptedAWS) -> None:
    sm, logs = scripted.client("sagemaker"), scripted.client("logs")
    group = "/aws/sagemaker/TrainingJobs"
    scripted.logs.add_log_lines("job-1", "algo-1", ["starting"], at_step=1)
    scripted.logs.add_log_lines("job-1", "algo-1", ["epoch 1", "epoch 2"], at_step=2)
    scripted.logs.add_log_lines("job-1", "algo-2", ["worker up"], at_step=2)
    scripted.logs.add_log_lines("job-10", "algo-1", ["other job"], at_step=0)
    assert logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="job-1/")["logStreams"] == []
    sm.create_training_job(**job_request("job-1"))
    sm.describe_training_job(TrainingJobName="job-1")  # observes step 0; the job moves to step 1
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="job-1/")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["job-1/algo-1-1700000000"]
    first = logs.get_log_events(logGroupName=group, logStreamName="job-1/algo-1-1700000000", startFromHead=True)
    assert [e["message"] for e in first["events"]] == ["starting"]
    again = logs.get_log_events(
        logGroupName=group,
        logStreamName="job-1/algo-1-1700000000",
        startFromHead=True,
        nextToken=first["nextForwardToken"],
    )
    assert again["events"] == [] and again["nextForwardToken"] == first["nextForwardToken"]  # stable at the end
    sm.describe_training_job(TrainingJobName="job-1")
    later = logs.get_log_events(
        logGroupName=group,
        logStreamName="job-1/algo-1-1700000000",
        startFromHead=True,
        nextToken=again["nextForwardToken"],
    )
    assert [e["message"] for e in later["events"]] == ["epoch 1", "epoch 2"]
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="job-1/")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["job-1/algo-1-1700000000", "job-1/algo-2-1700000000"]
    stamps = [e["timestamp"] for e in first["events"] + later["events"]]
    assert stamps == sorted(stamps) and all(isinstance(t, int) for t in stamps)


def test_log_paging_with_limits_and_tokens() -> None:
    logs_double = ScriptedLogs()
    logs = logs_double.install(make_client("logs"))
    group = "/aws/sagemaker/TrainingJobs"
    stream = logs_double.add_log_lines("job", "algo-1", [f"line {i}" for i in range(7)])
    for host in ("algo-2", "algo-3"):
        logs_double.add_log_lines("job", host, ["x"])
    page, seen = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, limit=3), []
    while page["events"]:
        seen += [e["message"] for e in page["events"]]
        page = logs.get_log_events(
            logGroupName=group, logStreamName=stream, startFromHead=True, limit=3, nextToken=page["nextForwardToken"]
        )
    assert seen == [f"line {i}" for i in range(7)]
    tail = logs.get_log_events(logGroupName=group, logStreamName=stream, limit=2)  # startFromHead=False: the tail
    assert [e["message"] for e in tail["events"]] == ["line 5", "line 6"]
    back = logs.get_log_events(logGroupName=group, logStreamName=stream, limit=2, nextToken=tail["nextBackwardToken"])
    assert [e["message"] for e in back["events"]] == ["line 3", "line 4"]
    first = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="job/", limit=2)
    second = logs.describe_log_streams(
        logGroupName=group, logStreamNamePrefix="job/", limit=2, nextToken=first["nextToken"]
    )
    names = [s["logStreamName"] for s in first["logStreams"] + second["logStreams"]]
    assert names == [f"job/algo-{i}-1700000000" for i in (1, 2, 3)] and "nextToken" not in second
    newest = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", descending=True, limit=1)
    assert newest["logStreams"][0]["logStreamName"] == "job/algo-1-1700000000"  # 7 lines: its last is the latest
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime", logStreamNamePrefix="job/")
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.get_log_events(logGroupName=group, logStreamName="job/algo-9-1700000000")
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.describe_log_streams(logGroupName="/aws/sagemaker/Endpoints/x")


def test_unlinked_logs_follow_set_step() -> None:
    logs_double = ScriptedLogs()
    logs = logs_double.install(make_client("logs"))
    stream = logs_double.add_log_lines("job", "algo-1", ["later"], at_step=2)
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.get_log_events(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream)
    logs_double.set_step("job", 2)
    events = logs.get_log_events(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream)["events"]
    assert [e["message"] for e in events] == ["later"]


def test_describe_log_streams_rate_limit_is_5_per_second() -> None:
    clock = FakeClock()
    logs_double = ScriptedLogs(enforce_rate_limit=True, clock=clock)
    logs = logs_double.install(make_client("logs", attempts=1))
    logs_double.add_log_lines("job", "algo-1", ["x"])
    for i in range(5):
        clock.now = 100.0 + i * 0.1
        logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs")
    clock.now = 100.5
    with pytest.raises(ClientError) as err:
        logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs")
    assert err.value.response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    clock.now = 101.05  # the calls at 100.0 fell out of the 1 s window
    logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs")
    assert logs_double.call_times("DescribeLogStreams") == pytest.approx(
        [100.0, 100.1, 100.2, 100.3, 100.4, 100.5, 101.05]
    )
    assert [f.code for f in logs_double.faults] == ["ThrottlingException"]
    logs.get_log_events(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName="job/algo-1-1700000000")


def test_rate_limit_on_the_real_clock_throttles_a_tight_loop(fast_retries: list[float]) -> None:
    logs_double = ScriptedLogs(enforce_rate_limit=True)
    logs = logs_double.install(make_client("logs", attempts=1))
    throttled = 0
    for _ in range(8):
        try:
            logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs")
        except ClientError as exc:
            throttled += exc.response["Error"]["Code"] == "ThrottlingException"
    assert throttled >= 3  # 8 calls in far less than a second: at most 5 accepted
    times = logs_double.call_times("DescribeLogStreams")
    assert times == sorted(times) and times[-1] - times[0] < 1.0


# -- the suite's environment (tests/conftest.py) ---------------------------------------------------------
def test_environment_is_scrubbed_of_real_aws() -> None:
    assert (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]) == ("testing", "testing")
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert not {"AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL"} & set(os.environ)
    assert not Path(os.environ["AWS_CONFIG_FILE"]).exists()
    assert not Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).exists()
    session = boto3.Session()
    assert session.region_name is None and session.get_credentials().access_key == "testing"


def test_aws_region_fixture(aws_region: str) -> None:
    assert aws_region == "us-west-2" == boto3.Session().region_name


@pytest.mark.aws
def test_real_aws_tests_run_only_when_opted_in() -> None:
    assert os.environ.get("SAGEMAKER_LITE_AWS_TESTS") == "1"
