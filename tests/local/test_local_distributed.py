"""Distributed training between local hosts, launched as the framework containers launch it.

Each worker trains on different data, so equal final weights prove the gradients were
all-reduced over the job network (algo-1 ... algo-N), not computed alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from local_helpers import job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient
from sagemaker_lite.local.training.distribution import mwms_tf_config, plan_launch, ps_tf_config

# every framework_version these tests can name differs from the installed one: run the installed
# framework (torch.distributed runs the installed PyTorch; why, and where the default is tested: tests/conftest.py)
pytestmark = [pytest.mark.local, pytest.mark.usefixtures("installed_framework_versions")]

MWMS = """
import tensorflow as tf
config = json.loads(os.environ["TF_CONFIG"])
host = os.environ["SM_CURRENT_HOST"]
check(config["cluster"] == {"worker": ["algo-1:8890", "algo-2:8890"]} and config["environment"] == "cloud", config)
check(config["task"] == {"type": "worker", "index": int(host[-1]) - 1}, config)
strategy = tf.distribute.MultiWorkerMirroredStrategy()
check(strategy.num_replicas_in_sync == 2, strategy.num_replicas_in_sync)
with strategy.scope():
    w = tf.Variable(tf.zeros([3, 1]))
rank = config["task"]["index"]
x = tf.constant([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]) * (rank + 1)
y = tf.constant([[1.0], [2.0]]) * (rank + 1)

@tf.function
def step():
    def replica(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.matmul(x, w) - y) ** 2)
        grad = tf.distribute.get_replica_context().all_reduce("MEAN", tape.gradient(loss, w))
        w.assign_sub(0.01 * grad)
    strategy.run(replica, args=(x, y))

for _ in range(5):
    step()
weights = [round(float(v), 6) for v in w.numpy().ravel()]
json.dump(weights, open("/opt/ml/output/data/weights.json", "w"))
print(host, "weights", weights, flush=True)
"""

TORCH = """
import torch, torch.distributed as dist
for key in ("MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK", "LOCAL_RANK"):
    check(key in os.environ, key)
check(os.environ["MASTER_ADDR"] == "algo-1" and os.environ["MASTER_PORT"] == "7777", os.environ["MASTER_ADDR"])
check(os.environ["NCCL_SOCKET_IFNAME"] == "eth0", "NCCL_SOCKET_IFNAME")
dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
check(world == 2 and rank == int(os.environ["SM_CURRENT_HOST"][-1]) - 1, (rank, world))
torch.manual_seed(0)
model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
g = torch.Generator().manual_seed(100 + rank)  # different data on every rank
for _ in range(5):
    x = torch.randn(8, 3, generator=g)
    loss = ((model(x) - x.sum(1, keepdim=True)) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
weights = [round(v, 6) for p in model.parameters() for v in p.detach().ravel().tolist()]
json.dump(weights, open("/opt/ml/output/data/weights.json", "w"))
print(os.environ["SM_CURRENT_HOST"], "rank", rank, "weights", weights, flush=True)
dist.destroy_process_group()
"""


def _weights(root: Path, job: str, host: str) -> list[float]:
    result: list[float] = json.loads((root / "jobs" / job / host / "output" / "data" / "weights.json").read_text())
    return result


@pytest.mark.parametrize(
    ("job", "script", "flag"),
    [
        ("mwms", MWMS, "sagemaker_multi_worker_mirrored_strategy_enabled"),
        ("torch-ddp", TORCH, "sagemaker_torch_distributed_enabled"),
    ],
)
def test_two_workers_end_with_identical_weights(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, job: str, script: str, flag: str
) -> None:
    request = training_request(
        job,
        write_code(tmp_path / "code", script),
        output=f"file://{tmp_path / 'out'}",
        instance_count=2,
        hyperparameters={flag: "true"},
    )
    client.create_training_job(**request)
    description = wait_for(client, job, timeout=240)
    logs = job_logs(local_root, job)
    assert description["TrainingJobStatus"] == "Completed", logs
    first, second = _weights(local_root, job, "algo-1"), _weights(local_root, job, "algo-2")
    assert first == second, logs
    assert any(abs(v) > 1e-4 for v in first)  # it trained


def _env(flag: str, hosts: list[str], current: str, **extra: object) -> dict[str, object]:
    return {
        "additional_framework_parameters": {flag: True, **extra},
        "current_instance_group": "homogeneousCluster",
        "distribution_instance_groups": ["homogeneousCluster"],
        "distribution_hosts": hosts,
        "hosts": hosts,
        "current_host": current,
        "num_gpus": 0,
        "network_interface_name": "eth0",
    }


def test_launch_plans_match_the_containers() -> None:
    hosts = ["algo-1", "algo-2", "algo-3"]
    mwms = plan_launch(_env("sagemaker_multi_worker_mirrored_strategy_enabled", hosts, "algo-2"), "py", "program")
    assert json.loads(mwms.env["TF_CONFIG"]) == mwms_tf_config(hosts, "algo-2")
    assert mwms_tf_config(hosts, "algo-2")["task"] == {"index": 1, "type": "worker"}

    torch = plan_launch(
        _env("sagemaker_torch_distributed_enabled", hosts, "algo-3", sagemaker_mpi_num_of_processes_per_host=4),
        "py",
        "program",
    )
    assert torch.prefix == [
        "py", "-m", "torch.distributed.run", "--nnodes", "3", "--nproc_per_node", "4",
        "--master_addr", "algo-1", "--master_port", "7777", "--node_rank", "2",
    ]  # fmt: skip
    assert torch.env == {"NCCL_SOCKET_IFNAME": "eth0", "NCCL_PROTO": "simple"}
    single = plan_launch(_env("sagemaker_torch_distributed_enabled", ["algo-1"], "algo-1"), "py", "program")
    assert single.prefix == ["py", "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "1"]

    ps = plan_launch(_env("sagemaker_parameter_server_enabled", hosts, "algo-2"), "py", "program")
    assert json.loads(ps.env["TF_CONFIG"]) == {
        "cluster": {
            "master": ["algo-1:2222"],
            "worker": ["algo-2:2222", "algo-3:2222"],
            "ps": ["algo-1:2223", "algo-2:2223", "algo-3:2223"],
        },
        "environment": "cloud",
        "task": {"index": 0, "type": "worker"},
    }
    assert ps.parameter_server == ps_tf_config(hosts, "algo-2", ps_task=True)
    assert ps.parameter_server["task"] == {"index": 1, "type": "ps"}

    outside = _env("sagemaker_multi_worker_mirrored_strategy_enabled", hosts, "algo-1")
    outside["current_instance_group"] = "other"
    assert plan_launch(outside, "py", "program").env == {}


def test_pytorch_estimator_torch_distributed_runs_under_torchrun(tmp_path: Path) -> None:
    """The PyTorch estimator's torch_distributed (a GPU type: local_gpu, here without GPUs) reaches torchrun."""
    from sagemaker_lite.local import LocalSession
    from sagemaker_lite.pytorch import PyTorch

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(
        "import os, torch.distributed as dist\n"
        "dist.init_process_group('gloo')\n"
        "print('rank', dist.get_rank(), 'of', dist.get_world_size(), 'master', os.environ['MASTER_ADDR'], flush=True)\n"
        "dist.destroy_process_group()\n"
    )
    session = LocalSession(root=tmp_path / "root", stop_timeout=2.0)
    est = PyTorch(
        entry_point="train.py",
        source_dir=str(tmp_path / "src"),
        framework_version="2.3.0",
        py_version="py311",
        role=None,
        instance_count=2,
        instance_type="local_gpu",
        sagemaker_session=session,
        distribution={"torch_distributed": {"enabled": True}},
    )
    est.fit(logs=False, job_name="pytorch-torchrun")
    description = est.latest_training_job.describe()
    logs = job_logs(tmp_path / "root", "pytorch-torchrun")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "-m torch.distributed.run --nnodes 2 --nproc_per_node 1 --master_addr algo-1 --master_port 7777" in logs
    assert "rank 0 of 2 master algo-1" in logs and "rank 1 of 2 master algo-1" in logs
