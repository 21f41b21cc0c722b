"""PURE: how batch transform cuts input objects into records, batches them, filters, joins and assembles.

The service's documented rules, applied to one input object:

* ``SplitType``: ``None`` - the whole object is one record; ``Line`` - each line is a record
  (its newline kept off; an empty last line is not a record); ``RecordIO`` - each RecordIO
  record (magic 0xced7230a, length, payload padded to 4 bytes) is a record.
* ``BatchStrategy``: ``SingleRecord`` - one record per request; ``MultiRecord`` - as many
  records as fit in ``MaxPayloadInMB`` per request (lines joined by ``\\n``, RecordIO
  records concatenated in their framing).
* ``DataProcessing.InputFilter`` (a JSONPath) is applied to each record before batching,
  ``JoinSource=Input`` joins each input record with its output record (CSV: the output
  columns after the input columns; JSON: the output under ``"SageMakerOutput"`` of an
  object input, or appended to an array input), then ``OutputFilter`` selects from the
  joined record. Filters and joins need one output line per input record.
* ``AssembleWith``: ``Line`` - the outputs of the requests are written one after another,
  each ending in a newline; ``None`` - concatenated as they are. The result of
  ``<key>`` goes to ``<S3OutputPath>/<key relative to the input prefix>.out``.

JSONPath: the subset the service's examples use: ``$``, ``.name``, ``['name']``,
``[i]``, ``[i, j, ...]`` and ``[start:end]`` (negative indices count from the end).
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
from collections.abc import Iterator, Sequence
from typing import Any

RECORDIO_MAGIC = 0xCED7230A
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]*)\]")


def split_records(data: bytes, split_type: str | None) -> list[bytes]:
    if split_type in (None, "None"):
        return [data] if data else []
    if split_type == "Line":
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return [line.rstrip(b"\r") for line in lines]
    if split_type == "RecordIO":
        return list(_recordio(data))
    raise ValueError(f"SplitType {split_type!r} is not supported locally (None, Line or RecordIO)")


def _recordio(data: bytes) -> Iterator[bytes]:
    offset = 0
    while offset + 8 <= len(data):
        magic, length = struct.unpack_from("<II", data, offset)
        if magic != RECORDIO_MAGIC:
            raise ValueError(f"not RecordIO at byte {offset}")
        size = length & ((1 << 29) - 1)
        padded = (size + 3) & ~3
        yield data[offset : offset + 8 + padded]
        offset += 8 + padded


def batches(
    records: Sequence[bytes], *, strategy: str | None, split_type: str | None, max_payload_mb: int
) -> list[list[bytes]]:
    """Groups of records, one group per request."""
    if strategy != "MultiRecord" or split_type in (None, "None"):
        return [[r] for r in records]
    limit = max(1, max_payload_mb) * 1024 * 1024
    out: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for record in records:
        extra = len(record) + 1
        if current and size + extra > limit:
            out.append(current)
            current, size = [], 0
        current.append(record)
        size += extra
    if current:
        out.append(current)
    return out


def payload(group: Sequence[bytes], split_type: str | None) -> bytes:
    if split_type == "Line":
        return b"\n".join(group) + (b"\n" if len(group) > 1 else b"")
    return b"".join(group)


def assemble(outputs: Sequence[bytes], assemble_with: str | None) -> bytes:
    if assemble_with == "Line":
        return b"".join(o if o.endswith(b"\n") else o + b"\n" for o in outputs)
    return b"".join(outputs)


# --- JSONPath filters and joins ------------------------------------------------------


def jsonpath(expression: str, value: Any) -> Any:
    """Apply the JSONPath subset in the module docstring to a parsed value."""
    if not expression.startswith("$"):
        raise ValueError(f"a JSONPath starts with '$': {expression!r}")
    rest = expression[1:]
    position = 0
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None:
            raise ValueError(f"unsupported JSONPath {expression!r} at {rest[position:]!r}")
        position = match.end()
        if match.group(1) is not None:
            value = value[match.group(1)]
            continue
        inner = match.group(2).strip()
        if inner.startswith(("'", '"')):
            value = value[inner[1:-1]]
        elif ":" in inner:
            start, _, end = inner.partition(":")
            value = value[int(start) if start.strip() else None : int(end) if end.strip() else None]
        elif "," in inner:
            value = [value[int(i)] for i in inner.split(",")]
        elif inner == "*":
            value = list(value)
        else:
            value = value[int(inner)]
    return value


def _is_json(content_type: str | None, record: bytes) -> bool:
    if content_type and "json" in content_type:
        return True
    return record.lstrip()[:1] in (b"{", b"[")


def _csv_row(record: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(record.decode("utf-8"))))
    return rows[0] if rows else []


def _csv_line(values: Any) -> bytes:
    values = values if isinstance(values, list) else [values]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue().encode("utf-8")


def filter_input(record: bytes, expression: str | None, content_type: str | None) -> bytes:
    if not expression or expression == "$":
        return record
    if _is_json(content_type, record):
        return json.dumps(jsonpath(expression, json.loads(record))).encode("utf-8")
    return _csv_line(jsonpath(expression, _csv_row(record)))


def join_and_filter(
    source: bytes,
    output: bytes,
    *,
    join_source: str | None,
    output_filter: str | None,
    content_type: str | None,
    accept: str | None,
) -> bytes:
    """One input record's final output line: joined with its input (JoinSource=Input), then OutputFilter."""
    json_input = _is_json(content_type, source)
    if join_source == "Input":
        if json_input:
            document = json.loads(source)
            result = _parse_output(output, accept)
            if isinstance(document, dict):
                joined: Any = {**document, "SageMakerOutput": result}
            else:
                joined = [*document, result]
        else:
            out_row = _csv_row(output) if not _is_json(accept, output) else [json.loads(output)]
            joined = _csv_row(source) + out_row
    else:
        if not output_filter or output_filter == "$":
            return output
        joined = json.loads(output) if _is_json(accept, output) else _csv_row(output)
    if output_filter and output_filter != "$":
        joined = jsonpath(output_filter, joined)
    if (json_input and join_source == "Input") or isinstance(joined, dict):
        return json.dumps(joined).encode("utf-8")
    return _csv_line(joined)


def _parse_output(output: bytes, accept: str | None) -> Any:
    try:
        return json.loads(output)
    except ValueError:
        return output.decode("utf-8")
