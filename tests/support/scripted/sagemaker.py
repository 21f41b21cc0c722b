"""``ScriptedSageMaker``: training jobs whose lifecycle a test scripts, behind a real ``sagemaker`` client.

Lifecycle model (deterministic, no clock involved): a job is created at step 0 of its script.
Each DescribeTrainingJob OBSERVES the current step, then the job moves one step on (it stays on its
last step). So with the default script the 1st describe says InProgress/Starting, the 2nd
InProgress/Downloading, ... and the 5th (and later) Completed/Completed. ``advance()`` / ``finish()``
move a job without describing it. ListTrainingJobs does not advance jobs.

Real-SageMaker errors reproduced: duplicate CreateTrainingJob name -> ``ResourceInUse`` "Training job
names must be unique within an AWS account and region, and a training job with this name already exists
(<arn>)"; unknown job -> ``ValidationException`` "Requested resource not found."; stopping a job that is
not InProgress -> ``ValidationException``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import botocore.session

from .transport import JsonDict, ScriptedService, ServiceError

Step = tuple[str, str] | tuple[str, str, str]  # (TrainingJobStatus, SecondaryStatus[, StatusMessage])

DEFAULT_SCRIPT: tuple[Step, ...] = (
    ("InProgress", "Starting"),
    ("InProgress", "Downloading"),
    ("InProgress", "Training"),
    ("InProgress", "Uploading"),
    ("Completed", "Completed"),
)
TERMINAL_STATUSES = frozenset({"Completed", "Failed", "Stopped"})
STATUS_MESSAGES: dict[str, str] = {
    "Starting": "Preparing the instances for training",
    "LaunchingMLInstances": "Launching requested ML instances",
    "PreparingTrainingStack": "Preparing the training stack",
    "Downloading": "Downloading input data",
    "DownloadingTrainingImage": "Downloading the training image",
    "Training": "Training image download completed. Training in progress.",
    "Uploading": "Uploading generated training model",
    "Completed": "Training job completed",
    "Failed": "Training job failed",
    "Stopping": "Stopping the training job",
    "Stopped": "Training job stopped",
    "MaxRuntimeExceeded": "Training job exceeded the MaxRuntimeInSeconds",
}
_NOT_ECHOED = frozenset({"TrainingJobName", "Tags"})


@functools.cache
def _echoed_fields() -> frozenset[str]:
    """Request fields that DescribeTrainingJob returns as they were sent."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    sent = set(model.operation_model("CreateTrainingJob").input_shape.members)
    returned = set(model.operation_model("DescribeTrainingJob").output_shape.members)
    return frozenset((sent & returned) - _NOT_ECHOED)


@dataclass
class TrainingJob:
    """The double's record of one job (``double.jobs[name]``)."""

    name: str
    arn: str
    request: JsonDict
    steps: list[Step]
    failure_reason: str | None
    created: float
    step: int = 0
    describes: int = 0
    reached_at: list[float] = field(default_factory=list)  # wall time each step was reached

    @property
    def status(self) -> str:
        return self.steps[self.step][0]

    @property
    def secondary_status(self) -> str:
        return self.steps[self.step][1]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


class ScriptedSageMaker(ScriptedService):
    """Scripted training jobs. ``install(client_or_session)``, then script with ``script_job``."""

    service_name = "sagemaker"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.jobs: dict[str, TrainingJob] = {}
        self._scripts: dict[str | None, tuple[list[Step], str | None]] = {None: (list(DEFAULT_SCRIPT), None)}
        self.on("CreateTrainingJob", self._create_training_job)
        self.on("DescribeTrainingJob", self._describe_training_job)
        self.on("StopTrainingJob", self._stop_training_job)
        self.on("ListTrainingJobs", self._list_training_jobs)

    # -- scripting -------------------------------------------------------------------------------
    def script_job(self, name_or_prefix: str | None, steps: Sequence[Step], failure_reason: str | None = None) -> None:
        """Script jobs created from now on: exact name first, then the longest matching prefix, then None.

        ``steps``: ``(TrainingJobStatus, SecondaryStatus)`` pairs, optionally with a StatusMessage.
        A ``Failed`` step reports ``failure_reason`` (default "AlgorithmError: scripted failure").
        Re-scripting an existing job by exact name restarts its lifecycle at step 0.
        """
        if not steps:
            raise ValueError("a script needs at least one step")
        self._scripts[name_or_prefix] = (list(steps), failure_reason)
        if name_or_prefix is not None and name_or_prefix in self.jobs:
            job = self.jobs[name_or_prefix]
            job.steps, job.failure_reason, job.step = list(steps), failure_reason, 0
            job.reached_at = [self.wall_clock()]

    def _script_for(self, name: str) -> tuple[list[Step], str | None]:
        if name in self._scripts:
            return self._scripts[name]
        prefixes = [p for p in self._scripts if p is not None and name.startswith(p)]
        return self._scripts[max(prefixes, key=len)] if prefixes else self._scripts[None]

    def step_of(self, name: str) -> int:
        """The job's current step index, or -1 if no such job exists (yet)."""
        job = self.jobs.get(name)
        return job.step if job is not None else -1

    def advance(self, name: str, steps: int = 1) -> TrainingJob:
        job = self.jobs[name]
        for _ in range(steps):
            self._move(job, job.step + 1)
        return job

    def finish(self, name: str) -> TrainingJob:
        job = self.jobs[name]
        self._move(job, len(job.steps) - 1)
        return job

    def _move(self, job: TrainingJob, to: int) -> None:
        to = min(to, len(job.steps) - 1)
        while job.step < to:
            job.step += 1
            job.reached_at.append(max(self.wall_clock(), job.reached_at[-1]))

    # -- operations ------------------------------------------------------------------------------
    def _arn(self, name: str) -> str:
        return f"arn:aws:sagemaker:{self.current_region}:{self.account_id}:training-job/{name}"

    def _create_training_job(self, params: JsonDict) -> JsonDict:
        name = params["TrainingJobName"]
        if name in self.jobs:
            raise ServiceError(
                "ResourceInUse",
                "Training job names must be unique within an AWS account and region, and a training job "
                f"with this name already exists ({self.jobs[name].arn})",
            )
        steps, reason = self._script_for(name)
        now = self.wall_clock()
        job = TrainingJob(name, self._arn(name), params, list(steps), reason, created=now, reached_at=[now])
        self.jobs[name] = job
        return {"TrainingJobArn": job.arn}

    def _job(self, name: str) -> TrainingJob:
        job = self.jobs.get(name)
        if job is None:
            raise ServiceError("ValidationException", "Requested resource not found.")
        return job

    def _describe_training_job(self, params: JsonDict) -> JsonDict:
        job = self._job(params["TrainingJobName"])
        job.describes += 1
        response = self.describe(job)
        self._move(job, job.step + 1)
        return response

    def describe(self, job: TrainingJob) -> JsonDict:
        """The DescribeTrainingJob response for the job's current step (does not advance it)."""
        req = job.request
        out: JsonDict = {key: req[key] for key in _echoed_fields() if key in req}
        out.update(
            TrainingJobName=job.name,
            TrainingJobArn=job.arn,
            TrainingJobStatus=job.status,
            SecondaryStatus=job.secondary_status,
            SecondaryStatusTransitions=self._transitions(job),
            CreationTime=job.created,
            LastModifiedTime=job.reached_at[job.step],
        )
        start = self._training_start(job)
        if start is not None:
            out["TrainingStartTime"] = start
        if job.is_terminal:
            end = job.reached_at[job.step]
            out["TrainingEndTime"] = end
            seconds = int(end - (start if start is not None else job.created))
            out["TrainingTimeInSeconds"] = seconds
            out["BillableTimeInSeconds"] = seconds * int(req.get("ResourceConfig", {}).get("InstanceCount", 1))
        if job.status == "Completed":
            output_path = str(req.get("OutputDataConfig", {}).get("S3OutputPath", "")).rstrip("/")
            out["ModelArtifacts"] = {"S3ModelArtifacts": f"{output_path}/{job.name}/output/model.tar.gz"}
        if job.status == "Failed":
            out["FailureReason"] = job.failure_reason or "AlgorithmError: scripted failure"
        return out

    def _training_start(self, job: TrainingJob) -> float | None:
        for index in range(job.step + 1):
            status, secondary = job.steps[index][0], job.steps[index][1]
            if status == "InProgress" and secondary not in ("Starting", "Pending", "LaunchingMLInstances"):
                return job.reached_at[index]
        return None

    def _transitions(self, job: TrainingJob) -> list[JsonDict]:
        transitions: list[JsonDict] = []
        for index in range(job.step + 1):
            step = job.steps[index]
            secondary = step[1]
            if transitions and transitions[-1]["Status"] == secondary:
                continue
            if transitions:
                transitions[-1]["EndTime"] = job.reached_at[index]
            message = step[2] if len(step) > 2 else STATUS_MESSAGES.get(secondary, secondary)
            if secondary == "Failed" and job.failure_reason:
                message = f"Training job failed. Reason: {job.failure_reason}"
            transitions.append({"Status": secondary, "StartTime": job.reached_at[index], "StatusMessage": message})
        if job.is_terminal:
            transitions[-1]["EndTime"] = transitions[-1]["StartTime"]
        return transitions

    def _stop_training_job(self, params: JsonDict) -> JsonDict:
        job = self._job(params["TrainingJobName"])
        if job.status != "InProgress":
            raise ServiceError(
                "ValidationException",
                f"The request was rejected because the training job is in status {job.status}.",
            )
        # The current (not yet observed) step is replaced: the next describe says Stopping, then Stopped.
        job.steps = [*job.steps[: job.step], ("Stopping", "Stopping"), ("Stopped", "Stopped")]
        job.reached_at[job.step] = max(self.wall_clock(), job.reached_at[job.step])
        return {}

    def _list_training_jobs(self, params: JsonDict) -> JsonDict:
        jobs = list(self.jobs.values())
        if "NameContains" in params:
            jobs = [j for j in jobs if params["NameContains"].lower() in j.name.lower()]
        if "StatusEquals" in params:
            jobs = [j for j in jobs if j.status == params["StatusEquals"]]
        sort_by = params.get("SortBy", "CreationTime")
        key = {"Name": lambda j: j.name, "Status": lambda j: j.status}.get(sort_by, lambda j: j.created)
        jobs.sort(key=key, reverse=params.get("SortOrder", "Descending") == "Descending")
        start = int(params.get("NextToken", "0") or 0)
        size = int(params.get("MaxResults", 10))
        page = jobs[start : start + size]
        out: JsonDict = {"TrainingJobSummaries": [self._summary(j) for j in page]}
        if start + size < len(jobs):
            out["NextToken"] = str(start + size)
        return out

    def _summary(self, job: TrainingJob) -> JsonDict:
        summary: JsonDict = {
            "TrainingJobName": job.name,
            "TrainingJobArn": job.arn,
            "CreationTime": job.created,
            "LastModifiedTime": job.reached_at[job.step],
            "TrainingJobStatus": job.status,
            "SecondaryStatus": job.secondary_status,
        }
        if job.is_terminal:
            summary["TrainingEndTime"] = job.reached_at[job.step]
        return summary
