"""The real sagemaker-training toolkit, run inside a local job, derives exactly our SM_* variables and args.

Skipped unless ``sagemaker_training`` is importable (``pip install sagemaker-training`` in a throwaway
venv, or its ``src/`` on PYTHONPATH: only ``environment.py`` and its light imports are used).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from local_helpers import file_channel, job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = [
    pytest.mark.local,
    pytest.mark.skipif(
        importlib.util.find_spec("sagemaker_training") is None, reason="sagemaker-training not installed"
    ),
]

COMPARE = """
from sagemaker_training import environment  # reads SAGEMAKER_BASE_DIR: no side effects outside the job
toolkit = environment.Environment()
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
    "sagemaker_mpi_enabled": "true",
    "sagemaker_job_name": '"compat"',
}


@pytest.mark.parametrize("cluster", ["homogeneous", "heterogeneous"])
def test_toolkit_derives_the_same_environment(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, cluster: str
) -> None:
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
        instance_count=2,
        hyperparameters=HYPERPARAMETERS,
        channels=[file_channel("train", data), file_channel("piped", data, mode="Pipe")],
        Environment={"SAGEMAKER_REGION_HINT": "x"},
        **extra,
    )
    client.create_training_job(**request)
    description = wait_for(client, f"compat-{cluster}", timeout=60)
    logs = job_logs(local_root, f"compat-{cluster}")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert logs.count("toolkit agrees on") == (3 if cluster == "heterogeneous" else 2)
