"""Stopping: StopTrainingJob, MaxRuntimeInSeconds, Ctrl-C and SIGTERM of the caller - no orphans, no FIFOs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tarfile
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
open(os.environ["SM_MODEL_DIR"] + "/model.bin", "w").write("trained so far")
base = os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml")
os.makedirs(base + "/checkpoints", exist_ok=True)
open(base + "/checkpoints/ckpt-1", "w").write("epoch 1")
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

root, code, data, out, how = sys.argv[1:6]
session = LocalSession(root=root, stop_timeout=1)
est = Estimator("local-script", None, 1, "local", sagemaker_session=session, output_path="file://" + out,
                checkpoint_s3_uri="file://" + out + "/checkpoints",
                hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": "file://" + code})
est.fit({"train": TrainingInput("file://" + data, input_mode="Pipe")}, job_name="driven", wait=how != "exit")
if how == "exit":
    import os, time
    while not os.path.exists(os.environ["PID_FILE"]):
        time.sleep(0.02)
    time.sleep(0.2)
"""

#: the final status message of each way the caller goes away
FINAL_MESSAGES = {
    "ctrl-c": "Training job stopped: the Python process waiting for it was interrupted (Ctrl-C)",
    "sigterm": "Training job stopped: the Python process that ran this job received signal 15",
    "exit": "Training job stopped: the Python process that ran this job exited",
}


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "exit"])
def test_interrupting_the_caller_leaves_no_orphans(local_root: Path, tmp_path: Path, how: str) -> None:
    """Ctrl-C, SIGTERM or the end of the script stop the job as stop() does: no orphans, outputs saved."""
    code = write_code(tmp_path / "code", STUBBORN_SCRIPT)
    data = pipe_dataset(tmp_path)
    env = dict(os.environ, PID_FILE=str(tmp_path / "pids"), IGNORE_SIGTERM="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    out = tmp_path / "o"
    driver = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(DRIVER), str(local_root), str(code), str(data), str(out), how],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        pids = [int(p) for p in wait_for_file(tmp_path / "pids").split()]
        if how != "exit":
            driver.send_signal(signal.SIGINT if how == "ctrl-c" else signal.SIGTERM)
        output, _ = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    text = output.decode()
    if how == "ctrl-c":
        assert driver.returncode != 0
        assert "local training job driven is being stopped" in text and "still running" not in text
        assert f"Estimator.attach('driven', sagemaker_session=LocalSession(root={str(local_root)!r}))" in text
    elif how == "sigterm":
        assert driver.returncode == -signal.SIGTERM
    else:
        assert driver.returncode == 0, text
    assert wait_gone(pids) == [], text
    assert fifos_under(local_root / "jobs" / "driven") == []
    description = json.loads((local_root / "jobs" / "driven" / "description.json").read_text())["description"]
    assert description["TrainingJobStatus"] == "Stopped"
    transitions = description["SecondaryStatusTransitions"]
    assert [t["Status"] for t in transitions][-3:] == ["Stopping", "Uploading", "Stopped"], transitions
    assert transitions[-1]["StatusMessage"] == FINAL_MESSAGES[how]
    # delivered as job.stop() delivers them, every time
    assert description["ModelArtifacts"]["S3ModelArtifacts"] == f"file://{out}/driven/output/model.tar.gz"
    with tarfile.open(out / "driven" / "output" / "model.tar.gz") as tar:
        assert tar.extractfile("model.bin").read() == b"trained so far"  # type: ignore[union-attr]
    assert (out / "checkpoints" / "ckpt-1").read_text() == "epoch 1"


#: the caller's main thread when SIGTERM arrives, in four programs: it holds the job's lock
#: (describe() copies the record under it, many times a second while fit() waits); it swallows
#: every exception; it has a SIGTERM handler of its own, which must still be called; it is
#: already exiting (the exit hook is stopping the job) when the signal comes
SIGNALLED_DRIVER = """
import os, signal, sys, threading, time
from pathlib import Path
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.inputs import TrainingInput
from sagemaker_lite.local import LocalSession
from sagemaker_lite.local.account import LocalAccount

root, code, data, out, program = sys.argv[1:6]
if program == "own-handler":
    signal.signal(signal.SIGTERM, lambda signum, frame: print("handled", signum, flush=True))
if program == "own-sighup-handler-then-sigterm":
    signal.signal(signal.SIGHUP, lambda signum, frame: print("handled", signum, flush=True))
session = LocalSession(root=root, stop_timeout=1)
est = Estimator("local-script", None, 1, "local", sagemaker_session=session, output_path="file://" + out,
                hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": "file://" + code})
est.fit({"train": TrainingInput("file://" + data, input_mode="Pipe")}, job_name="signalled", wait=False)
while not os.path.exists(os.environ["PID_FILE"]):
    time.sleep(0.02)
job = LocalAccount.of(Path(root)).training.get("signalled")
if program == "holds-the-lock":
    with job._lock:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
elif program == "swallows":
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
    except BaseException:
        print("swallowed", flush=True)
    time.sleep(30)
elif program == "signalled-while-exiting":  # the script ends; the signal lands in the exit hook
    threading.Thread(target=lambda: (time.sleep(0.5), os.kill(os.getpid(), signal.SIGTERM)), daemon=True).start()
elif program == "own-sighup-handler-then-sigterm":  # a handled SIGHUP stops the job; SIGTERM still ends us
    os.kill(os.getpid(), signal.SIGHUP)
    deadline = time.monotonic() + 30
    while job.describe()["TrainingJobStatus"] != "Stopped" and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
elif program == "forked-child-terminated":  # a fork inherits our hooks, not our jobs
    import multiprocessing
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    child.start()
    child.terminate()
    child.join(30)
    print("child exit code", child.exitcode, "job", job.describe()["TrainingJobStatus"], flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
else:
    os.kill(os.getpid(), signal.SIGTERM)
    deadline = time.monotonic() + 30
    while job.describe()["TrainingJobStatus"] != "Stopped" and time.monotonic() < deadline:
        time.sleep(0.05)
    print("went on", flush=True)
"""


@pytest.mark.parametrize(
    "program",
    [
        "holds-the-lock",
        "swallows",
        "own-handler",
        "signalled-while-exiting",
        "own-sighup-handler-then-sigterm",
        "forked-child-terminated",
    ],
)
def test_sigterm_stops_the_job_whatever_the_main_thread_was_doing(
    local_root: Path, tmp_path: Path, program: str
) -> None:
    """The stop must not need a lock the interrupted main thread holds (it did: 1 CI run in ~30 hung).

    A handled SIGHUP must not disarm SIGTERM, and a forked child must not stop its parent's jobs.
    """
    code = write_code(tmp_path / "code", STUBBORN_SCRIPT)
    env = dict(os.environ, PID_FILE=str(tmp_path / "pids"), IGNORE_SIGTERM="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    args = [str(local_root), str(code), str(pipe_dataset(tmp_path)), str(tmp_path / "o"), program]
    driver = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SIGNALLED_DRIVER), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        output, _ = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.kill()
    text = output.decode()
    if program == "own-handler":  # the program decides: it went on, and ended normally
        assert driver.returncode == 0, text
        assert f"handled {int(signal.SIGTERM)}" in text and "went on" in text
    else:  # the process still dies of the signal, once the job is stopped
        assert driver.returncode == -signal.SIGTERM, text
        assert ("swallowed" in text) == (program == "swallows")
    if program == "own-sighup-handler-then-sigterm":
        assert f"handled {int(signal.SIGHUP)}" in text
    if program == "forked-child-terminated":  # the child died as it would have; the parent's job ran on
        assert f"child exit code -{int(signal.SIGTERM)} job InProgress" in text
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert wait_gone(pids) == [], text
    description = json.loads((local_root / "jobs" / "signalled" / "description.json").read_text())["description"]
    assert description["TrainingJobStatus"] == "Stopped", description
    final = {  # the first reason is kept
        "signalled-while-exiting": FINAL_MESSAGES["exit"],
        "own-sighup-handler-then-sigterm": FINAL_MESSAGES["sigterm"].replace(
            "signal 15", f"signal {int(signal.SIGHUP)}"
        ),
    }.get(program, FINAL_MESSAGES["sigterm"])
    assert description["SecondaryStatusTransitions"][-1]["StatusMessage"] == final
    assert (tmp_path / "o/signalled/output/model.tar.gz").is_file()  # the model was still saved
