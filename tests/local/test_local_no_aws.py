"""Local mode never touches AWS unless the user names an ``s3://`` location (issue 12).

Every boto3 request here fails with "AWS call attempted": a role *name* (which the hosted
Session turns into an ARN through IAM) must not reach IAM, and no default bucket, STS or
S3 call may happen on the way from ``fit`` to ``delete_endpoint``.
"""

from __future__ import annotations

import tarfile
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
from support.aws_double import RefusingAWS

pytest.importorskip("tensorflow")

from sagemaker_lite.deserializers import JSONDeserializer
from sagemaker_lite.local import LocalSession
from sagemaker_lite.model import Model
from sagemaker_lite.serializers import JSONSerializer
from sagemaker_lite.tensorflow import TensorFlow

# every framework_version these tests can name differs from the installed one: run the installed
# framework (no AWS request, not the version; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.tensorflow, pytest.mark.usefixtures("installed_framework_versions")]

TFS_IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-inference:2.13-cpu"
TRAIN = """
import os
import tensorflow as tf

class Double(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32)])
    def __call__(self, x):
        return x * 2.0

model = Double()
tf.saved_model.save(model, os.path.join(os.environ["SM_MODEL_DIR"], "1"), signatures=model.__call__)
"""


def refuse(event_name: str, **_: Any) -> None:
    raise AssertionError(f"AWS call attempted: {event_name}")


def failing_boto_session(refuser: RefusingAWS) -> boto3.Session:
    """Every operation of every client is recorded by ``refuser`` and fails before anything is sent."""
    session = boto3.Session(region_name="us-west-2", aws_access_key_id="testing", aws_secret_access_key="testing")
    return refuser.install(session)


def test_fit_deploy_predict_delete_with_every_aws_request_failing(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "train.py").write_text(textwrap.dedent(TRAIN))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("1\n")
    refuser = RefusingAWS()
    session = LocalSession(boto_session=failing_boto_session(refuser), root=tmp_path / "root", stop_timeout=2.0)
    estimator = TensorFlow(
        entry_point="train.py",
        source_dir=str(source),
        framework_version="2.13",
        py_version="py310",
        role="SageMakerRole",  # a name: the hosted Session would ask IAM for its ARN
        instance_count=1,
        instance_type="local",
        sagemaker_session=session,
        output_path=f"file://{tmp_path / 'output'}",
    )
    estimator.fit({"train": f"file://{tmp_path / 'data'}"}, logs="None")
    predictor = estimator.deploy(1, "local")
    try:
        assert predictor.predict([[1.5], [4.0]])["predictions"] == [[3.0], [8.0]]
    finally:
        predictor.delete_endpoint()
        predictor.delete_model()
    assert session.sagemaker_client.list_endpoints()["Endpoints"] == []
    assert refuser.calls == []  # not one AWS call attempted, not even one swallowed by the SDK


def test_a_generic_model_deploys_locally_without_iam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Model(image, "file:///m.tar.gz", "MyRole").deploy(1, "local")``: the role name stays a name."""
    import tensorflow as tf
    from botocore.client import BaseClient

    class Double(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32)])
        def __call__(self, x: Any) -> Any:
            return x * 2.0

    exported = tmp_path / "export"
    module = Double()
    tf.saved_model.save(module, str(exported / "1"), signatures=module.__call__)
    archive = tmp_path / "m.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(exported / "1", arcname="1")
    monkeypatch.setenv("SAGEMAKER_LITE_LOCAL_ROOT", str(tmp_path / "root"))
    monkeypatch.setattr(BaseClient, "_make_api_call", lambda client, operation, params: refuse(operation))

    predictor = Model(TFS_IMAGE, archive.as_uri(), "MyRole").deploy(1, "local", JSONSerializer(), JSONDeserializer())
    try:
        assert predictor.predict([[2.0]])["predictions"] == [[4.0]]
    finally:
        predictor.delete_endpoint()
        predictor.delete_model()
