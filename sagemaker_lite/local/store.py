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
    "Environment",
    "RetryStrategy",
    "RemoteDebugConfig",
    "InfraCheckConfig",
)


def default_root() -> Path:
    configured = os.environ.get(ROOT_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
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


def training_job_arn(region: str, name: str) -> str:
    return f"arn:aws:sagemaker:{region}:{LOCAL_ACCOUNT}:training-job/{name.lower()}"


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


def write_record(path: Path, description: dict[str, Any], meta: dict[str, Any]) -> None:
    """Atomically replace ``description.json`` (readers never see half a file)."""
    payload = json.dumps({"description": _encode(description), "meta": meta}, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=".description-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
