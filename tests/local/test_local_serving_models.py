"""Local endpoints: model layouts, versions, classify/regress, inference.py, failures, update, s3:// model data."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from botocore.exceptions import ClientError
from serving_helpers import (
    FEATURES,
    http,
    keras_regression,
    make_tarball,
    predict_locally,
    server_pids,
    tf1_classify_regress,
)

from sagemaker_lite.errors import EndpointFailedError
from sagemaker_lite.local import LocalSession
from sagemaker_lite.serializers import CSVSerializer
from sagemaker_lite.tensorflow import TensorFlowModel, TensorFlowPredictor

# every framework_version these tests can name differs from the installed one: serve with the installed
# framework (the model server, not the version; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.tensorflow, pytest.mark.usefixtures("installed_framework_versions")]

X = np.random.default_rng(5).random((3, FEATURES), dtype=np.float32).tolist()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serving-models")


@pytest.fixture(scope="module")
def session(workdir: Path) -> LocalSession:
    return LocalSession(root=workdir / "root", stop_timeout=2.0)


@pytest.fixture(scope="module")
def keras_models(workdir: Path) -> dict[str, Any]:
    return {"a1": keras_regression(workdir / "a1", seed=1), "a2": keras_regression(workdir / "a2", seed=2)}


def deploy(session: LocalSession, archive: Path, name: str, **model_args: Any) -> Any:
    model = TensorFlowModel(
        model_data=f"file://{archive}", framework_version="2.13", sagemaker_session=session, **model_args
    )
    return model.deploy(1, "local", endpoint_name=name)


def remove(predictor: Any) -> None:
    predictor.delete_endpoint()
    predictor.delete_model()


def close(actual: Any, expected: Any) -> None:
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_multi_model_names_and_versions(workdir: Path, session: LocalSession, keras_models: dict[str, Any]) -> None:
    archive = make_tarball(
        workdir / "multi.tar.gz",
        {"alpha/1": workdir / "a1", "alpha/2": workdir / "a2", "beta/1": workdir / "a1"},
    )
    predictor = deploy(session, archive, "multi", env={"SAGEMAKER_TFS_DEFAULT_MODEL_NAME": "alpha"})
    try:
        a1, a2 = keras_models["a1"], keras_models["a2"]
        close(predictor.predict({"instances": X})["predictions"], predict_locally(a2, X))  # highest version
        versioned = TensorFlowPredictor("multi", session, model_name="alpha", model_version=1)
        close(versioned.predict({"instances": X})["predictions"], predict_locally(a1, X))
        beta = TensorFlowPredictor("multi", session, model_name="beta")
        close(beta.predict({"instances": X})["predictions"], predict_locally(a1, X))
        with pytest.raises(ClientError) as missing:
            TensorFlowPredictor("multi", session, model_name="beta", model_version=2).predict({"instances": X})
        assert "Servable not found for request: Specific(beta, 2)" in missing.value.response["OriginalMessage"]
        base = session.sagemaker_client.endpoint_url("multi")
        status, _, body = http("GET", base + "/v1/models/alpha")
        assert status == 200 and [v["version"] for v in body["model_version_status"]] == ["2", "1"]
    finally:
        remove(predictor)


def test_legacy_export_servo_layout(workdir: Path, session: LocalSession, keras_models: dict[str, Any]) -> None:
    archive = make_tarball(workdir / "servo.tar.gz", {"export/Servo/3": workdir / "a1"})
    predictor = deploy(session, archive, "servo")
    try:
        close(predictor.predict({"instances": X})["predictions"], predict_locally(keras_models["a1"], X))
        base = session.sagemaker_client.endpoint_url("servo")
        assert http("GET", base + "/v1/models/Servo/versions/3")[0] == 200
    finally:
        remove(predictor)


def test_classify_and_regress_signatures(workdir: Path, session: LocalSession) -> None:
    tf1_classify_regress(workdir / "tf1" / "1")
    archive = make_tarball(workdir / "tf1.tar.gz", {"1": workdir / "tf1" / "1"})
    predictor = deploy(session, archive, "tf1")
    try:
        examples = {"examples": [{"x": 0.0}, {"x": 2.0}]}
        classified = predictor.classify({"signature_name": "classify_x", **examples})["result"]
        assert [[label for label, _ in result] for result in classified] == [["neg", "pos"], ["neg", "pos"]]
        np.testing.assert_allclose([score for _, score in classified[0]], [0.5, 0.5], rtol=1e-6)
        assert classified[1][1][1] > 0.85
        regressed = predictor.regress({"signature_name": "regress_x", "context": {"x": 1.5}, "examples": [{}]})
        assert regressed == {"result": [4.0]}
        assert predictor.predict({"instances": [1.0, 2.0]}) == {"predictions": [3.0, 5.0]}
        with pytest.raises(ClientError) as wrong:
            predictor.classify({"signature_name": "regress_x", **examples})
        assert "Was: tensorflow/serving/regress" in wrong.value.response["OriginalMessage"]
    finally:
        remove(predictor)


INPUT_OUTPUT_HANDLERS = """
import json

def input_handler(data, context):
    body = data.read().decode("utf-8")
    if context.request_content_type == "application/x-rows":
        rows = [[float(v) for v in line.split()] for line in body.splitlines()]
        return json.dumps({"instances": rows})
    return body

def output_handler(response, context):
    if response.status_code != 200:
        raise ValueError(response.content.decode("utf-8"))
    seen = {name: getattr(context, name) for name in (
        "model_name", "model_version", "method", "rest_uri", "grpc_port", "custom_attributes",
        "request_content_type", "accept_header", "content_length")}
    return json.dumps({"predictions": response.json()["predictions"], "context": seen}), "application/json"
"""

SINGLE_HANDLER = """
import json, sys, urllib.request

def handler(data, context):
    request = json.dumps({"instances": json.loads(data.read())["rows"]}).encode()
    with urllib.request.urlopen(urllib.request.Request(context.rest_uri, data=request)) as answer:
        predictions = json.loads(answer.read())["predictions"]
    answer = {"doubled": [[2 * v for v in p] for p in predictions], "python": sys.executable}
    return json.dumps(answer), "application/json"
"""


def test_inference_py_input_and_output_handlers(
    workdir: Path, session: LocalSession, keras_models: dict[str, Any]
) -> None:
    archive = make_tarball(workdir / "io.tar.gz", {"1": workdir / "a1", "code/inference.py": INPUT_OUTPUT_HANDLERS})
    predictor = deploy(session, archive, "io-handlers")
    try:
        expected = predict_locally(keras_models["a1"], X)
        runtime = session.sagemaker_runtime_client
        body = "\n".join(" ".join(str(v) for v in row) for row in X)
        response = runtime.invoke_endpoint(
            EndpointName="io-handlers",
            Body=body,
            ContentType="application/x-rows",
            Accept="application/json",
            CustomAttributes="tfs-model-version=1,extra=1",
        )
        answer = json.loads(response["Body"].read())
        close(answer["predictions"], expected)
        context = answer["context"]
        assert context["model_name"] is None and context["model_version"] == "1" and context["method"] is None
        assert context["rest_uri"].startswith("http://127.0.0.1:")
        assert context["rest_uri"].endswith("/v1/models/model/versions/1:predict")
        assert context["custom_attributes"] == "tfs-model-version=1,extra=1"
        assert context["request_content_type"] == "application/x-rows"
        assert context["accept_header"] == "application/json"
        assert context["content_length"] == len(body.encode()) and context["grpc_port"] is None
        with pytest.raises(ClientError) as failed:  # output_handler raises on the TFS error -> 500
            predictor.predict({"instances": [[1.0]]})
        assert failed.value.response["OriginalStatusCode"] == 500
        assert "Received server error (500)" in failed.value.response["Error"]["Message"]
    finally:
        remove(predictor)


def test_inference_py_handler_with_requirements_venv(
    workdir: Path, session: LocalSession, keras_models: dict[str, Any]
) -> None:
    requirements = "# nothing to install: the venv is still built and used\n"
    archive = make_tarball(
        workdir / "handler.tar.gz",
        {"1": workdir / "a1", "code/inference.py": SINGLE_HANDLER, "code/requirements.txt": requirements},
    )
    predictor = deploy(session, archive, "single-handler")
    try:
        answer = predictor.predict({"rows": X})
        close(answer["doubled"], 2 * predict_locally(keras_models["a1"], X))
        assert answer["python"].startswith(str(session.root / "venvs"))
        assert answer["python"] != sys.executable
    finally:
        remove(predictor)


def test_inference_py_without_handlers_fails_the_endpoint(workdir: Path, session: LocalSession) -> None:
    archive = make_tarball(workdir / "nohandlers.tar.gz", {"1": workdir / "a1", "code/inference.py": "x = 1\n"})
    with pytest.raises(EndpointFailedError) as failed:
        deploy(session, archive, "no-handlers")
    assert "Handlers are not implemented correctly in user script." in str(failed.value)
    described = session.sagemaker_client.describe_endpoint(EndpointName="no-handlers")
    assert described["EndpointStatus"] == "Failed"
    assert "did not pass the ping health check" in described["FailureReason"]
    assert len(described["FailureReason"]) <= 1024
    session.sagemaker_client.delete_endpoint(EndpointName="no-handlers")


def test_artifact_without_saved_model_fails(workdir: Path, session: LocalSession) -> None:
    archive = make_tarball(workdir / "empty.tar.gz", {"notes.txt": "no model here\n"})
    with (
        pytest.warns(UserWarning, match="may not load in TensorFlow Serving"),
        pytest.raises(EndpointFailedError, match="no SavedModel in the model artifact"),
    ):
        deploy(session, archive, "empty")
    session.sagemaker_client.delete_endpoint(EndpointName="empty")


def test_a_crashed_server_fails_the_endpoint(workdir: Path, session: LocalSession) -> None:
    archive = make_tarball(workdir / "crash.tar.gz", {"1": workdir / "a1"})
    predictor = deploy(session, archive, "crash")
    try:
        (pid,) = server_pids(session, "crash")
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        status = ""
        while time.monotonic() < deadline and status != "Failed":
            described = session.sagemaker_client.describe_endpoint(EndpointName="crash")
            status = described["EndpointStatus"]
            time.sleep(0.05)
        assert status == "Failed"
        assert "exited with code -9" in described["FailureReason"]
        with pytest.raises(ClientError):
            predictor.predict({"instances": X})
    finally:
        remove(predictor)


def test_update_endpoint_switches_models(workdir: Path, session: LocalSession, keras_models: dict[str, Any]) -> None:
    first = make_tarball(workdir / "first.tar.gz", {"1": workdir / "a1"})
    second = make_tarball(workdir / "second.tar.gz", {"1": workdir / "a2"})
    predictor = deploy(session, first, "updated")
    old_pids = server_pids(session, "updated")
    client = session.sagemaker_client
    close(predictor.predict({"instances": X})["predictions"], predict_locally(keras_models["a1"], X))
    (first_model,) = predictor._current_model_names()
    image = client.describe_model(ModelName=first_model)["PrimaryContainer"]["Image"]
    client.create_model(ModelName="second-model", PrimaryContainer={"Image": image, "ModelDataUrl": f"file://{second}"})
    predictor.update_endpoint(model_name="second-model", initial_instance_count=1, instance_type="local")
    try:
        described = client.describe_endpoint(EndpointName="updated")
        assert described["EndpointStatus"] == "InService" and described["EndpointConfigName"] != "updated"
        close(predictor.predict({"instances": X})["predictions"], predict_locally(keras_models["a2"], X))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in old_pids):
            time.sleep(0.05)
        for pid in old_pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        # an update whose servers cannot start leaves the current config serving, with the reason
        broken = make_tarball(workdir / "broken.tar.gz", {"README": "no model\n"})
        client.create_model(ModelName="broken", PrimaryContainer={"Image": image, "ModelDataUrl": f"file://{broken}"})
        predictor.update_endpoint(model_name="broken", initial_instance_count=1, instance_type="local")
        described = client.describe_endpoint(EndpointName="updated")
        assert described["EndpointStatus"] == "InService" and "no SavedModel" in described["FailureReason"]
        close(predictor.predict({"instances": X})["predictions"], predict_locally(keras_models["a2"], X))
    finally:
        predictor.delete_endpoint()
        for config in client.list_endpoint_configs()["EndpointConfigs"]:
            client.delete_endpoint_config(EndpointConfigName=config["EndpointConfigName"])
        for model in (first_model, "second-model", "broken"):
            client.delete_model(ModelName=model)


def test_s3_model_data_is_downloaded_through_the_session(
    workdir: Path, moto: Any, keras_models: dict[str, Any]
) -> None:
    archive = make_tarball(workdir / "s3.tar.gz", {"1": workdir / "a1"})
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="models", CreateBucketConfiguration={"LocationConstraint": moto.region})
    s3.upload_file(str(archive), "models", "tf/model.tar.gz")
    session = LocalSession(root=workdir / "root-s3", stop_timeout=2.0, region_name=moto.region)
    model = TensorFlowModel(
        model_data="s3://models/tf/model.tar.gz", framework_version="2.13", sagemaker_session=session
    )
    predictor = model.deploy(1, "local", CSVSerializer(), endpoint_name="from-s3")
    try:
        close(predictor.predict(X)["predictions"], predict_locally(keras_models["a1"], X))
    finally:
        remove(predictor)
