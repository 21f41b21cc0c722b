"""Transform requests equal the official SDK v2's (tests/data/official/tuning_cases.json, transformer cases)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.aws_double import RecordingAWS
from support.official import OFFICIAL, fake_aws, make_estimator
from support.official import TUNING_CASES as CASES

from sagemaker_lite import Session
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.transformer import Transformer

TRANSFORM_CASES = sorted(name for name, case in CASES.items() if "transform" in case)


def transform_aws() -> RecordingAWS:
    aws = fake_aws()
    arn = "arn:aws:sagemaker:us-west-2:123456789012:"
    aws.handlers.update(
        {
            "sagemaker.CreateTransformJob": lambda p: {
                "TransformJobArn": arn + "transform-job/" + p["TransformJobName"]
            },
            "sagemaker.CreateModel": lambda p: {"ModelArn": arn + "model/" + p["ModelName"]},
            "sagemaker.DescribeTrainingJob": lambda p: {
                "TrainingJobName": p["TrainingJobName"],
                "TrainingJobArn": arn + "training-job/" + p["TrainingJobName"],
                "TrainingJobStatus": "Completed",
                "SecondaryStatus": "Completed",
                "ModelArtifacts": {
                    "S3ModelArtifacts": f"s3://out-bucket/prefix/{p['TrainingJobName']}/output/model.tar.gz"
                },
                "AlgorithmSpecification": {"TrainingInputMode": "File"},
                "CreationTime": 0,
            },
        }
    )
    return aws


def official_calls(name: str, operation: str) -> list[dict[str, Any]]:
    fixture = json.loads((OFFICIAL / f"{name}.json").read_text())
    return [c["params"] for c in fixture["calls"] if c["operation"] == operation]


@pytest.mark.parametrize("name", TRANSFORM_CASES)
def test_create_transform_job_matches_official(name: str) -> None:
    case = CASES[name]
    aws = transform_aws()
    session = Session(boto_session=aws.boto_session())
    if case["class"] == "Transformer":
        transformer = Transformer(sagemaker_session=session, **case["kwargs"])
    else:
        estimator = make_estimator(case["estimator"], session)
        estimator.fit(case["fit"]["inputs"], wait=False, job_name=case["fit"]["job_name"])
        transformer = estimator.transformer(**case["kwargs"])
    transformer.transform(wait=False, **case["transform"])
    official = official_calls(name, "CreateTransformJob")
    ours = aws.params_of("CreateTransformJob")
    if case["class"] != "Transformer":  # the model name is <base>-<timestamp>: compare it apart
        model = aws.params_of("CreateModel")
        assert [m["ModelName"] for m in model] == [ours[0]["ModelName"]]
        assert ours[0]["ModelName"].startswith("sagemaker-xgboost-")
        official_model = official_calls(name, "CreateModel")
        assert model == [{**official_model[0], "ModelName": ours[0]["ModelName"]}]
        official = [{**official[0], "ModelName": ours[0]["ModelName"]}]
    assert ours == official


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"strategy": "Batch"}, "strategy"),
        ({"assemble_with": "Newline"}, "assemble_with"),
        ({"max_payload": 101}, "max_payload"),
        ({"instance_count": 0}, "instance_count"),
        ({"output_path": "bucket/out"}, "output_path"),
        ({"env": {"A": 1}}, "env"),
    ],
)
def test_bad_transformer_settings_are_refused(kwargs: dict[str, Any], parameter: str) -> None:
    settings = {"model_name": "m", "instance_count": 1, "instance_type": "ml.m5.large", **kwargs}
    with pytest.raises(ValidationError) as info:
        Transformer(**settings)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"split_type": "Lines"}, "split_type"),
        ({"join_source": "Output"}, "join_source"),
        ({"input_filter": "[1:]"}, "input_filter"),
        ({"data_type": "S3Object"}, "data_type"),
        ({"compression_type": "zip"}, "compression_type"),
    ],
)
def test_bad_transform_arguments_are_refused_before_any_call(kwargs: dict[str, Any], parameter: str) -> None:
    aws = transform_aws()
    transformer = Transformer("m", 1, "ml.m5.large", sagemaker_session=Session(boto_session=aws.boto_session()))
    with pytest.raises(ValidationError) as info:
        transformer.transform("s3://in-bucket/batch", wait=False, **kwargs)
    assert info.value.parameter == parameter
    assert aws.calls == []
