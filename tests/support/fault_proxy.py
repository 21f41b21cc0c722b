"""A fault-injecting HTTP proxy on 127.0.0.1, between real botocore clients and the moto server.

    with FaultProxy(moto.url, FaultPlan(throttle=0.2, server_error=0.1, reset=0.05, seed=7)) as proxy:
        session = Session(boto_session=..., endpoint_url=proxy.url)
        ...
        proxy.forwarded_creates          # {training job name: creates that reached moto}

Clients use ``endpoint_url=proxy.url``; every request is read in full, then, per a SEEDED
random draw (one per request, in arrival order), either forwarded to moto unchanged or
failed in one of these ways:

``throttle``      the service's throttling error, in its protocol: JSON protocol (SageMaker,
                  Logs) ``400 {"__type": "ThrottlingException", ...}``; rest-json (SageMaker
                  runtime) ``400`` with ``x-amzn-ErrorType: ThrottlingException``; query (STS,
                  IAM) ``400 <ErrorResponse><Error><Code>Throttling</Code>...``; S3 (rest-xml)
                  ``503 <Error><Code>SlowDown</Code>...``. botocore classifies all of these as
                  throttling (standard mode) and retries them.
``server_error``  500 ``InternalFailure``/``InternalError`` or 503 ``ServiceUnavailable``.
``reset``         the connection is reset (RST, no response) BEFORE the request reaches moto.
``lost``          the request is forwarded, moto ACTS, then the connection is reset: the
                  response is lost after the server acted (the duplicate-create trap).
``slow``          the request is forwarded, moto acts, and the response is held back
                  ``slow_seconds`` (longer than the clients' read timeout), so the client
                  times out and retries a request that already took effect.
``hang``          the request is read and never answered nor forwarded (a server that accepts and
                  never answers: the "black hole"); the connection stays open until ``stop()``.

moto accepts a duplicate CreateTrainingJob / CreateModel / CreateEndpointConfig / CreateEndpoint
silently (it overwrites), so the proxy enforces SageMaker's uniqueness rules itself: a create
for a name it has already forwarded successfully is answered WITHOUT forwarding, with
``ResourceInUse`` "Training job names must be unique ..." for training jobs and
``ValidationException`` "Cannot create already existing ..." for hosting resources (deleting a
hosting resource frees its name). ``forwarded_creates`` counts, per training job name, the
creates that reached moto: exactly one per fit is the proof that no job was duplicated.

``rate_limits`` (e.g. ``{"DescribeLogStreams": 5}``) throttles an operation beyond N accepted
requests in any 1 s window, as AWS does; such throttles are counted in ``rate_limited``.

Like every AWS double of the suite (support.aws_double), the proxy keeps ONE recording of what
reached it: ``proxy.calls``, a list of ``Call(service, operation, params, timestamp)`` (params for
the JSON-protocol services, ``{}`` otherwise), with the shared queries (``count``, ``calls_to``,
``params_of``, ``operations``); ``proxy.records`` adds what was done with each request.

Everything stays on 127.0.0.1; handler threads are daemons; ``stop()`` (or the hard
``deadline``, in seconds) closes the listener and every open client connection.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import re
import socket
import struct
import threading
import time
import urllib.parse
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

from .aws_double import Call, CallLog

ACCOUNT = "123456789012"
FAULT_KINDS = ("throttle", "server_error", "reset", "lost", "slow", "hang")
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/")
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "expect",
        "content-length",
    }
)
#: SageMaker hosting creates and deletes the proxy keeps unique: operation -> (kind, name field)
_HOSTING_CREATES = {
    "CreateModel": ("model", "ModelName"),
    "CreateEndpointConfig": ("endpoint configuration", "EndpointConfigName"),
    "CreateEndpoint": ("endpoint", "EndpointName"),
}
_HOSTING_DELETES = {
    "DeleteModel": ("model", "ModelName"),
    "DeleteEndpointConfig": ("endpoint configuration", "EndpointConfigName"),
    "DeleteEndpoint": ("endpoint", "EndpointName"),
}
_ARN_KIND = {"model": "model", "endpoint configuration": "endpoint-config", "endpoint": "endpoint"}


@dataclass(frozen=True)
class FaultPlan:
    """Probabilities per request (they add up; the rest is forwarded untouched) and a seed."""

    throttle: float = 0.0
    server_error: float = 0.0
    reset: float = 0.0
    lost: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 1.5
    hang: float = 0.0
    seed: int = 0
    #: botocore service signing names that get faults (None: all); e.g. {"sagemaker", "logs"}
    services: frozenset[str] | None = None
    #: only these operations get faults (None: all)
    operations: frozenset[str] | None = None
    #: operations that never get faults
    exempt_operations: frozenset[str] = frozenset()
    #: at most this many faults per operation (None: no cap), e.g. 1 to lose only the first response
    max_per_operation: int | None = None
    rate_limits: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        total = sum(getattr(self, kind) for kind in FAULT_KINDS)
        if total > 1.0:
            raise ValueError(f"fault probabilities add up to {total} > 1")


NO_FAULTS = FaultPlan()


class Record(NamedTuple):
    """One request the proxy received: when (monotonic), what, and what was done with it."""

    timestamp: float
    service: str
    operation: str
    action: str  # "forwarded", a fault kind, "duplicate" (uniqueness emulation) or "rate_limited"
    status: int  # HTTP status sent (0 when the connection was reset / the response was lost)


@dataclass
class _Request:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes
    service: str
    region: str
    protocol: str  # "json", "rest-json", "query", "rest-xml"
    operation: str
    params: dict[str, Any]


def identify(
    method: str, path: str, headers: Mapping[str, str], body: bytes
) -> tuple[str, str, str, str, dict[str, Any]]:
    """(service, region, protocol, operation, params) of a signed AWS request."""
    lowered = {k.lower(): v for k, v in headers.items()}
    match = _CREDENTIAL.search(lowered.get("authorization", ""))
    service = match.group("service") if match else "unknown"
    region = match.group("region") if match else "us-east-1"
    target = lowered.get("x-amz-target", "")
    params: dict[str, Any] = {}
    if target:
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = {}
        return service, region, "json", target.rpartition(".")[2], params
    content_type = lowered.get("content-type", "")
    if "x-www-form-urlencoded" in content_type:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        return service, region, "query", form.get("Action", ["Unknown"])[0], {}
    if service == "s3":
        return service, region, "rest-xml", s3_operation(method, path, lowered), {}
    parsed = urllib.parse.urlsplit(path).path
    if parsed.startswith("/endpoints/") and parsed.endswith("/invocations"):
        return service, region, "rest-json", "InvokeEndpoint", {}
    return service, region, "rest-json", f"{method} {parsed}", {}


def s3_operation(method: str, path: str, headers: Mapping[str, str]) -> str:
    """A readable S3 operation name for counters (path-style requests)."""
    parts = urllib.parse.urlsplit(path)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    has_key = "/" in parts.path.strip("/")
    if method == "PUT":
        if not has_key:
            return "CreateBucket"
        if "x-amz-copy-source" in headers:
            return "CopyObject"
        return "UploadPart" if "partNumber" in query else "PutObject"
    if method == "HEAD":
        return "HeadObject" if has_key else "HeadBucket"
    if method == "GET":
        if not has_key:
            return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
        return "GetObject"
    if method == "POST":
        return "CreateMultipartUpload" if "uploads" in query else "CompleteMultipartUpload"
    if method == "DELETE":
        return "DeleteObject" if has_key else "DeleteBucket"
    return f"{method} s3"


def _request_id() -> str:
    return str(uuid.uuid4())


def error_response(
    protocol: str, service: str, code: str, message: str, status: int
) -> tuple[int, list[tuple[str, str]], bytes]:
    """An error response in the request's protocol, the way AWS sends it."""
    rid = _request_id()
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)], body
    if protocol == "rest-json":
        body = json.dumps({"message": message}).encode()
        headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", rid), ("x-amzn-ErrorType", code)]
        return status, headers, body
    if protocol == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f'<ErrorResponse xmlns="https://{service}.amazonaws.com/doc/2011-06-15/"><Error><Type>{kind}</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
        ).encode()
        return status, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)], body
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
        f"<RequestId>{rid[:16]}</RequestId><HostId>{rid}</HostId></Error>"
    ).encode()
    return status, [("Content-Type", "application/xml"), ("x-amz-request-id", rid[:16])], body


def throttle_response(protocol: str, service: str) -> tuple[int, list[tuple[str, str]], bytes]:
    if protocol == "rest-xml":
        return error_response(protocol, service, "SlowDown", "Please reduce your request rate.", 503)
    if protocol == "query":
        return error_response(protocol, service, "Throttling", "Rate exceeded", 400)
    return error_response(protocol, service, "ThrottlingException", "Rate exceeded", 400)


def server_error_response(protocol: str, service: str, rng: random.Random) -> tuple[int, list[tuple[str, str]], bytes]:
    if rng.random() < 0.5:
        return error_response(protocol, service, "ServiceUnavailable", "Service is unavailable", 503)
    code = "InternalError" if protocol == "rest-xml" else "InternalFailure"
    return error_response(protocol, service, code, "We encountered an internal error. Please try again.", 500)


class FaultProxy(CallLog):
    """See the module docstring. ``FaultProxy(upstream_url, plan).start()`` / ``.stop()``, or ``with``."""

    def __init__(self, upstream: str, plan: FaultPlan = NO_FAULTS, *, deadline: float = 600.0) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        if parsed.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the proxy only forwards to 127.0.0.1, not {upstream}")
        self.upstream_host = "127.0.0.1"
        self.upstream_port = int(parsed.port or 80)
        self.plan = plan
        self.deadline = deadline
        self.records: list[Record] = []
        self.calls: list[Call] = []  # the shared recording (support.aws_double.CallLog)
        self.forwarded: Counter[str] = Counter()
        self.forwarded_creates: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self._rng = random.Random(plan.seed)
        self._lock = threading.Lock()
        self._names: set[tuple[str, str]] = set()  # (kind, name) of existing SageMaker resources
        self._window: dict[str, deque[float]] = {}
        self._faulted: Counter[str] = Counter()
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        server = _Server(("127.0.0.1", 0), Handler)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.deadline, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop listening, wake held responses and close every client connection. Idempotent."""
        self._stopping.set()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for sock in connections:
            _reset(sock)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_plan(self, plan: FaultPlan) -> None:
        with self._lock:
            self.plan = plan
            self._rng = random.Random(plan.seed)
            self._faulted.clear()

    # -- queries -----------------------------------------------------------------------------------
    def times(self, operation: str, *, actions: Iterable[str] | None = None) -> list[float]:
        wanted = set(actions) if actions is not None else None
        with self._lock:
            return [
                r.timestamp for r in self.records if r.operation == operation and (wanted is None or r.action in wanted)
            ]

    def count(self, operation: str) -> int:
        with self._lock:
            return sum(1 for r in self.records if r.operation == operation)

    def fault_total(self) -> int:
        with self._lock:
            return sum(self.faults.values())

    # -- the decision --------------------------------------------------------------------------------
    def _decide(self, request: _Request) -> str:
        with self._lock:
            plan = self.plan
            limit = plan.rate_limits.get(request.operation)
            if limit is not None:
                now = time.monotonic()
                window = self._window.setdefault(request.operation, deque())
                while window and window[0] <= now - 1.0:
                    window.popleft()
                if len(window) >= limit:
                    return "rate_limited"
                window.append(now)
            draw = self._rng.random()  # drawn for every request, so the schedule depends only on order
            if request.operation in plan.exempt_operations:
                return "forward"
            if plan.operations is not None and request.operation not in plan.operations:
                return "forward"
            if plan.services is not None and request.service not in plan.services:
                return "forward"
            if plan.max_per_operation is not None and self._faulted[request.operation] >= plan.max_per_operation:
                return "forward"
            edge = 0.0
            for kind in FAULT_KINDS:
                edge += getattr(plan, kind)
                if draw < edge:
                    self._faulted[request.operation] += 1
                    return kind
            return "forward"

    def _server_error(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes]:
        with self._lock:
            return server_error_response(request.protocol, request.service, self._rng)

    def _record(self, request: _Request, action: str, status: int) -> None:
        with self._lock:
            now = time.monotonic()
            self.records.append(Record(now, request.service, request.operation, action, status))
            runtime = request.protocol == "rest-json" and request.service == "sagemaker"  # signed as sagemaker
            service = "sagemaker-runtime" if runtime else request.service
            self.calls.append(Call(service, request.operation, request.params, now))
            if action in FAULT_KINDS:
                self.faults[action] += 1
            elif action == "duplicate":
                self.duplicates[request.operation] += 1
            elif action == "rate_limited":
                self.rate_limited[request.operation] += 1

    # -- SageMaker's uniqueness rules (moto does not enforce them) -----------------------------------
    def _reserve(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """None when the create may go on (the name is now reserved), else the duplicate error."""
        if request.service != "sagemaker" or request.protocol != "json":
            return None
        operation = request.operation
        if operation == "CreateTrainingJob":
            name = str(request.params.get("TrainingJobName", ""))
            key = ("training job", name)
            message = (
                "Training job names must be unique within an AWS account and region, and a training job with "
                f"this name already exists (arn:aws:sagemaker:{request.region}:{ACCOUNT}:training-job/{name.lower()})"
            )
            code = "ResourceInUse"
        elif operation in _HOSTING_CREATES:
            kind, field_name = _HOSTING_CREATES[operation]
            name = str(request.params.get(field_name, ""))
            key = (kind, name)
            arn = f"arn:aws:sagemaker:{request.region}:{ACCOUNT}:{_ARN_KIND[kind]}/{name.lower()}"
            message = f'Cannot create already existing {kind} "{arn}".'
            code = "ValidationException"
        else:
            return None
        with self._lock:
            if key in self._names:
                return error_response("json", "sagemaker", code, message, 400)
            self._names.add(key)
        return None

    def _after_forward(self, request: _Request, status: int) -> None:
        if request.service != "sagemaker" or request.protocol != "json":
            return
        operation = request.operation
        with self._lock:
            if operation == "CreateTrainingJob":
                name = str(request.params.get("TrainingJobName", ""))
                self.forwarded_creates[name] += 1
                if status != 200:
                    self._names.discard(("training job", name))
            elif operation in _HOSTING_CREATES:
                kind, field_name = _HOSTING_CREATES[operation]
                if status != 200:
                    self._names.discard((kind, str(request.params.get(field_name, ""))))
            elif operation in _HOSTING_DELETES and status == 200:
                kind, field_name = _HOSTING_DELETES[operation]
                self._names.discard((kind, str(request.params.get(field_name, ""))))

    # -- forwarding ----------------------------------------------------------------------------------
    def _forward(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in request.headers if k.lower() not in _HOP_BY_HOP}
            headers["Content-Length"] = str(len(request.body))
            connection.request(request.method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            if request.method == "HEAD":
                length = response.getheader("Content-Length")
                if length is not None:
                    kept.append(("Content-Length", length))
            return response.status, kept, body
        finally:
            connection.close()

    def handle(self, request: _Request) -> tuple[str, tuple[int, list[tuple[str, str]], bytes] | None]:
        """(action, response or None for "close the connection without answering")."""
        action = self._decide(request)
        if action == "rate_limited" or action == "throttle":
            response = throttle_response(request.protocol, request.service)
            self._record(request, action, response[0])
            return action, response
        if action == "server_error":
            response = self._server_error(request)
            self._record(request, action, response[0])
            return action, response
        if action == "reset":
            self._record(request, action, 0)
            return action, None
        if action == "hang":
            self._record(request, action, 0)
            self._stopping.wait()
            return action, None
        duplicate = self._reserve(request)
        if duplicate is not None:  # answered at once: a "lost"/"slow" draw did not apply
            if action != "forward":
                with self._lock:
                    self._faulted[request.operation] -= 1
            self._record(request, "duplicate", duplicate[0])
            return "duplicate", duplicate
        try:
            response = self._forward(request)
        except BaseException:
            self._after_forward(request, 0)
            raise
        self._after_forward(request, response[0])
        with self._lock:
            self.forwarded[request.operation] += 1
        if action == "lost":
            self._record(request, action, 0)
            return action, None
        if action == "slow":
            self._record(request, action, response[0])
            self._stopping.wait(self.plan.slow_seconds)
            return action, response
        self._record(request, "forwarded", response[0])
        return "forwarded", response

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0): the peer sees 'connection reset', never a response."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"
    timeout = 120  # an idle keep-alive connection is dropped after this (stop() drops them all)

    def setup(self) -> None:
        super().setup()
        self.owner._track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.owner._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the records are the log."""

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        headers = list(self.headers.items())
        service, region, protocol, operation, params = identify(self.command, self.path, dict(headers), body)
        request = _Request(self.command, self.path, headers, body, service, region, protocol, operation, params)
        try:
            _, response = self.owner.handle(request)
        except (OSError, http.client.HTTPException) as exc:  # moto unreachable: a 502, visible in the test
            response = (502, [("Content-Type", "text/plain")], str(exc).encode())
        if response is None or self.owner._stopping.is_set():
            self.close_connection = True
            self.wfile.flush()
            _reset(self.connection)
            return
        status, response_headers, payload = response
        try:
            self.send_response_only(status)
            for key, value in response_headers:
                self.send_header(key, value)
            if self.command != "HEAD" or not any(k.lower() == "content-length" for k, _ in response_headers):
                self.send_header("Content-Length", str(len(payload) if self.command != "HEAD" else 0))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()
        except OSError:  # the client gave up (read timeout): nothing to do
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = _serve


def max_in_window(times: Iterable[float], window: float = 1.0) -> int:
    """The largest number of timestamps inside any half-open interval of ``window`` seconds."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def mean_rate(times: Iterable[float]) -> float:
    """Requests per second between the first and the last (0 for fewer than two)."""
    ordered = sorted(times)
    if len(ordered) < 2 or ordered[-1] == ordered[0]:
        return 0.0
    return (len(ordered) - 1) / (ordered[-1] - ordered[0])
