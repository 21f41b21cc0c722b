"""One host's ``/opt/ml``: directories, config files, channels, code, command and environment.

A host directory mirrors the container's ``/opt/ml`` exactly (``SAGEMAKER_BASE_DIR``
points at it, so ``sagemaker_training.environment`` reads the same files it would read
in a container)::

    input/config/hyperparameters.json   the request's HyperParameters, as sent (strings)
    input/config/inputdataconfig.json   one entry per channel
    input/config/resourceconfig.json    current_host, hosts, instance groups, "eth0"
    input/config/checkpointconfig.json  when the request has a CheckpointConfig
    input/data/<channel>                File mode (symlink or directory of symlinks)
    input/data/<channel>_<epoch>        Pipe mode (FIFOs)
    model/  output/data/  output/intermediate/  output/failure  code/  checkpoints/
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import contract
from .artifacts import JobSetupError
from .channels import ChannelSpec, Materialized, host_files, stage_file_channel
from .pipes import PipeChannel

HOST_SUBDIRS = ("input/config", "input/data", "model", "output/data", "output/intermediate", "code", "checkpoints")
CONTAINER_BASE = "/opt/ml"


@dataclass
class HostPlan:
    """A prepared host: where it lives, its log, its Pipe channels and (Docker) extra mounts."""

    host: contract.Host
    index: int
    directory: Path
    log_path: Path
    pipes: list[PipeChannel] = field(default_factory=list)
    mounts: list[tuple[Path, str]] = field(default_factory=list)


def checkpoint_dir(host_dir: Path, request: Mapping[str, Any]) -> Path:
    """The host's checkpoint directory: the request's LocalPath mapped from /opt/ml into the host."""
    local = str((request.get("CheckpointConfig") or {}).get("LocalPath") or "/opt/ml/checkpoints")
    inside = contract.inside_opt_ml(local)
    if not inside:  # outside /opt/ml (or /opt/ml itself): the host's own checkpoints/
        return host_dir / "checkpoints"
    directory = host_dir / inside
    if not directory.resolve().is_relative_to(host_dir.resolve()):  # a symlinked channel, say
        raise JobSetupError(f"CheckpointConfig.LocalPath {local!r} leads outside the job's /opt/ml")
    return directory


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


def prepare_host(
    plan: HostPlan,
    hosts: Sequence[contract.Host],
    request: Mapping[str, Any],
    channels: Sequence[tuple[ChannelSpec, Materialized]],
    code: Path | None,
    *,
    docker: bool = False,
    sandboxed: bool = False,
) -> None:
    """Create the host's /opt/ml, config files, channels (File staged, Pipe FIFOs ``_0``) and code.

    ``docker``/``sandboxed``: the script sees this directory at ``/opt/ml`` (a container, or
    the host's mount namespace), so the files name container paths; otherwise (relocation)
    ``/opt/ml`` paths in hyperparameters and the checkpoint config name this directory.
    """
    base = plan.directory
    in_container = docker or sandboxed
    for sub in HOST_SUBDIRS:
        (base / sub).mkdir(parents=True, exist_ok=True)
    config = base / "input" / "config"
    job_mode = str(request["AlgorithmSpecification"].get("TrainingInputMode", "File"))
    hyperparameters = dict(request.get("HyperParameters") or {})
    if not in_container:
        hyperparameters = contract.relocate_hyperparameters(hyperparameters, str(base))
    _write_json(config / "hyperparameters.json", hyperparameters)
    channel_config = contract.input_data_config(request.get("InputDataConfig", []), job_mode, plan.host.group)
    _write_json(config / "inputdataconfig.json", channel_config)
    _write_json(config / "resourceconfig.json", contract.resource_config(plan.host, hosts))
    checkpoint = request.get("CheckpointConfig")
    if checkpoint:
        local = checkpoint_dir(base, request)
        local.mkdir(parents=True, exist_ok=True)
        shown = local if not in_container else Path(CONTAINER_BASE) / local.relative_to(base)
        _write_json(config / "checkpointconfig.json", {"LocalPath": str(shown), "S3Path": checkpoint.get("S3Uri")})
    data = base / "input" / "data"
    for spec, material in channels:
        if not spec.serves(plan.host.group):
            continue
        served = [h for h in hosts if spec.serves(h.group)]
        files = host_files(material, spec, served.index(plan.host), len(served))
        if spec.is_pipe:
            pipe = PipeChannel(
                data,
                spec.name,
                material.paths(files),
                shuffle_seed=spec.shuffle_seed,
                record_wrapper=spec.record_wrapper,
                gzip_compressed=spec.compression == "Gzip",
            )
            pipe.prepare()
            plan.pipes.append(pipe)
        elif docker and material.whole_dir and not spec.sharded:
            plan.mounts.append((material.root, f"{CONTAINER_BASE}/input/data/{spec.name}"))
        else:
            stage_file_channel(material, spec, files, data / spec.name, link=not docker)
    if code is not None:
        shutil.copytree(code, base / "code", symlinks=True, dirs_exist_ok=True)


def script_command(python: str, program: str, kind: str, args: Sequence[str]) -> list[str]:
    """How the toolkit starts each kind of entry point (``python -- train.py --epochs 2`` ...)."""
    if kind == "package":
        return [python, "-m", contract.module_name(program), *args]
    if kind == "program":
        return [python, "--", program, *args]
    return ["/bin/sh", "-c", " ".join(["./" + shlex.quote(program), *(shlex.quote(a) for a in args)])]


def script_environment(
    plan: HostPlan,
    *,
    job_name: str,
    job_arn: str,
    request: Mapping[str, Any],
    region: str,
    num_gpus: int,
    python: str,
    sandboxed: bool = False,
) -> tuple[dict[str, str], list[str]]:
    """(the script's full environment, its arguments): inherited < Environment < platform < toolkit.

    ``sandboxed``: the host directory is mounted at ``/opt/ml``, so every path is the
    container's and ``SAGEMAKER_BASE_DIR`` is not set (as in a container); otherwise it
    points at the host directory (relocation).
    """
    base = CONTAINER_BASE if sandboxed else str(plan.directory)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SM_") and k != "SAGEMAKER_BASE_DIR"}
    container_env = {str(k): str(v) for k, v in (request.get("Environment") or {}).items()}
    env.update(container_env)
    env.update(TRAINING_JOB_NAME=job_name, TRAINING_JOB_ARN=job_arn)
    if not sandboxed:
        env["SAGEMAKER_BASE_DIR"] = base
    if plan.host.instance_type == "local" and "CUDA_VISIBLE_DEVICES" not in container_env:
        env["CUDA_VISIBLE_DEVICES"] = ""  # like a container started without --gpus
    env.setdefault("PYTHONUNBUFFERED", "1")
    context = contract.HostContext(
        base_dir=base,
        job_name=job_name,
        num_cpus=os.cpu_count() or 1,
        num_gpus=num_gpus,
        region=region,
        container_env={**container_env, "TRAINING_JOB_NAME": job_name},
    )
    resource = json.loads((plan.directory / "input/config/resourceconfig.json").read_text(encoding="utf-8"))
    data_config = json.loads((plan.directory / "input/config/inputdataconfig.json").read_text(encoding="utf-8"))
    toolkit_env, args = contract.training_environment(
        context, resource, data_config, dict(request.get("HyperParameters") or {})
    )
    env.update(toolkit_env)
    code_dir = f"{base}/code"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (code_dir, env.get("PYTHONPATH", "")) if p)
    if python != sys.executable and (Path(python).parent.parent / "pyvenv.cfg").is_file():
        venv = str(Path(python).parent.parent)
        env["VIRTUAL_ENV"] = venv
        env["PATH"] = os.pathsep.join(p for p in (str(Path(python).parent), env.get("PATH", "")) if p)
    return env, args


def docker_environment(request: Mapping[str, Any], job_name: str, job_arn: str) -> dict[str, str]:
    env = {str(k): str(v) for k, v in (request.get("Environment") or {}).items()}
    env.update(TRAINING_JOB_NAME=job_name, TRAINING_JOB_ARN=job_arn)
    return env


def count_gpus(instance_types: Sequence[str]) -> int:
    """GPUs a ``local_gpu`` host sees (``nvidia-smi --list-gpus``); a ``local`` host sees none."""
    if "local_gpu" not in instance_types:
        return 0
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return 0
    import subprocess

    try:
        out = subprocess.run([smi, "--list-gpus"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in out.splitlines() if line.startswith("GPU "))
