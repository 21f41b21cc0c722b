"""The SageMaker client's hyperparameter-tuning calls, answered by this machine (a LocalSageMakerClient mixin).

    client.create_hyper_parameter_tuning_job(**request)       # same request as boto3's client takes
    client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="xgb-tune-1")
    client.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName="xgb-tune-1")

Requests are validated by botocore's own ParamValidator first, as boto3 would. Local tuning
runs the Random, Grid and Bayesian strategies (local/tuning/search.py); Hyperband needs the
service's intermediate-resource scheduling and is refused with ``LocalModeError``. A tuning
job run by another process is described from its record (``<root>/tuning/<name>``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...errors import LocalModeError
from ..account import LocalAccount
from ..store import client_error, read_record
from ..tuning.job import LocalTuningJob
from .validation import PLACEHOLDER_ROLE, metadata, page, validate_parameters

TUNING_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")


class LocalTuningMixin:
    """CreateHyperParameterTuningJob and friends for ``LocalSageMakerClient``."""

    root: Path
    account: LocalAccount
    region_name: str

    def _live_tuning(self, name: str) -> LocalTuningJob | None:
        return self.account.tuning.get(name)

    def create_hyper_parameter_tuning_job(self, **request: Any) -> dict[str, Any]:

        checked = dict(request)
        for key in ("TrainingJobDefinition",):
            if key in checked:
                checked[key] = {"RoleArn": PLACEHOLDER_ROLE, **checked[key]}
        if "TrainingJobDefinitions" in checked:
            checked["TrainingJobDefinitions"] = [
                {"RoleArn": PLACEHOLDER_ROLE, **d} for d in checked["TrainingJobDefinitions"]
            ]
        validate_parameters("CreateHyperParameterTuningJob", checked)
        name = request["HyperParameterTuningJobName"]
        if not TUNING_NAME_RE.match(name):
            raise client_error(
                "ValidationException",
                f"1 validation error detected: Value '{name}' at 'hyperParameterTuningJobName' failed to satisfy "
                f"constraint: Member must satisfy regular expression pattern: {TUNING_NAME_RE.pattern}",
                "CreateHyperParameterTuningJob",
            )
        config = request["HyperParameterTuningJobConfig"]
        if config["Strategy"] == "Hyperband":
            raise LocalModeError(
                "local tuning runs the Bayesian, Random and Grid strategies; Hyperband needs SageMaker "
                "(use strategy='Random' or 'Bayesian' locally)"
            )
        if request.get("WarmStartConfig"):
            raise LocalModeError(
                "local tuning does not warm start from parent tuning jobs; leave warm_start_config out"
            )
        if config["Strategy"] == "Grid":
            ranges = config.get("ParameterRanges") or {}
            if ranges.get("ContinuousParameterRanges") or ranges.get("IntegerParameterRanges"):
                raise client_error(
                    "ValidationException",
                    "Grid search strategy requires all hyperparameter ranges to be categorical.",
                    "CreateHyperParameterTuningJob",
                )
        elif not config["ResourceLimits"].get("MaxNumberOfTrainingJobs"):
            raise client_error(
                "ValidationException",
                "MaxNumberOfTrainingJobs is required for the Bayesian and Random strategies.",
                "CreateHyperParameterTuningJob",
            )
        job = LocalTuningJob(dict(request), client=self, root=self.root, region=self.region_name)
        try:
            self.account.tuning.claim(name, job, job.reserve)
        except FileExistsError:
            raise client_error(
                "ResourceInUse",
                f"Hyper Parameter Tuning Job with name {name} already exists. Choose a different name.",
                "CreateHyperParameterTuningJob",
            ) from None
        job.start()
        return {"HyperParameterTuningJobArn": job.arn, "ResponseMetadata": metadata()}

    def _tuning_record(self, name: str, operation: str) -> tuple[dict[str, Any], dict[str, Any]]:
        record = read_record(self.root / "tuning" / name / "description.json") if TUNING_NAME_RE.match(name) else None
        if record is None:
            raise client_error("ResourceNotFound", f"Amazon SageMaker can't find a tuning job named {name}", operation)
        return record

    def describe_hyper_parameter_tuning_job(self, **params: Any) -> dict[str, Any]:

        validate_parameters("DescribeHyperParameterTuningJob", params)
        name = params["HyperParameterTuningJobName"]
        job = self._live_tuning(name)
        description = (
            job.describe() if job is not None else self._tuning_record(name, "DescribeHyperParameterTuningJob")[0]
        )
        return {**description, "ResponseMetadata": metadata()}

    def list_training_jobs_for_hyper_parameter_tuning_job(self, **params: Any) -> dict[str, Any]:
        from datetime import datetime

        validate_parameters("ListTrainingJobsForHyperParameterTuningJob", params)
        name = params["HyperParameterTuningJobName"]
        job = self._live_tuning(name)
        if job is not None:
            summaries = job.summaries()
        else:
            meta = self._tuning_record(name, "ListTrainingJobsForHyperParameterTuningJob")[1]
            summaries = [
                {
                    k: (datetime.fromisoformat(v) if k.endswith("Time") and isinstance(v, str) else v)
                    for k, v in s.items()
                }
                for s in meta.get("summaries", [])
            ]
        if params.get("StatusEquals"):
            summaries = [s for s in summaries if s["TrainingJobStatus"] == params["StatusEquals"]]
        if params.get("SortBy") == "FinalObjectiveMetricValue":
            scored = [s for s in summaries if "FinalHyperParameterTuningJobObjectiveMetric" in s]
            scored.sort(
                key=lambda s: s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"],
                reverse=params.get("SortOrder", "Descending") == "Descending",
            )
            summaries = scored
        elif params.get("SortBy") in ("Name", "Status"):
            key = "TrainingJobName" if params["SortBy"] == "Name" else "TrainingJobStatus"
            summaries.sort(key=lambda s: s[key], reverse=params.get("SortOrder", "Descending") == "Descending")
        return page(summaries, params, "TrainingJobSummaries")

    def stop_hyper_parameter_tuning_job(self, **params: Any) -> dict[str, Any]:

        validate_parameters("StopHyperParameterTuningJob", params)
        name = params["HyperParameterTuningJobName"]
        job = self._live_tuning(name)
        if job is None:
            self._tuning_record(name, "StopHyperParameterTuningJob")
            raise LocalModeError(
                f"tuning job {name} is run by another Python process (or has ended); stop it from there"
            )
        job.stop()
        return {"ResponseMetadata": metadata()}
