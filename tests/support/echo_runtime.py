"""A serving runtime for server tests: answers every request with what it received.

``python -m sagemaker_lite.local.serving.server --loader support.echo_runtime:load ...`` (with
``tests/`` on ``PYTHONPATH``): the real server process, the real HTTP stack, a runtime
whose answer shows exactly which bytes the server parsed as the body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sagemaker_lite.local.serving.runtimes import LoadOptions, Reply


class Echo:
    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path == "/ping":
            return 200, "application/json", b"{}"
        payload = {"method": method, "path": path, "body": body.decode("latin-1")}
        return 200, "application/json", json.dumps(payload).encode("utf-8")


def load(options: LoadOptions) -> Echo:
    return Echo()
