"""Container paths a request names are confined to the job's /opt/ml (issue 11, item 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from local_helpers import training_request, wait_for, write_code

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.local import LocalSageMakerClient, LocalSession
from sagemaker_lite.local.training.contract import container_path

pytestmark = pytest.mark.local

#: writes into its checkpoint directory, wherever the job says that is
CHECKPOINTING = """
base = os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml")
ckpt = json.load(open(base + "/input/config/checkpointconfig.json"))["LocalPath"]
os.makedirs(ckpt, exist_ok=True)
open(os.path.join(ckpt, "written-by-job"), "w").write("x")
"""


def escaping(victim: Path) -> str:
    """A LocalPath that starts in /opt/ml and climbs to ``victim`` (host dir is 4 levels below /)."""
    return "/opt/ml/" + "../" * 12 + str(victim).lstrip("/")


@pytest.mark.parametrize(
    "field",
    ["CheckpointConfig", "TensorBoardOutputConfig", "DebugHookConfig"],
)
def test_a_local_path_that_climbs_out_of_opt_ml_is_refused_before_anything_runs(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, field: str
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious").write_text("keep me")
    code = write_code(tmp_path / "code", CHECKPOINTING)
    config = {"S3OutputPath": f"file://{tmp_path / 'tb'}", "LocalPath": escaping(victim)}
    if field == "CheckpointConfig":
        config = {"S3Uri": f"file://{tmp_path / 'ckpt-store'}", "LocalPath": escaping(victim)}
    request = training_request("escape-1", code, output=f"file://{tmp_path / 'out'}", **{field: config})
    with pytest.raises(ValidationError) as refused:
        client.create_training_job(**request)
    assert escaping(victim) in str(refused.value) and "/opt/ml" in str(refused.value)
    assert not (local_root / "jobs" / "escape-1").exists()  # nothing reserved, nothing ran
    assert sorted(p.name for p in victim.iterdir()) == ["precious"]


@pytest.mark.parametrize("path", ["checkpoints", "/opt/ml", "/opt/ml/..", "/tmp/../etc"])
def test_relative_whole_and_dotdot_paths_are_refused(client: LocalSageMakerClient, tmp_path: Path, path: str) -> None:
    code = write_code(tmp_path / "code", CHECKPOINTING)
    request = training_request(
        "escape-2",
        code,
        output=f"file://{tmp_path / 'out'}",
        CheckpointConfig={"S3Uri": f"file://{tmp_path / 'store'}", "LocalPath": path},
    )
    with pytest.raises(ValidationError, match="checkpoint_local_path"):
        client.create_training_job(**request)


def test_a_normalised_path_inside_opt_ml_is_used_there(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", CHECKPOINTING)
    store = tmp_path / "store"
    request = training_request(
        "inside-1",
        code,
        output=f"file://{tmp_path / 'out'}",
        CheckpointConfig={"S3Uri": f"file://{store}", "LocalPath": "/opt/ml/model/../ckpt/./run"},
    )
    client.create_training_job(**request)
    assert wait_for(client, "inside-1")["TrainingJobStatus"] == "Completed"
    assert (store / "written-by-job").read_text() == "x"


def test_fit_and_a_refit_after_attach_refuse_the_escape(session: LocalSession, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    code = write_code(tmp_path / "code", CHECKPOINTING)
    hyperparameters = {"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"}
    common = dict(sagemaker_session=session, output_path=f"file://{tmp_path / 'out'}", hyperparameters=hyperparameters)
    est = Estimator(
        "local-script",
        None,
        1,
        "local",
        checkpoint_s3_uri=f"file://{tmp_path / 'store'}",
        checkpoint_local_path=escaping(victim),
        **common,  # type: ignore[arg-type]
    )
    with pytest.raises(ValidationError, match="checkpoint_local_path"):
        est.fit(job_name="escape-fit")
    assert not (session.root / "jobs" / "escape-fit").exists()

    # a job record written with the escaping path (by an older version): attach rebuilds it, re-fit refuses
    good = Estimator(
        "local-script",
        None,
        1,
        "local",
        checkpoint_s3_uri=f"file://{tmp_path / 'store'}",
        checkpoint_local_path="/opt/ml/checkpoints",
        **common,  # type: ignore[arg-type]
    )
    good.fit(job_name="old-job", logs=False)
    record = json.loads((session.root / "jobs" / "old-job" / "description.json").read_text())
    record["description"]["CheckpointConfig"]["LocalPath"] = escaping(victim)
    record["description"]["TrainingJobName"] = "older-job"
    (session.root / "jobs" / "older-job").mkdir()
    (session.root / "jobs" / "older-job" / "description.json").write_text(json.dumps(record))
    attached = Estimator.attach("older-job", sagemaker_session=session)
    assert attached.checkpoint_local_path == escaping(victim)
    with pytest.raises(ValidationError, match="checkpoint_local_path"):
        attached.fit(job_name="refit")
    assert list(victim.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "mapped"),
    [
        ("/opt/ml/model", "/base/model"),
        ("/opt/ml/model/../output", "/base/output"),
        ("/opt/ml", "/base"),
        ("/opt/ml/../../etc", "/opt/ml/../../etc"),  # leaves /opt/ml: not mapped into the host either
        ("/opt/mlx", "/opt/mlx"),
    ],
)
def test_hyperparameter_paths_are_normalised_before_mapping(value: str, mapped: str) -> None:
    assert container_path(value, "/base") == mapped
