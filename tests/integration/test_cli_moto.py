"""``sagemaker-lite`` end to end against the real moto server: ``main([...])`` in-process, plus subprocesses.

Resources are created with plain boto3 clients on the server; the CLI reaches them only
through ``--endpoint-url`` and ``--region``, as a user pointing it at a moto server would.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from typing import Any

import pytest
from support.moto_server import MotoHandle

from sagemaker_lite.cli import main

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
GROUP = "/aws/sagemaker/TrainingJobs"


def run(moto: MotoHandle, capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(["--endpoint-url", moto.url, "--region", moto.region, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def create_job(moto: MotoHandle, name: str, instance_count: int = 1) -> None:
    moto.client("sagemaker").create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://out-bucket/jobs"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": instance_count, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"num_round": "2"},
    )


def put_logs(moto: MotoHandle, job: str, hosts: dict[str, list[tuple[int, str]]]) -> None:
    """Events per host as (millisecond offset, message), all relative to one base time."""
    logs = moto.client("logs")
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=GROUP)
    base = int(time.time() * 1000) - 60_000
    for host, events in hosts.items():
        stream = f"{job}/{host}-1700000000"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
        logs.put_log_events(
            logGroupName=GROUP,
            logStreamName=stream,
            logEvents=[{"timestamp": base + offset, "message": message} for offset, message in events],
        )


def create_endpoint(moto: MotoHandle, name: str) -> None:
    sm = moto.client("sagemaker")
    sm.create_model(ModelName=f"{name}-model", PrimaryContainer={"Image": IMAGE}, ExecutionRoleArn=ROLE)
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


# --- jobs list / describe -----------------------------------------------------------


def test_jobs_list_table_json_filters_and_max(moto: MotoHandle, capsys: Any) -> None:
    for name in ("cli-a-1", "cli-a-2", "cli-a-3", "other-1", "other-2"):
        create_job(moto, name)

    code, out, err = run(moto, capsys, "jobs", "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "CREATED", "ENDED"]
    assert {line.split()[0] for line in lines[1:]} == {"cli-a-1", "cli-a-2", "cli-a-3", "other-1", "other-2"}
    assert all(line.split()[1] == "Completed" for line in lines[1:])
    assert lines[0].index("STATUS") == lines[1].index("Completed")  # aligned columns

    code, out, _ = run(moto, capsys, "jobs", "list", "--name-contains", "cli-a", "--json")
    assert code == 0
    summaries = json.loads(out)
    assert sorted(s["TrainingJobName"] for s in summaries) == ["cli-a-1", "cli-a-2", "cli-a-3"]
    datetime.fromisoformat(summaries[0]["CreationTime"])  # datetimes are ISO strings

    # --max pages with MaxResults <= what is still missing; moto filters after paging, so
    # pages can be short: the CLI keeps following NextToken until it has N or the list ends
    code, out, _ = run(moto, capsys, "--json", "jobs", "list", "--max", "2", "--name-contains", "other")
    assert code == 0
    assert sorted(s["TrainingJobName"] for s in json.loads(out)) == ["other-1", "other-2"]
    code, out, _ = run(moto, capsys, "jobs", "list", "--max", "3", "--json")
    assert len(json.loads(out)) == 3

    code, out, err = run(moto, capsys, "jobs", "list", "--status", "Failed")
    assert (code, out) == (0, "")
    assert "No training jobs found." in err


def test_jobs_describe_yamlish_and_json(moto: MotoHandle, capsys: Any) -> None:
    create_job(moto, "cli-describe")
    code, out, err = run(moto, capsys, "jobs", "describe", "cli-describe")
    assert (code, err) == (0, "")
    assert "TrainingJobName: cli-describe" in out
    assert "TrainingJobStatus: Completed" in out
    assert "  S3ModelArtifacts: s3://out-bucket/jobs/cli-describe/output/model.tar.gz" in out
    assert "ResponseMetadata" not in out

    code, out, _ = run(moto, capsys, "jobs", "describe", "cli-describe", "--json")
    description = json.loads(out)
    assert description["HyperParameters"] == {"num_round": "2"}
    assert "ResponseMetadata" not in description
    assert datetime.fromisoformat(description["CreationTime"]).tzinfo is not None


def test_missing_job_exits_1_with_one_line_error(moto: MotoHandle, capsys: Any) -> None:
    for command in (["jobs", "describe", "no-such-job"], ["jobs", "logs", "no-such-job"]):
        code, out, err = run(moto, capsys, *command)
        assert code == 1
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith("sagemaker-lite: error: ")
        assert "DescribeTrainingJob" in err and "no-such-job" in err
        assert "Traceback" not in err


# --- jobs logs ----------------------------------------------------------------------


def test_jobs_logs_interleaves_hosts_by_time(moto: MotoHandle, capsys: Any) -> None:
    create_job(moto, "cli-logs", instance_count=2)
    put_logs(
        moto,
        "cli-logs",
        {
            "algo-1": [(0, "a1 start"), (20, "a1 epoch 1"), (40, "a1 done")],
            "algo-2": [(10, "a2 start"), (30, "a2 epoch 1")],
        },
    )
    code, out, err = run(moto, capsys, "jobs", "logs", "cli-logs")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "[algo-1] a1 start",
        "[algo-2] a2 start",
        "[algo-1] a1 epoch 1",
        "[algo-2] a2 epoch 1",
        "[algo-1] a1 done",
    ]

    code, out, _ = run(moto, capsys, "jobs", "logs", "cli-logs", "--json")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["host"], r["message"]) for r in records][:2] == [("algo-1", "a1 start"), ("algo-2", "a2 start")]
    assert records[0]["stream"] == "cli-logs/algo-1-1700000000"
    assert records[0]["timestamp"].endswith("Z")

    code, out, _ = run(moto, capsys, "jobs", "logs", "cli-logs", "--timestamps")
    stamp, rest = out.splitlines()[0].split(" ", 1)
    assert rest == "[algo-1] a1 start"
    datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_jobs_logs_follow_ends_with_the_job(moto: MotoHandle, capsys: Any) -> None:
    create_job(moto, "cli-follow")  # moto's jobs are Completed at once
    put_logs(moto, "cli-follow", {"algo-1": [(0, "[0] train-rmse:10.1"), (5, "[1] train-rmse:5.2")]})
    code, out, err = run(moto, capsys, "jobs", "logs", "cli-follow", "--follow")
    assert code == 0
    assert out.splitlines() == ["[0] train-rmse:10.1", "[1] train-rmse:5.2"]  # one host: no prefix
    assert "Starting - Preparing the instances for training" in err
    assert "Training job cli-follow ended with status Completed." in err


def test_jobs_logs_without_streams_is_not_an_error(moto: MotoHandle, capsys: Any) -> None:
    create_job(moto, "cli-quiet")
    code, out, err = run(moto, capsys, "jobs", "logs", "cli-quiet")
    assert (code, out) == (0, "")
    assert "No log events for training job cli-quiet" in err


# --- endpoints ----------------------------------------------------------------------


def test_endpoints_list_describe(moto: MotoHandle, capsys: Any) -> None:
    create_endpoint(moto, "cli-ep-1")
    create_endpoint(moto, "cli-ep-2")
    code, out, err = run(moto, capsys, "endpoints", "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "CREATED", "MODIFIED"]
    assert sorted(line.split()[:2] for line in lines[1:]) == [["cli-ep-1", "InService"], ["cli-ep-2", "InService"]]

    code, out, _ = run(moto, capsys, "endpoints", "list", "--json", "--max", "1")
    assert len(json.loads(out)) == 1

    code, out, _ = run(moto, capsys, "endpoints", "describe", "cli-ep-1")
    assert code == 0
    assert "EndpointConfigName: cli-ep-1-config" in out
    code, out, _ = run(moto, capsys, "--json", "endpoints", "describe", "cli-ep-1")
    assert json.loads(out)["EndpointStatus"] == "InService"


def test_endpoints_delete_with_and_without_config(moto: MotoHandle, capsys: Any) -> None:
    create_endpoint(moto, "cli-del")
    create_endpoint(moto, "cli-keep")
    sm = moto.client("sagemaker")

    code, out, err = run(moto, capsys, "endpoints", "delete", "cli-del")
    assert (code, err) == (0, "")
    assert out.strip() == "Deleted endpoint cli-del and endpoint config cli-del-config"
    assert [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]] == ["cli-keep"]
    names = [c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]]
    assert names == ["cli-keep-config"]
    assert [m["ModelName"] for m in sm.list_models()["Models"]] == ["cli-del-model", "cli-keep-model"]  # models stay

    code, out, _ = run(moto, capsys, "--json", "endpoints", "delete", "cli-keep", "--keep-config")
    assert code == 0
    assert json.loads(out) == {
        "EndpointName": "cli-keep",
        "EndpointConfigName": "cli-keep-config",
        "DeletedEndpointConfig": False,
    }
    assert sm.list_endpoints()["Endpoints"] == []
    assert [c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]] == ["cli-keep-config"]

    code, out, err = run(moto, capsys, "endpoints", "delete", "cli-del")
    assert (code, out) == (1, "")
    assert "DescribeEndpoint" in err and "cli-del" in err and err.count("\n") == 1


# --- the installed command ------------------------------------------------------------


def _subprocess_env(moto: MotoHandle) -> dict[str, str]:
    return {**os.environ, "AWS_DEFAULT_REGION": moto.region}


def test_python_dash_m_runs_the_cli(moto: MotoHandle) -> None:
    create_job(moto, "cli-subprocess")
    result = subprocess.run(
        [sys.executable, "-m", "sagemaker_lite", "--endpoint-url", moto.url, "jobs", "list", "--json"],
        capture_output=True,
        text=True,
        env=_subprocess_env(moto),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [s["TrainingJobName"] for s in json.loads(result.stdout)] == ["cli-subprocess"]

    missing = subprocess.run(
        [sys.executable, "-m", "sagemaker_lite", "--endpoint-url", moto.url, "jobs", "describe", "nope"],
        capture_output=True,
        text=True,
        env=_subprocess_env(moto),
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("sagemaker-lite: error: ") and "Traceback" not in missing.stderr


def test_console_script_runs_the_cli(moto: MotoHandle) -> None:
    script = shutil.which("sagemaker-lite")
    if script is None:
        pytest.skip("the sagemaker-lite console script is not installed (pip install -e .)")
    create_endpoint(moto, "cli-script")
    result = subprocess.run(
        [script, "endpoints", "describe", "cli-script", "--endpoint-url", moto.url, "--json"],
        capture_output=True,
        text=True,
        env=_subprocess_env(moto),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["EndpointName"] == "cli-script"
