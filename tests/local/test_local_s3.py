"""s3:// channels, an s3:// sourcedir.tar.gz and an s3:// output path, against the real moto server."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from local_helpers import job_logs, wait_for
from support.moto_server import MotoHandle

from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import TrainingInput
from sagemaker_lite.local import LocalSession

pytestmark = pytest.mark.local

SCRIPT = b"""
import json, os, sys
def check(condition, message):
    if not condition:
        print("CHECK FAILED: " + str(message), flush=True)
        sys.exit(3)
train = os.environ["SM_CHANNEL_TRAIN"]
files = sorted(os.path.relpath(os.path.join(d, f), train) for d, _, fs in os.walk(train) for f in fs)
check(files == ["a.csv", "nested/b.csv"], files)
check(open(train + "/nested/b.csv").read() == "b", "content")
check(os.listdir(os.environ["SM_CHANNEL_SINGLE"]) == ["a.csv"], os.listdir(os.environ["SM_CHANNEL_SINGLE"]))
check(os.path.exists("helper.py"), "the whole source directory is extracted into code/")
listed = sorted(os.listdir(os.environ["SM_CHANNEL_LISTED"]))
check(listed == ["a.csv", "nested"], listed)
data = open(os.environ["SM_INPUT_DIR"] + "/data/piped_0", "rb").read()
check(data == b"ab", data)
open(os.environ["SM_MODEL_DIR"] + "/model.txt", "w").write("from s3")
open(os.environ["SM_MODEL_DIR"] + "/../checkpoints/ckpt-1", "w").write("c")
"""


def sourcedir() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in (("train.py", SCRIPT), ("helper.py", b"X = 1\n")):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_s3_channels_code_and_outputs(moto: MotoHandle, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="data", CreateBucketConfiguration={"LocationConstraint": moto.region})
    s3.put_object(Bucket="data", Key="train/a.csv", Body=b"a")
    s3.put_object(Bucket="data", Key="train/nested/b.csv", Body=b"b")
    s3.put_object(Bucket="data", Key="code/sourcedir.tar.gz", Body=sourcedir())
    manifest = json.dumps([{"prefix": "s3://data/train/"}, "a.csv", "nested/b.csv"])
    s3.put_object(Bucket="data", Key="manifests/train.manifest", Body=manifest.encode())
    session = LocalSession(root=tmp_path / "root", stop_timeout=1)
    est = Estimator(
        "local-script",
        None,
        1,
        "local",
        sagemaker_session=session,
        output_path="s3://data/out",
        checkpoint_s3_uri="s3://data/checkpoints/run-1",
        hyperparameters={
            "sagemaker_program": '"train.py"',
            "sagemaker_submit_directory": '"s3://data/code/sourcedir.tar.gz"',
        },
    )
    est.fit(
        {
            "train": "s3://data/train",
            "single": "s3://data/train/a.csv",
            "piped": TrainingInput("s3://data/train", input_mode="Pipe"),
            "listed": TrainingInput("s3://data/manifests/train.manifest", s3_data_type="ManifestFile"),
        },
        job_name="s3-job",
    )
    description = wait_for(session.sagemaker_client, "s3-job")
    assert description["TrainingJobStatus"] == "Completed", job_logs(session.root, "s3-job")
    assert est.model_data == "s3://data/out/s3-job/output/model.tar.gz"
    body = s3.get_object(Bucket="data", Key="out/s3-job/output/model.tar.gz")["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        assert tar.extractfile("model.txt").read() == b"from s3"  # type: ignore[union-attr]
    s3.head_object(Bucket="data", Key="out/s3-job/output/output.tar.gz")
    assert s3.get_object(Bucket="data", Key="checkpoints/run-1/ckpt-1")["Body"].read() == b"c"


def test_empty_s3_prefix_fails_like_sagemaker(moto: MotoHandle, tmp_path: Path) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="data", CreateBucketConfiguration={"LocationConstraint": moto.region})
    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text("print('never runs')\n")
    session = LocalSession(root=tmp_path / "root")
    est = Estimator(
        "local-script",
        None,
        1,
        "local",
        sagemaker_session=session,
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
    )
    est.fit({"train": "s3://data/nothing-here"}, wait=False, job_name="empty-prefix")
    description = wait_for(session.sagemaker_client, "empty-prefix")
    assert description["TrainingJobStatus"] == "Failed"
    assert description["FailureReason"].startswith('ClientError: No S3 objects found under S3 URL "s3://data/nothing')
