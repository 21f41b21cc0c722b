"""The SageMaker client's batch-transform calls, answered by this machine (a LocalSageMakerClient mixin).

    client.create_transform_job(**request)      # the model must have been created with create_model
    client.describe_transform_job(TransformJobName="scoring-1")["TransformJobStatus"]

Requests are validated by botocore's ParamValidator first, as boto3 would; the job runs in
a background thread of this process (local/transform/job.py) and belongs to the client's
``LocalAccount`` (account.py): every client over the same root in this interpreter sees it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..account import LocalAccount
from ..store import client_error
from ..transform.job import LocalTransformJob
from .validation import metadata, validate_parameters


class LocalTransformMixin:
    """CreateTransformJob, DescribeTransformJob, StopTransformJob, ListTransformJobs."""

    root: Path
    account: LocalAccount
    region_name: str

    def create_transform_job(self, **request: Any) -> dict[str, Any]:

        validate_parameters("CreateTransformJob", request)
        self.describe_model(ModelName=request["ModelName"])  # type: ignore[attr-defined]  # unknown model: the service's error
        if not str(request["TransformOutput"]["S3OutputPath"]).startswith(("s3://", "file://")):
            raise client_error("ValidationException", "S3OutputPath: an s3:// or file:// URI", "CreateTransformJob")
        job = LocalTransformJob(dict(request), client=self, root=self.root, region=self.region_name)
        try:
            self.account.transform.claim(job.name, job)
        except FileExistsError:
            raise client_error(
                "ResourceInUse",
                f"Job name must be unique within an AWS account and region: {job.name}",
                "CreateTransformJob",
            ) from None
        job.start()
        return {"TransformJobArn": job.arn, "ResponseMetadata": metadata()}

    def _transform_job(self, name: str, operation: str) -> LocalTransformJob:
        job = self.account.transform.get(name)
        if job is None:
            raise client_error("ValidationException", f"Could not find requested job with name {name}", operation)
        return job

    def describe_transform_job(self, **params: Any) -> dict[str, Any]:

        validate_parameters("DescribeTransformJob", params)
        job = self._transform_job(params["TransformJobName"], "DescribeTransformJob")
        return {**job.describe(), "ResponseMetadata": metadata()}

    def stop_transform_job(self, **params: Any) -> dict[str, Any]:

        validate_parameters("StopTransformJob", params)
        self._transform_job(params["TransformJobName"], "StopTransformJob").stop()
        return {"ResponseMetadata": metadata()}

    def list_transform_jobs(self, **params: Any) -> dict[str, Any]:

        validate_parameters("ListTransformJobs", params)
        jobs = self.account.transform.values()
        summaries = [
            {k: d[k] for k in ("TransformJobName", "TransformJobArn", "CreationTime", "TransformJobStatus") if k in d}
            for d in (job.describe() for job in jobs)
        ]
        return {"TransformJobSummaries": summaries, "ResponseMetadata": metadata()}
