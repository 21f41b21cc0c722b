"""The interpreter's exit hook stops every kind of local job through the one job lifecycle.

``processes.registry().shutdown`` is what atexit and the SIGTERM/SIGHUP handlers call. A
tuning job (not registered before the shared ``LocalJob`` base) must now be stopped by it
too, with its running training job, and both must end ``Stopped`` - not stay InProgress.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from local_helpers import write_code

from sagemaker_lite.local import LocalSession
from sagemaker_lite.local.account import LocalAccount
from sagemaker_lite.local.exit_hooks import registry

pytestmark = pytest.mark.local

SLOW = """
import time
print("score: 1.0", flush=True)
time.sleep(120)
"""


def training_started(client: Any, trials: list[dict[str, str]]) -> bool:
    """True once the first trial's training script runs (a trial is listed just before it is created)."""
    try:
        described = client.describe_training_job(TrainingJobName=trials[0]["TrainingJobName"]) if trials else {}
    except ClientError:
        return False
    return bool(described.get("SecondaryStatus") == "Training")


@pytest.mark.parametrize("stopped_by", ["exit-hook", "tuning-job-first"])
def test_exit_hook_stops_a_running_tuning_job_and_its_training_job(
    session: LocalSession, tmp_path: Path, stopped_by: str
) -> None:
    """Both end Stopped, and the training job says why, whichever reaches it first: its own exit
    hook, or its tuning job stopping its trials (that order lost the reason, 1 run in ~10 under load)."""
    code = write_code(tmp_path / "code", SLOW)
    definition = {
        "StaticHyperParameters": {"sagemaker_program": '"train.py"', "sagemaker_submit_directory": f'"file://{code}"'},
        "AlgorithmSpecification": {
            "TrainingImage": "local-script",
            "TrainingInputMode": "File",
            "MetricDefinitions": [{"Name": "score", "Regex": "score: ([0-9.]+)"}],
        },
        "OutputDataConfig": {"S3OutputPath": f"file://{tmp_path / 'out'}"},
        "ResourceConfig": {"InstanceType": "local", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
    }
    client = session.sagemaker_client
    client.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="exit-tune",
        HyperParameterTuningJobConfig={
            "Strategy": "Grid",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "score"},
            "ResourceLimits": {"MaxParallelTrainingJobs": 1},
            "ParameterRanges": {"CategoricalParameterRanges": [{"Name": "x", "Values": ["1"]}]},
        },
        TrainingJobDefinition=definition,
    )
    deadline = time.monotonic() + 120
    trials: list[dict[str, str]] = []
    while time.monotonic() < deadline and not training_started(client, trials):  # a deadline on the wait
        listed = client.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName="exit-tune")
        trials = listed["TrainingJobSummaries"]
        time.sleep(0.1)
    assert trials, "the tuning job started no training job"

    reason = "the Python process that ran this job exited"
    if stopped_by == "tuning-job-first":
        tuning_job = LocalAccount.of(Path(session.root)).tuning.get("exit-tune")
        assert tuning_job is not None
        tuning_job.abort(reason, grace=1.0)
    registry().shutdown(reason, grace=1.0)

    tuning = client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="exit-tune")
    assert tuning["HyperParameterTuningJobStatus"] == "Stopped"
    training = client.describe_training_job(TrainingJobName=trials[0]["TrainingJobName"])
    assert training["TrainingJobStatus"] == "Stopped"
    assert "the Python process that ran this job exited" in training["SecondaryStatusTransitions"][-1]["StatusMessage"]


@pytest.mark.parametrize(
    ("directory", "status_field", "describe"),
    [
        ("jobs", "TrainingJobStatus", lambda c, n: c.describe_training_job(TrainingJobName=n)),
        ("processing-jobs", "ProcessingJobStatus", lambda c, n: c.describe_processing_job(ProcessingJobName=n)),
    ],
)
def test_a_job_whose_process_died_is_described_failed_with_the_reason(
    session: LocalSession, directory: str, status_field: str, describe: Any
) -> None:
    """kill -9 of the process that ran a job: its record says InProgress, the answer says why it is Failed."""
    import subprocess
    import sys
    from datetime import datetime, timezone

    from sagemaker_lite.local.store import write_record

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    pid = int(dead.stdout)
    record = session.root / directory / "orphan-1"
    record.mkdir(parents=True)
    now = datetime.now(timezone.utc)
    write_record(record / "description.json", {status_field: "InProgress", "CreationTime": now}, {"pid": pid})
    described = describe(session.sagemaker_client, "orphan-1")
    assert described[status_field] == "Failed"
    assert described["FailureReason"] == (
        f"InternalServerError: the local process (pid {pid}) that ran this job exited before the job finished"
    )
