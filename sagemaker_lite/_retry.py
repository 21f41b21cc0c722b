"""Polling policy (tenacity) and the classification of AWS errors.

Retrying a failed AWS call is not done here: it happens in one layer, the clients' own
(``sagemaker_lite.retries``), with one deadline per call. Polling loops built on
``PollingPolicy`` only ever see a call's final outcome.
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


def backoff(initial: float, maximum: float, multiplier: float, jitter: float) -> Any:
    """Exponential backoff with additive jitter, from parts every tenacity >= 8.2 has."""
    from tenacity import wait_exponential, wait_random  # tenacity pulls in asyncio: only when waiting

    wait = wait_exponential(multiplier=initial, max=maximum, exp_base=multiplier)
    return wait + wait_random(0, jitter) if jitter > 0 else wait


@attrs.frozen(kw_only=True)
class PollingPolicy:
    """How often to ask for a resource's status: at once, then backoff with jitter up to a cap.

    ``PollingPolicy(initial=2, maximum=30)`` polls after 0, ~2, ~4, ~8, ... seconds, never
    more than ``maximum`` apart. A failing status call is retried by the client's retry
    policy (``Session(retry_policy=...)``), within its deadline, not here.
    """

    initial: float = 2.0
    maximum: float = 30.0
    multiplier: float = 2.0
    jitter: float = 1.0
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.initial < 0 or self.maximum < self.initial:
            fail("PollingPolicy", (self.initial, self.maximum), "0 <= initial <= maximum")

    def intervals(self) -> Any:
        """initial * multiplier**n, capped at maximum, plus up to ``jitter`` seconds of noise."""
        return backoff(self.initial, self.maximum, self.multiplier, self.jitter)

    def call(self, fn: Callable[[], T]) -> T:
        """Call ``fn`` once: its AWS call is already retried, with a deadline, by the client."""
        return fn()


DEFAULT_POLLING = PollingPolicy()
