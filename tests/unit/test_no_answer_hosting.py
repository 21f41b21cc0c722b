"""Hosting calls that get no answer (read timeouts, lost connections): issue 11, item 7.

botocore's timeout and connection errors carry ``response = None``. Reading ``exc.response``
as a dict turned a read timeout during ``deploy()`` or ``delete_endpoint()`` into
``AttributeError: 'NoneType' object has no attribute 'get'``, and ``delete_endpoint()`` then
never deleted the endpoint config. Here every deletion is attempted and the real error surfaces.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from support.hosting import ROLE, FakeHosting

from sagemaker_lite.endpoints import delete_hosting_resources, is_already_existing, is_not_found
from sagemaker_lite.errors import PartialFailureError
from sagemaker_lite.model import Model
from sagemaker_lite.predictor import Predictor

IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-cpu"
URL = "https://api.sagemaker.us-west-2.amazonaws.com/"

pytestmark = pytest.mark.usefixtures("fast_retries")


def read_timeout() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url=URL)


def deployed(fake: FakeHosting) -> Predictor:
    model = Model(IMAGE, model_data="s3://in-bucket/model.tar.gz", role=ROLE, sagemaker_session=fake.session())
    predictor = model.deploy(1, "ml.m5.large", endpoint_name="ep")
    assert predictor is not None
    return predictor


@pytest.mark.parametrize("exc", [read_timeout(), ConnectionClosedError(endpoint_url=URL)])
def test_errors_without_a_response_are_classified_not_crashed_on(exc: Exception) -> None:
    from sagemaker_lite._retry import error_code, error_message

    assert exc.response is None  # type: ignore[attr-defined]
    assert error_code(exc) == "" and error_message(exc) == ""
    assert not is_not_found(exc) and not is_already_existing(exc)


def test_read_timeout_on_delete_endpoint_still_deletes_the_config_and_reports_the_timeout() -> None:
    fake = FakeHosting()
    predictor = deployed(fake)
    fake.reject["DeleteEndpoint"] = read_timeout()
    with pytest.raises(PartialFailureError) as info:
        predictor.delete_endpoint()
    assert isinstance(info.value.__cause__, ReadTimeoutError)
    assert "Read timeout" in str(info.value) and info.value.created == [("endpoint", "ep")]
    assert fake.configs == {}  # attempted although DeleteEndpoint failed
    assert fake.operations().count("DeleteEndpointConfig") == 1


def test_read_timeout_on_describe_before_delete_still_deletes_the_endpoint() -> None:
    fake = FakeHosting([{"EndpointName": "ep", "EndpointConfigName": "c", "ModelName": "m"}])
    fake.reject["DescribeEndpoint"] = read_timeout()
    with pytest.raises(PartialFailureError) as info:
        Predictor("ep", sagemaker_session=fake.session()).delete_endpoint()
    assert isinstance(info.value.__cause__, ReadTimeoutError) and "endpoint config" in str(info.value)
    assert fake.endpoints == {}


def test_every_deletion_is_attempted_and_each_failure_is_named() -> None:
    fake = FakeHosting([{"EndpointName": "ep", "EndpointConfigName": "c", "ModelName": "m"}])
    fake.reject["DeleteEndpoint"] = read_timeout()
    fake.reject["DeleteEndpointConfig"] = ConnectionClosedError(endpoint_url=URL)
    with pytest.raises(PartialFailureError) as info:
        delete_hosting_resources(fake.session(), endpoint_name="ep", endpoint_config_name="c", model_names=["m"])
    assert info.value.created == [("endpoint", "ep"), ("endpoint config", "c")]
    assert "ReadTimeoutError" in str(info.value) and "ConnectionClosedError" in str(info.value)
    assert "endpoint_name='ep', endpoint_config_name='c'" in info.value.cleanup
    assert fake.models == {}


@pytest.mark.parametrize("operation", ["CreateEndpointConfig", "CreateEndpoint"])
def test_read_timeout_during_deploy_says_what_may_exist(operation: str) -> None:
    fake = FakeHosting()
    fake.reject[operation] = read_timeout()
    model = Model(IMAGE, model_data="s3://in-bucket/model.tar.gz", role=ROLE, sagemaker_session=fake.session())
    with pytest.raises(PartialFailureError) as info:
        model.deploy(1, "ml.m5.large", endpoint_name="ep")
    kind = "endpoint config" if operation == "CreateEndpointConfig" else "endpoint"
    assert isinstance(info.value.__cause__, ReadTimeoutError)
    assert (kind, "ep") in info.value.created and "may exist" in str(info.value)
    assert "delete_hosting_resources(session" in str(info.value)


def test_read_timeout_on_the_first_create_of_deploy_is_reported_as_itself() -> None:
    fake = FakeHosting()
    fake.reject["CreateModel"] = read_timeout()
    model = Model(IMAGE, model_data="s3://in-bucket/model.tar.gz", role=ROLE, sagemaker_session=fake.session())
    with pytest.raises(PartialFailureError) as info:
        model.deploy(1, "ml.m5.large", endpoint_name="ep")
    assert [kind for kind, _ in info.value.created] == ["model"] and "may exist" in str(info.value)
