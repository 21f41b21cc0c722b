"""The local hosting API without a server: validation, service errors, refusals, tags, the runtime's errors.

No TensorFlow is needed here: nothing reaches the point of starting an endpoint's server.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from sagemaker_lite.errors import LocalModeError
from sagemaker_lite.local import LocalSageMakerClient, LocalSession
from sagemaker_lite.local.api.hosting import is_tensorflow_serving_image
from sagemaker_lite.model import Model
from sagemaker_lite.session import Session

# every framework_version these tests can name differs from the installed one: serve with the installed
# framework (the hosting API's shapes and errors; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]

TF_IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.13-cpu"


@pytest.fixture
def tensorflow_present(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend TensorFlow is importable (these tests never start a server)."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "tensorflow" else real(name))


def container(image: str = TF_IMAGE, data: str = "file:///nowhere/model.tar.gz") -> dict[str, Any]:
    return {"Image": image, "ModelDataUrl": data, "Environment": {}}


def variant(model: str) -> dict[str, Any]:
    return {
        "VariantName": "AllTraffic",
        "ModelName": model,
        "InitialInstanceCount": 1,
        "InstanceType": "local",
        "InitialVariantWeight": 1,
    }


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def test_models_and_configs_have_the_service_errors(client: LocalSageMakerClient, tensorflow_present: None) -> None:
    with pytest.raises(ParamValidationError):
        client.create_model(PrimaryContainer=container())
    arn = client.create_model(ModelName="m1", PrimaryContainer=container(), Tags=[{"Key": "k", "Value": "v"}])[
        "ModelArn"
    ]
    assert arn == "arn:aws:sagemaker:us-west-2:000000000000:model/m1"
    described = client.describe_model(ModelName="m1")
    assert described["PrimaryContainer"] == container() and "ExecutionRoleArn" not in described
    assert client.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    with pytest.raises(ClientError) as duplicate:
        client.create_model(ModelName="m1", PrimaryContainer=container())
    assert error_of(duplicate) == ("ValidationException", f'Cannot create already existing model "{arn}".')
    with pytest.raises(ClientError) as unknown_model:
        client.create_endpoint_config(EndpointConfigName="c1", ProductionVariants=[variant("nope")])
    assert error_of(unknown_model)[1] == 'Could not find model "arn:aws:sagemaker:us-west-2:000000000000:model/nope".'
    client.create_endpoint_config(EndpointConfigName="c1", ProductionVariants=[variant("m1")])
    assert client.describe_endpoint_config(EndpointConfigName="c1")["ProductionVariants"] == [variant("m1")]
    with pytest.raises(ClientError) as no_config:
        client.create_endpoint(EndpointName="e1", EndpointConfigName="c2")
    assert "Could not find endpoint configuration" in error_of(no_config)[1]
    with pytest.raises(ClientError) as no_endpoint:
        client.describe_endpoint(EndpointName="e1")
    assert error_of(no_endpoint) == (
        "ValidationException",
        'Could not find endpoint "arn:aws:sagemaker:us-west-2:000000000000:endpoint/e1".',
    )
    assert client.list_endpoints()["Endpoints"] == []
    client.delete_endpoint_config(EndpointConfigName="c1")
    client.delete_model(ModelName="m1")
    with pytest.raises(ClientError, match="Could not find model"):
        client.delete_model(ModelName="m1")


def test_images_other_than_tensorflow_serving_are_refused_at_once(client: LocalSageMakerClient) -> None:
    assert is_tensorflow_serving_image(TF_IMAGE)
    assert is_tensorflow_serving_image("123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tensorflow-serving:1.15")
    assert not is_tensorflow_serving_image("246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1")
    with pytest.raises(LocalModeError, match=r"no local serving runtime for image 'local-script'"):
        client.create_model(ModelName="xgb", PrimaryContainer=container("local-script"))
    with pytest.raises(ClientError):
        client.describe_model(ModelName="xgb")  # nothing was created


def test_no_tensorflow_is_a_clear_local_mode_error(
    client: LocalSageMakerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name))
    with pytest.raises(LocalModeError, match=r"pip install sagemaker_lite\[tensorflow\]"):
        client.create_model(ModelName="m", PrimaryContainer=container())


def test_deploy_local_refuses_a_hosted_session(tmp_path: Path, aws_region: str) -> None:
    archive = tmp_path / "model.tar.gz"
    archive.write_bytes(b"")
    model = Model(TF_IMAGE, f"file://{archive}", sagemaker_session=Session())
    with pytest.raises(LocalModeError, match=r"sagemaker_session=sagemaker_lite.local.LocalSession\(\)"):
        model.deploy(1, "local")


def test_deploy_local_without_a_session_uses_a_local_session(
    tmp_path: Path, local_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name))
    model = Model(TF_IMAGE, f"file://{tmp_path / 'model.tar.gz'}")
    with pytest.raises(LocalModeError, match="TensorFlow"):  # refused by the local client: nothing was created
        model.deploy(1, "local")
    assert isinstance(model.sagemaker_session, LocalSession)


def test_runtime_errors(session: LocalSession) -> None:
    runtime = session.sagemaker_runtime_client
    assert session.client("sagemaker-runtime") is runtime
    with pytest.raises(ClientError) as unknown:
        runtime.invoke_endpoint(EndpointName="ghost", Body=b"{}", ContentType="application/json")
    assert error_of(unknown) == ("ValidationError", "Endpoint ghost of account 000000000000 not found.")
    with pytest.raises(ClientError, match="multi-model"):
        runtime.invoke_endpoint(EndpointName="ghost", Body=b"{}", TargetModel="a.tar.gz")
    with pytest.raises(ParamValidationError):
        runtime.invoke_endpoint(EndpointName="ghost", Body=b"{}", Unknown=1)


def test_one_account_per_root_shared_by_its_sessions_and_clients(tmp_path: Path, tensorflow_present: None) -> None:
    """Sessions over one root share its jobs and endpoints (one LocalAccount); other roots see none of them."""
    first, same = LocalSession(root=tmp_path / "a"), LocalSession(root=tmp_path / "a")
    other = LocalSession(root=tmp_path / "b")
    first.sagemaker_client.create_model(ModelName="shared", PrimaryContainer=container())
    assert same.sagemaker_client.describe_model(ModelName="shared")["ModelName"] == "shared"
    assert same.sagemaker_client.account is first.sagemaker_client.account is first.sagemaker_runtime_client.account
    with pytest.raises(ClientError) as missing:
        other.sagemaker_client.describe_model(ModelName="shared")
    assert error_of(missing)[0] == "ValidationException"
    assert other.sagemaker_client.account is not first.sagemaker_client.account
    assert other.sagemaker_client.list_models()["Models"] == []
    assert LocalSageMakerClient(root=tmp_path / "a").account is first.sagemaker_client.account
