"""The framework containers' default request decoding and response encoding (numpy arrays).

    decode('[[1, 2], [3, 4]]', "application/json")   # -> np.array([[1, 2], [3, 4]])
    encode(np.array([1.5, 2.5]), "text/csv")          # -> '1.5\\n2.5\\n'

The same rules as the SageMaker inference toolkit's ``decoder``/``encoder`` (and the older
``sagemaker_containers`` encoders the scikit-learn and XGBoost containers use): JSON through
``json.loads`` then ``np.array``; CSV through ``np.genfromtxt(delimiter=",")``; NPY through
``np.load`` (pickles allowed, as the toolkit does: the payload comes from the endpoint's
own caller); NPZ as a scipy sparse matrix. Anything else raises ``UnsupportedFormatError``,
which the runtimes turn into the container's status code. numpy is imported on first use.
"""

from __future__ import annotations

import io
import json
from typing import Any

JSON = "application/json"
CSV = "text/csv"
NPY = "application/x-npy"
NPZ = "application/x-npz"
ANY = "*/*"
UTF8_TYPES = (JSON, CSV)


class UnsupportedFormatError(Exception):
    """A content type (or Accept type) the default handlers do not speak."""

    def __init__(self, content_type: Any) -> None:
        self.content_type = content_type
        super().__init__(
            f"Content type {content_type} is not supported by this framework. Please implement input_fn to "
            "deserialize the request data or an output_fn to serialize the response."
        )


def _text(data: Any) -> str:
    return data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else str(data)


def _bytes(data: Any) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def decode(data: Any, content_type: str | None) -> Any:
    """The request body as a numpy array (a scipy sparse matrix for NPZ)."""
    import numpy as np

    if content_type == JSON:
        return np.array(json.loads(_text(data)))
    if content_type == CSV:
        return np.genfromtxt(io.StringIO(_text(data)), delimiter=",")
    if content_type == NPY:
        return np.load(io.BytesIO(_bytes(data)), allow_pickle=True)
    if content_type == NPZ:
        import importlib

        sparse = importlib.import_module("scipy.sparse")
        return sparse.load_npz(io.BytesIO(_bytes(data)))
    raise UnsupportedFormatError(content_type)


def _default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(value: Any, content_type: str) -> str | bytes:
    """An array-like as JSON (str), CSV (str) or NPY (bytes)."""
    import numpy as np

    if content_type == JSON:
        return json.dumps(value, default=_default)
    if content_type == CSV:
        stream = io.StringIO()
        np.savetxt(stream, value, delimiter=",", fmt="%s")
        return stream.getvalue()
    if content_type == NPY:
        buffer = io.BytesIO()
        np.save(buffer, value)
        return buffer.getvalue()
    raise UnsupportedFormatError(content_type)


ENCODABLE = (JSON, CSV, NPY)


def parse_accept(accept: str) -> list[str]:
    """``"application/json, text/csv"`` -> ``["application/json", "text/csv"]`` (the toolkit's rule)."""
    return accept.replace(" ", "").split(",")
