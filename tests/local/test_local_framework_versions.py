"""The framework version asked for: named in every log, built on request, or refused at once with alternatives.

The package index is a local directory (``PIP_NO_INDEX`` + ``PIP_FIND_LINKS``) holding hand-made wheels of
a stand-in ``tensorflow-cpu`` 2.13.0, so pip's real resolution runs without the network.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from local_helpers import job_logs, training_request, wait_for, write_code

from sagemaker_lite.errors import ValidationError
from sagemaker_lite.local import LocalSageMakerClient, LocalSession

pytestmark = pytest.mark.local

IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-training:{}-cpu-py310"
SCRIPT = """
import importlib.metadata
print("script python", sys.executable, "tensorflow-cpu", importlib.metadata.version("tensorflow-cpu"), flush=True)
"""


def fake_wheel(directory: Path, distribution: str, version: str) -> Path:
    """A wheel of ``distribution`` that only carries its metadata (pip installs it without building)."""
    name = distribution.replace("-", "_")
    info = f"{name}-{version}.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"
        for path, data in files.items()
    ]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    links = tmp_path / "index"
    fake_wheel(links, "tensorflow-cpu", "2.13.0")
    fake_wheel(links, "tensorflow-cpu", "2.13.1")
    fake_wheel(links, "tensorflow-cpu", "2.14.0")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    return links


def run(client: LocalSageMakerClient, tmp_path: Path, name: str, version: str) -> dict[str, object]:
    request = training_request(
        name, write_code(tmp_path / "code", SCRIPT), output=f"file://{tmp_path / 'out'}", image=IMAGE.format(version)
    )
    client.create_training_job(**request)
    return wait_for(client, name, timeout=180)


def test_every_log_names_the_interpreter_and_the_framework_version(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path
) -> None:
    import importlib.metadata

    installed = importlib.metadata.version("tensorflow-cpu")
    description = run(client, tmp_path, "fw-installed", "2.13")
    logs = job_logs(local_root, "fw-installed")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert f"sagemaker_lite: Python {sys.version.split()[0]} ({sys.executable}); tensorflow-cpu {installed} " in logs
    assert "(the job asked for tensorflow 2.13) - a different version" in logs
    assert f"tensorflow-cpu {installed}" in logs.split("script python")[1]


def test_exact_runs_the_version_asked_for_in_a_cached_environment(
    local_root: Path, tmp_path: Path, index: Path
) -> None:
    client = LocalSageMakerClient(root=local_root, stop_timeout=2.0, framework_versions="exact")
    description = run(client, tmp_path, "fw-exact", "2.13")
    logs = job_logs(local_root, "fw-exact")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "tensorflow-cpu 2.13.1 (the job asked for tensorflow 2.13)" in logs
    assert "tensorflow-cpu 2.13.1" in logs.split("script python")[1]
    assert f"{local_root}/venvs/" in logs.split("script python")[1]
    again = run(client, tmp_path, "fw-exact-again", "2.13")
    assert again["TrainingJobStatus"] == "Completed"
    assert "Reusing the environment" in job_logs(local_root, "fw-exact-again")


def test_exact_fails_at_once_naming_the_versions_there_are(local_root: Path, tmp_path: Path, index: Path) -> None:
    client = LocalSageMakerClient(root=local_root, stop_timeout=2.0, framework_versions="exact")
    description = run(client, tmp_path, "fw-missing", "2.2")
    assert description["TrainingJobStatus"] == "Failed"
    reason = str(description["FailureReason"])
    assert reason.startswith("ClientError: framework_version='2.2': tensorflow-cpu==2.2.* cannot be installed")
    assert "the package index has tensorflow-cpu 2.13, 2.14 for it" in reason
    assert "script python" not in job_logs(local_root, "fw-missing")


def test_local_session_python_picks_the_interpreter(local_root: Path, tmp_path: Path) -> None:
    venv = tmp_path / "other-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    session = LocalSession(root=local_root, stop_timeout=2.0, python=python)
    description = run(session.sagemaker_client, tmp_path, "fw-python", "2.13")
    logs = job_logs(local_root, "fw-python")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert f"script python {python} " in logs
    assert f"sagemaker_lite: Python {sys.version.split()[0]} ({python})" in logs
    with pytest.raises(ValidationError, match="framework_versions"):
        LocalSession(framework_versions="newest")
