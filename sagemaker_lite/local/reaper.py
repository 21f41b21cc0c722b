"""The first process of every local host on Linux: no process of the host outlives its job.

Run by ``HostProcess`` as ``python -I -S reaper.py <parent pid> <fifo dir> -- <command...>``
(a file, not ``-m``: it must not import sagemaker_lite or anything outside the stdlib).

Why a process of its own: the kernel's parent-death signal (``PR_SET_PDEATHSIG``) only
reaches the process that asked for it, so a training script's own children (data loader
workers, ``torchrun`` ranks, a ``setsid`` daemon) used to survive a ``kill -9`` of the
Python process running ``fit()``, the OOM killer's way. This reaper

* asks for SIGUSR2 when its parent dies, and makes itself a *child subreaper*
  (``PR_SET_CHILD_SUBREAPER``), so every descendant of the command, even one that
  started a new session, stays its descendant;
* forks the command (same process group: ``killpg`` of the host still reaches it) and
  reaps every descendant that is handed to it;
* when the command exits, kills whatever it left behind (a container ends with its main
  process) and exits with the command's status, re-raising its signal if it died of one;
* when its parent dies, kills every descendant with SIGKILL, removes the host's Pipe
  FIFOs, and exits;
* on SIGUSR1 (``HostProcess.terminate`` after the grace period) kills every descendant
  the same way, so a group SIGKILL cannot leave a ``setsid`` descendant running.

It needs no namespaces; where a pid namespace exists it is simply one more guarantee.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import stat
import sys
import time
from types import FrameType

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PARENT_GONE = signal.SIGUSR2
KILL_ALL = signal.SIGUSR1


def _prctl(option: int, value: int) -> bool:
    try:
        return int(ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, list[int]]:
    """parent pid -> its children's pids, for every process that is not a zombie."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[0] in (b"Z", b"X"):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def descendants(root: int) -> list[int]:
    """Live descendants of ``root`` (children first)."""
    children = _parents()
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _reap(block: bool) -> list[tuple[int, int]]:
    reaped: list[tuple[int, int]] = []
    while True:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid == 0:
            return reaped
        reaped.append((pid, status))


def kill_descendants() -> None:
    """SIGKILL every descendant until none is left, then reap them all."""
    me = os.getpid()
    for _ in range(1000):  # a fork bomb cannot keep this loop going forever
        alive = descendants(me)
        if not alive:
            break
        for pid in alive:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _reap(block=False)
        time.sleep(0.005)
    _reap(block=True)


def remove_fifos(directory: str) -> None:
    """Remove the named pipes (Pipe-mode channels) directly in ``directory``."""
    if not directory:
        return
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        path = os.path.join(directory, name)
        try:
            if stat.S_ISFIFO(os.lstat(path).st_mode):
                os.unlink(path)
        except OSError:
            pass


def main(argv: list[str]) -> int:
    parent, fifo_dir = int(argv[1]), argv[2]
    command = argv[4:]

    def parent_gone(signum: int = 0, frame: FrameType | None = None) -> None:
        kill_descendants()
        remove_fifos(fifo_dir)
        os._exit(137)

    def kill_all(signum: int, frame: FrameType | None) -> None:
        kill_descendants()
        os._exit(137)

    def ignore(signum: int, frame: FrameType | None) -> None:
        """SIGTERM/SIGINT/SIGHUP reach the whole group: the command decides what they mean."""

    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(PARENT_GONE, parent_gone)
    signal.signal(KILL_ALL, kill_all)
    for forwarded in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(forwarded, ignore)
    _prctl(PR_SET_PDEATHSIG, PARENT_GONE)
    if os.getppid() != parent:  # it died before we asked
        parent_gone()
    child = os.fork()
    if child == 0:
        for inherited in (PARENT_GONE, KILL_ALL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(inherited, signal.SIG_DFL)
        if hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        try:
            os.execv(command[0], command)
        except OSError as exc:
            os.write(2, f"could not start {command[0]}: {exc}\n".encode())
        os._exit(127)
    status = None
    while status is None:  # reap whatever is handed to us until the command itself exits
        try:
            pid, code = os.waitpid(-1, 0)
        except ChildProcessError:  # pragma: no cover - nothing left to wait for
            break
        if pid == child:
            status = code
    kill_descendants()
    if status is None:  # pragma: no cover
        return 127
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        return 128 + sig  # pragma: no cover - SIGSTOP-like signals only
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
