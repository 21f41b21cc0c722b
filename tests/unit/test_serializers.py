"""Serializers and deserializers: what each sends and reads, what each refuses, and lazy numpy."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from sagemaker_lite.deserializers import (
    BytesDeserializer,
    CSVDeserializer,
    JSONDeserializer,
    JSONLinesDeserializer,
    NumpyDeserializer,
    StreamDeserializer,
    StringDeserializer,
)
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.serializers import (
    CSVSerializer,
    IdentitySerializer,
    JSONLinesSerializer,
    JSONSerializer,
    NumpySerializer,
    StringSerializer,
)


class TrackedStream(io.BytesIO):
    closed_by_deserializer = False

    def close(self) -> None:
        self.closed_by_deserializer = True
        super().close()


# --- serializers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "body"),
    [
        ({"instances": [[1.0, 2.0]]}, '{"instances": [[1.0, 2.0]]}'),
        ([1, "a", None, True], '[1, "a", null, true]'),
        (np.array([[1, 2], [3, 4]]), "[[1, 2], [3, 4]]"),
        ({"x": np.float32(0.5), "y": np.arange(2)}, '{"x": 0.5, "y": [0, 1]}'),
        ("already json", '"already json"'),
    ],
)
def test_json_serializer(data: Any, body: str) -> None:
    serializer = JSONSerializer()
    assert serializer.serialize(data) == body and serializer.CONTENT_TYPE == "application/json"


def test_file_like_data_is_sent_as_read() -> None:
    for serializer in (JSONSerializer(), CSVSerializer(), NumpySerializer(), JSONLinesSerializer()):
        assert serializer.serialize(io.BytesIO(b"payload")) == b"payload"


@pytest.mark.parametrize(
    ("data", "body"),
    [
        ([1, 2.5, "a"], "1,2.5,a"),
        ([[1, 2], [3, 4]], "1,2\n3,4"),
        (((1, 2), (3, 4)), "1,2\n3,4"),
        (np.array([[1.5, 2.0], [3.0, 4.0]]), "1.5,2.0\n3.0,4.0"),
        (np.array([1, 2, 3]), "1,2,3"),
        ([np.array([1, 2]), np.array([3, 4])], "1,2\n3,4"),
        ("1,2\n3,4", "1,2\n3,4"),
        (["a,b", 'say "hi"', "x"], '"a,b","say ""hi""",x'),
    ],
)
def test_csv_serializer(data: Any, body: str) -> None:
    assert CSVSerializer().serialize(data) == body


def test_numpy_round_trip_keeps_shape_and_dtype() -> None:
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    body = NumpySerializer().serialize(array)
    result = NumpyDeserializer().deserialize(io.BytesIO(body), "application/x-npy")
    assert result.dtype == np.float32 and np.array_equal(result, array)
    as_ints = NumpySerializer(dtype="int16").serialize([[1, 2], [3, 4]])
    assert np.load(io.BytesIO(as_ints)).dtype == np.int16


def test_identity_string_and_jsonlines() -> None:
    assert IdentitySerializer("image/jpeg").serialize(b"\xff\xd8") == b"\xff\xd8"
    assert IdentitySerializer("image/jpeg").CONTENT_TYPE == "image/jpeg"
    assert StringSerializer().serialize("hello") == "hello"
    assert JSONLinesSerializer().serialize([{"a": 1}, {"b": [2]}]) == '{"a": 1}\n{"b": [2]}'
    assert JSONLinesSerializer().serialize('{"a": 1}') == '{"a": 1}'


@pytest.mark.parametrize(
    ("serializer", "data"),
    [
        (JSONSerializer(), object()),
        (JSONSerializer(), {"when": {1, 2}}),
        (CSVSerializer(), {"a": 1}),
        (CSVSerializer(), []),
        (CSVSerializer(), 42),
        (CSVSerializer(), [[1, 2], 3]),
        (CSVSerializer(), [1, [2, 3]]),
        (NumpySerializer(), [[1, 2], [3]]),
        (NumpySerializer(), np.array([], dtype=float)),
        (NumpySerializer(), np.array([{"a": 1}], dtype=object)),
        (NumpySerializer(dtype="float32"), ["a", "b"]),
        (IdentitySerializer(), 123),
        (IdentitySerializer(), [1, 2]),
        (StringSerializer(), b"bytes"),
        (JSONLinesSerializer(), {"a": 1}),
        (JSONLinesSerializer(), [object()]),
    ],
)
def test_data_a_serializer_cannot_encode_is_a_validation_error(serializer: Any, data: Any) -> None:
    with pytest.raises(ValidationError) as info:
        serializer.serialize(data)
    assert info.value.parameter == "data"


def test_error_messages_do_not_print_huge_data() -> None:
    with pytest.raises(ValidationError) as info:
        CSVSerializer().serialize({str(i): i for i in range(10_000)})
    assert len(str(info.value)) < 400


def test_content_type_must_be_a_mime_string() -> None:
    with pytest.raises(ValidationError) as info:
        JSONSerializer(content_type="")
    assert info.value.parameter == "content_type"


# --- deserializers ------------------------------------------------------------------------------


def test_each_deserializer_reads_and_closes_the_stream() -> None:
    cases: list[tuple[Any, bytes, str, Any]] = [
        (BytesDeserializer(), b"\x00x", "application/octet-stream", b"\x00x"),
        (StringDeserializer(), "héllo".encode(), "text/plain", "héllo"),
        (CSVDeserializer(), b'1,"a,b"\n3,4', "text/csv", [["1", "a,b"], ["3", "4"]]),
        (JSONDeserializer(), b'{"predictions": [[3.0]]}', "application/json", {"predictions": [[3.0]]}),
        (JSONLinesDeserializer(), b'{"a": 1}\n\n[2]\n', "application/jsonlines", [{"a": 1}, [2]]),
    ]
    for deserializer, body, content_type, expected in cases:
        stream = TrackedStream(body)
        assert deserializer.deserialize(stream, content_type) == expected
        assert stream.closed_by_deserializer, deserializer


def test_stream_deserializer_hands_the_stream_over_unread() -> None:
    stream = io.BytesIO(b"big")
    assert StreamDeserializer().deserialize(stream, "video/mp4") == (stream, "video/mp4")
    assert stream.read() == b"big"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"1,2\n3,4", "text/csv"),
        (b"[[1, 2], [3, 4]]", "application/json; charset=utf-8"),
    ],
)
def test_numpy_deserializer_reads_csv_and_json(body: bytes, content_type: str) -> None:
    result = NumpyDeserializer(dtype=float).deserialize(io.BytesIO(body), content_type)
    assert np.array_equal(result, np.array([[1.0, 2.0], [3.0, 4.0]]))


def test_numpy_deserializer_reads_npz_and_refuses_pickles() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, a=np.arange(3))
    assert np.array_equal(
        NumpyDeserializer().deserialize(io.BytesIO(buffer.getvalue()), "application/x-npz")["a"], [0, 1, 2]
    )
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="pickle"):
        NumpyDeserializer().deserialize(io.BytesIO(pickled.getvalue()), "application/x-npy")


def test_numpy_deserializer_names_an_unreadable_content_type() -> None:
    with pytest.raises(ValidationError) as info:
        NumpyDeserializer().deserialize(io.BytesIO(b"<html>"), "text/html")
    assert info.value.parameter == "content_type"


def test_accept_can_be_several_types() -> None:
    assert JSONDeserializer(accept=["application/json", "text/plain"]).ACCEPT == ("application/json", "text/plain")
    with pytest.raises(ValidationError):
        JSONDeserializer(accept=[])


def test_no_numpy_boto3_or_botocore_at_import() -> None:
    code = (
        "import sys\n"
        "import sagemaker_lite.serializers, sagemaker_lite.deserializers, sagemaker_lite.predictor\n"
        "import sagemaker_lite.model, sagemaker_lite.hosting, sagemaker_lite.tensorflow.model\n"
        "from sagemaker_lite import Model, Predictor, serializers, deserializers\n"
        "print(json.dumps(sorted(m for m in ('numpy', 'boto3', 'botocore') if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", "import json\n" + code], check=True, capture_output=True, text=True)
    assert json.loads(out.stdout) == []
