"""The real sagemaker-training toolkit, run inside a local job, derives exactly our SM_* variables and args.

``sagemaker-training`` is a test dependency (the ``test`` extra), so this runs in CI: with per-host
namespaces (the toolkit reads the real ``/opt/ml``) and with the relocation fallback (it reads
``SAGEMAKER_BASE_DIR``), single and multi host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from local_helpers import file_channel, job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local

COMPARE = """
from sagemaker_training import environment  # /opt/ml, or SAGEMAKER_BASE_DIR in the fallback
toolkit = environment.Environment()
base = os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml")
check(environment.base_dir == base and toolkit.model_dir == base + "/model", (environment.base_dir, base))
check((base == "/opt/ml") == (os.environ["EXPECTED_MODE"] == "namespaces"), base)
hps = json.load(open(base + "/input/config/hyperparameters.json"))
check(json.loads(hps["model_dir"]) == base + "/model" == toolkit.hyperparameters["model_dir"], hps["model_dir"])
check(sys.argv[sys.argv.index("--model_dir") + 1] == base + "/model", sys.argv)
expected = toolkit.to_env_vars()
shutil_nvidia = any(os.path.exists(p + "/nvidia-smi") for p in os.environ["PATH"].split(os.pathsep))
for key, value in sorted(expected.items()):
    if key == "SM_NUM_GPUS" and shutil_nvidia:
        continue
    check(os.environ.get(key) == value, (key, "toolkit:", value, "local:", os.environ.get(key)))
extra = sorted(k for k in os.environ if k.startswith("SM_") and k not in expected)
check(extra == [], ("variables the toolkit would not set", extra))
check(toolkit.to_cmd_args() == sys.argv[1:], (toolkit.to_cmd_args(), sys.argv[1:]))
print("toolkit agrees on", len(expected), "variables")
"""

HYPERPARAMETERS = {
    "epochs": "3",
    "lr": "0.001",
    "name": "resnet",
    "x": "5",
    "flag": "true",
    "layers": '[1, "a"]',
    "opts": '{"b": 2, "a": "z"}',
    "sagemaker_container_log_level": "10",
    # a framework parameter (SM_FRAMEWORK_PARAMS); "false", since with MPI on the ranks get the
    # master's SM_* from mpirun -x, as on SageMaker (test_local_mpi.py)
    "sagemaker_mpi_enabled": "false",
    "sagemaker_job_name": '"compat"',
    "model_dir": '"/opt/ml/model"',  # what TensorFlow(...) sends by default
}


@pytest.mark.parametrize("cluster", ["single", "homogeneous", "heterogeneous"])
def test_toolkit_derives_the_same_environment(
    client: LocalSageMakerClient,
    local_root: Path,
    tmp_path: Path,
    cluster: str,
    container_mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXPECTED_MODE", container_mode)
    code = write_code(tmp_path / "code", COMPARE)
    data = tmp_path / "data"
    data.mkdir()
    (data / "d.csv").write_text("1")
    extra: dict[str, Any] = {}
    if cluster == "heterogeneous":
        extra["ResourceConfig"] = {
            "InstanceGroups": [
                {"InstanceGroupName": "leader", "InstanceType": "local", "InstanceCount": 1},
                {"InstanceGroupName": "workers", "InstanceType": "local", "InstanceCount": 2},
            ],
            "VolumeSizeInGB": 30,
        }
    request = training_request(
        f"compat-{cluster}",
        code,
        output=f"file://{tmp_path / 'out'}",
        instance_count=1 if cluster == "single" else 2,
        hyperparameters=HYPERPARAMETERS,
        channels=[file_channel("train", data), file_channel("piped", data, mode="Pipe")],
        Environment={"SAGEMAKER_REGION_HINT": "x"},
        **extra,
    )
    client.create_training_job(**request)
    description = wait_for(client, f"compat-{cluster}", timeout=60)
    logs = job_logs(local_root, f"compat-{cluster}")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert logs.count("toolkit agrees on") == {"single": 1, "homogeneous": 2, "heterogeneous": 3}[cluster]
