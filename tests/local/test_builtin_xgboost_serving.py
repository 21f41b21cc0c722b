"""A local endpoint of a built-in XGBoost model answers /invocations as the algorithm's inference container.

One endpoint per test module (a model saved here with the installed xgboost, served with it:
``SAGEMAKER_LITE_ALGORITHM_PACKAGES=installed``); every request goes through the runtime
client exactly as ``Predictor.predict`` sends it.
"""

from __future__ import annotations

import json
import struct
import tarfile
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import xgboost
from botocore.exceptions import ClientError
from xgb_helpers import IMAGE_1_7, binary_data

from sagemaker_lite.local import LocalSession
from sagemaker_lite.local.algorithms import recordio
from sagemaker_lite.model import Model

pytestmark = pytest.mark.local


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, Any, np.ndarray]]:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("SAGEMAKER_LITE_ALGORITHM_PACKAGES", "installed")
    tmp = tmp_path_factory.mktemp("xgb-serving")
    x, y = binary_data(rows=200, features=4)
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 3}, xgboost.DMatrix(x, label=y), 10)
    booster.save_model(str(tmp / "xgboost-model"))
    with tarfile.open(tmp / "model.tar.gz", "w:gz") as tar:
        tar.add(tmp / "xgboost-model", arcname="xgboost-model")
    session = LocalSession(root=tmp / "root", stop_timeout=2.0)
    model = Model(IMAGE_1_7, f"file://{tmp / 'model.tar.gz'}", None, sagemaker_session=session)
    predictor = model.deploy(1, "local")
    try:
        yield session.sagemaker_runtime_client, predictor.endpoint_name, booster, x
    finally:
        predictor.delete_endpoint()
        monkeypatch.undo()


def _invoke(served: Any, body: bytes, content_type: str | None, accept: str | None = None) -> tuple[str, bytes]:
    runtime, name, _, _ = served
    params: dict[str, Any] = {"EndpointName": name, "Body": body}
    if content_type is not None:
        params["ContentType"] = content_type
    if accept is not None:
        params["Accept"] = accept
    response = runtime.invoke_endpoint(**params)
    return str(response["ContentType"]), response["Body"].read()


def _expected(served: Any, rows: np.ndarray) -> list[float]:
    booster = served[2]
    return [float(v) for v in booster.predict(xgboost.DMatrix(rows.astype(np.float64)))]


def test_csv_in_csv_out_one_prediction_per_line(served: Any) -> None:
    rows = served[3][:5]
    body = "\n".join(",".join(repr(float(v)) for v in row) for row in rows).encode()
    content_type, answer = _invoke(served, body, "text/csv")
    assert content_type == "text/csv"
    assert np.allclose([float(v) for v in answer.decode().split("\n") if v], _expected(served, rows), atol=1e-6)


def test_json_and_jsonlines_accept(served: Any) -> None:
    rows = served[3][:3]
    body = "\n".join(",".join(str(float(v)) for v in row) for row in rows).encode()
    content_type, answer = _invoke(served, body, "text/csv", "application/json")
    scores = [p["score"] for p in json.loads(answer)["predictions"]]
    assert content_type == "application/json" and np.allclose(scores, _expected(served, rows), atol=1e-6)
    content_type, answer = _invoke(served, body, "text/csv", "application/jsonlines")
    lines = [json.loads(line)["score"] for line in answer.decode().splitlines()]
    assert content_type == "application/jsonlines" and np.allclose(lines, scores)


def test_libsvm_and_recordio_protobuf_in(served: Any) -> None:
    rows = served[3][:2]
    libsvm = "\n".join(" ".join(f"{i + 1}:{v}" for i, v in enumerate(row)) for row in rows).encode()  # 1-based
    _, answer = _invoke(served, libsvm, "text/libsvm")
    assert np.allclose([float(v) for v in answer.split()], _expected(served, rows), atol=1e-6)
    tensor = b"".join(struct.pack("<f", v) for v in rows[0].astype(np.float32))
    body = b"\n" + bytes([len(tensor)]) + tensor  # Float32Tensor.values (field 1, packed)
    entry = b"\n\x06values" + b"\x12" + bytes([len(body) + 2]) + b"\x12" + bytes([len(body)]) + body
    record = b"\n" + bytes([len(entry)]) + entry
    framed = struct.pack("<II", recordio.MAGIC, len(record)) + record + b"\0" * (-len(record) % 4)
    _, answer = _invoke(served, framed, "application/x-recordio-protobuf")
    assert np.allclose([float(v) for v in answer.split()], _expected(served, rows[:1]), atol=1e-6)


@pytest.mark.parametrize(
    ("body", "content_type", "accept", "status", "message"),
    [
        (b"1,2,3,4", "application/json", None, 415, "application/json is not an accepted ContentType"),
        (b"1,2,3,4", "application/x-parquet", None, 415, "Content-type application/x-parquet is not supported."),
        (b"1,2\n3", "text/csv", None, 415, "Loading csv data failed with Exception, please ensure data is in csv"),
        (b"1,2,3,4", "text/csv", "application/xml", 406, "Accept type application/xml is not supported."),
        (b"1,2,3,4,5,6,7,8", "text/csv", None, 400, "Unable to evaluate payload provided:"),
    ],
    ids=["content-type", "parquet", "ragged-csv", "accept", "feature-count"],
)
def test_bad_input_answers_like_the_container(
    served: Any, body: bytes, content_type: str, accept: str | None, status: int, message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        _invoke(served, body, content_type, accept)
    error = raised.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["OriginalStatusCode"] == status and message in error["OriginalMessage"], error["OriginalMessage"]


def test_empty_body_answers_204(served: Any) -> None:
    _, answer = _invoke(served, b"", "text/csv")
    assert answer == b""
