"""The expected CreateTrainingJob request of a plain Estimator, for tests that state it exactly (Stubber)."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber

from sagemaker_lite import Session
from sagemaker_lite.estimator import Estimator

from .offline import IMAGE, ROLE

ARN = "arn:aws:sagemaker:us-west-2:123456789012:training-job/{}"


def expect_create(stubber: Stubber, request: dict[str, Any]) -> None:
    stubber.add_response("create_training_job", {"TrainingJobArn": ARN.format(request["TrainingJobName"])}, request)


def base_request(name: str = "job-1", **overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://out-bucket/prefix"},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        "InputDataConfig": [
            {
                "ChannelName": "training",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": "s3://in-bucket/train",
                        "S3DataDistributionType": "FullyReplicated",
                    }
                },
            }
        ],
        # what the official SDK sends when nobody asks for Debugger or profiling (docs/compatibility.md)
        "DebugHookConfig": {"S3OutputPath": "s3://out-bucket/prefix", "CollectionConfigurations": []},
        "ProfilerConfig": {"S3OutputPath": "s3://out-bucket/prefix", "DisableProfiler": False},
    }
    request.update(overrides)
    return request


def estimator(session: Session, **kwargs: Any) -> Estimator:
    kwargs.setdefault("output_path", "s3://out-bucket/prefix")
    return Estimator(
        IMAGE,
        ROLE,
        kwargs.pop("instance_count", 1),
        kwargs.pop("instance_type", "ml.m5.large"),
        sagemaker_session=session,
        **kwargs,
    )
