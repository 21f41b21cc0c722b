"""CloudWatch log tailing for training jobs: every host's stream, interleaved by time.

A job writes one stream per host (``<job>/algo-1-<epoch>``, ...) in the log group
``/aws/sagemaker/TrainingJobs``. ``LogTailer.poll()`` finds streams (DescribeLogStreams,
rate-limited per Session because the account-wide limit is 5 TPS and many jobs may
be tailed at once), then pages each stream forward with its own token so no event is
printed twice or skipped, and returns the round's new events sorted by timestamp.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from ._retry import PollingPolicy, error_code

TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs"


class LogEvent(NamedTuple):
    timestamp: int
    stream: str
    message: str


class RateLimiter:
    """At most ``rate`` acquisitions per second, shared by every tailer of a Session.

    ``try_acquire()`` never blocks: a tailer that is refused simply skips stream
    discovery this round, which is always safe.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> None:
        """Block until a slot is free (used for the last look at a finished job's streams)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            sleep(start - now)

    def try_acquire(self) -> bool:
        with self._lock:
            now = self._clock()
            if now < self._next:
                return False
            self._next = max(now, self._next) + self.interval
            return True


def session_limiter(session: Any, name: str, rate: float) -> RateLimiter:
    """The Session's shared limiter called ``name`` (state lives on the Session, never in the module)."""
    limiters = session.__dict__.setdefault("_rate_limiters", {}) if hasattr(session, "__dict__") else {}
    limiter = limiters.get(name)
    if limiter is None:
        lock = getattr(session, "_lock", None) or threading.Lock()
        with lock:
            limiter = limiters.get(name)
            if limiter is None:
                limiter = RateLimiter(rate)
                limiters[name] = limiter
    return limiter


def describe_log_streams_limiter(session: Any) -> RateLimiter:
    """The Session's shared DescribeLogStreams limiter (2 TPS, well under the 5 TPS account limit)."""
    return session_limiter(session, "DescribeLogStreams", 2.0)


class LogTailer:
    """Follows every log stream of one job; ``poll()`` returns the events new since last time."""

    def __init__(
        self,
        logs_client: Any,
        job_name: str,
        *,
        limiter: RateLimiter,
        expected_streams: int | None = None,
        log_group: str = TRAINING_LOG_GROUP,
        policy: PollingPolicy | None = None,
        keep_last: int = 30,
    ) -> None:
        self._client = logs_client
        self.job_name = job_name
        self._limiter = limiter
        self._expected = expected_streams
        self.log_group = log_group
        self._policy = policy or PollingPolicy()
        self._tokens: dict[str, str | None] = {}
        self.last_lines: deque[str] = deque(maxlen=keep_last)
        self.events_seen = 0

    @property
    def streams(self) -> list[str]:
        return sorted(self._tokens)

    def _discover(self, force: bool = False) -> None:
        if self._expected is not None and len(self._tokens) >= self._expected:
            return
        if force:
            self._limiter.acquire()
        elif not self._limiter.try_acquire():
            return
        from botocore.exceptions import ClientError

        kwargs: dict[str, Any] = {"logGroupName": self.log_group, "logStreamNamePrefix": self.job_name + "/"}
        while True:
            try:
                page = self._policy.call(lambda: self._client.describe_log_streams(**kwargs))
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":  # log group not created yet
                    return
                raise
            for stream in page.get("logStreams", []):
                self._tokens.setdefault(stream["logStreamName"], None)
            token = page.get("nextToken")
            if not token or token == kwargs.get("nextToken"):
                return
            kwargs["nextToken"] = token

    def _read_stream(self, stream: str) -> list[LogEvent]:
        from botocore.exceptions import ClientError

        events: list[LogEvent] = []
        while True:
            kwargs: dict[str, Any] = {"logGroupName": self.log_group, "logStreamName": stream, "startFromHead": True}
            token = self._tokens[stream]
            if token:
                kwargs["nextToken"] = token
            try:
                page = self._policy.call(lambda kw=kwargs: self._client.get_log_events(**kw))  # type: ignore[misc]
            except ClientError as exc:
                if error_code(exc) == "ResourceNotFoundException":
                    return events
                raise
            batch = page.get("events", [])
            events.extend(LogEvent(int(e.get("timestamp", 0)), stream, str(e.get("message", ""))) for e in batch)
            next_token = page.get("nextForwardToken")
            if next_token:
                self._tokens[stream] = next_token
            if not batch or not next_token or next_token == token:
                return events

    def poll(self, *, final: bool = False) -> list[LogEvent]:
        """New events from every stream, oldest first; ``final=True`` also looks for late streams."""
        self._discover(force=final)
        events: list[LogEvent] = []
        for stream in self.streams:
            events.extend(self._read_stream(stream))
        events.sort(key=lambda e: (e.timestamp, e.stream))
        self.events_seen += len(events)
        for event in events:
            self.last_lines.append(event.message)
        return events

    def format(self, event: LogEvent) -> str:
        """``message`` for a single-host job; ``[algo-2] message`` when several hosts log."""
        if (self._expected or len(self._tokens)) <= 1:
            return event.message
        host = event.stream.split("/", 1)[-1].rsplit("-", 1)[0]
        return f"[{host}] {event.message}"
