"""The snippets notebooks run in their first cells, against the real moto server.

Each was an AttributeError or ModuleNotFoundError before (issue 17): Session deletion and
job helpers, ``sagemaker.s3``'s uploader and downloader, progress display on transfers.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from support.aws_double import PassThrough
from support.moto_server import MotoHandle

import sagemaker_lite
from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.s3 import S3Downloader, S3Uploader

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)
BUCKET = "sagemaker-us-west-2-123456789012"


def session_for(moto: MotoHandle, **kwargs: Any) -> Session:
    return Session(boto_session=moto.boto_session(), endpoint_url=moto.url, polling=NO_SLEEP, **kwargs)


def hosting_state(moto: MotoHandle) -> dict[str, list[str]]:
    sm = moto.client("sagemaker")
    return {
        "models": [m["ModelName"] for m in sm.list_models()["Models"]],
        "configs": [c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]],
        "endpoints": [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]],
    }


def test_session_deletes_what_a_deploy_created(moto: MotoHandle) -> None:
    session = session_for(moto)
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session)
    est.fit("s3://in-bucket/train", job_name="xgb-surface", logs=False)
    predictor = est.deploy(1, "ml.m5.xlarge")
    name = predictor.endpoint_name
    assert hosting_state(moto) == {"models": [name], "configs": [name], "endpoints": [name]}

    sess = sagemaker_lite.Session(boto_session=moto.boto_session(), endpoint_url=moto.url)
    sess.delete_endpoint(name)
    assert hosting_state(moto) == {"models": [name], "configs": [name], "endpoints": []}
    sess.delete_endpoint_config(name)
    sess.delete_model(name)
    assert hosting_state(moto) == {"models": [], "configs": [], "endpoints": []}
    sess.delete_model(name)  # already gone: nothing to do, no error (as delete_hosting_resources documents)


def test_session_job_helpers(moto: MotoHandle, capsys: Any) -> None:
    session = session_for(moto)
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session)
    est.fit("s3://in-bucket/train", job_name="xgb-helpers", wait=False)

    description = session.wait_for_job("xgb-helpers")
    assert description["TrainingJobStatus"] == "Completed"
    assert session.describe_training_job("xgb-helpers")["TrainingJobName"] == "xgb-helpers"
    logged = session.logs_for_job("xgb-helpers", wait=True)
    assert logged["TrainingJobStatus"] == "Completed"
    assert "xgb-helpers" in capsys.readouterr().out

    endpoint = session.endpoint_from_job("xgb-helpers", 1, "ml.m5.large")
    assert endpoint == "xgb-helpers"
    assert session.describe_endpoint(endpoint)["EndpointStatus"] == "InService"
    model = moto.client("sagemaker").describe_model(ModelName=endpoint)
    assert model["PrimaryContainer"]["Image"] == IMAGE
    assert model["PrimaryContainer"]["ModelDataUrl"] == description["ModelArtifacts"]["S3ModelArtifacts"]

    second = session.endpoint_from_model_data(
        "s3://in-bucket/model.tar.gz", IMAGE, 1, "ml.m5.large", name="from-data", role=ROLE
    )
    assert second == "from-data"
    assert session.wait_for_endpoint("from-data")["EndpointStatus"] == "InService"
    with pytest.raises(ValidationError, match="job=''"):
        session.wait_for_job("")


def test_s3_uploader_and_downloader(moto: MotoHandle, tmp_path: Path) -> None:
    session = session_for(moto)
    bucket = session.default_bucket()
    data = tmp_path / "data"
    (data / "nested").mkdir(parents=True)
    (data / "a.csv").write_text("1,2\n")
    (data / "nested" / "b.csv").write_text("3,4\n")

    assert S3Uploader.upload(str(data / "a.csv"), f"s3://{bucket}/one", sagemaker_session=session) == (
        f"s3://{bucket}/one/a.csv"
    )
    assert S3Uploader.upload(str(data), f"s3://{bucket}/dir", sagemaker_session=session) == f"s3://{bucket}/dir"
    assert S3Uploader.upload_string_as_file_body("hello", f"s3://{bucket}/t.txt", sagemaker_session=session) == (
        f"s3://{bucket}/t.txt"
    )
    S3Uploader.upload_bytes(io.BytesIO(b"\x00\x01"), f"s3://{bucket}/b.bin", sagemaker_session=session)
    S3Uploader.upload_bytes(b"raw", f"s3://{bucket}/r.bin", sagemaker_session=session)

    assert S3Downloader.list(f"s3://{bucket}/dir", sagemaker_session=session) == [
        f"s3://{bucket}/dir/a.csv",
        f"s3://{bucket}/dir/nested/b.csv",
    ]
    assert S3Downloader.read_file(f"s3://{bucket}/t.txt", sagemaker_session=session) == "hello"
    assert S3Downloader.read_bytes(f"s3://{bucket}/b.bin", sagemaker_session=session) == b"\x00\x01"
    assert S3Downloader.read_bytes(f"s3://{bucket}/r.bin", sagemaker_session=session) == b"raw"
    target = tmp_path / "down"
    paths = S3Downloader.download(f"s3://{bucket}/dir", str(target), sagemaker_session=session)
    assert sorted(Path(p).relative_to(target).as_posix() for p in paths) == ["a.csv", "nested/b.csv"]
    assert (target / "nested" / "b.csv").read_text() == "3,4\n"
    assert session.list_s3_files(bucket, "dir/") == ["dir/a.csv", "dir/nested/b.csv"]
    assert session.read_s3_file(bucket, "t.txt") == "hello"


def test_s3_helpers_refuse_bad_uris_before_any_call(moto: MotoHandle) -> None:
    session = session_for(moto)
    recorder = PassThrough()
    recorder.install(session.boto_session)
    for call in (
        lambda: S3Uploader.upload("x", "https://bucket/key", sagemaker_session=session),
        lambda: S3Uploader.upload_string_as_file_body(b"bytes", "s3://b/k", sagemaker_session=session),  # type: ignore[arg-type]
        lambda: S3Uploader.upload_bytes("text", "s3://b/k", sagemaker_session=session),  # type: ignore[arg-type]
        lambda: S3Downloader.read_file("s3://bucket/", sagemaker_session=session),
        lambda: S3Downloader.list(None, sagemaker_session=session),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValidationError):
            call()
    assert recorder.calls == []


def test_upload_progress_is_shown_for_a_200_mb_upload_and_absent_when_off(
    moto: MotoHandle, tmp_path: Path, capsys: Any
) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(200 * 1000 * 1000)
    session = session_for(moto, progress=True)
    bucket = session.default_bucket()
    seen: list[int] = []
    uri = session.upload_data(str(big), key_prefix="big", callback=seen.append)
    err = capsys.readouterr().err
    assert uri == f"s3://{bucket}/big/big.bin"
    assert sum(seen) == 200 * 1000 * 1000  # the user's callback saw every byte
    final = err.rstrip("\n").split("\r")[-1]
    assert final.startswith("upload big.bin  200.0 MB/200.0 MB  100.0%")
    assert "MB/s" in final and "\n" in err  # the final line ends the redrawn line

    session.upload_data(str(big), key_prefix="quiet", progress=False)
    assert capsys.readouterr().err == ""
    # auto mode: pytest's captured stderr is no terminal, so nothing is drawn
    session_for(moto).upload_data(str(big), key_prefix="auto")
    assert capsys.readouterr().err == ""

    down = session_for(moto, progress=True)
    down.download_data(str(tmp_path / "d"), bucket, "big/")
    assert "download s3://" in capsys.readouterr().err
    os.remove(tmp_path / "d" / "big.bin")


def test_v1_predictor_style_on_moto(moto: MotoHandle) -> None:
    session = session_for(moto)
    est = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session)
    est.fit("s3://in-bucket/train", job_name="xgb-v1-predictor", logs=False)
    est.deploy(1, "ml.m5.xlarge", endpoint_name="v1-style")
    moto.queue_invoke_endpoint_results([json.dumps({"score": 0.5})])
    with pytest.warns(DeprecationWarning):
        predictor = sagemaker_lite.RealTimePredictor(
            endpoint="v1-style",
            sagemaker_session=session,
            serializer=json.dumps,
            deserializer=lambda stream, content_type: json.loads(stream.read()),
            content_type="application/json",
            accept="application/json",
        )
    assert predictor.predict({"x": [1, 2]}) == {"score": 0.5}
