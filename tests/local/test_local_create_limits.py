"""CreateTrainingJob sent straight to the local client: the service model's limits, as the service's errors.

The limits come from ``limits.problems`` (botocore's service model), the same check every
request the SDK builds goes through; the local client answers with the ValidationException
the service would, naming the request path, the value and what is accepted - and nothing is
created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local


def request(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "TrainingJobName": "limits-1",
        "AlgorithmSpecification": {"TrainingImage": "local-script", "TrainingInputMode": "File"},
        "OutputDataConfig": {"S3OutputPath": f"file://{tmp_path / 'out'}"},
        "ResourceConfig": {"InstanceType": "local", "InstanceCount": 1, "VolumeSizeInGB": 1},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"file://{tmp_path}"}},
            }
        ],
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("changes", "path", "shown", "accepted"),
    [
        ({"TrainingJobName": "bad_name"}, "TrainingJobName", "bad_name", "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"),
        ({"HyperParameters": {"lr": "v" * 2501}}, "HyperParameters['lr']", "v" * 200 + "...", "at most 2,500"),
        ({"HyperParameters": {f"h{i}": "1" for i in range(101)}}, "HyperParameters", "{", "at most 100 entries"),
        ({"HyperParameters": {"k" * 257: "1"}}, "HyperParameters key", "k" * 200, "at most 256 characters"),
        ({"Environment": {"1BAD": "x"}}, "Environment key '1BAD'", "1BAD", "[a-zA-Z_][a-zA-Z0-9_]*"),
        ({"Environment": {"OK": "x" * 513}}, "Environment['OK']", "x" * 200, "at most 512 characters"),
        ({"Environment": {f"E{i}": "1" for i in range(101)}}, "Environment", "{", "at most 100 entries"),
        ({"OutputDataConfig": {"S3OutputPath": "http://x"}}, "OutputDataConfig.S3OutputPath", "http://x", "file://"),
    ],
)
def test_service_limits_refuse_with_the_services_error(
    client: LocalSageMakerClient, tmp_path: Path, changes: dict[str, Any], path: str, shown: str, accepted: str
) -> None:
    with pytest.raises(ClientError) as refused:
        client.create_training_job(**request(tmp_path, **changes))
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith(f"1 validation error detected: Value '{shown}")
    assert f"' at '{path}" in error["Message"] and accepted in error["Message"]
    assert client.list_training_jobs()["TrainingJobSummaries"] == []


def test_a_bad_channel_name_is_named_by_its_request_path(client: LocalSageMakerClient, tmp_path: Path) -> None:
    bad = request(tmp_path)
    bad["InputDataConfig"][0]["ChannelName"] = "bad name"
    with pytest.raises(ClientError) as refused:
        client.create_training_job(**bad)
    assert "Value 'bad name' at 'InputDataConfig[0].ChannelName'" in refused.value.response["Error"]["Message"]
