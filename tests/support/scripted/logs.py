"""``ScriptedLogs``: CloudWatch Logs for scripted training jobs, behind a real ``logs`` client.

Lines are added per job and host (``add_log_lines(job, "algo-1", lines, at_step=k)``) into the
stream ``<job>/<host>-<epoch>`` of ``/aws/sagemaker/TrainingJobs``. A line is visible once the job
is at step >= k: the step comes from the linked ``ScriptedSageMaker`` (so logs appear as
DescribeTrainingJob advances the job; nothing is visible before the job exists), or, without one,
from ``set_step``. A stream exists (DescribeLogStreams / GetLogEvents) once one of its lines is visible.

Event timestamps (ms) are ``base + at_step * 1000 + ordinal``: deterministic, increasing.
GetLogEvents tokens are ``f/<index>`` / ``b/<index>`` into the stream's visible events; reading
forward at the end returns the SAME token (as CloudWatch does), and lines that become visible
later are returned by polling with it. ``enforce_rate_limit=True`` throttles DescribeLogStreams
beyond 5 accepted calls in any 1 s window of ``clock`` (a monotonic clock by default); throttled
calls are not counted in the window, and every call's time is in ``calls``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .sagemaker import ScriptedSageMaker
from .transport import Fault, JsonDict, ScriptedService, ServiceError

TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs"
DEFAULT_RATE_LIMITS: Mapping[str, int] = {"DescribeLogStreams": 5}
_STEP_MS = 1000


@dataclass
class LogStream:
    job: str
    host: str
    name: str
    lines: list[tuple[int, int, str]] = field(default_factory=list)  # (at_step, seq, message)


class ScriptedLogs(ScriptedService):
    """Scripted training-job logs. Link a ``ScriptedSageMaker`` to drive visibility by its lifecycle."""

    service_name = "logs"

    def __init__(
        self,
        sagemaker: ScriptedSageMaker | None = None,
        *,
        log_group: str = TRAINING_LOG_GROUP,
        group_exists: bool = True,
        enforce_rate_limit: bool = False,
        rate_limits: Mapping[str, int] = DEFAULT_RATE_LIMITS,
        rate_window: float = 1.0,
        epoch: int = 1700000000,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sagemaker = sagemaker
        self.log_group = log_group
        self.group_exists = group_exists
        self.enforce_rate_limit = enforce_rate_limit
        self.rate_limits = dict(rate_limits)
        self.rate_window = rate_window
        self.epoch = epoch
        self.streams: dict[str, LogStream] = {}
        self._steps: dict[str, int] = {}
        self._base_ms: dict[str, int] = {}
        self._seq = 0
        self._accepted: dict[str, deque[float]] = {}
        self.on("DescribeLogStreams", self._describe_log_streams)
        self.on("GetLogEvents", self._get_log_events)

    # -- scripting -------------------------------------------------------------------------------
    def stream_name(self, job: str, host: str = "algo-1") -> str:
        return f"{job}/{host}-{self.epoch}"

    def add_log_lines(self, job: str, host: str, lines: Iterable[str], at_step: int = 0) -> str:
        """Lines for ``job`` on ``host`` that appear when the job reaches ``at_step``; returns the stream name.

        Lines for a step earlier than lines already added to the stream are moved to that later step
        (events are ordered by step, and a stream only ever grows at its end).
        """
        name = self.stream_name(job, host)
        stream = self.streams.setdefault(name, LogStream(job, host, name))
        self._base_ms.setdefault(job, int(self.wall_clock() * 1000))
        at_step = max([at_step] + [s for s, _, _ in stream.lines])
        for line in lines:
            self._seq += 1
            stream.lines.append((at_step, self._seq, line))
        return name

    def set_step(self, job: str, step: int) -> None:
        """Without a linked SageMaker double (or for jobs it does not know): the job's current step."""
        self._steps[job] = step

    def step_of(self, job: str) -> int:
        if self.sagemaker is not None and job in self.sagemaker.jobs:
            return self.sagemaker.step_of(job)
        if self.sagemaker is not None and job not in self._steps:
            return -1
        return self._steps.get(job, 0)

    def visible_events(self, stream: LogStream) -> list[JsonDict]:
        step = self.step_of(stream.job)
        base = self._base_ms[stream.job]
        events: list[JsonDict] = []
        ordinal: dict[int, int] = {}
        for at_step, _, message in sorted(stream.lines):
            if at_step > step:
                break
            ordinal[at_step] = ordinal.get(at_step, -1) + 1
            timestamp = base + at_step * _STEP_MS + ordinal[at_step]
            events.append({"timestamp": timestamp, "message": message, "ingestionTime": timestamp + 1})
        return events

    # -- rate limiting ---------------------------------------------------------------------------
    def before_operation(self, operation: str, params: JsonDict, now: float) -> None:
        if not self.enforce_rate_limit or operation not in self.rate_limits:
            return
        window = self._accepted.setdefault(operation, deque())
        while window and window[0] <= now - self.rate_window:
            window.popleft()
        if len(window) >= self.rate_limits[operation]:
            self.faults.append(Fault(operation, "ThrottlingException", now))
            raise ServiceError("ThrottlingException", "Rate exceeded")
        window.append(now)

    # -- operations ------------------------------------------------------------------------------
    def _check_group(self, params: JsonDict) -> None:
        group = params.get("logGroupName") or str(params.get("logGroupIdentifier", "")).rpartition(":log-group:")[2]
        visible_somewhere = any(self.visible_events(s) for s in self.streams.values())
        if group != self.log_group or not (self.group_exists or visible_somewhere):
            raise ServiceError("ResourceNotFoundException", "The specified log group does not exist.")

    def _stream_info(self, stream: LogStream, events: list[JsonDict]) -> JsonDict:
        return {
            "logStreamName": stream.name,
            "creationTime": events[0]["timestamp"] - 1,
            "firstEventTimestamp": events[0]["timestamp"],
            "lastEventTimestamp": events[-1]["timestamp"],
            "lastIngestionTime": events[-1]["ingestionTime"],
            "uploadSequenceToken": str(len(events)),
            "arn": f"arn:aws:logs:{self.current_region}:{self.account_id}:log-group:{self.log_group}"
            f":log-stream:{stream.name}",
            "storedBytes": 0,
        }

    def _describe_log_streams(self, params: JsonDict) -> JsonDict:
        self._check_group(params)
        prefix = params.get("logStreamNamePrefix")
        order_by = params.get("orderBy", "LogStreamName")
        if prefix is not None and order_by == "LastEventTime":
            raise ServiceError("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
        limit = int(params.get("limit", 50))
        if limit > 50:
            raise ServiceError("InvalidParameterException", "1 validation error detected: limit must be <= 50")
        infos: list[JsonDict] = []
        for stream in self.streams.values():
            events = self.visible_events(stream)
            if events and (prefix is None or stream.name.startswith(prefix)):
                infos.append(self._stream_info(stream, events))
        key = "lastEventTimestamp" if order_by == "LastEventTime" else "logStreamName"
        infos.sort(key=lambda info: (info[key], info["logStreamName"]), reverse=bool(params.get("descending")))
        start = self._decode_token(params.get("nextToken"), "s", len(infos))
        out: JsonDict = {"logStreams": infos[start : start + limit]}
        if start + limit < len(infos):
            out["nextToken"] = f"s/{start + limit}"
        return out

    def _get_log_events(self, params: JsonDict) -> JsonDict:
        self._check_group(params)
        stream = self.streams.get(params["logStreamName"])
        events = self.visible_events(stream) if stream is not None else []
        if not events:
            raise ServiceError("ResourceNotFoundException", "The specified log stream does not exist.")
        if "startTime" in params:
            events = [e for e in events if e["timestamp"] >= params["startTime"]]
        if "endTime" in params:
            events = [e for e in events if e["timestamp"] < params["endTime"]]
        limit = int(params.get("limit", 10000))
        if limit > 10000:
            raise ServiceError("InvalidParameterException", "1 validation error detected: limit must be <= 10000")
        token = params.get("nextToken")
        if token is not None and token.startswith("b/"):
            end = self._decode_token(token, "b", len(events))
            start = max(0, end - limit)
        elif token is not None:
            start = self._decode_token(token, "f", len(events))
            end = min(len(events), start + limit)
        elif params.get("startFromHead", False):
            start, end = 0, min(len(events), limit)
        else:
            end = len(events)
            start = max(0, end - limit)
        return {
            "events": events[start:end],
            "nextForwardToken": f"f/{end:056d}",
            "nextBackwardToken": f"b/{start:056d}",
        }

    @staticmethod
    def _decode_token(token: str | None, kind: str, size: int) -> int:
        if token is None:
            return 0
        head, _, digits = token.partition("/")
        if head != kind or not digits.isdigit() or int(digits) > size:
            raise ServiceError("InvalidParameterException", "The specified nextToken is invalid.")
        return int(digits)
