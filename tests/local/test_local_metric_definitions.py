"""Local jobs report FinalMetricDataList: the request's MetricDefinitions applied to every host's log."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from local_helpers import training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local

DEFINITIONS = [
    {"Name": "train:loss", "Regex": "#011train-loss:([0-9.]+)"},
    {"Name": "accuracy", "Regex": "accuracy=([0-9.]+)"},
    {"Name": "never", "Regex": "never=([0-9.]+)"},
]
SCRIPT = """
host = os.environ["CURRENT_HOST"]
for epoch, loss in enumerate([0.9, 0.5, 0.25]):
    print(f"[{epoch}]\\ttrain-loss:{loss}", flush=True)
print("accuracy=" + ("0.75" if host == "algo-1" else "0.5"), flush=True)
sys.exit(int(os.environ.get("EXIT_CODE", "0")))
"""


def _request(name: str, tmp_path: Path, hosts: int = 1, exit_code: str = "0") -> dict:
    code = write_code(tmp_path / "code", SCRIPT)
    request = training_request(
        name, code, output=f"file://{tmp_path / 'out'}", instance_count=hosts, Environment={"EXIT_CODE": exit_code}
    )
    request["AlgorithmSpecification"]["MetricDefinitions"] = DEFINITIONS
    return request


def test_completed_job_reports_last_values(client: LocalSageMakerClient, tmp_path: Path) -> None:
    client.create_training_job(**_request("metrics-two-hosts", tmp_path, hosts=2))
    description = wait_for(client, "metrics-two-hosts", timeout=60)
    assert description["TrainingJobStatus"] == "Completed", description.get("FailureReason")
    metrics = {m["MetricName"]: m["Value"] for m in description["FinalMetricDataList"]}
    assert metrics == {"train:loss": 0.25, "accuracy": 0.75}  # a tab in the log reads as #011; algo-1 first
    assert all(isinstance(m["Timestamp"], datetime) for m in description["FinalMetricDataList"])
    # a later process reads the same record from disk
    fresh = LocalSageMakerClient(root=client.root).describe_training_job(TrainingJobName="metrics-two-hosts")
    assert fresh["FinalMetricDataList"] == description["FinalMetricDataList"]


def test_failed_job_still_reports_what_it_logged(client: LocalSageMakerClient, tmp_path: Path) -> None:
    client.create_training_job(**_request("metrics-failed", tmp_path, exit_code="4"))
    description = wait_for(client, "metrics-failed", timeout=60)
    assert description["TrainingJobStatus"] == "Failed"
    assert {m["MetricName"]: m["Value"] for m in description["FinalMetricDataList"]} == {
        "train:loss": 0.25,
        "accuracy": 0.75,
    }


def test_no_definitions_no_field(client: LocalSageMakerClient, tmp_path: Path) -> None:
    request = _request("metrics-none", tmp_path)
    del request["AlgorithmSpecification"]["MetricDefinitions"]
    client.create_training_job(**request)
    description = wait_for(client, "metrics-none", timeout=60)
    assert description["TrainingJobStatus"] == "Completed"
    assert "FinalMetricDataList" not in description


def test_training_job_analytics_reads_a_local_jobs_metrics(tmp_path: Path) -> None:
    """TrainingJobAnalytics works in local mode: GetMetricStatistics answered from the job's log."""
    from sagemaker_lite.analytics import TrainingJobAnalytics
    from sagemaker_lite.local import LocalSession

    session = LocalSession(root=tmp_path / "root")
    client = session.sagemaker_client
    client.create_training_job(**_request("metrics-analytics", tmp_path, hosts=1))
    description = wait_for(client, "metrics-analytics", timeout=60)
    assert description["TrainingJobStatus"] == "Completed", description.get("FailureReason")

    per_point = TrainingJobAnalytics("metrics-analytics", ["train:loss"], sagemaker_session=session, period=1)
    frame = per_point.dataframe()
    assert list(frame.columns) == ["timestamp", "metric_name", "value"]
    assert set(frame["metric_name"]) == {"train:loss"}
    # the three values (0.9, 0.5, 0.25) logged within the job, aggregated per 1 s period, in order
    values = list(frame["value"])
    assert values and min(values) >= 0.25 and max(values) <= 0.9
    if len(values) == 1:
        assert abs(values[0] - (0.9 + 0.5 + 0.25) / 3) < 1e-9
    assert TrainingJobAnalytics("metrics-analytics", ["never"], sagemaker_session=session).dataframe().empty
    cloudwatch = session.client("cloudwatch")
    stats = cloudwatch.get_metric_statistics(
        Namespace="/aws/sagemaker/TrainingJobs",
        MetricName="train:loss",
        Dimensions=[{"Name": "Host", "Value": "metrics-analytics/algo-1"}],
        StartTime=description["TrainingStartTime"],
        EndTime=description["TrainingEndTime"] + timedelta(minutes=1),
        Period=3600,
        Statistics=["Minimum", "Maximum", "SampleCount"],
    )["Datapoints"]
    assert [(p["Minimum"], p["Maximum"], p["SampleCount"]) for p in stats] == [(0.25, 0.9, 3.0)]
