"""Session.endpoint_from_model_data / endpoint_from_job send what Model(...).deploy(...) sends.

The shortcuts build the three hosting requests from the same pieces as ``Model.deploy``
without importing ``Model`` (session_shortcuts.py: that import would be a cycle), so this
pins them to it: the same calls, in the same order, with the same parameters. (Their
bad-input rows are in test_bad_inputs.py's table.)
"""

from __future__ import annotations

from typing import Any

import pytest
from support.hosting import ROLE, FakeHosting

from sagemaker_lite.hosting import DataCaptureConfig
from sagemaker_lite.model import Model

IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
DATA = "s3://in-bucket/model.tar.gz"
VPC = {"Subnets": ["subnet-0123abcd"], "SecurityGroupIds": ["sg-0123abcd"]}


def _sent(fake: FakeHosting) -> list[tuple[str, dict[str, Any]]]:
    return [(c.operation, c.params) for c in fake.aws.calls]


@pytest.mark.parametrize(
    "settings",
    [
        {"name": "from-data"},
        {"name": "with-all", "env": {"A": "1"}, "vpc": VPC, "tags": [{"Key": "team", "Value": "ml"}]},
        {"name": "captured", "capture": True},
    ],
)
def test_endpoint_from_model_data_sends_what_model_deploy_sends(settings: dict[str, Any]) -> None:
    capture = DataCaptureConfig(enable_capture=True) if settings.get("capture") else None
    by_model = FakeHosting()
    Model(
        IMAGE,
        DATA,
        ROLE,
        env=settings.get("env"),
        name=settings["name"],
        vpc_config=settings.get("vpc"),
        sagemaker_session=by_model.session(),
    ).deploy(1, "ml.m5.large", endpoint_name=settings["name"], tags=settings.get("tags"), data_capture_config=capture)

    by_session = FakeHosting()
    endpoint = by_session.session().endpoint_from_model_data(
        DATA,
        IMAGE,
        1,
        "ml.m5.large",
        name=settings["name"],
        role=ROLE,
        model_environment_vars=settings.get("env"),
        model_vpc_config=settings.get("vpc"),
        tags=settings.get("tags"),
        data_capture_config=capture,
    )
    assert endpoint == settings["name"]
    assert _sent(by_session) == _sent(by_model)
    assert [operation for operation, _ in _sent(by_session)][-4:] == [
        "CreateModel", "CreateEndpointConfig", "CreateEndpoint", "DescribeEndpoint",
    ]  # fmt: skip


def test_a_generated_name_is_shared_by_the_model_config_and_endpoint() -> None:
    fake = FakeHosting()
    endpoint = fake.session().endpoint_from_model_data(DATA, IMAGE, 1, "ml.m5.large", role=ROLE, wait=False)
    assert endpoint.startswith("sagemaker-xgboost-")
    (model,) = fake.aws.params_of("CreateModel")
    (config,) = fake.aws.params_of("CreateEndpointConfig")
    assert model["ModelName"] == config["EndpointConfigName"] == endpoint
    assert "DescribeEndpoint" not in fake.operations()
