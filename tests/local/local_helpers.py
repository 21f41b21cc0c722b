"""Helpers for the local-mode tests: real scripts, requests, waiting, process checks."""

from __future__ import annotations

import json
import os
import textwrap
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: every test script starts with this: ``check()`` exits 3 with a message on a mismatch
SCRIPT_HEADER = """\
import json, os, sys

def check(condition, message):
    if not condition:
        print("CHECK FAILED: " + str(message), flush=True)
        sys.exit(3)

"""


def write_code(directory: Path, body: str, name: str = "train.py") -> Path:
    """Write a test script (SCRIPT_HEADER + dedented body) into ``directory``; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(SCRIPT_HEADER + textwrap.dedent(body), encoding="utf-8")
    return directory


def file_channel(
    name: str, path: Path, *, mode: str | None = None, distribution: str = "FullyReplicated", **extra: Any
) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "ChannelName": name,
        "DataSource": {
            "S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": f"file://{path}",
                "S3DataDistributionType": distribution,
            }
        },
    }
    if mode:
        channel["InputMode"] = mode
    channel.update(extra)
    return channel


def training_request(
    name: str,
    code: Path | str | None,
    *,
    output: str,
    channels: Iterable[Mapping[str, Any]] = (),
    hyperparameters: Mapping[str, str] | None = None,
    instance_count: int = 1,
    input_mode: str = "File",
    program: str = '"train.py"',
    image: str = "local-script",
    **extra: Any,
) -> dict[str, Any]:
    """A CreateTrainingJob request as the framework estimators build it (JSON-encoded reserved values)."""
    hps = dict(hyperparameters or {})
    if program:
        hps.setdefault("sagemaker_program", program)
    if code is not None:
        hps.setdefault("sagemaker_submit_directory", json.dumps(code if isinstance(code, str) else f"file://{code}"))
    request: dict[str, Any] = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": input_mode},
        "OutputDataConfig": {"S3OutputPath": output},
        "ResourceConfig": {"InstanceType": "local", "InstanceCount": instance_count, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": hps,
    }
    channel_list = [dict(c) for c in channels]
    if channel_list:
        request["InputDataConfig"] = channel_list
    request.update(extra)
    return request


def wait_for(client: Any, name: str, timeout: float = 30.0, statuses: Iterable[str] = ()) -> dict[str, Any]:
    """Poll DescribeTrainingJob until the job is terminal (or in one of ``statuses``)."""
    wanted = set(statuses) or {"Completed", "Failed", "Stopped"}
    deadline = time.monotonic() + timeout
    while True:
        description: dict[str, Any] = client.describe_training_job(TrainingJobName=name)
        if description["TrainingJobStatus"] in wanted or description["SecondaryStatus"] in wanted:
            return description
        if time.monotonic() > deadline:
            raise AssertionError(f"job {name} still {description['SecondaryStatus']} after {timeout}s")
        time.sleep(0.02)


def wait_for_file(path: Path, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().endswith("\n"):
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} was not written within {timeout}s")


def process_gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie waiting for a non-reaping init counts as exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pids: Iterable[int], timeout: float = 30.0) -> list[int]:
    """The pids still alive after ``timeout`` (empty when all are gone)."""
    deadline = time.monotonic() + timeout
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if not process_gone(pid)]
        time.sleep(0.02)
    return alive


def job_logs(root: Path, name: str) -> str:
    return "".join(p.read_text(errors="replace") for p in sorted((root / "jobs" / name / "logs").glob("*.log")))


def fifos_under(directory: Path) -> list[Path]:
    import stat

    return [p for p in directory.rglob("*") if stat.S_ISFIFO(p.lstat().st_mode)]
