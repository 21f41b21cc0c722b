"""LocalRuntimeClient: ``boto3.client("sagemaker-runtime").invoke_endpoint``, answered by a local endpoint.

    runtime = LocalSession().sagemaker_runtime_client
    response = runtime.invoke_endpoint(EndpointName="my-endpoint", Body=b'{"instances": [[1.0]]}',
                                       ContentType="application/json", Accept="application/json")
    response["Body"].read(), response["ContentType"], response["InvokedProductionVariant"]

``Predictor.predict`` calls this exactly as it calls boto3's client. The request is checked
by botocore's ``ParamValidator`` against the ``sagemaker-runtime`` service model, then sent
as ``POST /invocations`` to the server of the variant chosen (``TargetVariant``, else by
weight) on 127.0.0.1, with the ``Content-Type``, ``Accept`` and
``X-Amzn-SageMaker-Custom-Attributes`` headers a container receives, over a kept-alive
connection per thread and port (``TCP_NODELAY``). ``InferenceId`` is accepted and unused
(no data capture locally). The response has boto3's shape: ``Body`` is a botocore
``StreamingBody``. A container error raises ``ClientError`` with code ``ModelError`` and
SageMaker's message ("Received client error (400) from primary with message ..."),
``OriginalStatusCode`` and ``OriginalMessage``; an unknown (or not yet InService)
endpoint raises ``ValidationError`` "Endpoint ... of account ... not found.".
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..account import LocalAccount
from ..store import DEFAULT_REGION, LOCAL_ACCOUNT, default_root

INVOCATION_TIMEOUT = 60.0
_FORWARDED = (("Accept", "Accept"), ("CustomAttributes", "X-Amzn-SageMaker-Custom-Attributes"))


@functools.lru_cache(maxsize=1)
def _runtime_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("sagemaker-runtime")


def _validate(operation: str, params: dict[str, Any]) -> None:
    from botocore.exceptions import ParamValidationError
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(params, _runtime_model().operation_model(operation).input_shape)
    if report.has_errors():
        raise ParamValidationError(report=report.generate_report())


def _error(code: str, message: str, status: int = 400, **extra: Any) -> Exception:
    from botocore.exceptions import ClientError

    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
        **extra,
    }
    error: Exception = ClientError(response, "InvokeEndpoint")
    return error


def _body_bytes(body: Any) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    return bytes(body.read())


class LocalRuntimeClient:
    """``session.sagemaker_runtime_client`` of a ``LocalSession`` (see the module docstring).

    Endpoints are looked up in ``account`` (default: the ``LocalAccount`` of ``root``), the
    same object the session's SageMaker client creates them in.
    """

    def __init__(
        self,
        *,
        root: Path | None = None,
        region_name: str = DEFAULT_REGION,
        timeout: float = INVOCATION_TIMEOUT,
        account: LocalAccount | None = None,
    ) -> None:
        self.root = root or default_root()
        self.account = account or LocalAccount.of(self.root)
        self.region_name = region_name
        self.timeout = timeout
        self.meta = SimpleNamespace(region_name=region_name, service_model=None)
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"LocalRuntimeClient(root={str(self.root)!r})"

    def _connections(self) -> dict[int, http.client.HTTPConnection]:
        connections: dict[int, http.client.HTTPConnection] | None = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        return connections

    def _send(self, port: int, body: bytes, headers: dict[str, str]) -> tuple[http.client.HTTPResponse, bytes]:
        """POST /invocations on a kept-alive connection; a stale one (server closed it) is replaced once."""
        connections = self._connections()
        for _ in range(2):
            connection = connections.get(port)
            reused = connection is not None
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)
                connection.connect()
                assert connection.sock is not None
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                connections[port] = connection
            try:
                connection.request("POST", "/invocations", body=body, headers=headers)
                response = connection.getresponse()
                return response, response.read()  # read it all: the connection is free for the next call
            except TimeoutError:
                connections.pop(port, None)
                connection.close()
                raise
            except (ConnectionError, http.client.HTTPException):
                connections.pop(port, None)
                connection.close()
                if not reused:
                    raise
        raise ConnectionError("unreachable")  # pragma: no cover

    def invoke_endpoint(self, **params: Any) -> dict[str, Any]:
        """InvokeEndpoint (see the module docstring)."""
        _validate("InvokeEndpoint", params)
        name = params["EndpointName"]
        with self.account.lock:
            endpoint = self.account.endpoints.get(name)
        if params.get("TargetModel"):
            raise _error("ValidationError", "TargetModel is only supported by multi-model endpoints.")
        server = endpoint.route(params.get("TargetVariant")) if endpoint is not None else None
        if server is None or server.port is None:
            if endpoint is not None and params.get("TargetVariant") and endpoint.status == "InService":
                raise _error(
                    "ValidationError", f"Variant {params['TargetVariant']} not found for endpoint {endpoint.arn}."
                )
            raise _error("ValidationError", f"Endpoint {name} of account {LOCAL_ACCOUNT} not found.")
        headers = {"Content-Type": str(params.get("ContentType", "application/octet-stream"))}
        headers.update((header, str(params[key])) for key, header in _FORWARDED if params.get(key))
        try:
            response, data = self._send(server.port, _body_bytes(params.get("Body", b"")), headers)
        except TimeoutError:
            raise _error(
                "ModelError",
                "Your invocation timed out while waiting for a response from container primary. Review the latency "
                f"metrics for each container, resolve the issue, and try again (log: {server.log_path}).",
                424,
            ) from None
        except OSError as exc:
            raise _error(
                "ModelError",
                f'Received server error (502) from primary with message "{exc}". See {server.log_path} '
                f"in account {LOCAL_ACCOUNT} for more information.",
                424,
                OriginalStatusCode=502,
                OriginalMessage=str(exc),
            ) from None
        return self._answer(name, server, response, data)

    def _answer(self, name: str, server: Any, response: http.client.HTTPResponse, data: bytes) -> dict[str, Any]:
        if response.status >= 400:
            kind = "client" if response.status < 500 else "server"
            text = data.decode("utf-8", "replace")
            raise _error(
                "ModelError",
                f'Received {kind} error ({response.status}) from primary with message "{text}". '
                f"See {server.log_path} in account {LOCAL_ACCOUNT} for more information.",
                424,
                OriginalStatusCode=response.status,
                OriginalMessage=text,
                LogStreamArn=f"arn:aws:logs:{self.region_name}:{LOCAL_ACCOUNT}:log-group:/aws/sagemaker/Endpoints/{name}",
            )
        from botocore.response import StreamingBody

        content_type = response.getheader("Content-Type") or "application/octet-stream"
        headers = {"content-type": content_type, "x-amzn-invoked-production-variant": server.name}
        result: dict[str, Any] = {
            "ResponseMetadata": {
                "RequestId": str(uuid.uuid4()),
                "HTTPStatusCode": 200,
                "HTTPHeaders": headers,
                "RetryAttempts": 0,
            },
            "ContentType": content_type,
            "InvokedProductionVariant": server.name,
            "Body": StreamingBody(io.BytesIO(data), len(data)),
        }
        custom = response.getheader("X-Amzn-SageMaker-Custom-Attributes")
        if custom:
            result["CustomAttributes"] = custom
        return result

    def close(self) -> None:
        for connection in self._connections().values():
            connection.close()
        self._connections().clear()
