"""The one AWS-double interface of the test suite: one call record, one handler shape, two wirings.

Every double that stands in for AWS in these tests is an ``AWSDouble``:

* it answers through ONE handler shape, per operation: ``handler(params) -> response dict``,
  registered with ``double.on("CreateTrainingJob", handler)`` (or ``"s3.PutObject"`` when the
  double answers several services). A handler refuses by raising ``ServiceError(code, message,
  status)``; botocore then raises the client's modeled exception (``ClientError`` subclass)
  with that code, exactly as for a real error response;
* it keeps ONE recording, ``double.calls``: a list of ``Call(service, operation, params,
  timestamp)``, with the same queries everywhere (``count``, ``calls_to``, ``params_of``,
  ``operations``);
* it injects faults the same way (``fail_next``, ``fail_randomly``): a planned error response
  before the handler runs.

Two wirings put a double behind a REAL boto3/botocore client (like httpx's MockTransport:
the client never knows), chosen by what the test needs:

``layer="call"``  (``RecordingAWS``, the hosting fake, the offline refuser) ``before-parameter-build``
                  records the call, botocore validates the parameters against the service
                  model, then ``before-call`` short-circuits with the handler's parsed response.
                  Fast, any protocol (S3, STS, runtime), no retries (nothing is sent); the
                  handler's dict IS the parsed response (types as the handler wrote them).
``layer="wire"``  (the scripted SageMaker and Logs doubles, ``support.scripted``) ``before-send``:
                  botocore also serializes and signs the request, parses the JSON-protocol
                  response (timestamps become datetimes) and runs its real retry logic, so
                  throttling and lost responses behave as on the wire. JSON protocol only.

The other two doubles meet the same interface where they can: ``PassThrough`` records (same
``Call`` list) the calls a boto3 session sends to the real moto server without answering them,
and the fault proxy (``support.fault_proxy``), an HTTP proxy in front of moto, records every
request it receives as a ``Call`` too. botocore's own ``Stubber`` is kept where a test states
the exact request it expects, in order (the request-builder tests): that is what Stubber is for.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NamedTuple

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse

JsonDict = dict[str, Any]
#: the one handler shape: the operation's parameters in, the response dict out (or raise ServiceError)
OperationHandler = Callable[[JsonDict], JsonDict]

#: HTTP status that AWS uses for an error code, when a test does not say.
DEFAULT_ERROR_STATUS: dict[str, int] = {
    "InternalFailure": 500,
    "InternalServerError": 500,
    "InternalError": 500,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
    "404": 404,
    "NoSuchKey": 404,
    "NoSuchBucket": 404,
    "SlowDown": 503,
}


class Call(NamedTuple):
    """One request that reached a double (retries included)."""

    service: str  # botocore's service name: "sagemaker", "s3", "sts", "logs", "sagemaker-runtime"
    operation: str  # "CreateTrainingJob"
    params: JsonDict
    timestamp: float = 0.0


class ServiceError(Exception):
    """Raised by an operation handler; becomes the service's error response (a modeled ClientError)."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status if status is not None else DEFAULT_ERROR_STATUS.get(code, 400)


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


class CallLog:
    """``calls`` and the queries every double answers the same way."""

    calls: list[Call]

    def count(self, operation: str) -> int:
        return sum(1 for c in self.calls if c.operation == operation)

    def calls_to(self, operation: str) -> list[Call]:
        return [c for c in self.calls if c.operation == operation]

    def params_of(self, operation: str) -> list[JsonDict]:
        return [c.params for c in self.calls if c.operation == operation]

    def call_times(self, operation: str) -> list[float]:
        return [c.timestamp for c in self.calls if c.operation == operation]

    def operations(self) -> list[str]:
        """``["sts.GetCallerIdentity", "sagemaker.CreateTrainingJob", ...]`` in call order."""
        return [f"{c.service}.{c.operation}" for c in self.calls]


def service_of(model: Any) -> str:
    """botocore's service name of an operation or service model ("s3" for S3, whatever the endpoint)."""
    service_model = getattr(model, "service_model", model)
    return str(service_model.service_name)


class AWSDouble(CallLog):
    """Base class: handlers, the call log, fault injection, and installing on real clients.

    ``layer`` says where the double plugs into botocore (see the module docstring).
    ``answers`` False makes a recorder that lets every call through (``PassThrough``).
    """

    layer: ClassVar[Literal["call", "wire"]] = "call"
    answers: ClassVar[bool] = True
    #: set by single-service doubles: ``install`` refuses a client of another service
    service_name: ClassVar[str] = ""

    def __init__(
        self,
        handlers: dict[str, OperationHandler] | None = None,
        *,
        region: str = "us-west-2",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.region = region
        self.clock = clock
        self.handlers: dict[str, OperationHandler] = dict(handlers or {})
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self._planned: dict[str, deque[_Planned]] = {}
        self._random: tuple[float, tuple[str, ...], random.Random, frozenset[str] | None] | None = None
        self._installed: list[tuple[Any, str, str]] = []
        self._uninstalled = False
        self._lock = threading.RLock()
        self._uid = f"{type(self).__name__}-{id(self)}"

    # -- the handler shape -----------------------------------------------------------------------
    def on(self, operation: str, handler: OperationHandler) -> None:
        """Answer ``operation`` ("CreateTrainingJob", or "s3.PutObject" for a multi-service double)."""
        self.handlers[operation] = handler

    def handle(self, call: Call) -> JsonDict:
        """The response for ``call``: its handler's result; ``ServiceError`` for an error response."""
        handler = self.handlers.get(f"{call.service}.{call.operation}") or self.handlers.get(call.operation)
        if handler is None:
            raise NotImplementedError(
                f"{type(self).__name__} does not answer {call.service}.{call.operation}; use .on()"
            )
        return handler(call.params)

    def record(self, service: str, operation: str, params: JsonDict) -> Call:
        with self._lock:
            call = Call(service, operation, params, self.clock())
            self.calls.append(call)
            return call

    def respond(self, call: Call) -> JsonDict:
        """Planned faults first, then ``handle``; both may raise ``ServiceError``."""
        with self._lock:
            self._inject_planned_faults(call.operation, call.timestamp)
            return self.handle(call)

    # -- fault injection -------------------------------------------------------------------------
    def fail_next(
        self,
        operation: str,
        n: int = 1,
        code: str = "ThrottlingException",
        status: int | None = None,
        message: str | None = None,
    ) -> None:
        """The next ``n`` requests of ``operation`` get an error response (before the handler runs)."""
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

    def clear_calls(self) -> None:
        self.calls.clear()
        self.faults.clear()

    # -- wiring ----------------------------------------------------------------------------------
    def boto_session(self) -> boto3.Session:
        """A boto3 session (fake keys, this region) whose clients are answered by this double."""
        session = boto3.Session(region_name=self.region, aws_access_key_id="testing", aws_secret_access_key="testing")
        return self.install(session)

    def client(self, service: str, **kwargs: Any) -> Any:
        return self.boto_session().client(service, **kwargs)

    def install(self, target: Any) -> Any:
        """Answer (or, for a pass-through, record) the calls of a client or of every client a session makes.

        ``target``: a botocore/boto3 client, a ``boto3.Session`` or a ``botocore.session.Session``.
        Returns ``target``. Clients need some credentials (any fake ones) and a region.
        """
        if hasattr(target, "meta") and hasattr(target.meta, "events"):
            model = target.meta.service_model
            if self.service_name and model.service_name != self.service_name:
                raise ValueError(f"{type(self).__name__} answers {self.service_name!r}, not {model.service_name!r}")
            emitter, suffix = target.meta.events, f".{model.service_id.hyphenize()}"
        else:
            session = getattr(target, "_session", target)
            if not isinstance(session, botocore.session.Session):
                raise TypeError(f"cannot install on {target!r}: expected a client or a session")
            suffix = ""
            if self.service_name:
                suffix = f".{session.get_service_model(self.service_name).service_id.hyphenize()}"
            emitter = session
        if self.layer == "wire":
            hooks: list[tuple[str, Callable[..., Any]]] = [(f"before-send{suffix}", self._on_send)]
        else:
            hooks = [(f"before-parameter-build{suffix}", self._on_parameters)]
            if self.answers:
                hooks.append((f"before-call{suffix}", self._on_call))
        for event, hook in hooks:
            uid = f"{self._uid}-{event}"
            emitter.register(event, hook, unique_id=uid)
            self._installed.append((emitter, event, uid))
        self._uninstalled = False
        return target

    def uninstall(self) -> None:
        """Unregister everywhere; clients made from an installed session then fail loudly or reach nothing."""
        for emitter, event, uid in self._installed:
            emitter.unregister(event, unique_id=uid)
        self._installed.clear()
        self._uninstalled = True

    def __enter__(self) -> AWSDouble:
        return self

    def __exit__(self, *exc: object) -> None:
        self.uninstall()

    # call layer: record the kwargs, let botocore validate them, answer with a parsed response
    def _on_parameters(self, params: JsonDict, model: Any, context: dict[str, Any] | None = None, **_: Any) -> None:
        call = self.record(service_of(model), model.name, dict(params))
        if context is not None:  # botocore's per-request context: the call finds its own record, thread or not
            context[self._uid] = call

    def _on_call(self, model: Any, context: dict[str, Any] | None = None, **_: Any) -> tuple[AWSResponse, JsonDict]:
        call = (context or {}).get(self._uid)
        if call is None:
            service = service_of(model)
            with self._lock:
                call = next(c for c in reversed(self.calls) if c.operation == model.name and c.service == service)
        metadata = {"HTTPStatusCode": 200, "RequestId": "double", "HTTPHeaders": {}, "RetryAttempts": 0}
        try:
            response = self.respond(call)
        except ServiceError as err:
            metadata["HTTPStatusCode"] = err.status
            error = {"Error": {"Code": err.code, "Message": err.message}, "ResponseMetadata": metadata}
            return AWSResponse("https://double.invalid", err.status, {}, None), error
        return AWSResponse("https://double.invalid", 200, {}, None), {"ResponseMetadata": metadata, **response}

    def _on_send(self, request: Any, **_: Any) -> AWSResponse:  # the wire layer: see support.scripted
        raise NotImplementedError(f"{type(self).__name__} has no wire layer")


class RecordingAWS(AWSDouble):
    """``aws = RecordingAWS({"sts.GetCallerIdentity": lambda p: {...}})``; ``aws.boto_session()``.

    Any service; keys are ``"service.Operation"``. An operation without a handler fails the test.
    """


class PassThrough(AWSDouble):
    """Records every call of the clients it is installed on, and lets them go (to moto, say)."""

    answers = False


class RefusingAWS(AWSDouble):
    """Records and refuses every call: ``assert refuser.calls == []`` proves nothing was attempted."""

    def handle(self, call: Call) -> JsonDict:
        raise AssertionError(f"unexpected AWS request: {call.service}.{call.operation}")
