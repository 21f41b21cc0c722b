"""``kill -9`` of the Python process running ``fit()`` (issue 11, item 4): nothing of the job outlives it.

The OOM killer sends SIGKILL: no handler, no atexit. The host's reaper (reaper.py) must
still end every process the training script started - in its group, in a new session,
double-forked - and remove the Pipe FIFOs; the next client on the same root finishes
the job's record on disk.
"""

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
from local_helpers import fifos_under, wait_for_file, wait_gone, write_code

from sagemaker_lite.local import LocalSageMakerClient
from sagemaker_lite.local.store import recover_orphans, write_record

pytestmark = pytest.mark.local

REPO = Path(__file__).resolve().parents[2]

#: a child in its group, one in a new session, a double-forked daemon; then it reads a Pipe channel
FAMILY_SCRIPT = """
import subprocess, time
sleeper = [sys.executable, "-c", "import time; time.sleep(300)"]
grouped = subprocess.Popen(sleeper)
escaped = subprocess.Popen(sleeper, start_new_session=True)
r, w = os.pipe()
if os.fork() == 0:
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(300)
        os._exit(0)
    os.write(w, b"%d" % pid)
    os._exit(0)
os.close(w)
daemon = int(os.read(r, 32))
pipe = open(os.environ["SM_INPUT_DIR"] + "/data/train_0", "rb")
pipe.read(10)
open(os.environ["PID_FILE"], "w").write("%d %d %d %d\\n" % (os.getpid(), grouped.pid, escaped.pid, daemon))
time.sleep(300)
"""

DRIVER = """
import sys
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import TrainingInput
from sagemaker_lite.local import LocalSession

root, code, data, out = sys.argv[1:5]
session = LocalSession(root=root)
est = Estimator("local-script", None, 1, "local", sagemaker_session=session, output_path="file://" + out,
                hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": "file://" + code})
est.fit({"train": TrainingInput("file://" + data, input_mode="Pipe")}, job_name="killed")
"""


def wait_until(predicate: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_kill_9_of_the_caller_ends_every_process_and_removes_the_fifos(tmp_path: Path) -> None:
    root = tmp_path / "root"
    code = write_code(tmp_path / "code", FAMILY_SCRIPT)
    data = tmp_path / "data"
    data.mkdir()
    (data / "big.bin").write_bytes(b"x" * (4 << 20))  # the feeder stays blocked on the pipe
    env = dict(os.environ, PID_FILE=str(tmp_path / "pids"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    driver = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(DRIVER), str(root), str(code), str(data), str(tmp_path / "out")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        pids = [int(p) for p in wait_for_file(tmp_path / "pids", timeout=60).split()]
        assert fifos_under(root / "jobs" / "killed")  # the Pipe channel is there while the job runs
        driver.send_signal(signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert wait_gone(pids) == [], "processes of the job outlived the kill -9 of its caller"
    assert wait_until(lambda: fifos_under(root / "jobs" / "killed") == [])
    # the next client over this root finishes the record the dead process left InProgress
    LocalSageMakerClient(root=root).list_training_jobs()
    on_disk = json.loads((root / "jobs" / "killed" / "description.json").read_text())["description"]
    assert on_disk["TrainingJobStatus"] == "Failed"
    assert f"(pid {driver.pid})" in on_disk["FailureReason"]


def test_the_next_client_removes_fifos_a_dead_process_left(tmp_path: Path) -> None:
    """The second line of defence, for a reaper that could not run (no /proc, say)."""
    root = tmp_path / "root"
    job = root / "jobs" / "dead-job"
    (job / "algo-1" / "input" / "data").mkdir(parents=True)
    os.mkfifo(job / "algo-1" / "input" / "data" / "train_0")
    (job / "algo-1" / "input" / "data" / "kept.csv").write_text("1,2\n")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    description = {"TrainingJobName": "dead-job", "TrainingJobStatus": "InProgress", "SecondaryStatus": "Training"}
    write_record(job / "description.json", description, {"pid": gone.pid, "epoch": 0, "tags": []})
    live = root / "jobs" / "live-job"
    live.mkdir()
    write_record(live / "description.json", dict(description, TrainingJobName="live-job"), {"pid": os.getpid()})

    assert recover_orphans(root) == ["dead-job"]
    assert fifos_under(job) == [] and (job / "algo-1" / "input" / "data" / "kept.csv").is_file()
    record = json.loads((job / "description.json").read_text())["description"]
    assert record["TrainingJobStatus"] == "Failed" and f"(pid {gone.pid})" in record["FailureReason"]
    assert json.loads((live / "description.json").read_text())["description"]["TrainingJobStatus"] == "InProgress"
