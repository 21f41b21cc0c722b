"""The processing-job calls of the SageMaker client, answered by this machine.

    client.create_processing_job(**request)       # the request Processor.run() builds
    client.describe_processing_job(ProcessingJobName="prep")["ProcessingJobStatus"]
    client.stop_processing_job(ProcessingJobName="prep")

Requests are checked by botocore's own validator against the service model first, then by
what a local run can refuse (Pipe input mode, a DatasetDefinition input, no entrypoint)
as a ``ClientError`` ``ValidationException``; duplicate names give ``ResourceInUse`` as the
service does. Live jobs belong to the client's ``LocalAccount`` (account.py), shared by every
client over the same root; a job run by another Python process is described from its record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..account import LocalAccount
from ..processing.job import TERMINAL, LocalProcessingJob, processing_dir
from ..store import client_error, orphan_description, read_record
from .validation import metadata, page, validate_parameters


def _refuse(message: str) -> Exception:
    return client_error("ValidationException", message, "CreateProcessingJob")


def validate_processing(request: dict[str, Any]) -> None:
    """What CreateProcessingJob refuses locally, beyond botocore's parameter checks."""

    validate_parameters("CreateProcessingJob", request)
    if not (request.get("AppSpecification") or {}).get("ContainerEntrypoint"):
        raise _refuse(
            "A local processing job needs AppSpecification.ContainerEntrypoint: the image's own entrypoint "
            "cannot run without the image (use ScriptProcessor, or Processor(entrypoint=[...]))"
        )
    for entry in request.get("ProcessingInputs") or []:
        spec = entry.get("S3Input")
        if not spec:
            raise _refuse(f"Input {entry.get('InputName')!r}: only S3Input inputs run locally")
        if spec.get("S3InputMode") == "Pipe" or spec.get("S3DataType") == "ManifestFile":
            raise _refuse(
                f"Input {entry.get('InputName')!r}: Pipe input mode and ManifestFile inputs are not run locally; "
                "use File mode with an S3Prefix"
            )
        uri = str(spec.get("S3Uri", ""))
        if not uri.startswith(("s3://", "file://")):
            raise _refuse(f"Input {entry.get('InputName')!r}: S3Uri must be s3:// or file:// ({uri!r})")
    for entry in (request.get("ProcessingOutputConfig") or {}).get("Outputs") or []:
        uri = str((entry.get("S3Output") or {}).get("S3Uri", ""))
        if not uri.startswith(("s3://", "file://")):
            raise _refuse(f"Output {entry.get('OutputName')!r}: S3Uri must be s3:// or file:// ({uri!r})")


class LocalProcessingMixin:
    """``create/describe/stop/list_processing_jobs`` for ``LocalSageMakerClient``."""

    root: Path
    account: LocalAccount
    region_name: str
    stop_timeout: float
    _s3_factory: Any

    def _processing_record(self, name: str, operation: str) -> dict[str, Any]:
        record = read_record(processing_dir(self.root) / name / "description.json")
        if record is None:
            raise client_error("ValidationException", f"Could not find requested job with name {name}", operation)
        description, meta = record
        return orphan_description(description, meta, "ProcessingJobStatus") or description

    def create_processing_job(self, **request: Any) -> dict[str, Any]:
        """Validate, reserve the name, start the job in the background; returns ``{"ProcessingJobArn": ...}``."""
        validate_processing(request)
        job = LocalProcessingJob(
            request,
            root=self.root,
            region=self.region_name,
            s3_factory=self._s3_factory,
            stop_timeout=self.stop_timeout,
        )
        try:
            self.account.processing.claim(job.name, job, job.reserve)
        except FileExistsError:
            raise client_error(
                "ResourceInUse",
                f"Processing job names must be unique within an AWS account and region ({job.arn} exists)",
                "CreateProcessingJob",
            ) from None
        job.start()
        return {"ProcessingJobArn": job.arn, "ResponseMetadata": metadata()}

    def describe_processing_job(self, **params: Any) -> dict[str, Any]:

        validate_parameters("DescribeProcessingJob", params)
        name = str(params["ProcessingJobName"])
        job = self.account.processing.get(name)
        description = job.describe() if job is not None else self._processing_record(name, "DescribeProcessingJob")
        return {**description, "ResponseMetadata": metadata()}

    def stop_processing_job(self, **params: Any) -> dict[str, Any]:
        from ...errors import LocalModeError

        validate_parameters("StopProcessingJob", params)
        name = str(params["ProcessingJobName"])
        job = self.account.processing.get(name)
        status = (
            job.status if job is not None else self._processing_record(name, "StopProcessingJob")["ProcessingJobStatus"]
        )
        if status in TERMINAL:
            raise client_error(
                "ValidationException",
                f"Job with name {name} is in status {status} and cannot be stopped.",
                "StopProcessingJob",
            )
        if job is None:
            raise LocalModeError(f"processing job {name} is run by another Python process; stop it from there")
        job.stop()
        return {"ResponseMetadata": metadata()}

    def list_processing_jobs(self, **params: Any) -> dict[str, Any]:
        """Summaries of the processing jobs under this root (newest first by default, paged)."""

        validate_parameters("ListProcessingJobs", params)
        base = processing_dir(self.root)
        names = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
        summaries: list[dict[str, Any]] = []
        for name in names:
            try:
                description = self.describe_processing_job(ProcessingJobName=name)
            except Exception:
                continue
            if params.get("NameContains") and params["NameContains"] not in name:
                continue
            if params.get("StatusEquals") and description["ProcessingJobStatus"] != params["StatusEquals"]:
                continue
            summaries.append(
                {
                    key: description[key]
                    for key in (
                        "ProcessingJobName",
                        "ProcessingJobArn",
                        "CreationTime",
                        "ProcessingEndTime",
                        "LastModifiedTime",
                        "ProcessingJobStatus",
                        "FailureReason",
                        "ExitMessage",
                    )
                    if key in description
                }
            )
        summaries.sort(key=lambda s: s["CreationTime"], reverse=params.get("SortOrder", "Descending") == "Descending")
        return page(summaries, params, "ProcessingJobSummaries")
