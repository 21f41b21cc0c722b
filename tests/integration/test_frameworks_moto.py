"""The on-premises PyTorch workflow pointed at "SageMaker" (the real moto server over HTTP).

The same ``onprem_pytorch.estimator(...)`` as the local test, with ``ml.m5.xlarge``: the code
goes up as ``sourcedir.tar.gz``, the training job names the PyTorch training image, and
``deploy(..., entry_point="inference.py")`` repacks the trained model.tar.gz with ``code/``
into the default bucket and creates a model on the PyTorch *inference* image.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
from support import onprem_pytorch
from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.deserializers import JSONDeserializer
from sagemaker_lite.serializers import JSONSerializer

NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)


def trained_model_archive() -> tuple[bytes, object]:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    weights = io.BytesIO()
    torch.save(model.state_dict(), weights)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("model.pth")
        info.size = len(weights.getvalue())
        tar.addfile(info, io.BytesIO(weights.getvalue()))
    return raw.getvalue(), model.eval()


def test_onprem_pytorch_workflow_against_the_service(moto: MotoHandle, tmp_path: Path) -> None:
    s3 = moto.client("s3")
    for bucket in ("in-bucket", "out-bucket"):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    data = onprem_pytorch.write_training_data(tmp_path / "data")
    s3.upload_file(str(data / "train.csv"), "in-bucket", "train/train.csv")
    session = Session(boto_session=moto.boto_session(), endpoint_url=moto.url, polling=NO_SLEEP)

    est = onprem_pytorch.estimator(session, "ml.m5.xlarge", output_path="s3://out-bucket/out")
    est.fit({"training": "s3://in-bucket/train"}, logs="None")
    job = moto.client("sagemaker").describe_training_job(TrainingJobName=est.latest_training_job.name)
    assert job["AlgorithmSpecification"]["TrainingImage"].endswith("/pytorch-training:2.5-cpu-py311")
    submit = json.loads(job["HyperParameters"]["sagemaker_submit_directory"])
    bucket, key = submit[len("s3://") :].split("/", 1)
    with tarfile.open(fileobj=io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())) as tar:
        assert {"train.py", "inference.py", "requirements.txt"} <= set(tar.getnames())

    archive, model = trained_model_archive()  # what the job would have written
    out_bucket, out_key = est.model_data[len("s3://") :].split("/", 1)
    s3.put_object(Bucket=out_bucket, Key=out_key, Body=archive)
    predictor = est.deploy(
        1,
        "ml.m5.xlarge",
        serializer=JSONSerializer(),
        deserializer=JSONDeserializer(),
        entry_point="inference.py",
        source_dir=str(onprem_pytorch.SOURCE_DIR),
    )
    described = moto.client("sagemaker").describe_model(ModelName=predictor.endpoint_name)["PrimaryContainer"]
    assert described["Image"].endswith("/pytorch-inference:2.5-cpu-py311")
    assert described["Environment"]["SAGEMAKER_PROGRAM"] == "inference.py"
    assert described["Environment"]["SAGEMAKER_SUBMIT_DIRECTORY"] == "/opt/ml/model/code"
    repacked_bucket, repacked_key = described["ModelDataUrl"][len("s3://") :].split("/", 1)
    assert repacked_bucket == "sagemaker-us-west-2-123456789012"
    body = s3.get_object(Bucket=repacked_bucket, Key=repacked_key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        assert {"model.pth", "code/inference.py", "code/requirements.txt"} <= set(tar.getnames())

    x = np.random.default_rng(1).random((2, 3)).astype(np.float32)
    expected = onprem_pytorch.predict_in_process(model, x)
    moto.queue_invoke_endpoint_results([{"Body": json.dumps(expected.tolist()), "ContentType": "application/json"}])
    np.testing.assert_allclose(np.array(predictor.predict(x.tolist())), expected, rtol=1e-6)
    predictor.delete_endpoint()
    predictor.delete_model()
