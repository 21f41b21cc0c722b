"""The wire layer of the scripted doubles (``AWSDouble`` with ``layer="wire"``, support.aws_double).

Like httpx's MockTransport, a ``ScriptedService`` plugs into a REAL botocore client: botocore
still validates parameters against the service model, serializes and signs the request, parses
the response (errors included) and runs its real retry logic. Only the socket is replaced.

Mechanism: the handler is registered on ``before-send.<service-id>``; it decodes the operation
from the ``X-Amz-Target`` header and the JSON body (JSON protocol), runs the scripted behaviour
and returns a ``botocore.awsrequest.AWSResponse``. Errors are serialized as the JSON protocol does
(``{"__type": code, "message": ...}``), so botocore raises ``ClientError`` (or the client's modeled
exception) with the right code, and its retry handler classifies throttling / 5xx correctly.
A "lost response" raises ``ConnectionClosedError`` from the handler after the operation ran:
standard-mode retries treat it as transient and send the request again.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError
from botocore.retries import standard as standard_retries

from ..aws_double import AWSDouble, Call, Fault, JsonDict, OperationHandler, ServiceError

__all__ = [
    "AWSDouble",
    "Call",
    "Fault",
    "JsonDict",
    "OperationHandler",
    "ScriptedService",
    "ServiceError",
    "instant_backoff",
    "json_response",
]

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")


class _Body:
    """The ``raw`` object botocore reads an ``AWSResponse`` body from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, amt: int | None = None) -> bytes:
        data, self._data = (self._data, b"") if amt is None else (self._data[:amt], self._data[amt:])
        return data


def json_response(
    url: str, status: int, body: JsonDict, content_type: str = "application/x-amz-json-1.1"
) -> AWSResponse:
    data = json.dumps(body).encode()
    headers = {
        "x-amzn-RequestId": str(uuid.uuid4()),
        "Content-Type": content_type,
        "Content-Length": str(len(data)),
    }
    return AWSResponse(url, status, headers, _Body(data))


class ScriptedService(AWSDouble):
    """Base class of the scripted doubles: an ``AWSDouble`` on the wire layer, one service each.

    Adds to the shared interface: the lost response (``lose_response``), the per-request region
    (``current_region``), a wall clock for timestamps a service returns, and ``before_operation``
    (a hook for rate limits).
    """

    layer = "wire"

    def __init__(
        self,
        *,
        region: str = "us-west-2",
        account_id: str = "123456789012",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(region=region, clock=clock)
        self.account_id = account_id
        self.wall_clock = wall_clock
        self._lost: Counter[str] = Counter()
        self.current_region = region  # the region of the request being handled

    def lose_response(self, operation: str, n: int = 1) -> None:
        """The next ``n`` ``operation`` requests ACT, then the client sees ``ConnectionClosedError``."""
        self._lost[operation] += n

    def lose_response_once(self, operation: str) -> None:
        self.lose_response(operation, 1)

    # -- request handling ------------------------------------------------------------------------
    def request_region(self, request: Any) -> str:
        """The region the request was signed for (falls back to ``self.region``)."""
        match = _CREDENTIAL_SCOPE.search(str(request.headers.get("Authorization", "")))
        return match.group(1) if match else self.region

    def _on_send(self, request: Any, **_: Any) -> AWSResponse:
        if self._uninstalled:
            raise RuntimeError(f"{type(self).__name__} was uninstalled; this client must not reach AWS")
        target = request.headers.get("X-Amz-Target", "")
        target = target.decode() if isinstance(target, bytes) else str(target)
        operation = target.rpartition(".")[2]
        body = request.body or b"{}"
        params: JsonDict = json.loads(body.decode() if isinstance(body, bytes) else body)
        with self._lock:
            call = self.record(self.service_name, operation, params)
            self.current_region = self.request_region(request)
            try:
                self.before_operation(operation, params, call.timestamp)
                result = self.respond(call)
            except ServiceError as err:
                return json_response(request.url, err.status, {"__type": err.code, "message": err.message})
            if self._lost[operation] > 0:
                self._lost[operation] -= 1
                self.faults.append(Fault(operation, "LostResponse", call.timestamp))
                raise ConnectionClosedError(endpoint_url=request.url)
            return json_response(request.url, 200, result)

    def before_operation(self, operation: str, params: JsonDict, now: float) -> None:
        """Hook for subclasses (e.g. rate limits); may raise ``ServiceError``."""


@contextlib.contextmanager
def instant_backoff() -> Iterator[list[float]]:
    """Retries sleep 0 s; yields the delays that were computed.

    Covers both retry layers a test may meet: sagemaker_lite's (``retries._sleep``, the one a
    Session's clients use) and botocore's standard/adaptive mode (``ExponentialBackoff``, for
    raw clients built with botocore retries on). Legacy-mode clients keep their own delays.
    """
    from sagemaker_lite import retries

    delays: list[float] = []
    original = standard_retries.ExponentialBackoff.delay_amount
    original_sleep = retries._sleep

    def recording(self: standard_retries.ExponentialBackoff, context: Any) -> float:
        delays.append(float(original(self, context)))
        return 0.0

    standard_retries.ExponentialBackoff.delay_amount = recording
    retries._sleep = delays.append  # type: ignore[assignment]
    try:
        yield delays
    finally:
        standard_retries.ExponentialBackoff.delay_amount = original
        retries._sleep = original_sleep  # type: ignore[assignment]
