"""Local mode start-up latency: ``fit()`` called -> the training script's first line runs.

Why: local mode is for iterating on a script; if every ``fit()`` costs seconds before the
script even starts, people stop using it. Goal: median <= 0.5 s; with per-host containers
(namespaces, the default on Linux) median <= 150 ms warm. Both are measured side by side:
with namespaces, and with the relocation fallback (``SAGEMAKER_LITE_NAMESPACES=off``).

Each run builds an ``Estimator(instance_type="local")`` over a ``LocalSession``, notes
``time.time()``, calls ``fit(wait=False)`` with a ``file://`` channel, and the script's
first statement writes its own ``time.time()``; the difference is the latency (same
clock, same machine). The first run of the process is reported apart ("cold": it also
loads botocore's SageMaker service model for request validation); the others are
"warm". For scale, the same interpreter's bare start-up (``python -c pass``, which the
script's start-up includes) is measured in the same run.

Usage::

    python benchmarks/bench_local_latency.py [--runs 15] [--output benchmarks/results/local_latency.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / "results" / "local_latency.md"
sys.path.insert(0, str(REPO_ROOT))

SCRIPT = """import time, os
open(os.environ["STAMP_FILE"], "w").write(repr(time.time()))
"""


def interpreter_startup(runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(runs: int, workdir: Path, namespaces: bool = True) -> tuple[float, list[float], list[float]]:
    """(cold latency, warm latencies, warm create_training_job durations)."""
    import os

    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite.local import LocalSession

    os.environ["SAGEMAKER_LITE_NAMESPACES"] = "auto" if namespaces else "off"
    code = workdir / "code"
    code.mkdir(parents=True)
    (code / "train.py").write_text(SCRIPT)
    data = workdir / "data"
    data.mkdir()
    (data / "train.csv").write_text("1,2,3\n")
    session = LocalSession(root=workdir / "root")
    latencies: list[float] = []
    creates: list[float] = []
    for index in range(runs + 1):
        stamp = workdir / f"stamp-{index}"
        est = Estimator(
            "local-script",
            None,
            1,
            "local",
            sagemaker_session=session,
            output_path=f"file://{workdir / 'out'}",
            environment={"STAMP_FILE": str(stamp)},
            hyperparameters={"sagemaker_program": "train.py", "sagemaker_submit_directory": f"file://{code}"},
        )
        started = time.time()
        est.fit({"train": f"file://{data}"}, wait=False, job_name=f"latency-{index}")
        creates.append(time.time() - started)
        deadline = time.monotonic() + 30
        while not (stamp.exists() and stamp.stat().st_size):
            if time.monotonic() > deadline:
                raise RuntimeError(f"run {index}: the script did not start")
            time.sleep(0.001)
        latencies.append(float(stamp.read_text()) - started)
        est.latest_training_job.wait(logs=False)
    return latencies[0], latencies[1:], creates[1:]


def machine() -> list[str]:
    import boto3
    import botocore

    return [
        f"- date (UTC): {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
        f"- platform: {platform.platform()}",
        f"- CPU: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} logical CPUs",
        f"- Python: {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"- boto3 {boto3.__version__}, botocore {botocore.__version__}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sagemaker-lite-latency-") as tmp:
        cold, warm, creates = measure(args.runs, Path(tmp) / "ns", namespaces=True)
        _, plain, _ = measure(args.runs, Path(tmp) / "plain", namespaces=False)
    startup = interpreter_startup(args.runs)
    ms = lambda seconds: f"{seconds * 1000:.0f}"  # noqa: E731
    lines = [
        "# Local mode latency: fit() -> the script's first line",
        "",
        f"{args.runs} warm runs (median, min, max) after one cold run, in one process; goal: median <= 500 ms,",
        "and <= 150 ms warm with per-host containers (namespaces).",
        "",
        "| what | median ms | min ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        f"| fit() -> first line, cold (first job of the process) | {ms(cold)} | | |",
        f"| fit() -> first line, warm, per-host containers | {ms(statistics.median(warm))} | {ms(min(warm))} | "
        f"{ms(max(warm))} |",
        f"| fit() -> first line, warm, relocation fallback (no namespaces) | {ms(statistics.median(plain))} | "
        f"{ms(min(plain))} | {ms(max(plain))} |",
        f"| fit(wait=False) returns (warm) | {ms(statistics.median(creates))} | {ms(min(creates))} | "
        f"{ms(max(creates))} |",
        f"| for scale: `python -c pass` | {ms(startup)} | | |",
        "",
        "The warm figure includes the script's own interpreter start-up (the row above); the rest is",
        "request validation, the job directory, config files, channel links, the code copy and the",
        "per-host reaper (`python -I -S reaper.py`); with namespaces also the job's namespace holder",
        "(user, mount and network namespaces, bridge and veths: `ip -b`) and the host launcher that",
        "joins them and bind-mounts `/opt/ml` (`python -I -S -c ...`) before exec'ing the script.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
