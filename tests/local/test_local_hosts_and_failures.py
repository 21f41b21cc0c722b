"""Several hosts (ShardedByS3Key), failing scripts, FailureReason, and a failing host stopping the others."""

from __future__ import annotations

import json
import tarfile
import time
from pathlib import Path

import pytest
from local_helpers import file_channel, job_logs, training_request, wait_for, wait_for_file, wait_gone, write_code

from sagemaker_lite.errors import JobFailedError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.local import LocalSageMakerClient, LocalSession

pytestmark = pytest.mark.local

SHARD_SCRIPT = """
host = os.environ["SM_CURRENT_HOST"]
resource = json.load(open(os.environ["SM_INPUT_CONFIG_DIR"] + "/resourceconfig.json"))
check(resource["current_host"] == host, resource)
check(resource["hosts"] == ["algo-1", "algo-2"], resource)
check(json.loads(os.environ["SM_HOSTS"]) == ["algo-1", "algo-2"], os.environ["SM_HOSTS"])
check(resource["instance_groups"][0]["hosts"] == ["algo-1", "algo-2"], resource)
check(json.loads(os.environ["SM_TRAINING_ENV"])["is_master"] == (host == "algo-1"), "is_master")
shard = os.environ["SM_CHANNEL_TRAIN"]
files = sorted(os.path.relpath(os.path.join(d, f), shard) for d, _, fs in os.walk(shard) for f in fs)
replicated = sorted(os.listdir(os.environ["SM_CHANNEL_ALL"]))
check(replicated == ["f0.txt", "f1.txt", "f2.txt", "f3.txt", "sub"], replicated)
json.dump(files, open(os.environ["SM_OUTPUT_DATA_DIR"] + "/" + host + ".json", "w"))
open(os.environ["SM_MODEL_DIR"] + "/" + host, "w").write(host)
"""


def test_two_hosts_shard_by_key(client: LocalSageMakerClient, local_root: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    for index in range(4):
        (data / f"f{index}.txt").write_text(str(index))
    (data / "sub" / "f4.txt").write_text("4")
    code = write_code(tmp_path / "code", SHARD_SCRIPT)
    request = training_request(
        "shards-1",
        code,
        output=f"file://{tmp_path / 'out'}",
        instance_count=2,
        channels=[file_channel("train", data, distribution="ShardedByS3Key"), file_channel("all", data)],
    )
    client.create_training_job(**request)
    description = wait_for(client, "shards-1")
    assert description["TrainingJobStatus"] == "Completed", job_logs(local_root, "shards-1")
    streams = sorted(p.name for p in (local_root / "jobs/shards-1/logs").iterdir())
    assert [s.rsplit("-", 1)[0] for s in streams] == ["algo-1", "algo-2"]
    with tarfile.open(tmp_path / "out/shards-1/output/output.tar.gz") as tar:
        shards = {name: json.load(tar.extractfile(name)) for name in tar.getnames()}  # type: ignore[arg-type]
    assert shards == {
        "algo-1.json": ["f0.txt", "f2.txt", "sub/f4.txt"],
        "algo-2.json": ["f1.txt", "f3.txt"],
    }
    with tarfile.open(tmp_path / "out/shards-1/output/model.tar.gz") as tar:
        assert sorted(tar.getnames()) == ["algo-1", "algo-2"]


def test_failing_script_reports_exit_code_and_last_lines(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", "print('about to fail')\nraise ValueError('bad learning rate')\n")
    client.create_training_job(**training_request("fails-1", code, output=f"file://{tmp_path / 'out'}"))
    description = wait_for(client, "fails-1")
    assert description["TrainingJobStatus"] == "Failed"
    assert description["SecondaryStatus"] == "Failed"
    reason = description["FailureReason"]
    assert reason.startswith("AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage")
    assert "ValueError: bad learning rate" in reason and reason.endswith("exit code: 1")
    assert "ModelArtifacts" not in description
    assert not (tmp_path / "out").exists()


def test_failure_file_becomes_the_failure_reason(session: LocalSession, tmp_path: Path) -> None:
    code = write_code(
        tmp_path / "code",
        """
        open(os.environ["SM_OUTPUT_DIR"] + "/failure", "w").write("Data error: column 'price' is missing")
        print("last words")
        sys.exit(2)
        """,
    )
    est = Estimator(
        "local-script",
        None,
        1,
        "local",
        sagemaker_session=session,
        output_path=f"file://{tmp_path / 'out'}",
        hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
    )
    with pytest.raises(JobFailedError) as failed:
        est.fit()  # with logs: the error carries the last lines
    assert failed.value.failure_reason == "AlgorithmError: Data error: column 'price' is missing, exit code: 2"
    assert "last words" in failed.value.last_log_lines


def test_a_failing_host_stops_the_others(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(
        tmp_path / "code",
        """
        import time
        host = os.environ["SM_CURRENT_HOST"]
        open(os.environ["PID_DIR"] + "/" + host, "w").write(str(os.getpid()) + "\\n")
        if host == "algo-2":
            time.sleep(0.3)
            sys.exit(7)
        time.sleep(60)
        """,
    )
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    request = training_request(
        "fails-2", code, output=f"file://{tmp_path / 'out'}", instance_count=2, Environment={"PID_DIR": str(pid_dir)}
    )
    started = time.monotonic()
    client.create_training_job(**request)
    description = wait_for(client, "fails-2", timeout=20)
    assert time.monotonic() - started < 10
    assert description["TrainingJobStatus"] == "Failed"
    assert "ExitCode 7" in description["FailureReason"]
    survivor = int(wait_for_file(pid_dir / "algo-1"))
    assert wait_gone([survivor]) == []
