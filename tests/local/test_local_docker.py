"""Generic images: refused with a helpful LocalModeError without Docker; run via `docker run` with one."""

from __future__ import annotations

import json
import os
import sys
import tarfile
from pathlib import Path

import pytest
from local_helpers import file_channel, job_logs, training_request, wait_for

from sagemaker_lite.errors import LocalModeError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.local import LocalSageMakerClient, LocalSession

pytestmark = pytest.mark.local

#: a bring-your-own image (the built-in XGBoost image runs without Docker: test_builtin_xgboost.py)
IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-algorithm:1.0"
PCA_IMAGE = "174872318107.dkr.ecr.us-west-2.amazonaws.com/pca:1"

#: a stand-in for the docker CLI: `info` answers as configured, `run` plays the container
FAKE_DOCKER = """#!{python}
import json, os, sys
args = sys.argv[1:]
if args[0] == "info":
    sys.exit(0 if os.environ.get("FAKE_DOCKER_UP") else 1)
if args[0] == "run":
    with open(os.environ["FAKE_DOCKER_LOG"], "a") as log:
        log.write(json.dumps(args) + "\\n")
    opt_ml = next(a.split(":")[0] for a in args if a.endswith(":/opt/ml"))
    hps = json.load(open(opt_ml + "/input/config/hyperparameters.json"))
    open(opt_ml + "/model/model.json", "w").write(json.dumps(hps))
    print("container says hi")
sys.exit(0)
"""


def install_fake_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, up: bool) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(FAKE_DOCKER.format(python=sys.executable))
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_DOCKER_LOG", str(tmp_path / "docker-calls.jsonl"))
    if up:
        monkeypatch.setenv("FAKE_DOCKER_UP", "1")
    else:
        monkeypatch.delenv("FAKE_DOCKER_UP", raising=False)
    return docker


def test_generic_image_without_docker_is_refused_up_front(
    session: LocalSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    est = Estimator(IMAGE, None, 1, "local", sagemaker_session=session, hyperparameters={"num_round": 2})
    with pytest.raises(LocalModeError) as refused:
        est.fit(f"file://{tmp_path}", job_name="xgb-local")
    message = str(refused.value)
    assert "without Docker" in message and "sagemaker_program" in message and "ml.m5.xlarge" in message
    assert "no 'docker' command on PATH" in message
    assert not (session.root / "jobs" / "xgb-local").exists()


def test_other_builtin_without_docker_names_what_runs_locally(
    session: LocalSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    est = Estimator(PCA_IMAGE, None, 1, "local", sagemaker_session=session, hyperparameters={"num_components": 2})
    with pytest.raises(LocalModeError) as refused:
        est.fit(f"file://{tmp_path}", job_name="pca-local")
    message = str(refused.value)
    assert "runs these built-in algorithms without Docker: XGBoost" in message
    assert "is the PCA algorithm" in message and "no 'docker' command on PATH" in message
    assert "ml.m5.xlarge" in message and "start a Docker engine" in message
    assert not (session.root / "jobs" / "pca-local").exists()


def test_unreachable_engine_is_refused(
    client: LocalSageMakerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_docker(tmp_path, monkeypatch, up=False)
    request = training_request("xgb-down", None, output=f"file://{tmp_path}/out", program="", image=IMAGE)
    with pytest.raises(LocalModeError, match="'docker info' failed"):
        client.create_training_job(**request)


def test_generic_image_runs_in_docker_when_an_engine_answers(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_docker(tmp_path, monkeypatch, up=True)
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_text("1,2\n")
    request = training_request(
        "xgb-docker",
        None,
        output=f"file://{tmp_path / 'out'}",
        program="",
        image=IMAGE,
        hyperparameters={"num_round": "2"},
        channels=[file_channel("train", data)],
        Environment={"STAGE": "test"},
    )
    client.create_training_job(**request)
    description = wait_for(client, "xgb-docker")
    assert description["TrainingJobStatus"] == "Completed", job_logs(local_root, "xgb-docker")
    (call,) = [json.loads(line) for line in (tmp_path / "docker-calls.jsonl").read_text().splitlines()]
    host_dir = local_root / "jobs" / "xgb-docker" / "algo-1"
    assert call[:4] == ["run", "--rm", "--name", "xgb-docker-algo-1"]
    assert f"{host_dir}:/opt/ml" in call and f"{data}:/opt/ml/input/data/train:ro" in call
    assert "STAGE=test" in call and "TRAINING_JOB_NAME=xgb-docker" in call
    assert call[-2:] == [IMAGE, "train"]
    assert "container says hi" in job_logs(local_root, "xgb-docker")
    with tarfile.open(tmp_path / "out/xgb-docker/output/model.tar.gz") as tar:
        assert json.load(tar.extractfile("model.json")) == {"num_round": "2"}  # type: ignore[arg-type]
