"""Serializers: turn what you pass to ``predictor.predict(data)`` into a request body.

    from sagemaker_lite.serializers import CSVSerializer, JSONSerializer
    predictor.serializer = CSVSerializer()
    predictor.predict([[1.5, 2.0], [3.1, 4.2]])       # body "1.5,2.0\\n3.1,4.2", text/csv

Each serializer names the ``Content-Type`` it produces (``CONTENT_TYPE``) and checks what
it is given: data it cannot encode raises ``ValidationError`` naming ``data`` *before*
anything is sent, instead of an opaque error from the endpoint. numpy is imported only
by the serializers that need it, and only when they run.
"""

from __future__ import annotations

import abc
import io
import json
from collections.abc import Iterable
from typing import Any

from .errors import ValidationError

__all__ = [
    "BaseSerializer",
    "CSVSerializer",
    "IdentitySerializer",
    "JSONLinesSerializer",
    "JSONSerializer",
    "LibSVMSerializer",
    "NumpySerializer",
    "SimpleBaseSerializer",
    "StringSerializer",
]


def describe(data: Any, limit: int = 80) -> str:
    """A short ``repr`` for error messages: a large array must not flood the traceback."""
    text = repr(data)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _reject(data: Any, allowed: str, hint: str | None = None) -> ValidationError:
    return ValidationError("data", describe(data), allowed, hint=hint)


def _is_file_like(data: Any) -> bool:
    return callable(getattr(data, "read", None))


class BaseSerializer(abc.ABC):
    """The interface ``Predictor`` needs: ``serialize(data)`` and ``CONTENT_TYPE``."""

    @abc.abstractmethod
    def serialize(self, data: Any) -> Any:
        """Return the request body for ``data`` (``str``, ``bytes`` or a readable file)."""

    @property
    @abc.abstractmethod
    def CONTENT_TYPE(self) -> str:  # the official SDK's attribute name
        """The MIME type of the body ``serialize`` returns."""


class SimpleBaseSerializer(BaseSerializer):
    """A serializer whose content type is chosen at construction: ``JSONSerializer("application/x-json")``."""

    def __init__(self, content_type: str = "application/json") -> None:
        if not isinstance(content_type, str) or not content_type:
            raise ValidationError("content_type", content_type, "a MIME type string such as 'application/json'")
        self.content_type = content_type

    @property
    def CONTENT_TYPE(self) -> str:
        return self.content_type

    def __repr__(self) -> str:
        return f"{type(self).__name__}(content_type={self.content_type!r})"


def _json_default(value: Any) -> Any:
    """numpy arrays and scalars (anything with ``tolist``) become plain lists and numbers."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class JSONSerializer(SimpleBaseSerializer):
    """``application/json``: dicts, lists, numbers, strings, numpy arrays, or a readable file (sent as is).

    For TensorFlow Serving send ``{"instances": [...]}`` (or ``{"inputs": ...}``).
    """

    def serialize(self, data: Any) -> Any:
        if _is_file_like(data):
            return data.read()
        try:
            return json.dumps(data, default=_json_default)
        except (TypeError, ValueError) as exc:
            raise _reject(
                data, "JSON-serializable data: dict, list, str, number, bool, None or numpy arrays", str(exc)
            ) from exc


def _csv_cell(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if any(char in text for char in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or callable(getattr(value, "tolist", None))


class CSVSerializer(SimpleBaseSerializer):
    """``text/csv``: a row (``[1, 2]``), rows (``[[1, 2], [3, 4]]``), a 1-D/2-D numpy array, or a string.

    Cells holding a comma, quote or newline are quoted as RFC 4180 says.
    """

    def __init__(self, content_type: str = "text/csv") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if _is_file_like(data):
            return data.read()
        if isinstance(data, str):
            return data
        to_csv = getattr(data, "to_csv", None)
        if callable(to_csv):  # a pandas DataFrame or Series
            return str(to_csv(header=False, index=False)).rstrip("\n")
        allowed = "a string, a list of values, a list of rows, or a 1-D/2-D numpy array"
        if callable(getattr(data, "tolist", None)):
            data = data.tolist()
        if not isinstance(data, (list, tuple)):
            raise _reject(data, allowed)
        if not data:
            raise _reject(data, allowed, "there is nothing to send in an empty list")
        if _is_sequence(data[0]):
            rows = [row.tolist() if callable(getattr(row, "tolist", None)) else row for row in data]
            if not all(isinstance(row, (list, tuple)) for row in rows):
                raise _reject(data, allowed, "mix of rows and single values")
            return "\n".join(",".join(_csv_cell(cell) for cell in row) for row in rows)
        if any(_is_sequence(cell) or isinstance(cell, dict) for cell in data):
            raise _reject(data, allowed, "a row's cells must be single values")
        return ",".join(_csv_cell(cell) for cell in data)


class NumpySerializer(SimpleBaseSerializer):
    """``application/x-npy``: a numpy array (or anything ``numpy.asarray`` takes) in NPY format.

    Object arrays are refused (they would need pickle, which the container must not unpickle).
    """

    def __init__(self, dtype: Any = None, content_type: str = "application/x-npy") -> None:
        super().__init__(content_type)
        self.dtype = dtype

    def serialize(self, data: Any) -> Any:
        if _is_file_like(data):
            return data.read()
        import numpy as np

        allowed = "a numpy array, or nested lists of numbers of equal lengths"
        try:
            array = np.asarray(data, dtype=self.dtype)
        except (TypeError, ValueError) as exc:
            raise _reject(data, allowed, str(exc)) from exc
        if array.size == 0:
            raise _reject(data, allowed, "the array is empty")
        buffer = io.BytesIO()
        try:
            np.save(buffer, array, allow_pickle=False)
        except ValueError as exc:
            raise _reject(data, allowed, "object arrays cannot be sent without pickle") from exc
        return buffer.getvalue()


class IdentitySerializer(SimpleBaseSerializer):
    """Send ``bytes``/``str`` or a readable file unchanged: ``IdentitySerializer("image/jpeg")``."""

    def __init__(self, content_type: str = "application/octet-stream") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if isinstance(data, (bytes, bytearray, str)) or _is_file_like(data):
            return data
        raise _reject(
            data,
            "bytes, str or a readable file",
            f"IdentitySerializer({self.content_type!r}) sends data as is; choose a serializer that encodes it",
        )


class StringSerializer(SimpleBaseSerializer):
    """``text/plain``: a ``str`` sent as is."""

    def __init__(self, content_type: str = "text/plain") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        raise _reject(data, "a str")


class LibSVMSerializer(SimpleBaseSerializer):
    """``text/libsvm``: LibSVM text (``"label idx:value ..."`` lines) as a str or a readable file."""

    def __init__(self, content_type: str = "text/libsvm") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        if _is_file_like(data):
            return data.read()
        raise _reject(data, "a str of LibSVM lines or a readable file")


class JSONLinesSerializer(SimpleBaseSerializer):
    """``application/jsonlines``: one JSON document per line, from a list of records (or a str)."""

    def __init__(self, content_type: str = "application/jsonlines") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        if _is_file_like(data):
            return data.read()
        allowed = "a list of JSON-serializable records, or a str of JSON lines"
        if isinstance(data, (dict, bytes)) or not isinstance(data, Iterable):
            raise _reject(data, allowed)
        try:
            return "\n".join(json.dumps(record, default=_json_default) for record in data)
        except (TypeError, ValueError) as exc:
            raise _reject(data, allowed, str(exc)) from exc


class CallableSerializer(SimpleBaseSerializer):
    """A plain function used as a serializer, v1 style: ``Predictor(..., serializer=json.dumps)``.

    v1 serializers were callables and the content type was a separate setting, so the
    function's result is the body and ``content_type`` names it.
    """

    def __init__(self, function: Any, content_type: str = "application/octet-stream") -> None:
        if not callable(function) or isinstance(function, type):
            raise ValidationError("serializer", function, "a function taking the data and returning the request body")
        super().__init__(content_type)
        self.function = function

    def serialize(self, data: Any) -> Any:
        return self.function(data)

    def __repr__(self) -> str:
        name = getattr(self.function, "__qualname__", repr(self.function))
        return f"CallableSerializer({name}, content_type={self.content_type!r})"
