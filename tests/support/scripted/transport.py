"""The transport half of the scripted doubles: a ``before-send`` handler that answers for AWS.

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
import random
import re
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError
from botocore.retries import standard as standard_retries

JsonDict = dict[str, Any]
OperationHandler = Callable[[JsonDict], JsonDict]

#: HTTP status that AWS uses for an error code, when a test does not say.
DEFAULT_ERROR_STATUS: dict[str, int] = {
    "InternalFailure": 500,
    "InternalServerError": 500,
    "InternalError": 500,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
}
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")


class ServiceError(Exception):
    """Raised by an operation handler; becomes a JSON-protocol error response."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else DEFAULT_ERROR_STATUS.get(code, 400)


class Call(NamedTuple):
    """One request that reached the double (retries included): ``(operation, params, timestamp)``."""

    operation: str
    params: JsonDict
    timestamp: float


class Fault(NamedTuple):
    """One injected failure: an error response (``code``) or ``"LostResponse"``."""

    operation: str
    code: str
    timestamp: float


@dataclass(frozen=True)
class _Planned:
    code: str
    status: int
    message: str


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


class ScriptedService:
    """Base class: install/uninstall, request decoding, error encoding, fault injection, call log."""

    service_name: ClassVar[str] = ""  # botocore's name: "sagemaker", "logs"

    def __init__(
        self,
        *,
        region: str = "us-west-2",
        account_id: str = "123456789012",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.wall_clock = wall_clock
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.counts: Counter[str] = Counter()
        self._operations: dict[str, OperationHandler] = {}
        self._planned: dict[str, deque[_Planned]] = {}
        self._lost: Counter[str] = Counter()
        self._random: tuple[float, tuple[str, ...], random.Random, frozenset[str] | None] | None = None
        self._installed: list[tuple[Any, str, str]] = []
        self._uninstalled = False
        self._lock = threading.RLock()
        self.current_region = region  # the region of the request being handled
        self._uid = f"scripted-{self.service_name}-{uuid.uuid4()}"

    # -- wiring ----------------------------------------------------------------------------------
    def install(self, target: Any) -> Any:
        """Answer every request of a botocore/boto3 client, or of every client a session makes later.

        ``target``: a client of this service, a ``boto3.Session`` or a ``botocore.session.Session``.
        Returns ``target``. Clients need some credentials (any fake ones) and a region; no endpoint.
        """
        if hasattr(target, "meta") and hasattr(target.meta, "events"):
            model = target.meta.service_model
            if model.service_name != self.service_name:
                raise ValueError(f"{type(self).__name__} answers {self.service_name!r}, not {model.service_name!r}")
            emitter, event = target.meta.events, f"before-send.{model.service_id.hyphenize()}"
        else:
            session = getattr(target, "_session", target)
            if not isinstance(session, botocore.session.Session):
                raise TypeError(f"cannot install on {target!r}: expected a client or a session")
            model = session.get_service_model(self.service_name)
            emitter, event = session, f"before-send.{model.service_id.hyphenize()}"
        emitter.register(event, self._handle, unique_id=self._uid)
        self._installed.append((emitter, event, self._uid))
        self._uninstalled = False
        return target

    def uninstall(self) -> None:
        """Unregister everywhere; clients made from an installed session then fail loudly."""
        for emitter, event, uid in self._installed:
            emitter.unregister(event, unique_id=uid)
        self._installed.clear()
        self._uninstalled = True

    def __enter__(self) -> ScriptedService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.uninstall()

    def on(self, operation: str, handler: OperationHandler) -> None:
        """Script any operation: ``handler(params) -> response dict`` (may raise ``ServiceError``)."""
        self._operations[operation] = handler

    # -- fault injection -------------------------------------------------------------------------
    def fail_next(
        self,
        operation: str,
        n: int = 1,
        code: str = "ThrottlingException",
        status: int | None = None,
        message: str | None = None,
    ) -> None:
        """The next ``n`` requests of ``operation`` get an error response (before the operation runs)."""
        planned = _Planned(
            code,
            status if status is not None else DEFAULT_ERROR_STATUS.get(code, 400),
            message or ("Rate exceeded" if "Throttl" in code else f"Scripted {code}"),
        )
        self._planned.setdefault(operation, deque()).extend([planned] * n)

    def fail_randomly(
        self,
        rate: float,
        codes: Iterable[str] = ("ThrottlingException",),
        seed: int = 0,
        operations: Iterable[str] | None = None,
    ) -> None:
        """Each request (of ``operations``, default all) fails with probability ``rate``; 0 turns it off."""
        ops = frozenset(operations) if operations is not None else None
        self._random = (rate, tuple(codes), random.Random(seed), ops) if rate > 0 else None

    def lose_response(self, operation: str, n: int = 1) -> None:
        """The next ``n`` ``operation`` requests ACT, then the client sees ``ConnectionClosedError``."""
        self._lost[operation] += n

    def lose_response_once(self, operation: str) -> None:
        self.lose_response(operation, 1)

    # -- call log --------------------------------------------------------------------------------
    def count(self, operation: str) -> int:
        return self.counts[operation]

    def calls_to(self, operation: str) -> list[Call]:
        return [c for c in self.calls if c.operation == operation]

    def call_times(self, operation: str) -> list[float]:
        return [c.timestamp for c in self.calls if c.operation == operation]

    def clear_calls(self) -> None:
        self.calls.clear()
        self.faults.clear()
        self.counts.clear()

    # -- request handling ------------------------------------------------------------------------
    def request_region(self, request: Any) -> str:
        """The region the request was signed for (falls back to ``self.region``)."""
        match = _CREDENTIAL_SCOPE.search(str(request.headers.get("Authorization", "")))
        return match.group(1) if match else self.region

    def _handle(self, request: Any, **_: Any) -> AWSResponse:
        if self._uninstalled:
            raise RuntimeError(f"{type(self).__name__} was uninstalled; this client must not reach AWS")
        target = request.headers.get("X-Amz-Target", "")
        target = target.decode() if isinstance(target, bytes) else str(target)
        operation = target.rpartition(".")[2]
        body = request.body or b"{}"
        params: JsonDict = json.loads(body.decode() if isinstance(body, bytes) else body)
        with self._lock:
            now = self.clock()
            self.calls.append(Call(operation, params, now))
            self.counts[operation] += 1
            self.current_region = self.request_region(request)
            try:
                self.before_operation(operation, params, now)
                self._inject_planned_faults(operation, now)
                handler = self._operations.get(operation)
                if handler is None:
                    raise NotImplementedError(f"{type(self).__name__} does not script {operation}; use .on()")
                result = handler(params)
            except ServiceError as err:
                return json_response(request.url, err.status, {"__type": err.code, "message": err.message})
            if self._lost[operation] > 0:
                self._lost[operation] -= 1
                self.faults.append(Fault(operation, "LostResponse", now))
                raise ConnectionClosedError(endpoint_url=request.url)
            return json_response(request.url, 200, result)

    def before_operation(self, operation: str, params: JsonDict, now: float) -> None:
        """Hook for subclasses (e.g. rate limits); may raise ``ServiceError``."""

    def _inject_planned_faults(self, operation: str, now: float) -> None:
        queue = self._planned.get(operation)
        planned = queue.popleft() if queue else None
        if planned is None and self._random is not None:
            rate, codes, rng, ops = self._random
            if (ops is None or operation in ops) and rng.random() < rate:
                code = rng.choice(codes)
                planned = _Planned(
                    code,
                    DEFAULT_ERROR_STATUS.get(code, 400),
                    "Rate exceeded" if "Throttl" in code else f"Scripted {code}",
                )
        if planned is not None:
            self.faults.append(Fault(operation, planned.code, now))
            raise ServiceError(planned.code, planned.message, planned.status)


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
