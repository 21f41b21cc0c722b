"""Stopping: StopTrainingJob, MaxRuntimeInSeconds, Ctrl-C and SIGTERM of the caller - no orphans, no FIFOs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from local_helpers import fifos_under, file_channel, training_request, wait_for, wait_for_file, wait_gone, write_code

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local

REPO = Path(__file__).resolve().parents[2]

#: records its own pid and a grandchild's, then reads a Pipe channel slowly and ignores SIGTERM
STUBBORN_SCRIPT = """
import signal, subprocess, time
if os.environ.get("IGNORE_SIGTERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
pipe = open(os.environ["SM_INPUT_DIR"] + "/data/train_0", "rb")
pipe.read(10)
open(os.environ["PID_FILE"], "w").write("%d %d\\n" % (os.getpid(), child.pid))
time.sleep(120)
"""


def pipe_dataset(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "big.bin").write_bytes(b"x" * (4 << 20))  # more than the pipe holds: the feeder stays blocked
    return data


@pytest.mark.parametrize("ignore_sigterm", [False, True], ids=["sigterm", "needs-sigkill"])
def test_stop_training_job_ends_the_process_tree(local_root: Path, tmp_path: Path, ignore_sigterm: bool) -> None:
    client = LocalSageMakerClient(root=local_root, stop_timeout=0.5)
    code = write_code(tmp_path / "code", STUBBORN_SCRIPT)
    env = {"PID_FILE": str(tmp_path / "pids")}
    if ignore_sigterm:
        env["IGNORE_SIGTERM"] = "1"
    request = training_request(
        "stop-1",
        code,
        output=f"file://{tmp_path / 'out'}",
        channels=[file_channel("train", pipe_dataset(tmp_path), mode="Pipe")],
        Environment=env,
    )
    client.create_training_job(**request)
    pids = [int(p) for p in wait_for_file(tmp_path / "pids").split()]
    stop_sent = time.monotonic()
    client.stop_training_job(TrainingJobName="stop-1")
    assert client.describe_training_job(TrainingJobName="stop-1")["TrainingJobStatus"] in ("Stopping", "Stopped")
    description = wait_for(client, "stop-1")
    assert description["TrainingJobStatus"] == "Stopped"
    assert description["SecondaryStatus"] == "Stopped"
    assert time.monotonic() - stop_sent < 8
    assert wait_gone(pids) == []
    assert fifos_under(local_root / "jobs" / "stop-1") == []
    statuses = [t["Status"] for t in description["SecondaryStatusTransitions"]]
    assert statuses[-2:] == ["Uploading", "Stopped"] and "Stopping" in statuses
    assert (tmp_path / "out/stop-1/output/model.tar.gz").is_file()  # a stopped job still saves its model


def test_max_runtime_stops_the_job(client: LocalSageMakerClient, tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", "import time\nprint('working', flush=True)\ntime.sleep(60)\n")
    request = training_request(
        "max-run", code, output=f"file://{tmp_path / 'out'}", StoppingCondition={"MaxRuntimeInSeconds": 1}
    )
    client.create_training_job(**request)
    description = wait_for(client, "max-run", timeout=15)
    assert description["TrainingJobStatus"] == "Stopped"
    assert description["SecondaryStatus"] == "MaxRuntimeExceeded"


DRIVER = """
import sys
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import TrainingInput
from sagemaker_lite.local import LocalSession

root, code, data, out = sys.argv[1:5]
session = LocalSession(root=root, stop_timeout=1)
est = Estimator("local-script", None, 1, "local", sagemaker_session=session, output_path="file://" + out,
                hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": "file://" + code})
est.fit({"train": TrainingInput("file://" + data, input_mode="Pipe")}, job_name="driven")
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupting_the_caller_leaves_no_orphans(local_root: Path, tmp_path: Path, sig: signal.Signals) -> None:
    code = write_code(tmp_path / "code", STUBBORN_SCRIPT)
    data = pipe_dataset(tmp_path)
    env = dict(os.environ, PID_FILE=str(tmp_path / "pids"), IGNORE_SIGTERM="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    driver = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(DRIVER), str(local_root), str(code), str(data), str(tmp_path / "o")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        pids = [int(p) for p in wait_for_file(tmp_path / "pids").split()]
        driver.send_signal(sig)
        output, _ = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode != 0
    if sig == signal.SIGINT:
        assert b"Resume with: Estimator.attach('driven', sagemaker_session=LocalSession())" in output
    else:
        assert driver.returncode == -signal.SIGTERM
    assert wait_gone(pids) == [], output.decode()
    assert fifos_under(local_root / "jobs" / "driven") == []
    record = json.loads((local_root / "jobs" / "driven" / "description.json").read_text())
    assert record["description"]["TrainingJobStatus"] == "Stopped"
    assert "exited" in record["description"]["SecondaryStatusTransitions"][-1]["StatusMessage"] or (
        "signal" in record["description"]["SecondaryStatusTransitions"][-1]["StatusMessage"]
    )
