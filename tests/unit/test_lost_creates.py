"""Every job kind adopts its OWN lost create and nothing else (issue 11, item 1, "the same cause elsewhere").

Processing and transform jobs raised ``ResourceInUse`` after a create whose answer was lost (the
job existed, created by us); tuning jobs adopted any job of that name with the same config, also
when no attempt of ours could have created it. A real botocore client with a scripted double
(``support.scripted.ScriptedService``, wire layer) plays SageMaker: the first create acts and its
answer is lost (connection closed), every later create of that name is refused as a duplicate,
and the describe echoes what was created.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.scripted import ScriptedService, ServiceError

from sagemaker_lite import Session
from sagemaker_lite.jobs import create_or_adopt

pytestmark = pytest.mark.usefixtures("fast_retries")
KINDS = {
    "processing": ("CreateProcessingJob", "DescribeProcessingJob", "ProcessingJobName"),
    "transform": ("CreateTransformJob", "DescribeTransformJob", "TransformJobName"),
    "tuning": ("CreateHyperParameterTuningJob", "DescribeHyperParameterTuningJob", "HyperParameterTuningJobName"),
    "training": ("CreateTrainingJob", "DescribeTrainingJob", "TrainingJobName"),
}
REQUIRED = {
    "processing": ("AppSpecification",),
    "transform": ("ModelName", "TransformInput"),
    "tuning": ("HyperParameterTuningJobConfig",),
    "training": ("AlgorithmSpecification", "RoleArn"),
}
REQUESTS: dict[str, dict[str, Any]] = {
    "processing": {
        "ProcessingJobName": "p-1",
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30}
        },
        "AppSpecification": {"ImageUri": "123.dkr.ecr.us-west-2.amazonaws.com/p:1"},
        "RoleArn": "arn:aws:iam::123456789012:role/R",
    },
    "transform": {
        "TransformJobName": "t-1",
        "ModelName": "m",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        "TransformOutput": {"S3OutputPath": "s3://b/out"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    },
    "tuning": {
        "HyperParameterTuningJobName": "h-1",
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
        },
    },
    "training": {
        "TrainingJobName": "j-1",
        "AlgorithmSpecification": {
            "TrainingImage": "123.dkr.ecr.us-west-2.amazonaws.com/x:1",
            "TrainingInputMode": "File",
        },
        "RoleArn": "arn:aws:iam::123456789012:role/R",
        "OutputDataConfig": {"S3OutputPath": "s3://b/out"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    },
}


class OneNameService(ScriptedService):
    """SageMaker for one create/describe pair; ``lose_first``: the first create acts, its answer is lost."""

    service_name = "sagemaker"

    def __init__(self, kind: str, *, lose_first: bool, existing: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.create_op, self.describe_op, self.name_field = KINDS[kind]
        self.created: dict[str, Any] | None = existing
        if lose_first:
            self.lose_response(self.create_op)
        self.on(self.create_op, self._create)
        self.on(self.describe_op, self._describe)

    @property
    def creates(self) -> int:
        return self.count(self.create_op)

    def _create(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.created is not None:
            raise ServiceError(
                "ResourceInUse",
                "Job names must be unique within an AWS account and region, and a job with this name "
                f"already exists ({params[self.name_field]})",
            )
        self.created = params
        return {}

    def _describe(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.created is None:
            raise ServiceError("ValidationException", "Requested resource not found.")
        return {**self.created, "CreationTime": 0}


def session_with(service: OneNameService) -> Session:
    session = Session(region_name="us-west-2")
    service.install(session.sagemaker_client)
    return session


def create(kind: str, session: Session) -> bool:
    client = session.sagemaker_client
    create_call = getattr(client, _snake(KINDS[kind][0]))
    describe_call = getattr(client, _snake(KINDS[kind][1]))
    request = REQUESTS[kind]
    name_field = KINDS[kind][2]
    return create_or_adopt(
        create_call, request, lambda: describe_call(**{name_field: request[name_field]}), required=REQUIRED[kind]
    )


def _snake(operation: str) -> str:
    return (
        "".join("_" + c.lower() if c.isupper() else c for c in operation)
        .lstrip("_")
        .replace("hyper_parameter", "hyper_parameter")
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_our_own_lost_create_is_adopted(kind: str, aws_region: str) -> None:
    service = OneNameService(kind, lose_first=True)
    assert create(kind, session_with(service)) is False  # adopted
    assert service.creates == 2


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_job_of_that_name_we_did_not_create_is_refused_even_when_identical(kind: str, aws_region: str) -> None:
    service = OneNameService(kind, lose_first=False, existing=dict(REQUESTS[kind]))
    with pytest.raises(ClientError) as info:
        create(kind, session_with(service))
    assert info.value.response["Error"]["Code"] == "ResourceInUse" and service.creates == 1
