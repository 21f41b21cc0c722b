"""Batch-transform record rules (sagemaker_lite.local.transform.records): split, batch, filter, join, assemble."""

from __future__ import annotations

import json
import struct

from sagemaker_lite.local.transform.records import (
    RECORDIO_MAGIC,
    assemble,
    batches,
    filter_input,
    join_and_filter,
    jsonpath,
    payload,
    split_records,
)


def test_line_split_drops_only_the_empty_last_line() -> None:
    assert split_records(b"a,1\nb,2\n", "Line") == [b"a,1", b"b,2"]
    assert split_records(b"a,1\r\nb,2", "Line") == [b"a,1", b"b,2"]
    assert split_records(b"whole", None) == [b"whole"]


def test_recordio_split_keeps_each_record_framed() -> None:
    def record(data: bytes) -> bytes:
        return struct.pack("<II", RECORDIO_MAGIC, len(data)) + data + b"\0" * (-len(data) % 4)

    data = record(b"abc") + record(b"defgh")
    assert split_records(data, "RecordIO") == [record(b"abc"), record(b"defgh")]


def test_multirecord_batches_respect_the_payload_limit() -> None:
    records = [b"x" * 400_000] * 5
    groups = batches(records, strategy="MultiRecord", split_type="Line", max_payload_mb=1)
    assert [len(g) for g in groups] == [2, 2, 1]
    assert batches(records, strategy="SingleRecord", split_type="Line", max_payload_mb=1) == [[r] for r in records]
    assert payload([b"a", b"b"], "Line") == b"a\nb\n"


def test_assemble_with_line_ends_every_response_with_a_newline() -> None:
    assert assemble([b"1\n2", b"3\n"], "Line") == b"1\n2\n3\n"
    assert assemble([b"1", b"2"], None) == b"12"


def test_the_documented_csv_example() -> None:
    """InputFilter $[1:] drops the ID; JoinSource=Input appends the prediction; OutputFilter $[0,-1] keeps both."""
    source = b"id1,2.5,3.1,0.4"
    assert filter_input(source, "$[1:]", "text/csv") == b"2.5,3.1,0.4"
    joined = join_and_filter(
        source, b"0.92", join_source="Input", output_filter="$[0,-1]", content_type="text/csv", accept="text/csv"
    )
    assert joined == b"id1,0.92"


def test_json_join_puts_the_output_under_sagemaker_output() -> None:
    source = b'{"id": 7, "features": [1, 2]}'
    assert filter_input(source, "$.features", "application/json") == b"[1, 2]"
    joined = join_and_filter(
        source,
        b"[0.3]",
        join_source="Input",
        output_filter=None,
        content_type="application/json",
        accept="application/json",
    )
    assert json.loads(joined) == {"id": 7, "features": [1, 2], "SageMakerOutput": [0.3]}
    assert jsonpath("$['SageMakerOutput'][0]", json.loads(joined)) == 0.3
    assert jsonpath("$[0,2]", [5, 6, 7]) == [5, 7] and jsonpath("$[-1]", [5, 6, 7]) == 7
