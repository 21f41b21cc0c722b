"""sagemaker_lite.limits: every request is checked against botocore's service model before it is sent.

The limits are read from botocore's loaded model, so these tests compare with botocore's model
too, never with numbers copied here; end-to-end cases (zero AWS calls, zero S3 writes) are in
the bad-input corpus (tests/unit/test_bad_input_corpus.py, "the service model's limits").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.limits import (
    DOCUMENTED_LIMITS,
    check_request,
    constraints_for,
    problems,
    untranslatable_patterns,
)

OFFICIAL = Path(__file__).resolve().parents[1] / "data" / "official"
SENT = ("CreateTrainingJob", "CreateModel", "CreateEndpointConfig", "CreateEndpoint", "UpdateEndpoint")
MODEL = botocore.session.get_session().get_service_model("sagemaker")


def training_request(**fields: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TrainingJobName": "job-1",
        "RoleArn": "arn:aws:iam::123456789012:role/R",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }
    request.update(fields)
    return request


def test_constraints_come_from_botocores_model() -> None:
    keep_alive = constraints_for("CreateTrainingJob", "ResourceConfig.KeepAlivePeriodInSeconds")
    shape = MODEL.shape_for("ResourceConfig").members["KeepAlivePeriodInSeconds"]
    assert (keep_alive.type_name, keep_alive.minimum, keep_alive.maximum) == (
        "integer",
        shape.metadata["min"],
        shape.metadata["max"],
    )
    value = constraints_for("CreateTrainingJob", "HyperParameters{value}")
    assert value.maximum == MODEL.shape_for("HyperParameterValue").metadata["max"]
    channel = constraints_for("CreateTrainingJob", "InputDataConfig[].ChannelName")
    assert channel.pattern == MODEL.shape_for("ChannelName").metadata["pattern"]
    assert (
        constraints_for("CreateTrainingJob", "InputDataConfig").maximum
        == MODEL.shape_for("InputDataConfig").metadata["max"]
    )
    assert "RoleArn" in constraints_for("CreateTrainingJob", "").required
    assert "File" in constraints_for("CreateTrainingJob", "AlgorithmSpecification.TrainingInputMode").enum
    env = constraints_for("CreateModel", "PrimaryContainer.Environment")
    assert [limit.kind for limit in env.documented] == ["total_bytes"]
    with pytest.raises(ValidationError, match="NoSuchField"):
        constraints_for("CreateTrainingJob", "ResourceConfig.NoSuchField")


def test_every_pattern_of_the_requests_we_send_is_checked() -> None:
    assert untranslatable_patterns([*SENT, "InvokeEndpoint"]) == []


def test_the_official_sdks_requests_all_fit() -> None:
    """Every request captured from the official SDK is valid, except the one botocore refused."""
    checked = 0
    for path in sorted(OFFICIAL.glob("*.json")):
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            continue
        for call in data.get("calls", []):
            if call["service"] == "sagemaker" and call["operation"] in SENT:
                found = problems(call["operation"], call["params"])
                checked += 1
                if path.stem == "estimator-augmented-target-attribute":
                    assert [p.request_path for p in found] == ["InputDataConfig[0].TargetAttributeName"]
                else:
                    assert found == [], (path.name, found)
    assert checked >= 30


@pytest.mark.parametrize(
    ("fields", "parameter", "fragment"),
    [
        ({"HyperParameters": {"lr": "x" * 2501}}, "hyperparameters['lr']", "at most 2,500 characters (it has 2,501)"),
        ({"HyperParameters": {f"h{i}": "1" for i in range(101)}}, "hyperparameters", "at most 100 entries"),
        ({"Environment": {"A-B": "1"}}, "environment['A-B']", "pattern [a-zA-Z_][a-zA-Z0-9_]*"),
        ({"Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]}, "tags", "at most 50 items"),
        ({"VpcConfig": {"Subnets": ["s"] * 17, "SecurityGroupIds": ["g"]}}, "subnets", "at most 16 items"),
        ({"RetryStrategy": {"MaximumRetryAttempts": 31}}, "max_retry_attempts", "at most 30"),
        (
            {
                "ResourceConfig": {
                    "InstanceType": "ml.m5.large",
                    "InstanceCount": 1,
                    "VolumeSizeInGB": 30,
                    "KeepAlivePeriodInSeconds": 99999,
                }
            },
            "keep_alive_period_in_seconds",
            "at most 21,600",
        ),
        ({"AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "Stream"}}, "input_mode", "one of"),
        ({"StoppingCondition": {"MaxRuntimeInSeconds": "60"}}, "max_run", "an integer"),
        ({"EnableNetworkIsolation": "yes"}, "enable_network_isolation", "True or False"),
        ({"Unknown": 1}, "CreateTrainingJob.Unknown", "a field of CreateTrainingJobRequest"),
    ],
)
def test_messages_name_the_parameter_the_value_and_the_limit(
    fields: dict[str, Any], parameter: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as info:
        check_request("CreateTrainingJob", training_request(**fields))
    assert info.value.parameter == parameter
    assert fragment in str(info.value) and "SageMaker would refuse CreateTrainingJob." in str(info.value)


def test_a_missing_required_field_is_named() -> None:
    request = training_request()
    del request["OutputDataConfig"]
    with pytest.raises(ValidationError, match="required") as info:
        check_request("CreateTrainingJob", request)
    assert info.value.parameter == "CreateTrainingJob.OutputDataConfig"


def test_java_patterns_translate_without_refusing_what_the_service_accepts() -> None:
    # Tag values: [\p{L}\p{Z}\p{N}_.:/=+\-@]* - any letter, in any script
    for value in ("équipe ML", "チーム", "a+b=c@d:e/f", ""):
        assert problems("CreateTrainingJob", training_request(Tags=[{"Key": "team", "Value": value}])) == []
    assert problems("CreateTrainingJob", training_request(Tags=[{"Key": "team", "Value": "a;b"}]))
    # lengths count UTF-16 code units, as the service does: an emoji is two
    assert problems("CreateTrainingJob", training_request(HyperParameters={"e": "😀" * 1250})) == []
    assert problems("CreateTrainingJob", training_request(HyperParameters={"e": "😀" * 1250 + "x"}))
    # line breaks are accepted where the pattern is ".*" (never refuse what the service may take)
    assert problems("CreateTrainingJob", training_request(HyperParameters={"n": "a\nb"})) == []
    # the runtime's \p{ASCII}*
    runtime = {"EndpointName": "ep", "Body": b"x"}
    assert problems("InvokeEndpoint", {**runtime, "CustomAttributes": "a=1"}) == []
    assert problems("InvokeEndpoint", {**runtime, "CustomAttributes": "café"})


def test_instance_type_enums_are_open() -> None:
    """The service lists new instance types before botocore does; instance_type has its own check."""
    resources = {"InstanceType": "ml.m99.large", "InstanceCount": 1, "VolumeSizeInGB": 30}
    assert problems("CreateTrainingJob", training_request(ResourceConfig=resources)) == []


def test_local_mode_takes_file_uris_and_no_role() -> None:
    request = training_request(
        OutputDataConfig={"S3OutputPath": "file:///tmp/out"},
        ResourceConfig={"InstanceType": "local", "InstanceCount": 1, "VolumeSizeInGB": 30},
    )
    del request["RoleArn"]
    assert [p.request_path for p in problems("CreateTrainingJob", request)] == [
        "RoleArn",
        "OutputDataConfig.S3OutputPath",
    ]
    assert problems("CreateTrainingJob", request, local=True) == []


def test_documented_limits_name_their_source() -> None:
    for limit in DOCUMENTED_LIMITS:
        assert limit.source.startswith("https://docs.aws.amazon.com/")
    request = {
        "ModelName": "m",
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/R",
        "PrimaryContainer": {"Image": "img", "Environment": {f"V{i}": "v" * 1000 for i in range(33)}},
    }
    with pytest.raises(ValidationError, match="32,768 bytes") as info:
        check_request("CreateModel", request)
    assert info.value.parameter == "env" and "API_ContainerDefinition" in str(info.value)


def test_import_stays_cheap() -> None:
    """botocore is loaded when a request is first checked, not when sagemaker_lite is imported."""
    code = "import sys, sagemaker_lite.limits, sagemaker_lite.estimator; print('botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
