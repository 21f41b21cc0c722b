"""One local endpoint: a server process per production variant, and the DescribeEndpoint record.

``LocalSageMakerClient.create_endpoint`` builds a ``LocalEndpoint`` and returns; each
variant's ``VariantServer`` then works in its own thread::

    Creating: stage the model (file:// tarball extracted safely, file:// directory served in
              place, s3:// downloaded through the session's S3 client), install
              code/requirements.txt into a cached venv (when there is a code/inference.py),
              start ``python -m sagemaker_lite.local.serving.server`` in its own process group, wait
              for its port file and a 200 from /ping
      -> InService once every variant answers
      -> Failed (FailureReason: what failed and the log's last lines) if any variant cannot
         start within ContainerStartupHealthCheckTimeoutInSeconds, or its server dies later

The thread that starts a server stays blocked in ``wait()`` for the server's lifetime:
on Linux the server's parent-death signal is tied to that thread. ``delete()`` stops
every server (SIGTERM to the group, SIGKILL after ``stop_timeout``) before returning, and
every endpoint is stopped when the interpreter exits (the process registry's hooks).
``update()`` starts servers for the new config while the old ones keep answering, then
switches and stops the old ones (or keeps them, with a FailureReason, if the new fail).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..exit_hooks import registry
from ..processes import HostProcess
from ..store import private_dir
from ..training.artifacts import JobSetupError, local_path, safe_extract, split_s3

DEFAULT_STARTUP_TIMEOUT = 600.0
MAX_FAILURE_REASON = 1024
PACKAGE_PARENT = str(Path(__file__).resolve().parents[3])


def now() -> datetime:
    return datetime.now(timezone.utc)


def log_tail(path: Path, limit: int = 700) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(path) - 16384))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line for line in text.splitlines() if line.strip()][-12:]
    tail = "\n".join(lines)
    return tail[-limit:]


def _private_tree(root: Path) -> Path:
    """Directories of an extracted model are private (0700), like the job directories around them."""
    for directory, _, _ in os.walk(root):
        os.chmod(directory, 0o700)
    return root


def stage_model(model_data: str | None, target: Path, s3_factory: Callable[[], Any], log: Path) -> Path:
    """The directory holding the model's files: ``target`` (extracted there) or a file:// directory itself."""
    if not model_data:
        raise JobSetupError("the model has no ModelDataUrl; a local endpoint serves a model.tar.gz")
    if model_data.startswith("file://"):
        path = local_path(model_data)
        if path.is_dir():
            return path
        if not path.is_file():
            raise JobSetupError(f"the model data {model_data} does not exist")
        safe_extract(path, private_dir(target))
        return _private_tree(target)
    bucket, key = split_s3(model_data)
    archive = target.parent / "model.tar.gz"
    with open(log, "ab") as handle:
        handle.write(f"Downloading {model_data}\n".encode())
    try:
        s3_factory().download_file(bucket, key, str(archive))
    except Exception as exc:
        raise JobSetupError(f"could not download {model_data}: {exc}") from exc
    try:
        safe_extract(archive, private_dir(target))
    finally:
        archive.unlink(missing_ok=True)
    return _private_tree(target)


class VariantServer:
    """The server process of one production variant (see the module docstring)."""

    def __init__(
        self,
        *,
        endpoint: str,
        variant: dict[str, Any],
        container: dict[str, Any],
        directory: Path,
        log_path: Path,
        s3_factory: Callable[[], Any],
        venvs_dir: Path,
        on_change: Callable[[VariantServer], None],
        framework_versions: str = "exact",
    ) -> None:
        self.endpoint = endpoint
        self.variant = variant
        self.name = str(variant["VariantName"])
        self.container = container
        self.directory = directory
        self.log_path = log_path
        self.s3_factory = s3_factory
        self.venvs_dir = venvs_dir
        self.framework_versions = framework_versions
        self.on_change = on_change
        self.port: int | None = None
        self.state = "Creating"  # -> InService -> Exited, or Failed
        self.failure: str | None = None
        self.process: HostProcess | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"endpoint-{endpoint}-{self.name}", daemon=True)

    @property
    def weight(self) -> float:
        return float(self.variant.get("InitialVariantWeight", 1.0))

    def start(self) -> None:
        self._thread.start()

    def _set(self, state: str, failure: str | None = None) -> None:
        if self.state in ("Failed", "Exited"):
            return
        self.state, self.failure = state, failure
        self.on_change(self)

    def _fail(self, what: str) -> None:
        with contextlib.suppress(OSError):
            what += ": " + (self.directory / "failure").read_text(encoding="utf-8").strip()
        tail = log_tail(self.log_path)
        reason = f"{what.rstrip('.')}. Last lines of {self.log_path}:\n{tail}" if tail else what
        if len(reason) > MAX_FAILURE_REASON:
            reason = reason[: MAX_FAILURE_REASON - len(tail[-500:]) - 5] + " ...\n" + tail[-500:]
        self._set("Failed", reason[:MAX_FAILURE_REASON])

    def _code_dir(self, model_dir: Path) -> Path:
        """The inference code: ``model/code``, or ``SAGEMAKER_SUBMIT_DIRECTORY`` when it names an archive.

        Framework models that are not repacked (SKLearn, XGBoost) point the container at a
        ``sourcedir.tar.gz`` (``s3://`` or, in local mode, ``file://``) instead.
        """
        submit = str((self.container.get("Environment") or {}).get("SAGEMAKER_SUBMIT_DIRECTORY") or "")
        if not submit.startswith(("s3://", "file://")):
            return model_dir / "code"
        if submit.startswith("file://") and local_path(submit).is_dir():
            return local_path(submit)
        return stage_model(submit, self.directory / "code", self.s3_factory, self.log_path)

    def _argv_and_env(self, model_dir: Path) -> tuple[list[str], dict[str, str]]:
        from .runtimes import runtime_for

        runtime = runtime_for(self.container)
        code = self._code_dir(model_dir)
        wants_requirements = (code / "inference.py").is_file() or not runtime.requirements_need_inference_script
        requirements: Path | None = code / "requirements.txt"
        if not (wants_requirements and (code / "requirements.txt").is_file() and not (code / "lib").is_dir()):
            requirements = None
        if runtime.interpreter is not None:  # built-in algorithms: the package version of their image
            from ..training.venvs import ensure_venv

            with open(self.log_path, "ab", buffering=0) as log:
                python = runtime.interpreter(self.container, log)
                if requirements is not None:
                    python = str(ensure_venv(requirements, self.venvs_dir, log))
        else:  # framework models: the framework version of their image (training/frameworks.py)
            from ..training import frameworks

            wants = frameworks.requested(str(self.container.get("Image") or ""))
            mode = self.framework_versions
            python = frameworks.interpreter(sys.executable, wants, mode, requirements, self.venvs_dir, self.log_path)
            line, _ = frameworks.describe(python, wants, mode)
            with open(self.log_path, "ab", buffering=0) as log:
                log.write(f"{line}\n".encode())
        env = {key: value for key, value in os.environ.items() if not key.startswith("SM_")}
        env.update({str(k): str(v) for k, v in (self.container.get("Environment") or {}).items()})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_PARENT, env.get("PYTHONPATH")]))
        env.setdefault("PYTHONUNBUFFERED", "1")
        if self.variant.get("InstanceType") != "local_gpu":
            env.setdefault("CUDA_VISIBLE_DEVICES", "")  # like a container started without --gpus
        port_file = self.directory / "port"
        argv = [python, "-m", "sagemaker_lite.local.serving.server", "--model-dir", str(model_dir)]
        argv += ["--code-dir", str(code), "--loader", runtime.loader]
        argv += ["--port-file", str(port_file), "--failure-file", str(self.directory / "failure")]
        return argv, env

    def _run(self) -> None:
        try:
            target = self.directory / "model"
            model_dir = stage_model(self.container.get("ModelDataUrl"), target, self.s3_factory, self.log_path)
            argv, env = self._argv_and_env(model_dir)
        except Exception as exc:
            self._fail(f"Failed to prepare the model for production variant {self.name}: {exc}")
            return
        if self._stopping.is_set():
            self._set("Exited")
            return
        self.process = HostProcess(
            f"{self.endpoint}/{self.name}", argv, cwd=self.directory, env=env, log_path=self.log_path
        )
        if not self.process.start():
            self._set("Exited")
            return
        threading.Thread(target=self._wait_ready, name=f"ping-{self.endpoint}-{self.name}", daemon=True).start()
        code = self.process.wait()
        if self._stopping.is_set():
            self._set("Exited")
        elif self.state == "InService":
            self._fail(f"The server of production variant {self.name} exited with code {code}")
        else:
            self._fail(
                f"The primary container for production variant {self.name} did not pass the ping health check: "
                f"its server exited with code {code}"
            )

    def _wait_ready(self) -> None:
        assert self.process is not None
        timeout = float(self.variant.get("ContainerStartupHealthCheckTimeoutInSeconds") or DEFAULT_STARTUP_TIMEOUT)
        deadline = time.monotonic() + timeout
        port_file = self.directory / "port"
        delay = 0.02
        while not self.process.exited(delay):
            if self._stopping.is_set():
                return
            if time.monotonic() > deadline:
                self.process.terminate(2.0)
                self._fail(
                    f"The primary container for production variant {self.name} did not pass the ping health check "
                    f"within {timeout:g} seconds"
                )
                return
            delay = min(delay * 1.5, 0.25)
            try:
                port = int(port_file.read_text(encoding="utf-8").strip())
            except (OSError, ValueError):
                continue
            if ping(port):
                self.port = port
                self._set("InService")
                return

    def stop(self, grace: float) -> None:
        """Stop the server (if it runs) and remove its directory (a file:// model directory is not in it)."""
        self._stopping.set()
        if self.process is not None:
            self.process.terminate(grace)
        self._thread.join(grace + 10.0)
        shutil.rmtree(self.directory, ignore_errors=True)  # the port file and any model extracted here


def ping(port: int, timeout: float = 2.0) -> bool:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/ping")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


class LocalEndpoint:
    """An endpoint served on this machine: status, variants' servers, DescribeEndpoint."""

    def __init__(
        self,
        *,
        name: str,
        arn: str,
        directory: Path,
        s3_factory: Callable[[], Any],
        venvs_dir: Path,
        stop_timeout: float,
        framework_versions: str = "exact",
    ) -> None:
        self.name = name
        self.arn = arn
        self.directory = directory
        self.s3_factory = s3_factory
        self.venvs_dir = venvs_dir
        self.framework_versions = framework_versions
        self.stop_timeout = stop_timeout
        self.status = "Creating"
        self.failure_reason: str | None = None
        self.creation_time = now()
        self.last_modified = self.creation_time
        self.config_name = ""
        self.config: dict[str, Any] = {}
        self.servers: list[VariantServer] = []
        self._pending: list[VariantServer] = []
        self._pending_config: tuple[str, dict[str, Any]] | None = None
        self._lock = threading.RLock()

    def _servers_for(self, config: dict[str, Any], containers: dict[str, dict[str, Any]]) -> list[VariantServer]:
        stamp = f"{int(time.time() * 1000)}"
        servers = []
        for variant in config["ProductionVariants"]:
            directory = private_dir(self.directory / f"{variant['VariantName']}-{stamp}")
            logs = private_dir(self.directory / "logs")
            servers.append(
                VariantServer(
                    endpoint=self.name,
                    variant=variant,
                    container=containers[variant["ModelName"]],
                    directory=directory,
                    log_path=logs / f"{variant['VariantName']}-{stamp}.log",
                    s3_factory=self.s3_factory,
                    venvs_dir=self.venvs_dir,
                    on_change=self._changed,
                    framework_versions=self.framework_versions,
                )
            )
        return servers

    def start(self, config_name: str, config: dict[str, Any], containers: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            self.config_name, self.config = config_name, config
            self.servers = self._servers_for(config, containers)
        registry().add_job(self)
        for server in self.servers:
            server.start()

    def update(self, config_name: str, config: dict[str, Any], containers: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            self.status, self.failure_reason, self.last_modified = "Updating", None, now()
            self._pending_config = (config_name, config)
            self._pending = self._servers_for(config, containers)
            pending = list(self._pending)
        for server in pending:
            server.start()

    def _changed(self, server: VariantServer) -> None:
        retired: list[VariantServer] = []
        with self._lock:
            if server in self._pending:
                if server.state == "Failed":
                    retired = self._pending
                    self._pending, self._pending_config = [], None
                    self.status, self.failure_reason = "InService", server.failure
                elif all(s.state == "InService" for s in self._pending) and self._pending_config is not None:
                    retired = self.servers
                    self.servers, self._pending = self._pending, []
                    (self.config_name, self.config), self._pending_config = self._pending_config, None
                    self.status = "InService"
            elif server in self.servers and self.status in ("Creating", "InService", "Updating"):
                if server.state == "Failed":
                    self.status, self.failure_reason = "Failed", server.failure
                    retired = [s for s in self.servers if s is not server]
                elif self.status == "Creating" and all(s.state == "InService" for s in self.servers):
                    self.status = "InService"
            self.last_modified = now()
        if retired:
            threading.Thread(target=self._stop_all, args=(retired,), daemon=True).start()

    def _stop_all(self, servers: list[VariantServer], grace: float | None = None) -> None:
        for server in servers:
            server.stop(self.stop_timeout if grace is None else grace)

    def route(self, target_variant: str | None) -> VariantServer | None:
        """The server a request goes to: the named variant, else one picked by weight."""
        with self._lock:
            live = [s for s in self.servers if s.state == "InService" and s.port is not None]
        if target_variant is not None:
            return next((s for s in live if s.name == target_variant), None)
        if len(live) <= 1:
            return live[0] if live else None
        return random.choices(live, weights=[max(s.weight, 0.0) or 1e-9 for s in live])[0]

    def describe(self) -> dict[str, Any]:
        with self._lock:
            description: dict[str, Any] = {
                "EndpointName": self.name,
                "EndpointArn": self.arn,
                "EndpointConfigName": self.config_name,
                "ProductionVariants": [self._variant_summary(s) for s in self.servers],
                "EndpointStatus": self.status,
                "CreationTime": self.creation_time,
                "LastModifiedTime": self.last_modified,
            }
            if self.config.get("DataCaptureConfig"):
                description["DataCaptureConfig"] = {
                    "EnableCapture": bool(self.config["DataCaptureConfig"].get("EnableCapture")),
                    "CaptureStatus": "Stopped",
                    "CurrentSamplingPercentage": self.config["DataCaptureConfig"].get("InitialSamplingPercentage", 0),
                    "DestinationS3Uri": self.config["DataCaptureConfig"].get("DestinationS3Uri", ""),
                }
            if self.failure_reason:
                description["FailureReason"] = self.failure_reason
            return description

    def _variant_summary(self, server: VariantServer) -> dict[str, Any]:
        image = str(server.container.get("Image", ""))
        count = int(server.variant.get("InitialInstanceCount") or 1)
        weight = float(server.variant.get("InitialVariantWeight", 1.0))
        return {
            "VariantName": server.name,
            "DeployedImages": [{"SpecifiedImage": image, "ResolvedImage": image, "ResolutionTime": self.creation_time}],
            "CurrentWeight": weight,
            "DesiredWeight": weight,
            "CurrentInstanceCount": count if server.state == "InService" else 0,
            "DesiredInstanceCount": count,
        }

    def delete(self) -> None:
        """Stop every server now (DeleteEndpoint); returns once they have exited."""
        with self._lock:
            self.status = "Deleting"
            servers = self.servers + self._pending
        self._stop_all(servers)
        registry().discard_job(self)

    def abort(self, reason: str, grace: float) -> None:
        """The process registry's hook: this interpreter is exiting."""
        with self._lock:
            servers = self.servers + self._pending
        with contextlib.suppress(Exception):
            self._stop_all(servers, grace)
