"""The built-in XGBoost algorithm's inference container, as a local serving runtime.

    ServingRuntime(name="xgboost-algorithm", loader="sagemaker_lite.local.algorithms.xgboost.serve:load", ...)

What the ``sagemaker-xgboost`` image serves in algorithm mode (no user module), restated
from its source (``algorithm_mode/serve.py`` and ``serve_utils.py``), in the endpoint's
server process (serving/runtimes.py) with the xgboost the image has:

* the model is every non-hidden file of the model directory, each loaded with
  ``Booster.load_model`` (several files: an ensemble - averaged, or voted for
  ``multi:softmax`` / ``binary:hinge`` - unless ``SAGEMAKER_INFERENCE_ENSEMBLE=false``);
  each predicts with one thread and ``validate_features=False``, up to its best iteration;
* ``POST /invocations``: an empty body answers 204; the Content-Type picks the parser -
  ``text/csv`` (no label column; the delimiter sniffed from the first line, empty cells
  missing), ``text/libsvm`` / ``text/x-libsvm`` (also when no Content-Type is given; 1-based
  indices are shifted to 0 when none is 0, as the container does), or
  ``application/x-recordio-protobuf``; anything else, or a body that does not parse, answers
  415 with the container's message; a prediction error answers 400 ``Unable to evaluate
  payload provided: ...``; an Accept other than ``text/csv``, ``application/json``,
  ``application/jsonlines`` or ``application/x-recordio-protobuf`` answers 406;
* answers: ``text/csv`` one prediction per line (a row of class probabilities per line for
  ``multi:softprob``), ``application/json`` ``{"predictions": [{"score": ...}, ...]}``,
  ``application/jsonlines`` one ``{"score": ...}`` per line, recordio-protobuf one record per
  prediction; with ``SAGEMAKER_BATCH`` set, one prediction per line whatever the Accept. The
  Accept defaults to ``SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT``, else ``text/csv``;
* ``GET /ping`` answers 200 (empty) and ``GET /execution-parameters`` the batch settings;
  bodies over ``MAX_CONTENT_LENGTH`` (6 MiB) answer 413.

Not played: selectable inference output (``SAGEMAKER_INFERENCE_OUTPUT``) answers 400 naming it.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...serving.runtimes import LoadOptions, Reply, StartupError
from .data import CSV, LIBSVM, RECORDIO_PROTOBUF, content_kind
from .hyperparameters import AlgorithmUserError

LOGGER = logging.getLogger("sagemaker_lite.local.server")
SUPPORTED_ACCEPTS = ("application/json", "application/jsonlines", "application/x-recordio-protobuf", "text/csv")
MAX_CONTENT_LENGTH = 6291456


def _text(status: int, message: str, content_type: str = "text/html; charset=utf-8") -> Reply:
    return status, content_type, message.encode("utf-8")


def parse_csv_payload(payload: bytes) -> Any:
    """The container's CSV decoding: sniffed delimiter, '' -> nan, float64 rows (ragged rows fail)."""
    import numpy as np

    text = payload.strip().decode("utf-8")
    sniffed = csv.Sniffer().sniff(text.split("\n")[0][:512]).delimiter
    delimiter = "," if sniffed.isalnum() else sniffed
    rows = [["nan" if cell == "" else cell for cell in line.split(delimiter)] for line in text.split("\n")]
    return np.array(rows).astype(float)


def parse_libsvm_payload(payload: bytes) -> Any:
    """The container's LIBSVM decoding for inference (labels ignored; all-1-based indices shifted to 0)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, line in enumerate(payload.strip().decode("utf-8").split("\n")):
        for item in line.split(" "):
            if ":" in item:
                index, value = item.split(":")[:2]
                rows.append(row)
                cols.append(int(index))
                values.append(float(value))
    col = np.array(cols, dtype=int)
    if len(col) and col.min() >= 1:
        col = col - 1
    return csr_matrix((np.array(values, dtype=float), (np.array(rows, dtype=int), col)))


def parse_payload(xgb: Any, payload: bytes, content_type: str | None) -> Any:
    """A DMatrix of the request body, or ``ValueError`` with the container's message (answered 415)."""
    try:
        kind = content_kind(content_type)
    except AlgorithmUserError as exc:
        raise ValueError(str(exc)) from None
    if kind == CSV:
        try:
            return xgb.DMatrix(parse_csv_payload(payload))
        except Exception as exc:
            raise ValueError(
                f"Loading csv data failed with Exception, please ensure data is in csv format:\n {type(exc)}\n {exc}"
            ) from None
    if kind == LIBSVM:
        try:
            return xgb.DMatrix(parse_libsvm_payload(payload))
        except Exception as exc:
            raise ValueError(
                "Loading libsvm data failed with Exception, please ensure data is in libsvm format:\n "
                f"{type(exc)}\n {exc}"
            ) from None
    if kind == RECORDIO_PROTOBUF:
        from ..recordio import read_records

        try:
            features, labels = read_records(payload)
            return xgb.DMatrix(features, label=labels)
        except Exception as exc:
            raise ValueError(
                "Loading recordio-protobuf data failed with Exception, please ensure data is in recordio-protobuf "
                f"format: {type(exc)} {exc}"
            ) from None
    raise ValueError(f"Content-type {content_type} is not supported.")


def _predict_one(booster: Any, dtest: Any) -> Any:
    import inspect

    best = int(getattr(booster, "best_ntree_limit", 0) or 0)
    if "ntree_limit" in inspect.signature(booster.predict).parameters:
        return booster.predict(dtest, ntree_limit=best, validate_features=False)
    if best > 0:
        return booster.predict(dtest, iteration_range=(0, best), validate_features=False)
    return booster.predict(dtest, validate_features=False)


def _encode(predictions: list[Any], accept: str, batch: bool) -> bytes:
    if batch:
        return ("\n".join(map(str, predictions)) + "\n").encode("utf-8")
    if accept == "application/json":
        return json.dumps({"predictions": [{"score": p} for p in predictions]}).encode("utf-8")
    if accept == "application/jsonlines":
        return "".join(json.dumps({"score": p}) + "\n" for p in predictions).encode("utf-8")
    if accept == "application/x-recordio-protobuf":
        return _recordio(predictions)
    lines = (",".join(str(v) for v in p) if isinstance(p, list) else str(p) for p in predictions)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _recordio(predictions: list[Any]) -> bytes:
    """One ``Record`` per prediction, its value(s) as the ``values`` float32 tensor of ``features``."""
    from ..recordio import MAGIC

    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte = value & 0x7F
            value >>= 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    def field(number: int, payload: bytes) -> bytes:
        return varint(number << 3 | 2) + varint(len(payload)) + payload

    chunks = []
    for prediction in predictions:
        values = prediction if isinstance(prediction, list) else [prediction]
        tensor = field(1, struct.pack(f"<{len(values)}f", *values))
        entry = field(1, b"values") + field(2, field(2, tensor))
        record = field(1, entry)
        chunks.append(struct.pack("<II", MAGIC, len(record)) + record + b"\0" * (-len(record) % 4))
    return b"".join(chunks)


class AlgorithmServer:
    """``handle`` for the server process (see the module docstring)."""

    def __init__(self, xgb: Any, boosters: list[Any], objective: str, environment: Mapping[str, str]) -> None:
        self.xgb = xgb
        self.boosters = boosters
        self.objective = objective
        self.environment = environment
        self.batch = bool(environment.get("SAGEMAKER_BATCH"))
        self.max_length = int(environment.get("MAX_CONTENT_LENGTH") or MAX_CONTENT_LENGTH)

    def _accept(self, headers: Mapping[str, str]) -> str:
        accept = headers.get("accept", "").split(";", 1)[0].strip()
        if not accept or accept == "*/*":
            return self.environment.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", "text/csv")
        if accept.lower() not in SUPPORTED_ACCEPTS:
            raise ValueError(
                f"Accept type {accept} is not supported. Please use supported accept types: {list(SUPPORTED_ACCEPTS)}."
            )
        return accept.lower()

    def predict(self, dtest: Any) -> Any:
        import numpy as np

        results = [_predict_one(booster, dtest) for booster in self.boosters]
        if len(results) == 1:
            return results[0]
        if self.objective in ("multi:softmax", "binary:hinge"):
            stacked = np.stack(results)
            votes = [np.unique(column, return_counts=True) for column in stacked.T]
            return np.array([values[np.argmax(counts)] for values, counts in votes])
        return np.mean(results, axis=0)

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path == "/ping" and method == "GET":
            return 200, "text/html; charset=utf-8", b""
        if path == "/execution-parameters" and method == "GET":
            parameters = {
                "MaxConcurrentTransforms": os.cpu_count() or 1,
                "BatchStrategy": "MULTI_RECORD",
                "MaxPayloadInMB": self.max_length // (1024**2),
            }
            return 200, "application/json", json.dumps(parameters).encode("utf-8")
        if path != "/invocations" or method != "POST":
            return _text(404, "Not Found")
        if len(body) > self.max_length:
            return _text(413, "Request Entity Too Large")
        if not body:
            return 204, "text/html; charset=utf-8", b""
        try:
            dtest = parse_payload(self.xgb, body, headers.get("content-type"))
        except ValueError as exc:
            LOGGER.exception("unsupported payload")
            return _text(415, str(exc))
        try:
            predictions = self.predict(dtest)
        except Exception as exc:
            LOGGER.exception("prediction failed")
            return _text(400, f"Unable to evaluate payload provided: {exc}")
        try:
            accept = self._accept(headers)
        except ValueError as exc:
            return _text(406, str(exc))
        if "SAGEMAKER_INFERENCE_OUTPUT" in self.environment:
            return _text(400, "local mode does not serve selectable inference output (SAGEMAKER_INFERENCE_OUTPUT)")
        return 200, accept, _encode(predictions.tolist(), accept, self.batch)


def load_boosters(xgb: Any, model_dir: Path, ensemble: bool) -> list[Any]:
    """Every model file (the first only without ensembles), as the container loads them."""
    files = sorted(p for p in model_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise StartupError(f"Unable to load model: no model file in {model_dir}")
    boosters = []
    for path in files if ensemble else files[:1]:
        booster = xgb.Booster()
        try:
            booster.load_model(str(path))
        except Exception as exc:
            message = f"Unable to load model: Model {path} cannot be loaded:\nXGB load model error={exc}"
            raise StartupError(message) from exc
        booster.set_param("nthread", 1)
        boosters.append(booster)
    return boosters


def load(options: LoadOptions) -> AlgorithmServer:
    """The runtime's loader (serving/runtimes.py): load the model(s), answer like the container."""
    # the container serves single-threaded (OMP_NUM_THREADS=1 unless set): one request is small, and
    # OpenMP threads waiting on a busy machine cost more than they save
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from . import import_xgboost

    try:
        xgb = import_xgboost()
    except ImportError:
        import sys

        from . import MISSING_MESSAGE

        raise StartupError(MISSING_MESSAGE.format(python=sys.executable)) from None
    ensemble = options.environment.get("SAGEMAKER_INFERENCE_ENSEMBLE", "true") == "true"
    boosters = load_boosters(xgb, options.model_dir, ensemble)
    objective = json.loads(boosters[0].save_config())["learner"]["objective"]["name"]
    LOGGER.info("Model objective : %s (xgboost %s)", objective, xgb.__version__)
    return AlgorithmServer(xgb, boosters, objective, options.environment)
