"""A full disk, for real (issue 11, item 3): a small tmpfs in a private mount namespace.

Each test runs a driver process under ``unshare --user --map-root-user --mount`` (an
unprivileged user + mount namespace; root works too), mounts a tmpfs of a few hundred
KiB there, and runs a local job whose output path or job root is on it. Nothing is
mocked: the kernel answers ENOSPC.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from local_helpers import write_code

pytestmark = pytest.mark.local

REPO = Path(__file__).resolve().parents[2]

DRIVER = """
import json, sys, time
from sagemaker_lite.errors import JobFailedError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.local import LocalSession

root, code, out = sys.argv[1:4]
session = LocalSession(root=root, stop_timeout=1)
est = Estimator("local-script", None, 1, "local", sagemaker_session=session, output_path="file://" + out,
                hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": "file://" + code})
est.fit(job_name="full", wait=False)
deadline = time.monotonic() + 60
while True:
    description = est.latest_training_job.describe()
    if description["TrainingJobStatus"] in ("Completed", "Failed", "Stopped") or time.monotonic() > deadline:
        break
    time.sleep(0.05)
try:
    est.latest_training_job.wait(logs=False)
    raised = None
except JobFailedError as exc:
    raised = str(exc)
on_disk = json.loads(open(root + "/jobs/full/description.json").read())["description"]
listing = sorted(str(p.relative_to(out)) for p in __import__("pathlib").Path(out).rglob("*"))
print("RESULT " + json.dumps({
    "status": description["TrainingJobStatus"],
    "reason": description.get("FailureReason", ""),
    "artifacts": description.get("ModelArtifacts"),
    "raised": raised,
    "disk_status": on_disk["TrainingJobStatus"],
    "disk_reason": on_disk.get("FailureReason", ""),
    "outputs": listing,
}))
"""

#: an incompressible model, written until it is 1 MiB or the disk is full
FILLING_SCRIPT = """
with open(os.environ["SM_MODEL_DIR"] + "/weights.bin", "wb", buffering=0) as handle:
    try:
        for _ in range(256):
            handle.write(os.urandom(4096))
    except OSError as exc:
        print("the disk is full:", exc, flush=True)
"""


def run_on_small_disk(mount_point: Path, size: str, argv: list[str]) -> tuple[dict[str, Any], str]:
    """Run ``argv`` with a ``size`` tmpfs mounted at ``mount_point`` in a private namespace."""
    unshare = shutil.which("unshare")
    assert unshare is not None, "util-linux's unshare is needed to give the test a small disk"
    mount_point.mkdir()
    command = f'mount -t tmpfs -o size={size} tmpfs "$0" && exec "$@"'
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    completed = subprocess.run(
        [unshare, "--user", "--map-root-user", "--mount", "sh", "-c", command, str(mount_point), *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # what the driver itself printed, but for its RESULT line (which quotes the job's own log)
    output = "\n".join(line for line in completed.stdout.splitlines() if not line.startswith("RESULT "))
    output += completed.stderr
    results = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    assert completed.returncode == 0 and results, output
    return json.loads(results[-1][len("RESULT ") :]), output


def test_a_full_output_disk_leaves_no_truncated_model_and_fails_the_job(tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", FILLING_SCRIPT)
    disk = tmp_path / "small-output-disk"
    driver = [sys.executable, "-c", textwrap.dedent(DRIVER), str(tmp_path / "root"), str(code), str(disk / "out")]
    result, output = run_on_small_disk(disk, "256k", driver)
    assert result["status"] == result["disk_status"] == "Failed", result
    assert "uploading the model failed" in result["reason"] and "No space left on device" in result["reason"]
    assert result["raised"] is not None and "No space left on device" in result["raised"]
    assert result["artifacts"] is None
    assert "full/output/model.tar.gz" not in result["outputs"], result["outputs"]  # nothing truncated there
    assert not [name for name in result["outputs"] if name.endswith(".partial")], result["outputs"]
    assert "Traceback" not in output, output


def test_a_full_job_disk_still_finishes_the_job_record(tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", FILLING_SCRIPT)
    disk = tmp_path / "small-job-disk"
    driver = [sys.executable, "-c", textwrap.dedent(DRIVER), str(disk / "root"), str(code), str(tmp_path / "out")]
    result, output = run_on_small_disk(disk, "512k", driver)
    assert result["status"] == "Failed", result  # not InProgress forever
    assert result["reason"].startswith("ClientError: uploading the model failed: [Errno 28] No space left on device")
    assert result["disk_status"] == "Failed" and result["disk_reason"] == result["reason"]  # finished on disk too
    assert result["raised"] is not None and "No space left on device" in result["raised"]
    assert "Traceback" not in output, output
