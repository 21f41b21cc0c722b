"""A stand-in for ``sagemaker_tensorflow.PipeModeDataset`` (see ../README.md for how faithful it is)."""

from __future__ import annotations

import fcntl
import json
import os
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

import tensorflow as tf

RECORDIO_MAGIC = 0xCED7230A


class PipeModeDatasetException(Exception):
    """An error using a PipeModeDataset."""


def _next_pipe_index(state_dir: str, channel: str) -> int:
    """Read and increment ``.<channel>-pipe_mode-state`` under the flock of the lock file."""
    lock_path = os.path.join(state_dir, f".{channel}-pipe_mode-lock")
    state_path = os.path.join(state_dir, f".{channel}-pipe_mode-state")
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            index = 0
            if os.path.exists(state_path):
                with open(state_path) as state:
                    index = int(state.read() or 0)
            with open(state_path, "w") as state:
                state.write(str(index + 1))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return index


def _exactly(pipe: BinaryIO, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = pipe.read(size - len(data))
        if not chunk:
            if data:
                raise RuntimeError(f"truncated record: {len(data)} of {size} bytes")
            return None
        data += chunk
    return data


def _tfrecords(pipe: BinaryIO) -> Iterator[bytes]:
    while True:
        header = _exactly(pipe, 12)
        if header is None:
            return
        (length,) = struct.unpack("<Q", header[:8])
        record = _exactly(pipe, length + 4) or b""
        yield record[:length]


def _recordio(pipe: BinaryIO) -> Iterator[bytes]:
    parts: list[bytes] = []
    while True:
        header = _exactly(pipe, 8)
        if header is None:
            return
        magic, word = struct.unpack("<II", header)
        if magic != RECORDIO_MAGIC:
            raise RuntimeError(f"invalid RecordIO magic number {magic:#x}")
        flag, length = word >> 29, word & ((1 << 29) - 1)
        payload = _exactly(pipe, (length + 3) & ~3) or b""
        parts.append(payload[:length])
        if flag in (0, 3):  # a whole record, or the last part of one
            yield b"".join(parts)
            parts = []


def _lines(pipe: BinaryIO) -> Iterator[bytes]:
    for line in pipe:
        yield line.rstrip(b"\n")


READERS = {"TFRecord": _tfrecords, "RecordIO": _recordio, "TextLine": _lines}


def PipeModeDataset(  # the package's class name: a function returning the dataset
    channel: str,
    record_format: str = "RecordIO",
    state_dir: str = "/opt/ml/pipe_state",
    pipe_dir: str = "/opt/ml/input/data",
    config_dir: str = "/opt/ml/input/config",
    benchmark: bool = False,
) -> Any:
    """A dataset of the records of SageMaker Pipe-mode channel ``channel``; each iteration reads the next pipe."""
    if record_format not in READERS:
        raise ValueError("Invalid record format: " + record_format)
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(config_dir, "inputdataconfig.json")) as handle:
        config = json.load(handle)
    if channel not in config:
        raise PipeModeDatasetException(f"Channel {channel} not found in Training Job InputDataConfig")
    if config[channel].get("TrainingInputMode", "").lower() != "pipe":
        raise PipeModeDatasetException(f"Channel {channel} is not a PipeMode channel")
    reader = READERS[record_format]

    def records() -> Iterator[bytes]:
        index = _next_pipe_index(state_dir, channel)
        with open(os.path.join(pipe_dir, f"{channel}_{index}"), "rb") as pipe:
            yield from reader(pipe)

    return tf.data.Dataset.from_generator(records, output_signature=tf.TensorSpec(shape=(), dtype=tf.string))
