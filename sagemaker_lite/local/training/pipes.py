"""Pipe mode: a channel's files streamed through named pipes ``<channel>_<epoch>``.

SageMaker's contract, as scripts (and TensorFlow's ``PipeModeDataset``) rely on it:
``/opt/ml/input/data/<channel>_0`` exists when the script starts; every time the script
opens ``<channel>_N`` and reads to EOF it has seen the whole channel once (one epoch);
it then opens ``<channel>_{N+1}`` for the next epoch.

How it is fed here:

* A dispatcher thread waits for a reader on the newest FIFO (non-blocking open, so it
  can be told to stop). As soon as a reader opens ``<channel>_N`` it creates
  ``<channel>_{N+1}`` and hands ``_N`` to its own streaming thread. Epochs never wait
  for each other: Keras opens one pipe, reads a little (or nothing) and abandons it
  before its real epochs, and a feeder that waited for each pipe to drain would
  deadlock right there.
* A reader that closes early makes the next write fail with EPIPE: that epoch is
  recorded as abandoned and its thread ends.
* Bytes move with ``os.sendfile`` (file -> pipe, zero-copy in the kernel) where the OS
  allows it, else a ``readinto`` loop; the pipe buffer is enlarged with
  ``F_SETPIPE_SZ`` (up to ``/proc/sys/fs/pipe-max-size``) so each wake-up moves 1 MiB.
* ``ShuffleConfig`` reorders the files at every epoch, ``CompressionType: Gzip`` is
  decompressed on the fly and ``RecordWrapperType: RecordIO`` wraps each file in one
  RecordIO record, as SageMaker does.
* ``close()`` stops the dispatcher and removes every FIFO it created.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import logging
import os
import random
import stat
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LOGGER = logging.getLogger("sagemaker_lite.local")
PIPE_SIZE = 1 << 20
CHUNK = 1 << 20
RECORDIO_MAGIC = 0xCED7230A
_F_SETPIPE_SZ = 1031  # Linux fcntl.h; Python exposes it as fcntl.F_SETPIPE_SZ from 3.10
_NO_ZERO_COPY = frozenset(
    {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP), errno.ENOTSOCK}
)


@dataclass
class EpochStats:
    """What one ``<channel>_<epoch>`` pipe delivered."""

    epoch: int
    bytes_sent: int = 0
    state: str = "streaming"  # streaming | complete | abandoned | error


def _max_pipe_size() -> int:
    try:
        with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return PIPE_SIZE


def enlarge_pipe(fd: int, size: int = PIPE_SIZE) -> int:
    """Ask for a ``size``-byte pipe buffer (Linux); returns the size obtained, or 0 when not possible."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return 0
    wanted = min(size, _max_pipe_size())
    try:
        return int(fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), wanted))
    except OSError:  # EPERM: over the per-user pipe budget; EINVAL: not Linux
        return 0


def _blocking(fd: int) -> None:
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)


def write_all(fd: int, data: bytes | memoryview) -> int:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    return len(data)


def send_file(fd: int, path: Path, *, zero_copy: bool = True) -> tuple[int, bool]:
    """Copy ``path`` into the pipe ``fd``; returns (bytes sent, whether zero-copy still works).

    Raises ``BrokenPipeError`` when the reader has gone away.
    """
    sent_total = 0
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        if zero_copy:
            try:
                while sent_total < size:
                    sent = os.sendfile(fd, source.fileno(), sent_total, size - sent_total)
                    if sent == 0:
                        break
                    sent_total += sent
                return sent_total, True
            except OSError as exc:
                if exc.errno not in _NO_ZERO_COPY:
                    raise
                zero_copy = False
        source.seek(sent_total)
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while True:
            count = source.readinto(buffer)
            if not count:
                break
            sent_total += write_all(fd, view[:count])
    return sent_total, zero_copy


class PipeChannel:
    """Feeds one Pipe-mode channel of one host.

    ``PipeChannel(data_dir, "train", files).prepare()`` creates ``train_0`` (before the
    script starts), ``start()`` begins serving readers, ``close()`` ends it and removes
    the FIFOs.
    """

    def __init__(
        self,
        data_dir: Path,
        channel: str,
        files: Sequence[Path],
        *,
        shuffle_seed: int | None = None,
        record_wrapper: str = "None",
        gzip_compressed: bool = False,
        pipe_size: int = PIPE_SIZE,
    ) -> None:
        self.data_dir = data_dir
        self.channel = channel
        self.files = list(files)
        self.shuffle_seed = shuffle_seed
        self.recordio = record_wrapper == "RecordIO"
        self.gzip_compressed = gzip_compressed
        self.pipe_size = pipe_size
        self.epochs: list[EpochStats] = []
        self._zero_copy = True
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._created: list[Path] = []
        self._threads: list[threading.Thread] = []
        self._dispatcher: threading.Thread | None = None

    def path(self, epoch: int) -> Path:
        return self.data_dir / f"{self.channel}_{epoch}"

    def _mkfifo(self, epoch: int) -> Path:
        path = self.path(epoch)
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISFIFO(path.lstat().st_mode):
                path.unlink()
        if not path.exists():
            os.mkfifo(path, 0o600)
        with self._lock:
            self._created.append(path)
        return path

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._mkfifo(0)

    def start(self) -> None:
        self._dispatcher = threading.Thread(
            target=self._dispatch, name=f"sagemaker-lite-pipe-{self.channel}", daemon=True
        )
        self._dispatcher.start()

    def _wait_for_reader(self, path: Path) -> int | None:
        delay = 0.0005
        while not self._stop.is_set():
            try:
                return os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # no reader yet
                    self._stop.wait(delay)
                    delay = min(delay * 2, 0.01)
                    continue
                if exc.errno == errno.ENOENT:  # removed by close()
                    return None
                raise
        return None

    def _dispatch(self) -> None:
        epoch = 0
        try:
            while not self._stop.is_set():
                fd = self._wait_for_reader(self.path(epoch))
                if fd is None:
                    return
                if self._stop.is_set():
                    os.close(fd)
                    return
                self._mkfifo(epoch + 1)
                stats = EpochStats(epoch)
                thread = threading.Thread(
                    target=self._stream,
                    args=(fd, stats),
                    name=f"sagemaker-lite-pipe-{self.channel}-{epoch}",
                    daemon=True,
                )
                with self._lock:
                    self.epochs.append(stats)
                    self._threads.append(thread)
                thread.start()
                epoch += 1
        except Exception:  # pragma: no cover - logged; the script sees a pipe that never opens
            LOGGER.exception("pipe dispatcher for channel %s failed", self.channel)

    def _order(self, epoch: int) -> list[Path]:
        files = list(self.files)
        if self.shuffle_seed is not None:
            random.Random(self.shuffle_seed * 1_000_003 + epoch).shuffle(files)
        return files

    def _stream(self, fd: int, stats: EpochStats) -> None:
        try:
            _blocking(fd)
            enlarge_pipe(fd, self.pipe_size)
            for path in self._order(stats.epoch):
                stats.bytes_sent += self._send(fd, path)
            stats.state = "complete"
        except BrokenPipeError:
            stats.state = "abandoned"  # the reader closed early: an abandoned epoch, not an error
        except OSError as exc:
            stats.state = "error"
            LOGGER.warning("pipe %s_%d: %s", self.channel, stats.epoch, exc)
        finally:
            os.close(fd)

    def _send(self, fd: int, path: Path) -> int:
        if self.gzip_compressed:
            with gzip.open(path, "rb") as source:
                if not self.recordio:
                    total = 0
                    while chunk := source.read(CHUNK):
                        total += write_all(fd, chunk)
                    return total
                return self._write_record(fd, source.read())
        if self.recordio:
            size = path.stat().st_size
            header = _recordio_header(size)
            write_all(fd, header)
            sent, self._zero_copy = send_file(fd, path, zero_copy=self._zero_copy)
            return len(header) + sent + write_all(fd, b"\0" * _padding(size))
        sent, self._zero_copy = send_file(fd, path, zero_copy=self._zero_copy)
        return sent

    def _write_record(self, fd: int, payload: bytes) -> int:
        return write_all(fd, _recordio_header(len(payload)) + payload + b"\0" * _padding(len(payload)))

    def close(self, timeout: float = 2.0) -> None:
        """Stop serving and remove every FIFO created (streams end when their readers are gone)."""
        self._stop.set()
        with self._lock:
            created = list(self._created)
        for path in created:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout)
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


def _recordio_header(length: int) -> bytes:
    if length >= 1 << 29:
        raise OSError(errno.EFBIG, "a RecordIO record holds at most 512 MiB")
    return struct.pack("<II", RECORDIO_MAGIC, length)


def _padding(length: int) -> int:
    return (4 - length % 4) % 4
