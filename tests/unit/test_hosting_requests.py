"""Every hosting request builder, and deploy/update_endpoint end to end, against botocore's Stubber.

The Stubber validates each request against the SageMaker service model and asserts it
equals the expected dict, so a misspelt field fails here rather than against AWS.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber
from support.aws_double import PassThrough
from support.offline import ROLE, fake_boto_session

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.errors import PartialFailureError
from sagemaker_lite.hosting import (
    DataCaptureConfig,
    DeployConfig,
    ServerlessInferenceConfig,
    build_create_endpoint_request,
    build_create_model_request,
    build_endpoint_config_request,
    container_definition,
    endpoint_config_from_existing,
    production_variant,
)
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor, build_invoke_request

IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-cpu"
ARN = "arn:aws:sagemaker:us-west-2:123456789012"
NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)


@pytest.fixture
def stub() -> Any:
    session = Session(boto_session=fake_boto_session(), polling=NO_SLEEP)
    stubber = Stubber(session.sagemaker_client)
    with stubber:
        yield session, stubber
    stubber.assert_no_pending_responses()


def send(stubber: Stubber, client: Any, method: str, request: dict[str, Any], response: dict[str, Any]) -> None:
    stubber.add_response(method, response, request)
    getattr(client, method)(**request)


def described_endpoint(name: str, config: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "EndpointName": name,
        "EndpointArn": f"{ARN}:endpoint/{name}",
        "EndpointConfigName": config,
        "EndpointStatus": status,
        "CreationTime": 0,
        "LastModifiedTime": 0,
        **extra,
    }


def test_create_model_request_with_every_option(stub: Any) -> None:
    session, stubber = stub
    request = build_create_model_request(
        "m-1",
        ROLE,
        container_definition(IMAGE, "s3://bucket/model.tar.gz", {"A": "1"}),
        vpc_config={"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        enable_network_isolation=True,
        tags=[{"Key": "team", "Value": "ml"}],
    )
    assert request == {
        "ModelName": "m-1",
        "ExecutionRoleArn": ROLE,
        "PrimaryContainer": {"Image": IMAGE, "Environment": {"A": "1"}, "ModelDataUrl": "s3://bucket/model.tar.gz"},
        "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        "EnableNetworkIsolation": True,
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    send(stubber, session.sagemaker_client, "create_model", request, {"ModelArn": f"{ARN}:model/m-1"})


def test_container_without_model_data_still_sends_environment() -> None:
    assert container_definition(IMAGE, None, {}) == {"Image": IMAGE, "Environment": {}}


def test_endpoint_config_request_with_every_option(stub: Any) -> None:
    session, stubber = stub
    deploy = DeployConfig(
        initial_instance_count=2,
        instance_type="ml.m5.xlarge",
        volume_size=64,
        model_data_download_timeout=600,
        container_startup_health_check_timeout=900,
    )
    capture = DataCaptureConfig(True, sampling_percentage=50, kms_key_id="key", json_content_types=["application/json"])
    request = build_endpoint_config_request(
        "ep-1",
        [production_variant("m-1", deploy)],
        tags=[{"Key": "a", "Value": "b"}],
        kms_key="alias/k",
        data_capture=capture.to_request("s3://bucket/capture"),
    )
    assert request["ProductionVariants"] == [
        {
            "VariantName": "AllTraffic",
            "ModelName": "m-1",
            "InitialVariantWeight": 1,
            "InitialInstanceCount": 2,
            "InstanceType": "ml.m5.xlarge",
            "VolumeSizeInGB": 64,
            "ModelDataDownloadTimeoutInSeconds": 600,
            "ContainerStartupHealthCheckTimeoutInSeconds": 900,
        }
    ]
    assert request["DataCaptureConfig"] == {
        "EnableCapture": True,
        "InitialSamplingPercentage": 50,
        "DestinationS3Uri": "s3://bucket/capture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "KmsKeyId": "key",
        "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]},
    }
    assert request["KmsKeyId"] == "alias/k" and request["Tags"] == [{"Key": "a", "Value": "b"}]
    send(stubber, session.sagemaker_client, "create_endpoint_config", request, {"EndpointConfigArn": f"{ARN}:x/ep-1"})


def test_serverless_variant(stub: Any) -> None:
    session, stubber = stub
    deploy = DeployConfig(
        serverless_inference_config=ServerlessInferenceConfig(
            memory_size_in_mb=4096, max_concurrency=10, provisioned_concurrency=2
        )
    )
    request = build_endpoint_config_request("ep-s", [production_variant("m-1", deploy)])
    assert request["ProductionVariants"] == [
        {
            "VariantName": "AllTraffic",
            "ModelName": "m-1",
            "ServerlessConfig": {"MemorySizeInMB": 4096, "MaxConcurrency": 10, "ProvisionedConcurrency": 2},
        }
    ]
    send(stubber, session.sagemaker_client, "create_endpoint_config", request, {"EndpointConfigArn": f"{ARN}:x/ep-s"})


def test_create_endpoint_request_leaves_out_empty_tags(stub: Any) -> None:
    session, stubber = stub
    assert build_create_endpoint_request("ep", "cfg") == {"EndpointName": "ep", "EndpointConfigName": "cfg"}
    request = build_create_endpoint_request("ep", "cfg", [{"Key": "k", "Value": "v"}])
    send(stubber, session.sagemaker_client, "create_endpoint", request, {"EndpointArn": f"{ARN}:endpoint/ep"})


def test_endpoint_config_copied_from_an_existing_one(stub: Any) -> None:
    session, stubber = stub
    existing = {
        "EndpointConfigName": "old",
        "EndpointConfigArn": f"{ARN}:endpoint-config/old",
        "ProductionVariants": [
            {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
        ],
        "KmsKeyId": "alias/k",
        "CreationTime": 0,
    }
    request = endpoint_config_from_existing(existing, "new", tags=[{"Key": "a", "Value": "b"}])
    assert request == {
        "EndpointConfigName": "new",
        "ProductionVariants": existing["ProductionVariants"],
        "KmsKeyId": "alias/k",
        "Tags": [{"Key": "a", "Value": "b"}],
    }
    send(stubber, session.sagemaker_client, "create_endpoint_config", request, {"EndpointConfigArn": f"{ARN}:x/new"})


def test_invoke_request_is_valid_for_the_runtime_model() -> None:
    session = Session(boto_session=fake_boto_session())
    runtime = session.sagemaker_runtime_client
    request = build_invoke_request(
        "ep",
        b"1,2",
        content_type="text/csv",
        accept=("application/json", "text/csv"),
        initial_args={"ContentType": "text/plain"},
        target_model="model-a.tar.gz",
        target_variant="AllTraffic",
        inference_id="req-1",
        custom_attributes="trace=1",
    )
    assert request == {
        "ContentType": "text/plain",  # initial_args win, as in the official SDK
        "EndpointName": "ep",
        "Accept": "application/json, text/csv",
        "TargetModel": "model-a.tar.gz",
        "TargetVariant": "AllTraffic",
        "InferenceId": "req-1",
        "CustomAttributes": "trace=1",
        "Body": b"1,2",
    }
    with Stubber(runtime) as stubber:
        stubber.add_response("invoke_endpoint", {"Body": b"ok", "ContentType": "text/csv"}, request)
        runtime.invoke_endpoint(**request)


def test_deploy_sends_three_creates_then_polls_until_in_service(stub: Any) -> None:
    session, stubber = stub
    model = Model(IMAGE, "s3://bucket/model.tar.gz", ROLE, name="m-1", env={"K": "V"}, sagemaker_session=session)
    stubber.add_response(
        "create_model",
        {"ModelArn": f"{ARN}:model/m-1"},
        {
            "ModelName": "m-1",
            "ExecutionRoleArn": ROLE,
            "PrimaryContainer": {"Image": IMAGE, "Environment": {"K": "V"}, "ModelDataUrl": "s3://bucket/model.tar.gz"},
            "Tags": [{"Key": "t", "Value": "v"}],
        },
    )
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "m-1",
        "InitialVariantWeight": 1,
        "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large",
    }
    stubber.add_response(
        "create_endpoint_config",
        {"EndpointConfigArn": f"{ARN}:endpoint-config/ep-1"},
        {"EndpointConfigName": "ep-1", "ProductionVariants": [variant], "Tags": [{"Key": "t", "Value": "v"}]},
    )
    stubber.add_response(
        "create_endpoint",
        {"EndpointArn": f"{ARN}:endpoint/ep-1"},
        {"EndpointName": "ep-1", "EndpointConfigName": "ep-1", "Tags": [{"Key": "t", "Value": "v"}]},
    )
    for status in ("Creating", "Creating", "InService"):
        stubber.add_response("describe_endpoint", described_endpoint("ep-1", "ep-1", status), {"EndpointName": "ep-1"})
    predictor = model.deploy(1, "ml.m5.large", endpoint_name="ep-1", tags={"t": "v"})
    assert isinstance(predictor, Predictor) and predictor.endpoint_name == "ep-1"
    assert model.endpoint_name == "ep-1"


def test_update_endpoint_copies_the_config_with_new_instances(stub: Any) -> None:
    session, stubber = stub
    predictor = Predictor("ep-1", sagemaker_session=session)
    stubber.add_response("describe_endpoint", described_endpoint("ep-1", "ep-1", "InService"), {"EndpointName": "ep-1"})
    old_variant = {
        "VariantName": "AllTraffic",
        "ModelName": "m-1",
        "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large",
        "InitialVariantWeight": 1.0,
    }
    stubber.add_response(
        "describe_endpoint_config",
        {
            "EndpointConfigName": "ep-1",
            "EndpointConfigArn": f"{ARN}:endpoint-config/ep-1",
            "ProductionVariants": [old_variant],
            "KmsKeyId": "alias/k",
            "CreationTime": 0,
        },
        {"EndpointConfigName": "ep-1"},
    )
    stubber.add_response(
        "list_tags",
        {"Tags": [{"Key": "team", "Value": "ml"}, {"Key": "aws:internal", "Value": "x"}]},
        {"ResourceArn": f"{ARN}:endpoint-config/ep-1"},
    )
    recorder = PassThrough()  # records what the Stubber matched with ANY
    recorder.install(session.sagemaker_client)
    new_variant = {
        "VariantName": "AllTraffic",
        "ModelName": "m-1",
        "InitialVariantWeight": 1,
        "InitialInstanceCount": 3,
        "InstanceType": "ml.c5.xlarge",
    }
    from botocore.stub import ANY

    stubber.add_response(
        "create_endpoint_config",
        {"EndpointConfigArn": f"{ARN}:endpoint-config/new"},
        {
            "EndpointConfigName": ANY,
            "ProductionVariants": [new_variant],
            "KmsKeyId": "alias/k",
            "Tags": [{"Key": "team", "Value": "ml"}],
        },
    )
    stubber.add_response(
        "update_endpoint", {"EndpointArn": f"{ARN}:endpoint/ep-1"}, {"EndpointName": "ep-1", "EndpointConfigName": ANY}
    )
    stubber.add_response("describe_endpoint", described_endpoint("ep-1", "x", "Updating"), {"EndpointName": "ep-1"})
    stubber.add_response("describe_endpoint", described_endpoint("ep-1", "x", "InService"), {"EndpointName": "ep-1"})

    predictor.update_endpoint(initial_instance_count=3, instance_type="ml.c5.xlarge")

    new_name = recorder.params_of("CreateEndpointConfig")[0]["EndpointConfigName"]
    assert new_name.startswith("ep-1-") and new_name != "ep-1"
    assert predictor._endpoint_config_name == new_name and predictor._model_names == ["m-1"]


def test_update_endpoint_rejected_reports_the_new_config(stub: Any) -> None:
    from botocore.stub import ANY

    session, stubber = stub
    predictor = Predictor("ep-1", sagemaker_session=session)
    predictor._remember(endpoint_config_name="ep-1")
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "m-1",
        "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large",
    }
    stubber.add_response(
        "describe_endpoint_config",
        {
            "EndpointConfigName": "ep-1",
            "EndpointConfigArn": f"{ARN}:x/ep-1",
            "ProductionVariants": [variant],
            "CreationTime": 0,
        },
        {"EndpointConfigName": "ep-1"},
    )
    stubber.add_response("list_tags", {"Tags": []}, {"ResourceArn": f"{ARN}:x/ep-1"})
    stubber.add_response(
        "create_endpoint_config",
        {"EndpointConfigArn": f"{ARN}:x/new"},
        {"EndpointConfigName": ANY, "ProductionVariants": [variant]},
    )
    stubber.add_client_error("update_endpoint", "ValidationException", "Cannot update in-progress endpoint")
    with pytest.raises(PartialFailureError) as info:
        predictor.update_endpoint(kms_key=None, data_capture_config_dict=None)
    assert [kind for kind, _ in info.value.created] == ["endpoint config"]
    assert "delete_hosting_resources(session, endpoint_config_name=" in info.value.cleanup
    assert predictor._endpoint_config_name == "ep-1"  # unchanged: the endpoint still uses it
