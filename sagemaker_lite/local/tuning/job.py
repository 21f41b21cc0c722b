"""LocalTuningJob: a hyperparameter tuning job run on this machine by the local backend.

A supervisor thread asks the search strategy (search.py) for points and runs each as a
local training job through the same client (``create_training_job``), never more than
``MaxParallelTrainingJobs`` at once. A job's objective is the ``FinalMetricDataList``
value the local training backend computes from the job's logs with its metric
definitions (a built-in algorithm's own metrics included). The description, listing and
best-job bookkeeping follow DescribeHyperParameterTuningJob /
ListTrainingJobsForHyperParameterTuningJob, so the tuner code is the same hosted and local.

Early stopping ``Auto`` applies the median rule locally: once at least three training jobs
have completed, a running job is stopped when the objective value its log reports so far
is worse than the median of the completed jobs' final values, after it has run at least as
long as the shortest completed job did. (SageMaker compares running averages per epoch;
the local rule is this simpler, documented stand-in.)

The record (``<root>/tuning/<name>/description.json``, with the trials' summaries), the
thread, stop, finalize and the exit hook are the shared local job lifecycle
(``lifecycle.LocalJob``): when Python exits, a running tuning job is stopped with its trials.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ...tuning import DEFINITION_FIELDS
from ..lifecycle import OrchestratingJob, joined, utc_now
from ..store import LOCAL_ACCOUNT, local_arn
from .search import GridSearch, Point, SearchSpace, make_strategy

LOGGER = logging.getLogger("sagemaker_lite")
TERMINAL = ("Completed", "Failed", "Stopped")
POLL_SECONDS = 0.05


class _Trial:
    def __init__(self, name: str, point: Point, definition: dict[str, Any]) -> None:
        self.name = name
        self.point = point
        self.definition = definition
        self.status = "InProgress"
        self.value: float | None = None
        self.description: dict[str, Any] = {}


class LocalTuningJob(OrchestratingJob):
    """One tuning job: its request, its trials, and the thread that runs them."""

    kind = "tuning"

    def __init__(self, request: dict[str, Any], *, client: Any, root: Path, region: str) -> None:
        name = str(request["HyperParameterTuningJobName"])
        arn = local_arn(region, "hyper-parameter-tuning-job", name)
        super().__init__(name=name, arn=arn, directory=root / "tuning" / name)
        self.request = request
        self.client = client
        config = request["HyperParameterTuningJobConfig"]
        self.config = config
        definitions = request.get("TrainingJobDefinitions") or [request["TrainingJobDefinition"]]
        self.definitions = definitions
        self.objective = config.get("HyperParameterTuningJobObjective") or definitions[0]["TuningObjective"]
        self.maximize = self.objective["Type"] == "Maximize"
        ranges = config.get("ParameterRanges") or definitions[0].get("HyperParameterRanges") or {}
        limits = config["ResourceLimits"]
        strategy = make_strategy(
            config["Strategy"],
            SearchSpace.from_request(ranges),
            max_jobs=limits.get("MaxNumberOfTrainingJobs") or 0,
            seed=config.get("RandomSeed"),
            maximize=self.maximize,
        )
        self.strategy = strategy
        grid_size = strategy.size if isinstance(strategy, GridSearch) else None
        self.max_jobs = int(limits.get("MaxNumberOfTrainingJobs") or grid_size or 1)
        if grid_size is not None:
            self.max_jobs = min(self.max_jobs, grid_size)
        self.max_parallel = int(limits["MaxParallelTrainingJobs"])
        self.deadline = limits.get("MaxRuntimeInSeconds")
        self.trials: list[_Trial] = []

    # --- lifecycle --------------------------------------------------------------------

    def record(self) -> tuple[dict[str, Any], dict[str, Any]]:
        meta = {"summaries": [_jsonable(s) for s in self.summaries()], "tags": self.request.get("Tags") or []}
        return self.describe(), meta

    def _trial_name(self, index: int, point: Point) -> str:
        digest = hashlib.sha1(repr(sorted(point.items())).encode()).hexdigest()[:8]
        return f"{self.name}-{index + 1:03d}-{digest}"

    def _definition_for(self, index: int) -> dict[str, Any]:
        definition: dict[str, Any] = self.definitions[index % len(self.definitions)]
        return definition

    def _training_request(self, name: str, point: Point, definition: dict[str, Any]) -> dict[str, Any]:
        request: dict[str, Any] = {"TrainingJobName": name}
        request["HyperParameters"] = {**(definition.get("StaticHyperParameters") or {}), **point}
        algorithm = dict(definition["AlgorithmSpecification"])
        request["AlgorithmSpecification"] = algorithm
        resources = dict(definition.get("HyperParameterTuningResourceConfig") or definition.get("ResourceConfig") or {})
        request["ResourceConfig"] = {
            k: v
            for k, v in resources.items()
            if k in ("InstanceCount", "InstanceType", "VolumeSizeInGB", "VolumeKmsKeyId")
        }
        for key in DEFINITION_FIELDS:
            if key in definition:
                request[key] = definition[key]
        return request

    def run(self) -> None:
        started = time.monotonic()
        try:
            while not self._stop.is_set():
                self._poll_trials()
                running = [t for t in self.trials if t.status == "InProgress"]
                if self.deadline and time.monotonic() - started > float(self.deadline):
                    self._stop.set()
                    break
                if len(self.trials) >= self.max_jobs and not running:
                    break
                can_launch = len(self.trials) < self.max_jobs and len(running) < self.max_parallel
                if can_launch and not self._launch_next(running) and not running:
                    break
                time.sleep(POLL_SECONDS)
            self._finish_trials()
        except Exception as exc:  # the record must reach a final status whatever happened
            LOGGER.warning("local tuning job %s failed: %r", self.name, exc)
            self.finalize("Failed", FailureReason=f"InternalServerError: {exc}")
            return
        with self._lock:
            stopped = self._stop.is_set() and self.status == "Stopping"
            done = [t for t in self.trials if t.value is not None]
        if stopped:
            self.finalize("Stopped")
        elif not done:
            metric = self.objective["MetricName"]
            self.finalize(
                "Failed", FailureReason=f"No training job completed with a value for the objective metric {metric}"
            )
        else:
            self.finalize("Completed")

    def _launch_next(self, running: list[_Trial]) -> bool:
        observed = [(t.point, t.value) for t in self.trials if t.value is not None]
        point = self.strategy.suggest(observed, [t.point for t in running])
        if point is None:
            return False
        index = len(self.trials)
        definition = self._definition_for(index)
        name = self._trial_name(index, point)
        trial = _Trial(name, point, definition)
        with self._lock:
            self.trials.append(trial)
        try:
            self.client.create_training_job(**self._training_request(name, point, definition))
        except Exception as exc:
            trial.status = "Failed"
            trial.description = {"FailureReason": str(exc)}
        self._persist()
        return True

    def _poll_trials(self) -> None:
        changed = False
        for trial in self.trials:
            if trial.status in TERMINAL:
                continue
            description = self.client.describe_training_job(TrainingJobName=trial.name)
            trial.description = description
            if description["TrainingJobStatus"] in TERMINAL:
                trial.status = description["TrainingJobStatus"]
                trial.value = self._objective_of(description)
                changed = True
            elif self.config.get("TrainingJobEarlyStoppingType") == "Auto":
                self._maybe_stop_early(trial)
        if changed:
            self._persist()

    def _objective_of(self, description: dict[str, Any]) -> float | None:
        if description.get("TrainingJobStatus") != "Completed":
            return None
        for metric in description.get("FinalMetricDataList") or []:
            if metric.get("MetricName") == self.objective["MetricName"]:
                return float(metric["Value"])
        return None

    def _maybe_stop_early(self, trial: _Trial) -> None:
        finished = [t for t in self.trials if t.value is not None]
        if len(finished) < 3:
            return
        current = self._objective_so_far(trial)
        if current is None:
            return
        median = statistics.median(t.value for t in finished if t.value is not None)
        shortest = min(_elapsed(t.description) for t in finished)
        worse = current < median if self.maximize else current > median
        if worse and _elapsed(trial.description) >= shortest:
            stop: Callable[[str, str], bool] = self.client.interrupt_training_job
            stop(trial.name, "stopped early by the tuning job (median rule)")

    def _objective_so_far(self, trial: _Trial) -> float | None:
        from ..training.metrics import compile_definitions, last_values

        definitions = trial.definition["AlgorithmSpecification"].get("MetricDefinitions") or []
        logs = sorted((self.client.root / "jobs" / trial.name / "logs").glob("algo-1-*.log"))
        if not logs:
            return None
        log = logs[-1]
        values = last_values(compile_definitions(definitions), log.read_text(errors="replace").splitlines())
        return values.get(self.objective["MetricName"])

    def _finish_trials(self) -> None:
        for trial in self.trials:
            if trial.status in TERMINAL:
                continue
            # with the tuning job's own reason (the interpreter exiting): the training job's exit
            # hook may be racing to stop it too, and the first reason is the one kept
            stop = self.client.interrupt_training_job
            stop(trial.name, joined("stopped with its tuning job", self._stop_message))
        deadline = time.monotonic() + 120
        while any(t.status not in TERMINAL for t in self.trials) and time.monotonic() < deadline:
            self._poll_trials()
            time.sleep(POLL_SECONDS)

    # --- views ------------------------------------------------------------------------

    def summary(self, trial: _Trial) -> dict[str, Any]:
        description = trial.description
        out: dict[str, Any] = {
            "TrainingJobName": trial.name,
            "TrainingJobArn": description.get(
                "TrainingJobArn", f"arn:aws:sagemaker:local:{LOCAL_ACCOUNT}:training-job/{trial.name}"
            ),
            "TuningJobName": self.name,
            "CreationTime": description.get("CreationTime", self.created),
            "TrainingJobStatus": trial.status,
            "TunedHyperParameters": dict(trial.point),
        }
        if len(self.definitions) > 1:
            out["TrainingJobDefinitionName"] = trial.definition["DefinitionName"]
        for key in ("TrainingStartTime", "TrainingEndTime", "FailureReason"):
            if description.get(key):
                out[key] = description[key]
        if trial.value is not None:
            out["FinalHyperParameterTuningJobObjectiveMetric"] = {
                "Type": self.objective["Type"],
                "MetricName": self.objective["MetricName"],
                "Value": trial.value,
            }
            out["ObjectiveStatus"] = "Succeeded"
        elif trial.status in TERMINAL:
            out["ObjectiveStatus"] = "Failed"
        else:
            out["ObjectiveStatus"] = "Pending"
        return out

    def describe(self) -> dict[str, Any]:
        with self._lock:
            trials = list(self.trials)
            status = self.status
        description: dict[str, Any] = {
            "HyperParameterTuningJobName": self.name,
            "HyperParameterTuningJobArn": self.arn,
            "HyperParameterTuningJobConfig": self.config,
        }
        for key in ("TrainingJobDefinition", "TrainingJobDefinitions", "WarmStartConfig"):
            if key in self.request:
                description[key] = self.request[key]
        description["HyperParameterTuningJobStatus"] = status
        description["CreationTime"] = self.created
        if self.ended is not None:
            description["HyperParameterTuningEndTime"] = self.ended
        description["LastModifiedTime"] = self.ended or utc_now()
        counters = {"Completed": 0, "InProgress": 0, "RetryableError": 0, "NonRetryableError": 0, "Stopped": 0}
        objective_counters = {"Succeeded": 0, "Pending": 0, "Failed": 0}
        for trial in trials:
            key = {"Failed": "NonRetryableError"}.get(trial.status, trial.status)
            counters[key] = counters.get(key, 0) + 1
            if trial.value is not None:
                objective_counters["Succeeded"] += 1
            elif trial.status in TERMINAL:
                objective_counters["Failed"] += 1
            else:
                objective_counters["Pending"] += 1
        description["TrainingJobStatusCounters"] = counters
        description["ObjectiveStatusCounters"] = objective_counters
        scored = [t for t in trials if t.value is not None]
        if scored:
            best = (max if self.maximize else min)(scored, key=lambda t: t.value)  # type: ignore[arg-type, return-value]
            description["BestTrainingJob"] = self.summary(best)
        if self.failure_reason:
            description["FailureReason"] = self.failure_reason
        return description

    def summaries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self.summary(t) for t in self.trials]


def _elapsed(description: dict[str, Any]) -> float:
    start, end = description.get("TrainingStartTime"), description.get("TrainingEndTime") or utc_now()
    return (end - start).total_seconds() if start else 0.0


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in summary.items()}
