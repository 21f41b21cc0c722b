"""requirements.txt goes into a cached venv layered on the user's environment (no network needed)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import zipfile
from pathlib import Path

import pytest
from local_helpers import job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local

PACKAGE = "sagemaker_lite_tinypkg"


def build_wheel(directory: Path, value: int) -> Path:
    """A pure-Python wheel written by hand (a wheel is a zip), so pip installs it without building."""
    files = {
        f"{PACKAGE}/__init__.py": f"VALUE = {value}\n".encode(),
        f"{PACKAGE}-0.1.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 0.1\n".encode(),
        f"{PACKAGE}-0.1.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for name, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(content)}")
    record.append(f"{PACKAGE}-0.1.dist-info/RECORD,,")
    files[f"{PACKAGE}-0.1.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{PACKAGE}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return wheel


SCRIPT = """
import sagemaker_lite_tinypkg, boto3
check(sagemaker_lite_tinypkg.VALUE == 42, sagemaker_lite_tinypkg.VALUE)
check(sys.prefix != sys.base_prefix, "runs in a venv")
check(sys.prefix.startswith(os.environ["SAGEMAKER_LITE_LOCAL_ROOT"] + "/venvs/"), sys.prefix)
check(os.environ["VIRTUAL_ENV"] == sys.prefix, os.environ.get("VIRTUAL_ENV"))
print("prefix", sys.prefix)
"""


def test_requirements_install_into_a_cached_layered_venv(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # the wheel is local: pip must not look anywhere else
    wheel = build_wheel(tmp_path / "wheels", 42)
    code = write_code(tmp_path / "code", SCRIPT)
    (code / "requirements.txt").write_text(f"{wheel}\n")
    for name in ("req-1", "req-2"):
        client.create_training_job(**training_request(name, code, output=f"file://{tmp_path / 'out'}"))
        description = wait_for(client, name, timeout=120)
        assert description["TrainingJobStatus"] == "Completed", job_logs(local_root, name)
    first, second = job_logs(local_root, "req-1"), job_logs(local_root, "req-2")
    assert "Installing requirements.txt into a cached environment" in first
    assert "Reusing the environment for requirements.txt" in second
    prefix = [line for line in first.splitlines() if line.startswith("prefix ")]
    assert prefix and prefix == [line for line in second.splitlines() if line.startswith("prefix ")]
    assert importlib.util.find_spec(PACKAGE) is None  # the user's own environment is untouched
    assert len(list((local_root / "venvs").glob("*/bin/python"))) == 1


def test_a_failing_install_fails_the_job(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    code = write_code(tmp_path / "code", "print('never runs')\n")
    (code / "requirements.txt").write_text("sagemaker-lite-package-that-does-not-exist==1.0\n")
    client.create_training_job(**training_request("req-bad", code, output=f"file://{tmp_path / 'out'}"))
    description = wait_for(client, "req-bad", timeout=120)
    assert description["TrainingJobStatus"] == "Failed"
    assert description["FailureReason"].startswith("ClientError: InstallRequirementsError")
    assert list((local_root / "venvs").glob("*/bin/python")) == []  # the half-built venv is removed
