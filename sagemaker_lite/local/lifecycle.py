"""LocalJob: the lifecycle every local job kind shares - record, thread, stop, finalize, exit hook.

    class LocalProcessingJob(LocalJob):
        kind = "processing"
        def run(self) -> None: ...                 # the supervisor thread's work, ending in finalize()
        def _end(self, status, message, fields): ...   # write the final status into the record

    job = LocalProcessingJob(request, ...)         # the description, in memory
    account.processing.claim(job.name, job, job.reserve)   # the directory: the name is taken
    job.start()                                    # a supervisor thread; returns at once
    job.stop("reason")                             # Stopping now; Stopped once the thread is done

Training, processing, tuning and transform jobs all walk the same shape, so it is written
once here and each kind supplies only what differs (its ``run``, what its record holds, how
it ends):

* **Record.** ``record()`` is the job's Describe* answer and the metadata another process
  needs (our pid, to tell a dead job from a live one). ``_persist`` writes it to
  ``<directory>/description.json`` at every change; when that fails (the disk is full) the
  job goes on, says so once in the log, and the in-memory record stays authoritative.
* **Thread.** ``start()`` runs ``run()`` on a daemon thread; whatever escapes it ends the
  job Failed with an InternalServerError reason, so no job stays InProgress forever.
* **Stop.** ``stop(reason)`` is idempotent; a kind's ``_stopping`` records Stopping and
  wakes its supervisor, which stops the hosts (``_terminate``: SIGTERM, SIGKILL after the
  grace period) and saves what a stopped job saves.
* **Finalize.** ``finalize`` ends the job exactly once, however many paths race to it (the
  supervisor, ``abort`` giving up on it); later transitions are ignored.
* **Exit hook.** A started job is registered with the interpreter's exit hooks
  (exit_hooks.py): when Python exits (atexit, SIGTERM, SIGHUP) ``abort`` stops it as
  ``stop`` would, with the hosts' grace shortened, and waits - at most
  ``grace + DELIVERY_TIMEOUT`` seconds - for its outputs, then finalizes it Stopped with a
  reason saying they were not saved in time.
* **Deadlines.** Every wait here is bounded: ``wait(timeout)`` requires one, ``abort`` has
  its own, and ``runtime_left()`` gives the supervisors MaxRuntimeInSeconds.

The live jobs themselves belong to the root's ``LocalAccount`` (account.py), not to this
module.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

from .exit_hooks import registry
from .processes import HostProcess
from .store import private_dir, write_record

LOGGER = logging.getLogger("sagemaker_lite.local")
TERMINAL = ("Completed", "Failed", "Stopped")
#: seconds an exiting interpreter waits, after the hosts' grace period, for a stopped job's
#: model, checkpoints and outputs to be delivered before giving up on them
DELIVERY_TIMEOUT = 120.0


class LocalJob:
    """The shared lifecycle of a local job (see the module docstring); subclasses supply ``run``."""

    #: the job kind, in thread names and log lines ("training", "processing", ...)
    kind: ClassVar[str] = "local"
    #: False for a kind whose record lives in memory only (transform jobs)
    persisted: ClassVar[bool] = True

    def __init__(self, *, name: str, arn: str, directory: Path, hosts: list[str], stop_timeout: float = 10.0) -> None:
        self.name = name
        self.arn = arn
        self.directory = directory
        self.host_names = hosts
        self.stop_timeout = stop_timeout
        self.epoch = int(time.time())
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._finalized = False
        #: why the job is stopping (None: it is not): "user", "max_runtime" or a kind's own word
        self._stop_reason: str | None = None
        self._stop_message = ""
        self._grace = stop_timeout
        self._processes: list[HostProcess] = []
        self._persist_failed = False
        self._started = time.monotonic()
        self.max_runtime = 86400.0

    # --- record ---------------------------------------------------------------------------

    def log_path(self, host: str) -> Path:
        return self.directory / "logs" / f"{host}-{self.epoch}.log"

    def reserve(self) -> None:
        """Create the job's directory (``FileExistsError``: the name is taken) and its empty log streams."""
        private_dir(self.directory.parent)
        self.directory.mkdir(mode=0o700)
        if self.host_names:
            (self.directory / "logs").mkdir(mode=0o700)
        for host in self.host_names:
            self.log_path(host).touch()
        self._persist()

    def log_all(self, line: str) -> None:
        """Append a line to every host's log (what the job itself has to say, e.g. a fallback)."""
        for host in self.host_names:
            with open(self.log_path(host), "ab") as log:
                log.write(f"{line}\n".encode())

    def record(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The description and the metadata written to ``description.json``."""
        raise NotImplementedError

    def _persist(self) -> None:
        """Write the record; a failure (disk full) is logged once, the in-memory record stays authoritative."""
        if not self.persisted:
            return
        try:
            write_record(self.directory / "description.json", *self.record())
        except OSError as exc:
            if not self._persist_failed:
                LOGGER.warning("local %s job %s: its record could not be written: %s", self.kind, self.name, exc)
            self._persist_failed = True

    @property
    def finalized(self) -> bool:
        with self._lock:
            return self._finalized

    # --- control --------------------------------------------------------------------------

    def start(self) -> None:
        registry().add_job(self)
        self._thread = threading.Thread(target=self._main, name=f"sagemaker-lite-{self.kind}-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, reason: str = "") -> None:
        """Stop the job (idempotent): ``_stopping`` records it and wakes the supervisor."""
        with self._lock:
            if self._stop_reason is not None or self._finalized:
                return
            self._stop_reason = "user"
            self._stop_message = reason
            self._stopping(reason)
        self._wake()

    def _stopping(self, reason: str) -> None:
        """Record that the job is stopping (called once, under the job's lock)."""

    def _wake(self) -> None:
        """Tell the supervisor a stop arrived (default: stop the hosts)."""
        self._terminate(self._processes)

    def _terminate(self, processes: list[HostProcess]) -> None:
        """SIGTERM to every host's group, SIGKILL after the grace period (in the background)."""
        for process in list(processes):
            threading.Thread(target=process.terminate, args=(self._grace,), daemon=True).start()

    @staticmethod
    def run_host(process: HostProcess) -> int:
        """Start a host's process and wait for it (call from the host's own thread); its exit code.

        -15 when a stop came before it started, 127 when it could not be started (the log says why).
        """
        try:
            if not process.start():  # stopped before it started
                return process.returncode if process.returncode is not None else -15
        except OSError as exc:
            with open(process.log_path, "ab") as log:
                log.write(f"could not start {process.argv[0]}: {exc}\n".encode())
            return 127
        code = process.wait()
        _end_with_newline(process.log_path)
        return code

    def runtime_left(self) -> float:
        """Seconds left before MaxRuntimeInSeconds."""
        return self.max_runtime - (time.monotonic() - self._started)

    def wait(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) for the supervisor; True if the job has ended."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finalized

    def abort(self, reason: str, grace: float) -> None:
        """The interpreter is exiting: stop the job as ``stop()`` does, and wait for it (bounded).

        The hosts get ``grace`` seconds between SIGTERM and SIGKILL (at most ``stop_timeout``);
        the outputs are then delivered like any stopped job's, for at most ``DELIVERY_TIMEOUT``
        more seconds. Only a job that cannot finish in that time is finalized by ``_abandon``.
        """
        with self._lock:
            if self._finalized:
                return
            self._grace = min(grace, self.stop_timeout)
            thread = self._thread
        self.stop(reason)
        self._terminate(self._processes)  # a stop already under way: shorten its grace
        if thread is not None:
            sys.stderr.write(
                f"sagemaker_lite: stopping local {self.kind} job {self.name} ({reason}); saving its outputs "
                f"(up to {self._grace + DELIVERY_TIMEOUT:.0f} s)\n"
            )
            thread.join(self._grace + DELIVERY_TIMEOUT)
        if not self.finalized:
            self._abandon(reason)

    def _abandon(self, reason: str) -> None:
        """The job did not end in time while the interpreter exits: record it Stopped anyway."""
        self.finalize("Stopped", f"{reason}; its outputs were not saved in time")

    # --- the end -------------------------------------------------------------------------

    def _main(self) -> None:
        """The supervisor thread: whatever happens, the job ends with a final status and reason."""
        try:
            self.run()
        except BaseException as exc:
            LOGGER.warning("local %s job %s could not be finished: %r", self.kind, self.name, exc)
            LOGGER.debug("local %s job %s", self.kind, self.name, exc_info=True)
            reason = f"InternalServerError: local mode could not finish the job: {exc!r}"[:1024]
            self.finalize("Failed", FailureReason=reason)
        finally:
            registry().discard_job(self)

    def run(self) -> None:
        """The job's work, on the supervisor thread; ends with ``finalize``."""
        raise NotImplementedError

    def finalize(self, status: str, message: str = "", **fields: Any) -> bool:
        """End the job once with ``status`` (later calls do nothing); False if it had already ended."""
        with self._lock:
            if self._finalized:
                return False
            self._end(status, message, fields)
            self._finalized = True
            self._persist()
        registry().discard_job(self)
        return True

    def _end(self, status: str, message: str, fields: dict[str, Any]) -> None:
        """Write the final status into the record (``message``: a status message, may be empty; ``fields``:
        what the kind's Describe* answer gains, such as ``FailureReason``)."""
        raise NotImplementedError


class OrchestratingJob(LocalJob):
    """A job that runs no host of its own but drives others (tuning's training jobs, transform's
    endpoint): its state is a few attributes, and a stop only sets an event its loop watches."""

    def __init__(self, *, name: str, arn: str, directory: Path) -> None:
        super().__init__(name=name, arn=arn, directory=directory, hosts=[])
        self.status = "InProgress"
        self.failure_reason: str | None = None
        self.created = utc_now()
        self.ended: datetime | None = None
        self._stop = threading.Event()

    def _stopping(self, reason: str) -> None:
        if self.status == "InProgress":
            self.status = "Stopping"

    def _wake(self) -> None:
        self._stop.set()

    def _end(self, status: str, message: str, fields: dict[str, Any]) -> None:
        self.status = status
        self.failure_reason = fields.get("FailureReason", self.failure_reason)
        self.ended = utc_now()


def _end_with_newline(path: Path) -> None:
    """Terminate a log's last line, so the logs client delivers it."""
    try:
        with open(path, "rb+") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")
    except OSError:
        pass


def joined(message: str, reason: str) -> str:
    return f"{message}: {reason}" if reason else message


def pid_meta() -> dict[str, Any]:
    """What a record needs so another process can tell a live job from one whose process died."""
    return {"pid": os.getpid()}


def utc_now() -> datetime:
    """The time the service would stamp a record with (UTC, aware)."""
    return datetime.now(timezone.utc)
