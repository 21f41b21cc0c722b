"""Local endpoints on the inference-toolkit handler runtime: PyTorch, scikit-learn, XGBoost images.

Each test creates a model through the local SageMaker client exactly as CreateModel would
(image, ``SAGEMAKER_PROGRAM``/``SAGEMAKER_SUBMIT_DIRECTORY``, model.tar.gz), starts the
endpoint's real server process and talks HTTP to it: the answers, status codes and
headers are the framework containers' (see sagemaker_lite/local/serving/handlers.py).
"""

from __future__ import annotations

import http.client
import io
import json
import tarfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from botocore.exceptions import ClientError

from sagemaker_lite.errors import LocalModeError
from sagemaker_lite.local import LocalSageMakerClient
from sagemaker_lite.local.serving.runtimes import (
    BUILTIN_RUNTIMES,
    ServingRuntime,
    register_runtime,
    runtime_for,
    unregister_runtime,
)

# every framework_version these tests can name differs from the installed one: serve with the installed
# framework (the handler runtimes, not the version; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]

PYTORCH_IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference:2.5-cpu-py311"
SKLEARN_IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST_IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
SCRIPT_ENV = {
    "SAGEMAKER_PROGRAM": "inference.py",
    "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
    "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
    "SAGEMAKER_REGION": "us-west-2",
}


def tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def serve(client: LocalSageMakerClient, name: str, image: str, data: Path, env: dict[str, str]) -> int:
    client.create_model(
        ModelName=name, PrimaryContainer={"Image": image, "ModelDataUrl": f"file://{data}", "Environment": env}
    )
    client.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "local"}
        ],
    )
    client.create_endpoint(EndpointName=name, EndpointConfigName=name)
    assert wait(client, name) == "InService", client.describe_endpoint(EndpointName=name).get("FailureReason")
    server = client.account.endpoints[name].route(None)
    assert server is not None and server.port is not None
    return server.port


def wait(client: LocalSageMakerClient, name: str, timeout: float = 180.0) -> str:
    """The endpoint's status once it leaves Creating (a deadline, not a timing assertion)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = str(client.describe_endpoint(EndpointName=name)["EndpointStatus"])
        if status != "Creating":
            return status
        time.sleep(0.1)
    raise TimeoutError(f"endpoint {name} still Creating after {timeout} s")


def request(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- PyTorch ---------------------------------------------------------------------------------------

torch = pytest.importorskip("torch")

PYTORCH_INFERENCE = textwrap.dedent(
    """
    import os, torch

    def model_fn(model_dir):
        model = torch.nn.Linear(3, 1)
        model.load_state_dict(torch.load(os.path.join(model_dir, "model.pth")))
        return model

    def predict_fn(data, model, context):
        assert context.system_properties["model_dir"]
        with torch.no_grad():
            return model(data)
    """
).encode()


@pytest.fixture(scope="module")
def linear(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    root = tmp_path_factory.mktemp("pt")
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    scripted = io.BytesIO()
    torch.jit.save(torch.jit.script(model), scripted)
    data = tarball(
        root / "model.tar.gz",
        {"model.pth": buffer.getvalue(), "code/inference.py": PYTORCH_INFERENCE},
    )
    tarball(root / "scripted.tar.gz", {"model.pt": scripted.getvalue()})
    return model, data


@pytest.fixture
def pytorch_port(client: LocalSageMakerClient, linear: tuple[Any, Path]) -> Iterator[int]:
    yield serve(client, "pt", PYTORCH_IMAGE, linear[1], SCRIPT_ENV)
    client.delete_endpoint(EndpointName="pt")


def test_pytorch_handlers_answer_with_the_models_output(pytorch_port: int, linear: tuple[Any, Path]) -> None:
    model = linear[0]
    rows = [[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]]
    status, headers, body = request(
        pytorch_port, "POST", "/invocations", json.dumps(rows).encode(), {"Content-Type": "application/json"}
    )
    assert status == 200
    assert headers["Content-Type"] == "application/json"  # Accept absent: SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT
    assert headers["Cache-Control"] == "no-cache; no-store, must-revalidate, private" and headers["x-request-id"]
    with torch.no_grad():
        expected = model(torch.tensor(rows)).numpy()
    np.testing.assert_allclose(np.array(json.loads(body)), expected, rtol=1e-6)
    # CSV in, CSV out; NPY in, NPY out (the default input_fn / output_fn)
    status, headers, body = request(
        pytorch_port, "POST", "/invocations", b"1,2,3\n0.5,-1,4", {"Content-Type": "text/csv", "Accept": "text/csv"}
    )
    assert status == 200 and headers["Content-Type"] == "text/csv"
    np.testing.assert_allclose(np.loadtxt(io.StringIO(body.decode())), expected.ravel(), rtol=1e-6)
    npy = io.BytesIO()
    np.save(npy, np.array(rows, dtype=np.float32))
    status, headers, body = request(
        pytorch_port,
        "POST",
        "/invocations",
        npy.getvalue(),
        {"Content-Type": "application/x-npy", "Accept": "application/x-npy"},
    )
    assert status == 200 and headers["Content-Type"] == "application/x-npy"
    np.testing.assert_allclose(np.load(io.BytesIO(body)), expected, rtol=1e-6)


def test_pytorch_errors_are_torchserve_500s(pytorch_port: int) -> None:
    status, _, body = request(pytorch_port, "POST", "/invocations", b"x", {"Content-Type": "application/x-unknown"})
    assert status == 500
    assert body.decode().startswith("Content type application/x-unknown is not supported by this framework.")
    status, _, body = request(pytorch_port, "POST", "/invocations", b"[1, 2]", {"Content-Type": "application/json"})
    assert status == 500 and "Traceback" in body.decode()  # a 1-D input: the Linear layer raises
    status, _, body = request(pytorch_port, "GET", "/ping")
    assert status == 200 and json.loads(body) == {"status": "Healthy"}


def test_pytorch_default_model_fn_loads_torchscript(client: LocalSageMakerClient, linear: tuple[Any, Path]) -> None:
    model, data = linear
    port = serve(client, "scripted", PYTORCH_IMAGE, data.with_name("scripted.tar.gz"), {})
    try:
        status, _, body = request(port, "POST", "/invocations", b"[[1, 2, 3]]", {"Content-Type": "application/json"})
        assert status == 200
        with torch.no_grad():
            expected = model(torch.tensor([[1.0, 2.0, 3.0]])).numpy()
        np.testing.assert_allclose(np.array(json.loads(body)), expected, rtol=1e-6)
    finally:
        client.delete_endpoint(EndpointName="scripted")


def test_a_failing_model_fn_fails_the_endpoint_with_its_message(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = b"def model_fn(model_dir):\n    raise RuntimeError('weights are missing')\n"
    data = tarball(tmp_path / "m.tar.gz", {"code/inference.py": code})
    client.create_model(
        ModelName="bad", PrimaryContainer={"Image": PYTORCH_IMAGE, "ModelDataUrl": f"file://{data}", "Environment": {}}
    )
    client.create_endpoint_config(
        EndpointConfigName="bad",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": "bad", "InitialInstanceCount": 1, "InstanceType": "local"}
        ],
    )
    client.create_endpoint(EndpointName="bad", EndpointConfigName="bad")
    assert wait(client, "bad") == "Failed"
    described = client.describe_endpoint(EndpointName="bad")
    assert described["EndpointStatus"] == "Failed"
    assert "exited with code 2: model_fn failed: RuntimeError: weights are missing" in described["FailureReason"]


# --- scikit-learn (script mode; model_fn required) -------------------------------------------------

SKLEARN_INFERENCE = textwrap.dedent(
    """
    import os, joblib

    def model_fn(model_dir):
        return joblib.load(os.path.join(model_dir, "model.joblib"))
    """
).encode()


def test_sklearn_default_handlers_and_status_codes(client: LocalSageMakerClient, tmp_path: Path) -> None:
    joblib = pytest.importorskip("joblib")
    from sklearn.linear_model import LinearRegression

    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0]])
    model = LinearRegression().fit(x, x @ [2.0, -1.0] + 0.5)
    joblib.dump(model, tmp_path / "model.joblib")
    data = tarball(
        tmp_path / "model.tar.gz",
        {"model.joblib": (tmp_path / "model.joblib").read_bytes(), "code/inference.py": SKLEARN_INFERENCE},
    )
    port = serve(client, "skl", SKLEARN_IMAGE, data, SCRIPT_ENV)
    try:
        status, headers, body = request(port, "POST", "/invocations", b"1,2\n3,5", {"Content-Type": "text/csv"})
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body) == pytest.approx(model.predict(np.array([[1.0, 2.0], [3.0, 5.0]])).tolist())
        status, headers, body = request(port, "POST", "/invocations", b"x", {"Content-Type": "image/png"})
        assert status == 415 and json.loads(body)["error"] == "UnsupportedFormatError"
        status, _, body = request(
            port, "POST", "/invocations", b"1,2\n3,5", {"Content-Type": "text/csv", "Accept": "image/png"}
        )
        assert status == 406 and "image/png" in json.loads(body)["error-message"]
        status, headers, _ = request(port, "POST", "/invocations", b"[1,2,3]", {"Content-Type": "application/json"})
        assert status == 500 and headers["Content-Type"].startswith("text/html")  # wrong width: Flask's 500
        assert request(port, "GET", "/ping")[:1] == (200,)
    finally:
        client.delete_endpoint(EndpointName="skl")


def test_sklearn_without_model_fn_fails_at_startup(client: LocalSageMakerClient, tmp_path: Path) -> None:
    data = tarball(tmp_path / "model.tar.gz", {"code/inference.py": b"# nothing\n"})
    client.create_model(
        ModelName="nofn",
        PrimaryContainer={"Image": SKLEARN_IMAGE, "ModelDataUrl": f"file://{data}", "Environment": SCRIPT_ENV},
    )
    client.create_endpoint_config(
        EndpointConfigName="nofn",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": "nofn", "InitialInstanceCount": 1, "InstanceType": "local"}
        ],
    )
    client.create_endpoint(EndpointName="nofn", EndpointConfigName="nofn")
    assert wait(client, "nofn") == "Failed"
    reason = client.describe_endpoint(EndpointName="nofn")["FailureReason"]
    assert "code 2: model_fn failed: NotImplementedError: Please provide a model_fn implementation." in reason


def test_transform_fn_with_input_fn_is_refused(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = b"def transform_fn(m, d, c, a):\n    return d\n\ndef input_fn(d, c):\n    return d\n"
    data = tarball(tmp_path / "model.tar.gz", {"code/inference.py": code})
    client.create_model(
        ModelName="both", PrimaryContainer={"Image": PYTORCH_IMAGE, "ModelDataUrl": f"file://{data}", "Environment": {}}
    )
    client.create_endpoint_config(
        EndpointConfigName="both",
        ProductionVariants=[
            {"VariantName": "v", "ModelName": "both", "InitialInstanceCount": 1, "InstanceType": "local"}
        ],
    )
    client.create_endpoint(EndpointName="both", EndpointConfigName="both")
    assert wait(client, "both") == "Failed"
    assert (
        "Cannot use transform_fn implementation in conjunction with input_fn"
        in client.describe_endpoint(EndpointName="both")["FailureReason"]
    )


# --- the registry ----------------------------------------------------------------------------------


def test_runtime_selection_follows_the_image_and_script_mode() -> None:
    def name(image: str, env: dict[str, str] | None = None) -> str:
        return runtime_for({"Image": image, "Environment": env or {}}).name

    assert name(PYTORCH_IMAGE) == "pytorch"
    assert name(SKLEARN_IMAGE) == "sklearn"
    assert name(XGBOOST_IMAGE, SCRIPT_ENV) == "xgboost-script"
    assert name("763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.13-cpu") == "tensorflow-serving"
    hf = "763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-inference:2.1-transformers4.37-cpu-py310"
    assert name(hf) == "huggingface"
    assert name("123456789012.dkr.ecr.us-west-2.amazonaws.com/my-own:1", SCRIPT_ENV) == "inference-toolkit"
    with pytest.raises(LocalModeError, match=r"no local serving runtime for image '.*my-own:1'"):
        name("123456789012.dkr.ecr.us-west-2.amazonaws.com/my-own:1")
    assert [r.name for r in BUILTIN_RUNTIMES][-1] == "inference-toolkit"  # the catch-all comes last


def test_a_registered_runtime_wins_and_is_used_by_the_server(client: LocalSageMakerClient, tmp_path: Path) -> None:
    runtime = ServingRuntime(
        name="echo-test",
        matches=lambda container: container.get("Image", "").endswith("/echo:1"),
        loader="sagemaker_lite.local.serving.handlers:load_generic",
    )
    register_runtime(runtime)
    try:
        assert runtime_for({"Image": "1.dkr.ecr.us-west-2.amazonaws.com/echo:1"}) is runtime
        code = b"def model_fn(d):\n    return 'm'\n\n"
        code += b"def transform_fn(model, data, ctype, accept):\n    return data, ctype\n"
        data = tarball(tmp_path / "model.tar.gz", {"code/inference.py": code})
        port = serve(client, "echo", "1.dkr.ecr.us-west-2.amazonaws.com/echo:1", data, {})
        status, headers, body = request(port, "POST", "/invocations", b"hello", {"Content-Type": "text/plain"})
        assert (status, headers["Content-Type"], body) == (200, "text/plain", b"hello")
        client.delete_endpoint(EndpointName="echo")
    finally:
        unregister_runtime("echo-test")
    with pytest.raises(ClientError):
        client.describe_endpoint(EndpointName="echo")
