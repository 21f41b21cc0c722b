"""Host processes: each simulated instance is one process group, and none outlives its job.

Why process groups: a training script forks (data loader workers, ``torchrun``, shell
pipelines), so stopping "the process" is not enough. Each host starts in its own session
(``start_new_session``), so ``os.killpg`` reaches every descendant that did not detach
itself, and a Ctrl-C typed at the terminal reaches our Python process only: what
happens to the job is then decided here, not by the terminal.

No orphans:

* when the host's main process exits, whatever it left running in its group is killed
  (a container stops everything when its main process ends) - the exit is observed with
  ``waitid(WNOWAIT)`` first, so the group id cannot have been reused when we signal it;
* ``terminate()`` sends SIGTERM to the group, then SIGKILL after a grace period;
* on Linux the command runs under a per-host reaper (reaper.py): a child subreaper with
  a parent-death signal, so even when this interpreter is SIGKILLed (the OOM killer)
  every descendant of the command is killed and the host's Pipe FIFOs are removed;
* every started host is registered with the interpreter's exit hooks (exit_hooks.py),
  which stop every live job when the interpreter ends, as ``StopTrainingJob`` does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .exit_hooks import registry

#: the per-host reaper (see reaper.py), run by file path with ``python -I -S``
REAPER = Path(__file__).with_name("reaper.py")


class HostProcess:
    """One host's main process, started in its own session, output appended to ``log_path``.

    ``launcher`` (an argv prefix) runs the command, e.g. entering the host's namespaces
    first; on Linux it runs under the reaper like any command.

    ``start()`` must be called from the thread that then calls ``wait()``: on Linux the
    kernel's parent-death signal is tied to the thread that forked the child.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log_path: Path,
        on_kill: Callable[[], None] | None = None,
        fifo_dir: Path | None = None,
        launcher: Sequence[str] | None = None,
    ) -> None:
        self.name = name
        self.launcher = list(launcher) if launcher is not None else None
        self.argv = list(argv)
        self.cwd = cwd
        self.env = dict(env)
        self.log_path = log_path
        self.on_kill = on_kill
        self.fifo_dir = fifo_dir
        self.reaped_by_reaper = False
        self.returncode: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._reaped = False
        self._exited = threading.Event()
        self.terminated = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> bool:
        """Start the process; False (and nothing started) when ``terminate()`` came first."""
        argv = self.argv
        if self.launcher is not None:  # e.g. entering the host's container, under the reaper
            argv = [*self.launcher, *argv]
        if sys.platform.startswith("linux") and os.path.isabs(argv[0]):
            fifos = str(self.fifo_dir or "")
            argv = [sys.executable, "-I", "-S", str(REAPER), str(os.getpid()), fifos, "--", *argv]
            self.reaped_by_reaper = True
        with self._lock:
            if self.terminated:
                self.returncode = -signal.SIGTERM
                self._exited.set()
                return False
            with open(self.log_path, "ab", buffering=0) as log:
                self._proc = subprocess.Popen(
                    argv,
                    cwd=self.cwd,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    close_fds=True,
                )
        registry().add_process(self)
        return True

    def wait(self) -> int:
        """Block until the main process exits; kill what it left in its group; return its exit code."""
        proc = self._proc
        assert proc is not None, "start() first"
        waitid = getattr(os, "waitid", None)
        if waitid is not None:
            with contextlib.suppress(ChildProcessError):  # reaped elsewhere (SIGCHLD ignored)
                waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        else:  # pragma: no cover - macOS: reap first (the group id cannot be pinned there)
            proc.wait()
        with self._lock:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            self.returncode = proc.wait()
            self._reaped = True
        self._exited.set()
        registry().discard_process(self)
        return self.returncode

    def signal_group(self, sig: int) -> bool:
        """Signal the whole group while it still exists (never a reused id); True if sent."""
        with self._lock:
            if self._proc is None or self._reaped:
                return False
            try:
                os.killpg(self._proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                return False
            return True

    def _signal_main(self, sig: int) -> bool:
        """Signal the main process alone while it is unreaped (its pid cannot have been reused)."""
        with self._lock:
            if self._proc is None or self._reaped:
                return False
            try:
                os.kill(self._proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                return False
            return True

    def terminate(self, grace: float) -> None:
        """SIGTERM to the group; SIGKILL if it is still there after ``grace`` seconds."""
        with self._lock:
            self.terminated = True
            if self._proc is None:
                return
        self.signal_group(signal.SIGTERM)
        if not self._exited.wait(max(grace, 0.0)):
            if self.reaped_by_reaper and self._signal_main(signal.SIGUSR1):  # the reaper kills every descendant
                self._exited.wait(2.0)
            self.signal_group(signal.SIGKILL)
            if self.on_kill is not None:
                with contextlib.suppress(Exception):
                    self.on_kill()
            self._exited.wait(5.0)

    def exited(self, timeout: float | None = None) -> bool:
        return self._exited.wait(timeout)
