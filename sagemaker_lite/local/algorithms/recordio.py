"""``application/x-recordio-protobuf``: SageMaker's RecordIO framing of ``aialgs`` ``Record`` protobufs.

    features, labels = read_records(data)   # numpy array (dense) or scipy CSR (sparse), labels or None

The format the built-in algorithms read (and ``RecordSerializer`` / the official SDK's
``write_numpy_to_dense_tensor`` write): a stream of RecordIO records - a little-endian
``0xCED7230A`` magic, a length word (low 29 bits), the payload, zero padding to 4 bytes -
each payload a ``Record`` message::

    Record  { map<string, Value> features = 1; map<string, Value> label = 2; ... }
    Value   { Float32Tensor float32_tensor = 2; Float64Tensor float64_tensor = 3;
              Int32Tensor int32_tensor = 7; Bytes bytes = 9; }
    *Tensor { repeated <type> values = 1 [packed]; repeated uint64 keys = 2 [packed];
              repeated uint64 shape = 3 [packed]; }

The protobuf wire format is decoded here directly (varints, length-delimited fields,
packed repeated scalars), so reading it needs numpy only - no protobuf package and no
generated code. Only the ``values`` entry of ``features`` and ``label`` is read, as the
XGBoost container does; a tensor with ``keys`` is a sparse row of width ``shape[0]``.
"""

from __future__ import annotations

import struct
from typing import Any

MAGIC = 0xCED7230A
_LENGTH_MASK = (1 << 29) - 1
_DTYPES = {2: "<f4", 3: "<f8", 7: "int32"}


class RecordIOError(ValueError):
    """The bytes are not RecordIO-framed ``Record`` protobufs."""


def split_records(data: bytes) -> list[bytes]:
    """The payloads of a RecordIO stream."""
    records: list[bytes] = []
    offset = 0
    while offset + 8 <= len(data):
        magic, word = struct.unpack_from("<II", data, offset)
        if magic != MAGIC:
            raise RecordIOError(f"Invalid RecordIO magic at offset {offset}")
        length = word & _LENGTH_MASK
        offset += 8
        if offset + length > len(data):
            raise RecordIOError(f"Truncated record at offset {offset}")
        records.append(data[offset : offset + length])
        offset += (length + 3) // 4 * 4
    if offset < len(data) and data[offset:].strip(b"\0"):
        raise RecordIOError(f"Trailing bytes at offset {offset}")
    return records


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if offset >= len(data):
            raise RecordIOError("Truncated varint")
        byte = data[offset]
        offset += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, offset
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) of one message: ints for varints, bytes for the rest."""
    fields: list[tuple[int, int, Any]] = []
    offset = 0
    while offset < len(data):
        key, offset = _varint(data, offset)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, offset = _varint(data, offset)
        elif wire == 1:
            value, offset = data[offset : offset + 8], offset + 8
        elif wire == 2:
            size, offset = _varint(data, offset)
            value, offset = data[offset : offset + size], offset + size
        elif wire == 5:
            value, offset = data[offset : offset + 4], offset + 4
        else:
            raise RecordIOError(f"Unsupported protobuf wire type {wire}")
        fields.append((number, wire, value))
    return fields


def _packed_varints(chunk: bytes) -> list[int]:
    values: list[int] = []
    offset = 0
    while offset < len(chunk):
        value, offset = _varint(chunk, offset)
        values.append(value)
    return values


def _tensor(kind: int, data: bytes) -> tuple[Any, list[int], list[int]]:
    """(values, keys, shape) of a Float32/Float64/Int32 tensor message."""
    import numpy as np

    dtype = np.dtype(_DTYPES[kind])
    parts: list[Any] = []
    keys: list[int] = []
    shape: list[int] = []
    for number, wire, value in _fields(data):
        if number == 1:
            if wire == 2 and kind != 7:
                parts.append(np.frombuffer(value, dtype=dtype))
            elif wire == 2:
                parts.append(np.array([v - (1 << 64) if v >= 1 << 63 else v for v in _packed_varints(value)]))
            elif wire == 0:
                parts.append(np.array([value]))
            else:
                parts.append(np.frombuffer(value, dtype=dtype))
        elif number == 2:
            keys.extend(_packed_varints(value) if wire == 2 else [value])
        elif number == 3:
            shape.extend(_packed_varints(value) if wire == 2 else [value])
    values = np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
    return values, keys, shape


def _values_entry(map_entries: list[bytes]) -> tuple[Any, list[int], list[int]] | None:
    """The ``values`` tensor of a ``map<string, Value>`` (its entries' raw bytes), if there is one."""
    for entry in map_entries:
        key, value = b"", b""
        for number, _, field in _fields(entry):
            if number == 1:
                key = field
            elif number == 2:
                value = field
        if key != b"values":
            continue
        for number, _, field in _fields(value):
            if number in _DTYPES:
                return _tensor(number, field)
        return None
    return None


def decode_record(payload: bytes) -> tuple[tuple[Any, list[int], list[int]] | None, Any]:
    """(features tensor or None, label values or None) of one ``Record``."""
    features: list[bytes] = []
    labels: list[bytes] = []
    for number, _, value in _fields(payload):
        if number == 1:
            features.append(value)
        elif number == 2:
            labels.append(value)
    label = _values_entry(labels)
    return _values_entry(features), None if label is None else label[0]


def read_records(data: bytes) -> tuple[Any, Any]:
    """(features: dense ndarray or scipy CSR, labels: ndarray or None) of a RecordIO-protobuf stream."""
    import numpy as np

    rows: list[tuple[Any, list[int], int]] = []
    labels: list[Any] = []
    sparse = False
    for payload in split_records(data):
        tensor, label = decode_record(payload)
        if tensor is None:
            continue
        values, keys, shape = tensor
        if keys:
            sparse = True
            width = int(shape[0]) if shape else max(keys) + 1
        else:
            width = int(shape[0]) if shape and not len(values) else len(values)
            sparse = sparse or (not len(values) and bool(shape))
        rows.append((values, keys, width))
        if label is not None:
            labels.append(label)
    if not rows:
        raise RecordIOError("No records found in RecordIO-Protobuf data")
    label_array = np.concatenate(labels).astype(np.float32) if labels else None
    width = max(w for _, _, w in rows)
    if not sparse:
        return np.vstack([v.astype(np.float32).reshape(1, -1) for v, _, _ in rows]), label_array
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    data_values: list[Any] = []
    for values, keys, row_width in rows:
        columns = keys if keys else list(range(len(values)))
        indices.extend(columns)
        data_values.append(values.astype(np.float32))
        indptr.append(len(indices))
        width = max(width, row_width)
    flat = np.concatenate(data_values) if data_values else np.zeros(0, dtype=np.float32)
    matrix = csr_matrix((flat, np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(rows), width))
    return matrix, label_array
