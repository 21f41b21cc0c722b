"""TuningJob: a handle on one hyperparameter tuning job — describe, wait, list its training jobs, stop.

    job = tuner.latest_tuning_job
    job.wait()        # one line per finished training job: its objective value and the best so far
    job.describe()["BestTrainingJob"]["TrainingJobName"]

Waiting asks DescribeHyperParameterTuningJob on a backoff schedule (at once, then up to
``polling.maximum`` apart), and lists the training jobs only when the describe shows that
more of them have finished — so a 500-job tuning run costs a few calls per minute, far
below the Describe/List throttling limits, and every call of one Session shares one rate
limit. Ctrl-C stops the waiting, not the tuning job, and prints how to attach.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

from ._retry import DEFAULT_POLLING, PollingPolicy
from .errors import UnexpectedStatusError
from .jobs import create_or_adopt
from .redact import redact

TERMINAL_TUNING_STATUSES = ("Completed", "Failed", "Stopped", "DeleteFailed")
FINISHED_TRAINING = ("Completed", "Failed", "Stopped")
#: Describe/List tuning-job calls per second per Session, shared by every tuning job it waits on
TUNING_CALL_RATE = 2.0

Printer = Callable[[str], None]


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class TuningJobFailedError(UnexpectedStatusError):
    """A tuning job ended Failed; ``failure_reason`` says why."""

    def __init__(self, job_name: str, failure_reason: str) -> None:
        self.job_name = job_name
        self.failure_reason = failure_reason
        Exception.__init__(self, f"Hyperparameter tuning job {job_name} failed: {failure_reason}")


class TuningJob:
    """A tuning job by name, bound to the Session (or local backend) that owns it."""

    def __init__(self, sagemaker_session: Any, job_name: str, *, polling: PollingPolicy | None = None) -> None:
        self.sagemaker_session = sagemaker_session
        self.name = job_name
        session_polling = getattr(sagemaker_session, "tuning_polling", None)
        self.polling = polling or (session_polling() if callable(session_polling) else DEFAULT_POLLING)

    @property
    def job_name(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"TuningJob({self.name!r})"

    @property
    def _client(self) -> Any:
        return self.sagemaker_session.sagemaker_client

    def _call(self, fn: Callable[[], Any]) -> Any:
        self.sagemaker_session.throttle("TuningJobCalls", TUNING_CALL_RATE, self.polling.sleep)
        return self.polling.call(fn)

    @classmethod
    def start_new(cls, sagemaker_session: Any, request: dict[str, Any]) -> TuningJob:
        """CreateHyperParameterTuningJob, safe to retry.

        Only our own create whose answer was lost is adopted (``jobs.create_or_adopt``, as
        for training jobs); a name already in use otherwise is SageMaker's error.
        """
        job = cls(sagemaker_session, request["HyperParameterTuningJobName"])
        create_or_adopt(
            job._client.create_hyper_parameter_tuning_job,
            request,
            job.describe,
            required=("HyperParameterTuningJobConfig",),
        )
        return job

    def describe(self) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob (transient errors and throttling retried with backoff)."""
        response = self._call(
            lambda: self._client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=self.name)
        )
        return {k: v for k, v in response.items() if k != "ResponseMetadata"}

    def stop(self) -> None:
        """StopHyperParameterTuningJob: running training jobs are stopped, the job ends Stopped."""
        self._call(lambda: self._client.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=self.name))

    def training_job_summaries(self, **filters: Any) -> list[dict[str, Any]]:
        """Every training job of this tuning job (ListTrainingJobsForHyperParameterTuningJob, all pages)."""
        return list(self._summaries(filters))

    def _summaries(self, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            params: dict[str, Any] = {"HyperParameterTuningJobName": self.name, "MaxResults": 100, **filters}
            if token:
                params["NextToken"] = token
            page = self._list_page(params)
            yield from page.get("TrainingJobSummaries", [])
            token = page.get("NextToken")
            if not token:
                return

    def _list_page(self, params: dict[str, Any]) -> dict[str, Any]:
        page: dict[str, Any] = self._call(
            lambda: self._client.list_training_jobs_for_hyper_parameter_tuning_job(**params)
        )
        return page

    def wait(self, *, printer: Printer | None = None, logs: bool = True) -> dict[str, Any]:
        """Block until the tuning job ends; print a line per finished training job (with ``logs``).

        Completed and Stopped return the description; Failed raises ``TuningJobFailedError``.
        """
        from tenacity import Retrying, retry_if_result

        out = printer or _print
        progress = _Progress(out if logs else (lambda _line: None))

        def poll_once() -> dict[str, Any]:
            description = self.describe()
            counters = description.get("TrainingJobStatusCounters") or {}
            finished = sum(
                int(counters.get(key, 0)) for key in ("Completed", "NonRetryableError", "RetryableError", "Stopped")
            )
            if logs and finished > progress.seen_finished:
                progress.report(self.training_job_summaries(), description)
                progress.seen_finished = finished
            return description

        try:
            description: dict[str, Any] = Retrying(
                retry=retry_if_result(lambda d: d.get("HyperParameterTuningJobStatus") not in TERMINAL_TUNING_STATUSES),
                wait=self.polling.intervals(),
                sleep=self.polling.sleep,
            )(poll_once)
        except KeyboardInterrupt:
            where = self.sagemaker_session.session_argument()
            out(
                f"\nStopped waiting; tuning job {self.name} is still running.\n"
                f"Resume with: HyperparameterTuner.attach({self.name!r}{where}).wait()\n"
                f"Stop it with: HyperparameterTuner.attach({self.name!r}{where}).stop_tuning_job()"
            )
            raise
        if logs:
            progress.report(self.training_job_summaries(), description)
        status = description.get("HyperParameterTuningJobStatus")
        if status == "Failed":
            raise TuningJobFailedError(self.name, str(description.get("FailureReason", "")))
        if logs:
            out(redact(f"Tuning job {self.name} ended {status}. {progress.best_line(description)}".rstrip()))
        return description


class _Progress:
    """Prints each finished training job once, with the best objective value seen so far."""

    def __init__(self, out: Printer) -> None:
        self.out = out
        self.reported: set[str] = set()
        self.seen_finished = 0
        self.best: tuple[float, str] | None = None

    def report(self, summaries: list[dict[str, Any]], description: dict[str, Any]) -> None:
        objective_type = (
            (description.get("HyperParameterTuningJobConfig") or {}).get("HyperParameterTuningJobObjective") or {}
        ).get("Type", "Maximize")
        finished = [s for s in summaries if s.get("TrainingJobStatus") in FINISHED_TRAINING]
        finished.sort(key=lambda s: (str(s.get("TrainingEndTime") or ""), s["TrainingJobName"]))
        for summary in finished:
            name = summary["TrainingJobName"]
            if name in self.reported:
                continue
            self.reported.add(name)
            metric = summary.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
            value = metric.get("Value")
            if value is not None:
                better = self.best is None or (
                    value > self.best[0] if objective_type == "Maximize" else value < self.best[0]
                )
                if better:
                    self.best = (float(value), name)
            if value is not None:
                shown = f"{metric.get('MetricName', 'objective')}={value:g}"
            else:
                shown = f"no objective ({summary['FailureReason']})" if summary.get("FailureReason") else "no objective"
            best = f"best so far {self.best[0]:g} ({self.best[1]})" if self.best else "no best yet"
            self.out(redact(f"{name}: {summary.get('TrainingJobStatus')}, {shown}; {best}"))

    def best_line(self, description: dict[str, Any]) -> str:
        best = description.get("BestTrainingJob") or {}
        metric = best.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
        if not best:
            return ""
        return f"Best training job: {best.get('TrainingJobName')} ({metric.get('MetricName')}={metric.get('Value')})"
