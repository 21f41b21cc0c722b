"""The local endpoint server under hostile clients (issue 11, item 10).

The real server process (``python -m sagemaker_lite.local.serving.server``) with an echo runtime
(tests/support/echo_runtime.py): idle connections cannot make it grow a thread each
forever, and malformed framing is answered ``400``, not dropped.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sagemaker_lite.local.serving.server import MAX_CONNECTIONS

pytestmark = pytest.mark.local

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


class Server:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.port = port

    def threads(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
        raise AssertionError("no Threads line")

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=30)

    def raw(self, request: bytes) -> bytes:
        """Send ``request`` on a fresh connection, half-close, return everything the server answers."""
        with self.connect() as sock:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def invoke(self, body: bytes) -> dict[str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", "/invocations", body=body, headers={"Content-Type": "text/plain"})
            response = connection.getresponse()
            assert response.status == 200
            answer: dict[str, str] = json.loads(response.read())
            return answer
        finally:
            connection.close()


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    extra = getattr(request, "param", [])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), str(TESTS), env.get("PYTHONPATH", "")) if p)
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "sagemaker_lite.local.serving.server", "--model-dir", str(tmp_path)),
            *("--port-file", str(port_file), "--loader", "support.echo_runtime:load", *extra),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        yield Server(process, int(port_file.read_text()))
    finally:
        process.kill()
        process.wait(10)


def test_idle_connections_do_not_grow_threads_and_requests_still_get_through(server: Server) -> None:
    idle = [server.connect() for _ in range(300)]
    try:
        time.sleep(0.5)  # let the server accept what it will (not a timing assertion: a settling pause)
        assert server.invoke(b"hello")["body"] == "hello"  # a new client is served despite 300 idle ones
        assert server.threads() <= MAX_CONNECTIONS + 4
        for _ in range(5):
            assert server.invoke(b"again")["body"] == "again"
        assert server.threads() <= MAX_CONNECTIONS + 4
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize("server", [["--idle-timeout", "0.5"]], indirect=True)
def test_an_idle_connection_is_closed_after_the_idle_timeout(server: Server) -> None:
    with server.connect() as sock:
        sock.settimeout(30)
        assert sock.recv(1) == b""  # closed by the server, well before our 30 s deadline
    with server.connect() as sock:  # and one that stalls inside its body
        sock.settimeout(30)
        sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        assert answer == b"" or answer.startswith(b"HTTP/1.1 400")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nhello",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nshort",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nhello\r\n0\r\n\r\n",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nhello",
    ],
    ids=[
        "negative-length",
        "non-numeric-length",
        "conflicting-lengths",
        "body-shorter-than-length",
        "bad-chunk-size",
        "negative-chunk-size",
        "chunk-longer-than-size",
        "truncated-chunk",
        "unknown-transfer-encoding",
    ],
)
def test_malformed_framing_is_answered_400(server: Server, request_bytes: bytes) -> None:
    answer = server.raw(request_bytes)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"Connection: close" in answer
    assert server.invoke(b"still serving")["body"] == "still serving"


def test_well_formed_chunked_and_empty_bodies_are_read_whole(server: Server) -> None:
    chunked = (
        b"POST /invocations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
    )
    answer = server.raw(chunked)
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"body": "hello world"' in answer
    answer = server.raw(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"body": ""' in answer
