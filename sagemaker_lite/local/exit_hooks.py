"""The interpreter's exit hooks: no local job outlives the Python process that runs it.

    registry().add_job(job)      # LocalJob.start() and LocalEndpoint do this; installs the hooks once

``atexit`` and chained SIGTERM/SIGHUP handlers (installed on first use, from the main thread
only) stop every live job when the interpreter ends - as ``StopTrainingJob`` does, so the
model and checkpoints are still delivered (SageMaker saves them too) - and then kill any
host process (processes.py) still registered.

A signal handler runs in the main thread between two bytecodes of whatever it interrupted,
which may hold a lock the stop needs (``describe()`` copies a job's record under the job's
lock many times a second while ``fit()`` waits). So the handler does not stop the jobs
itself: it starts a thread that does, and raises ``SignalExit`` (a ``SystemExit``) in the
main thread, whose unwinding releases those locks and runs the program's ``finally``
blocks. The atexit hook then waits for that thread (bounded) and ends the process with the
signal it got, so its parent still sees "killed by SIGTERM". Should the program swallow
the exception and still be running ``UNWIND_TIMEOUT`` seconds after the jobs are stopped,
the thread signals the process again and the handler ends it then. A program with its own
handler keeps it: the jobs are stopped in the background and its handler is called, at
every signal. When nothing of ours is live (no job, no host, no stop under way) the signal
does exactly what it did before these hooks; a forked child (a multiprocessing or data
loader worker) gets none of its parent's jobs and the program's own signal dispositions,
from the fork on (``os.register_at_fork``; ``_before_fork`` says why from the fork on).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from .processes import HostProcess

#: the most an exiting interpreter waits for its jobs after the hosts' grace period: each job
#: bounds its own wait (``lifecycle.DELIVERY_TIMEOUT`` for a stopped job's outputs)
SHUTDOWN_TIMEOUT = 130.0
#: after a terminating signal, how long the program may go on unwinding (its ``finally`` blocks)
#: once the jobs are stopped, before the process is ended with the signal anyway
UNWIND_TIMEOUT = 10.0


class Stoppable(Protocol):
    def abort(self, reason: str, grace: float) -> None: ...


class SignalExit(SystemExit):
    """SIGTERM/SIGHUP reached a program that has no handler of its own (see the module docstring).

    Exit code 128 + the signal, as a shell reports it, should the process end without the
    exit hook; normally the hook ends it with the signal itself once the jobs are stopped.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


class _Registry:
    """Live jobs and processes of this interpreter, so none outlives it."""

    def __init__(self) -> None:
        self._hooks_installed = False
        self._previous: dict[int, Any] = {}
        self._swapped_for_fork = False
        self._forget()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(
                before=self._before_fork, after_in_parent=self._after_fork_in_parent, after_in_child=self._in_child
            )

    def _before_fork(self) -> None:
        """Give the child the program's own signal dispositions from its first instruction.

        CPython drops a signal that reaches a new child before its after-fork hooks run
        (its pending flags are cleared there), so a SIGTERM sent right after ``fork()`` - a
        multiprocessing worker ``terminate()``d at once - would be lost if our Python-level
        handler were inherited. For the fork itself the program's dispositions are back (only
        possible from the main thread); the parent gets ours again right after.
        """
        self._swapped_for_fork = False
        if not self._previous or threading.current_thread() is not threading.main_thread():
            return
        with contextlib.suppress(ValueError, OSError):
            for sig, previous in self._previous.items():
                signal.signal(sig, previous)
            self._swapped_for_fork = True

    def _after_fork_in_parent(self) -> None:
        if self._swapped_for_fork:
            with contextlib.suppress(ValueError, OSError):
                for sig in self._previous:
                    signal.signal(sig, self._on_signal)
        self._swapped_for_fork = False

    def _in_child(self) -> None:
        """A forked child: none of its parent's jobs; its signals do what the program made them do."""
        if not self._swapped_for_fork and threading.current_thread() is threading.main_thread():
            with contextlib.suppress(ValueError, OSError):
                for sig, previous in self._previous.items():
                    signal.signal(sig, previous)
        self._swapped_for_fork = False
        self._hooks_installed = False
        self._previous = {}
        self._forget()

    def _forget(self) -> None:
        """A new process's state: none of its parent's jobs, hosts or stop (run in a forked child too)."""
        #: the process these jobs belong to: a signal can reach a forked child before this runs there
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._jobs: set[Stoppable] = set()
        self._processes: set[HostProcess] = set()
        #: the thread stopping the jobs after a signal, whether it is done, and the signal to die of
        self._stopper: threading.Thread | None = None
        self._stopped = threading.Event()
        self._fatal_signal: int | None = None
        #: set when the atexit hook starts: a signal then must not raise into it
        self._exit_started = threading.Event()

    def add_job(self, job: Stoppable) -> None:
        with self._lock:
            self._jobs.add(job)
        self.install_hooks()

    def discard_job(self, job: Stoppable) -> None:
        with self._lock:
            self._jobs.discard(job)

    def add_process(self, process: HostProcess) -> None:
        with self._lock:
            self._processes.add(process)

    def discard_process(self, process: HostProcess) -> None:
        with self._lock:
            self._processes.discard(process)

    def install_hooks(self) -> None:
        """atexit always; SIGTERM/SIGHUP chained, only from the main thread and only once."""
        with self._lock:
            if self._hooks_installed:
                return
            self._hooks_installed = True
        atexit.register(self._at_exit)
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is None:
                continue
            with contextlib.suppress(ValueError, OSError):
                previous = signal.getsignal(sig)
                if previous is signal.SIG_IGN:
                    continue
                self._previous[sig] = previous
                signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Stop the jobs on another thread; then the program's handler, or ``SignalExit``.

        Takes no lock: the code this interrupted may hold any of them (module docstring).
        """
        previous = self._previous.get(signum, signal.SIG_DFL)
        fatal = not callable(previous)
        stopping = self._stopper is not None and not self._stopped.is_set()
        ours = os.getpid() == self._pid
        if not ours or not (self._jobs or self._processes or stopping or self._fatal_signal):
            if fatal:  # nothing of ours to stop: what the signal did before us
                _die_of(signum)
            previous(signum, frame)
            return
        first_fatal = fatal and self._fatal_signal is None
        if first_fatal:
            self._fatal_signal = signum
        exiting = self._exit_started.is_set()
        if not stopping and not exiting and (self._jobs or self._processes):
            reason = f"the Python process that ran this job received signal {signum}"
            self._stopped.clear()
            self._stopper = threading.Thread(target=self._stop_all, args=(reason,), name="sagemaker-lite-exit")
            self._stopper.daemon = True
            self._stopper.start()
        if not fatal:
            previous(signum, frame)
        elif exiting:
            return  # the exit hook is stopping the jobs; it then dies of the signal
        elif first_fatal:
            raise SignalExit(signum)
        elif self._stopped.is_set() or self._stopper is None:
            _die_of(self._fatal_signal or signum)  # SignalExit was swallowed, and the jobs are stopped
        # else: a repeated signal while the jobs are being stopped; the stop ends the process

    def _stop_all(self, reason: str) -> None:
        """The stopping thread: stop every job; wake the main thread should it still not have exited."""
        try:
            self.shutdown(reason)
        finally:
            self._stopped.set()
            fatal = self._fatal_signal
            if fatal is not None and not self._exit_started.wait(UNWIND_TIMEOUT):
                os.kill(os.getpid(), fatal)

    def _at_exit(self) -> None:
        """atexit: stop every job (or wait for the stop a signal began); after a signal, die of it.

        A signal that arrives while this runs does not raise into it: the jobs are stopped as
        they were going to be, and then the process dies of the signal.
        """
        if os.getpid() != self._pid:
            return  # a forked child (where fork hooks do not exist): its parent's jobs are not its own
        self._exit_started.set()
        stopper = self._stopper
        if stopper is not None:
            stopper.join(2.0 + SHUTDOWN_TIMEOUT + 5.0)
        if self._fatal_signal is None:
            self.shutdown("the Python process that ran this job exited")
        if self._fatal_signal is not None:
            _die_of(self._fatal_signal)

    def shutdown(self, reason: str, grace: float = 2.0) -> None:
        """Stop every live job (SIGTERM, then SIGKILL after ``grace``) and any stray process."""
        with self._lock:
            jobs = list(self._jobs)
        threads = [threading.Thread(target=job.abort, args=(reason, grace), daemon=True) for job in jobs]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + grace + SHUTDOWN_TIMEOUT
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            processes = list(self._processes)
        for process in processes:
            process.signal_group(signal.SIGKILL)


def _die_of(signum: int) -> None:
    """End this process with ``signum``'s default action, so its parent sees the signal (main thread only)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    time.sleep(1.0)  # the default action ends the process before this returns; should it not:
    os._exit(128 + signum)


_registry = _Registry()


def registry() -> _Registry:
    return _registry
