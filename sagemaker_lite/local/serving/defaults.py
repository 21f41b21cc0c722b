"""Each framework container's default ``model_fn``/``input_fn``/``predict_fn``/``output_fn``.

Used when the user's inference script does not define one (see ``handlers.py``):

- generic inference toolkit: no default ``model_fn``/``predict_fn`` (NotImplementedError);
  ``input_fn`` decodes JSON/CSV/NPY/NPZ to numpy; ``output_fn`` encodes to the first
  Accept type it can write and returns ``(body, content_type)``.
- PyTorch (sagemaker-pytorch-inference-toolkit): ``model_fn`` loads a TorchScript model
  from ``model.pt``, or the only ``*.pt``/``*.pth`` file, with ``torch.jit.load``;
  ``input_fn`` makes a float tensor (JSON/CSV) or ``torch.from_numpy`` (NPY);
  ``predict_fn`` runs ``model.eval()`` then ``model(data)`` under ``torch.no_grad()``;
  ``output_fn`` turns a tensor into a list and encodes it (CSV as bytes).
- scikit-learn: no default ``model_fn``; ``input_fn`` decodes to numpy (float32 for
  JSON/CSV); ``predict_fn`` is ``model.predict(data)``; ``output_fn`` encodes as Accept.
- XGBoost script mode: no default ``model_fn``; ``input_fn`` makes a ``DMatrix`` from CSV
  (or LIBSVM); ``predict_fn`` is ``model.predict(data, validate_features=False)``.
- Hugging Face: ``model_fn`` builds a ``transformers.pipeline`` for ``HF_TASK``; JSON in
  (``{"inputs": ..., "parameters": {...}}``), the pipeline's answer as JSON out.

Framework modules (numpy, torch, xgboost, transformers) are imported when first called.
"""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

from . import codecs

NO_MODEL_FN = (
    "Please provide a model_fn implementation. "
    "See documentation for model_fn at https://sagemaker.readthedocs.io/en/stable/"
)
NO_PREDICT_FN = (
    "Please provide a predict_fn implementation. "
    "See documentation for predict_fn at https://sagemaker.readthedocs.io/en/stable/"
)


class ModelLoadError(Exception):
    """The PyTorch default ``model_fn`` found a file it cannot load as TorchScript."""


# --- the generic inference toolkit -------------------------------------------------------------


def no_model_fn(model_dir: str) -> Any:
    raise NotImplementedError(NO_MODEL_FN)


def toolkit_input_fn(input_data: Any, content_type: str) -> Any:
    return codecs.decode(input_data, content_type)


def no_predict_fn(data: Any, model: Any) -> Any:
    raise NotImplementedError(NO_PREDICT_FN)


def toolkit_output_fn(prediction: Any, accept: str) -> Any:
    for content_type in codecs.parse_accept(accept):
        if content_type in codecs.ENCODABLE:
            return codecs.encode(prediction, content_type), content_type
    raise codecs.UnsupportedFormatError(accept)


# --- PyTorch -------------------------------------------------------------------------------------

PYTORCH_MODEL_FILE = "model.pt"


def _device() -> Any:
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def pytorch_model_fn(model_dir: str) -> Any:
    import torch

    path = os.path.join(model_dir, PYTORCH_MODEL_FILE)
    if not os.path.exists(path):
        candidates = [
            name
            for name in os.listdir(model_dir)
            if os.path.isfile(os.path.join(model_dir, name)) and os.path.splitext(name)[1] in (".pt", ".pth")
        ]
        if len(candidates) != 1:
            raise ValueError(f"Exactly one .pth or .pt file is required for PyTorch models: {candidates}")
        path = os.path.join(model_dir, candidates[0])
    device = _device()
    try:
        model = torch.jit.load(path, map_location=device)  # type: ignore[no-untyped-call]
    except RuntimeError as exc:
        raise ModelLoadError(f"Failed to load {path}. Please ensure model is saved using torchscript.") from exc
    return model.to(device)


def pytorch_input_fn(input_data: Any, content_type: str) -> Any:
    import torch

    array = codecs.decode(input_data, content_type)
    tensor = torch.FloatTensor(array) if content_type in codecs.UTF8_TYPES else torch.from_numpy(array)
    return tensor.to(_device())


def pytorch_predict_fn(data: Any, model: Any) -> Any:
    import torch

    with torch.no_grad():
        device = _device()
        model = model.to(device)
        model.eval()
        return model(data.to(device))


def pytorch_output_fn(prediction: Any, accept: str) -> Any:
    import torch

    if type(prediction) is torch.Tensor:
        prediction = prediction.detach().cpu().numpy().tolist()
    for content_type in codecs.parse_accept(accept):
        if content_type in codecs.ENCODABLE:
            encoded = codecs.encode(prediction, content_type)
            return encoded.encode("utf-8") if content_type == codecs.CSV and isinstance(encoded, str) else encoded
    raise codecs.UnsupportedFormatError(accept)


# --- scikit-learn and XGBoost (the sagemaker-containers serving stack) ------------------------------


def sklearn_input_fn(input_data: Any, content_type: str) -> Any:
    import numpy as np

    array = codecs.decode(input_data, content_type)
    return array.astype(np.float32) if content_type in codecs.UTF8_TYPES else array


def sklearn_predict_fn(input_data: Any, model: Any) -> Any:
    return model.predict(input_data)


def containers_output_fn(prediction: Any, accept: str) -> Any:
    return codecs.encode(prediction, accept), accept


LIBSVM_TYPES = ("text/libsvm", "text/x-libsvm")


def xgboost_input_fn(input_data: Any, content_type: str) -> Any:
    import numpy as np
    import xgboost as xgb

    media_type = (content_type or "").split(";", 1)[0].strip()
    text = input_data.decode("utf-8") if isinstance(input_data, (bytes, bytearray)) else str(input_data)
    if media_type == codecs.CSV:
        delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
        rows = [["nan" if cell == "" else cell for cell in line.split(delimiter)] for line in text.split("\n")]
        return xgb.DMatrix(np.array(rows).astype(None))
    if media_type in LIBSVM_TYPES:
        parsed = [
            {int(i): float(val) for i, _, val in (tok.partition(":") for tok in line.split() if ":" in tok)}
            for line in text.strip().split("\n")
        ]
        if not any(parsed):
            return xgb.DMatrix(np.empty((0, 0)))
        offset = 1 if min(i for row in parsed for i in row) >= 1 else 0
        data = np.zeros((len(parsed), max(i for row in parsed for i in row) - offset + 1))
        for r, row in enumerate(parsed):
            for i, val in row.items():
                data[r, i - offset] = val
        return xgb.DMatrix(data)
    raise codecs.UnsupportedFormatError(media_type)


def xgboost_predict_fn(input_data: Any, model: Any) -> Any:
    return model.predict(input_data, validate_features=False)


# --- Hugging Face -------------------------------------------------------------------------------------


def huggingface_model_fn(model_dir: str) -> Any:
    task = os.environ.get("HF_TASK")
    if not task:
        raise ValueError("You need to define the pipeline task as env 'HF_TASK' (or provide a model_fn).")
    import importlib

    transformers = importlib.import_module("transformers")
    return transformers.pipeline(task=task, model=model_dir, device=-1)


def huggingface_input_fn(input_data: Any, content_type: str) -> Any:
    text = input_data.decode("utf-8") if isinstance(input_data, (bytes, bytearray)) else str(input_data)
    if content_type == codecs.JSON:
        return json.loads(text)
    if content_type == codecs.CSV:
        return {"inputs": list(csv.DictReader(io.StringIO(text)))}
    raise codecs.UnsupportedFormatError(content_type)


def huggingface_predict_fn(data: Any, model: Any) -> Any:
    inputs = data.pop("inputs", data) if isinstance(data, dict) else data
    parameters = data.pop("parameters", None) if isinstance(data, dict) else None
    return model(inputs, **parameters) if parameters is not None else model(inputs)


def huggingface_output_fn(prediction: Any, accept: str) -> Any:
    if accept == codecs.CSV:
        rows = prediction if isinstance(prediction, list) else [prediction]
        stream = io.StringIO()
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
        return stream.getvalue()
    if accept == codecs.JSON:
        return json.dumps(prediction, default=codecs._default)
    raise codecs.UnsupportedFormatError(accept)
