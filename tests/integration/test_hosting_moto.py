"""Hosting against the real moto server, over HTTP: fit -> deploy -> predict -> delete, and TensorFlowModel.

moto 5.2.1 makes endpoints InService at once, lets a test queue InvokeEndpoint results and
does not implement UpdateEndpoint (that is covered with the Stubber in tests/unit).
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from support.aws_double import PassThrough
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.deserializers import CSVDeserializer
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.predictor import Predictor
from sagemaker_lite.serializers import CSVSerializer
from sagemaker_lite.tensorflow import TensorFlowModel, TensorFlowPredictor

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)


def recording_session(moto: MotoHandle) -> tuple[Session, PassThrough]:
    boto, recorder = moto.recorded_boto_session()
    return Session(boto_session=boto, endpoint_url=moto.url, polling=NO_SLEEP), recorder


def hosting_state(moto: MotoHandle) -> dict[str, list[str]]:
    sm = moto.client("sagemaker")
    return {
        "models": [m["ModelName"] for m in sm.list_models()["Models"]],
        "configs": [c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]],
        "endpoints": [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]],
    }


def test_fit_deploy_predict_delete(moto: MotoHandle, capsys: Any) -> None:
    session, recorder = recording_session(moto)
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session, base_job_name="xgb")
    est.fit("s3://in-bucket/train", job_name="xgb-hosting")
    recorder.clear_calls()

    predictor = est.deploy(1, "ml.m5.xlarge", serializer=CSVSerializer(), deserializer=CSVDeserializer())

    assert [c.operation for c in recorder.calls] == [
        "CreateModel",
        "CreateEndpointConfig",
        "CreateEndpoint",
        "DescribeEndpoint",
    ]
    state = hosting_state(moto)
    name = predictor.endpoint_name
    assert name.startswith("xgb-") and state == {"models": [name], "configs": [name], "endpoints": [name]}
    model = moto.client("sagemaker").describe_model(ModelName=name)
    assert model["PrimaryContainer"]["Image"] == IMAGE
    assert model["PrimaryContainer"]["ModelDataUrl"] == est.model_data

    moto.queue_invoke_endpoint_results([{"Body": "0.5\n0.7", "ContentType": "text/csv"}])
    assert predictor.predict([[1.0, 2.0], [3.0, 4.0]]) == [["0.5"], ["0.7"]]

    recorder.clear_calls()
    predictor.delete_endpoint()
    predictor.delete_model()  # after the endpoint config is gone: still works
    assert [c.operation for c in recorder.calls] == [
        "DeleteEndpoint",
        "DeleteEndpointConfig",
        "DeleteModel",
    ]  # names known from deploy
    assert hosting_state(moto) == {"models": [], "configs": [], "endpoints": []}


@pytest.mark.parametrize("order", [("delete_endpoint", "delete_model"), ("delete_model", "delete_endpoint")])
def test_a_fresh_predictor_deletes_in_either_order(moto: MotoHandle, order: tuple[str, str]) -> None:
    sm = moto.client("sagemaker")
    sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    variant = {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
    sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[variant])
    sm.create_endpoint(EndpointName="e", EndpointConfigName="c")
    session, _ = recording_session(moto)

    predictor = Predictor("e", sagemaker_session=session)
    for method in order:
        getattr(predictor, method)()

    assert hosting_state(moto) == {"models": [], "configs": [], "endpoints": []}


def write_model_tar(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_tensorflow_model_from_existing_model_data(moto: MotoHandle, tmp_path: Path) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="in-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.put_object(Bucket="in-bucket", Key="model.tar.gz", Body=b"not read when there is no inference code")
    session, recorder = recording_session(moto)

    model = TensorFlowModel(
        model_data="s3://in-bucket/model.tar.gz", role=ROLE, framework_version="2.18", sagemaker_session=session
    )
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.g4dn.xlarge")

    assert isinstance(predictor, TensorFlowPredictor)
    assert [c.operation for c in recorder.calls] == [
        "CreateModel",
        "CreateEndpointConfig",
        "CreateEndpoint",
        "DescribeEndpoint",
    ]
    described = moto.client("sagemaker").describe_model(ModelName=model.name)["PrimaryContainer"]
    assert described["Image"] == "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.18-gpu"
    assert described["ModelDataUrl"] == "s3://in-bucket/model.tar.gz"

    moto.queue_invoke_endpoint_results([json.dumps({"predictions": [[3.0]]})])
    assert predictor.predict({"instances": [[1.0, 2.0]]}) == {"predictions": [[3.0]]}
    predictor.delete_model()
    predictor.delete_endpoint()
    assert hosting_state(moto) == {"models": [], "configs": [], "endpoints": []}


def test_tensorflow_model_with_inference_code_is_repacked_and_uploaded(moto: MotoHandle, tmp_path: Path) -> None:
    original = tmp_path / "model.tar.gz"
    write_model_tar(original, {"1/saved_model.pb": b"graph", "1/variables/variables.index": b"idx"})
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="in-bucket", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3.upload_file(str(original), "in-bucket", "model.tar.gz")
    serve = tmp_path / "serve"
    serve.mkdir()
    (serve / "inference.py").write_text("def input_handler(data, context):\n    return data\n")
    (serve / "requirements.txt").write_text("numpy\n")
    session, recorder = recording_session(moto)

    model = TensorFlowModel(
        model_data="s3://in-bucket/model.tar.gz",
        role=ROLE,
        framework_version="2.18",
        entry_point="inference.py",
        source_dir=str(serve),
        name="tfm-ep-model",
        sagemaker_session=session,
    )
    model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge", endpoint_name="tfm-ep-endpoint")

    repacked = "s3://sagemaker-us-west-2-123456789012/tfm-ep-model/model.tar.gz"
    assert model.repacked_model_data == repacked
    container = moto.client("sagemaker").describe_model(ModelName="tfm-ep-model")["PrimaryContainer"]
    assert container["ModelDataUrl"] == repacked
    body = s3.get_object(Bucket="sagemaker-us-west-2-123456789012", Key="tfm-ep-model/model.tar.gz")["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    assert members == {
        "1/saved_model.pb": b"graph",
        "1/variables/variables.index": b"idx",
        "code/inference.py": (serve / "inference.py").read_bytes(),
        "code/requirements.txt": b"numpy\n",
    }
    calls = [c.operation for c in recorder.calls]
    assert "GetObject" in calls and calls.index("GetObject") < calls.index("CreateModel")
