"""One local training job: its DescribeTrainingJob record and the thread that runs it.

``LocalSageMakerClient.create_training_job`` reserves the job (its directory), then
``start()`` returns at once while a supervisor thread walks SageMaker's lifecycle::

    InProgress/Starting -> Downloading (channels, code, checkpoints)
      -> Training (requirements venv, one process group per host, Pipe feeders)
      -> Uploading (model.tar.gz, output.tar.gz, checkpoints) -> Completed
    ... or Failed (first failing host; the others are stopped), or Stopping -> Stopped
    (stop_training_job, MaxRuntimeInSeconds, or this interpreter exiting).

The record, the thread, stop, finalize and the exit hook are the shared local job lifecycle
(``lifecycle.LocalJob``); this module is what training adds to it.

When the job ends, its metric definitions are applied to every host's log and the last
value of each metric becomes ``FinalMetricDataList`` (metrics.py), as SageMaker reports it.
Each transition is appended to SecondaryStatusTransitions and written to
``description.json``, so ``describe()`` - here or from another process - always sees
the latest state.
"""

from __future__ import annotations

import copy
import os
import queue
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..lifecycle import LOGGER, TERMINAL, LocalJob, joined, utc_now
from ..processes import HostProcess
from ..store import ECHOED_FIELDS, local_arn, private_dir
from . import contract, frameworks
from .artifacts import JobSetupError, deliver_outputs, deliver_tree, merged_files, stage_job_code
from .channels import ChannelSpec, Materialized, fetch_tree, materialize
from .hosts import HostPlan, checkpoint_dir, count_gpus, prepare_host
from .launch import algorithm_process, docker_process, failure_reason, script_process
from .metrics import final_metrics
from .sandbox import JobSandbox, SandboxUnavailable, fallback_notice
from .venvs import requirements_of

if TYPE_CHECKING:  # pragma: no cover
    from ..algorithms import BuiltinAlgorithm

__all__ = ["TERMINAL", "LocalTrainingJob"]
S3Factory = Callable[[], Any]


class StopRequested(Exception):
    """Raised inside the supervisor when a stop arrives between preparation steps."""


NOT_EVALUATED = (
    "Not evaluated: local mode runs no Debugger or profiler rule jobs. "
    "Run the job on SageMaker (an ml.* instance type) to evaluate this rule."
)


def _unevaluated_rules(request: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An honest status for every rule of the request: ``Error``, not evaluated (never NoIssuesFound)."""
    statuses: dict[str, Any] = {}
    for field, status_field in (
        ("DebugRuleConfigurations", "DebugRuleEvaluationStatuses"),
        ("ProfilerRuleConfigurations", "ProfilerRuleEvaluationStatuses"),
    ):
        rules = request.get(field) or []
        if rules:
            statuses[status_field] = [
                {
                    "RuleConfigurationName": rule["RuleConfigurationName"],
                    "RuleEvaluationStatus": "Error",
                    "StatusDetails": NOT_EVALUATED,
                    "LastModifiedTime": now,
                }
                for rule in rules
            ]
    return statuses


class LocalTrainingJob(LocalJob):
    """A training job run on this machine (see the module docstring for its lifecycle)."""

    kind = "training"

    def __init__(
        self,
        request: dict[str, Any],
        *,
        root: Path,
        region: str,
        s3_factory: S3Factory,
        stop_timeout: float,
        docker_cli: str | None = None,
        algorithm: BuiltinAlgorithm | None = None,
        python: str | None = None,
        framework_versions: str = "exact",
    ) -> None:
        name = str(request["TrainingJobName"])
        self.hosts = contract.plan_hosts(request["ResourceConfig"])
        super().__init__(
            name=name,
            arn=local_arn(region, "training-job", name),
            directory=root / "jobs" / name,
            hosts=[host.name for host in self.hosts],
            stop_timeout=stop_timeout,
        )
        self.request = copy.deepcopy(request)
        self.region = region
        self.root = root
        self.docker_cli = docker_cli
        self.algorithm = algorithm
        self.python = python
        self.framework_versions = framework_versions
        self._s3_factory = s3_factory
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._plans: list[HostPlan] = []
        self._network: str | None = None
        self._algorithm_environment: dict[str, str] = {}
        self._sandbox: JobSandbox | None = None
        self.max_runtime = float((request.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds", 86400))
        now = utc_now()
        description: dict[str, Any] = {"TrainingJobName": self.name, "TrainingJobArn": self.arn}
        description.update({k: copy.deepcopy(request[k]) for k in ECHOED_FIELDS if k in request})
        if algorithm is not None and not description["AlgorithmSpecification"].get("MetricDefinitions"):
            # SageMaker shows a built-in algorithm's own metric definitions in the job's description
            description["AlgorithmSpecification"]["MetricDefinitions"] = algorithm.metric_definitions()
        description.update(
            TrainingJobStatus="InProgress",
            SecondaryStatus="Starting",
            CreationTime=now,
            LastModifiedTime=now,
            SecondaryStatusTransitions=[
                {"Status": "Starting", "StartTime": now, "StatusMessage": "Preparing the instances for training"}
            ],
            EnableNetworkIsolation=bool(request.get("EnableNetworkIsolation", False)),
            EnableInterContainerTrafficEncryption=bool(request.get("EnableInterContainerTrafficEncryption", False)),
            EnableManagedSpotTraining=bool(request.get("EnableManagedSpotTraining", False)),
        )
        description.update(_unevaluated_rules(request, now))
        self._description = description

    # --- record -----------------------------------------------------------------------

    def record(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self._description, {"pid": os.getpid(), "epoch": self.epoch, "tags": self.request.get("Tags", [])}

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._description)

    @property
    def status(self) -> str:
        with self._lock:
            return str(self._description["TrainingJobStatus"])

    def _transition(self, status: str, message: str, *, job_status: str | None = None, **fields: Any) -> None:
        with self._lock:
            if self._finalized:
                return
            self._append_transition(status, message, job_status, fields)
            self._persist()

    def _append_transition(self, status: str, message: str, job_status: str | None, fields: dict[str, Any]) -> None:
        with self._lock:
            now = utc_now()
            transitions = self._description["SecondaryStatusTransitions"]
            if transitions and "EndTime" not in transitions[-1]:
                transitions[-1]["EndTime"] = now
            entry = {"Status": status, "StartTime": now, "StatusMessage": message}
            if job_status in TERMINAL:
                entry["EndTime"] = now
            transitions.append(entry)
            self._description.update(SecondaryStatus=status, LastModifiedTime=now, **fields)
            if job_status:
                self._description["TrainingJobStatus"] = job_status

    # --- control ----------------------------------------------------------------------

    def stop(self, reason: str = "") -> None:
        """StopTrainingJob: Stopping now, Stopped once every host has exited and the outputs are saved.

        ``reason`` (local only) ends the final status message: "Training job stopped: <reason>".
        """
        super().stop(reason)

    def _stopping(self, reason: str) -> None:
        self._transition("Stopping", joined("Stopping the training job", reason), job_status="Stopping")

    def _wake(self) -> None:
        self._events.put(("stop", None))

    def _abandon(self, reason: str) -> None:
        """The model and checkpoints could not be saved before the interpreter exits (the message says so)."""
        with self._lock:
            plans = list(self._plans)
        for plan in plans:
            for pipe in plan.pipes:
                pipe.close(timeout=0.2)
        self.finalize(
            "Stopped",
            joined("Training job stopped", f"{reason}; its model and checkpoints were not saved in time"),
        )

    def _check_stop(self) -> None:
        if self._stop_reason is None and self.runtime_left() < 0:
            self._stop_reason = "max_runtime"
        if self._stop_reason is not None:
            raise StopRequested

    def _end(self, status: str, message: str, fields: dict[str, Any]) -> None:
        end = utc_now()
        start = self._description.get("TrainingStartTime") or self._description["CreationTime"]
        seconds = max(0, int((end - start).total_seconds()))
        secondary = "MaxRuntimeExceeded" if self._stop_reason == "max_runtime" else status
        message = message or f"Training job {status.lower()}"
        fields.update(TrainingEndTime=end, TrainingTimeInSeconds=seconds, BillableTimeInSeconds=0)
        self._append_transition(secondary, message, status, fields)

    # --- the supervisor thread ------------------------------------------------------

    def run(self) -> None:
        status, reason = "Failed", ""
        try:
            self._check_stop()
            self._transition("Downloading", "Downloading input data", TrainingStartTime=utc_now())
            self._prepare()
            self._check_stop()
            python = self._install_requirements()
            self._check_stop()
            self._transition("Training", "Training image download completed. Training in progress.")
            status, reason = self._supervise(python)
        except StopRequested:
            status = "Stopped"
        except JobSetupError as exc:
            status, reason = "Failed", f"ClientError: {exc}"
        except OSError as exc:  # the disk filled up, a directory vanished, ...
            status, reason = "Failed", f"ClientError: preparing or running the job failed: {exc}"
        except Exception as exc:
            LOGGER.warning("local training job %s failed to run: %r", self.name, exc)
            LOGGER.debug("local training job %s", self.name, exc_info=True)
            status, reason = "Failed", f"InternalServerError: local mode could not run the job: {exc!r}"
        finally:
            for plan in self._plans:
                for pipe in plan.pipes:
                    pipe.close()
            if self._sandbox is not None:
                self._sandbox.close()
        if self._stop_reason is not None:
            status = "Stopped"
        fields: dict[str, Any] = {}
        if status in ("Completed", "Stopped") and self._plans and not self._finalized:
            self._transition("Uploading", "Uploading generated training model")
            try:
                uri = deliver_outputs(
                    self.request["OutputDataConfig"],
                    self.name,
                    [plan.directory for plan in self._plans],
                    self.directory / "cache" / "artifacts",
                    self._s3_factory,
                )
                fields["ModelArtifacts"] = {"S3ModelArtifacts": uri}
            except Exception as exc:
                status, reason = "Failed", f"ClientError: uploading the model failed: {exc}"
        try:
            self._save_checkpoints()
        except Exception as exc:
            LOGGER.warning("local training job %s: saving checkpoints failed: %s", self.name, exc)
        if status == "Failed":
            fields["FailureReason"] = reason[:1024]
        metrics = self._final_metrics()
        if metrics:
            fields["FinalMetricDataList"] = metrics
        message = {
            "Completed": "Training job completed",
            "Failed": "Training job failed",
            "Stopped": "Training job stopped",
        }[status]
        if self._stop_reason == "max_runtime":
            message = "Training job runtime exceeded MaxRuntimeInSeconds provided"
        elif status == "Stopped":
            message = joined(message, self._stop_message)
        self.finalize(status, message, **fields)

    def _begin_sandbox(self) -> str | None:
        """Start the job's namespaces (script mode only; ready later), or say why they cannot be used."""
        try:
            self._sandbox = JobSandbox.begin(self.directory / "ns", [host.name for host in self.hosts])
        except SandboxUnavailable as exc:
            return str(exc)
        return None

    def _sandbox_ready(self, problem: str | None) -> None:
        """Wait for the namespaces; on failure fall back to relocation, saying so in every host's log."""
        if problem is None and self._sandbox is not None:
            try:
                self._sandbox.ready()
                return
            except SandboxUnavailable as exc:
                self._sandbox, problem = None, str(exc)
        self.log_all(fallback_notice(problem or "namespaces unavailable"))

    def _prepare(self) -> None:
        job_mode = str(self.request["AlgorithmSpecification"].get("TrainingInputMode", "File"))
        # script mode only: Docker has its containers, built-in algorithms run relocated (algorithms/)
        scripted = self.docker_cli is None and self.algorithm is None
        problem = self._begin_sandbox() if scripted else None
        cache = private_dir(self.directory / "cache")
        channels: list[tuple[ChannelSpec, Materialized]] = []
        for raw in self.request.get("InputDataConfig") or []:
            self._check_stop()
            spec = ChannelSpec.from_request(raw, job_mode)
            channels.append((spec, materialize(spec, cache / "channels", self._s3_factory)))
        code: Path | None = None
        if self.docker_cli is None and self.algorithm is None:
            code = self._stage_code(cache)
        plans = [HostPlan(h, i, self.directory / h.name, self.log_path(h.name)) for i, h in enumerate(self.hosts)]
        with self._lock:
            self._plans = plans
        if scripted:
            self._sandbox_ready(problem)
        for plan in plans:
            self._check_stop()
            prepare_host(
                plan,
                self.hosts,
                self.request,
                channels,
                code,
                docker=self.docker_cli is not None,
                sandboxed=self._sandbox is not None,
            )
        checkpoint = self.request.get("CheckpointConfig")
        if checkpoint and checkpoint.get("S3Uri"):
            for plan in plans:
                fetch_tree(str(checkpoint["S3Uri"]), checkpoint_dir(plan.directory, self.request), self._s3_factory)

    def _stage_code(self, cache: Path) -> Path:
        hyperparameters = dict(self.request.get("HyperParameters") or {})
        program = contract.entry_point(hyperparameters, self.request.get("Environment") or {}) or ""
        submit = contract.decode_hyperparameters(hyperparameters).get("sagemaker_submit_directory")
        return stage_job_code(program, None if submit is None else str(submit), cache, self._s3_factory)

    def _install_requirements(self) -> str:
        if self.docker_cli is not None or not self._plans:
            return sys.executable
        if self.algorithm is not None:
            with open(self._plans[0].log_path, "ab", buffering=0) as log:
                return self.algorithm.python(log)
        program = contract.entry_point(self.request.get("HyperParameters") or {}, self.request.get("Environment") or {})
        requirements = requirements_of(self._plans[0].directory / "code", program or "")
        wants = frameworks.requested(str(self.request["AlgorithmSpecification"].get("TrainingImage", "")))
        base = self.python or sys.executable
        mode = self.framework_versions
        python = frameworks.interpreter(base, wants, mode, requirements, self.root / "venvs", self._plans[0].log_path)
        line, _ = frameworks.describe(python, wants, mode)
        self.log_all(line)
        return python

    # --- running the hosts ------------------------------------------------------------

    def _host_process(self, plan: HostPlan, python: str, gpus: int) -> HostProcess:
        if self.docker_cli is not None:
            return docker_process(
                plan,
                cli=self.docker_cli,
                job_name=self.name,
                job_arn=self.arn,
                request=self.request,
                network=self._network,
            )
        if self.algorithm is not None:
            return algorithm_process(
                plan,
                python=python,
                module=self.algorithm.train_module,
                job_name=self.name,
                job_arn=self.arn,
                request=self.request,
                region=self.region,
                gpus=gpus,
                environment=self._algorithm_environment,
            )
        return script_process(
            plan,
            python=python,
            job_name=self.name,
            job_arn=self.arn,
            request=self.request,
            region=self.region,
            gpus=gpus,
            sandbox=self._sandbox,
        )

    def _host_main(self, process: HostProcess) -> None:
        self._events.put(("exit", (process, self.run_host(process))))

    def _supervise(self, python: str) -> tuple[str, str]:
        gpus = count_gpus([h.instance_type for h in self.hosts])
        if self.algorithm is not None:
            self._algorithm_environment = {
                "SAGEMAKER_LITE_ALGORITHM_VERSION": self.algorithm.version,
                "SAGEMAKER_LITE_TRACKER_PORT": str(_free_port()) if len(self.hosts) > 1 else "9099",
            }
        if self.docker_cli is not None and len(self.hosts) > 1:
            from . import docker

            self._network = docker.create_network(self.docker_cli, self.name)
        try:
            processes = [self._host_process(plan, python, gpus) for plan in self._plans]
            for plan in self._plans:
                for pipe in plan.pipes:
                    pipe.start()
            with self._lock:
                self._check_stop()
                self._processes = processes
            for process in processes:
                threading.Thread(target=self._host_main, args=(process,), daemon=True).start()
            return self._watch(processes)
        finally:
            if self._network is not None and self.docker_cli is not None:
                from . import docker

                docker.remove_network(self.docker_cli, self._network)

    def _watch(self, processes: list[HostProcess]) -> tuple[str, str]:
        remaining = len(processes)
        failure: tuple[HostProcess, int] | None = None
        stopping = False
        while remaining:
            left = self.runtime_left()
            if left <= 0 and not stopping:
                self._stop_reason = self._stop_reason or "max_runtime"
                stopping = True
                self._terminate(processes)
            try:
                kind, payload = self._events.get(timeout=None if stopping else max(0.05, left))
            except queue.Empty:
                continue
            if kind == "stop" and not stopping:
                stopping = True
                self._terminate(processes)
            elif kind == "exit":
                remaining -= 1
                process, code = payload
                if code != 0 and failure is None and not stopping:
                    failure = (process, code)
                    stopping = True
                    self._terminate([p for p in processes if p is not process])
                elif code == 0 and self.docker_cli is None:
                    (self.directory / process.name / "output" / "success").touch()
        if self._stop_reason is not None:
            return "Stopped", ""
        if failure is not None:
            process, code = failure
            return "Failed", failure_reason(process, self.directory / process.name, code)
        return "Completed", ""

    def metric_definitions(self) -> list[dict[str, Any]]:
        """The request's MetricDefinitions, then a built-in algorithm's own (what SageMaker applies to the logs)."""
        definitions = list(self.request["AlgorithmSpecification"].get("MetricDefinitions") or [])
        if self.algorithm is not None:
            definitions += self.algorithm.metric_definitions()
        return definitions

    def _final_metrics(self) -> list[dict[str, Any]]:
        """FinalMetricDataList: the metric definitions applied to every host's log (see metrics.py)."""
        definitions = self.metric_definitions()
        if not definitions:
            return []
        try:
            lines = {host.name: _read_lines(self.log_path(host.name)) for host in self.hosts}
            return final_metrics(definitions, lines, utc_now())
        except Exception as exc:  # a metric is never worth failing a finished job for
            LOGGER.warning("local training job %s: reading metrics failed: %s", self.name, exc)
            return []

    def _save_checkpoints(self) -> None:
        checkpoint = self.request.get("CheckpointConfig")
        if not checkpoint or not checkpoint.get("S3Uri"):
            return
        for plan in self._plans:
            files = merged_files([checkpoint_dir(plan.directory, self.request)])
            deliver_tree(files, str(checkpoint["S3Uri"]), self._s3_factory)


def _read_lines(path: Path, limit: int = 64 << 20) -> list[str]:
    """A log file's lines (its last ``limit`` bytes); missing or unreadable: none."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - limit))
            data = handle.read()
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 now (a distributed built-in algorithm's tracker binds it)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
