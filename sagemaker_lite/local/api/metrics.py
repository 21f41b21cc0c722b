"""A CloudWatch-shaped ``get_metric_statistics`` over local training jobs' logs.

    TrainingJobAnalytics("my-local-job", ["train:loss"], sagemaker_session=LocalSession()).dataframe()

SageMaker publishes every value a job's metric definitions match in its log to CloudWatch
(namespace ``/aws/sagemaker/TrainingJobs``, dimension ``Host=<job>/algo-<n>``), and
``TrainingJobAnalytics`` reads them back with ``GetMetricStatistics``. Locally the same
definitions (the request's and a built-in algorithm's, as ``describe_training_job``
reports them) are applied to the host's log file, with the same matching rules as
``FinalMetricDataList`` (``training.metrics``), and the values are aggregated per
``Period`` like CloudWatch does (Average, Minimum, Maximum, Sum, SampleCount).

One approximation, because local log lines carry no clock of their own: a value's
timestamp is its line's position in the log spread evenly between the job's
``TrainingStartTime`` and ``TrainingEndTime`` (its last modification while running).
Order and values are exact; times within a job are an estimate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..store import client_error, jobs_dir
from ..training.metrics import _value, compile_definitions

NAMESPACE = "/aws/sagemaker/TrainingJobs"
STATISTICS = ("Average", "Minimum", "Maximum", "Sum", "SampleCount")


class LocalCloudWatchClient:
    """``session.client("cloudwatch")`` in local mode: ``get_metric_statistics`` for training-job metrics."""

    def __init__(self, root: Path, describe: Callable[[str], dict[str, Any]], region_name: str = "us-west-2") -> None:
        self._root = root
        self._describe = describe
        self.region_name = region_name

    def get_metric_statistics(
        self,
        *,
        Namespace: str,
        MetricName: str,
        StartTime: datetime,
        EndTime: datetime,
        Period: int,
        Statistics: Sequence[str] = ("Average",),
        Dimensions: Sequence[dict[str, str]] = (),
        **_ignored: Any,
    ) -> dict[str, Any]:
        if Namespace != NAMESPACE:
            return {"Label": MetricName, "Datapoints": []}
        unknown = [s for s in Statistics if s not in STATISTICS]
        if unknown or not Statistics or int(Period) < 1:
            raise client_error(
                "InvalidParameterValue",
                f"Statistics must be among {', '.join(STATISTICS)} and Period at least 1 (got {unknown or Period})",
                "GetMetricStatistics",
            )
        host_value = next((d.get("Value", "") for d in Dimensions if d.get("Name") == "Host"), "")
        job, _, host = host_value.partition("/")
        if not job or not host:
            return {"Label": MetricName, "Datapoints": []}
        try:
            description = self._describe(job)
        except Exception:
            return {"Label": MetricName, "Datapoints": []}
        samples = self._samples(job, host, MetricName, description)
        return {"Label": MetricName, "Datapoints": _aggregate(samples, StartTime, EndTime, int(Period), Statistics)}

    def _samples(self, job: str, host: str, metric: str, description: dict[str, Any]) -> list[tuple[datetime, float]]:
        definitions = (description.get("AlgorithmSpecification") or {}).get("MetricDefinitions") or []
        compiled = [(name, pattern) for name, pattern in compile_definitions(definitions) if name == metric]
        if not compiled:
            return []
        logs = sorted((jobs_dir(self._root) / job / "logs").glob(f"{host}-*.log"))
        lines: list[str] = []
        for path in logs:
            lines.extend(path.read_text(errors="replace").splitlines())
        start = _utc(description.get("TrainingStartTime") or description.get("CreationTime"))
        end = _utc(description.get("TrainingEndTime") or description.get("LastModifiedTime")) or start
        if start is None or end is None:
            return []
        span = max((end - start).total_seconds(), 0.0)
        samples: list[tuple[datetime, float]] = []
        for index, line in enumerate(lines):
            value = _value(compiled[0][1], line)
            if value is not None:
                offset = span * (index + 1) / max(len(lines), 1)
                samples.append((start + timedelta(seconds=offset), value))
        return samples


def _utc(moment: Any) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _aggregate(
    samples: list[tuple[datetime, float]], start: datetime, end: datetime, period: int, statistics: Sequence[str]
) -> list[dict[str, Any]]:
    start_utc, end_utc = _utc(start), _utc(end)
    if start_utc is None or end_utc is None:
        return []
    buckets: dict[int, list[float]] = {}
    for moment, value in samples:
        if start_utc <= moment < end_utc:
            buckets.setdefault(int((moment - start_utc).total_seconds() // period), []).append(value)
    points = []
    for bucket, values in sorted(buckets.items()):
        point: dict[str, Any] = {"Timestamp": start_utc + timedelta(seconds=bucket * period), "Unit": "None"}
        computed = {
            "Average": sum(values) / len(values),
            "Minimum": min(values),
            "Maximum": max(values),
            "Sum": sum(values),
            "SampleCount": float(len(values)),
        }
        point.update({name: computed[name] for name in statistics})
        points.append(point)
    return points
