"""``sagemaker-lite`` through lifecycles moto cannot play (stop, running jobs, failures), with scripted doubles.

The CLI gets its Session through ``main(..., session_factory=...)``: a real Session whose
boto3 clients are answered by the doubles, polling without sleeping.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.scripted import ScriptedAWS

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.cli import AwsOptions, main

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)


class CLI:
    """Runs ``main`` with Sessions on one boto3 session wired to the doubles (model loading is the slow part)."""

    def __init__(self, scripted: ScriptedAWS, capsys: Any) -> None:
        self.scripted = scripted
        self.capsys = capsys
        self.boto = scripted.boto_session()

    def __call__(self, *argv: str, polling: PollingPolicy = NO_SLEEP) -> tuple[int, str, str]:
        def factory(options: AwsOptions) -> Session:
            return Session(boto_session=self.boto, region_name=options.region, polling=polling)

        code = main(list(argv), session_factory=factory)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def create_job(self, name: str, instance_count: int = 1) -> None:
        self.boto.client("sagemaker").create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=ROLE,
            OutputDataConfig={"S3OutputPath": "s3://out-bucket/out"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": instance_count, "VolumeSizeInGB": 30},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )


@pytest.fixture
def cli(scripted: ScriptedAWS, capsys: Any) -> CLI:
    return CLI(scripted, capsys)


TRAINING = [("InProgress", "Starting"), ("InProgress", "Downloading"), ("InProgress", "Training")]


# --- stop ---------------------------------------------------------------------------------


def test_jobs_stop_sends_stop_training_job(scripted: ScriptedAWS, cli: CLI) -> None:
    cli.create_job("job-stop")
    code, out, err = cli("jobs", "stop", "job-stop")
    assert (code, out, err) == (0, "Stopping training job job-stop\n", "")
    assert [c.params for c in scripted.sagemaker.calls_to("StopTrainingJob")] == [{"TrainingJobName": "job-stop"}]


def test_jobs_stop_wait_polls_until_stopped(scripted: ScriptedAWS, cli: CLI) -> None:
    cli.create_job("job-stop-wait")
    code, out, err = cli("--json", "jobs", "stop", "job-stop-wait", "--wait")
    assert code == 0
    assert json.loads(out) == {"TrainingJobName": "job-stop-wait", "TrainingJobStatus": "Stopped"}
    assert "waiting for it to end" in err


def test_stopping_a_finished_job_exits_1_naming_its_status(scripted: ScriptedAWS, cli: CLI) -> None:
    scripted.sagemaker.script_job("job-done", [("Completed", "Completed")])
    cli.create_job("job-done")
    code, out, err = cli("jobs", "stop", "job-done")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "StopTrainingJob" in err and "Completed" in err


def test_stopping_an_unknown_job_exits_1(scripted: ScriptedAWS, cli: CLI) -> None:
    code, _, err = cli("jobs", "stop", "nope")
    assert code == 1 and "Requested resource not found" in err


# --- logs --follow ---------------------------------------------------------------------------


def test_follow_streams_logs_of_a_running_job_until_it_completes(scripted: ScriptedAWS, cli: CLI) -> None:
    scripted.sagemaker.script_job("job-run", [*TRAINING, ("InProgress", "Uploading"), ("Completed", "Completed")])
    scripted.logs.add_log_lines("job-run", "algo-1", ["a1 loading"], at_step=1)
    scripted.logs.add_log_lines("job-run", "algo-2", ["a2 loading"], at_step=1)
    scripted.logs.add_log_lines("job-run", "algo-1", ["a1 epoch 1"], at_step=2)
    scripted.logs.add_log_lines("job-run", "algo-2", ["a2 epoch 1"], at_step=3)
    scripted.logs.add_log_lines("job-run", "algo-1", ["a1 done"], at_step=4)
    cli.create_job("job-run", instance_count=2)

    code, out, err = cli("jobs", "logs", "job-run", "--follow")
    assert code == 0
    lines = out.splitlines()
    assert sorted(lines) == sorted(
        ["[algo-1] a1 loading", "[algo-2] a2 loading", "[algo-1] a1 epoch 1", "[algo-2] a2 epoch 1", "[algo-1] a1 done"]
    )
    assert [line for line in lines if "algo-1" in line] == [
        "[algo-1] a1 loading",
        "[algo-1] a1 epoch 1",
        "[algo-1] a1 done",
    ]
    statuses = [line.split(" ")[2] for line in err.splitlines() if " - " in line]
    assert statuses == ["Starting", "Downloading", "Training", "Uploading", "Completed"]
    assert err.splitlines()[-1].startswith("Training job job-run ended with status Completed. Billable seconds:")
    assert scripted.sagemaker.jobs["job-run"].describes >= 5


def test_follow_json_lines(scripted: ScriptedAWS, cli: CLI) -> None:
    scripted.sagemaker.script_job("job-json", [*TRAINING, ("Completed", "Completed")])
    scripted.logs.add_log_lines("job-json", "algo-1", ["hello", "world"], at_step=2)
    cli.create_job("job-json")
    code, out, _ = cli("jobs", "logs", "job-json", "-f", "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["host"], r["message"]) for r in records] == [("algo-1", "hello"), ("algo-1", "world")]


def test_logs_printed_by_the_cli_are_redacted(scripted: ScriptedAWS, cli: CLI) -> None:
    """``sagemaker-lite jobs logs`` masks secrets as ``fit()``'s output does (issue 11 item 9)."""
    key = ["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "-----END PRIVATE KEY-----"]
    leaked = ["clone https://bot:hunter2pw@git.example.com/r.git", "Authorization: token abc123def456", *key]
    scripted.sagemaker.script_job("job-leak", [*TRAINING, ("Completed", "Completed")])
    scripted.logs.add_log_lines("job-leak", "algo-1", leaked, at_step=2)
    cli.create_job("job-leak")
    for args in (("jobs", "logs", "job-leak", "-f"), ("--json", "jobs", "logs", "job-leak", "-f")):
        code, out, _ = cli(*args)
        assert code == 0 and "https://bot:****@git.example.com" in out
        for secret in ("hunter2pw", "abc123def456", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"):
            assert secret not in out, out


def test_follow_a_failed_job_exits_1_with_its_reason(scripted: ScriptedAWS, cli: CLI) -> None:
    scripted.sagemaker.script_job("job-bad", [*TRAINING, ("Failed", "Failed")], failure_reason="AlgorithmError: OOM")
    scripted.logs.add_log_lines("job-bad", "algo-1", ["Traceback (most recent call last):", "MemoryError"], at_step=2)
    cli.create_job("job-bad")
    code, out, err = cli("jobs", "logs", "job-bad", "--follow")
    assert code == 1
    assert out.splitlines() == ["Traceback (most recent call last):", "MemoryError"]
    last = err.splitlines()[-1]
    assert last.startswith("sagemaker-lite: error: Training job job-bad failed: AlgorithmError: OOM (logs: https://")
    assert "Traceback" not in err  # the job's traceback is on stdout, and ours is never shown


def test_follow_a_stopped_job_exits_0(scripted: ScriptedAWS, cli: CLI) -> None:
    scripted.sagemaker.script_job("job-stopped", [*TRAINING, ("Stopping", "Stopping"), ("Stopped", "Stopped")])
    cli.create_job("job-stopped")
    code, _, err = cli("jobs", "logs", "job-stopped", "--follow")
    assert code == 0
    assert "ended with status Stopped" in err


def test_ctrl_c_while_following_exits_130_and_says_how_to_resume(scripted: ScriptedAWS, cli: CLI) -> None:
    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    scripted.sagemaker.script_job("job-long", TRAINING)
    scripted.logs.add_log_lines("job-long", "algo-1", ["started"], at_step=0)
    cli.create_job("job-long")
    polling = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=interrupt)
    code, out, err = cli("jobs", "logs", "job-long", "--follow", polling=polling)
    assert code == 130
    assert out == "started\n"
    assert "sagemaker-lite jobs logs job-long --follow" in err
    assert err.endswith("sagemaker-lite: interrupted\n")
    assert "Traceback" not in err
    assert scripted.sagemaker.jobs["job-long"].status == "InProgress"  # left running
    assert scripted.sagemaker.calls_to("StopTrainingJob") == []


# --- paging ---------------------------------------------------------------------------------


def test_jobs_list_pages_through_next_token_up_to_max(scripted: ScriptedAWS, cli: CLI) -> None:
    for index in range(7):
        cli.create_job(f"job-{index}")
    code, out, _ = cli("--json", "jobs", "list", "--max", "250")
    assert code == 0
    assert len(json.loads(out)) == 7
    assert [c.params.get("MaxResults") for c in scripted.sagemaker.calls_to("ListTrainingJobs")] == [100]

    scripted.sagemaker.clear_calls()
    code, out, _ = cli("jobs", "list", "--max", "3", "--json")
    names = [s["TrainingJobName"] for s in json.loads(out)]
    assert names == ["job-6", "job-5", "job-4"]  # newest first
    calls = scripted.sagemaker.calls_to("ListTrainingJobs")
    assert [(c.params["MaxResults"], c.params["SortOrder"]) for c in calls] == [(3, "Descending")]


def test_short_pages_keep_paging(scripted: ScriptedAWS, cli: CLI) -> None:
    """A backend may return fewer items than asked for (plus a token): paging continues."""
    for index in range(5):
        cli.create_job(f"job-{index}")
    original = scripted.sagemaker.handlers["ListTrainingJobs"]
    scripted.sagemaker.on(
        "ListTrainingJobs", lambda params: original({**params, "MaxResults": min(2, params["MaxResults"])})
    )
    code, out, _ = cli("--json", "jobs", "list", "--max", "4")
    assert code == 0
    assert len(json.loads(out)) == 4
    assert [c.params.get("NextToken") for c in scripted.sagemaker.calls_to("ListTrainingJobs")] == [None, "2"]
