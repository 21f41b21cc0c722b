"""LocalSageMakerClient: the SageMaker client's training methods, answered by this machine.

    from sagemaker_lite.local import LocalSageMakerClient
    client = LocalSageMakerClient()
    client.create_training_job(**request)            # same request as boto3's client takes
    client.describe_training_job(TrainingJobName="my-job")["TrainingJobStatus"]

It is the local side of the one seam between hosted and local (DESIGN.md principle 2):
the estimator builds the same CreateTrainingJob request and ``TrainingJob`` polls the
same DescribeTrainingJob shape whichever client it holds. Requests are checked the way
AWS checks them - first by botocore's own ``ParamValidator`` against the SageMaker
service model (``ParamValidationError``, raised before anything runs), then by the
server-side rules a local run can break (``ClientError`` ``ValidationException``) - so
local mode rejects what SageMaker rejects. Unknown jobs and duplicate names give the
service's error codes (``ValidationException`` "Requested resource not found.",
``ResourceInUse``). The only relaxation: no ``RoleArn`` is needed.

The jobs belong to the client's ``LocalAccount`` (account.py, one per root in this
interpreter, handed over by ``LocalSession``): every client over the same root sees the same
jobs, and a job another process ran is described from its ``description.json``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ...errors import LocalModeError, ValidationError
from ..account import LocalAccount
from ..store import (
    DEFAULT_REGION,
    client_error,
    default_root,
    jobs_dir,
    orphan_description,
    read_record,
    recover_orphans,
)
from ..training import contract, frameworks
from ..training.job import TERMINAL, LocalTrainingJob
from .hosting import LocalHostingMixin
from .processing import LocalProcessingMixin
from .transform import LocalTransformMixin
from .tuning import LocalTuningMixin
from .validation import PLACEHOLDER_ROLE, metadata, page, validate_parameters

JOB_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def _invalid(value: Any, member: str, constraint: str) -> Exception:
    shown = str(value) if len(str(value)) <= 200 else f"{str(value)[:200]}..."
    return client_error(
        "ValidationException",
        f"1 validation error detected: Value '{shown}' at '{member}' failed to satisfy constraint: {constraint}",
        "CreateTrainingJob",
    )


def _check_uri(value: str, member: str) -> None:
    if not (value.startswith("s3://") or value.startswith("file://")):
        raise _invalid(value, member, "Member must be an s3:// URI (or file:// in local mode)")


def validate_create(request: dict[str, Any]) -> None:
    """What CreateTrainingJob refuses: botocore's checks, then the service's own (see module doc).

    The service's limits (name pattern, hyperparameter and environment sizes and patterns,
    channel names, ...) are the ones ``limits.problems`` reads from botocore's service model,
    as every request the SDK builds is checked; here they come back as the service's
    ``ValidationException``, naming the request path, the value and what is accepted.
    """
    from ...limits import problems

    validate_parameters("CreateTrainingJob", {"RoleArn": PLACEHOLDER_ROLE, **request})
    _check_uri(request["OutputDataConfig"]["S3OutputPath"], "OutputDataConfig.S3OutputPath")
    for index, channel in enumerate(request.get("InputDataConfig") or []):
        s3 = (channel.get("DataSource") or {}).get("S3DataSource")
        if s3 is not None:
            _check_uri(s3["S3Uri"], f"InputDataConfig[{index}].DataSource.S3DataSource.S3Uri")
    checkpoint = request.get("CheckpointConfig") or {}
    if checkpoint.get("S3Uri"):
        _check_uri(checkpoint["S3Uri"], "CheckpointConfig.S3Uri")
    for problem in problems("CreateTrainingJob", request, local=True)[:1]:
        raise _invalid(problem.value, problem.request_path, f"Member must be {problem.allowed}")
    seen: set[str] = set()
    for channel in request.get("InputDataConfig") or []:
        channel_name = channel["ChannelName"]
        if channel_name in seen:
            raise client_error(
                "ValidationException", f"Channel names must be unique: {channel_name!r}", "CreateTrainingJob"
            )
        seen.add(channel_name)
        source = channel.get("DataSource") or {}
        if "FileSystemDataSource" in source or "S3DataSource" not in source:
            raise LocalModeError(
                f"channel {channel_name!r}: local mode reads s3:// and file:// channels only, not EFS/FSx file "
                "systems; copy the data to a local directory and pass 'file:///path/to/data'"
            )
        s3 = source["S3DataSource"]
        if s3.get("S3DataType") == "AugmentedManifestFile":
            raise LocalModeError(f"channel {channel_name!r}: local mode does not read AugmentedManifestFile inputs")
    for argument, value in contract.container_path_problems(request):
        raise ValidationError(
            argument,
            value,
            "an absolute container path that stays inside /opt/ml once normalised, such as '/opt/ml/checkpoints'",
            hint="locally /opt/ml is the job's directory on this machine, and nothing may reach outside it",
        )


class LocalSageMakerClient(LocalHostingMixin, LocalProcessingMixin, LocalTuningMixin, LocalTransformMixin):
    """Training-job calls of ``boto3.client("sagemaker")``, run on this machine.

    The hosting calls (``create_model`` ... ``delete_endpoint``) come from ``LocalHostingMixin``
    (hosting.py): endpoints are TensorFlow Serving-compatible servers on 127.0.0.1.

    ``LocalSageMakerClient(root=Path(...), s3_client_factory=lambda: session.s3_client)``;
    ``LocalSession`` builds one for you. ``stop_timeout`` is how long a stopped job's
    processes get between SIGTERM and SIGKILL (SageMaker gives 120 s; locally 10 s).
    ``python`` is the interpreter that runs training scripts (default: this one);
    ``framework_versions`` is ``"exact"`` (the default: the version the job's image names, built
    or refused at ``create_training_job``) or ``"installed"``; None reads
    ``$SAGEMAKER_LITE_FRAMEWORK_VERSIONS`` at each create (training/frameworks.py).
    ``account`` holds the live jobs and endpoints (default: the one of ``root`` in this interpreter).
    """

    def __init__(
        self,
        *,
        root: Path | None = None,
        region_name: str = DEFAULT_REGION,
        s3_client_factory: Callable[[], Any] | None = None,
        stop_timeout: float = 10.0,
        python: str | None = None,
        framework_versions: str | None = None,
        account: LocalAccount | None = None,
    ) -> None:
        if framework_versions is not None:
            frameworks.resolve_mode(framework_versions)
        self.root = root or default_root()
        self.account = account or LocalAccount.of(self.root)
        self.region_name = region_name
        self.stop_timeout = stop_timeout
        self.python = python
        self.framework_versions = framework_versions
        self._s3_factory = s3_client_factory or self._own_s3_client
        self._s3: Any = None
        self.meta = SimpleNamespace(region_name=region_name, service_model=None)

    def _own_s3_client(self) -> Any:
        if self._s3 is None:
            import boto3

            self._s3 = boto3.Session(region_name=self.region_name).client("s3")
        return self._s3

    def __repr__(self) -> str:
        return f"LocalSageMakerClient(root={str(self.root)!r})"

    # --- jobs ---------------------------------------------------------------------

    def _live(self, name: str) -> LocalTrainingJob | None:
        return self.account.training.get(name)

    def _record(self, name: str, operation: str) -> tuple[dict[str, Any], dict[str, Any]]:
        record = read_record(jobs_dir(self.root) / name / "description.json") if JOB_NAME_RE.match(name) else None
        if record is None:
            raise client_error("ValidationException", "Requested resource not found.", operation)
        description, meta = record
        return orphan_description(description, meta) or description, meta

    def _recover(self) -> None:
        """Once per root and process: finish the records (and remove the FIFOs) of jobs whose process died."""
        if self.account.first_visit():
            recover_orphans(self.root)

    def create_training_job(self, **request: Any) -> dict[str, Any]:
        """Validate, reserve the name, start the job in the background; returns ``{"TrainingJobArn": ...}``."""
        validate_create(request)
        self._recover()
        docker_cli = None
        algorithm = None
        environment = request.get("Environment") or {}
        if contract.entry_point(request.get("HyperParameters") or {}, environment) is None:
            from .. import algorithms

            image = str(request["AlgorithmSpecification"].get("TrainingImage"))
            algorithm = algorithms.for_image(image)
            if algorithm is None:
                from ..training.docker import require_engine

                docker_cli = require_engine(image)
            elif algorithm.missing():
                raise LocalModeError(str(algorithm.missing()))
        mode = frameworks.resolve_mode(self.framework_versions)
        if docker_cli is None and algorithm is None:  # a script-mode job: before anything exists
            image = str(request["AlgorithmSpecification"].get("TrainingImage", ""))
            python = self.python or sys.executable
            frameworks.check_available(python, frameworks.requested(image), self.root / "venvs", mode)
        job = LocalTrainingJob(
            request,
            root=self.root,
            region=self.region_name,
            s3_factory=self._s3_factory,
            stop_timeout=self.stop_timeout,
            docker_cli=docker_cli,
            algorithm=algorithm,
            python=self.python,
            framework_versions=mode,
        )
        try:
            self.account.training.claim(job.name, job, job.reserve)
        except FileExistsError:
            raise client_error(
                "ResourceInUse",
                "Training job names must be unique within an AWS account and region, and a training job "
                f"with this name already exists ({job.arn})",
                "CreateTrainingJob",
            ) from None
        job.start()
        return {"TrainingJobArn": job.arn, "ResponseMetadata": metadata()}

    def describe_training_job(self, **params: Any) -> dict[str, Any]:
        validate_parameters("DescribeTrainingJob", params)
        name = params["TrainingJobName"]
        job = self._live(name)
        description = job.describe() if job is not None else self._record(name, "DescribeTrainingJob")[0]
        return {**description, "ResponseMetadata": metadata()}

    def stop_training_job(self, **params: Any) -> dict[str, Any]:
        validate_parameters("StopTrainingJob", params)
        name = params["TrainingJobName"]
        job = self._live(name)
        status = job.status if job is not None else self._record(name, "StopTrainingJob")[0]["TrainingJobStatus"]
        if status in TERMINAL:
            raise client_error(
                "ValidationException",
                f"The request was rejected because the training job is in status {status}.",
                "StopTrainingJob",
            )
        if job is None:
            raise LocalModeError(f"training job {name} is run by another Python process; stop it from there")
        job.stop()
        return {"ResponseMetadata": metadata()}

    def interrupt_training_job(self, name: str, reason: str) -> bool:
        """Stop a job this process runs, ``reason`` ending its final status message; False if none is live."""
        job = self._live(name)
        if job is None or job.status in TERMINAL:
            return False
        job.stop(reason)
        return True

    def list_training_jobs(self, **params: Any) -> dict[str, Any]:
        """Summaries of the jobs under this root, filtered, sorted and paged like the service."""
        validate_parameters("ListTrainingJobs", params)
        self._recover()
        base = jobs_dir(self.root)
        names = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
        summaries: list[dict[str, Any]] = []
        for name in names:
            try:
                description = self.describe_training_job(TrainingJobName=name)
            except Exception:
                continue
            summary: dict[str, Any] = {
                k: description[k]
                for k in ("TrainingJobName", "TrainingJobArn", "CreationTime", "TrainingEndTime", "LastModifiedTime")
                if k in description
            }
            summary["TrainingJobStatus"] = description["TrainingJobStatus"]
            summaries.append(summary)
        summaries = [s for s in summaries if _matches(s, params)]
        sort_by = {"Name": "TrainingJobName", "Status": "TrainingJobStatus"}
        sort_key = sort_by.get(params.get("SortBy", ""), "CreationTime")
        summaries.sort(key=lambda s: s[sort_key], reverse=params.get("SortOrder", "Ascending") == "Descending")
        return page(summaries, params, "TrainingJobSummaries")

    def list_tags(self, **params: Any) -> dict[str, Any]:
        """The Tags of a local job's CreateTrainingJob request (``attach`` restores them)."""
        validate_parameters("ListTags", params)
        arn = str(params["ResourceArn"])
        hosting_tags = self._hosting_tags(arn)
        if hosting_tags is not None:
            return {"Tags": hosting_tags, "ResponseMetadata": metadata()}
        name = arn.rsplit("/", 1)[-1]
        for candidate in ([name] if (jobs_dir(self.root) / name).is_dir() else []) or _names_by_lower(self.root, name):
            record = read_record(jobs_dir(self.root) / candidate / "description.json")
            if record is not None:
                return {"Tags": list(record[1].get("tags") or []), "ResponseMetadata": metadata()}
        raise client_error("ValidationException", "Requested resource not found.", "ListTags")


def _names_by_lower(root: Path, lower_name: str) -> list[str]:
    base = jobs_dir(root)
    return [p.name for p in base.iterdir() if p.name.lower() == lower_name] if base.is_dir() else []


def _matches(summary: dict[str, Any], params: dict[str, Any]) -> bool:
    if params.get("NameContains") and params["NameContains"] not in summary["TrainingJobName"]:
        return False
    if params.get("StatusEquals") and summary["TrainingJobStatus"] != params["StatusEquals"]:
        return False
    for field, key, after in (
        ("CreationTimeAfter", "CreationTime", True),
        ("CreationTimeBefore", "CreationTime", False),
        ("LastModifiedTimeAfter", "LastModifiedTime", True),
        ("LastModifiedTimeBefore", "LastModifiedTime", False),
    ):
        bound = params.get(field)
        if isinstance(bound, datetime) and key in summary:
            value = summary[key]
            if (after and not value > bound) or (not after and not value < bound):
                return False
    return True
