"""SageMaker's ``/ping`` and ``/invocations`` in front of TensorFlow Serving, as the TFS container does them.

    from sagemaker_lite.local.serving.invocations import Invocations
    invocations = Invocations(model_server, default_model="model", port=8080, code_dir=Path("model/code"))
    status, content_type, body = invocations.invoke(b"1.0,2.0", {"content-type": "text/csv"})

Runs inside the endpoint's server process. Without ``code/inference.py`` a request is
turned into a TensorFlow Serving request by content type, exactly as the container's
nginx module does: ``application/json`` (and ``application/jsonlines``/``application/jsons``)
is passed through when it already names ``instances``/``inputs``/``examples``; JSON Lines
(records separated only by whitespace) become one instance per line; any other JSON
becomes ``{"instances": [data]}`` (or ``{"instances": data}`` for a list of lists);
``text/csv`` becomes one instance per line (a list for several columns, a scalar for
one); anything else is ``415 Unsupported Media Type``. The
``X-Amzn-SageMaker-Custom-Attributes`` header chooses the call: ``tfs-model-name=``,
``tfs-model-version=``, ``tfs-method=predict|classify|regress``.

With ``code/inference.py`` the container's Python service rules apply: ``handler(data,
context)`` handles everything, or ``input_handler(data, context)`` builds the TFS request
and ``output_handler(response, context)`` turns the TFS response (``status_code``,
``content``, ``text``, ``json()``) into ``(body, content_type)``; a script with neither is
refused at startup ("Handlers are not implemented correctly in user script."); an
exception in a handler answers 500 ``{"error": "..."}``. ``context`` has the container's
fields: ``model_name``, ``model_version``, ``method``, ``rest_uri`` (this server's TFS
REST URI, so a ``handler`` may post to it), ``grpc_port`` and ``channel`` (``None``: no
gRPC here), ``custom_attributes``, ``request_content_type``, ``accept_header``,
``content_length``.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import logging
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

LOGGER = logging.getLogger("sagemaker_lite.local.server")
CUSTOM_ATTRIBUTES_HEADER = "X-Amzn-SageMaker-Custom-Attributes"
DEFAULT_CONTENT_TYPE = "application/json"
DEFAULT_ACCEPT_HEADER = "application/json"
JSON_TYPES = ("application/json", "application/jsonlines", "application/jsons")
JSON_LINES_TYPES = ("application/jsonlines", "application/jsons")
_ATTRIBUTE = re.compile(r"(tfs-[a-z\-]+)=([^,]+)")
_TFS_JSON = re.compile(r'"(instances|inputs|examples)"\s*:')
_JSON_LINES = re.compile(r"[}\]]\s*[\[{]")
_LIST_OF_LISTS = re.compile(r"^\s*\[\s*\[")
_NUMBER = re.compile(r"^[+\-]?(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?$")

Handler = Callable[[IO[bytes], "Context"], Any]


class ModelCaller(Protocol):
    """What ``tfs.ModelServer`` offers this module (kept as a protocol: no TensorFlow import here)."""

    def call(self, method: str, name: str, version: str | None, body: bytes) -> tuple[int, bytes]: ...


class Context(NamedTuple):
    """The ``context`` handed to ``inference.py`` handlers (the TFS container's namedtuple)."""

    model_name: str | None
    model_version: str | None
    method: str | None
    rest_uri: str
    grpc_port: int | None
    channel: Any
    custom_attributes: str | None
    request_content_type: str
    accept_header: str
    content_length: int


class TFSResponse:
    """The TensorFlow Serving answer handed to ``output_handler`` (the parts of ``requests.Response`` used)."""

    def __init__(self, status_code: int, content: bytes, url: str) -> None:
        self.status_code = status_code
        self.content = content
        self.url = url
        self.headers = {"Content-Type": "application/json"}
        self.encoding = "utf-8"
        self.reason = "OK" if status_code == 200 else "Error"

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def raise_for_status(self) -> None:
        if not self.ok:
            raise RuntimeError(f"{self.status_code} Error for url {self.url}: {self.text}")

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


def parse_custom_attributes(header: str | None) -> dict[str, str]:
    """``"tfs-model-name=a,tfs-method=classify,other"`` -> ``{"tfs-model-name": "a", "tfs-method": "classify"}``."""
    return {key: value.strip() for key, value in _ATTRIBUTE.findall(header or "")}


# --- request conversion (no inference.py) -------------------------------------------------------


def _csv_value(field: str) -> Any:
    text = field.strip()
    if _NUMBER.match(text):
        number = float(text)
        return int(text) if re.fullmatch(r"[+\-]?\d+", text) else number
    return field


def csv_to_tfs(text: str) -> str:
    """One instance per CSV line: a list when the line has several columns, else the value itself."""
    instances: list[Any] = []
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        values = [_csv_value(field) for field in next(csv.reader([line.strip()]))]
        instances.append(values if len(values) > 1 else values[0])
    return json.dumps({"instances": instances}, separators=(",", ":"))


def json_lines_to_tfs(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) == 1:
        return '{"instances":' + lines[0] + "}"
    return '{"instances":[' + ",".join(line for line in lines if line) + "]}"


def json_to_tfs(text: str) -> str:
    """The container's JSON rules (see the module docstring); works on the text, as nginx does."""
    if _JSON_LINES.search(text):
        return json_lines_to_tfs(text)
    if _TFS_JSON.search(text):
        return text
    if not _LIST_OF_LISTS.match(text):
        text = "[" + text + "]"
    return '{"instances":' + text + "}"


# --- inference.py ------------------------------------------------------------------------------


def load_handlers(code_dir: Path) -> Handler | None:
    """The ``(data, context) -> (body, content_type)`` callable of ``code/inference.py``, or None."""
    script = code_dir / "inference.py"
    if not script.is_file():
        return None
    for path in (code_dir / "lib", code_dir):
        if path.is_dir() and str(path) not in sys.path:
            sys.path.insert(0, str(path))
    spec = importlib.util.spec_from_file_location("inference", script)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {script}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["inference"] = module
    spec.loader.exec_module(module)
    handler = getattr(module, "handler", None)
    if handler is not None:
        return handler  # type: ignore[no-any-return]
    input_handler = getattr(module, "input_handler", None)
    output_handler = getattr(module, "output_handler", None)
    if input_handler is None or output_handler is None:
        raise NotImplementedError("Handlers are not implemented correctly in user script.")
    return _PairedHandler(input_handler, output_handler)


class _PairedHandler:
    """``input_handler`` -> TensorFlow Serving (called in process, not over HTTP) -> ``output_handler``."""

    caller: ModelCaller | None = None
    default_model = ""

    def __init__(self, input_handler: Callable[..., Any], output_handler: Callable[..., Any]) -> None:
        self.input_handler = input_handler
        self.output_handler = output_handler

    def __call__(self, data: IO[bytes], context: Context) -> Any:
        processed = self.input_handler(data, context)
        if isinstance(processed, str):
            payload = processed.encode("utf-8")
        elif isinstance(processed, (bytes, bytearray)):
            payload = bytes(processed)
        else:
            payload = json.dumps(processed).encode("utf-8")
        assert self.caller is not None
        method = context.method or "predict"
        status, body = self.caller.call(
            method, context.model_name or self.default_model, context.model_version, payload
        )
        return self.output_handler(TFSResponse(status, body, context.rest_uri), context)


def _encode(body: Any) -> bytes:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


def _error(status: int, message: str) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps({"error": message}).encode("utf-8")


class Invocations:
    """``/ping`` and ``/invocations`` for one model server (see the module docstring)."""

    def __init__(self, caller: ModelCaller, *, default_model: str, port: int, handler: Handler | None) -> None:
        self.caller = caller
        self.default_model = default_model
        self.port = port
        self.handler = handler
        if isinstance(handler, _PairedHandler):
            handler.caller = caller
            handler.default_model = default_model

    def rest_uri(self, attributes: Mapping[str, str]) -> str:
        uri = f"http://127.0.0.1:{self.port}/v1/models/{attributes.get('tfs-model-name', self.default_model)}"
        if attributes.get("tfs-model-version"):
            uri += "/versions/" + attributes["tfs-model-version"]
        return uri + ":" + attributes.get("tfs-method", "predict")

    def invoke(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, str, bytes]:
        """(status, content type, body) for one ``POST /invocations``; ``headers`` keys are lower case."""
        custom = headers.get(CUSTOM_ATTRIBUTES_HEADER.lower())
        attributes = parse_custom_attributes(custom)
        if self.handler is not None:
            return self._invoke_handler(body, headers, custom, attributes)
        content_type = headers.get("content-type")
        if content_type in JSON_TYPES:
            request = json_to_tfs(body.decode("utf-8", "replace"))
        elif content_type == "text/csv":
            request = csv_to_tfs(body.decode("utf-8", "replace"))
        else:
            return _error(415, f"Unsupported Media Type: {content_type or 'Unknown'}")
        name = attributes.get("tfs-model-name", self.default_model)
        method = attributes.get("tfs-method", "predict")
        status, answer = self.caller.call(method, name, attributes.get("tfs-model-version"), request.encode("utf-8"))
        accepted = [part.strip() for part in (headers.get("accept") or "").split(",") if part.strip()]
        if any(kind in JSON_LINES_TYPES for kind in accepted):
            return status, accepted[0], answer.replace(b"\n", b"")
        return status, "application/json", answer

    def _invoke_handler(
        self, body: bytes, headers: Mapping[str, str], custom: str | None, attributes: Mapping[str, str]
    ) -> tuple[int, str, bytes]:
        assert self.handler is not None
        context = Context(
            model_name=attributes.get("tfs-model-name"),
            model_version=attributes.get("tfs-model-version"),
            method=attributes.get("tfs-method"),
            rest_uri=self.rest_uri(attributes),
            grpc_port=None,
            channel=None,
            custom_attributes=custom,
            request_content_type=headers.get("content-type") or DEFAULT_CONTENT_TYPE,
            accept_header=headers.get("accept") or DEFAULT_ACCEPT_HEADER,
            content_length=len(body),
        )
        try:
            result = self.handler(io.BytesIO(body), context)
            answer, content_type = result
        except Exception as exc:
            LOGGER.exception("exception handling request: %s", exc)
            return _error(500, str(exc))
        return 200, str(content_type or context.accept_header), _encode(answer)
