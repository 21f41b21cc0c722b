"""The local endpoint's server process: TensorFlow Serving's REST API plus SageMaker's /ping and /invocations.

    python -m sagemaker_lite.local.server --model-dir <extracted model.tar.gz> --port-file <path>

``LocalSageMakerClient.create_endpoint`` starts one of these per production variant (in
its own process group, so ``delete_endpoint`` stops it and a crash stays contained). It
binds ``127.0.0.1`` on a free port, loads every SavedModel of the artifact (all numeric
versions, as the SageMaker container configures TensorFlow Serving), imports
``code/inference.py`` if there is one, and only then writes the port to ``--port-file``:
from that moment ``/ping`` answers 200. Routes::

    GET  /ping                                              200 once the models are loaded
    POST /invocations                                       see invocations.py
    GET  /v1/models/<name>[/versions/<v>]                   model status
    GET  /v1/models/<name>[/versions/<v>]/metadata          signature defs
    POST /v1/models/<name>[/versions/<v>]:predict|classify|regress

HTTP/1.1 keep-alive, one thread per connection, ``TCP_NODELAY`` on every accepted socket
and each response written with a single ``send``, so a request costs one round trip.
Startup errors (no TensorFlow, no SavedModel, bad ``inference.py``) are printed to stderr,
which goes to the endpoint's log, and written to ``--failure-file``; the process exits with
status 2 and the endpoint becomes ``Failed`` with that message leading its FailureReason.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .invocations import Invocations, load_handlers
from .tfs_models import DEFAULT_MODEL_ENV, ModelLayoutError, default_model, find_models

LOGGER = logging.getLogger("sagemaker_lite.local.server")
HOST = "127.0.0.1"
TENSORFLOW_MISSING = (
    "LocalModeError: local endpoints serve SavedModels with TensorFlow itself, and TensorFlow is not installed "
    "in {python}: pip install sagemaker_lite[tensorflow]"
)
_TFS_ROUTE = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+))?(?P<tail>/metadata|:[A-Za-z]+)?$"
)
_ACCESS_LOG_LEVELS = ("debug", "info")


class EndpointHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that turns Nagle off on every connection it accepts."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App) -> None:
        super().__init__(address, RequestHandler)
        self.app = app

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class App:
    """Routing, independent of the HTTP plumbing (the model server and /invocations are set once loaded)."""

    def __init__(self) -> None:
        self.model_server: Any = None
        self.invocations: Invocations | None = None
        self.access_log = os.environ.get("SAGEMAKER_TFS_NGINX_LOGLEVEL", "error").lower() in _ACCESS_LOG_LEVELS

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        path = path.split("?", 1)[0]
        if path == "/ping" and method in ("GET", "POST"):
            return 200, "application/json", b""
        if path == "/invocations" and method == "POST":
            assert self.invocations is not None
            return self.invocations.invoke(body, headers)
        route = _TFS_ROUTE.match(path)
        if route is None:
            return _json(404, {"error": f"Malformed request: {method} {path}"})
        name, version, tail = route.group("name"), route.group("version"), route.group("tail") or ""
        from .tfs import TFSError, error_body

        try:
            if method == "GET" and tail == "":
                return _json(200, self.model_server.status(name, version))
            if method == "GET" and tail == "/metadata":
                return _json(200, self.model_server.servable(name, version).metadata())
            if method == "POST" and tail.startswith(":"):
                status, answer = self.model_server.call(tail[1:], name, version, body)
                return status, "application/json", answer
        except TFSError as exc:
            return exc.status, "application/json", error_body(exc.message)
        return _json(404, {"error": f"Malformed request: {method} {path}"})


def _json(status: int, payload: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload).encode("utf-8")


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body leave together when the handler flushes
    server: EndpointHTTPServer

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self, method: str) -> None:
        started = time.perf_counter()
        body = self._body()
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            status, content_type, answer = self.server.app.handle(method, self.path, headers, body)
        except Exception as exc:  # a bug here must answer, not drop the connection
            LOGGER.exception("error handling %s %s", method, self.path)
            status, content_type, answer = _json(500, {"error": f"{type(exc).__name__}: {exc}"})
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(answer)))
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


def _configure_threads(tf: Any) -> None:
    """The container's ``SAGEMAKER_TFS_INTER_OP_PARALLELISM`` / ``..._INTRA_OP_...`` (0: TensorFlow decides)."""
    for variable, setter in (
        ("SAGEMAKER_TFS_INTER_OP_PARALLELISM", tf.config.threading.set_inter_op_parallelism_threads),
        ("SAGEMAKER_TFS_INTRA_OP_PARALLELISM", tf.config.threading.set_intra_op_parallelism_threads),
    ):
        value = os.environ.get(variable, "0").strip() or "0"
        if value.isdigit() and int(value) > 0:
            setter(int(value))
            LOGGER.info("%s=%s", variable, value)


def _fatal(message: str, failure_file: Path | None) -> int:
    """A startup error: to stderr (the log) and to the failure file (the FailureReason); exit status 2."""
    print(message, file=sys.stderr, flush=True)
    if failure_file is not None:
        with contextlib.suppress(OSError):
            failure_file.write_text(message, encoding="utf-8")
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sagemaker_lite.local.server")
    parser.add_argument("--model-dir", required=True, type=Path)
    parser.add_argument("--port-file", required=True, type=Path)
    parser.add_argument("--failure-file", type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        models = find_models(args.model_dir)
    except ModelLayoutError as exc:
        return _fatal(f"ClientError: {exc}", args.failure_file)
    try:
        import importlib

        tf = importlib.import_module("tensorflow")
    except ImportError:
        return _fatal(TENSORFLOW_MISSING.format(python=sys.executable), args.failure_file)
    _configure_threads(tf)
    app = App()
    httpd = EndpointHTTPServer((HOST, args.port), app)
    port = httpd.server_address[1]
    try:
        handler = load_handlers(args.model_dir / "code")
    except Exception as exc:
        return _fatal(f"inference.py: {type(exc).__name__}: {exc}", args.failure_file)
    from .tfs import ModelServer

    for name, versions in models.items():
        LOGGER.info("loading model %r versions %s", name, sorted(versions))
    try:
        app.model_server = ModelServer(models)
    except Exception as exc:
        return _fatal(f"failed to load the SavedModel: {type(exc).__name__}: {exc}", args.failure_file)
    default = default_model(models, os.environ.get(DEFAULT_MODEL_ENV))
    app.invocations = Invocations(app.model_server, default_model=default, port=port, handler=handler)
    _write_port(args.port_file, port)
    LOGGER.info("serving %s on http://%s:%d (default model %r)", sorted(models), HOST, port, default)
    with contextlib.suppress(KeyboardInterrupt):
        httpd.serve_forever(poll_interval=0.5)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
