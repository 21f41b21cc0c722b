"""From a prepared host to a ``HostProcess``, and from a failed host to its FailureReason.

A built-in algorithm that local mode plays (algorithms/) runs as ``python -m <module>``
with the same environment. Script mode runs the entry point the way the training toolkit does (``python -- train.py
--epochs 2``, ``python -m pkg`` when ``setup.py`` is present, ``./run.sh ...`` for
commands) with the toolkit's ``SM_*`` environment; a generic image runs as ``docker run``.
A failure is reported as SageMaker reports it: ``AlgorithmError: `` followed by the first
1024 characters of ``/opt/ml/output/failure`` when the script wrote one, else the
toolkit's ``ExecuteUserScriptError`` text with the exit code and the last log lines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..processes import HostProcess
from . import contract, distribution, mpi
from .hosts import HostPlan, docker_environment, script_command, script_environment
from .sandbox import CONTAINER_BASE, JobSandbox

#: the directory holding the sagemaker_lite package (a built-in algorithm's module runs from it)
PACKAGE_PARENT = str(Path(__file__).resolve().parents[3])


def script_process(
    plan: HostPlan,
    *,
    python: str,
    job_name: str,
    job_arn: str,
    request: Mapping[str, Any],
    region: str,
    gpus: int,
    sandbox: JobSandbox | None = None,
) -> HostProcess:
    """The host's training script as a process (its command line is written to the log first).

    With a ``sandbox`` the process starts inside the host's container (its own ``/opt/ml``,
    hostname and network); without, in the host directory that stands in for ``/opt/ml``.
    """
    env, args = script_environment(
        plan,
        job_name=job_name,
        job_arn=job_arn,
        request=request,
        region=region,
        num_gpus=gpus if plan.host.instance_type == "local_gpu" else 0,
        python=python,
        sandboxed=sandbox is not None,
    )
    program = env["SM_USER_ENTRY_POINT"]
    code = plan.directory / "code"
    kind = contract.entry_point_kind(program, os.listdir(code))
    if kind == "command":
        os.chmod(code / program, 0o755)
    training_env = json.loads(env["SM_TRAINING_ENV"])
    setup = _mpi_setup(training_env, env, python, sandbox, plan)
    launch = distribution.plan_launch(training_env, python, kind, setup)
    env.update(launch.env)
    argv = distribution.command(launch, python, script_command(python, program, kind, args), program, args, kind)
    with open(plan.log_path, "ab") as log:
        if launch.notice:
            log.write(f"sagemaker_lite: {launch.notice}\n".encode())
        log.write(f"Invoking script with the following command:\n\n{' '.join(argv)}\n\n".encode())
    launcher = None
    if sandbox is not None:
        launcher = sandbox.launcher(plan.host.name, plan.directory, f"{CONTAINER_BASE}/code")
    return HostProcess(
        plan.host.name,
        argv,
        cwd=code,
        env=env,
        log_path=plan.log_path,
        fifo_dir=plan.directory / "input" / "data",
        launcher=launcher,
    )


def _mpi_setup(
    training_env: Mapping[str, Any], env: Mapping[str, str], python: str, sandbox: JobSandbox | None, plan: HostPlan
) -> distribution.MpiSetup | None:
    """What an MPI launch needs (mpi.py), or None when the job asks for no MPI."""
    if not mpi.enabled(training_env.get("additional_framework_parameters") or {}):
        return None
    names = ["LD_LIBRARY_PATH", "PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    exported = [n for n in names if n in env] + sorted(n for n in env if n.startswith("SM_") or n == "PYTHONPATH")
    if sandbox is None:
        return distribution.MpiSetup(
            mpi.find_mpirun(python), None, str(plan.directory / mpi.STATUS_FILE), tuple(exported), False
        )
    hosts = list(training_env.get("distribution_hosts") or training_env.get("hosts") or [])
    agent = None
    if len(hosts) > 1 and training_env.get("current_host") == hosts[0]:
        code = f"{CONTAINER_BASE}/code"
        launchers = {name: sandbox.launcher(name, plan.directory.parent / name, code) for name in hosts}
        agent = mpi.write_agent(sandbox.directory, launchers)
    status = sandbox.directory / mpi.STATUS_FILE
    return distribution.MpiSetup(mpi.find_mpirun(python), agent, str(status), tuple(exported), True)


def algorithm_process(
    plan: HostPlan,
    *,
    python: str,
    module: str,
    job_name: str,
    job_arn: str,
    request: Mapping[str, Any],
    region: str,
    gpus: int,
    environment: Mapping[str, str],
) -> HostProcess:
    """A built-in algorithm played by ``python -m <module>`` with the container's environment (algorithms/)."""
    env, _ = script_environment(
        plan,
        job_name=job_name,
        job_arn=job_arn,
        request=request,
        region=region,
        num_gpus=gpus if plan.host.instance_type == "local_gpu" else 0,
        python=python,
    )
    env.update(environment)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
    argv = [python, "-m", module]
    with open(plan.log_path, "ab") as log:
        log.write(f"Running the built-in algorithm: {' '.join(argv)}\n".encode())
    return HostProcess(
        plan.host.name,
        argv,
        cwd=plan.directory / "code",
        env=env,
        log_path=plan.log_path,
        fifo_dir=plan.directory / "input" / "data",
    )


def docker_process(
    plan: HostPlan,
    *,
    cli: str,
    job_name: str,
    job_arn: str,
    request: Mapping[str, Any],
    network: str | None,
) -> HostProcess:
    """The host's container as a ``docker run`` process (removed with ``docker rm -f`` if killed)."""
    from . import docker

    algorithm = request["AlgorithmSpecification"]
    container = docker.container_name(job_name, plan.host.name)
    argv = docker.run_argv(
        cli,
        image=str(algorithm["TrainingImage"]),
        job_name=job_name,
        host=plan.host.name,
        host_dir=plan.directory,
        environment=docker_environment(request, job_name, job_arn),
        mounts=plan.mounts,
        network=network,
        gpus=plan.host.instance_type == "local_gpu",
        entrypoint=list(algorithm.get("ContainerEntrypoint") or []),
        arguments=list(algorithm.get("ContainerArguments") or ["train"]),
    )
    return HostProcess(
        plan.host.name,
        argv,
        cwd=plan.directory,
        env=os.environ,
        log_path=plan.log_path,
        on_kill=lambda: docker.remove_container(cli, container),
    )


def failure_reason(process: HostProcess, host_dir: Path, code: int) -> str:
    """FailureReason for a host that exited with ``code`` (negative: killed by that signal)."""
    exit_code = 128 - code if code < 0 else code
    failure_file = host_dir / "output" / "failure"
    if failure_file.is_file():
        text = failure_file.read_text(encoding="utf-8", errors="replace")[:1024].strip()
    else:
        tail = "\n".join(tail_lines(process.log_path, 10))
        text = (
            f'ExecuteUserScriptError:\nExitCode {exit_code}\nErrorMessage "{tail}"\nCommand "{" ".join(process.argv)}"'
        )
    return f"AlgorithmError: {text}, exit code: {exit_code}"


def tail_lines(path: Path, count: int) -> list[str]:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 8192))
            lines = handle.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if line.strip()][-count:]
