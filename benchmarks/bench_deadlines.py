"""How long fit(wait=False), deploy() and predict() take to fail when the service never answers.

    python benchmarks/bench_deadlines.py            # ~5 minutes at most, every probe in parallel

Two servers on 127.0.0.1, no AWS: a "black hole" that accepts connections and reads requests
but never answers, and a port where nothing listens ("gone": connection refused, as when the
server was killed). Each SDK runs each operation in its own process (deadline_probe.py) with
its DEFAULT timeouts and retries. A probe still blocked after CAP seconds is killed and shown
as "> CAP". Results: benchmarks/results/deadlines.md.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _machine import machine_lines  # noqa: E402
from sidevenv import OFFICIAL_VERSION, official_python  # noqa: E402

RESULT = HERE / "results" / "deadlines.md"
CAP = 300.0
OPERATIONS = ("fit", "deploy", "predict")


class BlackHole:
    """Accepts every connection and reads from it until closed; never writes a byte."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._swallow, args=(conn,), daemon=True).start()

    def _swallow(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    if not conn.recv(65536):
                        return
                except OSError:
                    return


def gone_url() -> str:
    """A 127.0.0.1 port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def start_probe(python: str, which: str, what: str, url: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/x"}
    )
    command = [python, str(HERE / "deadline_probe.py"), which, what, url]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def collect(process: subprocess.Popen[str], deadline: float) -> dict[str, Any]:
    try:
        out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        return {"seconds": None, "error": "still retrying", "message": "", "retry_lines": _retries(err)}
    line = next((x for x in reversed(out.splitlines()) if x.startswith("RESULT ")), None)
    if line is None:
        return {"seconds": None, "error": "(probe crashed)", "message": err.strip().splitlines()[-1:], "retry_lines": 0}
    result = dict(json.loads(line[len("RESULT ") :]))
    result["retry_lines"] = _retries(err)
    return result


def _retries(stderr: str) -> int:
    return sum(1 for line in stderr.splitlines() if "retrying in" in line)


def cell(result: dict[str, Any]) -> str:
    seconds = f"{result['seconds']:.1f} s" if result["seconds"] is not None else f"> {CAP:.0f} s"
    return f"{seconds} ({result['error']})"


def main() -> None:
    official = str(official_python())
    hole = BlackHole()
    servers = {"black hole": hole.url, "gone": gone_url()}
    started = time.monotonic()
    probes = {
        (server, what, which): start_probe(python, which, what, url)
        for server, url in servers.items()
        for what in OPERATIONS
        for which, python in (("lite", sys.executable), ("official", official))
    }
    deadline = started + CAP
    results = {key: collect(process, deadline) for key, process in probes.items()}
    lines = [
        "# Deadlines: failing when the service does not answer",
        "",
        "`python benchmarks/bench_deadlines.py`: every operation in its own process, both SDKs with their",
        f"default timeouts and retries (official SDK {OFFICIAL_VERSION}), all probes in parallel, killed after",
        f'{CAP:.0f} s. "black hole": a 127.0.0.1 server that accepts and never answers; "gone": nothing',
        "listens on the port (connection refused). Seconds from the call to the exception it raised.",
        "",
        "| server | operation | sagemaker_lite | official SDK | sagemaker_lite retry lines printed |",
        "| --- | --- | --- | --- | --- |",
    ]
    for server in servers:
        for what in OPERATIONS:
            ours, theirs = results[(server, what, "lite")], results[(server, what, "official")]
            lines.append(f"| {server} | {what}() | {cell(ours)} | {cell(theirs)} | {ours['retry_lines']} |")
    lines += ["", "Errors raised (first line):", ""]
    for (server, what, which), result in results.items():
        lines.append(f"- {server}, {what}(), {which}: `{result['error']}: {result['message']}`")
    lines += ["", *machine_lines()]
    RESULT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
