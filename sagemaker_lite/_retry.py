"""Retry and polling policies, all built on tenacity.

botocore already retries throttling and 5xx errors a few times (standard mode); these
policies sit above it so that a burst longer than botocore's budget is still absorbed
instead of surfacing in the middle of a long wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from ._validation import fail

T = TypeVar("T")

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "ServiceUnavailable",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def _error_field(exc: BaseException, field: str) -> str:
    """``exc.response["Error"][field]``, or "" for errors without a service response.

    botocore's ``ReadTimeoutError``/``ConnectionClosedError`` carry ``response = None`` (no
    answer came back), so ``exc.response`` is never assumed to be a dict.
    """
    response = getattr(exc, "response", None)
    error = response.get("Error") if isinstance(response, dict) else None
    return str(error.get(field, "") or "") if isinstance(error, dict) else ""


def error_code(exc: BaseException) -> str:
    return _error_field(exc, "Code")


def error_message(exc: BaseException) -> str:
    return _error_field(exc, "Message")


def got_no_answer(exc: BaseException) -> bool:
    """The request may or may not have been acted on: the connection failed or timed out."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(exc, (BotoConnectionError, HTTPClientError))


def is_transient(exc: BaseException) -> bool:
    """Throttling, 5xx and connection-level failures: worth another try."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return True
    code = error_code(exc)
    if code in THROTTLING_CODES or code in TRANSIENT_CODES:
        return True
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return isinstance(status, int) and status >= 500
    return False


def backoff(initial: float, maximum: float, multiplier: float, jitter: float) -> Any:
    """Exponential backoff with additive jitter, from parts every tenacity >= 8.2 has."""
    from tenacity import wait_exponential, wait_random  # tenacity pulls in asyncio: only when waiting

    wait = wait_exponential(multiplier=initial, max=maximum, exp_base=multiplier)
    return wait + wait_random(0, jitter) if jitter > 0 else wait


@attrs.frozen(kw_only=True)
class PollingPolicy:
    """How often to ask for a resource's status: at once, then backoff with jitter up to a cap.

    ``PollingPolicy(initial=2, maximum=30)`` polls after 0, ~2, ~4, ~8, ... seconds, never
    more than ``maximum`` apart. ``transient_attempts``/``transient_timeout`` bound how long
    a throttled or failing status call is retried before the error surfaces.
    """

    initial: float = 2.0
    maximum: float = 30.0
    multiplier: float = 2.0
    jitter: float = 1.0
    transient_attempts: int = 12
    transient_timeout: float = 300.0
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.initial < 0 or self.maximum < self.initial:
            fail("PollingPolicy", (self.initial, self.maximum), "0 <= initial <= maximum")

    def intervals(self) -> Any:
        """initial * multiplier**n, capped at maximum, plus up to ``jitter`` seconds of noise."""
        return backoff(self.initial, self.maximum, self.multiplier, self.jitter)

    def call(self, fn: Callable[[], T]) -> T:
        """Call ``fn``, retrying transient AWS errors with backoff (for describe/list calls)."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            wait=backoff(min(1.0, self.maximum), self.maximum, 2.0, self.jitter),
            stop=stop_after_attempt(self.transient_attempts) | stop_after_delay(self.transient_timeout),
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(fn)


DEFAULT_POLLING = PollingPolicy()
