"""The TensorFlow Serving runtime: SavedModels behind TensorFlow Serving's REST API and SageMaker's routes.

Loaded in the endpoint's server process (see ``runtimes.py``)::

    GET  /ping                                              200 once the models are loaded
    POST /invocations                                       see ``serving/invocations.py``
    GET  /v1/models/<name>[/versions/<v>]                   model status
    GET  /v1/models/<name>[/versions/<v>]/metadata          signature defs
    POST /v1/models/<name>[/versions/<v>]:predict|classify|regress

Every SavedModel of the artifact is loaded (all numeric versions, as the SageMaker
container configures TensorFlow Serving) and ``code/inference.py`` imported before the
server reports ready.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from .invocations import Invocations, load_handlers
from .runtimes import LoadOptions, Reply, StartupError
from .tfs_models import DEFAULT_MODEL_ENV, ModelLayoutError, default_model, find_models

LOGGER = logging.getLogger("sagemaker_lite.local.server")
TENSORFLOW_MISSING = (
    "LocalModeError: local endpoints serve SavedModels with TensorFlow itself, and TensorFlow is not installed "
    "in {python}: pip install sagemaker_lite[tensorflow]"
)
_TFS_ROUTE = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+))?(?P<tail>/metadata|:[A-Za-z]+)?$"
)


def _json(status: int, payload: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload).encode("utf-8")


class TensorFlowServing:
    """Routing for one loaded model server (the REST API and SageMaker's two routes)."""

    def __init__(self, model_server: Any, invocations: Invocations) -> None:
        self.model_server = model_server
        self.invocations = invocations

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path == "/ping" and method in ("GET", "POST"):
            return 200, "application/json", b""
        if path == "/invocations" and method == "POST":
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


def load(options: LoadOptions) -> TensorFlowServing:
    try:
        models = find_models(options.model_dir)
    except ModelLayoutError as exc:
        raise StartupError(f"ClientError: {exc}") from None
    try:
        tf = importlib.import_module("tensorflow")
    except ImportError:
        raise StartupError(TENSORFLOW_MISSING.format(python=sys.executable)) from None
    _configure_threads(tf)
    try:
        handler = load_handlers(options.code_dir)
    except Exception as exc:
        raise StartupError(f"inference.py: {type(exc).__name__}: {exc}") from exc
    from .tfs import ModelServer

    for name, versions in models.items():
        LOGGER.info("loading model %r versions %s", name, sorted(versions))
    try:
        model_server = ModelServer(models)
    except Exception as exc:
        raise StartupError(f"failed to load the SavedModel: {type(exc).__name__}: {exc}") from exc
    default = default_model(models, os.environ.get(DEFAULT_MODEL_ENV))
    invocations = Invocations(model_server, default_model=default, port=options.port, handler=handler)
    LOGGER.info("serving %s on http://127.0.0.1:%d (default model %r)", sorted(models), options.port, default)
    return TensorFlowServing(model_server, invocations)
