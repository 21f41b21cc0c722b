"""Waiting on training jobs through lifecycles moto cannot play: the scripted double.

Each test drives a real botocore client whose transport is the scripted double, so
parameters are validated, responses parsed and throttling retried by botocore itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.scripted import ScriptedAWS
from support.waiting import TRAINING, make_estimator, make_session

from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.errors import JobFailedError


def test_completed_job_prints_transitions_and_interleaved_logs(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-ok", [*TRAINING, ("Completed", "Completed")])
    scripted.logs.add_log_lines("job-ok", "algo-1", ["a1 loading", "a1 epoch 1"], at_step=1)
    scripted.logs.add_log_lines("job-ok", "algo-2", ["a2 loading", "a2 epoch 1"], at_step=2)
    scripted.logs.add_log_lines("job-ok", "algo-1", ["a1 done"], at_step=3)
    est = make_estimator(make_session(scripted), instance_count=2)
    est.fit("s3://in-bucket/train", job_name="job-ok")
    out = capsys.readouterr().out.splitlines()
    statuses = [line for line in out if " - " in line and not line.startswith("[")]
    assert [s.split(" ")[2] for s in statuses][:4] == ["Starting", "Downloading", "Training", "Completed"]
    log_lines = [line for line in out if line.startswith("[")]
    # every line exactly once, each host in its own order (stream discovery is rate-limited, so a
    # host found late may print after another host's later lines; within a poll round, time order)
    assert sorted(log_lines) == sorted(
        ["[algo-1] a1 loading", "[algo-1] a1 epoch 1", "[algo-2] a2 loading", "[algo-2] a2 epoch 1", "[algo-1] a1 done"]
    )
    assert [line for line in log_lines if "algo-1" in line] == [
        "[algo-1] a1 loading",
        "[algo-1] a1 epoch 1",
        "[algo-1] a1 done",
    ]
    assert est.model_data == "s3://out-bucket/out/job-ok/output/model.tar.gz"
    assert scripted.sagemaker.count("DescribeTrainingJob") >= 4


def test_failed_job_raises_with_reason_logs_and_links(scripted: ScriptedAWS) -> None:
    scripted.sagemaker.script_job(
        "job-bad",
        [*TRAINING, ("Failed", "Failed")],
        failure_reason="AlgorithmError: ExecuteUserScriptError: exit code 1",
    )
    scripted.logs.add_log_lines(
        "job-bad", "algo-1", ["Traceback (most recent call last):", "ValueError: boom"], at_step=2
    )
    est = make_estimator(make_session(scripted))
    with pytest.raises(JobFailedError) as info:
        est.fit("s3://in-bucket/train", job_name="job-bad")
    error = info.value
    assert "ExecuteUserScriptError" in error.failure_reason
    assert error.last_log_lines[-1] == "ValueError: boom"
    assert error.console_url == "https://us-west-2.console.aws.amazon.com/sagemaker/home?region=us-west-2#/jobs/job-bad"
    assert "logStream:group=/aws/sagemaker/TrainingJobs;prefix=job-bad" in error.logs_url
    assert "ValueError: boom" in str(error)


def test_stopped_job_is_reported_and_returns(scripted: ScriptedAWS, capsys: Any, caplog: Any) -> None:
    steps = [("InProgress", "Training"), ("Stopping", "Stopping"), ("Stopped", "Stopped")]
    scripted.sagemaker.script_job("job-stop", steps)
    scripted.sagemaker.script_job("job-stop-quiet", steps)
    est = make_estimator(make_session(scripted))
    est.fit("s3://in-bucket/train", job_name="job-stop")
    assert "ended with status Stopped" in capsys.readouterr().out
    assert est.latest_training_job.status == "Stopped"
    est.fit("s3://in-bucket/train", job_name="job-stop-quiet", logs=False)  # quiet, but still logged
    assert capsys.readouterr().out == ""
    assert "job-stop-quiet ended with status Stopped" in caplog.text


def test_throttling_bursts_within_the_retry_budget_are_absorbed(scripted: ScriptedAWS, fast_retries: Any) -> None:
    """One retry layer (the Session's RetryPolicy): 5 throttled describes and 3 creates fit in 6 attempts."""
    scripted.sagemaker.script_job("job-thr", [*TRAINING, ("Completed", "Completed")])
    session = make_session(scripted, max_attempts=6)
    scripted.sagemaker.fail_next("DescribeTrainingJob", 5, code="ThrottlingException")
    scripted.sagemaker.fail_next("CreateTrainingJob", 3, code="ThrottlingException")
    est = make_estimator(session)
    est.fit("s3://in-bucket/train", job_name="job-thr", logs=False)
    assert est.latest_training_job.status == "Completed"
    assert scripted.sagemaker.count("CreateTrainingJob") == 4


def test_lost_create_response_adopts_our_own_job(scripted: ScriptedAWS, fast_retries: Any) -> None:
    scripted.sagemaker.script_job("job-lost", [("Completed", "Completed")])
    scripted.sagemaker.lose_response_once("CreateTrainingJob")
    est = make_estimator(make_session(scripted))
    est.fit("s3://in-bucket/train", job_name="job-lost", logs=False)
    assert scripted.sagemaker.count("CreateTrainingJob") == 2  # the lost one, and botocore's retry
    assert list(scripted.sagemaker.jobs) == ["job-lost"]


def test_a_different_job_under_our_name_is_not_adopted(scripted: ScriptedAWS) -> None:
    session = make_session(scripted)
    make_estimator(session, hyperparameters={"a": 1}).fit("s3://in-bucket/train", job_name="job-dup", wait=False)
    with pytest.raises(ClientError) as info:
        make_estimator(session, hyperparameters={"a": 2}).fit("s3://in-bucket/train", job_name="job-dup", wait=False)
    assert info.value.response["Error"]["Code"] == "ResourceInUse"


def test_ctrl_c_leaves_the_job_running_and_prints_attach(scripted: ScriptedAWS, capsys: Any) -> None:
    scripted.sagemaker.script_job("job-int", [*TRAINING, *TRAINING, ("Completed", "Completed")])
    calls = {"n": 0}

    def sleep(_: float) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    session = make_session(scripted, polling=PollingPolicy(initial=0, maximum=0, jitter=0, sleep=sleep))
    with pytest.raises(KeyboardInterrupt):
        make_estimator(session).fit("s3://in-bucket/train", job_name="job-int", logs=False)
    out = capsys.readouterr().out
    assert "Estimator.attach('job-int')" in out
    assert scripted.sagemaker.count("StopTrainingJob") == 0


def test_describe_log_streams_stays_under_the_account_limit(capsys: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    bundle = ScriptedAWS(enforce_log_rate_limit=True)
    try:
        session = make_session(bundle, polling=PollingPolicy(initial=0.05, maximum=0.05, jitter=0.0))
        names = [f"job-rate-{i}" for i in range(12)]
        for name in names:
            bundle.sagemaker.script_job(name, [*TRAINING, *TRAINING, ("Completed", "Completed")])
            bundle.logs.add_log_lines(name, "algo-1", [f"{name} line"], at_step=4)
        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(lambda n: make_estimator(session).fit("s3://in-bucket/train", job_name=n), names))
        times = sorted(bundle.logs.call_times("DescribeLogStreams"))
        worst = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
        assert worst <= 5, worst
        out = capsys.readouterr().out
        assert all(f"{name} line" in out for name in names)
    finally:
        bundle.uninstall()


def test_one_poll_round_interleaves_hosts_by_time(scripted: ScriptedAWS) -> None:
    from sagemaker_lite.logs import LogTailer, RateLimiter

    scripted.sagemaker.script_job("job-mix", [("Completed", "Completed")])
    scripted.logs.add_log_lines("job-mix", "algo-1", ["a", "c"], at_step=0)
    scripted.logs.add_log_lines("job-mix", "algo-2", ["b", "d"], at_step=0)
    session = make_session(scripted)
    make_estimator(session, instance_count=2).fit("s3://in-bucket/train", job_name="job-mix", wait=False)
    session.sagemaker_client.describe_training_job(TrainingJobName="job-mix")
    tailer = LogTailer(session.logs_client, "job-mix", limiter=RateLimiter(100), expected_streams=2)
    events = tailer.poll()
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)
    assert sorted(e.message for e in events) == ["a", "b", "c", "d"]
    assert tailer.poll() == []  # nothing twice
