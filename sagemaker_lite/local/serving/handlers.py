"""The SageMaker inference-toolkit handler runtime: ``inference.py``'s functions behind /invocations.

    # model.tar.gz: model.pth, code/inference.py (+ code/requirements.txt)
    def model_fn(model_dir): ...                       # once, before /ping answers
    def input_fn(request_body, content_type): ...      # str for JSON/CSV, else bytes
    def predict_fn(data, model): ...
    def output_fn(prediction, accept): ...             # body, or (body, content_type)
    # or transform_fn(model, request_body, content_type, accept) instead of the last three

The user module is ``SAGEMAKER_PROGRAM`` (default ``inference.py``) imported from the code
directory (``model/code``, or the staged ``SAGEMAKER_SUBMIT_DIRECTORY``); each function it
lacks is the framework container's default (``defaults.py``). Defining ``transform_fn``
together with any of the other three fails at startup, as in the containers.

Each framework's container runs a different model server, and the runtime answers as that
server does (``Style``):

- ``toolkit`` (PyTorch on TorchServe, any image with the inference toolkit): a handler may
  take one more argument, the ``context``; every error answers 500 (or the ``status_code``
  of an exception shaped like ``BaseInferenceToolkitError``) with ``message\\ntraceback``;
  ``/ping`` answers ``{"status": "Healthy"}``; TorchServe's cache headers on every answer.
- ``containers`` (scikit-learn, XGBoost script mode: gunicorn + Flask): an unsupported
  content type answers 415 and an unsupported Accept 406, with a JSON body
  ``{"error", "error-message", "stack-trace"}``; any other error answers 500 (HTML);
  ``/ping`` answers 200 with an empty body.
- ``huggingface``: every error answers 400 with ``{"code": 400, "type": ..., "message": ...}``.

Content type: the request's (the ``containers`` style defaults it to JSON); Accept: the
request's, or ``SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT`` (default JSON) when absent or ``*/*``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import os
import sys
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from . import codecs, defaults
from .runtimes import LoadOptions, Reply, StartupError

LOGGER = logging.getLogger("sagemaker_lite.local.server")
TORCHSERVE_HEADERS = {
    "Pragma": "no-cache",
    "Cache-Control": "no-cache; no-store, must-revalidate, private",
    "Expires": "Thu, 01 Jan 1970 00:00:00 UTC",
}
HANDLER_NAMES = ("model_fn", "input_fn", "predict_fn", "output_fn", "transform_fn")
_FLASK_500 = (
    b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete "
    b"your request. Either the server is overloaded or there is an error in the application.</p>\n"
)


@attrs.frozen(kw_only=True)
class Flavor:
    """One framework container: its default handlers and its model server's answers."""

    name: str
    style: str  # "toolkit" | "containers" | "huggingface"
    model_fn: Callable[..., Any]
    input_fn: Callable[..., Any]
    predict_fn: Callable[..., Any]
    output_fn: Callable[..., Any]
    needs_program: bool = False  # the container cannot start without SAGEMAKER_PROGRAM


TOOLKIT = Flavor(
    name="inference-toolkit",
    style="toolkit",
    model_fn=defaults.no_model_fn,
    input_fn=defaults.toolkit_input_fn,
    predict_fn=defaults.no_predict_fn,
    output_fn=defaults.toolkit_output_fn,
)
PYTORCH = Flavor(
    name="pytorch",
    style="toolkit",
    model_fn=defaults.pytorch_model_fn,
    input_fn=defaults.pytorch_input_fn,
    predict_fn=defaults.pytorch_predict_fn,
    output_fn=defaults.pytorch_output_fn,
)
SKLEARN = Flavor(
    name="sklearn",
    style="containers",
    model_fn=defaults.no_model_fn,
    input_fn=defaults.sklearn_input_fn,
    predict_fn=defaults.sklearn_predict_fn,
    output_fn=defaults.containers_output_fn,
    needs_program=True,
)
XGBOOST = Flavor(
    name="xgboost",
    style="containers",
    model_fn=defaults.no_model_fn,
    input_fn=defaults.xgboost_input_fn,
    predict_fn=defaults.xgboost_predict_fn,
    output_fn=defaults.containers_output_fn,
    needs_program=True,
)
HUGGINGFACE = Flavor(
    name="huggingface",
    style="huggingface",
    model_fn=defaults.huggingface_model_fn,
    input_fn=defaults.huggingface_input_fn,
    predict_fn=defaults.huggingface_predict_fn,
    output_fn=defaults.huggingface_output_fn,
)


class HandlerContext:
    """The ``context`` a toolkit-style handler may take as its last argument (the model server's)."""

    def __init__(self, model_dir: str, headers: Mapping[str, str] | None = None) -> None:
        self.system_properties = {"model_dir": model_dir, "gpu_id": None, "server_name": "sagemaker-lite"}
        self.request_headers = dict(headers or {})

    def get_request_header(self, idx: int, key: str) -> str | None:
        return self.request_headers.get(key.lower())


def _module_name(program: str | None) -> str:
    program = program or "inference.py"
    return program[:-3] if program.endswith(".py") else program


def import_user_module(code_dir: str, program: str | None) -> Any:
    """The user's module from the code directory, or None when there is none (toolkit: all defaults)."""
    for path in (os.path.join(code_dir, "lib"), code_dir):
        if os.path.isdir(path) and path not in sys.path:
            sys.path.insert(0, path)
    name = _module_name(program)
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


class HandlerService:
    """Loaded handlers for one model (see the module docstring)."""

    def __init__(self, flavor: Flavor, options: LoadOptions) -> None:
        self.flavor = flavor
        env = options.environment
        program = env.get("SAGEMAKER_PROGRAM")
        if flavor.needs_program and not program:
            raise StartupError(
                f"the {flavor.name} container serves only in script mode: SAGEMAKER_PROGRAM is not set "
                "(deploy the model with entry_point='inference.py')"
            )
        self.default_accept = env.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT") or codecs.JSON
        self.model_dir = str(options.model_dir)
        self.context = HandlerContext(self.model_dir)
        self.request_ids = flavor.style == "toolkit"
        try:
            module = import_user_module(str(options.code_dir), program)
        except Exception as exc:
            raise StartupError(f"{_module_name(program)}.py: {type(exc).__name__}: {exc}") from exc
        if module is None and program and flavor.style == "containers":
            raise StartupError(f"No module named {_module_name(program)!r} in {options.code_dir}")
        found = {name: getattr(module, name, None) for name in HANDLER_NAMES}
        if found["transform_fn"] and (found["input_fn"] or found["predict_fn"] or found["output_fn"]):
            raise StartupError(
                "ValueError: Cannot use transform_fn implementation in conjunction with input_fn, predict_fn, "
                "and/or output_fn implementation"
            )
        self.model_fn = found["model_fn"] or flavor.model_fn
        self.input_fn = found["input_fn"] or flavor.input_fn
        self.predict_fn = found["predict_fn"] or flavor.predict_fn
        self.output_fn = found["output_fn"] or flavor.output_fn
        self.transform_fn = found["transform_fn"] or self._default_transform_fn
        LOGGER.info(
            "%s handlers: %s",
            flavor.name,
            ", ".join(f"{name}={'user' if fn else 'default'}" for name, fn in found.items()),
        )
        try:
            self.model = self._call(self.model_fn, self.model_dir)
        except Exception as exc:
            LOGGER.exception("model_fn failed")
            raise StartupError(f"model_fn failed: {type(exc).__name__}: {exc}") from exc

    # --- calling handlers ------------------------------------------------------------------------

    def _call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Call a handler, adding the context when it takes one more argument (toolkit styles)."""
        if self.flavor.style != "containers":
            try:
                parameters = inspect.signature(function).parameters
            except (TypeError, ValueError):
                parameters = None
            if parameters is not None:
                positional = [p for p in parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
                if len(positional) == len(args) + 1 and not any(
                    p.kind == p.VAR_POSITIONAL for p in parameters.values()
                ):
                    return function(*args, self.context)
        return function(*args)

    def _default_transform_fn(self, model: Any, data: Any, content_type: str, accept: str) -> Any:
        try:
            decoded = self._call(self.input_fn, data, content_type)
        except codecs.UnsupportedFormatError as exc:
            exc.status = 415  # type: ignore[attr-defined]
            raise
        prediction = self._call(self.predict_fn, decoded, model)
        try:
            return self._call(self.output_fn, prediction, accept)
        except codecs.UnsupportedFormatError as exc:
            exc.status = 406  # type: ignore[attr-defined]
            raise

    # --- HTTP ------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path == "/ping" and method in ("GET", "POST"):
            if self.flavor.style == "containers":
                return self._reply(200, "text/html; charset=utf-8", b"")
            return self._reply(200, "application/json", b'{\n  "status": "Healthy"\n}\n')
        if path == "/invocations" and method == "POST":
            return self.invoke(body, headers)
        if self.flavor.style == "containers":
            return self._reply(404, "text/html; charset=utf-8", b"<!doctype html>\n<title>404 Not Found</title>\n")
        message = {"code": 404, "type": "ResourceNotFoundException", "message": "Requested resource is not found"}
        return self._reply(404, "application/json", json.dumps(message, indent=2).encode() + b"\n")

    def _reply(self, status: int, content_type: str, body: bytes) -> Reply:
        if not self.request_ids:
            return status, content_type, body
        return status, content_type, body, {"x-request-id": str(uuid.uuid4()), **TORCHSERVE_HEADERS}

    def invoke(self, body: bytes, headers: Mapping[str, str]) -> Reply:
        content_type = headers.get("content-type") or headers.get("contenttype")
        if content_type is None and self.flavor.style == "containers":
            content_type = codecs.JSON
        accept = headers.get("accept")
        if not accept or accept == codecs.ANY:
            accept = self.default_accept if self.flavor.style != "huggingface" else codecs.JSON
        data: Any = body.decode("utf-8") if content_type in codecs.UTF8_TYPES else body
        self.context.request_headers = dict(headers)
        try:
            if self.transform_fn == self._default_transform_fn:
                result = self._default_transform_fn(self.model, data, str(content_type), accept)
            else:
                result = self._call(self.transform_fn, self.model, data, content_type, accept)
            answer, answer_type, status = _unpack(result, accept)
            return self._reply(status, answer_type, answer)
        except Exception as exc:
            LOGGER.exception("exception handling request: %s", exc)
            return self._error(exc)

    def _error(self, exc: Exception) -> Reply:
        trace = traceback.format_exc()
        style = self.flavor.style
        if style == "huggingface":
            payload = {"code": 400, "type": "InternalServerException", "message": str(exc)}
            return self._reply(400, "application/json", json.dumps(payload, indent=2).encode() + b"\n")
        if style == "containers":
            status = getattr(exc, "status", None)
            if type(exc).__name__ == "UnsupportedFormatError" and status in (415, 406):
                payload = {"error": type(exc).__name__, "error-message": str(exc), "stack-trace": trace}
                return self._reply(int(status), "application/json", json.dumps(payload).encode("utf-8"))
            return self._reply(500, "text/html; charset=utf-8", _FLASK_500)
        status = getattr(exc, "status_code", None)
        message = getattr(exc, "message", None)
        if not (isinstance(status, int) and 400 <= status < 600 and isinstance(message, str)):
            status, message = 500, str(exc)
        return self._reply(status, "text/plain; charset=utf-8", f"{message}\n{trace}".encode())


def _unpack(result: Any, accept: str) -> tuple[bytes, str, int]:
    """A handler's answer -> (body, content type, status): ``body``, ``(body, type)`` or a Response."""
    status = 200
    content_type = accept
    if isinstance(result, tuple) and len(result) == 2:
        result, content_type = result
    elif hasattr(result, "get_data") and hasattr(result, "status_code"):  # a Flask/werkzeug Response
        status = int(result.status_code)
        content_type = result.mimetype or accept
        result = result.get_data()
    if isinstance(result, str):
        return result.encode("utf-8"), str(content_type), status
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result), str(content_type), status
    raise TypeError(
        f"the handler returned {type(result).__name__}; output_fn/transform_fn must return str or bytes "
        "(or a (body, content_type) tuple)"
    )


def _loader(flavor: Flavor) -> Callable[[LoadOptions], HandlerService]:
    def load(options: LoadOptions) -> HandlerService:
        return HandlerService(flavor, options)

    load.__doc__ = f"Load the {flavor.name} handler runtime (the server process calls this)."
    return load


load_generic = _loader(TOOLKIT)


def _one_torch_thread(environment: Mapping[str, str]) -> None:
    """One OpenMP/intra-op thread unless ``OMP_NUM_THREADS`` says otherwise.

    Requests run on the server's connection threads; torch's default pool (one thread per
    core) made every small request from such a thread cost milliseconds (3.4 ms vs 0.7 ms
    for a 13-feature MLP; 100 rows 66 ms vs 8 ms, benchmarks/bench_pytorch_serving.py), and a
    local endpoint shares the machine with the notebook that calls it.
    """
    if "OMP_NUM_THREADS" not in environment:
        os.environ["OMP_NUM_THREADS"] = "1"  # read when torch (and its OpenMP) loads
        import torch

        torch.set_num_threads(1)


def load_pytorch(options: LoadOptions) -> HandlerService:
    """Load the PyTorch handler runtime (the server process calls this)."""
    _one_torch_thread(options.environment)
    return HandlerService(PYTORCH, options)


load_sklearn = _loader(SKLEARN)
load_xgboost = _loader(XGBOOST)
load_huggingface = _loader(HUGGINGFACE)
