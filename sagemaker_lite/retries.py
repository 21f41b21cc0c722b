"""One retry layer for every AWS call, with one deadline per call and a printed line per retry.

    from sagemaker_lite import Session
    from sagemaker_lite.retries import RetryPolicy
    session = Session(retry_policy=RetryPolicy(deadline=30, read_timeout=10))

Why here and not in tenacity around each call: botocore's own retries (standard mode: 10
attempts, 60 s read timeout each) ran *inside* tenacity's, so the two budgets multiplied
(47 HTTP attempts and 15+ minutes against an endpoint that accepts and never answers). The
only layer that sees every request -- SageMaker, S3 parts that s3transfer sends from its
threads, CloudWatch Logs, STS -- is botocore's ``needs-retry`` event. So botocore is told
never to retry (``total_max_attempts=1``) and ``RetryHandler`` below answers that event with
this policy instead: it classifies the outcome, stops at the call's deadline, sleeps the
backoff and logs what it retries. Polling loops (waiting for a job or an endpoint) stay in
tenacity; they only ever see a call's final outcome.

The deadline: a retry is started only when it can time out (connect + read timeout) before
``deadline`` seconds after the call began, so one call never takes longer than
``max(deadline, connect_timeout + read_timeout)``. An attempt in flight is never cut short.

InvokeEndpoint is different: the payload goes to the user's model, which may act on it, so
it is sent again at most ``invoke_retries`` times and only after a failure to connect or a
connection closed without an answer; never after a read timeout (the model may still be
working on it) and never after an error response (the service's error is raised as is).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import attrs

from ._retry import THROTTLING_CODES, TRANSIENT_CODES
from ._validation import fail
from .redact import redact

LOGGER = logging.getLogger("sagemaker_lite")
#: the key in botocore's per-call ``context`` dict under which a call's start time is kept
_STARTED = "sagemaker_lite_started"
#: attempts of this call that got no answer or a 5xx: the service may have acted on them
_AMBIGUOUS = "sagemaker_lite_ambiguous_attempts"
#: the same count, copied into the final error's ``response["ResponseMetadata"]``
AMBIGUOUS_ATTEMPTS_KEY = "SageMakerLiteAmbiguousAttempts"
NOT_IDEMPOTENT = frozenset({"InvokeEndpoint", "InvokeEndpointWithResponseStream"})


def _positive(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        fail(attribute.name, value, "a number of seconds > 0")


def _count(minimum: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            fail(attribute.name, value, f"an integer >= {minimum}")

    return check


def _sleep(seconds: float) -> None:
    """The default sleep between attempts (looked up at call time, so tests can replace it)."""
    time.sleep(seconds)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Timeouts, attempts and the deadline of every AWS call a Session makes.

    ``RetryPolicy()`` is the default: 10 s to connect, 60 s to read (SageMaker's own limit),
    up to 10 attempts with capped exponential backoff and full jitter, and no call longer
    than 150 s (against a server that accepts and never answers: two attempts, ~121 s).
    InvokeEndpoint reads for 80 s (the invocation limit is 60 s) and is re-sent at most once.
    """

    deadline: float = attrs.field(default=150.0, validator=_positive)
    max_attempts: int = attrs.field(default=10, validator=_count(1))
    connect_timeout: float = attrs.field(default=10.0, validator=_positive)
    read_timeout: float = attrs.field(default=60.0, validator=_positive)
    invoke_read_timeout: float = attrs.field(default=80.0, validator=_positive)
    invoke_retries: int = attrs.field(default=1, validator=_count(0))
    initial_backoff: float = attrs.field(default=1.0, validator=_positive)
    max_backoff: float = attrs.field(default=20.0, validator=_positive)
    sleep: Callable[[float], None] | None = attrs.field(default=None, repr=False)
    clock: Callable[[], float] = attrs.field(default=time.monotonic, repr=False)

    def backoff(self, retry: int, rng: random.Random | None = None) -> float:
        """Full jitter: uniform in [0, min(max_backoff, initial * 2**(retry-1))] for the n-th retry."""
        cap = min(self.max_backoff, self.initial_backoff * 2 ** max(0, retry - 1))
        return (rng or random).uniform(0, cap)

    def read_timeout_for(self, service: str) -> float:
        return self.invoke_read_timeout if service == "sagemaker-runtime" else self.read_timeout

    def install(self, client: Any) -> None:
        """Answer ``client``'s retry decisions with this policy (its botocore retries must be off)."""
        handler = RetryHandler(
            self, connect_timeout=client.meta.config.connect_timeout, read_timeout=client.meta.config.read_timeout
        )
        events = client.meta.events
        events.register_first("before-call", handler.started, unique_id="sagemaker-lite-call-start")
        events.register("needs-retry", handler.needs_retry, unique_id="sagemaker-lite-retry")


DEFAULT_RETRY_POLICY = RetryPolicy()


def _outcome(response: Any, caught_exception: BaseException | None) -> tuple[str, str, int]:
    """(kind, description, status): kind is "ok", "throttled", "server", "no-answer", "timeout" or "final"."""
    if caught_exception is not None:
        from botocore.exceptions import ConnectionError as BotoConnectionError
        from botocore.exceptions import HTTPClientError, ReadTimeoutError

        if isinstance(caught_exception, ReadTimeoutError):
            return "timeout", f"{type(caught_exception).__name__}: {caught_exception}", 0
        if isinstance(caught_exception, (BotoConnectionError, HTTPClientError)):
            return "no-answer", f"{type(caught_exception).__name__}: {caught_exception}", 0
        return "final", str(caught_exception), 0
    if not response:
        return "final", "", 0
    http, parsed = response
    status = int(getattr(http, "status_code", 0) or 0)
    if status < 400:
        return "ok", "", status
    error = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
    code = str(error.get("Code", "") or "")
    described = f"{code or status}: {error.get('Message', '')}".rstrip(": ")
    if code in THROTTLING_CODES or status == 429:
        return "throttled", described, status
    if code in TRANSIENT_CODES or status >= 500:
        return "server", described, status
    return "final", described, status


class RetryHandler:
    """botocore's ``needs-retry`` answered by a ``RetryPolicy`` (see the module docstring)."""

    def __init__(self, policy: RetryPolicy, *, connect_timeout: float | None, read_timeout: float | None) -> None:
        self.policy = policy
        self.attempt_bound = float(connect_timeout or policy.connect_timeout) + float(
            read_timeout or policy.read_timeout
        )

    def started(self, context: dict[str, Any] | None = None, **_: Any) -> None:
        if context is not None:
            context.setdefault(_STARTED, self.policy.clock())

    def needs_retry(
        self,
        response: Any = None,
        attempts: int = 1,
        caught_exception: BaseException | None = None,
        request_dict: dict[str, Any] | None = None,
        operation: Any = None,
        **_: Any,
    ) -> float | None:
        """Seconds to wait before the next attempt (botocore sleeps them), or None to stop."""
        policy = self.policy
        context = (request_dict or {}).get("context", {})
        kind, described, _status = _outcome(response, caught_exception)
        if kind in ("ok", "final"):
            self._mark_ambiguous(response, context)
            return None
        if kind in ("no-answer", "timeout", "server"):
            context[_AMBIGUOUS] = int(context.get(_AMBIGUOUS, 0)) + 1
        name = getattr(operation, "name", "request")
        allowed = self._allowed_attempts(name, kind)
        elapsed = policy.clock() - float(context.get(_STARTED, policy.clock()))
        delay = policy.backoff(attempts)
        if attempts >= allowed or elapsed + delay + self.attempt_bound > policy.deadline:
            why = (
                f"{attempts} attempt(s), the most for {name}"
                if attempts >= allowed
                else f"another attempt could not end within the {policy.deadline:g} s deadline"
            )
            LOGGER.warning(redact(f"{name} failed after {elapsed:.1f} s ({why}): {described}"))
            self._mark_ambiguous(response, context)
            return None
        LOGGER.warning(
            redact(
                f"{name}: {described}; retrying in {delay:.1f} s (attempt {attempts + 1} of at most {allowed}, "
                f"{policy.deadline - elapsed:.0f} s of the {policy.deadline:g} s deadline left)"
            )
        )
        (policy.sleep or _sleep)(delay)
        return 0.0

    def _allowed_attempts(self, operation: str, kind: str) -> int:
        if operation in NOT_IDEMPOTENT:
            # only failures to get the payload to the model at all; never a timeout or an error answer
            return 1 + self.policy.invoke_retries if kind == "no-answer" else 1
        return self.policy.max_attempts

    @staticmethod
    def _mark_ambiguous(response: Any, context: dict[str, Any]) -> None:
        """Put the count of earlier attempts that may have acted into the final error's metadata."""
        count = int(context.get(_AMBIGUOUS, 0))
        if count and response and isinstance(response[1], dict):
            response[1].setdefault("ResponseMetadata", {})[AMBIGUOUS_ATTEMPTS_KEY] = count


def ambiguous_attempts(exc: BaseException) -> int:
    """How many earlier attempts of the call that raised ``exc`` may have been acted on.

    0 means every earlier attempt was refused (throttled, or an error answer): a "name in use"
    error then cannot come from our own earlier attempt.
    """
    response = getattr(exc, "response", None)
    metadata = response.get("ResponseMetadata") if isinstance(response, dict) else None
    return int(metadata.get(AMBIGUOUS_ATTEMPTS_KEY, 0)) if isinstance(metadata, dict) else 0
