"""Local endpoints: deploy(1, "local") serves a real Keras SavedModel; predict, CSV, JSON Lines, errors, delete."""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from botocore.exceptions import ClientError, ParamValidationError
from serving_helpers import (
    FEATURES,
    http,
    keras_regression,
    listening_addresses,
    make_tarball,
    predict_locally,
    server_pids,
)

from sagemaker_lite.deserializers import JSONDeserializer
from sagemaker_lite.local import LocalSession
from sagemaker_lite.serializers import CSVSerializer, JSONLinesSerializer
from sagemaker_lite.tensorflow import TensorFlowModel, TensorFlowPredictor

# every framework_version these tests can name differs from the installed one: serve with the installed
# framework (TF Serving's REST API; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.tensorflow, pytest.mark.usefixtures("installed_framework_versions")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serving")


@pytest.fixture(scope="module")
def session(workdir: Path) -> LocalSession:
    return LocalSession(root=workdir / "root", stop_timeout=2.0)


@pytest.fixture(scope="module")
def keras_model(workdir: Path) -> Any:
    return keras_regression(workdir / "saved" / "1")


@pytest.fixture(scope="module")
def deployed(workdir: Path, session: LocalSession, keras_model: Any) -> Iterator[TensorFlowPredictor]:
    archive = make_tarball(workdir / "model.tar.gz", {"1": workdir / "saved" / "1"})
    model = TensorFlowModel(model_data=f"file://{archive}", framework_version="2.13", sagemaker_session=session)
    predictor = model.deploy(1, "local", endpoint_name="keras-regression")
    yield predictor
    predictor.delete_endpoint()
    predictor.delete_model()


def rows(count: int, seed: int = 1) -> list[list[float]]:
    return np.random.default_rng(seed).random((count, FEATURES), dtype=np.float32).tolist()


def test_predict_returns_the_models_own_output(deployed: TensorFlowPredictor, keras_model: Any) -> None:
    x = rows(5)
    predictions = deployed.predict({"instances": x})["predictions"]
    np.testing.assert_allclose(np.asarray(predictions), predict_locally(keras_model, x), rtol=1e-5, atol=1e-6)
    # a bare list of rows is wrapped as instances, as the SageMaker TFS container does
    bare = deployed.predict(x)["predictions"]
    np.testing.assert_allclose(np.asarray(bare), np.asarray(predictions), rtol=1e-6)
    columnar = deployed.predict({"inputs": x})["outputs"]
    np.testing.assert_allclose(np.asarray(columnar), np.asarray(predictions), rtol=1e-6)


def test_describe_and_list_have_the_service_shapes(deployed: TensorFlowPredictor, session: LocalSession) -> None:
    client = session.sagemaker_client
    described = client.describe_endpoint(EndpointName="keras-regression")
    assert described["EndpointStatus"] == "InService"
    assert described["EndpointConfigName"] == "keras-regression"
    assert described["EndpointArn"].endswith(":endpoint/keras-regression")
    (variant,) = described["ProductionVariants"]
    assert variant["VariantName"] == "AllTraffic" and variant["CurrentInstanceCount"] == 1
    assert variant["DeployedImages"][0]["SpecifiedImage"].endswith("tensorflow-inference:2.13-cpu")
    config = client.describe_endpoint_config(EndpointConfigName="keras-regression")
    assert config["ProductionVariants"][0]["InstanceType"] == "local"
    model_name = config["ProductionVariants"][0]["ModelName"]
    assert client.describe_model(ModelName=model_name)["PrimaryContainer"]["ModelDataUrl"].startswith("file://")
    assert [e["EndpointName"] for e in client.list_endpoints()["Endpoints"]] == ["keras-regression"]
    assert model_name in [m["ModelName"] for m in client.list_models()["Models"]]
    assert client.list_tags(ResourceArn=described["EndpointArn"])["Tags"] == []


def test_invoke_endpoint_response_shape(deployed: TensorFlowPredictor, session: LocalSession) -> None:
    response = session.sagemaker_runtime_client.invoke_endpoint(
        EndpointName="keras-regression",
        Body=json.dumps({"instances": rows(2)}),
        ContentType="application/json",
        Accept="application/json",
        CustomAttributes="tfs-method=predict",
        InferenceId="abc",
    )
    assert response["ContentType"] == "application/json"
    assert response["InvokedProductionVariant"] == "AllTraffic"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert len(json.loads(response["Body"].read())["predictions"]) == 2
    with pytest.raises(ParamValidationError):
        session.sagemaker_runtime_client.invoke_endpoint(EndpointName="keras-regression")  # no Body


def test_csv_and_json_lines(deployed: TensorFlowPredictor, session: LocalSession, keras_model: Any) -> None:
    x = rows(3, seed=7)
    expected = predict_locally(keras_model, x)
    csv_predictor = TensorFlowPredictor(
        "keras-regression", session, serializer=CSVSerializer(), deserializer=JSONDeserializer()
    )
    np.testing.assert_allclose(np.asarray(csv_predictor.predict(x)["predictions"]), expected, rtol=1e-5, atol=1e-6)
    lines_predictor = TensorFlowPredictor("keras-regression", session, serializer=JSONLinesSerializer())
    answer = lines_predictor.predict(x)["predictions"]
    np.testing.assert_allclose(np.asarray(answer), expected, rtol=1e-5, atol=1e-6)
    response = session.sagemaker_runtime_client.invoke_endpoint(
        EndpointName="keras-regression",
        Body="\n".join(json.dumps(r) for r in x),
        ContentType="application/jsonlines",
        Accept="application/jsonlines",
    )
    assert response["ContentType"] == "application/jsonlines"
    assert b"\n" not in response["Body"].read()


def test_errors_are_model_errors_with_the_servers_message(deployed: TensorFlowPredictor, session: LocalSession) -> None:
    runtime = session.sagemaker_runtime_client
    with pytest.raises(ClientError) as wrong_shape:
        deployed.predict({"instances": [[1.0, 2.0]]})
    error = wrong_shape.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["OriginalStatusCode"] == 400
    assert "Received client error (400) from primary" in error["Error"]["Message"]
    assert json.loads(error["OriginalMessage"])["error"]
    with pytest.raises(ClientError) as unsupported:
        runtime.invoke_endpoint(EndpointName="keras-regression", Body=b"x", ContentType="application/x-npy")
    assert unsupported.value.response["OriginalStatusCode"] == 415
    assert "Unsupported Media Type: application/x-npy" in unsupported.value.response["OriginalMessage"]
    with pytest.raises(ClientError) as unknown:
        runtime.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"{}", ContentType="application/json")
    assert unknown.value.response["Error"]["Code"] == "ValidationError"
    assert "Endpoint no-such-endpoint of account" in unknown.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as missing_model:
        TensorFlowPredictor("keras-regression", session, model_name="nope").predict({"instances": rows(1)})
    assert missing_model.value.response["OriginalStatusCode"] == 404
    assert "Servable not found for request: Latest(nope)" in missing_model.value.response["OriginalMessage"]


def test_classify_and_regress_need_those_signatures(deployed: TensorFlowPredictor) -> None:
    for call, kind in ((deployed.classify, "classification"), (deployed.regress, "regression")):
        with pytest.raises(ClientError) as refused:
            call({"examples": [{"x": 1.0}]})
        assert refused.value.response["OriginalStatusCode"] == 400
        message = json.loads(refused.value.response["OriginalMessage"])["error"]
        assert message.startswith(f"Expected {kind} signature method_name to be tensorflow/serving/")
        assert message.endswith("Was: tensorflow/serving/predict")


def test_tfs_rest_api_over_raw_http(deployed: TensorFlowPredictor, session: LocalSession, keras_model: Any) -> None:
    base = session.sagemaker_client.endpoint_url("keras-regression")
    assert http("GET", base + "/ping")[0] == 200
    status, _, body = http("GET", base + "/v1/models/model")
    assert status == 200
    assert body["model_version_status"][0]["version"] == "1"
    assert body["model_version_status"][0]["state"] == "AVAILABLE"
    assert http("GET", base + "/v1/models/model/versions/1")[0] == 200
    status, _, missing = http("GET", base + "/v1/models/model/versions/7")
    assert status == 404 and missing["error"] == "Servable not found for request: Specific(model, 7)"
    status, _, metadata = http("GET", base + "/v1/models/model/metadata")
    assert status == 200 and metadata["model_spec"] == {"name": "model", "signature_name": "", "version": "1"}
    signature = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert signature["method_name"] == "tensorflow/serving/predict"
    ((input_name, tensor),) = signature["inputs"].items()
    assert tensor["dtype"] == "DT_FLOAT"
    assert [d["size"] for d in tensor["tensor_shape"]["dim"]] == ["-1", str(FEATURES)]
    x = rows(4, seed=3)
    expected = predict_locally(keras_model, x)
    for url in (base + "/v1/models/model:predict", base + "/v1/models/model/versions/1:predict"):
        status, content_type, answer = http("POST", url, {"instances": x})
        assert status == 200 and content_type == "application/json"
        np.testing.assert_allclose(np.asarray(answer["predictions"]), expected, rtol=1e-5, atol=1e-6)
    status, _, named = http("POST", base + "/v1/models/model:predict", {"inputs": {input_name: x}})
    np.testing.assert_allclose(np.asarray(named["outputs"]), expected, rtol=1e-5, atol=1e-6)
    status, _, rows_by_name = http(
        "POST", base + "/v1/models/model:predict", {"instances": [{input_name: r} for r in x]}
    )
    np.testing.assert_allclose(np.asarray(rows_by_name["predictions"]), expected, rtol=1e-5, atol=1e-6)
    status, _, bad_signature = http("POST", base + "/v1/models/model:predict", {"signature_name": "x", "instances": x})
    assert status == 400 and bad_signature["error"] == 'Serving signature name: "x" not found in signature def'
    status, _, both = http("POST", base + "/v1/models/model:predict", {"instances": x, "inputs": x})
    assert status == 400 and "exclusively" in both["error"]
    assert http("POST", base + "/v1/models/model:classify", {"examples": [{"x": 1.0}]})[0] == 400
    assert http("POST", base + "/v1/models/model:explain", {})[0] == 404
    status, _, not_json = http("POST", base + "/v1/models/model:predict", b"{nope")
    assert status == 400 and not_json["error"].startswith("JSON Parse error")


def test_server_binds_loopback_only(deployed: TensorFlowPredictor, session: LocalSession) -> None:
    port = int(session.sagemaker_client.endpoint_url("keras-regression").rsplit(":", 1)[1])
    if Path("/proc/net/tcp").exists():
        assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, and nothing else
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        assert connection.recv(1024).startswith(b"HTTP/1.1 200")
    endpoint_dir = session.root / "endpoints" / "keras-regression"
    for directory in [endpoint_dir, *(p for p in endpoint_dir.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0, directory  # private, like job directories


def test_requests_from_many_threads(deployed: TensorFlowPredictor, keras_model: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    inputs = [rows(1, seed=s) for s in range(32)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda x: deployed.predict({"instances": x})["predictions"], inputs))
    for x, answer in zip(inputs, answers, strict=True):
        np.testing.assert_allclose(np.asarray(answer), predict_locally(keras_model, x), rtol=1e-5, atol=1e-6)


def test_delete_endpoint_stops_the_server(workdir: Path, session: LocalSession) -> None:
    model = TensorFlowModel(
        model_data=f"file://{workdir / 'model.tar.gz'}", framework_version="2.13", sagemaker_session=session
    )
    predictor = model.deploy(1, "local", endpoint_name="short-lived")
    port = int(session.sagemaker_client.endpoint_url("short-lived").rsplit(":", 1)[1])
    (pid,) = server_pids(session, "short-lived")
    assert len(predictor.predict({"instances": rows(1)})["predictions"]) == 1
    predictor.delete_endpoint()
    predictor.delete_model()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    with pytest.raises(ClientError) as gone:
        predictor.predict({"instances": rows(1)})
    assert gone.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ClientError) as described:
        session.sagemaker_client.describe_endpoint(EndpointName="short-lived")
    assert "Could not find endpoint" in described.value.response["Error"]["Message"]
    logs = list((session.root / "endpoints" / "short-lived" / "logs").glob("AllTraffic-*.log"))
    assert logs and "serving ['model'] on http://127.0.0.1:" in logs[0].read_text()
