"""Pipe mode: FIFOs <channel>_<epoch>, several epochs, abandoned pipes, RecordIO/Gzip/shuffle, cleanup."""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

import pytest
from local_helpers import fifos_under, file_channel, job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient
from sagemaker_lite.local.training.pipes import PipeChannel

pytestmark = pytest.mark.local

EPOCHS_SCRIPT = """
import stat
data = os.environ["SM_INPUT_DIR"] + "/data"
expected = open(os.environ["EXPECTED_BYTES"], "rb").read()
check(os.environ["SM_CHANNEL_TRAIN"] == data + "/train", os.environ["SM_CHANNEL_TRAIN"])
check(not os.path.exists(data + "/train"), "no train directory in Pipe mode")
check(stat.S_ISFIFO(os.stat(data + "/train_0").st_mode), "train_0 is a FIFO when the script starts")
config = json.load(open(os.environ["SM_INPUT_CONFIG_DIR"] + "/inputdataconfig.json"))
check(config["train"]["TrainingInputMode"] == "Pipe", config)
check(config["eval"]["TrainingInputMode"] == "File", config)
check(os.listdir(os.environ["SM_CHANNEL_EVAL"]) == ["e.txt"], "a File channel beside a Pipe one")

# Keras-style: open the first pipe while building the model, peek at it, and never read on or close it
# (the next pipe exists before the first byte of this one can be read) ...
held = open(data + "/train_0", "rb")
check(held.read(1) == expected[:1], "peek")
# ... then read a little of the next one and abandon it
with open(data + "/train_1", "rb") as pipe:
    check(pipe.read(100) == expected[:100], "partial epoch starts at the beginning")
for epoch in (2, 3, 4):
    with open(data + "/train_%d" % epoch, "rb") as pipe:
        chunks = []
        while True:
            chunk = pipe.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
    got = b"".join(chunks)
    check(got == expected, ("epoch", epoch, len(got), len(expected)))
    print("epoch", epoch, "bytes", len(got), flush=True)
check(os.path.exists(data + "/train_5"), "the next epoch's pipe is ready")
held.close()
"""


def make_files(directory: Path, sizes: dict[str, int]) -> bytes:
    directory.mkdir(parents=True, exist_ok=True)
    everything = b""
    for name in sorted(sizes):
        content = (name.encode() * (sizes[name] // len(name) + 1))[: sizes[name]]
        (directory / name).write_bytes(content)
        everything += content
    return everything


def test_pipe_mode_epochs_with_abandoned_pipes(
    client: LocalSageMakerClient, local_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = make_files(tmp_path / "train", {"a.bin": 1_500_000, "b.bin": 700_000, "c.bin": 3})
    (tmp_path / "expected").write_bytes(expected)
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "e.txt").write_text("e")
    monkeypatch.setenv("EXPECTED_BYTES", str(tmp_path / "expected"))
    code = write_code(tmp_path / "code", EPOCHS_SCRIPT)
    request = training_request(
        "pipe-1",
        code,
        output=f"file://{tmp_path / 'out'}",
        input_mode="Pipe",
        channels=[file_channel("train", tmp_path / "train"), file_channel("eval", tmp_path / "eval", mode="File")],
    )
    client.create_training_job(**request)
    description = wait_for(client, "pipe-1", timeout=60)
    logs = job_logs(local_root, "pipe-1")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "epoch 4 bytes 2200003" in logs
    assert fifos_under(local_root / "jobs" / "pipe-1") == []


def test_recordio_gzip_and_shuffle(client: LocalSageMakerClient, local_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "records"
    source.mkdir()
    for index in range(5):
        with gzip.open(source / f"part-{index}.gz", "wb") as handle:
            handle.write(b"record-%d" % index * (index + 1))
    code = write_code(
        tmp_path / "code",
        """
        import struct
        orders = []
        for epoch in range(3):
            with open(os.environ["SM_INPUT_DIR"] + "/data/recs_%d" % epoch, "rb") as pipe:
                payload = pipe.read()
            records, pos = [], 0
            while pos < len(payload):
                magic, length = struct.unpack("<II", payload[pos:pos + 8])
                check(magic == 0xCED7230A, "RecordIO magic")
                records.append(payload[pos + 8:pos + 8 + length])
                pos += 8 + length + (4 - length % 4) % 4
            check(sorted(records) == sorted(b"record-%d" % i * (i + 1) for i in range(5)), records)
            orders.append([r[:8] for r in records])
        check(len({tuple(o) for o in orders}) > 1, ("shuffled differently per epoch", orders))
        """,
    )
    channel = file_channel(
        "recs",
        source,
        mode="Pipe",
        RecordWrapperType="RecordIO",
        CompressionType="Gzip",
        ShuffleConfig={"Seed": 7},
    )
    client.create_training_job(
        **training_request("pipe-rec", code, output=f"file://{tmp_path}/out", channels=[channel])
    )
    description = wait_for(client, "pipe-rec")
    assert description["TrainingJobStatus"] == "Completed", job_logs(local_root, "pipe-rec")


def test_pipe_channel_survives_a_reader_that_never_opens(tmp_path: Path) -> None:
    """No reader at all: close() still returns promptly and removes the FIFO."""
    (tmp_path / "f").write_bytes(b"x" * 10)
    pipe = PipeChannel(tmp_path / "data", "c", [tmp_path / "f"])
    pipe.prepare()
    pipe.start()
    assert (tmp_path / "data" / "c_0").exists()
    pipe.close(timeout=1.0)
    assert not (tmp_path / "data" / "c_0").exists()


def test_pipe_channel_serves_concurrent_epochs(tmp_path: Path) -> None:
    """Epoch 1 is read to the end while epoch 0 is held open, its feeder blocked on a full pipe."""
    payload = os.urandom(3 << 20)
    (tmp_path / "f").write_bytes(payload)
    pipe = PipeChannel(tmp_path / "data", "c", [tmp_path / "f"])
    pipe.prepare()
    pipe.start()
    try:
        first = open(tmp_path / "data" / "c_0", "rb")  # noqa: SIM115 - held open on purpose
        assert first.read(1) == payload[:1]  # once a byte has arrived, c_1 exists
        assert (tmp_path / "data" / "c_1").exists()
        result: list[bytes] = []
        reader = threading.Thread(target=lambda: result.append((tmp_path / "data" / "c_1").read_bytes()))
        reader.start()
        reader.join(10)
        assert result == [payload]
        first.close()
    finally:
        pipe.close()
    assert [e.state for e in pipe.epochs[:2]] in (["abandoned", "complete"], ["complete", "complete"])
    assert fifos_under(tmp_path / "data") == []


@pytest.mark.parametrize("zero_copy", [True, False], ids=["sendfile", "read-write"])
def test_send_file_both_paths(tmp_path: Path, zero_copy: bool) -> None:
    from sagemaker_lite.local.training.pipes import enlarge_pipe, send_file

    payload = os.urandom(300_000)
    (tmp_path / "f").write_bytes(payload)
    read_end, write_end = os.pipe()
    try:
        assert enlarge_pipe(write_end, 1 << 20) in (0, 1 << 20)  # 0 where the OS refuses
        received: list[bytes] = []

        def drain() -> None:
            with open(read_end, "rb", closefd=False) as reader:
                received.append(reader.read())

        thread = threading.Thread(target=drain)
        thread.start()
        sent, _ = send_file(write_end, tmp_path / "f", zero_copy=zero_copy)
        os.close(write_end)
        write_end = -1
        thread.join(10)
        assert sent == len(payload) and received == [payload]
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
