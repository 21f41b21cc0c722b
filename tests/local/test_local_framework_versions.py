"""The framework version asked for: built by default (and named in the log), or refused at once with alternatives.

The package index is a local directory (``PIP_NO_INDEX`` + ``PIP_FIND_LINKS``, pip's configuration
files ignored) holding hand-made wheels of a stand-in ``tensorflow-cpu`` 2.13.0, 2.13.1 and 2.14.0,
so pip's real resolution (``pip index versions``, ``pip install``) runs without the network and
without downloading a framework. The installed TensorFlow is newer than all of them. HuggingFace
jobs ask for two versions (torch and transformers): stand-in ``torch`` and ``transformers`` wheels
the same way.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from local_helpers import job_logs, training_request, wait_for, write_code

from sagemaker_lite.errors import LocalModeError, ValidationError
from sagemaker_lite.local import LocalSageMakerClient, LocalSession
from sagemaker_lite.local.training import frameworks
from sagemaker_lite.tensorflow import TensorFlow

pytestmark = pytest.mark.local

IMAGE = "763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-training:{}-cpu-py310"
SCRIPT = """
import importlib.metadata
print("script python", sys.executable, "tensorflow-cpu", importlib.metadata.version("tensorflow-cpu"), flush=True)
"""
INSTALLED = importlib.metadata.version("tensorflow-cpu")
INSTALLED_MINOR = ".".join(INSTALLED.split(".")[:2])
HF_TAG = "transformers4.28.1-gpu-py310-cu118-ubuntu20.04"


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


def _only_this_pip_configuration(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no pip.conf: no machine-wide index or constraints
    for key, value in settings.items():
        monkeypatch.setenv(key, value)


def offline_index(links: Path, monkeypatch: pytest.MonkeyPatch, wheels: dict[str, tuple[str, ...]]) -> Path:
    """A find-links index at ``links`` with ``wheels`` (distribution -> versions), pip's only source; default mode."""
    for distribution, versions in wheels.items():
        for version in versions:
            fake_wheel(links, distribution, version)
    _only_this_pip_configuration(monkeypatch, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(links))
    monkeypatch.delenv(frameworks.MODE_ENV, raising=False)
    return links


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The package index: stand-in tensorflow-cpu 2.13.0, 2.13.1, 2.14.0; the default mode (no opt-out)."""
    return offline_index(tmp_path / "index", monkeypatch, {"tensorflow-cpu": ("2.13.0", "2.13.1", "2.14.0")})


def job_request(tmp_path: Path, name: str, version: str) -> dict[str, object]:
    code = write_code(tmp_path / "code", SCRIPT)
    return training_request(name, code, output=f"file://{tmp_path / 'out'}", image=IMAGE.format(version))


def run(client: LocalSageMakerClient, tmp_path: Path, name: str, version: str) -> dict[str, object]:
    client.create_training_job(**job_request(tmp_path, name, version))
    return wait_for(client, name, timeout=180)


def test_by_default_a_differing_version_runs_the_version_asked_for_in_a_cached_environment(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, index: Path
) -> None:
    description = run(client, tmp_path, "fw-default", "2.13")
    logs = job_logs(local_root, "fw-default")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "sagemaker_lite: the job asked for tensorflow 2.13: tensorflow-cpu==2.13.*" in logs
    assert "tensorflow-cpu 2.13.1 (the job asked for tensorflow 2.13)" in logs  # the newest 2.13 the index has
    script_line = logs.split("script python")[1].splitlines()[0]
    assert script_line.endswith("tensorflow-cpu 2.13.1") and f"{local_root}/venvs/" in script_line
    assert "WARNING" not in logs
    again = run(client, tmp_path, "fw-default-again", "2.13")
    assert again["TrainingJobStatus"] == "Completed"
    assert "Reusing the environment" in job_logs(local_root, "fw-default-again")


def test_requirements_txt_and_the_version_asked_for_share_one_environment(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, index: Path
) -> None:
    fake_wheel(index, "helper-package", "1.0")
    code = write_code(tmp_path / "code", SCRIPT + 'print("helper", importlib.metadata.version("helper-package"))\n')
    (code / "requirements.txt").write_text("helper-package==1.0\n")
    request = training_request("fw-reqs", code, output=f"file://{tmp_path / 'out'}", image=IMAGE.format("2.14"))
    client.create_training_job(**request)
    description = wait_for(client, "fw-reqs", timeout=180)
    logs = job_logs(local_root, "fw-reqs")
    assert description["TrainingJobStatus"] == "Completed", logs
    script = logs.split("script python")[1]
    assert "tensorflow-cpu 2.14.0" in script and "helper 1.0" in script
    assert logs.count("Installing requirements.txt into a cached environment") == 1


def test_a_cached_environment_needs_no_index(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(client, tmp_path, "fw-build", "2.14")["TrainingJobStatus"] == "Completed"
    _only_this_pip_configuration(monkeypatch, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path / "gone"))
    description = run(client, tmp_path, "fw-offline", "2.14")
    logs = job_logs(local_root, "fw-offline")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "tensorflow-cpu 2.14.0" in logs.split("script python")[1]


def test_by_default_a_version_without_a_wheel_fails_at_once_naming_the_alternatives(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, index: Path
) -> None:
    request = job_request(tmp_path, "fw-missing", "2.2")
    with pytest.raises(LocalModeError) as raised:
        client.create_training_job(**request)
    message = str(raised.value)
    assert message.startswith(
        f"framework_version='2.2': the package index has no tensorflow-cpu==2.2.* wheel for Python "
        f"{sys.version.split()[0]} ({sys.executable}); it has tensorflow-cpu 2.13, 2.14 for it."
    ), message
    assert f"run the installed tensorflow-cpu {INSTALLED}: LocalSession(framework_versions='installed')" in message
    assert not (local_root / "jobs" / "fw-missing").exists()
    assert not (tmp_path / "out").exists()
    with pytest.raises(Exception, match="Requested resource not found"):
        client.describe_training_job(TrainingJobName="fw-missing")


def test_the_estimator_fails_at_once_and_no_job_exists(local_root: Path, tmp_path: Path, index: Path) -> None:
    session = LocalSession(root=local_root, stop_timeout=2.0)
    estimator = TensorFlow(
        entry_point="train.py",
        source_dir=str(write_code(tmp_path / "code", SCRIPT)),
        framework_version="2.12",
        py_version="py310",
        role=None,
        instance_count=1,
        instance_type="local",
        output_path=f"file://{tmp_path / 'out'}",
        sagemaker_session=session,
    )
    with pytest.raises(LocalModeError, match=r"framework_version='2.12'.*it has tensorflow-cpu 2.13, 2.14 for it"):
        estimator.fit(logs=False, job_name="fw-estimator")
    assert not (local_root / "jobs").exists() or not any((local_root / "jobs").iterdir())


def test_an_unreachable_index_fails_at_once_saying_so(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:  # a port nothing listens on: connection refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    _only_this_pip_configuration(monkeypatch, PIP_INDEX_URL=f"http://127.0.0.1:{port}/simple")
    monkeypatch.delenv(frameworks.MODE_ENV, raising=False)
    request = job_request(tmp_path, "fw-offline", "2.13")
    with pytest.raises(LocalModeError) as raised:
        client.create_training_job(**request)
    message = str(raised.value)
    assert "it has no tensorflow-cpu for it" in message
    assert "The package index query had a problem: the index could not be reached" in message
    assert not (local_root / "jobs" / "fw-offline").exists()


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_the_opt_out_runs_the_installed_version_with_one_warning(
    local_root: Path, tmp_path: Path, index: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "argument":
        monkeypatch.setenv(frameworks.MODE_ENV, "exact")  # the argument wins over the environment
        client = LocalSession(root=local_root, stop_timeout=2.0, framework_versions="installed").sagemaker_client
    else:
        monkeypatch.setenv(frameworks.MODE_ENV, "installed")
        client = LocalSageMakerClient(root=local_root, stop_timeout=2.0)
    description = run(client, tmp_path, "fw-installed", "2.2")  # no wheel either: nothing is asked of the index
    logs = job_logs(local_root, "fw-installed")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert f"sagemaker_lite: Python {sys.version.split()[0]} ({sys.executable}); tensorflow-cpu {INSTALLED} " in logs
    assert logs.count("WARNING") == 1
    assert (
        f"sagemaker_lite: WARNING: running tensorflow-cpu {INSTALLED}, not the tensorflow 2.2 the job asked for, "
        "because framework_versions='installed'"
    ) in logs
    assert logs.split("script python")[1].splitlines()[0] == f" {sys.executable} tensorflow-cpu {INSTALLED}"


def test_a_matching_version_runs_the_installed_one_without_asking_the_index(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _only_this_pip_configuration(monkeypatch, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(tmp_path / "empty"))
    monkeypatch.delenv(frameworks.MODE_ENV, raising=False)
    description = run(client, tmp_path, "fw-same", INSTALLED_MINOR)
    logs = job_logs(local_root, "fw-same")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert f"tensorflow-cpu {INSTALLED} (the job asked for tensorflow {INSTALLED_MINOR})\n" in logs
    assert "WARNING" not in logs
    assert f"{sys.executable} tensorflow-cpu {INSTALLED}" in logs.split("script python")[1]


def test_local_session_python_picks_the_interpreter(
    local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(frameworks.MODE_ENV, raising=False)
    venv = tmp_path / "other-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    session = LocalSession(root=local_root, stop_timeout=2.0, python=python)
    description = run(session.sagemaker_client, tmp_path, "fw-python", INSTALLED_MINOR)
    logs = job_logs(local_root, "fw-python")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert f"script python {python} " in logs
    assert f"sagemaker_lite: Python {sys.version.split()[0]} ({python})" in logs


def test_bad_modes_are_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="framework_versions='newest' is not valid: expected 'exact' or"):
        LocalSession(framework_versions="newest")
    monkeypatch.setenv(frameworks.MODE_ENV, "newest")
    with pytest.raises(ValidationError, match="SAGEMAKER_LITE_FRAMEWORK_VERSIONS='newest' is not valid"):
        frameworks.resolve_mode(None)
    monkeypatch.delenv(frameworks.MODE_ENV)
    assert frameworks.resolve_mode(None) == "exact"


@pytest.mark.parametrize(
    ("image_tag", "framework", "asked", "have", "same"),
    [
        ("tensorflow-training:2.21-cpu-py312", "tensorflow", "2.21", "2.21.0", True),
        ("tensorflow-training:2.19-cpu-py312", "tensorflow", "2.19", "2.21.0", False),
        ("tensorflow-training:2.13.1-cpu-py310", "tensorflow", "2.13.1", "2.13.0", False),
        ("pytorch-training:2.13.0-cpu-py311", "torch", "2.13.0", "2.13.0+cpu", True),
        ("pytorch-training:2.5-cpu-py311", "torch", "2.5", "2.13.0+cpu", False),
        ("sagemaker-scikit-learn:1.2-1-cpu-py3", "scikit-learn", "1.2", "1.2.2", True),
        ("sagemaker-scikit-learn:1.4-2-cpu-py3", "scikit-learn", "1.4", "1.9.1", False),
        ("sagemaker-xgboost:1.7-1", "xgboost", "1.7", "1.7.6", True),
        ("sagemaker-xgboost:3.0-5", "xgboost", "3.0", "3.2.0", False),
        (
            "huggingface-pytorch-training:2.0.0-transformers4.28.1-gpu-py310-cu118-ubuntu20.04",
            "torch",
            "2.0.0",
            "2.0.0",
            True,
        ),
    ],
)
def test_what_differs_means(image_tag: str, framework: str, asked: str, have: str, same: bool) -> None:
    want = frameworks.requested(f"763104351884.dkr.ecr.us-west-2.amazonaws.com/{image_tag}")[0]
    assert (want.framework, want.version) == (framework, asked)
    assert frameworks.matches(want.version, have) is same
    assert frameworks.requested("local-script") == ()
    assert frameworks.requested("123.dkr.ecr.us-west-2.amazonaws.com/my-own-image:2.2") == ()


# --- local endpoints of framework models: the same rule for the model server -----------------------

SKLEARN_IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:{}-cpu-py3"
REPORTING_INFERENCE = b"""
import importlib.metadata, sys

def model_fn(model_dir):
    return None

def predict_fn(data, model):
    return {"python": sys.executable, "scikit-learn": importlib.metadata.version("scikit-learn")}
"""


@pytest.fixture
def sklearn_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The package index: stand-in scikit-learn 1.2.0 and 1.2.2; the default mode."""
    return offline_index(tmp_path / "sklearn-index", monkeypatch, {"scikit-learn": ("1.2.0", "1.2.2")})


def _model(
    client: LocalSageMakerClient, tmp_path: Path, name: str, version: str, inference: bytes = REPORTING_INFERENCE
) -> None:
    """A model of ``code/inference.py``; ``version``: the scikit-learn image's tag, or a whole image."""
    archive = tmp_path / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("code/inference.py")
        info.size = len(inference)
        tar.addfile(info, io.BytesIO(inference))
    environment = {"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}
    image = version if "/" in version else SKLEARN_IMAGE.format(version)
    container = {"Image": image, "ModelDataUrl": archive.as_uri(), "Environment": environment}
    client.create_model(ModelName=name, PrimaryContainer=container)


def _serve_and_invoke(
    client: LocalSageMakerClient, local_root: Path, name: str, body: bytes, content_type: str
) -> tuple[str, dict[str, str]]:
    """(the endpoint's log, its JSON answer to ``body``) for a local endpoint of model ``name``; deleted after."""
    variant = {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "local"}
    client.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant])
    client.create_endpoint(EndpointName=name, EndpointConfigName=name)
    try:
        deadline = time.monotonic() + 180
        while client.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating":
            assert time.monotonic() < deadline, "the endpoint did not start"
            time.sleep(0.1)
        logs = "".join(p.read_text() for p in (local_root / "endpoints" / name / "logs").glob("*.log"))
        description = client.describe_endpoint(EndpointName=name)
        assert description["EndpointStatus"] == "InService", (description.get("FailureReason"), logs)
        server = client.account.endpoints[name].route(None)
        assert server is not None and server.port is not None
        call = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/invocations",
            data=body,
            headers={"Content-Type": content_type, "Accept": "application/json"},
        )
        with urllib.request.urlopen(call, timeout=60) as response:
            return logs, json.loads(response.read())
    finally:
        client.delete_endpoint(EndpointName=name)


def test_a_local_endpoint_serves_with_the_version_its_image_names(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, sklearn_index: Path
) -> None:
    _model(client, tmp_path, "skl-12", "1.2-1")
    logs, answer = _serve_and_invoke(client, local_root, "skl-12", b"1,2", "text/csv")
    assert "scikit-learn 1.2.2 (the job asked for scikit-learn 1.2)" in logs
    assert answer["scikit-learn"] == "1.2.2" and answer["python"].startswith(f"{local_root}/venvs/"), answer


def test_a_model_whose_version_has_no_wheel_is_refused_at_create_model(
    client: LocalSageMakerClient, tmp_path: Path, sklearn_index: Path
) -> None:
    with pytest.raises(LocalModeError, match=r"model skl-old: framework_version=.0.23.*it has scikit-learn 1.2 for"):
        _model(client, tmp_path, "skl-old", "0.23-1")
    with pytest.raises(Exception, match="Could not find model"):
        client.describe_model(ModelName="skl-old")


def test_a_processing_job_runs_the_installed_framework_and_says_so(
    local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sagemaker_lite.processing import ScriptProcessor

    monkeypatch.delenv(frameworks.MODE_ENV, raising=False)
    script = tmp_path / "process.py"
    script.write_text('import importlib.metadata\nprint("sklearn", importlib.metadata.version("scikit-learn"))\n')
    ScriptProcessor(
        role="SageMakerRole",
        image_uri=SKLEARN_IMAGE.format("1.2-1"),
        command=["python3"],
        instance_count=1,
        instance_type="local",
        sagemaker_session=LocalSession(root=local_root, stop_timeout=2.0),
    ).run(code=str(script), wait=True, logs=False, job_name="fw-processing")
    logs = "".join(p.read_text() for p in sorted((local_root / "processing-jobs").rglob("*.log")))
    installed = importlib.metadata.version("scikit-learn")
    assert f"scikit-learn {installed} (the job asked for scikit-learn 1.2) - processing jobs run the installed" in logs
    assert f"sklearn {installed}" in logs


# --- HuggingFace images: the transformers version of the tag is asked for too ------------------------

HF_IMAGE = (
    "763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-training:{}-transformers{}-cpu-py311-ubuntu22.04"
)
HF_SCRIPT = """
import importlib.metadata

def version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"

print("script python", sys.executable, "torch", version("torch"), "transformers", version("transformers"), flush=True)
"""
TORCH = importlib.metadata.version("torch")  # 2.13.0+cpu
TORCH_RELEASE = TORCH.split("+")[0]


def _installed_transformers() -> str | None:
    try:
        return importlib.metadata.version("transformers")
    except importlib.metadata.PackageNotFoundError:
        return None


@pytest.fixture
def hf_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The package index: stand-in torch 2.0.0 and transformers 4.26.0, 4.28.1; the default mode."""
    wheels = {"torch": ("2.0.0",), "transformers": ("4.26.0", "4.28.1")}
    return offline_index(tmp_path / "hf-index", monkeypatch, wheels)


def run_hf(
    client: LocalSageMakerClient, tmp_path: Path, name: str, torch: str, transformers: str, requirements: str = ""
) -> dict[str, object]:
    code = write_code(tmp_path / name, HF_SCRIPT)
    if requirements:
        (code / "requirements.txt").write_text(requirements)
    image = HF_IMAGE.format(torch, transformers)
    client.create_training_job(**training_request(name, code, output=f"file://{tmp_path / 'out'}", image=image))
    return wait_for(client, name, timeout=180)


def script_line(logs: str) -> str:
    return logs.split("script python")[1].splitlines()[0]


def test_a_huggingface_job_gets_the_transformers_version_its_image_names(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, hf_index: Path
) -> None:
    assert _installed_transformers() != "4.28.1"
    description = run_hf(client, tmp_path, "hf-exact", TORCH_RELEASE, "4.28.1")
    logs = job_logs(local_root, "hf-exact")
    assert description["TrainingJobStatus"] == "Completed", logs
    # one environment, one resolution: the matching torch is pinned too (and kept: the installed one satisfies it)
    pins = f"torch=={TORCH_RELEASE}.* transformers==4.28.1.*"
    assert f"sagemaker_lite: the job asked for torch {TORCH_RELEASE} and transformers 4.28.1: {pins}\n" in logs
    assert logs.count("Installing requirements.txt into a cached environment") == 1
    assert (
        f"; torch {TORCH} (the job asked for torch {TORCH_RELEASE}); "
        "transformers 4.28.1 (the job asked for transformers 4.28.1)\n"
    ) in logs
    assert f"{local_root}/venvs/" in script_line(logs)
    assert script_line(logs).endswith(f"torch {TORCH} transformers 4.28.1")
    assert "WARNING" not in logs
    again = run_hf(client, tmp_path, "hf-exact-again", TORCH_RELEASE, "4.28.1")
    assert again["TrainingJobStatus"] == "Completed"
    assert "Reusing the environment" in job_logs(local_root, "hf-exact-again")


def test_a_huggingface_job_whose_torch_differs_too_gets_both_in_one_environment(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, hf_index: Path
) -> None:
    description = run_hf(client, tmp_path, "hf-both", "2.0.0", "4.26.0")
    logs = job_logs(local_root, "hf-both")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert (
        "sagemaker_lite: the job asked for torch 2.0.0 and transformers 4.26.0: torch==2.0.0.* transformers==4.26.0.*"
        in logs
    )
    assert logs.count("Installing requirements.txt into a cached environment") == 1
    assert (
        "torch 2.0.0 (the job asked for torch 2.0.0); transformers 4.26.0 (the job asked for transformers 4.26.0)"
        in logs
    )
    assert script_line(logs).endswith("torch 2.0.0 transformers 4.26.0")


def test_a_requirements_txt_naming_transformers_decides_it(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, hf_index: Path
) -> None:
    description = run_hf(client, tmp_path, "hf-reqs", TORCH_RELEASE, "4.28.1", requirements="transformers==4.26.0\n")
    logs = job_logs(local_root, "hf-reqs")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "sagemaker_lite: the job asked for" not in logs  # nothing built: torch matches, transformers is its
    assert "transformers 4.26.0 (the job asked for transformers 4.28.1)" in logs
    assert script_line(logs).endswith(f"torch {TORCH} transformers 4.26.0")


@pytest.mark.parametrize(
    ("asked", "there_are"),
    [("4.99.0", "transformers 4.26, 4.28"), ("4.28.0", "transformers 4.26, 4.28 (4.28.1)")],
)
def test_a_transformers_version_without_a_wheel_fails_at_once_naming_the_versions_there_are(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, hf_index: Path, asked: str, there_are: str
) -> None:
    code = write_code(tmp_path / "code", HF_SCRIPT)
    image = HF_IMAGE.format(TORCH_RELEASE, asked)
    request = training_request("hf-missing", code, output=f"file://{tmp_path / 'out'}", image=image)
    with pytest.raises(LocalModeError) as raised:
        client.create_training_job(**request)
    message = str(raised.value)
    assert message.startswith(
        f"transformers_version={asked!r}: the package index has no transformers=={asked}.* wheel for Python "
        f"{sys.version.split()[0]} ({sys.executable}); it has {there_are} for it. Pick one of those "
        "transformers_version values, "
    ), message
    installed = _installed_transformers()
    have = f"transformers {installed}" if installed else "transformers (not installed)"
    assert f"or run the installed {have}: LocalSession(framework_versions='installed')" in message
    assert not (local_root / "jobs" / "hf-missing").exists()
    assert not (tmp_path / "out").exists()


def test_the_opt_out_runs_without_the_transformers_asked_for_with_one_warning(
    local_root: Path, tmp_path: Path, hf_index: Path
) -> None:
    client = LocalSession(root=local_root, stop_timeout=2.0, framework_versions="installed").sagemaker_client
    description = run_hf(client, tmp_path, "hf-installed", TORCH_RELEASE, "4.99.0")  # no wheel: the index is not asked
    logs = job_logs(local_root, "hf-installed")
    assert description["TrainingJobStatus"] == "Completed", logs
    installed = _installed_transformers()
    assert logs.count("WARNING") == 1
    if installed is None:
        assert f"; torch {TORCH} (the job asked for torch {TORCH_RELEASE}); transformers is not installed " in logs
        difference = "transformers is not installed, not the transformers 4.99.0 the job asked for"
    else:
        difference = f"running transformers {installed}, not the transformers 4.99.0 the job asked for"
    assert (
        f"sagemaker_lite: WARNING: {difference}, because framework_versions='installed' (from LocalSession or "
        f"{frameworks.MODE_ENV}); without it the job gets transformers==4.99.0.* or fails at once"
    ) in logs
    assert script_line(logs) == f" {sys.executable} torch {TORCH} transformers {installed or 'none'}"


HF_REPORTING_INFERENCE = b"""
import importlib.metadata, sys

def model_fn(model_dir):
    return None

def predict_fn(data, model):
    return {"python": sys.executable, "transformers": importlib.metadata.version("transformers")}
"""


def test_a_local_endpoint_of_a_huggingface_model_serves_with_the_transformers_its_image_names(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, hf_index: Path
) -> None:
    image = HF_IMAGE.format(TORCH_RELEASE, "4.28.1").replace("-training:", "-inference:")
    _model(client, tmp_path, "hf-served", image, inference=HF_REPORTING_INFERENCE)
    logs, answer = _serve_and_invoke(client, local_root, "hf-served", b'{"inputs": "hello"}', "application/json")
    assert f"torch {TORCH} (the job asked for torch {TORCH_RELEASE}); transformers 4.28.1 (the job asked for" in logs
    assert answer["transformers"] == "4.28.1" and answer["python"].startswith(f"{local_root}/venvs/"), answer


def test_a_huggingface_model_whose_transformers_has_no_wheel_is_refused_at_create_model(
    client: LocalSageMakerClient, hf_index: Path
) -> None:
    image = HF_IMAGE.format(TORCH_RELEASE, "4.99.0").replace("-training:", "-inference:")
    container = {"Image": image, "ModelDataUrl": "file:///nowhere/model.tar.gz"}
    with pytest.raises(
        LocalModeError, match=r"model hf-model: transformers_version='4.99.0': .*transformers 4.26, 4.28"
    ):
        client.create_model(ModelName="hf-model", PrimaryContainer=container)
    with pytest.raises(Exception, match="Could not find model"):
        client.describe_model(ModelName="hf-model")


HF_TAG_CASES = [
    (
        "huggingface-pytorch-training",
        "2.0.0-transformers4.28.1-gpu-py310-cu118-ubuntu20.04",
        "torch",
        "2.0.0",
        "4.28.1",
    ),
    ("huggingface-pytorch-inference", "2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04", "torch", "2.1.0", "4.37.0"),
    (
        "huggingface-tensorflow-training",
        "2.6.3-transformers4.17.0-gpu-py38-cu112-ubuntu20.04",
        "tensorflow",
        "2.6.3",
        "4.17.0",
    ),
    (
        "huggingface-tensorflow-inference",
        "2.11.1-transformers4.26.0-cpu-py39-ubuntu20.04",
        "tensorflow",
        "2.11.1",
        "4.26.0",
    ),
    ("huggingface-pytorch-inference", "2.0-transformers4.28-gpu-py310", "torch", "2.0", "4.28"),
]


@pytest.mark.parametrize(("repository", "tag", "framework", "version", "transformers"), HF_TAG_CASES)
def test_requested_reads_both_versions_of_every_huggingface_repository(
    repository: str, tag: str, framework: str, version: str, transformers: str
) -> None:
    wants = frameworks.requested(f"763104351884.dkr.ecr.us-west-2.amazonaws.com/{repository}:{tag}")
    assert [(w.framework, w.version, w.parameter) for w in wants] == [
        (framework, version, "framework_version"),
        ("transformers", transformers, "transformers_version"),
    ]
    assert wants[1].distributions == ("transformers",)
    assert {case[0] for case in HF_TAG_CASES} == {r for r in frameworks.FRAMEWORK_IMAGES if r.startswith("huggingface")}


def test_requested_reads_every_image_the_huggingface_estimators_pick() -> None:
    """Every (transformers, base framework) pair of the image data: the tags ``HuggingFace`` really uses."""
    from sagemaker_lite import image_uris
    from sagemaker_lite.image_uris import _data

    seen = 0
    for scope, config in _data.framework("huggingface")["configs"].items():
        for transformers, entry in config["versions"].items():
            for base, detail in entry["by_base_framework"].items():
                image = image_uris.retrieve(
                    "huggingface",
                    "us-west-2",
                    transformers,
                    py_version=detail["py_versions"][0],
                    instance_type="ml.m5.xlarge" if "cpu" in config["processors"] else "ml.g5.xlarge",
                    image_scope=scope,
                    base_framework_version=base,
                )
                framework = "torch" if base.startswith("pytorch") else "tensorflow"
                wants = frameworks.requested(image)
                assert [(w.framework, w.version) for w in wants] == [
                    (framework, base.removeprefix("pytorch").removeprefix("tensorflow")),
                    ("transformers", transformers),
                ], image
                seen += 1
    assert seen > 30


def test_the_huggingface_estimator_fails_at_once_naming_transformers_version(
    local_root: Path, tmp_path: Path, hf_index: Path
) -> None:
    from sagemaker_lite.huggingface import HuggingFace

    fake_wheel(hf_index, "torch", "2.1.0")  # the index has the torch this image names, not its transformers
    estimator = HuggingFace(
        entry_point="train.py",
        source_dir=str(write_code(tmp_path / "code", HF_SCRIPT)),
        transformers_version="4.36.0",
        pytorch_version="2.1.0",
        py_version="py310",
        role=None,
        instance_count=1,
        instance_type="local_gpu",  # HuggingFace training images are GPU images
        output_path=f"file://{tmp_path / 'out'}",
        sagemaker_session=LocalSession(root=local_root, stop_timeout=2.0),
    )
    assert "huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310" in estimator.training_image_uri()
    with pytest.raises(
        LocalModeError, match=r"^transformers_version='4.36.0': .*it has transformers 4.26, 4.28 for it"
    ):
        estimator.fit(logs=False, job_name="hf-estimator")
    assert not (local_root / "jobs").exists() or not any((local_root / "jobs").iterdir())
