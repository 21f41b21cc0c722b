"""The local endpoint's server process: HTTP on 127.0.0.1 in front of one serving runtime.

    python -m sagemaker_lite.local.serving.server --model-dir <extracted model.tar.gz> --port-file <path>
        [--loader sagemaker_lite.local.serving.handlers:load_pytorch] [--code-dir <code>]

``LocalSageMakerClient.create_endpoint`` starts one of these per production variant (in
its own process group, so ``delete_endpoint`` stops it and a crash stays contained). It
binds ``127.0.0.1`` on a free port, calls the runtime's loader (``serving/runtimes.py``:
TensorFlow Serving, the inference-toolkit handlers, ...), which loads the model, and only
then writes the port to ``--port-file``: from that moment ``/ping`` answers. Every request
goes to the runtime's ``handle``.

HTTP/1.1 keep-alive, one thread per connection, ``TCP_NODELAY`` on every accepted socket
and each response written with a single ``send``, so a request costs one round trip.
Connections are bounded: at most ``MAX_CONNECTIONS`` threads; when they are all taken,
the connection idle the longest is closed to make room (as nginx drops idle keep-alive
connections under pressure; HTTP clients reconnect), and a connection that sends
nothing for ``IDLE_TIMEOUT`` seconds is closed. Malformed framing (a negative or
non-numeric ``Content-Length``, a bad chunk size, a body shorter than announced) is
answered ``400 Bad Request`` and the connection closed, never silently dropped.
Startup errors (a missing framework, no model, a bad ``inference.py``, a failing
``model_fn``) are printed to stderr, which goes to the endpoint's log, and written to
``--failure-file``; the process exits with status 2 and the endpoint becomes ``Failed``
with that message leading its FailureReason.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .runtimes import LoadOptions, Reply, Served, StartupError, import_loader

LOGGER = logging.getLogger("sagemaker_lite.local.server")
HOST = "127.0.0.1"
DEFAULT_LOADER = "sagemaker_lite.local.serving.tensorflow:load"
_ACCESS_LOG_LEVELS = ("debug", "info")
#: connection threads at most (the accept loop waits, or closes the longest-idle connection)
MAX_CONNECTIONS = 64
#: seconds a connection may wait for its next request, or stall inside one, before it is closed
IDLE_TIMEOUT = 60.0


class BadRequest(Exception):
    """The request's framing is malformed: answer 400 and close the connection."""


class EndpointHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that turns Nagle off on every connection and bounds its threads."""

    daemon_threads = True
    request_queue_size = 128
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: App, max_connections: int = MAX_CONNECTIONS) -> None:
        super().__init__(address, RequestHandler)
        self.app = app
        self.max_connections = max_connections
        self._slots = threading.Condition()
        #: open connection -> monotonic time it became idle (None while a request is in progress)
        self._connections: dict[socket.socket, float | None] = {}

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    def process_request(self, request: Any, client_address: Any) -> None:
        """Start the connection's thread once a slot is free (closing the longest-idle one if need be)."""
        with self._slots:
            while len(self._connections) >= self.max_connections:
                idle = [(since, sock) for sock, since in self._connections.items() if since is not None]
                if idle:
                    _, oldest = min(idle, key=lambda pair: pair[0])
                    self._connections[oldest] = None  # evicted once
                    with contextlib.suppress(OSError):
                        oldest.shutdown(socket.SHUT_RDWR)  # its thread reads EOF and ends
                self._slots.wait(1.0)
            self._connections[request] = time.monotonic()
        super().process_request(request, client_address)

    def mark(self, connection: socket.socket, idle: bool) -> None:
        with self._slots:
            if connection in self._connections:
                self._connections[connection] = time.monotonic() if idle else None

    def shutdown_request(self, request: Any) -> None:
        with self._slots:
            self._connections.pop(request, None)
            self._slots.notify_all()
        super().shutdown_request(request)


def _json(status: int, payload: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload).encode("utf-8")


class App:
    """The HTTP side's view of the runtime: one ``handle`` for every request (set once loaded)."""

    def __init__(self) -> None:
        self.served: Served | None = None
        level = os.environ.get("SAGEMAKER_TFS_NGINX_LOGLEVEL", "error").lower()
        self.access_log = level in _ACCESS_LOG_LEVELS

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        path = path.split("?", 1)[0]
        if self.served is None:  # pragma: no cover - the port is published only after loading
            return _json(503, {"error": "the model is loading"})
        return self.served.handle(method, path, headers, body)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body leave together when the handler flushes
    timeout = IDLE_TIMEOUT  # socket timeout: an idle or stalled connection is closed
    server: EndpointHTTPServer

    def handle_one_request(self) -> None:
        self.server.mark(self.connection, idle=True)
        super().handle_one_request()

    def parse_request(self) -> bool:
        self.server.mark(self.connection, idle=False)  # the request line has arrived
        return super().parse_request()

    def _read_exactly(self, size: int) -> bytes:
        data = self.rfile.read(size)
        if len(data) != size:
            raise BadRequest(f"the body ended after {len(data)} of {size} bytes")
        return data

    def _body(self) -> bytes:
        encoding = self.headers.get("Transfer-Encoding", "").strip().lower()
        if encoding and encoding != "chunked":
            raise BadRequest(f"Transfer-Encoding {encoding!r} is not supported (chunked is)")
        if encoding == "chunked":
            chunks: list[bytes] = []
            while True:
                line = self.rfile.readline(1024)
                digits = line.split(b";", 1)[0].strip()
                if not line.endswith(b"\n") or not digits or any(c not in b"0123456789abcdefABCDEF" for c in digits):
                    raise BadRequest(f"bad chunk size line {line[:40]!r}")
                size = int(digits, 16)
                if size == 0:
                    while True:  # trailers, up to the empty line
                        trailer = self.rfile.readline(8192)
                        if not trailer.endswith(b"\n"):
                            raise BadRequest("the chunked body ended inside its trailers")
                        if not trailer.strip():
                            return b"".join(chunks)
                chunks.append(self._read_exactly(size))
                if self.rfile.readline(3).strip() != b"":
                    raise BadRequest("a chunk is longer than its size says")
        raw = self.headers.get_all("Content-Length") or []
        if not raw:
            return b""
        text = raw[0].strip()
        if len(set(raw)) != 1 or not (text.isascii() and text.isdigit()):
            raise BadRequest(f"Content-Length {', '.join(raw)!r} is not a non-negative integer")
        length = int(text)
        return self._read_exactly(length) if length else b""

    def _serve(self, method: str) -> None:
        started = time.perf_counter()
        try:
            body = self._body()
        except BadRequest as exc:
            self.send_error(400, "Bad Request", str(exc))  # also closes the connection
            return
        except TimeoutError:
            self.close_connection = True
            return
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            reply = self.server.app.handle(method, self.path, headers, body)
        except Exception as exc:  # a bug here must answer, not drop the connection
            LOGGER.exception("error handling %s %s", method, self.path)
            reply = _json(500, {"error": f"{type(exc).__name__}: {exc}"})
        status, content_type, answer = reply[0], reply[1], reply[2]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(answer)))
        for name, value in (reply[3] if len(reply) > 3 else {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer)
        if self.server.app.access_log:
            elapsed = (time.perf_counter() - started) * 1000
            LOGGER.info("%s %s %d %d %.2fms", method, self.path, status, len(answer), elapsed)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No per-request line here: ``_serve`` logs access when the log level asks for it."""

    def log_message(self, format: str, *args: Any) -> None:
        """Errors of the HTTP layer only (access lines are logged by ``_serve`` when asked for)."""
        LOGGER.warning("%s - %s", self.address_string(), format % args)


def _write_port(path: Path, port: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{port}\n", encoding="utf-8")
    os.replace(tmp, path)


def _fatal(message: str, failure_file: Path | None) -> int:
    """A startup error: to stderr (the log) and to the failure file (the FailureReason); exit status 2."""
    print(message, file=sys.stderr, flush=True)
    if failure_file is not None:
        with contextlib.suppress(OSError):
            failure_file.write_text(message, encoding="utf-8")
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sagemaker_lite.local.serving.server")
    parser.add_argument("--model-dir", required=True, type=Path)
    parser.add_argument("--code-dir", type=Path, help="the inference code (default: <model-dir>/code)")
    parser.add_argument("--loader", default=DEFAULT_LOADER, help="the runtime's 'module:function'")
    parser.add_argument("--port-file", required=True, type=Path)
    parser.add_argument("--failure-file", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-connections", type=int, default=MAX_CONNECTIONS)
    parser.add_argument("--idle-timeout", type=float, default=IDLE_TIMEOUT)
    args = parser.parse_args(argv)
    RequestHandler.timeout = args.idle_timeout
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    app = App()
    httpd = EndpointHTTPServer((HOST, args.port), app, max_connections=args.max_connections)
    port = httpd.server_address[1]
    options = LoadOptions(
        model_dir=args.model_dir,
        code_dir=args.code_dir or args.model_dir / "code",
        port=port,
        environment=dict(os.environ),
    )
    try:
        app.served = import_loader(args.loader)(options)
    except StartupError as exc:
        return _fatal(str(exc), args.failure_file)
    except Exception as exc:
        LOGGER.exception("the model server could not start")
        return _fatal(f"{type(exc).__name__}: {exc}", args.failure_file)
    _write_port(args.port_file, port)
    LOGGER.info("listening on http://%s:%d (%s)", HOST, port, args.loader)
    with contextlib.suppress(KeyboardInterrupt):
        httpd.serve_forever(poll_interval=0.5)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
