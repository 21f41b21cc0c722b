"""Generic images (no ``sagemaker_program``): run in Docker when an engine is reachable.

Script-mode jobs never need Docker: local mode plays the container itself. A generic
image (a built-in algorithm, a bring-your-own container) is opaque code, so it can only
run in a container engine. When ``docker info`` succeeds each host runs as
``docker run --rm <image> train`` with its job directory mounted at ``/opt/ml`` and, for
several hosts, a private network on which the containers are ``algo-1``, ``algo-2``...;
otherwise the job is refused up front with a ``LocalModeError`` that says what works.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from ...errors import LocalModeError


def docker_engine(timeout: float = 15.0) -> tuple[str | None, str]:
    """(path of the docker CLI when ``docker info`` succeeds, else None; why not)."""
    cli = shutil.which("docker")
    if cli is None:
        return None, "no 'docker' command on PATH"
    try:
        result = subprocess.run(
            [cli, "info", "--format", "{{.ServerVersion}}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"'docker info' failed: {exc}"
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        return None, "'docker info' failed" + (f": {detail[-1]}" if detail else "")
    return cli, ""


def require_engine(image: str) -> str:
    """The docker CLI to use for ``image``, or ``LocalModeError`` explaining the alternatives."""
    cli, reason = docker_engine()
    if cli is not None:
        return cli
    from .. import algorithms

    if algorithms.builtin_name(image) is not None:
        raise LocalModeError(algorithms.refusal(image, reason))
    raise LocalModeError(
        f"Local mode runs script-mode jobs (a 'sagemaker_program' hyperparameter, as framework estimators "
        f"such as TensorFlow(entry_point='train.py', ...) send) as plain processes, without Docker. This job "
        f"names only an image ({image}), and running an image needs a Docker engine: {reason}.\n"
        "What works instead:\n"
        "  * start a Docker engine (so that 'docker info' succeeds) and call fit() again;\n"
        "  * train your own script without Docker: Estimator(..., instance_type='local', hyperparameters="
        "{'sagemaker_program': 'train.py', 'sagemaker_submit_directory': 'file:///path/to/code'}), "
        "or a framework estimator with entry_point=;\n"
        "  * run the image on SageMaker: instance_type='ml.m5.xlarge' (or another ml.* type)."
    )


def network_name(job_name: str) -> str:
    return f"sagemaker-lite-{job_name}"[:63]


def container_name(job_name: str, host: str) -> str:
    return f"{job_name}-{host}"[:63]


def create_network(cli: str, job_name: str) -> str:
    name = network_name(job_name)
    subprocess.run([cli, "network", "create", name], capture_output=True, check=True)
    return name


def remove_network(cli: str, name: str) -> None:
    with contextlib.suppress(OSError):
        subprocess.run([cli, "network", "rm", name], capture_output=True, check=False)


def remove_container(cli: str, name: str) -> None:
    with contextlib.suppress(OSError):
        subprocess.run([cli, "rm", "-f", name], capture_output=True, check=False)


def run_argv(
    cli: str,
    *,
    image: str,
    job_name: str,
    host: str,
    host_dir: Path,
    environment: Mapping[str, str],
    mounts: Sequence[tuple[Path, str]] = (),
    network: str | None = None,
    gpus: bool = False,
    entrypoint: Sequence[str] = (),
    arguments: Sequence[str] = ("train",),
) -> list[str]:
    """The ``docker run`` command line for one host."""
    argv = [cli, "run", "--rm", "--name", container_name(job_name, host), "--hostname", host]
    if network:
        argv += ["--network", network, "--network-alias", host]
    if gpus:
        argv += ["--gpus", "all"]
    argv += ["-v", f"{host_dir}:/opt/ml"]
    for source, target in mounts:
        argv += ["-v", f"{source}:{target}:ro"]
    for key, value in sorted(environment.items()):
        argv += ["-e", f"{key}={value}"]
    if entrypoint:
        argv += ["--entrypoint", entrypoint[0]]
    argv.append(image)
    argv += [*entrypoint[1:], *arguments]
    return argv
