"""50 concurrent fits sharing ONE Session: against moto (through the proxy, no faults) and the scripted double.

What is measured (printed, and in docs/robustness.md): DescribeTrainingJob and DescribeLogStreams
requests per second - the most in any 1 s window and the mean between the first and the last.
Asserted: every fit completes, one training job per fit, every job's log lines printed once and in
order, nothing throttled (the proxy and the scripted double both throttle DescribeLogStreams beyond
AWS's 5 TPS, so "nothing throttled" means the SDK stayed under the limit), and DescribeLogStreams
never above 5 in any 1 s window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from faults.scenarios import ROLE, list_training_jobs, log_lines, make_sources, seed_logs
from support.fault_proxy import FaultPlan, FaultProxy, max_in_window, mean_rate
from support.moto_server import MotoHandle
from support.scripted import ScriptedAWS

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.tensorflow import TensorFlow

FITS = 50
AWS_DESCRIBE_LOG_STREAMS_TPS = 5
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
LONG_LIFECYCLE = [
    ("InProgress", "Starting"),
    ("InProgress", "LaunchingMLInstances"),
    ("InProgress", "Downloading"),
    ("InProgress", "Training"),
    ("InProgress", "Training"),
    ("InProgress", "Uploading"),
    ("Completed", "Completed"),
]


def run_concurrently(count: int, work: Callable[[int], None]) -> tuple[list[BaseException], float]:
    """Run ``work(0..count-1)`` on ``count`` threads at once; returns (errors, seconds)."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, index) for index in range(count)]
        errors = [exc for exc in (future.exception() for future in futures) if exc is not None]
    return errors, time.monotonic() - started


def rates(times: list[float]) -> dict[str, Any]:
    return {"requests": len(times), "max_1s": max_in_window(times), "mean_per_s": round(mean_rate(times), 2)}


def check_printed(output: str, jobs: list[str], lines: int) -> None:
    for job in jobs:
        printed = [line for line in output.splitlines() if line.startswith(f"{job} line ")]
        assert printed == log_lines(job, lines), f"{job}: log lines missing, repeated or out of order"


def test_50_concurrent_fits_on_moto(moto: MotoHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = FaultPlan(rate_limits={"DescribeLogStreams": AWS_DESCRIBE_LOG_STREAMS_TPS})
    sources = make_sources(tmp_path, 3)
    logs = moto.client("logs")
    logs.create_log_group(logGroupName="/aws/sagemaker/TrainingJobs")
    jobs = [f"tf-load-{index:03d}" for index in range(FITS)]
    for job in jobs:
        seed_logs(logs, job, 8)
    with FaultProxy(moto.url, plan, deadline=600.0) as proxy:
        session = Session(boto_session=moto.boto_session(), endpoint_url=proxy.url)  # default polling

        def fit(index: int) -> None:
            TensorFlow(
                entry_point="train.py",
                source_dir=str(sources[index % len(sources)]),
                framework_version="2.13",
                py_version="py310",
                role=ROLE,
                instance_count=1,
                instance_type="ml.m5.large",
                hyperparameters={"index": index},
                sagemaker_session=session,
            ).fit("s3://in-bucket/train", job_name=jobs[index], logs="All")

        errors, seconds = run_concurrently(FITS, fit)
        assert errors == [], errors[:3]
        describe_jobs = rates(proxy.times("DescribeTrainingJob"))
        describe_streams = rates(proxy.times("DescribeLogStreams"))
        assert proxy.rate_limited == {} and proxy.faults == {}
        assert {job: proxy.forwarded_creates[job] for job in jobs} == dict.fromkeys(jobs, 1)
    assert sorted(list_training_jobs(moto)) == jobs
    check_printed(capsys.readouterr().out, jobs, 8)
    assert describe_streams["max_1s"] <= AWS_DESCRIBE_LOG_STREAMS_TPS
    with capsys.disabled():
        print(
            f"\nmoto, {FITS} concurrent fits in {seconds:.1f}s: DescribeTrainingJob {describe_jobs}, "
            f"DescribeLogStreams {describe_streams}"
        )


def test_50_concurrent_fits_on_the_scripted_double(capsys: pytest.CaptureFixture[str]) -> None:
    aws = ScriptedAWS(enforce_log_rate_limit=True)
    try:
        aws.sagemaker.script_job("load-", LONG_LIFECYCLE)
        jobs = [f"load-{index:03d}" for index in range(FITS)]
        for job in jobs:  # lines appear as the job moves on: while Downloading, Training, Uploading
            lines = log_lines(job, 12)
            for part, step in ((lines[:4], 2), (lines[4:8], 4), (lines[8:], 5)):
                aws.logs.add_log_lines(job, "algo-1", part, at_step=step)
        polling = PollingPolicy(initial=0.5, maximum=2.0, multiplier=2.0, jitter=0.5)
        session = Session(boto_session=aws.boto_session(), polling=polling)

        def fit(index: int) -> None:
            Estimator(
                IMAGE,
                ROLE,
                1,
                "ml.m5.xlarge",
                output_path="s3://out-bucket/load",
                sagemaker_session=session,
                hyperparameters={"num_round": index},
            ).fit("s3://in-bucket/train", job_name=jobs[index], logs="All")

        errors, seconds = run_concurrently(FITS, fit)
        assert errors == [], errors[:3]
        assert aws.logs.faults == [] and aws.sagemaker.faults == []  # not one throttled request
        assert sorted(aws.sagemaker.jobs) == jobs
        assert all(job.status == "Completed" for job in aws.sagemaker.jobs.values())
        describe_jobs = rates(aws.sagemaker.call_times("DescribeTrainingJob"))
        describe_streams = rates(aws.logs.call_times("DescribeLogStreams"))
        check_printed(capsys.readouterr().out, jobs, 12)
        assert describe_streams["max_1s"] <= AWS_DESCRIBE_LOG_STREAMS_TPS
        with capsys.disabled():
            print(
                f"\nscripted, {FITS} concurrent fits ({len(LONG_LIFECYCLE)}-step lifecycles) in {seconds:.1f}s: "
                f"DescribeTrainingJob {describe_jobs}, DescribeLogStreams {describe_streams}"
            )
    finally:
        aws.uninstall()
