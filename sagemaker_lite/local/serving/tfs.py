"""TensorFlow Serving's REST API, answered by TensorFlow itself (no ``tensorflow_model_server``).

    from sagemaker_lite.local.serving.tfs import ModelServer
    server = ModelServer(find_models(Path("model")))        # loads each model's highest version
    status, body = server.call("predict", "model", None, b'{"instances": [[1.0, 2.0]]}')

Runs inside the endpoint's server process only (it imports TensorFlow). Each model's
served version is loaded with ``tf.saved_model.load``; its signatures are read from the
loaded model (``structured_input_signature``) and its ``SignatureDef`` protos from
``saved_model.pb``, so input names, dtypes, shapes and method names are the model's own.

The request and response shapes are TensorFlow Serving's: ``:predict`` takes the row
format ``{"instances": [...]}`` (one input: each instance is its value; several: each
instance is an object) or the columnar ``{"inputs": ...}``, with ``signature_name``, and
answers ``{"predictions": ...}`` / ``{"outputs": ...}``; ``{"b64": "..."}`` carries bytes
both ways (outputs whose name ends in ``_bytes``). ``:classify`` and ``:regress`` take
``{"examples": [...], "context": {...}}``, build ``tf.train.Example`` protos, and need a
signature whose ``method_name`` is ``tensorflow/serving/classify`` / ``.../regress`` (a
TF2 ``tf.saved_model.save`` only writes predict signatures), answering ``{"result": ...}``.
Errors are ``{"error": "..."}`` with 400 (bad request) or 404 (no such model/version).
"""

from __future__ import annotations

import base64
import importlib
import json
from pathlib import Path
from typing import Any

from .tfs_models import served_version

DEFAULT_SIGNATURE = "serving_default"
PREDICT_METHOD = "tensorflow/serving/predict"
CLASSIFY_METHOD = "tensorflow/serving/classify"
REGRESS_METHOD = "tensorflow/serving/regress"
METHODS = ("predict", "classify", "regress")


class TFSError(Exception):
    """An error TensorFlow Serving answers with ``{"error": message}`` and an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _tf() -> Any:
    return importlib.import_module("tensorflow")


def _np() -> Any:
    return importlib.import_module("numpy")


def _read_signature_defs(version_dir: Path) -> dict[str, Any]:
    """The ``SignatureDef`` map of the ``serve`` meta graph, straight from saved_model.pb(txt)."""
    saved_model_pb2 = importlib.import_module("tensorflow.core.protobuf.saved_model_pb2")
    proto = saved_model_pb2.SavedModel()
    binary = version_dir / "saved_model.pb"
    if binary.is_file():
        proto.ParseFromString(binary.read_bytes())
    else:
        text_format = importlib.import_module("google.protobuf.text_format")
        text_format.Parse((version_dir / "saved_model.pbtxt").read_text(encoding="utf-8"), proto)
    for meta_graph in proto.meta_graphs:
        if "serve" in meta_graph.meta_info_def.tags:
            return dict(meta_graph.signature_def)
    return dict(proto.meta_graphs[0].signature_def) if proto.meta_graphs else {}


def _tensor_info_json(info: Any) -> dict[str, Any]:
    types_pb2 = importlib.import_module("tensorflow.core.framework.types_pb2")
    shape = info.tensor_shape
    return {
        "dtype": types_pb2.DataType.Name(info.dtype),
        "tensor_shape": {
            "dim": [{"size": str(dim.size), "name": dim.name} for dim in shape.dim],
            "unknown_rank": bool(shape.unknown_rank),
        },
        "name": info.name,
    }


def _signature_json(signature: Any) -> dict[str, Any]:
    return {
        "inputs": {key: _tensor_info_json(value) for key, value in sorted(signature.inputs.items())},
        "outputs": {key: _tensor_info_json(value) for key, value in sorted(signature.outputs.items())},
        "method_name": signature.method_name,
    }


# --- JSON <-> tensors ------------------------------------------------------------------------


def _decode_b64(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b64"} and isinstance(value["b64"], str):
            return base64.b64decode(value["b64"])
        raise TFSError(400, f"JSON object {json.dumps(value)[:80]} is not a valid tensor value (only {{'b64': ...}})")
    if isinstance(value, list):
        return [_decode_b64(item) for item in value]
    if isinstance(value, str):
        return value.encode("utf-8")
    return value


def _to_tensor(value: Any, spec: Any, input_name: str) -> Any:
    tf = _tf()
    try:
        if spec.dtype == tf.string:
            return tf.constant(_decode_b64(value), dtype=tf.string)
        array = _np().asarray(value, dtype=spec.dtype.as_numpy_dtype)
        return tf.constant(array)
    except TFSError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise TFSError(400, f"Failed to process element: {input_name} of 'instances'/'inputs': {exc}") from None


def _to_json(array: Any, output_name: str) -> Any:
    if array.dtype == object or array.dtype.kind == "S":
        if output_name.endswith("_bytes"):
            encode = _np().vectorize(lambda b: {"b64": base64.b64encode(b).decode("ascii")}, otypes=[object])
        else:
            encode = _np().vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])
        return encode(array).tolist() if array.size else array.tolist()
    return array.tolist()


def _feature(name: str, value: Any) -> Any:
    tf = _tf()
    values = value if isinstance(value, list) else [value]
    if values and all(isinstance(v, int) for v in values):  # bool is an int, as in TF Serving
        return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(v) for v in values]))
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return tf.train.Feature(float_list=tf.train.FloatList(value=[float(v) for v in values]))
    if all(isinstance(v, (str, dict)) for v in values):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=_decode_b64(values)))
    raise TFSError(400, f"Feature {name!r}: values must be all numbers or all strings, not {json.dumps(value)[:80]}")


def _example(features: dict[str, Any]) -> bytes:
    tf = _tf()
    built = {name: _feature(name, value) for name, value in features.items()}
    return bytes(tf.train.Example(features=tf.train.Features(feature=built)).SerializeToString())


# --- models ---------------------------------------------------------------------------------


class Servable:
    """One loaded model version: its signatures (callables) and their SignatureDefs."""

    def __init__(self, name: str, version: int, path: Path) -> None:
        self.name = name
        self.version = version
        self.path = path
        self.loaded = _tf().saved_model.load(str(path), tags=["serve"])
        self.signatures: dict[str, Any] = dict(self.loaded.signatures)
        self.signature_defs = _read_signature_defs(path)

    def signature(self, name: str | None) -> tuple[Any, dict[str, Any], str]:
        """(function, input specs by name, method name) of ``name`` (default ``serving_default``)."""
        key = name or DEFAULT_SIGNATURE
        function = self.signatures.get(key)
        if function is None:
            raise TFSError(400, f'Serving signature name: "{key}" not found in signature def')
        specs = dict(function.structured_input_signature[1])
        signature_def = self.signature_defs.get(key)
        method = signature_def.method_name if signature_def is not None else PREDICT_METHOD
        return function, specs, method

    def run(self, function: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        try:
            outputs = function(**tensors)
        except TFSError:
            raise
        except Exception as exc:  # shape/dtype mismatches, kernels failing on the input
            raise TFSError(400, " ".join(str(exc).split())[:2000] or type(exc).__name__) from None
        if not isinstance(outputs, dict):
            outputs = {"output_0": outputs}
        return {key: value.numpy() for key, value in outputs.items()}

    def metadata(self) -> dict[str, Any]:
        return {
            "model_spec": {"name": self.name, "signature_name": "", "version": str(self.version)},
            "metadata": {
                "signature_def": {
                    "signature_def": {key: _signature_json(value) for key, value in sorted(self.signature_defs.items())}
                }
            },
        }

    # --- the three APIs ---

    def predict(self, request: dict[str, Any]) -> dict[str, Any]:
        function, specs, _ = self.signature(request.get("signature_name"))
        has_rows, has_columns = "instances" in request, "inputs" in request
        if has_rows == has_columns:
            raise TFSError(
                400,
                "Not formatted correctly expecting only one of 'inputs' or 'instances' keys exclusively"
                if has_rows
                else "Missing 'inputs' or 'instances' key",
            )
        names = sorted(specs)
        if has_rows:
            instances = request["instances"]
            if not isinstance(instances, list):
                raise TFSError(400, "Expecting 'instances' to be an list/array")
            if len(names) == 1:
                only = names[0]
                if instances and all(isinstance(i, dict) and set(i) == {only} for i in instances):
                    instances = [i[only] for i in instances]
                columns = {only: instances}
            else:
                if not all(isinstance(i, dict) for i in instances):
                    raise TFSError(400, f"Expecting object with named inputs {names} in each of 'instances'")
                missing = [n for n in names if any(n not in i for i in instances)]
                if missing:
                    raise TFSError(400, f"Failed to process element: 0 key: {missing[0]} of 'instances' list.")
                columns = {n: [i[n] for i in instances] for n in names}
        else:
            inputs = request["inputs"]
            if isinstance(inputs, dict) and (len(names) != 1 or set(inputs) == set(names)):
                columns = inputs
            elif len(names) == 1:
                columns = {names[0]: inputs}
            else:
                raise TFSError(400, f"Expecting 'inputs' to be an object with the named inputs {names}")
        unknown = sorted(set(columns) - set(names))
        if unknown:
            raise TFSError(400, f"Input tensor alias not found in signature: {unknown[0]}. Inputs expected: {names}")
        tensors = {n: _to_tensor(value, specs[n], n) for n, value in columns.items()}
        outputs = self.run(function, tensors)
        if has_columns:
            if len(outputs) == 1:
                ((key, value),) = outputs.items()
                return {"outputs": _to_json(value, key)}
            return {"outputs": {key: _to_json(value, key) for key, value in sorted(outputs.items())}}
        if len(outputs) == 1:
            ((key, value),) = outputs.items()
            return {"predictions": _to_json(value, key)}
        sizes = {key: (value.shape[0] if value.ndim else None) for key, value in outputs.items()}
        batch = next(iter(sizes.values()))
        for key, size in sizes.items():
            if size is None or size != batch:
                raise TFSError(400, f"Tensor name: {key} has inconsistent batch size: {size} expecting: {batch}")
        rows = {key: _to_json(value, key) for key, value in sorted(outputs.items())}
        return {"predictions": [{key: rows[key][i] for key in rows} for i in range(batch or 0)]}

    def _examples(self, request: dict[str, Any], method: str, wanted: str) -> tuple[dict[str, Any], int]:
        function, specs, actual = self.signature(request.get("signature_name"))
        kind = "classification" if wanted == CLASSIFY_METHOD else "regression"
        if actual != wanted:
            raise TFSError(400, f"Expected {kind} signature method_name to be {wanted}. Was: {actual}")
        examples = request.get("examples")
        if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
            raise TFSError(400, "Expecting 'examples' to be an list/array of objects")
        context = request.get("context") or {}
        if not isinstance(context, dict):
            raise TFSError(400, "Expecting 'context' to be an object")
        serialized = [_example({**context, **example}) for example in examples]
        (input_name,) = specs  # classify/regress signatures take one input: the serialized Examples
        tensors = {input_name: _tf().constant(serialized, dtype=_tf().string)}
        return self.run(function, tensors), len(examples)

    def classify(self, request: dict[str, Any]) -> dict[str, Any]:
        outputs, count = self._examples(request, "classify", CLASSIFY_METHOD)
        classes, scores = outputs.get("classes"), outputs.get("scores")
        result: list[list[list[Any]]] = []
        for i in range(count):
            labels = _to_json(classes[i], "classes") if classes is not None else None
            values = scores[i].tolist() if scores is not None else None
            width = len(labels) if labels is not None else len(values or [])
            result.append([[labels[j] if labels else "", values[j] if values else 0.0] for j in range(width)])
        return {"result": result}

    def regress(self, request: dict[str, Any]) -> dict[str, Any]:
        outputs, _ = self._examples(request, "regress", REGRESS_METHOD)
        values = outputs.get("outputs")
        if values is None:
            values = next(iter(outputs.values()))
        return {"result": values.reshape(-1).tolist()}


class ModelServer:
    """Every version of every model of an artifact, loaded; requests without a version get the highest."""

    def __init__(self, models: dict[str, dict[int, Path]]) -> None:
        self.models = models
        self._servables: dict[str, dict[int, Servable]] = {
            name: {version: Servable(name, version, path) for version, path in versions.items()}
            for name, versions in models.items()
        }

    def servable(self, name: str, version: str | None) -> Servable:
        versions = self._servables.get(name)
        if version is not None and not str(version).isdigit():
            raise TFSError(400, f"Invalid model version: {version!r}")
        wanted = served_version(self.models[name]) if versions and version is None else int(version or -1)
        found = versions.get(wanted) if versions else None
        if found is None:
            spec = f"Specific({name}, {version})" if version is not None else f"Latest({name})"
            raise TFSError(404, f"Servable not found for request: {spec}")
        return found

    def status(self, name: str, version: str | None) -> dict[str, Any]:
        """TFS's GetModelStatus: every loaded version, or the one asked for."""
        chosen = [self.servable(name, version)] if version is not None else None
        if chosen is None:
            self.servable(name, None)  # 404 for an unknown model
            chosen = sorted(self._servables[name].values(), key=lambda s: -s.version)
        ok = {"error_code": "OK", "error_message": ""}
        return {
            "model_version_status": [
                {"version": str(s.version), "state": "AVAILABLE", "status": dict(ok)} for s in chosen
            ]
        }

    def call(self, method: str, name: str, version: str | None, body: bytes) -> tuple[int, bytes]:
        """One ``:predict`` / ``:classify`` / ``:regress`` call: (HTTP status, JSON body)."""
        try:
            servable = self.servable(name, version)
            if method not in METHODS:
                raise TFSError(404, f"Malformed request: POST /v1/models/{name}:{method}")
            try:
                request = json.loads(body or b"null")
            except ValueError as exc:
                raise TFSError(400, f"JSON Parse error: {exc}") from None
            if not isinstance(request, dict):
                raise TFSError(400, "JSON Value: the request body must be a JSON object")
            answer = getattr(servable, method)(request)
            return 200, json.dumps(answer, separators=(",", ":")).encode("utf-8")
        except TFSError as exc:
            return exc.status, error_body(exc.message)


def error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode("utf-8")
