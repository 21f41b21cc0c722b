"""The metrics users look at after training and tuning, as pandas DataFrames.

    from sagemaker_lite.analytics import TrainingJobAnalytics
    TrainingJobAnalytics("xgb-2026-...", metric_names=["validation:auc"]).dataframe()
    tuner.analytics().dataframe()        # one row per training job of a tuning job

pandas is an optional extra (``pip install sagemaker_lite[analytics]``); without it,
``dataframe()`` raises ``ConfigurationError`` saying so, and the plain data is still there
(``training_job_summaries()``, ``metric_rows()``). Metric series come from CloudWatch
(``GetMetricStatistics`` in the ``/aws/sagemaker/TrainingJobs`` namespace, as SageMaker
publishes them); in local mode the Session's CloudWatch client answers the same call from
the job's own log lines and metric definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from .errors import ConfigurationError

METRICS_NAMESPACE = "/aws/sagemaker/TrainingJobs"


def _pandas() -> Any:
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ConfigurationError(
            "pandas", "dataframe() needs pandas: pip install 'sagemaker_lite[analytics]' (or pip install pandas)"
        ) from None
    return pandas


def _session(sagemaker_session: Any) -> Any:
    if sagemaker_session is not None:
        return sagemaker_session
    from .session import Session

    return Session()


class HyperparameterTuningJobAnalytics:
    """One row per training job of a tuning job: tuned values, status, final objective, times."""

    def __init__(self, hyperparameter_tuning_job_name: str, sagemaker_session: Any = None) -> None:
        from .tuning_job import TuningJob

        self.sagemaker_session = _session(sagemaker_session)
        self._job = TuningJob(self.sagemaker_session, hyperparameter_tuning_job_name)
        self._description: dict[str, Any] | None = None
        self._summaries: list[dict[str, Any]] | None = None

    @property
    def name(self) -> str:
        return self._job.name

    def __repr__(self) -> str:
        return f"<HyperparameterTuningJobAnalytics for {self.name}>"

    def description(self, force_refresh: bool = False) -> dict[str, Any]:
        if force_refresh or self._description is None:
            self._description = self._job.describe()
        return self._description

    def training_job_summaries(self, force_refresh: bool = False) -> list[dict[str, Any]]:
        if force_refresh or self._summaries is None:
            self._summaries = self._job.training_job_summaries()
        return self._summaries

    def rows(self, force_refresh: bool = False) -> list[dict[str, Any]]:
        """The dataframe's rows as plain dicts (numbers as floats where the range is numeric)."""
        out = []
        for summary in self.training_job_summaries(force_refresh):
            row: dict[str, Any] = {}
            for name, value in (summary.get("TunedHyperParameters") or {}).items():
                row[name] = _number_or_text(value)
            row["TrainingJobName"] = summary["TrainingJobName"]
            row["TrainingJobStatus"] = summary.get("TrainingJobStatus")
            metric = summary.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
            row["FinalObjectiveValue"] = metric.get("Value")
            start, end = summary.get("TrainingStartTime"), summary.get("TrainingEndTime")
            row["TrainingStartTime"] = start
            row["TrainingEndTime"] = end
            row["TrainingElapsedTimeSeconds"] = (end - start).total_seconds() if start and end else None
            if summary.get("TrainingJobDefinitionName"):
                row["TrainingJobDefinitionName"] = summary["TrainingJobDefinitionName"]
            out.append(row)
        return out

    def dataframe(self, force_refresh: bool = False) -> Any:
        """A pandas DataFrame of ``rows()``."""
        return _pandas().DataFrame(self.rows(force_refresh))

    def export_csv(self, filename: str) -> None:
        self.dataframe().to_csv(filename)


def _number_or_text(value: Any) -> Any:
    text = str(value).strip('"')
    try:
        return float(text)
    except ValueError:
        return text


class TrainingJobAnalytics:
    """A training job's metric series: ``TrainingJobAnalytics(name, ["train:loss"]).dataframe()``.

    Columns ``timestamp`` (seconds since the job started training), ``metric_name``, ``value``;
    ``metric_names`` default to the job's metric definitions.
    """

    CLOUDWATCH_NAMESPACE = METRICS_NAMESPACE

    def __init__(
        self,
        training_job_name: str,
        metric_names: Sequence[str] | None = None,
        sagemaker_session: Any = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        period: int | None = None,
    ) -> None:
        self.sagemaker_session = _session(sagemaker_session)
        self.name = training_job_name
        self._metric_names = list(metric_names) if metric_names is not None else None
        self._start_time = start_time
        self._end_time = end_time
        self._period = period or 60
        self._rows: list[dict[str, Any]] | None = None

    def __repr__(self) -> str:
        return f"<TrainingJobAnalytics for {self.name}>"

    def _describe(self) -> dict[str, Any]:
        from .jobs import TrainingJob

        return TrainingJob(self.sagemaker_session, self.name).describe()

    def metric_rows(self, force_refresh: bool = False) -> list[dict[str, Any]]:
        if self._rows is not None and not force_refresh:
            return self._rows
        description = self._describe()
        names = self._metric_names
        if names is None:
            definitions = (description.get("AlgorithmSpecification") or {}).get("MetricDefinitions") or []
            names = [d["Name"] for d in definitions]
        start = self._start_time or description.get("TrainingStartTime") or description.get("CreationTime")
        end = self._end_time or description.get("TrainingEndTime") or datetime.now(start.tzinfo if start else None)
        end = end + timedelta(minutes=1)
        cloudwatch = self.sagemaker_session.client("cloudwatch")
        rows: list[dict[str, Any]] = []
        for metric in names:
            response = cloudwatch.get_metric_statistics(
                Namespace=self.CLOUDWATCH_NAMESPACE,
                MetricName=metric,
                Dimensions=[{"Name": "Host", "Value": f"{self.name}/algo-1"}],
                StartTime=start,
                EndTime=end,
                Period=self._period,
                Statistics=["Average"],
            )
            points = sorted(response.get("Datapoints", []), key=lambda p: p["Timestamp"])
            for point in points:
                rows.append(
                    {
                        "timestamp": (point["Timestamp"] - start).total_seconds(),
                        "metric_name": metric,
                        "value": point["Average"],
                    }
                )
        self._rows = rows
        return rows

    def dataframe(self, force_refresh: bool = False) -> Any:
        return _pandas().DataFrame(self.metric_rows(force_refresh), columns=["timestamp", "metric_name", "value"])

    def export_csv(self, filename: str) -> None:
        self.dataframe().to_csv(filename)
