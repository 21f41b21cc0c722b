"""Where local jobs live on disk, and the service-shaped errors and records about them.

Layout (``root`` is ``$SAGEMAKER_LITE_LOCAL_ROOT``, else ``$XDG_CACHE_HOME`` or
``~/.cache`` + ``/sagemaker_lite/local``; created 0700 because jobs hold hyperparameters,
data links and environment variables)::

    <root>/jobs/<job>/description.json   DescribeTrainingJob, rewritten at every transition
    <root>/jobs/<job>/logs/<host>-<epoch>.log
    <root>/jobs/<job>/<host>/            the host's /opt/ml (input, model, output, code, checkpoints)
    <root>/jobs/<job>/cache/             channels downloaded once for all hosts, staged code
    <root>/venvs/<hash>/                 cached environments for requirements.txt
    <root>/output/                       default file:// output_path of a LocalSession

Keeping the description on disk lets a later process ``attach`` to a finished job, and
makes job names unique across processes (creating the job directory is the reservation).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT_ENV = "SAGEMAKER_LITE_LOCAL_ROOT"
DEFAULT_REGION = "us-west-2"
LOCAL_ACCOUNT = "000000000000"
#: request fields DescribeTrainingJob returns as they were sent
ECHOED_FIELDS = (
    "AlgorithmSpecification",
    "RoleArn",
    "HyperParameters",
    "InputDataConfig",
    "OutputDataConfig",
    "ResourceConfig",
    "VpcConfig",
    "StoppingCondition",
    "CheckpointConfig",
    "DebugHookConfig",
    "DebugRuleConfigurations",
    "TensorBoardOutputConfig",
    "ExperimentConfig",
    "ProfilerConfig",
    "ProfilerRuleConfigurations",
    "Environment",
    "RetryStrategy",
    "RemoteDebugConfig",
    "InfraCheckConfig",
)


def default_root() -> Path:
    configured = os.environ.get(ROOT_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return builtin_root()


def builtin_root() -> Path:
    """The root when neither ``root=`` nor ``$SAGEMAKER_LITE_LOCAL_ROOT`` says otherwise."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache, "sagemaker_lite", "local").resolve()


def private_dir(path: Path) -> Path:
    """``mkdir -p`` with mode 0700 on every directory this creates."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)
    return path


def jobs_dir(root: Path) -> Path:
    return root / "jobs"


def local_arn(region: str, resource: str, name: str) -> str:
    """The ARN of a local resource (``resource``: "training-job", "endpoint", ...) in the local account."""
    return f"arn:aws:sagemaker:{region}:{LOCAL_ACCOUNT}:{resource}/{name.lower()}"


def client_error(code: str, message: str, operation: str, status: int = 400) -> Exception:
    """The botocore ``ClientError`` the SageMaker service would have returned."""
    from botocore.exceptions import ClientError

    error: Exception = ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )
    return error


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


#: a record file is padded (JSON ignores trailing whitespace) to at least this size and to
#: twice its content, so that on a full disk it can still be rewritten in place
RECORD_RESERVE = 16 * 1024


def write_record(path: Path, description: dict[str, Any], meta: dict[str, Any]) -> None:
    """Atomically replace ``description.json`` (readers never see half a file).

    When the disk is full (no room for the new copy), the record is rewritten in place
    instead, inside the space the padded old file already holds: a job must reach its
    final status on disk even when the disk filled up under it.
    """
    payload = json.dumps({"description": _encode(description), "meta": meta}, indent=1).encode("utf-8")
    padded = payload + b" " * (max(RECORD_RESERVE, 2 * len(payload)) - len(payload)) + b"\n"
    try:
        fd, tmp = tempfile.mkstemp(prefix=".description-", dir=path.parent)
    except OSError as exc:
        _rewrite_in_place(path, payload, exc)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(padded)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _rewrite_in_place(path, payload, exc)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _rewrite_in_place(path: Path, payload: bytes, error: OSError) -> None:
    """Overwrite ``path`` within its current size (no new blocks); re-raise ``error`` if it cannot."""
    if error.errno not in (errno.ENOSPC, errno.EDQUOT):
        raise error
    try:
        size = path.stat().st_size
        if len(payload) + 1 > size:
            raise error
        with open(path, "r+b") as handle:
            handle.write(payload + b" " * (size - len(payload) - 1) + b"\n")
    except OSError:
        raise error from None


def read_record(path: Path) -> tuple[dict[str, Any], dict[str, Any]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return _decode(data.get("description", {})), dict(data.get("meta", {}))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: what a job left by a Python process that died without finishing it is recorded as
ORPHAN_REASON = "InternalServerError: the local process (pid {pid}) that ran this job exited before the job finished"


def orphan_description(
    description: dict[str, Any], meta: dict[str, Any], status_field: str = "TrainingJobStatus"
) -> dict[str, Any] | None:
    """The finished record of a job whose process died mid-job (None: the job is finished or live)."""
    if description.get(status_field) in ("Completed", "Failed", "Stopped"):
        return None
    pid = int(meta.get("pid", 0))
    if pid_alive(pid):
        return None
    finished = {**description, status_field: "Failed", "FailureReason": ORPHAN_REASON.format(pid=pid)}
    if "SecondaryStatus" in description:
        finished["SecondaryStatus"] = "Failed"
    return finished


def recover_orphans(root: Path) -> list[str]:
    """Finish on disk the jobs whose Python process died (``kill -9``) and remove their FIFOs.

    The host reapers already killed those jobs' processes; this makes the record final
    (Failed, with the reason) and removes any named pipe left under the job's hosts.
    Returns the names of the jobs it finished.
    """
    base = jobs_dir(root)
    finished: list[str] = []
    if not base.is_dir():
        return finished
    for directory in sorted(base.iterdir()):
        record = read_record(directory / "description.json")
        if record is None:
            continue
        description, meta = record
        orphan = orphan_description(description, meta)
        if orphan is None:
            continue
        for fifo in _fifos(directory):
            with contextlib.suppress(OSError):
                fifo.unlink()
        with contextlib.suppress(OSError):
            write_record(directory / "description.json", orphan, meta)
            finished.append(directory.name)
    return finished


def _fifos(job_directory: Path) -> list[Path]:
    import stat

    found: list[Path] = []
    for data in job_directory.glob("*/input/data"):
        with contextlib.suppress(OSError):
            found.extend(p for p in data.iterdir() if stat.S_ISFIFO(p.lstat().st_mode))
    return found
