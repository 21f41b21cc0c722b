"""One local processing job: its DescribeProcessingJob record and the thread that runs it.

``create_processing_job`` reserves the job's directory, then ``start()`` returns at once
while a supervisor thread walks the service's lifecycle::

    InProgress (inputs staged per host, ShardedByS3Key split) -> every host's container
      entrypoint + arguments run -> outputs delivered (s3:// uploaded, file:// copied)
      -> Completed | Failed (first failing host; outputs still delivered) | Stopped

Each host directory is the container's ``/opt/ml`` (``processing/<inputs and outputs>``).
The container entrypoint runs on this machine, not in the image: ``python``/``python3``
resolve to a per-job virtual environment (``--system-site-packages``, so installed
frameworks are there, and ``pip install -r requirements.txt`` inside the job lands in the
job's environment, never in yours). With the per-host container (namespaces, see
``training.sandbox``, the same containers training hosts get: own ``/opt/ml``, hostname
``algo-N``, private network) the host directory is mounted at ``/opt/ml`` and scripts with
hard-coded ``/opt/ml/processing/...`` paths run unchanged; where namespaces are not
available, ``/opt/ml`` in the entrypoint and arguments is rewritten to the host directory
(scripts that hard-code the paths then fail, and the log says so).

The framework version: unlike training jobs and endpoints (training/frameworks.py), a processing
job runs the framework its interpreter has whatever its image names (``SKLearnProcessor(
framework_version="1.2-1")``), and each host's log says which one. Why not build the image's
version: the entrypoint is any command (``ScriptProcessor`` takes any image and command, often
just for pandas/numpy), and the job's environment must stay a throwaway venv that the job's own
``pip install`` writes into - a venv cannot put a cached framework environment's packages ahead
of the interpreter's. Pin the version in the job's ``requirements.txt`` when it matters.

The record, the thread, stop, finalize and the exit hook are the shared local job lifecycle
(``lifecycle.LocalJob``).
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..lifecycle import LOGGER, TERMINAL, LocalJob, utc_now
from ..processes import HostProcess
from ..store import local_arn, private_dir
from ..training.artifacts import split_s3

__all__ = ["TERMINAL", "LocalProcessingJob", "processing_dir"]
CONTAINER_BASE = "/opt/ml"
#: request fields DescribeProcessingJob returns as they were sent
ECHOED = (
    "ProcessingInputs",
    "ProcessingOutputConfig",
    "ProcessingResources",
    "StoppingCondition",
    "AppSpecification",
    "Environment",
    "NetworkConfig",
    "RoleArn",
    "ExperimentConfig",
)


def processing_dir(root: Path) -> Path:
    """Where local processing jobs live (beside training jobs' ``jobs/``)."""
    return root / "processing-jobs"


class LocalProcessingJob(LocalJob):
    """Runs one CreateProcessingJob request on this machine."""

    kind = "processing"

    def __init__(
        self,
        request: dict[str, Any],
        *,
        root: Path,
        region: str,
        s3_factory: Callable[[], Any],
        stop_timeout: float = 10.0,
    ) -> None:
        name = str(request["ProcessingJobName"])
        cluster = request["ProcessingResources"]["ClusterConfig"]
        self.hosts = [f"algo-{index}" for index in range(1, int(cluster.get("InstanceCount", 1)) + 1)]
        super().__init__(
            name=name,
            arn=local_arn(region, "processing-job", name),
            directory=processing_dir(root) / name,
            hosts=self.hosts,
            stop_timeout=stop_timeout,
        )
        self.request = copy.deepcopy(request)
        self.root = root
        self.region = region
        self._s3_factory = s3_factory
        self.max_runtime = float((request.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds", 86400))
        self._sandbox: Any = None
        now = utc_now()
        self._description: dict[str, Any] = {
            "ProcessingJobName": self.name,
            "ProcessingJobArn": self.arn,
            **{key: copy.deepcopy(request[key]) for key in ECHOED if key in request},
            "ProcessingJobStatus": "InProgress",
            "CreationTime": now,
            "LastModifiedTime": now,
        }

    # --- record -------------------------------------------------------------------------

    def record(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self._description, {"pid": os.getpid()}

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._description)

    @property
    def status(self) -> str:
        with self._lock:
            return str(self._description["ProcessingJobStatus"])

    def _update(self, **fields: Any) -> None:
        with self._lock:
            self._description.update(fields)
            self._description["LastModifiedTime"] = utc_now()
            self._persist()

    # --- lifecycle ----------------------------------------------------------------------

    def _stopping(self, reason: str) -> None:
        """StopProcessingJob: Stopping now; the hosts get SIGTERM (SIGKILL after ``stop_timeout``)."""
        self._update(ProcessingJobStatus="Stopping")

    def _end(self, status: str, message: str, fields: dict[str, Any]) -> None:
        now = utc_now()
        self._description.update(fields, ProcessingJobStatus=status, ProcessingEndTime=now, LastModifiedTime=now)

    def run(self) -> None:
        status, reason = "Failed", ""
        try:
            self._update(ProcessingStartTime=utc_now())
            self._stage_inputs()
            status, reason = self._run_hosts()
        except Exception as exc:  # every failure ends in a record, never a hung InProgress job
            LOGGER.debug("local processing job %s failed", self.name, exc_info=True)
            status, reason = "Failed", f"ClientError: {exc}"
        try:
            self._deliver_outputs()
        except Exception as exc:
            if status == "Completed":
                status = "Failed"
            reason = (reason + "; " if reason else "") + f"ClientError: outputs not delivered: {exc}"
        if self._sandbox is not None:
            self._sandbox.close()
        if self._stop_reason is not None and status != "Failed":
            status = "Stopped"
        fields: dict[str, Any] = {}
        if status == "Failed":
            fields["FailureReason"] = reason
            fields["ExitMessage"] = "\n".join(self._last_lines())[-1024:]
        self.finalize(status, **fields)

    # --- inputs -------------------------------------------------------------------------

    def host_dir(self, host: str) -> Path:
        return self.directory / "hosts" / host

    def _local_path(self, host: str, container_path: str) -> Path:
        relative = os.path.normpath(container_path).removeprefix(CONTAINER_BASE).lstrip("/")
        return self.host_dir(host) / relative

    def _stage_inputs(self) -> None:
        for host in self.hosts:
            private_dir(self.host_dir(host) / "processing")
        for entry in self.request.get("ProcessingInputs") or []:
            spec = entry.get("S3Input")
            if not spec:
                raise ValueError(f"input {entry.get('InputName')!r}: only S3Input inputs run locally")
            uri = str(spec["S3Uri"])
            sharded = spec.get("S3DataDistributionType") == "ShardedByS3Key"
            for index, host in enumerate(self.hosts):
                target = self._local_path(host, str(spec["LocalPath"]))
                target.mkdir(parents=True, exist_ok=True)
                share = (index, len(self.hosts)) if sharded else None
                if uri.startswith("file://"):
                    _copy_local(Path(uri[len("file://") :]), target, share)
                else:
                    self._download(uri, target, share)

    def _download(self, uri: str, target: Path, share: tuple[int, int] | None) -> None:
        from ..training.channels import relative_key

        s3 = self._s3_factory()
        bucket, prefix = split_s3(uri)
        keys: list[str] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(str(o["Key"]) for o in page.get("Contents", []) if not str(o["Key"]).endswith("/"))
        keys.sort()
        if share is not None:
            keys = keys[share[0] :: share[1]]
        for key in keys:
            relative = relative_key(key, prefix)
            destination = (target / relative).resolve()
            if not destination.is_relative_to(target.resolve()):
                raise ValueError(f"object {key!r} under {uri} would land outside {target}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, key, str(destination))

    # --- hosts --------------------------------------------------------------------------

    def _environment(self, host: str, venv: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SM_", "SAGEMAKER_"))}
        env.update(self.request.get("Environment") or {})
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
        env.pop("PYTHONHOME", None)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _argv(self, host: str, *, sandboxed: bool) -> list[str]:
        app = self.request["AppSpecification"]
        argv = [*(app.get("ContainerEntrypoint") or []), *(app.get("ContainerArguments") or [])]
        if not argv:
            raise ValueError("the image's own entrypoint cannot run without its image: set a ContainerEntrypoint")
        if sandboxed:  # the host's container shows its directory at /opt/ml
            return argv
        # relocation: the container's /opt/ml is the host directory on this machine
        base = str(self.host_dir(host))
        return [base + arg[len(CONTAINER_BASE) :] if arg.startswith(CONTAINER_BASE + "/") else arg for arg in argv]

    def _begin_sandbox(self) -> Any:
        """The hosts' containers (namespaces), or None after saying in every log why not."""
        from ..training.sandbox import JobSandbox, SandboxUnavailable, fallback_notice

        try:
            sandbox = JobSandbox.begin(self.directory / "ns", self.hosts)
            sandbox.ready()
        except SandboxUnavailable as exc:
            self.log_all(fallback_notice(str(exc)))
            return None
        self._sandbox = sandbox
        return sandbox

    def _run_hosts(self) -> tuple[str, str]:
        venv = _job_venv(self.directory / "venv")
        sandbox = self._begin_sandbox()
        processes = []
        for host in self.hosts:
            argv = self._argv(host, sandboxed=sandbox is not None)
            env = self._environment(host, venv)
            if not os.path.isabs(argv[0]):  # the container's PATH lookup, done here (the launcher execs a path)
                found = shutil.which(argv[0], path=env["PATH"])
                if found is None:
                    raise ValueError(f"the entrypoint command {argv[0]!r} is not installed on this machine")
                argv[0] = found
            with open(self.log_path(host), "ab") as log:
                log.write(f"{_framework_line(str(self.request['AppSpecification'].get('ImageUri', '')))}\n".encode())
                log.write(f"Running the container entrypoint: {' '.join(argv)}\n".encode())
            launcher = sandbox.launcher(host, self.host_dir(host), "/") if sandbox is not None else None
            processes.append(
                HostProcess(
                    host,
                    argv,
                    cwd=self.host_dir(host),
                    env=env,
                    log_path=self.log_path(host),
                    launcher=launcher,
                )
            )
        with self._lock:
            if self._stop_reason is not None:
                return "Stopped", self._stop_reason
            self._processes = processes
        codes: dict[str, int] = {}
        threads = [threading.Thread(target=self._host_main, args=(p, codes), daemon=True) for p in processes]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
                if self.runtime_left() < 0:
                    self.stop("MaxRuntimeInSeconds reached.")
                if codes and any(code != 0 for code in codes.values()):
                    for process in processes:  # the first failing host ends the job
                        if process.returncode is None:
                            threading.Thread(target=process.terminate, args=(1.0,), daemon=True).start()
        failed = {host: code for host, code in codes.items() if code != 0}
        if self._stop_reason is not None:
            return "Stopped", self._stop_reason
        if failed:
            host, code = sorted(failed.items())[0]
            return "Failed", f"AlgorithmError: See job logs for more information ({host} exited with code {code})"
        return "Completed", ""

    def _host_main(self, process: HostProcess, codes: dict[str, int]) -> None:
        codes[process.name] = self.run_host(process)

    def _last_lines(self, count: int = 20) -> list[str]:
        lines: list[str] = []
        for host in self.hosts:
            try:
                lines.extend(self.log_path(host).read_text(errors="replace").splitlines()[-count:])
            except OSError:
                continue
        return lines[-count:]

    # --- outputs ------------------------------------------------------------------------

    def _deliver_outputs(self) -> None:
        outputs = (self.request.get("ProcessingOutputConfig") or {}).get("Outputs") or []
        for entry in outputs:
            spec = entry.get("S3Output")
            if not spec:
                continue
            destination = str(spec["S3Uri"])
            for host in self.hosts:
                source = self._local_path(host, str(spec["LocalPath"]))
                if source.is_dir():
                    _deliver_tree(source, destination, self._s3_factory)


def _framework_line(image: str) -> str:
    """The interpreter and framework version that run the job, and the image's when it differs."""
    from ..training import frameworks

    wants = frameworks.requested(image)
    line, differs = frameworks.describe(sys.executable, wants, "exact")
    if differs:
        names = " and ".join(want.framework for want in wants)
        line += f" - processing jobs run the installed {names}, not the image's version{'s' if len(wants) > 1 else ''}"
    return line


def _job_venv(path: Path) -> Path:
    """A throwaway virtual environment over this interpreter (no pip of its own: ``python -m pip`` works)."""
    if not (path / "bin" / "python").exists():
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(path)],
            check=True,
            capture_output=True,
        )
    return path


def _copy_local(source: Path, target: Path, share: tuple[int, int] | None) -> None:
    if not source.exists():
        raise FileNotFoundError(f"input {source} does not exist")
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    if share is not None:
        files = files[share[0] :: share[1]]
    for file in files:
        relative = file.name if source.is_file() else file.relative_to(source).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(file, destination)  # no copy of large inputs when on the same file system
        except OSError:
            shutil.copy2(file, destination)


def _deliver_tree(source: Path, destination: str, s3_factory: Callable[[], Any]) -> None:
    """Every file under ``source`` to ``destination`` (an ``s3://`` prefix, or ``file://`` directory)."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    if destination.startswith("file://"):
        target = Path(destination[len("file://") :])
        for file in files:
            out = target / file.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_name(f".{out.name}.partial")
            shutil.copyfile(file, partial)
            os.replace(partial, out)  # never a truncated file at the final name
        return
    s3 = s3_factory()
    bucket, prefix = split_s3(destination)
    for file in files:
        key = "/".join(part for part in (prefix.rstrip("/"), file.relative_to(source).as_posix()) if part)
        s3.upload_file(str(file), bucket, key)
