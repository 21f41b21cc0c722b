"""Pipe-mode throughput: a 2 GB channel read through ``<channel>_0`` vs a raw FIFO pump.

Why: Pipe mode exists for throughput; local Pipe mode must not be the bottleneck of a
script that is being tuned for it. Goal: >= 0.8x the best raw FIFO pump measured in the
same run on the same file.

The reader is the same plain Python loop everywhere (``f.read(1 MiB)`` until EOF, timed
from ``open()`` returning to EOF, in its own process):

* **pipe mode** - a local training job with the file as a Pipe channel; the script is the
  reader, fed by the local feeder thread (``sendfile`` + 1 MiB pipe buffer);
* **raw pump, default pipe** - a second process copies the file into a FIFO with
  ``read``/``write`` of 1 MiB (the kernel's default 64 KiB pipe buffer);
* **raw pump, 1 MiB pipe** - the same, after ``F_SETPIPE_SZ`` to 1 MiB.

Runs alternate between the three so drift hits all equally; medians are reported. The
2 GB file is created in a temporary directory (and read once to warm the page cache, so
the disk is not what is measured) and deleted at the end.

Usage::

    python benchmarks/bench_local_pipe.py [--size-gb 2] [--runs 5] [--output benchmarks/results/local_pipe.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "local_pipe.md"
sys.path.insert(0, str(REPO_ROOT))

READER = """
import json, os, sys, time
path, result = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    start = time.perf_counter()
    total = 0
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
    elapsed = time.perf_counter() - start
open(result, "w").write(json.dumps({"bytes": total, "seconds": elapsed}))
"""

PUMP = """
import fcntl, os, sys
source, fifo, pipe_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = os.open(fifo, os.O_WRONLY)
if pipe_size:
    fcntl.fcntl(out, getattr(fcntl, "F_SETPIPE_SZ", 1031), pipe_size)
buffer = bytearray(1 << 20)
view = memoryview(buffer)
with open(source, "rb", buffering=0) as f:
    while True:
        n = f.readinto(buffer)
        if not n:
            break
        sent = 0
        while sent < n:
            sent += os.write(out, view[sent:n])
os.close(out)
"""


def make_file(path: Path, size: int) -> None:
    block = os.urandom(64 << 20)
    with open(path, "wb") as handle:
        written = 0
        while written < size:
            part = block[: min(len(block), size - written)]
            handle.write(part)
            written += len(part)
    with open(path, "rb") as handle:  # warm the page cache
        while handle.read(64 << 20):
            pass


def raw_pump(source: Path, workdir: Path, pipe_size: int) -> float:
    fifo = workdir / "raw.fifo"
    result = workdir / "raw.json"
    os.mkfifo(fifo)
    try:
        pump = subprocess.Popen([sys.executable, "-c", PUMP, str(source), str(fifo), str(pipe_size)])
        subprocess.run([sys.executable, "-c", READER, str(fifo), str(result)], check=True)
        pump.wait(60)
    finally:
        fifo.unlink()
    data = json.loads(result.read_text())
    assert data["bytes"] == source.stat().st_size, data
    return float(data["bytes"] / data["seconds"])


def pipe_mode(source_dir: Path, size: int, workdir: Path, index: int) -> float:
    from sagemaker_lite.local import LocalSageMakerClient

    code = workdir / "code"
    code.mkdir(exist_ok=True)
    reader = textwrap.dedent(
        """
        import os, sys
        sys.argv = [sys.argv[0], os.environ["SM_INPUT_DIR"] + "/data/train_0", os.environ["RESULT_FILE"]]
        """
    )
    (code / "train.py").write_text(reader + READER)
    result = workdir / f"pipe-{index}.json"
    client = LocalSageMakerClient(root=workdir / "root")
    name = f"pipe-bench-{index}"
    client.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "local-script", "TrainingInputMode": "Pipe"},
        OutputDataConfig={"S3OutputPath": f"file://{workdir / 'out'}"},
        ResourceConfig={"InstanceType": "local", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
        InputDataConfig=[
            {
                "ChannelName": "train",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"file://{source_dir}"}},
            }
        ],
        Environment={"RESULT_FILE": str(result)},
    )
    while client.describe_training_job(TrainingJobName=name)["TrainingJobStatus"] == "InProgress":
        time.sleep(0.05)
    status = client.describe_training_job(TrainingJobName=name)
    assert status["TrainingJobStatus"] == "Completed", status.get("FailureReason")
    data = json.loads(result.read_text())
    assert data["bytes"] == size, data
    return float(data["bytes"] / data["seconds"])


def machine() -> list[str]:
    try:
        pipe_max = Path("/proc/sys/fs/pipe-max-size").read_text().strip()
    except OSError:
        pipe_max = "n/a"
    return [
        f"- date (UTC): {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
        f"- platform: {platform.platform()}",
        f"- CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs",
        f"- Python: {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"- /proc/sys/fs/pipe-max-size: {pipe_max}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    size = int(args.size_gb * (1 << 30))
    results: dict[str, list[float]] = {"pipe mode": [], "raw pump, default pipe": [], "raw pump, 1 MiB pipe": []}
    with tempfile.TemporaryDirectory(prefix="sagemaker-lite-pipe-") as tmp:
        workdir = Path(tmp)
        source_dir = workdir / "channel"
        source_dir.mkdir()
        source = source_dir / "data.bin"
        make_file(source, size)
        for index in range(args.runs):
            results["raw pump, default pipe"].append(raw_pump(source, workdir, 0))
            results["pipe mode"].append(pipe_mode(source_dir, size, workdir, index))
            results["raw pump, 1 MiB pipe"].append(raw_pump(source, workdir, 1 << 20))
    medians = {label: statistics.median(values) for label, values in results.items()}
    best_raw = max(medians["raw pump, default pipe"], medians["raw pump, 1 MiB pipe"])
    gbps = lambda rate: f"{rate / 1e9:.2f}"  # noqa: E731
    lines = [
        "# Local Pipe mode throughput",
        "",
        f"A {args.size_gb:g} GiB channel read by a plain Python reader (`f.read(1 MiB)` to EOF), {args.runs} "
        "alternating runs each; GB/s = 10^9 bytes per second, medians. Goal: pipe mode >= 0.8x the best raw pump.",
        "",
        "| feeder | median GB/s | min GB/s | max GB/s | vs best raw pump |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, values in results.items():
        lines.append(
            f"| {label} | {gbps(medians[label])} | {gbps(min(values))} | {gbps(max(values))} | "
            f"{medians[label] / best_raw:.2f}x |"
        )
    lines += ["", "## Machine", "", *machine(), ""]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
