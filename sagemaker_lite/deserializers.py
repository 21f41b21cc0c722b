"""Deserializers: turn an endpoint's response body into Python objects.

    from sagemaker_lite.deserializers import JSONDeserializer, NumpyDeserializer
    predictor.deserializer = NumpyDeserializer()
    predictor.predict(x)                    # -> numpy.ndarray

Each deserializer names the ``Accept`` types it asks for (``ACCEPT``) and receives the
streaming body with the content type the endpoint answered with. Every one of them closes
the stream, except ``StreamDeserializer`` whose point is to hand it over unread.
"""

from __future__ import annotations

import abc
import codecs
import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from .errors import ValidationError

__all__ = [
    "BaseDeserializer",
    "BytesDeserializer",
    "CSVDeserializer",
    "JSONDeserializer",
    "JSONLinesDeserializer",
    "NumpyDeserializer",
    "SimpleBaseDeserializer",
    "StreamDeserializer",
    "StringDeserializer",
]


def _media_type(content_type: str | None) -> str:
    """``"application/json; charset=utf-8"`` -> ``"application/json"``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


class BaseDeserializer(abc.ABC):
    """The interface ``Predictor`` needs: ``deserialize(stream, content_type)`` and ``ACCEPT``."""

    @abc.abstractmethod
    def deserialize(self, stream: Any, content_type: str) -> Any:
        """Read ``stream`` (a file-like body) and return the decoded value."""

    @property
    @abc.abstractmethod
    def ACCEPT(self) -> str | tuple[str, ...]:  # the official SDK's attribute name
        """The MIME type(s) to ask the endpoint for."""


class SimpleBaseDeserializer(BaseDeserializer):
    """A deserializer whose ``Accept`` is chosen at construction."""

    def __init__(self, accept: str | Sequence[str] = "*/*") -> None:
        if isinstance(accept, str):
            ok = bool(accept)
        else:
            ok = isinstance(accept, (list, tuple)) and bool(accept) and all(isinstance(a, str) and a for a in accept)
        if not ok:
            raise ValidationError("accept", accept, "a MIME type string such as 'application/json', or a tuple of them")
        self.accept: str | tuple[str, ...] = accept if isinstance(accept, str) else tuple(accept)

    @property
    def ACCEPT(self) -> str | tuple[str, ...]:
        return self.accept

    def __repr__(self) -> str:
        return f"{type(self).__name__}(accept={self.accept!r})"


def _read_all(stream: Any) -> bytes:
    try:
        data = stream.read()
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


class StringDeserializer(SimpleBaseDeserializer):
    """The body decoded as text (``encoding``, UTF-8 by default)."""

    def __init__(self, encoding: str = "UTF-8", accept: str | Sequence[str] = "application/json") -> None:
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream: Any, content_type: str) -> str:
        return _read_all(stream).decode(self.encoding)


class BytesDeserializer(SimpleBaseDeserializer):
    """The body as ``bytes``."""

    def deserialize(self, stream: Any, content_type: str) -> bytes:
        return _read_all(stream)


class CSVDeserializer(SimpleBaseDeserializer):
    """``text/csv`` -> a list of rows, each a list of strings."""

    def __init__(self, encoding: str = "utf-8", accept: str | Sequence[str] = "text/csv") -> None:
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream: Any, content_type: str) -> list[list[str]]:
        text = _read_all(stream).decode(self.encoding)
        return list(csv.reader(text.splitlines()))


class StreamDeserializer(SimpleBaseDeserializer):
    """``(stream, content_type)`` unread: for large bodies you want to consume yourself (and close)."""

    def deserialize(self, stream: Any, content_type: str) -> tuple[Any, str]:
        return stream, content_type


class JSONDeserializer(SimpleBaseDeserializer):
    """``application/json`` -> dicts and lists (TensorFlow Serving: ``{"predictions": [...]}``)."""

    def __init__(self, accept: str | Sequence[str] = "application/json") -> None:
        super().__init__(accept)

    def deserialize(self, stream: Any, content_type: str) -> Any:
        return json.loads(_read_all(stream).decode("utf-8"))


class JSONLinesDeserializer(SimpleBaseDeserializer):
    """``application/jsonlines`` -> a list with one decoded value per non-empty line."""

    def __init__(self, accept: str | Sequence[str] = "application/jsonlines") -> None:
        super().__init__(accept)

    def deserialize(self, stream: Any, content_type: str) -> list[Any]:
        text = _read_all(stream).decode("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class NumpyDeserializer(SimpleBaseDeserializer):
    """A numpy array from NPY/NPZ, CSV or JSON bodies (chosen by the response's content type).

    ``allow_pickle`` stays ``False`` unless you trust the endpoint: unpickling runs code.
    """

    def __init__(
        self, dtype: Any = None, accept: str | Sequence[str] = "application/x-npy", allow_pickle: bool = False
    ) -> None:
        super().__init__(accept)
        self.dtype = dtype
        self.allow_pickle = allow_pickle

    def deserialize(self, stream: Any, content_type: str) -> Any:
        import numpy as np

        media = _media_type(content_type)
        if media == "text/csv":
            try:
                return np.genfromtxt(codecs.getreader("utf-8")(stream), delimiter=",", dtype=self.dtype)
            finally:
                stream.close()
        if media == "application/json":
            return np.array(json.loads(_read_all(stream).decode("utf-8")), dtype=self.dtype)
        if media in ("application/x-npy", "application/x-npz"):
            return np.load(io.BytesIO(_read_all(stream)), allow_pickle=self.allow_pickle)
        stream.close()
        raise ValidationError(
            "content_type",
            content_type,
            "'application/x-npy', 'application/x-npz', 'text/csv' or 'application/json'",
            hint="the endpoint answered with a type NumpyDeserializer cannot read",
        )


class CallableDeserializer(SimpleBaseDeserializer):
    """A plain function used as a deserializer, v1 style: called as ``function(stream, content_type)``."""

    def __init__(self, function: Any, accept: str | Sequence[str] = "*/*") -> None:
        if not callable(function) or isinstance(function, type):
            raise ValidationError(
                "deserializer", function, "a function taking (stream, content_type) and returning the decoded value"
            )
        super().__init__(accept)
        self.function = function

    def deserialize(self, stream: Any, content_type: str) -> Any:
        return self.function(stream, content_type)

    def __repr__(self) -> str:
        name = getattr(self.function, "__qualname__", repr(self.function))
        return f"CallableDeserializer({name}, accept={self.accept!r})"
