"""A CloudWatch-Logs-shaped reader over local jobs' log files.

Each host's stdout and stderr go, unbuffered and interleaved as written, to
``<root>/jobs/<job>/logs/<host>-<epoch>.log``. This client exposes those files as the
log streams ``<job>/<host>-<epoch>`` of ``/aws/sagemaker/TrainingJobs``, answering
``describe_log_streams`` and ``get_log_events`` with CloudWatch's response shapes and
token semantics (forward tokens are byte offsets; at the end of a stream the same token
comes back with no events). ``TrainingJob.wait(logs=...)`` therefore tails a local job
with exactly the code that tails a hosted one.

Only complete lines are returned, so a line being written is never split in two; the
job adds a final newline when a host exits without one. Log lines carry no timestamp of
their own: events are stamped with the file's modification time when read (never later
than the time they are read), so the lines a host printed before it exited always sort
before the status transitions that followed its exit, however late they are read.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from ..store import client_error, jobs_dir

TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"


def _group_dirs(root: Path) -> dict[str, Path]:
    """Log group -> the directory whose ``<job>/logs/*.log`` files are its streams."""
    from ..processing.job import processing_dir

    return {TRAINING_LOG_GROUP: jobs_dir(root), PROCESSING_LOG_GROUP: processing_dir(root)}


MAX_BYTES_PER_CALL = 1 << 20
MAX_EVENT_BYTES = 256 * 1024


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        return max(0, int(token.split("/", 1)[1]))
    except (IndexError, ValueError):
        raise client_error("InvalidParameterException", "The specified nextToken is invalid.", "GetLogEvents") from None


def _token(kind: str, offset: int) -> str:
    return f"{kind}/{offset:020d}"


class LocalLogsClient:
    """``session.logs_client`` in local mode (``describe_log_streams`` / ``get_log_events``)."""

    def __init__(self, root: Path, region_name: str = "us-west-2") -> None:
        self._root = root
        self.region_name = region_name

    def _check_group(self, group: str, operation: str) -> Path:
        base = _group_dirs(self._root).get(group)
        if base is None:
            raise client_error("ResourceNotFoundException", "The specified log group does not exist.", operation)
        return base

    def _stream_files(self, prefix: str, base: Path | None = None) -> list[tuple[str, Path]]:
        base = base if base is not None else jobs_dir(self._root)
        if not base.is_dir():
            return []
        job_part = prefix.split("/", 1)[0]
        if "/" in prefix:
            candidates = [base / job_part] if job_part else []
        else:
            candidates = sorted(p for p in base.iterdir() if p.name.startswith(job_part))
        streams: list[tuple[str, Path]] = []
        for job_dir in candidates:
            log_dir = job_dir / "logs"
            if not log_dir.is_dir():
                continue
            for path in sorted(log_dir.glob("*.log")):
                name = f"{job_dir.name}/{path.stem}"
                if name.startswith(prefix):
                    streams.append((name, path))
        return sorted(streams)

    def describe_log_streams(
        self,
        *,
        logGroupName: str,
        logStreamNamePrefix: str = "",
        nextToken: str | None = None,
        limit: int = 50,
        **_ignored: Any,
    ) -> dict[str, Any]:
        base = self._check_group(logGroupName, "DescribeLogStreams")
        streams = self._stream_files(logStreamNamePrefix, base)
        start = int(nextToken) if nextToken and nextToken.isdigit() else 0
        page = streams[start : start + max(1, min(limit, 50))]
        result: dict[str, Any] = {"logStreams": []}
        for name, path in page:
            info = path.stat()
            created = int(info.st_ctime * 1000)
            entry: dict[str, Any] = {
                "logStreamName": name,
                "creationTime": created,
                "arn": f"arn:aws:logs:{self.region_name}:000000000000:log-group:{logGroupName}:log-stream:{name}",
                "storedBytes": 0,
            }
            if info.st_size:
                entry["firstEventTimestamp"] = created
                entry["lastEventTimestamp"] = int(info.st_mtime * 1000)
                entry["lastIngestionTime"] = int(info.st_mtime * 1000)
            result["logStreams"].append(entry)
        if start + len(page) < len(streams):
            result["nextToken"] = str(start + len(page))
        return result

    def get_log_events(
        self,
        *,
        logGroupName: str,
        logStreamName: str,
        nextToken: str | None = None,
        startFromHead: bool = False,
        limit: int = 10000,
        **_ignored: Any,
    ) -> dict[str, Any]:
        base = self._check_group(logGroupName, "GetLogEvents")
        job, _, stream = logStreamName.partition("/")
        path = base / job / "logs" / f"{stream}.log"
        if not job or not stream or "/" in stream or not path.is_file():
            raise client_error("ResourceNotFoundException", "The specified log stream does not exist.", "GetLogEvents")
        offset = _offset(nextToken)
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(MAX_BYTES_PER_CALL)
            written = int(os.fstat(handle.fileno()).st_mtime * 1000)
        end = data.rfind(b"\n") + 1
        if end == 0 and len(data) >= MAX_EVENT_BYTES:  # one enormous line: deliver it in pieces
            end = MAX_EVENT_BYTES
        chunk = data[:end]
        lines = chunk.split(b"\n") if chunk else []
        if chunk.endswith(b"\n"):
            lines.pop()
        lines = lines[: max(1, limit)]
        consumed = min(end, sum(len(line) + 1 for line in lines))
        now = int(time.time() * 1000)
        stamp = min(now, written)
        events = [
            {"timestamp": stamp, "message": line.rstrip(b"\r").decode("utf-8", "replace"), "ingestionTime": now}
            for line in lines
        ]
        return {
            "events": events,
            "nextForwardToken": _token("f", offset + consumed),
            "nextBackwardToken": _token("b", offset),
        }
